"""Error messages of PUT .../settings against a real host.

A settings body is checked with the rules of an uploaded settings.job, so
each fault gets the message that an upload of the same file gets. That
message has one "settings.job" prefix, the key or the line and column, and
the fix, and no text from the JSON library.
"""

import json

import pytest

from webjobs_host import WAIT_FOR_SHUTDOWN

ECHO = {"run.sh": "echo tick\n"}
WORKER = {"run.sh": WAIT_FOR_SHUTDOWN}

CASES = [
    ("triggered", "not json",
     "settings.job is not valid JSON: line 1, column 2: invalid literal; last read: 'no'"),
    ("triggered", '{"schedule": 5}',
     'settings.job: "schedule" must be a string, found 5 (a number)'),
    ("triggered", '{"catch_up_window": 1e12}',
     'settings.job: "catch_up_window" is out of range: found 1000000000000, but it must be a '
     "whole number of seconds from 1 to 2147483647"),
    ("triggered", '{"history_size": 1e999}',
     'settings.job: "history_size" is out of range: found 1e999, but it must be a whole number '
     "from 1 to 2147483647"),
    ("triggered", '{"extra": [1e999]}',
     'settings.job: the number 1e999 in "extra" is out of range: numbers must lie between '
     "-1.7e308 and 1.7e308, the range of a double"),
    ("continuous", '{"schedule": "0 0 * * * *"}',
     'settings.job: "schedule" is set, but continuous jobs do not run on a schedule; deploy the '
     "job as triggered, or remove the key"),
]


@pytest.mark.parametrize("job_type, body, message", CASES)
def test_put_settings_error_reads_as_upload_error(host, job_type, body, message):
    files = ECHO if job_type == "triggered" else WORKER
    host.deploy_zip("msgs", job_type, files, settings={"is_singleton": False})
    response = host.request("PUT", f"/api/{job_type}webjobs/msgs/settings", body,
                            {"Content-Type": "application/json"})
    assert response.status == 400, f"expected 400 for {body!r}; got {response.describe()}"
    assert response.text == message, f"expected {message!r} for {body!r}; got {response.text!r}"

    upload = host.deploy_zip("msgsupload", job_type, files, settings=body.encode(), expect=400)
    assert upload.text == message, (
        f"expected an upload of {body!r} to get the same message; got {upload.text!r}")


def test_put_settings_accepts_whole_number_in_exponent_form(host):
    host.deploy_zip("wholefloat", "triggered", ECHO)
    response = host.request("PUT", "/api/triggeredwebjobs/wholefloat/settings",
                            json.dumps({"catch_up_window": 3.6e3, "stopping_wait_time": 6e1}),
                            {"Content-Type": "application/json"})
    assert response.status == 200, f"expected 200; got {response.describe()}"
    settings = host.get_json("/api/triggeredwebjobs/wholefloat/settings")
    assert settings == {"catch_up_window": 3600.0, "stopping_wait_time": 60.0}, (
        f"expected the settings as sent; got {settings}")
