#include "auth/login_throttle.h"

#include <algorithm>
#include <vector>

namespace webjobs {

std::chrono::seconds LoginThrottle::DelayAfter(int failures) {
  if (failures < kFreeFailures) return std::chrono::seconds(0);
  int doublings = std::min(failures - kFreeFailures, 6);  // 2^6 s is past kMaxDelay
  return std::min(std::chrono::seconds(1LL << doublings), kMaxDelay);
}

std::chrono::seconds LoginThrottle::WaitFor(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return WaitForLocked(address, now);
}

std::chrono::seconds LoginThrottle::WaitForLocked(const std::string& address,
                                                  Clock::time_point now) {
  auto found = entries_.find(address);
  if (found == entries_.end()) return std::chrono::seconds(0);
  const Entry& entry = found->second;
  if (entry.failures == 0 || now - entry.last_failure >= kWindow) return std::chrono::seconds(0);
  auto allowed_at = entry.last_failure + DelayAfter(entry.failures);
  if (now >= allowed_at) return std::chrono::seconds(0);
  // Rounded up, so a client that waits the whole Retry-After is let in.
  return std::chrono::ceil<std::chrono::seconds>(allowed_at - now);
}

LoginThrottle::Entry& LoginThrottle::EntryFor(const std::string& address, Clock::time_point now) {
  if (entries_.size() >= kMaxAddresses && entries_.find(address) == entries_.end()) Prune(now);
  return entries_[address];
}

int LoginThrottle::AddFailure(Entry& entry, Clock::time_point now) {
  if (entry.failures > 0 && now - entry.last_failure >= kWindow) entry.failures = 0;
  ++entry.failures;
  entry.last_failure = now;
  return entry.failures;
}

int LoginThrottle::RecordFailure(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return AddFailure(EntryFor(address, now), now);
}

std::chrono::seconds LoginThrottle::BeginCheck(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (std::chrono::seconds wait = WaitForLocked(address, now); wait.count() > 0) return wait;
  Entry& entry = EntryFor(address, now);
  int failures = now - entry.last_failure >= kWindow ? 0 : entry.failures;
  if (entry.checking > 0 && failures + entry.checking >= kFreeFailures) {
    return std::chrono::seconds(1);
  }
  ++entry.checking;
  return std::chrono::seconds(0);
}

int LoginThrottle::FinishCheck(const std::string& address, bool failed, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(address);
  if (found == entries_.end()) return failed ? AddFailure(EntryFor(address, now), now) : 0;
  Entry& entry = found->second;
  if (entry.checking > 0) --entry.checking;
  if (failed) return AddFailure(entry, now);
  if (entry.failures == 0 && entry.checking == 0) entries_.erase(found);
  return 0;
}

void LoginThrottle::Prune(Clock::time_point now) {
  // Entries with a check in progress stay: FinishCheck needs them.
  std::erase_if(entries_, [&](const auto& item) {
    return item.second.checking == 0 && now - item.second.last_failure >= kWindow;
  });
  if (entries_.size() < kMaxAddresses) return;
  // Still full: forget the half with the oldest failures.
  std::vector<Clock::time_point> times;
  times.reserve(entries_.size());
  for (const auto& [address, entry] : entries_) times.push_back(entry.last_failure);
  auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
  std::nth_element(times.begin(), middle, times.end());
  Clock::time_point cutoff = *middle;
  std::erase_if(entries_, [&](const auto& item) {
    return item.second.checking == 0 && item.second.last_failure <= cutoff;
  });
}

}  // namespace webjobs
