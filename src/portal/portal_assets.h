// The files of the web portal (src/portal/assets/: HTML, CSS, JavaScript
// and the message catalogs), embedded in this binary at build time, so the
// host serves the portal without reading files or needing Node.js.
#pragma once

#include <span>
#include <string_view>

namespace webjobs {

struct PortalAsset {
  std::string_view path;  // relative to src/portal/assets/, such as "i18n/ko.json"
  std::string_view content;
  std::string_view content_type;  // from the file name extension
};

// Every embedded file, sorted by path.
std::span<const PortalAsset> PortalAssets();

// Returns the file at `path`, or nullptr when there is none.
const PortalAsset* FindPortalAsset(std::string_view path);

}  // namespace webjobs
