// Coalescing of concurrent GET requests for the same job list. Listing
// 1,000 jobs means a round trip to the event loop for their views and a
// comparison of each view with the cached one, which took most of the
// host's CPU when hundreds of clients polled the list. Requests that
// arrive while a build of their list is in progress wait and share the
// next build, which starts after all of them arrived. So every reply
// reflects the state at some moment after its request arrived, as if it
// had been built for that request alone, and a burst of N requests costs
// at most two builds instead of N.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "core/job_type.h"
#include "core/result.h"
#include "http/job_list_cache.h"

namespace webjobs {

class JobListBatcher {
 public:
  // The list's type (nullopt: both types) and base URL.
  using Key = std::pair<std::optional<JobType>, std::string>;
  // Builds the list with at least the given forms of its body.
  using Build = std::function<Result<SerializedJobList>(ListEncodings)>;

  // Returns the result of a build of the list `key` that starts after this
  // call, with at least the forms in `needed`. The calling thread runs
  // `build` itself when no build of the list is in progress. Otherwise it
  // waits for the next build, which one of the waiting threads runs with
  // its own `build`. Thread-safe. An exception from `build` is thrown to
  // every request of the batch.
  Result<SerializedJobList> Run(const Key& key, ListEncodings needed, const Build& build);

  // The number of builds run so far, for tests.
  uint64_t builds() const;

 private:
  // The requests that share one build.
  struct Batch {
    ListEncodings needed{.identity = false, .gzip = false};
    bool done = false;
    std::optional<Result<SerializedJobList>> result;
    std::exception_ptr failure;  // thrown by the build
    // Signaled when the batch is done, and once when the build before it
    // ends, so one of its requests starts its build. Waking only the
    // requests concerned keeps a finished build from waking every waiting
    // thread of every list.
    std::condition_variable changed;
  };
  // The state of one list. Erased when no build runs and none waits.
  struct Slot {
    bool building = false;
    std::shared_ptr<Batch> next;  // requests waiting for the next build
  };

  static Result<SerializedJobList> ResultOf(const Batch& batch);

  mutable std::mutex mutex_;
  std::map<Key, Slot> slots_;
  uint64_t builds_ = 0;
};

}  // namespace webjobs
