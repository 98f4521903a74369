"""The web portal in a real browser against a real host.

tests/e2e/portal/portal_test.js drives Debian's chromium with
playwright-core. scripts/install-test-packages.sh installs playwright-core
and scripts/install-deps.sh --with-browser installs chromium. The script
signs in, finds the jobs deployed here, runs one with arguments, stops and
starts a continuous job, deletes one, switches to Korean and signs out.
This file checks what the host recorded: the run's arguments, the audit
log, and a log without the session cookie.

The screenshots of the list page go to a temporary folder, or to the
folder named by WEBJOBS_SCREENSHOT_DIR; docs/screenshots/ holds the ones
taken with WEBJOBS_SCREENSHOT_DIR=docs/screenshots.
"""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

from webjobs_host import JOB_PATH, WAIT_FOR_SHUTDOWN

TEST_DIR = pathlib.Path(__file__).resolve().parent / "portal"
TEST_SCRIPT = TEST_DIR / "portal_test.js"
CHROMIUM = pathlib.Path("/usr/bin/chromium")
SCREENSHOTS = ("portal-jobs-en.png", "portal-jobs-ko.png", "portal-jobs-ko-390.png")


@pytest.fixture(scope="module")
def node():
    if not (TEST_DIR / "node_modules" / "playwright-core").is_dir():
        pytest.fail(f"playwright-core is not installed in {TEST_DIR}; run "
                    "scripts/install-test-packages.sh", pytrace=False)
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found; run scripts/install-deps.sh --with-browser",
                    pytrace=False)
    binary = shutil.which("node", path=JOB_PATH)
    if binary is None:
        pytest.fail(f"node not found on {JOB_PATH}; run scripts/install-deps.sh", pytrace=False)
    return binary


def test_portal_in_browser(start_host, node, tmp_path):
    # Schedules in UTC, whatever the machine's zone: the browser shows the
    # next 03:00 UTC as 12:00 in Asia/Seoul.
    host = start_host(env={"WEBSITE_TIME_ZONE": "UTC"})
    host.deploy_zip("hello", "triggered", {"run.sh": 'echo "hello $*"\n'},
                    settings={"schedule": "0 0 3 * * *"})
    host.deploy_zip("daemon", "continuous", {"run.sh": 'echo "daemon up"\n' + WAIT_FOR_SHUTDOWN})
    host.deploy_zip("scratch", "triggered", {"run.sh": "echo scratch\n"})
    host.wait_for_log_line("daemon", "daemon up")

    screenshots = pathlib.Path(os.environ.get("WEBJOBS_SCREENSHOT_DIR") or tmp_path / "shots")
    screenshots.mkdir(parents=True, exist_ok=True)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": JOB_PATH,
        "HOME": str(home),
        "WEBJOBS_TEST_BASE_URL": host.url,
        "WEBJOBS_TEST_USER": host.admin_user,
        "WEBJOBS_TEST_PASSWORD": host.admin_password,
        "WEBJOBS_TEST_SCREENSHOTS": str(screenshots.resolve()),
        "WEBJOBS_TEST_CHROMIUM": str(CHROMIUM),
    }
    result = subprocess.run([node, str(TEST_SCRIPT)], cwd=TEST_DIR, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (
        f"portal_test.js exited with {result.returncode}\nstdout:\n{result.stdout}\n"
        f"stderr:\n{result.stderr}\nhost log:\n{host.log_tail(60)}")
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    for name in SCREENSHOTS:
        assert (screenshots / name).stat().st_size > 0, f"screenshot {name} is empty"

    runs = host.history("hello")
    assert len(runs) == 1, f"expected one run of hello, got {runs}"
    assert runs[0]["status"] == "Success"
    assert runs[0]["arguments"] == "from-portal world"
    assert "hello from-portal world" in host.run_output("hello", runs[0]["id"])

    names = sorted(job["name"] for job in host.get_json("/api/webjobs"))
    assert names == ["daemon", "hello"]

    entries = host.get_json("/api/audit?limit=100")["entries"]
    actions = [(entry["action"], entry["actor"], entry["target"]) for entry in entries]
    for expected in [("session.sign_in", "admin", "portal"),
                     ("run.start", "admin", "triggered/hello"),
                     ("job.stop", "admin", "continuous/daemon"),
                     ("job.start", "admin", "continuous/daemon"),
                     ("job.delete", "admin", "triggered/scratch"),
                     ("session.sign_out", "admin", "portal")]:
        assert expected in actions, f"audit log lacks {expected}: {actions}"

    cookie = summary["session_cookie"]
    assert len(cookie) == 64
    log_text = host.log_path.read_text(errors="replace")
    assert cookie not in log_text, "the host log contains the session cookie"
    assert "event=session_started" in log_text
    assert "event=session_ended" in log_text
