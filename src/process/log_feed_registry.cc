#include "process/log_feed_registry.h"

namespace webjobs {

std::shared_ptr<LogFeed> LogFeedRegistry::Open(const std::string& key) {
  std::shared_ptr<LogFeed> feed = GetOrCreate(key, true);
  feed->Open();
  return feed;
}

std::shared_ptr<LogFeed> LogFeedRegistry::Follow(const std::string& key) {
  return GetOrCreate(key, false);
}

std::shared_ptr<LogFeed> LogFeedRegistry::GetOrCreate(const std::string& key,
                                                      bool replace_closed) {
  std::lock_guard lock(mutex_);
  std::weak_ptr<LogFeed>& slot = feeds_[key];
  std::shared_ptr<LogFeed> feed = slot.lock();
  if (!feed || (replace_closed && feed->closed())) {
    feed = std::make_shared<LogFeed>(max_buffer_bytes_);
    slot = feed;
  }
  if (feeds_.size() >= sweep_at_) RemoveExpired();
  return feed;
}

void LogFeedRegistry::RemoveExpired() {
  for (auto it = feeds_.begin(); it != feeds_.end();) {
    it = it->second.expired() ? feeds_.erase(it) : std::next(it);
  }
  sweep_at_ = std::max<size_t>(64, feeds_.size() * 2);
}

size_t LogFeedRegistry::size() {
  std::lock_guard lock(mutex_);
  RemoveExpired();
  return feeds_.size();
}

}  // namespace webjobs
