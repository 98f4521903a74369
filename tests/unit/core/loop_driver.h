// Test helper: runs a real EventLoop on the test thread through a list of
// steps, with a deadline so a test can never hang.
//
// An EventLoop cannot run again once Stop() was called (Run() then only
// runs the closures already posted), so a test describes all its phases
// up front and runs the loop once:
//
//   LoopDriver driver(loop);
//   driver.Do([&] { job.Activate(); })
//       .WaitUntil("job running", [&] { return job.state() == kRunning; })
//       .Do([&] { job.SetWantedRunning(false); })
//       .WaitUntil("job stopped", [&] { return job.state() == kStopped; });
//   ASSERT_TRUE(driver.Run(std::chrono::seconds(30)));
//
// Actions and conditions run on the loop thread. A condition is checked
// when its step is reached and then every few milliseconds, because the
// code under test offers no hook that fires on each state change.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/event_loop.h"

namespace webjobs::testing {

class LoopDriver {
 public:
  static constexpr std::chrono::milliseconds kPollInterval{5};

  explicit LoopDriver(EventLoop& loop) : loop_(loop) {}
  LoopDriver(const LoopDriver&) = delete;
  LoopDriver& operator=(const LoopDriver&) = delete;

  // Adds a step that runs `action` once.
  LoopDriver& Do(std::function<void()> action) {
    steps_.push_back(Step{Kind::kDo, "action", std::move(action), nullptr, {}});
    return *this;
  }

  // Adds a step that waits until `condition` returns true. `description`
  // names the step in the failure message.
  LoopDriver& WaitUntil(std::string description, std::function<bool()> condition) {
    steps_.push_back(Step{Kind::kWait, std::move(description), nullptr, std::move(condition), {}});
    return *this;
  }

  // Adds a step that lets the loop run for `duration`, for checks that
  // something does not happen.
  LoopDriver& Idle(std::chrono::milliseconds duration) {
    steps_.push_back(Step{Kind::kIdle, "idle", nullptr, nullptr, duration});
    return *this;
  }

  // Runs the loop until every step is done, then stops it. Fails (and
  // stops the loop) when `limit` passes first, naming the step that was
  // waiting, or when an action raised a fatal gtest failure. Call once.
  ::testing::AssertionResult Run(std::chrono::milliseconds limit) {
    EventLoop::TimerId deadline = loop_.AddTimerAfter(limit, [this] {
      timed_out_ = true;
      loop_.Stop();
    });
    loop_.Post([this] { Advance(); });
    loop_.Run();
    loop_.CancelTimer(deadline);
    if (pending_ != 0) loop_.CancelTimer(pending_);

    if (finished_) return ::testing::AssertionSuccess();
    std::string step = next_ < steps_.size() ? steps_[next_].description : "the end";
    if (fatal_failure_) {
      return ::testing::AssertionFailure() << "stopped after a fatal failure before " << step;
    }
    if (timed_out_) {
      return ::testing::AssertionFailure()
             << "timed out after " << limit.count() << " ms waiting for: " << step;
    }
    return ::testing::AssertionFailure()
           << "the loop stopped (was it stopped before?) before: " << step;
  }

 private:
  enum class Kind { kDo, kWait, kIdle };
  struct Step {
    Kind kind;
    std::string description;
    std::function<void()> action;
    std::function<bool()> condition;
    std::chrono::milliseconds duration;
  };

  void Advance() {
    while (next_ < steps_.size()) {
      Step& step = steps_[next_];
      switch (step.kind) {
        case Kind::kDo:
          ++next_;
          step.action();
          if (::testing::Test::HasFatalFailure()) {
            fatal_failure_ = true;
            loop_.Stop();
            return;
          }
          break;
        case Kind::kWait:
          if (!step.condition()) {
            ResumeAfter(kPollInterval);
            return;
          }
          ++next_;
          break;
        case Kind::kIdle:
          ++next_;
          ResumeAfter(step.duration);
          return;
      }
    }
    finished_ = true;
    loop_.Stop();
  }

  void ResumeAfter(std::chrono::milliseconds delay) {
    pending_ = loop_.AddTimerAfter(delay, [this] {
      pending_ = 0;
      Advance();
    });
  }

  EventLoop& loop_;
  std::vector<Step> steps_;
  size_t next_ = 0;
  EventLoop::TimerId pending_ = 0;
  bool finished_ = false;
  bool timed_out_ = false;
  bool fatal_failure_ = false;
};

}  // namespace webjobs::testing
