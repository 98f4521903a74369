#include "http/tls_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "http/test_certificate.h"

namespace webjobs::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class TlsCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "tls-credentials-XXXXXX");
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::filesystem::path Write(const std::string& name, const std::string& text) {
    std::filesystem::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(TlsCredentialsTest, LoadsMatchingPair) {
  TestCertificate pair = MakeSelfSignedCertificate();
  auto loaded = TlsCredentials::Load(Write("cert.pem", pair.certificate_pem),
                                     Write("key.pem", pair.key_pem));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_THAT((*loaded)->Describe(), HasSubstr("CN=localhost"));
}

TEST_F(TlsCredentialsTest, LoadsChainAfterLeaf) {
  TestCertificate leaf = MakeSelfSignedCertificate();
  TestCertificate intermediate = MakeSelfSignedCertificate("intermediate");
  auto loaded = TlsCredentials::FromPem(leaf.certificate_pem + intermediate.certificate_pem,
                                        leaf.key_pem, "cert.pem", "key.pem");
  EXPECT_TRUE(loaded.ok()) << loaded.error().message;
}

TEST_F(TlsCredentialsTest, MissingCertificateFileIsNamed) {
  TestCertificate pair = MakeSelfSignedCertificate();
  auto loaded = TlsCredentials::Load(dir_ / "absent.pem", Write("key.pem", pair.key_pem));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(loaded.error().message, HasSubstr((dir_ / "absent.pem").string()));
  EXPECT_THAT(loaded.error().message, HasSubstr("does not exist"));
}

TEST_F(TlsCredentialsTest, DirectoryIsNotRegularFile) {
  TestCertificate pair = MakeSelfSignedCertificate();
  auto loaded = TlsCredentials::Load(Write("cert.pem", pair.certificate_pem), dir_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error().message, HasSubstr("TLS key file"));
  EXPECT_THAT(loaded.error().message, HasSubstr("not a regular file"));
}

TEST_F(TlsCredentialsTest, CertificateThatIsNotPemIsRejected) {
  TestCertificate pair = MakeSelfSignedCertificate();
  auto loaded = TlsCredentials::FromPem("hello", pair.key_pem, "cert.pem", "key.pem");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error().message, HasSubstr("cert.pem contains no PEM certificate"));
}

TEST_F(TlsCredentialsTest, KeyThatIsNotPemIsRejectedWithoutItsText) {
  TestCertificate pair = MakeSelfSignedCertificate();
  auto loaded =
      TlsCredentials::FromPem(pair.certificate_pem, "secret-text", "cert.pem", "key.pem");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error().message, HasSubstr("key.pem contains no PEM private key"));
  EXPECT_THAT(loaded.error().message, Not(HasSubstr("secret-text")));
}

TEST_F(TlsCredentialsTest, MismatchedKeyNamesBothFiles) {
  TestCertificate pair = MakeSelfSignedCertificate();
  TestCertificate other = MakeSelfSignedCertificate("other");
  auto loaded = TlsCredentials::FromPem(pair.certificate_pem, other.key_pem, "cert.pem", "key.pem");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error().message, HasSubstr("key.pem does not match"));
  EXPECT_THAT(loaded.error().message, HasSubstr("cert.pem"));
}

TEST_F(TlsCredentialsTest, EncryptedKeyIsRejected) {
  TestCertificate pair = MakeSelfSignedCertificate();
  auto loaded = TlsCredentials::FromPem(pair.certificate_pem, EncryptKey(pair, "passphrase"),
                                        "cert.pem", "key.pem");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error().message, HasSubstr("encrypted"));
}

TEST_F(TlsCredentialsTest, DamagedSecondCertificateIsRejected) {
  TestCertificate pair = MakeSelfSignedCertificate();
  std::string damaged = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  auto loaded = TlsCredentials::FromPem(pair.certificate_pem + damaged, pair.key_pem, "cert.pem",
                                        "key.pem");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error().message, HasSubstr("after the first one"));
}

}  // namespace
}  // namespace webjobs::testing
