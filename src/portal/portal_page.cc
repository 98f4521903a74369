#include "portal/portal_page.h"

#include <algorithm>
#include <vector>

namespace webjobs {
namespace {

std::vector<std::string_view> SplitSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return segments;
    start = slash + 1;
  }
}

bool IsRunId(std::string_view segment) {
  return !segment.empty() && segment.size() <= 19 &&
         std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<std::string_view> PortalPageFile(std::string_view rest) {
  if (rest.empty()) return "index.html";
  if (rest == "signin") return "signin.html";
  if (rest == "new") return "add.html";
  if (!rest.starts_with("jobs/")) return std::nullopt;
  std::vector<std::string_view> segments = SplitSegments(rest.substr(5));
  if (std::any_of(segments.begin(), segments.end(), [](std::string_view s) { return s.empty(); })) {
    return std::nullopt;
  }
  if (segments.size() < 2) return std::nullopt;
  std::string_view type = segments[0];
  bool triggered = type == "triggered";
  if (!triggered && type != "continuous") return std::nullopt;
  if (segments.size() == 2) return triggered ? "triggered.html" : "continuous.html";
  if (segments.size() == 3 && segments[2] == "settings") return "settings.html";
  if (triggered && segments.size() == 4 && segments[2] == "runs" && IsRunId(segments[3])) {
    return "run.html";
  }
  return std::nullopt;
}

}  // namespace webjobs
