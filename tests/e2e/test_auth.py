"""Authentication and authorization against a real host.

Every request needs credentials (401 with a Basic challenge without them),
scopes read < operate < admin limit what a user or token may do (403),
failed sign-ins from one address are slowed down (429 with Retry-After),
and changes are written to the audit log. The route table below names a
request for every RouteKind in src/http/api_route.h; a test fails when a
kind is added there without a row here.

Failed sign-ins count per client address and every request of a test
comes from 127.0.0.1, so a test that fails more than a few sign-ins runs
its own host.
"""

import base64
import concurrent.futures
import json
import os
import pathlib
import re
import sqlite3
import stat
import subprocess

import pytest

import webjobs_host
from webjobs_host import ADMIN_PASSWORD, WAIT_FOR_SHUTDOWN, basic_auth, wait_for

RUN_ID = "202401021530450123"
TOKEN_ID = "0123456789abcdef"
BOB_PASSWORD = "bob-password-long"
# A job that shows its environment, to check no credential reaches it.
ENV_SCRIPT = 'echo "hello from env"\nenv\n'

# (RouteKind name, method, path, body) for every route kind. Paths use the
# jobs "daemon" (continuous) and "report" (triggered) that
# deploy_sample_jobs creates.
ROUTES = [
    ("kHealth", "GET", "/api/health", None),
    ("kListJobs", "GET", "/api/webjobs", None),
    ("kListJobs", "GET", "/api/triggeredwebjobs", None),
    ("kListJobs", "GET", "/jobs", None),
    ("kGetJob", "GET", "/api/triggeredwebjobs/report", None),
    ("kGetJob", "GET", "/api/continuouswebjobs/daemon", None),
    ("kPutJob", "PUT", "/api/triggeredwebjobs/report", b"echo replaced\n"),
    ("kPutJob", "PUT", "/api/continuouswebjobs/daemon", b"echo replaced\n"),
    ("kDeleteJob", "DELETE", "/api/triggeredwebjobs/report", None),
    ("kDeleteJob", "DELETE", "/api/continuouswebjobs/daemon", None),
    ("kRunJob", "POST", "/api/triggeredwebjobs/report/run", None),
    ("kCancelRun", "POST", "/api/triggeredwebjobs/report/cancel", None),
    ("kListRuns", "GET", "/api/triggeredwebjobs/report/history", None),
    ("kGetRun", "GET", "/api/triggeredwebjobs/report/history/{run_id}", None),
    ("kCancelOneRun", "DELETE", "/api/triggeredwebjobs/report/history/{run_id}", None),
    ("kGetSettings", "GET", "/api/triggeredwebjobs/report/settings", None),
    ("kPutSettings", "PUT", "/api/triggeredwebjobs/report/settings", b'{"is_singleton": true}'),
    ("kPatchSettings", "PATCH", "/api/continuouswebjobs/daemon/settings",
     b'{"is_singleton": true}'),
    ("kStartJob", "POST", "/api/continuouswebjobs/daemon/start", None),
    ("kStopJob", "POST", "/api/continuouswebjobs/daemon/stop", None),
    ("kDataFile", "GET", "/vfs/data/jobs/triggered/report/{run_id}/output_log.txt", None),
    ("kDataFile", "GET", "/api/vfs/data/jobs/continuous/daemon/job_log.txt", None),
    ("kDataFile", "GET", "/vfs/data/jobs/triggered/report/", None),
    ("kSchedulePreview", "GET", "/api/schedule/preview?schedule=0+*+*+*+*+*", None),
    ("kWhoAmI", "GET", "/api/me", None),
    ("kListUsers", "GET", "/api/users", None),
    ("kGetUser", "GET", "/api/users/admin", None),
    ("kPutUser", "PUT", "/api/users/admin", b'{"password": "taken-over-password"}'),
    ("kPutUser", "PUT", "/api/users/intruder",
     b'{"password": "intruder-password", "role": "admin"}'),
    ("kDeleteUser", "DELETE", "/api/users/bob", None),
    ("kListTokens", "GET", "/api/tokens", None),
    ("kCreateToken", "POST", "/api/tokens", b'{"label": "x", "scope": "admin"}'),
    ("kDeleteToken", "DELETE", "/api/tokens/{token_id}", None),
    ("kListAudit", "GET", "/api/audit", None),
    ("kFollowRunOutput", "GET", "/api/triggeredwebjobs/report/history/{run_id}/stream", None),
    ("kFollowJobLog", "GET", "/api/continuouswebjobs/daemon/log/stream", None),
    ("kOpenApi", "GET", "/api/openapi.yaml", None),
    ("kTriggeredSwagger", "GET", "/api/triggeredwebjobsswagger", None),
    ("kPassthrough", "POST", "/api/continuouswebjobs/daemon/passthrough/x", b"{}"),
    ("kPassthrough", "PUT", "/api/continuouswebjobs/daemon/passthrough/y?z=1", b"{}"),
    ("kDashboard", "GET", "/azurejobs/", None),
]

