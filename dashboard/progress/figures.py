"""Pure figure builders of the progress pages: gauges, published series, pace paths, rankings.

Data in, ``plotly`` figures or frames out; no database, no Dash callbacks. Text from the data
(source titles, metric names) goes into hover labels escaped: shown as text, never as markup.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.charts import COLORS, esc, styled
from dashboard.core.formats import NO_DATA_LABEL, fmt_number, fmt_value
from dashboard.progress import pace as P

GOAL_LABELS = {"projects": "projets industriels", "jobs": "emplois"}


def gauge(goal_name: str, value: float | None, goal: float) -> go.Figure:
    """A goal gauge: the latest published figure against the goal (empty gauge when unknown)."""
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=value,
            number={"valueformat": ",.0f"},
            gauge={
                "axis": {"range": [0, goal], "tickformat": ",.0f"},
                "bar": {"color": COLORS[0]},
                "threshold": {"line": {"color": COLORS[1], "width": 3}, "value": goal},
            },
            title={
                "text": f"Objectif : {fmt_number(goal)} {GOAL_LABELS.get(goal_name, goal_name)}"
            },
        )
    )
    return styled(fig, height=260)


def series_figure(df: pd.DataFrame, title: str = "") -> go.Figure:
    """Published figures over time, one trace per definition (``series``), each point's hover
    naming its value, date as published and source title."""
    fig = go.Figure()
    if df is None or df.empty:
        return styled(fig, title)
    for i, (name, g) in enumerate(df.groupby("series", sort=False)):
        hover = [
            f"{esc(n)}<br>{fmt_number(v)} {esc(u)} ({esc(dt)})<br>Source : {esc(s)}"
            for n, v, u, dt, s in zip(
                g["series"], g["value"], g["unit"], g["date_text"], g["source_title"], strict=True
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(g["date"]),
                y=g["value"],
                name=esc(name)[:70],
                mode="lines+markers",
                hovertext=hover,
                hoverinfo="text",
                line={"color": COLORS[i % len(COLORS)]},
            )
        )
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    fig.update_yaxes(rangemode="tozero", tickformat=",.0f")
    return styled(fig, title, height=380)


def pace_figure(
    goal_name: str, points: list[tuple[date, float]], summary: P.PaceSummary
) -> go.Figure:
    """Linear paths to the goal over each horizon, the observed points, their pace extended to
    the reach date."""
    fig = go.Figure()
    for i, h in enumerate(summary.required_per_year):
        path = P.linear_path(summary.goal, summary.start, h)
        fig.add_trace(
            go.Scatter(
                x=[d for d, _ in path],
                y=[v for _, v in path],
                mode="lines",
                name=f"Trajectoire {h} ans ({fmt_number(summary.required_per_year[h])} / an)",
                line={"dash": "dash", "color": COLORS[2 + i]},
            )
        )
    if points:
        fig.add_trace(
            go.Scatter(
                x=[d for d, _ in points],
                y=[v for _, v in points],
                mode="markers+lines",
                name="Chiffres publiés",
                line={"color": COLORS[0]},
            )
        )
        if summary.reach is not None and summary.last_date is not None:
            fig.add_trace(
                go.Scatter(
                    x=[summary.last_date, summary.reach],
                    y=[summary.last_value, summary.goal],
                    mode="lines",
                    name="Rythme observé prolongé",
                    line={"dash": "dot", "color": COLORS[1]},
                )
            )
    fig.add_hline(y=summary.goal, line={"color": "#666", "width": 1})
    fig.update_yaxes(rangemode="tozero", tickformat=",.0f")
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return styled(
        fig,
        f"Rythme nécessaire : {fmt_number(summary.goal)} {GOAL_LABELS.get(goal_name, '')}",
        height=380,
    )


def pace_sentences(goal_name: str, summary: P.PaceSummary) -> list[str]:
    """The pace in words (French), from a :class:`dashboard.pace.PaceSummary`."""
    unit = GOAL_LABELS.get(goal_name, "")
    out = [f"Relance du programme : {summary.start:%d/%m/%Y}."]
    for h, per in summary.required_per_year.items():
        out.append(
            f"Sur {h} ans (échéance {summary.deadline[h]:%d/%m/%Y}) : {fmt_number(per)} {unit} par an."
        )
    if summary.observed_per_year is None:
        out.append("Rythme observé : pas de données (moins de deux chiffres publiés datés).")
    else:
        out.append(f"Rythme observé : {fmt_number(summary.observed_per_year)} {unit} par an.")
    if summary.reach is None:
        out.append("Date d'atteinte au rythme actuel : impossible à estimer.")
    else:
        out.append(f"Au rythme actuel, l'objectif serait atteint le {summary.reach:%d/%m/%Y}.")
    return out


def ranking_columns(demo: bool) -> list[dict]:
    """ag-grid column definitions of the registry ranking."""
    cols = [
        ("rang", "Rang", 70),
        ("code", "Code", 100),
        ("nom", "Nom", 260),
        ("projets", "Projets", 110),
        ("aide_publique", "Aide publique (€)", 170),
        ("investissement", "Investissement (€)", 170),
        ("emplois_crees", "Emplois créés", 140),
        ("emplois_maintenus", "Emplois maintenus", 160),
    ]
    defs = [{"field": f, "headerName": h, "width": w} for f, h, w in cols]
    if demo:
        defs.append({"field": "donnees", "headerName": "Données", "width": 150})
    return defs


def ranking_table(df: pd.DataFrame, demo: bool) -> pd.DataFrame:
    """The ranked table as exported and shown (French column names, 'donnees' on demo rows)."""
    if df is None or df.empty:
        return pd.DataFrame(columns=[c["field"] for c in ranking_columns(demo)])
    out = pd.DataFrame(
        {
            "rang": range(1, len(df) + 1),
            "code": df["code"],
            "nom": df["nom"],
            "projets": df.get("count"),
            "aide_publique": df.get("public_aid"),
            "investissement": df.get("investment"),
            "emplois_crees": df.get("jobs_created"),
            "emplois_maintenus": df.get("jobs_maintained"),
        }
    )
    if demo:
        out["donnees"] = "données fictives"
    return out


def grid_rows(df: pd.DataFrame) -> list[dict]:
    """Rows for ag-grid: NaN becomes the text "pas de données" (never 0)."""
    return df.astype(object).where(df.notna(), NO_DATA_LABEL).to_dict("records")


def france_relance_map(latest: pd.DataFrame, geojson: dict, title: str = "") -> go.Figure:
    """Choropleth (``choropleth_map``, white background: no tiles) of the last value by département."""
    fig = go.Figure()
    if latest is not None and not latest.empty:
        fig.add_trace(
            go.Choroplethmap(
                geojson=geojson,
                featureidkey="properties.key",
                locations=latest["code"],
                z=latest["value"],
                colorscale="Blues",
                marker={"line": {"width": 0.3, "color": "#555"}},
                hovertext=[
                    f"{esc(n)} ({esc(c)}) : {fmt_number(v)}"
                    for n, c, v in zip(latest["name"], latest["code"], latest["value"], strict=True)
                ],
                hoverinfo="text",
                colorbar={"title": "entreprises"},
            )
        )
    fig.update_layout(map={"style": "white-bg", "center": {"lat": 46.6, "lon": 0.5}, "zoom": 4.1})
    return styled(fig, title, height=480)


def units_over_time(df: pd.DataFrame, title: str = "") -> go.Figure:
    """Cumulative projects per year, one line per unit (names as text in the legend)."""
    fig = go.Figure()
    if df is not None and not df.empty:
        for i, (code, g) in enumerate(df.groupby("code", sort=False)):
            fig.add_trace(
                go.Scatter(
                    x=g["year"],
                    y=g["cumulative"],
                    mode="lines+markers",
                    name=esc(f"{g['nom'].iloc[0]} ({code})")[:60],
                    line={"color": COLORS[i % len(COLORS)]},
                )
            )
    fig.update_yaxes(rangemode="tozero", tickformat=",.0f")
    fig.update_xaxes(tickformat="d", dtick=1)
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return styled(fig, title)


def employment_table(df: pd.DataFrame) -> pd.DataFrame:
    """Urssaf industrial employment by unit with coverage, "pas de données" where there is none.

    Units not completely covered (column ``complete``, the build's test) have partial sums: their
    values are
    marked "minorant" (a lower bound) and get no change figure, which would compare partial sums.
    """
    if df is None or df.empty:
        return pd.DataFrame()
    y0 = int(df["first_year"].dropna().iloc[0]) if df["first_year"].notna().any() else None
    y1 = int(df["last_year"].dropna().iloc[0]) if df["last_year"].notna().any() else None
    partial = df["coverage"].notna() & ~df["complete"].astype(bool)

    def val(v, part):
        if pd.isna(v):
            return NO_DATA_LABEL
        return fmt_number(v) + (" (minorant, couverture partielle)" if part else "")

    return pd.DataFrame(
        {
            "code": df["code"],
            "nom": df["nom"],
            "couverture": [fmt_value(v, 0, "%") for v in df["coverage"]],
            f"salariés industrie {y0 or ''}".strip(): [
                val(v, p) for v, p in zip(df["first"], partial, strict=True)
            ],
            f"salariés industrie {y1 or ''}".strip(): [
                val(v, p) for v, p in zip(df["last"], partial, strict=True)
            ],
            "évolution": [
                NO_DATA_LABEL if p else fmt_value(v, 1, "%")
                for v, p in zip(df["change_pct"], partial, strict=True)
            ],
        }
    )
