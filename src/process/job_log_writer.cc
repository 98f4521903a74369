#include "process/job_log_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace webjobs {

namespace {

std::string_view OutputTag(OutputStream stream) {
  return stream == OutputStream::kStdout ? "INFO] " : "ERR ] ";
}

std::string_view SystemTag(SystemLevel level) {
  switch (level) {
    case SystemLevel::kInfo:
      return "SYS INFO] ";
    case SystemLevel::kWarn:
      return "SYS WARN] ";
    case SystemLevel::kError:
      return "SYS ERR ] ";
  }
  return "SYS INFO] ";
}

Result<UniqueFd> OpenForAppend(const std::filesystem::path& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("failed to open log file " + path.string(), errno);
  return UniqueFd(fd);
}

// Replaces CR and LF in `text` with spaces, so a record stays one line.
void ReplaceLineBreaks(char* text, size_t size) {
  for (char terminator : {'\n', '\r'}) {
    char* end = text + size;
    char* hit = text;
    while ((hit = static_cast<char*>(std::memchr(hit, terminator, end - hit))) != nullptr) {
      *hit++ = ' ';
    }
  }
}

}  // namespace

Result<JobLogWriter> JobLogWriter::Open(std::filesystem::path path, std::string instance,
                                        const Clock& clock, JobLogWriterOptions options) {
  const LogRotation& rotation = options.rotation;
  if (rotation.max_bytes > 0 && rotation.max_files >= 2 && rotation.previous_path.empty()) {
    return InvalidArgument("log rotation for " + path.string() +
                           " needs a previous_path (for example job_prev_log.txt)");
  }

  Result<UniqueFd> fd = OpenForAppend(path);
  if (!fd) return fd.error();
  struct stat info {};
  if (fstat(fd->get(), &info) != 0)
    return ErrnoError("failed to stat log file " + path.string(), errno);
  return JobLogWriter(std::move(path), std::move(instance), clock, std::move(options),
                      std::move(*fd), static_cast<uint64_t>(info.st_size));
}

JobLogWriter JobLogWriter::CreateLater(std::filesystem::path path, std::string instance,
                                       const Clock& clock, JobLogWriterOptions options) {
  JobLogWriter writer(std::move(path), std::move(instance), clock, std::move(options), UniqueFd(),
                      0);
  writer.create_folders_ = true;
  return writer;
}

JobLogWriter::JobLogWriter(std::filesystem::path path, std::string instance, const Clock& clock,
                           JobLogWriterOptions options, UniqueFd fd, uint64_t file_bytes)
    : path_(std::move(path)),
      instance_(std::move(instance)),
      clock_(&clock),
      options_(std::move(options)),
      fd_(std::move(fd)),
      file_bytes_(file_bytes) {
  // The buffer grows with use: a run that prints a few lines, or a
  // scheduler log message, must not cost a full-size allocation.
  if (fd_.valid()) PublishFileStart();
}

JobLogWriter::~JobLogWriter() {
  if (fd_.valid() || create_folders_) (void)WriteBuffer();
}

void JobLogWriter::WriteOutput(OutputStream stream, std::string_view text) {
  Append(OutputTag(stream), text);
}

void JobLogWriter::WriteFramedOutput(OutputStream stream, std::string_view line) {
  assert(line.find_first_of("\r\n") == std::string_view::npos);
  if (prefix_.empty()) RefreshPrefix();
  std::string_view tag = OutputTag(stream);
  RotateIfFull(prefix_.size() + tag.size() + line.size() + 1);
  buffer_.append(prefix_);
  buffer_.append(tag);
  buffer_.append(line);
  buffer_.push_back('\n');
  if (buffer_.size() >= options_.buffer_bytes) Remember(WriteBuffer());
}

void JobLogWriter::RefreshTime() { RefreshPrefix(); }

void JobLogWriter::WriteSystem(SystemLevel level, std::string_view text) {
  Append(SystemTag(level), text);
}

Status JobLogWriter::Flush() {
  Remember(WriteBuffer());
  Status result = std::move(first_error_);
  first_error_ = Status::Ok();
  return result;
}

void JobLogWriter::Append(std::string_view tag, std::string_view text) {
  RefreshPrefix();
  RotateIfFull(prefix_.size() + tag.size() + text.size() + 1);

  buffer_.append(prefix_);
  buffer_.append(tag);
  size_t text_start = buffer_.size();
  buffer_.append(text);
  ReplaceLineBreaks(buffer_.data() + text_start, text.size());
  buffer_.push_back('\n');

  if (buffer_.size() >= options_.buffer_bytes) Remember(WriteBuffer());
}

