#include "http/job_list_cache.h"

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

}  // namespace

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
  body->push_back('[');
  for (size_t index = 0; index < entries.size(); ++index) {
    if (index > 0) body->push_back(',');
    body->append(entries[index]->text);
  }
  body->push_back(']');
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
                                          const std::vector<JobView>& jobs, TimePoint now) {
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
  if (unchanged) return previous->serialized;

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
  list->serialized.body = JoinTexts(list->entries);
  // Hashing the whole text costs more than comparing it, and a run in
  // progress changes only its duration, which the tag leaves out.
  list->serialized.entity_tag = previous != nullptr && SameStableTexts(*previous, list->entries)
                                    ? previous->serialized.entity_tag
                                    : TagOf(list->entries);
  SerializedJobList result = list->serialized;
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
