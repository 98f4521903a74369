// API tests of the Kudu routes added on top of the job routes: history
// paging and filters, the triggered jobs' Swagger document, the page
// behind extra_info_url, and the continuous job passthrough.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "http/api_server_fixture.h"

namespace webjobs::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Runs 202401021530450001 .. 0005 of `job`, newest first; odd ids
// succeeded, even ids failed. Run n started n minutes after 15:30 UTC.
std::vector<RunRecord> MakeHistory(const std::string& job) {
  std::vector<RunRecord> runs;
  for (int n = 5; n >= 1; --n) {
    RunRecord run;
    run.job_name = job;
    run.run_id = "20240102153045000" + std::to_string(n);
    run.status = n % 2 == 1 ? "Success" : "Failed";
    run.trigger = "External - test";
    run.start_time = std::chrono::sys_days(std::chrono::year{2024} / 1 / 2) +
                     std::chrono::hours(15) + std::chrono::minutes(30 + n);
    run.end_time = run.start_time + std::chrono::seconds(1);
    runs.push_back(run);
  }
  return runs;
}

std::vector<std::string> Ids(const json& body) {
  std::vector<std::string> ids;
  for (const json& run : body["runs"]) ids.push_back(run["id"].get<std::string>());
  return ids;
}

class KuduRoutesTest : public ApiServerTest {
 protected:
  void AddHistory() {
    AddJob("J", JobType::kTriggered);
    std::lock_guard lock(service_.mutex);
    service_.runs["J"] = MakeHistory("J");
  }
};

TEST_F(KuduRoutesTest, HistoryWithoutParametersKeepsKuduShape) {
  AddHistory();
  httplib::Result response = Client().Get("/api/triggeredwebjobs/J/history");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  json body = json::parse(response->body);
  EXPECT_EQ(body.size(), 1u);
  EXPECT_EQ(Ids(body).size(), 5u);
  EXPECT_FALSE(response->has_header("Link"));
  EXPECT_THAT(service_.Calls(), ::testing::Contains("ListRuns triggered J"));
}

TEST_F(KuduRoutesTest, HistoryLimitLinksNextPage) {
  AddHistory();
  httplib::Result first = Client().Get("/api/triggeredwebjobs/J/history?limit=2");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  json body = json::parse(first->body);
  EXPECT_EQ(Ids(body), (std::vector<std::string>{"202401021530450005", "202401021530450004"}));
  std::string next = Base() + "/api/triggeredwebjobs/J/history?before=202401021530450004&limit=2";
  EXPECT_EQ(body["next"], next);
  EXPECT_EQ(first->get_header_value("Link"), "<" + next + ">; rel=\"next\"");
  EXPECT_EQ(service_.last_limit, 3u);

  httplib::Result last =
      Client().Get("/api/triggeredwebjobs/J/history?before=202401021530450002&limit=2");
  ASSERT_TRUE(last);
  json last_body = json::parse(last->body);
  EXPECT_EQ(Ids(last_body), (std::vector<std::string>{"202401021530450001"}));
  EXPECT_FALSE(last_body.contains("next"));
  EXPECT_FALSE(last->has_header("Link"));
}

TEST_F(KuduRoutesTest, HistoryFiltersReachTheService) {
  AddHistory();
  httplib::Result response =
      Client().Get("/api/triggeredwebjobs/J/history?status=failed&since=2024-01-02T15:33:00Z");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(Ids(json::parse(response->body)), (std::vector<std::string>{"202401021530450004"}));
  EXPECT_EQ(service_.last_filter.statuses, (std::vector<std::string>{"Failed"}));
  EXPECT_FALSE(service_.last_limit.has_value());
}

TEST_F(KuduRoutesTest, HistoryBadParameterIsBadRequest) {
  AddHistory();
  httplib::Result response = Client().Get("/api/triggeredwebjobs/J/history?limit=0");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("limit=\"0\""));
  EXPECT_THAT(response->body, HasSubstr("1 to 1000"));
}

