#include "http/api_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "http/api_server_fixture.h"
#include "http/version.h"

namespace webjobs::testing {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

RunRecord MakeRun(const std::string& job, const std::string& id, const std::string& status) {
  RunRecord run;
  run.job_name = job;
  run.run_id = id;
  run.status = status;
  run.trigger = "External - curl/8.0";
  run.start_time = std::chrono::system_clock::now() - std::chrono::seconds(30);
  if (status != "Running") {
    run.end_time = run.start_time + std::chrono::seconds(2);
    run.exit_code = 0;
  }
  return run;
}

TEST_F(ApiServerTest, HealthReportsInstanceAndVersion) {
  httplib::Result response = Client().Get("/api/health");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  json body = json::parse(response->body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["instance"], "abc123");
  EXPECT_EQ(body["version"], std::string(kWebjobsVersion));
}

TEST_F(ApiServerTest, ListsTriggeredThenContinuous) {
  AddJob("worker", JobType::kContinuous);
  AddJob("nightly", JobType::kTriggered);
  httplib::Result response = Client().Get("/api/webjobs");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->get_header_value("Content-Type"), StartsWith("application/json"));
  json body = json::parse(response->body);
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[0]["name"], "nightly");
  EXPECT_EQ(body[1]["name"], "worker");
  EXPECT_EQ(body[1]["log_url"], Base() + "/vfs/data/jobs/continuous/worker/job_log.txt");
}

TEST_F(ApiServerTest, ListsOneTypeOnCanonicalAndAliasRoutes) {
  AddJob("worker", JobType::kContinuous);
  AddJob("nightly", JobType::kTriggered);
  for (const char* path :
       {"/api/triggeredwebjobs", "/api/triggeredjobs", "/jobs/triggered", "/api/jobs/triggered/"}) {
    httplib::Result response = Client().Get(path);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 200) << path;
    json body = json::parse(response->body);
    ASSERT_EQ(body.size(), 1u) << path;
    EXPECT_EQ(body[0]["name"], "nightly") << path;
  }
}

TEST_F(ApiServerTest, ListAnswersNotModifiedForMatchingEntityTag) {
  AddJob("nightly", JobType::kTriggered);
  httplib::Result first = Client().Get("/api/webjobs");
  ASSERT_TRUE(first);
  std::string tag = first->get_header_value("ETag");
  ASSERT_FALSE(tag.empty());

  httplib::Result second = Client().Get("/api/webjobs", {{"If-None-Match", tag}});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 304);
  EXPECT_EQ(second->get_header_value("ETag"), tag);
  EXPECT_THAT(second->body, IsEmpty());

  AddJob("other", JobType::kTriggered);
  httplib::Result changed = Client().Get("/api/webjobs", {{"If-None-Match", tag}});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_NE(changed->get_header_value("ETag"), tag);
}

TEST_F(ApiServerTest, GetsJobOrNotFound) {
  AddJob("nightly", JobType::kTriggered);
  httplib::Result found = Client().Get("/api/triggeredwebjobs/nightly");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, 200);
  json body = json::parse(found->body);
  EXPECT_EQ(body["url"], Base() + "/api/triggeredwebjobs/nightly");
  EXPECT_EQ(body["history_url"], Base() + "/api/triggeredwebjobs/nightly/history");

  httplib::Result missing = Client().Get("/api/continuouswebjobs/nightly");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_THAT(missing->body, HasSubstr("nightly"));
}

TEST_F(ApiServerTest, UsesHostHeaderForUrls) {
  AddJob("nightly", JobType::kTriggered);
  httplib::Result response =
      Client().Get("/api/triggeredwebjobs/nightly", {{"Host", "jobs.example:9000"}});
  ASSERT_TRUE(response);
  json body = json::parse(response->body);
  EXPECT_EQ(body["url"], "http://jobs.example:9000/api/triggeredwebjobs/nightly");
}

TEST_F(ApiServerTest, DeleteSucceedsForMissingJob) {
  httplib::Result response = Client().Delete("/api/triggeredwebjobs/Nope");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, IsEmpty());
  EXPECT_THAT(service_.Calls(), ElementsAre("DeleteJob triggered Nope"));
}

