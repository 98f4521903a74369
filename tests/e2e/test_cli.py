"""The webjobs command-line client against a real host.

The client finds the host through --url or WEBJOBS_URL.
"""

import re

import zips
from webjobs_host import WAIT_FOR_SHUTDOWN, free_port, stdout_lines


def check(result, action):
    assert result.returncode == 0, (
        f"{action}: expected exit code 0; got {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def test_deploy_list_run_logs_and_delete(host, tmp_path):
    script = tmp_path / "run.sh"
    script.write_text('echo "args: $*"\necho "run $WEBJOBS_RUN_ID"\n')
    check(host.cli("deploy", str(script), "--name", "report", "--type", "triggered"), "deploy")

    listing = check(host.cli("list"), "list").stdout
    assert "report" in listing, f"expected 'report' in the list; got:\n{listing}"

    check(host.cli("run", "report", "--args", "a b", "--wait"), "run --wait")
    runs = host.history("report")
    assert len(runs) == 1, f"expected one run; got {runs}"
    assert runs[0]["status"] == "Success", f"expected status Success; got {runs[0]}"
    run_id = runs[0]["id"]

    history = check(host.cli("history", "report"), "history").stdout
    assert run_id in history, f"expected run {run_id} in the history output; got:\n{history}"

    logs = check(host.cli("logs", "report", run_id), "logs NAME RUN").stdout
    assert "args: a b" in logs, f"expected the run's output in logs; got:\n{logs}"
    latest = check(host.cli("logs", "report"), "logs NAME").stdout
    assert f"run {run_id}" in latest, f"expected the latest run's output; got:\n{latest}"

    check(host.cli("delete", "report"), "delete")
    assert host.request("GET", "/api/triggeredwebjobs/report").status == 404, "expected the job to be gone"


def test_run_wait_fails_for_failed_run(host, tmp_path):
    script = tmp_path / "run.sh"
    script.write_text("exit 3\n")
    check(host.cli("deploy", str(script), "--name", "fails", "--type", "triggered"), "deploy")
    result = host.cli("run", "fails", "--wait")
    assert result.returncode != 0, f"expected a non-zero exit for a Failed run; got 0\n{result.stdout}"


def test_deploy_zip_with_schedule_and_singleton(host, tmp_path):
    package = tmp_path / "job.zip"
    package.write_bytes(zips.build_zip({"run.sh": "echo hi\n"}))
    check(host.cli("deploy", str(package), "--name", "nightly", "--type", "triggered",
                   "--schedule", "0 0 2 * * *"), "deploy --schedule")
    settings = host.get_json("/api/triggeredwebjobs/nightly/settings")
    assert settings.get("schedule") == "0 0 2 * * *", f"expected the schedule; got {settings}"

    check(host.cli("deploy", str(package), "--name", "single", "--type", "continuous",
                   "--singleton"), "deploy --singleton")
    settings = host.get_json("/api/continuouswebjobs/single/settings")
    assert settings.get("is_singleton") is True, f"expected is_singleton true; got {settings}"


def test_start_stop_and_logs_of_continuous_job(host, tmp_path):
    script = tmp_path / "run.sh"
    script.write_text('echo "worker up"\n' + WAIT_FOR_SHUTDOWN)
    check(host.cli("deploy", str(script), "--name", "worker", "--type", "continuous"), "deploy")
    host.wait_for_log_line("worker", "worker up")

    check(host.cli("stop", "worker"), "stop")
    host.wait_for_status("worker", "Stopped")
    logs = check(host.cli("logs", "worker"), "logs").stdout
    assert "worker up" in logs, f"expected 'worker up' from job_log.txt; got:\n{logs}"
    assert "bye" in logs, f"expected 'bye' from job_log.txt; got:\n{logs}"

    check(host.cli("start", "worker"), "start")
    host.wait_for_log_line("worker", "worker up", count=2)


def test_cancel_stops_active_run(host, tmp_path):
    script = tmp_path / "run.sh"
    script.write_text('echo waiting\n' + WAIT_FOR_SHUTDOWN)
    check(host.cli("deploy", str(script), "--name", "long", "--type", "triggered"), "deploy")
    run_id = host.run("long")
    host.wait_for_running("long", run_id)
    check(host.cli("cancel", "long"), "cancel")
    run = host.wait_for_run("long", run_id)
    assert run["status"] == "Stopped", f"expected the cancelled run to be Stopped; got {run}"
    assert "bye" in stdout_lines(host.run_output("long", run_id)), "expected the run to see the shutdown file"


def test_url_flag_selects_host(host):
    result = host.cli("list", "--url", host.url, env={"WEBJOBS_URL": "http://127.0.0.1:9"})
    check(result, "list --url")


def test_unreachable_host_is_an_error(host):
    url = f"http://127.0.0.1:{free_port()}"
    result = host.cli("list", env={"WEBJOBS_URL": url})
    assert result.returncode != 0, "expected a non-zero exit when no host answers"
    assert re.search(r"127\.0\.0\.1:\d+", result.stderr), (
        f"expected the error to name the address it tried; got {result.stderr!r}")
