#include "cli/serve_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace webjobs {
namespace {

using ::testing::HasSubstr;

// Sets environment variables for one test and removes them afterwards.
class ServeConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* name : names_) ::unsetenv(name);
  }
  void SetEnv(const char* name, const char* value) {
    ::setenv(name, value, 1);
    names_.push_back(name);
  }

 private:
  std::vector<const char*> names_;
};

TEST_F(ServeConfigTest, UsesDefaultsWithoutFlags) {
  SetEnv("WEBJOBS_ROOT", "/tmp/webjobs-root-from-env");
  Result<HostConfig> config = BuildHostConfig(ServeFlags{});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->root, "/tmp/webjobs-root-from-env");
  EXPECT_EQ(config->listen_address, "127.0.0.1");
  EXPECT_EQ(config->listen_port, 8420);
  EXPECT_EQ(config->log_level, "info");
}

TEST_F(ServeConfigTest, FlagsOverrideEnvironment) {
  SetEnv("WEBJOBS_ROOT", "/tmp/webjobs-root-from-env");
  SetEnv("WEBSITE_INSTANCE_ID", "envinstance");
  SetEnv("WEBJOBS_HISTORY_SIZE", "7");
  ServeFlags flags;
  flags.root = "/tmp/webjobs-root-from-flag";
  flags.instance_id = "flag01";
  flags.listen = "[::1]:9000";
  flags.log_level = "debug";
  flags.max_upload_bytes = 1000;
  flags.max_unpacked_bytes = 2000;
  flags.max_zip_entries = 30;
  flags.max_compression_ratio = 40;
  Result<HostConfig> config = BuildHostConfig(flags);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->root, "/tmp/webjobs-root-from-flag");
  EXPECT_EQ(config->instance_id, "flag01");
  EXPECT_EQ(config->history_size, 7u);
  EXPECT_EQ(config->listen_address, "::1");
  EXPECT_EQ(config->listen_port, 9000);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->max_upload_bytes, 1000u);
  EXPECT_EQ(config->max_unpacked_bytes, 2000u);
  EXPECT_EQ(config->max_zip_entries, 30u);
  EXPECT_EQ(config->max_compression_ratio, 40u);
}

TEST_F(ServeConfigTest, MaxEventStreamsFromEnvironmentOrFlag) {
  EXPECT_EQ(BuildHostConfig(ServeFlags{})->max_event_streams, 100u);
  SetEnv("WEBJOBS_MAX_EVENT_STREAMS", "12");
  EXPECT_EQ(BuildHostConfig(ServeFlags{})->max_event_streams, 12u);
  ServeFlags flags;
  flags.max_event_streams = 3;
  EXPECT_EQ(BuildHostConfig(flags)->max_event_streams, 3u);
  SetEnv("WEBJOBS_MAX_EVENT_STREAMS", "100000");
  EXPECT_EQ(BuildHostConfig(ServeFlags{})->max_event_streams, 100u);
}

TEST_F(ServeConfigTest, InstanceIdComesFromEnvironmentWithoutFlag) {
  SetEnv("WEBSITE_INSTANCE_ID", "abcdef123456");
  Result<HostConfig> config = BuildHostConfig(ServeFlags{});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->instance_id, "abcdef");
}

TEST_F(ServeConfigTest, CollectsRunners) {
  ServeFlags flags;
  flags.runners = {".rb=ruby", "pl=perl -w"};
  Result<HostConfig> config = BuildHostConfig(flags);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->extra_runners.at(".rb"), "ruby");
  EXPECT_EQ(config->extra_runners.at(".pl"), "perl -w");
}

