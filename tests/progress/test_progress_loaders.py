"""The progress sources over the hand-written miniature mirror: every value checked by hand.

Miniature mirror (tests/data/mirror): communes 76001-76004 form EPCI 200000001 (= arrondissement
761 = territory ti-2801 of 2023), 76005-76009 form EPCI 200000002 (arrondissement 762, territory
ti-2801 of 2018); 2023's ti-2802 is commune 76006 alone, 2018's ti-2802 is 76001 alone.
"""

from __future__ import annotations

from datetime import date

import pytest

from etl.db import Database


@pytest.fixture(scope="module")
def db(mini_db):
    with Database(mini_db) as d:
        yield d


def value(db, layer, key, indicator, year=None):
    rows = db.rows(
        "SELECT value FROM indicator WHERE layer = ? AND key = ? AND indicator = ? "
        "AND year IS NOT DISTINCT FROM ?",
        [layer, key, indicator, year],
    )
    assert len(rows) <= 1
    return rows[0][0] if rows else None


# --- published figures --------------------------------------------------------------------------


def test_published_figures_kept_as_published(db):
    assert db.scalar("SELECT count(*) FROM published_figure") == 10
    r = db.df(
        "SELECT date_text, date, date_precision, value FROM published_figure WHERE metric = ?",
        ["money oriented / projects since 2018"],
    ).iloc[0]
    assert (r.date_text, r.date.date(), r.date_precision, r.value) == (
        "2023-06/07",
        date(2023, 7, 31),
        "month",
        2400,
    )
    r = db.df(
        "SELECT date, date_precision FROM published_figure WHERE metric = 'projects identified'"
    ).iloc[0]
    assert (r.date.date(), r.date_precision) == (date(2019, 12, 31), "year")
    # unlike metrics are never added: one row per figure, no total row
    assert db.scalar("SELECT count(DISTINCT metric) FROM published_figure") == 9


def test_goal_series_are_the_curated_points(db):
    g = db.df("SELECT goal, date, value, metric FROM goal_series ORDER BY goal, date")
    assert g[g.goal == "projects"][["value", "metric"]].values.tolist() == [
        [20.0, "actions initiated"],
        [50.0, "actions referenced"],
    ]
    assert g[g.goal == "jobs"]["value"].tolist() == [1000.0, 3000.0]
    assert g[g.goal == "jobs"]["date"].dt.date.tolist() == [date(2021, 10, 13), date(2023, 11, 30)]


# --- France Relance, DITP -------------------------------------------------------------------------


def test_france_relance_levels_kept_apart(db):
    f = db.df(
        "SELECT level, code, value FROM france_relance WHERE date = DATE '2022-12-31' ORDER BY level"
    )
    assert f.values.tolist() == [
        ["departement", "76", 60.0],
        ["france", "FR", 1200.0],
        ["region", "28", 100.0],
    ]
    # year-end values only on the map (Nov 2021 = 40 is not a year-end value)
    assert value(db, "departement", "76", "france_relance_beneficiaries", 2021) == 45
    assert value(db, "region", "28", "france_relance_beneficiaries", 2022) == 100
    assert (
        db.scalar("SELECT count(*) FROM indicator WHERE indicator = 'france_relance_beneficiaries'")
        == 4
    )


def test_ditp_values_targets_and_no_row_for_empty_departements(db):
    d = db.df(
        "SELECT indicator_id, level, code, date, kind, value FROM ditp ORDER BY indicator_id, level, date"
    )
    assert not (d.level == "departement").any()  # D76 rows have no figure: skipped, not 0
    nat = d[(d.indicator_id == "IND-337") & (d.level == "france")]
    assert nat[["kind", "value"]].values.tolist() == [
        ["valeur", 3.32],
        ["valeur", 3.43],
        ["cible", 3.44],
    ]
    assert value(db, "region", "28", "ditp_industrial_jobs", 2022) == pytest.approx(0.26)
    assert value(db, "region", "28", "ditp_industrial_jobs_target", 2026) == pytest.approx(0.27)
    assert value(db, "region", "28", "ditp_new_industrial_sites", 2023) == 32


# --- Urssaf -----------------------------------------------------------------------------------------


