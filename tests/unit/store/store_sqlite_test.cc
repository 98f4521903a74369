#include "store/store_sqlite.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_schema.h"

namespace webjobs {
namespace {

using std::chrono::microseconds;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "webjobs-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_file_ = dir_ / "webjobs.db";
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteStore> OpenStore() {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(db_file_);
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Runs `sql` on a separate raw connection to the test database.
  void ExecRaw(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_file_.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    EXPECT_EQ(code, SQLITE_OK) << (message ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
  }

  std::filesystem::path dir_;
  std::filesystem::path db_file_;
};

TimePoint Micros(int64_t micros) { return TimePoint(microseconds(micros)); }

RunRecord MakeRun(const std::string& job, const std::string& run_id,
                  const std::string& status = run_status::kSuccess) {
  RunRecord run;
  run.job_name = job;
  run.run_id = run_id;
  run.status = status;
  run.trigger = "External - curl/8.0";
  run.instance_id = "host-a";
  run.start_time = Micros(1704209445012300);
  return run;
}

std::vector<std::string> RunIds(const std::vector<RunRecord>& runs) {
  std::vector<std::string> ids;
  ids.reserve(runs.size());
  for (const RunRecord& run : runs) {
    ids.push_back(run.run_id);
  }
  return ids;
}

TEST_F(SqliteStoreTest, RoundTripsEveryField) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  RunRecord run;
  run.job_name = "nightly";
  run.run_id = "202401021530450123";
  run.status = run_status::kFailed;
  run.trigger = "Schedule - 0 30 15 * * *";
  run.arguments = "--full \"a b\"";
  run.instance_id = "host-a";
  run.start_time = Micros(1704209445012300);
  run.end_time = Micros(1704209505999999);
  run.exit_code = -1;
  run.error = "killed by signal 9 (SIGKILL)";
  run.pid = 31415;
  ASSERT_TRUE(store->PutRun(run).ok());

  Result<std::optional<RunRecord>> read = store->GetRun("nightly", "202401021530450123");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_TRUE(read->has_value());
  const RunRecord& got = **read;
  EXPECT_EQ(got.job_name, "nightly");
  EXPECT_EQ(got.run_id, "202401021530450123");
  EXPECT_EQ(got.status, "Failed");
  EXPECT_EQ(got.trigger, "Schedule - 0 30 15 * * *");
  EXPECT_EQ(got.arguments, "--full \"a b\"");
  EXPECT_EQ(got.instance_id, "host-a");
  EXPECT_EQ(got.start_time, Micros(1704209445012300));
  EXPECT_EQ(got.end_time, Micros(1704209505999999));
  EXPECT_EQ(got.exit_code, -1);
  EXPECT_EQ(got.error, "killed by signal 9 (SIGKILL)");
  EXPECT_EQ(got.pid, 31415);
}

TEST_F(SqliteStoreTest, RoundTripsUnsetOptionalFields) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  RunRecord run = MakeRun("nightly", "202401021530450123", run_status::kRunning);
  run.arguments = std::string("nul\0inside", 10);
  ASSERT_TRUE(store->PutRun(run).ok());

  Result<std::optional<RunRecord>> read = store->GetRun("nightly", "202401021530450123");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_TRUE(read->has_value());
  EXPECT_FALSE((*read)->end_time.has_value());
  EXPECT_FALSE((*read)->exit_code.has_value());
  EXPECT_FALSE((*read)->pid.has_value());
  EXPECT_EQ((*read)->error, "");
  EXPECT_EQ((*read)->arguments, std::string("nul\0inside", 10));
}

TEST_F(SqliteStoreTest, DropsSubMicrosecondPart) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  RunRecord run = MakeRun("nightly", "202401021530450123");
  run.start_time = Micros(1704209445012300) + std::chrono::nanoseconds(999);
  ASSERT_TRUE(store->PutRun(run).ok());

  Result<std::optional<RunRecord>> read = store->GetRun("nightly", "202401021530450123");
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->start_time, Micros(1704209445012300));
}

