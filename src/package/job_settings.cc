#include "package/job_settings.h"

#include <cmath>
#include <csignal>
#include <limits>

#include "package/ascii_case.h"
#include "package/message_value.h"
#include "package/text_encoding.h"

namespace webjobs {
namespace {

using nlohmann::json;

constexpr std::string_view kFileLabel = "settings.job";
constexpr int kMaxSignal = 64;  // SIGRTMAX on Linux

// Thrown by the parser callback to stop at a nesting limit; never leaves
// this file.
struct NestingTooDeep {};

// A settings value with its text for error messages. `text` is
// ValueText(data), except for a number too large for a double. The parser
// cannot store such a number, so `data` is then an infinity and `text` the
// number as written in the file.
struct SettingValue {
  const json& data;
  std::string text;
};

// Returns `number` as error messages write it: a whole number without a
// fraction (1e12 reads as 1000000000000), so that a message never calls a
// whole number fractional.
std::string NumberText(const json& number) {
  if (!number.is_number_float()) return number.dump();
  double value = number.get<double>();
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "infinity" : "-infinity";
  // Whole doubles below 1e15 print exactly as integers, and larger ones
  // keep the exponent form (1e+300) that dump() gives.
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  return number.dump();
}

std::string ValueText(const json& value) {
  if (value.is_string()) return QuoteForMessage(value.get_ref<const std::string&>(), 80);
  if (value.is_boolean()) return value.dump();
  if (value.is_number()) return NumberText(value);
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

SettingValue MakeSettingValue(const json& data) { return SettingValue{data, ValueText(data)}; }

bool HasFraction(const json& value) {
  if (!value.is_number_float()) return false;
  double number = value.get<double>();
  return std::isfinite(number) && number != std::trunc(number);
}

// Returns the value's text followed by its JSON type, such as
// `"60" (a string)` or `60.5 (a number with a fraction)`.
std::string DescribeValue(const SettingValue& value) {
  const json& data = value.data;
  if (data.is_string()) return value.text + " (a string)";
  if (data.is_boolean()) return value.text + " (a boolean)";
  if (HasFraction(data)) return value.text + " (a number with a fraction)";
  if (data.is_number()) return value.text + " (a number)";
  return value.text;
}

Error BadValue(std::string_view key, const SettingValue& value, std::string_view expected) {
  return InvalidArgument(std::string(kFileLabel) + ": \"" + std::string(key) + "\" must be " +
                         std::string(expected) + ", found " + DescribeValue(value));
}

Error OutOfRange(std::string_view key, const SettingValue& value, std::string_view expected) {
  return InvalidArgument(std::string(kFileLabel) + ": \"" + std::string(key) +
                         "\" is out of range: found " + value.text + ", but it must be " +
                         std::string(expected));
}

Result<std::string> ReadString(std::string_view key, const SettingValue& value) {
  if (!value.data.is_string()) return BadValue(key, value, "a string");
  return value.data.get<std::string>();
}

Result<bool> ReadBool(std::string_view key, const SettingValue& value) {
  if (!value.data.is_boolean()) return BadValue(key, value, "true or false (without quotes)");
  return value.data.get<bool>();
}

// Reads a whole number from `minimum` to `maximum`. JSON does not tell
// integers from other numbers, so 60.0 and 6e1 read as 60, as 60 does. A
// number with a fraction is the wrong kind of value, and a whole number
// outside the range is out of range however it is written. `expected`
// names the allowed values for the message.
Result<int64_t> ReadWholeNumber(std::string_view key, const SettingValue& value, int64_t minimum,
                                int64_t maximum, std::string_view expected) {
  const json& data = value.data;
  if (!data.is_number() || HasFraction(data)) return BadValue(key, value, expected);

  std::optional<int64_t> number;  // empty when the value does not fit in int64_t
  if (data.is_number_unsigned()) {
    uint64_t unsigned_number = data.get<uint64_t>();
    if (unsigned_number <= uint64_t{std::numeric_limits<int64_t>::max()}) {
      number = static_cast<int64_t>(unsigned_number);
    }
  } else if (data.is_number_integer()) {
    number = data.get<int64_t>();
  } else {
    double whole = data.get<double>();
    if (std::isnan(whole)) return BadValue(key, value, expected);
    // The bounds lie inside int64_t, so the cast below is exact.
    if (whole >= -9e18 && whole <= 9e18) number = static_cast<int64_t>(whole);
  }
  if (!number || *number < minimum || *number > maximum) return OutOfRange(key, value, expected);
  return *number;
}

// Reads a whole number within [minimum, kMaxSettingSeconds]. `unit` goes
// into the message ("a whole number of seconds from 0 to ...").
Result<int64_t> ReadInteger(std::string_view key, const SettingValue& value, int64_t minimum,
                            std::string_view unit) {
  std::string expected = "a whole number" + std::string(unit) + " from " + std::to_string(minimum) +
                         " to " + std::to_string(kMaxSettingSeconds);
  return ReadWholeNumber(key, value, minimum, kMaxSettingSeconds, expected);
}

Result<std::chrono::seconds> ReadSeconds(std::string_view key, const SettingValue& value,
                                         int64_t minimum) {
  Result<int64_t> number = ReadInteger(key, value, minimum, " of seconds");
  if (!number.ok()) return number.error();
  return std::chrono::seconds(*number);
}

struct SignalName {
  std::string_view name;
  int number;
};

constexpr SignalName kSignalNames[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
    {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

std::optional<int> SignalFromText(std::string_view text) {
  std::string upper = ToUpperAscii(text);
  std::string_view name = upper;
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (const SignalName& signal : kSignalNames) {
    if (signal.name == name) return signal.number;
  }
  if (name.empty() || name.size() > 2 || name.find_first_not_of("0123456789") != name.npos) {
    return std::nullopt;
  }
  int number = std::stoi(std::string(name));
  if (number < 1 || number > kMaxSignal) return std::nullopt;
  return number;
}

Result<int> ReadSignal(std::string_view key, const SettingValue& value) {
  constexpr std::string_view kExpected =
      "a signal name such as \"SIGTERM\", \"TERM\" or \"SIGINT\", or a number from 1 to 64";
  if (value.data.is_number()) {
    Result<int64_t> number = ReadWholeNumber(key, value, 1, kMaxSignal, kExpected);
    if (!number.ok()) return number.error();
    return static_cast<int>(*number);
  }
  if (!value.data.is_string()) return BadValue(key, value, kExpected);
  std::optional<int> number = SignalFromText(value.data.get_ref<const std::string&>());
  if (!number) return BadValue(key, value, kExpected);
  return *number;
}

template <typename Enum, size_t N>
Result<Enum> ReadChoice(std::string_view key, const SettingValue& value,
                        const std::pair<std::string_view, Enum> (&choices)[N]) {
  std::string expected = "one of";
  for (size_t i = 0; i < N; ++i) {
    expected += (i == 0 ? " \"" : ", \"") + std::string(choices[i].first) + "\"";
  }
  if (!value.data.is_string()) return BadValue(key, value, expected);
  for (const auto& [name, choice] : choices) {
    if (value.data.get_ref<const std::string&>() == name) return choice;
  }
  return BadValue(key, value, expected);
}

constexpr std::pair<std::string_view, CatchUpPolicy> kCatchUpChoices[] = {
    {"kudu", CatchUpPolicy::kKudu},
    {"none", CatchUpPolicy::kNone},
    {"latest", CatchUpPolicy::kLatest},
    {"all", CatchUpPolicy::kAll},
};

constexpr std::pair<std::string_view, OverlapPolicy> kOverlapChoices[] = {
    {"skip", OverlapPolicy::kSkip},
    {"queue_one", OverlapPolicy::kQueueOne},
    {"replace", OverlapPolicy::kReplace},
    {"allow", OverlapPolicy::kAllow},
};

// "queue" shipped before "queue_one" and keeps working. It is left out of
// kOverlapChoices so that error messages list only the documented names.
constexpr std::string_view kQueueOneAlias = "queue";

Result<OverlapPolicy> ReadOverlap(std::string_view key, const SettingValue& value) {
  if (value.data.is_string() && value.data.get_ref<const std::string&>() == kQueueOneAlias) {
    return OverlapPolicy::kQueueOne;
  }
  return ReadChoice(key, value, kOverlapChoices);
}

template <typename T, typename U>
Status Assign(Result<T> result, std::optional<U>& field) {
  if (!result.ok()) return result.error();
  field = std::move(result.value());
  return Status::Ok();
}

using KeyReader = Status (*)(std::string_view key, const SettingValue& value,
                             JobSettings& settings);

struct KnownKey {
  std::string_view name;
  KeyReader read;
};

constexpr KnownKey kKnownKeys[] = {
    {"schedule",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadString(key, value), settings.schedule);
     }},
    {"is_singleton",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadBool(key, value), settings.is_singleton);
     }},
    {"stopping_wait_time",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadSeconds(key, value, 0), settings.stopping_wait_time);
     }},
    {"is_in_place",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadBool(key, value), settings.is_in_place);
     }},
    {"time_zone",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadString(key, value), settings.time_zone);
     }},
    {"stop_signal",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadSignal(key, value), settings.stop_signal);
     }},
    {"history_size",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadInteger(key, value, 1, ""), settings.history_size);
     }},
    {"idle_timeout",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadSeconds(key, value, 0), settings.idle_timeout);
     }},
    {"restart_delay",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadSeconds(key, value, 0), settings.restart_delay);
     }},
    {"catch_up",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadChoice(key, value, kCatchUpChoices), settings.catch_up);
     }},
    {"catch_up_window",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadSeconds(key, value, 1), settings.catch_up_window);
     }},
    {"overlap",
     [](std::string_view key, const SettingValue& value, JobSettings& settings) {
       return Assign(ReadOverlap(key, value), settings.overlap);
     }},
};

