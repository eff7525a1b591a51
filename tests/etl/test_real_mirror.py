"""Integration tests over the real mirror (../shared/mirror or $TI_MIRROR)."""

from __future__ import annotations

import pytest

from etl.db import Database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def db(real_db):
    with Database(real_db) as d:
        yield d


def test_counts(db):
    assert db.scalar("SELECT count(*) FROM territory WHERE wave = '2023'") == 183
    assert db.scalar("SELECT count(*) FROM territory WHERE wave = '2018'") == 149
    assert db.scalar("SELECT count(*) FROM arrondissement") == 333
    assert db.scalar("SELECT count(*) FROM epci") == 1255
    assert db.scalar("SELECT count(*) FROM ept") == 11
    assert db.scalar("SELECT count(*) FROM departement") == 109
    assert db.scalar("SELECT count(*) FROM region") == 26
    assert db.scalar("SELECT count(*) FROM commune") == 34969


def test_every_member_resolved(db):
    rows = dict(
        db.rows("SELECT wave, count(*) FROM territory_member WHERE kind IS NOT NULL GROUP BY wave")
    )
    assert rows == {"2023": 641, "2018": 588}
    # every member grouping brings at least one commune
    empty = db.scalar("""SELECT count(*) FROM territory t WHERE NOT EXISTS (
        SELECT 1 FROM territory_commune c WHERE c.wave = t.wave AND c.territory_id = t.id)""")
    assert empty == 0


def test_no_commune_in_two_territories_of_a_wave(db):
    assert (
        db.scalar("""SELECT count(*) FROM (SELECT wave, commune_code FROM territory_commune
                        GROUP BY ALL HAVING count(*) > 1)""")
        == 0
    )


def test_same_code_different_places(db):
    names = dict(db.rows("SELECT wave, name FROM territory WHERE id = 'ti-0101'"))
    assert names["2023"] == "Basse-Terre"
    assert "Cap Excellence" in names["2018"]


def test_geometries_valid_and_close_to_anct(db):
    assert db.scalar("SELECT count(*) FROM territory WHERE NOT ST_IsValid(geom)") == 0
    assert db.scalar("SELECT count(*) FROM epci WHERE NOT ST_IsValid(geom)") == 0
    # our dissolves match the ANCT's own polygons: median IoU > 0.98 in both waves
    med = dict(db.rows("SELECT wave, median(anct_overlap) FROM territory GROUP BY wave"))
    assert med["2023"] > 0.98 and med["2018"] > 0.98
    assert db.scalar("SELECT median(anct_overlap) FROM arrondissement") > 0.98


def test_areas_plausible(db):
    # France métropolitaine + DROM ~ 632,700 km² (INSEE); regions of the programme
    total = db.scalar("SELECT sum(area_km2) FROM region")
    assert 620_000 < total < 645_000
    # Île-de-France ~12,011 km², La Réunion ~2,504 km² (measured in its own UTM 40S)
    assert db.scalar("SELECT area_km2 FROM region WHERE code = '11'") == pytest.approx(
        12_011, rel=0.02
    )
    assert db.scalar("SELECT area_km2 FROM region WHERE code = '04'") == pytest.approx(
        2_504, rel=0.03
    )


def test_chef_lieux(db):
    r = db.df("SELECT chef_lieu_name, chef_lieu_kind FROM arrondissement WHERE code = '763'").iloc[
        0
    ]
    assert (r.chef_lieu_name, r.chef_lieu_kind) == ("Rouen", "préfecture")
    # 101 départements, but Mayotte has no arrondissement
    assert (
        db.scalar("SELECT count(*) FROM arrondissement WHERE chef_lieu_kind = 'préfecture'") == 100
    )


def test_overseas_insets_moved_near_mainland(db):
    x, y = db.rows("""SELECT ST_X(ST_Centroid(geom_inset)), ST_Y(ST_Centroid(geom_inset)) FROM shape
                      WHERE layer = 'departement' AND key = '974' AND level = 'coarse'""")[0]
    assert -8 < x < -5 and 43 < y < 45


