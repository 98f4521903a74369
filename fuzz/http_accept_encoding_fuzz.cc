// Fuzzes the reading of Accept-Encoding header values. Any bytes must give
// a result, and the result must obey the header's rules: the case of
// ASCII letters does not matter, a later "gzip;q=0" rejects gzip whatever
// came before, a later "gzip" member allows it unless gzip was rejected,
// and adding a coding other than gzip or "*" changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/accept_encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string header(reinterpret_cast<const char*>(data), size);
  bool accepts = webjobs::AcceptsGzip(header);

  std::string upper = header;
  for (char& ch : upper) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  if (webjobs::AcceptsGzip(upper) != accepts) std::abort();

  if (webjobs::AcceptsGzip(header + ", gzip;q=0")) std::abort();
  if (webjobs::AcceptsGzip(header + ",br;q=0.5") != accepts) std::abort();
  if (webjobs::AcceptsGzip(header + ", identity") != accepts) std::abort();
  // Gzip was rejected in the header exactly when adding an allowing gzip
  // member still leaves it rejected.
  bool rejected = !webjobs::AcceptsGzip(header + ",gzip");
  if (rejected && accepts) std::abort();
  return 0;
}
