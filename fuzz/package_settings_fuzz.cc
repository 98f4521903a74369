// Fuzzes settings.job parsing: any bytes must give settings or an error,
// and accepted settings must serialize and parse back to the same object.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "package/job_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  webjobs::Result<webjobs::JobSettings> settings = webjobs::ParseJobSettings(bytes);
  if (!settings.ok()) return 0;

  std::string serialized = webjobs::SerializeJobSettings(settings->raw);
  webjobs::Result<webjobs::JobSettings> again = webjobs::ParseJobSettings(serialized);
  if (!again.ok() || again->raw != settings->raw) std::abort();
  return 0;
}
