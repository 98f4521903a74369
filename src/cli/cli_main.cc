#include "cli/cli_main.h"

#include <iostream>

#include "cli/client_command.h"
#include "cli/command_line.h"
#include "cli/cron_command.h"
#include "cli/serve_command.h"
#include "core/log.h"

namespace webjobs {

int RunCli(int argc, const char* const* argv) {
  if (IsCronCommand(argc, argv)) {
    ParsedCronCommand cron = ParseCronCommandLine(argc, argv, std::cout, std::cerr);
    if (!cron.flags) return cron.exit_code;
    // Warnings of the zone lookup go to stderr, never into the printed list.
    InitLogging("warn");
    return RunCronCommand(*cron.flags, std::cout, std::cerr);
  }
  ParsedCommandLine parsed = ParseCommandLine(argc, argv, std::cout, std::cerr);
  if (!parsed.command) return parsed.exit_code;
  if (parsed.command->kind == CommandKind::kServe) {
    return RunServeCommand(parsed.command->serve, std::cerr);
  }
  return RunClientCommand(*parsed.command, std::cout, std::cerr);
}

}  // namespace webjobs
