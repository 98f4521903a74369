// The wall clock behind an interface, so schedulers and run records can be
// tested with a virtual clock. Thread-safe.
#pragma once

#include <chrono>

namespace webjobs {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

// The system clock.
class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

}  // namespace webjobs
