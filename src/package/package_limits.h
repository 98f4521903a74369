// Limits against uploads that unpack to far more than was sent.
#pragma once

#include <cstdint>

namespace webjobs {

// Zero in a field means no limit. The host sets them from `webjobs serve`
// --max-unpacked-bytes, --max-zip-entries and --max-compression-ratio.
struct PackageLimits {
  uint64_t max_unpacked_bytes = 1ull << 30;
  uint64_t max_entries = 20000;
  // Unpacked bytes divided by the size of the zip file. Checked only once
  // more than kRatioCheckFloorBytes have been unpacked, because a small
  // archive cannot do harm whatever its ratio.
  uint64_t max_compression_ratio = 200;
};

inline constexpr uint64_t kRatioCheckFloorBytes = 1 << 20;

}  // namespace webjobs
