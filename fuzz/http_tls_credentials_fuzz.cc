// Fuzzes the reading of TLS certificate and key PEM text: any bytes must
// give credentials or an error, and an error must never quote the key text.
// The input is split at its first NUL byte into certificate and key text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/tls_credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  size_t split = bytes.find('\0');
  std::string_view certificate = bytes.substr(0, split);
  std::string_view key = split == std::string_view::npos ? std::string_view() : bytes.substr(split + 1);

  auto loaded = webjobs::TlsCredentials::FromPem(certificate, key, "cert.pem", "key.pem");
  if (loaded.ok()) return 0;
  if (key.size() >= 16 && loaded.error().message.find(key) != std::string::npos) std::abort();
  return 0;
}