TEST_F(ApiServerTest, RunReturnsAcceptedWithLocation) {
  AddJob("J", JobType::kTriggered);
  httplib::Client client = Client();
  client.set_default_headers({{"User-Agent", "test-agent/1.0"}});
  httplib::Result response = client.Post("/api/triggeredwebjobs/J/run?arguments=--full%20x");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 202);
  EXPECT_THAT(response->body, IsEmpty());
  EXPECT_EQ(response->get_header_value("Location"),
            Base() + "/api/triggeredwebjobs/J/history/202401021530450123");
  std::lock_guard lock(service_.mutex);
  EXPECT_EQ(service_.last_arguments, "--full x");
  EXPECT_EQ(service_.last_trigger, "External - test-agent/1.0");
}

TEST_F(ApiServerTest, RunWithoutContentLengthReturnsPromptly) {
  // httplib 0.11 would read such a body until the connection closes.
  auto started = std::chrono::steady_clock::now();
  std::string reply = SendRaw(
      "POST /api/triggeredwebjobs/J/run HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 202"));
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST_F(ApiServerTest, RunWhileRunningIsConflict) {
  service_.fail_with = Conflict("triggered job J is already running; wait for run 1 to end");
  httplib::Result response = Client().Post("/api/triggeredwebjobs/J/run");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 409);
  EXPECT_EQ(response->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_THAT(response->body, HasSubstr("already running"));
}

TEST_F(ApiServerTest, GetOfRunRouteIsNotFound) {
  httplib::Result response = Client().Get("/api/triggeredwebjobs/J/run");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerTest, CancelSucceedsOrConflicts) {
  httplib::Result cancelled = Client().Post("/api/triggeredwebjobs/J/cancel");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, 200);

  service_.fail_with = Conflict("triggered job J has no active run");
  httplib::Result idle = Client().Post("/api/triggeredwebjobs/J/cancel");
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->status, 409);
  EXPECT_THAT(service_.Calls(), ElementsAre("CancelRun J", "CancelRun J"));
}

TEST_F(ApiServerTest, DeleteOfRunCancelsThatRun) {
  httplib::Result cancelled = Client().Delete("/api/triggeredwebjobs/J/history/202401021530450123");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, 200);

  service_.fail_with = NotFound("job \"J\" has no active or waiting run 202401021530450124");
  httplib::Result ended = Client().Delete("/api/triggeredwebjobs/J/history/202401021530450124");
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->status, 404);
  EXPECT_THAT(ended->body, HasSubstr("202401021530450124"));
  EXPECT_THAT(service_.Calls(), ElementsAre("CancelOneRun J/202401021530450123",
                                            "CancelOneRun J/202401021530450124"));
}

TEST_F(ApiServerTest, StartAndStopContinuousJob) {
  httplib::Result started = Client().Post("/api/continuouswebjobs/C/start");
  httplib::Result stopped = Client().Post("/api/continuousjobs/C/stop");
  ASSERT_TRUE(started);
  ASSERT_TRUE(stopped);
  EXPECT_EQ(started->status, 200);
  EXPECT_EQ(stopped->status, 200);
  EXPECT_THAT(service_.Calls(), ElementsAre("StartJob C", "StopJob C"));
}

TEST_F(ApiServerTest, HistoryOfNeverRunJobIsEmptyList) {
  AddJob("J", JobType::kTriggered);
  httplib::Result response = Client().Get("/api/triggeredwebjobs/J/history");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(json::parse(response->body), json({{"runs", json::array()}}));
  EXPECT_FALSE(response->get_header_value("ETag").empty());
}

TEST_F(ApiServerTest, HistoryListsRunsNewestFirst) {
  AddJob("J", JobType::kTriggered);
  service_.runs["J"] = {MakeRun("J", "202401021530450002", "Running"),
                        MakeRun("J", "202401021530450001", "Success")};
  httplib::Result response = Client().Get("/api/triggeredwebjobs/J/history");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  json runs = json::parse(response->body)["runs"];
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["id"], "202401021530450002");
  EXPECT_EQ(runs[0]["end_time"], "0001-01-01T00:00:00");
  EXPECT_THAT(runs[0]["duration"].get<std::string>(), StartsWith("00:00:3"));
  EXPECT_EQ(runs[1]["id"], "202401021530450001");
  EXPECT_EQ(runs[1]["duration"], "00:00:02");
}

