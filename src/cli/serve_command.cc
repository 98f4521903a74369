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
  if (config->tls_certificate_file.empty() && !IsLoopbackHost(config->listen_address)) {
    err << "webjobs: warning: serving plain HTTP on " << config->listen_address
        << " (--trusted-network): any machine on that network can read and change the API's "
           "traffic\n";
  }
  return RunHost(*config);
}

}  // namespace webjobs
