#include "auth/credentials.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace webjobs {
namespace {

constexpr const char* kId = "0123456789abcdef";
const std::string kSecret = std::string(32, 'a') + std::string(32, '9');
const std::string kToken = std::string("wjt_") + kId + "_" + kSecret;

// base64 of `text` (RFC 4648, with padding).
std::string Base64(const std::string& text) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(text[i]) << 16) | (static_cast<uint8_t>(text[i + 1]) << 8) |
                 static_cast<uint8_t>(text[i + 2]);
    out += {kDigits[n >> 18], kDigits[(n >> 12) & 63], kDigits[(n >> 6) & 63], kDigits[n & 63]};
  }
  if (i + 1 == text.size()) {
    uint32_t n = static_cast<uint8_t>(text[i]) << 16;
    out += {kDigits[n >> 18], kDigits[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == text.size()) {
    uint32_t n = (static_cast<uint8_t>(text[i]) << 16) | (static_cast<uint8_t>(text[i + 1]) << 8);
    out += {kDigits[n >> 18], kDigits[(n >> 12) & 63], kDigits[(n >> 6) & 63], '='};
  }
  return out;
}

std::optional<PasswordCredentials> AsPassword(const Result<Credentials>& parsed) {
  if (!parsed.ok() || !std::holds_alternative<PasswordCredentials>(*parsed)) return std::nullopt;
  return std::get<PasswordCredentials>(*parsed);
}

std::optional<TokenCredentials> AsToken(const Result<Credentials>& parsed) {
  if (!parsed.ok() || !std::holds_alternative<TokenCredentials>(*parsed)) return std::nullopt;
  return std::get<TokenCredentials>(*parsed);
}

void ExpectUnauthenticated(const Result<Credentials>& parsed, std::string_view says,
                           const std::string& secret = {}) {
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(parsed.error().message.find(says), std::string::npos) << parsed.error().message;
  if (!secret.empty()) {
    EXPECT_EQ(parsed.error().message.find(secret), std::string::npos) << parsed.error().message;
  }
}

TEST(CredentialsTest, Base64HelperMatchesKnownValue) {
  EXPECT_EQ(Base64("tester:correct horse battery"), "dGVzdGVyOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==");
}

TEST(CredentialsTest, ParsesBasic) {
  Result<Credentials> parsed = ParseAuthorization("Basic " + Base64("alice:s3cret:with:colons"));
  std::optional<PasswordCredentials> password = AsPassword(parsed);
  ASSERT_TRUE(password.has_value());
  EXPECT_EQ(password->user, "alice");
  EXPECT_EQ(password->password, "s3cret:with:colons");
}

TEST(CredentialsTest, BasicAllowsEmptyUserAndPassword) {
  std::optional<PasswordCredentials> password =
      AsPassword(ParseAuthorization("Basic " + Base64(":")));
  ASSERT_TRUE(password.has_value());
  EXPECT_EQ(password->user, "");
  EXPECT_EQ(password->password, "");
}

TEST(CredentialsTest, SchemeIgnoresCaseAndSpaces) {
  for (std::string scheme : {"basic", "BASIC", "bAsIc"}) {
    std::optional<PasswordCredentials> password =
        AsPassword(ParseAuthorization("  " + scheme + "   " + Base64("bob:pw") + " \t"));
    ASSERT_TRUE(password.has_value()) << scheme;
    EXPECT_EQ(password->user, "bob");
  }
  for (std::string scheme : {"bearer", "BEARER", "BeArEr"}) {
    std::optional<TokenCredentials> token =
        AsToken(ParseAuthorization(scheme + "  " + kToken + "\t"));
    ASSERT_TRUE(token.has_value()) << scheme;
    EXPECT_EQ(token->id, kId);
    EXPECT_EQ(token->secret, kSecret);
  }
}

TEST(CredentialsTest, ParsesBearer) {
  std::optional<TokenCredentials> token = AsToken(ParseAuthorization("Bearer " + kToken));
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->id, kId);
  EXPECT_EQ(token->secret, kSecret);
}

TEST(CredentialsTest, TokenAsBasicPasswordIsAToken) {
  for (std::string user : {"", "anyone", "admin"}) {
    std::optional<TokenCredentials> token =
        AsToken(ParseAuthorization("Basic " + Base64(user + ":" + kToken)));
    ASSERT_TRUE(token.has_value()) << user;
    EXPECT_EQ(token->id, kId);
    EXPECT_EQ(token->secret, kSecret);
  }
  // Almost a token is an ordinary password.
  std::optional<PasswordCredentials> password =
      AsPassword(ParseAuthorization("Basic " + Base64("u:" + kToken + "0")));
  ASSERT_TRUE(password.has_value());
  EXPECT_EQ(password->password, kToken + "0");
}

TEST(CredentialsTest, RejectsBadBase64) {
  for (const std::string& encoded : {std::string("not base64!"),
                                     std::string("YWxpY2U6c2VjcmV0"
                                                 "?"),
                                     std::string("YWxpY2U6c2VjcmV0MTIz"
                                                 "=="),
                                     std::string("YWxpY2U6c2VjcmV0MQ")}) {
    ExpectUnauthenticated(ParseAuthorization("Basic " + encoded), "base64", encoded);
  }
}

TEST(CredentialsTest, RejectsMissingColon) {
  ExpectUnauthenticated(ParseAuthorization("Basic " + Base64("justapasswordsecret")), "':'",
                        "justapasswordsecret");
}

