#include "http/api_route.h"

#include <span>

#include "http/request_path.h"
#include "package/ascii_case.h"
#include "package/job_name.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

using Segments = std::span<const std::string>;

// The result of matching the start of a path: the kind of route, the job
// type, and the segments after the type.
struct Prefix {
  enum class Kind {
    kHealth,
    kOpenApi,
    kSchedulePreview,
    kTriggeredSwagger,
    kDashboard,
    kListAll,
    kTyped,
    kDataFiles,
    kAccounts
  };
  Kind kind = Kind::kListAll;
  std::optional<JobType> type;
  Segments rest;
};

// One route below /api/{type}webjobs/{name}. An empty action is the job itself.
struct ActionRoute {
  std::string_view action;
  std::optional<JobType> only_type;
  std::string_view method;
  RouteKind kind;
};

constexpr ActionRoute kActionRoutes[] = {
    {"", std::nullopt, "GET", RouteKind::kGetJob},
    {"", std::nullopt, "PUT", RouteKind::kPutJob},
    {"", std::nullopt, "DELETE", RouteKind::kDeleteJob},
    {"run", JobType::kTriggered, "POST", RouteKind::kRunJob},
    {"cancel", JobType::kTriggered, "POST", RouteKind::kCancelRun},
    {"history", JobType::kTriggered, "GET", RouteKind::kListRuns},
    {"settings", std::nullopt, "GET", RouteKind::kGetSettings},
    {"settings", std::nullopt, "PUT", RouteKind::kPutSettings},
    {"settings", std::nullopt, "PATCH", RouteKind::kPatchSettings},
    {"start", JobType::kContinuous, "POST", RouteKind::kStartJob},
    {"stop", JobType::kContinuous, "POST", RouteKind::kStopJob},
};

Route MakeRoute(RouteKind kind, std::optional<JobType> type = std::nullopt,
                std::string job_name = {}, std::string run_id = {}) {
  Route route;
  route.kind = kind;
  route.type = type;
  route.job_name = std::move(job_name);
  route.run_id = std::move(run_id);
  return route;
}

bool Is(const std::string& segment, std::string_view literal) {
  return EqualsIgnoringAsciiCase(segment, literal);
}

std::optional<JobType> ParseTypeSegment(const std::string& segment) {
  return ParseJobType(ToLowerAscii(segment));
}

Error NoRoute(std::string_view method, std::string_view path, std::string_view hint = {}) {
  std::string message = "no route for " + std::string(method) + " " + QuoteForMessage(path);
  if (!hint.empty()) message += ": " + std::string(hint);
  return NotFound(std::move(message));
}

// Matches "/api/{type}webjobs" and the alias "/api/{type}jobs".
std::optional<JobType> ParseTypedCollection(const std::string& segment) {
  std::string lower = ToLowerAscii(segment);
  for (JobType type : {JobType::kTriggered, JobType::kContinuous}) {
    std::string name(JobTypeName(type));
    if (lower == name + "webjobs" || lower == name + "jobs") return type;
  }
  return std::nullopt;
}

std::optional<Prefix> MatchApiPrefix(Segments segments) {
  using Kind = Prefix::Kind;
  if (segments.size() == 2 && Is(segments[1], "health")) return Prefix{Kind::kHealth, {}, {}};
  if (segments.size() == 2 && Is(segments[1], "openapi.yaml")) {
    return Prefix{Kind::kOpenApi, {}, {}};
  }
  if (segments.size() == 3 && Is(segments[1], "schedule") && Is(segments[2], "preview")) {
    return Prefix{Kind::kSchedulePreview, {}, {}};
  }
  for (std::string_view collection : {"me", "users", "tokens", "audit"}) {
    if (Is(segments[1], collection)) return Prefix{Kind::kAccounts, {}, segments.subspan(1)};
  }
  if (segments.size() == 2 && Is(segments[1], "triggeredwebjobsswagger")) {
    return Prefix{Kind::kTriggeredSwagger, {}, {}};
  }
  if (segments.size() == 2 && (Is(segments[1], "webjobs") || Is(segments[1], "jobs"))) {
    return Prefix{Kind::kListAll, {}, {}};
  }
  if (segments.size() >= 3 && Is(segments[1], "jobs")) {
    std::optional<JobType> type = ParseTypeSegment(segments[2]);
    if (!type) return std::nullopt;
    return Prefix{Kind::kTyped, type, segments.subspan(3)};
  }
  if (segments.size() >= 4 && Is(segments[1], "vfs") && Is(segments[2], "data") &&
      Is(segments[3], "jobs")) {
    return Prefix{Kind::kDataFiles, {}, segments.subspan(4)};
  }
  if (std::optional<JobType> type = ParseTypedCollection(segments[1])) {
    return Prefix{Kind::kTyped, type, segments.subspan(2)};
  }
  return std::nullopt;
}