# Requests that match no route still need credentials first. The portal's
# pages under /portal/, and "/", which redirects there, are the only
# requests served without credentials (test_portal_routes_need_no_credentials).
UNKNOWN = [
    ("GET", "/index.html"),
    ("GET", "/portalx"),
    ("GET", "/nope"),
    ("GET", "/api"),
    ("GET", "/api/nope"),
    ("POST", "/api/webjobs"),
    ("OPTIONS", "/api/webjobs"),
    ("GET", "/vfs/data/jobs/triggered/report/../../../webjobs.db"),
    ("GET", "/api/triggeredwebjobs/..%2f..%2fdata/settings"),
]


def route_kinds_in_source():
    """The RouteKind enumerators of src/http/api_route.h, without kCount."""
    header = (webjobs_host.REPO / "src" / "http" / "api_route.h").read_text()
    body = re.search(r"enum class RouteKind\s*\{(.*?)\};", header, re.S)
    assert body, "enum class RouteKind not found in src/http/api_route.h"
    names = re.findall(r"^\s*(k[A-Za-z0-9]+)\s*,", re.sub(r"//[^\n]*", "", body.group(1)), re.M)
    return {name for name in names if name != "kCount"}


def fill(path, run_id=RUN_ID, token_id=TOKEN_ID):
    return path.replace("{run_id}", run_id).replace("{token_id}", token_id)


def bearer(token):
    return f"Bearer {token}"


def deploy_sample_jobs(host):
    """Deploy "report" (triggered) and "daemon" (continuous); run report once."""
    host.deploy_zip("report", "triggered", {"run.sh": ENV_SCRIPT})
    host.deploy_zip("daemon", "continuous", {"run.sh": 'echo "daemon up"\n' + WAIT_FOR_SHUTDOWN})
    host.wait_for_log_line("daemon", "daemon up")
    run = host.run_and_wait("report")
    return run["id"]


def add_user(host, name, password, role):
    body = json.dumps({"password": password, "role": role})
    response = host.request("PUT", f"/api/users/{name}", body)
    host.expect(response, 201, f"PUT /api/users/{name}")


def create_token(host, scope, auth=True, label="test"):
    body = json.dumps({"label": label, "scope": scope})
    response = host.expect(host.request("POST", "/api/tokens", body, auth=auth), 201,
                           f"POST /api/tokens scope {scope}")
    created = response.json()
    assert response.headers.get("Cache-Control") == "no-store"
    return created["token"], created["id"]


def snapshot(host):
    """What the API shows about jobs, settings, users, tokens and the audit log."""
    jobs = sorted((job["name"], job["type"]) for job in host.get_json("/api/webjobs"))
    return {
        "jobs": jobs,
        "settings": host.get_json("/api/triggeredwebjobs/report/settings"),
        "daemon": host.get_json("/api/continuouswebjobs/daemon").get("status"),
        "users": sorted((user["name"], user["role"]) for user in host.get_json("/api/users")),
        "tokens": sorted(token["id"] for token in host.get_json("/api/tokens")),
        "audit": [entry["id"] for entry in host.get_json("/api/audit?limit=1000")["entries"]],
        "runs": sorted(run["id"] for run in host.history("report")),
        "files": sorted(str(path.relative_to(host.root))
                        for path in (host.root / "site").rglob("*")),
    }


def cli(host, *args, input_text=None, env=None):
    """Run the CLI against `host` with admin credentials and optional stdin."""
    cli_env = dict(host.env)
    cli_env.pop("WEBJOBS_ADMIN_PASSWORD", None)
    cli_env.update({"WEBJOBS_URL": host.url, "WEBJOBS_USER": host.admin_user,
                    "WEBJOBS_PASSWORD": host.admin_password})
    for key, value in (env or {}).items():
        if value is None:
            cli_env.pop(key, None)
        else:
            cli_env[key] = value
    return subprocess.run([str(host.binary), *args], env=cli_env, input=input_text,
                          capture_output=True, text=True, timeout=120)


