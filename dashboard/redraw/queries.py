"""Reads of the ``/redecoupage`` page over the redraw tables built by ``etl/redraw.py``.

Every class, count and share shown on the page comes from those tables and views; this module
only selects and filters rows (parameterised SQL, through the read gateway). A place is a
:class:`dashboard.core.admin.Place` already validated; a territory "touches" it when one of its
communes lies there (``redraw_territory_departement``).
"""

from __future__ import annotations

import pandas as pd

from dashboard.core.admin import Place
from dashboard.core.gateway import Gateway
from dashboard.core.geometry import stored_layer
from etl.config import WAVES
from geo.encode import feature_collection, gzipped
from geo.scenario import CORE_INDICATORS, ScenarioBase

CHANGE_CLASSES = ("same", "moved", "entered", "left", "outside")


TRANSITIONS = ("kept", "split", "merged", "reduced", "dropped")


MAX_ID_LEN = 40


_TOUCH = """SELECT DISTINCT territory_id FROM redraw_territory_departement
            WHERE wave = ? AND (?::VARCHAR IS NULL OR region = ?) AND (?::VARCHAR IS NULL OR departement = ?)"""


def valid_wave(wave) -> str | None:
    return wave if isinstance(wave, str) and wave in WAVES else None


def labels(q: Gateway, kind: str) -> dict[str, str]:
    """French label of each class of ``kind`` ('change', 'transition', 'scope'), in display order."""
    df = q.memo(
        ("redraw_label",),
        lambda: q.df("SELECT kind, code, label, rank FROM redraw_label ORDER BY kind, rank"),
    )
    d = df[df["kind"] == kind]
    return dict(zip(d["code"], d["label"], strict=True))


def definitions(q: Gateway, kind: str) -> pd.DataFrame:
    """Code, label and French definition (with its thresholds) of each class of ``kind``
    ('transition' or 'scope'), in display order; written by the build (``etl/redraw.py``)."""
    df = q.memo(
        ("redraw_definition",),
        lambda: q.df(
            "SELECT kind, code, label, definition FROM redraw_label "
            "WHERE definition IS NOT NULL ORDER BY kind, rank"
        ),
    )
    return df[df["kind"] == kind].reset_index(drop=True)


def region_double_count(q: Gateway, wave: str) -> tuple[int, int]:
    """(territories of ``wave`` in France, sum of the territories counted in each région): a
    territory astride régions counts in each."""
    row = q.df(
        "SELECT max(CASE WHEN level = 'france' THEN n_territories END) AS n, "
        "sum(CASE WHEN level = 'region' THEN n_territories END) AS by_region "
        "FROM redraw_summary WHERE wave = ?",
        [wave],
    ).iloc[0]
    return int(row["n"] or 0), int(row["by_region"] or 0)


def territory_names(q: Gateway, wave: str) -> dict[str, str]:
    """Territory id -> name for one wave."""
    return q.memo(
        ("redraw_names", wave),
        lambda: {
            i: str(n).strip()
            for i, n in q.rows("SELECT id, name FROM territory WHERE wave = ? ORDER BY id", [wave])
        },
    )


def has_territory(q: Gateway, wave, key) -> bool:
    w = valid_wave(wave)
    return (
        w is not None
        and isinstance(key, str)
        and len(key) <= MAX_ID_LEN
        and key in territory_names(q, w)
    )


def touching(q: Gateway, wave: str, p: Place) -> list[str]:
    """Ids of the territories of ``wave`` that touch the place, sorted."""
    return q.memo(
        ("redraw_touch", wave, p),
        lambda: sorted(r[0] for r in q.rows(_TOUCH, [wave, *p.params()])),
    )


def change_counts(q: Gateway, p: Place) -> pd.DataFrame:
    """The change-map legend: ``change_class``, ``label``, ``n_communes``, ``population`` of the place."""
    return q.memo(
        ("redraw_change_count", p),
        lambda: q.df(
            "SELECT change_class, label, n_communes, population FROM redraw_change_count "
            "WHERE level = ? AND code = ? ORDER BY rank",
            [p.level, p.code],
        ),
    )


def summary(q: Gateway, p: Place) -> pd.DataFrame:
    """``redraw_summary_change`` for the place itself (one row)."""
    return q.df(
        "SELECT * FROM redraw_summary_change WHERE level = ? AND code = ?", [p.level, p.code]
    )


