// The HTML page at /azurejobs/, the target of every job's extra_info_url
// ({base}/azurejobs/#/jobs/{type}/{name}). Kudu serves the WebJobs SDK
// dashboard there. This host has no dashboard, so the page links to the
// job's JSON, and to its log or history, read from the URL fragment in the
// browser. Without a fragment or without JavaScript it links to the list
// of all jobs.
#pragma once

#include <string_view>

namespace webjobs {

// Returns the page, a constant UTF-8 HTML document.
std::string_view DashboardPage();

}  // namespace webjobs
