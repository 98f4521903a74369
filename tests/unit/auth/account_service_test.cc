#include "auth/account_service.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "auth_test_support.h"

namespace webjobs {
namespace {

using testing::AuthStoreTest;

constexpr const char* kStrong = "a strong password";

class AccountServiceTest : public AuthStoreTest {
 protected:
  void SetUp() override {
    AuthStoreTest::SetUp();
    AddUser("alice", "alice password 1", "admin");
    AddUser("bob", "bob password 22", "read");
    AddUser("olga", "olga password 3", "operate");
    accounts_ = std::make_unique<AccountService>(*store_, clock_, PasswordCost::kMinimal);
  }

  std::optional<UserRecord> User(const std::string& name) {
    Result<std::optional<UserRecord>> user = store_->GetUser(name);
    EXPECT_TRUE(user.ok());
    return user.ok() ? *user : std::nullopt;
  }

  std::unique_ptr<AccountService> accounts_;
  Principal alice_{"alice", Scope::kAdmin, ""};
  Principal alice_token_{"alice", Scope::kAdmin, "00000000000000aa"};
  Principal bob_{"bob", Scope::kRead, ""};
  Principal bob_token_{"bob", Scope::kRead, "00000000000000bb"};
  Principal olga_{"olga", Scope::kOperate, ""};
};

void ExpectCode(const Status& status, ErrorCode code) {
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, code) << status.error().message;
}

template <typename T>
void ExpectCode(const Result<T>& result, ErrorCode code) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, code) << result.error().message;
}

TEST_F(AccountServiceTest, NewUserDefaultsToRead) {
  Result<UserChange> change = accounts_->SetUser(&alice_, "carol", std::string(kStrong), {});
  ASSERT_TRUE(change.ok()) << change.error().message;
  EXPECT_TRUE(change->created);
  EXPECT_EQ(change->user.role, "read");
  std::optional<UserRecord> carol = User("carol");
  ASSERT_TRUE(carol.has_value());
  EXPECT_TRUE(VerifyPassword(carol->password_hash, kStrong));
  EXPECT_EQ(carol->password_hash.find(kStrong), std::string::npos);
}

TEST_F(AccountServiceTest, AdminTokenMayManageUsers) {
  Result<UserChange> change =
      accounts_->SetUser(&alice_token_, "carol", std::string(kStrong), Scope::kOperate);
  ASSERT_TRUE(change.ok()) << change.error().message;
  EXPECT_EQ(change->user.role, "operate");
}

TEST_F(AccountServiceTest, NewUserNeedsValidPassword) {
  ExpectCode(accounts_->SetUser(&alice_, "carol", std::nullopt, Scope::kRead),
             ErrorCode::kInvalidArgument);
  Result<UserChange> weak = accounts_->SetUser(&alice_, "carol", std::string("short"), {});
  ExpectCode(weak, ErrorCode::kInvalidArgument);
  EXPECT_EQ(weak.error().message.find("short\""), std::string::npos);
  EXPECT_FALSE(User("carol").has_value());
}

TEST_F(AccountServiceTest, UserNamesFollowTheRule) {
  for (const char* good : {"a", "Z9", "first.last", "svc_deploy-1", "me@example.com"}) {
    EXPECT_TRUE(CheckUserName(good).ok()) << good;
  }
  EXPECT_TRUE(CheckUserName(std::string(64, 'n')).ok());
  for (const std::string& bad :
       {std::string(), std::string(65, 'n'), std::string("."), std::string(".."),
        std::string("../etc"), std::string("a/b"), std::string("a\\b"), std::string("-x"),
        std::string("_x"), std::string("@x"), std::string("a b"), std::string("a:b"),
        std::string("a\nb"), std::string("a\0b", 3), std::string("\xc3\xa9t\xc3\xa9")}) {
    Status checked = CheckUserName(bad);
    ASSERT_FALSE(checked.ok()) << bad;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
    ExpectCode(accounts_->SetUser(&alice_, bad, std::string(kStrong), {}),
               ErrorCode::kInvalidArgument);
    ExpectCode(accounts_->RemoveUser(&alice_, bad), ErrorCode::kInvalidArgument);
    ExpectCode(accounts_->GetUser(&alice_, bad), ErrorCode::kInvalidArgument);
  }
}