TEST(CredentialsTest, RejectsEmptyHeaderAndSchemeAlone) {
  ExpectUnauthenticated(ParseAuthorization(""), "no credentials");
  ExpectUnauthenticated(ParseAuthorization("   \t "), "no credentials");
  ExpectUnauthenticated(ParseAuthorization("Basic"), "header Basic has no credentials");
  ExpectUnauthenticated(ParseAuthorization("Bearer"), "header Bearer has no credentials");
  ExpectUnauthenticated(ParseAuthorization("Basic "), "header Basic has no credentials");
  ExpectUnauthenticated(ParseAuthorization("bEARER \t"), "header bEARER has no credentials");
}

TEST(CredentialsTest, SchemeNeedsASpace) {
  ExpectUnauthenticated(ParseAuthorization("Basic\t" + Base64("a:b")), "unsupported");
  ExpectUnauthenticated(ParseAuthorization("Basic:" + Base64("a:b")), "unsupported");
  ExpectUnauthenticated(ParseAuthorization("Bearer" + kToken), "unsupported", kSecret);
}

TEST(CredentialsTest, RejectsUnknownSchemes) {
  ExpectUnauthenticated(ParseAuthorization("Digest username=\"a\", response=\"secretvalue\""),
                        "\"Digest\"", "secretvalue");
  ExpectUnauthenticated(ParseAuthorization("Token " + kToken), "\"Token\"", kSecret);
  ExpectUnauthenticated(ParseAuthorization("Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaAD"),
                        "\"Negotiate\"", "YIIGhgYJ");
  // A header without a space is all scheme; at most 20 bytes of it are shown.
  ExpectUnauthenticated(ParseAuthorization(kToken), "unsupported", kSecret);
  Result<Credentials> parsed = ParseAuthorization("x\x01\n\x7f" + std::string(100, 'y'));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos);
  EXPECT_EQ(parsed.error().message.find(std::string(21, 'y')), std::string::npos);
}

TEST(CredentialsTest, RejectsMalformedBearer) {
  std::string upper = "wjt_" + std::string(kId) + "_" + std::string(64, 'A');
  std::string short_secret = "wjt_" + std::string(kId) + "_" + std::string(63, 'a');
  std::string long_secret = kToken + "a";
  std::string wrong_separator = "wjt_" + std::string(kId) + "-" + kSecret;
  std::string wrong_prefix = "wjx_" + std::string(kId) + "_" + kSecret;
  for (const std::string& bad : {upper, short_secret, long_secret, wrong_separator, wrong_prefix,
                                 Base64("admin:password")}) {
    ExpectUnauthenticated(ParseAuthorization("Bearer " + bad), "malformed", bad.substr(20));
  }
}

TEST(CredentialsTest, RejectsLongHeader) {
  std::string password(5000, 'p');
  ExpectUnauthenticated(ParseAuthorization("Basic " + Base64("alice:" + password)), "longer",
                        std::string(40, 'p'));
  // Just below the limit parses.
  std::string fits(3000, 'q');
  std::optional<PasswordCredentials> parsed =
      AsPassword(ParseAuthorization("Basic " + Base64("u:" + fits)));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->password, fits);
}

TEST(CredentialsTest, ParseTokenIsExact) {
  std::optional<TokenCredentials> token = ParseToken(kToken);
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->id, kId);
  EXPECT_EQ(token->secret, kSecret);
  EXPECT_FALSE(ParseToken("").has_value());
  EXPECT_FALSE(ParseToken("wjt_").has_value());
  EXPECT_FALSE(ParseToken(" " + kToken).has_value());
  EXPECT_FALSE(ParseToken(kToken + " ").has_value());
  EXPECT_FALSE(ParseToken("WJT_" + kToken.substr(4)).has_value());
  std::string upper_id = kToken;
  upper_id[5] = 'A';
  EXPECT_FALSE(ParseToken(upper_id).has_value());
  std::string non_hex = kToken;
  non_hex.back() = 'g';
  EXPECT_FALSE(ParseToken(non_hex).has_value());
  std::string with_nul = kToken;
  with_nul[30] = '\0';
  EXPECT_FALSE(ParseToken(with_nul).has_value());
}

TEST(CredentialsTest, GeneratedTokensRoundTrip) {
  TokenCredentials first = GenerateToken();
  TokenCredentials second = GenerateToken();
  EXPECT_NE(first.id, second.id);
  EXPECT_NE(first.secret, second.secret);
  EXPECT_TRUE(IsTokenId(first.id));
  std::string text = FormatToken(first);
  EXPECT_EQ(text.size(), 4 + 16 + 1 + 64u);
  std::optional<TokenCredentials> parsed = ParseToken(text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->id, first.id);
  EXPECT_EQ(parsed->secret, first.secret);
}

TEST(CredentialsTest, TokenIds) {
  EXPECT_TRUE(IsTokenId(kId));
  EXPECT_FALSE(IsTokenId("0123456789ABCDEF"));
  EXPECT_FALSE(IsTokenId("0123456789abcde"));
  EXPECT_FALSE(IsTokenId("0123456789abcdef0"));
  EXPECT_FALSE(IsTokenId("../../etc/passwd"));
  EXPECT_FALSE(IsTokenId(""));
}

}  // namespace
}  // namespace webjobs
