"""Several hosts on one machine, and names at the length limit."""

import pathlib
import subprocess

import webjobs_host
from webjobs_host import wait_for

WAIT_FOR_SHUTDOWN = ('while [ ! -e "$WEBJOBS_SHUTDOWN_FILE" ]; do sleep 0.2; done\n'
                     'echo "bye"\n')


def test_two_hosts_with_one_instance_id_keep_jobs_apart(webjobs_bin, tmp_path):
    # Same instance id, same job name, different data roots: starting and
    # stopping the job on one host must not touch the other's process.
    hosts = []
    try:
        for index in (1, 2):
            host = webjobs_host.Host(webjobs_bin, tmp_path / f"root{index}", "twin01", None,
                                     log_path=tmp_path / f"twin{index}.log")
            hosts.append(host)
            host.start()
        first, second = hosts
        script = 'echo started\n' + WAIT_FOR_SHUTDOWN
        first.deploy_zip("twin", "continuous", {"run.sh": script})
        first.wait_for_log_line("twin", "started")
        second.deploy_zip("twin", "continuous", {"run.sh": script})
        second.wait_for_log_line("twin", "started")

        first.expect(first.request("POST", "/api/continuouswebjobs/twin/stop"), 200, "stop")
        first.wait_for_status("twin", "Stopped")
        assert second.status("twin") == "Running", (
            "expected the second host's job to keep running after the first host stopped its own")
        for host in hosts:
            log = host.continuous_log("twin")
            assert "killed by signal" not in log, (
                f"expected no job process killed by the other host; log:\n{log}")
    finally:
        for host in hosts:
            host.stop()


def test_second_host_on_the_same_root_is_refused(host):
    # A second host would run every slot again and abort the first host's
    # runs at its start.
    port = webjobs_host.free_port()
    result = subprocess.run(
        [str(host.binary), "serve", "--root", str(host.root), "--listen", f"127.0.0.1:{port}"],
        env=host.env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 70, (
        f"expected exit code 70 from a second host on {host.root}; got {result.returncode}, "
        f"stderr:\n{result.stderr}")
    assert f"pid {host.process.pid}" in result.stderr, (
        f"expected the error to name the running host's pid; got:\n{result.stderr}")
    assert "another --root" in result.stderr, (
        f"expected the error to name the fix; got:\n{result.stderr}")
    assert host.get_json("/api/health"), "expected the first host to keep serving"


def test_name_of_255_bytes_deploys_runs_and_deletes(host):
    name = "n" * 255
    host.deploy_zip(name, "triggered", {"run.sh": "echo long name\n"})
    run_id = host.run(name)
    run = host.wait_for_run(name, run_id)
    assert run["status"] == "Success", f"expected Success for the 255-byte name; got {run}"
    host.expect(host.request("DELETE", f"/api/triggeredwebjobs/{name}"), 200, "DELETE")
    host.expect(host.request("GET", f"/api/triggeredwebjobs/{name}"), 404, "GET after DELETE")
    assert not pathlib.Path(host.job_dir("triggered", name)).exists(), (
        "expected the job folder to be removed")
