"""Bad input: a clear error naming file, row/key and column, a non-zero exit, and the last good
database left exactly as it was."""

from __future__ import annotations

import hashlib
import json
import lzma
import shutil

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.config import Paths
from etl.errors import SourceError
from etl.pipeline import build


def digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def setup(mirror_copy, mini_db, tmp_path):
    """A writable mirror and a copy of the last good database built from it."""
    db = tmp_path / "good.duckdb"
    shutil.copy(mini_db, db)
    return mirror_copy, Paths(mirror=mirror_copy, database=db), digest(db)


def assert_fails_and_db_intact(
    paths: Paths, good: str, *, file: str, row=None, column=None, match: str = ""
) -> SourceError:
    with pytest.raises(SourceError) as ei:
        build(paths)
    e = ei.value
    assert e.path.endswith(file), e.path
    if row is not None:
        assert e.row == row
    if column is not None:
        assert e.column == column
    assert match in str(e)
    assert digest(paths.database) == good, "the last good database was modified"
    assert not list(paths.database.parent.glob("*.building*")), "a partial build was left behind"
    return e


def edit_json(path, fn):
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(fn(data), ensure_ascii=False), encoding="utf-8")


def test_missing_file(setup):
    mirror, paths, good = setup
    (mirror / "cog-2026/epci.json").unlink()
    assert_fails_and_db_intact(paths, good, file="cog-2026/epci.json", match="file not found")


def test_truncated_json(setup):
    mirror, paths, good = setup
    f = mirror / "cog-2026/communes.json"
    f.write_bytes(f.read_bytes()[:700])
    e = assert_fails_and_db_intact(
        paths, good, file="cog-2026/communes.json", match="truncated JSON"
    )
    assert isinstance(e.row, int) and e.row > 1  # the line where the text stops


def test_missing_property_in_geojson(setup):
    mirror, paths, good = setup

    def drop(doc):
        del doc["features"][1]["properties"]["lib_territoire"]
        return doc

    edit_json(mirror / "anct-ti-2023/ti_geom.geojson", drop)
    assert_fails_and_db_intact(paths, good, file="ti_geom.geojson", row=2, column="lib_territoire")


def rewrite_csv(mirror, fn):
    f = mirror / "communes-geometry/communes.csv.lzma"
    text = lzma.decompress(f.read_bytes()).decode("utf-8")
    f.write_bytes(lzma.compress(fn(text).encode("utf-8")))


def test_missing_column_in_csv(setup):
    mirror, paths, good = setup
    rewrite_csv(mirror, lambda t: t.replace(",geometry,", ",geom,", 1))
    assert_fails_and_db_intact(
        paths, good, file="communes.csv.lzma", column="geometry", match="missing column"
    )


def test_unreadable_wkb(setup):
    mirror, paths, good = setup

    def corrupt(text):
        lines = text.split("\n")
        cells = lines[3].split(",")  # data row 3: commune 76003
        cells[7] = "01060000ZZ"
        lines[3] = ",".join(cells)
        return "\n".join(lines)

    rewrite_csv(mirror, corrupt)
    assert_fails_and_db_intact(
        paths, good, file="communes.csv.lzma", row=3, column="geometry", match="76003"
    )


def test_unknown_siren(setup):
    mirror, paths, good = setup

    def bad(doc):
        doc["features"][0]["properties"]["liste_geo"] += "; CC Inconnue (999999999)"
        return doc

    edit_json(mirror / "anct-ti-2023/ti_geom.geojson", bad)
    assert_fails_and_db_intact(
        paths, good, file="ti_geom.geojson", row="ti-2801", column="liste_geo", match="999999999"
    )


def test_duplicate_code(setup):
    mirror, paths, good = setup
    edit_json(mirror / "cog-2026/communes.json", lambda recs: recs + [dict(recs[1])])
    assert_fails_and_db_intact(
        paths, good, file="communes.json", row="76002", column="code", match="duplicate code"
    )


