"""The action menus and the filter of the WebJobs list in a real browser.

tests/e2e/portal/menu_test.js works the menus from the keyboard and the
mouse, runs, stops, starts and deletes jobs from them, filters the list,
and checks what users with narrower roles are offered. This file sets up
the host and its users and checks what the host recorded.
"""

import json

from portal_browser import run_script, screenshot_dir
from webjobs_host import WAIT_FOR_SHUTDOWN

# The accounts menu_test.js signs in with, besides the admin.
USERS = {"reader": ("reader-password-1", "read"), "operator": ("operator-password-1", "operate")}


def test_portal_menu_in_browser(start_host, tmp_path):
    host = start_host()
    for name, (password, role) in USERS.items():
        body = json.dumps({"password": password, "role": role})
        host.expect(host.request("PUT", f"/api/users/{name}", body), 201, f"PUT /api/users/{name}")
    host.deploy_zip("hello", "triggered", {"run.sh": 'echo "hello $*"\n'})
    host.deploy_zip("daemon", "continuous", {"run.sh": 'echo "daemon up"\n' + WAIT_FOR_SHUTDOWN})
    host.deploy_zip("scratch", "triggered", {"run.sh": "echo scratch\n"})
    host.wait_for_log_line("daemon", "daemon up")

    run_script("menu_test.js", host, tmp_path)

    shot = screenshot_dir(tmp_path) / "portal-jobs-menu-en.png"
    assert shot.stat().st_size > 0, f"screenshot {shot.name} is empty"

    runs = host.history("hello")
    assert len(runs) == 1, f"expected one run of hello, got {runs}"
    assert runs[0]["status"] == "Success"
    assert runs[0]["arguments"] == "from-menu"
    assert "hello from-menu" in host.run_output("hello", runs[0]["id"])

    assert host.job("continuous", "daemon")["status"] == "Running"
    names = sorted(job["name"] for job in host.get_json("/api/webjobs"))
    assert names == ["daemon", "hello"]

    entries = host.get_json("/api/audit?limit=100")["entries"]
    actions = [(entry["action"], entry["actor"], entry["target"]) for entry in entries]
    for expected in [("run.start", "admin", "triggered/hello"),
                     ("job.stop", "admin", "continuous/daemon"),
                     ("job.start", "admin", "continuous/daemon"),
                     ("job.delete", "admin", "triggered/scratch"),
                     ("session.sign_in", "operator", "portal"),
                     ("session.sign_in", "reader", "portal")]:
        assert expected in actions, f"audit log lacks {expected}: {actions}"
