"""The PDF printer fetches nothing: a report's images are data: addresses, and a file of the
server or an address of the network named in the HTML is never read."""

from __future__ import annotations

import base64
import io

from pypdf import PdfReader

from dashboard.core.pdf import html_pdf


def text_of(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_only_data_addresses_are_read(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text('p.a::after { content: "LU-DEPUIS-LE-DISQUE" }', encoding="utf-8")
    inline = base64.b64encode(b'p.b::after { content: "LU-DEPUIS-DATA" }').decode()
    html = (
        f'<html><head><link rel="stylesheet" href="file://{secret}">'
        f'<link rel="stylesheet" href="data:text/css;base64,{inline}">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>'
        '<body><p class="a">un</p><p class="b">deux</p></body></html>'
    )
    text = text_of(html_pdf(html, "essai"))
    assert "un" in text and "deux" in text
    assert "LU-DEPUIS-DATA" in text  # data: is read (the reports' images)
    assert "LU-DEPUIS-LE-DISQUE" not in text  # file: is not
