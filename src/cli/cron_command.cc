#include "cli/cron_command.h"

#include <date/date.h>

#include <CLI/CLI.hpp>
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

// Returns the index in argv of the command word: the first word that is
// not an option or the value of --url. Returns argc when there is none.
int FindCommandWord(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--url") {
      ++i;
      continue;
    }
    if (!word.empty() && word.front() == '-') continue;
    return i;
  }
  return argc;
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string joined;
  for (const std::string& word : words) {
    if (!joined.empty()) joined += ' ';
    joined += word;
  }
  return joined;
}

// "2024-03-10 03:00:00 -04:00 EDT": the local time with its offset and
// abbreviation.
std::string DescribeLocalTime(const CronOccurrence& occurrence) {
  return FormatLocalTime(occurrence.local_time, ' ') + " " +
         FormatUtcOffset(occurrence.utc_offset) + " " + occurrence.abbreviation;
}

std::string DescribeMarks(const CronOccurrence& occurrence) {
  std::string note;
  if (occurrence.skipped_local_time) {
    // The date is shown only when the skipped time lies on another local
    // day than the occurrence, as when clocks jump over midnight.
    const bool same_day = date::floor<date::days>(*occurrence.skipped_local_time) ==
                          date::floor<date::days>(occurrence.local_time);
    const std::string skipped = FormatLocalTime(*occurrence.skipped_local_time, ' ');
    note = "moved: " + (same_day ? skipped.substr(11) : skipped) + " does not exist (DST gap)";
  }
  if (occurrence.overlap_pass) {
    if (!note.empty()) note += "; ";
    note += "repeated time (DST overlap), " +
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

bool IsCronCommand(int argc, const char* const* argv) {
  const int index = FindCommandWord(argc, argv);
  return index < argc && std::string_view(argv[index]) == "cron";
}

ParsedCronCommand ParseCronCommandLine(int argc, const char* const* argv, std::ostream& out,
                                       std::ostream& err) {
  CLI::App app(
      "Print the next times a schedule runs, computed on this machine (no host needed). Each "
      "line shows the local time with its UTC offset and zone abbreviation, the UTC time, and "
      "a note when a DST change moves or repeats that time.",
      "webjobs cron");
  std::vector<std::string> words;
  std::string time_zone;
  std::string from;
  CronFlags flags;
  app.add_option("expression", words,
                 "NCRONTAB schedule, six fields with seconds first (\"0 */5 * * * *\") or "
                 "five in classic crontab form. Quote it, because the shell expands *")
      ->required();
  CLI::Option* time_zone_option = app.add_option(
      "--time-zone", time_zone,
      "IANA zone name or Windows zone id (default: $WEBSITE_TIME_ZONE, else the system zone)");
  CLI::Option* from_option =
      app.add_option("--from", from,
                     "List occurrences at or after this ISO 8601 instant, such as "
                     "2024-03-10T00:00:00Z (default: now)");
  app.add_option("--count", flags.count, "Number of occurrences, 1 to 1000")->capture_default_str();
  app.add_flag("--json", flags.json, "Print the JSON of GET /api/schedule/preview");

  // CLI11 reads argv[0] as the program name, so the word `cron` takes its
  // place and the words before it (--url and its value) are left out.
  const int command = FindCommandWord(argc, argv);
  std::vector<const char*> arguments(argv + std::min(command, argc), argv + argc);
  if (arguments.empty()) arguments.push_back("cron");
  try {
    app.parse(static_cast<int>(arguments.size()), arguments.data());
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error, out, err);
    return {std::nullopt, code == 0 ? kExitSuccess : kExitCliUsage};
  }

  flags.expression = JoinWords(words);
  if (time_zone_option->count() > 0) flags.time_zone = time_zone;
  if (from_option->count() > 0) flags.from = from;
  return {flags, kExitSuccess};
}

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