TEST_F(AccountServiceTest, NonAdminsCannotManageOthers) {
  for (const Principal* actor : {&bob_, &bob_token_, &olga_}) {
    ExpectCode(accounts_->SetUser(actor, "carol", std::string(kStrong), {}),
               ErrorCode::kPermissionDenied);
    ExpectCode(accounts_->SetUser(actor, "alice", std::string(kStrong), {}),
               ErrorCode::kPermissionDenied);
    ExpectCode(accounts_->RemoveUser(actor, "alice"), ErrorCode::kPermissionDenied);
    ExpectCode(accounts_->RemoveUser(actor, actor->user), ErrorCode::kPermissionDenied);
    ExpectCode(accounts_->GetUser(actor, "alice"), ErrorCode::kPermissionDenied);
    // Whether a user exists is not revealed either.
    ExpectCode(accounts_->GetUser(actor, "nobody"), ErrorCode::kPermissionDenied);
  }
  EXPECT_FALSE(User("carol").has_value());
  EXPECT_TRUE(VerifyPassword(User("alice")->password_hash, "alice password 1"));
}

TEST_F(AccountServiceTest, OwnPasswordNeedsPasswordSignIn) {
  Result<UserChange> own = accounts_->SetUser(&bob_, "bob", std::string(kStrong), {});
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_FALSE(own->created);
  EXPECT_EQ(own->user.role, "read");
  EXPECT_TRUE(VerifyPassword(User("bob")->password_hash, kStrong));
  // The name in another case is the same user.
  ASSERT_TRUE(accounts_->SetUser(&bob_, "BOB", std::string("yet another one"), {}).ok());
  EXPECT_TRUE(VerifyPassword(User("bob")->password_hash, "yet another one"));
  Result<std::vector<UserRecord>> users = store_->ListUsers();
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->size(), 3u);
  // Not with a token, and not the role, even the same one.
  ExpectCode(accounts_->SetUser(&bob_token_, "bob", std::string(kStrong), {}),
             ErrorCode::kPermissionDenied);
  ExpectCode(accounts_->SetUser(&bob_, "bob", std::string(kStrong), Scope::kRead),
             ErrorCode::kPermissionDenied);
  ExpectCode(accounts_->SetUser(&bob_, "bob", std::nullopt, Scope::kAdmin),
             ErrorCode::kPermissionDenied);
  EXPECT_EQ(User("bob")->role, "read");
}

TEST_F(AccountServiceTest, LastAdminIsKept) {
  ExpectCode(accounts_->RemoveUser(&alice_, "alice"), ErrorCode::kConflict);
  ExpectCode(accounts_->SetUser(&alice_, "alice", std::nullopt, Scope::kOperate),
             ErrorCode::kConflict);
  ExpectCode(accounts_->RemoveUser(nullptr, "alice"), ErrorCode::kConflict);
  ExpectCode(accounts_->SetUser(nullptr, "ALICE", std::nullopt, Scope::kRead),
             ErrorCode::kConflict);
  EXPECT_EQ(User("alice")->role, "admin");
  // The admin may keep the role while changing the password.
  EXPECT_TRUE(accounts_->SetUser(&alice_, "alice", std::string(kStrong), Scope::kAdmin).ok());

  // With a second admin, either may go, but not both.
  ASSERT_TRUE(accounts_->SetUser(&alice_, "olga", std::nullopt, Scope::kAdmin).ok());
  EXPECT_TRUE(accounts_->SetUser(&alice_, "alice", std::nullopt, Scope::kRead).ok());
  ExpectCode(accounts_->RemoveUser(nullptr, "olga"), ErrorCode::kConflict);
  ASSERT_TRUE(accounts_->SetUser(nullptr, "alice", std::nullopt, Scope::kAdmin).ok());
  EXPECT_TRUE(accounts_->RemoveUser(&alice_, "alice").ok());
  ExpectCode(accounts_->RemoveUser(nullptr, "olga"), ErrorCode::kConflict);
}