TEST_F(SqliteStoreTest, GetRunOfUnknownRunReturnsNullopt) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutRun(MakeRun("nightly", "202401021530450123")).ok());

  Result<std::optional<RunRecord>> other_run = store->GetRun("nightly", "202401021530450124");
  ASSERT_TRUE(other_run.ok());
  EXPECT_FALSE(other_run->has_value());
  Result<std::optional<RunRecord>> other_job = store->GetRun("hourly", "202401021530450123");
  ASSERT_TRUE(other_job.ok());
  EXPECT_FALSE(other_job->has_value());
}

TEST_F(SqliteStoreTest, PutRunReplacesSameKey) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  RunRecord run = MakeRun("nightly", "202401021530450123", run_status::kRunning);
  run.pid = 4242;
  ASSERT_TRUE(store->PutRun(run).ok());
  run.status = run_status::kSuccess;
  run.pid.reset();
  run.exit_code = 0;
  run.end_time = Micros(1704209505000000);
  ASSERT_TRUE(store->PutRun(run).ok());

  Result<std::vector<RunRecord>> runs = store->ListRuns("nightly", 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].status, "Success");
  EXPECT_FALSE((*runs)[0].pid.has_value());
  EXPECT_EQ((*runs)[0].exit_code, 0);
  EXPECT_EQ((*runs)[0].end_time, Micros(1704209505000000));
}

TEST_F(SqliteStoreTest, PutRunsSavesABatchAndReplacesSameKey) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  RunRecord first = MakeRun("nightly", "202401021530450123", run_status::kRunning);
  RunRecord second = MakeRun("hourly", "202401021530450124", run_status::kRunning);
  RunRecord first_done = first;
  first_done.status = run_status::kSuccess;
  first_done.exit_code = 0;

  std::vector<Status> saved = store->PutRuns({first, second, first_done});
  ASSERT_EQ(saved.size(), 3u);
  for (const Status& status : saved) EXPECT_TRUE(status.ok()) << status.error().message;

  Result<std::optional<RunRecord>> nightly = store->GetRun("nightly", "202401021530450123");
  ASSERT_TRUE(nightly.ok());
  ASSERT_TRUE(nightly->has_value());
  EXPECT_EQ((*nightly)->status, "Success");  // the later record of the batch wins
  Result<std::optional<RunRecord>> hourly = store->GetRun("hourly", "202401021530450124");
  ASSERT_TRUE(hourly.ok());
  EXPECT_TRUE(hourly->has_value());
  EXPECT_TRUE(store->PutRuns({}).empty());
}

TEST_F(SqliteStoreTest, PutRunsFailureSavesNoneOfTheBatch) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ExecRaw(
      "CREATE TRIGGER fail_second BEFORE INSERT ON runs WHEN NEW.job_name = 'broken' "
      "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");

  std::vector<Status> saved = store->PutRuns(
      {MakeRun("nightly", "202401021530450123"), MakeRun("broken", "202401021530450124")});
  ASSERT_EQ(saved.size(), 2u);
  for (const Status& status : saved) {
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("run 202401021530450124 of job \"broken\""),
              std::string::npos)
        << status.error().message;
  }
  Result<std::vector<RunRecord>> runs = store->ListRuns("nightly", 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
}

// Five runs of "nightly", one per minute from 10:00, alternating
// Success and Failed, plus a run of another job.
void PutQueryFixture(SqliteStore& store) {
  const char* statuses[] = {run_status::kSuccess, run_status::kFailed};
  for (int minute = 0; minute < 5; ++minute) {
    std::string id = "2024010210" + std::to_string(10 + minute) + "000000";
    RunRecord run = MakeRun("nightly", id, statuses[minute % 2]);
    run.start_time = Micros(1704189600000000 + int64_t{minute} * 60000000);
    ASSERT_TRUE(store.PutRun(run).ok());
  }
  ASSERT_TRUE(store.PutRun(MakeRun("hourly", "202401021012000000", run_status::kFailed)).ok());
}

