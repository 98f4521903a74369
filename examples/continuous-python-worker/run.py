"""Continuous WebJob example: a worker that does periodic work until stopped.

Every 5 seconds it prints a heartbeat with a counter and saves its state
(the counter and the time of the last beat) to worker-state.json in
WEBJOBS_DATA_PATH, so the count continues after a restart. It exits with
code 0 as soon as the file named by WEBJOBS_SHUTDOWN_FILE appears (the
host's stop request, checked every second) or on SIGTERM.

Deploy:  webjobs deploy worker.zip --name python-worker --type continuous
Try it:  WEBJOBS_SHUTDOWN_FILE=/tmp/stop-worker python3 run.py
         (then `touch /tmp/stop-worker` in another shell)
"""

import datetime
import json
import os
import signal
import sys
import tempfile
import time

HEARTBEAT_SECONDS = 5
STATE_FILE_NAME = "worker-state.json"

stop_reason = None


def on_sigterm(signum, frame):
    global stop_reason
    stop_reason = "SIGTERM"


def data_folder():
    """Return the job's data folder: WEBJOBS_DATA_PATH, else a temp folder."""
    folder = os.environ.get("WEBJOBS_DATA_PATH") or os.path.join(
        tempfile.gettempdir(), "python-worker-data")
    os.makedirs(folder, exist_ok=True)
    return folder


def load_count(state_path):
    try:
        with open(state_path, encoding="utf-8") as state_file:
            return int(json.load(state_file).get("count", 0))
    except (OSError, ValueError, AttributeError):
        return 0


def save_state(state_path, count):
    # Write a temporary file and rename it, so a reader never sees half a file.
    state = {
        "count": count,
        "last_beat": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "pid": os.getpid(),
    }
    temporary_path = state_path + ".tmp"
    with open(temporary_path, "w", encoding="utf-8") as state_file:
        json.dump(state, state_file)
    os.replace(temporary_path, state_path)


def shutdown_requested(shutdown_file):
    global stop_reason
    if stop_reason is None and shutdown_file and os.path.exists(shutdown_file):
        stop_reason = "shutdown file " + shutdown_file
    return stop_reason is not None


def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    shutdown_file = os.environ.get("WEBJOBS_SHUTDOWN_FILE", "")
    state_path = os.path.join(data_folder(), STATE_FILE_NAME)
    count = load_count(state_path)
    name = os.environ.get("WEBJOBS_NAME", "python-worker")

    print(f"{name}: worker started, pid {os.getpid()}, state in {state_path}", flush=True)
    if not shutdown_file:
        print(f"{name}: WEBJOBS_SHUTDOWN_FILE is not set; stop me with SIGTERM", flush=True)

    next_beat = time.monotonic()
    while not shutdown_requested(shutdown_file):
        if time.monotonic() >= next_beat:
            count += 1
            save_state(state_path, count)
            print(f"{name}: heartbeat {count}", flush=True)
            next_beat += HEARTBEAT_SECONDS
        time.sleep(1)

    print(f"{name}: goodbye after {count} heartbeats ({stop_reason})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
