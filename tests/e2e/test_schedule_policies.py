"""Overlap policies, exactly-once slots and schedule fields of triggered jobs.

The `overlap` setting decides what a schedule slot or a manual run does
while a run of the job is active. Under skip (Kudu's behavior) the slot is
skipped and logged, and a manual run gets 409. Under queue_one one run
waits as Initializing, under replace the active run is stopped first, and
under allow runs overlap, each with its own shutdown file. A slot is recorded before its
run starts, so a restart never runs it twice. Job JSON carries next_run,
and a scheduled run sees its slot in WEBJOBS_SCHEDULED_TIME.

Scripts coordinate through files in WEBJOBS_DATA_PATH, so no test depends
on how long a step takes.
"""

import datetime
import json
import re
import time

from webjobs_host import stdout_lines, system_lines, wait_for

EVERY_SECOND = "* * * * * *"
EVERY_2_SECONDS = "*/2 * * * * *"
# Far enough ahead that no test reaches it, and the same in every time zone.
NEW_YEAR_UTC = {"schedule": "0 0 0 1 1 *", "time_zone": "UTC"}

# Runs until "$WEBJOBS_DATA_PATH/release" or the run's shutdown file
# exists. Each run leaves started-<run id> and, at its end, ended-<run id>,
# and prints the ended-* files it found when it started.
BLOCKING = r'''
for f in "$WEBJOBS_DATA_PATH"/ended-*; do [ -e "$f" ] && echo "saw ${f##*/}"; done
touch "$WEBJOBS_DATA_PATH/started-$WEBJOBS_RUN_ID"
while [ ! -e "$WEBJOBS_DATA_PATH/release" ] && [ ! -e "$WEBJOBS_SHUTDOWN_FILE" ]; do
  sleep 0.1
done
touch "$WEBJOBS_DATA_PATH/ended-$WEBJOBS_RUN_ID"
'''


def put_settings(host, name, settings):
    host.expect(host.request("PUT", f"/api/triggeredwebjobs/{name}/settings",
                             json.dumps(settings), {"Content-Type": "application/json"}),
                200, f"PUT settings of {name}")


def release(host, name):
    (host.data_dir("triggered", name) / "release").write_text("go\n")


def wait_started(host, name, run_id, timeout=30):
    started = host.data_dir("triggered", name) / f"started-{run_id}"
    wait_for(started.exists, timeout, f"run {run_id} of {name} to start its script")


def scheduler_log(host, name):
    try:
        return (host.data_dir("triggered", name) / "job_scheduler.log").read_text(errors="replace")
    except FileNotFoundError:
        return ""


def scheduled_runs(host, name):
    return [run for run in host.history(name) if run["trigger"].startswith("Schedule - ")]


def wait_until_idle(host, name, timeout=60):
    wait_for(lambda: all(run["status"] not in ("Initializing", "Running")
                         for run in host.history(name)),
             timeout, f"every run of {name} to end")


