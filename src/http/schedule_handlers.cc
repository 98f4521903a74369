#include "http/schedule_handlers.h"

#include <date/date.h>

#include <charconv>
#include <utility>

#include "cron/time_zone.h"
#include "http/http_reply.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

using nlohmann::json;

// The keys dst_gap and dst_overlap predate the `change` key, which
// distinguishes a DST change from another change of the UTC offset. They
// keep their names for existing clients.
json OccurrenceToJson(const CronOccurrence& occurrence) {
  json gap = nullptr;
  if (occurrence.skipped_local_time) {
    gap = json{{"skipped_local_time", FormatLocalTime(*occurrence.skipped_local_time)},
               {"change", std::string(OffsetChangeKindName(occurrence.gap_change))}};
  }
  json overlap = nullptr;
  if (occurrence.overlap_pass) {
    overlap = json{{"pass", std::string(OverlapPassName(*occurrence.overlap_pass))},
                   {"change", std::string(OffsetChangeKindName(occurrence.overlap_change))}};
  }
  const std::string local = FormatLocalTime(occurrence.local_time);
  return json{
      {"time", local + FormatUtcOffset(occurrence.utc_offset)},
      {"utc", FormatLocalTime(date::local_seconds{occurrence.utc.time_since_epoch()}) + "Z"},
      {"offset", FormatUtcOffset(occurrence.utc_offset)},
      {"abbreviation", occurrence.abbreviation},
      {"local_time", local},
      {"dst_gap", std::move(gap)},
      {"dst_overlap", std::move(overlap)}};
}

// Returns the value of query parameter `name`, or nullopt when it is
// missing or empty.
std::optional<std::string> QueryValue(const httplib::Request& request, const std::string& name) {
  if (!request.has_param(name)) return std::nullopt;
  std::string value = request.get_param_value(name);
  if (value.empty()) return std::nullopt;
  return value;
}

Result<int> ParseCount(const std::string& text) {
  int count = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, count);
  if (error != std::errc() || stop != end || count < 1 || count > kMaxOccurrenceCount) {
    return InvalidArgument("invalid query value count=" + QuoteForMessage(text) +
                           ": use a whole number from 1 to " + std::to_string(kMaxOccurrenceCount));
  }
  return count;
}

}  // namespace

Result<SchedulePreview> ComputeSchedulePreview(const SchedulePreviewRequest& request,
                                               const date::time_zone* default_zone,
                                               std::chrono::system_clock::time_point now) {
  Result<CronSchedule> schedule = CronSchedule::Parse(request.expression);
  if (!schedule.ok()) return schedule.error();

  const date::time_zone* zone = default_zone;
  if (!request.time_zone.empty()) {
    Result<const date::time_zone*> located = LocateTimeZone(request.time_zone);
    if (!located.ok()) return located.error();
    zone = *located;
  }

  Result<std::vector<CronOccurrence>> occurrences =
      ListOccurrences(*schedule, zone, request.from.value_or(now), request.count);
  if (!occurrences.ok()) return occurrences.error();
  return SchedulePreview{std::move(schedule.value()), zone, std::move(occurrences.value())};
}

json SchedulePreviewToJson(const SchedulePreview& preview) {
  json occurrences = json::array();
  for (const CronOccurrence& occurrence : preview.occurrences) {
    occurrences.push_back(OccurrenceToJson(occurrence));
  }
  return json{{"expression", preview.schedule.expression()},
              {"expanded", preview.schedule.Expanded()},
              {"time_zone", preview.zone != nullptr ? preview.zone->name() : std::string("UTC")},
              {"is_interval", preview.schedule.IsInterval()},
              {"occurrences", std::move(occurrences)}};
}

Result<SchedulePreviewRequest> ParseSchedulePreviewQuery(const httplib::Request& request) {
  SchedulePreviewRequest preview;
  if (!request.has_param("expression")) {
    return InvalidArgument(
        "missing query parameter expression; send the schedule percent-encoded, for example "
        "?expression=0%20*/5%20*%20*%20*%20*");
  }
  preview.expression = request.get_param_value("expression");
  preview.time_zone = QueryValue(request, "time_zone").value_or("");

  if (std::optional<std::string> count = QueryValue(request, "count")) {
    Result<int> parsed = ParseCount(*count);
    if (!parsed.ok()) return parsed.error();
    preview.count = *parsed;
  }
  if (std::optional<std::string> from = QueryValue(request, "from")) {
    Result<std::chrono::system_clock::time_point> instant =
        ParseIsoInstant(*from, InstantSource::kUrlQuery);
    if (!instant.ok()) return InvalidArgument("from: " + instant.error().message);
    preview.from = *instant;
  }
  return preview;
}

void ScheduleHandlers::Preview(const Route&, RequestContext& context, httplib::Response& response) {
  Result<SchedulePreviewRequest> request = ParseSchedulePreviewQuery(context.http);
  if (!request.ok()) return ReplyError(response, request.error());
  Result<SchedulePreview> preview = ComputeSchedulePreview(*request, default_zone_, context.now);
  if (!preview.ok()) return ReplyError(response, preview.error());
  ReplyJson(response, 200, SchedulePreviewToJson(*preview));
}

}  // namespace webjobs
