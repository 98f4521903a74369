// Fuzzes the reading of Cookie header values. Any bytes must give a
// result without reading out of bounds, a found value must be a part of
// the header, and a cookie appended after the input must be found when the
// input does not name it already.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "http/cookie_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string header(reinterpret_cast<const char*>(data), size);
  std::optional<std::string> session = webjobs::FindCookie(header, webjobs::kSessionCookie);
  if (session && header.find(*session) == std::string::npos) std::abort();
  if (session && session->find(';') != std::string::npos) std::abort();

  std::optional<std::string> appended =
      webjobs::FindCookie(header + "; fuzz_probe=0123", "fuzz_probe");
  if (!appended) std::abort();
  if (!webjobs::FindCookie(header, "fuzz_probe") && *appended != "0123") std::abort();
  return 0;
}
