#include "cli/command_line.h"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <limits>

#include "cli/exit_codes.h"
#include "cli/usage_error.h"
#include "core/words.h"
#include "cron/cron_occurrence.h"
#include "host/host.h"
#include "http/version.h"

namespace webjobs {
namespace {

const std::vector<std::string> kJobTypes = {"continuous", "triggered"};
const std::vector<std::string> kLogLevels = {"trace", "debug", "info", "warn", "error"};
constexpr uint64_t kMaxUint64 = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kMaxTimeoutSeconds = 3600;
constexpr uint64_t kMaxHttpThreads = 16384;

// Usage lines that error messages show, as in the header comment.
const CommandSyntax& Syntax() {
  static const CommandSyntax syntax = {
      .usage =
          {
              {"", "webjobs [--url URL] [--ca-cert FILE] [--insecure] COMMAND [arguments]"},
              {"serve",
               "webjobs serve [--root DIR] [--listen ADDR:PORT] [--runner EXT=COMMAND]... "
               "[--instance-id ID] [--log-level LEVEL] [--max-upload-bytes N] "
               "[--max-unpacked-bytes N] [--max-zip-entries N] [--max-compression-ratio N] "
               "[--tls-cert FILE --tls-key FILE] [--trusted-network] [--read-timeout SECONDS] "
               "[--write-timeout SECONDS] [--http-threads N] [--max-event-streams N]"},
              {"list", "webjobs [--url URL] list [--type TYPE] [--json]"},
              {"deploy",
               "webjobs [--url URL] deploy FILE --name NAME --type TYPE [--schedule CRON] "
               "[--singleton] [--json]"},
              {"run", "webjobs [--url URL] run NAME [--args TEXT] [--wait]"},
              {"history", "webjobs [--url URL] history NAME [--json]"},
              {"logs", "webjobs [--url URL] logs NAME [RUN] [-f|--follow]"},
              {"start", "webjobs [--url URL] start NAME"},
              {"stop", "webjobs [--url URL] stop NAME"},
              {"cancel", "webjobs [--url URL] cancel NAME"},
              {"delete", "webjobs [--url URL] delete NAME"},
              {"cron",
               "webjobs cron EXPR [--time-zone ZONE] [--from INSTANT] [--count N] [--json]"},
              {"user", "webjobs [--url URL] user list|add|remove|passwd [NAME] [--role ROLE] "
                       "[--root DIR]"},
              {"add", "webjobs [--url URL] user add NAME [--role ROLE] [--root DIR]"},
              {"remove", "webjobs [--url URL] user remove NAME [--root DIR]"},
              {"passwd", "webjobs [--url URL] user passwd NAME [--role ROLE] [--root DIR]"},
              {"token", "webjobs [--url URL] token list|create|revoke"},
              {"create", "webjobs [--url URL] token create LABEL [--scope SCOPE]"},
              {"revoke", "webjobs [--url URL] token revoke ID"},
              {"audit", "webjobs [--url URL] audit [--limit N] [--json]"},
          },
      .argument_names = {{"expression", "EXPR"}},
  };
  return syntax;
}

// Adds an option that takes a value. The value may not start with "--",
// because such a word is another option written where the value belongs.
template <typename T>
CLI::Option* AddValueOption(CLI::App* command, const std::string& name, T& variable,
                            const std::string& description) {
  return command->add_option(name, variable, description)->check(NotAnOption(name));
}

CLI::Option* AddFlag(CLI::App* command, const std::string& name, bool& variable,
                     const std::string& description) {
  return command->add_flag(name, variable, description)->check(FlagValue(name));
}

CLI::Option* AddPositiveNumber(CLI::App* command, const std::string& name, uint64_t& variable,
                               const std::string& description) {
  return AddValueOption(command, name, variable, description)
      ->check(WholeNumber(name, 1, kMaxUint64, "POSITIVE"));
}

// Holds the CLI11 app and the variables its options write to.
class Parser {
 public:
  Parser()
      : app_(
            "Runs Azure App Service WebJobs on this machine and serves Kudu's WebJobs "
            "REST API; the other commands talk to a running host.",
            "webjobs") {
    app_.set_version_flag("--version", std::string(kWebjobsVersion));
    app_.require_subcommand(1);
    // The footer, and not the list of commands, shows cron with its usage
    // (see AddCron).
    app_.footer(
        "webjobs cron EXPR [--time-zone ZONE] [--from INSTANT] [--count N] [--json] prints the "
        "next times of a schedule without a host; see webjobs cron --help");
    AddValueOption(&app_, "--url", line_.client.url,
                   "URL of the webjobs host, http://HOST:PORT or https://HOST:PORT")
        ->envname("WEBJOBS_URL")
        ->capture_default_str();
    AddValueOption(&app_, "--user", line_.client.user, "User name to sign in with")
        ->envname("WEBJOBS_USER");
    AddValueOption(&app_, "--password", line_.client.password,
                   "Password of --user (prefer WEBJOBS_PASSWORD: options show in `ps`)")
        ->envname("WEBJOBS_PASSWORD");
    AddValueOption(&app_, "--token", line_.client.token,
                   "API token to sign in with, instead of a user and password")
        ->envname("WEBJOBS_TOKEN");
    AddValueOption(&app_, "--ca-cert", line_.client.ca_certificate_file,
                   "PEM file of the CA certificates that an https host's certificate must chain "
                   "to, in place of the system's CAs")
        ->envname("WEBJOBS_CA_CERT");
    AddFlag(&app_, "--insecure", line_.client.insecure,
            "Do not verify the https host's certificate (prints a warning)");
    AddServe();
    AddListAndDeploy();
    AddRunCommands();
    AddNameCommands();
    AddCron();
    AddAccountCommands();
  }

