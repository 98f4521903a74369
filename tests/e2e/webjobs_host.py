"""Start a real `webjobs serve` and drive it over HTTP, for black-box tests.

A Host owns one host process with its own data root and loopback port.
Helpers deploy packages, start runs and wait for them; they poll with short
sleeps and generous timeouts and never assert on how long something took.
Job processes are found by scanning /proc/*/environ for the variables the
host gives every job (WEBJOBS_DATA_PATH and the WEBJOBS_JOB_MARKER entry).
"""

import base64
import dataclasses
import datetime
import http.client
import json
import os
import pathlib
import re
import signal
import socket
import ssl
import subprocess
import time
import urllib.parse

import zips

REPO = pathlib.Path(__file__).resolve().parents[2]
USER_AGENT = "webjobs-e2e"
# Debian's interpreters first: root's PATH may start with a pyenv shim.
JOB_PATH = "/usr/bin:/bin:/usr/sbin:/sbin:/usr/local/bin"
FINISHED_STATUSES = ("Success", "Failed", "Aborted", "Stopped")
MARKER_VARIABLE = "WEBJOBS_JOB_MARKER"
# Bash lines that keep a job alive until the host writes its shutdown file,
# so stops and host shutdowns in tests never wait for a kill timeout.
WAIT_FOR_SHUTDOWN = ('while [ ! -e "$WEBJOBS_SHUTDOWN_FILE" ]; do sleep 0.2; done\n'
                     'echo "bye"\n')


def default_binary():
    return pathlib.Path(os.environ.get("WEBJOBS_BIN", REPO / "build" / "webjobs")).resolve()


