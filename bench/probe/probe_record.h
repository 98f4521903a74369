// The record that schedule_probe appends for every start, and the
// environment variables it reads. Shared by the probe and by
// schedule_lateness_bench, which reads the records back.
#pragma once

#include <cstdint>

namespace webjobs::bench {

// Path of the file the probe appends its record to. The file must exist.
inline constexpr char kProbeFileVariable[] = "SCHEDULE_PROBE_FILE";
// Slot instant in nanoseconds since the epoch, set by the bench's bare
// timer loop for the processes it spawns.
inline constexpr char kProbeSlotVariable[] = "SCHEDULE_PROBE_SLOT_NS";
// Slot instant that the host passes to a scheduled run, as ISO 8601 UTC
// with whole seconds ("2026-12-04T21:05:00Z").
inline constexpr char kScheduledTimeVariable[] = "WEBJOBS_SCHEDULED_TIME";

inline constexpr uint16_t kProbeRecordMagic = 0x5350;  // "SP"
inline constexpr uint32_t kNoJobIndex = UINT32_MAX;

// Source of a record's slot_ns.
enum class SlotSource : uint16_t {
  kNone = 0,           // no slot variable: the reader derives the slot from start_ns
  kScheduledTime = 1,  // WEBJOBS_SCHEDULED_TIME
  kProbeSlot = 2,      // SCHEDULE_PROBE_SLOT_NS
  kInvalid = 3,        // a slot variable was set but could not be parsed
};

// One start of the probe, 24 bytes. Each probe appends it with a single
// write(2) on an O_APPEND descriptor, and Linux does not interleave two
// such writes to a regular file. 24 bytes is also below PIPE_BUF, so a
// pipe would keep the records whole too.
struct ProbeRecord {
  int64_t start_ns = 0;  // CLOCK_REALTIME at the top of main(), ns since the epoch
  int64_t slot_ns = 0;   // the slot instant, ns since the epoch; 0 with kNone or kInvalid
  uint32_t job_index = kNoJobIndex;  // the number at the end of WEBJOBS_NAME
  uint16_t slot_source = static_cast<uint16_t>(SlotSource::kNone);
  uint16_t magic = kProbeRecordMagic;
};

static_assert(sizeof(ProbeRecord) == 24, "ProbeRecord is written and read as 24 raw bytes");

}  // namespace webjobs::bench
