// The JSON text and entity tag of GET /api/webjobs and of the lists of one
// type, kept between requests. With 1,000 jobs the list is 0.4 to 1 MB, and
// building and dumping an nlohmann::json tree of it for every request took
// most of the host's CPU under load. The cache keeps the serialized text of
// each job next to the JobView it came from. A request serializes again
// only the jobs whose view changed and those whose latest run is still in
// progress, because that run's duration grows with the clock. When nothing
// changed, it reuses the whole body and tag.
//
// The output is byte-for-byte what DumpJson() of a JSON array of
// JobToJson() gives, and the tag is that of the same array without the
// "duration" of each latest run, so a run in progress does not change it.
// Thread-safe: requests build from an immutable snapshot and publish a new
// one under a mutex. Concurrent requests for the same list may both build
// it, and the last one wins.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/job_type.h"
#include "jobs/job_service.h"

namespace webjobs {

struct SerializedJobList {
  std::shared_ptr<const std::string> body;  // the JSON array
  std::string entity_tag;
};

class JobListCache {
 public:
  // Returns the JSON array of `jobs` as listed for `type` (nullopt: both
  // types) with links under `base_url`, and its entity tag. `now` sets the
  // duration of latest runs still in progress.
  SerializedJobList Serialize(std::optional<JobType> type, const std::string& base_url,
                              const std::vector<JobView>& jobs, TimePoint now);

 private:
  // One job's view and its JSON text, immutable once built.
  struct Entry {
    JobView view;
    std::string text;
    // The text without the latest run's duration; empty when equal to text.
    std::string stable_text;
    // A latest run in progress: its duration depends on the time of the
    // request, so the text is never reused.
    bool changes_with_time = false;

    const std::string& StableText() const { return stable_text.empty() ? text : stable_text; }
  };
  using EntryPtr = std::shared_ptr<const Entry>;

  // Positions of the jobs in a list, by type and name.
  using Positions = std::map<std::pair<JobType, std::string>, size_t>;

  // The last serialized list of one (type, base URL), immutable once built.
  struct List {
    std::vector<EntryPtr> entries;  // in list order
    // Shared by the lists that have the same jobs at the same positions.
    std::shared_ptr<const Positions> positions;
    SerializedJobList serialized;
  };
  using Key = std::pair<std::optional<JobType>, std::string>;

  static EntryPtr BuildEntry(const JobView& job, const std::string& base_url, TimePoint now);
  static EntryPtr FindReusable(const List* previous, size_t index, const JobView& job);
  static std::shared_ptr<const std::string> JoinTexts(const std::vector<EntryPtr>& entries);
  static std::string TagOf(const std::vector<EntryPtr>& entries);
  static bool SameStableTexts(const List& previous, const std::vector<EntryPtr>& entries);
  void Publish(const Key& key, std::shared_ptr<const List> list);

  std::mutex mutex_;
  // Up to kMaxLists lists, the least recently published dropped first,
  // because the base URL comes from the request's Host header.
  std::map<Key, std::pair<uint64_t, std::shared_ptr<const List>>> lists_;
  uint64_t publications_ = 0;
};

}  // namespace webjobs