def wait_for(predicate, timeout, description="the condition", interval=0.1):
    """Call `predicate` until it returns a truthy value and return that value.

    Raises AssertionError naming `description` and the last value seen when
    `timeout` seconds pass first.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout} s waiting for {description}; last value: {value!r}")
        time.sleep(interval)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclasses.dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)

    def describe(self):
        return f"HTTP {self.status}: {self.text[:800]}"


# One line of a job log: [MM/dd/yyyy HH:mm:ss > INST: LEVEL] text
LOG_LINE = re.compile(
    r"^\[(?P<time>\d\d/\d\d/\d{4} \d\d:\d\d:\d\d) > (?P<instance>[^:\]]+): "
    r"(?P<level>SYS INFO|SYS WARN|SYS ERR |INFO|WARN|ERR )\](?: (?P<text>.*))?$")


@dataclasses.dataclass
class LogRecord:
    line: str
    time: datetime.datetime | None = None
    instance: str | None = None
    level: str | None = None  # "INFO", "ERR ", "SYS INFO", ...; None if the line does not parse
    text: str = ""


def parse_log(text):
    """Split a job log into LogRecords, one per line."""
    records = []
    for line in text.splitlines():
        match = LOG_LINE.match(line)
        if match is None:
            records.append(LogRecord(line=line))
            continue
        records.append(LogRecord(
            line=line,
            time=datetime.datetime.strptime(match["time"], "%m/%d/%Y %H:%M:%S").replace(
                tzinfo=datetime.timezone.utc),
            instance=match["instance"],
            level=match["level"],
            text=match["text"] or ""))
    return records


def stdout_lines(log_text):
    return [record.text for record in parse_log(log_text) if record.level == "INFO"]


def stderr_lines(log_text):
    return [record.text for record in parse_log(log_text) if record.level == "ERR "]


def system_lines(log_text):
    return [record.text for record in parse_log(log_text)
            if record.level is not None and record.level.startswith("SYS")]


def _read_proc(pid, name):
    try:
        with open(f"/proc/{pid}/{name}", "rb") as proc_file:
            return proc_file.read()
    except OSError:
        return None


def is_alive(pid):
    """True when `pid` exists and is not a zombie."""
    stat_line = _read_proc(pid, "stat")
    if stat_line is None:
        return False
    state = stat_line.rsplit(b")", 1)[-1].split()[0]
    return state not in (b"Z", b"X")


def live_processes():
    """Yield (pid, environ entries, cmdline) of every live process but this one."""
    own_pid = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == own_pid:
            continue
        pid = int(entry)
        environ = _read_proc(pid, "environ")
        cmdline = _read_proc(pid, "cmdline")
        if environ is None or cmdline is None or not is_alive(pid):
            continue
        yield pid, environ.split(b"\0"), cmdline.replace(b"\0", b" ").decode(errors="replace")


_SCOPE_DIGEST = re.compile(rb"^(WEBJOBS_JOB_MARKER=[^:]*)-[0-9a-f]{8}(:|$)")


def _without_root_digest(entry):
    """Drop the data-root digest the host appends to its instance id in
    markers ("WEBJOBS_JOB_MARKER=inst-1a2b3c4d:type:name" -> "...=inst:type:name")."""
    return _SCOPE_DIGEST.sub(rb"\1\2", entry)


def _marker_matches(entry, marker_prefix):
    entry = _without_root_digest(entry)
    return entry == marker_prefix or entry.startswith(marker_prefix + b":")


def find_processes(root=None, instance=None, data_dir=None, marker_prefix=None):
    """Return {pid: cmdline} of live processes that belong to a host or a job.

    A process matches when its environment or command line contains the
    path `root`, its environment has WEBJOBS_DATA_PATH=`data_dir`, or its
    WEBJOBS_JOB_MARKER value starts with `instance`: or equals
    `marker_prefix` (optionally followed by ":<run id>").
    """
    root_bytes = str(root).encode() if root else None
    data_entry = f"WEBJOBS_DATA_PATH={data_dir}".encode() if data_dir else None
    instance_marker = f"{MARKER_VARIABLE}={instance}:".encode() if instance else None
    job_marker = f"{MARKER_VARIABLE}={marker_prefix}".encode() if marker_prefix else None
    found = {}
    for pid, environ, cmdline in live_processes():
        matched = False
        if root_bytes and (root_bytes in cmdline.encode() or any(root_bytes in e for e in environ)):
            matched = True
        if data_entry and data_entry in environ:
            matched = True
        if instance_marker and any(_without_root_digest(e).startswith(instance_marker)
                                   for e in environ):
            matched = True
        if job_marker and any(_marker_matches(e, job_marker) for e in environ):
            matched = True
        if matched:
            found[pid] = cmdline
    return found


class HostStartError(AssertionError):
    pass


# The first admin of every test host (WEBJOBS_ADMIN_PASSWORD).
ADMIN_USER = "admin"
ADMIN_PASSWORD = "e2e-admin-password-1"


def basic_auth(user, password):
    """The value of an Authorization header with HTTP Basic credentials."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return f"Basic {token}"


