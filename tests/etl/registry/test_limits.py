"""The registry import refuses what would hurt the database or the pages: files, parts of
workbooks, rows and cells beyond the limits; non-finite and absurd numbers; formulas; rows with
the wrong number of fields. Each refusal names the file, the row, the column and the limit, and
leaves the database byte-identical with nothing kept in ``inputs/``."""

from __future__ import annotations

import errno
import hashlib
import zipfile

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from etl import registry_import as importer
from etl.cli import app
from etl.errors import SourceError
from etl.registry import schema
from etl.registry.schema import RegistryError
from etl.registry_import import import_projects

HEADER = (
    "identifiant;nom;commune;epci;territoire;vague;date;statut;investissement_eur;"
    "aide_publique_eur;emplois_crees;emplois_maintenus;source"
)
COLS = HEADER.split(";")
GOOD = "P1;Usine de Rouen;76001;;;;2024-03-15;financé;1 200 000;250 000,50;12;3;DGE"


def digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def paths(processed):
    return processed


def csv_file(tmp_path, lines, name="projets.csv"):
    p = tmp_path / name
    p.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return p


def xlsx_file(tmp_path, rows, name="projets.xlsx", header=COLS):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    p = tmp_path / name
    wb.save(p)
    return p


def good_row(**cells):
    row = dict(zip(COLS, GOOD.split(";"), strict=True))
    row.update(cells)
    return [row[c] for c in COLS]


def refused(paths, f, error=SourceError):
    """Import ``f``; it must fail with ``error`` and change nothing. Returns the error."""
    before = digest(paths.database)
    with pytest.raises(error) as ei:
        import_projects(f, paths)
    assert digest(paths.database) == before, "the database changed"
    inputs = paths.processed / "inputs"
    assert not inputs.exists() or list(inputs.iterdir()) == [], "a file was kept"
    left = [p.name for p in paths.processed.glob("ti.duckdb.*") if p.suffix != ".sha256"]
    assert not left, "a temporary file was left"
    return ei.value


# -- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "Infinity", "-inf", "1e400", "nan", "NaN"])
def test_non_finite_amounts_are_refused_with_row_and_column(paths, tmp_path, value):
    line = GOOD.replace("250 000,50", value)
    e = refused(paths, csv_file(tmp_path, [line]), RegistryError)
    (err,) = e.errors
    assert (err.row, err.column, err.value) == (1, "aide_publique_eur", value)
    assert "fini" in err.reason or "nombre attendu" in err.reason


def test_absurd_numbers_are_refused_naming_the_limit(paths, tmp_path):
    lines = [
        GOOD,
        GOOD.replace("P1", "P2").replace(";12;3;", ";1e20;3;"),  # the traceback of the issue
        GOOD.replace("P1", "P3").replace("1 200 000", "1e15"),
        GOOD.replace("P1", "P4").replace(";12;3;", ";1000001;3;"),
    ]
    e = refused(paths, csv_file(tmp_path, lines), RegistryError)
    got = [(r.row, r.column) for r in e.errors]
    assert got == [(2, "emplois_crees"), (3, "investissement_eur"), (4, "emplois_crees")]
    assert "1 000 000 emplois" in e.errors[0].reason
    assert "100 000 000 000 euros" in e.errors[1].reason


def test_the_limits_themselves_are_accepted(paths, tmp_path):
    line = GOOD.replace("1 200 000", "100000000000").replace(";12;3;", ";1000000;3;")
    res = import_projects(csv_file(tmp_path, [line]), paths)
    assert res.loaded == 1


def test_skip_bad_rows_with_absurd_jobs_loads_the_rest_without_a_traceback(paths, tmp_path):
    lines = [GOOD, GOOD.replace("P1", "P2").replace(";12;3;", ";1e20;3;")]
    res = import_projects(csv_file(tmp_path, lines), paths, skip_bad_rows=True)
    assert (res.loaded, res.skipped) == (1, 1)


# -- the shape of a CSV ---------------------------------------------------------------------


