"""The /redecoupage page in headless chromium, over the real database."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]

W18, W23 = "path.rd-f2018", "path.rd-f2023"
RED = 'path[stroke="#e1000f"]'
VIEWS = (
    "Object.fromEntries(Object.entries(window.tiRedraw.maps).map(([k, m]) => "
    "[k, [m.getCenter().lat.toFixed(5), m.getCenter().lng.toFixed(5), m.getZoom()]]))"
)


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def _views_still(page) -> dict:
    """The three maps' views once they agree and stopped moving (two samples 300 ms apart)."""
    page.wait_for_function(
        f"""() => new Promise(ok => {{ const a = JSON.stringify(Object.values({VIEWS}));
             setTimeout(() => {{ const v = Object.values({VIEWS}); const b = JSON.stringify(v);
               ok(a === b && new Set(v.map(x => x.join())).size === 1
                  && !document.querySelector('.leaflet-zoom-anim')); }}, 300); }})""",
        timeout=30000,
    )
    return page.evaluate(VIEWS)


def _wait_maps(page, n18: int, n23: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('{W18}').length === {n18} && "
        f"document.querySelectorAll('{W23}').length === {n23}",
        timeout=30000,
    )


def test_the_tables_come_without_waiting_for_the_maps_of_the_page(page):
    # only the explorer holds ag-grid's chunk until its map has drawn; here the change map
    # stays undrawn while folded, and the tables must not wait for it (the hold lasts 4 s)
    page.goto("/redecoupage")
    page.wait_for_function(
        "document.querySelectorAll('.ti-grid-slot').length > 0 && "
        "document.querySelectorAll('.ti-grid').length === "
        "document.querySelectorAll('.ti-grid-slot').length",
        timeout=30000,
    )
    chunk = page.evaluate(
        "performance.getEntriesByType('resource')"
        ".filter(r => /dash_ag_grid\\/async-community/.test(r.name)).map(r => r.startTime)"
    )
    assert len(chunk) == 1 and chunk[0] < 4000
    assert page.errors == []


def test_both_wave_maps_load_and_move_together(page, ui):
    page.goto("/redecoupage")
    _wait_maps(page, 149, 183)
    page.wait_for_function("Object.keys(window.tiRedraw.maps).length === 3", timeout=30000)
    before = page.evaluate(VIEWS)
    assert len(set(map(tuple, before.values()))) == 1
    box = page.locator("#rd-map-2018").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"({VIEWS})['rd-map-2018'][2] > {before['rd-map-2018'][2]}")
    _views_still(page)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6, steps=5)
    page.mouse.up()
    after = _views_still(page)
    assert after["rd-map-2018"] != before["rd-map-2018"]
    assert after["rd-map-2018"][2] > before["rd-map-2018"][2]  # zoomed in
    lat, lng, zoom = (float(x) for x in after["rd-map-2018"])
    pixel = 360 / (256 * 2**zoom)  # degrees of longitude per screen pixel
    for other in ("rd-map-2023", "rd-map-change"):
        olat, olng, ozoom = (float(x) for x in after[other])
        assert ozoom == zoom and abs(olat - lat) < pixel and abs(olng - lng) < pixel, (other, after)
    # the département filter zooms the 2023 map; the two others follow
    ui.pick(page, "rd-dep", "76", "76 — Seine-Maritime")
    page.wait_for_function(f"document.querySelectorAll('{W23}').length === 3", timeout=30000)
    page.wait_for_function("location.search.includes('dep=76')")
    page.wait_for_function(f"({VIEWS})['rd-map-2023'][2] > {zoom}", timeout=30000)
    views = _views_still(page)
    assert float(views["rd-map-2023"][0]) == pytest.approx(49.65, abs=0.3)
    assert len({v[2] for v in views.values()}) == 1 and views["rd-map-2023"][2] > zoom
    assert page.errors == []


