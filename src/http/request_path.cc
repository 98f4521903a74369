#include "http/request_path.h"

#include <fmt/format.h>

#include <optional>

#include "package/message_value.h"

namespace webjobs {
namespace {

std::optional<int> HexValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return std::nullopt;
}

Result<std::string> DecodeSegment(std::string_view segment, std::string_view path) {
  std::string decoded;
  decoded.reserve(segment.size());
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      decoded += segment[i];
      continue;
    }
    std::optional<int> high = i + 1 < segment.size() ? HexValue(segment[i + 1]) : std::nullopt;
    std::optional<int> low = i + 2 < segment.size() ? HexValue(segment[i + 2]) : std::nullopt;
    if (!high || !low) {
      return InvalidArgument("invalid request path " + QuoteForMessage(path) +
                             ": '%' must be followed by two hex digits");
    }
    decoded += static_cast<char>(*high * 16 + *low);
    i += 2;
  }
  return decoded;
}

bool IsUnreserved(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

}  // namespace

std::string_view RequestTargetPath(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

Result<std::vector<std::string>> SplitRequestPath(std::string_view target) {
  std::string_view path = RequestTargetPath(target);
  if (path.empty() || path.front() != '/') {
    return InvalidArgument("invalid request path " + QuoteForMessage(path) +
                           ": it must start with '/'");
  }

  std::vector<std::string> segments;
  std::string_view rest = path.substr(1);
  while (true) {
    size_t slash = rest.find('/');
    Result<std::string> segment = DecodeSegment(rest.substr(0, slash), path);
    if (!segment.ok()) return segment.error();
    segments.push_back(std::move(segment.value()));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return segments;
}

std::string PercentEncode(std::string_view text) {
  std::string encoded;
  encoded.reserve(text.size());
  for (char ch : text) {
    if (IsUnreserved(ch)) {
      encoded += ch;
    } else {
      encoded += fmt::format("%{:02X}", static_cast<unsigned char>(ch));
    }
  }
  return encoded;
}

}  // namespace webjobs
