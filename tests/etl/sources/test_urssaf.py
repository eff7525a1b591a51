"""etl.sources.urssaf on the miniature mirror (communes 76001-76004 = EPCI 200000001 = arrondissement
761 = 2023's ti-2801; 76005-76009 = EPCI 200000002; 2023's ti-2802 is 76006 alone): sums, secret
cells, coverage and its ``complete`` flag; bad rows stop the build with file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.errors import SourceError
from etl.sources import urssaf

FILE = "urssaf-sample/etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last_subset.csv"


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


def test_urssaf_coverage_no_data_is_not_zero(db, value):
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
    assert value("departement", "76", "urssaf_coverage") == pytest.approx(100 * 167 / 196)
    assert value("departement", "76", "urssaf_employees_total", 2022) is None
    assert value("epci", "200000002", "urssaf_employees_industry", 2022) is None


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


def test_urssaf_indicators_of_complete_units(db, value):
    assert value("territory_2023", "ti-2801", "urssaf_employees_industry", 2022) == 156
    assert value("arrondissement", "761", "urssaf_employees_total", 2006) == 178
    assert value("epci", "200000001", "urssaf_industry_change", 2022) == pytest.approx(
        20.0
    )  # 130 -> 156
    assert value("epci", "200000001", "urssaf_industry_share", 2022) == pytest.approx(
        100 * 156 / 215
    )
    assert value("territory_2018", "ti-2802", "urssaf_industry_change", 2022) == pytest.approx(
        -100 / 6
    )


def test_urssaf_chunks_give_the_same_sums(mini_mirror):
    succ = urssaf.successor_map(mini_mirror)
    whole = urssaf.read_communes(mini_mirror / FILE, succ)
    small = urssaf.read_communes(mini_mirror / FILE, succ, chunksize=2)
    pd.testing.assert_frame_equal(whole.frame, small.frame)
    assert (whole.rows, whole.years, whole.remapped) == (7, [2006, 2022], {"76010": "76009"})


def test_urssaf_duplicate_across_chunks(mini_mirror, tmp_path):
    f = tmp_path / "u.csv"
    text = (mini_mirror / FILE).read_text(encoding="utf-8-sig")
    f.write_text(text.replace(";76003;4399A;", ";76001;2511Z;"), encoding="utf-8")
    with pytest.raises(SourceError) as ei:
        urssaf.read_communes(f, urssaf.successor_map(mini_mirror), chunksize=2)
    assert ei.value.row == 4 and "rows [1, 4]" in str(ei.value)


# (file, old text, new text, expected row, expected column, message part)
CASES = {
    "urssaf unknown commune": (
        FILE,
        ";76003;4399A;",
        ";99999;4399A;",
        4,
        "Code commune",
        "not a commune of the COG",
    ),
    "urssaf malformed commune": (
        FILE,
        ";76003;4399A;",
        ";7603;4399A;",
        4,
        "Code commune",
        "5 characters",
    ),
    "urssaf bad number": (
        FILE,
        ";4711D;5;40;",
        ";4711D;5;4O;",
        2,
        "Effectifs salariés 2006",
        "'4O' is not a count",
    ),
    "urssaf negative": (
        FILE,
        ";4711D;5;40;",
        ";4711D;5;-40;",
        2,
        "Effectifs salariés 2006",
        "not a count",
    ),
    "urssaf decimal": (
        FILE,
        ";4711D;5;40;",
        ";4711D;5;40.5;",
        2,
        "Effectifs salariés 2006",
        "not a count",
    ),
    "urssaf duplicate": (
        FILE,
        ";76003;4399A;",
        ";76001;2511Z;",
        4,
        "Code APE",
        "repeat the same",
    ),
    "urssaf empty sector": (
        FILE,
        "GS2 Construction",
        "",
        4,
        "Grand secteur d'activité",
        "empty value",
    ),
    "urssaf missing column": (
        FILE,
        "Effectifs salariés 2022",
        "Effectif 2022",
        None,
        "Effectifs salariés 2022",
        "each year needs both columns",
    ),
    "urssaf missing commune column": (
        FILE,
        "Code commune",
        "Code",
        None,
        "Code commune",
        "missing column",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_row(last_good, progress_steps, case):
    last_good.fails_after_edit(*CASES[case], steps=progress_steps)


def test_missing_file(last_good, progress_steps):
    last_good.fails_without(FILE, steps=progress_steps)


def test_bad_encoding(last_good, progress_steps):
    last_good.fails_in_latin1(FILE, steps=progress_steps)


def test_urssaf_file_from_environment(last_good, progress_steps, monkeypatch, tmp_path):
    """TI_URSSAF_FILE replaces the sample; a missing file there is named in the error."""
    mirror, paths, good = last_good
    missing = tmp_path / "national.csv"
    monkeypatch.setenv("TI_URSSAF_FILE", str(missing))
    last_good.fails(steps=progress_steps, file="national.csv", match="TI_URSSAF_FILE")
