"""The npm package kudu-api, a real Kudu client, against a real host.

tests/e2e/kudu_client/kudu_client.js calls one method of kudu-api's
WebJobs client per process and prints the outcome as JSON. Its packages
are installed by scripts/install-test-packages.sh (scripts/test.sh runs
it). The host's admin credentials, once the host has them, are passed to
kudu-api as its username and password.
"""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

import zips
from webjobs_host import JOB_PATH, WAIT_FOR_SHUTDOWN

CLIENT_DIR = pathlib.Path(__file__).resolve().parent / "kudu_client"
CLIENT_SCRIPT = CLIENT_DIR / "kudu_client.js"

REPORT_SCRIPT = 'echo "args=$*"\n'


@pytest.fixture(scope="module")
def node():
    if not (CLIENT_DIR / "node_modules" / "kudu-api").is_dir():
        pytest.fail(f"kudu-api is not installed in {CLIENT_DIR}; run "
                    "scripts/install-test-packages.sh", pytrace=False)
    binary = shutil.which("node", path=JOB_PATH)
    if binary is None:
        pytest.fail(f"node not found on {JOB_PATH}; run scripts/install-deps.sh", pytrace=False)
    return binary


@pytest.fixture
def kudu(host, node):
    """Return call(method, *args): the outcome of kudu.webjobs[method](*args)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("WEBJOBS_")}
    env["PATH"] = JOB_PATH
    env["WEBJOBS_TEST_BASE_URL"] = host.url
    user = getattr(host, "admin_user", None)
    password = getattr(host, "admin_password", None)
    if user is not None:
        env["WEBJOBS_TEST_USER"] = user
    if password is not None:
        env["WEBJOBS_TEST_PASSWORD"] = password

    def call(method, *args):
        result = subprocess.run([node, str(CLIENT_SCRIPT), method, *args], cwd=CLIENT_DIR,
                                env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, (
            f"kudu_client.js {method} exited with {result.returncode}: {result.stderr}")
        lines = result.stdout.strip().splitlines()
        assert lines, f"kudu_client.js {method} printed nothing; stderr: {result.stderr}"
        return json.loads(lines[-1])

    return call


def expect_ok(outcome, method):
    assert outcome["ok"], f"kudu-api {method} failed: {outcome}"
    return outcome


def write_zip(tmp_path, name, entries):
    path = tmp_path / f"{name}.zip"
    path.write_bytes(zips.build_zip(entries))
    return str(path)


def test_kudu_api_triggered_job_lifecycle(host, kudu, tmp_path):
    package = write_zip(tmp_path, "nightly", {"run.sh": REPORT_SCRIPT})
    uploaded = expect_ok(kudu("uploadTriggered", "nightly", package), "uploadTriggered")
    assert uploaded["data"]["name"] == "nightly"
    assert uploaded["data"]["type"] == "triggered"
    assert uploaded["data"]["run_command"] == "run.sh"

    listed = expect_ok(kudu("listAll"), "listAll")
    assert [job["name"] for job in listed["data"]] == ["nightly"]
    triggered = expect_ok(kudu("listTriggered"), "listTriggered")
    assert [job["name"] for job in triggered["data"]] == ["nightly"]
    job = expect_ok(kudu("getTriggered", "nightly"), "getTriggered")
    assert job["data"]["history_url"].endswith("/api/triggeredwebjobs/nightly/history")

    started = expect_ok(kudu("runTriggered", "nightly", "--alpha beta"), "runTriggered")
    assert started["status"] == 202
    run_id = started["location"].rsplit("/", 1)[-1]
    finished = host.wait_for_run("nightly", run_id)
    assert finished["status"] == "Success"
    assert "args=--alpha beta" in host.run_output("nightly", run_id)

    history = expect_ok(kudu("listTriggeredHistory", "nightly"), "listTriggeredHistory")
    assert [run["id"] for run in history["data"]["runs"]] == [run_id]
    one = expect_ok(kudu("getTriggeredHistory", "nightly", run_id), "getTriggeredHistory")
    assert one["data"]["status"] == "Success"
    assert one["data"]["arguments"] == "--alpha beta"

    swagger = expect_ok(kudu("listTriggeredAsSwagger"), "listTriggeredAsSwagger")
    assert "/api/triggeredjobs/nightly/run" in swagger["data"]["paths"]

    expect_ok(kudu("deleteTriggered", "nightly"), "deleteTriggered")
    gone = kudu("getTriggered", "nightly")
    assert not gone["ok"]
    assert gone["status"] == 404


def test_kudu_api_continuous_job_lifecycle(host, kudu, tmp_path):
    package = write_zip(tmp_path, "worker", {"run.sh": "echo started\n" + WAIT_FOR_SHUTDOWN})
    uploaded = expect_ok(kudu("uploadContinuous", "worker", package), "uploadContinuous")
    assert uploaded["data"]["type"] == "continuous"
    host.wait_for_status("worker", "Running")

    listed = expect_ok(kudu("listContinuous"), "listContinuous")
    assert [job["name"] for job in listed["data"]] == ["worker"]

    expect_ok(kudu("stopContinuous", "worker"), "stopContinuous")
    host.wait_for_status("worker", "Stopped")
    stopped = expect_ok(kudu("getContinuous", "worker"), "getContinuous")
    assert stopped["data"]["status"] == "Stopped"

    expect_ok(kudu("startContinuous", "worker"), "startContinuous")
    host.wait_for_status("worker", "Running")

    settings = expect_ok(kudu("getContinuousSettings", "worker"), "getContinuousSettings")
    assert settings["data"] == {}

    expect_ok(kudu("deleteContinuous", "worker"), "deleteContinuous")
    assert expect_ok(kudu("listAll"), "listAll")["data"] == []


def test_kudu_api_reports_errors(host, kudu):
    missing = kudu("runTriggered", "absent")
    assert not missing["ok"]
    assert missing["status"] == 404
    assert "absent" in missing["error"]
