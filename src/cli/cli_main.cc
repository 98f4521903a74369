#include "cli/cli_main.h"

#include <iostream>

#include "cli/client_command.h"
#include "cli/command_line.h"
#include "cli/cron_command.h"
#include "cli/serve_command.h"
#include "core/log.h"

namespace webjobs {

int RunCli(int argc, const char* const* argv) {
  ParsedCommandLine parsed = ParseCommandLine(argc, argv, std::cout, std::cerr);
  if (!parsed.command) return parsed.exit_code;
  switch (parsed.command->kind) {
    case CommandKind::kServe:
      // Warnings about host settings come before the configured level is
      // known, and use the host's log format too.
      InitLogging("info");
      return RunServeCommand(parsed.command->serve, std::cerr);
    case CommandKind::kCron:
      // Warnings of the zone lookup go to stderr, never into the printed list.
      InitLogging("warn");
      return RunCronCommand(parsed.command->cron, std::cout, std::cerr);
    default:
      return RunClientCommand(*parsed.command, std::cout, std::cerr);
  }
}

}  // namespace webjobs
