// Fuzzes ParseLogPosition, the parser of Last-Event-ID and `from` values.
//
// Checks, for every input that parses:
// - formatting the result and parsing that again gives the same position;
// - the formatted text is what FormatLogPosition promises: digits, or 16
//   hex digits, '-' and digits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "process/log_position.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::optional<webjobs::LogPosition> parsed = webjobs::ParseLogPosition(input);
  if (!parsed) return 0;

  std::string text = webjobs::FormatLogPosition(*parsed);
  std::optional<webjobs::LogPosition> again = webjobs::ParseLogPosition(text);
  Check(again.has_value());
  Check(*again == *parsed);
  if (parsed->file_key == 0) {
    Check(IsDigits(text));
  } else {
    Check(text.size() > 17 && text[16] == '-');
    Check(IsDigits(text.substr(17)));
  }
  return 0;
}
