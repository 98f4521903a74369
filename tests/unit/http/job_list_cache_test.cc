#include "http/job_list_cache.h"

#include <gtest/gtest.h>

#include "gunzip.h"
#include "http/entity_tag.h"
#include "http/http_reply.h"
#include "http/job_json.h"

namespace webjobs {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kBase = "http://127.0.0.1:8420";

TimePoint Noon() {
  std::chrono::sys_days date = std::chrono::year{2024} / 3 / 4;
  return TimePoint(date.time_since_epoch() + std::chrono::hours(12));
}

RunRecord Run(const std::string& job, bool finished) {
  RunRecord run;
  run.job_name = job;
  run.run_id = "202403041200000000";
  run.status = finished ? "Success" : "Running";
  run.trigger = "External - curl/8.0";
  run.start_time = Noon();
  if (finished) {
    run.end_time = Noon() + seconds(3);
    run.exit_code = 0;
  }
  return run;
}

JobView Triggered(const std::string& name) {
  JobView job;
  job.name = name;
  job.type = JobType::kTriggered;
  job.run_command = "run.sh";
  job.latest_run = Run(name, true);
  return job;
}

JobView Continuous(const std::string& name) {
  JobView job;
  job.name = name;
  job.type = JobType::kContinuous;
  job.run_command = "run.py";
  job.status = "Running";
  job.detailed_status = "abc123 - Running\r\n";
  return job;
}

// The body and tag as the handler built them before the cache: one JSON
// array, and its copy without latest-run durations for the tag.
std::string ExpectedBody(const std::vector<JobView>& jobs, const std::string& base, TimePoint now) {
  json list = json::array();
  for (const JobView& job : jobs) list.push_back(JobToJson(job, base, now));
  return DumpJson(list);
}

std::string ExpectedTag(const std::vector<JobView>& jobs, const std::string& base, TimePoint now) {
  json list = json::array();
  for (const JobView& job : jobs) {
    json item = JobToJson(job, base, now);
    auto latest = item.find("latest_run");
    if (latest != item.end() && latest->is_object()) latest->erase("duration");
    list.push_back(item);
  }
  return MakeEntityTag(DumpJson(list));
}

std::vector<JobView> MixedJobs() {
  JobView never_ran = Triggered("never-ran");
  never_ran.latest_run.reset();
  JobView running = Triggered("running");
  running.latest_run = Run("running", false);
  JobView scheduled = Triggered("scheduled");
  scheduled.schedule = "0 */5 * * * *";
  scheduled.next_scheduled_run = Noon() + seconds(300);
  scheduled.settings = json{{"schedule", "0 */5 * * * *"}};
  scheduled.warnings = {"run.sh has CRLF line endings"};
  return {Triggered("a-job"), never_ran, running, scheduled, Continuous("worker")};
}

TEST(JobListCacheTest, EmptyListIsEmptyArray) {
  JobListCache cache;
  SerializedJobList list = cache.Serialize(std::nullopt, kBase, {}, Noon());
  EXPECT_EQ(*list.body, "[]");
  EXPECT_EQ(list.entity_tag, MakeEntityTag("[]"));
}

TEST(JobListCacheTest, MatchesJsonArrayBytes) {
  JobListCache cache;
  std::vector<JobView> jobs = MixedJobs();
  SerializedJobList list = cache.Serialize(std::nullopt, kBase, jobs, Noon() + seconds(7));
  EXPECT_EQ(*list.body, ExpectedBody(jobs, kBase, Noon() + seconds(7)));
  EXPECT_EQ(list.entity_tag, ExpectedTag(jobs, kBase, Noon() + seconds(7)));
}

TEST(JobListCacheTest, ReusesBodyWhenNothingChanged) {
  JobListCache cache;
  std::vector<JobView> jobs = {Triggered("a"), Triggered("b"), Continuous("c")};
  SerializedJobList first = cache.Serialize(std::nullopt, kBase, jobs, Noon());
  SerializedJobList second = cache.Serialize(std::nullopt, kBase, jobs, Noon() + seconds(60));
  EXPECT_EQ(first.body.get(), second.body.get());
  EXPECT_EQ(first.entity_tag, second.entity_tag);
}

TEST(JobListCacheTest, RunningDurationFollowsClock) {
  JobListCache cache;
  std::vector<JobView> jobs = MixedJobs();
  SerializedJobList first = cache.Serialize(std::nullopt, kBase, jobs, Noon() + seconds(1));
  SerializedJobList later = cache.Serialize(std::nullopt, kBase, jobs, Noon() + seconds(90));
  EXPECT_EQ(*later.body, ExpectedBody(jobs, kBase, Noon() + seconds(90)));
  EXPECT_NE(*first.body, *later.body);
  EXPECT_NE(later.body->find("\"duration\":\"00:01:30\""), std::string::npos);
  EXPECT_EQ(first.entity_tag, later.entity_tag);
}

TEST(JobListCacheTest, ChangedJobChangesBodyAndTag) {
  JobListCache cache;
  std::vector<JobView> jobs = {Triggered("a"), Triggered("b")};
  SerializedJobList before = cache.Serialize(std::nullopt, kBase, jobs, Noon());
  jobs[1].latest_run->status = "Failed";
  jobs[1].latest_run->exit_code = 1;
  SerializedJobList after = cache.Serialize(std::nullopt, kBase, jobs, Noon());
  EXPECT_EQ(*after.body, ExpectedBody(jobs, kBase, Noon()));
  EXPECT_NE(before.entity_tag, after.entity_tag);
  EXPECT_EQ(after.entity_tag, ExpectedTag(jobs, kBase, Noon()));
}

TEST(JobListCacheTest, FollowsAddedRemovedAndReorderedJobs) {
  JobListCache cache;
  std::vector<JobView> jobs = {Triggered("a"), Triggered("b"), Triggered("c")};
  cache.Serialize(std::nullopt, kBase, jobs, Noon());

  std::vector<JobView> removed = {Triggered("a"), Triggered("c")};
  EXPECT_EQ(*cache.Serialize(std::nullopt, kBase, removed, Noon()).body,
            ExpectedBody(removed, kBase, Noon()));
  std::vector<JobView> added = {Triggered("a"), Triggered("b2"), Triggered("c")};
  EXPECT_EQ(*cache.Serialize(std::nullopt, kBase, added, Noon()).body,
            ExpectedBody(added, kBase, Noon()));
  std::vector<JobView> reordered = {Triggered("c"), Triggered("a")};
  EXPECT_EQ(*cache.Serialize(std::nullopt, kBase, reordered, Noon()).body,
            ExpectedBody(reordered, kBase, Noon()));
}

TEST(JobListCacheTest, SameNameOfOtherTypeIsNotReused) {
  JobListCache cache;
  std::vector<JobView> triggered = {Triggered("same")};
  cache.Serialize(std::nullopt, kBase, triggered, Noon());
  std::vector<JobView> continuous = {Continuous("same")};
  EXPECT_EQ(*cache.Serialize(std::nullopt, kBase, continuous, Noon()).body,
            ExpectedBody(continuous, kBase, Noon()));
}

TEST(JobListCacheTest, KeepsBaseUrlsApart) {
  JobListCache cache;
  std::vector<JobView> jobs = {Triggered("a"), Continuous("b")};
  const std::string other = "https://jobs.example:8443";
  SerializedJobList local = cache.Serialize(std::nullopt, kBase, jobs, Noon());
  SerializedJobList remote = cache.Serialize(std::nullopt, other, jobs, Noon());
  EXPECT_EQ(*remote.body, ExpectedBody(jobs, other, Noon()));
  EXPECT_EQ(*cache.Serialize(std::nullopt, kBase, jobs, Noon()).body, *local.body);
  EXPECT_NE(local.entity_tag, remote.entity_tag);
}

TEST(JobListCacheTest, ManyBaseUrlsStayCorrect) {
  JobListCache cache;
  std::vector<JobView> jobs = {Triggered("a")};
  for (int round = 0; round < 2; ++round) {
    for (int port = 1; port <= 20; ++port) {
      std::string base = "http://127.0.0.1:" + std::to_string(port);
      EXPECT_EQ(*cache.Serialize(JobType::kTriggered, base, jobs, Noon()).body,
                ExpectedBody(jobs, base, Noon()));
    }
  }
}

TEST(JobListCacheTest, InvalidUtf8IsReplaced) {
  JobListCache cache;
  JobView job = Triggered("a");
  job.warnings = {"bad byte \xff in a file name"};
  std::vector<JobView> jobs = {job};
  SerializedJobList list = cache.Serialize(std::nullopt, kBase, jobs, Noon());
  EXPECT_EQ(*list.body, ExpectedBody(jobs, kBase, Noon()));
  EXPECT_NE(list.body->find("\xef\xbf\xbd"), std::string::npos);
}

}  // namespace
}  // namespace webjobs