TEST_F(AccountServiceTest, RemovingAUserRemovesItsTokens) {
  Result<CreatedToken> token = accounts_->CreateToken(&bob_, "", "ci", Scope::kRead);
  ASSERT_TRUE(token.ok()) << token.error().message;
  ExpectCode(accounts_->RemoveUser(&alice_, "nobody"), ErrorCode::kNotFound);
  ASSERT_TRUE(accounts_->RemoveUser(&alice_, "Bob").ok());
  EXPECT_FALSE(User("bob").has_value());
  Result<std::optional<TokenRecord>> stored = store_->GetToken(token->record.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
}

TEST_F(AccountServiceTest, TokensAreNoWiderThanActor) {
  // The owner argument is for the command line only.
  Result<CreatedToken> own = accounts_->CreateToken(&bob_, "alice", "mine", Scope::kRead);
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(own->record.user, "bob");
  EXPECT_EQ(own->record.scope, "read");
  std::optional<TokenCredentials> parsed = ParseToken(own->token);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->id, own->record.id);
  EXPECT_EQ(own->record.secret_hash, Sha256Hex(parsed->secret));
  EXPECT_EQ(own->record.secret_hash.find(parsed->secret), std::string::npos);

  ExpectCode(accounts_->CreateToken(&bob_, "", "wide", Scope::kOperate),
             ErrorCode::kPermissionDenied);
  ExpectCode(accounts_->CreateToken(&olga_, "", "wide", Scope::kAdmin),
             ErrorCode::kPermissionDenied);
  EXPECT_TRUE(accounts_->CreateToken(&olga_, "", "ops", Scope::kOperate).ok());
  // A token creates no tokens, whatever its scope, so revoking a leaked
  // token ends the access it gave.
  Principal narrow_alice{"alice", Scope::kRead, "00000000000000cc"};
  ExpectCode(accounts_->CreateToken(&narrow_alice, "", "narrow", Scope::kRead),
             ErrorCode::kPermissionDenied);
  ExpectCode(accounts_->CreateToken(&alice_token_, "", "deploy", Scope::kAdmin),
             ErrorCode::kPermissionDenied);
}

TEST_F(AccountServiceTest, CommandLineTokensFollowRole) {
  Result<CreatedToken> created = accounts_->CreateToken(nullptr, "olga", "ops", Scope::kOperate);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->record.user, "olga");
  ExpectCode(accounts_->CreateToken(nullptr, "olga", "ops", Scope::kAdmin),
             ErrorCode::kPermissionDenied);
  ExpectCode(accounts_->CreateToken(nullptr, "nobody", "ops", Scope::kRead), ErrorCode::kNotFound);
}

