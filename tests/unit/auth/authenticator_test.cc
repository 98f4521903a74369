#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include "auth/login_throttle.h"
#include "auth_test_support.h"

namespace webjobs {
namespace {

using testing::AuthStoreTest;

constexpr const char* kAddress = "192.0.2.10";
constexpr const char* kAlicePassword = "alice password 1";
constexpr const char* kBobPassword = "bob password 22";

std::string Basic(const std::string& user, const std::string& password) {
  // Enough base64 for these tests.
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string text = user + ":" + password;
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
  return "Basic " + out;
}

class AuthenticatorTest : public AuthStoreTest {
 protected:
  void SetUp() override {
    AuthStoreTest::SetUp();
    AddUser("alice", kAlicePassword, "admin");
    AddUser("bob", kBobPassword, "read");
    authenticator_ = std::make_unique<Authenticator>(*store_);
  }

  Result<Principal> Authenticate(const std::string& header, const std::string& address = kAddress) {
    return authenticator_->Authenticate(header, address);
  }

  void ExpectRejected(const Result<Principal>& result, const std::string& secret = {}) {
    ASSERT_FALSE(result.ok()) << result->Describe();
    EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated) << result.error().message;
    if (!secret.empty()) {
      EXPECT_EQ(result.error().message.find(secret), std::string::npos);
    }
  }

  std::unique_ptr<Authenticator> authenticator_;
};

TEST_F(AuthenticatorTest, PasswordSignsInWithTheUsersRole) {
  Result<Principal> alice = Authenticate(Basic("alice", kAlicePassword));
  ASSERT_TRUE(alice.ok()) << alice.error().message;
  EXPECT_EQ(alice->user, "alice");
  EXPECT_EQ(alice->scope, Scope::kAdmin);
  EXPECT_FALSE(alice->via_token());
  Result<Principal> bob = Authenticate(Basic("bob", kBobPassword));
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->scope, Scope::kRead);
}

TEST_F(AuthenticatorTest, UserNameIgnoresCase) {
  Result<Principal> alice = Authenticate(Basic("ALICE", kAlicePassword));
  ASSERT_TRUE(alice.ok()) << alice.error().message;
  EXPECT_EQ(alice->user, "alice");
  ExpectRejected(Authenticate(Basic("alice", "ALICE PASSWORD 1")));
}

TEST_F(AuthenticatorTest, WrongPasswordAndUnknownUserLookAlike) {
  Result<Principal> wrong = Authenticate(Basic("alice", "not the password"));
  Result<Principal> unknown = Authenticate(Basic("mallory", "not the password"));
  ExpectRejected(wrong, "not the password");
  ExpectRejected(unknown, "not the password");
  ASSERT_FALSE(wrong.ok() || unknown.ok());
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  EXPECT_EQ(unknown.error().message.find("mallory"), std::string::npos);
  // The decoy never lets anyone in, not even with an empty password.
  ExpectRejected(Authenticate(Basic("nobody", "")));
}

TEST_F(AuthenticatorTest, MissingHeaderIsNotAFailure) {
  for (int i = 0; i < 3 * LoginThrottle::kFreeFailures; ++i) {
    Result<Principal> none = Authenticate("");
    ExpectRejected(none);
  }
  EXPECT_EQ(authenticator_->RetryAfterSeconds(kAddress), 0);
  EXPECT_TRUE(Authenticate(Basic("alice", kAlicePassword)).ok());
}

TEST_F(AuthenticatorTest, PasswordChangeClearsRemembered) {
  ASSERT_TRUE(Authenticate(Basic("alice", kAlicePassword)).ok());
  ASSERT_TRUE(Authenticate(Basic("alice", kAlicePassword)).ok());
  SetPassword("alice", "the new password");
  ExpectRejected(Authenticate(Basic("alice", kAlicePassword)));
  EXPECT_TRUE(Authenticate(Basic("alice", "the new password")).ok());
}

TEST_F(AuthenticatorTest, RemovedUserIsRejectedAtOnce) {
  ASSERT_TRUE(Authenticate(Basic("bob", kBobPassword)).ok());
  Result<bool> deleted = store_->DeleteUser("bob");
  ASSERT_TRUE(deleted.ok());
  ASSERT_TRUE(*deleted);
  ExpectRejected(Authenticate(Basic("bob", kBobPassword)));
  // A new user of the same name with another password does not inherit
  // the remembered one.
  AddUser("bob", "another password", "admin");
  ExpectRejected(Authenticate(Basic("bob", kBobPassword)));
}

TEST_F(AuthenticatorTest, RoleChangeAppliesToTheNextRequest) {
  ASSERT_TRUE(Authenticate(Basic("bob", kBobPassword)).ok());
  SetRole("bob", "operate");
  Result<Principal> bob = Authenticate(Basic("bob", kBobPassword));
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->scope, Scope::kOperate);
}

TEST_F(AuthenticatorTest, TokenWorksAsBearerOrPassword) {
  std::string token = AddToken("alice", "operate");
  std::optional<TokenCredentials> parsed = ParseToken(token);
  ASSERT_TRUE(parsed.has_value());
  for (const std::string& header :
       {"Bearer " + token, Basic("alice", token), Basic("", token), Basic("bob", token)}) {
    Result<Principal> principal = Authenticate(header);
    ASSERT_TRUE(principal.ok()) << header << ": " << principal.error().message;
    EXPECT_EQ(principal->user, "alice");
    EXPECT_EQ(principal->scope, Scope::kOperate);
    EXPECT_EQ(principal->token_id, parsed->id);
  }
}

