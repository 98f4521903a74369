// Fuzzes the splitting of run arguments into words. Any bytes must split
// or fail with a message, and text with a NUL byte must fail. The words of
// a successful split, each in single quotes and joined by spaces, must
// split back into the same words.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "package/argument_splitter.h"

namespace {

// Quotes `word` for a POSIX shell: single quotes, with each ' written as '\''.
std::string SingleQuote(std::string_view word) {
  std::string quoted = "'";
  for (char ch : word) {
    if (ch == '\'') {
      quoted += "'\\''";
    } else {
      quoted += ch;
    }
  }
  quoted += '\'';
  return quoted;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  webjobs::Result<std::vector<std::string>> words = webjobs::SplitArguments(text);
  if (text.find('\0') != std::string_view::npos) {
    if (words.ok()) std::abort();
    return 0;
  }
  if (!words.ok()) {
    if (words.error().message.empty()) std::abort();
    return 0;
  }
  std::string joined;
  for (const std::string& word : *words) {
    if (!joined.empty()) joined += ' ';
    joined += SingleQuote(word);
  }
  webjobs::Result<std::vector<std::string>> again = webjobs::SplitArguments(joined);
  if (!again.ok() || *again != *words) std::abort();
  return 0;
}
