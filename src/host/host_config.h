// Settings of one host process, from `webjobs serve` flags and the
// environment (Kudu's WEBJOBS_* app settings keep their names and units).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace webjobs {

// The highest --max-event-streams: each stream holds one HTTP thread.
inline constexpr uint64_t kMaxEventStreamsLimit = 10000;

struct HostConfig {
  // Data root in Kudu's layout: site/wwwroot/App_Data/jobs/{type}/{name}
  // for job files, data/jobs/{type}/{name} for logs, data/webjobs.db.
  std::filesystem::path root;
  std::string listen_address = "127.0.0.1";
  int listen_port = 8420;
  // PEM files of the API's TLS certificate chain and private key
  // (WEBJOBS_TLS_CERT and WEBJOBS_TLS_KEY, ours). Both empty serves plain
  // HTTP.
  std::filesystem::path tls_certificate_file;
  std::filesystem::path tls_key_file;
  // Allows plain HTTP on an address other than loopback.
  bool trusted_network = false;
  // Longest wait for more bytes of a request, and for a client to accept
  // more bytes of a response.
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  // Worker threads of the API (--http-threads); see ApiServerOptions.
  size_t http_threads = 512;
  // Short instance id shown in log lines and detailed_status; from
  // WEBSITE_INSTANCE_ID, else the host name (first 6 characters).
  std::string instance_id;
  std::string log_level = "info";
  // Extra or replaced script runners: extension (".rb") -> command ("ruby").
  std::map<std::string, std::string> extra_runners;
  // Upload limits.
  uint64_t max_upload_bytes = 256ull << 20;
  uint64_t max_unpacked_bytes = 1ull << 30;
  uint64_t max_zip_entries = 20000;
  uint64_t max_compression_ratio = 200;
  // Event streams (live output) served at once; more get 503.
  // --max-event-streams, else WEBJOBS_MAX_EVENT_STREAMS (ours).
  size_t max_event_streams = 100;
  // Kudu app settings (names in comments), read from the environment.
  std::chrono::seconds restart_delay{60};           // WEBJOBS_RESTART_TIME
  std::chrono::seconds restart_quick_exit{120};     // WEBJOBS_RESTART_QUICK_EXIT (ours)
  std::chrono::seconds idle_timeout{120};           // WEBJOBS_IDLE_TIMEOUT
  size_t history_size = 50;                         // WEBJOBS_HISTORY_SIZE
  bool webjobs_stopped = false;                     // WEBJOBS_STOPPED
  bool disable_schedule = false;                    // WEBJOBS_DISABLE_SCHEDULE
  std::string default_time_zone;                    // WEBSITE_TIME_ZONE, else the system zone
  uint64_t continuous_log_max_bytes = 10ull << 20;  // WEBJOBS_LOG_MAX_BYTES (ours)
  int continuous_log_files = 5;                     // WEBJOBS_LOG_FILES (ours)
  // Password of the first admin when the store has no user yet
  // (WEBJOBS_ADMIN_PASSWORD, ours). Never logged.
  std::optional<std::string> admin_password;
};

}  // namespace webjobs

namespace webjobs {

// Reads Kudu's app settings from the process environment into `config`
// (WEBJOBS_RESTART_TIME, WEBJOBS_IDLE_TIMEOUT, WEBJOBS_HISTORY_SIZE,
// WEBJOBS_STOPPED, WEBJOBS_DISABLE_SCHEDULE, WEBSITE_TIME_ZONE,
// WEBSITE_INSTANCE_ID and ours, WEBJOBS_TLS_CERT and WEBJOBS_TLS_KEY
// among them). WEBJOBS_ADMIN_PASSWORD is read and then removed from the
// environment. Values that do not parse fall back to the
// default as Kudu does, and each such fallback is logged with the value.
void ApplyEnvironment(HostConfig& config);

// Reads an on/off app setting such as WEBJOBS_DISABLE_SCHEDULE. Kudu turns
// it on for 1 or a case-insensitive "true" and leaves it off otherwise.
// Here white space around the value is ignored, 0 and "false" are off, and
// any other value returns nullopt: the caller keeps the setting off and
// logs the value, so a mistyped "yes" is not silently ignored.
std::optional<bool> ParseFlag(std::string_view text);

// Returns the default data root: $WEBJOBS_ROOT, else /var/lib/webjobs when
// running as root, else $HOME/.local/share/webjobs.
std::filesystem::path DefaultRoot();

}  // namespace webjobs
