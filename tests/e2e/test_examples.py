"""The example jobs in examples/ deploy and run as the README describes."""

import os
import subprocess

import pytest

import zips
from webjobs_host import REPO, stdout_lines, wait_for

EXAMPLES = REPO / "examples"


@pytest.fixture(scope="module")
def hello_jar(tmp_path_factory):
    jar = tmp_path_factory.mktemp("java") / "hello.jar"
    result = subprocess.run([str(EXAMPLES / "java-hello" / "build.sh"), str(jar)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"expected build.sh to build hello.jar; stderr:\n{result.stderr}"
    return jar


def test_python_worker_stops_gracefully(host):
    worker = (EXAMPLES / "continuous-python-worker" / "run.py").read_bytes()
    host.deploy_zip("python-worker", "continuous", {"run.py": worker})
    host.wait_for_log_line("python-worker", "python-worker: heartbeat 1")
    state = host.data_dir("continuous", "python-worker") / "worker-state.json"
    wait_for(state.exists, 30, "worker-state.json in WEBJOBS_DATA_PATH")

    host.expect(host.request("POST", "/api/continuouswebjobs/python-worker/stop"), 200, "stop")
    host.wait_for_status("python-worker", "Stopped")
    lines = stdout_lines(host.continuous_log("python-worker"))
    assert any(line.startswith("python-worker: goodbye after") for line in lines), (
        f"expected the worker's goodbye line after the stop; got {lines[-5:]}")


def test_bash_report_prints_arguments(host):
    script = (EXAMPLES / "triggered-bash-report" / "run.sh").read_bytes()
    host.deploy_file("bash-report", "triggered", "run.sh", script)
    run = host.run_and_wait("bash-report", 'first "second arg"')
    output = host.run_output("bash-report", run["id"])
    lines = stdout_lines(output)
    assert run["status"] == "Success", f"expected Success; got {run}\n{output}"
    assert f"Report of job bash-report, run {run['id']}" in lines, f"expected the report header; got {lines}"
    assert "  argument 2: second arg" in lines, f"expected the quoted argument; got {lines}"
    assert 'WEBJOBS_COMMAND_ARGUMENTS: first "second arg"' in lines, f"expected the raw arguments; got {lines}"
    assert any("stderr" in line for line in output.splitlines() if "ERR ]" in line), (
        f"expected the stderr line marked ERR; got:\n{output}")


def test_scheduled_node_job_runs_on_its_schedule(host):
    files = {name: (EXAMPLES / "scheduled-node" / name).read_bytes()
             for name in ("run.js", "settings.job")}
    job = host.deploy_zip("node-schedule", "triggered", files).json()
    assert job["settings"] == {"schedule": "*/15 * * * * *"}, f"expected the 15 s schedule; got {job['settings']}"

    def finished_scheduled_run():
        return [run for run in host.history("node-schedule")
                if run["trigger"].startswith("Schedule - ") and run["status"] == "Success"]
    run = wait_for(finished_scheduled_run, 60, "a successful scheduled run")[0]
    lines = stdout_lines(host.run_output("node-schedule", run["id"]))
    assert any(line.startswith(f"Scheduled run {run['id']} at ") for line in lines), (
        f"expected the run to print its id and the time; got {lines}")


def test_java_jar_runs_with_java(host, hello_jar):
    body = zips.build_zip({"hello.jar": hello_jar.read_bytes()})
    job = host.deploy_bytes("java-hello", "triggered", body, "application/zip", "java-hello.zip").json()
    assert job["run_command"] == "hello.jar", f"expected run_command 'hello.jar'; got {job}"
    run = host.run_and_wait("java-hello", "a b", timeout=120)
    lines = stdout_lines(host.run_output("java-hello", run["id"]))
    assert run["status"] == "Success", f"expected Success; got {run}"
    assert any(line.startswith("Hello from Java") for line in lines), f"expected the greeting; got {lines}"
    assert "Argument count: 2" in lines, f"expected two arguments; got {lines}"


def test_deploy_script_deploys_all_examples(host, hello_jar):
    env = dict(host.env, WEBJOBS_URL=host.url, WEBJOBS_BIN=str(host.binary), HELLO_JAR=str(hello_jar),
               WEBJOBS_USER=host.admin_user, WEBJOBS_PASSWORD=host.admin_password)
    result = subprocess.run([str(EXAMPLES / "deploy.sh")], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, (
        f"expected examples/deploy.sh to succeed; exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    names = sorted(job["name"] for job in host.get_json("/api/webjobs"))
    assert names == ["bash-report", "java-hello", "node-schedule", "python-worker"], (
        f"expected the four example jobs; got {names}")
    host.wait_for_status("python-worker", "Running")
    run = host.run_and_wait("java-hello", timeout=120)
    assert run["status"] == "Success", f"expected the deployed jar to run; got {run}"
    assert os.access(EXAMPLES / "deploy.sh", os.X_OK), "expected deploy.sh to be executable"
