// The query parameters of GET /api/triggeredwebjobs/{name}/history, which
// page and filter the run history (an extension over Kudu):
//
//   limit   1..1000 runs per page
//   before  a run id; only runs older than it (the cursor of the next page)
//   status  a comma-separated list of Kudu status names, any case
//   since   an ISO 8601 instant; only runs that started at or after it
//   until   an ISO 8601 instant; only runs that started at or before it
//
// Other parameters are ignored, as Kudu ignores them, and an empty value
// counts as not given. Pure functions, thread-safe.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace webjobs {

inline constexpr size_t kMaxHistoryPageSize = 1000;

struct HistoryQuery {
  std::optional<size_t> limit;
  RunFilter filter;  // statuses hold the canonical names, without repeats

  // True when the request gave none of the parameters above, so the
  // response keeps Kudu's shape and entity tag.
  bool empty() const { return !limit && filter.empty(); }
};

// Reads the parameters from decoded query `params`. A `status` given more
// than once adds its names to the list; any other parameter given more
// than once is invalid. Returns kInvalidArgument naming the parameter, the
// value and the accepted form, also when `since` is after `until`.
Result<HistoryQuery> ParseHistoryQuery(const httplib::Params& params);

// Returns the parameters of `query` in a fixed order and form: statuses in
// the order of first mention, instants as UTC with seven fraction digits.
// Parsing them gives the same query, and equal queries give equal
// parameters, so they serve as a cache key and in the link to the next
// page.
httplib::Params HistoryQueryParams(const HistoryQuery& query);

// Encodes `params` as a query string without the leading '?', every value
// percent-encoded.
std::string EncodeQueryString(const httplib::Params& params);

}  // namespace webjobs