class Host:
    """One `webjobs serve` process with its own data root and port.

    Requests carry the admin's credentials unless told otherwise.
    """

    admin_user = ADMIN_USER
    admin_password = ADMIN_PASSWORD

    def __init__(self, binary, root, instance, env_overrides=None, log_path=None, tls=None,
                 extra_args=()):
        """`tls` is an optional (certificate file, key file) pair: the host then
        serves HTTPS and requests trust that certificate. `extra_args` go to
        `webjobs serve` after the defaults."""
        self.binary = pathlib.Path(binary)
        self.tls = tls
        self.extra_args = list(extra_args)
        self.root = pathlib.Path(root)
        self.instance = instance
        self.log_path = pathlib.Path(log_path or self.root.parent / f"host-{instance}.log")
        self.env = self._environment(env_overrides or {})
        self.port = None
        self.process = None

    def _environment(self, overrides):
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("WEBJOBS_", "WEBSITE_", "SCM_", "APPSETTING_"))}
        env.update({
            "PATH": JOB_PATH,
            "LANG": "C.UTF-8",
            "WEBSITE_INSTANCE_ID": self.instance,
            "WEBJOBS_RESTART_TIME": "2",
            "WEBJOBS_ADMIN_PASSWORD": ADMIN_PASSWORD,
        })
        for key, value in overrides.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = str(value)
        return env

    # Process control -------------------------------------------------------

    def start(self, startup_timeout=60, attempts=3):
        """Start the host and wait until GET /api/health returns 200."""
        self.root.mkdir(parents=True, exist_ok=True)
        for _ in range(attempts):
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                log.write(f"--- starting on port {self.port}\n".encode())
                tls_args = ["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])] \
                    if self.tls else []
                self.process = subprocess.Popen(
                    [str(self.binary), "serve", "--root", str(self.root),
                     "--listen", f"127.0.0.1:{self.port}", *tls_args, *self.extra_args],
                    env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            if self._wait_healthy(startup_timeout):
                return self
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
                raise HostStartError(
                    f"{self.url}/api/health did not return 200 within {startup_timeout} s; "
                    f"host log:\n{self.log_tail()}")
        raise HostStartError(
            f"webjobs serve exited during start-up {attempts} times (last exit code "
            f"{self.process.returncode}); host log:\n{self.log_tail()}")

    def _wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if self.request("GET", "/api/health", timeout=2).status == 200:
                    return self.process.poll() is None
            except OSError:
                pass
            time.sleep(0.05)
        return False

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout=90):
        """Send SIGTERM and wait for the host to exit; return its exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(
                    f"host pid {self.process.pid} did not exit within {timeout} s of SIGTERM; "
                    "it was killed")
        return self.process.returncode

    def kill9(self):
        """Kill the host with SIGKILL, as a crash would, leaving its jobs behind."""
        self.process.kill()
        self.process.wait()

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no host log)"

    # HTTP ----------------------------------------------------------------

    @property
    def url(self):
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def ssl_context(self):
        """A client context that trusts only this host's certificate."""
        return ssl.create_default_context(cafile=str(self.tls[0]))

    def request(self, method, path, body=None, headers=None, timeout=30, auth=True):
        """Send one request with `path` exactly as given (no normalizing).

        `auth` True sends the admin's credentials, a string sends it as the
        Authorization header, and False or None sends none.
        """
        if self.tls:
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                                     context=self.ssl_context())
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            all_headers = {"User-Agent": USER_AGENT, "Connection": "close"}
            if auth is True:
                all_headers["Authorization"] = basic_auth(self.admin_user, self.admin_password)
            elif auth:
                all_headers["Authorization"] = auth
            all_headers.update(headers or {})
            if isinstance(body, str):
                body = body.encode("utf-8")
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    def expect(self, response, status, action):
        assert response.status == status, (
            f"{action}: expected HTTP {status}, got {response.describe()}")
        return response

    def get_json(self, path):
        return self.expect(self.request("GET", path), 200, f"GET {path}").json()

    # Jobs ----------------------------------------------------------------

    def job_dir(self, job_type, name):
        return self.root / "site" / "wwwroot" / "App_Data" / "jobs" / job_type / name

    def data_dir(self, job_type, name):
        return self.root / "data" / "jobs" / job_type / name

    def deploy_bytes(self, name, job_type, body, content_type, file_name, query="",
                     expect=200):
        headers = {"Content-Type": content_type}
        if file_name is not None:
            headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
        path = f"/api/{job_type}webjobs/{name}{query}"
        response = self.request("PUT", path, body, headers)
        if expect is not None:
            self.expect(response, expect, f"PUT {path}")
        return response

    def deploy_zip(self, name, job_type, files, settings=None, query="", expect=200, **zip_options):
        """Upload a zip built from `files` (see zips.build_zip) as job `name`.

        `settings` (dict, str or bytes) is added as a top-level settings.job.
        """
        entries = dict(files)
        if settings is not None:
            entries["settings.job"] = json.dumps(settings) if isinstance(settings, dict) else settings
        return self.deploy_bytes(name, job_type, zips.build_zip(entries, **zip_options),
                                 "application/zip", f"{name}.zip", query, expect)

    def deploy_file(self, name, job_type, file_name, content, expect=200,
                    content_type="application/octet-stream"):
        """Upload one file (not a zip) as job `name`."""
        return self.deploy_bytes(name, job_type, content, content_type, file_name, "", expect)

    def job(self, job_type, name):
        return self.get_json(f"/api/{job_type}webjobs/{name}")

    def status(self, name):
        """Return a continuous job's status, or None when it is not found."""
        response = self.request("GET", f"/api/continuouswebjobs/{name}")
        return response.json().get("status") if response.status == 200 else None

    def wait_for_status(self, name, status, timeout=30):
        return wait_for(lambda: self.status(name) == status, timeout,
                        f"continuous job {name} to reach status {status}")

    def post_run(self, name, arguments=None):
        query = "" if arguments is None else "?arguments=" + urllib.parse.quote(arguments)
        return self.request("POST", f"/api/triggeredwebjobs/{name}/run{query}")

    def run(self, name, arguments=None):
        """Start a run of triggered job `name` (expects 202) and return its run id."""
        response = self.expect(self.post_run(name, arguments), 202, f"POST run of {name}")
        location = response.headers.get("Location", "")
        path = urllib.parse.urlsplit(location).path
        prefix = f"/api/triggeredwebjobs/{name}/history/"
        assert path.startswith(prefix), (
            f"Location of a new run: expected .../api/triggeredwebjobs/{name}/history/<run id>, "
            f"got {location!r}")
        return path[len(prefix):]

    def get_run(self, name, run_id):
        response = self.request("GET", f"/api/triggeredwebjobs/{name}/history/{run_id}")
        return response.json() if response.status == 200 else None

    def wait_for_run(self, name, run_id, timeout=60):
        """Wait until the run has finished and return its run JSON."""
        def finished():
            run = self.get_run(name, run_id)
            return run if run and run.get("status") in FINISHED_STATUSES else None
        return wait_for(finished, timeout, f"run {run_id} of {name} to finish")

    def wait_for_running(self, name, run_id, timeout=30):
        return wait_for(lambda: (self.get_run(name, run_id) or {}).get("status") == "Running",
                        timeout, f"run {run_id} of {name} to be Running")

    def run_and_wait(self, name, arguments=None, timeout=60):
        run_id = self.run(name, arguments)
        return self.wait_for_run(name, run_id, timeout)

    def history(self, name):
        return self.get_json(f"/api/triggeredwebjobs/{name}/history")["runs"]

    def cancel(self, name):
        return self.request("POST", f"/api/triggeredwebjobs/{name}/cancel")

    def run_output(self, name, run_id):
        path = self.data_dir("triggered", name) / run_id / "output_log.txt"
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def continuous_log(self, name):
        try:
            return (self.data_dir("continuous", name) / "job_log.txt").read_text(
                encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_log_line(self, name, text, timeout=30, count=1):
        """Wait until job_log.txt of continuous job `name` has `count` stdout lines equal to `text`."""
        return wait_for(lambda: stdout_lines(self.continuous_log(name)).count(text) >= count,
                        timeout, f"{count} stdout line(s) {text!r} in job_log.txt of {name}")

    def job_processes(self, job_type, name):
        """Return {pid: cmdline} of live processes of the job."""
        return find_processes(data_dir=self.data_dir(job_type, name),
                              marker_prefix=f"{self.instance}:{job_type}:{name}")

    def cli(self, *args, env=None, timeout=120):
        """Run the webjobs CLI against this host (through WEBJOBS_URL)."""
        cli_env = dict(self.env)
        cli_env.pop("WEBJOBS_ADMIN_PASSWORD", None)
        cli_env["WEBJOBS_URL"] = self.url
        cli_env["WEBJOBS_USER"] = self.admin_user
        cli_env["WEBJOBS_PASSWORD"] = self.admin_password
        cli_env.update(env or {})
        return subprocess.run([str(self.binary), *args], env=cli_env, capture_output=True,
                              text=True, timeout=timeout)