def parse_utc(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


def next_new_year():
    now = datetime.datetime.now(datetime.timezone.utc)
    return f"{now.year + 1}-01-01T00:00:00Z"


def test_skip_rejects_manual_run_and_logs_skipped_slot(host):
    host.deploy_zip("skipper", "triggered", {"run.sh": BLOCKING})
    active = host.run("skipper")
    wait_started(host, "skipper", active)

    response = host.post_run("skipper")
    assert response.status == 409, f"expected 409 while a run is active; got {response.describe()}"
    assert active in response.text, (
        f"expected the message to name run {active}; got {response.text!r}")
    assert "/api/triggeredwebjobs/skipper/cancel" in response.text, (
        f"expected the message to name the cancel route; got {response.text!r}")

    put_settings(host, "skipper", {"schedule": EVERY_SECOND})
    wait_for(lambda: f"skipped: run {active} is still active (overlap policy \"skip\")"
             in scheduler_log(host, "skipper"), 30, "a skipped slot in job_scheduler.log")
    put_settings(host, "skipper", {})

    release(host, "skipper")
    assert host.wait_for_run("skipper", active)["status"] == "Success"
    wait_until_idle(host, "skipper")
    assert [run["id"] for run in host.history("skipper")] == [active], (
        "expected every slot to be skipped while the manual run was active")


def test_queue_one_lets_one_manual_run_wait(host):
    host.deploy_zip("queued", "triggered", {"run.sh": BLOCKING}, settings={"overlap": "queue_one"})
    active = host.run("queued")
    wait_started(host, "queued", active)

    response = host.expect(host.post_run("queued"), 202, "POST run while one is active")
    waiting = response.headers["Location"].rsplit("/", 1)[-1]
    run = host.get_run("queued", waiting)
    assert run["status"] == "Initializing", f"expected the waiting run as Initializing; got {run}"
    output = host.run_output("queued", waiting)
    assert f"Run {waiting} waits for run {active} to end" in "\n".join(system_lines(output)), (
        f"expected the waiting run's output to name run {active}; got:\n{output}")

    third = host.post_run("queued")
    assert third.status == 409, f"expected 409 while a run waits; got {third.describe()}"
    assert waiting in third.text, f"expected the message to name run {waiting}; got {third.text!r}"

    release(host, "queued")
    assert host.wait_for_run("queued", active)["status"] == "Success"
    assert host.wait_for_run("queued", waiting)["status"] == "Success"
    assert f"saw ended-{active}" in stdout_lines(host.run_output("queued", waiting)), (
        "expected the waiting run to start only after the active run ended")


def test_queue_alias_still_accepted(host):
    host.deploy_zip("alias", "triggered", {"run.sh": "echo hi\n"}, settings={"overlap": "queue"})
    bad = host.deploy_zip("badoverlap", "triggered", {"run.sh": "echo hi\n"},
                          settings={"overlap": "queue_two"}, expect=400)
    for policy in ("skip", "queue_one", "replace", "allow"):
        assert f'"{policy}"' in bad.text, (
            f"expected the error to list overlap policy {policy}; got {bad.text!r}")
    run = host.run_and_wait("alias")
    assert run["status"] == "Success", f"expected a job with overlap \"queue\" to run; got {run}"


def test_replace_stops_active_run_first(host):
    host.deploy_zip("replaced", "triggered", {"run.sh": BLOCKING},
                    settings={"overlap": "replace", "stopping_wait_time": 20})
    old = host.run("replaced")
    wait_started(host, "replaced", old)

    new = host.run("replaced")
    old_run = host.wait_for_run("replaced", old)
    assert old_run["status"] == "Stopped", f"expected the replaced run to be Stopped; got {old_run}"
    assert f"replaced by run {new}" in (old_run["error"] or ""), (
        f"expected the error to name run {new}; got {old_run['error']!r}")

    wait_started(host, "replaced", new)
    release(host, "replaced")
    new_run = host.wait_for_run("replaced", new)
    assert new_run["status"] == "Success", f"expected the new run to succeed; got {new_run}"
    assert f"saw ended-{old}" in stdout_lines(host.run_output("replaced", new)), (
        "expected the new run to start only after the old run had exited")


def test_allow_runs_concurrently_with_own_shutdown_files(host):
    script = ('echo "$WEBJOBS_SHUTDOWN_FILE" > "$WEBJOBS_DATA_PATH/shutdown-$WEBJOBS_RUN_ID"\n'
              'until [ "$(ls "$WEBJOBS_DATA_PATH" | grep -c "^shutdown-")" -ge 2 ]; do\n'
              '  sleep 0.1\n'
              'done\n')
    host.deploy_zip("parallel", "triggered", {"run.sh": script}, settings={"overlap": "allow"})
    first = host.run("parallel")
    second = host.run("parallel")

    for run_id in (first, second):
        run = host.wait_for_run("parallel", run_id)
        assert run["status"] == "Success", f"expected both overlapping runs to succeed; got {run}"
    data = host.data_dir("triggered", "parallel")
    files = {(data / f"shutdown-{run_id}").read_text().strip() for run_id in (first, second)}
    assert "" not in files, f"expected WEBJOBS_SHUTDOWN_FILE in every run; got {files}"
    assert len(files) == 2, f"expected each run to get its own WEBJOBS_SHUTDOWN_FILE; got {files}"


def test_allow_cancel_stops_every_run(host):
    host.deploy_zip("parallel", "triggered", {"run.sh": BLOCKING},
                    settings={"overlap": "allow", "stopping_wait_time": 20})
    runs = [host.run("parallel") for _ in range(2)]
    for run_id in runs:
        wait_started(host, "parallel", run_id)

    host.expect(host.cancel("parallel"), 200, "cancel")
    for run_id in runs:
        run = host.wait_for_run("parallel", run_id)
        assert run["status"] == "Stopped", f"expected cancel to stop every run; got {run}"
    response = host.cancel("parallel")
    assert response.status == 409, f"expected 409 with nothing to cancel; got {response.describe()}"


def test_next_run_field(start_host):
    host = start_host()
    job = host.deploy_zip("yearly", "triggered", {"run.sh": "echo hi\n"},
                          settings=NEW_YEAR_UTC).json()
    assert job["next_run"] == next_new_year(), f"expected next_run on new year; got {job}"
    assert job["next_run"] == job["next_scheduled_run"], (
        f"expected next_run to equal next_scheduled_run; got {job}")
    listed = {item["name"]: item for item in host.get_json("/api/triggeredwebjobs")}
    assert listed["yearly"]["next_run"] == next_new_year(), f"expected next_run in the list; got {listed}"

    plain = host.deploy_zip("plain", "triggered", {"run.sh": "echo hi\n"}).json()
    assert "next_run" in plain, f"expected next_run in every triggered job; got {plain}"
    assert plain["next_run"] is None, f"expected next_run null without a schedule; got {plain}"
    host.stop()

    paused = start_host({"WEBJOBS_DISABLE_SCHEDULE": "1"}, root=host.root)
    job = paused.job("triggered", "yearly")
    assert job["next_run"] is None, f"expected next_run null with WEBJOBS_DISABLE_SCHEDULE=1; got {job}"
    assert job["next_scheduled_run"] is None, (
        f"expected next_scheduled_run null with WEBJOBS_DISABLE_SCHEDULE=1; got {job}")


def test_scheduled_time_variable(host):
    script = 'echo "scheduled=${WEBJOBS_SCHEDULED_TIME-unset}"\n'
    host.deploy_zip("slots", "triggered", {"run.sh": script},
                    settings={"schedule": EVERY_2_SECONDS})
    run = wait_for(lambda: [r for r in scheduled_runs(host, "slots") if r["status"] == "Success"],
                   30, "a finished scheduled run")[0]
    put_settings(host, "slots", {})

    lines = stdout_lines(host.run_output("slots", run["id"]))
    values = [line.split("=", 1)[1] for line in lines if line.startswith("scheduled=")]
    assert len(values) == 1, f"expected one WEBJOBS_SCHEDULED_TIME line; got {lines}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", values[0]), (
        f"expected WEBJOBS_SCHEDULED_TIME as UTC text ending in Z; got {values[0]!r}")
    slot = parse_utc(values[0])
    started = datetime.datetime.strptime(run["id"][:14], "%Y%m%d%H%M%S").replace(
        tzinfo=datetime.timezone.utc)
    assert slot.second % 2 == 0, f"expected a slot of {EVERY_2_SECONDS}; got {values[0]}"
    assert slot <= started, f"expected the slot {values[0]} not after the run's start {run['id']}"
    assert f"due at {values[0]}" in scheduler_log(host, "slots"), (
        "expected job_scheduler.log to name the same slot")

    manual = host.run_and_wait("slots")
    assert "scheduled=unset" in stdout_lines(host.run_output("slots", manual["id"])), (
        "expected WEBJOBS_SCHEDULED_TIME to be unset for a manual run")


