// Splits one output stream of a job into lines.
//
// Rules (one framer per stream, so stdout and stderr never mix bytes):
// - LF ends a line, a lone CR ends a line, and CRLF is one line end, also
//   when the CR and the LF arrive in different Feed() calls.
// - Lines are delivered without their terminator. Bytes are passed through
//   unchanged, so invalid UTF-8 stays as it was written.
// - A line longer than max_line_bytes is delivered in pieces of at most
//   max_line_bytes. A piece never ends inside a UTF-8 sequence: the cut
//   moves back to the start of the sequence that would straddle the limit.
//   Bytes that are not well-formed UTF-8 are cut at the limit itself.
// - Finish() delivers an unterminated last line.
//
// Memory stays at most max_line_bytes + 1 bytes per framer, whatever is fed.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace webjobs {

// Frames one byte stream into lines. Not thread-safe: the reader of the
// stream owns it.
class LineFramer {
 public:
  // Receives one line or piece; the view is valid only during the call.
  using LineSink = std::function<void(std::string_view line)>;

  static constexpr size_t kDefaultMaxLineBytes = 64 * 1024;
  // Smallest accepted limit: a piece must have room for a whole UTF-8
  // sequence (up to 4 bytes) so that a cut always makes progress.
  static constexpr size_t kMinMaxLineBytes = 4;

  // A `max_line_bytes` below kMinMaxLineBytes is raised to it.
  explicit LineFramer(size_t max_line_bytes = kDefaultMaxLineBytes);

  // Calls `sink` once per line completed by `bytes`, in order.
  void Feed(std::string_view bytes, const LineSink& sink);
  // Delivers the buffered unterminated line, if any, and resets the
  // framer for a new stream.
  void Finish(const LineSink& sink);

  size_t max_line_bytes() const { return max_line_bytes_; }
  // Bytes of the current, not yet complete line held by the framer.
  size_t buffered_bytes() const { return partial_.size(); }

 private:
  void EmitLine(std::string_view rest, const LineSink& sink);
  void BufferPartial(std::string_view rest, const LineSink& sink);
  std::string_view EmitPiecesOverLimit(std::string_view rest, const LineSink& sink);

  size_t max_line_bytes_;
  std::string partial_;    // start of the current line, at most max_line_bytes_ + 1 bytes
  bool after_cr_ = false;  // the last byte fed was a CR that ended a line
};

// Returns where to cut `text` so that the first piece has at most `limit`
// bytes and no UTF-8 sequence is split. Requires text.size() > limit and
// limit >= kMinMaxLineBytes; looks only at text[0..limit]. Exposed for
// tests.
size_t FindUtf8Cut(std::string_view text, size_t limit);

}  // namespace webjobs