  ParsedCommandLine Parse(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
      app_.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
      // --help and --version end parsing with a CLI::Success.
      if (dynamic_cast<const CLI::Success*>(&error) != nullptr) {
        app_.exit(error, out, err);
        return {std::nullopt, kExitSuccess};
      }
      const std::string_view last_word = argc > 1 ? argv[argc - 1] : "";
      err << "webjobs: error: " << DescribeUsageError(app_, error, last_word, Syntax()) << "\n";
      return {std::nullopt, IsServe(argc, argv) ? kExitUsage : kExitCliUsage};
    }
    Collect();
    return {line_, kExitSuccess};
  }

 private:
  CLI::App* AddCommand(const std::string& name, const std::string& description, CommandKind kind) {
    CLI::App* command = app_.add_subcommand(name, description);
    command->fallthrough();
    commands_.emplace_back(command, kind);
    return command;
  }

  void AddNameArgument(CLI::App* command) {
    command->add_option("name", line_.client.name, "Job name")->required();
  }

  void AddServe() {
    CLI::App* serve =
        AddCommand("serve", "Run the job host in the foreground", CommandKind::kServe);
    serve_.root = AddValueOption(serve, "--root", root_,
                                 "Data root (default: $WEBJOBS_ROOT, "
                                 "/var/lib/webjobs as root, else "
                                 "~/.local/share/webjobs)");
    serve_.listen = AddValueOption(serve, "--listen", listen_,
                                   "Address and port of the REST API (default 127.0.0.1:8420). "
                                   "An address other than loopback needs --tls-cert and "
                                   "--tls-key, or --trusted-network");
    AddValueOption(serve, "--runner", line_.serve.runners,
                   "Script runner for an extension, EXT=COMMAND such as .rb=ruby; repeatable");
    serve_.instance_id = AddValueOption(serve, "--instance-id", instance_id_,
                                        "Instance id in logs and detailed_status (default: "
                                        "$WEBSITE_INSTANCE_ID, else the host name)");
    serve_.log_level = AddValueOption(serve, "--log-level", log_level_, "Log level (default info)")
                           ->check(OneOf("--log-level", kLogLevels));
    serve_.max_upload_bytes =
        AddPositiveNumber(serve, "--max-upload-bytes", max_upload_bytes_,
                          "Largest upload body in bytes (default 268435456, 256 MiB)");
    serve_.max_unpacked_bytes = AddPositiveNumber(
        serve, "--max-unpacked-bytes", max_unpacked_bytes_,
        "Largest unpacked size of a job zip in bytes (default 1073741824, 1 GiB)");
    serve_.max_zip_entries = AddPositiveNumber(serve, "--max-zip-entries", max_zip_entries_,
                                               "Most entries in a job zip (default 20000)");
    serve_.max_compression_ratio =
        AddPositiveNumber(serve, "--max-compression-ratio", max_compression_ratio_,
                          "Largest unpacked-to-packed size ratio of a zip entry (default 200)");
    AddTransportOptions(serve);
  }