TEST_F(AuthenticatorTest, TokenWithWrongSecretIsRejected) {
  std::string token = AddToken("alice", "admin");
  std::string wrong = token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  Result<Principal> rejected = Authenticate("Bearer " + wrong);
  ExpectRejected(rejected, wrong.substr(21));
  ExpectRejected(Authenticate("Bearer wjt_0000000000000000_" + std::string(64, '0')));
}

TEST_F(AuthenticatorTest, RevokedTokenIsRejectedAtOnce) {
  std::string token = AddToken("bob", "read");
  ASSERT_TRUE(Authenticate("Bearer " + token).ok());
  Result<bool> deleted = store_->DeleteToken(ParseToken(token)->id);
  ASSERT_TRUE(deleted.ok());
  ASSERT_TRUE(*deleted);
  ExpectRejected(Authenticate("Bearer " + token));
}

TEST_F(AuthenticatorTest, TokenRevokedByAnotherProcessIsRejectedAtOnce) {
  // `webjobs user remove --root` changes the database beside the host,
  // through a connection of its own.
  std::string token = AddToken("bob", "read");
  ASSERT_TRUE(Authenticate("Bearer " + token).ok());
  ASSERT_TRUE(Authenticate("Bearer " + token).ok());
  Result<std::unique_ptr<SqliteStore>> other = SqliteStore::Open(dir_.path() / "webjobs.db");
  ASSERT_TRUE(other.ok()) << other.error().message;
  ASSERT_TRUE((*other)->DeleteUser("bob").ok());
  ExpectRejected(Authenticate("Bearer " + token));
}

TEST_F(AuthenticatorTest, RememberedTokenStillNeedsItsSecret) {
  std::string token = AddToken("alice", "admin");
  ASSERT_TRUE(Authenticate("Bearer " + token).ok());
  std::string wrong = token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  ExpectRejected(Authenticate("Bearer " + wrong), wrong.substr(21));
  ASSERT_TRUE(Authenticate("Bearer " + token).ok());
}

TEST_F(AuthenticatorTest, TokenOfRemovedUserIsRejected) {
  std::string token = AddToken("bob", "read");
  ASSERT_TRUE(Authenticate("Bearer " + token).ok());
  ASSERT_TRUE(store_->DeleteUser("bob").ok());
  ExpectRejected(Authenticate("Bearer " + token));
  // A token row left without its user is rejected too.
  std::string orphan = AddToken("ghost", "admin");
  ExpectRejected(Authenticate("Bearer " + orphan));
}

TEST_F(AuthenticatorTest, TokenScopeIsCappedByRole) {
  std::string token = AddToken("alice", "admin");
  Result<Principal> before = Authenticate("Bearer " + token);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->scope, Scope::kAdmin);
  SetRole("alice", "read");
  Result<Principal> after = Authenticate("Bearer " + token);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->scope, Scope::kRead);
  // A narrow token stays narrow when the role is wider.
  std::string narrow = AddToken("alice", "read");
  SetRole("alice", "admin");
  Result<Principal> read = Authenticate("Bearer " + narrow);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->scope, Scope::kRead);
}

TEST_F(AuthenticatorTest, RepeatedFailuresAreThrottledPerAddress) {
  // Fail until the address is throttled; with the delay doubling to a
  // minute, that happens within a few attempts however slow the machine.
  bool throttled = false;
  for (int i = 0; i < LoginThrottle::kFreeFailures + 10 && !throttled; ++i) {
    (void)Authenticate("Basic !!!!");
    Result<Principal> attempt = Authenticate(Basic("alice", kAlicePassword));
    if (!attempt.ok()) {
      EXPECT_EQ(attempt.error().code, ErrorCode::kTooManyRequests) << attempt.error().message;
      EXPECT_NE(attempt.error().message.find(kAddress), std::string::npos);
      throttled = true;
    }
  }
  EXPECT_TRUE(throttled);
  // Another address is not affected.
  EXPECT_TRUE(Authenticate(Basic("alice", kAlicePassword), "192.0.2.99").ok());
}

TEST_F(AuthenticatorTest, EveryKindOfFailureCounts) {
  std::string token = AddToken("bob", "read");
  std::string wrong_token = token;
  wrong_token.back() = wrong_token.back() == 'a' ? 'b' : 'a';
  const std::string failures[] = {"Basic !!!!",
                                  "Digest x",
                                  Basic("alice", "wrong password"),
                                  Basic("nobody", "wrong password"),
                                  "Bearer " + wrong_token,
                                  "Bearer not-a-token"};
  bool throttled = false;
  for (int round = 0; round < 5 && !throttled; ++round) {
    for (const std::string& header : failures) {
      Result<Principal> result = Authenticate(header, "198.51.100.7");
      ASSERT_FALSE(result.ok());
      if (result.error().code == ErrorCode::kTooManyRequests) throttled = true;
    }
  }
  EXPECT_TRUE(throttled);
}

}  // namespace
}  // namespace webjobs
