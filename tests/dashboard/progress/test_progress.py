"""Progress page (issue 5): queries, figures and callbacks as plain functions, over the miniature
database and a copy of it holding the demonstration registry."""

from __future__ import annotations

import base64
import io
import json
import shutil
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard.app import render_page
from dashboard.core import geometry
from dashboard.core.formats import fmt_number
from dashboard.core.gateway import Gateway
from dashboard.core.registries import demo_loaded, national_registry
from dashboard.core.urlstate import UrlState
from dashboard.pages import load_pages
from dashboard.progress import callbacks as progres
from dashboard.progress import figures as PF
from dashboard.progress import pace as PACE
from dashboard.progress import queries as PQ
from dashboard.progress.layout import layout as progres_layout
from etl import demo
from etl.config import Paths


@pytest.fixture(scope="module")
def demo_q(mini_db, mini_mirror, tmp_path_factory):
    """Queries over a copy of the miniature database with the demo registry loaded."""
    path = tmp_path_factory.mktemp("demo") / "ti.duckdb"
    shutil.copy(mini_db, path)
    assert demo.load(Paths(mirror=mini_mirror, database=path)) == 50
    queries = Gateway(path)
    yield queries
    queries.close()


# -- published figures and pace -----------------------------------------------------------------


def test_nearest_figures_are_the_curated_points_with_why_they_do_not_measure(q):
    near = PQ.nearest_figures(q, "projects")
    assert near["value"].tolist() == [20, 50]
    assert near["date_label"].tolist() == ["novembre 2023", "27/05/2025"]
    assert near["definition_name"].tolist() == [
        "Actions initiées, phase 2",
        "Actions référencées, phase 2",
    ]
    assert "pas des projets" in near["note"].iloc[0]
    assert PQ.nearest_figures(q, "jobs")["value"].tolist() == [1000, 3000]


def test_published_figures_carry_their_french_definition(q):
    df = PQ.published_figures(q)
    assert (
        len(df) == 10 and df[["label", "definition_name", "phase", "unit_fr"]].notna().all().all()
    )
    r = df[df["metric"] == "money oriented / projects since 2018"].iloc[0]
    assert (r.date_label, r.definition_name, r.decimals) == (
        "juin-juillet 2023",
        "Projets ayant émergé depuis 2018-2019",
        0,
    )
    # the source's own wording is kept beside the French label
    assert r.metric == "money oriented / projects since 2018" and r.quote == '"2 400 projets"'
    # actions initiated and actions referenced are two definitions: no pace between them
    a = PQ.figure(df[df["metric"] == "actions initiated"].iloc[0])
    b = PQ.figure(df[df["metric"] == "actions referenced"].iloc[0])
    with pytest.raises(PACE.DefinitionMismatch, match="Actions initiées"):
        PACE.observed_pace(a, b)
    assert (a.earliest, a.latest) == (date(2023, 11, 1), date(2023, 11, 30))


def test_goals_not_measurable_without_a_series_of_their_definition(q, page_text):
    assert PQ.goal(q, "projects").value == 15_000 and PQ.goal(q, "jobs").value == 450_000
    assert PQ.measured_by(q, "projects") is None  # no national registry in the mini database
    text = page_text(progres_layout(q, UrlState()))
    assert text.count("Non mesurable à ce jour.") == 2
    assert "% du potentiel" not in text and "serait atteint" not in text
    # what each horizon requires is still said: 15,000 / 10 = 1,500 a year, due in 2033
    assert "Sur 10 ans (échéance 2033) : 1\u202f500 projets par an." in text
    assert "Sur 15 ans (échéance 2038) : 30\u202f000 emplois par an." in text
    # the mini mirror does not hold the publication of the potential: said, not invented
    assert "aucune des publications chargées ne le cite" in text


def test_demo_registry_measures_the_goals_only_when_asked_and_labelled(demo_q, page_text):
    m = PQ.measured_by(demo_q, "projects", demo=True)
    assert m is not None and m["last"].value == 50 and m["demo"]
    assert PQ.measured_by(demo_q, "projects") is None  # never without asking
    g = PQ.goal(demo_q, "projects")
    pr = PACE.progress(g, m["stock"], m["last"])
    assert pr.achieved == 50 - m["stock"].value and pr.reach is not None
    text = page_text(progres_layout(demo_q, UrlState.parse("?registre=demo")))
    assert "DONNÉES FICTIVES" in text and "% du potentiel" in text
    assert f"soit {fmt_number(pr.share * 100, 1)} % du potentiel" in text
    assert "Au rythme observé, le potentiel serait atteint " + pr.reach.text() in text


