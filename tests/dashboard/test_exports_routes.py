"""Every export through its route (``/_export/<page>/<name>.<fmt>``), on the miniature
database: files opened and checked (PNG signature and size, SVG text, PDF pages and text, CSV
and XLSX rows equal to the table on screen), the watermark on demonstration data and only
there, hostile arguments answered in French, never with a 500.

Renders are few (matplotlib maps need no browser; charts and the territory PDF share the
process's one warm kaleido browser)."""

from __future__ import annotations

import csv
import io
import shutil
import struct
from pathlib import Path

import openpyxl
import pytest

from dashboard.app import create_app
from dashboard.core.gateway import Gateway
from dashboard.core.render import RenderError, renderer
from dashboard.map import callbacks as M
from dashboard.testing import CHROMIUM
from etl import demo
from etl.config import Paths

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed (.ci/run installs it)"
)


@pytest.fixture(scope="module")
def client(mini_db):
    return create_app(mini_db).server.test_client()


@pytest.fixture(scope="module")
def demo_db(mini_db, mini_mirror, tmp_path_factory):
    """A copy of the miniature database with the demonstration registry loaded."""
    path = tmp_path_factory.mktemp("demo-exports") / "ti.duckdb"
    shutil.copy(mini_db, path)
    assert demo.load(Paths(mirror=mini_mirror, database=path)) == 50
    return path


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", body[16:24])


def pdf_text(body: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def csv_table(body: bytes) -> tuple[list[dict], str]:
    text = body.decode("utf-8-sig")
    rows, _, footer = text.partition("\n\n")
    lines = [line for line in rows.splitlines() if not line.startswith("# ")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";")), footer


# -- the map ---------------------------------------------------------------------------------


def test_map_png_is_large_with_its_name_and_no_watermark_on_real_data(client):
    r = client.get("/_export/carte/carte.png?couche=ti2023&ind=population&dep=76")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert 'filename="carte_ti2023_population_76.png"' in r.headers["Content-Disposition"]
    width, height = png_size(r.data)
    assert width >= 1600 and height > 1000


def test_map_svg_holds_title_legend_filters_source_and_date_as_text(client):
    r = client.get("/_export/carte/carte.svg?couche=ti2023&ind=population&classes=egal&rep=aplats")
    svg = r.data.decode()
    assert r.status_code == 200 and svg.lstrip().startswith("<?xml")
    for text in (
        "Population municipale (hab.) — Territoires d",  # the title: indicator and layer
        "France entière",  # the filters
        "Intervalles égaux",  # the classes
        "(1)",  # the legend's counts: two territories, one per class
        "Source : Territoires d",
        "COG 2026",
        "Extraction : ",
        "l'échelle graphique vaut pour la métropole",  # national view: the insets
    ):
        assert text.replace("'", "&#39;") in svg or text in svg, text
    assert "FICTIVES" not in svg


def test_a_count_drawn_as_circles_is_exported_with_the_circles_legend(client):
    svg = client.get("/_export/carte/carte.svg?couche=ti2023&ind=population").data.decode()
    # the default view draws population as proportional circles: their legend, no classes
    assert "Intervalles" not in svg and "Quantiles" not in svg
    assert svg.count("hab.</text>") >= 2 or svg.count(" hab.") >= 3  # reference circles' values


def test_the_map_export_follows_the_page_state_and_falls_back_on_hostile_values(client):
    r = client.get("/_export/carte/carte.svg?couche=<script>&ind=x'--&classes=;drop&dep=99999")
    assert r.status_code == 200  # the page's defaults: 2023 territories, population
    assert "Population municipale" in r.data.decode() and "<script>" not in r.data.decode()
    assert client.get("/_export/carte/carte.exe").status_code == 400
    r = client.get("/_export/carte/inconnu.png")
    assert r.status_code == 404 and "Export inconnu" in r.data.decode()


def test_demonstration_indicator_is_watermarked_on_the_map(db_with_indicators):
    c = create_app(db_with_indicators).server.test_client()
    demo_svg = c.get("/_export/carte/carte.svg?couche=ti2023&ind=demo_test").data.decode()
    real_svg = c.get("/_export/carte/carte.svg?couche=ti2023&ind=test_jobs").data.decode()
    assert "DONNÉES FICTIVES" in demo_svg and "FICTIVES" not in real_svg


