// Fuzzes LineFramer with arbitrary bytes, chunk boundaries and limits.
//
// Checks, for every input:
// - no line is longer than the limit and none contains CR or LF;
// - the lines concatenated equal the input with its CR and LF bytes
//   removed (nothing is lost, duplicated or reordered);
// - with a limit above the input size, no line is split, so joining the
//   lines with LF rebuilds the input with every line end (CRLF, lone CR,
//   LF) written as LF. An input without a terminator at its end gets one;
// - when the input is well-formed UTF-8, so is every piece.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "process/line_framer.h"

namespace {

using webjobs::LineFramer;

void Check(bool condition) {
  if (!condition) std::abort();
}

std::vector<std::string> Frame(std::string_view input, size_t limit, uint8_t chunk_seed) {
  LineFramer framer(limit);
  std::vector<std::string> lines;
  LineFramer::LineSink sink = [&](std::string_view line) {
    Check(line.size() <= framer.max_line_bytes());
    Check(line.find_first_of("\r\n") == std::string_view::npos);
    lines.emplace_back(line);
  };
  size_t pos = 0;
  size_t step = 0;
  while (pos < input.size()) {
    // Chunk sizes from 0 to 16 in a pattern chosen by the seed.
    size_t size = (chunk_seed + step * 7) % 17;
    ++step;
    framer.Feed(input.substr(pos, size), sink);
    pos += size;
    Check(framer.buffered_bytes() <= framer.max_line_bytes());
  }
  framer.Finish(sink);
  return lines;
}

std::string WithoutLineBreaks(std::string_view input) {
  std::string out;
  for (char c : input) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

std::string NormalizeLineEnds(std::string_view input) {
  std::string out;
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '\r') {
      out += '\n';
      if (i + 1 < input.size() && input[i + 1] == '\n') ++i;
    } else {
      out += input[i];
    }
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

bool IsWellFormedUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    size_t length = byte < 0x80                    ? 1
                    : byte >= 0xC2 && byte <= 0xDF ? 2
                    : byte >= 0xE0 && byte <= 0xEF ? 3
                    : byte >= 0xF0 && byte <= 0xF4 ? 4
                                                   : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t small_limit = 4 + data[0] % 61;
  uint8_t chunk_seed = data[1];
  std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);

  std::vector<std::string> pieces = Frame(input, small_limit, chunk_seed);
  std::string joined;
  for (const std::string& piece : pieces) joined += piece;
  Check(joined == WithoutLineBreaks(input));
  if (IsWellFormedUtf8(input)) {
    for (const std::string& piece : pieces) Check(IsWellFormedUtf8(piece));
  }

  std::vector<std::string> lines = Frame(input, input.size() + 1, chunk_seed);
  std::string rebuilt;
  for (const std::string& line : lines) rebuilt += line + "\n";
  Check(rebuilt == NormalizeLineEnds(input));
  return 0;
}
