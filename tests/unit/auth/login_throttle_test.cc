#include "auth/login_throttle.h"

#include <gtest/gtest.h>

#include <string>

namespace webjobs {
namespace {

using std::chrono::seconds;
using Clock = LoginThrottle::Clock;

const Clock::time_point kStart = Clock::time_point() + std::chrono::hours(1000);

TEST(LoginThrottleTest, UnknownAddressMayTry) {
  LoginThrottle throttle;
  EXPECT_EQ(throttle.WaitFor("192.0.2.1", kStart), seconds(0));
}

TEST(LoginThrottleTest, FirstFailuresAreFree) {
  LoginThrottle throttle;
  for (int i = 1; i < LoginThrottle::kFreeFailures; ++i) {
    EXPECT_EQ(throttle.RecordFailure("192.0.2.1", kStart), i);
    EXPECT_EQ(throttle.WaitFor("192.0.2.1", kStart), seconds(0)) << "after failure " << i;
  }
}

TEST(LoginThrottleTest, DelayDoublesUpToCap) {
  LoginThrottle throttle;
  Clock::time_point now = kStart;
  for (int i = 1; i < LoginThrottle::kFreeFailures; ++i) throttle.RecordFailure("a", now);
  seconds expected(1);
  for (int failure = LoginThrottle::kFreeFailures; failure < LoginThrottle::kFreeFailures + 12;
       ++failure) {
    EXPECT_EQ(throttle.RecordFailure("a", now), failure);
    EXPECT_EQ(throttle.WaitFor("a", now), expected) << "after failure " << failure;
    // Half-way through, the rest is rounded up.
    EXPECT_EQ(throttle.WaitFor("a", now + expected / 2), expected - expected / 2);
    // Once the delay has passed, the address may try again.
    now += expected;
    EXPECT_EQ(throttle.WaitFor("a", now), seconds(0)) << "after failure " << failure;
    expected = std::min(expected * 2, seconds(LoginThrottle::kMaxDelay));
  }
  EXPECT_EQ(expected, LoginThrottle::kMaxDelay);
}

TEST(LoginThrottleTest, SubSecondRemainderIsRoundedUp) {
  LoginThrottle throttle;
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) throttle.RecordFailure("a", kStart);
  EXPECT_EQ(throttle.WaitFor("a", kStart + std::chrono::milliseconds(999)), seconds(1));
  EXPECT_EQ(throttle.WaitFor("a", kStart + std::chrono::milliseconds(1000)), seconds(0));
}

TEST(LoginThrottleTest, AddressesAreCountedApart) {
  LoginThrottle throttle;
  for (int i = 0; i < LoginThrottle::kFreeFailures + 3; ++i) throttle.RecordFailure("bad", kStart);
  EXPECT_GT(throttle.WaitFor("bad", kStart), seconds(0));
  EXPECT_EQ(throttle.WaitFor("good", kStart), seconds(0));
  EXPECT_EQ(throttle.RecordFailure("good", kStart), 1);
}

TEST(LoginThrottleTest, QuietWindowStartsAgainFromZero) {
  LoginThrottle throttle;
  for (int i = 0; i < LoginThrottle::kFreeFailures + 6; ++i) throttle.RecordFailure("a", kStart);
  EXPECT_EQ(throttle.WaitFor("a", kStart), LoginThrottle::kMaxDelay);
  Clock::time_point later = kStart + LoginThrottle::kWindow;
  EXPECT_EQ(throttle.WaitFor("a", later), seconds(0));
  EXPECT_EQ(throttle.RecordFailure("a", later), 1);
  EXPECT_EQ(throttle.WaitFor("a", later), seconds(0));
}

TEST(LoginThrottleTest, FailuresWithinTheWindowKeepCounting) {
  LoginThrottle throttle;
  Clock::time_point now = kStart;
  // One failure every 10 minutes: each is within the window of the last.
  for (int i = 1; i <= LoginThrottle::kFreeFailures; ++i) {
    EXPECT_EQ(throttle.RecordFailure("a", now), i);
    now += std::chrono::minutes(10);
  }
  now -= std::chrono::minutes(10);
  EXPECT_EQ(throttle.WaitFor("a", now), seconds(1));
}

TEST(LoginThrottleTest, PruningForgetsQuietAddresses) {
  LoginThrottle throttle;
  // Fill the table with addresses that failed long ago, and one that is
  // throttled now.
  Clock::time_point old = kStart;
  Clock::time_point recent = kStart + LoginThrottle::kWindow + seconds(10);
  for (int i = 0; i < LoginThrottle::kFreeFailures + 2; ++i) throttle.RecordFailure("busy", recent);
  for (size_t i = 0; i + 1 < LoginThrottle::kMaxAddresses; ++i) {
    throttle.RecordFailure("old-" + std::to_string(i), old);
  }
  // The table is full: a new address prunes the quiet ones and is counted.
  EXPECT_EQ(throttle.RecordFailure("new", recent), 1);
  EXPECT_EQ(throttle.WaitFor("busy", recent), seconds(4));
  EXPECT_EQ(throttle.RecordFailure("old-0", recent), 1);
}

TEST(LoginThrottleTest, PruningDropsOldestHalf) {
  LoginThrottle throttle;
  Clock::time_point now = kStart;
  // Every address has failed within the window; "a-<i>" failed at i ms.
  for (size_t i = 0; i < LoginThrottle::kMaxAddresses; ++i) {
    throttle.RecordFailure("a-" + std::to_string(i), now + std::chrono::milliseconds(i));
  }
  std::string newest = "a-" + std::to_string(LoginThrottle::kMaxAddresses - 1);
  Clock::time_point end = now + std::chrono::milliseconds(LoginThrottle::kMaxAddresses);
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) throttle.RecordFailure(newest, end);
  // A new address forces a prune; the newest survive with their counts.
  EXPECT_EQ(throttle.RecordFailure("fresh", end), 1);
  EXPECT_GT(throttle.WaitFor(newest, end), seconds(0));
  EXPECT_EQ(throttle.RecordFailure(newest, end), LoginThrottle::kFreeFailures + 2);
  EXPECT_EQ(throttle.RecordFailure("a-0", end), 1);
}

}  // namespace
}  // namespace webjobs

