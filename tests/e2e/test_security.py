"""Hostile uploads and names: nothing may leave the job's folder.

Zip entries that escape the job folder (../, absolute paths, links) make
the whole upload fail with 400 naming the entry, and the previous version
keeps running. Job names and run ids from a request are checked before
they reach the file system.
"""

import os
import pathlib
import uuid

import pytest

import zips
from webjobs_host import WAIT_FOR_SHUTDOWN, stdout_lines

V1_SCRIPT = 'echo "v1 started"\n' + WAIT_FOR_SHUTDOWN


def all_files(root):
    return {path for path in pathlib.Path(root).rglob("*")}


def deploy_v1_and_wait(host):
    host.deploy_zip("Job", "continuous", {"run.sh": V1_SCRIPT})
    host.wait_for_log_line("Job", "v1 started")


def assert_v1_intact(host):
    run_sh = (host.job_dir("continuous", "Job") / "run.sh").read_text()
    assert run_sh == V1_SCRIPT, f"expected v1's run.sh to stay unchanged; got {run_sh!r}"
    assert host.status("Job") == "Running", "expected v1 to keep running"
    assert stdout_lines(host.continuous_log("Job")).count("v1 started") == 1, (
        "expected v1 not to be restarted by the rejected upload")


def evil_entries(tmp_path, tag):
    """Entry names that try to leave the job folder, with the files they aim at."""
    return [
        f"../evil-{tag}.sh",
        f"../../../../tmp/pwned-{tag}.txt",
        f"{tmp_path}/abs-evil-{tag}.txt",
        f"inner/../../evil2-{tag}.sh",
        f"./../evil3-{tag}.sh",
    ]


@pytest.mark.parametrize("index", range(5))
def test_zip_entry_escaping_job_folder_is_rejected(host, tmp_path, index):
    deploy_v1_and_wait(host)
    tag = uuid.uuid4().hex[:8]
    entry = evil_entries(tmp_path, tag)[index]

    response = host.deploy_zip("Job", "continuous", {"run.sh": 'echo "v2"\n', entry: "pwned\n"},
                               expect=400)
    assert entry in response.text, f"expected the 400 message to name the entry {entry!r}; got {response.text!r}"

    leaked = [path for path in all_files(tmp_path) if tag in path.name]
    assert leaked == [], f"expected no file from the bad entry anywhere; found {leaked}"
    assert not pathlib.Path(f"/tmp/pwned-{tag}.txt").exists(), "expected nothing written to /tmp"
    assert_v1_intact(host)


def test_backslash_traversal_entry_never_escapes(host, tmp_path):
    deploy_v1_and_wait(host)
    tag = uuid.uuid4().hex[:8]
    entry = f"..\\..\\evil-{tag}.sh"
    host.deploy_zip("Job", "continuous", {"run.sh": V1_SCRIPT, entry: "pwned\n"}, expect=None)
    jobs_root = host.root / "site" / "wwwroot" / "App_Data" / "jobs"
    outside = [path for path in all_files(tmp_path)
               if tag in path.name and host.job_dir("continuous", "Job") not in path.parents
               and jobs_root / ".staging" not in path.parents]
    assert outside == [], f"expected no file outside the job folder; found {outside}"


@pytest.mark.parametrize("entries, bad_entry", [
    ({"run.sh": 'echo "v2"\n', "link": zips.Symlink("/etc")}, "link"),
    ({"escape": zips.Symlink(".."), "escape/evil.sh": "pwned\n", "run.sh": 'echo "v2"\n'}, "escape"),
    ({"run.sh": zips.Symlink("/bin/sh")}, "run.sh"),
], ids=["link-to-etc", "write-through-link", "script-is-link"])
def test_symlink_entries_are_rejected(host, tmp_path, entries, bad_entry):
    deploy_v1_and_wait(host)
    response = host.deploy_zip("Job", "continuous", entries, expect=400)
    assert bad_entry in response.text, f"expected the message to name {bad_entry!r}; got {response.text!r}"
    links = [path for path in all_files(host.root) if path.is_symlink()]
    assert links == [], f"expected no symbolic link under the data root; found {links}"
    assert_v1_intact(host)


def test_zip_bomb_is_rejected(host):
    deploy_v1_and_wait(host)
    body = zips.build_zeros_zip("zeros.bin", 64 << 20)
    response = host.deploy_bytes("Job", "continuous", body, "application/zip", "Job.zip", expect=None)
    assert response.status in (400, 413), (
        f"expected 400 (compression ratio or size limit) for 64 MiB of zeros in a "
        f"{len(body)}-byte zip; got {response.describe()}")
    big = [p for p in all_files(host.root) if p.name == "zeros.bin"]
    assert big == [], f"expected nothing unpacked; found {big}"
    assert_v1_intact(host)


def test_content_disposition_directory_part_is_stripped(host):
    job = host.deploy_file("J", "triggered", "../../../etc/x.sh", "echo x\n").json()
    assert job["run_command"] == "x.sh", f"expected run_command 'x.sh'; got {job}"
    assert os.listdir(host.job_dir("triggered", "J")) == ["x.sh"], "expected only J/x.sh"
    strays = [p for p in all_files(host.root)
              if p.name == "x.sh" and host.job_dir("triggered", "J") not in p.parents]
    assert strays == [], f"expected x.sh only in the job folder; found {strays}"


