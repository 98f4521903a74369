// Receiving a job upload (the body of PUT /api/{type}webjobs/{name}) into a
// temporary file, chunk by chunk, so a large zip never sits in memory.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/result.h"
#include "http/request_body.h"

namespace webjobs {

// A temporary file holding one upload. The destructor removes the file if
// it still exists, so it is gone whether the JobService moved it, deleted
// it or failed. Move-only.
class UploadFile {
 public:
  explicit UploadFile(std::filesystem::path path) : path_(std::move(path)) {}
  UploadFile(UploadFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  UploadFile& operator=(UploadFile&& other) noexcept;
  UploadFile(const UploadFile&) = delete;
  UploadFile& operator=(const UploadFile&) = delete;
  ~UploadFile();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes the request body to a new file "upload-XXXXXX" in `upload_dir`,
// creating the folder when it is missing. The folder should be on the file
// system of the data root, so the JobService can rename the file into
// place. Returns the file, or kTooLarge when the body exceeds `max_bytes`
// (the partial file is removed), kIo naming the path when the file cannot
// be created or written, and RequestBody::Read's errors otherwise.
// Thread-safe: every call makes its own file.
Result<UploadFile> ReceiveUpload(RequestBody& body, const std::filesystem::path& upload_dir,
                                 uint64_t max_bytes);

}  // namespace webjobs
