"""Reads over the progress tables (issue 5), built on the shared :class:`dashboard.queries.Queries`.

Every function takes the query layer ``q`` first; results that depend on no user input are
cached with ``q.memo`` (dropped when the database file changes). Tables read (all optional: a
database built before issue 5 gives empty results, never an error):

- ``published_figure``, ``goal_series`` (published programme figures, the curated goal series);
- ``france_relance`` (beneficiaries by level and month);
- ``employment``, ``employment_coverage`` (Urssaf, per layer/key/sector/year);
- ``registry``, ``project`` and the ``projects_*`` / ``demo_projects_*`` rows of ``indicator``;
- ``source`` (provenance: vintage, licence).

Demonstration data: :func:`demo_loaded` says whether the demo registry is present; every read of
registry data takes ``demo`` explicitly (False by default), so fictitious rows never appear
unless a caller asks for them, and callers label what they got.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.queries import Queries, get_layer

LEVELS = {  # ranking level -> (map layer id, indicator layer, French label)
    "region": ("region", "region", "Région"),
    "departement": ("departement", "departement", "Département"),
    "ti2023": ("ti2023", "territory_2023", "Territoire d'industrie 2023"),
    "ti2018": ("ti2018", "territory_2018", "Territoire d'industrie 2018"),
}
WAVES = {"2018": "ti2018", "2023": "ti2023"}
REGISTRY_METRICS = ("count", "public_aid", "investment", "jobs_created", "jobs_maintained")
REAL_FIRST_REGISTRY = "fonds-vert-2024"  # the mirror's 19 projects (PACA), loaded by every build
_ID = re.compile(r"^ti-\d{4}$")
DEMO_LABEL = "données fictives"


@dataclass(frozen=True)
class SourceInfo:
    name: str
    vintage: str
    licence: str
    loaded_at: str

    def text(self) -> str:
        return f"{self.name} — millésime : {self.vintage} — licence : {self.licence}"


def tables(q: Queries) -> set[str]:
    return q.memo(("pq_tables",), lambda: q.db.tables())


def _df(q: Queries, key: tuple, table: str, sql: str, params: list | None = None) -> pd.DataFrame:
    if table not in tables(q):
        return pd.DataFrame()
    return q.memo(key, lambda: q.db.df(sql, params or []))


def source(q: Queries, prefix: str) -> SourceInfo | None:
    """Provenance of the first loaded file whose ``source.name`` starts with ``prefix``."""
    df = q.sources()
    hit = df[df["name"].astype(str).str.startswith(prefix)]
    if hit.empty:
        return None
    r = hit.iloc[0]
    return SourceInfo(
        str(r["name"]), str(r["vintage"]), str(r["licence"]), str(r["loaded_at"])[:10]
    )


# -- published figures ---------------------------------------------------------------------------


def goal_points(q: Queries, goal: str) -> pd.DataFrame:
    """The curated points of one goal ('projects' or 'jobs'), by date, with their sources."""
    df = _df(q, ("pq_goal",), "goal_series", "SELECT * FROM goal_series ORDER BY goal, date")
    if df.empty:
        return df
    return df[df["goal"] == goal].reset_index(drop=True)


def latest_point(q: Queries, goal: str) -> dict | None:
    """The latest published point of a goal (a dict of its row) or None."""
    df = goal_points(q, goal)
    return None if df.empty else df.iloc[-1].to_dict()


def published_series(q: Queries, goal: str) -> pd.DataFrame:
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


def pace_points(q: Queries, goal: str) -> list[tuple[date, float]]:
    """(date, value) of the curated goal series, for :mod:`dashboard.pace`."""
    df = goal_points(q, goal)
    return [
        (pd.Timestamp(d).date(), float(v)) for d, v in zip(df["date"], df["value"], strict=True)
    ]


# -- project registry ---------------------------------------------------------------------------


def registries(q: Queries) -> pd.DataFrame:
    """The loaded registries (``registry`` table), empty when none."""
    return _df(q, ("pq_registries",), "registry", "SELECT * FROM registry ORDER BY name")


def demo_loaded(q: Queries) -> bool:
    """True when the demonstration registry (données fictives) is in the database."""
    reg = registries(q)
    return bool(len(reg) and reg["is_demo"].astype(bool).any())


def national_registry(q: Queries) -> bool:
    """True when a real registry other than the mirror's Fonds vert 2024 projects is loaded."""
    reg = registries(q)
    if reg.empty:
        return False
    real = reg[~reg["is_demo"].astype(bool)]
    return bool((real["name"].astype(str) != REAL_FIRST_REGISTRY).any())