def test_validation_has_no_error(db):
    errors = db.df("SELECT * FROM validation WHERE severity = 'error'")
    assert errors.empty, errors.to_string()


def test_territory_polygons_hold_only_their_communes(db):
    # an enclave of non-member communes stays a hole: the dissolved polygon's area equals the sum
    # of its member communes' polygons, within the gaps the dissolve fills (lakes and slivers that
    # hold no commune: at most 1.2 % of a territory). Filling the 15 non-member communes enclosed
    # by Nice Côte d'Azur (ti-9305) used to make it much larger.
    rows = db.rows("""SELECT t.wave, t.id, ST_Area(t.geom), sum(ST_Area(c.geom))
                      FROM territory t JOIN territory_commune tc ON tc.wave = t.wave AND tc.territory_id = t.id
                      JOIN commune c ON c.code = tc.commune_code GROUP BY ALL""")
    bad = [(w, i, a / s) for w, i, a, s in rows if abs(a / s - 1) > 0.015]
    assert not bad, bad


def test_overseas_chef_lieu_inside_its_inset_frame(db):
    """Every préfecture and sous-préfecture of the five DROM moved into its inset box, e.g.
    Basse-Terre (9711) near -7.5 E 47.8 N, west of Brittany; mainland ones unchanged."""
    inside = db.rows(
        "SELECT a.departement, count(*) FROM arrondissement a JOIN inset_frame f "
        "USING (departement) WHERE ST_Within(a.chef_lieu_geom_inset, f.geom) GROUP BY 1 ORDER BY 1"
    )
    assert inside == [("971", 2), ("972", 4), ("973", 3), ("974", 4)]  # Mayotte: no arrondissement
    x, y = db.rows(
        "SELECT ST_X(chef_lieu_geom_inset), ST_Y(chef_lieu_geom_inset) FROM arrondissement "
        "WHERE code = '9711'"
    )[0]
    assert -8.0 < x < -7.0 and 47.5 < y < 48.5
    moved = db.scalar(
        "SELECT count(*) FROM arrondissement WHERE departement NOT LIKE '97%' "
        "AND NOT ST_Equals(chef_lieu_geom, chef_lieu_geom_inset)"
    )
    assert moved == 0


def test_coarse_display_geometries_valid_after_rounding(db):
    """The coarse level is rounded to 0.001° (~100 m); a polygon that rounding would make invalid
    is snapped topology-safely, so spatial functions (ST_ReducePrecision ...) accept every one."""
    bad = db.scalar(
        "SELECT count(*) FROM shape WHERE level = 'coarse' "
        "AND (NOT ST_IsValid(geom) OR NOT ST_IsValid(geom_inset))"
    )
    assert bad == 0


def test_the_national_view_draws_half_the_points_with_the_same_france(db):
    """The level the explorer draws first: each layer simplified again from coarse, together
    (shared borders stay shared: the units cover what they covered, without overlapping)."""
    import shapely

    from geo.encode import from_geobuf

    def shapes(layer, level):
        body = db.scalar(
            "SELECT body FROM display_layer WHERE layer = ? AND level = ? AND inset",
            [layer, level],
        )
        doc = from_geobuf(bytes(body))
        return [shapely.geometry.shape(f["geometry"]) for f in doc["features"]]

    for layer, n in (("epci", 1255), ("territory_2023", 183), ("base_departement", 101)):
        coarse, national = shapes(layer, "coarse"), shapes(layer, "national")
        assert len(national) == len(coarse) == n
        assert all(g.is_valid and not g.is_empty for g in national), layer
        points = sum(shapely.get_num_coordinates(national))
        assert points < 0.7 * sum(shapely.get_num_coordinates(coarse)), layer
        whole, again = shapely.union_all(coarse), shapely.union_all(national)
        assert abs(again.area - whole.area) < 0.005 * whole.area, layer
        # no overlap between neighbours: the areas add up to the union's
        assert sum(g.area for g in national) < 1.002 * again.area, layer
