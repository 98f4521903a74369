#include "package/content_disposition.h"

#include <optional>
#include <vector>

#include "package/ascii_case.h"
#include "package/message_value.h"
#include "package/text_encoding.h"

namespace webjobs {
namespace {

struct Parameter {
  std::string name;  // lower case
  std::string value;
};

constexpr std::string_view kWhitespace = " \t";

Error Malformed(std::string_view header, std::string_view problem) {
  return InvalidArgument("malformed Content-Disposition header " + QuoteForMessage(header) + ": " +
                         std::string(problem));
}

// Reads a quoted string starting at the opening quote at `pos`; leaves
// `pos` after the closing quote.
Result<std::string> ReadQuotedString(std::string_view header, size_t& pos) {
  std::string value;
  for (++pos; pos < header.size(); ++pos) {
    char ch = header[pos];
    if (ch == '"') {
      ++pos;
      return value;
    }
    if (ch == '\\' && pos + 1 < header.size()) ch = header[++pos];
    value += ch;
  }
  return Malformed(header, "a quoted string is not terminated");
}

// Splits the parameters after the disposition type. A parameter without
// '=' is skipped, as is anything between a closing quote and the next ';'.
Result<std::vector<Parameter>> ParseParameters(std::string_view header) {
  std::vector<Parameter> parameters;
  size_t pos = header.find(';');
  while (pos != std::string_view::npos && pos < header.size()) {
    ++pos;  // past ';'
    size_t next_separator = header.find_first_of(";=", pos);
    if (next_separator == std::string_view::npos || header[next_separator] == ';') {
      pos = next_separator;
      continue;
    }
    Parameter parameter{ToLowerAscii(TrimHttpWhitespace(header.substr(pos, next_separator - pos))),
                        ""};
    pos = header.find_first_not_of(kWhitespace, next_separator + 1);
    if (pos != std::string_view::npos && header[pos] == '"') {
      Result<std::string> quoted = ReadQuotedString(header, pos);
      if (!quoted.ok()) return quoted.error();
      parameter.value = std::move(quoted.value());
      pos = header.find(';', pos);
    } else if (pos != std::string_view::npos) {
      size_t end = header.find(';', pos);
      parameter.value = std::string(TrimHttpWhitespace(header.substr(pos, end - pos)));
      pos = end;
    }
    parameters.push_back(std::move(parameter));
  }
  return parameters;
}

std::optional<int> HexDigitValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return std::nullopt;
}

Result<std::string> PercentDecode(std::string_view header, std::string_view encoded) {
  std::string decoded;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      decoded += encoded[i];
      continue;
    }
    std::optional<int> high = i + 1 < encoded.size() ? HexDigitValue(encoded[i + 1]) : std::nullopt;
    std::optional<int> low = i + 2 < encoded.size() ? HexDigitValue(encoded[i + 2]) : std::nullopt;
    if (!high || !low)
      return Malformed(header, "filename* has a '%' not followed by two hex digits");
    decoded += static_cast<char>(*high * 16 + *low);
    i += 2;
  }
  return decoded;
}

std::string Latin1ToUtf8(std::string_view latin1) {
  std::string utf8;
  for (char ch : latin1) {
    unsigned char byte = static_cast<unsigned char>(ch);
    if (byte < 0x80) {
      utf8 += ch;
    } else {
      utf8 += static_cast<char>(0xC0 | (byte >> 6));
      utf8 += static_cast<char>(0x80 | (byte & 0x3F));
    }
  }
  return utf8;
}

// Decodes an RFC 5987 ext-value: charset'language'percent-encoded-text.
Result<std::string> DecodeExtendedValue(std::string_view header, std::string_view value) {
  size_t first_quote = value.find('\'');
  size_t second_quote =
      first_quote == std::string_view::npos ? first_quote : value.find('\'', first_quote + 1);
  if (second_quote == std::string_view::npos) {
    return Malformed(header, "filename* must look like UTF-8''name");
  }
  std::string charset = ToLowerAscii(value.substr(0, first_quote));
  Result<std::string> decoded = PercentDecode(header, value.substr(second_quote + 1));
  if (!decoded.ok()) return decoded;

  if (charset == "utf-8") {
    if (!IsValidUtf8(*decoded)) return Malformed(header, "filename* is not valid UTF-8");
    return decoded;
  }
  if (charset == "iso-8859-1") return Latin1ToUtf8(*decoded);
  return Malformed(
      header, "filename* uses charset " + QuoteForMessage(charset) + "; use UTF-8 or ISO-8859-1");
}

}  // namespace

Result<std::string> ParseContentDispositionFileName(std::string_view header_value) {
  Result<std::vector<Parameter>> parameters = ParseParameters(header_value);
  if (!parameters.ok()) return parameters.error();

  const Parameter* plain = nullptr;
  const Parameter* extended = nullptr;
  for (const Parameter& parameter : *parameters) {
    if (parameter.name == "filename" && plain == nullptr) plain = &parameter;
    if (parameter.name == "filename*" && extended == nullptr) extended = &parameter;
  }

  if (extended != nullptr) {
    Result<std::string> decoded = DecodeExtendedValue(header_value, extended->value);
    // Senders put `filename` next to `filename*` for receivers that cannot
    // decode the latter, so it is the fallback when decoding fails here.
    if (decoded.ok() || plain == nullptr) return decoded;
  }
  if (plain != nullptr) return plain->value;
  return InvalidArgument("Content-Disposition header " + QuoteForMessage(header_value) +
                         " has no filename parameter; send for example "
                         "Content-Disposition: attachment; filename=\"run.sh\"");
}

}  // namespace webjobs
