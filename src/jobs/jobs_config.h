// Settings the jobs layer takes from the host configuration.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace webjobs {

struct JobsConfig {
  std::string instance_id;
  // Part of every job process's marker: the instance id plus a digest of
  // the data root, so two hosts on one machine (different roots, maybe the
  // same instance id) never find, and kill, each other's processes.
  // Empty means instance_id.
  std::string marker_scope;
  std::chrono::seconds restart_delay{60};  // after a run that lived less than restart_quick_exit
  std::chrono::seconds restart_quick_exit{120};
  std::chrono::seconds idle_timeout{120};  // triggered runs; 0 disables
  size_t history_size = 50;
  bool webjobs_stopped = false;
  bool disable_schedule = false;
  uint64_t continuous_log_max_bytes = 10ull << 20;
  int continuous_log_files = 5;
  // Kudu's catch-up limit: after downtime, a missed slot at most this old
  // runs once at start.
  std::chrono::seconds catch_up_limit{600};
  // Overlap "allow": the most runs of one triggered job active at once. A
  // slot or manual run beyond it is treated as under "skip". 64 keeps a
  // runaway schedule from exhausting processes and file descriptors while
  // leaving far more room than a job that overlaps on purpose needs.
  size_t max_active_runs = 64;
  // A scheduled run is prepared (slot recorded, folders checked, output
  // pipes made) this long before its slot, so that at the slot only the
  // spawn remains. Zero prepares at the slot; at most 500 ms is used.
  std::chrono::milliseconds schedule_lead{100};

  const std::string& MarkerScope() const {
    return marker_scope.empty() ? instance_id : marker_scope;
  }
};

}  // namespace webjobs
