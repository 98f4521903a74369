"""Portal sessions survive a host restart; ended ones stay ended.

The host keeps sessions in its store (data/webjobs.db), keyed by the
SHA-256 of the cookie, so a restart on the same data root keeps everyone
signed in. These tests sign in through POST /portal/session, restart the
host and use the cookie again.
"""

import json
import sqlite3

from test_auth import add_user, files_containing

SESSION_COOKIE = "webjobs_session"
BOB_PASSWORD = "bob-password-12345"


def sign_in(host, user, password):
    """Sign in through the portal's route; returns (cookie header value, CSRF token)."""
    response = host.request("POST", "/portal/session",
                            json.dumps({"user": user, "password": password}),
                            {"Content-Type": "application/json"}, auth=False)
    host.expect(response, 201, f"POST /portal/session as {user}")
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    assert cookie.startswith(SESSION_COOKIE + "="), f"unexpected Set-Cookie: {cookie!r}"
    return cookie, response.json()["csrf_token"]


def with_cookie(host, method, path, cookie, csrf_token=None):
    headers = {"Cookie": cookie}
    if csrf_token is not None:
        headers["X-CSRF-Token"] = csrf_token
    return host.request(method, path, headers=headers, auth=False)


def restart(start_host, host):
    assert host.stop() == 0, f"host exited with an error; log:\n{host.log_tail()}"
    return start_host(root=host.root)


def stored_sessions(root):
    """The session rows straight from the store, read-only."""
    uri = f"file:{root / 'data' / 'webjobs.db'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as connection:
        return connection.execute(
            "SELECT id_hash, user_name, created_us, last_seen_us FROM sessions").fetchall()


def test_session_survives_restart_until_sign_out(start_host):
    host = start_host()
    cookie, csrf_token = sign_in(host, host.admin_user, host.admin_password)
    host.expect(with_cookie(host, "GET", "/api/webjobs", cookie), 200, "GET /api/webjobs")

    host = restart(start_host, host)
    host.expect(with_cookie(host, "GET", "/api/webjobs", cookie), 200,
                "GET /api/webjobs with the cookie after a restart")
    described = host.expect(with_cookie(host, "GET", "/portal/session", cookie), 200,
                            "GET /portal/session after a restart").json()
    assert described == {"user": "admin", "scope": "admin", "csrf_token": csrf_token}
    # The CSRF token survives too, so a page opened before the restart can
    # still change things.
    host.expect(with_cookie(host, "POST", "/api/continuouswebjobs/nothing/start", cookie,
                            csrf_token), 404, "POST with the cookie and CSRF token")

    host.expect(with_cookie(host, "DELETE", "/portal/session", cookie, csrf_token), 204,
                "DELETE /portal/session")
    assert with_cookie(host, "GET", "/api/webjobs", cookie).status == 401
    host = restart(start_host, host)
    response = with_cookie(host, "GET", "/api/webjobs", cookie)
    assert response.status == 401, (
        f"the signed-out cookie must stay refused after a restart, got {response.describe()}")
    assert stored_sessions(host.root) == []


def test_store_keeps_hash_of_session_id(start_host):
    host = start_host()
    cookie, _ = sign_in(host, host.admin_user, host.admin_password)
    session_id = cookie.split("=", 1)[1]
    host.stop()
    rows = stored_sessions(host.root)
    assert len(rows) == 1, f"expected one stored session, got {rows}"
    id_hash, user, created_us, last_seen_us = rows[0]
    assert user == "admin"
    assert len(id_hash) == 64
    assert id_hash != session_id
    assert created_us > 0
    assert last_seen_us >= created_us
    assert files_containing(host.root, session_id) == [], "the session id was written to disk"


def test_removed_user_session_ends_across_restart(start_host):
    host = start_host()
    add_user(host, "bob", BOB_PASSWORD, "operate")
    cookie, _ = sign_in(host, "bob", BOB_PASSWORD)
    host.expect(with_cookie(host, "GET", "/api/me", cookie), 200, "GET /api/me as bob")
    host.expect(host.request("DELETE", "/api/users/bob"), 200, "DELETE /api/users/bob")

    host = restart(start_host, host)
    assert with_cookie(host, "GET", "/api/me", cookie).status == 401
    assert stored_sessions(host.root) == []
