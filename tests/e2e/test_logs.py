"""Job output: line format, framing, exit status, caps, rotation, history.

Each line is written as [MM/dd/yyyy HH:mm:ss > INST: LEVEL] text in UTC,
stdout as INFO, stderr as ERR (padded to four characters), host lines as
SYS INFO/WARN/ERR. Continuous output is kept whole and rotated by size
(no 200-line cap); each triggered run has its own output_log.txt.
"""

import datetime

import pytest

from webjobs_host import WAIT_FOR_SHUTDOWN, parse_log, stderr_lines, stdout_lines, system_lines, wait_for


def test_stdout_and_stderr_lines_are_info_and_err(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo ok\necho warn >&2\nexit 0\n"})
    run = host.run_and_wait("J")
    output = host.run_output("J", run["id"])
    assert run["status"] == "Success", f"expected Success; got {run}"

    records = parse_log(output)
    unparsed = [record.line for record in records if record.level is None]
    assert unparsed == [], f"expected every line in the [time > instance: LEVEL] format; got {unparsed}"
    info = [r for r in records if r.level == "INFO" and r.text == "ok"]
    err = [r for r in records if r.level == "ERR " and r.text == "warn"]
    assert len(info) == 1, f"expected one INFO line 'ok'; got:\n{output}"
    assert len(err) == 1, f"expected one 'ERR ' line 'warn' (ERR padded to 4); got:\n{output}"
    assert info[0].instance == host.instance, (
        f"expected the short instance id {host.instance!r}; got {info[0].instance!r}")
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs(now - info[0].time) < datetime.timedelta(minutes=10), (
        f"expected a UTC timestamp near {now:%m/%d/%Y %H:%M:%S}; got {info[0].line!r}")


def test_nonzero_exit_is_failed_with_exit_code_line(host):
    host.deploy_zip("J", "triggered", {"run.sh": "exit 3\n"})
    run = host.run_and_wait("J")
    output = host.run_output("J", run["id"])
    assert run["status"] == "Failed", f"expected Failed for exit 3; got {run}"
    assert any("exit code 3" in line for line in system_lines(output)), (
        f"expected a system line stating exit code 3; got:\n{output}")


def test_signal_kill_fails_run_naming_signal(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo before\nkill -9 $$\necho after\n"})
    run = host.run_and_wait("J")
    output = host.run_output("J", run["id"])
    assert run["status"] == "Failed", f"expected Failed for a run killed by SIGKILL; got {run}"
    assert "SIGKILL" in output, f"expected the log to name SIGKILL; got:\n{output}"
    assert "after" not in stdout_lines(output), "expected nothing after the kill"


def test_buffered_python_output_is_kept(host):
    host.deploy_zip("J", "triggered", {"run.py": "print('x')\nimport time\ntime.sleep(2)\n"})
    run = host.run_and_wait("J")
    assert "x" in stdout_lines(host.run_output("J", run["id"])), "expected 'x' in the final log"


def test_cr_crlf_and_unterminated_lines_are_framed(host):
    host.deploy_zip("J", "triggered", {"run.sh": "printf 'one\\rtwo\\r\\nthree\\nfour'\n"})
    run = host.run_and_wait("J")
    lines = stdout_lines(host.run_output("J", run["id"]))
    assert lines == ["one", "two", "three", "four"], (
        f"expected lines one, two, three, four (CR, CRLF, LF, unterminated); got {lines}")


def test_utf8_split_across_writes_stays_intact(host):
    script = ("import sys, time\n"
              "data = 'héllo wörld ✓\\n'.encode()\n"
              "for i in range(len(data)):\n"
              "    sys.stdout.buffer.write(data[i:i + 1])\n"
              "    sys.stdout.buffer.flush()\n"
              "    time.sleep(0.01)\n")
    host.deploy_zip("J", "triggered", {"run.py": script})
    run = host.run_and_wait("J")
    lines = stdout_lines(host.run_output("J", run["id"]))
    assert lines == ["héllo wörld ✓"], f"expected one intact UTF-8 line; got {lines}"


def test_long_line_is_split_at_64_kib(host):
    host.deploy_zip("J", "triggered", {"run.py": "print('a' * 70000)\n"})
    run = host.run_and_wait("J")
    lengths = [len(line) for line in stdout_lines(host.run_output("J", run["id"]))]
    assert lengths == [65536, 4464], f"expected a 70000-byte line split into 65536 + 4464; got {lengths}"


def test_stdout_and_stderr_are_framed_separately(host):
    script = ("import sys, time\n"
              "sys.stdout.write('out-part'); sys.stdout.flush(); time.sleep(0.2)\n"
              "sys.stderr.write('err line\\n'); sys.stderr.flush(); time.sleep(0.2)\n"
              "sys.stdout.write('-rest\\n'); sys.stdout.flush()\n")
    host.deploy_zip("J", "triggered", {"run.py": script})
    run = host.run_and_wait("J")
    output = host.run_output("J", run["id"])
    assert stdout_lines(output) == ["out-part-rest"], f"expected stdout line 'out-part-rest'; got:\n{output}"
    assert stderr_lines(output) == ["err line"], f"expected stderr line 'err line'; got:\n{output}"


def test_continuous_output_is_not_capped(host):
    script = 'for i in $(seq 1 300); do echo "line $i"; done\n' + WAIT_FOR_SHUTDOWN
    host.deploy_zip("chatty", "continuous", {"run.sh": script})
    host.wait_for_log_line("chatty", "line 300")
    lines = [l for l in stdout_lines(host.continuous_log("chatty")) if l.startswith("line ")]
    assert len(lines) == 300, f"expected all 300 lines in job_log.txt (no 200-line cap); got {len(lines)}"


def test_continuous_log_rotates_by_size(start_host):
    host = start_host({"WEBJOBS_LOG_MAX_BYTES": "65536", "WEBJOBS_LOG_FILES": "3"})
    script = ('for i in $(seq 1 3000); do printf "line %05d %s\\n" "$i" "$(printf "%080d" 0)"; done\n'
              'echo "all written"\n' + WAIT_FOR_SHUTDOWN)
    host.deploy_zip("big", "continuous", {"run.sh": script})
    host.wait_for_log_line("big", "all written", timeout=60)

    data_dir = host.data_dir("continuous", "big")
    files = sorted(path.name for path in data_dir.glob("job*log*.txt"))
    current = (data_dir / "job_log.txt").stat().st_size
    assert current <= 65536, f"expected job_log.txt to stay within 65536 bytes; got {current}"
    assert "job_prev_log.txt" in files, f"expected a rotated job_prev_log.txt; got {files}"
    assert len(files) <= 3, f"expected at most 3 log files with WEBJOBS_LOG_FILES=3; got {files}"


def test_history_size_keeps_newest_runs(start_host):
    host = start_host({"WEBJOBS_HISTORY_SIZE": "3"})
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    run_ids = [host.run_and_wait("J")["id"] for _ in range(5)]

    listed = [run["id"] for run in host.history("J")]
    assert listed == run_ids[:1:-1], f"expected the 3 newest runs {run_ids[:1:-1]}; got {listed}"
    for old in run_ids[:2]:
        assert not (host.data_dir("triggered", "J") / old).exists(), (
            f"expected the folder of trimmed run {old} to be deleted")


@pytest.mark.parametrize("value", ["0", "abc"])
def test_invalid_history_size_falls_back_to_default(start_host, value):
    host = start_host({"WEBJOBS_HISTORY_SIZE": value})
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    for _ in range(5):
        host.run_and_wait("J")
    runs = host.history("J")
    assert len(runs) == 5, f"expected all 5 runs kept (default 50) for WEBJOBS_HISTORY_SIZE={value}; got {len(runs)}"


def test_history_size_setting_overrides_host(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"}, settings={"history_size": 2})
    run_ids = [host.run_and_wait("J")["id"] for _ in range(4)]
    listed = [run["id"] for run in host.history("J")]
    assert listed == run_ids[:1:-1], f"expected the 2 newest runs {run_ids[:1:-1]}; got {listed}"


def test_continuous_log_lines_use_kudu_format(host):
    host.deploy_zip("fmt", "continuous",
                    {"run.sh": "echo to-stdout\necho to-stderr >&2\n" + WAIT_FOR_SHUTDOWN})
    wait_for(lambda: "to-stderr" in stderr_lines(host.continuous_log("fmt")), 30,
             "the stderr line in job_log.txt")
    records = parse_log(host.continuous_log("fmt"))
    unparsed = [record.line for record in records if record.level is None]
    assert unparsed == [], f"expected every job_log.txt line in Kudu's format; got {unparsed}"
    assert "to-stdout" in stdout_lines(host.continuous_log("fmt")), "expected INFO 'to-stdout'"
    assert system_lines(host.continuous_log("fmt")), "expected SYS lines from the host"
