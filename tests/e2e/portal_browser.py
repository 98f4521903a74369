"""Runs one of the portal's browser scripts (tests/e2e/portal/*.js).

Each script drives Debian's chromium through playwright-core against a
real host; tests/e2e/portal/browser.js contains what the scripts share.
scripts/install-test-packages.sh installs playwright-core and
scripts/install-deps.sh --with-browser installs chromium.

Screenshots go to a temporary folder, or to the folder named by
WEBJOBS_SCREENSHOT_DIR; docs/screenshots/ contains the ones taken with
WEBJOBS_SCREENSHOT_DIR=docs/screenshots.
"""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

from webjobs_host import JOB_PATH

SCRIPT_DIR = pathlib.Path(__file__).resolve().parent / "portal"
CHROMIUM = pathlib.Path("/usr/bin/chromium")


def node_binary():
    """Returns the node binary, or fails the test naming what to install."""
    if not (SCRIPT_DIR / "node_modules" / "playwright-core").is_dir():
        pytest.fail(f"playwright-core is not installed in {SCRIPT_DIR}; run "
                    "scripts/install-test-packages.sh", pytrace=False)
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found; run scripts/install-deps.sh --with-browser",
                    pytrace=False)
    binary = shutil.which("node", path=JOB_PATH)
    if binary is None:
        pytest.fail(f"node not found on {JOB_PATH}; run scripts/install-deps.sh", pytrace=False)
    return binary


def screenshot_dir(tmp_path):
    """The folder for screenshots: WEBJOBS_SCREENSHOT_DIR or a temporary one."""
    folder = pathlib.Path(os.environ.get("WEBJOBS_SCREENSHOT_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


def run_script(script, host, tmp_path, files=None, timeout=600):
    """Runs tests/e2e/portal/`script` against `host` as its admin user.

    `files` is a folder of files the script uploads (WEBJOBS_TEST_FILES).
    Fails with the script's output and the host's log when the script exits
    non-zero; returns the JSON object of its last stdout line, or {} when
    it printed none.
    """
    home = tmp_path / "browser-home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": JOB_PATH,
        "HOME": str(home),
        "WEBJOBS_TEST_BASE_URL": host.url,
        "WEBJOBS_TEST_USER": host.admin_user,
        "WEBJOBS_TEST_PASSWORD": host.admin_password,
        "WEBJOBS_TEST_SCREENSHOTS": str(screenshot_dir(tmp_path)),
        "WEBJOBS_TEST_CHROMIUM": str(CHROMIUM),
        "WEBJOBS_TEST_FILES": str(files or ""),
    }
    result = subprocess.run([node_binary(), str(SCRIPT_DIR / script)], cwd=SCRIPT_DIR, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{script} exited with {result.returncode}\nstdout:\n{result.stdout}\n"
        f"stderr:\n{result.stderr}\nhost log:\n{host.log_tail(60)}")
    lines = result.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
