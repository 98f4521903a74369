// Fuzzes the ISO 8601 instant parser behind the schedule preview's `from`
// value. An accepted instant, written back in UTC with its fraction,
// must parse again to the same instant.
#include <date/date.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cron/cron_occurrence.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto instant = webjobs::ParseIsoInstant(input);
  if (!instant.ok()) return 0;

  const std::string written = date::format("%FT%TZ", *instant);
  auto reparsed = webjobs::ParseIsoInstant(written);
  if (!reparsed.ok() || *reparsed != *instant) std::abort();
  return 0;
}
