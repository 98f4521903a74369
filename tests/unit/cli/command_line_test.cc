#include "cli/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/exit_codes.h"

namespace webjobs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kListUsage = "webjobs [--url URL] list [--type TYPE] [--json]";
constexpr const char* kDeployUsage =
    "webjobs [--url URL] deploy FILE --name NAME --type TYPE [--schedule CRON] [--singleton] "
    "[--json]";
constexpr const char* kRunUsage = "webjobs [--url URL] run NAME [--args TEXT] [--wait]";
constexpr const char* kCronUsage =
    "webjobs cron EXPR [--time-zone ZONE] [--from INSTANT] [--count N] [--json]";
constexpr const char* kServeUsage =
    "webjobs serve [--root DIR] [--listen ADDR:PORT] [--runner EXT=COMMAND]... "
    "[--instance-id ID] [--log-level LEVEL] [--max-upload-bytes N] [--max-unpacked-bytes N] "
    "[--max-zip-entries N] [--max-compression-ratio N] [--tls-cert FILE --tls-key FILE] "
    "[--trusted-network] [--read-timeout SECONDS] [--write-timeout SECONDS] "
    "[--http-threads N] [--max-event-streams N]";
constexpr const char* kCommandList =
    "serve, list, deploy, run, history, logs, start, stop, cancel, delete, cron, user, token or audit";

// A command line that must be rejected, and the message expected after
// "webjobs: error: ".
struct UsageErrorCase {
  std::vector<const char*> args;
  std::string message;
};

std::string Join(const std::vector<const char*>& args) {
  std::string joined = "webjobs";
  for (const char* arg : args) joined += std::string(" ") + arg;
  return joined;
}

// Returns the long option names ("--json") that occur in `text`. Built
// without std::regex, which trips a false GCC 12 warning in the ASan build.
std::set<std::string> OptionNames(const std::string& text) {
  std::set<std::string> names;
  for (size_t start = text.find("--"); start != std::string::npos;
       start = text.find("--", start + 2)) {
    size_t end = start + 2;
    while (end < text.size() && (std::islower(static_cast<unsigned char>(text[end])) ||
                                 (text[end] == '-' && end > start + 2))) {
      ++end;
    }
    if (end > start + 2) names.insert(text.substr(start, end - start));
  }
  return names;
}

bool StartsWithServe(const std::vector<const char*>& args) {
  return !args.empty() && std::string_view(args.front()) == "serve";
}

class CommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv("WEBJOBS_URL"); }
  void TearDown() override { ::unsetenv("WEBJOBS_URL"); }

  ParsedCommandLine Parse(std::vector<const char*> args) {
    args.insert(args.begin(), "webjobs");
    out_.str("");
    err_.str("");
    return ParseCommandLine(static_cast<int>(args.size()), args.data(), out_, err_);
  }

  // Checks that each case exits with the usage code (64 for serve, as the
  // host's own usage errors) and prints exactly one error line.
  void ExpectUsageErrors(const std::vector<UsageErrorCase>& cases) {
    for (const UsageErrorCase& c : cases) {
      SCOPED_TRACE(Join(c.args));
      ParsedCommandLine parsed = Parse(c.args);
      EXPECT_FALSE(parsed.command);
      EXPECT_EQ(parsed.exit_code, StartsWithServe(c.args) ? 64 : kExitCliUsage);
      EXPECT_EQ(err_.str(), "webjobs: error: " + c.message + "\n");
      EXPECT_THAT(out_.str(), IsEmpty());
    }
  }

  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CommandLineTest, ParsesServeFlags) {
  std::vector<const char*> args = {"serve",
                                   "--root",
                                   "/srv/jobs",
                                   "--listen",
                                   "0.0.0.0:9000",
                                   "--runner",
                                   ".rb=ruby",
                                   "--runner",
                                   "pl=perl",
                                   "--instance-id",
                                   "web01",
                                   "--log-level",
                                   "debug",
                                   "--max-upload-bytes",
                                   "1000",
                                   "--max-unpacked-bytes",
                                   "2000",
                                   "--max-zip-entries",
                                   "30",
                                   "--max-compression-ratio",
                                   "40"};
  ParsedCommandLine parsed = Parse(args);

  ASSERT_TRUE(parsed.command) << err_.str();
  EXPECT_EQ(parsed.command->kind, CommandKind::kServe);
  const ServeFlags& serve = parsed.command->serve;
  EXPECT_EQ(serve.root, "/srv/jobs");
  EXPECT_EQ(serve.listen, "0.0.0.0:9000");
  EXPECT_THAT(serve.runners, ElementsAre(".rb=ruby", "pl=perl"));
  EXPECT_EQ(serve.instance_id, "web01");
  EXPECT_EQ(serve.log_level, "debug");
  EXPECT_EQ(serve.max_upload_bytes, 1000u);
  EXPECT_EQ(serve.max_unpacked_bytes, 2000u);
  EXPECT_EQ(serve.max_zip_entries, 30u);
  EXPECT_EQ(serve.max_compression_ratio, 40u);
}

