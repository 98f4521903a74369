// The live tail of one log, shared between the thread that writes the log
// (the event loop, through JobLogWriter) and the threads that follow it
// (HTTP event streams).
//
// The writer publishes every byte range it has written to the file, with
// the file's key and the offset it was written at (see log_position.h).
// While at least one follower is registered, the feed keeps the newest
// `max_buffer_bytes` of them in memory, so any number of followers that
// keep up copy from memory and the file is read once, by the writer's
// write(2). A follower whose position is older than the buffer (it joined
// late, resumed from an old position, or fell behind) gets kBehind and
// reads the file itself for the part it lacks (see LogFollower). With no
// follower, publishing only records the end of the file.
//
// Thread-safe. Waiting is done with timeouts, so a caller can check for
// its own reasons to stop (a server shutting down) between waits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

#include "process/log_position.h"

namespace webjobs {

class LogFeed {
 public:
  static constexpr size_t kDefaultMaxBufferBytes = 1 << 20;
  // Files remembered after a rotation, to find the file that follows one.
  static constexpr size_t kMaxFiles = 16;

  explicit LogFeed(size_t max_buffer_bytes = kDefaultMaxBufferBytes);
  LogFeed(const LogFeed&) = delete;
  LogFeed& operator=(const LogFeed&) = delete;

  // Writer side. Open() marks the log as written to (a run was created, a
  // continuous job opened its log), Close() as finished for good: followers
  // of a closed feed get what is left and then the end.
  void Open();
  void Close();
  // The writer now appends to the file `file_key` (0 for a log that is not
  // rotated), which holds `size` bytes. Called when a file is opened or
  // created, and after each rotation.
  void StartFile(uint64_t file_key, uint64_t size);
  // `bytes` were written at `offset` of the current file.
  void Append(uint64_t offset, std::string_view bytes);

  // Follower side.
  enum class ReadStatus {
    kData,     // `bytes` (maybe empty when only the file changed) start at the position read
    kNothing,  // no bytes after the position yet
    kBehind,   // the position is not in the buffer; read the file
  };
  struct ReadResult {
    ReadStatus status = ReadStatus::kNothing;
    std::string bytes;
    LogPosition next;  // the position after `bytes`
  };
  // Copies at most `max_bytes` that follow `from`, without waiting. Crosses
  // from the end of a rotated file to the start of the next one.
  ReadResult Read(const LogPosition& from, size_t max_bytes) const;
  // Returns a number that changes whenever the feed changes.
  uint64_t version() const;
  // Waits until version() differs from `seen`, or until `timeout` passed.
  void WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) const;

  void AddFollower();
  void RemoveFollower();

  bool opened() const;
  bool closed() const;
  // The key of the file being written, 0 before StartFile() or for a log
  // that is not rotated.
  uint64_t current_file_key() const;
  size_t buffered_bytes() const;
  size_t followers() const;

 private:
  struct Chunk {
    uint64_t file_key = 0;
    uint64_t offset = 0;
    std::string bytes;
  };
  struct FileSpan {
    uint64_t key = 0;
    uint64_t end = 0;  // bytes in the file when the next one started
  };
  // Blocks of at most this size keep the lookup of a position short.
  static constexpr size_t kChunkBytes = 64 * 1024;

  void Changed();  // with mutex_ held
  void TrimBuffer();
  // Returns the index of the chunk that holds the byte at `position`, or
  // kNoChunk.
  size_t FindChunk(const LogPosition& position) const;
  static constexpr size_t kNoChunk = static_cast<size_t>(-1);

  const size_t max_buffer_bytes_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<Chunk> chunks_;  // oldest first
  size_t buffered_bytes_ = 0;
  std::deque<FileSpan> finished_files_;  // rotated away, oldest first
  bool has_file_ = false;  // StartFile() was called
  uint64_t current_key_ = 0;
  uint64_t current_end_ = 0;
  uint64_t version_ = 0;
  size_t followers_ = 0;
  bool opened_ = false;
  bool closed_ = false;
};

}  // namespace webjobs