def test_scheduled_program_never_starts_before_its_slot(host):
    # The host starts each slot's process ahead of the slot in
    # webjobs-launcher, which executes bash at the slot. The script reports
    # when bash ran.
    script = 'echo "started=$(date +%s.%N) slot=${WEBJOBS_SCHEDULED_TIME-unset}"\n'
    host.deploy_zip("punctual", "triggered", {"run.sh": script},
                    settings={"schedule": EVERY_SECOND})

    def three_finished():
        done = [r for r in scheduled_runs(host, "punctual") if r["status"] == "Success"]
        return done[:3] if len(done) >= 3 else None

    runs = wait_for(three_finished, 30, "three finished scheduled runs")
    put_settings(host, "punctual", {})

    for run in runs:
        lines = stdout_lines(host.run_output("punctual", run["id"]))
        fields = dict(part.split("=", 1) for line in lines if line.startswith("started=")
                      for part in line.split())
        assert fields, f"expected a started= line in run {run['id']}; got {lines}"
        slot = parse_utc(fields["slot"]).timestamp()
        assert float(fields["started"]) >= slot, (
            f"expected run {run['id']} to start its program at or after its slot "
            f"{fields['slot']}; it started at {fields['started']}")
    launcher_log = host.log_path.read_text(errors="replace")
    assert "event=launcher_unavailable" not in launcher_log, (
        "expected the launcher to be usable on the test's data root")
    assert "event=park_failed" not in launcher_log


