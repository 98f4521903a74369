"""PUT /api/{type}webjobs/{name}: uploads of zips and single files.

An upload replaces the job whole or not at all: a rejected upload leaves the
previous version in place and running.
"""

import os
import time

from webjobs_host import WAIT_FOR_SHUTDOWN, stdout_lines
import zips


def test_upload_zip_returns_job(host):
    response = host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    job = response.json()
    assert job["name"] == "J", f"expected name 'J'; got {job}"
    assert job["run_command"] == "run.sh", f"expected run_command 'run.sh'; got {job}"
    assert job["type"] == "triggered", f"expected type 'triggered'; got {job}"
    assert job["url"].endswith("/api/triggeredwebjobs/J"), f"expected url .../api/triggeredwebjobs/J; got {job['url']}"
    assert job["history_url"].endswith("/api/triggeredwebjobs/J/history"), (
        f"expected history_url .../api/triggeredwebjobs/J/history; got {job['history_url']}")
    assert job["latest_run"] is None, f"expected latest_run null before any run; got {job['latest_run']}"


def test_upload_without_content_disposition_is_rejected(host):
    body = zips.build_zip({"run.sh": "echo hi\n"})
    response = host.deploy_bytes("J", "triggered", body, "application/zip", None, expect=400)
    assert "content-disposition" in response.text.lower(), (
        f"expected the message to name the missing Content-Disposition header; got {response.text!r}")
    assert host.request("GET", "/api/triggeredwebjobs/J").status == 404, "expected no job J"


def test_upload_single_file_stores_only_that_file(host):
    job = host.deploy_file("single", "triggered", "run.sh", "echo single\n").json()
    assert job["run_command"] == "run.sh", f"expected run_command 'run.sh'; got {job}"
    listing = os.listdir(host.job_dir("triggered", "single"))
    assert listing == ["run.sh"], f"expected the job folder to hold only run.sh; got {listing}"
    run = host.run_and_wait("single")
    assert "single" in stdout_lines(host.run_output("single", run["id"])), "expected output 'single'"


def test_scriptless_upload_is_rejected(host):
    response = host.deploy_zip("J", "triggered", {"readme.txt": "read me\n"}, expect=400)
    assert "runnable" in response.text.lower(), (
        f"expected a 'no runnable script' message; got {response.text!r}")
    assert host.request("GET", "/api/triggeredwebjobs/J").status == 404, "expected GET J to be 404"
    assert not host.job_dir("triggered", "J").exists(), "expected the job folder to be removed"


def test_upload_replaces_previous_files(host):
    host.deploy_zip("J", "triggered", {"run.sh": "echo v1\n", "old.sh": "echo old\n"})
    host.deploy_zip("J", "triggered", {"run.sh": "echo v2\n"})
    listing = sorted(os.listdir(host.job_dir("triggered", "J")))
    assert listing == ["run.sh"], f"expected old.sh to be gone after a new upload; got {listing}"
    run = host.run_and_wait("J")
    assert "v2" in stdout_lines(host.run_output("J", run["id"])), "expected the new version to run"


def test_non_zip_body_keeps_previous_version(host):
    host.deploy_zip("J", "continuous", {"run.sh": 'echo "v1 started"\n' + WAIT_FOR_SHUTDOWN})
    host.wait_for_log_line("J", "v1 started")

    host.deploy_bytes("J", "continuous", b"this is not a zip file", "application/zip",
                      "J.zip", expect=400)

    job = host.job("continuous", "J")
    assert job["run_command"] == "run.sh", f"expected the previous version to stay; got {job}"
    assert (host.job_dir("continuous", "J") / "run.sh").exists(), "expected v1's run.sh to stay"
    time.sleep(1)
    assert host.status("J") == "Running", "expected v1 to keep running"
    assert stdout_lines(host.continuous_log("J")).count("v1 started") == 1, (
        "expected v1 not to be restarted by a rejected upload")


def test_upload_of_continuous_job_starts_it(host):
    host.deploy_zip("C", "continuous", {"run.sh": 'echo "worker up"\n' + WAIT_FOR_SHUTDOWN})
    host.wait_for_status("C", "Running")
    host.wait_for_log_line("C", "worker up")
    job = host.job("continuous", "C")
    assert job["type"] == "continuous", f"expected type 'continuous'; got {job}"
    assert job["log_url"].endswith("/vfs/data/jobs/continuous/C/job_log.txt"), (
        f"expected log_url .../vfs/data/jobs/continuous/C/job_log.txt; got {job['log_url']}")


def test_zip_content_type_is_case_insensitive(host):
    body = zips.build_zip({"inner/run.sh": "echo zipped\n"})
    job = host.deploy_bytes("ctype", "triggered", body, "Application/ZIP", "ctype.zip").json()
    assert job["run_command"] == "inner/run.sh", (
        f"expected 'Application/ZIP' to be unpacked as a zip; got {job}")


def test_name_differing_only_in_case_is_rejected(host):
    host.deploy_file("Nightly", "triggered", "run.sh", "echo nightly\n")
    for job_type, name in (("triggered", "nightly"), ("continuous", "NIGHTLY")):
        response = host.deploy_file(name, job_type, "run.sh", "echo other\n", expect=409)
        assert '"Nightly"' in response.text, f"expected the existing name; got {response.text!r}"
        assert f'"{name}"' in response.text, f"expected the new name; got {response.text!r}"
        expected = 200 if job_type == "triggered" else 404
        assert host.request("GET", f"/api/{job_type}webjobs/{name}").status == expected
    listed = [job["name"] for job in host.get_json("/api/webjobs")]
    assert listed == ["Nightly"], f"expected only the first job; got {listed}"
    # The same spelling replaces the job as before.
    host.deploy_file("Nightly", "triggered", "run.sh", "echo again\n")


def test_routes_find_a_job_whatever_the_case(host):
    # Kudu compares names without regard to case, so a script written for it
    # may use another spelling than the upload did.
    host.deploy_file("Nightly", "triggered", "run.sh", 'echo "nightly $*"\n')
    job = host.get_json("/api/triggeredwebjobs/NIGHTLY")
    assert job["name"] == "Nightly", f"expected the stored spelling; got {job['name']!r}"
    assert job["history_url"].endswith("/api/triggeredwebjobs/Nightly/history"), job

    response = host.post_run("nIgHtLy", "case")
    assert response.status == 202, f"POST run with another case: {response.describe()}"
    run_id = response.headers["Location"].rsplit("/", 1)[1]
    assert "/api/triggeredwebjobs/Nightly/history/" in response.headers["Location"]
    run = host.wait_for_run("Nightly", run_id)
    assert run["status"] == "Success"
    assert host.get_json(f"/api/triggeredwebjobs/nightly/history/{run_id}")["id"] == run_id
    assert host.get_json("/api/triggeredwebjobs/NIGHTLY/settings") == {}

    host.expect(host.request("DELETE", "/api/triggeredwebjobs/nightly"), 200, "DELETE nightly")
    assert host.get_json("/api/webjobs") == [], "DELETE with another case must remove Nightly"
    assert not host.job_dir("triggered", "Nightly").exists()