TEST_F(KuduRoutesTest, HistoryEntityTagDependsOnQuery) {
  AddHistory();
  httplib::Result plain = Client().Get("/api/triggeredwebjobs/J/history");
  httplib::Result two = Client().Get("/api/triggeredwebjobs/J/history?limit=2");
  httplib::Result three = Client().Get("/api/triggeredwebjobs/J/history?limit=3");
  ASSERT_TRUE(plain);
  ASSERT_TRUE(two);
  ASSERT_TRUE(three);
  std::string plain_tag = plain->get_header_value("ETag");
  std::string two_tag = two->get_header_value("ETag");
  EXPECT_NE(plain_tag, two_tag);
  EXPECT_NE(two_tag, three->get_header_value("ETag"));

  httplib::Result cached =
      Client().Get("/api/triggeredwebjobs/J/history?limit=2", {{"If-None-Match", two_tag}});
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->status, 304);
  httplib::Result other =
      Client().Get("/api/triggeredwebjobs/J/history?limit=3", {{"If-None-Match", two_tag}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
}

TEST_F(KuduRoutesTest, SwaggerListsTriggeredJobs) {
  AddJob("nightly", JobType::kTriggered);
  AddJob("worker", JobType::kContinuous);
  httplib::Result response = Client().Get("/api/triggeredwebjobsswagger");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  json doc = json::parse(response->body);
  EXPECT_EQ(doc["swagger"], "2.0");
  EXPECT_EQ(doc["info"], json({{"version", "v1"}, {"title", "WebJobs"}}));
  EXPECT_EQ(doc["host"], "placeHolder");
  EXPECT_EQ(doc["schemes"], json::array({"https"}));
  ASSERT_EQ(doc["paths"].size(), 1u);
  json post = doc["paths"]["/api/triggeredjobs/nightly/run"]["post"];
  EXPECT_EQ(post["operationId"], "nightly");
  EXPECT_EQ(post["responses"]["200"]["description"], "Success");
  EXPECT_EQ(post["responses"]["default"]["description"], "Success");
  ASSERT_EQ(post["parameters"].size(), 1u);
  EXPECT_EQ(
      post["parameters"][0],
      json({{"name", "arguments"}, {"in", "query"}, {"required", false}, {"type", "string"}}));
}

TEST_F(KuduRoutesTest, DashboardPageIsHtml) {
  httplib::Result response = Client().Get("/azurejobs/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->get_header_value("Content-Type"), StartsWith("text/html"));
  EXPECT_THAT(response->body, HasSubstr("../api/webjobs"));
}

// A stand-in for a continuous job's HTTP server on a free loopback port.
class JobServer {
 public:
  JobServer() {
    server_.Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
      Echo(request, response);
    });
    server_.Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
      Echo(request, response);
    });
    server_.Put(".*", [this](const httplib::Request& request, httplib::Response& response) {
      Echo(request, response);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~JobServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  static void Echo(const httplib::Request& request, httplib::Response& response) {
    json headers = json::object();
    for (const auto& [name, value] : request.headers) headers[name] = value;
    if (request.path == "/gone") {
      response.status = 404;
      return;
    }
    response.status = request.path == "/teapot" ? 418 : 200;
    response.set_header("X-Job", "yes");
    response.set_content(json{{"method", request.method},
                              {"target", request.target},
                              {"body", request.body},
                              {"headers", headers}}
                             .dump(),
                         "application/json");
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

class PassthroughTest : public ApiServerTest {
 protected:
  void AddRunningJob(int port) {
    AddJob("C", JobType::kContinuous);
    std::lock_guard lock(service_.mutex);
    service_.jobs.back().port = port;
  }
};

TEST_F(PassthroughTest, ForwardsMethodPathQueryAndBody) {
  JobServer job;
  AddRunningJob(job.port());
  httplib::Result response = Client().Post("/api/continuouswebjobs/C/passthrough/a%2Fb/c?x=1&y=%26",
                                           {{"X-Custom", "v"}},
                                           "payload", "text/plain");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("X-Job"), "yes");
  json echoed = json::parse(response->body);
  EXPECT_EQ(echoed["method"], "POST");
  EXPECT_EQ(echoed["target"], "/a%2Fb/c?x=1&y=%26");
  EXPECT_EQ(echoed["body"], "payload");
  EXPECT_EQ(echoed["headers"]["X-Custom"], "v");
  EXPECT_EQ(echoed["headers"]["Content-Type"], "text/plain");
  EXPECT_FALSE(echoed["headers"].contains("Authorization"));
  EXPECT_EQ(echoed["headers"]["Host"], "127.0.0.1:" + std::to_string(job.port()));
}

TEST_F(PassthroughTest, StreamsChunkedRequestBody) {
  JobServer job;
  AddRunningJob(job.port());
  std::string reply = SendRaw(
      "PUT /api/continuouswebjobs/C/passthrough/up HTTP/1.1\r\nHost: x\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(reply, HasSubstr("\"body\":\"abcde\""));
}

TEST_F(PassthroughTest, BodyOverUploadLimitIsTooLarge) {
  JobServer job;
  AddRunningJob(job.port());
  std::string body(kTestUploadLimit + 1, 'x');
  httplib::Result response =
      Client().Put("/api/continuouswebjobs/C/passthrough/up", body, "text/plain");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);

  std::string chunk = fmt::format("{:x}\r\n{}\r\n", body.size(), body);
  std::string reply = SendRaw(
      "PUT /api/continuouswebjobs/C/passthrough/up HTTP/1.1\r\nHost: x\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
      chunk + "0\r\n\r\n");
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 413"));
}

TEST_F(PassthroughTest, ReturnsJobStatus) {
  JobServer job;
  AddRunningJob(job.port());
  httplib::Result response = Client().Get("/api/continuouswebjobs/C/passthrough/teapot");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 418);
  EXPECT_EQ(json::parse(response->body)["target"], "/teapot");
}

TEST_F(PassthroughTest, KeepsEmptyErrorBodyOfJob) {
  JobServer job;
  AddRunningJob(job.port());
  httplib::Result response = Client().Get("/api/continuouswebjobs/C/passthrough/gone");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, "");
}

TEST_F(PassthroughTest, HeadGetsHeadersOnly) {
  JobServer job;
  AddRunningJob(job.port());
  httplib::Result response = Client().Head("/api/continuouswebjobs/C/passthrough/x");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("X-Job"), "yes");
  EXPECT_TRUE(response->body.empty());
}

TEST_F(PassthroughTest, StoppedJobIsNotFound) {
  AddJob("C", JobType::kContinuous);
  httplib::Result response = Client().Get("/api/continuouswebjobs/C/passthrough/x");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_THAT(response->body, HasSubstr("is not running on this instance"));
}

TEST_F(PassthroughTest, RefusedConnectionIsNotFound) {
  int port = 0;
  {
    JobServer closed;
    port = closed.port();
  }
  AddRunningJob(port);
  httplib::Result response =
      Client().Post("/api/continuouswebjobs/C/passthrough/x", "body", "text/plain");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_THAT(response->body, HasSubstr("cannot forward the request to continuous job \"C\""));
  EXPECT_THAT(response->body, HasSubstr("WEBJOBS_PORT"));

  // The connection stays usable: the request body was drained.
  httplib::Result health = Client().Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(PassthroughTest, UnknownJobIsNotFound) {
  httplib::Result response = Client().Get("/api/continuouswebjobs/none/passthrough/x");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
}

}  // namespace
}  // namespace webjobs::testing
