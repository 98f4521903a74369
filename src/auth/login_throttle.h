// Slows down guessing: counts failed sign-ins per client address, and once
// an address has failed kFreeFailures times within kWindow, makes it wait
// before each further attempt, 1 s after the next failure, doubling with
// each failure up to kMaxDelay. An address that fails nothing for kWindow
// starts again from zero. Thread-safe.
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

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point last_failure{};
  };
  static std::chrono::seconds DelayAfter(int failures);
  void Prune(Clock::time_point now);

  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace webjobs