// Returns true when `value` nests arrays or objects deeper than `limit`.
// The recursion stops at the limit, so the stack use is bounded.
bool NestsDeeperThan(const json& value, int limit) {
  if (!value.is_structured()) return false;
  if (limit == 0) return true;
  for (const json& child : value) {
    if (NestsDeeperThan(child, limit - 1)) return true;
  }
  return false;
}

Error TooDeep() {
  return InvalidArgument(std::string(kFileLabel) + " nests arrays or objects more than " +
                         std::to_string(kMaxSettingsDepth) + " levels deep");
}

// Describes where the parser stopped: `byte` is nlohmann's count of bytes
// read, so the offending byte is at index byte - 1. Columns count
// characters (UTF-8 sequences), as editors show them, not bytes.
std::string DescribePosition(std::string_view text, size_t byte) {
  size_t index = std::min(byte > 0 ? byte - 1 : 0, text.size());
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < index; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Keeps the part of nlohmann's parse_error message after its
// "[json.exception.parse_error.101] parse error at line L, column C:
// syntax error while parsing value - " prefix.
std::string DescribeSyntaxError(std::string_view what) {
  size_t column = what.find("column ");
  size_t colon = column == std::string_view::npos ? column : what.find(": ", column);
  std::string_view detail = colon == std::string_view::npos ? what : what.substr(colon + 2);
  size_t dash = detail.starts_with("syntax error") ? detail.find(" - ") : std::string_view::npos;
  if (dash != std::string_view::npos) detail.remove_prefix(dash + 3);
  return EscapeForMessage(detail);
}

const KnownKey* FindKnownKey(std::string_view name) {
  for (const KnownKey& known : kKnownKeys) {
    if (known.name == name) return &known;
  }
  return nullptr;
}

// The parser's position: the number of open arrays and objects, and the
// last key read at the top level.
struct ParseTrail {
  int open = 0;
  std::string top_key;
};

// Reports a number too large for a double (1e999 or -1e999), which
// nlohmann rejects with out_of_range.406 and no position. `what` is its
// message, which ends in "number overflow parsing '1e999'". The value of a
// known key gets the message its reader gives for any value out of range.
// Any other number is reported with its top-level key.
Error NumberTooLarge(std::string_view what, const ParseTrail& trail) {
  size_t open_quote = what.find('\'');
  size_t close_quote = what.rfind('\'');
  std::string number = "a number";
  if (open_quote != std::string_view::npos && close_quote > open_quote) {
    number = EscapeForMessage(what.substr(open_quote + 1, close_quote - open_quote - 1), 80);
  }

  const KnownKey* known = trail.open == 1 ? FindKnownKey(trail.top_key) : nullptr;
  if (known != nullptr) {
    double infinity = std::numeric_limits<double>::infinity();
    json stand_in = number.starts_with("-") ? -infinity : infinity;
    JobSettings unused;
    Status read = known->read(known->name, SettingValue{stand_in, number}, unused);
    if (!read.ok()) return read.error();
  }
  std::string place = trail.top_key.empty() ? "" : " in " + QuoteForMessage(trail.top_key);
  return InvalidArgument(std::string(kFileLabel) + ": the number " + number + place +
                         " is out of range: numbers must lie between -1.7e308 and 1.7e308, the "
                         "range of a double");
}

Result<json> ParseJsonText(const std::string& text) {
  ParseTrail trail;
  json::parser_callback_t follow = [&trail](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxSettingsDepth) throw NestingTooDeep{};
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        ++trail.open;
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        --trail.open;
        break;
      case json::parse_event_t::key:
        if (depth == 1) trail.top_key = parsed.get<std::string>();
        break;
      case json::parse_event_t::value:
        break;
    }
    return true;
  };
  try {
    json parsed = json::parse(text, follow, /*allow_exceptions=*/true, /*ignore_comments=*/true);
    return parsed;
  } catch (const json::parse_error& error) {
    return InvalidArgument(std::string(kFileLabel) +
                           " is not valid JSON: " + DescribePosition(text, error.byte) + ": " +
                           DescribeSyntaxError(error.what()));
  } catch (const json::out_of_range& error) {
    if (error.id == 406) return NumberTooLarge(error.what(), trail);
    return InvalidArgument(std::string(kFileLabel) +
                           " is not valid JSON: " + DescribeLibraryError(error.what()));
  } catch (const json::exception& error) {
    return InvalidArgument(std::string(kFileLabel) +
                           " is not valid JSON: " + DescribeLibraryError(error.what()));
  } catch (const NestingTooDeep&) {
    return TooDeep();
  }
}