std::optional<Prefix> MatchPrefix(Segments segments) {
  using Kind = Prefix::Kind;
  if (segments.size() >= 2 && Is(segments[0], "api")) return MatchApiPrefix(segments);
  if (segments.size() == 1 && Is(segments[0], "azurejobs")) return Prefix{Kind::kDashboard, {}, {}};
  if (Is(segments[0], "jobs")) {
    if (segments.size() == 1) return Prefix{Kind::kListAll, {}, {}};
    std::optional<JobType> type = ParseTypeSegment(segments[1]);
    if (!type) return std::nullopt;
    return Prefix{Kind::kTyped, type, segments.subspan(2)};
  }
  if (segments.size() >= 3 && Is(segments[0], "vfs") && Is(segments[1], "data") &&
      Is(segments[2], "jobs")) {
    return Prefix{Kind::kDataFiles, {}, segments.subspan(3)};
  }
  return std::nullopt;
}

// Run ids are 18 digits. A value that could never touch a path (letters,
// digits, '-', '_') but is not such an id simply names no run.
Status CheckRunId(const std::string& run_id, const std::string& job_name) {
  Status valid = ValidateRunId(run_id);
  if (valid.ok()) return valid;
  if (ValidateJobName(run_id).ok()) {
    return NotFound("no run " + QuoteForMessage(run_id) + " of triggered job " +
                    QuoteForMessage(job_name) + ": run ids are 18 digits");
  }
  return valid;
}

Status CheckFileSegment(const std::string& segment) {
  std::string_view problem;
  if (segment.empty()) {
    problem = "it is empty";
  } else if (segment == "." || segment == "..") {
    problem = "it refers to a folder by '.' or '..'";
  } else if (segment.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
    problem = "it contains '/', '\\' or NUL";
  }
  if (problem.empty()) return Status::Ok();
  return InvalidArgument("invalid file path segment " + QuoteForMessage(segment) + ": " +
                         std::string(problem) + "; name a file below data/jobs/{type}/{name}/");
}

// Returns "/" followed by the raw path of `target` from its segment
// `first_segment` (0 is the segment after the leading '/') on, plus the
// query. The raw path splits into the same segments as the decoded one,
// because SplitRequestPath splits before it decodes.
std::string RawTargetTail(std::string_view target, size_t first_segment) {
  std::string_view path = RequestTargetPath(target);
  std::string_view query = target.substr(path.size());
  size_t start = 1;
  for (size_t i = 0; i < first_segment && start <= path.size(); ++i) {
    size_t slash = path.find('/', start);
    start = slash == std::string_view::npos ? path.size() + 1 : slash + 1;
  }
  std::string tail = "/";
  if (start <= path.size()) tail += path.substr(start);
  size_t fragment = query.find('#');
  tail += query.substr(0, fragment);
  return tail;
}

bool IsPassthroughMethod(std::string_view method) {
  for (std::string_view allowed : {"GET", "PUT", "POST", "DELETE", "PATCH"}) {
    if (method == allowed) return true;
  }
  return false;
}

Result<Route> MatchJobRoute(std::string_view method, JobType type, Segments rest,
                            std::string_view path) {
  if (rest.empty()) {
    if (method == "GET") return MakeRoute(RouteKind::kListJobs, type);
    return NoRoute(method, path, "it accepts GET");
  }
  const std::string& name = rest[0];
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid.error();

  Segments action = rest.subspan(1);
  if (!action.empty() && Is(action[0], "passthrough") && type == JobType::kContinuous) {
    // MatchRoute fills in forward_target, because it needs the raw target.
    if (IsPassthroughMethod(method)) return MakeRoute(RouteKind::kPassthrough, type, name);
    return NoRoute(method, path, "it accepts GET, HEAD, PUT, POST, DELETE, PATCH");
  }
  if (action.size() == 2 && Is(action[0], "history") && type == JobType::kTriggered) {
    if (Status valid = CheckRunId(action[1], name); !valid.ok()) return valid.error();
    if (method == "GET") return MakeRoute(RouteKind::kGetRun, type, name, action[1]);
    if (method == "DELETE") return MakeRoute(RouteKind::kCancelOneRun, type, name, action[1]);
    return NoRoute(method, path, "it accepts GET, DELETE");
  }
  if (action.size() == 3 && Is(action[0], "history") && Is(action[2], "stream") &&
      type == JobType::kTriggered) {
    if (Status valid = CheckRunId(action[1], name); !valid.ok()) return valid.error();
    if (method == "GET") return MakeRoute(RouteKind::kFollowRunOutput, type, name, action[1]);
    return NoRoute(method, path, "it accepts GET");
  }
  if (action.size() == 2 && Is(action[0], "log") && Is(action[1], "stream") &&
      type == JobType::kContinuous) {
    if (method == "GET") return MakeRoute(RouteKind::kFollowJobLog, type, name);
    return NoRoute(method, path, "it accepts GET");
  }
  if (action.size() > 1) return NoRoute(method, path);

  std::string allowed;
  for (const ActionRoute& route : kActionRoutes) {
    bool action_matches = action.empty() ? route.action.empty() : Is(action[0], route.action);
    if (!action_matches || (route.only_type && *route.only_type != type)) continue;
    if (route.method == method) return MakeRoute(route.kind, type, name);
    allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
  }
  if (allowed.empty()) return NoRoute(method, path);
  return NoRoute(method, path, "it accepts " + allowed);
}