TEST_F(CommandLineTest, ParsesTransportFlags) {
  ParsedCommandLine parsed =
      Parse({"serve", "--tls-cert", "cert.pem", "--tls-key", "key.pem", "--trusted-network",
             "--read-timeout", "5", "--write-timeout", "6", "--http-threads", "300"});
  ASSERT_TRUE(parsed.command) << err_.str();
  const ServeFlags& serve = parsed.command->serve;
  EXPECT_EQ(serve.tls_certificate_file, "cert.pem");
  EXPECT_EQ(serve.tls_key_file, "key.pem");
  EXPECT_TRUE(serve.trusted_network);
  EXPECT_EQ(serve.read_timeout_seconds, 5u);
  EXPECT_EQ(serve.write_timeout_seconds, 6u);
  EXPECT_EQ(serve.http_threads, 300u);
}

TEST_F(CommandLineTest, HttpThreadsOutOfRangeIsUsageError) {
  for (const char* value : {"0", "16385", "many"}) {
    ParsedCommandLine parsed = Parse({"serve", "--http-threads", value});
    EXPECT_FALSE(parsed.command) << value;
    EXPECT_EQ(parsed.exit_code, 64) << value;
    EXPECT_THAT(err_.str(), HasSubstr("--http-threads")) << value;
  }
}

TEST_F(CommandLineTest, ReadTimeoutOfZeroIsUsageError) {
  ParsedCommandLine parsed = Parse({"serve", "--read-timeout", "0"});
  EXPECT_FALSE(parsed.command);
  EXPECT_EQ(parsed.exit_code, 64);
  EXPECT_THAT(err_.str(), HasSubstr("--read-timeout"));
}

TEST_F(CommandLineTest, ParsesClientTlsOptions) {
  ParsedCommandLine parsed =
      Parse({"--ca-cert", "ca.pem", "list", "--insecure", "--url", "https://h:1"});
  ASSERT_TRUE(parsed.command) << err_.str();
  EXPECT_EQ(parsed.command->kind, CommandKind::kList);
  EXPECT_EQ(parsed.command->client.ca_certificate_file, "ca.pem");
  EXPECT_TRUE(parsed.command->client.insecure);
  EXPECT_EQ(parsed.command->client.url, "https://h:1");
}

TEST_F(CommandLineTest, CaCertValueIsNotTakenForCommand) {
  ParsedCommandLine parsed = Parse({"--ca-cert", "serve", "serve", "--bogus"});
  EXPECT_FALSE(parsed.command);
  EXPECT_EQ(parsed.exit_code, 64);
}

TEST_F(CommandLineTest, LeavesServeFlagsUnsetWhenAbsent) {
  ParsedCommandLine parsed = Parse({"serve"});
  ASSERT_TRUE(parsed.command);
  const ServeFlags& serve = parsed.command->serve;
  EXPECT_FALSE(serve.root);
  EXPECT_FALSE(serve.listen);
  EXPECT_FALSE(serve.log_level);
  EXPECT_FALSE(serve.max_upload_bytes);
  EXPECT_TRUE(serve.runners.empty());
}

