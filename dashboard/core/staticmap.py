"""Maps rendered on the server as PNG, SVG or PDF, ready to paste into a report.

Drawn with geopandas and matplotlib from the database's display geometry (the same ``shape``
rows as the web map, in Web Mercator as on screen), with a scale bar from matplotlib-scalebar.
A :class:`MapDocument` says what to draw (layers with a colour per unit, legend rows with their
counts) and what to write around it (title, subtitle naming the filters, source lines with
their vintages, the date of the extraction, the "DONNÉES FICTIVES" watermark when
demonstration data is drawn). Features build the document from their own view model, so the
export shows what the page shows; this module knows nothing of pages.

Text stays text: SVG keeps its ``<text>`` elements (``svg.fonttype = none``) and PDF embeds its
fonts (type 42), so titles and sources can be selected, searched and edited.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np

from dashboard.core.admin import admin_units
from dashboard.core.gateway import Gateway
from dashboard.core.render import WATERMARK, RenderError, footer_lines
from dashboard.core.theme import NO_DATA_COLOR, OUTLINE_COLOR

MAP_CRS = "EPSG:3857"  # Web Mercator: the projection of the map on screen
FORMATS = ("png", "svg", "pdf")
PNG_DPI = 150
SIZE = (12.0, 9.0)  # inches: 1,800 x 1,350 px in PNG
UNFRAMED_SIZE = (7.5, 5.6)  # the map alone, for a report's page
FONTS = ("Marianne", "Liberation Sans", "Arial", "DejaVu Sans")
INSET_NOTE = (
    "Outre-mer en encadrés, à d'autres échelles (Guadeloupe, Martinique, Guyane, La Réunion, "
    "Mayotte) ; l'échelle graphique vaut pour la métropole."
)
_LOCK = threading.Lock()  # matplotlib's text and font caches are shared by the threads

_SHAPE_SQL = {
    False: "SELECT key, ST_AsWKB(geom) AS geom FROM shape WHERE layer = ? AND level = ? "
    "AND geom IS NOT NULL ORDER BY key",
    True: "SELECT key, ST_AsWKB(geom_inset) AS geom FROM shape WHERE layer = ? AND level = ? "
    "AND geom_inset IS NOT NULL ORDER BY key",
}


@dataclass
class Fill:
    """Polygons of one layer: a colour per key (or one colour), an outline."""

    shapes: gpd.GeoDataFrame  # ``key`` and geometry, in :data:`MAP_CRS`
    colors: dict[str, str] | str | None = None  # None: not filled
    edge: str = OUTLINE_COLOR
    width: float = 0.3
    alpha: float = 1.0


@dataclass
class Label:
    """A point with a name (préfectures, numbered territories)."""

    x: float
    y: float
    text: str
    marker: bool = True


@dataclass
class Circles:
    """Proportional circles: one point per key (in :data:`MAP_CRS`), its radius in screen
    pixels of the page's map (:data:`SCREEN_WIDTH` wide), and the legend's reference circles
    (``{"label", "radius"}``)."""

    points: gpd.GeoSeries
    radius: dict[str, float]
    legend: list[dict] = field(default_factory=list)
    title: str = ""
    color: str = "#2a4ea6"


SCREEN_WIDTH = 760  # px: the width of the page's map the circle radii are drawn for


@dataclass
class MapDocument:
    """What an exported map draws and says (see the module docstring)."""

    title: str
    layers: list[Fill]
    subtitle: str = ""
    legend: list[dict] = field(default_factory=list)  # {"label", "color", "count"}
    legend_title: str = ""
    legend_note: str = ""
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    demo: bool = False
    labels: list[Label] = field(default_factory=list)
    bounds: tuple[float, float, float, float] | None = None  # in MAP_CRS; None: the layers'
    national: bool = False  # overseas insets drawn: the scale bar holds for mainland France
    today: date | None = None
    framed: bool = True  # title, legend and sources around the map (False: the map alone)
    circles: Circles | None = None


def shapes(
    q: Gateway, shape_layer: str, level: str = "coarse", inset: bool = True
) -> gpd.GeoDataFrame:
    """Display geometry of a ``shape`` layer in :data:`MAP_CRS` (cached per database)."""

    def load():
        gdf = q.geodf(_SHAPE_SQL[bool(inset)], [shape_layer, level])
        if gdf.crs is None:
            gdf = gdf.set_crs("EPSG:4326")
        gdf = gdf.to_crs(MAP_CRS)
        gdf["key"] = gdf["key"].astype(str)
        return gdf.set_index("key", drop=False)

    return q.memo(("staticmap_shapes", shape_layer, level, bool(inset)), load)


def inset_frames(q: Gateway) -> gpd.GeoDataFrame:
    """The boxes around the overseas insets, in :data:`MAP_CRS`."""

    def load():
        gdf = q.geodf("SELECT departement AS key, ST_AsWKB(geom) AS geom FROM inset_frame")
        if gdf.crs is None:
            gdf = gdf.set_crs("EPSG:4326")
        return gdf.to_crs(MAP_CRS)

    return q.memo(("staticmap_frames",), load)


def subset(gdf: gpd.GeoDataFrame, keys: Sequence[str]) -> gpd.GeoDataFrame:
    """The rows of ``gdf`` whose key is in ``keys`` (in the order of ``gdf``)."""
    return gdf[gdf.index.isin(list(keys))]


def place_words(q: Gateway, reg=None, dep=None, arr=None) -> str:
    """The filters in words: 'France entière' or 'Région 28 — Normandie ; Département …'
    (validated codes)."""
    if not (reg or dep or arr):
        return "France entière"
    units = admin_units(q)
    parts = []
    for level, code, word in (
        ("region", reg, "Région"),
        ("departement", dep, "Département"),
        ("arrondissement", arr, "Arrondissement"),
    ):
        if code:
            hit = units[(units["level"] == level) & (units["code"] == code)]
            name = str(hit["name"].iloc[0]) if len(hit) else ""
            parts.append(f"{word} {code} — {name}".rstrip(" —"))
    return " ; ".join(parts)


def view_bounds(filter_box, *drawn: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    """The extent of a filtered map: the filter's unit ([[south, west], [north, east]] in
    degrees) and every unit drawn, which may reach beyond it; in :data:`MAP_CRS`."""
    from pyproj import Transformer

    boxes = [tuple(g.total_bounds) for g in drawn if len(g)]
    if filter_box:
        t = Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)
        (s, w), (n, e) = filter_box
        boxes.append((*t.transform(w, s), *t.transform(e, n)))
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip


def _font() -> str:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in FONTS if f in names), "DejaVu Sans")


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(str(text), width=width, break_long_words=False) or [""]


def _extent(doc: MapDocument) -> tuple[float, float, float, float]:
    if doc.bounds is not None:
        minx, miny, maxx, maxy = doc.bounds
    else:
        boxes = [f.shapes.total_bounds for f in doc.layers if len(f.shapes)]
        if not boxes:
            return (-600_000.0, 5_000_000.0, 1_200_000.0, 6_700_000.0)
        b = np.array(boxes)
        minx, miny = b[:, 0].min(), b[:, 1].min()
        maxx, maxy = b[:, 2].max(), b[:, 3].max()
    pad = 0.04 * max(maxx - minx, maxy - miny, 1.0)
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def _visible(gdf: gpd.GeoDataFrame, extent, clip: bool, outline: bool) -> gpd.GeoDataFrame:
    """The features of ``gdf`` seen in ``extent`` (their boundaries when ``outline``), cut to
    it when ``clip``: a regional map then carries no geometry from the rest of France (smaller
    SVG and PDF, faster)."""
    import shapely

    if not len(gdf):
        return gdf
    minx, miny, maxx, maxy = extent
    seen = gdf.cx[minx:maxx, miny:maxy].copy()
    geoms = seen.geometry.to_numpy()
    if outline:
        geoms = shapely.boundary(geoms)
    if clip and len(seen):
        geoms = shapely.intersection(geoms, shapely.box(minx, miny, maxx, maxy))
    seen["geometry"] = geoms
    return seen[~seen.geometry.is_empty]


def _fit(extent, ax) -> tuple[float, float, float, float]:
    """``extent`` widened in one direction to the shape of the axes (no distortion, no crop)."""
    minx, miny, maxx, maxy = extent
    box = ax.get_position(original=True)
    w_in, h_in = ax.figure.get_size_inches()
    want = (box.width * w_in) / (box.height * h_in)  # width / height of the axes
    dx, dy = maxx - minx, maxy - miny
    if dx / dy < want:
        grow = (dy * want - dx) / 2
        minx, maxx = minx - grow, maxx + grow
    else:
        grow = (dx / want - dy) / 2
        miny, maxy = miny - grow, maxy + grow
    return minx, miny, maxx, maxy


def _ground_metres_per_unit(miny: float, maxy: float) -> float:
    """Web Mercator units are shrunk by cos(latitude): ground metres per map unit at the
    latitude of the middle of the view."""
    lat = math.degrees(2 * math.atan(math.exp((miny + maxy) / 2 / 6_378_137)) - math.pi / 2)
    return math.cos(math.radians(lat))


def render_map(doc: MapDocument, fmt: str) -> bytes:
    """The map as ``fmt`` bytes (png, svg, pdf); :class:`RenderError` on failure."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown map format {fmt!r}; expected one of {', '.join(FORMATS)}")
    with _LOCK:
        try:
            return _render(doc, fmt)
        except (ValueError, TypeError, OSError, MemoryError) as e:
            raise RenderError(
                f"La carte n'a pas pu être dessinée ({type(e).__name__}). Réessayez ; si le "
                "problème persiste, signalez-le à l'administrateur du tableau de bord."
            ) from e