def test_an_extra_field_in_the_first_row_is_blamed_on_that_row(paths, tmp_path):
    # pandas took the first column as the index: every value moved one column left
    e = refused(paths, csv_file(tmp_path, [GOOD.replace("Usine de Rouen", "Usine;de Rouen")]))
    assert e.row == 1 and "14 champs au lieu de 13" in str(e)


def test_an_extra_field_in_a_later_row(paths, tmp_path):
    lines = [GOOD, GOOD.replace("P1", "P2"), GOOD.replace("P1", "P3").replace("DGE", "DGE;x")]
    e = refused(paths, csv_file(tmp_path, lines))
    assert e.row == 3 and "14 champs" in str(e)


def test_a_short_row_names_the_first_missing_column(paths, tmp_path):
    e = refused(paths, csv_file(tmp_path, [GOOD.rsplit(";", 2)[0]]))
    assert (e.row, e.column) == (1, "emplois_maintenus")


def test_trailing_empty_fields_are_still_accepted_when_the_header_has_them(paths, tmp_path):
    p = tmp_path / "projets.csv"
    p.write_text(f"{HEADER};;\n{GOOD};;\n", encoding="utf-8")  # spreadsheets export "a;b;c;;"
    assert import_projects(p, paths).loaded == 1


def test_empty_extra_fields_without_a_header_are_refused(paths, tmp_path):
    e = refused(paths, csv_file(tmp_path, [GOOD + ";;"]))
    assert e.row == 1 and "15 champs au lieu de 13" in str(e)


def test_text_after_a_closing_quote_is_a_malformed_csv(paths, tmp_path):
    lines = [GOOD, GOOD.replace("P1", "P2").replace("Usine de Rouen", '"Usine" de Rouen')]
    e = refused(paths, csv_file(tmp_path, lines))
    assert e.row == 2 and "malformed CSV" in str(e)


# -- sizes ----------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(paths, tmp_path):
    p = tmp_path / "enorme.csv"
    with open(p, "wb") as f:  # a sparse 1 GB file: nothing is written, nothing must be read
        f.truncate(1 << 30)
    e = refused(paths, p)
    assert "MAX_FILE_BYTES" in str(e) and "1 073 741 824" in str(e)


def test_too_many_rows(paths, tmp_path):
    rows = [GOOD.replace("P1", f"P{i}") for i in range(schema.MAX_ROWS + 1)]
    e = refused(paths, csv_file(tmp_path, rows))
    assert e.row == schema.MAX_ROWS + 1 and "MAX_ROWS" in str(e)


def test_a_long_cell_in_a_csv(paths, tmp_path):
    e = refused(paths, csv_file(tmp_path, [GOOD.replace("Usine", "U" * 5000)]))
    assert (e.row, e.column) == (1, "nom") and "MAX_CELL_CHARS" in str(e)


def test_a_long_cell_in_a_workbook(paths, tmp_path):
    f = xlsx_file(tmp_path, [good_row(), good_row(identifiant="P2", source="s" * 4001)])
    e = refused(paths, f)
    assert (e.row, e.column) == (2, "source") and "4 001" in str(e)


