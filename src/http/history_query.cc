#include "http/history_query.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <string_view>

#include "cron/cron_occurrence.h"
#include "http/dotnet_format.h"
#include "http/request_path.h"
#include "package/ascii_case.h"
#include "package/job_name.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

constexpr std::array<const char*, 6> kStatusNames = {
    run_status::kInitializing, run_status::kRunning, run_status::kSuccess,
    run_status::kFailed,       run_status::kAborted, run_status::kStopped,
};

Error InvalidValue(std::string_view name, std::string_view value, std::string_view rule) {
  return InvalidArgument("invalid query value " + std::string(name) + "=" + QuoteForMessage(value) +
                         ": " + std::string(rule));
}

// Returns the single non-empty value of `name`, nullopt when it is missing
// or empty, or kInvalidArgument when it is given more than once.
Result<std::optional<std::string>> SingleValue(const httplib::Params& params,
                                               const std::string& name) {
  auto [first, last] = params.equal_range(name);
  if (first == last) return std::optional<std::string>();
  if (std::next(first) != last) {
    return InvalidArgument("query parameter " + name +
                           " is given more than once; give it at most once");
  }
  if (first->second.empty()) return std::optional<std::string>();
  return std::optional<std::string>(first->second);
}

Result<size_t> ParseLimit(const std::string& text) {
  size_t limit = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, limit);
  if (error != std::errc() || stop != end || limit < 1 || limit > kMaxHistoryPageSize) {
    return InvalidValue("limit", text,
                        "use a whole number from 1 to " + std::to_string(kMaxHistoryPageSize));
  }
  return limit;
}

std::string_view TrimSpaces(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

std::string StatusChoices() {
  std::string choices;
  for (const char* name : kStatusNames) {
    choices += (choices.empty() ? "" : ", ") + std::string(name);
  }
  return choices;
}

// Adds the names of one `status` value to `statuses`, skipping repeats.
Status AddStatuses(const std::string& value, std::vector<std::string>& statuses) {
  std::string_view rest = value;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = TrimSpaces(rest.substr(0, comma));
    auto known = std::find_if(kStatusNames.begin(), kStatusNames.end(), [&](const char* name) {
      return EqualsIgnoringAsciiCase(item, name);
    });
    if (known == kStatusNames.end()) {
      return InvalidValue("status", value,
                          "use a comma-separated list of the status names " + StatusChoices() +
                              " (any case), for example status=Failed,Aborted");
    }
    if (std::find(statuses.begin(), statuses.end(), *known) == statuses.end()) {
      statuses.emplace_back(*known);
    }
    if (comma == std::string_view::npos) return Status::Ok();
    rest.remove_prefix(comma + 1);
  }
}

Result<std::optional<TimePoint>> ParseInstantParam(const httplib::Params& params,
                                                   const std::string& name) {
  Result<std::optional<std::string>> text = SingleValue(params, name);
  if (!text.ok()) return text.error();
  if (!text->has_value()) return std::optional<TimePoint>();
  Result<TimePoint> instant = ParseIsoInstant(**text, InstantSource::kUrlQuery);
  if (!instant.ok()) return InvalidArgument(name + ": " + instant.error().message);
  // Whole 100 ns ticks, the precision HistoryQueryParams writes, so a
  // query survives the round trip through the link to the next page.
  using Ticks = std::chrono::duration<int64_t, std::ratio<1, 10'000'000>>;
  return std::optional<TimePoint>(std::chrono::floor<Ticks>(*instant));
}

}  // namespace

Result<HistoryQuery> ParseHistoryQuery(const httplib::Params& params) {
  HistoryQuery query;

  Result<std::optional<std::string>> limit = SingleValue(params, "limit");
  if (!limit.ok()) return limit.error();
  if (limit->has_value()) {
    Result<size_t> parsed = ParseLimit(**limit);
    if (!parsed.ok()) return parsed.error();
    query.limit = *parsed;
  }

  Result<std::optional<std::string>> before = SingleValue(params, "before");
  if (!before.ok()) return before.error();
  if (before->has_value()) {
    if (!ValidateRunId(**before).ok()) {
      return InvalidValue("before", **before,
                          "use the 18-digit id of a run, for example the id of the last run "
                          "of the previous page");
    }
    query.filter.before_run_id = **before;
  }

  auto [first_status, last_status] = params.equal_range("status");
  for (auto it = first_status; it != last_status; ++it) {
    if (it->second.empty()) continue;
    if (Status added = AddStatuses(it->second, query.filter.statuses); !added.ok()) {
      return added.error();
    }
  }

  Result<std::optional<TimePoint>> since = ParseInstantParam(params, "since");
  if (!since.ok()) return since.error();
  query.filter.since = *since;
  Result<std::optional<TimePoint>> until = ParseInstantParam(params, "until");
  if (!until.ok()) return until.error();
  query.filter.until = *until;
  if (query.filter.since && query.filter.until && *query.filter.since > *query.filter.until) {
    return InvalidArgument("invalid query values since=" + FormatIsoUtc(*query.filter.since) +
                           " and until=" + FormatIsoUtc(*query.filter.until) +
                           ": since must not be after until");
  }
  return query;
}

httplib::Params HistoryQueryParams(const HistoryQuery& query) {
  httplib::Params params;
  if (query.limit) params.emplace("limit", std::to_string(*query.limit));
  if (query.filter.before_run_id) params.emplace("before", *query.filter.before_run_id);
  if (!query.filter.statuses.empty()) {
    std::string list;
    for (const std::string& status : query.filter.statuses) {
      list += (list.empty() ? "" : ",") + status;
    }
    params.emplace("status", list);
  }
  if (query.filter.since) params.emplace("since", FormatIsoUtc(*query.filter.since));
  if (query.filter.until) params.emplace("until", FormatIsoUtc(*query.filter.until));
  return params;
}

std::string EncodeQueryString(const httplib::Params& params) {
  std::string text;
  for (const auto& [name, value] : params) {
    text += (text.empty() ? "" : "&") + PercentEncode(name) + "=" + PercentEncode(value);
  }
  return text;
}

}  // namespace webjobs
