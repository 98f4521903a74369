// Implementation notes: Feed() scans with memchr() for LF and for CR
// separately and remembers the next position of each, so every byte is
// looked at about twice in total however the two terminators interleave.
// A line that lies entirely inside one Feed() call is passed to the sink
// as a view of the caller's bytes. Only a line that spans calls is copied
// into `partial_`.
#include "process/line_framer.h"

#include <algorithm>
#include <cstring>

namespace webjobs {

namespace {

constexpr size_t kNotFound = std::string_view::npos;

bool IsContinuationByte(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

// Returns the length of the UTF-8 sequence that `lead` starts: 1 for
// ASCII, 2 to 4 for a valid lead byte, 0 for anything else.
size_t Utf8SequenceLength(char lead) {
  auto byte = static_cast<unsigned char>(lead);
  if (byte < 0x80) return 1;
  if (byte >= 0xC2 && byte <= 0xDF) return 2;
  if (byte >= 0xE0 && byte <= 0xEF) return 3;
  if (byte >= 0xF0 && byte <= 0xF4) return 4;
  return 0;
}

size_t FindByte(std::string_view bytes, char byte, size_t from) {
  if (from >= bytes.size()) return kNotFound;
  const void* hit = std::memchr(bytes.data() + from, byte, bytes.size() - from);
  if (hit == nullptr) return kNotFound;
  return static_cast<size_t>(static_cast<const char*>(hit) - bytes.data());
}

}  // namespace

size_t FindUtf8Cut(std::string_view text, size_t limit) {
  // The byte at `limit` starts the next piece. If it continues a sequence,
  // walk back (at most 3 bytes, the longest tail of a sequence) to the
  // lead byte and cut before it, provided that lead really starts a
  // sequence that reaches past the limit.
  size_t cut = limit;
  size_t lowest = limit >= 3 ? limit - 3 : 0;
  while (cut > lowest && IsContinuationByte(text[cut])) --cut;
  if (cut == limit) return limit;

  size_t length = Utf8SequenceLength(text[cut]);
  if (cut > 0 && length > 1 && cut + length > limit) return cut;
  return limit;  // not well-formed UTF-8: cut at the limit itself
}

LineFramer::LineFramer(size_t max_line_bytes)
    : max_line_bytes_(std::max(max_line_bytes, kMinMaxLineBytes)) {
  partial_.reserve(max_line_bytes_ + 1);
}

void LineFramer::Feed(std::string_view bytes, const LineSink& sink) {
  size_t pos = 0;
  if (after_cr_ && !bytes.empty()) {
    if (bytes[0] == '\n') pos = 1;  // the LF of a CRLF split across calls
    after_cr_ = false;
  }

  size_t next_lf = FindByte(bytes, '\n', pos);
  size_t next_cr = FindByte(bytes, '\r', pos);
  while (pos < bytes.size()) {
    size_t end = std::min(next_lf, next_cr);
    if (end == kNotFound) {
      BufferPartial(bytes.substr(pos), sink);
      return;
    }
    EmitLine(bytes.substr(pos, end - pos), sink);
    pos = end + 1;

    if (end == next_cr) {
      if (pos == bytes.size()) {
        after_cr_ = true;
      } else if (bytes[pos] == '\n') {
        ++pos;
      }
      next_cr = FindByte(bytes, '\r', pos);
    }
    if (next_lf < pos) next_lf = FindByte(bytes, '\n', pos);
  }
}

void LineFramer::Finish(const LineSink& sink) {
  if (!partial_.empty()) sink(partial_);
  partial_.clear();
  after_cr_ = false;
}

void LineFramer::EmitLine(std::string_view rest, const LineSink& sink) {
  rest = EmitPiecesOverLimit(rest, sink);
  if (partial_.empty()) {
    sink(rest);
    return;
  }
  partial_.append(rest);
  sink(partial_);
  partial_.clear();
}

void LineFramer::BufferPartial(std::string_view rest, const LineSink& sink) {
  rest = EmitPiecesOverLimit(rest, sink);
  partial_.append(rest);
}

std::string_view LineFramer::EmitPiecesOverLimit(std::string_view rest, const LineSink& sink) {
  // Invariant: partial_.size() <= max_line_bytes_ between calls. A piece is
  // cut only once the line is known to be longer than the limit, so a line
  // of exactly max_line_bytes_ bytes is delivered whole.
  while (partial_.size() + rest.size() > max_line_bytes_) {
    if (partial_.empty()) {
      size_t cut = FindUtf8Cut(rest, max_line_bytes_);
      sink(rest.substr(0, cut));
      rest.remove_prefix(cut);
      continue;
    }
    // Top up to limit + 1 bytes so FindUtf8Cut() can see the byte after
    // the limit. The remainder left in partial_ is at most 4 bytes.
    size_t take = max_line_bytes_ + 1 - partial_.size();
    partial_.append(rest.substr(0, take));
    rest.remove_prefix(take);
    size_t cut = FindUtf8Cut(partial_, max_line_bytes_);
    sink(std::string_view(partial_).substr(0, cut));
    partial_.erase(0, cut);
  }
  return rest;
}

}  // namespace webjobs
