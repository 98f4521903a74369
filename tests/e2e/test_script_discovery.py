"""Which file of a package becomes the entry point, and how it is started.

Kudu's order of script types is kept (.cmd .bat .exe .ps1 .sh .py .php .js),
a run.<ext> file beats every other name, names are compared ignoring case,
and the host sorts names itself. Types Linux cannot run (.cmd, .bat, a .exe
that is not an ELF program) are skipped, so run.sh wins over run.cmd.
"""

import pathlib
import shutil

import pytest

import zips
from webjobs_host import stderr_lines, stdout_lines, wait_for


def announcing_script(file_name):
    """Return a script that prints entry=<file_name> in the file's own language."""
    text = f"entry={file_name}"
    extension = pathlib.PurePath(file_name).suffix.lower()
    if extension == ".sh":
        return f'echo "{text}"\n'
    if extension == ".py":
        return f'print("{text}")\n'
    if extension == ".js":
        return f'console.log("{text}");\n'
    if extension == ".php":
        return f'<?php echo "{text}\\n";\n'
    if extension in (".cmd", ".bat"):
        return f"@echo {text}\r\n"
    return text


@pytest.mark.parametrize("file_names, expected", [
    (["dependency-file.py", "main_script.py"], "dependency-file.py"),
    (["a.sh", "run.py"], "run.py"),
    (["RUN.SH", "helper.sh"], "RUN.SH"),
    (["a.php", "b.py"], "b.py"),
    (["run.cmd", "run.sh"], "run.sh"),
    (["run.bat", "go.cmd", "job.py"], "job.py"),
    (["b.js", "c.sh", "a.py"], "c.sh"),
    (["run.js", "run.py", "run.sh"], "run.sh"),
    (["run.js", "zzz.sh"], "run.js"),
    (["Main.PY", "notes.txt"], "Main.PY"),
    (["worker.php"], "worker.php"),
])
def test_entry_point_follows_kudu_order(host, file_names, expected):
    files = {name: announcing_script(name) for name in file_names}
    job = host.deploy_zip("pick", "triggered", files).json()
    assert job["run_command"] == expected, f"expected run_command {expected!r} for {file_names}"

    run = host.run_and_wait("pick")
    output = host.run_output("pick", run["id"])
    assert run["status"] == "Success", f"expected Success running {expected}, got {run}\n{output}"
    assert f"entry={expected}" in stdout_lines(output), (
        f"expected the run to print entry={expected}; output:\n{output}")


def test_first_native_exe_is_entry_point(host):
    # createdump.exe is a real ELF program (echo, exits 0); ZZZ.exe exits 1.
    files = {
        "ZZZ.exe": zips.File(pathlib.Path(shutil.which("false")).read_bytes(), 0o755),
        "createdump.exe": zips.File(pathlib.Path(shutil.which("echo")).read_bytes(), 0o755),
        "ZZZ.dll": b"MZ not a program",
    }
    job = host.deploy_zip("dump", "triggered", files).json()
    assert job["run_command"] == "createdump.exe", "expected run_command 'createdump.exe'"

    run = host.run_and_wait("dump", "hello-from-echo")
    output = host.run_output("dump", run["id"])
    assert run["status"] == "Success", f"expected Success (createdump.exe is echo), got {run}"
    assert "hello-from-echo" in stdout_lines(output), f"expected echo's output; got:\n{output}"


def test_windows_only_package_is_rejected(host):
    files = {"app.exe": b"MZ\x90\x00 a Windows program", "run.cmd": "@echo hi\r\n"}
    response = host.deploy_zip("winonly", "triggered", files, expect=400)
    assert "app.exe" in response.text, (
        f"expected the 400 message to list the files found (app.exe); got {response.text!r}")
    assert ".sh" in response.text, (
        f"expected the 400 message to list the script types this host runs (.sh); "
        f"got {response.text!r}")
    assert host.request("GET", "/api/triggeredwebjobs/winonly").status == 404, (
        "expected GET of the rejected job to be 404")


def test_package_without_script_is_rejected(host):
    files = {"readme.txt": "hello", "data.json": "{}"}
    response = host.deploy_zip("noscript", "triggered", files, expect=400)
    assert "runnable" in response.text.lower(), (
        f"expected a 'no runnable script' message; got {response.text!r}")
    assert "readme.txt" in response.text, (
        f"expected the message to list what was found (readme.txt); got {response.text!r}")
    assert host.request("GET", "/api/triggeredwebjobs/noscript").status == 404, (
        "expected GET of the rejected job to be 404")
    assert not host.job_dir("triggered", "noscript").exists(), (
        "expected no job folder for a rejected upload")


