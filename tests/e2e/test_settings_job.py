"""settings.job: encodings, strict types, the settings API and live reload.

Keys are case-sensitive as in Kudu. Unlike Kudu, the host rejects invalid
JSON and values of the wrong type with 400 naming the key (or the line and
column), at upload and at PUT .../settings. A settings.job edited on disk
that fails to parse leaves the previous settings in force.
"""

import json
import time

import pytest

from webjobs_host import WAIT_FOR_SHUTDOWN, wait_for

EVERY_2_SECONDS = "*/2 * * * * *"
ECHO = {"run.sh": "echo tick\n"}
WORKER = {"run.sh": WAIT_FOR_SHUTDOWN}


def scheduled_runs(host, name):
    return [run for run in host.history(name) if run.get("trigger", "").startswith("Schedule - ")]


def wait_for_scheduled_run(host, name, timeout=30):
    return wait_for(lambda: scheduled_runs(host, name), timeout,
                    f"a run of {name} with trigger 'Schedule - ...'")


def test_settings_with_utf8_bom_activate_schedule(host):
    settings = b"\xef\xbb\xbf" + json.dumps({"schedule": EVERY_2_SECONDS}).encode()
    host.deploy_zip("bom", "triggered", ECHO, settings=settings)
    wait_for_scheduled_run(host, "bom")


def test_settings_in_utf16_with_bom_activate_schedule(host):
    settings = b"\xff\xfe" + json.dumps({"schedule": EVERY_2_SECONDS}).encode("utf-16-le")
    host.deploy_zip("utf16", "triggered", ECHO, settings=settings)
    wait_for_scheduled_run(host, "utf16")


def test_settings_keys_are_case_sensitive(host):
    host.deploy_zip("casekey", "triggered", ECHO, settings={"Schedule": "* * * * * *"})
    time.sleep(4)
    assert host.history("casekey") == [], (
        "expected no scheduled runs: 'Schedule' is not the key 'schedule'")


@pytest.mark.parametrize("settings, key", [
    ({"is_singleton": "true"}, "is_singleton"),
    ({"stopping_wait_time": "60"}, "stopping_wait_time"),
    ({"stopping_wait_time": 60.5}, "stopping_wait_time"),
    ({"is_in_place": 1}, "is_in_place"),
    ({"schedule": 5}, "schedule"),
])
def test_wrong_type_setting_rejected_naming_key(host, settings, key):
    response = host.deploy_zip("typed", "continuous", WORKER,
                               settings=settings, expect=400)
    assert key in response.text, f"expected the 400 message to name {key!r}; got {response.text!r}"


def test_integer_stopping_wait_time_is_accepted(host):
    host.deploy_zip("waits", "continuous", WORKER, settings={"stopping_wait_time": 60})
    settings = host.get_json("/api/continuouswebjobs/waits/settings")
    assert settings == {"stopping_wait_time": 60}, f"expected stopping_wait_time 60; got {settings}"


def test_html_wrapped_settings_are_rejected_with_position(host):
    settings = "<p>{ &quot;schedule&quot;: &quot;0 */2 * * * *&quot; }</p>"
    response = host.deploy_zip("html", "triggered", ECHO, settings=settings, expect=400)
    assert "line" in response.text.lower(), (
        f"expected the 400 message to give the line and column; got {response.text!r}")
    assert "settings.job" in response.text, (
        f"expected the 400 message to name settings.job; got {response.text!r}")


def test_settings_with_comments_are_accepted(host):
    settings = ('{\n  // nightly\n  "schedule": "0 0 2 * * *", /* at two */\n'
                '  "stopping_wait_time": 10\n}\n')
    host.deploy_zip("comments", "triggered", ECHO, settings=settings)
    got = host.get_json("/api/triggeredwebjobs/comments/settings")
    assert got == {"schedule": "0 0 2 * * *", "stopping_wait_time": 10}, (
        f"expected the settings without comments; got {got}")


def test_rejected_settings_keep_old_version(host):
    host.deploy_zip("keep", "continuous",
                    {"run.sh": 'echo "v1 started"\n' + WAIT_FOR_SHUTDOWN})
    host.wait_for_log_line("keep", "v1 started")

    host.deploy_zip("keep", "continuous", {"run.sh": 'echo "v2 started"\nsleep 1000\n'},
                    settings={"is_singleton": "yes"}, expect=400)

    time.sleep(2)
    assert host.status("keep") == "Running", "expected v1 to keep running after a rejected upload"
    run_sh = (host.job_dir("continuous", "keep") / "run.sh").read_text()
    assert "v1 started" in run_sh, f"expected v1's run.sh to stay in place; got {run_sh!r}"
    log = host.continuous_log("keep")
    assert "v2 started" not in log, f"expected v2 never to start; log:\n{log}"


def test_bad_disk_edit_keeps_previous_settings(host):
    host.deploy_zip("diskbad", "triggered", ECHO, settings={"schedule": "0 0 2 * * *"})
    (host.job_dir("triggered", "diskbad") / "settings.job").write_text('{"schedule": ')

    job = wait_for(lambda: (lambda j: j if j.get("error") else None)(
        host.job("triggered", "diskbad")), 30, "the job to show the settings.job error")
    assert "settings.job" in job["error"], f"expected the error to name settings.job; got {job['error']!r}"
    assert job["settings"] == {"schedule": "0 0 2 * * *"}, (
        f"expected the previous settings to stay in force; got {job['settings']}")


