"""The callbacks of ``/progres`` as plain functions (wired in ``dashboard/pages/progres.py``)."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import html

from dashboard.core import components as C
from dashboard.core import downloads, exports
from dashboard.core.charts import time_series
from dashboard.core.downloads import IMAGE, TABLE
from dashboard.core.gateway import Gateway
from dashboard.core.provenance import indicator_source
from dashboard.core.registries import demo_loaded
from dashboard.progress import figures as PF
from dashboard.progress import queries as PQ

PREFIX = "progres"
DEFAULT_LEVEL = "ti2023"


def cid(name: str) -> str:
    """The id of a component of the page."""
    return f"{PREFIX}-{name}"


def _choice(level, which, q: Gateway) -> tuple[str, bool]:
    """(level, demo) from untrusted inputs: unknown values fall back to the real registry."""
    level = level if isinstance(level, str) and level in PQ.LEVELS else DEFAULT_LEVEL
    return level, which == "demo" and demo_loaded(q)


def on_registry(q: Gateway, level, which):
    """Ranking rows and columns, the label, the map link and the over-time figure."""
    level, demo = _choice(level, which, q)
    df = PF.ranking_table(PQ.registry_ranking(q, level, demo=demo), demo)
    layer_id = PQ.LEVELS[level][0]
    ind = ("demo_projects_" if demo else "projects_") + "count"
    href = "/?" + urlencode({"couche": layer_id, "ind": ind})
    label = C.demo_label() if demo else html.Span()
    over = PQ.registry_over_time(q, demo=demo)
    title = "Projets du registre par année" + (" — DONNÉES FICTIVES" if demo else "")
    fig = time_series(
        over,
        "year",
        {
            "count": "Projets de l'année",
            "cumulative": "Cumul des projets",
            "jobs_created": "Emplois créés annoncés",
        },
        title,
    )
    status = (
        f"{len(df)} unités avec au moins un projet"
        if len(df)
        else "Pas de données : aucun projet placé à ce niveau."
    )
    units = PF.units_over_time(
        PQ.registry_over_time_by_unit(q, level, demo=demo),
        f"Cumul des projets des 5 premières unités ({PQ.LEVELS[level][2]})"
        + (" — DONNÉES FICTIVES" if demo else ""),
    )
    return PF.grid_rows(df), PF.ranking_columns(demo), label, href, fig, status, units


def ranking_file(q: Gateway, level, which):
    """(table with French headers, source note, file stem, demo) of the registry ranking."""
    level, demo = _choice(level, which, q)
    df = PF.ranking_table(PQ.registry_ranking(q, level, demo=demo), demo)
    df = df.rename(columns={c["field"]: c["headerName"] for c in PF.ranking_columns(demo)})
    note = indicator_source(q, "demo_projects_" if demo else "projects_") or "registre des projets"
    if demo:
        note = "DONNÉES FICTIVES — " + note
    return df, note, f"projets_{level}" + ("_donnees-fictives" if demo else ""), demo


def on_download(q: Gateway, fmt, level, which):
    """The registry ranking as a CSV or XLSX download (demonstration data watermarked)."""
    df, note, stem, demo = ranking_file(q, level, which)
    return exports.download(df, fmt if isinstance(fmt, str) else "csv", stem, note, demo=demo)


def export_path(name: str) -> str:
    """The address (without format) of one of the page's exports."""
    return downloads.export_path(PREFIX, name)


def on_registry_exports(q: Gateway, level, which):
    """The export buttons of the registry's ranking and charts, for the level and registry
    shown."""
    level, demo = _choice(level, which, q)
    query = urlencode({"niveau": level, "registre": "demo" if demo else "reel"})
    return [
        C.export_buttons(export_path("registre"), TABLE, "le classement", query=query),
        C.export_buttons(export_path("registre-par-annee"), IMAGE, "le graphique des projets "
                         "par année", query=query),
        C.export_buttons(export_path("registre-unites"), IMAGE, "le graphique des unités",
                         query=query),
    ]  # fmt: skip


def on_fr_export(q: Gateway, code):
    """The export buttons of the France Relance chart of one département."""
    dep = code if isinstance(code, str) and len(code) <= 3 else ""
    return C.export_buttons(
        export_path("france-relance-departement"), IMAGE, "le graphique du département",
        query=urlencode({"dep": dep}) if dep else "",
    )  # fmt: skip


def on_fr_departement(q: Gateway, code):
    """Monthly series of one département (an empty chart for an unknown code)."""
    df = PQ.france_relance(q, "departement")
    if df.empty or not isinstance(code, str):
        return time_series(df.iloc[0:0], "date", {}, "Pas de données")
    sub = df[df["code"] == code]
    name = str(sub["name"].iloc[0]) if len(sub) else "pas de données"
    return time_series(
        sub,
        "date",
        {"value": f"{code} — {name}"},
        f"Entreprises bénéficiaires, {code} — {name} (cumul mensuel)",
    )


def on_download_click(q: Gateway, fired: str, _csv, _xlsx, level, which):
    """One of the two download buttons clicked: the ranking in that button's format."""
    return on_download(q, "xlsx" if fired == "dl-xlsx" else "csv", level, which)
