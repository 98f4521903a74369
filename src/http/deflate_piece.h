// Gzip bodies built from pieces that are compressed once and reused. A
// piece is raw deflate data that ends on a byte boundary and has no final
// block, so pieces in order form one deflate stream (as pigz joins its
// blocks). Each piece may refer back into the text before it, given as its
// dictionary, so a list of similar JSON objects compresses almost as well
// as in one pass. A change compresses again only the piece whose text
// changed and the piece after it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace webjobs {

// zlib's levels: 1 is the fastest, 9 the smallest.
inline constexpr int kFastCompression = 1;
inline constexpr int kDefaultCompression = 6;
inline constexpr int kBestCompression = 9;

struct DeflatePiece {
  std::string data;      // deflate blocks ending with a sync flush, none final
  uint32_t crc = 0;      // CRC-32 of the uncompressed text
  size_t text_size = 0;  // bytes of uncompressed text
  // zlib's operator for appending this piece's CRC to the CRC of the text
  // before it (crc32_combine_gen() of text_size), kept because generating
  // it costs about as much as 30 appends.
  uint32_t crc_append_operator = 0;
};

// Compresses `text` at `level` (1 to 9). `preceding` is the text that comes
// right before it in the joined output, and the piece may refer back into
// its last 32 KiB. Pass an empty `preceding` for the first piece. Thread-safe:
// each thread keeps its own zlib streams.
DeflatePiece DeflateText(std::string_view text, std::string_view preceding, int level);

// Joins `pieces` in order into one gzip member (RFC 1952) with no file
// name and a zero modification time.
std::string JoinGzip(const std::vector<const DeflatePiece*>& pieces);

// Returns `text` as a gzip member compressed in one piece.
std::string GzipText(std::string_view text, int level);

}  // namespace webjobs