def _workbook_with_a_huge_cell(tmp_path, size: int):
    """A small workbook whose sheet holds one ``size``-character string."""
    src = xlsx_file(tmp_path, [good_row(nom="PLACEHOLDER")], name="src.xlsx")
    out = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if b"PLACEHOLDER" in data:  # the sheet (openpyxl writes strings inline)
                head, tail = data.split(b"PLACEHOLDER")
                with zout.open(info.filename, "w", force_zip64=True) as w:
                    w.write(head)
                    block = b"A" * (1 << 20)
                    for _ in range(size // len(block)):
                        w.write(block)
                    w.write(tail)
            else:
                zout.writestr(info, data)
    return out


def test_a_small_workbook_holding_a_huge_cell_is_refused_before_reading(paths, tmp_path):
    f = _workbook_with_a_huge_cell(tmp_path, schema.MAX_XLSX_PART_BYTES + (1 << 20))
    assert f.stat().st_size < 2 << 20  # well under the file size limit
    e = refused(paths, f)
    assert "xl/worksheets/sheet1.xml" in str(e) and "MAX_XLSX_PART_BYTES" in str(e)


def test_the_unzipped_total_of_a_workbook_is_bounded(paths, tmp_path, monkeypatch):
    monkeypatch.setattr(schema, "MAX_XLSX_TOTAL_BYTES", 10_000)
    e = refused(paths, xlsx_file(tmp_path, [good_row()]))
    assert "MAX_XLSX_TOTAL_BYTES" in str(e)


# -- workbooks ------------------------------------------------------------------------------


def test_a_formula_is_refused_not_read_as_empty(paths, tmp_path):
    f = xlsx_file(tmp_path, [good_row(), good_row(identifiant="P2", emplois_crees="=10*2")])
    e = refused(paths, f)
    assert (e.row, e.column) == (2, "emplois_crees") and "formule '=10*2'" in str(e)


def test_an_error_cell_is_refused(paths, tmp_path):
    f = xlsx_file(tmp_path, [good_row(investissement_eur="#DIV/0!")])
    e = refused(paths, f)
    assert (e.row, e.column) == (1, "investissement_eur") and "#DIV/0!" in str(e)


def test_a_value_beyond_the_header_is_refused(paths, tmp_path):
    f = xlsx_file(tmp_path, [good_row() + ["", "commentaire"]])
    e = refused(paths, f)
    assert e.row == 1 and "colonne sans en-tête (colonne 15" in str(e)


def test_a_repeated_header_in_a_workbook(paths, tmp_path):
    f = xlsx_file(tmp_path, [good_row() + ["x"]], header=[*COLS, "nom"])
    e = refused(paths, f)
    assert "more than once" in str(e) and e.column == "nom"


def test_numbers_and_dates_typed_in_a_workbook_still_load(paths, tmp_path):
    row = good_row(investissement_eur=1_200_000, emplois_crees=12, commune="76001")
    res = import_projects(xlsx_file(tmp_path, [row]), paths)
    assert res.loaded == 1


# -- faults while writing -------------------------------------------------------------------


def test_disk_full_during_the_import_says_the_database_is_intact(paths, tmp_path, monkeypatch):
    f = csv_file(tmp_path, [GOOD])
    before = digest(paths.database)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(paths.database) + ".importing")

    monkeypatch.setattr("etl.atomic.shutil.copyfile", full)
    r = CliRunner().invoke(app, ["import-projects", str(f), "--db", str(paths.database)])
    assert r.exit_code == 1 and r.exception is None or isinstance(r.exception, SystemExit)
    assert "No space left on device" in r.output and "restée intacte" in r.output
    assert "Traceback" not in r.output
    assert digest(paths.database) == before
    assert sorted(p.name for p in paths.processed.iterdir()) == ["ti.duckdb", "ti.duckdb.sha256"]


def test_a_database_error_during_the_import_says_the_database_is_intact(
    paths, tmp_path, monkeypatch
):
    from etl.db import DatabaseError

    def broken(*args, **kwargs):
        raise DatabaseError("IO Error: simulated")

    monkeypatch.setattr(importer, "store", broken)
    before = digest(paths.database)
    f = csv_file(tmp_path, [GOOD])
    r = CliRunner().invoke(app, ["import-projects", str(f), "--db", str(paths.database)])
    assert r.exit_code == 1
    assert "erreur de la base DuckDB : IO Error: simulated" in r.output
    assert "restée intacte" in r.output and digest(paths.database) == before
    assert sorted(p.name for p in paths.processed.iterdir()) in (
        ["ti.duckdb", "ti.duckdb.sha256"],
        ["inputs", "ti.duckdb", "ti.duckdb.sha256"],
    )
    assert not list(paths.processed.glob("inputs/*")), "the staged copy was kept"