def summary_breakdown(q: Gateway, p: Place) -> pd.DataFrame:
    """``redraw_summary_change`` one level down: régions of France, départements of a région
    (a département: itself)."""
    if p.level == "france":
        return q.df("SELECT * FROM redraw_summary_change WHERE level = 'region' ORDER BY code")
    if p.level == "region":
        return q.df(
            "SELECT * FROM redraw_summary_change WHERE level = 'departement' AND region = ? "
            "ORDER BY code",
            [p.reg],
        )
    return summary(q, p)


def transitions(q: Gateway, p: Place) -> pd.DataFrame:
    """One row per 2018 territory touching the place: class, label, counterpart and shares."""
    return q.df(
        "SELECT t.ti_2018, t.name, t.transition, l.label, t.population, t.counterpart_2023, "
        "n.name AS counterpart_name, t.main_share, t.second_share, t.outside_share, t.source_share, "
        "t.n_successors FROM redraw_transition t "
        "JOIN redraw_label l ON l.kind = 'transition' AND l.code = t.transition "
        "LEFT JOIN territory n ON n.wave = '2023' AND n.id = t.counterpart_2023 "
        "WHERE list_contains(?, t.ti_2018) ORDER BY l.rank, t.ti_2018",
        [touching(q, "2018", p)],
    )


def transition_counts(q: Gateway, p: Place) -> pd.DataFrame:
    """Number of 2018 territories of each transition class touching the place (0 included)."""
    return q.df(
        "SELECT l.code AS transition, l.label, count(t.ti_2018) AS n FROM redraw_label l "
        "LEFT JOIN redraw_transition t ON t.transition = l.code AND list_contains(?, t.ti_2018) "
        "WHERE l.kind = 'transition' GROUP BY ALL ORDER BY min(l.rank)",
        [touching(q, "2018", p)],
    )


def flows(q: Gateway, p: Place) -> pd.DataFrame:
    """Flows of population between the territories touching the place: every flow out of a
    2018 territory touching it and every flow into a 2023 territory touching it, with names
    and the transition class of the 2018 side (NULL side = outside the programme)."""
    t18, t23 = touching(q, "2018", p), touching(q, "2023", p)
    return q.df(
        "SELECT f.ti_2018, a.name AS name_2018, t.transition, f.ti_2023, b.name AS name_2023, "
        "f.population, f.n_communes, f.share_of_2018, f.share_of_2023 FROM redraw_flow f "
        "LEFT JOIN redraw_transition t ON t.ti_2018 = f.ti_2018 "
        "LEFT JOIN territory a ON a.wave = '2018' AND a.id = f.ti_2018 "
        "LEFT JOIN territory b ON b.wave = '2023' AND b.id = f.ti_2023 "
        "WHERE list_contains(?, f.ti_2018) OR list_contains(?, f.ti_2023) "
        "ORDER BY f.ti_2018 NULLS LAST, f.ti_2023 NULLS LAST",
        [t18, t23],
    )


def class_flows(q: Gateway, p: Place) -> pd.DataFrame:
    """The same flows summed by class (national view of the flow chart): 2018 side = the
    transition class (or 'outside'), 2023 side = 'counterpart' / 'other' / 'outside'."""
    t18, t23 = touching(q, "2018", p), touching(q, "2023", p)
    return q.df(
        "SELECT coalesce(t.transition, 'outside') AS source, "
        "CASE WHEN f.ti_2023 IS NULL THEN 'outside' WHEN f.ti_2023 = t.counterpart_2023 THEN 'counterpart' "
        "ELSE 'other' END AS target, sum(f.population)::BIGINT AS population, sum(f.n_communes)::BIGINT AS n_communes "
        "FROM redraw_flow f LEFT JOIN redraw_transition t ON t.ti_2018 = f.ti_2018 "
        "WHERE list_contains(?, f.ti_2018) OR list_contains(?, f.ti_2023) GROUP BY ALL ORDER BY 1, 2",
        [t18, t23],
    )


def scope_counts(q: Gateway, wave: str, p: Place) -> pd.DataFrame:
    """Territories of ``wave`` touching the place by scope (single arrondissement ...), 0 included."""
    if p.level == "france":
        return q.df(
            "SELECT scope, label, n_territories FROM redraw_scope_count WHERE wave = ? "
            "ORDER BY rank",
            [wave],
        )
    return q.df(
        "SELECT l.code AS scope, l.label, count(s.territory_id) AS n_territories FROM redraw_label l "
        "LEFT JOIN redraw_territory_scope s ON s.scope = l.code AND s.wave = ? AND list_contains(?, s.territory_id) "
        "WHERE l.kind = 'scope' GROUP BY ALL ORDER BY min(l.rank)",
        [wave, touching(q, wave, p)],
    )


