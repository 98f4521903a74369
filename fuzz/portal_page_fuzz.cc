// Fuzzes the mapping of portal addresses to page files. Any bytes must give
// nothing or one of the page files. An address that maps to a page must
// map to the same page with another valid job name in it. An address with
// an empty segment or a trailing slash maps to nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "portal/portal_page.h"

namespace {

constexpr std::string_view kPageFiles[] = {"index.html",     "signin.html", "add.html",
                                           "triggered.html", "run.html",    "settings.html",
                                           "continuous.html"};

bool IsPageFile(std::string_view file) {
  for (std::string_view page : kPageFiles) {
    if (file == page) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string rest(reinterpret_cast<const char*>(data), size);
  std::optional<std::string_view> file = webjobs::PortalPageFile(rest);
  if (file && !IsPageFile(*file)) std::abort();
  if (!rest.empty() && (rest.back() == '/' || rest.find("//") != std::string::npos) && file) {
    std::abort();
  }
  // "jobs/<type>/<name>..." keeps its page when the name changes.
  if (file && rest.starts_with("jobs/")) {
    size_t type_end = rest.find('/', 5);
    size_t name_end = rest.find('/', type_end + 1);
    std::string renamed = rest.substr(0, type_end + 1) + "other-name_2" +
                          (name_end == std::string::npos ? "" : rest.substr(name_end));
    if (webjobs::PortalPageFile(renamed) != file) std::abort();
  }
  return 0;
}