TEST_F(CommandLineTest, ServeUsageErrorExitsWith64) {
  for (std::vector<const char*> args : {std::vector<const char*>{"serve", "--bogus"},
                                        {"serve", "--log-level", "loud"},
                                        {"serve", "--max-upload-bytes", "0"},
                                        {"serve", "--max-zip-entries", "many"}}) {
    ParsedCommandLine parsed = Parse(args);
    EXPECT_FALSE(parsed.command) << args[1];
    EXPECT_EQ(parsed.exit_code, 64) << args[1];
    EXPECT_FALSE(err_.str().empty()) << args[1];
  }
}

TEST_F(CommandLineTest, ClientUsageErrorExitsWith2) {
  for (std::vector<const char*> args :
       {std::vector<const char*>{"run"}, {"list", "--type", "daily"}, {"frobnicate"}, {}}) {
    ParsedCommandLine parsed = Parse(args);
    EXPECT_FALSE(parsed.command);
    EXPECT_EQ(parsed.exit_code, kExitCliUsage);
  }
}

TEST_F(CommandLineTest, HelpAndVersionExitWithZero) {
  ParsedCommandLine help = Parse({"--help"});
  EXPECT_FALSE(help.command);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(out_.str(), HasSubstr("deploy"));

  ParsedCommandLine version = Parse({"--version"});
  EXPECT_FALSE(version.command);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(out_.str(), HasSubstr("0."));
}

TEST_F(CommandLineTest, ParsesListWithTypeAndJson) {
  ParsedCommandLine parsed = Parse({"list", "--type", "continuous", "--json"});
  ASSERT_TRUE(parsed.command) << err_.str();
  EXPECT_EQ(parsed.command->kind, CommandKind::kList);
  EXPECT_EQ(parsed.command->client.type, JobType::kContinuous);
  EXPECT_TRUE(parsed.command->client.json);
  EXPECT_EQ(parsed.command->client.url, "http://127.0.0.1:8420");
}

TEST_F(CommandLineTest, ParsesDeploy) {
  ParsedCommandLine parsed = Parse({"deploy", "/etc/hostname", "--name", "nightly", "--type",
                                    "triggered", "--schedule", "0 0 2 * * *", "--singleton"});
  ASSERT_TRUE(parsed.command) << err_.str();
  const ClientFlags& client = parsed.command->client;
  EXPECT_EQ(parsed.command->kind, CommandKind::kDeploy);
  EXPECT_EQ(client.file, "/etc/hostname");
  EXPECT_EQ(client.name, "nightly");
  EXPECT_EQ(client.type, JobType::kTriggered);
  EXPECT_EQ(client.schedule, "0 0 2 * * *");
  EXPECT_EQ(client.singleton, true);
}

TEST_F(CommandLineTest, DeployNeedsNameTypeAndExistingFile) {
  EXPECT_EQ(Parse({"deploy", "/etc/hostname", "--type", "triggered"}).exit_code, kExitCliUsage);
  EXPECT_EQ(Parse({"deploy", "/etc/hostname", "--name", "n"}).exit_code, kExitCliUsage);
  EXPECT_EQ(Parse({"deploy", "/no/such/file", "--name", "n", "--type", "triggered"}).exit_code,
            kExitCliUsage);
}

TEST_F(CommandLineTest, ParsesRunWithArgumentsAndWait) {
  ParsedCommandLine parsed = Parse({"run", "nightly", "--args", "--full x", "--wait"});
  ASSERT_TRUE(parsed.command) << err_.str();
  EXPECT_EQ(parsed.command->kind, CommandKind::kRun);
  EXPECT_EQ(parsed.command->client.name, "nightly");
  EXPECT_EQ(parsed.command->client.arguments, "--full x");
  EXPECT_TRUE(parsed.command->client.wait);
}

TEST_F(CommandLineTest, ParsesNameCommands) {
  const std::pair<const char*, CommandKind> commands[] = {
      {"start", CommandKind::kStart},     {"stop", CommandKind::kStop},
      {"cancel", CommandKind::kCancel},   {"delete", CommandKind::kDelete},
      {"history", CommandKind::kHistory}, {"logs", CommandKind::kLogs},
  };
  for (const auto& [word, kind] : commands) {
    ParsedCommandLine parsed = Parse({word, "job1"});
    ASSERT_TRUE(parsed.command) << word << ": " << err_.str();
    EXPECT_EQ(parsed.command->kind, kind) << word;
    EXPECT_EQ(parsed.command->client.name, "job1") << word;
  }
}