namespace webjobs {
namespace {

constexpr ListEncodings kGzipOnly{.identity = false, .gzip = true};
constexpr ListEncodings kBoth{.identity = true, .gzip = true};

std::vector<JobView> ManyJobs(int count) {
  std::vector<JobView> jobs;
  for (int index = 0; index < count; ++index) {
    jobs.push_back(Triggered("job-" + std::to_string(1000 + index)));
  }
  return jobs;
}

TEST(JobListCacheGzipTest, GzipBodyIsTheCompressedJson) {
  JobListCache cache;
  std::vector<JobView> jobs = MixedJobs();
  SerializedJobList list = cache.Serialize(std::nullopt, kBase, jobs, Noon(), kBoth);
  ASSERT_NE(list.gzip_body, nullptr);
  ASSERT_NE(list.body, nullptr);
  EXPECT_EQ(Gunzip(*list.gzip_body), *list.body);
  EXPECT_EQ(*list.body, ExpectedBody(jobs, kBase, Noon()));
}

TEST(JobListCacheGzipTest, BuildsOnlyTheRequestedForms) {
  JobListCache cache;
  std::vector<JobView> jobs = ManyJobs(20);
  SerializedJobList gzip_only = cache.Serialize(std::nullopt, kBase, jobs, Noon(), kGzipOnly);
  EXPECT_EQ(gzip_only.body, nullptr);
  ASSERT_NE(gzip_only.gzip_body, nullptr);
  EXPECT_EQ(Gunzip(*gzip_only.gzip_body), ExpectedBody(jobs, kBase, Noon()));

  SerializedJobList plain = cache.Serialize(std::nullopt, kBase, jobs, Noon());
  EXPECT_EQ(plain.gzip_body, nullptr);
  ASSERT_NE(plain.body, nullptr);
  EXPECT_EQ(*plain.body, ExpectedBody(jobs, kBase, Noon()));
  EXPECT_EQ(plain.entity_tag, gzip_only.entity_tag);
}

TEST(JobListCacheGzipTest, ShortListIsNotCompressed) {
  JobListCache cache;
  SerializedJobList empty = cache.Serialize(std::nullopt, kBase, {}, Noon(), kGzipOnly);
  EXPECT_EQ(empty.gzip_body, nullptr);
  ASSERT_NE(empty.body, nullptr);
  EXPECT_EQ(*empty.body, "[]");
  std::vector<JobView> one = {Triggered("a")};
  ASSERT_LT(ExpectedBody(one, kBase, Noon()).size(), kMinGzipBodyBytes);
  SerializedJobList short_list = cache.Serialize(std::nullopt, kBase, one, Noon(), kGzipOnly);
  EXPECT_EQ(short_list.gzip_body, nullptr);
  EXPECT_EQ(*short_list.body, ExpectedBody(one, kBase, Noon()));
}

TEST(JobListCacheGzipTest, SimilarJobsCompressWell) {
  JobListCache cache;
  std::vector<JobView> jobs = ManyJobs(200);
  SerializedJobList list = cache.Serialize(std::nullopt, kBase, jobs, Noon(), kBoth);
  EXPECT_LT(list.gzip_body->size() * 8, list.body->size())
      << "gzip " << list.gzip_body->size() << " bytes, JSON " << list.body->size();
}

TEST(JobListCacheGzipTest, UnchangedListReusesGzipBody) {
  JobListCache cache;
  std::vector<JobView> jobs = ManyJobs(20);
  SerializedJobList first = cache.Serialize(std::nullopt, kBase, jobs, Noon(), kGzipOnly);
  SerializedJobList second = cache.Serialize(std::nullopt, kBase, jobs, Noon(), kGzipOnly);
  EXPECT_EQ(first.gzip_body.get(), second.gzip_body.get());
}

TEST(JobListCacheGzipTest, FollowsChangesRunsAndOrder) {
  JobListCache cache;
  std::vector<JobView> jobs = ManyJobs(20);
  jobs[5].latest_run = webjobs::Run(jobs[5].name, false);
  for (int second : {1, 2, 75}) {
    TimePoint now = Noon() + seconds(second);
    SerializedJobList list = cache.Serialize(std::nullopt, kBase, jobs, now, kGzipOnly);
    EXPECT_EQ(Gunzip(*list.gzip_body), ExpectedBody(jobs, kBase, now)) << "at +" << second << " s";
  }
  jobs[0].latest_run->status = "Failed";
  jobs.erase(jobs.begin() + 10);
  jobs.push_back(Continuous("worker"));
  std::swap(jobs[2], jobs[3]);
  SerializedJobList changed = cache.Serialize(std::nullopt, kBase, jobs, Noon(), kGzipOnly);
  EXPECT_EQ(Gunzip(*changed.gzip_body), ExpectedBody(jobs, kBase, Noon()));
  // A list of one type is compressed on its own.
  std::vector<JobView> triggered(jobs.begin(), jobs.end() - 1);
  SerializedJobList of_type = cache.Serialize(JobType::kTriggered, kBase, triggered, Noon(), kBoth);
  EXPECT_EQ(Gunzip(*of_type.gzip_body), *of_type.body);
  EXPECT_EQ(Gunzip(*cache.Serialize(std::nullopt, kBase, jobs, Noon(), kGzipOnly).gzip_body),
            ExpectedBody(jobs, kBase, Noon()));
}

}  // namespace
}  // namespace webjobs
