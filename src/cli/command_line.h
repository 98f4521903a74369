// The command line of the `webjobs` program, parsed with CLI11 into a plain
// description of one command, so that parsing is testable without running
// anything.
//
//   webjobs serve [--root DIR] [--listen ADDR:PORT] [--runner EXT=COMMAND]...
//                 [--instance-id ID] [--log-level LEVEL] [--max-upload-bytes N]
//                 [--max-unpacked-bytes N] [--max-zip-entries N]
//                 [--max-compression-ratio N] [--tls-cert FILE --tls-key FILE]
//                 [--trusted-network] [--read-timeout SECONDS]
//                 [--write-timeout SECONDS] [--http-threads N]
//                 [--max-event-streams N]
//   webjobs [--url URL] list [--type T] [--json]
//   webjobs [--url URL] deploy FILE --name N --type T [--schedule CRON] [--singleton] [--json]
//   webjobs [--url URL] run NAME [--args TEXT] [--wait]
//   webjobs [--url URL] start|stop|cancel|delete NAME
//   webjobs [--url URL] history NAME [--json]
//   webjobs [--url URL] logs NAME [RUN] [-f|--follow]
//   webjobs cron EXPR [--time-zone ZONE] [--from INSTANT] [--count N] [--json]
//   webjobs [--url URL] user list [--json] | add NAME [--role R] | remove NAME |
//                      passwd NAME [--role R]   (also with --root DIR, no host)
//   webjobs [--url URL] token list [--json] | create LABEL [--scope S] | revoke ID
//   webjobs [--url URL] audit [--limit N] [--json]
//
// Client commands sign in with --token (WEBJOBS_TOKEN), or --user and
// --password (WEBJOBS_USER, WEBJOBS_PASSWORD).
//
// --url, --ca-cert, --insecure and --version may also follow the command.
// WEBJOBS_URL sets the default of --url and WEBJOBS_CA_CERT that of
// --ca-cert. `serve` and `cron` accept the client options and ignore them.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/cron_command.h"
#include "core/job_type.h"

namespace webjobs {

inline constexpr std::string_view kDefaultHostUrl = "http://127.0.0.1:8420";

enum class CommandKind {
  kServe,
  kList,
  kDeploy,
  kRun,
  kStart,
  kStop,
  kCancel,
  kHistory,
  kLogs,
  kDelete,
  kCron,
  kUserList,
  kUserAdd,
  kUserRemove,
  kUserPasswd,
  kTokenList,
  kTokenCreate,
  kTokenRevoke,
  kAudit
};

// Flags of `webjobs serve`. A flag left out stays nullopt (or empty), so the
// environment and the defaults apply.
struct ServeFlags {
  std::optional<std::string> root;
  std::optional<std::string> listen;
  std::vector<std::string> runners;  // "EXT=COMMAND", in order
  std::optional<std::string> instance_id;
  std::optional<std::string> log_level;
  std::optional<uint64_t> max_upload_bytes;
  std::optional<uint64_t> max_unpacked_bytes;
  std::optional<uint64_t> max_zip_entries;
  std::optional<uint64_t> max_compression_ratio;
  std::optional<std::string> tls_certificate_file;
  std::optional<std::string> tls_key_file;
  bool trusted_network = false;
  std::optional<uint64_t> read_timeout_seconds;
  std::optional<uint64_t> write_timeout_seconds;
  std::optional<uint64_t> http_threads;
  std::optional<uint64_t> max_event_streams;
};

// Arguments of the client commands. Each command uses the fields it names.
struct ClientFlags {
  std::string url = std::string(kDefaultHostUrl);
  std::string ca_certificate_file;  // --ca-cert: PEM file of CAs to trust for https
  bool insecure = false;            // --insecure: skip certificate verification
  bool json = false;                     // list, deploy, history
  std::optional<JobType> type;           // list (filter), deploy (required)
  std::string name;                      // job name: NAME, or deploy --name
  std::string file;                      // deploy FILE
  std::string run_id;                    // logs RUN
  std::optional<std::string> schedule;   // deploy --schedule
  std::optional<bool> singleton;         // deploy --singleton
  std::optional<std::string> arguments;  // run --args
  bool wait = false;                     // run --wait
  // Credentials: --user/--password/--token, WEBJOBS_USER, WEBJOBS_PASSWORD,
  // WEBJOBS_TOKEN.
  std::string user;
  std::string password;
  std::string token;
  // Accounts. The user commands take the user's name in `name`.
  std::optional<std::string> role;       // user add|passwd --role
  std::optional<std::string> new_password;  // user add|passwd: read from stdin when unset
  std::string scope = "read";            // token create --scope
  std::string label;                     // token create LABEL
  std::string token_id;                  // token revoke ID
  std::optional<std::string> local_root;  // user ... --root: change the store directly
  size_t limit = 50;                     // audit --limit
  bool follow = false;                   // logs -f/--follow
};

struct CommandLine {
  CommandKind kind = CommandKind::kList;
  ServeFlags serve;
  ClientFlags client;
  CronFlags cron;
};

// A parsed command, or the exit code when there is nothing to run: 0 after
// --help or --version, kExitCliUsage (2) for an invalid command line, or 64
// (the host's usage code) when the invalid command line is a `serve`.
struct ParsedCommandLine {
  std::optional<CommandLine> command;
  int exit_code = 0;
};

// Parses argv (argv[0] is the program name). Help and version text go to
// `out`, and a usage error goes to `err` as one line "webjobs: error:
// MESSAGE". Reads WEBJOBS_URL, WEBJOBS_USER, WEBJOBS_PASSWORD and
// WEBJOBS_TOKEN from the environment.
ParsedCommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err);

}  // namespace webjobs
