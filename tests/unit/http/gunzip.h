// Decompressing gzip bodies in tests with zlib, which also checks the
// member's CRC-32 and length trailer.
#pragma once

#include <zlib.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace webjobs {

// Returns the text of the single gzip member `gzip`. Throws when the data
// is not one complete, valid member.
inline std::string Gunzip(std::string_view gzip) {
  z_stream stream{};
  // 16 + 15: a gzip wrapper and the largest window.
  if (inflateInit2(&stream, 16 + 15) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzip.data()));
  stream.avail_in = static_cast<uInt>(gzip.size());
  std::string text;
  char buffer[16384];
  int code = Z_OK;
  while (code == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    code = inflate(&stream, Z_NO_FLUSH);
    text.append(buffer, sizeof buffer - stream.avail_out);
    if (code == Z_BUF_ERROR && stream.avail_in == 0) break;
  }
  size_t left = stream.avail_in;
  inflateEnd(&stream);
  if (code != Z_STREAM_END) throw std::runtime_error("gzip data is incomplete or corrupt");
  if (left != 0) throw std::runtime_error("bytes follow the gzip member");
  return text;
}

}  // namespace webjobs