def test_urssaf_sums_by_layer(db):
    e = db.df(
        "SELECT sector, year, establishments, employees, n_secret FROM employment "
        "WHERE layer = 'epci' AND key = '200000001' ORDER BY sector, year"
    )
    # industry: 76001 120/100, 76002 10/(secret), 76004 (empty)/56
    assert e.values.tolist() == [
        ["industrie", 2006, 4, 130, 0],
        ["industrie", 2022, 4, 156, 1],
        ["total", 2006, 11, 178, 0],
        ["total", 2022, 12, 215, 1],
    ]
    # the delegated commune 76010 is counted in its commune nouvelle 76009
    c = db.df(
        "SELECT year, employees FROM employment WHERE layer = 'commune' AND key = '76009' "
        "AND sector = 'total' ORDER BY year"
    )
    assert c.employees.tolist() == [5, 6]
    assert (
        db.scalar("SELECT count(*) FROM employment WHERE layer = 'commune' AND key = '76010'") == 0
    )


def test_urssaf_empty_cells_stay_null(db):
    # 76004's industry cell of 2006 is empty: NULL, not 0
    r = db.rows(
        "SELECT establishments, employees FROM employment WHERE layer = 'commune' AND key = '76004' "
        "AND sector = 'industrie' AND year = 2006"
    )
    assert r == [(None, None)]
    # 76002 has an establishment but its employees are secret in 2022
    r = db.rows(
        "SELECT establishments, employees, n_secret FROM employment WHERE layer = 'commune' "
        "AND key = '76002' AND sector = 'industrie' AND year = 2022"
    )
    assert r == [(1, None, 1)]


def test_urssaf_coverage_no_data_is_not_zero(db):
    cov = dict(
        db.rows(
            "SELECT layer || ':' || key, share FROM employment_coverage WHERE layer <> 'commune'"
        )
    )
    assert cov["epci:200000001"] == 1.0
    assert cov["epci:200000002"] == pytest.approx(26 / 55)  # Elbeuf 16,000 + Grand-Couronne 10,000
    assert cov["departement:76"] == pytest.approx(167 / 196)
    assert cov["territory_2023:ti-2802"] == 0.0
    # 2023's ti-2802 (commune 76006, absent from the file): no row at all, so "pas de données"
    assert (
        db.scalar(
            "SELECT count(*) FROM indicator WHERE layer = 'territory_2023' AND key = 'ti-2802' "
            "AND starts_with(indicator, 'urssaf_')"
        )
        == 0
    )
    assert (
        db.scalar(
            "SELECT count(*) FROM employment WHERE layer = 'territory_2023' AND key = 'ti-2802'"
        )
        == 0
    )
    # partly covered units: coverage shown, no value that would read as complete
    assert value(db, "departement", "76", "urssaf_coverage") == pytest.approx(100 * 167 / 196)
    assert value(db, "departement", "76", "urssaf_employees_total", 2022) is None
    assert value(db, "epci", "200000002", "urssaf_employees_industry", 2022) is None


def test_urssaf_complete_units_flagged_in_the_coverage_table(db):
    """``complete`` is share >= 99 %: Rouen's EPCI has every commune in the file, Elbeuf's 26 of
    55 thousand inhabitants, the département 167 of 196 thousand."""
    complete = dict(
        db.rows(
            "SELECT layer || ':' || key, complete FROM employment_coverage WHERE layer <> 'commune'"
        )
    )
    assert complete["epci:200000001"] is True
    assert complete["territory_2023:ti-2801"] is True  # = EPCI 200000001
    assert complete["epci:200000002"] is False
    assert complete["departement:76"] is False
    assert complete["territory_2023:ti-2802"] is False  # no data at all
    # exactly the units whose values are mapped
    mapped = {
        f"{layer}:{key}"
        for layer, key in db.rows(
            "SELECT DISTINCT layer, key FROM indicator WHERE indicator = 'urssaf_employees_total'"
        )
    }
    assert mapped == {k for k, v in complete.items() if v}


def test_urssaf_indicators_of_complete_units(db):
    assert value(db, "territory_2023", "ti-2801", "urssaf_employees_industry", 2022) == 156
    assert value(db, "arrondissement", "761", "urssaf_employees_total", 2006) == 178
    assert value(db, "epci", "200000001", "urssaf_industry_change", 2022) == pytest.approx(
        20.0
    )  # 130 -> 156
    assert value(db, "epci", "200000001", "urssaf_industry_share", 2022) == pytest.approx(
        100 * 156 / 215
    )
    assert value(db, "territory_2018", "ti-2802", "urssaf_industry_change", 2022) == pytest.approx(
        -100 / 6
    )