def test_restart_right_after_slot_runs_it_once(start_host):
    host = start_host()
    script = 'echo "$WEBJOBS_SCHEDULED_TIME" >> "$WEBJOBS_DATA_PATH/slots.txt"\n'
    host.deploy_zip("once", "triggered", {"run.sh": script}, settings={"schedule": EVERY_2_SECONDS})
    slots_file = host.data_dir("triggered", "once") / "slots.txt"

    def slots():
        try:
            return slots_file.read_text().split()
        except FileNotFoundError:
            return []

    first = wait_for(slots, 30, "the first scheduled run")[0]
    host.kill9()
    host = start_host(root=host.root)
    wait_for(lambda: len(slots()) >= 4, 60, "more scheduled runs after the restart")
    put_settings(host, "once", {})
    wait_until_idle(host, "once")

    seen = slots()
    assert seen.count(first) == 1, f"expected slot {first} to run once across the restart; got {seen}"
    duplicates = sorted({slot for slot in seen if seen.count(slot) > 1})
    assert not duplicates, f"expected every slot to run at most once; slots run twice: {duplicates}"


def test_settings_edit_on_disk_reschedules(host):
    host.deploy_zip("edited", "triggered", {"run.sh": "echo tick\n"},
                    settings={"schedule": EVERY_2_SECONDS})
    wait_for(lambda: scheduled_runs(host, "edited"), 30, "a scheduled run")
    before = host.job("triggered", "edited")["next_run"]
    assert before is not None, "expected next_run while the schedule is active"

    (host.job_dir("triggered", "edited") / "settings.job").write_text(json.dumps(NEW_YEAR_UTC))
    wait_for(lambda: host.job("triggered", "edited")["next_run"] == next_new_year(), 30,
             "next_run to move to new year after the edit")
    assert_no_new_runs(host, "edited")


def test_put_settings_reschedules(host):
    host.deploy_zip("putedit", "triggered", {"run.sh": "echo tick\n"},
                    settings={"schedule": EVERY_2_SECONDS})
    wait_for(lambda: scheduled_runs(host, "putedit"), 30, "a scheduled run")

    put_settings(host, "putedit", NEW_YEAR_UTC)
    job = host.job("triggered", "putedit")
    assert job["next_run"] == next_new_year(), f"expected next_run at once after PUT; got {job}"
    assert_no_new_runs(host, "putedit")


def assert_no_new_runs(host, name):
    wait_until_idle(host, name)
    before = {run["id"] for run in host.history(name)}
    time.sleep(5)
    after = {run["id"] for run in host.history(name)}
    assert after == before, f"expected no scheduled runs after the change; new: {after - before}"