void JobLogWriter::RefreshPrefix() {
  // Formatting a date costs far more than a record, and a busy job writes
  // thousands of records per second, so the prefix is reused within a second.
  auto since_epoch = clock_->Now().time_since_epoch();
  int64_t second = std::chrono::floor<std::chrono::seconds>(since_epoch).count();
  if (second == prefix_second_) return;

  time_t seconds = static_cast<time_t>(second);
  struct tm utc {};
  gmtime_r(&seconds, &utc);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "[%02d/%02d/%04d %02d:%02d:%02d > ", utc.tm_mon + 1,
                utc.tm_mday, utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  prefix_.assign(stamp);
  prefix_.append(instance_);
  prefix_.append(": ");
  prefix_second_ = second;
}

void JobLogWriter::RotateIfFull(size_t record_bytes) {
  uint64_t max_bytes = options_.rotation.max_bytes;
  if (max_bytes == 0) return;
  uint64_t current = size();
  if (current == 0 || current + record_bytes <= max_bytes) return;
  Rotate();
}

void JobLogWriter::Rotate() {
  Remember(WriteBuffer());
  fd_.Reset();

  const std::filesystem::path& current = path_;
  int max_files = std::max(options_.rotation.max_files, 1);
  for (int generation = max_files - 1; generation >= 1; --generation) {
    std::filesystem::path from = RotatedLogPath(current, options_.rotation, generation - 1);
    std::filesystem::path to = RotatedLogPath(current, options_.rotation, generation);
    // rename() replaces `to`, which drops the oldest generation.
    if (rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
      Remember(
          ErrnoError("failed to rotate log file " + from.string() + " to " + to.string(), errno));
    }
  }
  if (max_files == 1 && unlink(current.c_str()) != 0 && errno != ENOENT) {
    Remember(ErrnoError("failed to remove full log file " + current.string(), errno));
  }

  // A failed rename leaves the old file in place; appending to it is
  // better than losing records.
  Result<UniqueFd> fd = OpenForAppend(current);
  if (!fd) {
    Remember(fd.error());
    return;
  }
  fd_ = std::move(*fd);
  struct stat info {};
  file_bytes_ = fstat(fd_.get(), &info) == 0 ? static_cast<uint64_t>(info.st_size) : 0;
  PublishFileStart();
}

Status JobLogWriter::WriteBuffer() {
  if (buffer_.empty()) return Status::Ok();
  if (!fd_.valid()) {
    // Not created yet (CreateLater), or not reopened after a rotation.
    if (create_folders_) {
      std::error_code error;
      std::filesystem::create_directories(path_.parent_path(), error);
      if (error) {
        buffer_.clear();
        return IoError("failed to create the folder " + path_.parent_path().string() +
                       " for log file " + path_.filename().string() + ": " + error.message());
      }
    }
    Result<UniqueFd> fd = OpenForAppend(path_);
    if (!fd) {
      buffer_.clear();
      return fd.error();
    }
    fd_ = std::move(*fd);
    if (create_folders_) {
      create_folders_ = false;
      struct stat info {};
      if (fstat(fd_.get(), &info) == 0) file_bytes_ = static_cast<uint64_t>(info.st_size);
    }
    PublishFileStart();
  }

  size_t written = 0;
  while (written < buffer_.size()) {
    ssize_t rc = write(fd_.get(), buffer_.data() + written, buffer_.size() - written);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) {
      int saved = errno;
      size_t lost = buffer_.size() - written;
      if (options_.feed) options_.feed->Append(file_bytes_, std::string_view(buffer_).substr(0, written));
      file_bytes_ += written;
      buffer_.clear();
      return ErrnoError("failed to write log file " + path_.string() + " (" + std::to_string(lost) +
                            " bytes of log records lost)",
                        saved);
    }
    written += static_cast<size_t>(rc);
  }
  if (options_.feed) options_.feed->Append(file_bytes_, buffer_);
  file_bytes_ += written;
  buffer_.clear();
  return Status::Ok();
}

void JobLogWriter::PublishFileStart() {
  if (!options_.feed) return;
  uint64_t key = options_.rotation.max_bytes > 0 ? LogFileKey(fd_.get()) : 0;
  options_.feed->StartFile(key, file_bytes_);
}

void JobLogWriter::Remember(Status status) {
  if (!status && first_error_) first_error_ = std::move(status);
}

std::filesystem::path RotatedLogPath(const std::filesystem::path& current,
                                     const LogRotation& rotation, int generation) {
  if (generation <= 0) return current;
  if (generation == 1) return rotation.previous_path;
  const std::filesystem::path& previous = rotation.previous_path;
  std::string name =
      previous.stem().string() + "." + std::to_string(generation) + previous.extension().string();
  return previous.parent_path() / name;
}

}  // namespace webjobs
