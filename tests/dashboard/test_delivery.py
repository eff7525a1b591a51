"""How the map reaches the browser: preload hints, cache headers, layers read at start, static
bundles gzipped once."""

from __future__ import annotations

import gzip
import json
import re
from html import unescape
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.core import delivery, geometry
from dashboard.core.gateway import Gateway
from dashboard.map.callbacks import on_view


@pytest.fixture(scope="module")
def app(mini_db):
    return create_app(mini_db)


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def _hints(html: str) -> list[tuple[str, str, str | None]]:
    out = []
    for tag in re.findall(r"<link rel=\"preload\"[^>]*>", html):
        href = unescape(re.search(r'href="([^"]*)"', tag).group(1))
        kind = re.search(r'as="([^"]*)"', tag).group(1)
        cors = re.search(r'crossorigin="([^"]*)"', tag)
        out.append((href, kind, cors.group(1) if cors else None))
    return out


def test_index_hints_exactly_the_urls_the_map_then_loads(client, q):
    hints = _hints(client.get("/?couche=epci&dep=28").get_data(as_text=True))
    geo, *_rest = on_view(q, "epci", None, None, None, "28", None)
    assert (geo, "fetch", "anonymous") in hints
    html = client.get("/?couche=epci&dep=28").get_data(as_text=True)
    # the layers wait for the scripts on the browser's connections; the layout does not
    assert re.search(r'<link rel="preload" href="/_carte/geo[^>]*fetchpriority="low">', html)
    assert not re.search(r'href="/_dash-layout"[^>]*fetchpriority', html)
    assert ("/_dash-layout", "fetch", "anonymous") in hints
    assert ("/_dash-dependencies", "fetch", "anonymous") in hints
    assert ("/_dash-component-suites/dash_leaflet/async-geobuf.js", "script", None) in hints
    # the filtered view has no inset frames: no hint for an empty layer
    assert not any("/_carte/empty" in h for h, _, _ in hints)


def test_index_hints_follow_the_address_and_survive_hostile_ones(client, q):
    national = [h for h, _, _ in _hints(client.get("/").get_data(as_text=True))]
    assert f"/_carte/geo?couche=ti2023&niveau=national&v={q.version}" in national
    assert f"/_carte/frames?v={q.version}" in national
    r = client.get("/?couche=<script>&dep=' OR 1=1&ind=" + "x" * 3000)
    assert r.status_code == 200 and "<script>&" not in r.get_data(as_text=True)
    other = [h for h, _, _ in _hints(client.get("/sources").get_data(as_text=True))]
    assert other == ["/_dash-layout", "/_dash-dependencies"]  # no map on that page


def test_layer_answers_are_immutable_only_for_the_current_version(client, q):
    cur = client.get(f"/_carte/geo?couche=ti2023&v={q.version}")
    assert cur.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for url in ("/_carte/geo?couche=ti2023", "/_carte/geo?couche=ti2023&v=0ld"):
        assert client.get(url).headers["Cache-Control"] == "public, max-age=300"
    frames = client.get(f"/_carte/frames?v={q.version}")
    assert "immutable" in frames.headers["Cache-Control"]


def test_stored_layers_are_read_at_start(mini_db):
    g = Gateway(mini_db)
    try:
        n = g.scalar("SELECT count(*) FROM display_layer")
        assert geometry.warm(g) == n > 0
        assert ("stored_layer", "epci", "coarse", True) in g._cache
    finally:
        g.close()


def test_static_bundles_are_gzipped_once_and_pages_every_time(client):
    url = "/_dash-component-suites/dash_leaflet/async-geobuf.js"
    a = client.get(url, headers={"Accept-Encoding": "gzip"})
    b = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert a.headers["Content-Encoding"] == "gzip" and a.data == b.data
    import dash_leaflet

    raw = (Path(dash_leaflet.__file__).parent / "async-geobuf.js").read_bytes()
    assert gzip.decompress(b.data) == raw
    cache = delivery.StaticGzipCache()
    cache.set("gzip;/assets/carte.js?m=1", b"z")
    cache.set("gzip;", b"never kept")
    assert cache.get("gzip;/assets/carte.js?m=1") == b"z" and cache.get("gzip;") is None

    class Req:
        method, path, full_path = "POST", "/_dash-update-component", "/_dash-update-component?"

    assert delivery.static_key(Req) == ""
    Req.method, Req.path, Req.full_path = "GET", "/assets/x.js", "/assets/x.js?m=2"
    assert delivery.static_key(Req) == "/assets/x.js?m=2"