TEST_F(CommandLineTest, ParsesLogsRun) {
  ParsedCommandLine parsed = Parse({"logs", "nightly", "202401021530450123"});
  ASSERT_TRUE(parsed.command) << err_.str();
  EXPECT_EQ(parsed.command->client.run_id, "202401021530450123");
}

TEST_F(CommandLineTest, ParsesLogsFollow) {
  ParsedCommandLine short_form = Parse({"logs", "nightly", "-f"});
  ASSERT_TRUE(short_form.command) << err_.str();
  EXPECT_TRUE(short_form.command->client.follow);

  ParsedCommandLine long_form = Parse({"logs", "nightly", "202401021530450123", "--follow"});
  ASSERT_TRUE(long_form.command) << err_.str();
  EXPECT_TRUE(long_form.command->client.follow);
  EXPECT_EQ(long_form.command->client.run_id, "202401021530450123");

  ParsedCommandLine without = Parse({"logs", "nightly"});
  ASSERT_TRUE(without.command) << err_.str();
  EXPECT_FALSE(without.command->client.follow);
}

TEST_F(CommandLineTest, ParsesMaxEventStreams) {
  ParsedCommandLine parsed = Parse({"serve", "--max-event-streams", "7"});
  ASSERT_TRUE(parsed.command) << err_.str();
  EXPECT_EQ(parsed.command->serve.max_event_streams, 7u);

  ParsedCommandLine zero = Parse({"serve", "--max-event-streams", "0"});
  EXPECT_FALSE(zero.command);
  ParsedCommandLine huge = Parse({"serve", "--max-event-streams", "10001"});
  EXPECT_FALSE(huge.command);
}

TEST_F(CommandLineTest, AcceptsUrlBeforeOrAfterCommand) {
  ParsedCommandLine before = Parse({"--url", "http://127.0.0.1:9000", "list"});
  ASSERT_TRUE(before.command) << err_.str();
  EXPECT_EQ(before.command->client.url, "http://127.0.0.1:9000");

  ParsedCommandLine after = Parse({"list", "--url", "http://127.0.0.1:9001"});
  ASSERT_TRUE(after.command) << err_.str();
  EXPECT_EQ(after.command->client.url, "http://127.0.0.1:9001");
}

TEST_F(CommandLineTest, ReadsUrlFromEnvironment) {
  ::setenv("WEBJOBS_URL", "http://127.0.0.1:9002", 1);
  ParsedCommandLine parsed = Parse({"list"});
  ASSERT_TRUE(parsed.command) << err_.str();
  EXPECT_EQ(parsed.command->client.url, "http://127.0.0.1:9002");

  ParsedCommandLine flag_wins = Parse({"list", "--url", "http://127.0.0.1:9003"});
  ASSERT_TRUE(flag_wins.command);
  EXPECT_EQ(flag_wins.command->client.url, "http://127.0.0.1:9003");
}

TEST_F(CommandLineTest, RejectsUnknownOptions) {
  ExpectUsageErrors({
      {{"list", "--bogus"}, std::string("unknown option --bogus; usage: ") + kListUsage},
      {{"list", "-x"}, std::string("unknown option -x; usage: ") + kListUsage},
      {{"run", "job1", "--bogus=1"}, std::string("unknown option --bogus; usage: ") + kRunUsage},
      {{"cron", "0 0 * * * *", "--bogus"},
       std::string("unknown option --bogus; usage: ") + kCronUsage},
      // An option before the command is checked as well.
      {{"--bogus", "cron", "0 0 * * * *"},
       std::string("unknown option --bogus; usage: ") + kCronUsage},
      {{"--bogus"}, "unknown option --bogus; usage: webjobs [--url URL] [--ca-cert FILE] [--insecure] COMMAND [arguments]"},
      // An option of another command.
      {{"list", "--wait"}, std::string("unknown option --wait; usage: ") + kListUsage},
      {{"serve", "--bogus"}, std::string("unknown option --bogus; usage: ") + kServeUsage},
  });
}