TEST_F(SqliteStoreTest, QueryRunsWithoutFilterListsNewestFirst) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutQueryFixture(*store);

  Result<std::vector<RunRecord>> runs = store->QueryRuns("nightly", RunFilter{}, 3);
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  EXPECT_EQ(RunIds(*runs), (std::vector<std::string>{"202401021014000000", "202401021013000000",
                                                     "202401021012000000"}));
}

TEST_F(SqliteStoreTest, QueryRunsBeforeRunIdPages) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutQueryFixture(*store);

  RunFilter filter;
  filter.before_run_id = "202401021012000000";
  Result<std::vector<RunRecord>> runs = store->QueryRuns("nightly", filter, 10);
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  EXPECT_EQ(RunIds(*runs), (std::vector<std::string>{"202401021011000000", "202401021010000000"}));
}

TEST_F(SqliteStoreTest, QueryRunsFiltersStatuses) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutQueryFixture(*store);

  RunFilter failed;
  failed.statuses = {run_status::kFailed};
  Result<std::vector<RunRecord>> runs = store->QueryRuns("nightly", failed, 10);
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  EXPECT_EQ(RunIds(*runs), (std::vector<std::string>{"202401021013000000", "202401021011000000"}));

  RunFilter both;
  both.statuses = {run_status::kFailed, run_status::kSuccess};
  Result<std::vector<RunRecord>> all = store->QueryRuns("nightly", both, 10);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 5u);

  RunFilter none;
  none.statuses = {run_status::kAborted};
  Result<std::vector<RunRecord>> empty = store->QueryRuns("nightly", none, 10);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST_F(SqliteStoreTest, QueryRunsSinceUntilIncludeBothEnds) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutQueryFixture(*store);

  RunFilter filter;
  filter.since = Micros(1704189600000000 + 60000000);   // 10:11
  filter.until = Micros(1704189600000000 + 180000000);  // 10:13
  Result<std::vector<RunRecord>> runs = store->QueryRuns("nightly", filter, 10);
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  EXPECT_EQ(RunIds(*runs), (std::vector<std::string>{"202401021013000000", "202401021012000000",
                                                     "202401021011000000"}));
}

TEST_F(SqliteStoreTest, QueryRunsCombinesFilters) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutQueryFixture(*store);

  RunFilter filter;
  filter.before_run_id = "202401021014000000";
  filter.statuses = {run_status::kSuccess};
  filter.since = Micros(1704189600000000 + 60000000);  // 10:11
  Result<std::vector<RunRecord>> runs = store->QueryRuns("nightly", filter, 10);
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  EXPECT_EQ(RunIds(*runs), (std::vector<std::string>{"202401021012000000"}));

  Result<std::vector<RunRecord>> limited = store->QueryRuns("nightly", RunFilter{}, 0);
  ASSERT_TRUE(limited.ok());
  EXPECT_TRUE(limited->empty());
}

TEST_F(SqliteStoreTest, QueryRunsTreatsValuesAsData) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  PutQueryFixture(*store);

  RunFilter filter;
  filter.statuses = {"Success') OR 1=1 --"};
  Result<std::vector<RunRecord>> runs = store->QueryRuns("nightly", filter, 10);
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  EXPECT_TRUE(runs->empty());
}