TEST_F(ApiServerTest, HistoryEntityTagFollowsLatestRun) {
  AddJob("J", JobType::kTriggered);
  service_.runs["J"] = {MakeRun("J", "202401021530450001", "Running")};
  httplib::Result first = Client().Get("/api/triggeredwebjobs/J/history");
  ASSERT_TRUE(first);
  std::string tag = first->get_header_value("ETag");

  httplib::Result unchanged =
      Client().Get("/api/triggeredwebjobs/J/history", {{"If-None-Match", tag}});
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->status, 304);

  {
    std::lock_guard lock(service_.mutex);
    service_.runs["J"] = {MakeRun("J", "202401021530450001", "Success")};
  }
  httplib::Result ended = Client().Get("/api/triggeredwebjobs/J/history", {{"If-None-Match", tag}});
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->status, 200);
}

TEST_F(ApiServerTest, GetsOneRunOrNotFound) {
  AddJob("J", JobType::kTriggered);
  service_.runs["J"] = {MakeRun("J", "202401021530450001", "Success")};
  httplib::Result found = Client().Get("/api/triggeredwebjobs/J/history/202401021530450001");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, 200);
  json run = json::parse(found->body);
  EXPECT_EQ(run["id"], "202401021530450001");
  EXPECT_EQ(run["output_url"],
            Base() + "/vfs/data/jobs/triggered/J/202401021530450001/output_log.txt");

  httplib::Result other = Client().Get("/api/triggeredwebjobs/J/history/202401021530450009");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  httplib::Result short_id = Client().Get("/api/triggeredwebjobs/J/history/20000101000000000");
  ASSERT_TRUE(short_id);
  EXPECT_EQ(short_id->status, 404);
}

TEST_F(ApiServerTest, RunIdTraversalIsRejected) {
  httplib::Result response =
      Client().Get("/api/triggeredwebjobs/J/history/..%2F..%2FOther%2F202401021530450001");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerTest, SettingsReadAndReplace) {
  AddJob("J", JobType::kTriggered);
  httplib::Result stored = Client().Put("/api/triggeredwebjobs/J/settings",
                                        R"({"schedule":"0 */2 * * * *"})", "application/json");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, 200);
  {
    std::lock_guard lock(service_.mutex);
    ASSERT_EQ(service_.stored_settings.size(), 1u);
    EXPECT_EQ(service_.stored_settings[0], json({{"schedule", "0 */2 * * * *"}}));
    service_.settings["J"] = service_.stored_settings[0];
  }
  httplib::Result read = Client().Get("/api/triggeredwebjobs/J/settings");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  EXPECT_EQ(json::parse(read->body), json({{"schedule", "0 */2 * * * *"}}));
}

TEST_F(ApiServerTest, SettingsPatchPassesMergePatch) {
  AddJob("J", JobType::kTriggered);
  httplib::Result patched =
      Client().Patch("/api/triggeredwebjobs/J/settings",
                     R"({"schedule": null, "overlap": "allow"})", "application/merge-patch+json");
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->status, 200) << patched->body;
  std::lock_guard lock(service_.mutex);
  ASSERT_EQ(service_.stored_settings.size(), 1u);
  EXPECT_EQ(service_.stored_settings[0], json({{"schedule", nullptr}, {"overlap", "allow"}}));
}

TEST_F(ApiServerTest, SettingsPatchMustBeJsonObject) {
  AddJob("J", JobType::kTriggered);
  for (const char* body : {"[1]", "null", "{\"schedule\": ", ""}) {
    httplib::Result patched =
        Client().Patch("/api/triggeredwebjobs/J/settings", body, "application/json");
    ASSERT_TRUE(patched);
    EXPECT_EQ(patched->status, 400) << body;
    EXPECT_THAT(patched->body, HasSubstr("must be a JSON object")) << body;
  }
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerTest, SettingsOfUnknownJobIsNotFound) {
  httplib::Result read = Client().Get("/api/triggeredwebjobs/Nope/settings");
  httplib::Result write =
      Client().Put("/api/triggeredwebjobs/Nope/settings", "{}", "application/json");
  ASSERT_TRUE(read);
  ASSERT_TRUE(write);
  EXPECT_EQ(read->status, 404);
  EXPECT_EQ(write->status, 404);
}

