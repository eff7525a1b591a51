"""etl.sources.france_relance on the miniature mirror: the levels kept apart, year-end values on the
map; bad rows stop the build with file, row and column."""

from __future__ import annotations

import pytest

RELANCE_DEP = "france-relance/france_relance_entreprises_industrielles_departemental.csv"


RELANCE_FR = "france-relance/france_relance_entreprises_industrielles_national.csv"


def test_france_relance_levels_kept_apart(db, value):
    f = db.df(
        "SELECT level, code, value FROM france_relance WHERE date = DATE '2022-12-31' ORDER BY level"
    )
    assert f.values.tolist() == [
        ["departement", "76", 60.0],
        ["france", "FR", 1200.0],
        ["region", "28", 100.0],
    ]
    # year-end values only on the map (Nov 2021 = 40 is not a year-end value)
    assert value("departement", "76", "france_relance_beneficiaries", 2021) == 45
    assert value("region", "28", "france_relance_beneficiaries", 2022) == 100
    assert (
        db.scalar("SELECT count(*) FROM indicator WHERE indicator = 'france_relance_beneficiaries'")
        == 4
    )


# (file, old text, new text, expected row, expected column, message part)
CASES = {
    "relance unknown departement": (
        RELANCE_DEP,
        ",76,Seine-Maritime,2021-12-31",
        ",99,Nulle part,2021-12-31",
        2,
        "code_departement",
        "unknown departement code '99'",
    ),
    "relance bad value": (
        RELANCE_DEP,
        "2022-12-31,60.0",
        "2022-12-31,soixante",
        3,
        "valeur",
        "not an integer",
    ),
    "relance duplicate month": (
        RELANCE_FR,
        "2021-12-31,1000.0",
        "2021-11-30,1000.0",
        2,
        "date_",
        "duplicate",
    ),
    "relance bad date": (RELANCE_FR, "2022-12-31", "2022-13-31", 3, "date", "not a date"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_row(last_good, progress_steps, case):
    last_good.fails_after_edit(*CASES[case], steps=progress_steps)


def test_missing_file(last_good, progress_steps):
    last_good.fails_without(RELANCE_DEP, steps=progress_steps)
