"""The Add WebJob and Settings pages in a real browser against a real host.

tests/e2e/portal/add_test.js adds a scheduled triggered job and a
continuous single-instance job from the zips built here. It checks that
invalid input is reported in English and Korean and that a package
without a script is rejected beside the file field, edits the triggered
job's settings, and checks the read-only view of a reader. This file checks what the host recorded: each settings.job after
each step, that the continuous job runs, and the audit log.
"""

import json
import os

from portal_browser import run_script, screenshot_dir
from webjobs_host import WAIT_FOR_SHUTDOWN
import zips

SCREENSHOTS = ("portal-add-en.png", "portal-add-ko.png", "portal-add-ko-390.png",
               "portal-settings-en.png", "portal-settings-ko.png")
READER = {"user": "reader", "password": "reader-password-1"}


def write_files(folder):
    """Writes the zips and the reader's credentials that add_test.js uploads."""
    folder.mkdir()
    # 2 MiB of random bytes, so the upload takes more than one progress event.
    nightly = zips.build_zip({"run.sh": "echo nightly\n", "settings.job": '{"history_size": 7}',
                              "data.bin": os.urandom(2 << 20)})
    (folder / "nightly.zip").write_bytes(nightly)
    worker = zips.build_zip({"run.sh": 'echo "worker up"\n' + WAIT_FOR_SHUTDOWN})
    (folder / "worker.zip").write_bytes(worker)
    (folder / "noscript.zip").write_bytes(zips.build_zip({"README.txt": "no script here\n"}))
    (folder / "reader.json").write_text(json.dumps(READER))
    return folder


def test_portal_add_and_settings_in_browser(start_host, tmp_path):
    host = start_host(env={"WEBSITE_TIME_ZONE": "UTC"})
    host.deploy_zip("existing", "triggered", {"run.sh": "echo existing\n"})
    body = json.dumps({"password": READER["password"], "role": "read"})
    host.expect(host.request("PUT", "/api/users/reader", body,
                             {"Content-Type": "application/json"}), 201, "PUT /api/users/reader")

    summary = run_script("add_test.js", host, tmp_path, files=write_files(tmp_path / "files"))

    screenshots = screenshot_dir(tmp_path)
    for name in SCREENSHOTS:
        assert (screenshots / name).stat().st_size > 0, f"screenshot {name} is empty"

    assert summary["nightly_progress"] == 100
    assert summary["worker_progress"] == 100

    # One upload wrote the package's own settings.job and the form's values.
    assert summary["nightly_after_add"] == {
        "history_size": 7, "schedule": "0 30 2 * * *", "time_zone": "America/New_York"}
    assert summary["worker_after_add"] == {"is_singleton": True}

    assert summary["nightly_after_settings"] == {
        "history_size": 7, "schedule": "0 15 4 * * 1-5", "overlap": "queue_one",
        "catch_up": "latest", "catch_up_window": 3600, "stopping_wait_time": 45}, (
        "the Settings page must patch the changed settings and remove the cleared time zone")
    job = summary["nightly_job_after_settings"]
    assert job["schedule"] == "0 15 4 * * 1-5"
    assert job["next_run"].endswith("T04:15:00Z"), (
        f"expected the next run at 04:15 UTC, the host's zone; got {job['next_run']}")
    assert summary["nightly_after_clear"] == {
        "history_size": 7, "schedule": "0 15 4 * * 1-5", "overlap": "queue_one",
        "stopping_wait_time": 45}

    settings_file = host.job_dir("triggered", "nightly") / "settings.job"
    assert json.loads(settings_file.read_text()) == summary["nightly_after_clear"]
    assert host.get_json("/api/continuouswebjobs/worker/settings") == {"is_singleton": True}
    host.wait_for_log_line("worker", "worker up")
    host.wait_for_status("worker", "Running")

    names = sorted(job["name"] for job in host.get_json("/api/webjobs"))
    assert names == ["existing", "nightly", "worker"], (
        f"expected the rejected and unfinished forms to add no job; got {names}")

    entries = host.get_json("/api/audit?limit=100")["entries"]
    actions = [(entry["action"], entry["actor"], entry["target"]) for entry in entries]
    for expected in [("job.deploy", "admin", "triggered/nightly"),
                     ("job.deploy", "admin", "continuous/worker"),
                     ("settings.merge", "admin", "triggered/nightly")]:
        assert expected in actions, f"audit log lacks {expected}: {actions}"
    merges = [entry for entry in actions if entry[0] == "settings.merge"]
    assert len(merges) == 2, f"expected two saves (the unchanged one sends nothing); got {merges}"
