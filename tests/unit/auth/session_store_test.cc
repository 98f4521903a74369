#include "auth/session_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "auth/authenticator.h"
#include "auth/password_hash.h"
#include "auth_test_support.h"

namespace webjobs {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::AuthStoreTest;

constexpr const char* kAddress = "192.0.2.20";
constexpr const char* kAlicePassword = "alice password 1";

class SessionStoreTest : public AuthStoreTest {
 protected:
  void SetUp() override {
    AuthStoreTest::SetUp();
    AddUser("alice", kAlicePassword, "operate");
    AddUser("bob", "bob password 22", "read");
    limits_.idle_timeout = minutes(30);
    limits_.lifetime = minutes(120);
    limits_.max_sessions = 3;
    sessions_ = std::make_unique<SessionStore>(*store_, limits_);
  }

  // Starts over with an empty cache on the same store, as a host restart
  // does.
  void Restart() { sessions_ = std::make_unique<SessionStore>(*store_, limits_); }

  std::optional<SessionRecord> Stored(const std::string& id) {
    Result<std::optional<SessionRecord>> record = store_->GetSession(Sha256Hex(id));
    EXPECT_TRUE(record.ok()) << record.error().message;
    return record.ok() ? *record : std::nullopt;
  }

  SessionGrant Create(const std::string& user, SessionStore::Clock::time_point at) {
    Result<SessionGrant> grant = sessions_->Create(user, at);
    EXPECT_TRUE(grant.ok()) << grant.error().message;
    return grant.ok() ? *grant : SessionGrant{};
  }

  void ExpectEnded(const std::string& id, SessionStore::Clock::time_point at) {
    Result<SessionGrant> found = sessions_->Find(id, at);
    ASSERT_FALSE(found.ok());
    EXPECT_EQ(found.error().code, ErrorCode::kUnauthenticated);
    if (!id.empty()) {
      EXPECT_EQ(found.error().message.find(id), std::string::npos) << found.error().message;
    }
  }

