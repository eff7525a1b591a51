"""etl.sources.commune_geometry: the lzma CSV of commune polygons; a bad file stops the build, an
invalid polygon is repaired and reported."""

from __future__ import annotations

import lzma

from etl.config import Paths
from etl.pipeline import build


def rewrite_csv(mirror, fn):
    f = mirror / "communes-geometry/communes.csv.lzma"
    text = lzma.decompress(f.read_bytes()).decode("utf-8")
    f.write_bytes(lzma.compress(fn(text).encode("utf-8")))


def test_missing_column_in_csv(last_good):
    mirror, paths, good = last_good
    rewrite_csv(mirror, lambda t: t.replace(",geometry,", ",geom,", 1))
    last_good.fails(file="communes.csv.lzma", column="geometry", match="missing column")


def test_unreadable_wkb(last_good):
    mirror, paths, good = last_good

    def corrupt(text):
        lines = text.split("\n")
        cells = lines[3].split(",")  # data row 3: commune 76003
        cells[7] = "01060000ZZ"
        lines[3] = ",".join(cells)
        return "\n".join(lines)

    rewrite_csv(mirror, corrupt)
    last_good.fails(file="communes.csv.lzma", row=3, column="geometry", match="76003")


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