TEST_F(SqliteStoreTest, ListRunsNewestFirstWithLimit) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (const char* id :
       {"202401021530450200", "202401021530450100", "202401031200000000", "202312312359599999"}) {
    ASSERT_TRUE(store->PutRun(MakeRun("nightly", id)).ok());
  }
  ASSERT_TRUE(store->PutRun(MakeRun("hourly", "202501010000000000")).ok());

  Result<std::vector<RunRecord>> all = store->ListRuns("nightly", 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(RunIds(*all), (std::vector<std::string>{"202401031200000000", "202401021530450200",
                                                    "202401021530450100", "202312312359599999"}));

  Result<std::vector<RunRecord>> two = store->ListRuns("nightly", 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(RunIds(*two), (std::vector<std::string>{"202401031200000000", "202401021530450200"}));

  Result<std::vector<RunRecord>> none = store->ListRuns("nightly", 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  Result<std::vector<RunRecord>> unlimited = store->ListRuns("nightly", SIZE_MAX);
  ASSERT_TRUE(unlimited.ok());
  EXPECT_EQ(unlimited->size(), 4u);
}

// WEBJOBS_HISTORY_SIZE=3 and five runs: the three newest stay, the two oldest go.
TEST_F(SqliteStoreTest, TrimRunsKeepsNewestAndReturnsDeleted) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (const char* id : {"202401010000000003", "202401010000000001", "202401010000000005",
                         "202401010000000002", "202401010000000004"}) {
    ASSERT_TRUE(store->PutRun(MakeRun("nightly", id)).ok());
  }
  ASSERT_TRUE(store->PutRun(MakeRun("hourly", "202301010000000000")).ok());

  Result<std::vector<std::string>> deleted = store->TrimRuns("nightly", 3);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(*deleted, (std::vector<std::string>{"202401010000000001", "202401010000000002"}));

  Result<std::vector<RunRecord>> left = store->ListRuns("nightly", 100);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(RunIds(*left), (std::vector<std::string>{"202401010000000005", "202401010000000004",
                                                     "202401010000000003"}));
  Result<std::vector<RunRecord>> other = store->ListRuns("hourly", 100);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->size(), 1u);
}

// Overlapping runs ("allow") can outnumber the history size; none of them
// may lose its record or output while it runs.
TEST_F(SqliteStoreTest, TrimRunsKeepsActiveRuns) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutRun(MakeRun("many", "202401010000000001", run_status::kRunning)).ok());
  ASSERT_TRUE(store->PutRun(MakeRun("many", "202401010000000002", run_status::kSuccess)).ok());
  ASSERT_TRUE(store->PutRun(MakeRun("many", "202401010000000003", run_status::kInitializing)).ok());
  ASSERT_TRUE(store->PutRun(MakeRun("many", "202401010000000004", run_status::kFailed)).ok());
  ASSERT_TRUE(store->PutRun(MakeRun("many", "202401010000000005", run_status::kRunning)).ok());

  Result<std::vector<std::string>> removed = store->TrimRuns("many", 1);
  ASSERT_TRUE(removed.ok());
  std::vector<std::string> sorted = removed.value();
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::string>{"202401010000000002", "202401010000000004"}));
  Result<std::vector<RunRecord>> left = store->ListRuns("many", 10);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(RunIds(*left), (std::vector<std::string>{"202401010000000005", "202401010000000003",
                                                     "202401010000000001"}));
}

TEST_F(SqliteStoreTest, TrimRunsWithinLimitDeletesNothing) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutRun(MakeRun("nightly", "202401010000000001")).ok());

  Result<std::vector<std::string>> deleted = store->TrimRuns("nightly", 50);
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->empty());
  Result<std::vector<std::string>> unknown_job = store->TrimRuns("missing", 0);
  ASSERT_TRUE(unknown_job.ok());
  EXPECT_TRUE(unknown_job->empty());
}

TEST_F(SqliteStoreTest, TrimRunsToZeroDeletesAll) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutRun(MakeRun("nightly", "202401010000000002")).ok());
  ASSERT_TRUE(store->PutRun(MakeRun("nightly", "202401010000000001")).ok());

  Result<std::vector<std::string>> deleted = store->TrimRuns("nightly", 0);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, (std::vector<std::string>{"202401010000000001", "202401010000000002"}));
  Result<std::vector<RunRecord>> left = store->ListRuns("nightly", 100);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
}