TEST_F(CommandLineTest, RejectsMissingValues) {
  ExpectUsageErrors({
      {{"list", "--type"}, std::string("missing value for --type; usage: ") + kListUsage},
      {{"list", "--type="}, std::string("missing value for --type; usage: ") + kListUsage},
      {{"run", "job1", "--args"}, std::string("missing value for --args; usage: ") + kRunUsage},
      {{"cron", "0 0 * * * *", "--count"},
       std::string("missing value for --count; usage: ") + kCronUsage},
      {{"cron", "0 0 * * * *", "--url"},
       std::string("missing value for --url; usage: ") + kCronUsage},
      {{"serve", "--root"}, std::string("missing value for --root; usage: ") + kServeUsage},
      {{"--url"}, "missing value for --url; usage: webjobs [--url URL] [--ca-cert FILE] [--insecure] COMMAND [arguments]"},
      // Another option where the value belongs.
      {{"deploy", "/etc/hostname", "--name", "--type", "triggered"},
       "missing value for --name: the word after it, --type, is an option"},
      {{"cron", "0 0 * * * *", "--time-zone", "--json"},
       "missing value for --time-zone: the word after it, --json, is an option"},
      {{"--url", "--json", "list"},
       "missing value for --url: the word after it, --json, is an option"},
  });
}

TEST_F(CommandLineTest, RejectsInvalidValues) {
  const std::string count_range = ": use a whole number from 1 to 1000";
  const std::string byte_range = ": use a whole number from 1 to 18446744073709551615";
  ExpectUsageErrors({
      {{"cron", "0 0 * * * *", "--count", "abc"}, "invalid --count value \"abc\"" + count_range},
      {{"cron", "0 0 * * * *", "--count=abc"}, "invalid --count value \"abc\"" + count_range},
      {{"cron", "0 0 * * * *", "--count", "0"}, "invalid --count value \"0\"" + count_range},
      {{"cron", "0 0 * * * *", "--count", "1001"}, "invalid --count value \"1001\"" + count_range},
      {{"cron", "0 0 * * * *", "--count", "-1"}, "invalid --count value \"-1\"" + count_range},
      {{"cron", "0 0 * * * *", "--count", "99999999999"},
       "invalid --count value \"99999999999\"" + count_range},
      {{"cron", "0 0 * * * *", "--count", "5x"}, "invalid --count value \"5x\"" + count_range},
      {{"serve", "--max-upload-bytes", "abc"},
       "invalid --max-upload-bytes value \"abc\"" + byte_range},
      {{"serve", "--max-zip-entries", "0"}, "invalid --max-zip-entries value \"0\"" + byte_range},
      {{"serve", "--max-unpacked-bytes", "18446744073709551616"},
       "invalid --max-unpacked-bytes value \"18446744073709551616\"" + byte_range},
      {{"serve", "--max-compression-ratio", "+5"},
       "invalid --max-compression-ratio value \"+5\"" + byte_range},
      {{"serve", "--log-level", "loud"},
       "invalid --log-level value \"loud\": use trace, debug, info, warn or error"},
      {{"list", "--type", "daily"}, "invalid --type value \"daily\": use continuous or triggered"},
      {{"deploy", "/etc/hostname", "--name", "n", "--type", "Triggered"},
       "invalid --type value \"Triggered\": use continuous or triggered"},
      {{"deploy", "/no/such/file", "--name", "n", "--type", "triggered"},
       "FILE \"/no/such/file\" does not exist; give the path of a zip file or a script"},
      {{"deploy", "/", "--name", "n", "--type", "triggered"},
       "FILE \"/\" is a directory; give the path of a zip file or a script"},
      {{"list", "--json=maybe"},
       "invalid --json value \"maybe\": write --json alone to turn it on, or --json=false to "
       "turn it off"},
      {{"run", "job1", "--wait=no"},
       "invalid --wait value \"no\": write --wait alone to turn it on, or --wait=false to turn "
       "it off"},
  });
}