def registry_ranking(q: Queries, level: str, *, demo: bool = False) -> pd.DataFrame:
    """Projects, public aid and jobs by unit of ``level``, ranked by number of projects.

    Columns: code, nom, then one column per metric of :data:`REGISTRY_METRICS` (NaN = no
    project there, shown as "pas de données"); only units with projects have a row.
    """
    if level not in LEVELS:
        return pd.DataFrame()
    layer_id, ind_layer, _ = LEVELS[level]
    prefix = "demo_projects_" if demo else "projects_"

    def load():
        if "indicator" not in tables(q):
            return pd.DataFrame()
        df = q.db.df(
            "SELECT key, indicator, value FROM indicator WHERE layer = ? AND starts_with(indicator, ?)",
            [ind_layer, prefix],
        )
        if df.empty:
            return pd.DataFrame()
        df["metric"] = df["indicator"].str.slice(len(prefix))
        wide = df.pivot_table(index="key", columns="metric", values="value", aggfunc="first")
        wide = wide.reindex(columns=[m for m in REGISTRY_METRICS])
        names = q.frame(layer_id)["name"].astype(str).str.strip()
        wide.insert(0, "nom", names.reindex(wide.index).fillna("").to_numpy())
        wide = wide.reset_index().rename(columns={"key": "code"})
        return wide.sort_values(
            ["count", "code"], ascending=[False, True], na_position="last"
        ).reset_index(drop=True)

    return q.memo(("pq_ranking", level, demo), load)


def registry_over_time(q: Queries, *, demo: bool = False) -> pd.DataFrame:
    """Projects per year of their date (count, public aid, jobs created), with cumulative count."""

    def load():
        if "project" not in tables(q):
            return pd.DataFrame()
        df = q.db.df(
            "SELECT year(date) AS year, count(*) AS count, sum(public_aid_eur) AS public_aid, "
            "sum(jobs_created) AS jobs_created FROM project WHERE is_demo = ? AND date IS NOT NULL "
            "GROUP BY 1 ORDER BY 1",
            [demo],
        )
        df["cumulative"] = df["count"].cumsum()
        return df

    return q.memo(("pq_over_time", demo), load)


# per level, the project's place column: SQL written out in full, nothing formatted into it
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
    q: Queries, level: str, *, demo: bool = False, top: int = 5
) -> pd.DataFrame:
    """Cumulative projects per year for the ``top`` units of a level (by number of projects):
    columns code, nom, year, count, cumulative."""
    if not isinstance(level, str) or level not in _BY_UNIT_SQL or "project" not in tables(q):
        return pd.DataFrame()

    def load():
        df = q.db.df(_BY_UNIT_SQL[level], [demo])
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
        names = q.frame(LEVELS[level][0])["name"].astype(str).str.strip()
        df["nom"] = df["code"].map(names).fillna(df["code"])
        return df.reset_index(drop=True)

    return q.memo(("pq_over_time_unit", level, demo, top), load)


def indicator_source(q: Queries, indicator_prefix: str) -> str:
    """The ``source`` text written with the rows of an indicator family ('' when absent)."""
    if "indicator" not in tables(q):
        return ""
    return q.memo(
        ("pq_isource", indicator_prefix),
        lambda: str(
            q.db.scalar(
                "SELECT any_value(source) FROM indicator WHERE starts_with(indicator, ?)",
                [indicator_prefix],
            )
            or ""
        ),
    )


# -- France Relance -----------------------------------------------------------------------------


def france_relance(q: Queries, level: str) -> pd.DataFrame:
    """Monthly cumulative beneficiaries at one level ('departement', 'region', 'france')."""
    df = _df(
        q, ("pq_fr",), "france_relance", "SELECT * FROM france_relance ORDER BY level, code, date"
    )
    if df.empty:
        return df
    return df[df["level"] == level].reset_index(drop=True)


def france_relance_latest(q: Queries, level: str = "departement") -> pd.DataFrame:
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


# -- Urssaf employment --------------------------------------------------------------------------


