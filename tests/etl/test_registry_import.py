"""The project registry: import (CSV, XLSX), every bad row reported, nothing loaded unless asked,
atomic (database and kept copy intact on failure), and kept across rebuilds."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime

import pytest
from typer.testing import CliRunner

from etl import registry_import as importer
from etl.cli import app
from etl.config import Paths
from etl.db import Database
from etl.errors import SourceError
from etl.pipeline import build
from etl.registry.schema import Reference, RegistryError, read_file, validate
from etl.registry_import import import_projects

HEADER = (
    "identifiant;nom;commune;epci;territoire;vague;date;statut;investissement_eur;aide_publique_eur;"
    "emplois_crees;emplois_maintenus;source"
)
GOOD = [
    "P1;Usine de Rouen;76001;;;;2024-03-15;financé;1 200 000;250 000,50;12;3;DGE",
    "P2;Zone d'Elbeuf;;200000002;;;2025-01;identifié;;;;;ANCT",
    "P3;Atelier partagé;;;ti-2802;2023;2024;en cours;80000;;2;;Région",
]


def digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def paths(mini_db, tmp_path, mini_mirror):
    db = tmp_path / "processed" / "ti.duckdb"
    db.parent.mkdir()
    shutil.copy(mini_db, db)
    return Paths(mirror=mini_mirror, database=db)


def write(tmp_path, lines, name="projets.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_text("\n".join([HEADER, *lines]) + "\n", encoding=encoding)
    return p


def kept(paths):
    return (
        sorted(p.name for p in (paths.processed / "inputs").glob("*"))
        if (paths.processed / "inputs").is_dir()
        else []
    )


def test_import_good_csv(paths, tmp_path):
    res = import_projects(write(tmp_path, GOOD), paths)
    assert (res.name, res.loaded, res.skipped) == ("projets", 3, 0)
    with Database(paths.database) as d:
        p = d.df("SELECT * FROM project WHERE registry = 'projets' ORDER BY id")
        assert (
            p.investment_eur.tolist()[0] == 1_200_000 and p.public_aid_eur.tolist()[0] == 250_000.5
        )
        assert p.jobs_created.tolist()[:1] == [12]
        assert p.place_level.tolist() == ["commune", "epci", "territory"]
        assert p.place_epci.tolist()[:2] == ["200000001", "200000002"]
        assert (
            p.place_territory_2023.tolist()[0] == "ti-2801"
            and p.place_territory_2023.tolist()[2] == "ti-2802"
        )
        assert p.date_precision.tolist() == ["day", "month", "year"]
        assert not p.is_demo.any()
        # 3 Fonds vert projects of the miniature mirror + these 3
        assert (
            d.scalar(
                "SELECT value FROM indicator WHERE indicator = 'projects_count' AND layer = 'region' "
                "AND key = '28'"
            )
            == 6
        )
        assert (
            d.scalar(
                "SELECT value FROM indicator WHERE indicator = 'projects_jobs_created' "
                "AND layer = 'territory_2023' AND key = 'ti-2802'"
            )
            == 2
        )
        assert d.scalar("SELECT count(*) FROM source WHERE name = 'registry:projets'") == 1
    assert kept(paths) == ["registry-projets.csv"]
    # the database stays up to date: its fingerprint includes the kept file
    assert build(paths).status == "up-to-date"


def test_import_xlsx_with_typed_cells(paths, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(";"))
    ws.append(
        [
            "X1",
            "Fonderie",
            "76005",
            None,
            None,
            None,
            datetime(2024, 6, 1),
            "réalisé",
            3_500_000,
            700000.0,
            40,
            10,
            "DGE",
        ]
    )
    ws.append(
        [
            "X2",
            "Scierie",
            None,
            None,
            "ti-2801",
            2018,
            2023,
            "financé",
            None,
            None,
            None,
            None,
            "DGE",
        ]
    )
    p = tmp_path / "Registre 2024.xlsx"
    wb.save(p)
    res = import_projects(p, paths)
    assert (res.name, res.loaded) == ("registre-2024", 2)
    with Database(paths.database) as d:
        r = d.df(
            "SELECT id, date, investment_eur, jobs_created, place_territory_2018 FROM project "
            "WHERE registry = 'registre-2024' ORDER BY id"
        )
    assert (
        str(r.date[0].date()) == "2024-06-01"
        and r.investment_eur[0] == 3_500_000
        and r.jobs_created[0] == 40
    )
    assert r.place_territory_2018.tolist() == ["ti-2801", "ti-2801"]
    # the workbook itself is kept, and re-validates as the rebuild will read it
    assert kept(paths) == ["registry-registre-2024.xlsx"]
    with Database(paths.database) as d:
        again = validate(
            read_file(paths.processed / "inputs" / "registry-registre-2024.xlsx"),
            Reference.from_db(d),
        )
    assert again.errors == [] and len(again.rows) == 2


BAD = {  # line -> (row, column, reason part)
    "duplicate id": ("P1;Autre;76002;;;;2024;financé;;;;;DGE", 4, "identifiant", "en double"),
    "unknown commune": ("P4;X;76999;;;;2024;financé;;;;;DGE", 4, "commune", "inconnu du COG"),
    "malformed commune": ("P4;X;7600;;;;2024;financé;;;;;DGE", 4, "commune", "5 caractères"),
    "no place": ("P4;X;;;;;2024;financé;;;;;DGE", 4, "commune", "aucun lieu"),
    "unknown epci": ("P4;X;;200000009;;;2024;financé;;;;;DGE", 4, "epci", "SIREN inconnu"),
    "commune outside epci": (
        "P4;X;76001;200000002;;;2024;financé;;;;;DGE",
        4,
        "epci",
        "n'appartient pas",
    ),
    "territory without wave": (
        "P4;X;;;ti-2801;;2024;financé;;;;;DGE",
        4,
        "vague",
        "vague attendue",
    ),
    "unknown territory": (
        "P4;X;;;ti-9999;2023;2024;financé;;;;;DGE",
        4,
        "territoire",
        "inconnu pour cette vague",
    ),
    "commune outside territory": (
        "P4;X;76001;;ti-2802;2023;2024;financé;;;;;DGE",
        4,
        "territoire",
        "n'est pas dans ce territoire",
    ),
    "bad date": ("P4;X;76001;;;;2024-02-30;financé;;;;;DGE", 4, "date", "date invalide"),
    "bad status": ("P4;X;76001;;;;2024;terminé;;;;;DGE", 4, "statut", "statut inconnu"),
    "bad number": (
        "P4;X;76001;;;;2024;financé;12k;;;;DGE",
        4,
        "investissement_eur",
        "nombre attendu",
    ),
    "negative": ("P4;X;76001;;;;2024;financé;;-5;;;DGE", 4, "aide_publique_eur", "négatif"),
    "fractional jobs": ("P4;X;76001;;;;2024;financé;;;2,5;;DGE", 4, "emplois_crees", "entier"),
    "missing source": ("P4;X;76001;;;;2024;financé;;;;;", 4, "source", "obligatoire"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_row_reported_and_nothing_loaded(paths, tmp_path, case):
    line, row, column, reason = BAD[case]
    good = digest(paths.database)
    with pytest.raises(RegistryError) as ei:
        import_projects(write(tmp_path, [*GOOD, line]), paths)
    errs = ei.value.errors
    assert any(e.row == row and e.column == column and reason in e.reason for e in errs), [
        str(e) for e in errs
    ]
    assert digest(paths.database) == good
    assert kept(paths) == []


def test_every_bad_row_is_listed(paths, tmp_path):
    lines = [
        *GOOD,
        BAD["unknown commune"][0],
        BAD["bad status"][0].replace("P4", "P5"),
        BAD["bad number"][0].replace("P4", "P6"),
    ]
    with pytest.raises(RegistryError) as ei:
        import_projects(write(tmp_path, lines), paths)
    assert [(e.row, e.column) for e in ei.value.errors] == [
        (4, "commune"),
        (5, "statut"),
        (6, "investissement_eur"),
    ]


def test_skip_bad_rows_loads_the_good_ones(paths, tmp_path):
    res = import_projects(
        write(tmp_path, [*GOOD, BAD["unknown commune"][0]]), paths, skip_bad_rows=True
    )
    assert (res.loaded, res.skipped) == (3, 1)
    # only the good rows are kept, rewritten in the documented schema, and they re-validate
    copy = paths.processed / "inputs" / "registry-projets.csv"
    with Database(paths.database) as d:
        again = validate(read_file(copy), Reference.from_db(d))
    assert again.errors == [] and again.rows.id.tolist() == ["P1", "P2", "P3"]
    assert (
        again.rows.investment_eur.tolist()[0] == 1_200_000
        and again.rows.public_aid_eur.tolist()[0] == 250_000.5
    )
    with Database(paths.database) as d:
        assert d.scalar("SELECT count(*) FROM project WHERE registry = 'projets'") == 3
        assert d.scalar("SELECT skipped_rows FROM registry WHERE name = 'projets'") == 1


@pytest.mark.parametrize(
    "kind",
    [
        "missing file",
        "bad extension",
        "missing column",
        "unknown column",
        "bad encoding",
        "empty file",
    ],
)
def test_bad_file(paths, tmp_path, kind):
    good = digest(paths.database)
    p = tmp_path / "projets.csv"
    if kind == "bad extension":
        p = tmp_path / "projets.ods"
        p.write_text("x")
    elif kind == "missing column":
        p.write_text(HEADER.replace(";statut", "") + "\n", encoding="utf-8")
    elif kind == "unknown column":
        p.write_text(HEADER + ";commentaire\n", encoding="utf-8")
    elif kind == "bad encoding":
        write(tmp_path, [GOOD[0].replace("Usine", "Usine é")], encoding="latin-1")
    elif kind == "empty file":
        p.write_text("")
    with pytest.raises(SourceError) as ei:
        import_projects(p, paths)
    msg = {
        "missing file": "not found",
        "bad extension": "unsupported",
        "missing column": "missing column",
        "unknown column": "unknown column",
        "bad encoding": "UTF-8",
        "empty file": "empty file",
    }[kind]
    assert msg in str(ei.value) and "projets" in ei.value.path
    assert digest(paths.database) == good and kept(paths) == []


def test_failure_while_writing_keeps_database_and_previous_copy(paths, tmp_path, monkeypatch):
    import_projects(write(tmp_path, GOOD), paths)
    good_db = digest(paths.database)
    copy = paths.processed / "inputs" / "registry-projets.csv"
    good_copy = copy.read_bytes()

    def boom(d):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "refresh_indicators", boom)
    with pytest.raises(RuntimeError):
        import_projects(write(tmp_path, GOOD[:1]), paths)
    assert digest(paths.database) == good_db
    assert copy.read_bytes() == good_copy and kept(paths) == ["registry-projets.csv"]
    assert not list(paths.processed.glob("*.importing"))


def test_reimport_replaces_the_registry(paths, tmp_path):
    import_projects(write(tmp_path, GOOD), paths)
    import_projects(write(tmp_path, GOOD[:1]), paths)
    with Database(paths.database) as d:
        assert d.scalar("SELECT count(*) FROM project WHERE registry = 'projets'") == 1


def test_imported_registry_survives_a_rebuild(paths, tmp_path):
    import_projects(write(tmp_path, GOOD), paths)
    assert build(paths, force=True).status == "built"
    with Database(paths.database) as d:
        assert d.scalar("SELECT count(*) FROM project WHERE registry = 'projets'") == 3
        assert d.scalar("SELECT count(*) FROM project WHERE registry = 'fonds-vert-2024'") == 3
        assert (
            d.scalar(
                "SELECT value FROM indicator WHERE indicator = 'projects_count' AND layer = 'region'"
            )
            == 6
        )


def test_cli_reports_rows_and_exits_non_zero(paths, tmp_path):
    f = write(tmp_path, [*GOOD, BAD["unknown commune"][0], BAD["bad date"][0].replace("P4", "P5")])
    good = digest(paths.database)
    r = CliRunner().invoke(app, ["import-projects", str(f), "--db", str(paths.database)])
    assert r.exit_code == 1
    out = r.output
    assert "ligne 4, colonne 'commune'" in out and "ligne 5, colonne 'date'" in out
    assert digest(paths.database) == good
    r = CliRunner().invoke(
        app, ["import-projects", str(f), "--db", str(paths.database), "--skip-bad-rows"]
    )
    assert r.exit_code == 0, r.output
    assert "3 projet(s)" in r.output


@pytest.mark.parametrize("name", ["demo", "Fonds vert 2024"])
def test_reserved_registry_names(paths, tmp_path, name):
    from etl.errors import EtlError

    good = digest(paths.database)
    with pytest.raises(EtlError, match="reserved"):
        import_projects(write(tmp_path, GOOD), paths, name=name)
    assert digest(paths.database) == good and kept(paths) == []