def check(result, action):
    assert result.returncode == 0, (
        f"{action}: expected exit code 0; got {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def read_audit_db(root):
    """The audit rows straight from the store, read-only."""
    uri = f"file:{root / 'data' / 'webjobs.db'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as connection:
        return connection.execute(
            "SELECT actor, address, action, target, status FROM audit").fetchall()


def files_containing(root, needle):
    """Files below `root` whose bytes contain `needle`."""
    found = []
    for path in pathlib.Path(root).rglob("*"):
        if path.is_file() and not path.is_symlink():
            try:
                if needle.encode() in path.read_bytes():
                    found.append(path)
            except OSError:
                pass
    return found


# The route table -------------------------------------------------------------


def test_route_table_covers_every_route_kind():
    in_source = route_kinds_in_source()
    in_table = {kind for kind, _, _, _ in ROUTES}
    assert in_source, "parsed no RouteKind names from src/http/api_route.h"
    assert in_source - in_table == set(), (
        f"route kinds without a request in ROUTES of test_auth.py: {sorted(in_source - in_table)}")
    assert in_table - in_source == set(), (
        f"ROUTES names kinds that api_route.h lacks: {sorted(in_table - in_source)}")


# No credentials, wrong credentials -------------------------------------------


def test_no_credentials_get_401_everywhere(host):
    run_id = deploy_sample_jobs(host)
    before = snapshot(host)
    requests = [(method, fill(path, run_id), body) for _, method, path, body in ROUTES]
    requests += [(method, path, None) for method, path in UNKNOWN]
    for method, path, body in requests:
        for auth in (False, "   "):
            response = host.request(method, path, body, auth=auth)
            assert response.status == 401, f"{method} {path} without credentials: {response.describe()}"
            challenge = response.headers.get("WWW-Authenticate", "")
            assert challenge.startswith("Basic realm="), (
                f"{method} {path}: expected a Basic challenge, got {challenge!r}")
    # HEAD too, with no body in the answer.
    assert host.request("HEAD", "/api/webjobs", auth=False).status == 401
    assert snapshot(host) == before
    # No credentials at all is not a failed sign-in: nothing is throttled.
    assert host.request("GET", "/api/me").status == 200


def test_portal_routes_need_no_credentials(host):
    response = host.request("GET", "/", auth=False)
    assert response.status == 302, response.describe()
    assert response.headers.get("Location") == "/portal/"
    for path in ("/portal/", "/portal/signin", "/portal/portal.js", "/portal/i18n/en.json"):
        response = host.request("GET", path, auth=False)
        assert response.status == 200, f"GET {path}: {response.describe()}"
        assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "")
    # The session route replies without a session, and gives nothing away.
    response = host.request("GET", "/portal/session", auth=False)
    assert response.status == 401, response.describe()
    assert "WWW-Authenticate" not in response.headers


def test_wrong_credentials_are_401(host):
    for auth in (basic_auth("admin", "wrong-password-1"), basic_auth("nobody", ADMIN_PASSWORD),
                 "Bearer wjt_0123456789abcdef_" + "0" * 64):
        response = host.request("GET", "/api/webjobs", auth=auth)
        assert response.status == 401, response.describe()
        assert response.headers.get("WWW-Authenticate", "").startswith("Basic")
        assert "wrong-password-1" not in response.text
    # The user name ignores case; the password does not.
    me = host.expect(host.request("GET", "/api/me", auth=basic_auth("ADMIN", ADMIN_PASSWORD)),
                     200, "GET /api/me as ADMIN").json()
    assert me == {"user": "admin", "scope": "admin", "token": None}
    assert host.request("GET", "/api/me",
                        auth=basic_auth("admin", ADMIN_PASSWORD.upper())).status == 401


# Scopes ----------------------------------------------------------------------


