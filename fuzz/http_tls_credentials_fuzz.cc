// Fuzzes the reading of TLS certificate and key PEM text: any bytes must
// give credentials or an error, and an error must never quote the key text.
// The input is split at its first NUL byte into certificate and key text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/tls_credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  size_t split = bytes.find('\0');
  std::string_view certificate = bytes.substr(0, split);
  std::string_view key = split == std::string_view::npos ? std::string_view() : bytes.substr(split + 1);

  auto loaded = webjobs::TlsCredentials::FromPem(certificate, key, "cert.pem", "key.pem");
  if (loaded.ok()) return 0;
  const std::string& message = loaded.error().message;
  if (key.size() < 16 || message.find(key) == std::string::npos) return 0;
  // A key that is part of the messages' own wording (such as
  // "-----BEGIN CERTIFICATE-----" or "key.pem contains") is not quoted from
  // the file.
  static const std::string_view kMessages[] = {
      "TLS certificate file cert.pem contains no PEM certificate (a block that starts with "
      "-----BEGIN CERTIFICATE-----)",
      "TLS certificate file cert.pem has an invalid certificate after the first one: ",
      "TLS key file key.pem contains no PEM private key (a block that starts with -----BEGIN "
      "PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)",
      "TLS key file key.pem is encrypted with a passphrase; webjobs reads only unencrypted keys "
      "(write one with `openssl pkey -in KEY -out NEW_KEY`)",
      "the private key in TLS key file key.pem does not match the certificate in TLS "
      "certificate file cert.pem; give the key the certificate was issued for",
  };
  for (std::string_view wording : kMessages) {
    if (wording.find(key) != std::string_view::npos) return 0;
  }
  std::abort();
}