  SessionLimits limits_;
  std::unique_ptr<SessionStore> sessions_;
  SessionStore::Clock::time_point start_{seconds(1'800'000'000)};
};

TEST_F(SessionStoreTest, CreateReturnsRandomIdAndToken) {
  SessionGrant first = Create("alice", start_);
  SessionGrant second = Create("alice", start_);
  EXPECT_EQ(first.id.size(), 64u);
  EXPECT_EQ(first.csrf_token.size(), 64u);
  EXPECT_NE(first.id, second.id);
  EXPECT_NE(first.csrf_token, second.csrf_token);
  EXPECT_NE(first.id, first.csrf_token);
  EXPECT_EQ(first.principal.user, "alice");
  EXPECT_EQ(first.principal.scope, Scope::kOperate);
  EXPECT_FALSE(first.principal.via_token());
}

TEST_F(SessionStoreTest, FindReturnsSessionWithoutId) {
  SessionGrant grant = Create("alice", start_);
  Result<SessionGrant> found = sessions_->Find(grant.id, start_ + minutes(1));
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_TRUE(found->id.empty());
  EXPECT_EQ(found->csrf_token, grant.csrf_token);
  EXPECT_EQ(found->principal.user, "alice");
  EXPECT_EQ(found->principal.scope, Scope::kOperate);
}

TEST_F(SessionStoreTest, CreateRejectsUnknownUser) {
  Result<SessionGrant> grant = sessions_->Create("nobody", start_);
  ASSERT_FALSE(grant.ok());
  EXPECT_EQ(grant.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(SessionStoreTest, FindRejectsUnknownAndMalformedIds) {
  Create("alice", start_);
  ExpectEnded(std::string(64, 'a'), start_);
  ExpectEnded("", start_);
  ExpectEnded("short", start_);
  ExpectEnded(std::string(64, 'G'), start_);
  ExpectEnded(std::string(65, 'a'), start_);
}

TEST_F(SessionStoreTest, IdleSessionExpires) {
  SessionGrant grant = Create("alice", start_);
  // Each use restarts the idle timeout.
  ASSERT_TRUE(sessions_->Find(grant.id, start_ + minutes(29)).ok());
  ASSERT_TRUE(sessions_->Find(grant.id, start_ + minutes(58)).ok());
  ExpectEnded(grant.id, start_ + minutes(88));
  // An expired session stays ended.
  ExpectEnded(grant.id, start_ + minutes(89));
  EXPECT_EQ(sessions_->cached(), 0u);
  EXPECT_FALSE(Stored(grant.id).has_value()) << "the expired session is still stored";
}

TEST_F(SessionStoreTest, SessionEndsAfterLifetimeEvenWhenUsed) {
  SessionGrant grant = Create("alice", start_);
  for (int minute = 20; minute < 120; minute += 20) {
    ASSERT_TRUE(sessions_->Find(grant.id, start_ + minutes(minute)).ok()) << minute;
  }
  ExpectEnded(grant.id, start_ + minutes(120));
}

TEST_F(SessionStoreTest, RemoveEndsSession) {
  SessionGrant grant = Create("alice", start_);
  Result<bool> removed = sessions_->Remove(grant.id);
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_TRUE(*removed);
  removed = sessions_->Remove(grant.id);
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_FALSE(*removed);
  ExpectEnded(grant.id, start_);
  EXPECT_FALSE(Stored(grant.id).has_value());
}

TEST_F(SessionStoreTest, RemovedUserEndsSession) {
  SessionGrant grant = Create("bob", start_);
  ASSERT_TRUE(store_->DeleteUser("bob").ok());
  ExpectEnded(grant.id, start_ + seconds(1));
}

TEST_F(SessionStoreTest, PasswordChangeEndsSession) {
  SessionGrant grant = Create("bob", start_);
  SessionGrant other = Create("alice", start_);
  SetPassword("bob", "a new password 33");
  ExpectEnded(grant.id, start_ + seconds(1));
  // Sessions of other users go on.
  EXPECT_TRUE(sessions_->Find(other.id, start_ + seconds(1)).ok());
}

TEST_F(SessionStoreTest, RoleChangeAppliesAtOnce) {
  SessionGrant grant = Create("alice", start_);
  SetRole("alice", "read");
  Result<SessionGrant> found = sessions_->Find(grant.id, start_ + seconds(1));
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->principal.scope, Scope::kRead);
  SetRole("alice", "admin");
  found = sessions_->Find(grant.id, start_ + seconds(2));
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->principal.scope, Scope::kAdmin);
}

TEST_F(SessionStoreTest, FullStoreEndsLeastRecentlyUsed) {
  // Minutes apart, so that each use is written to the store.
  SessionGrant oldest = Create("alice", start_);
  SessionGrant middle = Create("alice", start_ + minutes(1));
  SessionGrant newest = Create("alice", start_ + minutes(2));
  // A use makes the first session the most recent one.
  ASSERT_TRUE(sessions_->Find(oldest.id, start_ + minutes(3)).ok());
  SessionGrant extra = Create("alice", start_ + minutes(4));
  EXPECT_EQ(sessions_->cached(), 3u);
  EXPECT_FALSE(Stored(middle.id).has_value());
  ExpectEnded(middle.id, start_ + minutes(5));
  EXPECT_TRUE(sessions_->Find(oldest.id, start_ + minutes(5)).ok());
  EXPECT_TRUE(sessions_->Find(newest.id, start_ + minutes(5)).ok());
  EXPECT_TRUE(sessions_->Find(extra.id, start_ + minutes(5)).ok());
}

TEST_F(SessionStoreTest, SessionSurvivesRestart) {
  SessionGrant grant = Create("alice", start_);
  Restart();
  Result<SessionGrant> found = sessions_->Find(grant.id, start_ + minutes(1));
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->csrf_token, grant.csrf_token);
  EXPECT_EQ(found->principal.user, "alice");
  EXPECT_EQ(found->principal.scope, Scope::kOperate);
}

TEST_F(SessionStoreTest, SessionSurvivesReopeningStoreFile) {
  SessionGrant grant = Create("alice", start_);
  sessions_.reset();
  store_.reset();
  Result<std::unique_ptr<SqliteStore>> reopened = SqliteStore::Open(dir_.path() / "webjobs.db");
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  store_ = std::move(reopened).value();
  Restart();
  EXPECT_TRUE(sessions_->Find(grant.id, start_ + minutes(1)).ok());
}

TEST_F(SessionStoreTest, StoreKeepsHashNotId) {
  SessionGrant grant = Create("alice", start_);
  std::optional<SessionRecord> record = Stored(grant.id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->id_hash, Sha256Hex(grant.id));
  EXPECT_EQ(record->user, "alice");
  EXPECT_EQ(record->csrf_token, grant.csrf_token);
  EXPECT_EQ(record->created, start_);
  EXPECT_EQ(record->last_seen, start_);

  sessions_.reset();
  store_.reset();
  for (const char* file : {"webjobs.db", "webjobs.db-wal"}) {
    std::ifstream in(dir_.path() / file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(grant.id), std::string::npos) << file << " contains the session id";
  }
}

TEST_F(SessionStoreTest, LastSeenWrittenOncePerInterval) {
  SessionGrant grant = Create("alice", start_);
  ASSERT_TRUE(sessions_->Find(grant.id, start_ + seconds(20)).ok());
  ASSERT_TRUE(sessions_->Find(grant.id, start_ + seconds(59)).ok());
  ASSERT_TRUE(Stored(grant.id).has_value());
  EXPECT_EQ(Stored(grant.id)->last_seen, start_);

  ASSERT_TRUE(sessions_->Find(grant.id, start_ + seconds(60)).ok());
  EXPECT_EQ(Stored(grant.id)->last_seen, start_ + seconds(60));
  ASSERT_TRUE(sessions_->Find(grant.id, start_ + seconds(100)).ok());
  EXPECT_EQ(Stored(grant.id)->last_seen, start_ + seconds(60));
}

TEST_F(SessionStoreTest, IdleTimeAfterRestartCountsFromLastWrite) {
  SessionGrant grant = Create("alice", start_);
  ASSERT_TRUE(sessions_->Find(grant.id, start_ + seconds(30)).ok());
  Restart();
  // The use at 30 s was not written, so the session is idle since its start.
  ExpectEnded(grant.id, start_ + minutes(30));
}

TEST_F(SessionStoreTest, LifetimeHoldsAcrossRestart) {
  SessionGrant grant = Create("alice", start_);
  for (int minute = 20; minute < 120; minute += 20) {
    Restart();
    ASSERT_TRUE(sessions_->Find(grant.id, start_ + minutes(minute)).ok()) << minute;
  }
  Restart();
  ExpectEnded(grant.id, start_ + minutes(120));
  EXPECT_FALSE(Stored(grant.id).has_value());
}

TEST_F(SessionStoreTest, SignInDeletesExpiredSessions) {
  SessionGrant idle = Create("alice", start_);
  SessionGrant used = Create("bob", start_);
  ASSERT_TRUE(sessions_->Find(used.id, start_ + minutes(20)).ok());
  // 32 minutes: past the idle timeout of `idle` and past the write
  // interval that its stored last use may lag.
  Create("alice", start_ + minutes(32));
  EXPECT_FALSE(Stored(idle.id).has_value());
  EXPECT_TRUE(Stored(used.id).has_value());
}

TEST_F(SessionStoreTest, SignOutHoldsAcrossRestart) {
  SessionGrant grant = Create("alice", start_);
  ASSERT_TRUE(sessions_->Remove(grant.id).ok());
  Restart();
  ExpectEnded(grant.id, start_ + seconds(1));
}

TEST_F(SessionStoreTest, PasswordChangeEndsStoredSession) {
  SessionGrant grant = Create("bob", start_);
  SetPassword("bob", "a new password 33");
  Restart();
  ExpectEnded(grant.id, start_ + seconds(1));
}

TEST_F(SessionStoreTest, RemovedUserEndsStoredSession) {
  SessionGrant grant = Create("bob", start_);
  ASSERT_TRUE(store_->DeleteUser("bob").ok());
  Restart();
  ExpectEnded(grant.id, start_ + seconds(1));
}

TEST_F(SessionStoreTest, RoleChangeAppliesAfterRestart) {
  SessionGrant grant = Create("alice", start_);
  SetRole("alice", "admin");
  Restart();
  Result<SessionGrant> found = sessions_->Find(grant.id, start_ + seconds(1));
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->principal.scope, Scope::kAdmin);
}

TEST(CsrfTokenTest, AcceptsEqualToken) { EXPECT_TRUE(CheckCsrfToken("0123abcd", "0123abcd").ok()); }

TEST(CsrfTokenTest, RejectsMissingToken) {
  Status checked = CheckCsrfToken("0123abcd", "");
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(checked.error().message.find("missing X-CSRF-Token"), std::string::npos);
}

TEST(CsrfTokenTest, RejectsWrongTokenWithoutEchoingIt) {
  for (const char* sent : {"0123abce", "0123abc", "0123abcd0", "0123ABCD"}) {
    Status checked = CheckCsrfToken("0123abcd", sent);
    ASSERT_FALSE(checked.ok()) << sent;
    EXPECT_EQ(checked.error().code, ErrorCode::kPermissionDenied) << sent;
    EXPECT_EQ(checked.error().message.find(sent), std::string::npos) << checked.error().message;
    EXPECT_EQ(checked.error().message.find("0123abcd"), std::string::npos);
  }
}

TEST(CsrfTokenTest, EmptyExpectedTokenMatchesNothing) {
  EXPECT_FALSE(CheckCsrfToken("", "x").ok());
  EXPECT_FALSE(CheckCsrfToken("", "").ok());
}

class SessionSignInTest : public AuthStoreTest {
 protected:
  void SetUp() override {
    AuthStoreTest::SetUp();
    AddUser("alice", kAlicePassword, "admin");
    authenticator_ = std::make_unique<Authenticator>(*store_);
  }
  std::unique_ptr<Authenticator> authenticator_;
};

TEST_F(SessionSignInTest, SignInStartsSession) {
  Result<SessionGrant> grant = authenticator_->SignIn("alice", kAlicePassword, kAddress);
  ASSERT_TRUE(grant.ok()) << grant.error().message;
  EXPECT_EQ(grant->principal.scope, Scope::kAdmin);
  Result<SessionGrant> session =
      authenticator_->AuthenticateSession(grant->id, std::nullopt, kAddress);
  ASSERT_TRUE(session.ok()) << session.error().message;
  EXPECT_EQ(session->principal.user, "alice");
}

TEST_F(SessionSignInTest, WrongPasswordStartsNoSession) {
  Result<SessionGrant> grant = authenticator_->SignIn("alice", "wrong password 1", kAddress);
  ASSERT_FALSE(grant.ok());
  EXPECT_EQ(grant.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(authenticator_->sessions().cached(), 0u);
  Result<SessionGrant> unknown = authenticator_->SignIn("nobody", kAlicePassword, kAddress);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, grant.error().message);
}

TEST_F(SessionSignInTest, EmptyFormIsRejected) {
  EXPECT_FALSE(authenticator_->SignIn("", kAlicePassword, kAddress).ok());
  EXPECT_FALSE(authenticator_->SignIn("alice", "", kAddress).ok());
}

TEST_F(SessionSignInTest, ChangeNeedsCsrfToken) {
  Result<SessionGrant> grant = authenticator_->SignIn("alice", kAlicePassword, kAddress);
  ASSERT_TRUE(grant.ok()) << grant.error().message;
  Result<SessionGrant> missing = authenticator_->AuthenticateSession(grant->id, "", kAddress);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kPermissionDenied);
  Result<SessionGrant> wrong =
      authenticator_->AuthenticateSession(grant->id, std::string(64, '0'), kAddress);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);
  Result<SessionGrant> right =
      authenticator_->AuthenticateSession(grant->id, grant->csrf_token, kAddress);
  EXPECT_TRUE(right.ok());
}

TEST_F(SessionSignInTest, SessionFailuresDoNotThrottleSignIn) {
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(
        authenticator_->AuthenticateSession(std::string(64, 'b'), std::nullopt, kAddress).ok());
  }
  EXPECT_EQ(authenticator_->RetryAfterSeconds(kAddress), 0);
  EXPECT_TRUE(authenticator_->SignIn("alice", kAlicePassword, kAddress).ok());
}

}  // namespace
}  // namespace webjobs
