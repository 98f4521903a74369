"""Live output: server-sent event streams of runs and continuous logs, and
`webjobs logs -f`.

A run's stream sends its output_log.txt as it grows, in `output` events
with resumable ids, and ends with a `status` event holding the run JSON.
A continuous job's stream follows job_log.txt across rotations. Jobs wait
for files the test creates, so every step is ordered without timing.
"""

import json
import subprocess
import time

from event_stream import EventStream
from webjobs_host import WAIT_FOR_SHUTDOWN, stdout_lines, wait_for

# A run that prints "first", waits until the test creates $WEBJOBS_DATA_PATH/go,
# prints "second" and exits with EXIT_CODE.
GATED_RUN = ('echo first\n'
             'while [ ! -e "$WEBJOBS_DATA_PATH/go" ]; do sleep 0.1; done\n'
             'echo second\n'
             'exit "${EXIT_CODE:-0}"\n')


def run_stream_path(name, run_id):
    return f"/api/triggeredwebjobs/{name}/history/{run_id}/stream"


def release(host, job_type, name, file_name="go"):
    (host.data_dir(job_type, name) / file_name).touch()


def deploy_gated(host, name="J", exit_code=0):
    script = f"EXIT_CODE={exit_code}\n" + GATED_RUN
    host.deploy_zip(name, "triggered", {"run.sh": script})


def test_stream_follows_run_to_status(host):
    deploy_gated(host)
    run_id = host.run("J")
    stream = EventStream(host, run_stream_path("J", run_id))
    try:
        assert stream.status == 200, f"expected 200; got {stream.status}: {stream.body()}"
        assert stream.headers.get("Content-Type") == "text/event-stream"
        assert stream.headers.get("Cache-Control") == "no-cache"
        early = stream.read_output_until(lambda text: "first" in stdout_lines(text))
        release(host, "triggered", "J")
        rest, status = stream.read_to_status()
    finally:
        stream.close()

    assert status is not None, f"expected a status event at the end; got output:\n{rest}"
    final = host.get_json(f"/api/triggeredwebjobs/J/history/{run_id}")
    assert json.loads(status.data) == final, "expected the status data to equal GET .../history/{id}"
    assert final["status"] == "Success"
    assert early + rest == host.run_output("J", run_id), "expected the stream to equal output_log.txt"
    assert stream.ended or stream.next_event() is None, "expected the stream to end after the status"