TEST_F(ApiServerTest, SettingsBodyMustBeJsonObject) {
  AddJob("J", JobType::kTriggered);
  struct BadBody {
    const char* body;
    const char* message;
  };
  for (const BadBody& bad :
       {BadBody{"[1,2]", "must contain a JSON object"},
        BadBody{"\"text\"", "must contain a JSON object"},
        BadBody{"{\"schedule\": ", "not valid JSON"}, BadBody{"  ", "empty"}}) {
    httplib::Result response =
        Client().Put("/api/triggeredwebjobs/J/settings", bad.body, "application/json");
    ASSERT_TRUE(response) << bad.body;
    EXPECT_EQ(response->status, 400) << bad.body;
    EXPECT_THAT(response->body, HasSubstr(bad.message)) << bad.body;
  }
  std::lock_guard lock(service_.mutex);
  EXPECT_THAT(service_.stored_settings, IsEmpty());
}

TEST_F(ApiServerTest, SettingsErrorsReadAsUploadErrors) {
  AddJob("T", JobType::kTriggered);
  AddJob("C", JobType::kContinuous);
  struct BadBody {
    const char* path;
    const char* body;
    const char* message;
  };
  const BadBody cases[] = {
      {"/api/triggeredwebjobs/T/settings", "not json",
       "settings.job is not valid JSON: line 1, column 2: invalid literal; last read: 'no'"},
      {"/api/triggeredwebjobs/T/settings", "{\"schedule\": 5}",
       "settings.job: \"schedule\" must be a string, found 5 (a number)"},
      {"/api/triggeredwebjobs/T/settings", "{\"catch_up_window\": 1e12}",
       "settings.job: \"catch_up_window\" is out of range: found 1000000000000, but it must be a "
       "whole number of seconds from 1 to 2147483647"},
      {"/api/continuouswebjobs/C/settings", "{\"schedule\": \"0 0 * * * *\"}",
       "settings.job: \"schedule\" is set, but continuous jobs do not run on a schedule; deploy "
       "the job as triggered, or remove the key"},
      {"/api/continuouswebjobs/C/settings", "{\"restart_delay\": -5}",
       "settings.job: \"restart_delay\" is out of range: found -5, but it must be a whole number "
       "of seconds from 0 to 2147483647"},
  };
  for (const BadBody& bad : cases) {
    httplib::Result response = Client().Put(bad.path, bad.body, "application/json");
    ASSERT_TRUE(response) << bad.body;
    EXPECT_EQ(response->status, 400) << bad.body;
    EXPECT_EQ(response->body, bad.message) << bad.body;
  }
  std::lock_guard lock(service_.mutex);
  EXPECT_THAT(service_.stored_settings, IsEmpty());
}

TEST_F(ApiServerTest, SettingsStoredAsSent) {
  AddJob("T", JobType::kTriggered);
  httplib::Result response =
      Client().Put("/api/triggeredwebjobs/T/settings",
                   "{\"stopping_wait_time\": 6e1, \"extra\": [1]}", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  std::lock_guard lock(service_.mutex);
  ASSERT_EQ(service_.stored_settings.size(), 1u);
  EXPECT_EQ(service_.stored_settings[0], json({{"stopping_wait_time", 60.0}, {"extra", {1}}}));
}

TEST_F(ApiServerTest, InternalErrorHidesLibraryId) {
  {
    std::lock_guard lock(service_.mutex);
    service_.throw_library_error = true;
  }
  httplib::Result response = Client().Get("/api/triggeredwebjobs");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_THAT(response->body, StartsWith("internal error: "));
  EXPECT_THAT(response->body, HasSubstr("type must be string"));
  EXPECT_THAT(response->body, Not(HasSubstr("json.exception")));
}

TEST_F(ApiServerTest, SettingsBodyMayHaveComments) {
  AddJob("J", JobType::kTriggered);
  httplib::Result response =
      Client().Put("/api/triggeredwebjobs/J/settings",
                   "// nightly\n{\"is_singleton\": true /* one */}", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
}

TEST_F(ApiServerTest, RejectsUnsafeNamesBeforeCallingService) {
  std::string long_name(256, 'n');
  const std::string paths[] = {
      "/api/triggeredwebjobs/..",           "/api/triggeredwebjobs/.",
      "/api/triggeredwebjobs/a%2Fb",        "/api/triggeredwebjobs/a%5Cb",
      "/api/triggeredwebjobs/..%2F..%2Fx",  "/api/triggeredwebjobs/%2e%2e",
      "/api/triggeredwebjobs/" + long_name,
  };
  for (const std::string& path : paths) {
    httplib::Result response = Client().Get(path);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 400) << path;
    EXPECT_THAT(response->body, HasSubstr("invalid job name")) << path;
    EXPECT_THAT(response->body, HasSubstr("letter or digit")) << path;
  }
  httplib::Result empty = Client().Post("/api/triggeredwebjobs//run");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  httplib::Result put = Client().Put("/api/triggeredwebjobs/..%2F..%2Fx", "echo", "text/plain");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 400);
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerTest, RawSeparatorInNameNeverReachesService) {
  httplib::Result response = Client().Get("/api/triggeredwebjobs/a/b");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_THAT(service_.Calls(), IsEmpty());
}

