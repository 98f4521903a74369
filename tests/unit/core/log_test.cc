#include "core/log.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

namespace webjobs {
namespace {

TEST(InitLoggingTest, SecondCallOnlyChangesLevel) {
  InitLogging("warn");
  std::shared_ptr<spdlog::logger> first = spdlog::default_logger();
  EXPECT_EQ(first->level(), spdlog::level::warn);

  InitLogging("debug");
  EXPECT_EQ(spdlog::default_logger(), first);
  EXPECT_EQ(first->level(), spdlog::level::debug);

  InitLogging("no-such-level");
  EXPECT_EQ(first->level(), spdlog::level::info);
}

TEST(QuoteTest, EscapesQuotesBackslashesAndNewlines) {
  EXPECT_EQ(Quote("a \"b\" c\\d\ne"), "\"a \\\"b\\\" c\\\\d\\ne\"");
}

}  // namespace
}  // namespace webjobs
