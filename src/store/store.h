// The store interface: durable run history and per-job state.
//
// The host keeps job files on disk in Kudu's layout; the store holds what
// Kudu keeps in status files and lock files: one record per triggered run
// and small key/value state per job (a continuous job's stopped flag, the
// last scheduled slot). SQLite implements it for one machine; a PostgreSQL
// implementation shares the same contract for several instances.
//
// Thread safety: every implementation is safe to call from any thread.
// Calls block on I/O, so the event loop calls them from worker threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace webjobs {

using TimePoint = std::chrono::system_clock::time_point;

// Status names as Kudu spells them.
namespace run_status {
inline constexpr const char* kInitializing = "Initializing";
inline constexpr const char* kRunning = "Running";
inline constexpr const char* kSuccess = "Success";
inline constexpr const char* kFailed = "Failed";
inline constexpr const char* kAborted = "Aborted";
inline constexpr const char* kStopped = "Stopped";
}  // namespace run_status

// One run of a triggered job.
struct RunRecord {
  std::string job_name;
  std::string run_id;   // 18 digits: UTC yyyyMMddHHmmssffff
  std::string status;   // a run_status name
  std::string trigger;  // "External - <user agent>" or "Schedule - <expression>"
  std::string arguments;
  std::string instance_id;  // the host instance that ran it
  TimePoint start_time{};
  std::optional<TimePoint> end_time;
  std::optional<int> exit_code;
  std::string error;       // why it failed, for example "killed by signal 9 (SIGKILL)"
  std::optional<int> pid;  // main process id while running

  bool operator==(const RunRecord&) const = default;
};

// A user of the REST API. Names are unique without regard to ASCII case.
struct UserRecord {
  std::string name;
  std::string password_hash;  // argon2id, libsodium's string form
  std::string role;           // the widest scope: "read", "operate" or "admin"
  TimePoint created{};
  TimePoint updated{};
};

// An API token. The secret itself is never stored, only its SHA-256.
struct TokenRecord {
  std::string id;     // 16 hex digits, shown in lists
  std::string user;   // the owner; removing the user removes its tokens
  std::string label;  // what the token is for, from its creator
  std::string scope;  // "read", "operate" or "admin"
  std::string secret_hash;
  TimePoint created{};
};

// A signed-in session of the web portal. The session id (the cookie value)
// is never stored, only its SHA-256, so reading the store does not let
// anyone use a session.
struct SessionRecord {
  std::string id_hash;     // SHA-256 hex of the session id
  std::string user;        // who signed in; removing the user removes its sessions
  std::string csrf_token;  // sent back by the pages in the X-CSRF-Token header
  TimePoint created{};
  TimePoint last_seen{};  // the last request, written at most once a minute

  bool operator==(const SessionRecord&) const = default;
};

// One change made through the API or the command line.
struct AuditRecord {
  int64_t id = 0;  // assigned by AppendAudit, increasing
  TimePoint time{};
  std::string actor;    // user name, with the token id when a token was used
  std::string address;  // client IP address, or "local" for the command line
  std::string action;   // what was done, such as "job.deploy" or "token.create"
  std::string target;   // what it was done to, such as "triggered/nightly"
  int status = 0;       // the HTTP status of the response
};

// Conditions of a history query. A member left empty does not filter.
struct RunFilter {
  // Only runs older than this run id. Run ids sort by start time, so this
  // is the cursor of the next page.
  std::optional<std::string> before_run_id;
  // Only runs whose status is one of these run_status names.
  std::vector<std::string> statuses;
  // Only runs whose start_time lies in [since, until], both ends included.
  std::optional<TimePoint> since;
  std::optional<TimePoint> until;

  bool empty() const { return !before_run_id && statuses.empty() && !since && !until; }
};

class Store {
 public:
  virtual ~Store() = default;