def test_status_event_is_the_get_body(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo done\nexit 2\n"})
    run = host.run_and_wait("J")
    stream = EventStream(host, run_stream_path("J", run["id"]))
    try:
        _, status = stream.read_to_status()
    finally:
        stream.close()
    body = host.request("GET", f"/api/triggeredwebjobs/J/history/{run['id']}").text
    assert status is not None, "expected a status event"
    assert status.data == body, "expected the status data byte for byte as GET returns it"
    assert json.loads(status.data)["status"] == "Failed"


def test_resume_with_last_event_id_mid_run(host):
    deploy_gated(host)
    run_id = host.run("J")
    first = EventStream(host, run_stream_path("J", run_id))
    try:
        seen = first.read_output_until(lambda text: "first" in stdout_lines(text))
        last_id = first.last_id
    finally:
        first.close()
    assert last_id, "expected output events to carry an id"

    release(host, "triggered", "J")
    host.wait_for_run("J", run_id)
    second = EventStream(host, run_stream_path("J", run_id), {"Last-Event-ID": last_id})
    try:
        rest, status = second.read_to_status()
    finally:
        second.close()
    assert status is not None, "expected a status event after the resumed output"
    assert seen + rest == host.run_output("J", run_id), (
        "expected the resumed stream to send exactly the bytes after the id")


def test_resume_with_from_query(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo one\necho two\necho three\n"})
    run = host.run_and_wait("J")
    output = host.run_output("J", run["id"])
    offset = len(output.encode()) - len(output.splitlines(keepends=True)[-1].encode())
    stream = EventStream(host, run_stream_path("J", run["id"]) + f"?from={offset}")
    try:
        rest, status = stream.read_to_status()
    finally:
        stream.close()
    assert rest == output.splitlines(keepends=True)[-1], "expected only the last line after from="
    assert status is not None


def test_join_after_run_finished(host):
    host.deploy_zip("J", "triggered", {"run.sh": "for i in 1 2 3; do echo line $i; done\n"})
    run = host.run_and_wait("J")
    stream = EventStream(host, run_stream_path("J", run["id"]))
    try:
        text, status = stream.read_to_status()
    finally:
        stream.close()
    assert text == host.run_output("J", run["id"]), "expected the whole output at once"
    assert status is not None and json.loads(status.data)["status"] == "Success"


def test_followers_receive_identical_bytes(host):
    host.deploy_zip("J", "triggered", {"run.sh": (
        'echo first\n'
        'while [ ! -e "$WEBJOBS_DATA_PATH/go" ]; do sleep 0.1; done\n'
        'for i in $(seq 1 3000); do echo "line $i of the burst"; done\n')})
    run_id = host.run("J")
    streams = [EventStream(host, run_stream_path("J", run_id)) for _ in range(4)]
    try:
        for stream in streams:
            assert stream.status == 200
        release(host, "triggered", "J")
        results = [stream.read_to_status() for stream in streams]
    finally:
        for stream in streams:
            stream.close()
    output = host.run_output("J", run_id)
    assert "line 3000 of the burst" in output
    for index, (text, status) in enumerate(results):
        assert status is not None, f"follower {index}: expected a status event"
        assert text == output, f"follower {index}: expected the same bytes as output_log.txt"


def test_continuous_log_follows_rotation_and_resumes(start_host):
    host = start_host({"WEBJOBS_LOG_MAX_BYTES": "4096", "WEBJOBS_LOG_FILES": "10"})
    # Each burst waits for its file, so the first stream connects before
    # anything rotates, and the resumed one before the second burst.
    script = ('n=0\n'
              'burst() { for i in $(seq 1 "$1"); do n=$((n+1)); echo "tick $n padding to make lines long"; done; }\n'
              'while [ ! -e "$WEBJOBS_DATA_PATH/start" ]; do sleep 0.1; done\n'
              'burst 150\n'
              'while [ ! -e "$WEBJOBS_DATA_PATH/go" ]; do sleep 0.1; done\n'
              'burst 150\n' + WAIT_FOR_SHUTDOWN)
    host.deploy_zip("C", "continuous", {"run.sh": script})
    host.wait_for_status("C", "Running")

    def ticks(text):
        return [int(line.split()[1]) for line in stdout_lines(text) if line.startswith("tick ")]

    first = EventStream(host, "/api/continuouswebjobs/C/log/stream")
    try:
        assert first.status == 200
        release(host, "continuous", "C", "start")
        early = first.read_output_until(lambda text: 10 in ticks(text))
        resume_id = first.last_id
        seen = early + first.read_output_until(lambda text: 150 in ticks(early + text))
    finally:
        first.close()
    assert (host.data_dir("continuous", "C") / "job_prev_log.txt").exists(), (
        "expected job_log.txt to have rotated during the first burst")
    assert ticks(seen)[: 150] == list(range(1, 151)), "expected ticks 1..150 in order"

    resumed = EventStream(host, "/api/continuouswebjobs/C/log/stream",
                          {"Last-Event-ID": resume_id})
    try:
        release(host, "continuous", "C")
        text = resumed.read_output_until(lambda text: 300 in ticks(text))
    finally:
        resumed.close()
    expected_start = max(ticks(early)) + 1
    assert ticks(text) == list(range(expected_start, 301)), (
        "expected the resumed stream to continue right after the id, across rotations")


def test_stream_cap_returns_503(start_host):
    host = start_host({"WEBJOBS_MAX_EVENT_STREAMS": "1"})
    host.deploy_zip("C", "continuous", {"run.sh": "while true; do echo tick; sleep 0.2; done\n"})
    held = EventStream(host, "/api/continuouswebjobs/C/log/stream")
    try:
        assert held.status == 200
        refused = host.request("GET", "/api/continuouswebjobs/C/log/stream")
        assert refused.status == 503, f"expected 503 above the cap; got {refused.describe()}"
        assert refused.headers.get("Retry-After"), "expected a Retry-After header"
        assert "at most 1" in refused.text, f"expected the message to name the cap; got {refused.text!r}"
        assert "--max-event-streams" in refused.text, (
            f"expected the message to name the option; got {refused.text!r}")
        health = host.request("GET", "/api/health")
        assert health.status == 200, "expected ordinary requests to work at the cap"
    finally:
        held.close()

    def admitted():
        stream = EventStream(host, "/api/continuouswebjobs/C/log/stream", timeout=30)
        status = stream.status
        stream.close()
        return status == 200
    wait_for(admitted, 60, "a stream slot to be free again after the client left", interval=0.5)


def test_unknown_job_or_run_is_404(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo x\n"})
    missing_run = host.request("GET", run_stream_path("J", "202401010000000000"))
    assert missing_run.status == 404, missing_run.describe()
    missing_job = host.request("GET", "/api/continuouswebjobs/nope/log/stream")
    assert missing_job.status == 404, missing_job.describe()
    bad_id = host.request("GET", "/api/continuouswebjobs/nope/log/stream?from=xyz")
    assert bad_id.status in (400, 404), bad_id.describe()


def test_invalid_last_event_id_is_400(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo x\n"})
    run = host.run_and_wait("J")
    response = host.request("GET", run_stream_path("J", run["id"]), headers={"Last-Event-ID": "x-1"})
    assert response.status == 400, response.describe()
    assert "Last-Event-ID" in response.text


def test_cli_follow_exits_with_run_status(host):
    deploy_gated(host, exit_code=4)
    run_id = host.run("J")
    env = dict(host.env, WEBJOBS_URL=host.url, WEBJOBS_USER=host.admin_user,
               WEBJOBS_PASSWORD=host.admin_password)
    follower = subprocess.Popen([str(host.binary), "logs", "J", run_id, "-f"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        printed = ""
        while "first" not in stdout_lines(printed):
            line = follower.stdout.readline()
            assert line, f"expected output before the end; stderr: {follower.stderr.read()}"
            printed += line
        release(host, "triggered", "J")
        rest, errors = follower.communicate(timeout=120)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 1, f"expected exit code 1 for a Failed run; stderr: {errors}"
    assert printed + rest == host.run_output("J", run_id)
    assert "Failed" in errors, f"expected the status in stderr: {errors}"
    assert "exit code 4" in errors, f"expected the exit code in stderr: {errors}"


def test_cli_follow_latest_success_exits_zero(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo hello\n"})
    run = host.run_and_wait("J")
    result = host.cli("logs", "J", "--follow")
    assert result.returncode == 0, f"expected exit code 0 for Success; stderr: {result.stderr}"
    assert result.stdout == host.run_output("J", run["id"])