namespace webjobs {
namespace {

TEST(LoginThrottleCheckTest, FreeChecksMayRunTogether) {
  LoginThrottle throttle;
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) {
    EXPECT_EQ(throttle.BeginCheck("a", kStart), seconds(0)) << "check " << i;
  }
  // One more would be a guess beyond the free ones before their outcome
  // is known.
  EXPECT_EQ(throttle.BeginCheck("a", kStart), seconds(1));
  EXPECT_EQ(throttle.BeginCheck("b", kStart), seconds(0));
  EXPECT_EQ(throttle.FinishCheck("a", false, kStart), 0);
  EXPECT_EQ(throttle.BeginCheck("a", kStart), seconds(0));
}

TEST(LoginThrottleCheckTest, OnlyFailedChecksCount) {
  LoginThrottle throttle;
  ASSERT_EQ(throttle.BeginCheck("a", kStart), seconds(0));
  EXPECT_EQ(throttle.FinishCheck("a", false, kStart), 0);
  for (int i = 1; i <= LoginThrottle::kFreeFailures; ++i) {
    ASSERT_EQ(throttle.BeginCheck("a", kStart), seconds(0));
    EXPECT_EQ(throttle.FinishCheck("a", true, kStart), i);
  }
  EXPECT_EQ(throttle.WaitFor("a", kStart), seconds(1));
  EXPECT_EQ(throttle.BeginCheck("a", kStart), seconds(1));
  EXPECT_EQ(throttle.RecordFailure("a", kStart), LoginThrottle::kFreeFailures + 1);
}

TEST(LoginThrottleCheckTest, LaterChecksRunOneAtATime) {
  LoginThrottle throttle;
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) throttle.RecordFailure("a", kStart);
  Clock::time_point later = kStart + seconds(1);
  ASSERT_EQ(throttle.BeginCheck("a", later), seconds(0));
  // A second check waits for the first, whatever the delay says.
  EXPECT_EQ(throttle.BeginCheck("a", later), seconds(1));
  EXPECT_EQ(throttle.BeginCheck("a", later + seconds(30)), seconds(1));
  EXPECT_EQ(throttle.FinishCheck("a", true, later), LoginThrottle::kFreeFailures + 1);
  EXPECT_EQ(throttle.BeginCheck("a", later), seconds(2));
  // A check that matches does not forget the failures.
  ASSERT_EQ(throttle.BeginCheck("a", later + seconds(2)), seconds(0));
  EXPECT_EQ(throttle.FinishCheck("a", false, later + seconds(2)), 0);
  EXPECT_EQ(throttle.RecordFailure("a", later + seconds(2)), LoginThrottle::kFreeFailures + 2);
}

TEST(LoginThrottleCheckTest, PruningKeepsChecksInProgress) {
  LoginThrottle throttle;
  for (int i = 0; i < LoginThrottle::kFreeFailures - 1; ++i) throttle.RecordFailure("busy", kStart);
  ASSERT_EQ(throttle.BeginCheck("busy", kStart), seconds(0));
  Clock::time_point later = kStart + LoginThrottle::kWindow + seconds(1);
  for (size_t i = 0; i < LoginThrottle::kMaxAddresses; ++i) {
    throttle.RecordFailure("other-" + std::to_string(i), kStart);
  }
  EXPECT_EQ(throttle.RecordFailure("new", later), 1);
  // The check in progress still ends in its own entry.
  EXPECT_EQ(throttle.FinishCheck("busy", true, later), 1);
}

}  // namespace
}  // namespace webjobs
