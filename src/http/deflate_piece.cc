#include "http/deflate_piece.h"

// Makes z_stream.next_in a pointer to const.
#define ZLIB_CONST
#include <zlib.h>

#include <array>
#include <climits>
#include <memory>
#include <stdexcept>

namespace webjobs {
namespace {

constexpr int kRawDeflateWindowBits = -15;  // negative: no zlib or gzip wrapper
constexpr int kMemoryLevel = 8;             // zlib's default
constexpr size_t kWindowBytes = 32 * 1024;

// An empty fixed-Huffman block with the final bit set: it ends the joined
// deflate stream.
constexpr char kFinalBlock[] = {0x03, 0x00};
// ID1, ID2, CM (deflate), FLG, MTIME (4 bytes, zero), XFL, OS (3: Unix).
constexpr unsigned char kGzipHeader[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

// One deflate stream per level and thread, reset for every piece, because
// setting up a stream allocates about 256 KiB.
class DeflateStreams {
 public:
  ~DeflateStreams() {
    for (auto& stream : streams_) {
      if (stream) deflateEnd(stream.get());
    }
  }

  z_stream& ForLevel(int level) {
    std::unique_ptr<z_stream>& stream = streams_.at(static_cast<size_t>(level));
    if (!stream) {
      auto created = std::make_unique<z_stream>();
      if (deflateInit2(created.get(), level, Z_DEFLATED, kRawDeflateWindowBits, kMemoryLevel,
                       Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("zlib failed to set up a deflate stream at level " +
                                 std::to_string(level));
      }
      stream = std::move(created);
    } else if (deflateReset(stream.get()) != Z_OK) {
      throw std::runtime_error("zlib failed to reset a deflate stream");
    }
    return *stream;
  }

 private:
  std::array<std::unique_ptr<z_stream>, 10> streams_;
};

void AppendLittleEndian32(std::string& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>(value >> shift));
}

}  // namespace

DeflatePiece DeflateText(std::string_view text, std::string_view preceding, int level) {
  if (level < 1 || level > 9) {
    throw std::invalid_argument("compression level " + std::to_string(level) +
                                " is outside 1 to 9");
  }
  if (text.size() > UINT_MAX) {
    throw std::length_error("a piece of " + std::to_string(text.size()) +
                            " bytes is too large for one zlib call");
  }
  thread_local DeflateStreams streams;
  z_stream& stream = streams.ForLevel(level);
  if (preceding.size() > kWindowBytes) preceding.remove_prefix(preceding.size() - kWindowBytes);
  if (!preceding.empty() &&
      deflateSetDictionary(&stream, reinterpret_cast<const Bytef*>(preceding.data()),
                           static_cast<uInt>(preceding.size())) != Z_OK) {
    throw std::runtime_error("zlib rejected a dictionary of " + std::to_string(preceding.size()) +
                             " bytes");
  }

  DeflatePiece piece;
  piece.text_size = text.size();
  piece.crc =
      static_cast<uint32_t>(crc32_z(0, reinterpret_cast<const Bytef*>(text.data()), text.size()));
  piece.crc_append_operator =
      static_cast<uint32_t>(crc32_combine_gen(static_cast<z_off_t>(text.size())));
  // Room for incompressible text plus the flush markers; grown if short.
  piece.data.resize(deflateBound(&stream, static_cast<uLong>(text.size())) + 16);
  stream.next_in = reinterpret_cast<const Bytef*>(text.data());
  stream.avail_in = static_cast<uInt>(text.size());
  size_t written = 0;
  while (true) {
    stream.next_out = reinterpret_cast<Bytef*>(piece.data.data() + written);
    stream.avail_out = static_cast<uInt>(piece.data.size() - written);
    int code = deflate(&stream, Z_SYNC_FLUSH);
    if (code != Z_OK && code != Z_BUF_ERROR) {
      throw std::runtime_error("zlib failed to compress " + std::to_string(text.size()) +
                               " bytes: code " + std::to_string(code));
    }
    written = piece.data.size() - stream.avail_out;
    // A sync flush is complete when deflate left output space unused.
    if (stream.avail_out != 0 && stream.avail_in == 0) break;
    piece.data.resize(piece.data.size() * 2);
  }
  piece.data.resize(written);
  return piece;
}

std::string JoinGzip(const std::vector<const DeflatePiece*>& pieces) {
  size_t size = sizeof kGzipHeader + sizeof kFinalBlock + 8;
  for (const DeflatePiece* piece : pieces) size += piece->data.size();
  std::string out;
  out.reserve(size);
  out.append(reinterpret_cast<const char*>(kGzipHeader), sizeof kGzipHeader);
  uLong crc = crc32_z(0, nullptr, 0);
  uint64_t text_size = 0;
  for (const DeflatePiece* piece : pieces) {
    out.append(piece->data);
    crc = crc32_combine_op(crc, piece->crc, piece->crc_append_operator);
    text_size += piece->text_size;
  }
  out.append(kFinalBlock, sizeof kFinalBlock);
  AppendLittleEndian32(out, static_cast<uint32_t>(crc));
  // ISIZE is the uncompressed size modulo 2^32.
  AppendLittleEndian32(out, static_cast<uint32_t>(text_size));
  return out;
}

std::string GzipText(std::string_view text, int level) {
  DeflatePiece piece = DeflateText(text, {}, level);
  return JoinGzip({&piece});
}

}  // namespace webjobs
