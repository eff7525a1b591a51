"""Helpers to serve an app in a thread and drive Debian's chromium (tests and benchmarks)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]


@contextmanager
def serve(flask_app) -> Iterator[str]:
    """Serve a Flask app on a free loopback port in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, flask_app, threaded=True)
    t = threading.Thread(target=srv.serve_forever, name="dash-test-server", daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        t.join(timeout=5)


def launch_chromium(playwright):
    """Headless Debian chromium with the flags that work in containers and CI."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def free_port() -> int:
    """A TCP port free on the loopback address right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(
    db, workers: int = 2, *, timeout: float = 300, healthy: bool = True, extra: tuple[str, ...] = ()
):
    """The production server (``python -m dashboard.server``) over ``db`` in a child process,
    yielded once ``/healthz`` answers 200 (or, ``healthy=False``, answers at all); stopped
    (SIGTERM, then SIGKILL) with all its workers on exit. Yields ``(base_url, process)``."""
    import os
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")  # a pipe nobody reads would block the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.server", "--db", str(db), "--port", str(port),
         "--workers", str(workers), "--no-access-log", *extra],
        stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    proc.log = log
    url = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the server stopped: {log.read()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=5):
                    break
            except urllib.error.HTTPError:
                if not healthy:
                    break  # it answers: 503 over a damaged file
            except OSError:
                if time.monotonic() > end:
                    raise TimeoutError(f"no answer from {url}/healthz in {timeout:.0f} s") from None
                time.sleep(0.5)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()  # the master stops its workers gracefully
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)  # the whole group this helper started, nothing else
                proc.wait(timeout=30)
        log.close()


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux ``/proc``)."""
    from pathlib import Path

    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]
