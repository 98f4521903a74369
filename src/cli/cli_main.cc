#include "cli/cli_main.h"

#include <iostream>

#include "cli/client_command.h"
#include "cli/command_line.h"
#include "cli/serve_command.h"

namespace webjobs {

int RunCli(int argc, const char* const* argv) {
  ParsedCommandLine parsed = ParseCommandLine(argc, argv, std::cout, std::cerr);
  if (!parsed.command) return parsed.exit_code;
  if (parsed.command->kind == CommandKind::kServe) {
    return RunServeCommand(parsed.command->serve, std::cerr);
  }
  return RunClientCommand(*parsed.command, std::cout, std::cerr);
}

}  // namespace webjobs