TEST_F(ServeConfigTest, RejectsInvalidFlags) {
  ServeFlags bad_listen;
  bad_listen.listen = "localhost";
  ServeFlags bad_runner;
  bad_runner.runners = {"ruby"};
  ServeFlags empty_instance;
  empty_instance.instance_id = "";
  for (const ServeFlags& flags : {bad_listen, bad_runner, empty_instance}) {
    Result<HostConfig> config = BuildHostConfig(flags);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(ParseRunnerFlagTest, ParsesExtensionAndCommand) {
  auto parsed = ParseRunnerFlag(".rb=ruby --disable-gems");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->first, ".rb");
  EXPECT_EQ(parsed->second, "ruby --disable-gems");
}

TEST(ParseRunnerFlagTest, RejectsMalformedValues) {
  for (const char* text :
       {"ruby", "=ruby", ".=ruby", ".rb=", ".rb=  ", "r b=ruby", ".a/b=x", ".tar.gz=x"}) {
    auto parsed = ParseRunnerFlag(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_THAT(parsed.error().message, HasSubstr("--runner")) << text;
  }
}

TEST_F(ServeConfigTest, PlainHttpOnAllAddressesIsRejected) {
  ServeFlags flags;
  flags.listen = "0.0.0.0:9000";
  Result<HostConfig> config = BuildHostConfig(flags);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(config.error().message, HasSubstr("\"0.0.0.0\""));
  EXPECT_THAT(config.error().message, HasSubstr("--tls-cert FILE --tls-key FILE"));
  EXPECT_THAT(config.error().message, HasSubstr("--trusted-network"));
}

TEST_F(ServeConfigTest, PlainHttpOnLanAddressIsRejected) {
  for (const char* listen : {"[::]:9000", "192.168.1.10:9000", "10.0.0.1:9000"}) {
    ServeFlags flags;
    flags.listen = listen;
    EXPECT_FALSE(BuildHostConfig(flags).ok()) << listen;
  }
}

TEST_F(ServeConfigTest, TrustedNetworkAllowsPlainHttp) {
  ServeFlags flags;
  flags.listen = "0.0.0.0:9000";
  flags.trusted_network = true;
  Result<HostConfig> config = BuildHostConfig(flags);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->trusted_network);
}

TEST_F(ServeConfigTest, TlsAllowsAnyAddress) {
  ServeFlags flags;
  flags.listen = "0.0.0.0:9000";
  flags.tls_certificate_file = "/etc/webjobs/cert.pem";
  flags.tls_key_file = "/etc/webjobs/key.pem";
  Result<HostConfig> config = BuildHostConfig(flags);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->tls_certificate_file, "/etc/webjobs/cert.pem");
  EXPECT_EQ(config->tls_key_file, "/etc/webjobs/key.pem");
}

TEST_F(ServeConfigTest, TlsFilesComeFromEnvironment) {
  SetEnv("WEBJOBS_TLS_CERT", "/env/cert.pem");
  SetEnv("WEBJOBS_TLS_KEY", "/env/key.pem");
  ServeFlags flags;
  flags.tls_key_file = "/flag/key.pem";
  Result<HostConfig> config = BuildHostConfig(flags);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->tls_certificate_file, "/env/cert.pem");
  EXPECT_EQ(config->tls_key_file, "/flag/key.pem");
}

TEST_F(ServeConfigTest, CertificateWithoutKeyIsRejected) {
  ServeFlags flags;
  flags.tls_certificate_file = "/etc/webjobs/cert.pem";
  Result<HostConfig> config = BuildHostConfig(flags);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("--tls-key"));
}

TEST_F(ServeConfigTest, KeyWithoutCertificateIsRejected) {
  ServeFlags flags;
  flags.tls_key_file = "/etc/webjobs/key.pem";
  Result<HostConfig> config = BuildHostConfig(flags);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("--tls-cert"));
}

TEST_F(ServeConfigTest, TimeoutsDefaultAndOverride) {
  Result<HostConfig> defaults = BuildHostConfig(ServeFlags{});
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  EXPECT_EQ(defaults->read_timeout, std::chrono::seconds(10));
  EXPECT_EQ(defaults->write_timeout, std::chrono::seconds(10));

  ServeFlags flags;
  flags.read_timeout_seconds = 3;
  flags.write_timeout_seconds = 4;
  Result<HostConfig> config = BuildHostConfig(flags);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->read_timeout, std::chrono::seconds(3));
  EXPECT_EQ(config->write_timeout, std::chrono::seconds(4));
}

TEST_F(ServeConfigTest, HttpThreadsDefaultAndOverride) {
  Result<HostConfig> defaults = BuildHostConfig(ServeFlags{});
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  EXPECT_EQ(defaults->http_threads, 512u);

  ServeFlags flags;
  flags.http_threads = 1000;
  Result<HostConfig> config = BuildHostConfig(flags);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->http_threads, 1000u);
}

}  // namespace
}  // namespace webjobs
