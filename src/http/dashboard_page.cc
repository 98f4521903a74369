#include "http/dashboard_page.h"

namespace webjobs {

std::string_view DashboardPage() {
  // The script accepts only the fragment form that extra_info_url uses and
  // builds links from validated parts, never from raw HTML.
  static constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>WebJobs</title>
</head>
<body>
<h1>WebJobs</h1>
<p>This host does not include the WebJobs SDK dashboard. The REST API
describes every job: <a href="../api/webjobs">all jobs</a>.</p>
<ul id="job"></ul>
<script>
(function () {
  var match = /^#\/jobs\/(triggered|continuous)\/([A-Za-z0-9][A-Za-z0-9_-]*)$/.exec(location.hash);
  if (!match) return;
  var type = match[1], name = match[2];
  var base = "../api/" + type + "webjobs/" + name;
  var links = [[base, "job " + name]];
  if (type === "triggered") links.push([base + "/history", "run history"]);
  else links.push(["../vfs/data/jobs/continuous/" + name + "/job_log.txt", "log"]);
  var list = document.getElementById("job");
  links.forEach(function (link) {
    var anchor = document.createElement("a");
    anchor.href = link[0];
    anchor.textContent = link[1];
    var item = document.createElement("li");
    item.appendChild(anchor);
    list.appendChild(item);
  });
})();
</script>
</body>
</html>
)html";
  return kPage;
}

}  // namespace webjobs
