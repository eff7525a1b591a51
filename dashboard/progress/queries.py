"""Reads of the ``/progres`` page: published figures, the goal series, project registries,
France Relance and Urssaf employment.

Optional tables (loaded by later build steps, or not at all) read as empty frames when absent:
callers label what they got ("pas de données").
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard.core.gateway import Gateway
from dashboard.core.layers import frame
from dashboard.core.registries import REAL_FIRST_REGISTRY, demo_loaded, national_registry
from dashboard.progress import pace as P

LEVELS = {  # ranking level -> (map layer id, indicator layer, French label)
    "region": ("region", "region", "Région"),
    "departement": ("departement", "departement", "Département"),
    "ti2023": ("ti2023", "territory_2023", "Territoire d'industrie 2023"),
    "ti2018": ("ti2018", "territory_2018", "Territoire d'industrie 2018"),
}


REGISTRY_METRICS = ("count", "public_aid", "investment", "jobs_created", "jobs_maintained")


def _df(q: Gateway, key: tuple, table: str, sql: str, params: list | None = None) -> pd.DataFrame:
    """Rows of an optional table (cached), an empty frame when the table is absent."""
    if not q.has(table):
        return pd.DataFrame()
    return q.memo(key, lambda: q.df(sql, params or []))


def goals(q: Gateway) -> pd.DataFrame:
    """The goals (``goal`` table: value, metric, scope, phase, unit, start, horizons)."""
    return _df(q, ("pq_goals",), "goal", "SELECT * FROM goal ORDER BY goal DESC")


def goal(q: Gateway, name: str) -> P.Goal | None:
    """The goal ``name`` ('projects' or 'jobs') as a :class:`pace.Goal`, None when not loaded."""
    df = goals(q)
    if df.empty or name not in set(df["goal"]):
        return None
    r = df[df["goal"] == name].iloc[0]
    return P.Goal(
        P.Definition(str(r["metric"]), str(r["scope"]), str(r["phase"]), str(r["unit"])),
        float(r["value"]),
        pd.Timestamp(r["start"]).date(),
        (int(r["horizon_min"]), int(r["horizon_max"])),
    )


def goal_sources(q: Gateway) -> pd.DataFrame:
    """The published rows that state the goals (source name, address, date, quote), in order."""
    return _df(q, ("pq_goal_sources",), "goal_source", "SELECT * FROM goal_source ORDER BY rank")


def nearest_figures(q: Gateway, goal_name: str) -> pd.DataFrame:
    """The published figures nearest to a goal (``goal_series``), each with why it does or does
    not measure it (``note``), by date."""
    df = _df(q, ("pq_goal",), "goal_series", "SELECT * FROM goal_series ORDER BY goal, date")
    if df.empty:
        return df
    return df[df["goal"] == goal_name].reset_index(drop=True)


def definition(row) -> P.Definition:
    """The :class:`pace.Definition` of a row of ``published_figure`` or ``goal_series``."""
    return P.Definition(
        str(row["definition_name"]), str(row["scope_fr"]), str(row["phase"]), str(row["unit_fr"])
    )


def figure(row) -> P.Figure:
    """A row of ``published_figure`` or ``goal_series`` as a :class:`pace.Figure` (dated
    between the first and last day of its published period)."""
    return P.Figure(
        definition(row),
        float(row["value"]),
        pd.Timestamp(row["date_start"]).date(),
        pd.Timestamp(row["date"]).date(),
    )


def published_figures(q: Gateway) -> pd.DataFrame:
    """Every published figure with its French label, definition and family, by family,
    definition and date."""
    df = _df(
        q,
        ("pq_figures",),
        "published_figure",
        "SELECT f.*, d.famille AS family_order FROM published_figure f "
        "LEFT JOIN published_definition d USING (definition) ORDER BY f.date, f.label",
    )
    return df


# what a registry counts toward each goal (projects: 1 a project; jobs: its jobs created), by
# date; the demonstration registry, or the real ones but the mirror's regional Fonds vert list
_MEASURE_DAILY = (
    "SELECT date, sum(CASE WHEN ? THEN 1 ELSE coalesce(jobs_created, 0) END) AS n FROM project "
    "WHERE is_demo = ? AND (is_demo OR registry <> ?) AND date IS NOT NULL "
    "GROUP BY date ORDER BY date"
)
_MEASURE_UNDATED = (
    "SELECT count(*) FROM project WHERE is_demo = ? AND (is_demo OR registry <> ?) AND date IS NULL"
)


def measured_by(q: Gateway, goal_name: str, *, demo: bool = False) -> dict | None:
    """What measures a goal, when something does: the national project registry (or, on
    request, the demonstration registry), whose projects are those the goal counts.

    Returns ``{"stock": Figure, "last": Figure, "series": [(date, value)], "registry": label,
    "demo": bool, "n_undated": int}`` or None (no national registry: the goal is not measurable
    from what is loaded). The figures carry the goal's own definition.
    """
    g = goal(q, goal_name)
    if g is None or not q.has("project"):
        return None
    if demo and not demo_loaded(q):
        return None
    if not demo and not national_registry(q):
        return None

    def load():
        return (
            q.df(_MEASURE_DAILY, [goal_name == "projects", demo, REAL_FIRST_REGISTRY]),
            q.scalar(_MEASURE_UNDATED, [demo, REAL_FIRST_REGISTRY]),
        )

    daily, undated = q.memo(("pq_measured", goal_name, demo), load)
    if daily.empty:
        return None
    days = [pd.Timestamp(d).date() for d in daily["date"]]
    cum = daily["n"].astype(float).cumsum().tolist()
    before = [c for d, c in zip(days, cum, strict=True) if d < g.start]
    stock = P.Figure.on(g.definition, before[-1] if before else 0.0, g.start)
    last = P.Figure.on(g.definition, cum[-1], max(days[-1], g.start))
    return {
        "stock": stock,
        "last": last,
        "series": list(zip(days, cum, strict=True)),
        "demo": demo,
        "n_undated": int(undated or 0),
    }


def registry_ranking(q: Gateway, level: str, *, demo: bool = False) -> pd.DataFrame:
    """Projects, public aid and jobs by unit of ``level``, ranked by number of projects.

    Columns: code, nom, then one column per metric of :data:`REGISTRY_METRICS` (NaN = no
    project there, shown as "pas de données"); only units with projects have a row.
    """
    if level not in LEVELS:
        return pd.DataFrame()
    layer_id, ind_layer, _ = LEVELS[level]
    prefix = "demo_projects_" if demo else "projects_"

    def load():
        if not q.has("indicator"):
            return pd.DataFrame()
        df = q.df(
            "SELECT key, indicator, value FROM indicator WHERE layer = ? AND starts_with(indicator, ?)",
            [ind_layer, prefix],
        )
        if df.empty:
            return pd.DataFrame()
        df["metric"] = df["indicator"].str.slice(len(prefix))
        wide = df.pivot_table(index="key", columns="metric", values="value", aggfunc="first")
        wide = wide.reindex(columns=[m for m in REGISTRY_METRICS])
        names = frame(q, layer_id)["name"].astype(str).str.strip()
        wide.insert(0, "nom", names.reindex(wide.index).fillna("").to_numpy())
        wide = wide.reset_index().rename(columns={"key": "code"})
        return wide.sort_values(
            ["count", "code"], ascending=[False, True], na_position="last"
        ).reset_index(drop=True)

    return q.memo(("pq_ranking", level, demo), load)


def registry_over_time(q: Gateway, *, demo: bool = False) -> pd.DataFrame:
    """Projects per year of their date (count, public aid, jobs created), with cumulative count."""

    def load():
        if not q.has("project"):
            return pd.DataFrame()
        df = q.df(
            "SELECT year(date) AS year, count(*) AS count, sum(public_aid_eur) AS public_aid, "
            "sum(jobs_created) AS jobs_created FROM project WHERE is_demo = ? AND date IS NOT NULL "
            "GROUP BY 1 ORDER BY 1",
            [demo],
        )
        df["cumulative"] = df["count"].cumsum()
        return df

    return q.memo(("pq_over_time", demo), load)


_BY_UNIT_SQL = {
    "region": "SELECT place_region AS code, year(date) AS year, count(*) AS count FROM project "
    "WHERE is_demo = ? AND date IS NOT NULL AND place_region IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
    "departement": "SELECT place_departement AS code, year(date) AS year, count(*) AS count FROM project "
    "WHERE is_demo = ? AND date IS NOT NULL AND place_departement IS NOT NULL "
    "GROUP BY 1, 2 ORDER BY 1, 2",
    "ti2023": "SELECT place_territory_2023 AS code, year(date) AS year, count(*) AS count FROM project "
    "WHERE is_demo = ? AND date IS NOT NULL AND place_territory_2023 IS NOT NULL "
    "GROUP BY 1, 2 ORDER BY 1, 2",
    "ti2018": "SELECT place_territory_2018 AS code, year(date) AS year, count(*) AS count FROM project "
    "WHERE is_demo = ? AND date IS NOT NULL AND place_territory_2018 IS NOT NULL "
    "GROUP BY 1, 2 ORDER BY 1, 2",
}


def registry_over_time_by_unit(
    q: Gateway, level: str, *, demo: bool = False, top: int = 5
) -> pd.DataFrame:
    """Cumulative projects per year for the ``top`` units of a level (by number of projects):
    columns code, nom, year, count, cumulative."""
    if not isinstance(level, str) or level not in _BY_UNIT_SQL or not q.has("project"):
        return pd.DataFrame()

    def load():
        df = q.df(_BY_UNIT_SQL[level], [demo])
        if df.empty:
            return df
        keep = (
            df.groupby("code")["count"]
            .sum()
            .sort_values(ascending=False, kind="stable")
            .head(top)
            .index
        )
        df = df[df["code"].isin(keep)].copy()
        df["cumulative"] = df.groupby("code")["count"].cumsum()
        names = frame(q, LEVELS[level][0])["name"].astype(str).str.strip()
        df["nom"] = df["code"].map(names).fillna(df["code"])
        return df.reset_index(drop=True)

    return q.memo(("pq_over_time_unit", level, demo, top), load)


def france_relance(q: Gateway, level: str) -> pd.DataFrame:
    """Monthly cumulative beneficiaries at one level ('departement', 'region', 'france')."""
    df = _df(
        q, ("pq_fr",), "france_relance", "SELECT * FROM france_relance ORDER BY level, code, date"
    )
    if df.empty:
        return df
    return df[df["level"] == level].reset_index(drop=True)


def france_relance_latest(q: Gateway, level: str = "departement") -> pd.DataFrame:
    """The last monthly value of each unit (code, name, date, value)."""
    df = france_relance(q, level)
    if df.empty:
        return df
    return (
        df.sort_values("date")
        .groupby("code", as_index=False)
        .last()
        .sort_values(["value", "code"], ascending=[False, True])
        .reset_index(drop=True)
    )


def employment_by_unit(q: Gateway, layer: str) -> pd.DataFrame:
    """Industrial employees per unit of ``layer`` (an ``employment.layer`` name): first and last year,
    change since the first year, coverage; every unit of the layer, NaN where there is no data."""
    if layer not in (
        "territory_2023",
        "territory_2018",
        "epci",
        "arrondissement",
        "departement",
        "region",
    ):
        return pd.DataFrame()

    def load():
        if not q.has("employment"):
            return pd.DataFrame()
        e = q.df(
            "SELECT key, year, employees, coverage FROM employment WHERE layer = ? "
            "AND sector = 'industrie' ORDER BY key, year",
            [layer],
        )
        layer_id = {"territory_2023": "ti2023", "territory_2018": "ti2018"}.get(layer, layer)
        names = frame(q, layer_id)["name"].astype(str).str.strip()
        out = pd.DataFrame({"code": names.index, "nom": names.to_numpy()})
        if e.empty:
            return out.assign(
                coverage=math.nan,
                first_year=math.nan,
                first=math.nan,
                last_year=math.nan,
                last=math.nan,
                change_pct=math.nan,
                complete=False,
            )
        y0, y1 = int(e["year"].min()), int(e["year"].max())
        first = e[e.year == y0].set_index("key")["employees"]
        last = e[e.year == y1].set_index("key")["employees"]
        cov = e.groupby("key")["coverage"].first()
        out["coverage"] = out["code"].map(cov) * 100
        # "complete": the build's own test of a full coverage (etl/sources/urssaf.py COMPLETE)
        done = q.df("SELECT key, complete FROM employment_coverage WHERE layer = ?", [layer])
        out["complete"] = out["code"].map(dict(zip(done["key"], done["complete"], strict=True)))
        out["complete"] = out["complete"].fillna(False).astype(bool)
        out["first_year"], out["last_year"] = y0, y1
        out["first"] = out["code"].map(first)
        out["last"] = out["code"].map(last)
        out["change_pct"] = (out["last"] / out["first"].where(out["first"] > 0) - 1) * 100
        return out.sort_values(
            ["coverage", "last"], ascending=False, na_position="last"
        ).reset_index(drop=True)

    return q.memo(("pq_employment", layer), load)
