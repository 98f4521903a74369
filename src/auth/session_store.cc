#include "auth/session_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/password_hash.h"
#include "core/log.h"

namespace webjobs {
namespace {

constexpr size_t kSessionIdBytes = 32;
constexpr size_t kCsrfTokenBytes = 32;

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Error NoSession(std::string_view reason) {
  return Unauthenticated("portal session " + std::string(reason) + "; sign in again");
}

}  // namespace

SessionStore::SessionStore(Store& store, SessionLimits limits) : store_(store), limits_(limits) {}

Result<std::optional<Scope>> SessionStore::ReadRole(const std::string& user) {
  Result<std::optional<UserRecord>> record = store_.GetUser(user);
  if (!record.ok()) return record.error();
  if (!record->has_value()) return std::optional<Scope>();
  Result<Scope> role = ParseScope((*record)->role);
  if (!role.ok()) {
    return InternalError("user " + Quote(user) + " has an unknown role " + Quote((*record)->role) +
                         " in the store");
  }
  return std::optional<Scope>(*role);
}

Result<SessionGrant> SessionStore::Create(const std::string& user, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Result<uint64_t> version = store_.CredentialsVersion();
  if (!version.ok()) return version.error();
  Result<std::optional<UserRecord>> record = store_.GetUser(user);
  if (!record.ok()) return record.error();
  if (!record->has_value()) return Unauthenticated("user " + Quote(user) + " no longer exists");
  Result<Scope> role = ParseScope((*record)->role);
  if (!role.ok()) {
    return InternalError("user " + Quote(user) + " has an unknown role " + Quote((*record)->role) +
                         " in the store");
  }

  // The stored last use may lag the real one by up to last_seen_interval,
  // so only sessions idle for longer than both are surely expired.
  Result<std::vector<std::string>> trimmed =
      store_.TrimSessions(now - limits_.idle_timeout - limits_.last_seen_interval,
                          now - limits_.lifetime, std::max<size_t>(limits_.max_sessions, 1) - 1);
  if (!trimmed.ok()) return trimmed.error();
  for (const std::string& key : *trimmed) sessions_.erase(key);

  SessionGrant grant{RandomHex(kSessionIdBytes), RandomHex(kCsrfTokenBytes),
                     Principal{(*record)->name, *role, ""}};
  std::string key = Sha256Hex(grant.id);
  Status saved =
      store_.PutSession(SessionRecord{key, grant.principal.user, grant.csrf_token, now, now});
  if (!saved.ok()) return saved.error();
  CacheLocked(key, Entry{grant.principal.user, *role, grant.csrf_token, *version, now, now, now});
  return grant;
}

Result<SessionGrant> SessionStore::Find(std::string_view id, Clock::time_point now) {
  if (id.size() != 2 * kSessionIdBytes || !IsLowerHex(id)) return NoSession("cookie is malformed");
  std::string key = Sha256Hex(id);
  std::lock_guard lock(mutex_);
  Result<uint64_t> version = store_.CredentialsVersion();
  if (!version.ok()) return version.error();

  auto found = sessions_.find(key);
  if (found == sessions_.end()) {
    Result<std::optional<Entry>> loaded = LoadLocked(key, *version);
    if (!loaded.ok()) return loaded.error();
    if (!loaded->has_value()) return NoSession("is unknown or has ended");
    CacheLocked(key, std::move(**loaded));
    found = sessions_.find(key);
  }
  Entry& entry = found->second;
  if (Expired(entry, now)) {
    EndLocked(found, "expired");
    return NoSession("has expired");
  }
  if (entry.credentials_version != *version) {
    Result<bool> current = RefreshLocked(key, entry, *version);
    if (!current.ok()) return current.error();
    if (!*current) {
      EndLocked(found, "user_changed");
      return NoSession("ended because its user was removed or changed its password");
    }
  }

  entry.last_used = now;
  if (now - entry.last_written >= limits_.last_seen_interval) {
    // A failed write is retried one interval later, so a failing store
    // logs one line per session and interval.
    entry.last_written = now;
    if (Status touched = store_.TouchSession(key, now); !touched.ok()) {
      spdlog::warn("event=session_touch_failed user={} error={}", Quote(entry.user),
                   Quote(touched.error().message));
    }
  }
  return SessionGrant{"", entry.csrf_token, Principal{entry.user, entry.scope, ""}};
}

Result<std::optional<SessionStore::Entry>> SessionStore::LoadLocked(const std::string& key,
                                                                    uint64_t version) {
  Result<std::optional<SessionRecord>> record = store_.GetSession(key);
  if (!record.ok()) return record.error();
  if (!record->has_value()) return std::optional<Entry>();
  const SessionRecord& session = **record;
  // The store deletes the sessions of a removed user, so a missing user
  // means another process removed it in between.
  Result<std::optional<Scope>> role = ReadRole(session.user);
  if (!role.ok()) return role.error();
  if (!role->has_value()) {
    if (Result<bool> deleted = store_.DeleteSession(key); !deleted.ok()) {
      spdlog::warn("event=session_delete_failed user={} reason=user_removed error={}",
                   Quote(session.user), Quote(deleted.error().message));
    }
    return std::optional<Entry>();
  }
  return std::optional<Entry>(Entry{session.user, **role, session.csrf_token, version,
                                    session.created, session.last_seen, session.last_seen});
}

Result<bool> SessionStore::RefreshLocked(const std::string& key, Entry& entry, uint64_t version) {
  // The store deletes the sessions of a user that is removed or changes
  // its password, in this process or in another.
  Result<std::optional<SessionRecord>> record = store_.GetSession(key);
  if (!record.ok()) return record.error();
  if (!record->has_value()) return false;
  Result<std::optional<Scope>> role = ReadRole(entry.user);
  if (!role.ok()) return role.error();
  if (!role->has_value()) return false;
  entry.scope = **role;
  entry.credentials_version = version;
  return true;
}

void SessionStore::EndLocked(Sessions::iterator session, std::string_view reason) {
  std::string key = session->first;
  std::string user = session->second.user;
  sessions_.erase(session);
  Result<bool> deleted = store_.DeleteSession(key);
  if (!deleted.ok()) {
    // The row stays until a sign-in trims it, and the session is over
    // already, because the same rules end it again when it is read back.
    spdlog::warn("event=session_delete_failed user={} reason={} error={}", Quote(user), reason,
                 Quote(deleted.error().message));
  }
}

void SessionStore::CacheLocked(const std::string& key, Entry entry) {
  if (sessions_.size() >= limits_.max_sessions && !sessions_.contains(key)) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    if (oldest != sessions_.end()) sessions_.erase(oldest);
  }
  sessions_[key] = std::move(entry);
}

Result<bool> SessionStore::Remove(std::string_view id) {
  std::string key = Sha256Hex(id);
  std::lock_guard lock(mutex_);
  bool cached = sessions_.erase(key) > 0;
  Result<bool> stored = store_.DeleteSession(key);
  if (!stored.ok()) return stored.error();
  return cached || *stored;
}

size_t SessionStore::cached() {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

bool SessionStore::Expired(const Entry& entry, Clock::time_point now) const {
  return now - entry.last_used >= limits_.idle_timeout || now - entry.created >= limits_.lifetime;
}

Status CheckCsrfToken(std::string_view expected, std::string_view sent) {
  if (sent.empty()) {
    return PermissionDenied("missing " + std::string(kCsrfHeader) +
                            " header: a change made with the portal's session cookie must send "
                            "the session's CSRF token");
  }
  if (expected.empty() || !ConstantTimeEquals(expected, sent)) {
    return PermissionDenied("wrong " + std::string(kCsrfHeader) +
                            " header: reload the portal page to get the session's CSRF token");
  }
  return {};
}

}  // namespace webjobs
