"""How the layout of an uploaded zip maps to a job.

When the top level of a package is exactly one folder, the host enters it
(at any depth), so zips of a whole folder work. Only that script folder is
searched for the entry point and settings.job. Archive metadata (__MACOSX/,
.DS_Store, Thumbs.db) is ignored.
"""

import pathlib
import shutil

import zips
from webjobs_host import stdout_lines

PRINT_CWD = 'echo "CWD=$(pwd)"\necho "WEBJOBS_PATH=$WEBJOBS_PATH"\n'


def test_single_top_folder_is_entered(host):
    job = host.deploy_zip("nested", "triggered", {"inner/run.sh": PRINT_CWD}).json()
    assert job["run_command"] == "inner/run.sh", "expected run_command 'inner/run.sh'"

    run = host.run_and_wait("nested")
    lines = stdout_lines(host.run_output("nested", run["id"]))
    assert run["status"] == "Success", f"expected Success, got {run}"
    cwd = next((line for line in lines if line.startswith("CWD=")), "")
    assert cwd.endswith("/inner"), f"expected the script's folder 'inner' as working directory; got {lines}"


def test_several_single_folders_are_entered(host):
    job = host.deploy_zip("deep", "triggered", {"a/b/c/run.py": "print('deep')\n"}).json()
    assert job["run_command"] == "a/b/c/run.py", "expected run_command 'a/b/c/run.py'"
    run = host.run_and_wait("deep")
    assert "deep" in stdout_lines(host.run_output("deep", run["id"])), "expected output 'deep'"


def test_zip_with_directory_entries(host):
    files = {"pkg/": zips.Directory(), "pkg/lib/": zips.Directory(),
             "pkg/lib/util.sh": "echo util\n", "pkg/run.sh": "source lib/util.sh\necho main\n"}
    job = host.deploy_zip("dirs", "triggered", files).json()
    assert job["run_command"] == "pkg/run.sh", "expected run_command 'pkg/run.sh'"
    run = host.run_and_wait("dirs")
    lines = stdout_lines(host.run_output("dirs", run["id"]))
    assert lines[-2:] == ["util", "main"], f"expected 'util' then 'main'; got {lines}"


def test_webjobs_path_is_job_root_not_script_folder(host):
    files = {"app/run.js": "console.log('WEBJOBS_PATH=' + process.env.WEBJOBS_PATH);\n"}
    host.deploy_zip("rootpath", "triggered", files)
    run = host.run_and_wait("rootpath")
    lines = stdout_lines(host.run_output("rootpath", run["id"]))
    job_dir = host.job_dir("triggered", "rootpath").resolve()
    assert f"WEBJOBS_PATH={job_dir}" in lines, (
        f"expected WEBJOBS_PATH to be the job root {job_dir} (not app/); got {lines}")


def test_settings_next_to_nested_script_apply(host):
    files = {"inner/run.sh": "echo hi\n", "inner/settings.job": '{"schedule": "0 0 3 * * *"}'}
    host.deploy_zip("nestedsettings", "triggered", files)
    settings = host.get_json("/api/triggeredwebjobs/nestedsettings/settings")
    assert settings == {"schedule": "0 0 3 * * *"}, (
        f"expected settings.job of the script folder to apply; got {settings}")


def test_settings_beside_single_folder_stop_descent(host):
    files = {"inner/run.sh": "echo hi\n", "settings.job": "{}"}
    response = host.deploy_zip("nodescend", "triggered", files, expect=400)
    assert "runnable" in response.text.lower(), (
        f"expected 'no runnable script' (the top level holds a folder and a file); "
        f"got {response.text!r}")


def test_scripts_in_subfolders_are_not_searched(host):
    files = {"lib/helper.sh": "echo helper\n", "notes.txt": "notes\n"}
    host.deploy_zip("subonly", "triggered", files, expect=400)


def test_archive_metadata_is_ignored(host):
    files = {
        "__MACOSX/": zips.Directory(),
        "__MACOSX/inner/._run.sh": b"\x00\x05\x16\x07 resource fork",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
        "Thumbs.db": b"\xd0\xcf\x11\xe0",
        "inner/run.sh": "echo from-inner\n",
        "inner/.DS_Store": b"\x00\x00\x00\x01Bud1",
    }
    job = host.deploy_zip("macos", "triggered", files).json()
    assert job["run_command"] == "inner/run.sh", (
        "expected metadata to be ignored so the single folder 'inner' is entered")
    assert not (host.job_dir("triggered", "macos") / "__MACOSX").exists(), (
        "expected __MACOSX/ not to be unpacked")
    run = host.run_and_wait("macos")
    assert "from-inner" in stdout_lines(host.run_output("macos", run["id"])), "expected 'from-inner'"


def test_zip_made_on_windows_runs(host):
    job = host.deploy_zip("dos", "triggered", {"run.sh": "echo dos-zip\n"},
                          create_system=zips.MS_DOS).json()
    assert job["run_command"] == "run.sh", "expected run_command 'run.sh'"
    run = host.run_and_wait("dos")
    assert run["status"] == "Success", f"expected Success for a zip without Unix modes; got {run}"


def test_native_program_keeps_executable_mode(host):
    program = pathlib.Path(shutil.which("echo")).read_bytes()
    job = host.deploy_zip("native", "triggered", {"tool": zips.File(program, 0o755)}).json()
    assert job["run_command"] == "tool", "expected an ELF program without extension to be the entry point"
    run = host.run_and_wait("native", "native-ok")
    assert run["status"] == "Success", f"expected Success, got {run}"
    assert "native-ok" in stdout_lines(host.run_output("native", run["id"])), "expected 'native-ok'"


def test_empty_zip_is_rejected(host):
    host.deploy_zip("empty", "triggered", {}, expect=400)
    assert not host.job_dir("triggered", "empty").exists(), "expected no job folder"
