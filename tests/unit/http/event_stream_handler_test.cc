#include "http/event_stream_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <string>

#include "http/api_server_fixture.h"
#include "http/job_json.h"

namespace webjobs::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kRunId = "202401021530450123";
constexpr const char* kRunPath = "/api/triggeredwebjobs/J/history/202401021530450123/stream";

class EventStreamTest : public ApiServerTest {
 protected:
  // A finished run of J whose output_log.txt holds `output`.
  std::shared_ptr<LogFeed> AddFinishedRun(const std::string& output) {
    std::filesystem::path path = temp_dir_ / "output_log.txt";
    std::ofstream(path, std::ios::binary) << output;
    RunRecord run;
    run.job_name = "J";
    run.run_id = kRunId;
    run.status = run_status::kSuccess;
    run.start_time = std::chrono::system_clock::now();
    run.end_time = run.start_time;
    auto feed = std::make_shared<LogFeed>();
    std::lock_guard lock(service_.mutex);
    service_.runs["J"].push_back(run);
    service_.log_sources[std::string("J/") + kRunId] = LogSource{feed, path, {}};
    return feed;
  }
};

TEST_F(EventStreamTest, FinishedRunSendsOutputThenStatus) {
  AddFinishedRun("a\nb\n");
  httplib::Result result = Client().Get(kRunPath);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "text/event-stream");
  EXPECT_EQ(result->get_header_value("Cache-Control"), "no-cache");
  EXPECT_THAT(result->body, StartsWith("event: output\nid: 4\ndata: a\ndata: b\n\n"));
  EXPECT_THAT(result->body, HasSubstr("event: status\ndata: {"));
  EXPECT_THAT(result->body, HasSubstr("\"status\":\"Success\""));
}

TEST_F(EventStreamTest, StatusDataEqualsGetRunBody) {
  AddFinishedRun("a\n");
  httplib::Result stream = Client().Get(kRunPath);
  httplib::Result run = Client().Get("/api/triggeredwebjobs/J/history/202401021530450123");
  ASSERT_TRUE(stream);
  ASSERT_TRUE(run);
  EXPECT_THAT(stream->body, HasSubstr("event: status\ndata: " + run->body + "\n\n"));
}

TEST_F(EventStreamTest, LastEventIdResumesAfterIt) {
  AddFinishedRun("a\nb\n");
  httplib::Result result = Client().Get(kRunPath, {{"Last-Event-ID", "2"}});
  ASSERT_TRUE(result);
  EXPECT_THAT(result->body, StartsWith("event: output\nid: 4\ndata: b\n\n"));
}

TEST_F(EventStreamTest, FromQueryResumesAfterIt) {
  AddFinishedRun("a\nb\n");
  httplib::Result result = Client().Get(std::string(kRunPath) + "?from=4");
  ASSERT_TRUE(result);
  EXPECT_THAT(result->body, StartsWith("event: status\n"));
}

TEST_F(EventStreamTest, InvalidLastEventIdIs400) {
  AddFinishedRun("a\n");
  httplib::Result result = Client().Get(kRunPath, {{"Last-Event-ID", "abc"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_THAT(result->body, HasSubstr("Last-Event-ID"));
}

TEST_F(EventStreamTest, UnknownRunIs404) {
  httplib::Result result = Client().Get(kRunPath);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
}

TEST_F(EventStreamTest, ClosedContinuousFeedEndsStream) {
  std::filesystem::path path = temp_dir_ / "job_log.txt";
  std::ofstream(path, std::ios::binary) << "x\n";
  auto feed = std::make_shared<LogFeed>();
  feed->Close();
  {
    std::lock_guard lock(service_.mutex);
    service_.log_sources["C"] = LogSource{feed, path, {}};
  }
  httplib::Result result = Client().Get("/api/continuouswebjobs/C/log/stream");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->body, "event: output\nid: 2\ndata: x\n\n");
}

TEST_F(EventStreamTest, StopEndsOpenStream) {
  std::filesystem::path path = temp_dir_ / "job_log.txt";
  std::ofstream(path, std::ios::binary) << "x\n";
  auto feed = std::make_shared<LogFeed>();
  feed->Open();
  {
    std::lock_guard lock(service_.mutex);
    service_.log_sources["C"] = LogSource{feed, path, {}};
  }
  std::promise<std::string> first_event;
  std::thread reader([&] {
    httplib::Client client = Client();
    bool reported = false;
    std::string received;
    client.Get("/api/continuouswebjobs/C/log/stream", [&](const char* data, size_t length) {
      received.append(data, length);
      if (!reported) {
        first_event.set_value(received);
        reported = true;
      }
      return true;
    });
  });
  EXPECT_EQ(first_event.get_future().get(), "event: output\nid: 2\ndata: x\n\n");
  server_->Stop();
  reader.join();
}

TEST_F(EventStreamTest, SignOutEndsOpenStream) {
  std::filesystem::path path = temp_dir_ / "job_log.txt";
  std::ofstream(path, std::ios::binary) << "x\n";
  auto feed = std::make_shared<LogFeed>();
  feed->Open();
  {
    std::lock_guard lock(service_.mutex);
    service_.log_sources["C"] = LogSource{feed, path, {}};
  }
  httplib::Client anonymous("127.0.0.1", port_);
  httplib::Result signed_in = anonymous.Post(
      "/portal/session", nlohmann::json{{"user", kTestUser}, {"password", kTestPassword}}.dump(),
      "application/json");
  ASSERT_TRUE(signed_in);
  ASSERT_EQ(signed_in->status, 201) << signed_in->body;
  std::string set_cookie = signed_in->get_header_value("Set-Cookie");
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  std::string csrf_token = nlohmann::json::parse(signed_in->body)["csrf_token"];

  std::promise<void> first_event;
  std::string received;
  std::thread reader([&] {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30);
    bool reported = false;
    client.Get("/api/continuouswebjobs/C/log/stream", {{"Cookie", cookie}},
               [&](const char* data, size_t length) {
                 received.append(data, length);
                 if (!reported) first_event.set_value();
                 reported = true;
                 return true;
               });
  });
  first_event.get_future().wait();
  httplib::Result signed_out =
      anonymous.Delete("/portal/session", {{"Cookie", cookie}, {"X-CSRF-Token", csrf_token}});
  ASSERT_TRUE(signed_out);
  EXPECT_EQ(signed_out->status, 204);
  // The stream ends by itself; the feed stays open and the server runs on.
  reader.join();
  EXPECT_EQ(received, "event: output\nid: 2\ndata: x\n\n");
}

}  // namespace
}  // namespace webjobs::testing
