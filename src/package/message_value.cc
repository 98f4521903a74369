#include "package/message_value.h"

#include <cstdio>

#include "package/text_encoding.h"

namespace webjobs {
namespace {

void AppendEscapedByte(unsigned char byte, std::string& out) {
  char escaped[8];
  std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
  out += escaped;
}

// Appends the escaped form of `value` up to `max_bytes` input bytes and
// returns the number of input bytes consumed.
size_t AppendEscaped(std::string_view value, size_t max_bytes, bool escape_quotes,
                     std::string& out) {
  size_t i = 0;
  while (i < value.size() && i < max_bytes) {
    unsigned char byte = static_cast<unsigned char>(value[i]);
    if (escape_quotes && (byte == '"' || byte == '\\')) {
      out += '\\';
      out += static_cast<char>(byte);
      ++i;
      continue;
    }
    size_t length = byte < 0x20 || byte == 0x7F ? 0 : Utf8SequenceLength(value.substr(i));
    if (length == 0) {
      AppendEscapedByte(byte, out);
      ++i;
      continue;
    }
    out.append(value.substr(i, length));
    i += length;
  }
  return i;
}

}  // namespace

std::string QuoteForMessage(std::string_view value, size_t max_bytes) {
  std::string quoted = "\"";
  size_t consumed = AppendEscaped(value, max_bytes, true, quoted);
  quoted += '"';
  if (consumed < value.size()) quoted += "... (" + std::to_string(value.size()) + " bytes)";
  return quoted;
}

std::string EscapeForMessage(std::string_view text, size_t max_bytes) {
  std::string escaped;
  size_t consumed = AppendEscaped(text, max_bytes, false, escaped);
  if (consumed < text.size()) escaped += "...";
  return escaped;
}

std::string DescribeLibraryError(std::string_view what) {
  constexpr std::string_view kJsonIdStart = "[json.exception.";
  if (what.starts_with(kJsonIdStart)) {
    size_t end = what.find("] ");
    if (end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  return EscapeForMessage(what);
}

}  // namespace webjobs