def _render(doc: MapDocument, fmt: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib_scalebar.scalebar import ScaleBar

    rc = {
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
        "font.family": _font(),
        "svg.hashsalt": "territoires-industrie",  # same ids in every SVG of the same map
    }
    footer = _footer(doc)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=SIZE if doc.framed else UNFRAMED_SIZE)
        if doc.framed:
            bottom = 0.04 + 0.019 * len(footer)
            ax = fig.add_axes((0.02, bottom, 0.68, 0.87 - bottom))
        else:
            ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_axis_off()
        minx, miny, maxx, maxy = _fit(_extent(doc), ax)
        for layer in doc.layers:
            outline = layer.colors is None
            gdf = _visible(layer.shapes, (minx, miny, maxx, maxy), not doc.national, outline)
            if not len(gdf):
                continue
            if isinstance(layer.colors, dict):
                colors = [layer.colors.get(k, NO_DATA_COLOR) for k in gdf.index]
                gdf.plot(ax=ax, color=colors, edgecolor=layer.edge, linewidth=layer.width,
                         alpha=layer.alpha)  # fmt: skip
            elif isinstance(layer.colors, str):
                gdf.plot(ax=ax, color=layer.colors, edgecolor=layer.edge, linewidth=layer.width,
                         alpha=layer.alpha)  # fmt: skip
            else:
                gdf.plot(ax=ax, color=layer.edge, linewidth=layer.width)
        if doc.circles is not None:
            _draw_circles(ax, fig, doc.circles)
        for lab in doc.labels:
            if lab.marker:
                ax.plot([lab.x], [lab.y], "o", color="#161616", markersize=3.5)
            ax.annotate(
                lab.text,
                (lab.x, lab.y),
                xytext=(4, 3) if lab.marker else (0, 0),
                textcoords="offset points",
                fontsize=7.5 if lab.marker else 9,
                ha="left" if lab.marker else "center",
                va="bottom" if lab.marker else "center",
                color="#161616",
                fontweight="normal" if lab.marker else "bold",
            )
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect("equal", adjustable="box")
        ax.add_artist(
            ScaleBar(
                _ground_metres_per_unit(miny, maxy),
                units="m",
                location="lower right",
                length_fraction=0.2,
                box_alpha=0.8,
                font_properties={"size": 9},
            )
        )
        if doc.framed:
            _frame(fig, doc, Patch, footer)
        if doc.demo:
            fig.text(
                0.4,
                0.5,
                WATERMARK,
                fontsize=64,
                fontweight="bold",
                color="#e1000f",
                alpha=0.22,
                rotation=25,
                ha="center",
                va="center",
            )
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=PNG_DPI, metadata={"Title": doc.title})
    return buf.getvalue()