  // Inserts the run, or replaces the record with the same job and run id.
  virtual Status PutRun(const RunRecord& run) = 0;
  // PutRun for each run, in one transaction where the store has them, so a
  // burst of run starts costs one commit. Returns one status per run, in
  // order. The default calls PutRun for each.
  virtual std::vector<Status> PutRuns(const std::vector<RunRecord>& runs) {
    std::vector<Status> results;
    results.reserve(runs.size());
    for (const RunRecord& run : runs) results.push_back(PutRun(run));
    return results;
  }
  // Returns the job's runs, newest first, at most `limit` of them.
  virtual Result<std::vector<RunRecord>> ListRuns(const std::string& job_name, size_t limit) = 0;
  // Returns the job's runs that match `filter`, newest first, at most
  // `limit` of them.
  virtual Result<std::vector<RunRecord>> QueryRuns(const std::string& job_name,
                                                   const RunFilter& filter, size_t limit) = 0;
  // Returns the run, or nullopt when the job has no such run.
  virtual Result<std::optional<RunRecord>> GetRun(const std::string& job_name,
                                                  const std::string& run_id) = 0;
  // Returns every run, of any job, whose status is `status`.
  virtual Result<std::vector<RunRecord>> ListRunsWithStatus(const std::string& status) = 0;
  // Deletes all but the newest `keep` runs of the job and returns the run
  // ids deleted, so the caller can remove their output folders. A run still
  // Initializing or Running is never deleted, and it counts among the
  // newest `keep`.
  virtual Result<std::vector<std::string>> TrimRuns(const std::string& job_name, size_t keep) = 0;
  // Deletes every run and every state value of the job.
  virtual Status DeleteJob(const std::string& job_name) = 0;

  // Per-job key/value state. Get returns nullopt for a key never set.
  virtual Status SetJobState(const std::string& job_name, const std::string& key,
                             const std::string& value) = 0;
  virtual Result<std::optional<std::string>> GetJobState(const std::string& job_name,
                                                         const std::string& key) = 0;
  virtual Status ClearJobState(const std::string& job_name, const std::string& key) = 0;

  // Users. PutUser inserts the user or replaces the one with the same name,
  // and deletes the user's portal sessions when the password hash changes.
  // AddFirstUser inserts the user only when there is no user at all, in
  // one statement, and returns whether it did. DeleteUser also deletes the
  // user's tokens and sessions and returns whether the user existed.
  virtual Status PutUser(const UserRecord& user) = 0;
  virtual Result<bool> AddFirstUser(const UserRecord& user) = 0;
  virtual Result<std::optional<UserRecord>> GetUser(const std::string& name) = 0;
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  virtual Result<bool> DeleteUser(const std::string& name) = 0;

  // A number that differs after any change of users or tokens, so readers
  // can cache what they read until it changes. It covers changes made
  // through this object and, where the store can see them, by other
  // processes (`webjobs user --root` beside a running host). Equal numbers
  // may follow changes of other data.
  virtual Result<uint64_t> CredentialsVersion() = 0;

  // API tokens, by id. DeleteToken returns whether the token existed.
  virtual Status PutToken(const TokenRecord& token) = 0;
  virtual Result<std::optional<TokenRecord>> GetToken(const std::string& id) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  virtual Result<bool> DeleteToken(const std::string& id) = 0;

  // Portal sessions, keyed by SessionRecord::id_hash. Changes of sessions
  // through this object leave CredentialsVersion() as it is, so sign-ins do
  // not discard what readers cached. PutSession inserts the session or
  // replaces the one with the same key. TouchSession sets last_seen of the
  // session and succeeds when there is none. DeleteSession returns whether
  // the session existed. TrimSessions deletes the sessions last seen before
  // `seen_before` or created before `created_before`, then all but the
  // `keep` seen most recently, and returns the keys it deleted.
  virtual Status PutSession(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> GetSession(const std::string& id_hash) = 0;
  virtual Status TouchSession(const std::string& id_hash, TimePoint last_seen) = 0;
  virtual Result<bool> DeleteSession(const std::string& id_hash) = 0;
  virtual Result<std::vector<std::string>> TrimSessions(TimePoint seen_before,
                                                        TimePoint created_before, size_t keep) = 0;

  // The audit log. AppendAudit assigns the id and may drop the oldest
  // records beyond a retention limit. ListAudit returns the newest first,
  // at most `limit`, only those with an id below `before_id` when given.
  virtual Status AppendAudit(const AuditRecord& record) = 0;
  virtual Result<std::vector<AuditRecord>> ListAudit(size_t limit,
                                                     std::optional<int64_t> before_id) = 0;

  // One SetJobState call of a batch.
  struct JobStateEntry {
    std::string job_name;
    std::string key;
    std::string value;
  };
  // Sets every entry, in one transaction where the store has them, so a
  // batch costs one commit. Returns one status per entry, in order. The
  // default calls SetJobState for each entry.
  virtual std::vector<Status> SetJobStates(const std::vector<JobStateEntry>& entries) {
    std::vector<Status> results;
    results.reserve(entries.size());
    for (const JobStateEntry& entry : entries) {
      results.push_back(SetJobState(entry.job_name, entry.key, entry.value));
    }
    return results;
  }
};

}  // namespace webjobs