TEST_F(CommandLineTest, RejectsRepeatedOptions) {
  ExpectUsageErrors({
      {{"cron", "0 0 * * * *", "--count", "5", "--count", "6"},
       "--count is given 2 times; give it once"},
      {{"list", "--type", "triggered", "--type", "continuous"},
       "--type is given 2 times; give it once"},
      {{"run", "job1", "--args", "a", "--args", "b"}, "--args is given 2 times; give it once"},
      {{"deploy", "/etc/hostname", "--name", "a", "--name", "b", "--type", "triggered"},
       "--name is given 2 times; give it once"},
      {{"--url", "http://127.0.0.1:1", "list", "--url", "http://127.0.0.1:2"},
       "--url is given 2 times; give it once"},
      {{"serve", "--root", "a", "--root", "b", "--root", "c"},
       "--root is given 3 times; give it once"},
  });
}

TEST_F(CommandLineTest, RejectsMissingArguments) {
  std::vector<UsageErrorCase> cases = {
      {{"run"}, std::string("missing NAME; usage: ") + kRunUsage},
      {{"run", "--wait"}, std::string("missing NAME; usage: ") + kRunUsage},
      {{"logs"}, "missing NAME; usage: webjobs [--url URL] logs NAME [RUN] [-f|--follow]"},
      {{"history", "--json"}, "missing NAME; usage: webjobs [--url URL] history NAME [--json]"},
      {{"deploy"}, std::string("missing FILE; usage: ") + kDeployUsage},
      {{"deploy", "/etc/hostname", "--type", "triggered"},
       std::string("missing --name; usage: ") + kDeployUsage},
      {{"deploy", "/etc/hostname", "--name", "n"},
       std::string("missing --type; usage: ") + kDeployUsage},
      {{"cron"}, std::string("missing EXPR; usage: ") + kCronUsage},
      {{"cron", "--count", "2"}, std::string("missing EXPR; usage: ") + kCronUsage},
      {{}, std::string("missing command; use one of ") + kCommandList},
      {{"--url", "http://127.0.0.1:1"}, std::string("missing command; use one of ") + kCommandList},
  };
  for (const char* command : {"start", "stop", "cancel", "delete"}) {
    cases.push_back(
        {{command}, std::string("missing NAME; usage: webjobs [--url URL] ") + command + " NAME"});
  }
  ExpectUsageErrors(cases);
}

TEST_F(CommandLineTest, RejectsExtraArguments) {
  const std::string hint = " (quote a value that contains spaces); usage: ";
  std::vector<UsageErrorCase> cases = {
      {{"list", "extra"}, "unexpected argument \"extra\"" + hint + kListUsage},
      {{"list", "--", "extra"}, "unexpected argument \"extra\"" + hint + kListUsage},
      {{"run", "job1", "extra"}, "unexpected argument \"extra\"" + hint + kRunUsage},
      {{"logs", "job1", "run1", "extra"},
       "unexpected argument \"extra\"" + hint + "webjobs [--url URL] logs NAME [RUN] [-f|--follow]"},
      {{"history", "a", "b", "c"},
       "unexpected argument \"b\"" + hint + "webjobs [--url URL] history NAME [--json]"},
      {{"serve", "extra"}, "unexpected argument \"extra\"" + hint + kServeUsage},
      // An unquoted schedule leaves its other fields over.
      {{"deploy", "/etc/hostname", "--name", "n", "--type", "triggered", "--schedule", "0", "0",
        "2", "*", "*", "*"},
       "unexpected argument \"0\"" + hint + kDeployUsage},
      {{"frobnicate"}, std::string("unknown command \"frobnicate\"; use one of ") + kCommandList},
      {{"--url", "http://127.0.0.1:1", "frobnicate"},
       std::string("unknown command \"frobnicate\"; use one of ") + kCommandList},
  };
  for (const char* command : {"start", "stop", "cancel", "delete"}) {
    cases.push_back(
        {{command, "a", "b"},
         "unexpected argument \"b\"" + hint + "webjobs [--url URL] " + command + " NAME"});
  }
  ExpectUsageErrors(cases);
}

TEST_F(CommandLineTest, EscapesControlCharactersInMessages) {
  ParsedCommandLine parsed = Parse({"list",
                                    "--\x01"
                                    "bad"});
  EXPECT_EQ(parsed.exit_code, kExitCliUsage);
  EXPECT_THAT(err_.str(), StartsWith("webjobs: error: unknown option --\\x01bad; "));
}

