// GET /api/schedule/preview (extension): the next occurrences of a
// schedule expression in a time zone, with the marks for moved and
// repeated times of cron/cron_occurrence.h. It lets a client check a
// schedule before it deploys it.
//
// The handler is pure computation on the request thread: it touches no
// job state and makes no round trip through the event loop. Thread-safe.
#pragma once

#include <date/tz.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "cron/cron_occurrence.h"
#include "cron/cron_schedule.h"
#include "http/api_route.h"
#include "http/request_context.h"

namespace webjobs {

// Number of occurrences when the request does not set `count`.
inline constexpr int kDefaultPreviewCount = 5;

// The inputs of a preview, as given by a query string or the command line.
struct SchedulePreviewRequest {
  std::string expression;
  std::string time_zone;  // IANA name or Windows id; empty means the default zone
  int count = kDefaultPreviewCount;
  std::optional<std::chrono::system_clock::time_point> from;  // nullopt means now
};

// A computed preview.
struct SchedulePreview {
  CronSchedule schedule;
  const date::time_zone* zone = nullptr;  // nullptr means UTC
  std::vector<CronOccurrence> occurrences;
};

// Parses the expression, looks up the zone (`default_zone` when the
// request names none) and lists the occurrences from `request.from`, else
// from `now`. Returns kInvalidArgument with the message of the schedule
// parser, the zone lookup or the count check.
Result<SchedulePreview> ComputeSchedulePreview(const SchedulePreviewRequest& request,
                                               const date::time_zone* default_zone,
                                               std::chrono::system_clock::time_point now);

// Builds the response body {"expression", "expanded", "time_zone",
// "is_interval", "occurrences": [...]}. docs/api.md lists the fields.
nlohmann::json SchedulePreviewToJson(const SchedulePreview& preview);

// Reads `expression`, `time_zone`, `count` and `from` from the query. An
// empty value counts as not given, except for `expression`, which is
// required. Returns kInvalidArgument naming the parameter and its value.
Result<SchedulePreviewRequest> ParseSchedulePreviewQuery(const httplib::Request& request);

class ScheduleHandlers {
 public:
  // `default_zone` (nullptr means UTC) applies when a request names no
  // zone; the host passes the zone it uses for schedules.
  explicit ScheduleHandlers(const date::time_zone* default_zone) : default_zone_(default_zone) {}

  // 200 with the preview JSON, or 400 naming the invalid parameter.
  void Preview(const Route& route, RequestContext& context, httplib::Response& response);

 private:
  const date::time_zone* default_zone_;
};

}  // namespace webjobs