def test_read_token_cannot_change_anything(host):
    run_id = deploy_sample_jobs(host)
    add_user(host, "bob", BOB_PASSWORD, "operate")
    admin_token, _ = create_token(host, "admin", label="admin's")
    _, bob_token_id = create_token(host, "operate", auth=basic_auth("bob", BOB_PASSWORD))
    read_token, _ = create_token(host, "read", label="read only")
    before = snapshot(host)
    # The admin's read token must not revoke bob's token (its own, it may).
    changing = [(kind, method, fill(path, run_id, bob_token_id), body)
                for kind, method, path, body in ROUTES if method not in ("GET", "HEAD")]
    assert {kind for kind, *_ in changing} >= {"kPutJob", "kDeleteJob", "kRunJob", "kCancelRun",
                                               "kCancelOneRun", "kPutSettings", "kPatchSettings",
                                               "kStartJob", "kStopJob", "kPutUser",
                                               "kDeleteUser", "kCreateToken", "kDeleteToken"}
    for kind, method, path, body in changing:
        for auth in (bearer(read_token), basic_auth("anyone", read_token)):
            response = host.request(method, path, body, auth=auth)
            assert response.status == 403, f"{kind} {method} {path} with a read token: {response.describe()}"
    # Reading is fine, the audit log is not.
    assert host.request("GET", "/api/webjobs", auth=bearer(read_token)).status == 200
    assert host.request("GET", "/api/audit", auth=bearer(read_token)).status == 403
    assert snapshot(host) == before
    assert host.request("GET", "/api/me", auth=bearer(admin_token)).status == 200


def test_operate_token_runs_but_cannot_deploy(host):
    deploy_sample_jobs(host)
    add_user(host, "bob", BOB_PASSWORD, "operate")
    bob = basic_auth("bob", BOB_PASSWORD)
    token, token_id = create_token(host, "operate", auth=bob)
    auth = bearer(token)
    assert host.request("GET", "/api/me", auth=auth).json() == {
        "user": "bob", "scope": "operate", "token": token_id}
    # An operate user cannot hand out admin tokens.
    assert host.request("POST", "/api/tokens", '{"label": "x", "scope": "admin"}',
                        auth=bob).status == 403

    response = host.request("POST", "/api/triggeredwebjobs/report/run", auth=auth)
    assert response.status == 202, response.describe()
    assert host.request("POST", "/api/continuouswebjobs/daemon/stop", auth=auth).status == 200
    host.wait_for_status("daemon", "Stopped")
    assert host.request("POST", "/api/continuouswebjobs/daemon/start", auth=auth).status == 200

    for method, path, body in [("PUT", "/api/triggeredwebjobs/other", b"echo x\n"),
                               ("DELETE", "/api/triggeredwebjobs/report", None),
                               ("PUT", "/api/triggeredwebjobs/report/settings", b"{}"),
                               ("PATCH", "/api/triggeredwebjobs/report/settings", b"{}"),
                               ("GET", "/api/audit", None),
                               ("PUT", "/api/users/bob", b'{"role": "admin"}'),
                               ("PUT", "/api/users/bob", f'{{"password": "{BOB_PASSWORD}x"}}'),
                               ("GET", "/api/users/admin", None)]:
        response = host.request(method, path, body, auth=auth)
        assert response.status == 403, f"{method} {path} with an operate token: {response.describe()}"
    jobs = {job["name"] for job in host.get_json("/api/webjobs")}
    assert jobs == {"report", "daemon"}
    # Bob's own password may change, but only with the password itself.
    response = host.request("PUT", "/api/users/BOB", f'{{"password": "{BOB_PASSWORD}-2"}}',
                            auth=bob)
    assert response.status == 200, response.describe()
    assert host.request("GET", "/api/me", auth=basic_auth("bob", BOB_PASSWORD + "-2")).status == 200


def test_revoked_token_fails_at_once(host):
    token, token_id = create_token(host, "read")
    assert host.request("GET", "/api/webjobs", auth=bearer(token)).status == 200
    response = host.request("DELETE", f"/api/tokens/{token_id}")
    assert response.status in (200, 204), response.describe()
    for auth in (bearer(token), basic_auth("admin", token)):
        assert host.request("GET", "/api/webjobs", auth=auth).status == 401
    assert host.request("DELETE", f"/api/tokens/{token_id}").status == 404


def test_removed_user_loses_all_access(host):
    add_user(host, "bob", BOB_PASSWORD, "operate")
    bob = basic_auth("bob", BOB_PASSWORD)
    token, _ = create_token(host, "operate", auth=bob)
    assert host.request("GET", "/api/webjobs", auth=bearer(token)).status == 200
    assert host.request("GET", "/api/webjobs", auth=bob).status == 200
    assert host.request("DELETE", "/api/users/Bob").status in (200, 204)
    assert host.request("GET", "/api/webjobs", auth=bearer(token)).status == 401
    assert host.request("GET", "/api/webjobs", auth=bob).status == 401
    # A new bob does not get the old tokens back.
    add_user(host, "bob", BOB_PASSWORD, "admin")
    assert host.request("GET", "/api/webjobs", auth=bearer(token)).status == 401
    assert host.request("GET", "/api/webjobs", auth=bob).status == 200


