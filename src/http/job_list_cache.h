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
//
// For clients that accept gzip, the cache also keeps the list compressed
// in groups of kJobsPerPiece jobs. Each group is a DeflatePiece with the
// group before it as its dictionary. A request compresses again only the
// groups in which a job changed and the group after each, and joins the
// rest. Groups cost fewer block headers than one piece per job: with 1,000
// jobs the body is about 55 KB instead of 80 KB.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/job_type.h"
#include "http/deflate_piece.h"
#include "jobs/job_service.h"

namespace webjobs {

// The forms of a list body that requests need.
struct ListEncodings {
  bool identity = true;  // the JSON text
  bool gzip = false;     // compressed, for lists of kMinGzipBodyBytes or more
};

struct SerializedJobList {
  // The JSON array. Set when ListEncodings::identity was requested or the
  // list is too short for gzip, nullptr otherwise.
  std::shared_ptr<const std::string> body;
  std::string entity_tag;
  // The body as a gzip member. Set when ListEncodings::gzip was requested
  // and the body is kMinGzipBodyBytes or longer, nullptr otherwise.
  std::shared_ptr<const std::string> gzip_body;
};

class JobListCache {
 public:
  // Returns the JSON array of `jobs` as listed for `type` (nullopt: both
  // types) with links under `base_url`, and its entity tag. `now` sets the
  // duration of latest runs still in progress. `encodings` chooses the
  // forms of the body that the result carries.
  SerializedJobList Serialize(std::optional<JobType> type, const std::string& base_url,
                              const std::vector<JobView>& jobs, TimePoint now,
                              ListEncodings encodings = {});

 private:
  // One job's view and its JSON text, immutable once built except for the
  // cached compressed piece, which its mutex guards.
  struct Entry {
    JobView view;
    std::string text;
    // The text without the latest run's duration; empty when equal to text.
    std::string stable_text;
    // A latest run in progress: its duration depends on the time of the
    // request, so the text is never reused.
    bool changes_with_time = false;

    const std::string& StableText() const { return stable_text.empty() ? text : stable_text; }

    // Returns the compressed piece of `group`, the entries of the list
    // that start with this one, where `previous` is the group before it
    // (empty: the group opens the list). The last piece built is kept in
    // this entry for the next request.
    std::shared_ptr<const DeflatePiece> GroupPiece(
        std::span<const std::shared_ptr<const Entry>> group,
        std::span<const std::shared_ptr<const Entry>> previous) const;

   private:
    mutable std::mutex piece_mutex;
    mutable std::shared_ptr<const DeflatePiece> piece;
    // The entries of the group and then of the group before it, compared
    // by identity. An expired pointer still differs from every live entry.
    mutable std::vector<std::weak_ptr<const Entry>> piece_entries;
    mutable size_t piece_group_size = 0;
  };
  using EntryPtr = std::shared_ptr<const Entry>;

  // Positions of the jobs in a list, by type and name.
  using Positions = std::map<std::pair<JobType, std::string>, size_t>;

  // The last serialized list of one (type, base URL), immutable once built
  // except for the forms of its body, each built once on first use.
  struct List {
    std::vector<EntryPtr> entries;  // in list order
    // Shared by the lists that have the same jobs at the same positions.
    std::shared_ptr<const Positions> positions;
    std::string entity_tag;
    size_t text_size = 0;  // bytes of the JSON array
    // The forms of the body, each built by the first request that needs it.
    mutable std::once_flag body_once;
    mutable std::shared_ptr<const std::string> body;
    mutable std::once_flag gzip_once;
    mutable std::shared_ptr<const std::string> gzip_body;

    SerializedJobList Compose(ListEncodings encodings) const;
  };
  using Key = std::pair<std::optional<JobType>, std::string>;

  static EntryPtr BuildEntry(const JobView& job, const std::string& base_url, TimePoint now);
  static EntryPtr FindReusable(const List* previous, size_t index, const JobView& job);
  static std::shared_ptr<const std::string> JoinTexts(const std::vector<EntryPtr>& entries);
  static std::shared_ptr<const std::string> JoinPieces(const std::vector<EntryPtr>& entries);
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
