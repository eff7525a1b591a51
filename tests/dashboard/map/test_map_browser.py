"""The map page in headless chromium, over the real database."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_map_draws_the_183_territories_of_2023(page, ui):
    page.goto("/")
    assert ui.wait_features(page, 183) == 183
    assert "COG 2026" in page.inner_text("#ti-vintage")
    assert ui.grid_row_count(page) == 183
    assert page.errors == []


def test_hover_shows_name_and_value(page, ui):
    page.goto("/")
    ui.wait_features(page, 183)
    page.mouse.move(*ui.inside(page, 40))
    tip = page.locator(".ti-tooltip")
    tip.wait_for()
    text = tip.inner_text()
    assert "Population municipale" in text and re.search(r"\d", text)


def test_click_opens_the_panel(page, ui):
    page.goto("/")
    ui.wait_features(page, 183)
    x, y = ui.inside(page, 40)
    page.mouse.move(x, y)
    name = page.locator(".ti-tooltip strong").inner_text()
    page.mouse.click(x, y)
    title = page.locator("#carte-panel-title")
    title.wait_for()
    assert title.inner_text() == name
    panel = page.inner_text("#carte-panel")
    assert "Départements touchés" in panel and "Population" in panel
    page.wait_for_function("location.search.includes('sel=ti-')")


def test_search_rouen_finds_rouen_and_its_territory(page, ui):
    page.goto("/")
    ui.wait_features(page, 183)
    labels = ui.option_labels(page, "carte-search", "rouen", "Rouen — Commune")
    assert any(lab.startswith("Rouen — Commune") for lab in labels)
    assert any("Axe Seine — Territoire d'industrie 2023" in lab for lab in labels)
    ui.pick(page, "carte-search", "rouen", "Rouen — Commune")
    page.locator("#carte-panel-title", has_text="Rouen").wait_for()
    assert "Axe Seine" in page.inner_text("#carte-unit-ti2023")  # its territory, a link
    page.wait_for_function("location.search.includes('com=76540')")


def test_filter_departement_then_reload_the_copied_url(page, ui):
    page.goto("/")
    ui.wait_features(page, 183)
    ui.pick(page, "carte-dep", "76", "76 — Seine-Maritime")
    ui.wait_features(page, 3)
    page.wait_for_function("location.search.includes('dep=76')")
    # the map has flown to the département: its view, in the address, is zoomed in
    page.wait_for_function(
        "(/vue=[^&]*,([0-9.]+)/.exec(location.search) || [0, 0])[1] > 6.5", timeout=30000
    )
    assert ui.grid_row_count(page) == 3
    page.mouse.click(*ui.inside(page, 0))
    page.locator("#carte-panel-title").wait_for()
    title = page.inner_text("#carte-panel-title")
    page.wait_for_function("location.search.includes('sel=')")
    ui.settle(page)  # the view has settled into the address
    copied = page.url
    page.goto("about:blank")
    page.goto(copied)
    assert ui.wait_features(page, 3) == 3
    page.locator("#carte-panel-title", has_text=title).wait_for()
    assert "Seine-Maritime" in page.inner_text("#carte-dep")
    assert ui.grid_row_count(page) == 3


def test_csv_download_has_the_rows_of_the_table(page, ui):
    page.goto("/?couche=epci&dep=76&ind=density&classes=jenks")
    n = ui.wait_features(page, 19)  # the EPCI with communes in Seine-Maritime
    with page.expect_download() as dl:
        page.click("#carte-dl-csv")
    raw = open(dl.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == n == ui.grid_row_count(page)
    assert "Métropole Rouen Normandie" in {r["Nom"] for r in rows}
    assert all(r["Classe"] for r in rows)


def test_table_shows_the_values_and_sorts_from_the_keyboard(page, ui):
    page.goto("/?couche=arrondissement&dep=76")
    ui.wait_features(page, 3)
    cells = page.locator(".ag-center-cols-container [col-id='Population municipale (hab.)']")
    assert sorted(cells.all_inner_texts()) == sorted(
        ["645\u202f412", "333\u202f348", "231\u202f061"]
    ) or all(t.replace("\u202f", "").replace(" ", "").isdigit() for t in cells.all_inner_texts())
    header = page.locator(".ag-header-cell[col-id='Nom']")
    header.focus()
    page.keyboard.press("Enter")  # ag-grid sorts a focused header with Enter
    page.wait_for_function(
        "document.querySelector(\".ag-header-cell[col-id='Nom']\").getAttribute('aria-sort')"
        " !== 'none'"
    )
    names = page.locator(".ag-center-cols-container [col-id='Nom']").all_inner_texts()
    assert names in (["Dieppe", "Le Havre", "Rouen"], ["Rouen", "Le Havre", "Dieppe"])


def test_hostile_name_is_shown_as_text(browser, mini_db):
    """A territory named <img src=x onerror=alert(1)> (miniature database) shows as characters."""
    from dashboard.app import create_app
    from dashboard.testing import serve

    with serve(create_app(mini_db).server) as url:
        ctx = browser.new_context(viewport={"width": 1280, "height": 800})
        pg = ctx.new_page()
        dialogs = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.goto(url + "/?couche=ti2023&sel=ti-2802")
        title = pg.locator("#carte-panel-title")
        title.wait_for()
        assert title.inner_text() == "<img src=x onerror=alert(1)>"
        assert pg.locator("#carte-panel img, .ag-root img").count() == 0
        pg.locator("path.ti-feature").first.wait_for(state="attached")
        # the map now draws before the table: wait for the table's cell too
        pg.get_by_text("<img src=x onerror=alert(1)>", exact=True).nth(1).wait_for()
        assert (
            pg.get_by_text("<img src=x onerror=alert(1)>", exact=True).count() >= 2
        )  # panel + table
        assert dialogs == []
        ctx.close()
