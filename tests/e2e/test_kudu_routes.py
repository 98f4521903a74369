"""Kudu routes on a real host: history paging and filters, the Swagger
document of triggered jobs, the continuous job passthrough on
WEBJOBS_PORT, and every URL that job and run JSON carry.
"""

import json
import urllib.parse

import pytest

from webjobs_host import wait_for

# A continuous job that serves HTTP on $WEBJOBS_PORT and describes each
# request it gets. /missing returns 404, /big sends 3 MiB, /cookies sets
# cookies, among them the host's own.
ECHO_SERVER = r'''import http.server
import json
import os


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/big":
            out = b"0123456789abcdef" * (3 * 65536)
        else:
            out = json.dumps({"method": self.command, "path": self.path,
                              "body": body.decode(), "headers": dict(self.headers)}).encode()
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.send_header("X-Job-Name", os.environ["WEBJOBS_NAME"])
        if self.path == "/cookies":
            self.send_header("Set-Cookie", "webjobs_session=planted; Path=/")
            self.send_header("Set-Cookie", "WEBJOBS_LANG=ko; Path=/")
            self.send_header("Set-Cookie", "webjobs_lang=ko; Path=/")
            self.send_header("Set-Cookie", "job_pref=1; Path=/")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = reply

    def log_message(self, *args):
        pass


print("listening on", os.environ["WEBJOBS_PORT"], flush=True)
http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["WEBJOBS_PORT"])),
                                Handler).serve_forever()
'''


def path_of(url):
    """Return the path and query of an absolute URL of the host."""
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def deploy_echo_server(host, name="echo"):
    host.deploy_zip(name, "continuous", {"run.py": ECHO_SERVER})
    host.wait_for_status(name, "Running")
    wait_for(lambda: host.request("GET", f"/api/continuouswebjobs/{name}/passthrough/").status
             == 200, 30, f"continuous job {name} to serve HTTP on WEBJOBS_PORT")


def echoed(host, method, path, body=None, headers=None):
    response = host.request(method, path, body, headers)
    assert response.status == 200, f"{method} {path}: {response.describe()}"
    return response.json()


# Passthrough -------------------------------------------------------------


