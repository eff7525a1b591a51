"""Pure figure builders of the progress pages: gauges, published series, pace paths, rankings.

Data in, ``plotly`` figures or frames out; no database, no Dash callbacks. Text from the data
(source titles, metric names) goes into hover labels escaped: shown as text, never as markup.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.charts import COLORS, esc, styled
from dashboard.core.formats import NO_DATA_LABEL, fmt_number, fmt_value
from dashboard.progress import pace as P


def gauge(progress: P.Progress, title: str) -> go.Figure:
    """A goal gauge: what was achieved since the start against the goal (only ever drawn for a
    series of the goal's own definition: :class:`pace.Progress` checked it)."""
    g = progress.goal
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=progress.achieved,
            number={"valueformat": ",.0f", "suffix": f" {esc(g.definition.unit)}"},
            gauge={
                "axis": {"range": [0, g.value], "tickformat": ",.0f"},
                "bar": {"color": COLORS[0]},
                "threshold": {"line": {"color": COLORS[1], "width": 3}, "value": g.value},
            },
            title={"text": esc(title)},
        )
    )
    return styled(fig, height=260)


def value_text(value, decimals: int, unit: str) -> str:
    """A published value with its unit, as published ("1,36 milliard d'euros", "44 700 emplois")."""
    return fmt_value(value, int(decimals), unit)


def definition_panel(df: pd.DataFrame) -> go.Figure:
    """The timeline of one definition: its figures by date, one trace per phase (never joined
    across phases), each point's hover naming its label, value, date as published and source."""
    fig = go.Figure()
    first = df.iloc[0]
    for i, (phase, g) in enumerate(df.groupby("phase", sort=False)):
        hover = [
            f"{esc(lab)}<br>{esc(value_text(v, d, u))} ({esc(dl)})<br>Source : {esc(src)}"
            for lab, v, d, u, dl, src in zip(
                g["label"],
                g["value"],
                g["decimals"],
                g["unit_fr"],
                g["date_label"],
                g["source_name"],
                strict=True,
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(g["date"]),
                y=g["value"],
                name=esc(phase),
                mode="lines+markers",
                hovertext=hover,
                hoverinfo="text",
                marker={"size": 9},
                line={"color": COLORS[i % len(COLORS)]},
            )
        )
    decimals = int(df["decimals"].max())
    fig.update_yaxes(
        rangemode="tozero",
        tickformat=f",.{decimals}f",
        title={"text": esc(first["unit_fr"])},
    )
    fig.update_layout(legend={"orientation": "h", "y": -0.3}, showlegend=df["phase"].nunique() > 1)
    return styled(fig, esc(first["definition_name"]), height=300)


def pace_figure(progress: P.Progress, series: list[tuple[date, float]], title: str) -> go.Figure:
    """The series measuring a goal, the linear paths to it over each horizon (from the stock at
    the start, so that the chart and the text agree) and the observed pace prolonged."""
    pr = progress
    g = pr.goal
    fig = go.Figure()
    for i, h in enumerate(g.horizons):
        path = P.linear_path(g.value, g.start, h, stock=pr.stock.value)
        fig.add_trace(
            go.Scatter(
                x=[d for d, _ in path],
                y=[v for _, v in path],
                mode="lines",
                name=f"Trajectoire sur {h} ans ({fmt_number(pr.required[h])} par an)",
                line={"dash": "dash", "color": COLORS[2 + i]},
            )
        )
    if series:
        fig.add_trace(
            go.Scatter(
                x=[d for d, _ in series],
                y=[v for _, v in series],
                mode="lines",
                name="Cumul du registre",
                line={"color": COLORS[0], "shape": "hv"},
            )
        )
    if pr.pace is not None and pr.pace.central > 0 and pr.achieved < g.value:
        x, y, name = observed_line(pr)
        fig.add_trace(
            go.Scatter(x=x, y=y, mode="lines", name=name, line={"dash": "dot", "color": COLORS[1]})
        )
    fig.add_hline(y=pr.stock.value + g.value, line={"color": "#666", "width": 1})
    fig.update_yaxes(rangemode="tozero", tickformat=",.0f", title={"text": g.definition.unit})
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return styled(fig, title, height=380)


PROLONG_AFTER_DEADLINE = 5  # years the observed pace is drawn past the furthest horizon


def observed_line(pr: P.Progress) -> tuple[list[date], list[float], str]:
    """The observed pace prolonged from the last figure until the goal is reached, or, when
    that is far off, until :data:`PROLONG_AFTER_DEADLINE` years after the furthest deadline (a
    slow pace would stretch the chart over centuries; the sentences give the year): the
    points of the line and its legend."""
    left = pr.stock.value + pr.goal.value - pr.last.value
    end = pr.last.latest + timedelta(days=round(left / pr.pace.central * P.DAYS_PER_YEAR))
    cap = date(max(pr.deadline.values()) + PROLONG_AFTER_DEADLINE, 12, 31)
    name = "Rythme observé prolongé"
    if end <= cap:
        return [pr.last.latest, end], [pr.last.value, pr.stock.value + pr.goal.value], name
    value = pr.last.value + pr.pace.central * (cap - pr.last.latest).days / P.DAYS_PER_YEAR
    name += f" (jusqu'en {cap.year} ; potentiel atteint {pr.reach.text()})"
    return [pr.last.latest, cap], [pr.last.value, value], name


def pace_sentences(progress: P.Progress, registry: str) -> list[str]:
    """The pace in words (French): the start, what was achieved, each horizon's pace, the
    observed pace and the year (or years) the goal would be reached."""
    pr = progress
    g = pr.goal
    unit = g.definition.unit
    out = [
        f"Point de départ : {fmt_number(pr.stock.value)} {unit} dans {registry} au "
        f"{g.start:%d/%m/%Y} (relance du programme).",
        f"Depuis la relance : {fmt_number(pr.achieved)} {unit} au {pr.last.latest:%d/%m/%Y}, "
        f"soit {fmt_number(pr.share * 100, 1)} % du potentiel.",
    ]
    for h, per in pr.required.items():
        out.append(f"Sur {h} ans (échéance {pr.deadline[h]}) : {fmt_number(per)} {unit} par an.")
    if pr.pace is None:
        out.append("Rythme observé : non mesurable (moins d'une journée depuis la relance).")
    elif round(pr.pace.low) == round(pr.pace.high):
        out.append(f"Rythme observé : {fmt_number(pr.pace.central)} {unit} par an.")
    else:
        out.append(
            f"Rythme observé : entre {fmt_number(pr.pace.low)} et {fmt_number(pr.pace.high)} "
            f"{unit} par an (selon la précision des dates)."
        )
    if pr.reach is None:
        out.append("Au rythme observé, le potentiel ne serait pas atteint (rythme nul).")
    else:
        out.append(f"Au rythme observé, le potentiel serait atteint {pr.reach.text()}.")
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