TEST_F(AccountServiceTest, TokenLabelsAreChecked) {
  for (const std::string& bad : {std::string(), std::string(101, 'l'), std::string("a\nb"),
                                 std::string("tab\there"), std::string("del\x7f")}) {
    ExpectCode(accounts_->CreateToken(&alice_, "", bad, Scope::kRead), ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(accounts_->CreateToken(&alice_, "", std::string(100, 'l'), Scope::kRead).ok());
  EXPECT_TRUE(accounts_->CreateToken(&alice_, "", "d\xc3\xa9ploiement", Scope::kRead).ok());
}

TEST_F(AccountServiceTest, RevokingTokens) {
  Result<CreatedToken> bobs = accounts_->CreateToken(&bob_, "", "b", Scope::kRead);
  Result<CreatedToken> alices = accounts_->CreateToken(&alice_, "", "a", Scope::kAdmin);
  ASSERT_TRUE(bobs.ok());
  ASSERT_TRUE(alices.ok());
  ExpectCode(accounts_->RevokeToken(&bob_, alices->record.id), ErrorCode::kPermissionDenied);
  ExpectCode(accounts_->RevokeToken(&olga_, bobs->record.id), ErrorCode::kPermissionDenied);
  ExpectCode(accounts_->RevokeToken(&bob_, "../../etc/passwd"), ErrorCode::kInvalidArgument);
  ExpectCode(accounts_->RevokeToken(&bob_, "0123456789ABCDEF"), ErrorCode::kInvalidArgument);
  ExpectCode(accounts_->RevokeToken(&bob_, "0123456789abcdef"), ErrorCode::kNotFound);
  // With a token, only that token itself.
  ExpectCode(accounts_->RevokeToken(&bob_token_, bobs->record.id), ErrorCode::kPermissionDenied);
  Principal bob_with_bobs{"bob", Scope::kRead, bobs->record.id};
  EXPECT_TRUE(accounts_->RevokeToken(&bob_with_bobs, bobs->record.id).ok());
  ExpectCode(accounts_->RevokeToken(&bob_, bobs->record.id), ErrorCode::kNotFound);
  EXPECT_TRUE(accounts_->RevokeToken(&alice_, alices->record.id).ok());
  Result<CreatedToken> again = accounts_->CreateToken(&bob_, "", "b2", Scope::kRead);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(accounts_->RevokeToken(nullptr, again->record.id).ok());
}

TEST_F(AccountServiceTest, OnlyAdminsListOthers) {
  ASSERT_TRUE(accounts_->CreateToken(&bob_, "", "b", Scope::kRead).ok());
  ASSERT_TRUE(accounts_->CreateToken(&alice_, "", "a", Scope::kAdmin).ok());
  ASSERT_TRUE(accounts_->CreateToken(&olga_, "", "o", Scope::kRead).ok());

  Result<std::vector<UserRecord>> all = accounts_->ListUsers(&alice_);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  EXPECT_EQ(accounts_->ListUsers(nullptr)->size(), 3u);
  Result<std::vector<UserRecord>> own = accounts_->ListUsers(&bob_token_);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ((*own)[0].name, "bob");

  EXPECT_EQ(accounts_->ListTokens(&alice_)->size(), 3u);
  Result<std::vector<TokenRecord>> bobs = accounts_->ListTokens(&bob_);
  ASSERT_TRUE(bobs.ok());
  ASSERT_EQ(bobs->size(), 1u);
  EXPECT_EQ((*bobs)[0].user, "bob");
  Result<std::vector<TokenRecord>> olgas = accounts_->ListTokens(&olga_);
  ASSERT_TRUE(olgas.ok());
  ASSERT_EQ(olgas->size(), 1u);
  EXPECT_EQ((*olgas)[0].user, "olga");

  Result<UserRecord> self = accounts_->GetUser(&bob_, "BOB");
  ASSERT_TRUE(self.ok());
  EXPECT_EQ(self->name, "bob");
  ExpectCode(accounts_->GetUser(&alice_, "nobody"), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace webjobs

namespace webjobs {
namespace {

// Forwards to a store, but lets ListUsers, where the last-admin check
// reads, wait up to 300 ms for a second caller, so that two removals
// overlap there whenever nothing keeps them apart.
class OverlappingStore final : public Store {
 public:
  explicit OverlappingStore(Store& store) : store_(store) {}

  Result<std::vector<UserRecord>> ListUsers() override {
    Result<std::vector<UserRecord>> users = store_.ListUsers();
    std::unique_lock lock(mutex_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait_for(lock, std::chrono::milliseconds(300), [&] { return waiting_ >= 2; });
    return users;
  }
  void Reset() {
    std::lock_guard lock(mutex_);
    waiting_ = 0;
  }

  Status PutRun(const RunRecord& run) override { return store_.PutRun(run); }
  Result<std::vector<RunRecord>> ListRuns(const std::string& job, size_t limit) override {
    return store_.ListRuns(job, limit);
  }
  Result<std::vector<RunRecord>> QueryRuns(const std::string& job, const RunFilter& filter,
                                           size_t limit) override {
    return store_.QueryRuns(job, filter, limit);
  }
  Result<std::optional<RunRecord>> GetRun(const std::string& job, const std::string& id) override {
    return store_.GetRun(job, id);
  }
  Result<std::vector<RunRecord>> ListRunsWithStatus(const std::string& status) override {
    return store_.ListRunsWithStatus(status);
  }
  Result<std::vector<std::string>> TrimRuns(const std::string& job, size_t keep) override {
    return store_.TrimRuns(job, keep);
  }
  Status DeleteJob(const std::string& job) override { return store_.DeleteJob(job); }
  Status SetJobState(const std::string& job, const std::string& key,
                     const std::string& value) override {
    return store_.SetJobState(job, key, value);
  }
  Result<std::optional<std::string>> GetJobState(const std::string& job,
                                                 const std::string& key) override {
    return store_.GetJobState(job, key);
  }
  Status ClearJobState(const std::string& job, const std::string& key) override {
    return store_.ClearJobState(job, key);
  }
  Status PutUser(const UserRecord& user) override { return store_.PutUser(user); }
  Result<bool> AddFirstUser(const UserRecord& user) override { return store_.AddFirstUser(user); }
  Result<std::optional<UserRecord>> GetUser(const std::string& name) override {
    return store_.GetUser(name);
  }
  Result<bool> DeleteUser(const std::string& name) override { return store_.DeleteUser(name); }
  Status PutToken(const TokenRecord& token) override { return store_.PutToken(token); }
  Result<uint64_t> CredentialsVersion() override { return store_.CredentialsVersion(); }
  Result<std::optional<TokenRecord>> GetToken(const std::string& id) override {
    return store_.GetToken(id);
  }
  Result<std::vector<TokenRecord>> ListTokens() override { return store_.ListTokens(); }
  Result<bool> DeleteToken(const std::string& id) override { return store_.DeleteToken(id); }
  Status AppendAudit(const AuditRecord& record) override { return store_.AppendAudit(record); }
  Result<std::vector<AuditRecord>> ListAudit(size_t limit,
                                             std::optional<int64_t> before_id) override {
    return store_.ListAudit(limit, before_id);
  }
  Status PutSession(const SessionRecord& session) override { return store_.PutSession(session); }
  Result<std::optional<SessionRecord>> GetSession(const std::string& id_hash) override {
    return store_.GetSession(id_hash);
  }
  Status TouchSession(const std::string& id_hash, TimePoint last_seen) override {
    return store_.TouchSession(id_hash, last_seen);
  }
  Result<bool> DeleteSession(const std::string& id_hash) override {
    return store_.DeleteSession(id_hash);
  }
  Result<std::vector<std::string>> TrimSessions(TimePoint seen_before, TimePoint created_before,
                                                size_t keep) override {
    return store_.TrimSessions(seen_before, created_before, keep);
  }

 private:
  Store& store_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
};

TEST_F(AccountServiceTest, MutualAdminRemovalKeepsOne) {
  OverlappingStore overlapping(*store_);
  AccountService accounts(overlapping, clock_, PasswordCost::kMinimal);
  ASSERT_TRUE(accounts_->SetUser(nullptr, "olga", std::nullopt, Scope::kAdmin).ok());
  overlapping.Reset();
  Principal olga_admin{"olga", Scope::kAdmin, ""};
  Status removed_olga = Status::Ok();
  Status removed_alice = Status::Ok();
  std::thread first([&] { removed_olga = accounts.RemoveUser(&alice_, "olga"); });
  std::thread second([&] { removed_alice = accounts.RemoveUser(&olga_admin, "alice"); });
  first.join();
  second.join();
  EXPECT_NE(removed_olga.ok(), removed_alice.ok());
  Result<std::vector<UserRecord>> users = store_->ListUsers();
  ASSERT_TRUE(users.ok());
  int admins = 0;
  for (const UserRecord& user : *users) admins += user.role == "admin" ? 1 : 0;
  EXPECT_EQ(admins, 1);
}

}  // namespace
}  // namespace webjobs
