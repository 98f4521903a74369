#include "http/vfs_handler.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <system_error>

#include "http/http_reply.h"
#include "package/ascii_case.h"
#include "package/message_value.h"
#include "process/unique_fd.h"

namespace webjobs {
namespace {

constexpr size_t kReadChunkBytes = 64 * 1024;

struct OpenFile {
  std::shared_ptr<const UniqueFd> fd;
  uint64_t size = 0;
};

// The response to a Range header. httplib 0.11 slices the content itself
// but does not clamp a range that ends past the file, so only ranges inside
// the file are passed on. Other ranges are ignored, which RFC 9110 allows.
enum class RangePlan { kWhole, kPartial, kUnsatisfiable, kIgnore };

std::string ContentTypeFor(const std::filesystem::path& path) {
  std::string extension = ToLowerAscii(path.extension().string());
  if (extension == ".txt" || extension == ".log") return std::string(kTextContentType);
  if (extension == ".json") return std::string(kJsonContentType);
  return "application/octet-stream";
}

Result<std::filesystem::path> ResolveInsideRoot(const std::filesystem::path& root,
                                                const std::filesystem::path& candidate,
                                                const std::string& display) {
  std::error_code error;
  std::filesystem::path resolved_root = std::filesystem::canonical(root, error);
  if (error) return NotFound("no file " + QuoteForMessage(display) + ": data/jobs does not exist");
  std::filesystem::path resolved = std::filesystem::canonical(candidate, error);
  if (error) return NotFound("no file " + QuoteForMessage(display));

  std::filesystem::path relative = resolved.lexically_relative(resolved_root);
  if (relative.empty() || *relative.begin() == "..") {
    return NotFound("no file " + QuoteForMessage(display) +
                    ": it resolves to a path outside data/jobs");
  }
  return resolved;
}

// O_NONBLOCK keeps a FIFO that a job left in its data folder from blocking
// the request thread in open(). It does not change reads of regular files.
Result<OpenFile> OpenRegularFile(const std::filesystem::path& path, const std::string& display) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0 && (errno == ENOENT || errno == ELOOP)) {
    return NotFound("no file " + QuoteForMessage(display));
  }
  if (fd < 0) return ErrnoError("failed to open " + path.string(), errno);
  auto shared_fd = std::make_shared<const UniqueFd>(fd);

  struct stat info {};
  if (::fstat(fd, &info) != 0) return ErrnoError("failed to stat " + path.string(), errno);
  if (S_ISDIR(info.st_mode)) {
    return NotFound(QuoteForMessage(display) + " is a folder; folder listings are not served");
  }
  if (!S_ISREG(info.st_mode)) return NotFound(QuoteForMessage(display) + " is not a regular file");
  return OpenFile{std::move(shared_fd), static_cast<uint64_t>(info.st_size)};
}

RangePlan PlanRange(const httplib::Ranges& ranges, uint64_t size) {
  if (ranges.empty()) return RangePlan::kWhole;
  if (ranges.size() > 1) return RangePlan::kIgnore;
  auto [first, last] = ranges.front();
  if (first < 0) {  // suffix range "bytes=-N"
    return (last <= 0 || size == 0) ? RangePlan::kUnsatisfiable : RangePlan::kPartial;
  }
  if (static_cast<uint64_t>(first) >= size) return RangePlan::kUnsatisfiable;
  if (last < 0 || static_cast<uint64_t>(last) < size) return RangePlan::kPartial;
  return RangePlan::kIgnore;
}

// Reads up to `length` bytes at `offset` into `sink`; false when the file
// shrank below the size it had when opened, which ends the response.
bool SendFileChunk(int fd, uint64_t offset, uint64_t length, httplib::DataSink& sink) {
  std::array<char, kReadChunkBytes> buffer;
  size_t requested = static_cast<size_t>(std::min<uint64_t>(length, buffer.size()));
  ssize_t got = 0;
  do {
    got = ::pread(fd, buffer.data(), requested, static_cast<off_t>(offset));
  } while (got < 0 && errno == EINTR);
  if (got <= 0) return false;
  return sink.write(buffer.data(), static_cast<size_t>(got));
}

void SetFileContent(const OpenFile& file, const std::string& content_type, bool chunked,
                    httplib::Response& response) {
  std::shared_ptr<const UniqueFd> fd = file.fd;
  uint64_t size = file.size;
  if (chunked) {
    response.set_chunked_content_provider(
        content_type, [fd, size](size_t offset, httplib::DataSink& sink) {
          if (offset >= size) {
            sink.done();
            return true;
          }
          return SendFileChunk(fd->get(), offset, size - offset, sink);
        });
    return;
  }
  response.set_content_provider(static_cast<size_t>(size), content_type,
                                [fd](size_t offset, size_t length, httplib::DataSink& sink) {
                                  return SendFileChunk(fd->get(), offset, length, sink);
                                });
}

}  // namespace

Status ServeDataFile(const std::filesystem::path& data_jobs_root, JobType type,
                     const std::string& job_name, const std::vector<std::string>& segments,
                     const httplib::Request& request, httplib::Response& response) {
  std::filesystem::path candidate = data_jobs_root / std::string(JobTypeName(type)) / job_name;
  std::string display = "data/jobs/" + std::string(JobTypeName(type)) + "/" + job_name;
  for (const std::string& segment : segments) {
    candidate /= segment;
    display += "/" + segment;
  }

  Result<std::filesystem::path> resolved = ResolveInsideRoot(data_jobs_root, candidate, display);
  if (!resolved.ok()) return resolved.error();
  Result<OpenFile> file = OpenRegularFile(*resolved, display);
  if (!file.ok()) return file.error();

  std::string content_type = ContentTypeFor(*resolved);
  response.set_header("X-Content-Type-Options", "nosniff");
  switch (PlanRange(request.ranges, file->size)) {
    case RangePlan::kUnsatisfiable:
      response.set_header("Content-Range", "bytes */" + std::to_string(file->size));
      ReplyText(response, 416,
                "the requested range is outside the file, which is " + std::to_string(file->size) +
                    " bytes long");
      return Status::Ok();
    case RangePlan::kIgnore:
      response.status = 200;
      SetFileContent(*file, content_type, /*chunked=*/true, response);
      return Status::Ok();
    case RangePlan::kPartial:
      response.status = 206;
      SetFileContent(*file, content_type, /*chunked=*/false, response);
      return Status::Ok();
    case RangePlan::kWhole:
      break;
  }
  response.status = 200;
  if (file->size == 0) {
    response.set_content("", 0, content_type);
  } else {
    SetFileContent(*file, content_type, /*chunked=*/false, response);
  }
  return Status::Ok();
}

}  // namespace webjobs
