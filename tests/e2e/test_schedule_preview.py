"""Schedule preview: GET /api/schedule/preview and `webjobs cron`.

Both list the next occurrences of a schedule with the local time, UTC
offset and abbreviation, and mark times that a DST change moved (gap) or
repeated (overlap). The CLI computes them without a host.
"""

import json
import os
import subprocess
import urllib.parse

import pytest

from webjobs_host import free_port

NEW_YORK = "America/New_York"


def preview(host, expression, **params):
    query = urllib.parse.urlencode({"expression": expression, **params})
    return host.request("GET", f"/api/schedule/preview?{query}")


def preview_json(host, expression, **params):
    response = preview(host, expression, **params)
    assert response.status == 200, f"preview of {expression!r}: expected 200, got {response.describe()}"
    return response.json()


def times(body):
    return [occurrence["time"] for occurrence in body["occurrences"]]


def run_cron(binary, *args, env=None):
    """Run `webjobs cron ARGS` with no host and no WEBSITE_/WEBJOBS_ settings but `env`."""
    cli_env = {key: value for key, value in os.environ.items()
               if not key.startswith(("WEBJOBS_", "WEBSITE_"))}
    # Nothing listens here, so a command that tried to reach a host would fail.
    cli_env["WEBJOBS_URL"] = f"http://127.0.0.1:{free_port()}"
    cli_env.update(env or {})
    return subprocess.run([str(binary), "cron", *args], env=cli_env, capture_output=True,
                          text=True, timeout=60)


def test_preview_lists_occurrences_in_host_default_zone(start_host):
    host = start_host(env={"WEBSITE_TIME_ZONE": NEW_YORK})
    body = preview_json(host, "0 30 9 * * MON-FRI", **{"from": "2024-03-08T00:00:00Z"})
    assert body["expression"] == "0 30 9 * * MON-FRI"
    assert body["expanded"] == "0 30 9 * * 1-5"
    assert body["time_zone"] == NEW_YORK, f"expected the host's default zone; got {body}"
    assert body["is_interval"] is False
    assert times(body) == [
        "2024-03-08T09:30:00-05:00",
        "2024-03-11T09:30:00-04:00",
        "2024-03-12T09:30:00-04:00",
        "2024-03-13T09:30:00-04:00",
        "2024-03-14T09:30:00-04:00",
    ], f"expected five weekday mornings (default count); got {times(body)}"
    first = body["occurrences"][0]
    assert first == {
        "time": "2024-03-08T09:30:00-05:00",
        "utc": "2024-03-08T14:30:00Z",
        "offset": "-05:00",
        "abbreviation": "EST",
        "local_time": "2024-03-08T09:30:00",
        "dst_gap": None,
        "dst_overlap": None,
    }, f"unexpected occurrence JSON: {first}"


def test_preview_marks_gap(host):
    body = preview_json(host, "0 30 2 * * *", time_zone=NEW_YORK, count=2,
                        **{"from": "2024-03-09T12:00:00-05:00"})
    moved = body["occurrences"][0]
    assert moved["time"] == "2024-03-10T03:00:00-04:00", f"got {moved}"
    assert moved["utc"] == "2024-03-10T07:00:00Z", f"got {moved}"
    assert moved["abbreviation"] == "EDT", f"got {moved}"
    assert moved["dst_gap"] == {"skipped_local_time": "2024-03-10T02:30:00", "change": "dst"}, (
        f"got {moved}")
    assert moved["dst_overlap"] is None, f"got {moved}"
    assert body["occurrences"][1]["time"] == "2024-03-11T02:30:00-04:00"
    assert body["occurrences"][1]["dst_gap"] is None


def test_preview_marks_overlap_passes(host):
    interval = preview_json(host, "0 */20 * * * *", time_zone=NEW_YORK, count=7,
                            **{"from": "2024-11-03T00:50:00-04:00"})
    assert interval["is_interval"] is True
    assert times(interval) == [
        "2024-11-03T01:00:00-04:00", "2024-11-03T01:20:00-04:00", "2024-11-03T01:40:00-04:00",
        "2024-11-03T01:00:00-05:00", "2024-11-03T01:20:00-05:00", "2024-11-03T01:40:00-05:00",
        "2024-11-03T02:00:00-05:00",
    ], f"expected both passes of the repeated hour; got {times(interval)}"
    passes = [(occurrence["dst_overlap"] or {}).get("pass")
              for occurrence in interval["occurrences"]]
    assert passes == ["first"] * 3 + ["second"] * 3 + [None], f"got {passes}"

    fixed = preview_json(host, "0 30 1 * * *", time_zone=NEW_YORK, count=2,
                         **{"from": "2024-11-03T00:00:00-04:00"})
    assert times(fixed) == ["2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00"], (
        f"expected a fixed-time schedule to run in the first pass only; got {times(fixed)}")
    assert fixed["occurrences"][0]["dst_overlap"] == {"pass": "first", "change": "dst"}


def test_preview_rejects_bad_expression_naming_token(host):
    response = preview(host, "0 0 25 * * *")
    assert response.status == 400, f"expected 400; got {response.describe()}"
    assert "'25'" in response.text, f"expected the message to name the token; got {response.text!r}"
    assert "hour" in response.text, f"expected the message to name the field; got {response.text!r}"
    assert "0 0 25 * * *" in response.text, f"expected the expression; got {response.text!r}"

    missing = host.request("GET", "/api/schedule/preview")
    assert missing.status == 400, f"expected 400 without expression; got {missing.describe()}"
    assert "expression" in missing.text