// --url works before and after every command, and --version after it.
// serve and cron accept --url and ignore it.
TEST_F(CommandLineTest, AcceptsUrlAndVersionWithEveryCommand) {
  const std::vector<std::vector<const char*>> commands = {
      {"serve"},
      {"list"},
      {"deploy", "/etc/hostname", "--name", "n", "--type", "triggered"},
      {"run", "job1"},
      {"history", "job1"},
      {"logs", "job1"},
      {"start", "job1"},
      {"stop", "job1"},
      {"cancel", "job1"},
      {"delete", "job1"},
      {"cron", "0 0 * * * *"},
  };
  for (const std::vector<const char*>& command : commands) {
    SCOPED_TRACE(Join(command));
    std::vector<const char*> before = {"--url", "http://127.0.0.1:9000"};
    before.insert(before.end(), command.begin(), command.end());
    std::vector<const char*> after = command;
    after.insert(after.end(), {"--url", "http://127.0.0.1:9001"});

    ParsedCommandLine parsed_before = Parse(before);
    ASSERT_TRUE(parsed_before.command) << err_.str();
    EXPECT_EQ(parsed_before.command->client.url, "http://127.0.0.1:9000");
    ParsedCommandLine parsed_after = Parse(after);
    ASSERT_TRUE(parsed_after.command) << err_.str();
    EXPECT_EQ(parsed_after.command->client.url, "http://127.0.0.1:9001");
    EXPECT_EQ(parsed_after.command->kind, parsed_before.command->kind);

    std::vector<const char*> version = command;
    version.push_back("--version");
    ParsedCommandLine parsed_version = Parse(version);
    EXPECT_FALSE(parsed_version.command);
    EXPECT_EQ(parsed_version.exit_code, 0);
    EXPECT_THAT(out_.str(), HasSubstr("0."));
  }
}

TEST_F(CommandLineTest, HelpOfEveryCommandExitsWithZero) {
  for (const char* command : {"serve", "list", "deploy", "run", "history", "logs", "start", "stop",
                              "cancel", "delete", "cron"}) {
    SCOPED_TRACE(command);
    ParsedCommandLine parsed = Parse({command, "--help"});
    EXPECT_FALSE(parsed.command);
    EXPECT_EQ(parsed.exit_code, 0);
    EXPECT_THAT(out_.str(), HasSubstr(std::string("Usage: webjobs ") + command + " [OPTIONS]"));
    EXPECT_THAT(err_.str(), IsEmpty());
  }
}

// The program's help shows cron with its usage in the footer, not in the
// list of commands.
TEST_F(CommandLineTest, HelpShowsCronInFooterOnly) {
  Parse({"--help"});
  const std::string help = out_.str();
  EXPECT_THAT(help, Not(HasSubstr("\n  cron ")));
  EXPECT_THAT(help, HasSubstr("webjobs cron EXPR [--time-zone ZONE]"));

  Parse({"cron", "--help"});
  EXPECT_THAT(out_.str(), Not(HasSubstr("see webjobs cron --help")));
}

// The usage line in messages names the same options as the command's help,
// so the two cannot drift apart.
TEST_F(CommandLineTest, UsageLinesMatchHelpOptions) {
  for (const char* command : {"serve", "list", "deploy", "run", "history", "logs", "start", "stop",
                              "cancel", "delete", "cron"}) {
    SCOPED_TRACE(command);
    Parse({command, "--help"});
    const std::string help = out_.str().substr(0, out_.str().find("\n\nwebjobs cron"));
    std::set<std::string> options = OptionNames(help);
    options.erase("--help");

    Parse({command, "--no-such-option"});
    const size_t usage = err_.str().find("usage: ");
    ASSERT_NE(usage, std::string::npos) << err_.str();
    std::set<std::string> usage_options = OptionNames(err_.str().substr(usage));
    // Help of a command leaves out the program's own options.
    usage_options.erase("--url");
    EXPECT_EQ(usage_options, options);
  }
}

}  // namespace
}  // namespace webjobs
