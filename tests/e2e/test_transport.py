"""Transport security and request limits of the REST API.

A host started with --tls-cert and --tls-key serves HTTPS that Python's
ssl module and the CLI (with --ca-cert, or --insecure) can use. Plain HTTP
on an address other than loopback, a missing certificate and a key that
does not match are rejected at start with exit code 64. Oversized request
lines and headers get a plain-text 4xx, and a client that stops sending in
the middle of a request is disconnected. --http-threads accepts 1 to 16384,
and clients beyond that many wait for a worker instead of failing.
"""

import concurrent.futures
import socket
import ssl
import subprocess
import time

import pytest

import webjobs_host

EXIT_USAGE = 64
# Generous: the server's read timeout in these tests is 1 s.
DISCONNECT_WAIT = 60


def make_certificate(directory, name, common_name="localhost"):
    """Write a self-signed certificate for 127.0.0.1 and localhost with its key."""
    certificate = directory / f"{name}-cert.pem"
    key = directory / f"{name}-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "2", "-subj", f"/CN={common_name}",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True)
    return certificate, key


@pytest.fixture
def certificate(tmp_path):
    return make_certificate(tmp_path, "host")


@pytest.fixture
def tls_host(start_host, certificate):
    return start_host(tls=certificate, extra_args=["--read-timeout", "1"])


