// One field of an NCRONTAB expression: the set of values it allows.
//
// A field is parsed from its text into a bit set over the field's value
// range. The accepted forms, joined into lists by commas, are:
//   *        every value          5       one value
//   1-5      a range              22-2    a reversed range, which wraps
//                                         (22, 23, 0, 1, 2)
//   */15     every 15th value     5/15    from 5 to the maximum, every 15th
//   1-30/7   a range, every 7th   MON-FRI month and weekday names
// Month and weekday names are the English three-letter abbreviation or the
// full name, in any case. Day-of-week 7 is Sunday, like 0. Quartz and Vixie
// extensions (L, W, #, ?) are rejected with an error that names them.
//
// A CronField is an immutable value; it is safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace webjobs {

// The six fields of an NCRONTAB expression, in expression order.
enum class CronFieldKind { kSecond, kMinute, kHour, kDayOfMonth, kMonth, kDayOfWeek };

// Returns the field's name as error messages and docs spell it, for example
// "day-of-week".
std::string_view CronFieldName(CronFieldKind kind);

// Returns the English name of `month` (1-12), for example "February".
std::string_view CronMonthName(int month);

class CronField {
 public:
  // Parses `text`, the text of one field without surrounding white space.
  // `first_column` is the 1-based column of the field's first character in
  // the whole expression, so that errors point into what the user typed.
  // Returns kInvalidArgument when the text is not a valid field of `kind`.
  // The message quotes the bad token, gives its column, names the field and
  // the problem, and ends with the field's valid values and an example:
  //   '25' at column 5 in the hour field is out of range; valid hour values
  //   are 0-23, for example '9' or '8-18'
  // It does not quote the whole expression, so the caller adds that.
  static Result<CronField> Parse(CronFieldKind kind, std::string_view text, int first_column = 1);

  CronFieldKind kind() const { return kind_; }

  // Returns true when `value` is allowed. Day-of-week values are 0-6 with
  // 0 = Sunday; the 7 accepted by Parse is stored as 0.
  bool Contains(int value) const;

  // Returns the smallest allowed value that is >= `from`, or -1 when there
  // is none. `from` may be any int.
  int NextFrom(int from) const;

  // Returns true when every value of the field's range (0-6 for
  // day-of-week) is allowed.
  bool IsFull() const;

  // Returns true when the field's text contains `*`, `-` or `/`. For the
  // second, minute and hour fields this marks an interval schedule, which
  // runs in both passes of a daylight-saving overlap.
  bool UsesIntervalSyntax() const { return uses_interval_syntax_; }

  // Returns the set in canonical numeric text: "*" when full, otherwise
  // ascending values with runs of consecutive values written as ranges,
  // for example "0-2,22-23" for "22-2" and "1-5" for "MON-FRI".
  std::string Expanded() const;

 private:
  CronField(CronFieldKind kind, uint64_t bits, bool uses_interval_syntax)
      : kind_(kind), bits_(bits), uses_interval_syntax_(uses_interval_syntax) {}

  CronFieldKind kind_;
  uint64_t bits_;  // bit v is set when value v is allowed
  bool uses_interval_syntax_;
};

}  // namespace webjobs