def territory_arrondissements(
    q: Gateway, wave: str, p: Place, territory: str | None = None
) -> pd.DataFrame:
    """Each territory touching the place (or one territory) with the arrondissements it touches
    and the share of its population in each; ``scope`` label of the territory."""
    keys = [territory] if territory else touching(q, wave, p)
    return q.df(
        "SELECT ta.territory_id, t.name AS territory_name, l.label AS scope, ta.arrondissement, "
        "a.name AS arrondissement_name, a.chef_lieu_name, ta.departement, ta.population, ta.n_communes, "
        "ta.share_of_territory, ta.share_of_arrondissement FROM redraw_territory_arrondissement ta "
        "JOIN territory t ON t.wave = ta.wave AND t.id = ta.territory_id "
        "JOIN redraw_territory_scope s ON s.wave = ta.wave AND s.territory_id = ta.territory_id "
        "JOIN redraw_label l ON l.kind = 'scope' AND l.code = s.scope "
        "LEFT JOIN arrondissement a ON a.code = ta.arrondissement "
        "WHERE ta.wave = ? AND list_contains(?, ta.territory_id) "
        "ORDER BY ta.territory_id, ta.share_of_territory DESC, ta.arrondissement",
        [wave, keys],
    )


def arrondissements(q: Gateway, wave: str, p: Place) -> pd.DataFrame:
    """Each arrondissement of the place: territories in it (names) and population covered."""
    return q.df(
        "SELECT ra.arrondissement, ra.name, a.chef_lieu_name, ra.chef_lieu_kind, ra.departement, "
        "ra.n_territories, ra.population_covered, ra.total_population, ra.share_covered, "
        "(SELECT string_agg(t.name || ' (' || fmt_pct || ')', ' ; ' ORDER BY ta.share_of_arrondissement DESC) "
        " FROM (SELECT *, printf('%.0f %%', 100 * share_of_arrondissement) AS fmt_pct "
        "       FROM redraw_territory_arrondissement) ta "
        " JOIN territory t ON t.wave = ta.wave AND t.id = ta.territory_id "
        " WHERE ta.wave = ra.wave AND ta.arrondissement = ra.arrondissement) AS territories "
        "FROM redraw_arrondissement ra JOIN arrondissement a ON a.code = ra.arrondissement "
        "WHERE ra.wave = ? AND (?::VARCHAR IS NULL OR ra.region = ?) AND (?::VARCHAR IS NULL OR ra.departement = ?) "
        "ORDER BY ra.arrondissement",
        [wave, *p.params()],
    )


def counterpart(q: Gateway, wave: str, key: str) -> dict | None:
    """The counterpart of a territory in the other wave (``redraw_counterpart``), or None."""
    df = q.df(
        "SELECT c.*, n.name AS counterpart_name FROM redraw_counterpart c "
        "LEFT JOIN territory n ON n.wave = c.counterpart_wave AND n.id = c.counterpart_id "
        "WHERE c.wave = ? AND c.territory_id = ?",
        [wave, key],
    )
    if df.empty:
        return None
    rec = df.iloc[0].to_dict()
    return {k: (None if (not isinstance(v, str) and pd.isna(v)) else v) for k, v in rec.items()}


def territory_flows(q: Gateway, wave: str, key: str) -> pd.DataFrame:
    """Flows of one territory to (2018) or from (2023) the other wave, largest first."""
    if wave == "2018":
        return q.df(
            "SELECT d.ti_2023 AS other_id, d.name_2023 AS other_name, d.population, "
            "d.share_of_2018 AS share, d.transition FROM redraw_transition_detail d "
            "WHERE d.ti_2018 = ? ORDER BY d.population DESC",
            [key],
        )
    return q.df(
        "SELECT f.ti_2018 AS other_id, t.name AS other_name, f.population, f.share_of_2023 AS share, "
        "NULL AS transition FROM redraw_flow f LEFT JOIN territory t ON t.wave = '2018' AND t.id = f.ti_2018 "
        "WHERE f.ti_2023 = ? ORDER BY f.population DESC",
        [key],
    )


def member_options(q: Gateway) -> list[dict]:
    """EPCI and Grand Paris EPT a scenario can move, as dropdown options ``KIND:siren``."""

    def load():
        df = q.df(
            "SELECT 'EPCI' AS kind, siren, name, main_departement FROM epci "
            "UNION ALL SELECT 'EPT', siren, name, main_departement FROM ept ORDER BY name, siren"
        )
        return [
            {"label": f"{str(n).strip()} ({k}, {d or '—'})", "value": f"{k}:{s}"}
            for k, s, n, d in df.itertuples(index=False)
        ]

    return q.memo(("redraw_member_options",), load)