def test_passthrough_forwards_path_query_and_headers(host):
    deploy_echo_server(host)
    seen = echoed(host, "GET", "/api/continuouswebjobs/echo/passthrough/a/b%20c?x=1&y=%26",
                  headers={"X-Custom": "v"})
    assert seen["method"] == "GET"
    assert seen["path"] == "/a/b%20c?x=1&y=%26"
    assert seen["headers"].get("X-Custom") == "v"
    assert "Authorization" not in seen["headers"], "the host's credentials must not reach the job"
    assert seen["headers"].get("Host", "").startswith("127.0.0.1:"), seen["headers"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_passthrough_forwards_body_of_method(host, method):
    deploy_echo_server(host)
    seen = echoed(host, method, "/api/continuouswebjobs/echo/passthrough/items",
                  body="payload ü", headers={"Content-Type": "text/plain; charset=utf-8"})
    assert seen["method"] == method
    assert seen["body"] == "payload ü"
    assert seen["headers"].get("Content-Type") == "text/plain; charset=utf-8"


def test_passthrough_sandboxes_job_pages_and_keeps_host_cookies(host):
    # A job's page is served on the portal's origin: sandboxed, its scripts
    # cannot read the portal's session, and it cannot set the host's cookies.
    deploy_echo_server(host)
    response = host.request("GET", "/api/continuouswebjobs/echo/passthrough/cookies")
    assert response.status == 200, response.describe()
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy.startswith("sandbox "), policy
    assert "allow-same-origin" not in policy, policy
    cookies = response.headers.get_all("Set-Cookie") or []
    # Cookie names are case-sensitive, so WEBJOBS_LANG is not the host's.
    assert cookies == ["WEBJOBS_LANG=ko; Path=/", "job_pref=1; Path=/"], cookies


def test_passthrough_head_and_job_status(host):
    deploy_echo_server(host)
    head = host.request("HEAD", "/api/continuouswebjobs/echo/passthrough/x")
    assert head.status == 200, head.describe()
    assert head.headers.get("X-Job-Name") == "echo"
    assert head.body == b""

    missing = host.request("GET", "/api/continuouswebjobs/echo/passthrough/missing")
    assert missing.status == 404, missing.describe()
    assert missing.json()["path"] == "/missing", "the job's own 404 body must come through"


def test_passthrough_streams_large_response(host):
    deploy_echo_server(host)
    response = host.request("GET", "/api/continuouswebjobs/echo/passthrough/big")
    assert response.status == 200, response.describe()
    assert len(response.body) == 3 * 1024 * 1024
    assert response.body == b"0123456789abcdef" * (3 * 65536)


def test_passthrough_reaches_each_job_on_its_own_port(host):
    deploy_echo_server(host, "first")
    deploy_echo_server(host, "second")
    for name in ("first", "second"):
        response = host.request("GET", f"/api/continuouswebjobs/{name}/passthrough/")
        assert response.headers.get("X-Job-Name") == name, response.describe()
    ports = {echoed(host, "GET", f"/api/continuouswebjobs/{name}/passthrough/")["headers"]["Host"]
             for name in ("first", "second")}
    assert len(ports) == 2, f"expected two different WEBJOBS_PORT values, got {ports}"


def test_passthrough_of_stopped_job_is_not_found(host):
    deploy_echo_server(host)
    host.expect(host.request("POST", "/api/continuouswebjobs/echo/stop"), 200, "stop")
    host.wait_for_status("echo", "Stopped")
    response = host.request("GET", "/api/continuouswebjobs/echo/passthrough/x")
    assert response.status == 404, response.describe()
    assert "is not running on this instance" in response.text


def test_passthrough_to_job_without_server_is_not_found(host):
    host.deploy_zip("quiet", "continuous", {"run.sh": "while true; do sleep 1; done\n"})
    host.wait_for_status("quiet", "Running")
    response = host.request("POST", "/api/continuouswebjobs/quiet/passthrough/x", "body")
    assert response.status == 404, response.describe()
    assert "cannot forward the request to continuous job" in response.text
    assert "WEBJOBS_PORT" in response.text


def test_triggered_run_has_no_webjobs_port(host):
    host.deploy_zip("T", "triggered", {"run.sh": 'echo "port=${WEBJOBS_PORT-unset}"\n'})
    run = host.run_and_wait("T")
    assert "port=unset" in host.run_output("T", run["id"])


# Swagger -----------------------------------------------------------------


def test_swagger_lists_triggered_jobs(host):
    host.deploy_zip("nightly", "triggered", {"run.sh": "echo hi\n"})
    host.deploy_zip("worker", "continuous", {"run.sh": "while true; do sleep 1; done\n"})
    doc = host.get_json("/api/triggeredwebjobsswagger")
    assert doc["swagger"] == "2.0"
    assert doc["info"] == {"version": "v1", "title": "WebJobs"}
    assert doc["host"] == "placeHolder"
    assert doc["schemes"] == ["https"]
    assert list(doc["paths"]) == ["/api/triggeredjobs/nightly/run"]
    post = doc["paths"]["/api/triggeredjobs/nightly/run"]["post"]
    assert post["operationId"] == "nightly"
    assert post["parameters"] == [
        {"name": "arguments", "in": "query", "required": False, "type": "string"}]

    # The path in the document is a working route.
    run = host.request("POST", "/api/triggeredjobs/nightly/run?arguments=x")
    assert run.status == 202, run.describe()


# History paging and filters ----------------------------------------------


@pytest.fixture
def five_runs(host):
    """Five finished runs of job "paged", newest first; the 2nd and 4th failed."""
    host.deploy_zip("paged", "triggered", {"run.sh": 'exit "${1:-0}"\n'})
    for code in ("0", "1", "0", "1", "0"):
        host.run_and_wait("paged", code)
    runs = host.history("paged")
    assert len(runs) == 5
    return runs


def test_history_pages_follow_next_links(host, five_runs):
    ids = []
    response = host.request("GET", "/api/triggeredwebjobs/paged/history?limit=2")
    pages = 0
    while True:
        assert response.status == 200, response.describe()
        body = response.json()
        ids.extend(run["id"] for run in body["runs"])
        pages += 1
        if "next" not in body:
            assert response.headers.get("Link") is None
            break
        assert len(body["runs"]) == 2
        assert body["next"].startswith(host.url + "/api/triggeredwebjobs/paged/history?")
        assert response.headers.get("Link") == f'<{body["next"]}>; rel="next"'
        response = host.request("GET", path_of(body["next"]))
    assert pages == 3
    assert ids == [run["id"] for run in five_runs]


def test_history_filters_status_and_time(host, five_runs):
    failed = host.get_json("/api/triggeredwebjobs/paged/history?status=FAILED")["runs"]
    assert [run["id"] for run in failed] == [five_runs[1]["id"], five_runs[3]["id"]]
    both = host.get_json("/api/triggeredwebjobs/paged/history?status=failed,success")["runs"]
    assert len(both) == 5

    since = urllib.parse.quote(five_runs[2]["start_time"])
    until = urllib.parse.quote(five_runs[1]["start_time"])
    window = host.get_json(f"/api/triggeredwebjobs/paged/history?since={since}&until={until}")
    assert [run["id"] for run in window["runs"]] == [five_runs[1]["id"], five_runs[2]["id"]]

    limited = host.get_json(f"/api/triggeredwebjobs/paged/history?since={since}&limit=1")
    assert [run["id"] for run in limited["runs"]] == [five_runs[0]["id"]]
    assert "next" in limited


@pytest.mark.parametrize("query, expected", [
    ("limit=0", 'limit="0": use a whole number from 1 to 1000'),
    ("limit=1001", 'limit="1001"'),
    ("before=abc", 'before="abc": use the 18-digit id of a run'),
    ("status=Done", 'status="Done"'),
    ("since=yesterday", "since: invalid instant 'yesterday'"),
    ("until=2024-01-02T00:00:00", "until: invalid instant"),
    ("since=2024-01-03T00:00:00Z&until=2024-01-02T00:00:00Z", "since must not be after until"),
])
def test_history_bad_parameter_is_bad_request(host, query, expected):
    host.deploy_zip("J", "triggered", {"run.sh": "echo hi\n"})
    response = host.request("GET", f"/api/triggeredwebjobs/J/history?{query}")
    assert response.status == 400, response.describe()
    assert expected in response.text


def test_history_entity_tags_differ_by_query(host, five_runs):
    plain = host.request("GET", "/api/triggeredwebjobs/paged/history")
    paged = host.request("GET", "/api/triggeredwebjobs/paged/history?limit=2")
    other = host.request("GET", "/api/triggeredwebjobs/paged/history?limit=3")
    tags = {response.headers.get("ETag") for response in (plain, paged, other)}
    assert len(tags) == 3, f"expected three different ETags, got {tags}"
    assert set(plain.json()) == {"runs"}, "the plain history keeps Kudu's shape"

    for response, path in ((plain, ""), (paged, "?limit=2")):
        again = host.request("GET", f"/api/triggeredwebjobs/paged/history{path}",
                             headers={"If-None-Match": response.headers.get("ETag")})
        assert again.status == 304, again.describe()
    crossed = host.request("GET", "/api/triggeredwebjobs/paged/history?limit=3",
                           headers={"If-None-Match": paged.headers.get("ETag")})
    assert crossed.status == 200, crossed.describe()


# URLs in job and run JSON ------------------------------------------------


def follow(host, url, what):
    assert url.startswith(host.url + "/"), f"{what}: {url!r} does not point at the host"
    response = host.request("GET", path_of(url))
    assert response.status == 200, f"{what} {url}: {response.describe()}"
    assert response.body, f"{what} {url}: empty body"
    return response


def test_every_url_in_json_resolves(host):
    host.deploy_zip("scheduled", "triggered", {"run.sh": "echo scheduled output\n"},
                    settings={"schedule": "*/2 * * * * *"})
    host.deploy_zip("worker", "continuous",
                    {"run.sh": "echo worker output\nwhile true; do sleep 1; done\n"})
    host.wait_for_status("worker", "Running")

    def scheduled_ready():
        job = host.job("triggered", "scheduled")
        run = job["latest_run"]
        ready = job["scheduler_logs_url"] and run and run["status"] == "Success"
        return job if ready else None
    triggered = wait_for(scheduled_ready, 60, "a finished scheduled run and a scheduler log")
    wait_for(lambda: (host.data_dir("continuous", "worker") / "job_log.txt").exists(), 30,
             "the continuous job's log")
    continuous = host.job("continuous", "worker")

    for job in (triggered, continuous):
        for key in ("url", "extra_info_url"):
            follow(host, job[key], f"{job['name']}.{key}")
    assert follow(host, triggered["url"], "url").json()["name"] == "scheduled"
    follow(host, triggered["history_url"], "history_url")
    follow(host, triggered["scheduler_logs_url"], "scheduler_logs_url")
    assert "worker output" in follow(host, continuous["log_url"], "log_url").text

    run = triggered["latest_run"]
    assert follow(host, run["url"], "run url").json()["id"] == run["id"]
    assert "scheduled output" in follow(host, run["output_url"], "output_url").text
    assert run["error_url"] is None

    for entry in host.get_json("/api/triggeredwebjobs/scheduled/history")["runs"]:
        follow(host, entry["url"], f"history url of run {entry['id']}")
        if entry["status"] == "Success":
            follow(host, entry["output_url"], f"output_url of run {entry['id']}")

    page = follow(host, triggered["extra_info_url"], "extra_info_url")
    assert page.headers.get("Content-Type", "").startswith("text/html")
