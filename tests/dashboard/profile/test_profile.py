"""Territory profile page ``/territoire/<wave>/<id>``, the map panel's link to it, and the map
explorer discovering the progress indicators (miniature and real databases)."""

from __future__ import annotations

import pytest
from dash import dcc

from dashboard.app import create_app, render_page
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import get_indicator, values
from dashboard.core.urlstate import UrlState
from dashboard.map import callbacks as M
from dashboard.map import panel as carte
from dashboard.pages import load_pages
from dashboard.profile import layout as territoire
from dashboard.profile import queries as PQ
from dashboard.progress import callbacks as progres_cb
from dashboard.progress import queries as progress_queries
from dashboard.progress.layout import layout as progres_layout


@pytest.mark.parametrize(
    "path",
    [
        "/territoire/2099/ti-2801",
        "/territoire/2023/ti-9999",
        "/territoire",
        "/territoire/2023",
        "/territoire/2023/ti-2801/x",
        "/territoire/2023/<b>",
        "/territoire/" + "9" * 5000,
        "/territoire/2023/ti-2801'--",
    ],
)
def test_unknown_wave_or_id_is_a_clear_page(q, path, page_text):
    out = render_page(load_pages(), q, path, "")
    assert out.id == "territoire-inconnu" and "Territoire inconnu" in page_text(out)


def test_the_wave_is_part_of_the_key(q, page_text):
    a = render_page(load_pages(), q, "/territoire/2018/ti-2801", "")
    b = render_page(load_pages(), q, "/territoire/2023/ti-2801", "")
    assert "Elbeuf Seine" in page_text(a) and "Rouen Vallée" not in page_text(a)
    assert "Rouen Vallée" in page_text(b)


def test_profile_contents_with_sources(q, page_text):
    d = PQ.territory_profile(q, "2023", "ti-2801")
    assert d["n_communes"] == 4 and d["population"] == 141000
    assert d["arrondissements"] and all(
        a["chef_lieu"] and a["kind"] in ("préfecture", "sous-préfecture")
        for a in d["arrondissements"]
    )
    assert d["employment_coverage"] == pytest.approx(1.0)
    text = page_text(territoire.profile(q, d))
    for expected in (
        "Membres (",
        "Arrondissements touchés",
        "Emploi salarié privé (Urssaf)",
        "Projets des registres",
        "Source : Urssaf, établissements employeurs",
        "Source : ANCT, périmètres des Territoires d'industrie 2023-2027, juillet 2024",
        "Population municipale",
        "Superficie",
    ):
        assert expected in text, expected
    # the map draws the territory from the map page's route, outlines as base, no tile layer
    assert "/_carte/sel?couche=ti2023&key=ti-2801&inset=0" in text
    assert "TileLayer" not in str(territoire.profile(q, d))


def test_territory_without_urssaf_data_says_so(q, page_text):
    d = PQ.territory_profile(q, "2023", "ti-2802")
    assert d["employment"].empty
    text = page_text(territoire.profile(q, d))
    assert "Pas de données : aucune commune du territoire n'est dans le fichier Urssaf" in text
    # its hostile name stays a string child, never markup
    assert "<img src=x onerror=alert(1)>" in text and "dangerously" not in str(
        territoire.profile(q, d)
    )


def test_territory_profile_rejects_hostile_keys(q):
    for wave, tid in [
        (None, None),
        ("2023", ["ti-2801"]),
        (["2023"], "ti-2801"),
        ("2023", "ti-2801 OR 1=1"),
    ]:
        assert PQ.territory_profile(q, wave, tid) is None


def test_map_panel_links_to_the_profile(q):
    panel, _ = M.on_select(q, {"couche": "ti2023", "key": "ti-2801"}, "ti2023", None, None, None)
    linked = carte.with_profile_link(q, panel, {"couche": "ti2023", "key": "ti-2801"})
    link = linked[-1]
    assert isinstance(link, dcc.Link) and link.href == "/territoire/2023/ti-2801"
    assert link.children == "Fiche du territoire"
    # not a territory layer, unknown key or hostile selection: the panel is unchanged
    epci = M.on_select(q, {"couche": "epci", "key": "200000001"}, "epci", None, None, None)[0]
    assert carte.with_profile_link(q, epci, {"couche": "epci", "key": "200000001"}) == epci
    for sel in (None, {"couche": "ti2023", "key": "ti-9999"}, {"couche": ["x"], "key": 1}, "x"):
        assert carte.with_profile_link(q, panel, sel) == panel


def test_profile_page_is_out_of_the_navigation(mini_db, page_text):
    app = create_app(mini_db)
    nav = page_text(app.layout())
    assert "/progres\n" in nav and "/territoire" not in nav


def test_map_explorer_discovers_progress_indicators_on_the_mini_db(q):
    ids = {o["value"] for o in M.on_controls(q, "ti2023", *[None] * 6)[0]}
    assert {"urssaf_coverage", "urssaf_employees_industry", "projects_count"} <= ids
    # the latest year of a yearly indicator, labelled with it
    ind = get_indicator(q, "ti2023", "urssaf_employees_industry")
    assert ind.label.endswith(")") and not ind.generated


def test_real_db_map_explorer_lists_urssaf_and_registry_indicators(real_db):
    rq = Gateway(real_db)
    try:
        options = M.on_controls(rq, "ti2023", *[None] * 6)[0]
        ids = {o["value"] for o in options}
        assert any(i.startswith("urssaf_") for i in ids), ids
        assert any(i.startswith("projects_") for i in ids), ids
        # values are there for the Fonds vert territories, absent (NaN) elsewhere, never 0
        v = values(rq, "ti2023", "projects_count")
        assert v.notna().sum() >= 1 and (v.dropna() > 0).all() and v.isna().sum() > 100
    finally:
        rq.close()


def test_progress_page_map_links_name_indicators_the_map_offers(q):
    from urllib.parse import parse_qs, urlparse

    links = [progres_cb.on_registry(q, level, "reel")[3] for level in progress_queries.LEVELS]
    links.append("/?couche=departement&ind=france_relance_beneficiaries")
    links.append("/?couche=ti2023&ind=urssaf_coverage")
    for href in links:
        args = {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}
        offered = {o["value"] for o in M.on_controls(q, args["couche"], *[None] * 6)[0]}
        assert args["ind"] in offered, href
    # the links written in the page are those checked above
    page = str(progres_layout(q, UrlState()))
    assert "couche=departement&ind=france_relance_beneficiaries" in page
    assert "couche=ti2023&ind=urssaf_coverage" in page


def test_profile_sets_each_figure_beside_its_region_and_the_wave(q, page_text):
    from dashboard.profile.layout import layout as profile_layout

    text = page_text(profile_layout(q, UrlState(), "/territoire/2023/ti-2801"))
    assert "Comparé aux autres territoires de la vague" in text
    assert "Médiane région" in text and "Médiane France" in text
    table = text[text.index("Comparé aux autres territoires") :]
    row = table[table.index("Population municipale") :].split("\n")[:5]
    assert row[1:5] == ["141\u202f000 hab.", "1 / 2", "75\u202f500 hab.", "75\u202f500 hab."]
    assert "/comparer?couche=ti2023&cmp=ti-2801" in text
