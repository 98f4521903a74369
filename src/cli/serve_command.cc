#include "cli/serve_command.h"

#include "cli/listen_address.h"
#include "cli/serve_config.h"
#include "host/host.h"

namespace webjobs {

int RunServeCommand(const ServeFlags& flags, std::ostream& err) {
  Result<HostConfig> config = BuildHostConfig(flags);
  if (!config.ok()) {
    err << "webjobs: error: " << config.error().message << "\n";
    return kExitUsage;
  }
  if (!IsLoopbackHost(config->listen_address)) {
    err << "webjobs: warning: listening on " << config->listen_address
        << " exposes the REST API, which has no authentication, to other machines\n";
  }
  return RunHost(*config);
}

}  // namespace webjobs