def _points_per_pixel(fig, ax) -> float:
    """Typographic points per screen pixel of the page's map, so that circles keep the size
    they have on screen relative to the map."""
    width_in = ax.get_position().width * fig.get_figwidth()
    return width_in * 72 / SCREEN_WIDTH


def _draw_circles(ax, fig, c: Circles) -> None:
    scale = _points_per_pixel(fig, ax)
    keys = [k for k in sorted(c.radius, key=c.radius.get, reverse=True) if k in c.points.index]
    if not keys:
        return
    pts = c.points.loc[keys]
    sizes = [(c.radius[k] * scale) ** 2 * 3.14159 for k in keys]  # marker area in points²
    ax.scatter(pts.x, pts.y, s=sizes, facecolor=c.color, edgecolor="white", linewidth=0.5,
               alpha=0.75, zorder=5)  # fmt: skip


def _circle_legend(fig, c: Circles, top: float) -> None:
    """The reference circles under the colour legend, their values beside them."""
    fig.text(0.725, top, "\n".join(_wrap(c.title, 34)), fontsize=10.5, fontweight="bold",
             va="top")  # fmt: skip
    scale = fig.get_figwidth() * 0.68 * 72 / SCREEN_WIDTH  # as in _points_per_pixel
    ax = fig.add_axes((0.72, top - 0.30, 0.26, 0.26))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    y = 0.85
    for it in c.legend:
        r = it["radius"] * scale
        ax.scatter([0.15], [y], s=r**2 * 3.14159, facecolor=c.color, edgecolor="white",
                   alpha=0.75)  # fmt: skip
        ax.text(0.4, y, it["label"], fontsize=10, va="center")
        y -= 0.3