Result<Route> MatchDataFileRoute(std::string_view method, Segments rest, std::string_view path) {
  if (method != "GET") {
    return NoRoute(method, path, "the /vfs/data/jobs/ route is read-only and accepts GET");
  }
  std::optional<JobType> type = rest.empty() ? std::nullopt : ParseTypeSegment(rest[0]);
  if (!type || rest.size() < 2) {
    return NoRoute(method, path, "name a file as /vfs/data/jobs/{type}/{name}/{file}");
  }
  if (Status valid = ValidateJobName(rest[1]); !valid.ok()) return valid.error();
  Route route = MakeRoute(RouteKind::kDataFile, type, rest[1]);
  for (const std::string& segment : rest.subspan(2)) {
    if (Status valid = CheckFileSegment(segment); !valid.ok()) return valid.error();
    route.file_segments.push_back(segment);
  }
  return route;
}

// /api/me, /api/users[/{user}], /api/tokens[/{id}], /api/audit. `rest`
// starts with the collection.
Result<Route> MatchAccountRoute(std::string_view method, Segments rest, std::string_view path) {
  struct AccountRoute {
    std::string_view collection;
    bool with_id;
    std::string_view method;
    RouteKind kind;
  };
  static constexpr AccountRoute kAccountRoutes[] = {
      {"me", false, "GET", RouteKind::kWhoAmI},
      {"users", false, "GET", RouteKind::kListUsers},
      {"users", true, "GET", RouteKind::kGetUser},
      {"users", true, "PUT", RouteKind::kPutUser},
      {"users", true, "DELETE", RouteKind::kDeleteUser},
      {"tokens", false, "GET", RouteKind::kListTokens},
      {"tokens", false, "POST", RouteKind::kCreateToken},
      {"tokens", true, "DELETE", RouteKind::kDeleteToken},
      {"audit", false, "GET", RouteKind::kListAudit},
  };
  if (rest.size() > 2) return NoRoute(method, path);
  bool with_id = rest.size() == 2;
  std::string allowed;
  for (const AccountRoute& route : kAccountRoutes) {
    if (!Is(rest[0], route.collection) || route.with_id != with_id) continue;
    if (route.method == method) {
      Route matched;
      matched.kind = route.kind;
      if (with_id) matched.account = rest[1];
      return matched;
    }
    allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
  }
  if (allowed.empty()) return NoRoute(method, path);
  return NoRoute(method, path, "it accepts " + allowed);
}

}  // namespace

Result<Route> MatchRoute(std::string_view method, std::string_view target) {
  if (method == "HEAD") method = "GET";
  std::string_view path = RequestTargetPath(target);
  Result<std::vector<std::string>> split = SplitRequestPath(target);
  if (!split.ok()) return split.error();

  std::vector<std::string>& segments = split.value();
  if (segments.size() > 1 && segments.back().empty()) segments.pop_back();
  std::optional<Prefix> prefix = MatchPrefix(segments);
  if (!prefix) return NoRoute(method, path);

  switch (prefix->kind) {
    case Prefix::Kind::kHealth:
      if (method == "GET") return MakeRoute(RouteKind::kHealth);
      return NoRoute(method, path, "it accepts GET");
    case Prefix::Kind::kOpenApi:
      if (method == "GET") return MakeRoute(RouteKind::kOpenApi);
      return NoRoute(method, path, "it accepts GET");
    case Prefix::Kind::kSchedulePreview:
      if (method == "GET") return MakeRoute(RouteKind::kSchedulePreview);
      return NoRoute(method, path, "it accepts GET");
    case Prefix::Kind::kTriggeredSwagger:
      if (method == "GET") return MakeRoute(RouteKind::kTriggeredSwagger);
      return NoRoute(method, path, "it accepts GET");
    case Prefix::Kind::kDashboard:
      if (method == "GET") return MakeRoute(RouteKind::kDashboard);
      return NoRoute(method, path, "it accepts GET");
    case Prefix::Kind::kListAll:
      if (method == "GET") return MakeRoute(RouteKind::kListJobs);
      return NoRoute(method, path, "it accepts GET");
    case Prefix::Kind::kTyped: {
      Result<Route> route = MatchJobRoute(method, *prefix->type, prefix->rest, path);
      if (route.ok() && route->kind == RouteKind::kPassthrough) {
        // The forwarded path starts after {name}/passthrough.
        size_t tail_start = static_cast<size_t>(prefix->rest.data() - segments.data()) + 2;
        route->forward_target = RawTargetTail(target, tail_start);
      }
      return route;
    }
    case Prefix::Kind::kDataFiles:
      return MatchDataFileRoute(method, prefix->rest, path);
    case Prefix::Kind::kAccounts:
      return MatchAccountRoute(method, prefix->rest, path);
  }
  return NoRoute(method, path);
}

}  // namespace webjobs