TEST_F(SqliteStoreTest, ListRunsWithStatusAcrossJobs) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutRun(MakeRun("nightly", "202401010000000001", run_status::kRunning)).ok());
  ASSERT_TRUE(store->PutRun(MakeRun("nightly", "202401010000000002", run_status::kSuccess)).ok());
  ASSERT_TRUE(store->PutRun(MakeRun("nightly", "202401010000000003", run_status::kRunning)).ok());
  ASSERT_TRUE(store->PutRun(MakeRun("backup", "202401010000000009", run_status::kRunning)).ok());

  Result<std::vector<RunRecord>> running = store->ListRunsWithStatus(run_status::kRunning);
  ASSERT_TRUE(running.ok());
  ASSERT_EQ(running->size(), 3u);
  EXPECT_EQ((*running)[0].job_name, "backup");
  EXPECT_EQ((*running)[1].run_id, "202401010000000003");
  EXPECT_EQ((*running)[2].run_id, "202401010000000001");

  Result<std::vector<RunRecord>> aborted = store->ListRunsWithStatus(run_status::kAborted);
  ASSERT_TRUE(aborted.ok());
  EXPECT_TRUE(aborted->empty());
}

TEST_F(SqliteStoreTest, JobStateSetGetClear) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<std::optional<std::string>> never_set = store->GetJobState("feed", "stopped");
  ASSERT_TRUE(never_set.ok());
  EXPECT_FALSE(never_set->has_value());

  ASSERT_TRUE(store->SetJobState("feed", "stopped", "1").ok());
  ASSERT_TRUE(store->SetJobState("feed", "stopped", "0").ok());
  ASSERT_TRUE(store->SetJobState("other", "stopped", "1").ok());
  ASSERT_TRUE(store->SetJobState("feed", "empty", "").ok());
  Result<std::optional<std::string>> value = store->GetJobState("feed", "stopped");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "0");
  Result<std::optional<std::string>> empty = store->GetJobState("feed", "empty");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");

  ASSERT_TRUE(store->ClearJobState("feed", "stopped").ok());
  ASSERT_TRUE(store->ClearJobState("feed", "never-set").ok());
  Result<std::optional<std::string>> cleared = store->GetJobState("feed", "stopped");
  ASSERT_TRUE(cleared.ok());
  EXPECT_FALSE(cleared->has_value());
  Result<std::optional<std::string>> other = store->GetJobState("other", "stopped");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, "1");
}

TEST_F(SqliteStoreTest, DeleteJobRemovesOnlyThatJob) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutRun(MakeRun("nightly", "202401010000000001")).ok());
  ASSERT_TRUE(store->SetJobState("nightly", "last_slot", "202401010000").ok());
  ASSERT_TRUE(store->PutRun(MakeRun("hourly", "202401010000000002")).ok());
  ASSERT_TRUE(store->SetJobState("hourly", "last_slot", "202401010100").ok());

  ASSERT_TRUE(store->DeleteJob("nightly").ok());

  Result<std::vector<RunRecord>> runs = store->ListRuns("nightly", 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
  Result<std::optional<std::string>> state = store->GetJobState("nightly", "last_slot");
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->has_value());
  Result<std::vector<RunRecord>> other_runs = store->ListRuns("hourly", 10);
  ASSERT_TRUE(other_runs.ok());
  EXPECT_EQ(other_runs->size(), 1u);
  Result<std::optional<std::string>> other_state = store->GetJobState("hourly", "last_slot");
  ASSERT_TRUE(other_state.ok());
  EXPECT_EQ(*other_state, "202401010100");
}

TEST_F(SqliteStoreTest, ReopenSeesPersistedData) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    RunRecord run = MakeRun("nightly", "202401021530450123");
    run.exit_code = 3;
    ASSERT_TRUE(store->PutRun(run).ok());
    ASSERT_TRUE(store->SetJobState("nightly", "stopped", "1").ok());
  }
  auto reopened = OpenStore();
  ASSERT_NE(reopened, nullptr);
  Result<std::optional<RunRecord>> run = reopened->GetRun("nightly", "202401021530450123");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(run->has_value());
  EXPECT_EQ((*run)->exit_code, 3);
  Result<std::optional<std::string>> state = reopened->GetJobState("nightly", "stopped");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, "1");
}

