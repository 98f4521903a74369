#include "auth/session_store.h"

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

Result<SessionGrant> SessionStore::Create(const std::string& user, Clock::time_point now) {
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

  SessionGrant grant{RandomHex(kSessionIdBytes), RandomHex(kCsrfTokenBytes),
                     Principal{(*record)->name, *role, ""}};
  Entry entry{
      grant.principal.user, *role, grant.csrf_token, (*record)->password_hash, *version, now, now};
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= limits_.max_sessions) RemoveOldestLocked();
  sessions_[Sha256Hex(grant.id)] = std::move(entry);
  return grant;
}

Result<SessionGrant> SessionStore::Find(std::string_view id, Clock::time_point now) {
  if (id.size() != 2 * kSessionIdBytes || !IsLowerHex(id)) return NoSession("cookie is malformed");
  // The version is read before the session, so a change that lands in
  // between leaves the entry with an outdated version and a later use
  // reloads it.
  Result<uint64_t> version = store_.CredentialsVersion();
  if (!version.ok()) return version.error();
  std::string key = Sha256Hex(id);

  Entry entry;
  {
    std::lock_guard lock(mutex_);
    auto found = sessions_.find(key);
    if (found == sessions_.end()) return NoSession("is unknown or has ended");
    if (Expired(found->second, now)) {
      sessions_.erase(found);
      return NoSession("has expired");
    }
    found->second.last_used = now;
    entry = found->second;
  }

  if (entry.credentials_version != *version) {
    Result<bool> current = Refresh(entry, *version);
    if (!current.ok()) return current.error();
    std::lock_guard lock(mutex_);
    auto found = sessions_.find(key);
    if (!*current) {
      if (found != sessions_.end()) sessions_.erase(found);
      return NoSession("ended because its user was removed or changed its password");
    }
    if (found != sessions_.end()) {
      found->second.scope = entry.scope;
      found->second.credentials_version = entry.credentials_version;
    }
  }
  return SessionGrant{"", entry.csrf_token, Principal{entry.user, entry.scope, ""}};
}

Result<bool> SessionStore::Refresh(Entry& entry, uint64_t version) {
  Result<std::optional<UserRecord>> record = store_.GetUser(entry.user);
  if (!record.ok()) return record.error();
  if (!record->has_value()) return false;
  if (!ConstantTimeEquals((*record)->password_hash, entry.password_hash)) return false;
  Result<Scope> role = ParseScope((*record)->role);
  if (!role.ok()) {
    return InternalError("user " + Quote(entry.user) + " has an unknown role " +
                         Quote((*record)->role) + " in the store");
  }
  entry.scope = *role;
  entry.credentials_version = version;
  return true;
}

bool SessionStore::Remove(std::string_view id) {
  std::string key = Sha256Hex(id);
  std::lock_guard lock(mutex_);
  return sessions_.erase(key) > 0;
}

size_t SessionStore::size() {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

bool SessionStore::Expired(const Entry& entry, Clock::time_point now) const {
  return now - entry.last_used >= limits_.idle_timeout || now - entry.created >= limits_.lifetime;
}

void SessionStore::RemoveOldestLocked() {
  auto oldest = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (oldest == sessions_.end() || it->second.last_used < oldest->second.last_used) oldest = it;
  }
  if (oldest != sessions_.end()) sessions_.erase(oldest);
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
