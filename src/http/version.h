// The product version, reported by GET /api/health and `webjobs --version`.
#pragma once

#include <string_view>

namespace webjobs {

// NOTE: keep equal to project(... VERSION) in CMakeLists.txt.
inline constexpr std::string_view kWebjobsVersion = "0.1.0";

}  // namespace webjobs