  void AddTransportOptions(CLI::App* serve) {
    serve_.tls_certificate_file =
        AddValueOption(serve, "--tls-cert", tls_certificate_file_,
                       "PEM file with the API's TLS certificate, followed by any intermediate "
                       "CA certificates; serves HTTPS (default: $WEBJOBS_TLS_CERT)");
    serve_.tls_key_file = AddValueOption(
        serve, "--tls-key", tls_key_file_,
        "PEM file with the unencrypted private key of --tls-cert (default: $WEBJOBS_TLS_KEY)");
    AddFlag(serve, "--trusted-network", line_.serve.trusted_network,
            "Allow plain HTTP on an address other than loopback");
    serve_.read_timeout = AddValueOption(serve, "--read-timeout", read_timeout_,
                                         "Seconds a client may send nothing in the middle of a "
                                         "request before it is disconnected (default 10)")
                              ->check(WholeNumber("--read-timeout", 1, kMaxTimeoutSeconds));
    serve_.write_timeout = AddValueOption(serve, "--write-timeout", write_timeout_,
                                          "Seconds a client may accept no bytes of a response "
                                          "before it is disconnected (default 10)")
                               ->check(WholeNumber("--write-timeout", 1, kMaxTimeoutSeconds));
    serve_.http_threads =
        AddValueOption(serve, "--http-threads", http_threads_,
                       "Worker threads of the REST API besides those of --max-event-streams; "
                       "each open connection, idle keep-alive ones too, takes one (default 512)")
            ->check(WholeNumber("--http-threads", 1, kMaxHttpThreads));
    // Each stream holds an HTTP thread, so the limit also sizes the pool.
    serve_.max_event_streams =
        AddValueOption(serve, "--max-event-streams", max_event_streams_,
                       "Most live-output event streams served at once, 1 to " +
                           std::to_string(kMaxEventStreamsLimit) +
                           "; more get 503 (default 100, or $WEBJOBS_MAX_EVENT_STREAMS)")
            ->check(WholeNumber("--max-event-streams", 1, kMaxEventStreamsLimit));
  }

  void AddListAndDeploy() {
    CLI::App* list = AddCommand("list", "List jobs", CommandKind::kList);
    type_options_.push_back(AddValueOption(list, "--type", type_, "Only jobs of this type")
                                ->check(OneOf("--type", kJobTypes)));
    AddFlag(list, "--json", line_.client.json, "Print the API's JSON");

    CLI::App* deploy =
        AddCommand("deploy", "Upload a zip or a single script as a job", CommandKind::kDeploy);
    deploy->add_option("file", line_.client.file, "Zip file or script")
        ->required()
        ->check(ExistingFile("FILE", "a zip file or a script"));
    AddValueOption(deploy, "--name", line_.client.name, "Job name")->required();
    type_options_.push_back(AddValueOption(deploy, "--type", type_, "continuous or triggered")
                                ->required()
                                ->check(OneOf("--type", kJobTypes)));
    schedule_option_ = AddValueOption(deploy, "--schedule", schedule_,
                                      "Schedule of a triggered job, NCRONTAB with six fields "
                                      "such as \"0 */5 * * * *\"");
    singleton_option_ =
        AddFlag(deploy, "--singleton", singleton_, "Run on one instance only (is_singleton)");
    AddFlag(deploy, "--json", line_.client.json, "Print the API's JSON");
  }

