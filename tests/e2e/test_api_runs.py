"""Triggered runs through the API: arguments, conflicts, history, cancel.

Kudu-compatible status codes, plus our extensions: the history of a job
that never ran is 200 with no runs, POST .../cancel stops an active run,
and run JSON carries exit_code and error.
"""

import datetime
import json
import re
import time
import urllib.parse

import pytest

from webjobs_host import USER_AGENT, WAIT_FOR_SHUTDOWN, stdout_lines, wait_for

REPORT_SCRIPT = r'''echo "argc=$#"
i=1
for arg in "$@"; do echo "arg$i=$arg"; i=$((i+1)); done
echo "WEBJOBS_COMMAND_ARGUMENTS=$WEBJOBS_COMMAND_ARGUMENTS"
echo "WEBJOBS_RUN_ID=$WEBJOBS_RUN_ID"
echo "WEBJOBS_NAME=$WEBJOBS_NAME"
echo "WEBJOBS_TYPE=$WEBJOBS_TYPE"
echo "WEBJOBS_DATA_PATH=$WEBJOBS_DATA_PATH"
'''


def test_get_on_run_route_is_not_found(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    response = host.request("GET", "/api/triggeredwebjobs/J/run")
    assert response.status == 404, f"expected 404 for GET .../run (POST only); got {response.describe()}"


def test_run_passes_arguments_and_environment(host):
    host.deploy_zip("J", "triggered", {"run.sh": REPORT_SCRIPT})
    response = host.request("POST", "/api/triggeredwebjobs/J/run?arguments=--full%20x")
    assert response.status == 202, f"expected 202 Accepted; got {response.describe()}"
    location = response.headers.get("Location", "")
    match = re.fullmatch(r"http://127\.0\.0\.1:\d+/api/triggeredwebjobs/J/history/(\d+)", location)
    assert match, f"expected Location {host.url}/api/triggeredwebjobs/J/history/<run id>; got {location!r}"
    run_id = match[1]
    assert re.fullmatch(r"\d{18}", run_id), f"expected an 18-digit run id; got {run_id!r}"
    started = datetime.datetime.strptime(run_id[:14], "%Y%m%d%H%M%S").replace(
        tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs(now - started) < datetime.timedelta(minutes=10), (
        f"expected the run id to be the UTC start time (now {now:%Y%m%d%H%M%S}); got {run_id}")

    run = host.wait_for_run("J", run_id)
    lines = stdout_lines(host.run_output("J", run_id))
    assert run["status"] == "Success", f"expected Success; got {run}"
    expected = ["argc=2", "arg1=--full", "arg2=x", "WEBJOBS_COMMAND_ARGUMENTS=--full x",
                f"WEBJOBS_RUN_ID={run_id}", "WEBJOBS_NAME=J", "WEBJOBS_TYPE=triggered",
                f"WEBJOBS_DATA_PATH={host.data_dir('triggered', 'J')}"]
    for line in expected:
        assert line in lines, f"expected output line {line!r}; got {lines}"


def test_quoted_arguments_keep_spaces(host):
    host.deploy_zip("J", "triggered", {"run.sh": REPORT_SCRIPT})
    run = host.run_and_wait("J", '"first arg" "second arg"')
    lines = stdout_lines(host.run_output("J", run["id"]))
    assert "argc=2" in lines, f"expected 2 arguments; got {lines}"
    assert "arg1=first arg" in lines, f"expected arg1='first arg'; got {lines}"
    assert "arg2=second arg" in lines, f"expected arg2='second arg'; got {lines}"


def test_second_run_while_active_is_conflict(host):
    host.deploy_zip("J", "triggered", {"run.sh": WAIT_FOR_SHUTDOWN})
    run_id = host.run("J")
    response = host.post_run("J")
    assert response.status == 409, f"expected 409 while a run is active; got {response.describe()}"
    assert "running" in response.text.lower(), (
        f"expected an 'already running' message; got {response.text!r}")
    host.expect(host.cancel("J"), 200, "cancel")
    host.wait_for_run("J", run_id)


def test_run_of_unknown_job_is_not_found(host):
    response = host.post_run("Nope")
    assert response.status == 404, f"expected 404 for an unknown job; got {response.describe()}"


def test_run_while_webjobs_stopped_is_conflict(start_host):
    host = start_host({"WEBJOBS_STOPPED": "1"})
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    response = host.post_run("J")
    assert response.status == 409, f"expected 409 with WEBJOBS_STOPPED=1; got {response.describe()}"


def test_history_lists_runs_newest_first_with_etag(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    run_ids = [host.run_and_wait("J")["id"] for _ in range(3)]

    response = host.expect(host.request("GET", "/api/triggeredwebjobs/J/history"), 200, "history")
    listed = [run["id"] for run in response.json()["runs"]]
    assert listed == list(reversed(run_ids)), f"expected runs newest first {run_ids[::-1]}; got {listed}"
    etag = response.headers.get("ETag")
    assert etag, "expected an ETag header on the history"

    again = host.request("GET", "/api/triggeredwebjobs/J/history", headers={"If-None-Match": etag})
    assert again.status == 304, f"expected 304 for If-None-Match {etag}; got {again.describe()}"


def test_unknown_run_is_not_found(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    response = host.request("GET", "/api/triggeredwebjobs/J/history/20000101000000000")
    assert response.status == 404, f"expected 404 for an unknown run; got {response.describe()}"


@pytest.mark.parametrize("job_type", ["triggered", "continuous"])
def test_delete_of_unknown_job_succeeds(host, job_type):
    response = host.request("DELETE", f"/api/{job_type}webjobs/Nope")
    assert response.status == 200, f"expected 200 (as Kudu) for DELETE of an unknown job; got {response.describe()}"


def test_history_of_never_run_job_is_empty(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    response = host.request("GET", "/api/triggeredwebjobs/J/history")
    assert response.status == 200, f"expected 200 for a job that never ran; got {response.describe()}"
    assert response.json() == {"runs": []}, f'expected {{"runs": []}}; got {response.text!r}'


def test_stop_survives_host_restart(start_host):
    host = start_host()
    host.deploy_zip("C", "continuous", {"run.sh": 'echo "started"\n' + WAIT_FOR_SHUTDOWN})
    host.wait_for_log_line("C", "started")
    host.expect(host.request("POST", "/api/continuouswebjobs/C/stop"), 200, "stop")
    host.wait_for_status("C", "Stopped")
    host.stop()

    host = start_host(root=host.root)
    host.wait_for_status("C", "Stopped")
    time.sleep(3)
    assert host.status("C") == "Stopped", "expected the stop to survive a host restart"
    assert stdout_lines(host.continuous_log("C")).count("started") == 1, (
        "expected no new start after the restart")

    host.expect(host.request("POST", "/api/continuouswebjobs/C/start"), 200, "start")
    host.wait_for_log_line("C", "started", count=2)
    host.wait_for_status("C", "Running")


def test_run_json_has_exit_code_and_error(host):
    host.deploy_zip("fail", "triggered", {"run.sh": "exit 3\n"})
    run = host.run_and_wait("fail")
    assert run["status"] == "Failed", f"expected Failed for exit 3; got {run}"
    assert run["exit_code"] == 3, f"expected exit_code 3; got {run}"
    assert run["error"], f"expected a non-empty error; got {run}"

    host.deploy_zip("ok", "triggered", {"run.sh": "exit 0\n"})
    run = host.run_and_wait("ok")
    assert run["status"] == "Success", f"expected Success for exit 0; got {run}"
    assert run["exit_code"] == 0, f"expected exit_code 0; got {run}"
    assert not run["error"], f"expected no error for a successful run; got {run}"


def test_run_json_fields_and_output_url(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo visible-output\n"})
    run_id = host.run("J")
    run = host.wait_for_run("J", run_id)

    assert run["id"] == run_id, f"expected id {run_id}; got {run}"
    assert run["name"] == run_id, f"expected name {run_id} (same as id); got {run}"
    assert run["job_name"] == "J", f"expected job_name 'J'; got {run}"
    assert run["trigger"] == f"External - {USER_AGENT}", (
        f"expected trigger 'External - {USER_AGENT}'; got {run['trigger']!r}")
    assert run["start_time"].endswith("Z"), f"expected a UTC start_time ending in Z; got {run['start_time']!r}"
    assert run["end_time"].endswith("Z"), f"expected a UTC end_time ending in Z; got {run['end_time']!r}"
    assert run["url"].endswith(f"/api/triggeredwebjobs/J/history/{run_id}"), (
        f"expected url .../history/{run_id}; got {run['url']}")
    assert run["output_url"].endswith(f"/vfs/data/jobs/triggered/J/{run_id}/output_log.txt"), (
        f"expected output_url .../vfs/data/jobs/triggered/J/{run_id}/output_log.txt; got {run['output_url']}")

    output_path = urllib.parse.urlsplit(run["output_url"]).path
    output = host.expect(host.request("GET", output_path), 200, "GET output_url")
    assert "visible-output" in stdout_lines(output.text), (
        f"expected output_url to serve the run's log; got {output.text!r}")

    job = host.job("triggered", "J")
    assert job["latest_run"]["id"] == run_id, f"expected latest_run {run_id}; got {job['latest_run']}"


def test_cancel_stops_active_run_with_shutdown_file(host):
    host.deploy_zip("J", "triggered", {"run.sh": 'echo "waiting"\n' + WAIT_FOR_SHUTDOWN},
                    settings={"stopping_wait_time": 30})
    run_id = host.run("J")
    wait_for(lambda: "waiting" in stdout_lines(host.run_output("J", run_id)), 30, "the run to start")

    host.expect(host.cancel("J"), 200, "cancel")
    run = host.wait_for_run("J", run_id)
    output = host.run_output("J", run_id)
    assert run["status"] == "Stopped", f"expected a cancelled run to be Stopped; got {run['status']}"
    assert "bye" in stdout_lines(output), (
        f"expected the run to see the shutdown file and print 'bye'; got:\n{output}")
    assert host.job_processes("triggered", "J") == {}, "expected no processes of the run left"


def test_cancel_without_active_run_is_conflict(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    response = host.cancel("J")
    assert response.status == 409, f"expected 409 when no run is active; got {response.describe()}"


def test_delete_of_run_cancels_only_that_run(host):
    host.deploy_zip("J", "triggered", {"run.sh": 'echo "waiting"\n' + WAIT_FOR_SHUTDOWN},
                    settings={"stopping_wait_time": 30, "overlap": "allow"})
    first = host.run("J")
    second = host.run("J")
    for run_id in (first, second):
        wait_for(lambda: "waiting" in stdout_lines(host.run_output("J", run_id)), 30,
                 f"run {run_id} to start")

    host.expect(host.request("DELETE", f"/api/triggeredwebjobs/J/history/{first}"), 200,
                f"DELETE of run {first}")
    stopped = host.wait_for_run("J", first)
    assert stopped["status"] == "Stopped", f"expected run {first} Stopped; got {stopped['status']}"
    still = host.get_json(f"/api/triggeredwebjobs/J/history/{second}")
    assert still["status"] == "Running", (
        f"expected run {second} to keep running; got {still['status']}")

    again = host.request("DELETE", f"/api/triggeredwebjobs/J/history/{first}")
    assert again.status == 404, f"expected 404 for a run that ended; got {again.describe()}"
    host.expect(host.cancel("J"), 200, "cancel of the other run")
    host.wait_for_run("J", second)


def test_patch_settings_merges_and_null_removes(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"},
                    settings={"schedule": "0 0 4 * * *", "history_size": 7})
    headers = {"Content-Type": "application/merge-patch+json"}
    host.expect(host.request("PATCH", "/api/triggeredwebjobs/J/settings",
                             json.dumps({"overlap": "allow", "schedule": None}), headers),
                200, "PATCH settings")
    settings = host.get_json("/api/triggeredwebjobs/J/settings")
    assert settings == {"history_size": 7, "overlap": "allow"}, (
        f"expected the patch merged and schedule removed; got {settings}")
    job = host.get_json("/api/triggeredwebjobs/J")
    assert job.get("schedule") in (None, ""), f"expected no schedule after the patch; got {job}"

    bad = host.request("PATCH", "/api/triggeredwebjobs/J/settings",
                       json.dumps({"history_size": "ten"}), headers)
    assert bad.status == 400, f"expected 400 for an invalid patch; got {bad.describe()}"
    assert "history_size" in bad.text, f"expected the error to name history_size; got {bad.text}"
    assert host.get_json("/api/triggeredwebjobs/J/settings") == settings, (
        "expected a rejected patch to change nothing")


def test_health_returns_json(host):
    response = host.expect(host.request("GET", "/api/health"), 200, "health")
    assert isinstance(json.loads(response.body), dict), f"expected a JSON object; got {response.text!r}"


def test_list_puts_triggered_first(host):
    host.deploy_zip("a-cont", "continuous", {"run.sh": WAIT_FOR_SHUTDOWN})
    host.deploy_zip("z-trig", "triggered", {"run.sh": "echo hi\n"})
    response = host.expect(host.request("GET", "/api/webjobs"), 200, "list")
    listed = [(job["type"], job["name"]) for job in response.json()]
    assert listed == [("triggered", "z-trig"), ("continuous", "a-cont")], (
        f"expected triggered jobs first, then continuous; got {listed}")

    etag = response.headers.get("ETag")
    assert etag, "expected an ETag on the list"
    host.wait_for_status("a-cont", "Running")
    etag = host.request("GET", "/api/webjobs").headers.get("ETag")
    again = host.request("GET", "/api/webjobs", headers={"If-None-Match": etag})
    assert again.status == 304, f"expected 304 for an unchanged list; got {again.describe()}"


def test_delete_removes_files_and_history(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    host.run_and_wait("J")
    host.expect(host.request("DELETE", "/api/triggeredwebjobs/J"), 200, "DELETE")

    assert host.request("GET", "/api/triggeredwebjobs/J").status == 404, "expected GET to be 404"
    assert not host.job_dir("triggered", "J").exists(), "expected the job folder to be removed"
    assert not host.data_dir("triggered", "J").exists(), "expected the data folder to be removed"
    assert host.request("GET", "/api/triggeredwebjobs/J/history").status == 404, (
        "expected the history of a deleted job to be 404")


def test_host_exits_zero_on_sigterm(host):
    host.deploy_zip("C", "continuous", {"run.sh": WAIT_FOR_SHUTDOWN})
    host.wait_for_status("C", "Running")
    code = host.stop()
    assert code == 0, f"expected exit code 0 after SIGTERM; got {code}\n{host.log_tail()}"
