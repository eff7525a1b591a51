"""etl.registry.store on a copy of the miniature database: a project is placed in every layer
from its commune or its territory, and the registry's indicators count it there."""

from __future__ import annotations

import shutil

import pytest

from etl.db import Database
from etl.registry.schema import Reference, read_file, validate
from etl.registry.store import demo_present, refresh_indicators, store


@pytest.fixture
def db(mini_db, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copy(mini_db, path)
    with Database(path, read_only=False) as d:
        yield d


def rows(db, tmp_path, *lines: str):
    f = tmp_path / "essai.csv"
    f.write_text(
        "identifiant;nom;commune;territoire;vague;date;statut;source;aide_publique_eur\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    v = validate(read_file(f), Reference.from_db(db))
    assert v.errors == []
    return v.rows


def test_projects_placed_from_their_commune_or_their_territory(db, tmp_path):
    new = rows(
        db,
        tmp_path,
        "A;Usine;76006;;;2024;financé;DGE;1000",  # Caudebec-lès-Elbeuf
        "B;Atelier;;ti-2802;2023;2024;identifié;ANCT;",  # 2023's ti-2802 = Caudebec alone
    )
    assert store(db, "essai", new, path="", skipped=0, is_demo=False, label="Essai") == 2
    got = db.rows(
        "SELECT id, place_level, place_epci, place_arrondissement, place_departement, "
        "place_region, place_territory_2018, place_territory_2023 FROM project "
        "WHERE registry = 'essai' ORDER BY id"
    )
    assert got == [
        # Caudebec: CA Elbeuf Test, arrondissement of Elbeuf, in 2018's Elbeuf Seine
        ("A", "commune", "200000002", "762", "76", "28", "ti-2801", "ti-2802"),
        # a territory alone: its main département, no commune, no EPCI, no 2018 territory
        ("B", "territory", None, None, "76", "28", None, "ti-2802"),
    ]
    assert not demo_present(db)


def test_indicators_count_the_projects_where_they_are(db, tmp_path):
    new = rows(
        db, tmp_path, "A;Usine;76006;;;2024;financé;DGE;1000", "B;Atelier;76001;;;2024;financé;DGE;"
    )
    store(db, "essai", new, path="", skipped=0, is_demo=False, label="Essai")
    refresh_indicators(db)

    def value(layer, key, indicator):
        return db.scalar(
            "SELECT value FROM indicator WHERE layer = ? AND key = ? AND indicator = ?",
            [layer, key, indicator],
        )

    # with the miniature mirror's Fonds vert projects: 76001 (100,000 EUR), 76005 (50,000 EUR)
    # and 76006 (25,000.50 EUR)
    assert value("region", "28", "projects_count") == 5
    assert value("territory_2023", "ti-2802", "projects_count") == 2  # Caudebec: A + Fonds vert
    assert value("territory_2023", "ti-2801", "projects_count") == 2  # Rouen: B + Fonds vert
    # CA Elbeuf Test (76005-76009): 50,000 + 25,000.50 (Fonds vert) + 1,000 (A)
    assert value("epci", "200000002", "projects_public_aid") == pytest.approx(76000.5)
