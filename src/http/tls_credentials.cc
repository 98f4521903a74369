#include "http/tls_credentials.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "process/unique_fd.h"

namespace webjobs {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr MemoryBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Reads a whole PEM file. `role` ("TLS certificate file") starts the
// messages.
Result<std::string> ReadPemFile(const std::filesystem::path& path, const std::string& role) {
  std::string name = role + " " + path.string();
  // O_NONBLOCK keeps a FIFO given by mistake from blocking the start.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    int error = errno;
    if (error == ENOENT) return InvalidArgument(name + " does not exist");
    return InvalidArgument(name + " cannot be read: " + std::strerror(error));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return InvalidArgument(name + " cannot be read: " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) return InvalidArgument(name + " is not a regular file");
  if (static_cast<uint64_t>(info.st_size) > kMaxTlsFileBytes) {
    return InvalidArgument(name + " is larger than " + std::to_string(kMaxTlsFileBytes) +
                           " bytes, so it is not a PEM file");
  }
  std::string text(static_cast<size_t>(info.st_size), '\0');
  size_t filled = 0;
  while (filled < text.size()) {
    ssize_t got = ::read(fd.get(), text.data() + filled, text.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return InvalidArgument(name + " cannot be read: " + std::strerror(errno));
    if (got == 0) break;
    filled += static_cast<size_t>(got);
  }
  text.resize(filled);
  return text;
}

// The reason of OpenSSL's oldest queued error, such as "key values
// mismatch", and clears the queue. Reasons name no key material.
std::string TakeOpenSslReason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "OpenSSL error " + std::to_string(code);
}

// Passphrase callback for PEM_read_bio_PrivateKey: records that the key is
// encrypted and supplies no passphrase, so OpenSSL never prompts on the
// terminal.
int RefusePassphrase(char*, int, int, void* encrypted) {
  *static_cast<bool*>(encrypted) = true;
  return -1;
}

}  // namespace

Result<std::shared_ptr<const TlsCredentials>> TlsCredentials::Load(
    const std::filesystem::path& certificate_file, const std::filesystem::path& key_file) {
  Result<std::string> certificate_pem = ReadPemFile(certificate_file, "TLS certificate file");
  if (!certificate_pem.ok()) return certificate_pem.error();
  Result<std::string> key_pem = ReadPemFile(key_file, "TLS key file");
  if (!key_pem.ok()) return key_pem.error();
  return FromPem(*certificate_pem, *key_pem, certificate_file.string(), key_file.string());
}

Result<std::shared_ptr<const TlsCredentials>> TlsCredentials::FromPem(
    std::string_view certificate_pem, std::string_view key_pem,
    const std::string& certificate_name, const std::string& key_name) {
  ERR_clear_error();
  std::shared_ptr<TlsCredentials> credentials(new TlsCredentials());

  BioPtr certificate_bio = MemoryBio(certificate_pem);
  if (!certificate_bio) return InternalError("out of memory reading " + certificate_name);
  credentials->certificate_.reset(
      PEM_read_bio_X509_AUX(certificate_bio.get(), nullptr, nullptr, nullptr));
  if (!credentials->certificate_) {
    ERR_clear_error();
    return InvalidArgument("TLS certificate file " + certificate_name +
                           " contains no PEM certificate (a block that starts with -----BEGIN "
                           "CERTIFICATE-----)");
  }
  credentials->chain_.reset(sk_X509_new_null());
  if (!credentials->chain_) return InternalError("out of memory reading " + certificate_name);
  while (X509* next = PEM_read_bio_X509(certificate_bio.get(), nullptr, nullptr, nullptr)) {
    if (sk_X509_push(credentials->chain_.get(), next) == 0) {
      X509_free(next);
      return InternalError("out of memory reading " + certificate_name);
    }
  }
  // The loop ends on "no start line" after the last block, which is no
  // error. Anything else is a damaged block.
  unsigned long end = ERR_peek_last_error();
  if (end != 0 && !(ERR_GET_LIB(end) == ERR_LIB_PEM && ERR_GET_REASON(end) == PEM_R_NO_START_LINE)) {
    std::string reason = TakeOpenSslReason();
    return InvalidArgument("TLS certificate file " + certificate_name +
                           " has an invalid certificate after the first one: " + reason);
  }
  ERR_clear_error();

  BioPtr key_bio = MemoryBio(key_pem);
  if (!key_bio) return InternalError("out of memory reading " + key_name);
  bool encrypted = false;
  credentials->key_.reset(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, RefusePassphrase, &encrypted));
  if (!credentials->key_) {
    ERR_clear_error();
    if (encrypted) {
      return InvalidArgument("TLS key file " + key_name +
                             " is encrypted with a passphrase; webjobs reads only unencrypted "
                             "keys (write one with `openssl pkey -in KEY -out NEW_KEY`)");
    }
    return InvalidArgument("TLS key file " + key_name +
                           " contains no PEM private key (a block that starts with -----BEGIN "
                           "PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
  }
  if (X509_check_private_key(credentials->certificate_.get(), credentials->key_.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("the private key in TLS key file " + key_name +
                           " does not match the certificate in TLS certificate file " +
                           certificate_name + "; give the key the certificate was issued for");
  }
  return std::shared_ptr<const TlsCredentials>(std::move(credentials));
}

bool TlsCredentials::ApplyTo(SSL* ssl) const {
  // override=1 replaces what the SSL object took over from its context.
  if (SSL_use_cert_and_key(ssl, certificate_.get(), key_.get(), chain_.get(), 1) != 1) {
    ERR_clear_error();
    return false;
  }
  return true;
}

std::string TlsCredentials::Describe() const {
  std::string subject;
  if (X509_NAME* name = X509_get_subject_name(certificate_.get())) {
    char* text = X509_NAME_oneline(name, nullptr, 0);
    if (text != nullptr) {
      subject = text;
      OPENSSL_free(text);
    }
  }
  std::string not_after;
  BioPtr out(BIO_new(BIO_s_mem()));
  if (out && ASN1_TIME_print(out.get(), X509_get0_notAfter(certificate_.get())) == 1) {
    char* data = nullptr;
    long size = BIO_get_mem_data(out.get(), &data);
    if (size > 0) not_after.assign(data, static_cast<size_t>(size));
  }
  return "subject=" + Quote(subject) + " not_after=" + Quote(not_after);
}

}  // namespace webjobs
