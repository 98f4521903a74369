// The two kinds of WebJob. Their lower-case names appear in paths, URLs,
// the JSON `type` field and WEBJOBS_TYPE.
#pragma once

#include <optional>
#include <string_view>

namespace webjobs {

enum class JobType { kContinuous, kTriggered };

constexpr std::string_view JobTypeName(JobType type) {
  return type == JobType::kContinuous ? "continuous" : "triggered";
}

// Parses "continuous" or "triggered" (exact, lower case).
inline std::optional<JobType> ParseJobType(std::string_view name) {
  if (name == "continuous") return JobType::kContinuous;
  if (name == "triggered") return JobType::kTriggered;
  return std::nullopt;
}

}  // namespace webjobs
