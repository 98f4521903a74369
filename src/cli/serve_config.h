// The host configuration of `webjobs serve`, from defaults, the environment
// and the command line, in that order of precedence (later wins).
#pragma once

#include <string>
#include <utility>

#include "cli/command_line.h"
#include "core/result.h"
#include "host/host_config.h"

namespace webjobs {

// Builds the configuration: HostConfig defaults with the data root from
// DefaultRoot(), then ApplyEnvironment(), then each flag that was given.
// Returns kInvalidArgument naming the flag and value for an invalid
// --listen, --runner or --instance-id, for a TLS certificate without a key
// or a key without a certificate, and for plain HTTP on an address other
// than loopback without --trusted-network.
Result<HostConfig> BuildHostConfig(const ServeFlags& flags);

// Parses a --runner value "EXT=COMMAND" such as ".rb=ruby" or "rb=ruby -w"
// into (".rb", "ruby -w"), adding a missing leading '.'. Returns
// kInvalidArgument when there is no '=', the extension is empty or contains
// '/', '=' or whitespace, or the command is empty.
Result<std::pair<std::string, std::string>> ParseRunnerFlag(std::string_view text);

}  // namespace webjobs
