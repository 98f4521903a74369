#include "host/host_config.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string>

#include "core/log.h"

namespace webjobs {

namespace {

const char* GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return (value != nullptr && *value != '\0') ? value : nullptr;
}

// Kudu reads these as Int32 and treats negative values as 0 and values
// that do not parse as missing.
template <typename Integer>
void ReadInteger(const char* name, Integer& target, Integer minimum) {
  const char* text = GetEnv(name);
  if (text == nullptr) return;
  long long parsed = 0;
  std::string_view view(text);
  auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), parsed);
  if (error != std::errc() || end != view.data() + view.size()) {
    spdlog::warn("event=setting_ignored setting={} value={} reason=\"not an integer\"", name,
                 Quote(text));
    return;
  }
  if (parsed < static_cast<long long>(minimum)) {
    spdlog::warn("event=setting_ignored setting={} value={} reason=\"below minimum {}\"", name,
                 Quote(text), static_cast<long long>(minimum));
    return;
  }
  target = static_cast<Integer>(parsed);
}

void ReadSeconds(const char* name, std::chrono::seconds& target) {
  long long seconds = target.count();
  ReadInteger<long long>(name, seconds, 0);
  target = std::chrono::seconds(seconds);
}

bool ReadFlag(const char* name) {
  const char* text = GetEnv(name);
  if (text == nullptr) return false;
  std::optional<bool> value = ParseFlag(text);
  if (!value) {
    spdlog::warn(
        "event=setting_ignored setting={} value={} reason=\"not 1, true, 0 or false; the "
        "setting stays off\"",
        name, Quote(text));
    return false;
  }
  return *value;
}

std::string HostNamePrefix() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "local";
  return std::string(name).substr(0, 6);
}

}  // namespace

std::optional<bool> ParseFlag(std::string_view text) {
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string_view::npos) return false;
  text = text.substr(start, text.find_last_not_of(" \t") - start + 1);
  std::string lower(text);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower == "1" || lower == "true") return true;
  if (lower == "0" || lower == "false") return false;
  return std::nullopt;
}

void ApplyEnvironment(HostConfig& config) {
  ReadSeconds("WEBJOBS_RESTART_TIME", config.restart_delay);
  ReadSeconds("WEBJOBS_RESTART_QUICK_EXIT", config.restart_quick_exit);
  ReadSeconds("WEBJOBS_IDLE_TIMEOUT", config.idle_timeout);
  // Kudu requires a positive history size and uses 50 otherwise.
  ReadInteger<size_t>("WEBJOBS_HISTORY_SIZE", config.history_size, 1);
  ReadInteger<uint64_t>("WEBJOBS_LOG_MAX_BYTES", config.continuous_log_max_bytes, 4096);
  ReadInteger<int>("WEBJOBS_LOG_FILES", config.continuous_log_files, 1);
  size_t max_event_streams = config.max_event_streams;
  ReadInteger<size_t>("WEBJOBS_MAX_EVENT_STREAMS", max_event_streams, 1);
  if (max_event_streams > kMaxEventStreamsLimit) {
    spdlog::warn("event=setting_ignored setting=WEBJOBS_MAX_EVENT_STREAMS value={} "
                 "reason=\"above maximum {}\"",
                 max_event_streams, kMaxEventStreamsLimit);
  } else {
    config.max_event_streams = max_event_streams;
  }
  config.webjobs_stopped = ReadFlag("WEBJOBS_STOPPED");
  config.disable_schedule = ReadFlag("WEBJOBS_DISABLE_SCHEDULE");
  if (config.webjobs_stopped) {
    spdlog::warn("event=webjobs_stopped setting=WEBJOBS_STOPPED effect=\"no job runs\"");
  }
  if (config.disable_schedule) {
    spdlog::warn(
        "event=schedules_disabled setting=WEBJOBS_DISABLE_SCHEDULE effect=\"no scheduled run "
        "starts; slots due meanwhile are not caught up later\"");
  }
  if (const char* zone = GetEnv("WEBSITE_TIME_ZONE")) config.default_time_zone = zone;
  if (const char* instance = GetEnv("WEBSITE_INSTANCE_ID")) {
    config.instance_id = std::string(instance).substr(0, 6);
  }
  if (config.instance_id.empty()) config.instance_id = HostNamePrefix();
  // Read once and removed, so the password does not stay in the host's
  // environment (jobs never inherit WEBJOBS_* variables anyway).
  if (const char* password = std::getenv("WEBJOBS_ADMIN_PASSWORD")) {
    config.admin_password = password;
    unsetenv("WEBJOBS_ADMIN_PASSWORD");
  }
  if (const char* certificate = GetEnv("WEBJOBS_TLS_CERT")) {
    config.tls_certificate_file = certificate;
  }
  if (const char* key = GetEnv("WEBJOBS_TLS_KEY")) config.tls_key_file = key;
}

std::filesystem::path DefaultRoot() {
  if (const char* root = GetEnv("WEBJOBS_ROOT")) return root;
  if (geteuid() == 0) return "/var/lib/webjobs";
  if (const char* home = GetEnv("HOME")) {
    return std::filesystem::path(home) / ".local" / "share" / "webjobs";
  }
  return std::filesystem::current_path() / "webjobs-data";
}

}  // namespace webjobs