def serve(webjobs_bin, tmp_path, *args):
    """Run `webjobs serve` that is expected to exit at once; return the result."""
    return subprocess.run(
        [str(webjobs_bin), "serve", "--root", str(tmp_path / "root"), *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def read_until_closed(connection, timeout=DISCONNECT_WAIT):
    """Read until the server closes `connection`; return the bytes received.

    Fails when the connection is still open after `timeout` seconds.
    """
    connection.settimeout(timeout)
    received = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = connection.recv(65536)
        except socket.timeout:
            break
        except (ConnectionResetError, ssl.SSLError):
            return received
        if not chunk:
            return received
        received += chunk
    raise AssertionError(f"the server kept the connection open for {timeout} s; "
                         f"received so far: {received[:300]!r}")


def send_raw(host, data):
    """Send `data` on a new plain TCP connection; return all bytes until close."""
    with socket.create_connection(("127.0.0.1", host.port), timeout=30) as connection:
        connection.sendall(data)
        return read_until_closed(connection)


# TLS ---------------------------------------------------------------------


def test_tls_host_serves_python_ssl_client(tls_host):
    health = tls_host.get_json("/api/health")
    assert health["status"] == "ok", f"expected status ok from /api/health over TLS; got {health}"


def test_tls_host_negotiates_tls_1_2_or_later(tls_host):
    context = tls_host.ssl_context()
    with socket.create_connection(("127.0.0.1", tls_host.port), timeout=30) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as connection:
            version = connection.version()
    assert version in ("TLSv1.2", "TLSv1.3"), f"expected TLS 1.2 or 1.3; got {version}"


def test_job_urls_use_https(tls_host):
    tls_host.deploy_zip("Job", "triggered", {"run.sh": "echo hi\n"})
    job = tls_host.job("triggered", "Job")
    assert job["url"].startswith("https://127.0.0.1:"), (
        f"expected the job url to use https; got {job['url']!r}")


def test_cli_with_ca_cert_lists_jobs(tls_host, certificate):
    result = tls_host.cli("--ca-cert", str(certificate[0]), "list")
    assert result.returncode == 0, f"expected exit 0; got {result.returncode}: {result.stderr}"
    assert "warning" not in result.stderr, f"expected no warning; got {result.stderr!r}"


def test_cli_takes_ca_cert_from_environment(tls_host, certificate):
    result = tls_host.cli("list", env={"WEBJOBS_CA_CERT": str(certificate[0])})
    assert result.returncode == 0, f"expected exit 0; got {result.returncode}: {result.stderr}"


def test_cli_rejects_unknown_certificate(tls_host):
    result = tls_host.cli("list")
    assert result.returncode == 3, f"expected exit 3; got {result.returncode}: {result.stderr}"
    assert "--ca-cert" in result.stderr, f"expected a hint at --ca-cert; got {result.stderr!r}"
    assert "--insecure" in result.stderr, f"expected a hint at --insecure; got {result.stderr!r}"


def test_cli_rejects_certificate_of_other_ca(tls_host, tmp_path):
    other, _ = make_certificate(tmp_path, "other", common_name="other")
    result = tls_host.cli("--ca-cert", str(other), "list")
    assert result.returncode == 3, f"expected exit 3; got {result.returncode}: {result.stderr}"


def test_cli_insecure_warns_and_works(tls_host):
    result = tls_host.cli("list", "--insecure")
    assert result.returncode == 0, f"expected exit 0; got {result.returncode}: {result.stderr}"
    assert "warning: --insecure" in result.stderr, (
        f"expected a warning about --insecure on stderr; got {result.stderr!r}")


def test_cli_missing_ca_file_is_usage_error(tls_host, tmp_path):
    missing = tmp_path / "missing-ca.pem"
    result = tls_host.cli("--ca-cert", str(missing), "list")
    assert result.returncode == 2, f"expected exit 2; got {result.returncode}: {result.stderr}"
    assert str(missing) in result.stderr, f"expected the path in the error; got {result.stderr!r}"


def test_tls_handshake_that_stalls_is_closed(tls_host):
    with socket.create_connection(("127.0.0.1", tls_host.port), timeout=30) as connection:
        read_until_closed(connection)


# Refusals at start ---------------------------------------------------------


@pytest.mark.parametrize("listen", ["0.0.0.0:18420", "[::]:18420"])
def test_plain_http_on_all_addresses_is_rejected(webjobs_bin, tmp_path, listen):
    result = serve(webjobs_bin, tmp_path, "--listen", listen)
    address = listen.rsplit(":", 1)[0].strip("[]")
    assert result.returncode == EXIT_USAGE, (
        f"expected exit {EXIT_USAGE}; got {result.returncode}: {result.stderr}")
    assert f'"{address}"' in result.stderr, f"expected the address; got {result.stderr!r}"
    assert "--tls-cert FILE --tls-key FILE" in result.stderr, (
        f"expected the TLS fix; got {result.stderr!r}")
    assert "--trusted-network" in result.stderr, (
        f"expected the --trusted-network fix; got {result.stderr!r}")


def test_missing_certificate_is_rejected(webjobs_bin, tmp_path, certificate):
    missing = tmp_path / "missing.pem"
    result = serve(webjobs_bin, tmp_path, "--listen", "127.0.0.1:18420",
                   "--tls-cert", str(missing), "--tls-key", str(certificate[1]))
    assert result.returncode == EXIT_USAGE, (
        f"expected exit {EXIT_USAGE}; got {result.returncode}: {result.stderr}")
    assert f"{missing} does not exist" in result.stderr, (
        f"expected the missing file named; got {result.stderr!r}")


def test_mismatched_key_is_rejected_without_its_text(webjobs_bin, tmp_path, certificate):
    _, other_key = make_certificate(tmp_path, "other")
    result = serve(webjobs_bin, tmp_path, "--listen", "127.0.0.1:18420",
                   "--tls-cert", str(certificate[0]), "--tls-key", str(other_key))
    output = result.stdout + result.stderr
    assert result.returncode == EXIT_USAGE, (
        f"expected exit {EXIT_USAGE}; got {result.returncode}: {output}")
    assert "does not match" in output, f"expected a mismatch error; got {output!r}"
    assert str(other_key) in output, f"expected the key path; got {output!r}"
    key_body = other_key.read_text().splitlines()[1]
    assert key_body not in output, "expected the key's contents never to be printed"


def test_certificate_that_is_not_pem_is_rejected(webjobs_bin, tmp_path, certificate):
    not_pem = tmp_path / "not-pem.txt"
    not_pem.write_text("hello\n")
    result = serve(webjobs_bin, tmp_path, "--listen", "127.0.0.1:18420",
                   "--tls-cert", str(not_pem), "--tls-key", str(certificate[1]))
    output = result.stdout + result.stderr
    assert result.returncode == EXIT_USAGE, (
        f"expected exit {EXIT_USAGE}; got {result.returncode}: {output}")
    assert "contains no PEM certificate" in output, f"expected the problem; got {output!r}"


# Request limits ------------------------------------------------------------


def test_long_header_line_gets_plain_text_400(start_host):
    host = start_host()
    reply = send_raw(host, b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 9000
                     + b"\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400 "), f"expected 400; got {reply[:200]!r}"
    assert b"a header line is longer than 8192 bytes" in reply, (
        f"expected our message; got {reply[:400]!r}")


def test_long_request_line_gets_plain_text_414(start_host):
    host = start_host()
    reply = send_raw(host, b"GET /api/" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 414 "), f"expected 414; got {reply[:200]!r}"
    assert b"the request line is longer than 8192 bytes" in reply, (
        f"expected our message; got {reply[:400]!r}")


def test_many_headers_get_431(start_host):
    host = start_host()
    headers = b"".join(b"X-Field-%d: %s\r\n" % (i, b"b" * 4000) for i in range(20))
    reply = send_raw(host, b"GET /api/health HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert reply.startswith(b"HTTP/1.1 431 "), f"expected 431; got {reply[:200]!r}"
    assert b"more than the limit of 65536" in reply, f"expected our message; got {reply[:400]!r}"


def test_oversized_header_over_tls_gets_400(tls_host):
    response = tls_host.request("GET", "/api/health", headers={"X-Long": "a" * 9000})
    assert response.status == 400, f"expected 400; got {response.describe()}"
    assert "a header line is longer than 8192 bytes" in response.text, response.describe()


def test_client_stopping_in_headers_is_disconnected(start_host):
    host = start_host(extra_args=["--read-timeout", "1"])
    with socket.create_connection(("127.0.0.1", host.port), timeout=30) as connection:
        connection.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Half")
        read_until_closed(connection)


def test_client_stopping_in_body_is_disconnected(start_host):
    host = start_host(extra_args=["--read-timeout", "1"])
    with socket.create_connection(("127.0.0.1", host.port), timeout=30) as connection:
        connection.sendall(b"PUT /api/triggeredwebjobs/Slow HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Type: application/octet-stream\r\n"
                           b"Content-Disposition: attachment; filename=run.sh\r\n"
                           b"Content-Length: 1000\r\n\r\necho half")
        read_until_closed(connection)
    assert not host.job_dir("triggered", "Slow").exists(), (
        "expected no job from a body that never arrived")


def test_client_stopping_in_headers_over_tls_is_disconnected(tls_host):
    with socket.create_connection(("127.0.0.1", tls_host.port), timeout=30) as raw:
        with tls_host.ssl_context().wrap_socket(raw, server_hostname="127.0.0.1") as connection:
            connection.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
            read_until_closed(connection)


# Worker threads ----------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "16385", "many"])
def test_http_threads_out_of_range_is_rejected(webjobs_bin, tmp_path, value):
    result = serve(webjobs_bin, tmp_path, "--http-threads", value)
    assert result.returncode == EXIT_USAGE, (
        f"expected exit {EXIT_USAGE} for --http-threads {value}; "
        f"got {result.returncode}: {result.stderr}")
    assert "--http-threads" in result.stderr, f"expected the flag named; got {result.stderr!r}"


def test_more_clients_than_http_threads_all_get_answers(start_host):
    host = start_host(extra_args=["--http-threads", "2"])
    # Each open connection holds a worker thread, so with two workers the
    # other clients wait in the queue until a connection closes.
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: host.request("GET", "/api/webjobs", timeout=60),
                                range(8)))
    for reply in replies:
        assert reply.status == 200, f"expected 200 from every client; got {reply.describe()}"


def test_listen_backlog_takes_a_burst_of_new_clients(start_host):
    # For a listening socket, ss prints the accept backlog as Send-Q. A
    # backlog of 5 (httplib's own) drops SYNs when many clients connect at
    # once, and each dropped client waits a second for the retransmission.
    host = start_host()
    result = subprocess.run(["ss", "-ltnH", f"sport = :{host.port}"], capture_output=True,
                            text=True, check=True)
    lines = [line.split() for line in result.stdout.splitlines() if line.strip()]
    assert lines, f"expected a listening socket on port {host.port}; ss printed {result.stdout!r}"
    backlog = int(lines[0][2])
    assert backlog >= 1024, f"expected a backlog of at least 1024; ss printed {result.stdout!r}"
