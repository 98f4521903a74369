"""Triggered runs: shutdown file, detached children, idle timeout, crashes.

Triggered runs get WEBJOBS_SHUTDOWN_FILE too. A run ends when its main
process exits. The idle timeout kills a run with neither output nor CPU
time for WEBJOBS_IDLE_TIMEOUT; continuous jobs are exempt. After a crash of
the host, a run recorded as Running shows as Aborted, its processes are
killed, and it does not block a new run.
"""


from webjobs_host import WAIT_FOR_SHUTDOWN, is_alive, stdout_lines, system_lines, wait_for


def test_triggered_run_gets_shutdown_file_variable(host):
    script = ('if [ -n "$WEBJOBS_SHUTDOWN_FILE" ]; then echo "has shutdown file"; fi\n'
              'if [ ! -e "$WEBJOBS_SHUTDOWN_FILE" ]; then echo "file absent"; fi\n')
    host.deploy_zip("J", "triggered", {"run.sh": script})
    run = host.run_and_wait("J")
    lines = stdout_lines(host.run_output("J", run["id"]))
    assert "has shutdown file" in lines, f"expected WEBJOBS_SHUTDOWN_FILE to be set; got {lines}"
    assert "file absent" in lines, f"expected the shutdown file to be absent during the run; got {lines}"


def test_host_shutdown_writes_run_shutdown_file(host):
    host.deploy_zip("J", "triggered", {"run.sh": 'echo "waiting"\n' + WAIT_FOR_SHUTDOWN},
                    settings={"stopping_wait_time": 20})
    run_id = host.run("J")
    wait_for(lambda: "waiting" in stdout_lines(host.run_output("J", run_id)), 30, "the run to start")

    host.stop()
    output = host.run_output("J", run_id)
    assert "bye" in stdout_lines(output), (
        f"expected the run to see the shutdown file at host shutdown and print 'bye'; got:\n{output}")


def test_run_ends_despite_detached_child(host):
    script = ('nohup sleep 600 >/dev/null 2>&1 &\n'
              'echo $! > "$WEBJOBS_DATA_PATH/orphan.pid"\nexit 0\n')
    host.deploy_zip("J", "triggered", {"run.sh": script})
    run = host.run_and_wait("J", timeout=30)
    assert run["status"] == "Success", f"expected Success once the main process exits; got {run}"

    orphan = int((host.data_dir("triggered", "J") / "orphan.pid").read_text())
    host.expect(host.request("DELETE", "/api/triggeredwebjobs/J"), 200, "DELETE")
    wait_for(lambda: not is_alive(orphan), 15, f"the detached sleep (pid {orphan}) to be killed by DELETE")


def test_run_ends_despite_child_holding_pipe(host):
    host.deploy_zip("J", "triggered", {"run.sh": "sleep 600 &\necho started\nexit 0\n"})
    run = host.run_and_wait("J", timeout=30)
    assert run["status"] == "Success", (
        f"expected the run to end with its main process although a child keeps stdout open; got {run}")
    assert "started" in stdout_lines(host.run_output("J", run["id"])), "expected output 'started'"
    host.expect(host.request("DELETE", "/api/triggeredwebjobs/J"), 200, "DELETE")
    wait_for(lambda: host.job_processes("triggered", "J") == {}, 15, "the background sleep to be killed")


def test_idle_run_is_killed(start_host):
    host = start_host({"WEBJOBS_IDLE_TIMEOUT": "3"})
    host.deploy_zip("idle", "triggered", {"run.sh": "echo started\nsleep 300\n"})
    run = host.run_and_wait("idle", timeout=90)
    output = host.run_output("idle", run["id"])
    assert run["status"] == "Failed", f"expected an idle run to be Failed; got {run}"
    assert any("WEBJOBS_IDLE_TIMEOUT" in line for line in system_lines(output)), (
        f"expected a system line naming WEBJOBS_IDLE_TIMEOUT; got:\n{output}")
    wait_for(lambda: host.job_processes("triggered", "idle") == {}, 15, "the idle sleep to be killed")


