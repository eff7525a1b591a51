"""The app shell: factory, routes, untrusted requests, debugger off."""

from __future__ import annotations

import json

import pytest

from dashboard.app import create_app, debug_requested
from dashboard.core.provenance import vintage_summary


@pytest.fixture(scope="module")
def client(mini_db):
    app = create_app(mini_db)
    return app.server.test_client()


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m etl build"):
        create_app(tmp_path / "none.duckdb")


def test_debugger_is_off_unless_asked(monkeypatch):
    monkeypatch.delenv("TI_DEBUG", raising=False)
    assert debug_requested() is False
    monkeypatch.setenv("TI_DEBUG", "true")
    assert debug_requested() is False
    monkeypatch.setenv("TI_DEBUG", "1")
    assert debug_requested() is True


def test_main_parses_host_port_and_never_debugs_by_default(monkeypatch, mini_db):
    import dashboard.__main__ as main

    seen = {}

    class Fake:
        def run(self, **kw):
            seen.update(kw)

    monkeypatch.delenv("TI_DEBUG", raising=False)
    monkeypatch.setattr(main, "create_app", lambda db: Fake())
    main.main(["--host", "127.0.0.1", "--port", "8123"])
    assert {k: seen[k] for k in ("host", "port", "debug")} == {
        "host": "127.0.0.1",
        "port": 8123,
        "debug": False,
    }


def _layout(client, referrer):
    r = client.get("/_dash-layout", headers={"Referer": referrer})
    assert r.status_code == 200
    return json.dumps(json.loads(r.data), ensure_ascii=False)  # accents unescaped


def test_the_first_page_comes_with_the_layout_and_names_stay_text(client):
    body = _layout(client, "http://localhost/?couche=ti2023&sel=ti-2802")
    assert "carte-map" in body and "COG 2026" in body
    assert "dangerouslySetInnerHTML" not in body and "dangerously_allow_html" not in body
    # the hostile name travels as a JSON string, to be rendered as text by React
    assert '"<img src=x onerror=alert(1)>"' in body


def test_unknown_page_and_hostile_url_state(client):
    assert "Page introuvable" in _layout(client, "http://localhost/nowhere")
    body = _layout(client, "http://localhost/?couche=%3Cscript%3E&dep=' OR 1=1&sel=" + "x" * 5000)
    assert "carte-map" in body


@pytest.mark.parametrize(
    "path",
    [
        "/_carte/geo?couche=ti2023",
        "/_carte/geo?couche=<script>&dep=' OR 1=1",
        "/_carte/geo?couche=epci&dep=76",
        "/_carte/base?kind=region&inset=1",
        "/_carte/base?kind=../../x",
        "/_carte/points?dep=76",
        "/_carte/frames",
        "/_carte/sel?couche=ti2023&key=ti-2802",
        "/_carte/sel?couche=ti2023&key=" + "x" * 5000,
        "/_carte/empty",
        "/sources",
    ],
)
def test_data_routes_answer_json_for_any_input(client, path):
    r = client.get(path)
    assert r.status_code == 200
    if r.mimetype == "application/x-protobuf":  # the map layers travel as Geobuf
        import geobuf

        assert geobuf.decode(r.data)["type"] == "FeatureCollection"
    elif path.startswith("/_carte"):
        assert json.loads(r.data)["type"] == "FeatureCollection"


def test_map_layers_as_geobuf_decode_to_the_geojson(client):
    import geobuf

    fc = geobuf.decode(client.get("/_carte/geo?couche=ti2023").data)
    assert [f["properties"]["name"] for f in fc["features"]] == [
        "Rouen Vallée",
        "<img src=x onerror=alert(1)>",
    ]
    assert json.loads(client.get("/_carte/geo?couche=ti2023&fmt=json").data) == fc


def test_map_layers_are_gzipped(client):
    import gzip

    import geobuf

    r = client.get("/_carte/geo?couche=ti2023", headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert len(geobuf.decode(gzip.decompress(r.data))["features"]) == 2


def _dash_post(client, output, outputs, inputs, state=()):
    payload = {
        "output": output,
        "outputs": outputs,
        "inputs": inputs,
        "state": list(state),
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }
    return client.post("/_dash-update-component", json=payload)


@pytest.mark.parametrize(
    "value",
    ["<img src=x onerror=alert(1)>", "' OR 1=1 --", "x" * 20000, 12, None, ["a"], {"k": "v"}],
)
def test_callbacks_with_hostile_values_never_500(client, value):
    client.get("/")  # the app registers its routes on first request
    r = _dash_post(
        client,
        "carte-search.options",
        {"id": "carte-search", "property": "options"},
        [{"id": "carte-search", "property": "search_value", "value": value}],
    )
    assert r.status_code in (200, 204)
    r = _dash_post(
        client,
        "..carte-panel.children...carte-sel-geo.url..",
        [{"id": "carte-panel", "property": "children"}, {"id": "carte-sel-geo", "property": "url"}],
        [
            {"id": "carte-selection", "property": "data", "value": {"couche": value, "key": value}},
            {"id": "carte-layer", "property": "value", "value": value},
            {"id": "carte-reg", "property": "value", "value": value},
            {"id": "carte-dep", "property": "value", "value": value},
            {"id": "carte-arr", "property": "value", "value": value},
        ],
    )
    assert r.status_code == 200
    assert "Traceback" not in r.get_data(as_text=True)


def test_sources_page_lists_the_loaded_files(client):
    body = _layout(client, "http://localhost/sources")
    assert "Sources des données" in body and "cog:communes" in body and "Licence Ouverte" in body


def test_header_names_the_vintages_of_the_source_table(client, q):
    body = _layout(client, "http://localhost/")
    for vintage in vintage_summary(q):
        assert vintage in body
