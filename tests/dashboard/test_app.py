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
        "/_carte/centres?couche=ti2023&ind=population",
        "/_carte/centres?couche=epci&ind=<script>&annee=' OR 1=1&dep=76",
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
        "..carte-panel-body.children...carte-sel-geo.url..",
        [
            {"id": "carte-panel-body", "property": "children"},
            {"id": "carte-sel-geo", "property": "url"},
        ],
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
    assert "Sources des données" in body and "Licence Ouverte" in body
    assert "INSEE, code officiel géographique 2026 : communes" in body
    assert "cog:communes" not in body  # the database's keys are never shown


def test_header_names_the_vintages_of_the_source_table(client, q):
    body = _layout(client, "http://localhost/")
    for vintage in vintage_summary(q):
        assert vintage in body


def test_the_page_is_french_with_one_footer_landmark(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "<footer>" not in html  # Dash's scripts are not wrapped in a second footer landmark
    body = _layout(client, "http://localhost/")
    assert body.count('"Footer"') == 1 and "Aller au contenu" in body


def test_circles_are_drawn_largest_first(client):
    fc = json.loads(client.get("/_carte/centres?couche=ti2018&ind=population").data)
    # ti-2802 (110 000 hab.) before ti-2801 (55 000): small circles are drawn on top
    assert [f["properties"]["key"] for f in fc["features"]] == ["ti-2802", "ti-2801"]
    assert all(f["geometry"]["type"] == "Point" for f in fc["features"])
    empty = json.loads(client.get("/_carte/centres?couche=ti2023&ind=nothing").data)
    assert empty["features"] == []


def test_back_and_forward_rebuild_the_page_from_the_address(mini_db, page_text):
    """The router after Back within a page (ti-popstate) renders the page of that address;
    hostile payloads change nothing."""
    from dash import no_update

    from dashboard.app import on_route
    from dashboard.core.gateway import Gateway
    from dashboard.pages import load_pages

    q, pages = Gateway(mini_db), load_pages()
    try:
        popped = {"path": "/", "search": "?couche=epci&dep=76"}
        page, path = on_route(pages, q, "ti-popstate", "/", popped, "", "/")
        text = page_text(page)
        assert path == "/" and "carte-map" in text and "/_carte/geo?couche=epci&dep=76" in text
        for bad in (None, "x", {"path": 3}, {"path": None, "search": 1}, ["/"]):
            assert on_route(pages, q, "ti-popstate", "/", bad, "", "/") == (no_update, no_update)
        assert on_route(pages, q, "url", "/", None, "", "/") == (no_update, no_update)
        # the popstate store's mount, the only call of a load without a referrer (no page shown
        # yet): the page of the address, not a blank page
        first = on_route(pages, q, "ti-popstate", "/sources", None, "", None)
        assert first[1] == "/sources" and "Sources" in page_text(first[0])
        other = on_route(pages, q, "url", "/sources", None, "", "/")
        assert other[1] == "/sources"
    finally:
        q.close()


def test_the_map_settings_wait_for_the_layer_in_the_layout_itself(client):
    # rendered after the map (assets/later.js), the settings are in the layout from the start:
    # their values come with the page and no callback sees a component added later
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost/?couche=ti2023"})
    found = {}

    def walk(node, later):
        if isinstance(node, list):
            for n in node:
                walk(n, later)
        elif isinstance(node, dict) and "props" in node:
            if node["type"] == "Later":
                assert node["namespace"] == "ti_components"
                later = node["props"]["after"]  # the layer it waits for
            if node["props"].get("id") in (
                "carte-layer",
                "carte-dep",
                "carte-palette",
                "carte-map",
            ):
                found[node["props"]["id"]] = (later, node["props"].get("value"))
            walk(node["props"].get("children"), later)

    walk(layout.get_json(), None)
    assert found["carte-layer"] == ("carte-geo", "ti2023")
    assert found["carte-dep"] == ("carte-geo", None)
    assert found["carte-palette"][0] == "carte-geo" and found["carte-palette"][1]
    assert found["carte-map"][0] is None  # the map itself is not held
