// Sign-in sessions of the web portal, kept in the store so that they
// survive a host restart.
//
// A session starts when a user signs in with its password. Its id (the
// value of the session cookie) and its CSRF token are 32 random bytes in
// hex each. Sessions are keyed by the SHA-256 of the id, in memory and in
// the store, so the ids themselves are not kept. A session ends when it is
// removed (sign-out), when it has not been used for `idle_timeout`, when it
// is older than `lifetime`, when its user is removed, and when its user's
// password changes. Each use takes the user's current role as the
// session's scope, so a role change applies at once.
//
// Sessions in use are cached in memory, so a request reads the store only
// for the credentials version, and writes the last use at most once per
// `last_seen_interval`. After a restart the idle time counts from the last
// use written, which may be up to that interval early. Times are wall
// clock times, because they outlive the process. Expired sessions are
// deleted from the store when they are next used and at each sign-in.
//
// Thread-safe: one call at a time, including its store calls.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/principal.h"
#include "core/result.h"
#include "store/store.h"

namespace webjobs {

struct SessionLimits {
  std::chrono::seconds idle_timeout{60 * 60};
  std::chrono::seconds lifetime{12 * 60 * 60};
  // Sessions kept at most; creating one more ends the one used least recently.
  size_t max_sessions = 10000;
  // How often the store records that a session is still in use.
  std::chrono::seconds last_seen_interval{60};
};

// A session as returned to its holder.
struct SessionGrant {
  std::string id;          // the cookie value; only Create returns it
  std::string csrf_token;  // sent back by the page in the X-CSRF-Token header
  Principal principal;
};

class SessionStore {
 public:
  using Clock = std::chrono::system_clock;

  explicit SessionStore(Store& store, SessionLimits limits = {});

  // Starts a session for `user`, which must have just proved its password,
  // after deleting the expired sessions from the store. kUnauthenticated
  // when the user no longer exists, kIo when the store fails.
  Result<SessionGrant> Create(const std::string& user, Clock::time_point now);

  // Returns the live session whose id is `id`, with an empty id field, and
  // counts the call as a use. Returns kUnauthenticated for an id that is
  // malformed, unknown or expired, or whose user was removed or changed its
  // password; the message never repeats the id. kIo when the store fails.
  // A failure to record the use is logged and does not fail the call.
  Result<SessionGrant> Find(std::string_view id, Clock::time_point now);

  // Ends the session `id`. Returns false when there was none, kIo when the
  // store fails.
  Result<bool> Remove(std::string_view id);

  // Sessions cached in memory.
  size_t cached();

  const SessionLimits& limits() const { return limits_; }

 private:
  struct Entry {
    std::string user;
    Scope scope = Scope::kRead;
    std::string csrf_token;
    // The store's CredentialsVersion() when `scope` was read.
    uint64_t credentials_version = 0;
    Clock::time_point created;
    Clock::time_point last_used;
    Clock::time_point last_written;  // the last use recorded in the store
  };
  using Sessions = std::unordered_map<std::string, Entry>;

  bool Expired(const Entry& entry, Clock::time_point now) const;
  // Reads the user's role as a scope. Returns nullopt when the user does
  // not exist, and an error when the store fails or contains an unknown
  // role.
  Result<std::optional<Scope>> ReadRole(const std::string& user);
  // Reads the session `key` from the store; nullopt when it has ended.
  Result<std::optional<Entry>> LoadLocked(const std::string& key, uint64_t version);
  // Rereads the session and its user after the store's credentials
  // changed. Returns false when the session must end.
  Result<bool> RefreshLocked(const std::string& key, Entry& entry, uint64_t version);
  // Ends a session that expired or whose user changed, in memory and in the
  // store.
  void EndLocked(Sessions::iterator session, std::string_view reason);
  void CacheLocked(const std::string& key, Entry entry);

  Store& store_;
  SessionLimits limits_;
  // Held for a whole call, store calls included, so that a session ended
  // by one call is never cached again by another.
  std::mutex mutex_;
  // SHA-256 hex of the session id -> session; guarded by mutex_. At most
  // limits_.max_sessions entries: a full cache drops the entry used least
  // recently, which stays in the store.
  Sessions sessions_;
};

// Checks the CSRF token a request sent (`sent`, empty when the header is
// missing) against the session's, in constant time. kPermissionDenied
// names the header and never repeats either token.
Status CheckCsrfToken(std::string_view expected, std::string_view sent);

// The header that carries the CSRF token of a request made with a session
// cookie.
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

}  // namespace webjobs
