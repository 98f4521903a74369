#include "cli/listen_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace webjobs {
namespace {

using ::testing::HasSubstr;

TEST(ParseListenAddressTest, ParsesHostAndPort) {
  Result<ListenAddress> address = ParseListenAddress("127.0.0.1:8420");
  ASSERT_TRUE(address.ok()) << address.error().message;
  EXPECT_EQ(address->host, "127.0.0.1");
  EXPECT_EQ(address->port, 8420);
}

TEST(ParseListenAddressTest, ParsesBracketedIpv6) {
  Result<ListenAddress> address = ParseListenAddress("[::1]:65535");
  ASSERT_TRUE(address.ok()) << address.error().message;
  EXPECT_EQ(address->host, "::1");
  EXPECT_EQ(address->port, 65535);
}

TEST(ParseListenAddressTest, ParsesHostName) {
  Result<ListenAddress> address = ParseListenAddress("localhost:1");
  ASSERT_TRUE(address.ok()) << address.error().message;
  EXPECT_EQ(address->host, "localhost");
  EXPECT_EQ(address->port, 1);
}

TEST(ParseListenAddressTest, RejectsBadValues) {
  for (const char* text :
       {"8420", "127.0.0.1", "127.0.0.1:", ":8420", "127.0.0.1:0", "127.0.0.1:65536",
        "127.0.0.1:-1", "127.0.0.1:84x", "::1:8420", "[]:8420", "127.0.0.1: 8420"}) {
    Result<ListenAddress> address = ParseListenAddress(text);
    ASSERT_FALSE(address.ok()) << text;
    EXPECT_EQ(address.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_THAT(address.error().message, HasSubstr("--listen")) << text;
    EXPECT_THAT(address.error().message, HasSubstr("127.0.0.1:8420")) << text;
  }
}

TEST(IsLoopbackHostTest, TellsLoopbackFromOthers) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("192.168.1.10"));
}

TEST(IsLoopbackHostTest, ChecksAddressLiterals) {
  EXPECT_TRUE(IsLoopbackHost("127.255.255.254"));
  EXPECT_TRUE(IsLoopbackHost("::ffff:127.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("::ffff:10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("fe80::1"));
}

}  // namespace
}  // namespace webjobs