  void AddRunCommands() {
    CLI::App* run =
        AddCommand("run", "Start a run of a triggered job and print its id", CommandKind::kRun);
    AddNameArgument(run);
    // Without NotAnOption, because script arguments may start with "--".
    arguments_option_ = run->add_option("--args", arguments_, "Arguments passed to the script");
    AddFlag(run, "--wait", line_.client.wait,
            "Wait for the run to end, print its output, exit 0 only on Success");

    CLI::App* history =
        AddCommand("history", "List the runs of a triggered job", CommandKind::kHistory);
    AddNameArgument(history);
    AddFlag(history, "--json", line_.client.json, "Print the API's JSON");

    CLI::App* logs =
        AddCommand("logs", "Print a run's output, or a continuous job's log", CommandKind::kLogs);
    AddNameArgument(logs);
    logs->add_option("run", line_.client.run_id, "Run id (default: the latest run)");
    AddFlag(logs, "-f,--follow", line_.client.follow,
            "Keep printing output as it arrives; for a run, exit when it ends (0 only on "
            "Success)");
  }

  void AddNameCommands() {
    AddNameArgument(AddCommand("start", "Start a continuous job", CommandKind::kStart));
    AddNameArgument(AddCommand("stop", "Stop a continuous job", CommandKind::kStop));
    AddNameArgument(
        AddCommand("cancel", "Cancel the active and waiting runs of a triggered job", CommandKind::kCancel));
    AddNameArgument(
        AddCommand("delete", "Delete a job with its logs and history", CommandKind::kDelete));
  }

  void AddAccountCommands() {
    const std::vector<std::string> roles = {"read", "operate", "admin"};
    CLI::App* user = app_.add_subcommand("user", "Manage the users who may sign in");
    user->require_subcommand(1);
    user->fallthrough();
    auto add_root = [this](CLI::App* command) {
      local_root_options_.push_back(AddValueOption(
          command, "--root", local_root_,
          "Change the store of the data root DIR directly, without a running host (for "
          "recovery)"));
    };
    auto add_user_command = [&](const std::string& name, const std::string& description,
                                CommandKind kind) {
      CLI::App* command = user->add_subcommand(name, description);
      command->fallthrough();
      commands_.emplace_back(command, kind);
      add_root(command);
      return command;
    };
    CLI::App* list = add_user_command("list", "List users", CommandKind::kUserList);
    AddFlag(list, "--json", line_.client.json, "Print the API's JSON");
    CLI::App* add = add_user_command(
        "add", "Add a user; reads the password from the terminal or one line of stdin",
        CommandKind::kUserAdd);
    AddNameArgument(add);
    role_options_.push_back(
        AddValueOption(add, "--role", role_, "read, operate or admin (default read)")
            ->check(OneOf("--role", roles)));
    AddNameArgument(add_user_command("remove", "Remove a user and its API tokens",
                                     CommandKind::kUserRemove));
    CLI::App* passwd = add_user_command(
        "passwd", "Change a user's password (and role with --role)", CommandKind::kUserPasswd);
    AddNameArgument(passwd);
    role_options_.push_back(AddValueOption(passwd, "--role", role_, "read, operate or admin")
                                ->check(OneOf("--role", roles)));

    CLI::App* token = app_.add_subcommand("token", "Manage API tokens");
    token->require_subcommand(1);
    token->fallthrough();
    auto add_token_command = [&](const std::string& name, const std::string& description,
                                 CommandKind kind) {
      CLI::App* command = token->add_subcommand(name, description);
      command->fallthrough();
      commands_.emplace_back(command, kind);
      return command;
    };
    CLI::App* token_list =
        add_token_command("list", "List API tokens (not their secrets)", CommandKind::kTokenList);
    AddFlag(token_list, "--json", line_.client.json, "Print the API's JSON");
    CLI::App* create = add_token_command(
        "create", "Create an API token for the signed-in user and print it once",
        CommandKind::kTokenCreate);
    create->add_option("label", line_.client.label, "What the token is for")->required();
    AddValueOption(create, "--scope", line_.client.scope, "read, operate or admin")
        ->capture_default_str()
        ->check(OneOf("--scope", roles));
    add_token_command("revoke", "Revoke an API token", CommandKind::kTokenRevoke)
        ->add_option("id", line_.client.token_id, "Token id, as `webjobs token list` shows")
        ->required();

    CLI::App* audit = AddCommand("audit", "Print the audit log, newest first", CommandKind::kAudit);
    AddValueOption(audit, "--limit", line_.client.limit, "Number of entries, 1 to 1000")
        ->capture_default_str()
        ->check(WholeNumber("--limit", 1, 1000));
    AddFlag(audit, "--json", line_.client.json, "Print the API's JSON");
  }

