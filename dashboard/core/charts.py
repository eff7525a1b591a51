"""Chart pieces shared by the pages: one look and one toolbar for every plotly figure, a time
series, an empty chart.

Every graph of the dashboard is a :func:`graph`, whose toolbar is :data:`GRAPH_CONFIG`: French
(``locale: "fr"``, registered by ``assets/plotly-locale-fr.js`` and ``assets/locale-fr.js``),
without the buttons that send a figure to a third-party cloud or advertise plotly.

Text from the data goes into figures escaped with :func:`esc` (plotly renders a few HTML tags
in labels and hover text): it is shown as text, never as markup.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from dash import dcc

from dashboard.core.theme import FONT, SERIES_COLORS

COLORS = SERIES_COLORS

# the toolbar of every graph (one constant: exports will add their buttons here)
GRAPH_CONFIG = {
    "locale": "fr",
    "displaylogo": False,  # no plotly logo
    "showSendToCloud": False,  # "Share chart": would upload the figure to a third-party cloud
    "showEditInChartStudio": False,
    "showLink": False,
    "modeBarButtonsToRemove": ["sendChartToCloud", "editInChartStudio", "lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def graph(id: str, figure: go.Figure, *, toolbar: bool = True, **kwargs) -> dcc.Graph:
    """A ``dcc.Graph`` with the dashboard's toolbar (:data:`GRAPH_CONFIG`); ``toolbar=False``
    hides it (a gauge has nothing to zoom)."""
    config = GRAPH_CONFIG if toolbar else {**GRAPH_CONFIG, "displayModeBar": False}
    return dcc.Graph(id=id, figure=figure, config=config, **kwargs)


def esc(text) -> str:
    """Text made safe for plotly labels and hover text."""
    return html.escape(str(text), quote=False)


def styled(fig: go.Figure, title: str = "", height: int = 320) -> go.Figure:
    """``fig`` in the dashboard's look: font, white background, French number separators."""
    fig.update_layout(
        title=title or None,
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 50, "r": 20, "t": 50 if title else 20, "b": 40},
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=", ",
    )
    return fig


def time_series(df: pd.DataFrame, x: str, ys: dict[str, str], title: str = "") -> go.Figure:
    """Lines of ``df[x]`` against each column of ``ys`` (column -> French label)."""
    fig = go.Figure()
    if df is not None and not df.empty:
        for i, (col, label) in enumerate(ys.items()):
            if col in df:
                fig.add_trace(
                    go.Scatter(
                        x=df[x],
                        y=df[col],
                        mode="lines+markers",
                        name=label,
                        line={"color": COLORS[i % len(COLORS)]},
                    )
                )
    fig.update_yaxes(rangemode="tozero", tickformat=",.0f")
    if x == "year":  # whole years, written without a thousands separator
        fig.update_xaxes(tickformat="d", dtick=1)
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return styled(fig, title)


def empty_figure(message: str) -> go.Figure:
    """A blank chart that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(
        xaxis_visible=False,
        yaxis_visible=False,
        height=200,
        font_family=FONT,
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        margin=dict(l=10, r=10, t=10, b=10),
    )
    return fig
