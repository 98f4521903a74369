// A fixture with a SqliteStore opened on webjobs.db in a temporary
// folder, removed after each test.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/store_sqlite.h"

namespace webjobs::testing {

// Returns the time `micros` microseconds after the epoch.
inline TimePoint At(int64_t micros) { return TimePoint(std::chrono::microseconds(micros)); }

class SqliteStoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "webjobs-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Opens another store on the same file, as a restarted host would.
  std::unique_ptr<SqliteStore> Open() {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(dir_ / "webjobs.db");
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace webjobs::testing
