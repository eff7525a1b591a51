"""Printing each page (print.css, print.js): what the print dialog would put on paper, checked
on the PDF that chromium prints (A4 portrait), not only on the styles."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from pypdf import PdfReader

pytestmark = [pytest.mark.integration, pytest.mark.browser]

# page -> (a selector whose drawing means the page is ready, a text the printed page must hold)
PAGES = {
    "/?couche=ti2023&reg=28": ("path.ti-feature", "Carte des Territoires d'industrie"),
    "/redecoupage": ("#rd-map-2023 path", "2018"),
    "/progres": (".js-plotly-plot", "15 000"),
    "/territoire/2023/ti-2802": ("#territoire-map path", "Membres ("),
    "/sources": ("h1", "Sources"),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_a_printed_page_has_its_header_content_and_no_controls(page, path):
    ready, text = PAGES[path]
    page.goto(path)
    page.locator(ready).first.wait_for(state="attached")
    # every map and chart drawn (loading.js marks them), no callback running
    page.wait_for_function(
        """() => !document.querySelector('[data-dash-is-loading="true"], [aria-busy="true"]')
                 && [...document.querySelectorAll('.dash-graph, .leaflet-container')]
                      .every(el => el.hasAttribute('data-ti-ready'))""",
        timeout=40000,
    )
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    # on paper: the print header with the date and the address, no navigation nor buttons
    meta = page.inner_text("#ti-print-meta")
    assert re.match(r"Imprimé le \d{2}/\d{2}/\d{4} — http", meta)
    asked = urlsplit(path)
    shown = urlsplit(meta.split(" — ", 1)[1])
    assert shown.path == asked.path and set(parse_qsl(asked.query)) <= set(parse_qsl(shown.query))
    assert page.locator(".ti-print-header").is_visible()
    for hidden in (".ti-header", ".ti-footer", ".ti-skip", ".ti-export", ".leaflet-control-zoom"):
        assert all(not el.is_visible() for el in page.locator(hidden).all()), hidden
    title = page.inner_text("#ti-print-title")
    assert title and page.title().startswith(title)
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    printed = " ".join(p.extract_text() for p in pdf.pages)
    assert "RÉPUBLIQUE FRANÇAISE" in printed.upper() and title.split(" — ")[0] in printed
    assert text in printed, f"{text!r} not printed"
    assert "Télécharger" not in printed and "Aller au contenu" not in printed
    assert "Chargement" not in printed  # no loading sign on paper
    assert 1 <= len(pdf.pages) <= 12
    # after printing the page is as it was
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.locator(".ti-header").is_visible()
    assert page.errors == []