def test_hover_cites_the_source_as_escaped_text():
    df = pd.DataFrame(
        {
            "definition_name": ["Projets"],
            "phase": ["Phase 1 (2018-2022)"],
            "label": ["Projets identifiés"],
            "date": [date(2024, 1, 1)],
            "date_label": ["janvier 2024"],
            "value": [12.0],
            "decimals": [0],
            "unit_fr": ["projets"],
            "source_name": ["<img src=x onerror=alert(1)>"],
        }
    )
    fig = PF.definition_panel(df)
    hover = fig.data[0].hovertext[0]
    assert "Source : &lt;img src=x onerror=alert(1)&gt;" in hover and "<img" not in hover
    assert "12 projets (janvier 2024)" in hover


def test_gauge_shows_what_was_achieved_since_the_start_against_the_goal():
    d = PACE.Definition("projets industriels", "France", "Phase 2", "projets")
    g = PACE.Goal(d, 15_000)
    pr = PACE.progress(
        g, PACE.Figure.on(d, 100, PACE.RELAUNCH), PACE.Figure.on(d, 3100, date(2025, 11, 9))
    )
    fig = PF.gauge(pr, "Potentiel : 15 000 projets")
    assert fig.data[0].value == 3000 and list(fig.data[0].gauge.axis.range) == [0, 15_000]


# -- registry, demo data ----------------------------------------------------------------------------


def test_registry_ranking_real_rows_only_by_default(q, demo_q):
    real = PQ.registry_ranking(q, "ti2023")
    assert list(real["code"]) and set(real["code"]) <= {"ti-2801", "ti-2802"}
    pd.testing.assert_frame_equal(PQ.registry_ranking(demo_q, "ti2023"), real)
    fake = PQ.registry_ranking(demo_q, "ti2023", demo=True)
    assert fake["count"].sum() == 50  # the demo's 50 projects, all in the 2023 territories
    assert PQ.registry_ranking(q, "ti2023", demo=True).empty
    assert PQ.registry_ranking(q, "'; DROP TABLE x; --").empty


def test_demo_never_appears_unless_asked_for(q, demo_q, page_text):
    assert not demo_loaded(q) and demo_loaded(demo_q)
    plain = page_text(progres_layout(q, UrlState()))
    assert "fictive" not in plain.lower()
    # demo loaded but not chosen: a banner says it is there, the ranking stays real
    page = page_text(progres_layout(demo_q, UrlState()))
    assert "DONNÉES FICTIVES" in page
    rows, cols, label, href, fig, status, _units = progres.on_registry(demo_q, "ti2023", "reel")
    assert "donnees" not in {c["field"] for c in cols} and "demo" not in href
    # asking for the demo where none is loaded gives the real rows
    assert (
        progres.on_registry(q, "ti2023", "demo")[0] == progres.on_registry(q, "ti2023", "reel")[0]
    )


def test_demo_view_and_exports_are_labelled(demo_q, page_text):
    rows, cols, label, href, fig, status, _units = progres.on_registry(demo_q, "region", "demo")
    assert rows and all(r["donnees"] == "données fictives" for r in rows)
    assert "DONNÉES FICTIVES" in page_text(label) and "FICTIVES" in fig.layout.title.text
    assert href == "/?couche=region&ind=demo_projects_count"
    csv = progres.on_download(demo_q, "csv", "region", "demo")
    assert csv["filename"] == "projets_region_donnees-fictives.csv"
    body = base64.b64decode(csv["content"]).decode("utf-8-sig")
    lines = body.split("\n\n")[0].splitlines()  # the table; the sources follow an empty line
    assert lines[0].startswith("# DONNÉES FICTIVES")
    assert all("données fictives" in line.lower() for line in lines[2:])
    xl = progres.on_download(demo_q, "xlsx", "region", "demo")
    wb = openpyxl.load_workbook(io.BytesIO(base64.b64decode(xl["content"])))
    assert "Données fictives" in wb.sheetnames
    assert wb["Données fictives"]["A1"].value.startswith("DONNÉES FICTIVES")
    assert wb["Sources"]["A2"].value.startswith("DONNÉES FICTIVES")


def test_real_export_has_no_demo_label_and_no_data_is_not_zero(q):
    csv = progres.on_download(q, "csv", "ti2023", "reel")
    body = base64.b64decode(csv["content"]).decode("utf-8-sig")
    assert "fictive" not in body.lower()
    assert body.startswith("Rang;Code;Nom;Projets;Aide publique (€);Investissement (€)")
    rows = progres.on_registry(q, "ti2023", "reel")[0]
    # the mini registry has no jobs column filled: shown as absent, never 0
    assert all(r["emplois_crees"] == "pas de données" for r in rows)


