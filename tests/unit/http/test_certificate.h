// Self-signed certificates made in memory for TLS tests (P-256 keys,
// valid for one day, subjectAltName IP:127.0.0.1).
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace webjobs::testing {

struct TestCertificate {
  std::string certificate_pem;
  std::string key_pem;
};

inline std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

// Makes a key and a certificate for it with common name `name`. Throws
// std::runtime_error when OpenSSL fails.
inline TestCertificate MakeSelfSignedCertificate(const std::string& name = "localhost") {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), X509_free);
  if (!key || !certificate) throw std::runtime_error("OpenSSL could not make a key");
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 24 * 60 * 60);
  X509_set_pubkey(certificate.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(certificate.get(), subject);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate.get(), certificate.get(), nullptr, nullptr, 0);
  X509_EXTENSION* alt_names = X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name,
                                                  "IP:127.0.0.1,DNS:localhost");
  if (alt_names == nullptr) throw std::runtime_error("OpenSSL rejected subjectAltName");
  X509_add_ext(certificate.get(), alt_names, -1);
  X509_EXTENSION_free(alt_names);
  if (X509_sign(certificate.get(), key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("OpenSSL could not sign the certificate");
  }

  std::unique_ptr<BIO, decltype(&BIO_free)> certificate_out(BIO_new(BIO_s_mem()), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_out(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(certificate_out.get(), certificate.get());
  PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return {BioText(certificate_out.get()), BioText(key_out.get())};
}

// The key of `certificate` in PEM, encrypted with AES-256 and `passphrase`.
inline std::string EncryptKey(const TestCertificate& certificate, const std::string& passphrase) {
  std::unique_ptr<BIO, decltype(&BIO_free)> in(
      BIO_new_mem_buf(certificate.key_pem.data(), static_cast<int>(certificate.key_pem.size())),
      BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PKCS8PrivateKey(out.get(), key.get(), EVP_aes_256_cbc(), passphrase.data(),
                                static_cast<int>(passphrase.size()), nullptr, nullptr);
  return BioText(out.get());
}

}  // namespace webjobs::testing
