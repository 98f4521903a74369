#include "process/log_follower.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "process/unique_fd.h"

namespace webjobs {
namespace {

UniqueFd OpenForRead(const std::filesystem::path& path) {
  return UniqueFd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
}

uint64_t FileSize(int fd) {
  struct stat info {};
  return fstat(fd, &info) == 0 ? static_cast<uint64_t>(info.st_size) : 0;
}

// Reads up to `max_bytes` at `offset`; a short read is fine.
std::string ReadAt(int fd, uint64_t offset, size_t max_bytes) {
  std::string bytes(max_bytes, '\0');
  ssize_t got;
  do {
    got = pread(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
  } while (got < 0 && errno == EINTR);
  bytes.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return bytes;
}

}  // namespace

LogFollower::LogFollower(std::shared_ptr<LogFeed> feed, std::filesystem::path path,
                         LogRotation rotation, LogPosition start)
    : feed_(std::move(feed)),
      path_(std::move(path)),
      rotation_(std::move(rotation)),
      position_(start) {
  feed_->AddFollower();
  ResolveStart();
}

LogFollower::~LogFollower() { feed_->RemoveFollower(); }

void LogFollower::ResolveStart() {
  if (rotated() && position_.file_key != 0) return;  // ReadRotatedDisk() checks it
  UniqueFd fd = OpenForRead(path_);
  if (!fd.valid()) return;
  if (rotated()) position_.file_key = LogFileKey(fd.get());
  position_.offset = std::min(position_.offset, FileSize(fd.get()));
}

LogFollower::Chunk LogFollower::Next(std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    uint64_t seen = feed_->version();
    bool complete = finished_ || feed_->closed();
    LogFeed::ReadResult read = feed_->Read(position_, kMaxReadBytes);
    bool progressed = false;
    if (read.status == LogFeed::ReadStatus::kData) {
      // The bytes end at `next`, in the file the feed moved to.
      position_ = LogPosition{read.next.file_key, read.next.offset - read.bytes.size()};
      if (read.bytes.empty()) continue;
      if (TakeLines(read.bytes, complete)) return Chunk{Status::kData, std::move(read.bytes)};
    } else {
      position_ = read.next;
      if (read.status == LogFeed::ReadStatus::kBehind) {
        DiskRead disk = ReadDisk();
        if (disk.status == DiskStatus::kMoved) continue;
        if (disk.status == DiskStatus::kData) {
          progressed = TakeLines(disk.bytes, complete || disk.complete_file);
          if (progressed) return Chunk{Status::kData, std::move(disk.bytes)};
        }
      }
    }
    if (complete) return Chunk{Status::kEnd, {}};

    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return Chunk{Status::kIdle, {}};
    feed_->WaitForChange(
        seen, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
                  std::chrono::milliseconds(1));
  }
}

bool LogFollower::TakeLines(std::string& bytes, bool complete) {
  if (bytes.empty()) return false;
  if (!complete && bytes.size() < kMaxReadBytes) {
    // A line still being written waits for its end.
    size_t last = bytes.rfind('\n');
    if (last == std::string::npos) return false;
    bytes.resize(last + 1);
  }
  position_.offset += bytes.size();
  return true;
}

LogFollower::DiskRead LogFollower::ReadDisk() {
  if (rotated()) return ReadRotatedDisk();
  DiskRead read;
  UniqueFd fd = OpenForRead(path_);
  if (!fd.valid()) return read;  // not created yet, or removed with the run
  read.bytes = ReadAt(fd.get(), position_.offset, kMaxReadBytes);
  if (!read.bytes.empty()) read.status = DiskStatus::kData;
  return read;
}

LogFollower::DiskRead LogFollower::ReadRotatedDisk() {
  DiskRead read;
  int generations = std::max(rotation_.max_files, 1);
  auto path_of = [&](int generation) { return RotatedLogPath(path_, rotation_, generation); };

  if (position_.file_key == 0) {
    // The log did not exist when the follower started.
    UniqueFd current = OpenForRead(path_);
    if (!current.valid()) return read;
    position_.file_key = LogFileKey(current.get());
    read.status = DiskStatus::kMoved;
    return read;
  }

  // A rotation may rename files between the steps below; each step checks
  // what it opened and starts over when a rename got in between.
  for (int attempt = 0; attempt < 4; ++attempt) {
    int found = -1;
    UniqueFd file;
    for (int generation = 0; generation < generations && found < 0; ++generation) {
      UniqueFd candidate = OpenForRead(path_of(generation));
      if (candidate.valid() && LogFileKey(candidate.get()) == position_.file_key) {
        found = generation;
        file = std::move(candidate);
      }
    }
    if (found < 0) {
      // The file was rotated off the disk (or the key was never ours):
      // everything still on disk is newer, so start at the oldest file.
      for (int generation = generations - 1; generation >= 0; --generation) {
        UniqueFd oldest = OpenForRead(path_of(generation));
        if (!oldest.valid()) continue;
        position_ = LogPosition{LogFileKey(oldest.get()), 0};
        read.status = DiskStatus::kMoved;
        return read;
      }
      return read;
    }

    uint64_t size = FileSize(file.get());
    if (position_.offset < size) {
      read.bytes = ReadAt(file.get(), position_.offset, kMaxReadBytes);
      read.status = read.bytes.empty() ? DiskStatus::kNothing : DiskStatus::kData;
      read.complete_file = found > 0 && position_.offset + read.bytes.size() >= size;
      return read;
    }
    if (found == 0) {
      position_.offset = size;  // a start past the end counts as the end
      return read;
    }

    // The end of a rotated file: the next newer generation follows it,
    // unless a rotation moved the files since `found` was opened.
    UniqueFd newer = OpenForRead(path_of(found - 1));
    UniqueFd again = OpenForRead(path_of(found));
    if (!newer.valid() || !again.valid() || LogFileKey(again.get()) != position_.file_key) {
      continue;
    }
    position_ = LogPosition{LogFileKey(newer.get()), 0};
    read.status = DiskStatus::kMoved;
    return read;
  }
  return read;
}

}  // namespace webjobs
