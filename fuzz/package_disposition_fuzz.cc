// Fuzzes the names taken from an upload request: the Content-Disposition
// parser, the file name sanitizer and the job name check. A sanitized file
// name must be a single safe path component.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "package/content_disposition.h"
#include "package/job_name.h"
#include "package/text_encoding.h"

namespace {

void CheckSafeFileName(const std::string& name) {
  bool safe = !name.empty() && name != "." && name != ".." &&
              name.find_first_of("/\\") == std::string::npos && name.size() <= 255 &&
              webjobs::IsValidUtf8(name);
  for (char ch : name) safe = safe && static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7F;
  if (!safe) std::abort();
}

void CheckJobName(std::string_view name) {
  if (!webjobs::ValidateJobName(name).ok()) return;
  bool safe = !name.empty() && name.size() <= 255 && name.front() != '-' && name.front() != '_';
  for (char ch : name) {
    safe = safe && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_');
  }
  if (!safe) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  webjobs::Result<std::string> file_name = webjobs::ParseContentDispositionFileName(input);
  if (file_name.ok()) {
    webjobs::Result<std::string> sanitized = webjobs::SanitizeUploadFileName(*file_name);
    if (sanitized.ok()) CheckSafeFileName(*sanitized);
  }
  webjobs::Result<std::string> direct = webjobs::SanitizeUploadFileName(input);
  if (direct.ok()) CheckSafeFileName(*direct);

  CheckJobName(input);
  (void)webjobs::ValidateRunId(input).ok();
  return 0;
}