void WarnAboutKeyCase(const std::string& key, std::vector<std::string>& warnings) {
  for (const KnownKey& known : kKnownKeys) {
    if (EqualsIgnoringAsciiCase(key, known.name)) {
      warnings.push_back(std::string(kFileLabel) + ": unknown key " + QuoteForMessage(key) +
                         "; keys are case-sensitive, did you mean \"" + std::string(known.name) +
                         "\"?");
      return;
    }
  }
}

}  // namespace

Result<JobSettings> JobSettingsFromJson(const json& object) {
  if (!object.is_object()) {
    return InvalidArgument(std::string(kFileLabel) +
                           " must contain a JSON object such as {\"schedule\": \"0 0 * * * *\"}, "
                           "found " +
                           DescribeValue(MakeSettingValue(object)));
  }
  if (NestsDeeperThan(object, kMaxSettingsDepth)) return TooDeep();

  JobSettings settings;
  settings.raw = object;
  for (const auto& [key, value] : object.items()) {
    const KnownKey* known = FindKnownKey(key);
    if (known == nullptr) {
      WarnAboutKeyCase(key, settings.warnings);
      continue;
    }
    if (value.is_null()) continue;
    Status status = known->read(known->name, MakeSettingValue(value), settings);
    if (!status.ok()) return status.error();
  }
  return settings;
}

