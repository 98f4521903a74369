"""Continuous jobs: restart policy, the stop protocol, child processes.

Stop protocol: the host writes the file named by WEBJOBS_SHUTDOWN_FILE,
waits up to stopping_wait_time for the job to exit (a ceiling, not a fixed
delay), then kills every process of the job, including grandchildren that
left its process group. The fixture sets WEBJOBS_RESTART_TIME=2.
"""

import time

from webjobs_host import WAIT_FOR_SHUTDOWN, is_alive, stdout_lines, wait_for


def start_count(host, name):
    return stdout_lines(host.continuous_log(name)).count("start")


def test_failing_job_restarts_after_delay(host):
    host.deploy_zip("crash", "continuous", {"run.sh": "echo start\nsleep 1\nexit 1\n"})
    host.wait_for_status("crash", "PendingRestart", timeout=30)
    log = host.continuous_log("crash")
    assert "exit code 1" in log, f"expected a log line stating exit code 1; got:\n{log}"
    wait_for(lambda: start_count(host, "crash") >= 2, 30, "a second start after the restart delay")


def test_failing_job_does_not_restart_in_tight_loop(start_host):
    host = start_host({"WEBJOBS_RESTART_TIME": "3"})
    host.deploy_zip("loop", "continuous", {"run.sh": "echo start\nexit 1\n"})
    host.wait_for_log_line("loop", "start")
    time.sleep(7)
    starts = start_count(host, "loop")
    # With a 3 s delay, 7 s allow about 3 starts; a tight loop makes hundreds.
    assert starts <= 5, f"expected at most 5 starts in 7 s with WEBJOBS_RESTART_TIME=3; got {starts}"


def test_long_lived_process_restarts_without_delay(start_host):
    host = start_host({"WEBJOBS_RESTART_TIME": "120", "WEBJOBS_RESTART_QUICK_EXIT": "1"})
    host.deploy_zip("long", "continuous", {"run.sh": "echo start\nsleep 3\nexit 0\n"})
    # The process lived longer than WEBJOBS_RESTART_QUICK_EXIT, so the
    # 120 s restart delay does not apply.
    wait_for(lambda: start_count(host, "long") >= 2, 60,
             "an immediate restart of a process that lived past the quick-exit limit")


def test_stop_during_pending_restart(start_host):
    host = start_host({"WEBJOBS_RESTART_TIME": "4"})
    host.deploy_zip("pending", "continuous", {"run.sh": "echo start\nexit 1\n"})
    host.wait_for_status("pending", "PendingRestart")
    host.expect(host.request("POST", "/api/continuouswebjobs/pending/stop"), 200, "stop")
    host.wait_for_status("pending", "Stopped", timeout=10)

    starts = start_count(host, "pending")
    time.sleep(6)
    assert start_count(host, "pending") == starts, "expected no start after a stop in PendingRestart"
    assert host.status("pending") == "Stopped", "expected the job to stay Stopped"


GRACEFUL_PY = '''import os, sys, time
path = os.environ.get("WEBJOBS_SHUTDOWN_FILE", "")
print("shutdown-file-set=" + str(bool(path)), flush=True)
print("shutdown-file-exists-at-start=" + str(os.path.exists(path)), flush=True)
print("run-id=" + repr(os.environ.get("WEBJOBS_RUN_ID")), flush=True)
while not os.path.exists(path):
    time.sleep(0.2)
print("bye", flush=True)
sys.exit(0)
'''


def test_stop_lets_job_exit_gracefully(host):
    host.deploy_zip("graceful", "continuous", {"run.py": GRACEFUL_PY},
                    settings={"stopping_wait_time": 60})
    host.wait_for_log_line("graceful", "shutdown-file-set=True")
    lines = stdout_lines(host.continuous_log("graceful"))
    assert "shutdown-file-exists-at-start=False" in lines, (
        f"expected the shutdown file to be absent before the stop; got {lines}")
    assert "run-id=''" in lines, f"expected WEBJOBS_RUN_ID to be empty for a continuous job; got {lines}"

    host.expect(host.request("POST", "/api/continuouswebjobs/graceful/stop"), 200, "stop")
    # The 60 s stopping_wait_time is a ceiling: the job exits on its own.
    host.wait_for_status("graceful", "Stopped", timeout=30)
    assert "bye" in stdout_lines(host.continuous_log("graceful")), "expected the job to print 'bye'"


def test_job_ignoring_shutdown_is_killed(host):
    script = ('trap "" TERM\necho start\n'
              'while true; do\n'
              '  if [ -e "$WEBJOBS_SHUTDOWN_FILE" ]; then echo "saw shutdown file"; fi\n'
              '  sleep 0.3\n'
              'done\n')
    host.deploy_zip("stubborn", "continuous", {"run.sh": script}, settings={"stopping_wait_time": 2})
    host.wait_for_log_line("stubborn", "start")

    host.expect(host.request("POST", "/api/continuouswebjobs/stubborn/stop"), 200, "stop")
    host.wait_for_status("stubborn", "Stopped", timeout=30)
    assert "saw shutdown file" in stdout_lines(host.continuous_log("stubborn")), (
        "expected the job to run on after the shutdown file appeared (the grace period)")
    wait_for(lambda: host.job_processes("continuous", "stubborn") == {}, 15,
             "every process of the job to be killed")


