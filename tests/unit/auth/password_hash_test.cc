#include "auth/password_hash.h"

#include <gtest/gtest.h>

#include <set>

namespace webjobs {
namespace {

constexpr PasswordCost kCost = PasswordCost::kMinimal;

TEST(PasswordHashTest, HashVerifiesOnlyItsPassword) {
  Result<std::string> hash = HashPassword("correct horse battery", kCost);
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse batter"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery "));
  EXPECT_FALSE(VerifyPassword(*hash, "Correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
}

TEST(PasswordHashTest, SaltsDiffer) {
  Result<std::string> first = HashPassword("same password here", kCost);
  Result<std::string> second = HashPassword("same password here", kCost);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(VerifyPassword(*first, "same password here"));
  EXPECT_TRUE(VerifyPassword(*second, "same password here"));
}

TEST(PasswordHashTest, PasswordWithNulAndBinaryBytes) {
  std::string password("abc\0def\xff\x01ghijkl", 15);
  Result<std::string> hash = HashPassword(password, kCost);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword(*hash, password));
  EXPECT_FALSE(VerifyPassword(*hash, "abc"));
}

TEST(PasswordHashTest, MalformedHashNeverMatches) {
  EXPECT_FALSE(VerifyPassword("", ""));
  EXPECT_FALSE(VerifyPassword("", "anything at all"));
  EXPECT_FALSE(VerifyPassword("$argon2id$", "anything at all"));
  EXPECT_FALSE(VerifyPassword("plain text password", "plain text password"));
  EXPECT_FALSE(VerifyPassword(std::string(4096, '$'), "x"));
  Result<std::string> hash = HashPassword("correct horse battery", kCost);
  ASSERT_TRUE(hash.ok());
  std::string truncated = hash->substr(0, hash->size() - 4);
  EXPECT_FALSE(VerifyPassword(truncated, "correct horse battery"));
}

TEST(PasswordHashTest, InteractiveHashVerifies) {
  Result<std::string> hash = HashPassword("an interactive one", PasswordCost::kInteractive);
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_TRUE(VerifyPassword(*hash, "an interactive one"));
  EXPECT_FALSE(VerifyPassword(*hash, "an interactive two"));
}

TEST(PasswordHashTest, NewPasswordRules) {
  EXPECT_TRUE(CheckNewPassword(std::string(kMinPasswordLength, 'a')).ok());
  EXPECT_TRUE(CheckNewPassword(std::string(kMaxPasswordLength, 'a')).ok());
  for (const std::string& bad :
       {std::string(), std::string(kMinPasswordLength - 1, 's'),
        std::string(kMaxPasswordLength + 1, 'l'), std::string("twelve\0chars", 12)}) {
    Status checked = CheckNewPassword(bad);
    ASSERT_FALSE(checked.ok()) << bad.size();
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
    if (!bad.empty()) {
      EXPECT_EQ(checked.error().message.find(bad.substr(0, 6)), std::string::npos)
          << checked.error().message;
    }
  }
}

TEST(PasswordHashTest, RandomPasswordsUseLettersAndDigits) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string password = RandomPassword();
    EXPECT_EQ(password.size(), 24u);
    for (char c : password) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << password;
    seen.insert(password);
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(RandomPassword(40).size(), 40u);
  EXPECT_TRUE(CheckNewPassword(RandomPassword()).ok());
}

TEST(PasswordHashTest, RandomHexAndSha256) {
  std::string hex = RandomHex(8);
  EXPECT_EQ(hex.size(), 16u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
  EXPECT_NE(RandomHex(32), RandomHex(32));
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(PasswordHashTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", ""));
}

}  // namespace
}  // namespace webjobs
