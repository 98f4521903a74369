// A position in a log that a reader can resume from, and its text form,
// which the API sends as the `id:` of each server-sent event.
//
// A run's output_log.txt is one file that only grows, so a byte offset
// names a position in it. A continuous job's job_log.txt is rotated by
// renaming (see job_log_writer.h), so its positions also name the file:
// a key made of the file's device, inode and birth time, which stays the
// same when the file is renamed to job_prev_log.txt and so on.
//
// Text forms: "OFFSET" (decimal; file key 0, the one file of a log that
// is not rotated, or the current file of a rotated log) and
// "KEY-OFFSET" (KEY as exactly 16 lower- or upper-case hex digits).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace webjobs {

struct LogPosition {
  uint64_t file_key = 0;  // 0: not named (see above)
  uint64_t offset = 0;    // bytes from the start of that file

  bool operator==(const LogPosition&) const = default;
};

// Formats `position` as "OFFSET" when its file key is 0, else "KEY-OFFSET".
std::string FormatLogPosition(const LogPosition& position);

// Parses the text forms above. Surrounding spaces and tabs are ignored.
// Returns nullopt for anything else: an empty text, a sign, other
// characters, a key of another length, an offset over 2^64 - 1.
std::optional<LogPosition> ParseLogPosition(std::string_view text);

// Returns the key of the open file `fd` (device, inode and birth time
// mixed into 64 bits, never 0), or 0 when statx fails. The birth time is
// left out where the file system does not record it.
// NOTE: without a birth time, a new job_log.txt that reuses the inode of
// a deleted generation gets that generation's key, and a client resuming
// from the deleted file would continue in the new one at the old offset.
uint64_t LogFileKey(int fd);

}  // namespace webjobs