@pytest.mark.parametrize(
    "level,which",
    [(None, None), ("x" * 5000, "demo"), (["ti2023"], {"a": 1}), ("<script>", "reel")],
)
def test_registry_callback_survives_hostile_inputs(q, level, which):
    rows, cols, label, href, fig, status, _units = progres.on_registry(q, level, which)
    assert href == "/?couche=ti2023&ind=projects_count"
    assert progres.on_download(q, "../../etc", level, which)["filename"].endswith(".csv")


def test_absent_national_registry_is_said_without_a_shell_command(q, page_text):
    assert not national_registry(q)
    text = page_text(progres_layout(q, UrlState()))
    assert "Aucun registre national des projets n'est chargé" in text
    assert "guide d'administration" in text and "docs/registry-schema.md" in text
    assert "python -m" not in text and "make " not in text and "TI_" not in text


def test_employment_coverage_no_data_is_nan_not_zero(q):
    emp = PQ.employment_by_unit(q, "territory_2023").set_index("code")
    assert emp.at["ti-2801", "coverage"] == pytest.approx(100)
    # ti-2802 has no commune in the Urssaf file: no data at all
    assert pd.isna(emp.at["ti-2802", "coverage"]) and pd.isna(emp.at["ti-2802", "last"])
    table = PF.employment_table(emp.reset_index()).set_index("code")
    assert table.at["ti-2802", "couverture"] == "pas de données"


def test_page_blocks_name_their_sources(q, page_text):
    text = page_text(progres_layout(q, UrlState()))
    for label in (
        "Chiffres publiés sur le programme et ses fonds",
        "France Relance, entreprises industrielles bénéficiaires par département",
        "Urssaf, établissements employeurs et effectifs salariés",
    ):
        assert f"Source : {label}" in text
    for key in ("published_figures", "france_relance:", "urssaf\n"):
        assert key not in text
    assert "zone d'emploi de Rouen" in text


def test_france_relance_latest_and_map(q):
    latest = PQ.france_relance_latest(q)
    assert len(latest) and (latest.groupby("code").size() == 1).all()
    geo = json.loads(
        geometry.geojson(q, "departement", level="coarse", inset=True, with_names=False)
    )
    fig = PF.france_relance_map(latest, geo)
    assert fig.layout.map.style == "white-bg" and list(fig.data[0].locations) == list(
        latest["code"]
    )


def test_progress_page_is_routed(q, page_text):
    out = render_page(load_pages(), q, "/progres", "")
    assert "où en est-on du potentiel de 15 000 projets et 450 000 emplois" in page_text(out)


def test_partly_covered_units_are_marked_lower_bounds():
    df = pd.DataFrame(
        {
            "code": ["a", "b", "c"],
            "nom": ["A", "B", "C"],
            "coverage": [100.0, 41.6, float("nan")],
            "first_year": [2006] * 3,
            "first": [100.0, 50.0, float("nan")],
            "last_year": [2022] * 3,
            "last": [80.0, 60.0, float("nan")],
            "change_pct": [-20.0, 20.0, float("nan")],
            "complete": [True, False, False],  # the build's test (share >= 99 %)
        }
    )
    t = PF.employment_table(df).set_index("code")
    assert t.at["a", "évolution"] == "-20,0 %" and t.at["a", "salariés industrie 2022"] == "80"
    assert t.at["b", "salariés industrie 2022"] == "60 (minorant, couverture partielle)"
    assert t.at["b", "évolution"] == "pas de données"
    assert (t.loc["c"].drop(["nom"]) == "pas de données").all()


def test_france_relance_departement_series_callback(q):
    latest = PQ.france_relance_latest(q)
    code = str(latest["code"].iloc[0])
    fig = progres.on_fr_departement(q, code)
    series = PQ.france_relance(q, "departement")
    assert list(fig.data[0].y) == list(series.loc[series.code == code, "value"])
    for hostile in (None, ["76"], "<script>", "9" * 1000):
        f = progres.on_fr_departement(q, hostile)
        assert not f.data or len(f.data[0].y) == 0


def test_registry_over_time_by_unit(q, demo_q):
    real = PQ.registry_over_time_by_unit(q, "ti2023")
    assert len(real) and set(real["code"]) <= {"ti-2801", "ti-2802"}
    # cumulative per unit ends at the unit's count in the ranking
    ends = real.groupby("code")["cumulative"].last()
    rank = PQ.registry_ranking(q, "ti2023").set_index("code")["count"]
    assert (ends == rank.reindex(ends.index)).all()
    fake = PQ.registry_over_time_by_unit(demo_q, "ti2023", demo=True)
    assert fake.groupby("code")["cumulative"].last().sum() == 50
    assert PQ.registry_over_time_by_unit(q, "x; DROP TABLE project").empty
    units = progres.on_registry(demo_q, "ti2023", "demo")[6]
    assert (
        "DONNÉES FICTIVES" in units.layout.title.text and len(units.data) == fake["code"].nunique()
    )
