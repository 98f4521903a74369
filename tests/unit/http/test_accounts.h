// A SQLite store with one admin user, for tests that run a real ApiServer.
// The password hash uses the minimal argon2id cost, so tests stay fast.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "auth/password_hash.h"
#include "store/store_sqlite.h"

namespace webjobs::testing {

inline constexpr const char* kTestUser = "tester";
inline constexpr const char* kTestPassword = "correct horse battery";

// A temporary directory, removed with its content at scope end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "webjobs-test-XXXXXX");
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Opens (creating) data/webjobs.db below `root` and adds kTestUser as admin
// when missing. Fails the test and returns nullptr on error.
inline std::unique_ptr<SqliteStore> OpenTestStore(const std::filesystem::path& root) {
  std::filesystem::create_directories(root / "data");
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(root / "data" / "webjobs.db");
  EXPECT_TRUE(store.ok()) << store.error().message;
  if (!store.ok()) return nullptr;
  Result<std::string> hash = HashPassword(kTestPassword, PasswordCost::kMinimal);
  EXPECT_TRUE(hash.ok());
  auto now = std::chrono::system_clock::now();
  (void)(*store)->AddFirstUser(UserRecord{kTestUser, *hash, "admin", now, now});
  return std::move(store).value();
}

// "Authorization: Basic ..." for kTestUser, with CRLF.
inline std::string TestAuthorizationLine() {
  return "Authorization: Basic dGVzdGVyOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==\r\n";
}

}  // namespace webjobs::testing
