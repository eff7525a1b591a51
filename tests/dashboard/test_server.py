"""The production server (gunicorn, ``python -m dashboard.server``) over a copy of the miniature
database, in a child process: it serves with several workers and no version banner, keeps
answering without a single error while the database is rebuilt and swapped under it, serves
the maintenance page while the file is damaged and recovers once it is rebuilt, and leaves no
process behind when it stops."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request

import pytest

from dashboard.testing import children, gunicorn
from etl.config import Paths
from etl.pipeline import build

URLS = [
    "/",
    "/redecoupage?reg=28",
    "/progres",
    "/healthz",
    "/_carte/geo?couche=epci&reg=28",
    "/_carte/points?dep=76",
    "/_redecoupage/communes?dep=76",
]


@pytest.fixture
def live(processed):
    """A copy of the miniature database (with its checksum) that the tests rebuild and damage."""
    return processed


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def wait_until(condition, timeout: float = 120) -> None:
    """Poll ``condition`` until it holds (a condition, not a fixed sleep)."""
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.05)


def health(url: str) -> dict:
    return json.loads(get(url + "/healthz")[2])


def test_serves_with_workers_and_no_version_banner(live):
    with gunicorn(live.database, workers=2) as (url, proc):
        status, headers, body = get(url + "/")
        assert status == 200 and headers["Server"] == "gunicorn"  # no version
        assert "Werkzeug" not in str(headers) and "Python" not in str(headers)
        assert "script-src 'self' 'sha256-" in headers["Content-Security-Policy"]
        assert get(url + "/nulle-part")[0] == 404
        assert health(url)["status"] == "ok"
        workers = children(proc.pid)
        assert len(workers) == 2
    assert proc.returncode == 0  # a clean stop on SIGTERM
    assert not [p for p in workers if os.path.exists(f"/proc/{p}")], "a worker outlived the server"


def test_a_rebuild_under_load_answers_every_request(live):
    """Eight clients hammer the server while the database is rebuilt and swapped in."""
    results: list[tuple[str, int]] = []
    stop = threading.Event()

    def client(i: int, url: str) -> None:
        n = i
        while not stop.is_set():
            path = URLS[n % len(URLS)]
            results.append((path, get(url + path)[0]))
            n += 1

    with gunicorn(live.database, workers=2) as (url, _proc):
        before = health(url)["built_at"]
        threads = [threading.Thread(target=client, args=(i, url)) for i in range(8)]
        for t in threads:
            t.start()
        try:
            wait_until(lambda: len(results) >= 16)  # the clients are hammering
            served_before = len(results)
            assert build(live, force=True).status == "built"
            wait_until(lambda: health(url)["built_at"] != before)  # the new file is served
            served_after = len(results)
            wait_until(lambda: len(results) >= served_after + 16)  # and answers under load
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        after = health(url)["built_at"]
    assert after != before, "the server still reads the old file"
    errors = [(p, s) for p, s in results if s != 200]
    assert served_before > 0 and len(results) > served_before
    assert errors == [], f"{len(errors)} errors in {len(results)} requests: {errors[:5]}"


def test_a_damaged_file_is_a_maintenance_page_then_repaired_by_a_rebuild(live, mini_db):
    with gunicorn(live.database, workers=2) as (url, _proc):
        assert get(url + "/")[0] == 200
        with open(live.database, "r+b") as f:  # one overwritten block, in place
            f.seek(live.database.stat().st_size // 2)
            f.write(b"\xa5" * 4096)
        status, headers, body = get(url + "/")
        assert status == 503 and "Tableau de bord en maintenance" in body.decode()
        assert headers["Retry-After"] == "60"
        h = get(url + "/healthz")
        assert h[0] == 503 and json.loads(h[2])["status"] == "indisponible"
        res = build(Paths(mirror=live.mirror, database=live.database))
        assert res.status == "built" and res.repaired  # the build saw it and rebuilt
        assert get(url + "/")[0] == 200 and health(url)["status"] == "ok"


def test_a_server_started_on_a_damaged_file_serves_the_maintenance_page(live):
    with open(live.database, "r+b") as f:
        f.write(b"\0" * 4096)  # the header
    with gunicorn(live.database, workers=1, healthy=False) as (url, _proc):
        status, _headers, body = get(url + "/")
        assert status == 503 and "maintenance" in body.decode()
        assert get(url + "/healthz")[0] == 503  # never "ready" for a load balancer
        assert build(live).repaired  # `make run` rebuilds it, and the server recovers
        assert get(url + "/")[0] == 200
