#include "process/log_position.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <charconv>
#include <cstdio>

namespace webjobs {
namespace {

constexpr size_t kKeyDigits = 16;

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool IsDecimal(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<uint64_t> ParseNumber(std::string_view text, int base) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Mixes `value` into `hash` (the finalizer of splitmix64 after an add).
uint64_t Mix(uint64_t hash, uint64_t value) {
  uint64_t z = hash + value + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

std::string FormatLogPosition(const LogPosition& position) {
  if (position.file_key == 0) return std::to_string(position.offset);
  char key[kKeyDigits + 1];
  std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(position.file_key));
  return std::string(key) + "-" + std::to_string(position.offset);
}

std::optional<LogPosition> ParseLogPosition(std::string_view text) {
  text = TrimBlanks(text);
  size_t dash = text.find('-');
  std::string_view offset_text = dash == std::string_view::npos ? text : text.substr(dash + 1);
  if (!IsDecimal(offset_text)) return std::nullopt;
  std::optional<uint64_t> offset = ParseNumber(offset_text, 10);
  if (!offset) return std::nullopt;
  if (dash == std::string_view::npos) return LogPosition{0, *offset};

  std::string_view key_text = text.substr(0, dash);
  if (key_text.size() != kKeyDigits) return std::nullopt;
  for (char c : key_text) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return std::nullopt;
  }
  std::optional<uint64_t> key = ParseNumber(key_text, 16);
  if (!key) return std::nullopt;
  return LogPosition{*key, *offset};
}

uint64_t LogFileKey(int fd) {
  struct statx info {};
  if (statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_BTIME, &info) != 0) return 0;
  uint64_t key = Mix(0, (static_cast<uint64_t>(info.stx_dev_major) << 32) | info.stx_dev_minor);
  key = Mix(key, info.stx_ino);
  if ((info.stx_mask & STATX_BTIME) != 0) {
    key = Mix(key, static_cast<uint64_t>(info.stx_btime.tv_sec));
    key = Mix(key, info.stx_btime.tv_nsec);
  }
  return key == 0 ? 1 : key;
}

}  // namespace webjobs
