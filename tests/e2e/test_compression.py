"""Gzip bodies for clients that send Accept-Encoding, and plain JSON for the rest."""

import concurrent.futures
import gzip
import json

SCRIPT = b"echo \"run of $WEBJOBS_NAME\"\n"


def deploy_many(host, count):
    for index in range(count):
        host.deploy_file(f"gz-{index:03d}", "triggered", "run.sh", SCRIPT)


def test_job_list_is_gzip_for_gzip_clients(host):
    deploy_many(host, 12)
    plain = host.expect(host.request("GET", "/api/webjobs"), 200, "GET /api/webjobs")
    assert "Content-Encoding" not in plain.headers, f"expected no encoding; got {plain.describe()}"
    assert plain.headers.get("Vary") == "Accept-Encoding", f"got {plain.describe()}"

    packed = host.expect(host.request("GET", "/api/webjobs",
                                      headers={"Accept-Encoding": "gzip, deflate, br"}),
                         200, "GET /api/webjobs with gzip")
    assert packed.headers.get("Content-Encoding") == "gzip", f"got {packed.describe()}"
    assert packed.headers.get("Vary") == "Accept-Encoding", f"got {packed.describe()}"
    assert int(packed.headers["Content-Length"]) == len(packed.body)
    text = gzip.decompress(packed.body)
    assert json.loads(text) == json.loads(plain.body), "the gzip body differs from the plain one"
    assert len(packed.body) * 4 < len(plain.body), (
        f"expected similar jobs to compress well; gzip {len(packed.body)}, JSON {len(plain.body)}")


def test_gzip_list_follows_runs_and_deploys(host):
    deploy_many(host, 10)
    headers = {"Accept-Encoding": "gzip"}
    host.run_and_wait("gz-004")
    first = json.loads(gzip.decompress(host.request("GET", "/api/triggeredwebjobs",
                                                    headers=headers).body))
    assert [job["name"] for job in first] == [f"gz-{index:03d}" for index in range(10)]
    assert first[4]["latest_run"]["status"] == "Success", f"got {first[4]}"

    host.deploy_file("gz-0045", "triggered", "run.sh", SCRIPT)
    host.run_and_wait("gz-0045")
    second = json.loads(gzip.decompress(host.request("GET", "/api/triggeredwebjobs",
                                                     headers=headers).body))
    plain = json.loads(host.request("GET", "/api/triggeredwebjobs").body)
    assert second == plain
    assert [job["name"] for job in second][4:6] == ["gz-004", "gz-0045"]


def test_gzip_rejected_with_q_zero_gives_plain_json(host):
    deploy_many(host, 12)
    for value in ("gzip;q=0", "identity", "*;q=0", "br"):
        reply = host.request("GET", "/api/webjobs", headers={"Accept-Encoding": value})
        assert reply.status == 200
        assert "Content-Encoding" not in reply.headers, f"{value}: got {reply.describe()}"
        json.loads(reply.body)


def test_list_etag_is_weak_for_gzip_clients_and_304_matches(host):
    deploy_many(host, 12)
    headers = {"Accept-Encoding": "gzip"}
    packed = host.request("GET", "/api/webjobs", headers=headers)
    tag = packed.headers["ETag"]
    assert tag.startswith('W/"'), f"expected a weak tag for a gzip body; got {tag}"
    plain_tag = host.request("GET", "/api/webjobs").headers["ETag"]
    assert plain_tag == tag[2:], f"expected the plain tag {tag[2:]}; got {plain_tag}"

    again = host.request("GET", "/api/webjobs", headers={**headers, "If-None-Match": tag})
    assert again.status == 304, f"expected 304; got {again.describe()}"
    assert again.headers["ETag"] == tag
    # Weak comparison: the plain tag matches the gzip reply and the other way round.
    assert host.request("GET", "/api/webjobs",
                        headers={**headers, "If-None-Match": plain_tag}).status == 304
    assert host.request("GET", "/api/webjobs", headers={"If-None-Match": tag}).status == 304


def test_long_history_is_gzip_and_short_reply_stays_plain(host):
    host.deploy_file("gz-history", "triggered", "run.sh", SCRIPT)
    for _ in range(12):
        host.run_and_wait("gz-history")
    headers = {"Accept-Encoding": "gzip"}
    path = "/api/triggeredwebjobs/gz-history/history"
    packed = host.request("GET", path, headers=headers)
    assert packed.status == 200
    assert packed.headers.get("Content-Encoding") == "gzip", f"got {packed.describe()}"
    assert json.loads(gzip.decompress(packed.body)) == json.loads(host.request("GET", path).body)

    short = host.request("GET", "/api/triggeredwebjobs/gz-history", headers=headers)
    assert short.status == 200
    assert "Content-Encoding" not in short.headers, f"got {short.describe()}"
    assert json.loads(short.body)["name"] == "gz-history"


def test_concurrent_gzip_and_plain_list_requests_agree(host):
    deploy_many(host, 30)
    expected = json.loads(host.request("GET", "/api/webjobs").body)

    def fetch(index):
        if index % 2:
            reply = host.request("GET", "/api/webjobs", headers={"Accept-Encoding": "gzip"})
            return json.loads(gzip.decompress(reply.body))
        return json.loads(host.request("GET", "/api/webjobs").body)

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        for listed in pool.map(fetch, range(64)):
            assert listed == expected
