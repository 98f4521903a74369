// Writes a job's log file in Kudu's line format.
//
// One record per line, LF-terminated, UTC time:
//   [MM/dd/yyyy HH:mm:ss > INST: INFO] text      a line the job wrote to stdout
//   [MM/dd/yyyy HH:mm:ss > INST: ERR ] text      a line the job wrote to stderr
//   [MM/dd/yyyy HH:mm:ss > INST: SYS INFO] text  a line of the host
//   (SYS WARN and SYS ERR  likewise; Kudu pads ERR to four characters.)
// INST is the short instance id. Kudu ends lines with CR LF; this writer
// uses LF.
//
// Records are appended to a memory buffer and written with one write(2)
// when the buffer passes `buffer_bytes` or on Flush(). The caller flushes
// after each batch of reads, so `tail -f` shows lines promptly.
//
// Optional rotation by size, for a continuous job's job_log.txt. Before a
// record would take the file past `max_bytes`, the files shift by one
// generation and a new file starts:
//   generation 0  job_log.txt          (the path being written)
//   generation 1  job_prev_log.txt     (`previous_path`, Kudu's name)
//   generation n  job_prev_log.n.txt   (n >= 2, ".n" before the extension)
// `max_files` counts every generation including the current one, so the
// default of 2 keeps job_log.txt and job_prev_log.txt, as Kudu does. A file
// grows beyond `max_bytes` only when a single record is larger or a
// rename fails (the writer then keeps appending to the old file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "process/log_feed.h"
#include "process/unique_fd.h"

namespace webjobs {

enum class OutputStream { kStdout, kStderr };
enum class SystemLevel { kInfo, kWarn, kError };

struct LogRotation {
  uint64_t max_bytes = 0;  // 0: never rotate
  int max_files = 2;       // generations kept, current file included; at least 1
  // Generation 1; required when max_bytes > 0 and max_files >= 2.
  std::filesystem::path previous_path;
};

struct JobLogWriterOptions {
  LogRotation rotation;
  size_t buffer_bytes = 256 * 1024;  // write(2) once this much is buffered
  // When set, every file the writer opens and every byte range it writes
  // is published to this feed for live followers. The files of a rotated
  // log are published with their LogFileKey(), others with key 0.
  std::shared_ptr<LogFeed> feed;
};

// Appends records to one log file. Move-only. Not thread-safe: one owner
// (the event loop) writes and flushes. Errors are returned as values; the
// only exception that can escape is std::bad_alloc.
class JobLogWriter {
 public:
  // Opens (creates, mode 0644) `path` for appending. `instance` is the
  // short instance id printed in every record. `clock` stamps every record
  // and must outlive the writer. Errors name the path: kInvalidArgument for
  // rotation without previous_path, kIo when the file cannot be opened.
  static Result<JobLogWriter> Open(std::filesystem::path path, std::string instance,
                                   const Clock& clock, JobLogWriterOptions options = {});
  // Like Open(), but the file and its missing parent folders are created
  // by the first write to the file (a Flush(), or a full buffer), so a
  // caller can start a process first and create its output file after.
  // Records wait in memory until then. A failure to create the file is
  // returned by that Flush(), and the next write tries again.
  static JobLogWriter CreateLater(std::filesystem::path path, std::string instance,
                                  const Clock& clock, JobLogWriterOptions options = {});

  // Flushes the buffer. A write error at this point is lost, so call
  // Flush() first where the error matters.
  ~JobLogWriter();
  JobLogWriter(JobLogWriter&&) noexcept = default;
  JobLogWriter& operator=(JobLogWriter&&) = delete;

  // Appends one record. `text` is one line, and a CR or LF inside it is
  // written as a space so that a record stays one line. A write error on an
  // automatic flush is kept and returned by the next Flush().
  void WriteOutput(OutputStream stream, std::string_view text);
  // The hot path for job output: appends a line that LineFramer produced
  // (so it holds no CR or LF, which is asserted in debug builds), stamped
  // with the time of the last RefreshTime() call rather than a fresh clock
  // read, so a batch of lines costs one clock read.
  void WriteFramedOutput(OutputStream stream, std::string_view line);
  // Reads the clock for the WriteFramedOutput() records that follow.
  void RefreshTime();
  void WriteSystem(SystemLevel level, std::string_view text);

  // Writes the buffered records. Returns the first error since the last
  // Flush() (a failed write or rotation), naming the path. Records that
  // could not be written are dropped, so memory stays bounded.
  Status Flush();

  const std::filesystem::path& path() const { return path_; }
  // Bytes in the current file, including buffered records.
  uint64_t size() const { return file_bytes_ + buffer_.size(); }

 private:
  JobLogWriter(std::filesystem::path path, std::string instance, const Clock& clock,
               JobLogWriterOptions options, UniqueFd fd, uint64_t file_bytes);

  void Append(std::string_view tag, std::string_view text);
  void RefreshPrefix();
  void RotateIfFull(size_t record_bytes);
  void Rotate();
  Status WriteBuffer();
  void Remember(Status status);
  void PublishFileStart();

  std::filesystem::path path_;
  std::string instance_;
  const Clock* clock_;
  JobLogWriterOptions options_;
  UniqueFd fd_;
  uint64_t file_bytes_;  // bytes already in the file
  std::string buffer_;
  std::string prefix_;  // "[MM/dd/yyyy HH:mm:ss > INST: " for prefix_second_
  int64_t prefix_second_ = std::numeric_limits<int64_t>::min();
  Status first_error_;           // kept until the next Flush()
  bool create_folders_ = false;  // made by CreateLater() and not yet created
};

// Returns the file name of rotation generation `generation` (see above).
std::filesystem::path RotatedLogPath(const std::filesystem::path& current,
                                     const LogRotation& rotation, int generation);

}  // namespace webjobs
