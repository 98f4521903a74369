// Sign-in sessions of the web portal, kept in this process's memory.
//
// A session starts when a user signs in with its password. Its id (the
// value of the session cookie) and its CSRF token are 32 random bytes in
// hex each. The store keys sessions by the SHA-256 of the id, so the ids
// themselves are not kept. A session ends when it is removed (sign-out),
// when it has not been used for `idle_timeout`, when it is older than
// `lifetime`, when its user is removed, and when its user's password
// changes. Each use takes the user's current role as the session's scope,
// so a role change applies at once. A host restart ends every session.
// Thread-safe.
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
};

// A session as returned to its holder.
struct SessionGrant {
  std::string id;          // the cookie value; only Create returns it
  std::string csrf_token;  // sent back by the page in the X-CSRF-Token header
  Principal principal;
};

class SessionStore {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SessionStore(Store& store, SessionLimits limits = {});

  // Starts a session for `user`, which must have just proved its password.
  // kUnauthenticated when the user no longer exists, kIo when the store
  // fails.
  Result<SessionGrant> Create(const std::string& user, Clock::time_point now);

  // Returns the live session whose id is `id`, with an empty id field, and
  // counts the call as a use. Returns kUnauthenticated for an id that is
  // malformed, unknown or expired, or whose user was removed or changed its
  // password; the message never repeats the id. kIo when the store fails.
  Result<SessionGrant> Find(std::string_view id, Clock::time_point now);

  // Ends the session `id`. Returns false when there was none.
  bool Remove(std::string_view id);

  size_t size();

  const SessionLimits& limits() const { return limits_; }

 private:
  struct Entry {
    std::string user;
    Scope scope = Scope::kRead;
    std::string csrf_token;
    // The user's password hash when the session started; another hash
    // means the password changed.
    std::string password_hash;
    uint64_t credentials_version = 0;
    Clock::time_point created;
    Clock::time_point last_used;
  };

  bool Expired(const Entry& entry, Clock::time_point now) const;
  // Reloads the user of `entry` after the store's credentials changed.
  // Returns false when the session must end.
  Result<bool> Refresh(Entry& entry, uint64_t version);
  void RemoveOldestLocked();

  Store& store_;
  SessionLimits limits_;
  std::mutex mutex_;
  // SHA-256 hex of the session id -> session; guarded by mutex_.
  std::unordered_map<std::string, Entry> sessions_;
};

// Checks the CSRF token a request sent (`sent`, empty when the header is
// missing) against the session's, in constant time. kPermissionDenied
// names the header and never repeats either token.
Status CheckCsrfToken(std::string_view expected, std::string_view sent);

// The header that carries the CSRF token of a request made with a session
// cookie.
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

}  // namespace webjobs