def test_duplicate_territory_id(setup):
    mirror, paths, good = setup

    def dup(doc):
        doc["features"][1]["properties"]["id_ti"] = "ti-2801"
        return doc

    edit_json(mirror / "anct-admin/polygone-4326_ti.geojson", dup)
    assert_fails_and_db_intact(
        paths, good, file="polygone-4326_ti.geojson", row="ti-2801", column="id_ti"
    )


def test_wrong_encoding(setup):
    mirror, paths, good = setup
    f = mirror / "cog-2026/communes.json"
    f.write_bytes(f.read_text(encoding="utf-8").encode("latin-1"))
    assert_fails_and_db_intact(paths, good, file="communes.json", match="not valid UTF-8")


def test_malformed_member_list(setup):
    mirror, paths, good = setup

    def bad(doc):
        doc["features"][0]["properties"]["liste_geo"] = "Métropole sans SIREN"
        return doc

    edit_json(mirror / "anct-ti-2023/ti_geom.geojson", bad)
    assert_fails_and_db_intact(
        paths, good, file="ti_geom.geojson", row="ti-2801", column="liste_geo", match="Name (SIREN)"
    )


def test_unknown_member_commune(setup):
    mirror, paths, good = setup

    def bad(recs):
        recs[0]["membres"].append({"code": "99999", "nom": "Nulle part"})
        return recs

    edit_json(mirror / "cog-2026/epci.json", bad)
    assert_fails_and_db_intact(
        paths, good, file="epci.json", row="200000001", column="membres", match="99999"
    )


def test_hostile_strings_are_stored_as_text(mini_db):
    from etl.db import Database

    with Database(mini_db) as d:
        # the SQL-looking and HTML-looking name survives as plain characters
        assert (
            d.scalar("SELECT name FROM territory WHERE wave = '2023' AND id = ?", ["ti-2802"])
            == "<img src=x onerror=alert(1)>"
        )


def test_cli_exit_code_and_message(setup):
    mirror, paths, good = setup
    (mirror / "cog-2026/regions.json").write_text("[{", encoding="utf-8")
    res = CliRunner().invoke(app, ["build", "--mirror", str(mirror), "--db", str(paths.database)])
    assert res.exit_code == 1
    out = res.output.replace("\n", " ")
    assert "regions.json" in out and "truncated JSON" in out and "intacte" in out
    assert digest(paths.database) == good


def test_invalid_geometry_is_repaired_and_reported(mirror_copy, tmp_path):
    import shapely

    def bowtie(text):
        lines = text.split("\n")
        cells = lines[4].split(",")  # data row 4: commune 76004
        poly = shapely.MultiPolygon(
            [shapely.Polygon([(1.01, 49.41), (1.02, 49.42), (1.02, 49.41), (1.01, 49.42)])]
        )
        cells[7] = shapely.to_wkb(poly, hex=True)
        lines[4] = ",".join(cells)
        return "\n".join(lines)

    rewrite_csv(mirror_copy, bowtie)
    res = build(Paths(mirror=mirror_copy, database=tmp_path / "x.duckdb"))
    v = res.checks.set_index(["check", "subject"])
    row = v.loc[("invalid_geometries", "commune polygons (input, COM/COMD/COMA)")]
    assert row.value == 1 and "76004" in row.detail and "Self-intersection" in row.detail
    assert v.loc[("invalid_geometries", "dissolved layers (output)")].value == 0


def test_unreadable_geojson_geometry(setup):
    mirror, paths, good = setup

    def bad(doc):
        doc["features"][1]["geometry"] = {"type": "Polygon", "coordinates": [[[1.0]]]}
        return doc

    edit_json(mirror / "anct-admin/polygone-4326_arr.geojson", bad)
    assert_fails_and_db_intact(
        paths,
        good,
        file="polygone-4326_arr.geojson",
        row=2,
        column="geometry",
        match="unreadable geometry",
    )
