"""Exports clicked in a real browser (Debian chromium, the real database): the downloaded
files are opened and checked against what the page shows."""

from __future__ import annotations

import csv
import io
import struct

import pytest

pytestmark = pytest.mark.browser


def test_map_png_of_the_filtered_view_downloads_from_the_map_page(page, ui):
    page.goto("/?couche=epci&dep=76&ind=density&classes=jenks")
    ui.wait_features(page, 19)
    with page.expect_download(timeout=120000) as dl:
        page.click("#page .ti-mapwrap a.ti-export-link:has-text('PNG')")
    assert dl.value.suggested_filename == "carte_epci_density_76.png"
    body = open(dl.value.path(), "rb").read()
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    width, _ = struct.unpack(">II", body[16:24])
    assert width >= 1600
    status = page.locator("#page .ti-mapwrap .ti-export-status")
    status.filter(has_text="Fichier téléchargé").wait_for()
    assert page.errors == []


def test_territory_pdf_report_downloads_from_the_profile(page):
    from pypdf import PdfReader

    page.goto("/territoire/2023/ti-7601")
    name = page.inner_text("#territoire-nom")
    with page.expect_download(timeout=180000) as dl:
        page.click("#territoire-fiche a.ti-export-link:has-text('PDF')")
    reader = PdfReader(dl.value.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 2 and name in text and "Source" in text
    member = page.locator("#territoire-fiche .ti-members li").first.inner_text().split(" (")[0]
    assert member in text


def test_redraw_transitions_csv_has_the_rows_of_the_table(page):
    page.goto("/redecoupage?reg=28")
    grid = page.locator("#rd-transitions")
    grid.wait_for()
    n = page.evaluate(
        "(async () => { const api = await dash_ag_grid.getApiAsync('rd-transitions');"
        " return api.getDisplayedRowCount(); })()"
    )
    with page.expect_download(timeout=60000) as dl:
        page.click("a.ti-export-link[data-href='/_export/redecoupage/transitions.csv']")
    text = open(dl.value.path(), "rb").read().decode("utf-8-sig").partition("\n\n")[0]
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == n > 0
    assert dl.value.suggested_filename == "redecoupage_transitions_28.csv"


def test_an_export_that_fails_says_why_in_french(page):
    page.goto("/progres")
    href = "/_export/progres/france-relance-france.png"
    link = page.locator(f"a.ti-export-link[data-href='{href}']").first
    link.wait_for()
    # an address the server cannot answer: the message is shown beside the buttons
    link.evaluate("a => a.setAttribute('href', '/_export/progres/france-relance-france.exe')")
    link.click()
    status = link.locator(
        "xpath=ancestor::*[contains(concat(' ', @class, ' '), ' ti-export ')][1]"
    ).locator(".ti-export-status")
    status.filter(has_text="Format inconnu").wait_for()
    assert "PNG, SVG, PDF" in status.inner_text()
