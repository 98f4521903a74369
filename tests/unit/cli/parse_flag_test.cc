#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "host/host_config.h"

namespace webjobs {
namespace {

TEST(ParseFlagTest, ReadsOnOffValues) {
  struct Case {
    std::string text;
    std::optional<bool> expected;
  };
  const std::vector<Case> cases = {
      {"1", true},          {"true", true},      {"TRUE", true},        {"True", true},
      {" 1", true},         {"true\t", true},    {"0", false},          {"false", false},
      {"FALSE", false},     {"", false},         {"  ", false},         {"yes", std::nullopt},
      {"on", std::nullopt}, {"2", std::nullopt}, {"1 1", std::nullopt}, {"truee", std::nullopt},
  };
  for (const Case& item : cases) {
    EXPECT_EQ(ParseFlag(item.text), item.expected) << "value '" << item.text << "'";
  }
}

}  // namespace
}  // namespace webjobs