def test_scriptless_disk_folder_not_listed(host):
    invalid = host.job_dir("triggered", "ondisk-invalid")
    invalid.mkdir(parents=True)
    (invalid / "readme.txt").write_text("no script here\n")
    valid = host.job_dir("triggered", "ondisk-valid")
    valid.mkdir(parents=True)
    (valid / "run.sh").write_text("echo ok\n")

    def listed_names():
        return [job["name"] for job in host.get_json("/api/triggeredwebjobs")]
    wait_for(lambda: "ondisk-valid" in listed_names(), 30,
             "the job folder copied onto disk to be listed")
    assert "ondisk-invalid" not in listed_names(), (
        "expected a folder without a runnable script to be left out of the list")
    assert host.request("GET", "/api/triggeredwebjobs/ondisk-invalid").status == 404, (
        "expected GET of a folder without a runnable script to be 404")


def test_node_job_runs_in_place(host):
    files = {
        "run.js": "console.log('WEBJOBS_PATH=' + process.env.WEBJOBS_PATH);\n"
                  "console.log('CWD=' + process.cwd());\n",
        "package.json": '{"name": "inplace"}\n',
    }
    job = host.deploy_zip("inplace", "triggered", files).json()
    assert job["run_command"] == "run.js", "expected run_command 'run.js'"

    run = host.run_and_wait("inplace")
    lines = stdout_lines(host.run_output("inplace", run["id"]))
    job_dir = host.job_dir("triggered", "inplace").resolve()
    assert f"WEBJOBS_PATH={job_dir}" in lines, (
        f"expected a .js job to run in place with WEBJOBS_PATH={job_dir}; got {lines}")
    assert f"CWD={job_dir}" in lines, f"expected working directory {job_dir}; got {lines}"


def test_shell_job_runs_from_working_copy(host):
    files = {"run.sh": 'echo "WEBJOBS_PATH=$WEBJOBS_PATH"\necho "CWD=$(pwd)"\nls\n'}
    host.deploy_zip("copied", "triggered", files)

    run = host.run_and_wait("copied")
    lines = stdout_lines(host.run_output("copied", run["id"]))
    job_dir = host.job_dir("triggered", "copied").resolve()
    assert f"WEBJOBS_PATH={job_dir}" not in lines, (
        f"expected a .sh job to run from a copy, not from {job_dir}; got {lines}")
    assert "run.sh" in lines, f"expected the copy to contain run.sh; got {lines}"
    assert any(line.startswith("WEBJOBS_PATH=/") for line in lines), (
        f"expected WEBJOBS_PATH to be an absolute path; got {lines}")


def test_in_place_setting_runs_in_job_folder(host):
    files = {"run.sh": 'echo "CWD=$(pwd)"\n'}
    host.deploy_zip("forced", "triggered", files, settings={"is_in_place": True})

    run = host.run_and_wait("forced")
    lines = stdout_lines(host.run_output("forced", run["id"]))
    job_dir = host.job_dir("triggered", "forced").resolve()
    assert f"CWD={job_dir}" in lines, f"expected is_in_place to run in {job_dir}; got {lines}"


CRLF_SCRIPT = (b'#!/bin/bash\r\necho hello\r\nfoo=bar\r\n'
               b'if [ "$foo" = "bar" ]; then echo match; else echo nomatch; fi\r\nexit 0\r\n')
BOM_SCRIPT = b"\xef\xbb\xbf#!/bin/bash\necho hello\nexit 0\n"


def _mentions_line_endings(text):
    lowered = text.lower()
    return "crlf" in lowered or "line ending" in lowered


def _mentions_byte_order_mark(text):
    lowered = text.lower()
    return "bom" in lowered or "byte-order mark" in lowered or "byte order mark" in lowered


@pytest.mark.parametrize("as_zip", [True, False], ids=["zip", "single-file"])
def test_crlf_script_warns_and_fails(host, as_zip):
    if as_zip:
        response = host.deploy_zip("crlf", "triggered", {"run.sh": CRLF_SCRIPT})
    else:
        response = host.deploy_file("crlf", "triggered", "run.sh", CRLF_SCRIPT)
    assert _mentions_line_endings(response.text), (
        f"expected the upload response to warn about CRLF line endings; got {response.text!r}")

    run = host.run_and_wait("crlf")
    output = host.run_output("crlf", run["id"])
    assert run["status"] == "Failed", (
        f"expected a CRLF script's run to be Failed (never Success), got {run['status']}\n{output}")
    assert any(line.startswith("hello") for line in stdout_lines(output)), (
        f"expected the first line 'hello' in the output; got:\n{output}")
    assert _mentions_line_endings(output), (
        f"expected the run's log to repeat the CRLF warning; got:\n{output}")


def test_bom_script_deploys_with_warning(host):
    response = host.deploy_zip("bom", "triggered", {"run.sh": BOM_SCRIPT})
    assert _mentions_byte_order_mark(response.text), (
        f"expected the upload response to warn about the byte-order mark; got {response.text!r}")

    run = host.run_and_wait("bom")
    output = host.run_output("bom", run["id"])
    assert "hello" in stdout_lines(output), f"expected 'hello' in the output; got:\n{output}"
    assert run["status"] == "Success", (
        f"expected Success (bash reports the BOM line, then exits 0), got {run['status']}")
    assert stderr_lines(output), f"expected bash's complaint about line 1 as ERR; got:\n{output}"