Result<JobSettings> ParseJobSettings(std::string_view file_bytes) {
  if (file_bytes.size() > kMaxSettingsFileBytes) {
    return InvalidArgument(std::string(kFileLabel) + " is " + std::to_string(file_bytes.size()) +
                           " bytes long; the limit is " + std::to_string(kMaxSettingsFileBytes) +
                           " bytes");
  }
  Result<std::string> text = DecodeTextToUtf8(file_bytes, kFileLabel);
  if (!text.ok()) return text.error();
  if (text->find_first_not_of(" \t\r\n") == std::string::npos) return JobSettings{};

  Result<json> parsed = ParseJsonText(*text);
  if (!parsed.ok()) return parsed.error();
  return JobSettingsFromJson(*parsed);
}

std::string SerializeJobSettings(const json& settings) {
  return settings.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::chrono::seconds DefaultStoppingWaitTime(JobType type) {
  return type == JobType::kContinuous ? std::chrono::seconds(5) : std::chrono::seconds(30);
}

std::string_view CatchUpPolicyName(CatchUpPolicy policy) {
  for (const auto& [name, choice] : kCatchUpChoices) {
    if (choice == policy) return name;
  }
  return "kudu";
}

std::string_view OverlapPolicyName(OverlapPolicy policy) {
  for (const auto& [name, choice] : kOverlapChoices) {
    if (choice == policy) return name;
  }
  return "skip";
}

}  // namespace webjobs
