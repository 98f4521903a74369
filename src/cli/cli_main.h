// The `webjobs` program: parses the command line and runs one command.
#pragma once

namespace webjobs {

// Runs the program with the process's arguments and standard streams and
// returns its exit code (docs/cli.md lists them).
int RunCli(int argc, const char* const* argv);

}  // namespace webjobs