TEST_F(SqliteStoreTest, NewFileGetsLatestSchemaVersionAndWal) {
  ASSERT_NE(OpenStore(), nullptr);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_file_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), LatestSqliteSchemaVersion());
  sqlite3_finalize(statement);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, ConcurrentPutRunFromFourThreads) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 4;
  constexpr int kRunsPerThread = 200;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRunsPerThread; ++i) {
        std::string id = "2024010100000" + std::to_string(10000 + t * 1000 + i);
        if (!store->PutRun(MakeRun("job" + std::to_string(t), id)).ok()) {
          ++failures[t];
        }
        if (!store->ListRuns("job" + std::to_string(t), 5).ok()) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0) << "thread " << t;
    Result<std::vector<RunRecord>> runs = store->ListRuns("job" + std::to_string(t), 1000);
    ASSERT_TRUE(runs.ok());
    EXPECT_EQ(runs->size(), static_cast<size_t>(kRunsPerThread));
  }
}

// Two stores on one file stand for two processes: the busy timeout makes
// each write wait for the other's lock instead of failing.
TEST_F(SqliteStoreTest, TwoConnectionsWriteSameFile) {
  auto first = OpenStore();
  auto second = OpenStore();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  int failures[2] = {0, 0};
  auto write = [&](SqliteStore* store, int index) {
    for (int i = 0; i < 200; ++i) {
      std::string id = "2024010100000" + std::to_string(10000 + index * 1000 + i);
      if (!store->PutRun(MakeRun("shared", id)).ok()) {
        ++failures[index];
      }
      if (!store->TrimRuns("shared", 1000).ok()) {
        ++failures[index];
      }
    }
  };
  std::thread one(write, first.get(), 0);
  std::thread two(write, second.get(), 1);
  one.join();
  two.join();

  EXPECT_EQ(failures[0], 0);
  EXPECT_EQ(failures[1], 0);
  Result<std::vector<RunRecord>> runs = first->ListRuns("shared", 1000);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->size(), 400u);
}