def test_demoted_user_token_is_capped(host):
    add_user(host, "bob", BOB_PASSWORD, "read")
    response = host.request("PUT", "/api/users/bob", '{"role": "admin"}')
    assert response.status == 200, response.describe()
    token, _ = create_token(host, "admin", auth=basic_auth("bob", BOB_PASSWORD))
    assert host.request("GET", "/api/audit", auth=bearer(token)).status == 200
    assert host.request("PUT", "/api/users/bob", '{"role": "read"}').status == 200
    assert host.request("GET", "/api/audit", auth=bearer(token)).status == 403
    assert host.request("GET", "/api/me", auth=bearer(token)).json()["scope"] == "read"


def test_last_admin_is_kept(host):
    assert host.request("DELETE", "/api/users/admin").status == 409
    assert host.request("PUT", "/api/users/admin", '{"role": "operate"}').status == 409
    assert host.request("GET", "/api/me").json()["scope"] == "admin"


# Path parameters -------------------------------------------------------------

HOSTILE_NAMES = ["..", "%2e%2e", "..%2f..%2fdata", "%2e%2e%2f%2e%2e%2fwebjobs.db", "a%00b",
                 "%2fetc%2fpasswd", "a%5c..%5cb", "...", "report%2f..%2f..%2f..", "%252e%252e"]


def hostile_requests(run_id):
    for bad in HOSTILE_NAMES:
        yield "GET", f"/api/triggeredwebjobs/{bad}"
        yield "PUT", f"/api/triggeredwebjobs/{bad}"
        yield "DELETE", f"/api/continuouswebjobs/{bad}"
        yield "POST", f"/api/triggeredwebjobs/{bad}/run"
        yield "PUT", f"/api/triggeredwebjobs/{bad}/settings"
        yield "POST", f"/api/continuouswebjobs/{bad}/stop"
        yield "GET", f"/api/triggeredwebjobs/report/history/{bad}"
        yield "DELETE", f"/api/triggeredwebjobs/report/history/{bad}"
        yield "GET", f"/vfs/data/jobs/triggered/{bad}/{run_id}/output_log.txt"
        yield "GET", f"/vfs/data/jobs/triggered/report/{bad}/output_log.txt"
        yield "GET", f"/vfs/data/jobs/triggered/report/{run_id}/{bad}"
        yield "GET", f"/api/vfs/data/jobs/triggered/report/{bad}/{bad}/webjobs.db"
        yield "GET", f"/api/users/{bad}"
        yield "PUT", f"/api/users/{bad}"
        yield "DELETE", f"/api/users/{bad}"
        yield "DELETE", f"/api/tokens/{bad}"
    yield "DELETE", "/api/tokens/0123456789ABCDEF"
    yield "PUT", "/api/users/admin%00x"
    yield "PUT", "/api/users/.admin"


def outside_files(host, tmp_path):
    """Files in the test's folder outside the host's root, but for host logs."""
    return sorted(str(path) for path in tmp_path.rglob("*")
                  if host.root not in path.parents and path != host.root
                  and not path.name.startswith("host-"))


def test_path_traversal_changes_nothing(host, tmp_path):
    run_id = deploy_sample_jobs(host)
    token, token_id = create_token(host, "read")
    before = snapshot(host)
    outside_before = outside_files(host, tmp_path)
    body = json.dumps({"password": "hostile-password-1", "role": "admin"})
    for method, path in hostile_requests(run_id):
        response = host.request(method, path, body if method in ("PUT", "POST") else None)
        assert 400 <= response.status < 500, f"{method} {path}: {response.describe()}"
        assert response.status != 401, f"{method} {path}: admin credentials rejected"
    assert snapshot(host) == before
    assert outside_files(host, tmp_path) == outside_before
    assert host.request("GET", "/api/me", auth=bearer(token)).json()["token"] == token_id


# Throttling ------------------------------------------------------------------


