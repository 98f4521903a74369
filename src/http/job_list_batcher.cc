#include "http/job_list_batcher.h"

#include <exception>

namespace webjobs {

Result<SerializedJobList> JobListBatcher::ResultOf(const Batch& batch) {
  if (batch.failure) std::rethrow_exception(batch.failure);
  return *batch.result;
}

Result<SerializedJobList> JobListBatcher::Run(const Key& key, ListEncodings needed,
                                              const Build& build) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto slot = slots_.try_emplace(key).first;
  if (slot->second.next == nullptr) slot->second.next = std::make_shared<Batch>();
  std::shared_ptr<Batch> batch = slot->second.next;
  batch->needed.identity = batch->needed.identity || needed.identity;
  batch->needed.gzip = batch->needed.gzip || needed.gzip;

  // Either another thread ran this batch's build, or no build runs and
  // this thread is the first of the batch to wake up, so it runs it. The
  // slot is read only while the batch is not done, and a slot with a
  // waiting batch is never erased.
  batch->changed.wait(lock, [&] { return batch->done || !slot->second.building; });
  if (batch->done) return ResultOf(*batch);

  slot->second.building = true;
  slot->second.next = nullptr;
  ++builds_;
  ListEncodings forms = batch->needed;
  lock.unlock();
  std::optional<Result<SerializedJobList>> result;
  std::exception_ptr failure;
  try {
    result.emplace(build(forms));
  } catch (...) {
    failure = std::current_exception();
  }
  lock.lock();
  batch->result = std::move(result);
  batch->failure = failure;
  batch->done = true;
  slot->second.building = false;
  std::shared_ptr<Batch> next = slot->second.next;
  if (next == nullptr) slots_.erase(slot);
  lock.unlock();
  batch->changed.notify_all();
  if (next != nullptr) next->changed.notify_one();
  return ResultOf(*batch);
}

uint64_t JobListBatcher::builds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return builds_;
}

}  // namespace webjobs
