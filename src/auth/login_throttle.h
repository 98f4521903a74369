// Slows down guessing: counts failed sign-ins per client address, and once
// an address has failed kFreeFailures times within kWindow, makes it wait
// before each further attempt, 1 s after the next failure, doubling with
// each failure up to kMaxDelay. An address that fails nothing for kWindow
// starts again from zero. Password checks go through BeginCheck and
// FinishCheck, so that parallel requests cannot get past the delays: once
// an address has used its free failures, its checks run one at a time.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace webjobs {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kFreeFailures = 5;
  static constexpr std::chrono::seconds kWindow{15 * 60};
  static constexpr std::chrono::seconds kMaxDelay{60};
  // Addresses remembered at most; beyond it, the oldest are forgotten.
  static constexpr size_t kMaxAddresses = 10000;

  // How long `address` must still wait before it may try again; zero when
  // it may try now.
  std::chrono::seconds WaitFor(const std::string& address, Clock::time_point now);
  // Records a failed attempt and returns the number of failures of the
  // address within the window, this one included.
  int RecordFailure(const std::string& address, Clock::time_point now);

  // Starts a password check for `address`. Returns zero when it may run
  // now, and the caller must then call FinishCheck; else how long to wait.
  // Beyond the free failures, a check waits for the address's check in
  // progress (1 s is returned) as well as for the delay.
  std::chrono::seconds BeginCheck(const std::string& address, Clock::time_point now);
  // Ends a check that BeginCheck let run. A failed check is recorded as
  // RecordFailure records it, in the same step, and its count returned;
  // 0 for a check that matched.
  int FinishCheck(const std::string& address, bool failed, Clock::time_point now);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point last_failure{};
    int checking = 0;  // password checks in progress
  };
  static std::chrono::seconds DelayAfter(int failures);
  std::chrono::seconds WaitForLocked(const std::string& address, Clock::time_point now);
  Entry& EntryFor(const std::string& address, Clock::time_point now);
  static int AddFailure(Entry& entry, Clock::time_point now);
  void Prune(Clock::time_point now);

  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace webjobs
