#include "cli/command_line.h"

#include <CLI/CLI.hpp>

#include "cli/exit_codes.h"
#include "host/host.h"
#include "http/version.h"

namespace webjobs {
namespace {

const std::vector<std::string> kJobTypes = {"continuous", "triggered"};
const std::vector<std::string> kLogLevels = {"trace", "debug", "info", "warn", "error"};

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
    // `cron` has its own parser (cli/cron_command.h), so help names it here.
    app_.footer(
        "webjobs cron EXPR [--time-zone ZONE] [--from INSTANT] [--count N] [--json] prints the "
        "next times of a schedule without a host; see webjobs cron --help");
    app_.add_option("--url", line_.client.url, "URL of the webjobs host")
        ->envname("WEBJOBS_URL")
        ->capture_default_str();
    AddServe();
    AddListAndDeploy();
    AddRunCommands();
    AddNameCommands();
  }

  ParsedCommandLine Parse(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
      app_.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
      int code = app_.exit(error, out, err);
      if (code == 0) return {std::nullopt, kExitSuccess};
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
    serve_.root = serve->add_option("--root", root_,
                                    "Data root (default: $WEBJOBS_ROOT, "
                                    "/var/lib/webjobs as root, else "
                                    "~/.local/share/webjobs)");
    serve_.listen = serve->add_option("--listen", listen_,
                                      "Address and port of the REST API (default 127.0.0.1:8420); "
                                      "other than loopback exposes the unauthenticated API");
    serve->add_option("--runner", line_.serve.runners,
                      "Script runner for an extension, EXT=COMMAND such as .rb=ruby; repeatable");
    serve_.instance_id = serve->add_option("--instance-id", instance_id_,
                                           "Instance id in logs and detailed_status (default: "
                                           "$WEBSITE_INSTANCE_ID, else the host name)");
    serve_.log_level = serve->add_option("--log-level", log_level_, "Log level (default info)")
                           ->check(CLI::IsMember(kLogLevels));
    serve_.max_upload_bytes =
        serve
            ->add_option("--max-upload-bytes", max_upload_bytes_,
                         "Largest upload body in bytes (default 268435456, 256 MiB)")
            ->check(CLI::PositiveNumber);
    serve_.max_unpacked_bytes =
        serve
            ->add_option("--max-unpacked-bytes", max_unpacked_bytes_,
                         "Largest unpacked size of a job zip in bytes (default 1073741824, 1 GiB)")
            ->check(CLI::PositiveNumber);
    serve_.max_zip_entries = serve
                                 ->add_option("--max-zip-entries", max_zip_entries_,
                                              "Most entries in a job zip (default 20000)")
                                 ->check(CLI::PositiveNumber);
    serve_.max_compression_ratio =
        serve
            ->add_option("--max-compression-ratio", max_compression_ratio_,
                         "Largest unpacked-to-packed size ratio of a zip entry (default 200)")
            ->check(CLI::PositiveNumber);
  }

  void AddListAndDeploy() {
    CLI::App* list = AddCommand("list", "List jobs", CommandKind::kList);
    type_options_.push_back(list->add_option("--type", type_, "Only jobs of this type")
                                ->check(CLI::IsMember(kJobTypes)));
    list->add_flag("--json", line_.client.json, "Print the API's JSON");

    CLI::App* deploy =
        AddCommand("deploy", "Upload a zip or a single script as a job", CommandKind::kDeploy);
    deploy->add_option("file", line_.client.file, "Zip file or script")
        ->required()
        ->check(CLI::ExistingFile);
    deploy->add_option("--name", line_.client.name, "Job name")->required();
    type_options_.push_back(deploy->add_option("--type", type_, "continuous or triggered")
                                ->required()
                                ->check(CLI::IsMember(kJobTypes)));
    schedule_option_ = deploy->add_option("--schedule", schedule_,
                                          "Schedule of a triggered job, NCRONTAB with six fields "
                                          "such as \"0 */5 * * * *\"");
    singleton_option_ =
        deploy->add_flag("--singleton", singleton_, "Run on one instance only (is_singleton)");
    deploy->add_flag("--json", line_.client.json, "Print the API's JSON");
  }

  void AddRunCommands() {
    CLI::App* run =
        AddCommand("run", "Start a run of a triggered job and print its id", CommandKind::kRun);
    AddNameArgument(run);
    arguments_option_ = run->add_option("--args", arguments_, "Arguments passed to the script");
    run->add_flag("--wait", line_.client.wait,
                  "Wait for the run to end, print its output, exit 0 only on Success");

    CLI::App* history =
        AddCommand("history", "List the runs of a triggered job", CommandKind::kHistory);
    AddNameArgument(history);
    history->add_flag("--json", line_.client.json, "Print the API's JSON");

    CLI::App* logs =
        AddCommand("logs", "Print a run's output, or a continuous job's log", CommandKind::kLogs);
    AddNameArgument(logs);
    logs->add_option("run", line_.client.run_id, "Run id (default: the latest run)");
  }

  void AddNameCommands() {
    AddNameArgument(AddCommand("start", "Start a continuous job", CommandKind::kStart));
    AddNameArgument(AddCommand("stop", "Stop a continuous job", CommandKind::kStop));
    AddNameArgument(
        AddCommand("cancel", "Cancel the active run of a triggered job", CommandKind::kCancel));
    AddNameArgument(
        AddCommand("delete", "Delete a job with its logs and history", CommandKind::kDelete));
  }

  // Moves option values into the command line, keeping "not given" apart
  // from a given value.
  void Collect() {
    for (const auto& [command, kind] : commands_) {
      if (app_.got_subcommand(command)) line_.kind = kind;
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

    ClientFlags& client = line_.client;
    for (CLI::Option* option : type_options_) {
      if (option->count() > 0) client.type = ParseJobType(type_);
    }
    if (schedule_option_->count() > 0) client.schedule = schedule_;
    if (singleton_option_->count() > 0) client.singleton = singleton_;
    if (arguments_option_->count() > 0) client.arguments = arguments_;
  }

  // The first word that is not an option (or the value of --url) names the
  // command, even when parsing failed before CLI11 reached it.
  static bool IsServe(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
      std::string_view word = argv[i];
      if (word == "--url") {
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

  std::vector<CLI::Option*> type_options_;
  std::string type_;
  CLI::Option* schedule_option_ = nullptr;
  std::string schedule_;
  CLI::Option* singleton_option_ = nullptr;
  bool singleton_ = false;
  CLI::Option* arguments_option_ = nullptr;
  std::string arguments_;
};

}  // namespace

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err) {
  Parser parser;
  return parser.Parse(argc, argv, out, err);
}

}  // namespace webjobs
