"""The WebJobs list page in a real browser against a real host.

tests/e2e/portal/list_test.js signs in, finds the jobs deployed here, runs
one with arguments, stops and starts a continuous job, deletes one,
switches to Korean and signs out. This file checks what the host
recorded: the run's arguments, the audit log, and a log without the
session cookie.
"""

from portal_browser import run_script, screenshot_dir
from webjobs_host import WAIT_FOR_SHUTDOWN

SCREENSHOTS = ("portal-signin-en.png", "portal-signin-ko.png", "portal-jobs-en.png",
               "portal-jobs-ko.png", "portal-jobs-ko-390.png")


def test_portal_list_in_browser(start_host, tmp_path):
    # Schedules in UTC, whatever the machine's zone: the browser shows the
    # next 03:00 UTC as 12:00 in Asia/Seoul.
    host = start_host(env={"WEBSITE_TIME_ZONE": "UTC"})
    host.deploy_zip("hello", "triggered", {"run.sh": 'echo "hello $*"\n'},
                    settings={"schedule": "0 0 3 * * *"})
    host.deploy_zip("daemon", "continuous", {"run.sh": 'echo "daemon up"\n' + WAIT_FOR_SHUTDOWN})
    host.deploy_zip("scratch", "triggered", {"run.sh": "echo scratch\n"})
    host.wait_for_log_line("daemon", "daemon up")

    summary = run_script("list_test.js", host, tmp_path)
    screenshots = screenshot_dir(tmp_path)

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
