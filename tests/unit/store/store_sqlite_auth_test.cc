// SqliteStore: users, API tokens and the audit log.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/sqlite_store_fixture.h"
#include "store/store_sqlite.h"

namespace webjobs {
namespace {

using testing::At;

class SqliteStoreAuthTest : public testing::SqliteStoreFixture {
 protected:
  static UserRecord User(const std::string& name, const std::string& role = "read") {
    return UserRecord{name, "$argon2id$hash-of-" + name, role, At(1'000'000), At(2'000'000)};
  }

  static TokenRecord Token(const std::string& id, const std::string& user, int64_t created) {
    return TokenRecord{id, user, "label " + id, "read", std::string(64, 'f'), At(created)};
  }

  static AuditRecord Audit(const std::string& action) {
    return AuditRecord{0,           At(5'000'000), "alice (token 0123456789abcdef)",
                       "127.0.0.1", action,        "triggered/nightly",
                       200};
  }
};

TEST_F(SqliteStoreAuthTest, UsersSurviveReopening) {
  ASSERT_TRUE(store_->PutUser(User("alice", "admin")).ok());
  store_ = Open();
  Result<std::optional<UserRecord>> alice = store_->GetUser("alice");
  ASSERT_TRUE(alice.ok());
  ASSERT_TRUE(alice->has_value());
  EXPECT_EQ((*alice)->name, "alice");
  EXPECT_EQ((*alice)->password_hash, "$argon2id$hash-of-alice");
  EXPECT_EQ((*alice)->role, "admin");
  EXPECT_EQ((*alice)->created, At(1'000'000));
  EXPECT_EQ((*alice)->updated, At(2'000'000));
  Result<std::optional<UserRecord>> nobody = store_->GetUser("nobody");
  ASSERT_TRUE(nobody.ok());
  EXPECT_FALSE(nobody->has_value());
}

TEST_F(SqliteStoreAuthTest, UserNamesIgnoreAsciiCase) {
  ASSERT_TRUE(store_->PutUser(User("Alice", "read")).ok());
  Result<std::optional<UserRecord>> lower = store_->GetUser("alice");
  ASSERT_TRUE(lower.ok());
  ASSERT_TRUE(lower->has_value());
  EXPECT_EQ((*lower)->name, "Alice");
  // Putting the name in another case changes the one user and keeps its
  // first spelling and creation time.
  UserRecord changed = User("ALICE", "operate");
  changed.created = At(9'000'000);
  changed.updated = At(9'000'000);
  ASSERT_TRUE(store_->PutUser(changed).ok());
  Result<std::vector<UserRecord>> users = store_->ListUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].name, "Alice");
  EXPECT_EQ((*users)[0].role, "operate");
  EXPECT_EQ((*users)[0].created, At(1'000'000));
  EXPECT_EQ((*users)[0].updated, At(9'000'000));
}

TEST_F(SqliteStoreAuthTest, NamesAreBoundNotSpliced) {
  ASSERT_TRUE(store_->PutUser(User("alice")).ok());
  for (const std::string& name :
       {std::string("' OR '1'='1"), std::string("alice' --"), std::string("alice\0x", 7),
        std::string("%"), std::string("_lice")}) {
    Result<std::optional<UserRecord>> found = store_->GetUser(name);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value()) << name;
    Result<bool> deleted = store_->DeleteUser(name);
    ASSERT_TRUE(deleted.ok());
    EXPECT_FALSE(*deleted);
  }
  EXPECT_EQ(store_->ListUsers()->size(), 1u);
}

TEST_F(SqliteStoreAuthTest, FirstUserIsAddedOnlyToAnEmptyTable) {
  Result<bool> first = store_->AddFirstUser(User("admin", "admin"));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  Result<bool> second = store_->AddFirstUser(User("other", "admin"));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  Result<std::vector<UserRecord>> users = store_->ListUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].name, "admin");
}

TEST_F(SqliteStoreAuthTest, FirstUserAddedOnceAcrossConnections) {
  std::unique_ptr<SqliteStore> other = Open();
  ASSERT_NE(other, nullptr);
  Result<bool> one = store_->AddFirstUser(User("admin", "admin"));
  Result<bool> two = other->AddFirstUser(User("admin2", "admin"));
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(two.ok());
  EXPECT_NE(*one, *two);
  EXPECT_EQ(store_->ListUsers()->size(), 1u);
}

TEST_F(SqliteStoreAuthTest, UsersListedByNameIgnoringCase) {
  for (const char* name : {"carol", "Bob", "alice", "Dave"}) {
    ASSERT_TRUE(store_->PutUser(User(name)).ok());
  }
  Result<std::vector<UserRecord>> users = store_->ListUsers();
  ASSERT_TRUE(users.ok());
  std::vector<std::string> names;
  for (const UserRecord& user : *users) names.push_back(user.name);
  EXPECT_EQ(names, (std::vector<std::string>{"alice", "Bob", "carol", "Dave"}));
}

