"""Reads of the ``/progres`` page: published figures, the goal series, project registries,
France Relance and Urssaf employment.

Optional tables (loaded by later build steps, or not at all) read as empty frames when absent:
callers label what they got ("pas de données").
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from dashboard.core.gateway import Gateway
from dashboard.core.layers import frame

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


def goal_points(q: Gateway, goal: str) -> pd.DataFrame:
    """The curated points of one goal ('projects' or 'jobs'), by date, with their sources."""
    df = _df(q, ("pq_goal",), "goal_series", "SELECT * FROM goal_series ORDER BY goal, date")
    if df.empty:
        return df
    return df[df["goal"] == goal].reset_index(drop=True)


def latest_point(q: Gateway, goal: str) -> dict | None:
    """The latest published point of a goal (a dict of its row) or None."""
    df = goal_points(q, goal)
    return None if df.empty else df.iloc[-1].to_dict()


def published_series(q: Gateway, goal: str) -> pd.DataFrame:
    """Every published figure whose metric belongs to the goal, one series per (scope, metric).

    Projects: metrics naming projects, actions or laureates; jobs: metrics naming jobs. The
    column ``series`` names the definition; figures of different series are never added.
    """
    df = _df(q, ("pq_figures",), "published_figure", "SELECT * FROM published_figure ORDER BY date")
    if df.empty:
        return df
    metric = df["metric"].astype(str).str.lower()
    unit = df["unit"].astype(str).str.lower()
    if goal == "jobs":
        keep = metric.str.contains("jobs") & unit.str.match(r"^jobs\b")
    else:
        keep = metric.str.contains("project|action|laureate") & unit.str.match(
            r"^(projects?|actions?|laureates?)\b"
        )
    out = df[keep].copy()
    out["series"] = out["metric"].astype(str) + " — " + out["scope"].astype(str)
    return out.reset_index(drop=True)


def pace_points(q: Gateway, goal: str) -> list[tuple[date, float]]:
    """(date, value) of the curated goal series, for :mod:`dashboard.pace`."""
    df = goal_points(q, goal)
    return [
        (pd.Timestamp(d).date(), float(v)) for d, v in zip(df["date"], df["value"], strict=True)
    ]


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