TEST_F(ApiServerTest, MapsErrorCodesToStatus) {
  struct Mapping {
    Error error;
    int status;
  };
  for (const Mapping& mapping :
       {Mapping{InvalidArgument("bad"), 400}, Mapping{TooLarge("too many entries"), 400},
        Mapping{NotFound("gone"), 404}, Mapping{Conflict("busy"), 409},
        Mapping{Unavailable("shutting down"), 503}, Mapping{IoError("disk full"), 500},
        Mapping{InternalError("broken"), 500}}) {
    service_.fail_with = mapping.error;
    httplib::Result response = Client().Get("/api/webjobs");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, mapping.status) << mapping.error.message;
    EXPECT_EQ(response->body, mapping.error.message);
  }
}

TEST_F(ApiServerTest, UnknownPathIsPlainTextNotFound) {
  httplib::Result response = Client().Get("/api/nothing");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_THAT(response->body, HasSubstr("no route for GET"));
}

TEST_F(ApiServerTest, RangeHeaderDoesNotCutJson) {
  AddJob("nightly", JobType::kTriggered);
  httplib::Result response = Client().Get("/api/webjobs", {{"Range", "bytes=0-3"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(json::parse(response->body).size(), 1u);
}

TEST_F(ApiServerTest, KeepAliveSurvivesRejectedBody) {
  // The rejected upload's body must be drained, or it would be read as
  // the next request on the same connection.
  httplib::Client client = Client();
  client.set_keep_alive(true);
  httplib::Result rejected =
      client.Put("/api/triggeredwebjobs/J", std::string(5000, 'x'), "application/octet-stream");
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, 400);
  httplib::Result next = client.Get("/api/health");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ApiServerTest, PatchIsNotFoundAndBodyDrained) {
  httplib::Client client = Client();
  client.set_keep_alive(true);
  httplib::Result patched =
      client.Patch("/api/triggeredwebjobs/J", std::string(5000, 'x'), "application/json");
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->status, 404);
  httplib::Result next = client.Get("/api/health");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ApiServerTest, LongPathsAreRejectedWithoutCrash) {
  httplib::Result long_name = Client().Get("/api/triggeredwebjobs/" + std::string(8000, 'a'));
  ASSERT_TRUE(long_name);
  EXPECT_EQ(long_name->status, 400);
  httplib::Result too_long = Client().Get("/api/" + std::string(9000, 'a'));
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->status, 414);
}

TEST(ApiServerStartTest, ReportsAddressInUse) {
  FakeJobService service;
  TempDir root;
  std::unique_ptr<SqliteStore> store = OpenTestStore(root.path());
  ASSERT_NE(store, nullptr);
  ApiServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  ApiServer first(service, *store, options);
  Result<int> port = first.Start();
  ASSERT_TRUE(port.ok()) << port.error().message;

  options.port = *port;
  ApiServer second(service, *store, options);
  Result<int> failed = second.Start();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(failed.error().message, HasSubstr("127.0.0.1:" + std::to_string(*port)));
  EXPECT_THAT(failed.error().message, HasSubstr("Address already in use"));
}

TEST(ApiServerStartTest, StopIsIdempotent) {
  FakeJobService service;
  TempDir root;
  std::unique_ptr<SqliteStore> store = OpenTestStore(root.path());
  ASSERT_NE(store, nullptr);
  ApiServerOptions options;
  options.port = 0;
  options.threads = 2;
  ApiServer server(service, *store, options);
  ASSERT_TRUE(server.Start().ok());
  server.Stop();
  server.Stop();
}

}  // namespace
}  // namespace webjobs::testing
