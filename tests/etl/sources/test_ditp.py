"""etl.sources.ditp on the miniature mirror: values and targets, no row for an empty département;
bad rows stop the build with file, row and column."""

from __future__ import annotations

import pytest

FILE = "ditp-barometre/ind-337_emplois_metiers_industriels_millions.csv"


def test_ditp_values_targets_and_no_row_for_empty_departements(db, value):
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
    assert value("region", "28", "ditp_industrial_jobs", 2022) == pytest.approx(0.26)
    assert value("region", "28", "ditp_industrial_jobs_target", 2026) == pytest.approx(0.27)
    assert value("region", "28", "ditp_new_industrial_sites", 2023) == 32


# (file, old text, new text, expected row, expected column, message part)
CASES = {
    "ditp value and target": (
        FILE,
        "2026-12-01,NAT,,,3.44,",
        "2026-12-01,NAT,,3.4,3.44,",
        4,
        "indic_va",
        "exactly one",
    ),
    "ditp unknown region": (
        FILE,
        "IND-337,R28,2021-12-01",
        "IND-337,R99,2021-12-01",
        5,
        "enforce_zone_id",
        "not a known code",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_row(last_good, progress_steps, case):
    last_good.fails_after_edit(*CASES[case], steps=progress_steps)


def test_missing_file(last_good, progress_steps):
    last_good.fails_without(FILE, steps=progress_steps)
