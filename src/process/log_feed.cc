#include "process/log_feed.h"

#include <algorithm>

namespace webjobs {

LogFeed::LogFeed(size_t max_buffer_bytes) : max_buffer_bytes_(max_buffer_bytes) {}

void LogFeed::Open() {
  std::lock_guard lock(mutex_);
  opened_ = true;
  Changed();
}

void LogFeed::Close() {
  std::lock_guard lock(mutex_);
  opened_ = true;
  closed_ = true;
  Changed();
}

void LogFeed::StartFile(uint64_t file_key, uint64_t size) {
  std::lock_guard lock(mutex_);
  if (has_file_ && file_key != current_key_) {
    finished_files_.push_back(FileSpan{current_key_, current_end_});
    if (finished_files_.size() > kMaxFiles) finished_files_.pop_front();
  }
  has_file_ = true;
  current_key_ = file_key;
  current_end_ = size;
  Changed();
}

void LogFeed::Append(uint64_t offset, std::string_view bytes) {
  std::lock_guard lock(mutex_);
  current_end_ = offset + bytes.size();
  if (followers_ > 0) {
    while (!bytes.empty()) {
      Chunk* last = chunks_.empty() ? nullptr : &chunks_.back();
      bool extends = last != nullptr && last->file_key == current_key_ &&
                     last->offset + last->bytes.size() == offset &&
                     last->bytes.size() < kChunkBytes;
      if (!extends) {
        chunks_.push_back(Chunk{current_key_, offset, {}});
        last = &chunks_.back();
      }
      size_t take = std::min(bytes.size(), kChunkBytes - last->bytes.size());
      last->bytes.append(bytes.substr(0, take));
      buffered_bytes_ += take;
      offset += take;
      bytes.remove_prefix(take);
    }
    TrimBuffer();
  }
  Changed();
}

void LogFeed::TrimBuffer() {
  while (buffered_bytes_ > max_buffer_bytes_ && !chunks_.empty()) {
    buffered_bytes_ -= chunks_.front().bytes.size();
    chunks_.pop_front();
  }
}

void LogFeed::Changed() {
  ++version_;
  changed_.notify_all();
}

size_t LogFeed::FindChunk(const LogPosition& position) const {
  for (size_t i = chunks_.size(); i-- > 0;) {
    const Chunk& chunk = chunks_[i];
    if (chunk.file_key == position.file_key && chunk.offset <= position.offset &&
        position.offset < chunk.offset + chunk.bytes.size()) {
      return i;
    }
  }
  return kNoChunk;
}

LogFeed::ReadResult LogFeed::Read(const LogPosition& from, size_t max_bytes) const {
  std::lock_guard lock(mutex_);
  ReadResult result;
  result.next = from;
  // Until the writer names its file, the feed cannot place any position.
  if (!has_file_) {
    result.status = ReadStatus::kBehind;
    return result;
  }
  LogPosition position = from;
  // Each pass either copies, ends, or moves to the next file, so the loop
  // ends after at most one pass per remembered file.
  for (size_t pass = 0; pass <= finished_files_.size() + 1; ++pass) {
    size_t index = FindChunk(position);
    if (index != kNoChunk) {
      result.status = ReadStatus::kData;
      for (; index < chunks_.size() && result.bytes.size() < max_bytes; ++index) {
        const Chunk& chunk = chunks_[index];
        if (chunk.file_key != position.file_key || chunk.offset > position.offset ||
            chunk.offset + chunk.bytes.size() <= position.offset) {
          break;
        }
        size_t start = position.offset - chunk.offset;
        size_t take = std::min(chunk.bytes.size() - start, max_bytes - result.bytes.size());
        result.bytes.append(chunk.bytes, start, take);
        position.offset += take;
      }
      result.next = position;
      return result;
    }
    result.next = position;
    if (position.file_key == current_key_) {
      bool at_end = position.offset >= current_end_;
      if (!at_end) {
        result.status = ReadStatus::kBehind;
      } else {
        result.status = position == from ? ReadStatus::kNothing : ReadStatus::kData;
      }
      return result;
    }
    auto span = std::find_if(finished_files_.begin(), finished_files_.end(),
                             [&](const FileSpan& file) { return file.key == position.file_key; });
    if (span == finished_files_.end() || position.offset < span->end) {
      result.status = ReadStatus::kBehind;
      return result;
    }
    // The end of a rotated file: go on at the start of the file after it.
    auto successor = std::next(span);
    position = LogPosition{successor == finished_files_.end() ? current_key_ : successor->key, 0};
  }
  result.status = ReadStatus::kBehind;
  result.next = position;
  return result;
}

uint64_t LogFeed::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

void LogFeed::WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return version_ != seen; });
}

void LogFeed::AddFollower() {
  std::lock_guard lock(mutex_);
  ++followers_;
}

void LogFeed::RemoveFollower() {
  std::lock_guard lock(mutex_);
  if (followers_ > 0) --followers_;
  if (followers_ == 0) {
    chunks_.clear();
    buffered_bytes_ = 0;
  }
}

bool LogFeed::opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

bool LogFeed::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

uint64_t LogFeed::current_file_key() const {
  std::lock_guard lock(mutex_);
  return current_key_;
}

size_t LogFeed::buffered_bytes() const {
  std::lock_guard lock(mutex_);
  return buffered_bytes_;
}

size_t LogFeed::followers() const {
  std::lock_guard lock(mutex_);
  return followers_;
}

}  // namespace webjobs