def test_failed_sign_ins_are_throttled(start_host, tmp_path):
    host = start_host()
    secret = "guessed-password-Zq81"
    statuses = []
    response = None
    for _ in range(20):
        response = host.request("GET", "/api/webjobs", auth=basic_auth("admin", secret))
        statuses.append(response.status)
        if response.status == 429:
            break
    assert statuses[:5] == [401] * 5, statuses
    assert statuses[-1] == 429, f"expected 429 after repeated failures; got {statuses}"
    retry_after = response.headers.get("Retry-After", "")
    assert retry_after.isdigit() and int(retry_after) >= 1, f"Retry-After: {retry_after!r}"
    assert secret not in response.text
    # While throttled, even the right password waits.
    assert host.request("GET", "/api/webjobs").status in (200, 429)

    log = host.log_path.read_text(errors="replace")
    assert "event=auth_failed" in log
    assert 'who="user \\"admin\\""' in log
    assert host.stop() == 0
    assert secret not in host.log_path.read_text(errors="replace")
    assert ADMIN_PASSWORD not in host.log_path.read_text(errors="replace")
    assert files_containing(host.root, secret) == []
    assert files_containing(host.root, ADMIN_PASSWORD) == []
    assert all(secret not in " ".join(map(str, row)) for row in read_audit_db(host.root))


def test_user_field_secret_not_logged(start_host):
    host = start_host()
    token, _ = create_token(host, "read")
    secret = token.split("_")[2]
    password_like = "p4ss!word with spaces"
    # Clients that know only "user:password" sometimes put the token or a
    # password into the user field.
    for user in (token, password_like):
        response = host.request("GET", "/api/me", auth=basic_auth(user, ""))
        assert response.status == 401, response.text
    assert host.request("GET", "/api/me", auth=basic_auth("nobody", "wrong")).status == 401

    assert host.stop() == 0
    log = host.log_path.read_text(errors="replace")
    assert secret[:16] not in log
    assert "word with" not in log
    assert f'who="invalid user name ({len(token)} bytes)"' in log
    assert f'who="invalid user name ({len(password_like)} bytes)"' in log
    assert 'who="user \\"nobody\\""' in log


def test_parallel_guesses_are_throttled(start_host):
    host = start_host()
    auth = basic_auth("admin", "concurrent-wrong-password")

    def attempt(_):
        return host.request("GET", "/api/webjobs", auth=auth).status

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(attempt, range(48)))
    assert set(statuses) <= {401, 429}, statuses
    # Each 401 is a password that was checked. Beyond the 5 free failures
    # checks run one at a time after delays of 1, 2, 4, ... 60 s, so even a
    # run of 90 s (48 requests with a 30 s timeout, 16 at a time) allows at
    # most 8 more. Without that rule, the first 16 parallel guesses would
    # all be checked.
    assert statuses.count(401) <= 13, statuses
    assert 429 in statuses, statuses


# The first admin -------------------------------------------------------------


class GeneratedAdminHost(webjobs_host.Host):
    """A host started without WEBJOBS_ADMIN_PASSWORD: requests sign in with
    the password from data/admin-password.txt, or with nothing until it exists."""

    @property
    def password_file(self):
        return self.root / "data" / "admin-password.txt"

    @property
    def admin_password(self):
        try:
            return self.password_file.read_text().strip()
        except OSError:
            return None

    def request(self, method, path, body=None, headers=None, timeout=30, auth=True):
        if auth is True and self.admin_password is None:
            auth = False
        return super().request(method, path, body, headers, timeout, auth)


def test_first_admin_password_file(webjobs_bin, tmp_path):
    host = GeneratedAdminHost(webjobs_bin, tmp_path / "root", "adm001",
                              {"WEBJOBS_ADMIN_PASSWORD": None}, log_path=tmp_path / "host.log")
    try:
        host.start()
        info = host.password_file.stat()
        assert stat.S_IMODE(info.st_mode) == 0o600, oct(info.st_mode)
        password = host.admin_password
        assert len(password) >= 12
        me = host.request("GET", "/api/me", auth=basic_auth("admin", password))
        assert me.status == 200 and me.json()["scope"] == "admin", me.describe()
        assert host.request("GET", "/api/me", auth=basic_auth("admin", ADMIN_PASSWORD)).status == 401
        assert host.stop() == 0
        log = host.log_path.read_text(errors="replace")
        assert "event=admin_created" in log
        assert password not in log
        # A second start keeps the admin and the file as they are.
        host.start()
        assert host.admin_password == password
        assert host.request("GET", "/api/me").status == 200
        assert host.stop() == 0
        assert host.log_path.read_text(errors="replace").count("event=admin_created") == 1
        assert password not in host.log_path.read_text(errors="replace")
    finally:
        host.stop()