def _footer(doc: MapDocument) -> list[str]:
    """Notes, source lines and the extraction line, wrapped."""
    return footer_lines(doc.sources, 165, doc.today, doc.notes)


def _frame(fig, doc: MapDocument, Patch, footer: list[str]) -> None:
    """Title, subtitle, legend, notes and sources around the map."""
    y = 0.965
    for line in _wrap(doc.title, 80):
        fig.text(0.02, y, line, fontsize=17, fontweight="bold", color="#000091", va="top")
        y -= 0.038
    for line in _wrap(doc.subtitle, 120) if doc.subtitle else []:
        fig.text(0.02, y, line, fontsize=11, color="#3a3a3a", va="top")
        y -= 0.026
    if doc.demo:
        fig.text(
            0.02,
            y,
            f"{WATERMARK} — données de démonstration générées, rien de réel",
            fontsize=11,
            fontweight="bold",
            color="#e1000f",
            va="top",
        )
    if doc.legend:
        handles = [
            Patch(facecolor=it["color"], edgecolor="#777777", linewidth=0.5) for it in doc.legend
        ]
        labels = [f"{it['label']}  ({it['count']})" for it in doc.legend]
        title = "\n".join(_wrap(doc.legend_title, 34)) if doc.legend_title else None
        leg = fig.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(0.72, 0.86),
            frameon=False,
            fontsize=10,
            title=title,
            title_fontsize=10.5,
            alignment="left",
            handlelength=1.6,
            handleheight=1.1,
        )
        leg.get_title().set_fontweight("bold")
    if doc.circles is not None and doc.circles.legend:
        _circle_legend(
            fig, doc.circles, 0.86 - (0.05 + 0.032 * (len(doc.legend) + 2) if doc.legend else 0)
        )
    if doc.legend_note:
        lines = _wrap(doc.legend_note, 44)
        fig.text(0.725, 0.86 - 0.05 - 0.032 * (len(doc.legend) + 2), "\n".join(lines),
                 fontsize=8.5, color="#3a3a3a", va="top")  # fmt: skip
    y = 0.015 + 0.019 * (len(footer) - 1)
    for line in footer:
        fig.text(0.02, y, line, fontsize=8.5, color="#3a3a3a", va="bottom")
        y -= 0.019