  void AddCron() {
    CLI::App* cron = AddCommand(
        "cron",
        "Print the next times a schedule runs, computed on this machine (no host needed). Each "
        "line shows the local time with its UTC offset and zone abbreviation, the UTC time, and "
        "a note when a change of the UTC offset (DST or another) moves or repeats "
        "that time.",
        CommandKind::kCron);
    // The footer of the program's help shows cron, so the list of commands
    // leaves it out, and the help of cron has no footer.
    cron->group("");
    cron->footer("");
    cron->add_option("expression", cron_words_,
                     "NCRONTAB schedule, six fields with seconds first (\"0 */5 * * * *\") or "
                     "five in classic crontab form. Quote it, because the shell expands *")
        ->required();
    cron_.time_zone = AddValueOption(
        cron, "--time-zone", time_zone_,
        "IANA zone name or Windows zone id (default: $WEBSITE_TIME_ZONE, else the system zone)");
    cron_.from = AddValueOption(cron, "--from", from_,
                                "List occurrences at or after this ISO 8601 instant, such as "
                                "2024-03-10T00:00:00Z (default: now)");
    AddValueOption(cron, "--count", line_.cron.count, "Number of occurrences, 1 to 1000")
        ->capture_default_str()
        ->check(WholeNumber("--count", 1, kMaxOccurrenceCount));
    AddFlag(cron, "--json", line_.cron.json, "Print the JSON of GET /api/schedule/preview");
  }

  // Moves option values into the command line, keeping "not given" apart
  // from a given value.
  void Collect() {
    for (const auto& [command, kind] : commands_) {
      if (command->parsed()) line_.kind = kind;
    }
    ServeFlags& serve = line_.serve;
    if (serve_.root->count() > 0) serve.root = root_;
    if (serve_.listen->count() > 0) serve.listen = listen_;
    if (serve_.instance_id->count() > 0) serve.instance_id = instance_id_;
    if (serve_.log_level->count() > 0) serve.log_level = log_level_;
    if (serve_.max_upload_bytes->count() > 0) serve.max_upload_bytes = max_upload_bytes_;
    if (serve_.max_unpacked_bytes->count() > 0) serve.max_unpacked_bytes = max_unpacked_bytes_;
    if (serve_.max_zip_entries->count() > 0) serve.max_zip_entries = max_zip_entries_;
    if (serve_.max_compression_ratio->count() > 0) {
      serve.max_compression_ratio = max_compression_ratio_;
    }
    if (serve_.tls_certificate_file->count() > 0) {
      serve.tls_certificate_file = tls_certificate_file_;
    }
    if (serve_.tls_key_file->count() > 0) serve.tls_key_file = tls_key_file_;
    if (serve_.read_timeout->count() > 0) serve.read_timeout_seconds = read_timeout_;
    if (serve_.write_timeout->count() > 0) serve.write_timeout_seconds = write_timeout_;
    if (serve_.http_threads->count() > 0) serve.http_threads = http_threads_;
    if (serve_.max_event_streams->count() > 0) serve.max_event_streams = max_event_streams_;

    ClientFlags& client = line_.client;
    for (CLI::Option* option : type_options_) {
      if (option->count() > 0) client.type = ParseJobType(type_);
    }
    if (schedule_option_->count() > 0) client.schedule = schedule_;
    if (singleton_option_->count() > 0) client.singleton = singleton_;
    if (arguments_option_->count() > 0) client.arguments = arguments_;
    for (CLI::Option* option : role_options_) {
      if (option->count() > 0) client.role = role_;
    }
    for (CLI::Option* option : local_root_options_) {
      if (option->count() > 0) client.local_root = local_root_;
    }

    CronFlags& cron = line_.cron;
    cron.expression = JoinWords(cron_words_);
    if (cron_.time_zone->count() > 0) cron.time_zone = time_zone_;
    if (cron_.from->count() > 0) cron.from = from_;
  }