def test_put_settings_installs_schedule_without_restart(host):
    host.deploy_zip("putsched", "triggered", ECHO)
    body = json.dumps({"schedule": EVERY_2_SECONDS})
    host.expect(host.request("PUT", "/api/triggeredwebjobs/putsched/settings", body,
                             {"Content-Type": "application/json"}), 200, "PUT settings")

    settings = host.get_json("/api/triggeredwebjobs/putsched/settings")
    assert settings == {"schedule": EVERY_2_SECONDS}, f"expected the schedule back; got {settings}"
    wait_for_scheduled_run(host, "putsched")


def test_put_settings_replaces_whole_file(host):
    host.deploy_zip("replace", "triggered", ECHO, settings={"schedule": EVERY_2_SECONDS})
    wait_for_scheduled_run(host, "replace")

    body = json.dumps({"is_singleton": True})
    host.expect(host.request("PUT", "/api/triggeredwebjobs/replace/settings", body,
                             {"Content-Type": "application/json"}), 200, "PUT settings")
    settings = host.get_json("/api/triggeredwebjobs/replace/settings")
    assert settings == {"is_singleton": True}, (
        f"expected PUT to replace the file, not merge; got {settings}")

    # A run that started just before the PUT may still finish; after that
    # no new scheduled run may start.
    time.sleep(2)
    before = {run["id"] for run in host.history("replace")}
    time.sleep(5)
    after = {run["id"] for run in host.history("replace")}
    assert after == before, f"expected no scheduled runs once the schedule is gone; new: {after - before}"


def test_put_settings_of_missing_job_is_not_found(host):
    response = host.request("PUT", "/api/triggeredwebjobs/Nope/settings", "{}",
                            {"Content-Type": "application/json"})
    assert response.status == 404, f"expected 404 for an unknown job; got {response.describe()}"


@pytest.mark.parametrize("body, fragment", [
    ({"stopping_wait_time": "5"}, "stopping_wait_time"),
    ({"schedule": "0 0 12 * * ? *"}, "0 0 12 * * ? *"),
    ({"schedule": "0 0 0 30 2 *"}, "0 0 0 30 2 *"),
])
def test_put_invalid_settings_is_rejected(host, body, fragment):
    host.deploy_zip("badput", "triggered", ECHO, settings={"schedule": "0 0 2 * * *"})
    response = host.request("PUT", "/api/triggeredwebjobs/badput/settings", json.dumps(body),
                            {"Content-Type": "application/json"})
    assert response.status == 400, f"expected 400 for {body}; got {response.describe()}"
    assert fragment in response.text, f"expected the message to quote {fragment!r}; got {response.text!r}"
    settings = host.get_json("/api/triggeredwebjobs/badput/settings")
    assert settings == {"schedule": "0 0 2 * * *"}, f"expected the old settings to stay; got {settings}"


def test_disable_schedule_setting_stops_scheduled_runs(start_host):
    host = start_host({"WEBJOBS_DISABLE_SCHEDULE": "1"})
    host.deploy_zip("nosched", "triggered", ECHO, settings={"schedule": "* * * * * *"})
    time.sleep(4)
    assert host.history("nosched") == [], "expected no scheduled runs with WEBJOBS_DISABLE_SCHEDULE=1"

    run = host.run_and_wait("nosched")
    assert run["status"] == "Success", f"expected a manual run to work; got {run}"


def test_settings_edited_on_disk_reschedule(host):
    host.deploy_zip("diskedit", "triggered", ECHO)
    settings_path = host.job_dir("triggered", "diskedit") / "settings.job"
    settings_path.write_text(json.dumps({"schedule": EVERY_2_SECONDS}))
    wait_for_scheduled_run(host, "diskedit")


def test_put_job_query_sets_schedule_and_singleton(host):
    job = host.deploy_zip("qsched", "triggered", ECHO,
                          query="?schedule=0%200%202%20*%20*%20*").json()
    assert job["settings"].get("schedule") == "0 0 2 * * *", (
        f"expected ?schedule= to set the schedule; got {job['settings']}")

    job = host.deploy_zip("qsingle", "continuous", WORKER, query="?singleton=true").json()
    assert job["settings"].get("is_singleton") is True, (
        f"expected ?singleton=true to set is_singleton; got {job['settings']}")


def test_put_job_query_sets_time_zone(host):
    query = "?schedule=0%200%202%20*%20*%20*&time_zone=America%2FNew_York"
    job = host.deploy_zip("qzone", "triggered", ECHO, settings={"history_size": 7},
                          query=query).json()
    assert job["settings"] == {"history_size": 7, "schedule": "0 0 2 * * *",
                               "time_zone": "America/New_York"}, (
        f"expected the query to join the uploaded settings.job; got {job['settings']}")
    stored = json.loads((host.job_dir("triggered", "qzone") / "settings.job").read_text())
    assert stored["time_zone"] == "America/New_York", f"settings.job on disk: {stored}"
    # 02:00 in New York is 06:00 or 07:00 UTC, never 02:00 UTC.
    assert job["next_run"][11:19] in ("06:00:00", "07:00:00"), (
        f"expected the schedule to run in New York time; next_run is {job['next_run']}")


def test_put_job_unknown_time_zone_keeps_version(host):
    host.deploy_zip("qbadzone", "triggered", ECHO, settings={"schedule": "0 0 2 * * *"})
    response = host.deploy_zip("qbadzone", "triggered", {"run.sh": "echo new\n"},
                               query="?time_zone=Mars%2FOlympus", expect=400)
    assert 'time_zone="Mars/Olympus"' in response.text, response.text
    assert "unknown time zone" in response.text, response.text
    settings = host.get_json("/api/triggeredwebjobs/qbadzone/settings")
    assert settings == {"schedule": "0 0 2 * * *"}, f"expected the old version to stay; got {settings}"
    script = (host.job_dir("triggered", "qbadzone") / "run.sh").read_text()
    assert script == "echo tick\n", f"expected the old run.sh to stay; got {script!r}"
