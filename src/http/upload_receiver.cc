#include "http/upload_receiver.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace webjobs {
namespace {

Status WriteAll(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return ErrnoError("failed to write upload file " + path.string(), errno);
    data.remove_prefix(static_cast<size_t>(written));
  }
  return Status::Ok();
}

Result<int> CreateUploadFile(const std::filesystem::path& upload_dir, std::string& path_out) {
  std::error_code error;
  std::filesystem::create_directories(upload_dir, error);
  if (error) {
    return IoError("failed to create upload folder " + upload_dir.string() + ": " +
                   error.message());
  }
  path_out = (upload_dir / "upload-XXXXXX").string();
  int fd = ::mkostemp(path_out.data(), O_CLOEXEC);
  if (fd < 0)
    return ErrnoError("failed to create a file in upload folder " + upload_dir.string(), errno);
  return fd;
}

}  // namespace

UploadFile& UploadFile::operator=(UploadFile&& other) noexcept {
  if (this != &other) {
    UploadFile discarded(std::move(path_));
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

UploadFile::~UploadFile() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

Result<UploadFile> ReceiveUpload(RequestBody& body, const std::filesystem::path& upload_dir,
                                 uint64_t max_bytes) {
  std::string path;
  Result<int> fd = CreateUploadFile(upload_dir, path);
  if (!fd.ok()) {
    body.Discard();
    return fd.error();
  }
  UploadFile file{std::filesystem::path(path)};

  uint64_t received = 0;
  Status read = body.Read([&](std::string_view chunk) -> Status {
    received += chunk.size();
    if (received > max_bytes) {
      // RequestBody drops the rest of the body, so the client gets this
      // reply and a keep-alive connection stays usable.
      return TooLarge("the upload is larger than the limit of " + std::to_string(max_bytes) +
                      " bytes; raise --max-upload-bytes of `webjobs serve` or send a smaller "
                      "package");
    }
    return WriteAll(*fd, chunk, file.path());
  });
  int close_errno = ::close(*fd) == 0 ? 0 : errno;
  if (!read.ok()) return read.error();
  if (close_errno != 0) return ErrnoError("failed to write upload file " + path, close_errno);
  return file;
}

}  // namespace webjobs
