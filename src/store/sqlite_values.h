// Conversions between C++ values and the columns of the SQLite store.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>

#include "store/store.h"

namespace webjobs {

// Times are integer microseconds since the Unix epoch (UTC). floor, not
// duration_cast, so times before 1970 round down like later ones.
inline int64_t ToMicros(TimePoint time) {
  return std::chrono::floor<std::chrono::microseconds>(time).time_since_epoch().count();
}

inline TimePoint FromMicros(int64_t micros) {
  return TimePoint(
      std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(micros)));
}

// SQLite takes LIMIT and OFFSET as signed 64-bit values.
inline int64_t ClampToInt64(size_t value) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(std::min<uint64_t>(value, kMax));
}

}  // namespace webjobs
