#include "package/text_encoding.h"

#include <cstdint>

namespace webjobs {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf16LeBom = "\xFF\xFE";
constexpr std::string_view kUtf16BeBom = "\xFE\xFF";
constexpr std::string_view kUtf32LeBom = std::string_view("\xFF\xFE\x00\x00", 4);
constexpr std::string_view kUtf32BeBom = std::string_view("\x00\x00\xFE\xFF", 4);

void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

Error MalformedText(std::string_view file_label, std::string_view encoding, size_t offset,
                    std::string_view problem) {
  return InvalidArgument(std::string(file_label) + " is not valid " + std::string(encoding) + ": " +
                         std::string(problem) + " at byte offset " + std::to_string(offset) +
                         "; save the file as UTF-8");
}

uint32_t ReadUnit(std::string_view bytes, size_t offset, size_t width, bool big_endian) {
  uint32_t value = 0;
  for (size_t i = 0; i < width; ++i) {
    size_t index = big_endian ? offset + i : offset + width - 1 - i;
    value = (value << 8) | static_cast<unsigned char>(bytes[index]);
  }
  return value;
}

// `bytes` excludes the BOM; `bom_size` only shifts offsets in messages.
Result<std::string> DecodeUtf16(std::string_view bytes, bool big_endian, size_t bom_size,
                                std::string_view file_label) {
  std::string_view encoding = big_endian ? "UTF-16BE" : "UTF-16LE";
  if (bytes.size() % 2 != 0) {
    return MalformedText(file_label, encoding, bom_size + bytes.size() - 1, "odd number of bytes");
  }
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size(); i += 2) {
    uint32_t unit = ReadUnit(bytes, i, 2, big_endian);
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return MalformedText(file_label, encoding, bom_size + i, "unpaired low surrogate");
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      uint32_t low = i + 3 < bytes.size() ? ReadUnit(bytes, i + 2, 2, big_endian) : 0;
      if (low < 0xDC00 || low > 0xDFFF) {
        return MalformedText(file_label, encoding, bom_size + i, "unpaired high surrogate");
      }
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
      i += 2;
    }
    AppendUtf8(unit, out);
  }
  return out;
}

Result<std::string> DecodeUtf32(std::string_view bytes, bool big_endian,
                                std::string_view file_label) {
  std::string_view encoding = big_endian ? "UTF-32BE" : "UTF-32LE";
  if (bytes.size() % 4 != 0) {
    return MalformedText(file_label, encoding, 4 + bytes.size(), "length not a multiple of 4");
  }
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 4) {
    uint32_t code_point = ReadUnit(bytes, i, 4, big_endian);
    if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return MalformedText(file_label, encoding, 4 + i, "invalid code point");
    }
    AppendUtf8(code_point, out);
  }
  return out;
}

Result<std::string> CheckUtf8(std::string_view bytes, size_t bom_size,
                              std::string_view file_label) {
  for (size_t i = 0; i < bytes.size();) {
    size_t length = Utf8SequenceLength(bytes.substr(i));
    if (length == 0) return MalformedText(file_label, "UTF-8", bom_size + i, "invalid byte");
    i += length;
  }
  return std::string(bytes);
}

}  // namespace

size_t Utf8SequenceLength(std::string_view bytes) {
  if (bytes.empty()) return 0;
  auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return 1;

  size_t length = 0;
  uint32_t code_point = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;  // a continuation byte, an overlong 2-byte lead (C0, C1) or F5..FF
  }
  if (bytes.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }

  static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kMinimum[length]) return 0;  // overlong
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  if (code_point > 0x10FFFF) return 0;
  return length;
}

bool IsValidUtf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    size_t length = Utf8SequenceLength(bytes.substr(i));
    if (length == 0) return false;
    i += length;
  }
  return true;
}

Result<std::string> DecodeTextToUtf8(std::string_view bytes, std::string_view file_label) {
  // UTF-32LE's BOM starts with UTF-16LE's, so it is tested first.
  if (bytes.starts_with(kUtf32LeBom)) return DecodeUtf32(bytes.substr(4), false, file_label);
  if (bytes.starts_with(kUtf32BeBom)) return DecodeUtf32(bytes.substr(4), true, file_label);
  if (bytes.starts_with(kUtf8Bom)) return CheckUtf8(bytes.substr(3), 3, file_label);
  if (bytes.starts_with(kUtf16LeBom)) return DecodeUtf16(bytes.substr(2), false, 2, file_label);
  if (bytes.starts_with(kUtf16BeBom)) return DecodeUtf16(bytes.substr(2), true, 2, file_label);

  // JSON text starts with an ASCII character, so a NUL among the first two
  // bytes means UTF-16 saved without a BOM, which cannot be distinguished
  // reliably from other encodings.
  if (bytes.size() >= 2 && (bytes[0] == '\0' || bytes[1] == '\0')) {
    return InvalidArgument(std::string(file_label) +
                           " looks like UTF-16 without a byte-order mark; save it as UTF-8, or "
                           "as UTF-16 with a byte-order mark");
  }
  return CheckUtf8(bytes, 0, file_label);
}

}  // namespace webjobs
