// Request line and header limits, timeouts and TLS of the API server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/api_server_fixture.h"
#include "http/request_limits.h"
#include "http/test_certificate.h"

namespace webjobs::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string HealthRequestWith(const std::string& headers) {
  return "GET /api/health HTTP/1.1\r\nHost: test\r\n" + headers + "\r\n";
}

TEST_F(ApiServerTest, LongRequestLineGets414AndClose) {
  std::string reply =
      SendRaw("GET /api/" + std::string(kMaxRequestLineBytes + 100, 'a') +
              " HTTP/1.1\r\nHost: test\r\n\r\nGET /api/health HTTP/1.1\r\nHost: test\r\n\r\n");
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 414 "));
  EXPECT_THAT(reply, HasSubstr("the request line is longer than 8192 bytes"));
  EXPECT_THAT(reply, HasSubstr("Connection: close"));
  // The pipelined second request is not answered, because the server
  // closed the connection.
  EXPECT_THAT(reply, Not(HasSubstr("200 OK")));
}

TEST_F(ApiServerTest, LongHeaderLineGets400WithReason) {
  std::string reply = SendRaw(HealthRequestWith(
      "X-Long: " + std::string(kMaxHeaderLineBytes + 10, 'b') + "\r\nX-After: 1\r\n"));
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 400 "));
  EXPECT_THAT(reply, HasSubstr("a header line is longer than 8192 bytes"));
  EXPECT_THAT(reply, HasSubstr("Connection: close"));
  // The lines after the long one are not read as a second request.
  EXPECT_EQ(reply.find("HTTP/1.1", 1), std::string::npos);
}

TEST_F(ApiServerTest, HeadersOverTotalLimitGet431) {
  std::string headers;
  for (int i = 0; headers.size() <= kMaxRequestHeaderBytes; ++i) {
    headers += "X-Field-" + std::to_string(i) + ": " + std::string(4000, 'c') + "\r\n";
  }
  std::string reply = SendRaw(HealthRequestWith(headers));
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 431 "));
  EXPECT_THAT(reply, HasSubstr("more than the limit of 65536"));
  EXPECT_THAT(reply, HasSubstr("Connection: close"));
}

TEST_F(ApiServerTest, HeadersUnderTotalLimitAreServed) {
  std::string headers;
  for (int i = 0; i < 10; ++i) {
    headers += "X-Field-" + std::to_string(i) + ": " + std::string(4000, 'c') + "\r\n";
  }
  std::string reply = SendRaw(HealthRequestWith(headers + "Connection: close\r\n"));
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 "));
}

TEST_F(ApiServerTest, MalformedRequestLineGets400) {
  std::string reply = SendRaw("NOT-A-METHOD / HTTP/1.1\r\nHost: test\r\n\r\n");
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 400 "));
  EXPECT_THAT(reply, HasSubstr("malformed HTTP request"));
}

TEST(RequestHeaderBytesTest, CountsSentHeadersOnly) {
  httplib::Request request;
  request.headers.emplace("Host", "h");
  request.headers.emplace("REMOTE_ADDR", "127.0.0.1");
  EXPECT_EQ(RequestHeaderBytes(request), std::string("Host: h\r\n").size());
}

// A server with TLS credentials and a short read timeout.
class TlsApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestCertificate pair = MakeSelfSignedCertificate();
    auto credentials = TlsCredentials::FromPem(pair.certificate_pem, pair.key_pem, "cert", "key");
    ASSERT_TRUE(credentials.ok()) << credentials.error().message;
    ApiServerOptions options;
    options.port = 0;
    options.threads = 4;
    options.tls = *credentials;
    options.read_timeout = std::chrono::seconds(1);
    store_ = OpenTestStore(root_.path());
    ASSERT_NE(store_, nullptr);
    server_ = std::make_unique<ApiServer>(service_, *store_, options);
    Result<int> port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
  }

  FakeJobService service_;
  TempDir root_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<ApiServer> server_;
  int port_ = 0;
};

TEST_F(TlsApiServerTest, ServesHealthOverTls) {
  httplib::SSLClient client("127.0.0.1", port_);
  client.enable_server_certificate_verification(false);
  client.set_basic_auth(kTestUser, kTestPassword);
  httplib::Result health = client.Get("/api/health");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
}

TEST_F(TlsApiServerTest, JobUrlsUseHttps) {
  JobView job;
  job.name = "Job";
  job.type = JobType::kTriggered;
  job.run_command = "run.sh";
  {
    std::lock_guard lock(service_.mutex);
    service_.jobs.push_back(job);
  }
  httplib::SSLClient client("127.0.0.1", port_);
  client.enable_server_certificate_verification(false);
  client.set_basic_auth(kTestUser, kTestPassword);
  httplib::Result got = client.Get("/api/triggeredwebjobs/Job");
  ASSERT_TRUE(got) << httplib::to_string(got.error());
  EXPECT_THAT(got->body, HasSubstr("\"url\":\"https://127.0.0.1:"));
}

TEST_F(TlsApiServerTest, PlainHttpClientGetsNoResponse) {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(10);
  httplib::Result health = client.Get("/api/health");
  EXPECT_FALSE(health);
}

}  // namespace
}  // namespace webjobs::testing