def test_run_with_regular_output_is_not_idle_killed(start_host):
    host = start_host({"WEBJOBS_IDLE_TIMEOUT": "3"})
    script = "for i in 1 2 3 4 5 6 7 8; do echo tick $i; sleep 1.5; done\n"
    host.deploy_zip("ticks", "triggered", {"run.sh": script})
    run = host.run_and_wait("ticks", timeout=90)
    assert run["status"] == "Success", f"expected output to keep the run alive; got {run}"


def test_silent_cpu_bound_run_is_not_idle_killed(start_host):
    host = start_host({"WEBJOBS_IDLE_TIMEOUT": "3"})
    script = "import time\nend = time.monotonic() + 9\nwhile time.monotonic() < end:\n    pass\nprint('done')\n"
    host.deploy_zip("busy", "triggered", {"run.py": script})
    run = host.run_and_wait("busy", timeout=90)
    assert run["status"] == "Success", f"expected CPU time to count as progress; got {run}"


def test_idle_timeout_setting_zero_disables_idle_kill(start_host):
    host = start_host({"WEBJOBS_IDLE_TIMEOUT": "3"})
    host.deploy_zip("patient", "triggered", {"run.sh": "sleep 9\necho done\n"},
                    settings={"idle_timeout": 0})
    run = host.run_and_wait("patient", timeout=90)
    assert run["status"] == "Success", f"expected idle_timeout 0 to disable the idle kill; got {run}"


def test_scm_command_idle_timeout_does_not_apply(start_host):
    host = start_host({"WEBJOBS_IDLE_TIMEOUT": "600", "SCM_COMMAND_IDLE_TIMEOUT": "1"})
    host.deploy_zip("quiet", "triggered", {"run.sh": "sleep 5\necho done\n"})
    run = host.run_and_wait("quiet", timeout=60)
    assert run["status"] == "Success", f"expected SCM_COMMAND_IDLE_TIMEOUT to be ignored; got {run}"


def test_continuous_job_is_never_idle_killed(start_host):
    host = start_host({"WEBJOBS_IDLE_TIMEOUT": "2"})
    host.deploy_zip("silent", "continuous", {"run.sh": "echo start\n" + WAIT_FOR_SHUTDOWN})
    host.wait_for_log_line("silent", "start")
    # A triggered run that the idle timeout kills shows that the timeout
    # has passed, twice over, for the silent continuous job as well.
    host.deploy_zip("idle", "triggered", {"run.sh": "sleep 300\n"})
    run = host.run_and_wait("idle", timeout=90)
    assert run["status"] == "Failed", f"expected the idle triggered run to be killed; got {run}"

    assert host.status("silent") == "Running", "expected the silent continuous job to keep running"
    assert stdout_lines(host.continuous_log("silent")).count("start") == 1, (
        "expected the continuous job never to be killed and restarted")


def test_crashed_host_run_shows_aborted(start_host):
    host = start_host()
    script = 'echo $$ > "$WEBJOBS_DATA_PATH/main.pid"\necho started\nsleep 600\n'
    host.deploy_zip("J", "triggered", {"run.sh": script}, settings={"stopping_wait_time": 2})
    run_id = host.run("J")
    wait_for(lambda: "started" in stdout_lines(host.run_output("J", run_id)), 30, "the run to start")
    main_pid = int((host.data_dir("triggered", "J") / "main.pid").read_text())

    host.kill9()
    host = start_host(root=host.root)

    run = wait_for(lambda: host.get_run("J", run_id), 30, f"run {run_id} in the history")
    assert run["status"] == "Aborted", f"expected the run of the crashed host to show Aborted; got {run}"
    wait_for(lambda: not is_alive(main_pid), 30, f"the orphaned run (pid {main_pid}) to be killed")

    new_run_id = host.run("J")
    assert new_run_id != run_id, "expected a new run id"
    host.expect(host.cancel("J"), 200, "cancel of the new run")
    host.wait_for_run("J", new_run_id)


def test_host_restart_keeps_history(start_host):
    host = start_host()
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    run_id = host.run_and_wait("J")["id"]
    host.stop()
    host = start_host(root=host.root)
    runs = host.history("J")
    assert [run["id"] for run in runs] == [run_id], f"expected run {run_id} after a restart; got {runs}"
    assert runs[0]["status"] == "Success", f"expected Success kept; got {runs[0]}"
