// The entry point of every job that schedule_lateness_bench deploys. The host runs
// it as a native executable on a schedule, and the bench's bare timer loop
// spawns the same file, so both pay the same process start cost.
//
// It reads CLOCK_REALTIME first, then appends one ProbeRecord (the start
// time, the slot from the environment, the job's number) to the file named
// by SCHEDULE_PROBE_FILE and exits. It uses only the C library, and CMake
// links it statically where it can, so a start is an execve without the
// dynamic loader.
//
// Exit codes: 0 written, 2 SCHEDULE_PROBE_FILE unset, 1 open or write failed.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "probe_record.h"

namespace {

using webjobs::bench::ProbeRecord;
using webjobs::bench::SlotSource;

// Parses "YYYY-MM-DDTHH:MM:SSZ" into ns since the epoch. Returns false on
// any other text.
bool ParseUtcSeconds(const char* text, int64_t* slot_ns) {
  tm fields{};
  int consumed = 0;
  int matched =
      std::sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &fields.tm_year, &fields.tm_mon,
                  &fields.tm_mday, &fields.tm_hour, &fields.tm_min, &fields.tm_sec, &consumed);
  if (matched != 6 || consumed != 20 || text[consumed] != '\0') return false;
  fields.tm_year -= 1900;
  fields.tm_mon -= 1;
  time_t seconds = timegm(&fields);
  if (seconds == static_cast<time_t>(-1)) return false;
  *slot_ns = static_cast<int64_t>(seconds) * 1000000000;
  return true;
}

// Parses a decimal integer that fills the whole text.
bool ParseNanoseconds(const char* text, int64_t* slot_ns) {
  char* end = nullptr;
  errno = 0;
  long long value = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value <= 0) return false;
  *slot_ns = value;
  return true;
}

void ReadSlot(ProbeRecord& record) {
  const char* bare_slot = std::getenv(webjobs::bench::kProbeSlotVariable);
  const char* scheduled = std::getenv(webjobs::bench::kScheduledTimeVariable);
  SlotSource source = SlotSource::kNone;
  if (bare_slot != nullptr) {
    source = ParseNanoseconds(bare_slot, &record.slot_ns) ? SlotSource::kProbeSlot
                                                          : SlotSource::kInvalid;
  } else if (scheduled != nullptr) {
    source = ParseUtcSeconds(scheduled, &record.slot_ns) ? SlotSource::kScheduledTime
                                                         : SlotSource::kInvalid;
  }
  if (source == SlotSource::kInvalid) record.slot_ns = 0;
  record.slot_source = static_cast<uint16_t>(source);
}

// Returns the number after the last '-' of WEBJOBS_NAME ("fire-00042" is 42).
uint32_t ReadJobIndex() {
  const char* name = std::getenv("WEBJOBS_NAME");
  if (name == nullptr) return webjobs::bench::kNoJobIndex;
  const char* dash = std::strrchr(name, '-');
  const char* digits = dash != nullptr ? dash + 1 : name;
  char* end = nullptr;
  unsigned long value = std::strtoul(digits, &end, 10);
  if (end == digits || *end != '\0' || value >= webjobs::bench::kNoJobIndex) {
    return webjobs::bench::kNoJobIndex;
  }
  return static_cast<uint32_t>(value);
}

}  // namespace

int main() {
  timespec start{};
  clock_gettime(CLOCK_REALTIME, &start);

  ProbeRecord record;
  record.start_ns = static_cast<int64_t>(start.tv_sec) * 1000000000 + start.tv_nsec;
  ReadSlot(record);
  record.job_index = ReadJobIndex();

  const char* path = std::getenv(webjobs::bench::kProbeFileVariable);
  if (path == nullptr) {
    std::fprintf(stderr, "schedule_probe: %s is not set; set it to the record file\n",
                 webjobs::bench::kProbeFileVariable);
    return 2;
  }
  int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "schedule_probe: cannot open %s: %s\n", path, std::strerror(errno));
    return 1;
  }
  ssize_t written = write(fd, &record, sizeof record);
  int saved = errno;
  close(fd);
  if (written != static_cast<ssize_t>(sizeof record)) {
    std::fprintf(stderr, "schedule_probe: write to %s failed: %s\n", path,
                 written < 0 ? std::strerror(saved) : "short write");
    return 1;
  }
  return 0;
}