def test_stop_signal_setting_sends_signal(host):
    script = ("trap 'echo \"got SIGTERM\"; exit 0' TERM\necho start\n"
              "while true; do sleep 0.2; done\n")
    host.deploy_zip("signalled", "continuous", {"run.sh": script},
                    settings={"stop_signal": 15, "stopping_wait_time": 30})
    host.wait_for_log_line("signalled", "start")
    host.expect(host.request("POST", "/api/continuouswebjobs/signalled/stop"), 200, "stop")
    host.wait_for_status("signalled", "Stopped", timeout=20)
    assert "got SIGTERM" in stdout_lines(host.continuous_log("signalled")), (
        "expected stop_signal 15 to deliver SIGTERM to the job")


def test_stop_kills_escaped_grandchildren(host):
    script = ("sleep 10001 &\n"
              "setsid sleep 10002 &\n"
              "( sleep 10003 & ) &\n"
              "echo spawned\n" + WAIT_FOR_SHUTDOWN.replace('echo "bye"', "exit 0"))
    host.deploy_zip("family", "continuous", {"run.sh": script})
    host.wait_for_log_line("family", "spawned")
    wait_for(lambda: len(host.job_processes("continuous", "family")) >= 4, 15,
             "the job and its three sleeping descendants")

    host.expect(host.request("POST", "/api/continuouswebjobs/family/stop"), 200, "stop")
    host.wait_for_status("family", "Stopped")
    wait_for(lambda: host.job_processes("continuous", "family") == {}, 15,
             "no process of the job (setsid and double-forked children included)")


def test_stop_kills_children_of_exited_job(host):
    host.deploy_zip("orphans", "continuous", {"run.sh": "sleep 10000 &\necho spawned\nexit 0\n"})
    host.wait_for_log_line("orphans", "spawned")
    host.expect(host.request("POST", "/api/continuouswebjobs/orphans/stop"), 200, "stop")
    host.wait_for_status("orphans", "Stopped")
    # Within the 5 s default stop wait plus slack.
    wait_for(lambda: host.job_processes("continuous", "orphans") == {}, 15,
             "the background sleep of the job to be killed")


def test_delete_stops_job_and_kills_processes(host):
    host.deploy_zip("gone", "continuous", {"run.sh": "sleep 10000 &\necho start\n" + WAIT_FOR_SHUTDOWN})
    host.wait_for_log_line("gone", "start")
    host.expect(host.request("DELETE", "/api/continuouswebjobs/gone"), 200, "DELETE")
    wait_for(lambda: host.job_processes("continuous", "gone") == {}, 15,
             "no process of the deleted job")
    assert not host.job_dir("continuous", "gone").exists(), "expected the job folder to be removed"


def test_delete_of_job_ignoring_shutdown_answers_after_kill(host):
    # The delete waits out stopping_wait_time (longer than the file
    # watcher's quiet period), then kills the job and answers.
    script = 'trap "" TERM\necho start\nwhile true; do sleep 0.3; done\n'
    host.deploy_zip("deaf", "continuous", {"run.sh": script}, settings={"stopping_wait_time": 3})
    host.wait_for_log_line("deaf", "start")
    host.expect(host.request("DELETE", "/api/continuouswebjobs/deaf"), 200, "DELETE")
    wait_for(lambda: host.job_processes("continuous", "deaf") == {}, 15,
             "no process of the deleted job")
    host.expect(host.request("GET", "/api/continuouswebjobs/deaf"), 404, "GET after DELETE")


def test_redeploy_restarts_job_with_new_version(host):
    script = 'echo "version {v} pid $$"\n' + WAIT_FOR_SHUTDOWN
    host.deploy_zip("redeploy", "continuous", {"run.sh": script.format(v=1)})
    wait_for(lambda: [l for l in stdout_lines(host.continuous_log("redeploy"))
                      if l.startswith("version 1 pid ")], 30, "version 1 to start")
    first = next(l for l in stdout_lines(host.continuous_log("redeploy")) if l.startswith("version 1"))
    old_pid = int(first.rsplit(" ", 1)[1])

    host.deploy_zip("redeploy", "continuous", {"run.sh": script.format(v=2)})
    wait_for(lambda: any(l.startswith("version 2 pid ")
                         for l in stdout_lines(host.continuous_log("redeploy"))),
             30, "version 2 to start after the redeploy")
    assert not is_alive(old_pid), f"expected version 1 (pid {old_pid}) to be stopped"
