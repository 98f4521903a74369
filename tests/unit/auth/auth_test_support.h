// A SQLite store in a temporary directory and helpers to add users and
// tokens to it, for the tests of the auth subsystem. Hashes use the
// minimal argon2id cost.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "auth/credentials.h"
#include "auth/password_hash.h"
#include "core/clock.h"
#include "http/test_accounts.h"
#include "store/store_sqlite.h"

namespace webjobs::testing {

class FixedClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  }
};

class AuthStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(dir_.path() / "webjobs.db");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }

  void AddUser(const std::string& name, const std::string& password, const std::string& role) {
    Result<std::string> hash = HashPassword(password, PasswordCost::kMinimal);
    ASSERT_TRUE(hash.ok());
    auto now = clock_.Now();
    ASSERT_TRUE(store_->PutUser(UserRecord{name, *hash, role, now, now}).ok());
  }

  void SetPassword(const std::string& name, const std::string& password) {
    Result<std::optional<UserRecord>> user = store_->GetUser(name);
    ASSERT_TRUE(user.ok());
    ASSERT_TRUE(user->has_value());
    UserRecord changed = **user;
    Result<std::string> hash = HashPassword(password, PasswordCost::kMinimal);
    ASSERT_TRUE(hash.ok());
    changed.password_hash = *hash;
    ASSERT_TRUE(store_->PutUser(changed).ok());
  }

  void SetRole(const std::string& name, const std::string& role) {
    Result<std::optional<UserRecord>> user = store_->GetUser(name);
    ASSERT_TRUE(user.ok());
    ASSERT_TRUE(user->has_value());
    UserRecord changed = **user;
    changed.role = role;
    ASSERT_TRUE(store_->PutUser(changed).ok());
  }

  // Stores a new token of `user` and returns its text.
  std::string AddToken(const std::string& user, const std::string& scope) {
    TokenCredentials token = GenerateToken();
    Status saved = store_->PutToken(
        TokenRecord{token.id, user, "test", scope, Sha256Hex(token.secret), clock_.Now()});
    EXPECT_TRUE(saved.ok());
    return FormatToken(token);
  }

  TempDir dir_;
  FixedClock clock_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace webjobs::testing