def test_preview_rejects_bad_zone_and_from(host):
    response = preview(host, "0 0 * * * *", time_zone="Mars/Olympus")
    assert response.status == 400, f"expected 400; got {response.describe()}"
    assert "Mars/Olympus" in response.text, f"expected the zone in the message; got {response.text!r}"

    response = preview(host, "0 0 * * * *", **{"from": "2024-03-10T06:00:00"})
    assert response.status == 400, f"expected 400 for an instant without offset; got {response.describe()}"
    assert "UTC offset" in response.text, f"got {response.text!r}"


@pytest.mark.parametrize("count", ["0", "1001", "-3", "ten"])
def test_preview_rejects_count_outside_limits(host, count):
    response = preview(host, "* * * * * *", count=count)
    assert response.status == 400, f"count={count}: expected 400; got {response.describe()}"
    assert "from 1 to 1000" in response.text, f"got {response.text!r}"


def test_preview_accepts_count_limits(host):
    assert len(preview_json(host, "* * * * * *", count=1)["occurrences"]) == 1
    assert len(preview_json(host, "* * * * * *", count=1000)["occurrences"]) == 1000


def test_preview_accepts_windows_zone_id(host):
    body = preview_json(host, "0 0 9 * * *", time_zone="Korea Standard Time", count=1,
                        **{"from": "2024-01-01T00:00:00Z"})
    assert body["time_zone"] == "Asia/Seoul"
    assert times(body) == ["2024-01-01T09:00:00+09:00"]


def test_cron_prints_gap_note(webjobs_bin):
    result = run_cron(webjobs_bin, "0 30 2 * * *", "--time-zone", NEW_YORK,
                      "--from", "2024-03-09T12:00:00-05:00", "--count", "2")
    assert result.returncode == 0, f"exit {result.returncode}; stderr:\n{result.stderr}"
    lines = result.stdout.splitlines()
    assert lines == [
        "expression: 0 30 2 * * *  expanded: 0 30 2 * * *  time zone: America/New_York",
        "2024-03-10 03:00:00 -04:00 EDT  2024-03-10T07:00:00Z  moved: 02:30:00 does not exist (DST gap)",
        "2024-03-11 02:30:00 -04:00 EDT  2024-03-11T06:30:00Z",
    ], f"unexpected output:\n{result.stdout}"


def test_cron_prints_overlap_note_with_website_time_zone(webjobs_bin):
    result = run_cron(webjobs_bin, "0 */20 * * * *", "--from", "2024-11-03T01:10:00-05:00",
                      "--count", "2", env={"WEBSITE_TIME_ZONE": "Eastern Standard Time"})
    assert result.returncode == 0, f"exit {result.returncode}; stderr:\n{result.stderr}"
    lines = result.stdout.splitlines()
    assert "time zone: America/New_York" in lines[0], f"got:\n{result.stdout}"
    assert lines[1:] == [
        "2024-11-03 01:20:00 -05:00 EST  2024-11-03T06:20:00Z  repeated time (DST overlap), second pass",
        "2024-11-03 01:40:00 -05:00 EST  2024-11-03T06:40:00Z  repeated time (DST overlap), second pass",
    ], f"unexpected output:\n{result.stdout}"


def test_cron_json_matches_api(host, webjobs_bin):
    params = {"time_zone": NEW_YORK, "count": "3", "from": "2024-03-09T12:00:00-05:00"}
    api = preview_json(host, "0 30 2 * * *", **params)
    result = run_cron(webjobs_bin, "0 30 2 * * *", "--time-zone", NEW_YORK,
                      "--from", params["from"], "--count", "3", "--json")
    assert result.returncode == 0, f"exit {result.returncode}; stderr:\n{result.stderr}"
    assert json.loads(result.stdout) == api, f"CLI JSON:\n{result.stdout}\nAPI JSON:\n{api}"


@pytest.mark.parametrize("args, message", [
    (["0 0 25 * * *"], "'25'"),
    (["@daily"], "@daily"),
    (["0 0 * * * *", "--time-zone", "Mars/Olympus"], "Mars/Olympus"),
    (["0 0 * * * *", "--from", "yesterday"], "--from"),
    (["0 0 * * * *", "--count", "0"], "from 1 to 1000"),
])
def test_cron_invalid_input_exits_with_usage_code(webjobs_bin, args, message):
    result = run_cron(webjobs_bin, *args)
    assert result.returncode == 2, (
        f"{args}: expected exit code 2; got {result.returncode}\nstderr:\n{result.stderr}")
    assert result.stderr.startswith("webjobs: error: "), f"got stderr:\n{result.stderr}"
    assert message in result.stderr, f"expected {message!r} in stderr; got:\n{result.stderr}"
    assert result.stdout == "", f"expected no output; got:\n{result.stdout}"


def test_cron_usage_errors_exit_with_two(webjobs_bin):
    missing = run_cron(webjobs_bin)
    assert missing.returncode == 2, f"expected 2 without EXPR; got {missing.returncode}"
    help_result = run_cron(webjobs_bin, "--help")
    assert help_result.returncode == 0, f"expected 0 for --help; got {help_result.returncode}"
    assert "--time-zone" in help_result.stdout
