#include "http/job_list_cache.h"

#include <algorithm>

#include "http/entity_tag.h"
#include "http/http_reply.h"
#include "http/job_json.h"

namespace webjobs {
namespace {

// Each Host header needs lists of its own, because the links contain it.
// Eight cover the names a host is usually reached by (localhost,
// 127.0.0.1, its own name) with a list of each type.
constexpr size_t kMaxLists = 8;

bool IsRunInProgress(const std::optional<RunRecord>& run) {
  return run && !run->end_time && run->start_time.time_since_epoch().count() != 0;
}

// Jobs compressed together in one piece of the gzip body. A change of one
// job compresses its group and the next one again, about 2 x 8 KB of JSON.
constexpr size_t kJobsPerPiece = 8;

constexpr std::string_view kListOpen = "[";
constexpr std::string_view kListClose = "]";

}  // namespace

std::shared_ptr<const DeflatePiece> JobListCache::Entry::GroupPiece(
    std::span<const std::shared_ptr<const Entry>> group,
    std::span<const std::shared_ptr<const Entry>> previous) const {
  auto same = [](const std::weak_ptr<const Entry>& kept,
                 const std::shared_ptr<const Entry>& entry) {
    return !kept.owner_before(entry) && !entry.owner_before(kept);
  };
  std::lock_guard<std::mutex> lock(piece_mutex);
  bool reusable = piece != nullptr && piece_group_size == group.size() &&
                  piece_entries.size() == group.size() + previous.size();
  for (size_t index = 0; reusable && index < piece_entries.size(); ++index) {
    reusable = same(piece_entries[index],
                    index < group.size() ? group[index] : previous[index - group.size()]);
  }
  if (reusable) return piece;

  // The piece contains the separator before the group, or the opening
  // bracket for the first group. Its dictionary is the text before it.
  std::string text = previous.empty() ? std::string(kListOpen) : ",";
  for (size_t index = 0; index < group.size(); ++index) {
    if (index > 0) text += ',';
    text += group[index]->text;
  }
  std::string dictionary;
  for (size_t index = 0; index < previous.size(); ++index) {
    if (index > 0) dictionary += ',';
    dictionary += previous[index]->text;
  }
  piece = std::make_shared<const DeflatePiece>(DeflateText(text, dictionary, kBestCompression));
  piece_group_size = group.size();
  piece_entries.assign(group.begin(), group.end());
  piece_entries.insert(piece_entries.end(), previous.begin(), previous.end());
  return piece;
}

std::shared_ptr<const std::string> JobListCache::JoinPieces(const std::vector<EntryPtr>& entries) {
  std::vector<std::shared_ptr<const DeflatePiece>> pieces;
  pieces.reserve(entries.size() / kJobsPerPiece + 2);
  std::span<const EntryPtr> all(entries);
  std::span<const EntryPtr> previous;
  for (size_t first = 0; first < entries.size(); first += kJobsPerPiece) {
    std::span<const EntryPtr> group =
        all.subspan(first, std::min(kJobsPerPiece, all.size() - first));
    pieces.push_back(group.front()->GroupPiece(group, previous));
    previous = group;
  }
  // An empty list's opening bracket has no group to carry it. The closing
  // bracket is too short to gain from a dictionary.
  pieces.push_back(std::make_shared<const DeflatePiece>(
      DeflateText(entries.empty() ? "[]" : kListClose, {}, kBestCompression)));
  std::vector<const DeflatePiece*> joined;
  joined.reserve(pieces.size());
  for (const auto& piece : pieces) joined.push_back(piece.get());
  return std::make_shared<const std::string>(JoinGzip(joined));
}

SerializedJobList JobListCache::List::Compose(ListEncodings encodings) const {
  SerializedJobList result;
  result.entity_tag = entity_tag;
  bool compressible = text_size >= kMinGzipBodyBytes;
  if (encodings.identity || !compressible) {
    std::call_once(body_once, [this] { body = JoinTexts(entries); });
    result.body = body;
  }
  if (encodings.gzip && compressible) {
    std::call_once(gzip_once, [this] { gzip_body = JoinPieces(entries); });
    result.gzip_body = gzip_body;
  }
  return result;
}

JobListCache::EntryPtr JobListCache::BuildEntry(const JobView& job, const std::string& base_url,
                                                TimePoint now) {
  auto entry = std::make_shared<Entry>();
  entry->view = job;
  entry->changes_with_time = IsRunInProgress(job.latest_run);
  nlohmann::json json = JobToJson(job, base_url, now);
  entry->text = DumpJson(json);
  auto latest = json.find("latest_run");
  if (latest != json.end() && latest->is_object()) {
    latest->erase("duration");
    entry->stable_text = DumpJson(json);
  }
  return entry;
}

JobListCache::EntryPtr JobListCache::FindReusable(const List* previous, size_t index,
                                                  const JobView& job) {
  if (previous == nullptr) return nullptr;
  EntryPtr entry;
  // The order of the jobs rarely changes, so the same position is tried
  // before the lookup by name.
  if (index < previous->entries.size() && previous->entries[index]->view.name == job.name &&
      previous->entries[index]->view.type == job.type) {
    entry = previous->entries[index];
  } else {
    auto found = previous->positions->find({job.type, job.name});
    if (found != previous->positions->end()) entry = previous->entries[found->second];
  }
  if (entry == nullptr || entry->changes_with_time || !(entry->view == job)) return nullptr;
  return entry;
}

std::shared_ptr<const std::string> JobListCache::JoinTexts(const std::vector<EntryPtr>& entries) {
  size_t size = 2 + entries.size();
  for (const EntryPtr& entry : entries) size += entry->text.size();
  auto body = std::make_shared<std::string>();
  body->reserve(size);
  body->append(kListOpen);
  for (size_t index = 0; index < entries.size(); ++index) {
    if (index > 0) body->push_back(',');
    body->append(entries[index]->text);
  }
  body->append(kListClose);
  return body;
}

std::string JobListCache::TagOf(const std::vector<EntryPtr>& entries) {
  EntityTagBuilder tag;
  tag.Add("[");
  for (size_t index = 0; index < entries.size(); ++index) {
    if (index > 0) tag.Add(",");
    tag.Add(entries[index]->StableText());
  }
  tag.Add("]");
  return tag.Finish();
}

bool JobListCache::SameStableTexts(const List& previous, const std::vector<EntryPtr>& entries) {
  if (previous.entries.size() != entries.size()) return false;
  for (size_t index = 0; index < entries.size(); ++index) {
    const EntryPtr& before = previous.entries[index];
    if (before != entries[index] && before->StableText() != entries[index]->StableText()) {
      return false;
    }
  }
  return true;
}

SerializedJobList JobListCache::Serialize(std::optional<JobType> type, const std::string& base_url,
                                          const std::vector<JobView>& jobs, TimePoint now,
                                          ListEncodings encodings) {
  Key key{type, base_url};
  std::shared_ptr<const List> previous;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = lists_.find(key);
    if (found != lists_.end()) previous = found->second.second;
  }