def employment_by_unit(q: Queries, layer: str) -> pd.DataFrame:
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
        if "employment" not in tables(q):
            return pd.DataFrame()
        e = q.db.df(
            "SELECT key, year, employees, coverage FROM employment WHERE layer = ? "
            "AND sector = 'industrie' ORDER BY key, year",
            [layer],
        )
        layer_id = {"territory_2023": "ti2023", "territory_2018": "ti2018"}.get(layer, layer)
        names = q.frame(layer_id)["name"].astype(str).str.strip()
        out = pd.DataFrame({"code": names.index, "nom": names.to_numpy()})
        if e.empty:
            return out.assign(
                coverage=math.nan,
                first_year=math.nan,
                first=math.nan,
                last_year=math.nan,
                last=math.nan,
                change_pct=math.nan,
            )
        y0, y1 = int(e["year"].min()), int(e["year"].max())
        first = e[e.year == y0].set_index("key")["employees"]
        last = e[e.year == y1].set_index("key")["employees"]
        cov = e.groupby("key")["coverage"].first()
        out["coverage"] = out["code"].map(cov) * 100
        out["first_year"], out["last_year"] = y0, y1
        out["first"] = out["code"].map(first)
        out["last"] = out["code"].map(last)
        out["change_pct"] = (out["last"] / out["first"].where(out["first"] > 0) - 1) * 100
        return out.sort_values(
            ["coverage", "last"], ascending=False, na_position="last"
        ).reset_index(drop=True)

    return q.memo(("pq_employment", layer), load)


def employment_series(q: Queries, layer: str, key: str) -> pd.DataFrame:
    """Year, industry and total employees of one unit (empty when it has no data)."""
    if not isinstance(key, str) or len(key) > 20 or "employment" not in tables(q):
        return pd.DataFrame()
    return q.db.df(
        "SELECT year, sector, employees, establishments, coverage FROM employment "
        "WHERE layer = ? AND key = ? ORDER BY sector, year",
        [layer, key],
    )


# -- one territory ------------------------------------------------------------------------------


def territory_profile(q: Queries, wave, territory_id) -> dict | None:
    """Everything the profile page shows about one territory, or None (unknown wave or id)."""
    if (
        not isinstance(wave, str)
        or wave not in WAVES
        or not isinstance(territory_id, str)
        or not _ID.fullmatch(territory_id)
    ):
        return None
    layer_id = WAVES[wave]
    d = q.detail(layer_id, territory_id)
    if d is None:
        return None
    layer = get_layer(layer_id)
    arr = q.frame("arrondissement")
    d["wave"] = wave
    d["arrondissements"] = [
        {
            "code": c,
            "name": str(arr.at[c, "name"]).strip(),
            "chef_lieu": str(arr.at[c, "chef_lieu_name"]),
            "kind": str(arr.at[c, "chef_lieu_kind"]),
        }
        for c in _touched_arrondissements(q, layer_id, territory_id)
        if c in arr.index
    ]
    d["employment"] = employment_series(q, layer.shape, territory_id)
    cov = _df(q, ("pq_cov",), "employment_coverage", "SELECT * FROM employment_coverage")
    row = cov[(cov["layer"] == layer.shape) & (cov["key"] == territory_id)] if len(cov) else cov
    d["employment_coverage"] = float(row["share"].iloc[0]) if len(row) else None
    d["projects"] = territory_projects(q, wave, territory_id, demo=False)
    d["demo_projects"] = territory_projects(q, wave, territory_id, demo=True)
    return d


def _touched_arrondissements(q: Queries, layer_id: str, key: str) -> list[str]:
    layer = get_layer(layer_id)
    codes = q._commune_codes(layer, key)  # noqa: SLF001 - the shared cached membership
    com = q._communes()  # noqa: SLF001
    return sorted(com.loc[com["code"].isin(codes), "arrondissement"].dropna().unique().tolist())


def territory_projects(
    q: Queries, wave: str, territory_id: str, *, demo: bool = False
) -> pd.DataFrame:
    """Projects placed in a territory of a wave (real ones, or the demo's when ``demo``)."""
    if "project" not in tables(q) or not isinstance(wave, str) or wave not in WAVES:
        return pd.DataFrame()
    col = {"2018": "place_territory_2018", "2023": "place_territory_2023"}[wave]
    sql = {
        "place_territory_2018": "SELECT registry, id, name, date, status, public_aid_eur, jobs_created, "
        "source FROM project WHERE place_territory_2018 = ? AND is_demo = ? "
        "ORDER BY date DESC, id",
        "place_territory_2023": "SELECT registry, id, name, date, status, public_aid_eur, jobs_created, "
        "source FROM project WHERE place_territory_2023 = ? AND is_demo = ? "
        "ORDER BY date DESC, id",
    }[col]
    return q.db.df(sql, [territory_id, demo])