def test_redraw_maps_and_tables(client):
    r = client.get("/_export/redecoupage/carte-2023.svg?reg=28&classes=quantiles")
    assert r.status_code == 200 and "vague 2023-2027" in r.data.decode()
    assert "Région 28" in r.data.decode()
    r = client.get("/_export/redecoupage/carte-changements.svg")
    assert "Communes selon leur situation" in r.data.decode()
    r = client.get("/_export/redecoupage/transitions.csv")
    rows, footer = csv_table(r.data)
    assert {row["Territoire 2018"] for row in rows} == {"ti-2801", "ti-2802"}
    assert "Note : populations du COG 2026" in footer
    r = client.get("/_export/redecoupage/couverture.csv")
    rows, _ = csv_table(r.data)
    # one column per indicator: whole numbers written as whole numbers
    assert [row["Vague"] for row in rows] == ["2018", "2023", "Écart 2023 - 2018"]
    assert all("," not in row["Territoires"] for row in rows)


# -- tables ------------------------------------------------------------------------------------


def test_map_table_download_equals_the_table_on_screen(q):
    table = M.on_view(q, "ti2023", "population", "quantiles", None, None, None)[3]
    import base64

    out = M.on_download(q, "csv", "ti2023", "population", "quantiles", None, None, None)
    rows, footer = csv_table(base64.b64decode(out["content"]))
    assert [r["Identifiant"] for r in rows] == [r["Identifiant"] for r in table]
    assert [r["Population municipale (hab.)"] for r in rows] == ["141000", "10000"]
    assert rows[1]["Nom"] == "'<img src=x onerror=alert(1)>" or rows[1]["Nom"].startswith("<img")
    assert "Population : population municipale diffusée avec le code officiel" in footer


def test_profile_lists_as_csv_and_xlsx(client):
    r = client.get("/_export/territoire/membres.csv?vague=2023&id=ti-2801")
    rows, footer = csv_table(r.data)
    assert rows == [{"Membre": "Métropole Rouen Test", "Nature": "EPCI", "SIREN": "200000001"}]
    assert (
        "Rouen Vallée (ti-2801)" in footer
        and "ANCT, périmètres des Territoires d'industrie 2023-2027" in footer
    )
    r = client.get("/_export/territoire/communes.xlsx?vague=2023&id=ti-2801")
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    head, *body = list(wb["Données"].values)
    assert head[:3] == ("Code commune (COG 2026)", "Commune", "Population municipale (hab.)")
    assert len(body) == 4 and sum(row[2] for row in body) == 141000
    assert all(isinstance(row[2], int) for row in body)
    r = client.get("/_export/territoire/emploi.csv?vague=2023&id=ti-2801")
    rows, _ = csv_table(r.data)
    assert [row["Année"] for row in rows] == ["2006", "2022"]
    assert [row["Salariés de l'industrie"] for row in rows] == ["130", "156"]
    assert client.get("/_export/territoire/membres.csv?vague=2023&id=ti-9'--").status_code == 404


def test_progress_ranking_download_has_french_headers_and_integers(client):
    rows, _ = csv_table(client.get("/_export/progres/registre.csv?niveau=ti2023").data)
    assert list(rows[0])[:5] == ["Rang", "Code", "Nom", "Projets", "Aide publique (€)"]
    assert [r["Projets"] for r in rows] == ["1", "1"]


# -- charts and the territory report (one warm browser) -----------------------------------------


