// Checks the credentials of a request against the store's users and API
// tokens and returns who made it.
//
// Passwords are argon2id hashes, so checking one takes about 0.1 s and
// 64 MiB. A password that matched is remembered (as a keyed digest of user,
// stored hash and password, never the password) until the user's hash
// changes, so a client that sends Basic credentials with every request pays
// that cost once. At most one check per CPU runs at a time, which bounds
// the memory guessing can take. A token that matched is remembered with
// the store's CredentialsVersion(), and used again only while that version
// is unchanged, so a revoked token, or one whose user was removed or got
// another role, is refused at once.
//
// Failed attempts are counted per client address (LoginThrottle) and
// logged as event=auth_failed with the address, the user name or token id
// and the reason, never the password or token.
//
// The web portal signs in with a password once and then sends a session
// cookie (SessionStore). A failed session check is logged as
// event=auth_failed too, never with the cookie, but it does not count
// against the address: a session id has 256 random bits and cannot be
// guessed, and a page left open after its session expired would otherwise
// delay its user's next sign-in.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/login_throttle.h"
#include "auth/principal.h"
#include "auth/session_store.h"
#include "core/result.h"
#include "store/store.h"

namespace webjobs {

class Authenticator {
 public:
  explicit Authenticator(Store& store, SessionLimits session_limits = {});

  // Authenticates a request with `authorization` (the header's value, empty
  // when the request has none) from `address`. Errors: kUnauthenticated
  // for missing or wrong credentials (the message tells which, but not
  // whether a user exists), kTooManyRequests while the address is
  // throttled (see RetryAfter), kIo when the store fails.
  Result<Principal> Authenticate(std::string_view authorization, const std::string& address);

  // Checks `user` and `password` from the portal's sign-in form like Basic
  // credentials (same errors, throttle and log) and starts a session.
  Result<SessionGrant> SignIn(const std::string& user, const std::string& password,
                              const std::string& address);

  // Authenticates a request that carries the session cookie `session_id`
  // and no Authorization header. `csrf_token` is the X-CSRF-Token header of
  // a request that may change something, and nullopt for GET and HEAD.
  // Returns the session with an empty id. Errors: kUnauthenticated for an
  // unknown or expired session, kPermissionDenied for a missing or wrong
  // CSRF token, kIo when the store fails.
  Result<SessionGrant> AuthenticateSession(std::string_view session_id,
                                           std::optional<std::string_view> csrf_token,
                                           const std::string& address);

  SessionStore& sessions() { return sessions_; }

  // Seconds `address` must wait before its next attempt; 0 when none.
  int RetryAfterSeconds(const std::string& address);

 private:
  // The outcome of a password check. A check that was not remembered
  // counts against the address in the throttle, whose failure count it
  // sets in `failures`.
  enum class Verification { kMatched, kWrong, kThrottled };

  Result<Principal> CheckPassword(const std::string& user, const std::string& password,
                                  const std::string& address, int& failures);
  Result<Principal> CheckToken(const std::string& id, const std::string& secret);
  // Returns the principal of a token checked before, while the store's
  // credentials have not changed since; nullopt otherwise.
  std::optional<Principal> FindCheckedToken(const std::string& id, const std::string& secret_hash,
                                            uint64_t version);
  Verification VerifyWithCache(const UserRecord& user, const std::string& password,
                               const std::string& address, int& failures);
  Error TooManyFailures(const std::string& address, int wait_seconds);
  // Logs a failed attempt and returns its error. The failure is recorded
  // in the throttle unless `counted` holds the count it already has.
  Error Fail(const std::string& address, std::string_view who, std::string_view reason,
             std::optional<int> counted = std::nullopt);

  Store& store_;
  LoginThrottle throttle_;
  SessionStore sessions_;
  std::counting_semaphore<256> verifications_;
  // A random key for the digests in verified_, so they are useless outside
  // this process.
  std::string cache_key_;
  std::mutex mutex_;
  // Digest -> when it was verified; guarded by mutex_.
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> verified_;

  // A token that matched, kept while the credentials version is unchanged.
  struct CheckedToken {
    std::string secret_hash;  // SHA-256 hex, as stored
    Principal principal;
    uint64_t version = 0;
  };
  // Token id -> its last successful check; guarded by mutex_.
  std::unordered_map<std::string, CheckedToken> checked_tokens_;
};

}  // namespace webjobs