  // The first word that is not an option (or the value of --url or
  // --ca-cert) names the command, even when parsing failed before CLI11
  // reached it.
  static bool IsServe(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
      std::string_view word = argv[i];
      if (word == "--url" || word == "--ca-cert" || word == "--user" || word == "--password" ||
          word == "--token") {
        ++i;
        continue;
      }
      if (!word.empty() && word.front() == '-') continue;
      return word == "serve";
    }
    return false;
  }

  struct ServeOptions {
    CLI::Option* root = nullptr;
    CLI::Option* listen = nullptr;
    CLI::Option* instance_id = nullptr;
    CLI::Option* log_level = nullptr;
    CLI::Option* max_upload_bytes = nullptr;
    CLI::Option* max_unpacked_bytes = nullptr;
    CLI::Option* max_zip_entries = nullptr;
    CLI::Option* max_compression_ratio = nullptr;
    CLI::Option* tls_certificate_file = nullptr;
    CLI::Option* tls_key_file = nullptr;
    CLI::Option* read_timeout = nullptr;
    CLI::Option* write_timeout = nullptr;
    CLI::Option* http_threads = nullptr;
    CLI::Option* max_event_streams = nullptr;
  };

  CLI::App app_;
  CommandLine line_;
  std::vector<std::pair<CLI::App*, CommandKind>> commands_;

  ServeOptions serve_;
  std::string root_;
  std::string listen_;
  std::string instance_id_;
  std::string log_level_;
  uint64_t max_upload_bytes_ = 0;
  uint64_t max_unpacked_bytes_ = 0;
  uint64_t max_zip_entries_ = 0;
  uint64_t max_compression_ratio_ = 0;
  std::string tls_certificate_file_;
  std::string tls_key_file_;
  uint64_t read_timeout_ = 0;
  uint64_t write_timeout_ = 0;
  uint64_t http_threads_ = 0;
  uint64_t max_event_streams_ = 0;

  std::vector<CLI::Option*> type_options_;
  std::string type_;
  CLI::Option* schedule_option_ = nullptr;
  std::string schedule_;
  CLI::Option* singleton_option_ = nullptr;
  bool singleton_ = false;
  CLI::Option* arguments_option_ = nullptr;
  std::string arguments_;
  std::vector<CLI::Option*> role_options_;
  std::string role_;
  std::vector<CLI::Option*> local_root_options_;
  std::string local_root_;

  struct CronOptions {
    CLI::Option* time_zone = nullptr;
    CLI::Option* from = nullptr;
  };
  CronOptions cron_;
  // The words of EXPR, joined by single spaces into CronFlags::expression.
  std::vector<std::string> cron_words_;
  std::string time_zone_;
  std::string from_;
};

}  // namespace

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err) {
  Parser parser;
  return parser.Parse(argc, argv, out, err);
}

}  // namespace webjobs
