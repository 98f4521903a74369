// Client commands about accounts: `user`, `token` and `audit`. The user
// commands also run without a host on a data root (--root DIR), changing
// its store directly, so a lost admin password can be reset by whoever can
// write the data root. Each writes its result to `out` and returns Ok, or
// the Error to report.
#pragma once

#include <ostream>

#include "cli/api_client.h"
#include "cli/command_line.h"

namespace webjobs {

// The user commands through the API.
Status RunUserCommand(ApiClient& client, CommandKind kind, const ClientFlags& flags,
                      std::ostream& out, std::ostream& err);
// The user commands on the store of flags.local_root; the audit log
// records them with the actor "local:<login name>".
Status RunLocalUserCommand(CommandKind kind, const ClientFlags& flags, std::ostream& out,
                           std::ostream& err);
Status RunTokenCommand(ApiClient& client, CommandKind kind, const ClientFlags& flags,
                       std::ostream& out, std::ostream& err);
Status RunAuditCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out);

// Reads a password for the signed-in user from the terminal, with echo
// off. Returns kInvalidArgument when there is no terminal.
Result<std::string> PromptPassword(const std::string& prompt);

}  // namespace webjobs