def commune_layer(q: Gateway, p: Place) -> tuple[bytes, bytes]:
    """Communes of the place with their change class (property ``c``) and name, as GeoJSON
    ``(body, gzip-compressed body)``: the national view as the build encoded it (coarse, with
    the overseas insets), a région or département cut from the medium geometry at its true
    position (coordinates already on the grid of their level)."""
    if p.level == "france":
        stored = stored_layer(q, "redraw_commune", "coarse", True)
        if stored is not None:
            return stored[1], stored[2]

    def load():
        df = q.df(_COMMUNE_LAYER_SQL, ["coarse" if p.level == "france" else "medium", *p.params()])
        body = feature_collection(
            ({"key": k, "name": str(n).strip(), "c": c}, g)
            for k, n, c, g in df[["key", "name", "c", "g"]].itertuples(index=False)
        )
        return body, gzipped(body)

    return q.memo(("redraw_commune_layer", p), load, limit=150)


_COMMUNE_LAYER_SQL = (
    "SELECT s.key, r.commune_name AS name, r.change_class AS c, "
    "CASE WHEN s.level = 'coarse' THEN ST_AsGeoJSON(s.geom_inset) ELSE ST_AsGeoJSON(s.geom) END AS g "
    "FROM shape s JOIN redraw_commune r ON r.commune_code = s.key "
    "WHERE s.layer = 'commune' AND s.level = ? AND s.geom IS NOT NULL "
    "AND (?::VARCHAR IS NULL OR r.region = ?) AND (?::VARCHAR IS NULL OR r.departement = ?) "
    "ORDER BY s.key"
)


def scenario_base(q: Gateway) -> ScenarioBase:
    """The reference data of every scenario (read once per process and database version)."""
    return q.memo(("redraw_scenario_base",), lambda: load_base(q))


def load_base(reader, extra: pd.DataFrame | None = None) -> ScenarioBase:
    """Read the commune layer and the official 2023 map into a :class:`ScenarioBase`.

    Done once per process (under two seconds on the full database); every scenario of every
    user then shares it. ``reader`` is the gateway (or, in tests, any object with the same
    ``df`` and ``geodf`` methods, such as :class:`etl.db.Database`).

    Parameters
    ----------
    extra : more per-commune indicators, additive (counts: jobs, establishments ...), indexed
        by commune code; a commune absent from it has no value (missing, never 0). Each is
        summed over the territories and compared with the official map like the population.
    """
    communes = reader.geodf(
        """SELECT code, name, siren, epci_siren, ept_siren, population::DOUBLE AS population, area_km2,
                  ST_AsWKB(COALESCE(geom, 'POLYGON EMPTY'::GEOMETRY)) AS geom
           FROM commune WHERE zone <> 'com' ORDER BY code"""
    )
    members = reader.df("""SELECT territory_id, kind, siren, name FROM territory_member
                       WHERE wave = '2023' ORDER BY territory_id, kind, siren""")
    territories = reader.geodf(
        """SELECT id, name, population::DOUBLE AS population, area_km2, n_communes, n_members,
                  ST_AsWKB(geom) AS geom
           FROM territory WHERE wave = '2023' ORDER BY id"""
    )
    indicators = list(CORE_INDICATORS)
    if extra is not None:
        clash = [c for c in extra.columns if c in communes.columns]
        if clash:
            raise ValueError(
                f"extra indicators {clash} clash with commune columns {list(communes.columns)}"
            )
        num = extra.apply(pd.to_numeric, errors="raise").astype("float64")
        communes = communes.join(num, on="code")
        # the official value of an extra indicator: the sum over the official communes
        tc = reader.df(
            "SELECT territory_id, commune_code FROM territory_commune WHERE wave = '2023'"
        )
        official = (
            tc.join(num, on="commune_code")
            .groupby("territory_id")[list(num.columns)]
            .sum(min_count=1)
        )
        territories = territories.join(official, on="id")
        indicators += list(num.columns)
    return ScenarioBase.from_frames(communes, members, territories, indicators=indicators)


def commune_classes(q: Gateway, p: Place) -> pd.Series:
    """The change class of every commune of the place, by commune code."""
    df = q.df(
        "SELECT commune_code, change_class FROM redraw_commune "
        "WHERE (?::VARCHAR IS NULL OR region = ?) AND (?::VARCHAR IS NULL OR departement = ?)",
        p.params(),
    )
    return pd.Series(df["change_class"].to_numpy(), index=df["commune_code"].astype(str))