// A file written by a build with schema version 1 keeps its runs and gets
// the start time index of version 2.
TEST_F(SqliteStoreTest, MigratesVersionOneFile) {
  ExecRaw(R"sql(
CREATE TABLE runs (
  job_name TEXT NOT NULL, run_id TEXT NOT NULL, status TEXT NOT NULL,
  "trigger" TEXT NOT NULL, arguments TEXT NOT NULL, instance_id TEXT NOT NULL,
  start_time_us INTEGER NOT NULL, end_time_us INTEGER, exit_code INTEGER,
  error TEXT NOT NULL, pid INTEGER, PRIMARY KEY (job_name, run_id));
CREATE INDEX runs_by_status ON runs (status, job_name, run_id DESC);
CREATE TABLE job_state (job_name TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (job_name, key));
INSERT INTO runs VALUES ('nightly', '202401021530450123', 'Success', 't', '', 'i',
  1704209445012300, NULL, 0, '', NULL);
PRAGMA user_version = 1;
)sql");

  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  RunFilter filter;
  filter.since = Micros(1704209445012300);
  Result<std::vector<RunRecord>> runs = store->QueryRuns("nightly", filter, 10);
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  EXPECT_EQ(RunIds(*runs), (std::vector<std::string>{"202401021530450123"}));

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_file_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'runs_by_job_start'",
                         -1, &statement, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), 1);
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, RejectsNewerSchemaVersion) {
  ASSERT_NE(OpenStore(), nullptr);
  ExecRaw("PRAGMA user_version = 99");

  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(db_file_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
  const std::string& message = store.error().message;
  EXPECT_NE(message.find(db_file_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("schema version 99"), std::string::npos) << message;
  EXPECT_NE(message.find("up to " + std::to_string(LatestSqliteSchemaVersion())), std::string::npos)
      << message;
}

TEST_F(SqliteStoreTest, RejectsGarbageFile) {
  std::string garbage(8192, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) {
    garbage[i] = static_cast<char>((i * 7919 + 13) % 251);
  }
  std::ofstream(db_file_, std::ios::binary) << garbage;

  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(db_file_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
  const std::string& message = store.error().message;
  EXPECT_NE(message.find(db_file_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("file is not a database"), std::string::npos) << message;
}

TEST_F(SqliteStoreTest, RejectsMissingDirectory) {
  std::filesystem::path missing = dir_ / "no-such-dir" / "webjobs.db";
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(missing);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
  EXPECT_NE(store.error().message.find((dir_ / "no-such-dir").string()), std::string::npos)
      << store.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "no-such-dir"));
}

// A trigger injects a failure into the insert, to check the error text.
TEST_F(SqliteStoreTest, PutRunErrorNamesRunJobAndFile) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ExecRaw(
      "CREATE TRIGGER fail_insert BEFORE INSERT ON runs "
      "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");

  Status status = store->PutRun(MakeRun("nightly", "202401021530450123"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "store: cannot save run 202401021530450123 of job \"nightly\" in " + db_file_.string() +
                ": injected failure");
  EXPECT_EQ(status.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace webjobs

namespace webjobs {
namespace {

std::filesystem::perms PermissionsOf(const std::filesystem::path& file) {
  return std::filesystem::status(file).permissions() & std::filesystem::perms::mask;
}

constexpr std::filesystem::perms kOwnerReadWrite =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

TEST_F(SqliteStoreTest, NewDatabaseIsReadableOnlyByItsOwner) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutRun(MakeRun("job", "1")).ok());
  EXPECT_EQ(PermissionsOf(db_file_), kOwnerReadWrite);
  std::filesystem::path wal = db_file_;
  wal += "-wal";
  if (std::filesystem::exists(wal)) {
    EXPECT_EQ(PermissionsOf(wal), kOwnerReadWrite);
  }
}

TEST_F(SqliteStoreTest, OpeningRestrictsAnOlderDatabase) {
  { ASSERT_NE(OpenStore(), nullptr); }
  std::filesystem::permissions(
      db_file_, std::filesystem::perms::group_read | std::filesystem::perms::others_read,
      std::filesystem::perm_options::add);
  std::filesystem::path wal = db_file_;
  wal += "-wal";
  std::ofstream(wal).flush();
  std::filesystem::permissions(wal, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  ASSERT_NE(OpenStore(), nullptr);
  EXPECT_EQ(PermissionsOf(db_file_), kOwnerReadWrite);
  // SQLite may remove an empty -wal file when it opens the database.
  if (std::filesystem::exists(wal)) {
    EXPECT_EQ(PermissionsOf(wal) & std::filesystem::perms::others_all,
              std::filesystem::perms::none);
  }
}

}  // namespace
}  // namespace webjobs

namespace webjobs {
namespace {

TEST_F(SqliteStoreTest, CredentialsVersionFollowsUserAndTokenChanges) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::set<uint64_t> seen;
  auto expect_new_version = [&](const char* after) {
    Result<uint64_t> version = store->CredentialsVersion();
    ASSERT_TRUE(version.ok()) << version.error().message;
    EXPECT_TRUE(seen.insert(*version).second) << "unchanged after " << after;
  };
  expect_new_version("opening");
  UserRecord user{"alice", "hash", "admin", Micros(1), Micros(1)};
  ASSERT_TRUE(store->PutUser(user).ok());
  expect_new_version("PutUser");
  TokenRecord token{"0123456789abcdef", "alice", "ci", "read", "digest", Micros(2)};
  ASSERT_TRUE(store->PutToken(token).ok());
  expect_new_version("PutToken");
  ASSERT_TRUE(store->DeleteToken(token.id).ok());
  expect_new_version("DeleteToken");

  // A change through another connection, as `webjobs user --root` makes.
  ExecRaw("DELETE FROM users WHERE name = 'alice'");
  expect_new_version("a change by another connection");
  ASSERT_TRUE(store->DeleteUser("alice").ok());
  expect_new_version("DeleteUser");
}

}  // namespace
}  // namespace webjobs
