// The live feeds of a host, one per log, found by a key such as
// "triggered/NAME/RUN_ID" or "continuous/NAME".
//
// The registry holds feeds weakly: a feed lives while its writer (the job
// that writes the log) or a follower holds it, and both sides get the same
// feed for one key while either holds it. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "process/log_feed.h"

namespace webjobs {

class LogFeedRegistry {
 public:
  explicit LogFeedRegistry(size_t max_buffer_bytes = LogFeed::kDefaultMaxBufferBytes)
      : max_buffer_bytes_(max_buffer_bytes) {}

  // Writer side: returns the feed of `key`, marked open. A closed feed
  // left by an earlier writer (a deleted and re-created job) is replaced.
  std::shared_ptr<LogFeed> Open(const std::string& key);
  // Follower side: returns the feed of `key`, created when nobody holds
  // one. A feed that no writer opened yet stays unopened until one does.
  std::shared_ptr<LogFeed> Follow(const std::string& key);

  // Returns the number of keys with a live feed (tests).
  size_t size();

 private:
  std::shared_ptr<LogFeed> GetOrCreate(const std::string& key, bool replace_closed);
  void RemoveExpired();

  const size_t max_buffer_bytes_;
  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<LogFeed>> feeds_;
  size_t sweep_at_ = 64;  // map size that triggers the next sweep of expired entries
};

}  // namespace webjobs
