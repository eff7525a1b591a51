"""etl.sources.fonds_vert on the miniature mirror: the first real records of the registry, placed
and summed; bad rows stop the build with file, row and column."""

from __future__ import annotations

import pytest

FILE = "fonds-vert-2024/fonds_vert_2024_paca_territoires_industrie_transition_ecologique.csv"


def test_fonds_vert_first_real_records(db, value):
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
    assert value("territory_2018", "ti-2801", "projects_public_aid") == pytest.approx(75000.5)
    assert value("region", "28", "projects_count") == 3
    # jobs are not published: no jobs indicator at all rather than 0
    assert (
        db.scalar("SELECT count(*) FROM indicator WHERE indicator = 'projects_jobs_created'") == 0
    )


# (file, old text, new text, expected row, expected column, message part)
CASES = {
    "fonds vert unknown commune": (
        FILE,
        "76006,Caudebec",
        "76999,Caudebec",
        3,
        "code_commune",
        "inconnu du COG 2026",
    ),
    "fonds vert bad amount": (
        FILE,
        ",25000.5",
        ",25 000 €",
        3,
        "montant_fonds_vert_eur",
        "not a number",
    ),
    "fonds vert wrong departement": (
        FILE,
        "76005,Elbeuf,76,",
        "76005,Elbeuf,27,",
        2,
        "code_dept",
        "is in département 76",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_row(last_good, progress_steps, case):
    last_good.fails_after_edit(*CASES[case], steps=progress_steps)


def test_missing_file(last_good, progress_steps):
    last_good.fails_without(FILE, steps=progress_steps)


def test_bad_encoding(last_good, progress_steps):
    last_good.fails_in_latin1(FILE, steps=progress_steps)