TEST_F(SqliteStoreAuthTest, DeletingAUserDeletesItsTokensOnly) {
  ASSERT_TRUE(store_->PutUser(User("alice")).ok());
  ASSERT_TRUE(store_->PutUser(User("bob")).ok());
  ASSERT_TRUE(store_->PutToken(Token("00000000000000a1", "alice", 1)).ok());
  ASSERT_TRUE(store_->PutToken(Token("00000000000000a2", "Alice", 2)).ok());
  ASSERT_TRUE(store_->PutToken(Token("00000000000000b1", "bob", 3)).ok());
  Result<bool> deleted = store_->DeleteUser("ALICE");
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(*deleted);
  Result<std::vector<TokenRecord>> tokens = store_->ListTokens();
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].id, "00000000000000b1");
  Result<bool> again = store_->DeleteUser("alice");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST_F(SqliteStoreAuthTest, TokensListedOldestFirst) {
  ASSERT_TRUE(store_->PutToken(Token("00000000000000c3", "bob", 30)).ok());
  ASSERT_TRUE(store_->PutToken(Token("00000000000000c1", "alice", 10)).ok());
  ASSERT_TRUE(store_->PutToken(Token("00000000000000c2", "alice", 10)).ok());
  store_ = Open();
  Result<std::optional<TokenRecord>> token = store_->GetToken("00000000000000c3");
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(token->has_value());
  EXPECT_EQ((*token)->user, "bob");
  EXPECT_EQ((*token)->label, "label 00000000000000c3");
  EXPECT_EQ((*token)->scope, "read");
  EXPECT_EQ((*token)->secret_hash, std::string(64, 'f'));
  EXPECT_EQ((*token)->created, At(30));
  Result<std::vector<TokenRecord>> tokens = store_->ListTokens();
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 3u);
  EXPECT_EQ((*tokens)[0].id, "00000000000000c1");
  EXPECT_EQ((*tokens)[1].id, "00000000000000c2");
  EXPECT_EQ((*tokens)[2].id, "00000000000000c3");
  // Ids are exact: no case folding.
  Result<std::optional<TokenRecord>> upper = store_->GetToken("00000000000000C3");
  ASSERT_TRUE(upper.ok());
  EXPECT_FALSE(upper->has_value());
}

TEST_F(SqliteStoreAuthTest, DeleteTokenSaysWhetherItExisted) {
  ASSERT_TRUE(store_->PutToken(Token("00000000000000d1", "bob", 1)).ok());
  Result<bool> first = store_->DeleteToken("00000000000000d1");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  Result<bool> second = store_->DeleteToken("00000000000000d1");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  Result<std::optional<TokenRecord>> gone = store_->GetToken("00000000000000d1");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_F(SqliteStoreAuthTest, AuditListedNewestFirstInPages) {
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(store_->AppendAudit(Audit("action." + std::to_string(i))).ok());
  }
  Result<std::vector<AuditRecord>> all = store_->ListAudit(100, std::nullopt);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].action, "action.5");
  EXPECT_EQ((*all)[4].action, "action.1");
  for (size_t i = 1; i < all->size(); ++i) EXPECT_LT((*all)[i].id, (*all)[i - 1].id);
  const AuditRecord& newest = (*all)[0];
  EXPECT_EQ(newest.time, At(5'000'000));
  EXPECT_EQ(newest.actor, "alice (token 0123456789abcdef)");
  EXPECT_EQ(newest.address, "127.0.0.1");
  EXPECT_EQ(newest.target, "triggered/nightly");
  EXPECT_EQ(newest.status, 200);

  Result<std::vector<AuditRecord>> page = store_->ListAudit(2, std::nullopt);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  Result<std::vector<AuditRecord>> next = store_->ListAudit(2, page->back().id);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[0].action, "action.3");
  EXPECT_EQ((*next)[1].action, "action.2");
  Result<std::vector<AuditRecord>> last = store_->ListAudit(2, next->back().id);
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0].action, "action.1");
  Result<std::vector<AuditRecord>> none = store_->ListAudit(2, last->back().id);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(SqliteStoreAuthTest, AuditIdsGrowAcrossReopening) {
  ASSERT_TRUE(store_->AppendAudit(Audit("one")).ok());
  int64_t first = store_->ListAudit(1, std::nullopt)->at(0).id;
  store_ = Open();
  ASSERT_TRUE(store_->AppendAudit(Audit("two")).ok());
  int64_t second = store_->ListAudit(1, std::nullopt)->at(0).id;
  EXPECT_GT(second, first);
}

}  // namespace
}  // namespace webjobs
