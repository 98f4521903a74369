#include "cli/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "cli/exit_codes.h"

namespace webjobs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

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

}  // namespace
}  // namespace webjobs
