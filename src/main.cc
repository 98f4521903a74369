// The webjobs executable; everything happens in src/cli.
#include "cli/cli_main.h"

int main(int argc, char** argv) { return webjobs::RunCli(argc, argv); }
