"""Charts rendered on the server: one kaleido browser kept warm per process, with timeouts.

kaleido 1.x drives a headless chromium (Debian's ``/usr/bin/chromium``) to turn a plotly figure
into PNG, SVG or PDF. Starting the browser takes seconds; rendering in a warm one takes a
fraction of that. :class:`ChartRenderer` therefore starts one browser lazily, on the first
export of the process (a gunicorn worker starts its own after the fork), in a thread of its own
running an asyncio loop, and every request submits its figure to that loop.

kaleido's own ``start_sync_server`` is not used: its ``call_function`` shares one result queue
between callers (two Flask threads can receive each other's image) and waits without a timeout.
Here each render is a future of the loop with its own timeout; a render that fails or times out
raises :class:`RenderError`, whose message is French and shown to the user as is, and a
browser that stopped answering is restarted on the next request.

:func:`chart_figure` gives an exported chart what a chart pasted into a briefing needs: its
title, the source line, the date of the extraction and, for demonstration data, the
"DONNÉES FICTIVES" watermark, all inside the image.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import textwrap
import threading
from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go

from dashboard.core.charts import esc
from dashboard.core.theme import FONT

log = logging.getLogger(__name__)

IMAGE_FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
START_TIMEOUT = 60.0  # seconds to start the browser (first export of a process)
RENDER_TIMEOUT = 45.0  # seconds for one image
WATERMARK = "DONNÉES FICTIVES"
WATERMARK_COLOR = "rgba(225, 0, 15, 0.22)"
PRODUCER = "Tableau de bord Territoires d'industrie"


class RenderError(RuntimeError):
    """An image or a document could not be made; the message is French, for the user."""


class ChartRenderer:
    """One kaleido browser per process, started on first use (see the module docstring)."""

    def __init__(self, start_timeout: float = START_TIMEOUT, timeout: float = RENDER_TIMEOUT):
        self.start_timeout = start_timeout
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None and self._pid == os.getpid()

    def _start(self) -> None:
        import kaleido

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido", daemon=True)
        thread.start()

        async def open_browser():
            k = kaleido.Kaleido(n=1, timeout=self.timeout)
            await k.open()
            return k

        fut = asyncio.run_coroutine_threadsafe(open_browser(), loop)
        try:
            k = fut.result(self.start_timeout)
        except Exception as e:  # noqa: BLE001 - any failure to start is the same to the user
            fut.cancel()
            loop.call_soon_threadsafe(loop.stop)
            log.exception("kaleido did not start")
            raise RenderError(
                "Le moteur de rendu des graphiques n'a pas pu démarrer "
                f"({type(e).__name__}). Réessayez dans un instant ; si le problème persiste, "
                "signalez-le à l'administrateur du tableau de bord (navigateur chromium requis)."
            ) from e
        self._loop, self._kaleido, self._pid = loop, k, os.getpid()

    def ensure_started(self) -> None:
        """Start the browser if this process has none (idempotent, thread-safe)."""
        if self.running:
            return
        with self._lock:
            if not self.running:
                self._kaleido, self._loop = None, None
                self._start()

    def stop(self) -> None:
        """Close the browser (tests, shutdown); the next render starts a new one."""
        with self._lock:
            k, loop = self._kaleido, self._loop
            self._kaleido, self._loop, self._pid = None, None, None
        if k is not None and loop is not None:
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(10)
            except Exception:  # noqa: BLE001 - closing a broken browser: nothing left to do
                log.warning("kaleido did not close cleanly", exc_info=True)
            loop.call_soon_threadsafe(loop.stop)

    def render(self, fig: go.Figure | dict, fmt: str, width: int, height: int, scale: float = 1):
        """The figure as ``fmt`` bytes (png, svg, pdf); :class:`RenderError` on failure."""
        if fmt not in IMAGE_FORMATS:
            raise ValueError(f"unknown image format {fmt!r}; expected one of {IMAGE_FORMATS}")
        self.ensure_started()
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        fut = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts), self._loop)
        try:
            return fut.result(self.timeout + 5)
        except TimeoutError as e:
            fut.cancel()
            self.stop()  # a browser that hangs is replaced on the next request
            raise RenderError(
                f"Le rendu du graphique a dépassé {int(self.timeout)} secondes et a été "
                "abandonné. Réessayez ; le moteur de rendu a été relancé."
            ) from e
        except Exception as e:  # noqa: BLE001 - kaleido raises its own and choreographer's types
            log.exception("kaleido failed to render a %s", fmt)
            if not self._alive():
                self.stop()
            raise RenderError(
                f"Le graphique n'a pas pu être produit ({type(e).__name__}). Réessayez ; si le "
                "problème persiste, signalez-le à l'administrateur du tableau de bord."
            ) from e

    def _alive(self) -> bool:
        return self._loop is not None and self._loop.is_running()


_RENDERER = ChartRenderer()


def renderer() -> ChartRenderer:
    """The process's chart renderer (started on its first render)."""
    return _RENDERER


