"""The portal's Logs pages in a real browser against a real host.

tests/e2e/portal/logs_test.js opens the run history of a triggered job,
runs a slow job from the page and follows its output live, searches and
downloads it, cancels a second run, follows a continuous job's log and
checks the Korean pages. This file deploys the jobs and checks what the
host recorded: the runs the page started, their arguments, the audit log.
"""

import shlex

from portal_browser import run_script, screenshot_dir
from webjobs_host import FINISHED_STATUSES, stdout_lines

SCREENSHOTS = ("portal-history-en.png", "portal-history-ko.png", "portal-run-en.png",
               "portal-run-ko.png", "portal-run-ko-390.png", "portal-log-en.png",
               "portal-log-ko.png")

# Takes 0 to 0.4 s, so the chart has bars of different heights.
HELLO = """echo "hello $*"
for i in 1 2 3 4 5; do echo "line $i of hello"; done
echo "a line on stderr" >&2
case "$1" in
  n*) sleep "0.$(( ${1#n} % 3 ))" ;;
  fail) sleep 0.4; exit 3 ;;
esac
"""

# Prints a line every 0.3 s until the test writes the file `finish` or the
# host writes the run's shutdown file.
SLOW = """finish={finish}
i=0
while [ ! -e "$finish" ]; do
  i=$((i + 1))
  echo "tick $i"
  if [ -e "$WEBJOBS_SHUTDOWN_FILE" ]; then echo "shutdown requested"; exit 0; fi
  sleep 0.3
done
rm -f "$finish"
echo "finished after $i ticks"
"""

# Prints the text of each file say-* that the test writes, then removes it.
DAEMON = """folder={folder}
echo "daemon up"
while [ ! -e "$WEBJOBS_SHUTDOWN_FILE" ]; do
  for said in "$folder"/say-*; do
    if [ -e "$said" ]; then echo "$(cat "$said")"; rm -f "$said"; fi
  done
  sleep 0.2
done
echo "bye"
"""


def test_portal_logs_in_browser(start_host, tmp_path):
    host = start_host()
    files = tmp_path / "shared"
    files.mkdir()
    host.deploy_zip("hello", "triggered", {"run.sh": HELLO})
    host.deploy_zip("slow", "triggered",
                    {"run.sh": SLOW.format(finish=shlex.quote(str(files / "finish")))},
                    settings={"stopping_wait_time": 10})
    host.deploy_zip("daemon", "continuous",
                    {"run.sh": DAEMON.format(folder=shlex.quote(str(files)))})
    host.deploy_zip("bulk", "triggered", {"run.sh": 'seq 1 25000 | sed "s/^/row /"\n'})
    # Waits for the test's go file, prints 200,000 lines at once, writes the
    # printed marker, and runs on until the test's end file appears.
    marker = {name: shlex.quote(str(files / f"burst-{name}")) for name in ("go", "printed", "end")}
    host.deploy_zip("burst", "triggered", {"run.sh": (
        f'while [ ! -e {marker["go"]} ]; do sleep 0.1; done\n'
        'seq 1 200000 | sed "s/^/row /"\n'
        f'touch {marker["printed"]}\n'
        f'while [ ! -e {marker["end"]} ]; do sleep 0.1; done\n')})
    host.wait_for_log_line("daemon", "daemon up")
    bulk = host.run_and_wait("bulk")
    assert bulk["status"] == "Success", bulk
    (files / "bulk-run").write_text(bulk["id"])
    host.expect(host.request("PUT", "/api/users/viewer",
                             '{"password": "viewer-password-1", "role": "read"}',
                             {"Content-Type": "application/json"}), 201, "PUT /api/users/viewer")
    # Twelve finished runs, every fourth one failing.
    for number in range(12):
        run = host.run_and_wait("hello", "fail" if number % 4 == 3 else f"n{number}")
        assert run["status"] == ("Failed" if number % 4 == 3 else "Success"), run

    summary = run_script("logs_test.js", host, tmp_path, files=files)

    shots = screenshot_dir(tmp_path)
    for name in SCREENSHOTS:
        assert (shots / name).stat().st_size > 0, f"screenshot {name} is empty"

    live = host.get_run("slow", summary["live_run"])
    assert live["status"] == "Success", live
    assert live["arguments"] == "live one"
    assert live["trigger"] == f"Portal - {host.admin_user}", live["trigger"]
    live_lines = stdout_lines(host.run_output("slow", live["id"]))
    assert live_lines[0] == "tick 1"
    assert live_lines[-1].startswith("finished after "), live_lines[-3:]

    cancelled = host.get_run("slow", summary["cancelled_run"])
    assert cancelled["status"] in FINISHED_STATUSES, cancelled
    assert cancelled["status"] != "Success", cancelled
    assert cancelled["arguments"] == "to cancel"
    assert "shutdown requested" in stdout_lines(host.run_output("slow", cancelled["id"]))

    daemon_lines = stdout_lines(host.continuous_log("daemon"))
    assert "written by the test after the page opened" in daemon_lines
    assert "after the restart" in daemon_lines
    assert host.status("daemon") == "Running"

    entries = host.get_json("/api/audit?limit=100")["entries"]
    actions = [(entry["action"], entry["actor"], entry["target"]) for entry in entries]
    for expected in [("run.start", "admin", "triggered/slow"),
                     ("run.cancel", "admin", f"triggered/slow/{cancelled['id']}"),
                     ("job.stop", "admin", "continuous/daemon"),
                     ("job.start", "admin", "continuous/daemon")]:
        assert expected in actions, f"audit log lacks {expected}: {actions}"
    slow_starts = [entry for entry in entries
                   if entry["action"] == "run.start" and entry["target"] == "triggered/slow"]
    assert len(slow_starts) == 2, slow_starts
