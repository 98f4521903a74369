#include "cli/cron_command.h"

#include <date/date.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "cli/exit_codes.h"
#include "cron/cron_occurrence.h"
#include "cron/time_zone.h"

namespace webjobs {
namespace {

using nlohmann::json;

// "2024-03-10 03:00:00 -04:00 EDT": the local time with its offset and
// abbreviation.
std::string DescribeLocalTime(const CronOccurrence& occurrence) {
  return FormatLocalTime(occurrence.local_time, ' ') + " " +
         FormatUtcOffset(occurrence.utc_offset) + " " + occurrence.abbreviation;
}

// Returns the notes for a moved or repeated time, such as "moved: 02:30:00
// does not exist (DST gap)". A change of the UTC offset that is not a DST
// change reads "(UTC offset change)" in place of "(DST gap)" or "(DST
// overlap)".
std::string DescribeMarks(const CronOccurrence& occurrence) {
  std::string note;
  if (occurrence.skipped_local_time) {
    // The date is shown only when the skipped time lies on another local
    // day than the occurrence, as when clocks jump over midnight.
    const bool same_day = date::floor<date::days>(*occurrence.skipped_local_time) ==
                          date::floor<date::days>(occurrence.local_time);
    const std::string skipped = FormatLocalTime(*occurrence.skipped_local_time, ' ');
    const bool dst = occurrence.gap_change == OffsetChangeKind::kDst;
    note = "moved: " + (same_day ? skipped.substr(11) : skipped) + " does not exist (" +
           (dst ? "DST gap" : "UTC offset change") + ")";
  }
  if (occurrence.overlap_pass) {
    if (!note.empty()) note += "; ";
    const bool dst = occurrence.overlap_change == OffsetChangeKind::kDst;
    note += "repeated time (" + std::string(dst ? "DST overlap" : "UTC offset change") + "), " +
            std::string(OverlapPassName(*occurrence.overlap_pass)) + " pass";
  }
  return note;
}

void PrintText(const SchedulePreview& preview, int requested_count, std::ostream& out) {
  const std::string zone_name = preview.zone != nullptr ? preview.zone->name() : "UTC";
  out << "expression: " << preview.schedule.expression()
      << "  expanded: " << preview.schedule.Expanded() << "  time zone: " << zone_name << "\n";

  std::vector<std::string> local_times;
  size_t width = 0;
  for (const CronOccurrence& occurrence : preview.occurrences) {
    local_times.push_back(DescribeLocalTime(occurrence));
    width = std::max(width, local_times.back().size());
  }
  for (size_t i = 0; i < preview.occurrences.size(); ++i) {
    const CronOccurrence& occurrence = preview.occurrences[i];
    std::string line = local_times[i];
    line.resize(width, ' ');
    line += "  " + FormatLocalTime(date::local_seconds{occurrence.utc.time_since_epoch()}) + "Z";
    const std::string marks = DescribeMarks(occurrence);
    if (!marks.empty()) line += "  " + marks;
    out << line << "\n";
  }
  if (preview.occurrences.size() < static_cast<size_t>(requested_count)) {
    out << "no further occurrences before 2262-04-11, the end of the supported time range\n";
  }
}

// Returns the zone named by WEBSITE_TIME_ZONE, else the system zone, as
// the host chooses its default. An invalid setting is reported on `err`.
const date::time_zone* EnvironmentTimeZone(std::ostream& err) {
  const char* setting = std::getenv("WEBSITE_TIME_ZONE");
  const std::string_view value = setting != nullptr ? setting : "";
  if (value.find_first_not_of(" \t") != std::string_view::npos) {
    Result<const date::time_zone*> zone = LocateTimeZone(value);
    if (zone.ok()) return *zone;
    err << "webjobs: warning: WEBSITE_TIME_ZONE: " << zone.error().message
        << "; using the system time zone\n";
  }
  return DefaultTimeZone("");
}

}  // namespace

Status PrintCronPreview(const CronFlags& flags, const date::time_zone* default_zone,
                        std::chrono::system_clock::time_point now, std::ostream& out) {
  if (flags.time_zone && flags.time_zone->find_first_not_of(" \t") == std::string::npos) {
    return InvalidArgument(
        "--time-zone is empty; use an IANA name such as 'Asia/Seoul' or leave the option out");
  }
  SchedulePreviewRequest request;
  request.expression = flags.expression;
  request.time_zone = flags.time_zone.value_or("");
  request.count = flags.count;
  if (flags.from) {
    Result<std::chrono::system_clock::time_point> from = ParseIsoInstant(*flags.from);
    if (!from.ok()) return InvalidArgument("--from: " + from.error().message);
    request.from = *from;
  }

  Result<SchedulePreview> preview = ComputeSchedulePreview(request, default_zone, now);
  if (!preview.ok()) return preview.error();
  if (flags.json) {
    out << SchedulePreviewToJson(*preview).dump(2, ' ', false, json::error_handler_t::replace)
        << "\n";
    return Status::Ok();
  }
  PrintText(*preview, flags.count, out);
  return Status::Ok();
}

int RunCronCommand(const CronFlags& flags, std::ostream& out, std::ostream& err) {
  // The environment's zone is looked up only when the command needs it.
  const date::time_zone* default_zone = nullptr;
  if (!flags.time_zone) default_zone = EnvironmentTimeZone(err);
  Status printed = PrintCronPreview(flags, default_zone, std::chrono::system_clock::now(), out);
  if (!printed.ok()) {
    err << "webjobs: error: " << printed.error().message << "\n";
    // Only a zone whose data file cannot be read fails for another reason.
    return printed.error().code == ErrorCode::kInvalidArgument ? kExitCliUsage : kExitRequestFailed;
  }
  return kExitSuccess;
}

}  // namespace webjobs