def test_admin_password_does_not_reach_jobs(host):
    # Nor stays in the host's own environment block.
    environ = pathlib.Path(f"/proc/{host.process.pid}/environ").read_bytes()
    assert ADMIN_PASSWORD.encode() not in environ
    host.deploy_zip("report", "triggered", {"run.sh": ENV_SCRIPT})
    run = host.run_and_wait("report")
    output = host.run_output("report", run["id"])
    assert "hello from env" in output
    assert ADMIN_PASSWORD not in output
    assert "WEBJOBS_ADMIN_PASSWORD" not in output


# The audit log -----------------------------------------------------------------


def test_audit_log_records_changes(host):
    host.deploy_zip("report", "triggered", {"run.sh": ENV_SCRIPT})
    run_id = host.run("report")
    host.wait_for_run("report", run_id)
    assert host.request("PUT", "/api/triggeredwebjobs/report/settings",
                        '{"is_singleton": true}').status == 200
    add_user(host, "bob", BOB_PASSWORD, "read")
    token, token_id = create_token(host, "operate", label="pipeline")
    assert host.request("POST", "/api/triggeredwebjobs/report/run", auth=bearer(token)).status == 202
    assert host.request("DELETE", f"/api/tokens/{token_id}").status in (200, 204)
    # Rejected and failed requests are not changes.
    assert host.request("DELETE", "/api/users/admin").status == 409
    assert host.request("PUT", "/api/triggeredwebjobs/report", auth=bearer(token)).status == 401

    page = host.get_json("/api/audit?limit=1000")
    entries = list(reversed(page["entries"]))
    actions = [(entry["action"], entry["target"], entry["actor"]) for entry in entries]
    token_actor = f"admin (token {token_id})"
    assert actions == [
        ("job.deploy", "triggered/report", "admin"),
        ("run.start", "triggered/report", "admin"),
        ("settings.replace", "triggered/report", "admin"),
        ("user.set", "user bob", "admin"),
        ("token.create", f"token {token_id}", "admin"),
        ("run.start", "triggered/report", token_actor),
        ("token.revoke", f"token {token_id}", "admin"),
    ], json.dumps(entries, indent=1)
    assert all(entry["address"] == "127.0.0.1" for entry in entries)
    assert all(200 <= entry["status"] < 300 for entry in entries)
    text = json.dumps(page)
    assert BOB_PASSWORD not in text and token.split("_")[-1] not in text
    # Paging: one entry per page, linked by "next".
    first = host.get_json("/api/audit?limit=1")
    assert len(first["entries"]) == 1 and first["next"]
    assert host.request("GET", "/api/audit?limit=0").status == 400
    assert host.request("GET", "/api/audit?limit=x").status == 400


# The command line --------------------------------------------------------------


def test_cli_users_tokens_and_audit(host):
    added = check(cli(host, "user", "add", "bob", "--role", "operate",
                      input_text=BOB_PASSWORD + "\n"), "user add")
    assert "added user bob" in added.stdout
    assert BOB_PASSWORD not in added.stdout + added.stderr
    assert host.request("GET", "/api/me", auth=basic_auth("bob", BOB_PASSWORD)).json()["scope"] \
        == "operate"
    again = cli(host, "user", "add", "bob", input_text=BOB_PASSWORD + "\n")
    assert again.returncode != 0 and "already exists" in again.stderr
    # User names ignore case, and the message names the stored spelling.
    upper = cli(host, "user", "add", "BOB", input_text=BOB_PASSWORD + "\n")
    assert upper.returncode != 0, upper.stderr
    assert 'user "bob" already exists' in upper.stderr, upper.stderr

    listing = check(cli(host, "user", "list"), "user list").stdout
    assert re.search(r"^bob\s+operate", listing, re.M), listing

    check(cli(host, "user", "passwd", "bob", input_text="bob-new-password\n"), "user passwd")
    assert host.request("GET", "/api/me", auth=basic_auth("bob", BOB_PASSWORD)).status == 401
    assert host.request("GET", "/api/me", auth=basic_auth("bob", "bob-new-password")).status == 200

    weak = cli(host, "user", "passwd", "bob", input_text="short\n")
    assert weak.returncode != 0 and "short" in weak.stderr
    empty = cli(host, "user", "passwd", "bob", input_text="")
    assert empty.returncode != 0
    assert 'no password for user "bob"' in empty.stderr
    assert "| webjobs user passwd bob`" in empty.stderr

    # Bob creates a token for himself; it prints alone on stdout.
    bob_env = {"WEBJOBS_USER": "bob", "WEBJOBS_PASSWORD": "bob-new-password"}
    created = check(cli(host, "token", "create", "ci", "--scope", "operate", env=bob_env),
                    "token create")
    token = created.stdout.strip()
    assert re.fullmatch(r"wjt_[0-9a-f]{16}_[0-9a-f]{64}", token), created.stdout
    token_id = token.split("_")[1]
    token_env = {"WEBJOBS_TOKEN": token, "WEBJOBS_USER": None, "WEBJOBS_PASSWORD": None}
    check(cli(host, "list", env=token_env), "list with WEBJOBS_TOKEN")
    tokens = check(cli(host, "token", "list", env=token_env), "token list").stdout
    assert token_id in tokens and token.split("_")[2] not in tokens
    assert cli(host, "user", "add", "eve", input_text="eve-password-long\n",
               env=token_env).returncode != 0
    check(cli(host, "token", "revoke", token_id), "token revoke")
    rejected = cli(host, "list", env=token_env)
    assert rejected.returncode != 0, rejected.stdout

    audit = check(cli(host, "audit"), "audit").stdout
    for action in ("user.set", "token.create", "token.revoke"):
        assert action in audit, audit
    assert "bob-new-password" not in audit

    check(cli(host, "user", "remove", "bob"), "user remove")
    assert host.request("GET", "/api/me", auth=basic_auth("bob", "bob-new-password")).status == 401
    assert cli(host, "user", "remove", "admin").returncode != 0


