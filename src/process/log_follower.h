// Reads one log from a position onward, in whole lines, as it grows. The
// bytes come from the shared LogFeed while the position is in its buffer.
// Otherwise (a late join, a resumed position, a follower that fell behind
// the buffer) they come from the files on disk.
//
// For a rotated log (rotation.max_bytes > 0) positions carry the key of
// their file. The file with that key is looked up among the generations
// on disk (job_log.txt, job_prev_log.txt, ...); once it is read to its end,
// the follower goes on with the next newer generation. A position whose
// file is no longer on disk continues with the oldest generation still
// there, so no byte still on disk is skipped, and none is sent twice.
//
// One follower per client; not thread-safe. It registers with the feed
// while it lives.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "process/job_log_writer.h"
#include "process/log_feed.h"
#include "process/log_position.h"

namespace webjobs {

class LogFollower {
 public:
  // Largest read at once. A line longer than this (the writer's lines are
  // at most 64 KiB plus the prefix) is delivered in pieces.
  static constexpr size_t kMaxReadBytes = 256 * 1024;

  // Follows the log written at `path` (rotated as `rotation` describes) from
  // `start`. A start of file key 0 in a rotated log means an offset in the
  // current file. A start past the end of its file counts as its end.
  LogFollower(std::shared_ptr<LogFeed> feed, std::filesystem::path path, LogRotation rotation,
              LogPosition start);
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  enum class Status {
    kData,  // `bytes` contains whole lines
    kIdle,  // nothing new within the wait
    kEnd,   // the log is finished (see Finish()) and everything was read
  };
  struct Chunk {
    Status status = Status::kIdle;
    std::string bytes;
  };
  // Returns the next lines, waiting up to `wait` for them.
  Chunk Next(std::chrono::milliseconds wait);

  // Declares that the log will not grow any more (a run ended while the
  // feed never saw it). From then on a last line without LF is delivered
  // too, and Next() returns kEnd once everything is read. A closed feed
  // has the same effect.
  void Finish() { finished_ = true; }

  // The position after the last byte returned.
  const LogPosition& position() const { return position_; }

 private:
  enum class DiskStatus { kData, kMoved, kNothing };
  struct DiskRead {
    DiskStatus status = DiskStatus::kNothing;
    std::string bytes;
    bool complete_file = false;  // the bytes end a file that no longer grows
  };
  // Names the current file in a start of file key 0 of a rotated log, and
  // moves a start past the end of its file to that end.
  void ResolveStart();
  DiskRead ReadDisk();
  DiskRead ReadRotatedDisk();
  // Keeps whole lines of `bytes` read at position_ and advances past them.
  // Returns false when nothing is left to deliver.
  bool TakeLines(std::string& bytes, bool complete);
  bool rotated() const { return rotation_.max_bytes > 0; }

  std::shared_ptr<LogFeed> feed_;
  std::filesystem::path path_;
  LogRotation rotation_;
  LogPosition position_;
  bool finished_ = false;
};

}  // namespace webjobs