# --- Fonds vert, registry indicators ------------------------------------------------------------------


def test_fonds_vert_first_real_records(db):
    p = db.df(
        "SELECT id, commune_code, status, public_aid_eur, investment_eur, jobs_created, is_demo, "
        "place_territory_2023, place_territory_2018, source FROM project ORDER BY id"
    )
    assert p.id.tolist() == ["fv2024-111111111", "fv2024-222222222", "fv2024-333333333"]
    assert p.public_aid_eur.tolist() == [100000.0, 50000.0, 25000.5]
    assert p.investment_eur.isna().all() and p.jobs_created.isna().all()  # not published: unknown
    assert not p.is_demo.any() and (p.status == "financé").all()
    assert (
        p.place_territory_2023.tolist()[0] == "ti-2801"
        and p.place_territory_2023.isna().tolist()[1]
    )
    assert p.place_territory_2018.tolist() == ["ti-2802", "ti-2801", "ti-2801"]
    assert p.source.str.contains("Fonds vert 2024").all()
    assert value(db, "territory_2018", "ti-2801", "projects_public_aid") == pytest.approx(75000.5)
    assert value(db, "region", "28", "projects_count") == 3
    # jobs are not published: no jobs indicator at all rather than 0
    assert (
        db.scalar("SELECT count(*) FROM indicator WHERE indicator = 'projects_jobs_created'") == 0
    )


def test_indicator_table_contract(db):
    cols = [c for c, _ in db.columns("indicator")]
    assert cols == [
        "layer",
        "key",
        "indicator",
        "label",
        "unit",
        "year",
        "value",
        "source",
        "is_demo",
    ]
    layers = {r[0] for r in db.rows("SELECT DISTINCT layer FROM indicator")}
    assert layers <= {
        "territory_2018",
        "territory_2023",
        "epci",
        "arrondissement",
        "departement",
        "region",
    }
    assert (
        db.scalar("SELECT count(*) FROM indicator WHERE value IS NULL OR source = '' OR label = ''")
        == 0
    )
    assert db.scalar("SELECT count(*) FROM indicator WHERE is_demo") == 0


def test_provenance_rows(db):
    names = {r[0] for r in db.rows("SELECT name FROM source")}
    assert {
        "published_figures",
        "france_relance:departement",
        "france_relance:region",
        "france_relance:france",
        "ditp:IND-337",
        "ditp:IND-334",
        "ditp:meta",
        "urssaf",
        "fonds_vert_2024",
    } <= names
    assert db.scalar("SELECT rows FROM source WHERE name = 'urssaf'") == 7


# --- Urssaf reader, without a build -------------------------------------------------------------------

URSSAF = (
    "urssaf-sample/etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last_subset.csv"
)


def test_urssaf_chunks_give_the_same_sums(mini_mirror):
    import pandas as pd

    from etl.sources import urssaf

    succ = urssaf.successor_map(mini_mirror)
    whole = urssaf.read_communes(mini_mirror / URSSAF, succ)
    small = urssaf.read_communes(mini_mirror / URSSAF, succ, chunksize=2)
    pd.testing.assert_frame_equal(whole.frame, small.frame)
    assert (whole.rows, whole.years, whole.remapped) == (7, [2006, 2022], {"76010": "76009"})


def test_urssaf_duplicate_across_chunks(mini_mirror, tmp_path):
    from etl.errors import SourceError
    from etl.sources import urssaf

    f = tmp_path / "u.csv"
    text = (mini_mirror / URSSAF).read_text(encoding="utf-8-sig")
    f.write_text(text.replace(";76003;4399A;", ";76001;2511Z;"), encoding="utf-8")
    with pytest.raises(SourceError) as ei:
        urssaf.read_communes(f, urssaf.successor_map(mini_mirror), chunksize=2)
    assert ei.value.row == 4 and "rows [1, 4]" in str(ei.value)


def test_registry_csv_with_empty_trailing_columns(mini_mirror, tmp_path):
    from etl.registry.schema import read_file

    f = tmp_path / "r.csv"
    f.write_text(
        "identifiant;nom;commune;date;statut;source;;\nA;Usine;76001;2024;financé;DGE;;\n;;;;;;;\n",
        encoding="utf-8",
    )
    df = read_file(f)
    assert df.index.tolist() == [1] and df.at[1, "commune"] == "76001"