BAD_NAMES = ["..", ".", "a%2Fb", "a%5Cb", "..%2F..%2Fx", "%2E%2E", "a" * 256, "a%00b"]
ROUTES = [
    ("GET", "/api/triggeredwebjobs/{}"),
    ("PUT", "/api/triggeredwebjobs/{}"),
    ("POST", "/api/triggeredwebjobs/{}/run"),
    ("GET", "/api/triggeredwebjobs/{}/history"),
    ("GET", "/api/triggeredwebjobs/{}/settings"),
    ("PUT", "/api/triggeredwebjobs/{}/settings"),
    ("GET", "/api/continuouswebjobs/{}"),
    ("PUT", "/api/continuouswebjobs/{}"),
    ("POST", "/api/continuouswebjobs/{}/stop"),
    ("POST", "/api/continuouswebjobs/{}/start"),
    ("DELETE", "/api/triggeredwebjobs/{}"),
    ("DELETE", "/api/continuouswebjobs/{}"),
]


def request_for(method, route, name):
    path = route.format(name)
    if method == "PUT" and path.endswith("/settings"):
        return path, b"{}", {"Content-Type": "application/json"}
    if method == "PUT":
        return path, zips.build_zip({"run.sh": "echo pwned\n"}), {
            "Content-Type": "application/zip", "Content-Disposition": 'attachment; filename="x.zip"'}
    return path, None, {}


@pytest.mark.parametrize("name", BAD_NAMES, ids=lambda n: n[:12])
def test_bad_job_names_rejected_everywhere(host, name):
    host.deploy_zip("keepme", "triggered", {"run.sh": "echo keep\n"})
    canary = host.root / "site" / "wwwroot" / "App_Data" / "jobs" / "canary.txt"
    canary.write_text("canary\n")
    before = all_files(host.root / "site")

    for method, route in ROUTES:
        path, body, headers = request_for(method, route, name)
        response = host.request(method, path, body, headers)
        # A name that the router cannot even match may get 404; anything
        # that reaches a handler must be rejected with 400.
        assert response.status in (400, 404), (
            f"{method} {path}: expected 400 (or 404 when no route matches); got {response.describe()}")
        if len(name) == 256:
            assert response.status == 400, (
                f"{method} {path}: expected 400 for a 256-byte name; got {response.describe()}")

    after = all_files(host.root / "site")
    new_paths = sorted(str(p) for p in after - before if ".staging" not in p.parts)
    assert new_paths == [], f"expected no new files under site/; got {new_paths}"
    assert canary.exists(), "expected files beside the job folders to survive"
    assert host.job_dir("triggered", "keepme").exists(), "expected other jobs to survive"


@pytest.mark.parametrize("path", [
    "/api/triggeredwebjobs//run",
    "/api/triggeredwebjobs/%20/run",
])
def test_empty_job_name_is_rejected(host, path):
    response = host.request("POST", path)
    assert response.status in (400, 404), f"expected 400 (or 404 with no route); got {response.describe()}"


def test_run_id_traversal_never_reaches_other_job(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo j\n"})
    host.deploy_zip("Other", "triggered", {"run.sh": "echo other\n"})
    other_run = host.run_and_wait("Other")["id"]

    for run_id in [f"..%2F..%2FOther%2F{other_run}", f"..%2FOther%2F{other_run}", "..", "%2E%2E",
                   f"../Other/{other_run}"]:
        response = host.request("GET", f"/api/triggeredwebjobs/J/history/{run_id}")
        assert response.status in (400, 404), (
            f"GET history/{run_id}: expected 400 or 404, never another job's run; got {response.describe()}")


@pytest.mark.parametrize("path", [
    "/vfs/data/jobs/../webjobs.db",
    "/vfs/data/jobs/..%2Fwebjobs.db",
    "/vfs/data/jobs/triggered/J/..%2F..%2F..%2Fwebjobs.db",
    "/vfs/data/jobs/%2E%2E/%2E%2E/site/wwwroot/App_Data/jobs/triggered/J/run.sh",
])
def test_log_files_route_stays_inside_job_data(host, path):
    host.deploy_zip("J", "triggered", {"run.sh": "echo j\n"})
    host.run_and_wait("J")
    response = host.request("GET", path)
    assert response.status in (400, 403, 404), (
        f"GET {path}: expected 400, 403 or 404 outside data/jobs; got {response.describe()}")


def test_too_many_zip_entries_are_rejected(host):
    entries = {"run.sh": "echo hi\n"}
    entries.update({f"f/{i}.txt": "" for i in range(20001)})
    response = host.deploy_zip("many", "triggered", entries, expect=None)
    assert response.status in (400, 413), f"expected 400 for 20002 entries; got {response.describe()}"
    assert not host.job_dir("triggered", "many").exists(), "expected no job folder"