  auto list = std::make_shared<List>();
  list->entries.reserve(jobs.size());
  // Whether every entry is the one at the same position of the previous
  // list, so its body and tag still hold.
  bool same_size = previous != nullptr && previous->entries.size() == jobs.size();
  bool unchanged = same_size;
  bool same_positions = same_size;
  for (size_t index = 0; index < jobs.size(); ++index) {
    const JobView& job = jobs[index];
    EntryPtr entry = FindReusable(previous.get(), index, job);
    if (entry == nullptr) entry = BuildEntry(job, base_url, now);
    if (same_size) {
      const JobView& before = previous->entries[index]->view;
      unchanged = unchanged && entry == previous->entries[index];
      same_positions = same_positions && before.type == job.type && before.name == job.name;
    }
    list->entries.push_back(std::move(entry));
  }
  if (unchanged) return previous->Compose(encodings);

  if (same_positions) {
    list->positions = previous->positions;
  } else {
    auto positions = std::make_shared<Positions>();
    for (size_t index = 0; index < list->entries.size(); ++index) {
      const JobView& view = list->entries[index]->view;
      positions->emplace(std::pair{view.type, view.name}, index);
    }
    list->positions = std::move(positions);
  }
  list->text_size = kListOpen.size() + kListClose.size();
  for (size_t index = 0; index < list->entries.size(); ++index) {
    list->text_size += list->entries[index]->text.size() + (index > 0 ? 1 : 0);
  }
  // Hashing the whole text costs more than comparing it, and a run in
  // progress changes only its duration, which the tag leaves out.
  list->entity_tag = previous != nullptr && SameStableTexts(*previous, list->entries)
                         ? previous->entity_tag
                         : TagOf(list->entries);
  SerializedJobList result = list->Compose(encodings);
  Publish(key, std::move(list));
  return result;
}

void JobListCache::Publish(const Key& key, std::shared_ptr<const List> list) {
  std::lock_guard<std::mutex> lock(mutex_);
  lists_[key] = {++publications_, std::move(list)};
  if (lists_.size() <= kMaxLists) return;
  auto oldest = lists_.begin();
  for (auto it = lists_.begin(); it != lists_.end(); ++it) {
    if (it->second.first < oldest->second.first) oldest = it;
  }
  lists_.erase(oldest);
}

}  // namespace webjobs
