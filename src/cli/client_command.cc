#include "cli/client_command.h"

#include "cli/account_commands.h"
#include "cli/client_support.h"
#include "cli/exit_codes.h"
#include "cli/job_commands.h"
#include "cli/run_commands.h"
#include "package/ascii_case.h"

namespace webjobs {
namespace {

Status Dispatch(const CommandLine& command, ApiClient& client, std::ostream& out,
                std::ostream& err) {
  const ClientFlags& flags = command.client;
  switch (command.kind) {
    case CommandKind::kList:
      return RunListCommand(client, flags, out, err);
    case CommandKind::kDeploy:
      return RunDeployCommand(client, flags, out, err);
    case CommandKind::kStart:
      return RunStartCommand(client, flags, out);
    case CommandKind::kStop:
      return RunStopCommand(client, flags, out);
    case CommandKind::kDelete:
      return RunDeleteCommand(client, flags, out);
    case CommandKind::kRun:
      return RunRunCommand(client, flags, out);
    case CommandKind::kCancel:
      return RunCancelCommand(client, flags, out);
    case CommandKind::kHistory:
      return RunHistoryCommand(client, flags, out);
    case CommandKind::kLogs:
      return RunLogsCommand(client, flags, out);
    case CommandKind::kUserList:
    case CommandKind::kUserAdd:
    case CommandKind::kUserRemove:
    case CommandKind::kUserPasswd:
      return RunUserCommand(client, command.kind, flags, out, err);
    case CommandKind::kTokenList:
    case CommandKind::kTokenCreate:
    case CommandKind::kTokenRevoke:
      return RunTokenCommand(client, command.kind, flags, out, err);
    case CommandKind::kAudit:
      return RunAuditCommand(client, flags, out);
    case CommandKind::kServe:
    case CommandKind::kCron:
      break;
  }
  return InternalError("`serve` and `cron` are not client commands");
}


bool IsUserCommand(CommandKind kind) {
  return kind == CommandKind::kUserList || kind == CommandKind::kUserAdd ||
         kind == CommandKind::kUserRemove || kind == CommandKind::kUserPasswd;
}

// The credentials to send: a token wins over a user; a user without a
// password is asked for one on the terminal.
Result<ClientCredentials> ResolveCredentials(const ClientFlags& flags) {
  ClientCredentials credentials{flags.user, flags.password, flags.token};
  if (credentials.token.empty() && !credentials.user.empty() && credentials.password.empty()) {
    Result<std::string> typed = PromptPassword("Password for " + credentials.user + ": ");
    if (!typed.ok()) {
      return InvalidArgument("no password for user " + credentials.user +
                             ": set WEBJOBS_PASSWORD, or run on a terminal to be asked");
    }
    credentials.password = std::move(typed).value();
  }
  return credentials;
}

}  // namespace

int RunClientCommand(const CommandLine& command, std::ostream& out, std::ostream& err) {
  const ClientFlags& flags = command.client;
  if (IsUserCommand(command.kind) && flags.local_root) {
    Status done = RunLocalUserCommand(command.kind, flags, out, err);
    if (!done.ok()) return ReportFailure(done.error(), err);
    return kExitSuccess;
  }
  Result<ApiClient> client =
      ApiClient::Create(flags.url, ClientTlsOptions{flags.ca_certificate_file, flags.insecure});
  if (!client.ok()) {
    err << "webjobs: error: " << client.error().message << "\n";
    return kExitCliUsage;
  }
  Result<ClientCredentials> credentials = ResolveCredentials(command.client);
  if (!credentials.ok()) {
    err << "webjobs: error: " << credentials.error().message << "\n";
    return kExitCliUsage;
  }
  client->SetCredentials(*credentials);
  if (flags.insecure && ToLowerAscii(flags.url).rfind("https://", 0) == 0) {
    err << "webjobs: warning: --insecure: the certificate of " << client->base_url()
        << " is not verified, so a machine on the network path could pose as the host\n";
  }
  Status done = Dispatch(command, *client, out, err);
  if (!done.ok()) return ReportFailure(done.error(), err);
  return kExitSuccess;
}

}  // namespace webjobs
