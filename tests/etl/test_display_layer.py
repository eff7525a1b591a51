"""etl.display_layer on the miniature mirror: whole layers as the browser receives them, decoded
and checked by hand against tests/data/make_mini_mirror.py."""

from __future__ import annotations

import gzip
import json

import shapely

from geo.encode import from_geobuf


def body(db, layer: str, level: str = "coarse") -> bytes:
    b = db.scalar("SELECT body FROM display_layer WHERE layer = ? AND level = ?", [layer, level])
    return bytes(b)


def features(db, layer: str, level: str = "coarse") -> list[tuple[dict, shapely.Geometry]]:
    raw = body(db, layer, level)
    fmt = db.scalar(
        "SELECT format FROM display_layer WHERE layer = ? AND level = ?", [layer, level]
    )
    doc = from_geobuf(raw) if fmt == "geobuf" else json.loads(raw)
    return [(f["properties"], shapely.geometry.shape(f["geometry"])) for f in doc["features"]]


def test_rows_of_the_table(db):
    rows = db.rows(
        "SELECT layer, level, inset, format, n_features FROM display_layer ORDER BY layer, level"
    )
    assert rows == [
        ("arrondissement", "coarse", True, "geobuf", 2),
        ("arrondissement", "national", True, "geobuf", 2),
        ("base_departement", "coarse", True, "geobuf", 1),
        ("base_departement", "medium", False, "geobuf", 1),
        ("base_departement", "national", True, "geobuf", 1),
        ("base_region", "coarse", True, "geobuf", 1),
        ("base_region", "medium", False, "geobuf", 1),
        ("base_region", "national", True, "geobuf", 1),
        ("commune", "coarse", True, "geobuf", 9),  # no national level for the communes
        ("departement", "coarse", True, "geobuf", 1),
        ("departement", "national", True, "geobuf", 1),
        ("epci", "coarse", True, "geobuf", 2),
        ("epci", "national", True, "geobuf", 2),
        ("redraw_commune", "coarse", True, "geojson", 9),
        ("region", "coarse", True, "geobuf", 1),
        ("region", "national", True, "geobuf", 1),
        ("territory_2018", "coarse", True, "geobuf", 2),
        ("territory_2018", "national", True, "geobuf", 2),
        ("territory_2023", "coarse", True, "geobuf", 2),
        ("territory_2023", "national", True, "geobuf", 2),
    ]


def test_the_national_level_has_the_same_units_valid_with_no_more_points(db):
    # (its shapes over real data: tests/etl/test_real_mirror.py)
    for layer in ("epci", "territory_2023", "base_departement"):
        coarse, national = features(db, layer, "coarse"), features(db, layer, "national")
        assert [p for p, _ in national] == [p for p, _ in coarse]
        assert all(g.is_valid and not g.is_empty for _, g in national)
        n = sum(shapely.get_num_coordinates(g) for _, g in national)
        assert n <= sum(shapely.get_num_coordinates(g) for _, g in coarse)


def test_gzip_body_is_the_body(db):
    for raw, gz in db.rows("SELECT body, body_gzip FROM display_layer"):
        assert gzip.decompress(bytes(gz)) == bytes(raw)


def test_map_layers_keys_and_names(db):
    def props(layer):
        return [p for p, _ in features(db, layer)]

    assert props("territory_2023") == [
        {"key": "ti-2801", "name": "Rouen Vallée"},
        # the trailing space of the published name stripped; the markup is plain text
        {"key": "ti-2802", "name": "<img src=x onerror=alert(1)>"},
    ]
    # the same codes name other places in the 2018 wave
    assert props("territory_2018") == [
        {"key": "ti-2801", "name": "Elbeuf Seine"},
        {"key": "ti-2802", "name": "Rouen centre"},
    ]
    assert props("epci") == [
        {"key": "200000001", "name": "Métropole Rouen Test"},
        {"key": "200000002", "name": "CA Elbeuf Test"},
    ]
    assert props("arrondissement") == [
        {"key": "761", "name": "Rouen"},
        {"key": "762", "name": "Elbeuf"},
    ]
    assert props("departement") == [{"key": "76", "name": "Seine-Maritime"}]
    assert props("region") == [{"key": "28", "name": "Normandie"}]


def test_geometries_on_the_grid_of_their_level(db):
    # EPCI 200000001 is the 2 x 2 squares west of 1.02 (76002's 0.0002° overlap is below the
    # 0.001° grid of the coarse level); 200000002 the 3 x 2 squares east of it
    (_, rouen), (_, elbeuf) = features(db, "epci")
    assert rouen.equals(shapely.box(1.0, 49.40, 1.02, 49.42))
    assert elbeuf.equals(shapely.box(1.02, 49.40, 1.05, 49.42))
    # base outlines: the ANCT département polygon, the whole 5 x 2 grid, at both levels
    for level in ("coarse", "medium"):
        [(p, g)] = features(db, "base_departement", level)
        assert p == {"key": "76"} and g.equals(shapely.box(1.0, 49.40, 1.05, 49.42))


def test_redraw_communes_with_their_change_class(db):
    got = {p["key"]: (p["name"], p["c"]) for p, _ in features(db, "redraw_commune")}
    assert got == {
        # Rouen: 2018 "Rouen centre", 2023 "Rouen Vallée", its counterpart
        "76001": ("Rouen", "same"),
        # the rest of the Métropole joined in 2023
        "76002": ("Darnétal", "entered"),
        "76003": ("Bois-Guillaume", "entered"),
        "76004": ("Bihorel", "entered"),
        # Elbeuf Seine (2018) lost every commune but Caudebec, the 2023 ti-2802
        "76005": ("Elbeuf", "left"),
        "76006": ("Caudebec-lès-Elbeuf", "same"),
        "76007": ("Saint-Pierre-lès-Elbeuf", "left"),
        "76008": ("Oissel", "left"),
        "76009": ("Grand-Couronne-la-Neuve", "left"),
    }
    # GeoJSON text as written by geo.encode: compact, UTF-8 (not \\u-escaped)
    assert '"name":"Darnétal"' in body(db, "redraw_commune").decode("utf-8")


def test_validation_report_names_each_layer(db):
    sizes = dict(
        db.rows("SELECT subject, value FROM validation WHERE \"check\" = 'display_layer_bytes'")
    )
    assert len(sizes) == 20 and all(v > 0 for v in sizes.values())
    assert set(sizes) >= {"epci/coarse/inset", "base_region/medium", "redraw_commune/coarse/inset"}
