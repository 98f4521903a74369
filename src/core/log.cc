#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace webjobs {

void InitLogging(std::string_view level) {
  std::shared_ptr<spdlog::logger> logger = spdlog::get("webjobs");
  if (!logger) {
    logger = spdlog::stderr_logger_mt("webjobs");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  spdlog::level::level_enum parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off) parsed = spdlog::level::info;
  logger->set_level(parsed);
}

std::string Quote(std::string_view value) {
  std::string quoted = "\"";
  for (char ch : value) {
    switch (ch) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\r':
        quoted += "\\r";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(ch));
          quoted += escaped;
        } else {
          quoted += ch;
        }
    }
  }
  quoted += '"';
  return quoted;
}

}  // namespace webjobs