@needs_chromium
def test_chart_svg_and_png_hold_title_source_and_date(client, demo_db):
    # no national registry here: the goals are not measurable, so no gauge or pace chart
    r = client.get("/_export/progres/rythme.svg?objectif=jobs")
    assert r.status_code == 404 and "Export inconnu" not in r.data.decode()
    c = create_app(demo_db).server.test_client()
    r = c.get("/_export/progres/rythme.svg?objectif=projects&registre=demo")
    svg = r.data.decode()
    assert r.status_code == 200 and "<svg" in svg
    assert "rythme nécessaire et rythme observé" in svg and "Source : Registre" in svg
    assert "Extraction : " in svg and "DONNÉES FICTIVES" in svg
    width, _ = png_size(c.get("/_export/progres/jauge.png?objectif=projects&registre=demo").data)
    assert width >= 1600
    svg = client.get("/_export/progres/france-relance-france.svg").data.decode()
    assert "France Relance" in svg and "FICTIVES" not in svg and "france_relance:" not in svg


@needs_chromium
def test_territory_report_pdf_has_real_text(client):
    r = client.get("/_export/territoire/fiche.pdf?vague=2023&id=ti-2801")
    assert r.status_code == 200 and r.data[:5] == b"%PDF-"
    pages, text = pdf_text(r.data)
    assert 1 <= pages <= 6
    for expected in (
        "Rouen Vallée",  # the name as title
        "Métropole Rouen Test",  # a member EPCI
        "Source",
        "Emploi salarié privé (Urssaf)",
        "Évolution du périmètre entre les vagues 2018 et 2023",
        "/territoire/2023/ti-2801",  # the page's address
    ):
        assert expected in text, expected
    assert "RÉPUBLIQUE FRANÇAISE" in text.upper()  # the running header (set in capitals)
    assert "FICTIVES" not in text


@needs_chromium
def test_demonstration_projects_watermark_the_report_and_the_registry_chart(demo_db):
    c = create_app(demo_db).server.test_client()
    g = Gateway(demo_db)
    placed = g.scalar(
        "SELECT min(place_territory_2023) FROM project WHERE is_demo "
        "AND place_territory_2023 IS NOT NULL"
    )
    g.close()
    assert placed in ("ti-2801", "ti-2802")
    _, text = pdf_text(c.get(f"/_export/territoire/fiche.pdf?vague=2023&id={placed}").data)
    assert "DONNÉES FICTIVES" in text
    svg = c.get("/_export/progres/registre-par-annee.svg?registre=demo").data.decode()
    assert "DONNÉES FICTIVES" in svg
    svg = c.get("/_export/progres/registre-par-annee.svg?registre=reel").data.decode()
    assert "FICTIVES" not in svg


def test_a_failing_renderer_answers_in_french_without_hanging(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RenderError("Le moteur de rendu des graphiques n'a pas pu démarrer (test).")

    monkeypatch.setattr(renderer(), "render", broken)
    r = client.get("/_export/progres/france-relance-france.png")
    assert r.status_code == 503 and "n'a pas pu démarrer" in r.data.decode()


def test_renderer_times_out_with_a_french_message():
    from dashboard.core.render import ChartRenderer

    slow = ChartRenderer(start_timeout=0.001)  # no browser starts in a millisecond
    with pytest.raises(RenderError, match="n'a pas pu démarrer"):
        slow.render({"data": []}, "png", 100, 100)


def test_the_note_of_a_departement_lists_its_territories_figures_and_sources(client, q, page_text):
    from dashboard.map.report import on_report_link

    r = client.get("/_export/carte/note.pdf?dep=76")
    assert r.status_code == 200
    assert 'filename="note_departement_76.pdf"' in r.headers["Content-Disposition"]
    pages, text = pdf_text(r.data)
    assert pages >= 1
    for expected in ("Département 76", "Rouen Vallée (ti-2801)", "141", "Sources et millésimes",
                     "territories:2023", "/?couche=ti2023&dep=76"):  # fmt: skip
        assert expected in text, expected
    assert "FICTIVES" not in text
    # France as a whole has no note; hostile codes fall back to it
    assert client.get("/_export/carte/note.pdf").status_code == 404
    assert client.get("/_export/carte/note.pdf?reg=<b>&dep=' OR 1=1").status_code == 404
    # the map page links to the note of the chosen filter only
    assert "/_export/carte/note.pdf?dep=76" in page_text(on_report_link(q, "28", "76", None))
    assert "note.pdf?reg=28" in page_text(on_report_link(q, "28", None, None))
    assert on_report_link(q, None, None, None) == []