def test_hint_tags_escape_and_refuse_unknown_kinds():
    tag = delivery.hint_tags([('/x?a=1&b="2"', "fetch")])
    assert tag == (
        '<link rel="preload" href="/x?a=1&amp;b=&quot;2&quot;" as="fetch" crossorigin="anonymous">'
    )
    # a map's layers: fetched once the scripts are served (six connections to share)
    assert delivery.hint_tags([("/_carte/geo", "data")]) == (
        '<link rel="preload" href="/_carte/geo" as="fetch" crossorigin="anonymous"'
        ' fetchpriority="low">'
    )
    with pytest.raises(ValueError, match="'data' or 'script'"):
        delivery.hint_tags([("/x", "style")])


def test_no_selection_is_an_empty_store_not_none(client):
    body = json.loads(client.get("/_dash-layout", headers={"Referer": "http://localhost/"}).data)
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "carte-selection":
                found.append(node["props"]["data"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(body)
    assert found == [{}]


def test_index_drops_the_polyfill_for_the_runtime_dash_needs(client):
    html = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]*)"', html)
    assert not any("polyfill@" in s for s in scripts)
    assert not any("/dash_table/" in s for s in scripts)  # no page renders one
    # the runtime is the last file of the page's own scripts, served before dash-renderer
    bundle = [s for s in scripts if s.startswith("/_ti/app.")]
    renderer = [s for s in scripts if "dash_renderer" in s]
    assert bundle and scripts.index(bundle[0]) < scripts.index(renderer[0])
    body = client.get(bundle[0]).get_data(as_text=True)
    assert "/* vendor/regenerator-runtime.js */" in body
    assert "regeneratorRuntime = runtime" in body and "MIT" in body


def _shell(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="ti-shell">(.*?)</script>', html)
    return json.loads(block.group(1))


def test_ag_grid_is_left_out_of_the_page_and_loaded_by_its_stand_in(client):
    # the largest script (1.3 MB) no longer runs before the first render: assets/tables.js
    # loads it, after the map on the explorer, at once (hinted) on the pages with tables, when
    # a table shows on the others
    cases = (("/?couche=epci", "after_map"), ("/progres", "now"), ("/redecoupage", "now"),
             ("/sources", None), ("/comparer", None))  # fmt: skip
    for path, load in cases:
        html = client.get(path).get_data(as_text=True)
        scripts = re.findall(r'<script src="([^"]*)"', html)
        assert not any("dash_ag_grid" in s for s in scripts), path
        config = _shell(html)
        url = config["urls"]["dash_ag_grid"]
        assert re.fullmatch(
            r"/_dash-component-suites/dash_ag_grid/dash_ag_grid\.v[\w]+\.min\.js", url
        )
        assert config["load"] == load
        assert ((url, "script", None) in _hints(html)) is (load == "now"), path
        r = client.get(url)
        assert r.status_code == 200 and b"window.dash_ag_grid=" in r.data
    # the other component libraries stay in the page, in Dash's order
    html = client.get("/").get_data(as_text=True)
    assert re.search(r"dash_leaflet[^\n]*\n<script src=\"/_ti/app\.", html)


def test_defer_libraries_and_its_config_block():
    tags = (
        '<script src="/p/_dash-component-suites/dash/deps/react@18.v4.min.js"></script>\n'
        '<script src="/p/_dash-component-suites/dash_ag_grid/dash_ag_grid.v1_2m3.min.js"></script>\n'
        '<script src="/p/_dash-component-suites/dash_leaflet/dash_leaflet.v1.js"></script>'
    )
    kept, urls = delivery.defer_libraries(tags)
    assert urls == {
        "dash_ag_grid": "/p/_dash-component-suites/dash_ag_grid/dash_ag_grid.v1_2m3.min.js"
    }
    assert "dash_ag_grid" not in kept and "react@18" in kept and "dash_leaflet" in kept
    assert delivery.defer_libraries(kept) == (kept, {})
    # nothing in the block can end it: the JSON is read back whole
    hostile = {"dash_ag_grid": "/x</script><script>alert(1)"}
    block = delivery.shell_config(hostile, "now")
    assert block.count("</script>") == 1 and "<script>alert" not in block
    assert _shell(block) == {
        "idle": ["dash_leaflet.GeoJSON"],
        "lazy": [],
        "load": "now",
        "urls": hostile,
    }
    with pytest.raises(ValueError, match="after_map"):
        delivery.shell_config(hostile, "later")
    with pytest.raises(ValueError, match="dcc.Nothing"):
        delivery.shell_config(hostile, None, ("dcc.Nothing",))


def test_the_pages_with_maps_load_dash_leaflets_geojson_before_the_first_render(client):
    # its chunks hinted in the head, and named for assets/warm.js, on the pages that draw a map
    chunks = [
        ("/_dash-component-suites/dash_leaflet/async-GeoJSON.js", "script", None),
        ("/_dash-component-suites/dash_leaflet/async-geobuf.js", "script", None),
    ]
    # (not the redraw page: its wave layers are restyled by a callback on load, and drawn
    # once, after it, only while React holds them back)
    maps = {"/": True, "/territoire/2023/x": True, "/redecoupage": False, "/progres": False,
            "/sources": False, "/comparer": False}  # fmt: skip
    for path, has_map in maps.items():
        html = client.get(path).get_data(as_text=True)
        hints = _hints(html)
        assert _shell(html)["lazy"] == (["dash_leaflet.GeoJSON"] if has_map else []), path
        # and every other page loads it once idle (a link to a map then renders it at once)
        assert _shell(html)["idle"] == ([] if has_map else ["dash_leaflet.GeoJSON"]), path
        assert [h for h in hints if h in chunks] == (chunks if has_map else []), path


def test_the_pages_own_scripts_and_styles_come_as_one_file_each_cached_for_good(client):
    # 12 scripts and 4 style sheets of assets/ were 16 requests a page, revalidated each visit
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="/assets/[^"]*\.(js|css)', html)
    urls = re.findall(r'(?:src|href)="(/_ti/app\.[0-9a-f]{16}\.(?:js|css))"', html)
    assert sorted(u.rsplit(".", 1)[1] for u in urls) == ["css", "js"]
    assets = Path(delivery.__file__).parent.parent / "assets"
    for url in urls:
        ext = url.rsplit(".", 1)[1]
        r = client.get(url)
        assert r.status_code == 200 and r.headers["Cache-Control"] == delivery.ASSET_CACHE
        body = r.get_data(as_text=True)
        # the files of assets/, then those of its folders
        files = sorted(assets.rglob("*." + ext), key=lambda p: (p.parent != assets, p.as_posix()))
        names = [p.relative_to(assets).as_posix() for p in files]
        # every file, whole, in Dash's order (folders after the files beside them)
        at = [body.index(f"/* {n} */") for n in names]
        assert at == sorted(at)
        for p in files:
            assert p.read_text(encoding="utf-8") in body
        gz = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(gz.data).decode("utf-8") == body
    assert client.get("/_ti/app.0123456789abcdef.js").status_code == 404
    # a file of assets/ asked by its dated URL is cached for good, by its bare URL revalidated
    assert client.get("/assets/carte.js?m=12.5").headers["Cache-Control"] == delivery.ASSET_CACHE
    bare = client.get("/assets/carte.js")
    assert bare.status_code == 200 and "immutable" not in bare.headers.get("Cache-Control", "")
    for url in ("/assets/carte.js?m=x", "/assets/absent.js?m=1"):
        assert "immutable" not in client.get(url).headers.get("Cache-Control", ""), url


