#include "package/job_name.h"

#include "package/message_value.h"
#include "package/text_encoding.h"

namespace webjobs {
namespace {

constexpr size_t kRunIdDigits = 18;

bool IsAsciiLetterOrDigit(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

bool IsControl(char ch) {
  unsigned char byte = static_cast<unsigned char>(ch);
  return byte < 0x20 || byte == 0x7F;
}

Error InvalidJobName(std::string_view name, std::string_view problem) {
  return InvalidArgument("invalid job name " + QuoteForMessage(name) + ": " + std::string(problem) +
                         "; a job name starts with a letter or digit and contains only letters, "
                         "digits, '-' and '_', at most 255 bytes");
}

Error InvalidFileName(std::string_view original, std::string_view problem) {
  return InvalidArgument("invalid upload file name " + QuoteForMessage(original) +
                         " in "
                         "Content-Disposition: " +
                         std::string(problem) +
                         "; send a plain file name such as filename=\"run.sh\"");
}

}  // namespace

Status ValidateJobName(std::string_view name) {
  if (name.empty()) return InvalidJobName(name, "the name is empty");
  if (name.size() > kMaxNameBytes) {
    return InvalidJobName(name, "the name is " + std::to_string(name.size()) + " bytes long");
  }
  if (!IsAsciiLetterOrDigit(name.front())) {
    return InvalidJobName(name, "the first character is not a letter or digit");
  }
  for (char ch : name) {
    if (!IsAsciiLetterOrDigit(ch) && ch != '-' && ch != '_') {
      return InvalidJobName(
          name, "it contains the character " + QuoteForMessage(std::string_view(&ch, 1)));
    }
  }
  return Status::Ok();
}

Status ValidateRunId(std::string_view run_id) {
  bool all_digits = true;
  for (char ch : run_id) all_digits = all_digits && ch >= '0' && ch <= '9';
  if (run_id.size() != kRunIdDigits || !all_digits) {
    return InvalidArgument("invalid run id " + QuoteForMessage(run_id) +
                           ": a run id is exactly 18 digits, such as 202401021530450123");
  }
  return Status::Ok();
}

Result<std::string> SanitizeUploadFileName(std::string_view content_disposition_filename) {
  std::string_view name = content_disposition_filename;
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  size_t separator = name.find_last_of("/\\");
  if (separator != std::string_view::npos) name = name.substr(separator + 1);

  std::string_view original = content_disposition_filename;
  if (name.empty()) return InvalidFileName(original, "no file name is left after the folder part");
  if (name == "." || name == "..") return InvalidFileName(original, "it is a folder reference");
  if (name.size() > kMaxNameBytes) {
    return InvalidFileName(original, "the file name is longer than 255 bytes");
  }
  for (char ch : name) {
    if (IsControl(ch)) return InvalidFileName(original, "it contains a control character");
  }
  if (!IsValidUtf8(name)) return InvalidFileName(original, "it is not valid UTF-8");
  return std::string(name);
}

}  // namespace webjobs
