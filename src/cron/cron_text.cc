#include "cron/cron_text.h"

#include <fmt/format.h>

namespace webjobs {
namespace {

unsigned char FoldAsciiCase(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Returns true when `character`, one character as Utf8CharacterLength
// delimits it, is a C0 or C1 control character or DEL. U+0080-U+009F are
// encoded as 0xC2 0x80-0x9F.
bool IsControlCharacter(std::string_view character) {
  const auto first = static_cast<unsigned char>(character[0]);
  if (character.size() == 1) return first < 0x20 || first == 0x7F;
  return character.size() == 2 && first == 0xC2 && static_cast<unsigned char>(character[1]) < 0xA0;
}

}  // namespace

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (FoldAsciiCase(static_cast<unsigned char>(a[i])) !=
        FoldAsciiCase(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view TrimAsciiSpace(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

size_t Utf8CharacterLength(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  // The second byte's range depends on the lead byte. The narrower ranges
  // rule out overlong forms, surrogates and values above U+10FFFF. Later
  // bytes are 0x80-0xBF.
  size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  }
  if (length == 0 || length > text.size()) return 1;
  if (byte(1) < second_min || byte(1) > second_max) return 1;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 1;
  }
  return length;
}

size_t CountUtf8Characters(std::string_view text) {
  size_t count = 0;
  while (!text.empty()) {
    text.remove_prefix(Utf8CharacterLength(text));
    ++count;
  }
  return count;
}

std::string PrintableText(std::string_view text, size_t max_length) {
  std::string result;
  size_t position = 0;
  while (position < text.size()) {
    const std::string_view rest = text.substr(position);
    const size_t length = Utf8CharacterLength(rest);
    if (position + length > max_length) break;
    const std::string_view character = rest.substr(0, length);
    // A single byte >= 0x80 starts no well-formed sequence.
    const bool malformed = length == 1 && static_cast<unsigned char>(character[0]) >= 0x80;
    if (character == "\t") {
      result += "\\t";
    } else if (malformed || IsControlCharacter(character)) {
      for (char c : character) result += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
    } else {
      result += character;
    }
    position += length;
  }
  if (position < text.size()) result += "...";
  return result;
}

}  // namespace webjobs