def test_the_national_view_is_served_at_its_national_level_then_coarse(client, q):
    # the explorer's first national view: the lightest level the build stored; coarse once
    # zoomed in (no ``niveau``), and coarse for a layer without one (the communes)
    def body(url):
        r = client.get(url, headers={"Accept-Encoding": "identity"})
        assert r.status_code == 200, url
        return r.data

    for layer, shape in (("epci", "epci"), ("ti2023", "territory_2023")):
        national = geometry.stored_layer(q, shape, "national", True)[1]
        coarse = geometry.stored_layer(q, shape, "coarse", True)[1]
        assert national != coarse
        assert body(f"/_carte/geo?couche={layer}&niveau=national&v={q.version}") == national
        assert body(f"/_carte/geo?couche={layer}&v={q.version}") == coarse
    commune = geometry.stored_layer(q, "commune", "coarse", True)[1]
    assert body(f"/_carte/geo?couche=commune&niveau=national&v={q.version}") == commune
    base = geometry.stored_layer(q, "base_departement", "national", True)[1]
    assert body(f"/_carte/base?kind=departement&inset=1&niveau=national&v={q.version}") == base
    # a filtered view is cut from the medium level whatever it asks
    assert body("/_carte/geo?couche=epci&dep=76&niveau=national") == body(
        "/_carte/geo?couche=epci&dep=76"
    )


def test_an_address_zoomed_in_preloads_and_draws_the_coarse_level(client, q):
    zoomed = [
        h for h, _, _ in _hints(client.get("/?couche=epci&vue=46,2,8").get_data(as_text=True))
    ]
    assert f"/_carte/geo?couche=epci&v={q.version}" in zoomed
    assert not any("niveau" in h for h in zoomed)
    body = client.get(
        "/_dash-layout", headers={"Referer": "http://localhost/?couche=epci&vue=46,2,8"}
    ).get_data(as_text=True)
    assert f"/_carte/geo?couche=epci&v={q.version}" in json.dumps(json.loads(body))
