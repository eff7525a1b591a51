"""What the server adds around the app, over the miniature database: security headers on every
answer, 404 for unknown addresses, no version banner, bounded requests, malformed callback
requests refused with 400, ``/healthz``, and the maintenance page (503) while the database is
damaged, until it is repaired."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from dashboard.app import create_app
from dashboard.http_policy import MAX_REQUEST_BYTES, callback_body, make_body
from etl.db import checksum_path


@pytest.fixture(scope="module")
def app(mini_db):
    return create_app(mini_db)


@pytest.fixture
def client(app):
    return app.server.test_client()


PAGES = ["/", "/redecoupage", "/progres", "/sources", "/territoire/2023/ti-2801"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_200_with_the_security_headers(client, path):
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in csp and "'unsafe-inline'" not in csp.split(";")[1]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "Server" not in r.headers  # the app adds none (gunicorn says "gunicorn")


def test_the_inline_script_of_the_page_is_the_one_the_policy_allows(client):
    import base64
    import hashlib
    from html.parser import HTMLParser

    class Scripts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inline, self._in = [], None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "script" and "src" not in a and a.get("type") != "application/json":
                self._in = []

        def handle_data(self, data):
            if self._in is not None:
                self._in.append(data)

        def handle_endtag(self, tag):
            if tag == "script" and self._in is not None:
                self.inline.append("".join(self._in))
                self._in = None

    r = client.get("/")
    parser = Scripts()
    parser.feed(r.get_data(as_text=True))
    assert parser.inline == ["var renderer = new DashRenderer();"]
    for s in parser.inline:
        h = base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
        assert f"'sha256-{h}'" in r.headers["Content-Security-Policy"]


def test_no_python_version_in_the_page(client):
    html = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r'id="_dash-config"[^>]*>(.*?)</script>', html, re.S)[1])
    assert "python_version" not in config
    assert "Python/" not in html and "3.11" not in json.dumps(config)


@pytest.mark.parametrize(
    "path", ["/nope", "/_dash-config", "/admin", "/redecoupage/x", "/carte", "/%00", "/..%2f"]
)
def test_unknown_addresses_answer_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/_carte/nope", "/assets/nope.js", "/_dash-component-suites/x"])
def test_unknown_routes_answer_404_in_french(client, path):
    r = client.get(path)
    assert r.status_code == 404 and "Traceback" not in r.get_data(as_text=True)


def test_healthz(client, mini_db):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    body = r.get_json()
    assert body["status"] == "ok" and len(body["fingerprint"]) == 64
    assert body["built_at"].startswith("20")


def test_a_request_over_the_size_limit_is_refused_before_it_is_parsed(client):
    r = client.post(
        "/_dash-update-component",
        data=b"{" + b" " * MAX_REQUEST_BYTES + b"}",
        content_type="application/json",
    )
    assert r.status_code == 413 and "20 Mo" in r.get_json()["erreur"]


def test_the_limit_is_enforced_for_a_body_without_content_length(app):
    env = {"wsgi.input_terminated": True}
    r = app.server.test_client().post(
        "/_dash-update-component",
        input_stream=__import__("io").BytesIO(b"[" * (MAX_REQUEST_BYTES + 10)),
        content_type="application/json",
        environ_overrides=env,
    )
    assert r.status_code in (400, 413)


MALFORMED = [
    None,
    [],
    "x",
    {},
    {"output": "nope.children"},
    {"output": ["carte-search.options"]},
    {"output": "carte-selection.data"},  # a clientside callback: nothing to run on the server
    {"output": "carte-search.options", "inputs": "x"},
    {"output": "carte-search.options", "inputs": [{"id": "x", "property": "y", "value": 1}]},
    {"output": "carte-search.options", "inputs": [1]},
]


@pytest.mark.parametrize("body", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_callback_request_is_a_400(client, body):
    r = client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 400, r.get_data(as_text=True)[:200]
    assert "requête de rappel invalide" in r.get_json()["erreur"]


def test_bad_outputs_and_changed_ids_are_400(app, client):
    good = callback_body(app.callback_map, "carte-search.search_value", "rouen")
    assert client.post("/_dash-update-component", json=good).status_code == 200
    for key, bad in [
        ("outputs", [{"id": "carte-search", "property": "options"}, {"id": "x", "property": "y"}]),
        ("outputs", {"id": "carte-panel", "property": "children"}),
        ("outputs", 3),
        ("changedPropIds", ["carte-panel.children"]),
        ("changedPropIds", "carte-search.search_value"),
        ("state", [{"id": "carte-layer", "property": "value", "value": None}]),
    ]:
        r = client.post("/_dash-update-component", json={**good, key: bad})
        assert r.status_code == 400, (key, bad)


def test_make_body_builds_what_the_browser_sends(app):
    output = next(k for k in app.callback_map if k.startswith("..carte-dep.options"))
    cb = app.callback_map[output]
    body = make_body(output, cb, ["28", None, None], [], ["carte-reg.value"])
    assert body["outputs"][0] == {"id": "carte-dep", "property": "options"}
    assert body["inputs"][0] == {"id": "carte-reg", "property": "value", "value": "28"}


# -- the maintenance page ------------------------------------------------------------------


@pytest.fixture
def live(mini_db, tmp_path):
    """A database file (with its checksum) that a test may damage, and an app over it."""
    db = tmp_path / "live.duckdb"
    shutil.copy(mini_db, db)
    shutil.copy(checksum_path(mini_db), checksum_path(db))
    (tmp_path / "good.duckdb").write_bytes(db.read_bytes())
    return db


def overwrite_block(db) -> None:
    with open(db, "r+b") as f:
        f.seek(db.stat().st_size // 2)
        f.write(b"\xa5" * 4096)


def assert_maintenance(client) -> None:
    page = client.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "60"
    text = page.get_data(as_text=True)
    assert "Tableau de bord en maintenance" in text and 'lang="fr"' in text
    assert "Traceback" not in text and "duckdb" not in text.lower()
    assert client.get("/_dash-layout").status_code == 503
    assert client.get("/_carte/geo").status_code == 503
    h = client.get("/healthz")
    assert h.status_code == 503 and h.get_json()["status"] == "indisponible"
    assert "live.duckdb" in h.get_json()["raison"]
    assert client.get("/assets/style.css").status_code == 200  # static files still served


def test_a_damaged_database_shows_the_maintenance_page_until_it_is_repaired(live, tmp_path):
    app = create_app(live)
    client = app.server.test_client()
    assert client.get("/healthz").status_code == 200
    overwrite_block(live)  # in place: the file changes under the server
    assert_maintenance(client)
    good = tmp_path / "repaired.duckdb"
    shutil.copy(tmp_path / "good.duckdb", good)
    os.replace(good, live)  # what a rebuild does
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200


@pytest.mark.parametrize("kind", ["zero bytes", "truncated", "overwritten header", "block"])
def test_a_server_started_on_a_damaged_file_starts_and_says_so(live, kind):
    size = live.stat().st_size
    if kind == "zero bytes":
        live.write_bytes(b"")
    elif kind == "truncated":
        os.truncate(live, size // 3)
    elif kind == "overwritten header":
        with open(live, "r+b") as f:
            f.write(b"\0" * 8192)
    else:
        overwrite_block(live)
    assert_maintenance(create_app(live).server.test_client())


def test_a_read_error_at_request_time_is_a_503_and_the_file_is_checked_again(live, monkeypatch):
    from dashboard.core import gateway as G
    from etl.db import Database

    app = create_app(live)
    client = app.server.test_client()
    assert client.get("/healthz").status_code == 200
    real = Database.df
    import duckdb

    def failing(self, sql, params=None):
        raise duckdb.IOException("IO Error: Could not read enough bytes")

    monkeypatch.setattr(Database, "df", failing)
    r = client.get("/_carte/points?reg=28")
    assert r.status_code == 503 and "maintenance" in r.get_json()["erreur"]
    assert app.gateway._stamp is None  # checked again at the next read
    monkeypatch.setattr(Database, "df", real)
    assert client.get("/_carte/points?reg=28").status_code == 200
    assert G.RECHECK_SECONDS > 0


def test_the_development_server_refuses_the_debugger_off_loopback(monkeypatch):
    from dashboard.__main__ import main

    with pytest.raises(SystemExit) as ei:
        main(["--debug", "--host", "0.0.0.0"])
    assert "Débogueur refusé sur 0.0.0.0" in str(ei.value)
    monkeypatch.setenv("TI_DEBUG", "1")
    with pytest.raises(SystemExit, match="Débogueur refusé"):
        main(["--host", "10.0.0.5"])


def test_the_production_server_refuses_the_debugger(monkeypatch):
    from dashboard.server import main

    monkeypatch.setenv("TI_DEBUG", "1")
    with pytest.raises(SystemExit, match="jamais activé"):
        main([])


def test_the_development_server_has_no_version_banner():
    from dashboard.__main__ import _QuietHandler

    assert _QuietHandler.version_string(_QuietHandler.__new__(_QuietHandler)) == "tableau-de-bord"