# -- the exported chart ---------------------------------------------------------------------


def wrap(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` characters (words kept whole)."""
    return textwrap.wrap(str(text), width=width, break_long_words=False) or [""]


def footer_lines(
    sources: Sequence[str], width: int = 150, today: date | None = None, notes: Sequence[str] = ()
) -> list[str]:
    """Notes, then 'Source : …' lines (wrapped), then the extraction line."""
    lines: list[str] = [line for n in notes for line in wrap(n, width)]
    for s in sources:
        s = str(s).strip()
        if s:
            lines += wrap(s if s.lower().startswith("source") else f"Source : {s}", width)
    lines.append(f"Extraction : {(today or date.today()):%d/%m/%Y} — {PRODUCER}")
    return lines


def chart_figure(
    fig: go.Figure,
    title: str,
    sources: Sequence[str],
    *,
    demo: bool = False,
    subtitle: str = "",
    width: int = 1200,
    height: int = 560,
) -> tuple[go.Figure, int]:
    """A copy of ``fig`` dressed for export; returns it with the height it needs.

    Title (and subtitle) on top, the legend under the title, the source lines and the date of
    the extraction in the bottom margin, the watermark across the chart for demonstration data.
    Every text is escaped: plotly reads a few HTML tags in labels.
    """
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    chars = max(60, int(width / 7.2))
    foot = footer_lines(sources, chars)
    title_lines = wrap(title, int(width / 11))
    top = 40 + 26 * len(title_lines) + (22 if subtitle else 0) + 40
    bottom = 30 + 16 * len(foot)
    has_axes = any(k.startswith(("xaxis", "yaxis")) for k in out.layout.to_plotly_json())
    if has_axes:
        bottom += 45  # the tick labels of the x axis
    total = height + top + bottom
    title_html = "<br>".join(f"<b>{esc(t)}</b>" for t in title_lines)
    if subtitle:
        title_html += f"<br><span style='font-size:14px'>{esc(subtitle)}</span>"
    _french_dates(out)
    out.update_layout(
        title={
            "text": title_html,
            "x": 0.01,
            "xanchor": "left",
            "y": 1 - 18 / total,
            "yanchor": "top",
            "font": {"size": 20, "color": "#000091"},
        },
        width=width,
        height=total,
        margin={"t": top, "b": bottom, "l": 70, "r": 40},
        font={"family": FONT},
        paper_bgcolor="white",
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        showlegend=out.layout.showlegend,
    )
    out.add_annotation(
        text="<br>".join(esc(line) for line in foot),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-(bottom - 16 * len(foot) - 14),
        xshift=-60,
        align="left",
        showarrow=False,
        font={"size": 12, "color": "#3a3a3a"},
    )
    if demo:
        out.add_annotation(
            text=f"<b>{WATERMARK}</b>",
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            textangle=-25,
            showarrow=False,
            font={"size": 72, "color": WATERMARK_COLOR},
        )
        out.add_annotation(
            text=f"<b>{WATERMARK}</b> — registre de démonstration généré, rien de réel",
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            xanchor="right",
            yanchor="bottom",
            yshift=28,
            showarrow=False,
            font={"size": 13, "color": "#e1000f"},
        )
    return out, total


def _first_x(trace):
    """The first x value of a trace (None when absent or packed as a typed array)."""
    x = getattr(trace, "x", None)
    if isinstance(x, (list, tuple)) or hasattr(x, "dtype"):
        return x[0] if len(x) else None
    return None


def _french_dates(fig: go.Figure) -> None:
    """Date axes written with numbers (03/2021): the browser that renders has no French month
    names (the page's charts get them from plotly's French locale)."""
    firsts = [_first_x(t) for t in fig.data]
    dated = any(
        hasattr(x, "year")
        or (isinstance(x, str) and len(x) >= 7 and x[:4].isdigit() and x[4] == "-")
        for x in firsts
    )
    if dated and not fig.layout.xaxis.tickformat:
        fig.update_xaxes(tickformat="%m/%Y")


def chart_bytes(fig: go.Figure, fmt: str, title: str, sources: Sequence[str], **dress) -> bytes:
    """The chart as ``fmt`` bytes with its title, sources, date (and watermark); a PNG is
    drawn at twice the size (2,400 px wide by default), SVG and PDF are vector; ``dress``:
    the keywords of :func:`chart_figure`."""
    out, total = chart_figure(fig, title, sources, **dress)
    return renderer().render(out, fmt, out.layout.width, total, 2 if fmt == "png" else 1)
