"""How the page shell reaches the browser quickly: preload hints and static bundles gzipped once.

A cold load of a map page is a chain: the scripts, then ``/_dash-layout``, then React mounts the
map, then the map's component chunk is fetched, then the layer, then the Geobuf decoder chunk.
The index page breaks the chain with ``<link rel="preload">`` hints, so that the layout, the
layers and the two chunks download while the scripts are still being parsed; the fetches of
dash-renderer and dash-leaflet then find them in the browser's memory cache. A hint must match
the later request exactly (same URL, ``as``, and ``crossorigin`` for a ``fetch()``), or the
browser downloads twice: :func:`hint_tags` writes them the way those libraries request them.

flask-compress gzips every answer again on each request (about 50 ms for ag-grid's 1.3 MB
bundle); :class:`StaticGzipCache` keeps the gzip of the static bundles, whose URLs name their
content (Dash's fingerprints, ``?m=`` of the assets, the version of a component package).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import threading
from pathlib import Path

from dashboard.core.routes import IMMUTABLE
from geo.encode import gzipped

# dash-leaflet loads its GeoJSON component and then, once a Geobuf layer has arrived, its
# decoder as webpack chunks (``async-*.js``, loaded with a plain <script>: no crossorigin)
LEAFLET_CHUNKS = ("dash_leaflet/async-GeoJSON.js", "dash_leaflet/async-geobuf.js")
# what dash-renderer fetches before it renders anything (``fetch`` with same-origin credentials)
RENDERER_FETCHES = ("_dash-layout", "_dash-dependencies")
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
# Dash loads @babel/polyfill (99 kB, ~20 % of the main thread's work before the map on this
# machine) for old browsers; modern ones only lack the regeneratorRuntime that dash-renderer
# and dcc call, vendored in assets/vendor/regenerator-runtime.js (MIT)
_POLYFILL = re.compile(r'<script src="[^"]*/polyfill@[^"]*"></script>\s*')
# Dash links dash_table's bundle into every page because dash imports it; the dashboard never
# renders a DataTable (its tables are ag-grid's: tests/test_architecture.py keeps it so)
_UNUSED = re.compile(
    r'<script src="[^"]*/_dash-component-suites/dash/dash_table/[^"]*"></script>\s*'
)
# dash-ag-grid's main bundle (1.3 MB, the page's largest script: 20-35 ms to run before Dash's
# first render) is left out of the page; assets/tables.js stands in for its namespace and loads
# it once a table shows (on the map explorer, once the map has drawn)
DEFERRED_LIBRARIES = ("dash_ag_grid",)
SHELL_CONFIG_ID = "ti-shell"
# the chunks of the lazy components a page may draw first (``Page.lazy``, assets/warm.js)
LAZY_CHUNKS = {"dash_leaflet.GeoJSON": LEAFLET_CHUNKS}
_DEFERRED = re.compile(
    r'<script src="([^"]*/_dash-component-suites/('
    + "|".join(map(re.escape, DEFERRED_LIBRARIES))
    + r')/[^"/]*\.js)"></script>\s*'
)


def hint_tags(hints: list[tuple[str, str]]) -> str:
    """``<link rel="preload">`` tags for ``(href, kind)`` pairs: ``kind`` is ``script``,
    ``fetch``, or ``data``: a fetch the page needs only once its scripts have run (a map's
    layers), at low priority, so that on the browser's six connections the scripts go first.

    ``fetch`` and ``data`` hints carry ``crossorigin="anonymous"``: a ``fetch()`` is a CORS
    request with same-origin credentials, which only such a hint matches.
    """
    out = []
    for href, kind in hints:
        if kind not in ("fetch", "script", "data"):
            raise ValueError(f"preload kind must be 'fetch', 'data' or 'script', got {kind!r}")
        extra = ' crossorigin="anonymous"' if kind != "script" else ""
        if kind == "data":
            extra += ' fetchpriority="low"'
        as_ = "script" if kind == "script" else "fetch"
        out.append(f'<link rel="preload" href="{html.escape(href)}" as="{as_}"{extra}>')
    return "\n".join(out)


def without_polyfill(scripts: str) -> str:
    """The index page's script tags without @babel/polyfill (see :data:`_POLYFILL`) and without
    the bundle of dash_table, which no page renders."""
    return _UNUSED.sub("", _POLYFILL.sub("", scripts))


def defer_libraries(scripts: str) -> tuple[str, dict[str, str]]:
    """Dash's script tags without the main bundles of :data:`DEFERRED_LIBRARIES`, and the URL of
    each bundle left out, by package."""
    urls: dict[str, str] = {}

    def leave_out(m: re.Match) -> str:
        urls[m.group(2)] = html.unescape(m.group(1))
        return ""

    return _DEFERRED.sub(leave_out, scripts), urls


def shell_config(urls: dict[str, str], tables: str | None, lazy: tuple[str, ...] = ()) -> str:
    """What the page's own scripts need before Dash renders: the URLs of the bundles left out
    and when the page loads them (``Page.tables``: ``"now"``, ``"after_map"``, or ``None``: when
    a table shows; ``assets/tables.js``), the lazy components it draws first (``Page.lazy``,
    ``assets/warm.js``) and those it loads once idle (every other one). A JSON data block (never
    run, as Dash's own ``_dash-config``), ``<`` escaped so that nothing in it can close the tag."""
    if tables not in (None, "now", "after_map"):
        raise ValueError(
            f"tables are loaded 'now', 'after_map' or when shown (None), not {tables!r}"
        )
    unknown = [name for name in lazy if name not in LAZY_CHUNKS]
    if unknown:
        raise ValueError(f"lazy components without known chunks: {unknown} (see LAZY_CHUNKS)")
    # the lazy components of the other pages, loaded once this one is idle: reached by a link,
    # their page then renders them at once too
    idle = sorted(set(LAZY_CHUNKS) - set(lazy))
    body = json.dumps(
        {"urls": urls, "load": tables, "lazy": list(lazy), "idle": idle}, sort_keys=True
    )
    return (
        f'<script type="application/json" id="{SHELL_CONFIG_ID}">'
        + body.replace("<", "\\u003c")
        + "</script>"
    )


def shell_hints(prefix: str = "/") -> list[tuple[str, str]]:
    """The layout and callback graph every page needs first."""
    return [(prefix + path, "fetch") for path in RENDERER_FETCHES]


def lazy_hints(lazy: tuple[str, ...], prefix: str = "/") -> list[tuple[str, str]]:
    """The chunks of the lazy components a page draws first (dash-leaflet's GeoJSON: the
    component and its Geobuf decoder), in the order they are first needed."""
    chunks = dict.fromkeys(c for name in lazy for c in LAZY_CHUNKS[name])
    return [(f"{prefix}_dash-component-suites/{c}", "script") for c in chunks]


class StaticGzipCache:
    """The compressed bodies of static bundles, kept for the life of the process.

    flask-compress's cache interface (``get``/``set``); keys of anything but a static bundle
    (see :func:`static_key`) are neither read nor kept, so pages, layouts and callback answers
    are always compressed afresh. Bounded: static files are a fixed, small set.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(";") else self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            with self._lock:
                self._data[key] = value


def static_key(request) -> str:
    """The cache key of a static bundle (its full URL, which names its content), else ''."""
    if request.method == "GET" and request.path.startswith(STATIC_PREFIXES):
        return request.full_path
    return ""


# Dash names each file of assets/ with its modification time (``?m=``): such a URL never
# changes content, so a return visit takes it from the browser's cache without asking (Flask
# sends ``no-cache``: 16 revalidations a page). Without ``m=``, Flask's answer is kept.
ASSET_CACHE = IMMUTABLE


def asset_cache_control(request, status: int) -> str | None:
    """``Cache-Control`` of a file of assets/ requested by its fingerprinted URL, else None."""
    if (
        status in (200, 304)
        and request.method in ("GET", "HEAD")
        and request.path.startswith("/assets/")
        and request.args.get("m", "").replace(".", "", 1).isdigit()
    ):
        return ASSET_CACHE
    return None


class AssetBundle:
    """The page's own scripts (or style sheets) of assets/ as one file, read at server start.

    Dash links each file of assets/ apart: 12 scripts and 4 style sheets, each a request on the
    browser's six connections and a task of its own. They are served as one, named by its
    content (``/_ti/app.<sha256>.js``, cached for good), in Dash's order (folders, then files,
    sorted), where Dash put them (scripts before dash-renderer's: :meth:`place`).
    """

    PREFIX = "/_ti/"
    MIMETYPES = {"js": "text/javascript", "css": "text/css"}

    def __init__(self, folder: Path, ext: str) -> None:
        if ext not in self.MIMETYPES:
            raise ValueError(f"an asset bundle is of js or css, not {ext!r}")
        paths = [
            Path(cur) / f
            for cur, _, files in sorted(os.walk(folder))
            for f in sorted(files)
            if f.endswith("." + ext)
        ]
        # each file named, and a script ended (a file without its final ";" or newline)
        sep = "\n;\n" if ext == "js" else "\n"
        self.files = [p.relative_to(folder).as_posix() for p in paths]
        self.body = sep.join(
            f"/* {name} */\n" + p.read_text(encoding="utf-8")
            for name, p in zip(self.files, paths, strict=True)
        ).encode("utf-8")
        self.gz = gzipped(self.body)
        self.mimetype = self.MIMETYPES[ext]
        self.url = f"{self.PREFIX}app.{hashlib.sha256(self.body).hexdigest()[:16]}.{ext}"

    def tag(self) -> str:
        if self.mimetype == "text/css":
            return f'<link rel="stylesheet" href="{self.url}">'
        return f'<script src="{self.url}"></script>'

    def place(self, scripts: str) -> str:
        """Dash's script tags with this bundle's before dash-renderer's (else at their end)."""
        renderer = scripts.find("dash_renderer")
        at = scripts.rfind("<script", 0, renderer) if renderer >= 0 else -1
        if at < 0:
            return scripts + "\n" + self.tag()
        return scripts[:at] + self.tag() + "\n" + scripts[at:]


def compress_settings() -> dict:
    """Flask settings of flask-compress: gzip (as Dash sets it), static bundles cached."""
    return {
        "COMPRESS_ALGORITHM": ["gzip"],
        "COMPRESS_CACHE_BACKEND": StaticGzipCache,
        "COMPRESS_CACHE_KEY": static_key,
    }