def test_change_legend_matches_the_summary_and_a_selection_outlines_its_counterpart(page):
    page.goto("/redecoupage?dep=76")
    page.wait_for_function("window.tiRedraw.drawn.change > 0", timeout=30000)
    legend = {
        li.get_attribute("data-class"): int(li.get_attribute("data-count"))
        for li in page.locator("#rd-change-legend-list li").all()
    }
    assert set(legend) == {"same", "moved", "entered", "left", "outside"}
    row = page.locator('#rd-summary-table tr[data-key="n_communes"] td')
    n18, n23 = _number(row.nth(0).inner_text()), _number(row.nth(1).inner_text())
    assert legend["same"] + legend["moved"] + legend["left"] == n18
    assert legend["same"] + legend["moved"] + legend["entered"] == n23
    assert "Seine-Maritime" in page.inner_text("#rd-summary-table caption")
    # every commune of the département is drawn once, whatever its class
    assert page.evaluate("window.tiRedraw.drawn.change") == sum(legend.values())

    # selecting a 2018 territory outlines it and its 2023 counterpart
    page.wait_for_function(f"document.querySelectorAll('{W23}').length > 0", timeout=30000)
    assert page.locator(f"#rd-map-2023 {RED}").count() == 0
    page.locator(W18).first.dispatch_event("click")
    page.locator("#rd-panel-title").wait_for()
    page.wait_for_function(f"document.querySelectorAll('#rd-map-2023 {RED}').length === 1")
    assert page.locator(f"#rd-map-2018 {RED}").count() == 1
    counterpart = page.inner_text("#rd-panel-counterpart")
    page.locator(f"#rd-map-2023 {RED}").hover(force=True)
    tip = page.locator(".ti-tooltip strong").last
    tip.wait_for()
    assert tip.inner_text() == counterpart
    page.wait_for_function(
        "location.search.includes('vague=2018') && location.search.includes('sel=ti-')"
    )
    assert page.errors == []


def _move_rouen(page, ui):
    page.goto("/redecoupage?dep=76")
    page.wait_for_function(f"document.querySelectorAll('{W23}').length > 0", timeout=30000)
    assert page.locator("path.rd-scenario").count() == 0
    ui.pick(page, "rd-member", "Rouen Normandie", "Métropole Rouen Normandie")
    ui.pick(page, "rd-target", "Nouveau", "Nouveau territoire")
    page.fill("#rd-new-name", "Rouen seule")
    page.keyboard.press("Enter")
    page.click("#rd-move")
    page.locator("#rd-scenario-status", has_text="modifié").wait_for(timeout=30000)


def _grid_rows(page) -> list[dict]:
    return page.evaluate(
        "(async () => { const api = await dash_ag_grid.getApiAsync('rd-scenario-grid');"
        " const out = []; api.forEachNode(n => out.push(n.data)); return out; })()"
    )


def test_scenario_move_redraws_the_polygon_and_the_figures_then_loads_back(page, ui, tmp_path):
    _move_rouen(page, ui)
    page.wait_for_function("document.querySelectorAll('path.rd-scenario').length === 2")
    rows = _grid_rows(page)
    by_status = {r["Statut"]: r for r in rows}
    assert set(by_status) == {"modifié", "nouveau"}
    new = by_status["nouveau"]
    assert new["Nom"] == "Rouen seule" and new["Population"] > 400000
    assert by_status["modifié"]["Écart population"] == -new["Population"]
    # save both files, then load them into a fresh page
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.click("#rd-save")
    page.wait_for_function(
        "document.querySelector('#rd-file-status').innerText.includes('enregistré')"
    )
    for _ in range(200):  # wait for the second download event (polled, at most 10 s)
        if len(downloads) == 2:
            break
        page.wait_for_timeout(50)
    assert len(downloads) == 2
    paths = []
    for d in downloads:
        p = tmp_path / d.suggested_filename
        d.save_as(p)
        paths.append(str(p))
    assert sorted(p.rsplit(".", 1)[1] for p in paths) == ["csv", "geojson"]
    # back to the official map, then load the files
    page.click("#rd-reset")
    page.wait_for_function("document.querySelectorAll('path.rd-scenario').length === 0")
    assert _grid_rows(page) == []
    page.locator("#rd-upload input[type=file]").set_input_files(paths)
    page.locator("#rd-file-status", has_text="identiques au GeoJSON").wait_for(timeout=30000)
    page.wait_for_function("document.querySelectorAll('path.rd-scenario').length === 2")
    assert sorted(_grid_rows(page), key=lambda r: r["Territoire"]) == sorted(
        rows, key=lambda r: r["Territoire"]
    )
    assert page.errors == []