def test_cli_recovers_admin_password(start_host):
    host = start_host()
    offline = {"WEBJOBS_URL": "http://127.0.0.1:9", "WEBJOBS_USER": None,
               "WEBJOBS_PASSWORD": None}
    # While the host runs: the new password works at once.
    check(cli(host, "user", "passwd", "admin", "--root", str(host.root),
              input_text="recovered-password-1\n", env=offline), "user passwd --root (running)")
    assert host.request("GET", "/api/me",
                        auth=basic_auth("admin", "recovered-password-1")).status == 200
    assert host.request("GET", "/api/me").status == 401
    assert host.stop() == 0
    # Without a host.
    check(cli(host, "user", "passwd", "admin", "--root", str(host.root),
              input_text="recovered-password-2\n", env=offline), "user passwd --root (stopped)")
    listing = check(cli(host, "user", "list", "--root", str(host.root), env=offline),
                    "user list --root").stdout
    assert re.search(r"^admin\s+admin", listing, re.M), listing
    missing = cli(host, "user", "passwd", "nobody", "--root", str(host.root),
                  input_text="recovered-password-3\n", env=offline)
    assert missing.returncode != 0 and "does not exist" in missing.stderr
    rows = read_audit_db(host.root)
    assert any(row[1] == "local" and row[2] == "user.set" and row[3] == "user admin"
               for row in rows), rows
    host.admin_password = "recovered-password-2"
    host.start()
    assert host.request("GET", "/api/me").json()["user"] == "admin"


# Header tricks -------------------------------------------------------------------


def test_header_tricks(host):
    good = basic_auth("admin", ADMIN_PASSWORD)
    # Scheme and header name in any case.
    assert host.request("GET", "/api/me", auth="bAsIc " + good.split(" ", 1)[1]).status == 200
    assert host.request("GET", "/api/me", auth=False,
                        headers={"authorization": good}).status == 200
    # Credentials in the query string or another header are not credentials.
    user_and_password = base64.b64encode(f"admin:{ADMIN_PASSWORD}".encode()).decode()
    assert host.request("GET", f"/api/me?authorization=Basic+{user_and_password}",
                        auth=False).status == 401
    assert host.request("GET", "/api/me", auth=False,
                        headers={"Proxy-Authorization": good}).status == 401
    # A forwarded-for header changes neither the audit address nor who is throttled.
    response = host.request("PUT", "/api/users/carol", '{"password": "carol-password-1"}',
                            headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status == 201, response.describe()
    entry = host.get_json("/api/audit?limit=1")["entries"][0]
    assert entry["address"] == "127.0.0.1"
    # A header over the length limit is rejected, and its content is not echoed.
    huge = "Basic " + base64.b64encode(b"admin:" + b"p" * 5000).decode()
    response = host.request("GET", "/api/me", auth=huge)
    assert response.status in (400, 401, 431), response.describe()
    assert "pppppppp" not in response.text
    # Whatever happened above, the host still answers the admin.
    assert host.request("GET", "/api/me").status == 200
