// The portal's page addresses and the HTML file that serves each. A page's
// script reads the job type, name and run id from its own address.
//
//   /portal/                                  index.html     the WebJobs list
//   /portal/signin                            signin.html    sign-in form
//   /portal/new                               add.html       Add WebJob
//   /portal/jobs/triggered/{name}             triggered.html run history
//   /portal/jobs/triggered/{name}/runs/{id}   run.html       one run's output
//   /portal/jobs/continuous/{name}            continuous.html the job's log
//   /portal/jobs/{type}/{name}/settings       settings.html  settings.job editor
#pragma once

#include <optional>
#include <string_view>

namespace webjobs {

// Returns the HTML file for `rest`, the path after "/portal/" as the
// request target has it, or nullopt when `rest` is no page address. Every
// segment must be non-empty, the type "triggered" or "continuous", and a run
// id decimal digits. The name is not checked here. The page's own API
// requests find out whether the job exists, and the page reports that in
// the user's language.
std::optional<std::string_view> PortalPageFile(std::string_view rest);

}  // namespace webjobs
