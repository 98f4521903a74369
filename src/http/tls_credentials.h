// The certificate chain and private key of the API server's TLS listener,
// read from PEM files and checked before the server starts.
//
// Errors name the file and the problem (missing, unreadable, no PEM block,
// encrypted key, key that does not match the certificate). They never
// contain the key file's contents, and neither does anything this type
// logs.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace webjobs {

// Largest certificate or key file read; a real chain is a few KiB, so a
// bigger file is a wrong path (a log, a device).
inline constexpr uint64_t kMaxTlsFileBytes = 1 << 20;

class TlsCredentials {
 public:
  // Reads and checks both files. Returns kInvalidArgument naming the file
  // and the problem, or naming both files when the key does not match the
  // certificate.
  static Result<std::shared_ptr<const TlsCredentials>> Load(
      const std::filesystem::path& certificate_file, const std::filesystem::path& key_file);

  // Parses PEM text as Load does with the files' contents. `certificate_name`
  // and `key_name` stand for the files in error messages.
  static Result<std::shared_ptr<const TlsCredentials>> FromPem(
      std::string_view certificate_pem, std::string_view key_pem,
      const std::string& certificate_name, const std::string& key_name);

  // Makes `ssl` present this certificate chain and key in its handshake.
  // Returns false when OpenSSL refuses them.
  bool ApplyTo(SSL* ssl) const;

  // "subject=... not_after=..." of the leaf certificate, for the log.
  std::string Describe() const;

 private:
  struct X509Deleter {
    void operator()(X509* certificate) const { X509_free(certificate); }
  };
  struct KeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  };
  struct ChainDeleter {
    void operator()(STACK_OF(X509) * chain) const { sk_X509_pop_free(chain, X509_free); }
  };

  TlsCredentials() = default;

  std::unique_ptr<X509, X509Deleter> certificate_;
  // Intermediate certificates that follow the leaf in the certificate file.
  std::unique_ptr<STACK_OF(X509), ChainDeleter> chain_;
  std::unique_ptr<EVP_PKEY, KeyDeleter> key_;
};

}  // namespace webjobs
