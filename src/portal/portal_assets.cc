#include "portal/portal_assets.h"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "portal_asset_table.inc"

namespace webjobs {
namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string_view ContentTypeOf(std::string_view path) {
  if (EndsWith(path, ".html")) return "text/html; charset=utf-8";
  if (EndsWith(path, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(path, ".js")) return "text/javascript; charset=utf-8";
  if (EndsWith(path, ".json")) return "application/json; charset=utf-8";
  if (EndsWith(path, ".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

const std::vector<PortalAsset>& AssetList() {
  static const std::vector<PortalAsset> assets = [] {
    std::vector<PortalAsset> list;
    for (const EmbeddedFile& file : kEmbeddedFiles) {
      std::string_view content(file.begin, static_cast<size_t>(file.end - file.begin));
      list.push_back(PortalAsset{file.path, content, ContentTypeOf(file.path)});
    }
    std::sort(list.begin(), list.end(),
              [](const PortalAsset& a, const PortalAsset& b) { return a.path < b.path; });
    return list;
  }();
  return assets;
}

}  // namespace

std::span<const PortalAsset> PortalAssets() { return AssetList(); }

const PortalAsset* FindPortalAsset(std::string_view path) {
  const std::vector<PortalAsset>& assets = AssetList();
  auto found = std::lower_bound(
      assets.begin(), assets.end(), path,
      [](const PortalAsset& asset, std::string_view key) { return asset.path < key; });
  if (found == assets.end() || found->path != path) return nullptr;
  return &*found;
}

}  // namespace webjobs
