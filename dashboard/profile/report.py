"""The exports of a territory's profile: the A4 PDF report, its lists (members, communes,
employment series) as CSV or XLSX, its employment chart as PNG, SVG or PDF.

Every export reads the same :func:`dashboard.profile.queries.territory_profile` as the page;
the territory is named by ``vague`` and ``id`` in the query string (untrusted: an unknown one
answers "rien à exporter").
"""

from __future__ import annotations

import pandas as pd

from dashboard.core import staticmap as S
from dashboard.core.downloads import DOCUMENT, IMAGE, TABLE, Args, Artefact
from dashboard.core.exports import table_bytes
from dashboard.core.formats import fmt_number, fmt_share, fmt_value
from dashboard.core.gateway import Gateway
from dashboard.core.layers import WAVE_LABELS, WAVE_LAYER, get_layer
from dashboard.core.links import profile_href
from dashboard.core.pdf import html_pdf, render_html, svg_data_uri
from dashboard.core.provenance import built_at, source, sources
from dashboard.core.render import chart_bytes
from dashboard.profile.figures import (
    EMPLOYMENT_TITLE,
    employment_figure,
    employment_frame,
    key_facts,
)
from dashboard.profile.queries import perimeter_change, territory_communes, territory_profile

PAGE = "territoire"
KIND_LABELS = {"EPCI": "EPCI", "EPT": "EPT (Grand Paris)", "commune": "commune isolée"}
MAX_COMMUNES_LISTED = 400


def profile_of(q: Gateway, args: Args) -> dict | None:
    """The profile of the territory named by the query (``vague``, ``id``), or None."""
    return territory_profile(q, args.get("vague", 8), args.get("id", 20))


def stem(d: dict, what: str) -> str:
    return f"territoire_{d['wave']}_{d['key']}_{what}"


def _source_line(q: Gateway, prefix: str) -> str:
    info = source(q, prefix)
    return info.text() if info else ""


# -- lists -------------------------------------------------------------------------------------


def members_table(d: dict) -> pd.DataFrame:
    return pd.DataFrame(
        [(n, KIND_LABELS.get(k, k), s) for s, k, n in d["members"]],
        columns=["Membre", "Nature", "SIREN"],
    )


def communes_table(q: Gateway, d: dict) -> pd.DataFrame:
    df = territory_communes(q, d["wave"], d["key"])
    return pd.DataFrame(
        {
            "Code commune (COG 2026)": df["code"].astype(str),
            "Commune": df["name"].astype(str).str.strip(),
            "Population municipale (hab.)": df["population"],
            "SIREN de l'EPCI": df["epci_siren"],
            "EPCI": df["epci_name"].fillna("").astype(str).str.strip(),
            "Département": df["departement"],
            "Arrondissement": df["arrondissement"],
        }
    )


def employment_table(d: dict) -> pd.DataFrame:
    f = employment_frame(d["employment"])
    partial = d["employment_coverage"] is not None and not d["employment_complete"]
    low = " — minorant" if partial else ""
    return pd.DataFrame(
        {
            "Année": f["year"],
            f"Salariés de l'industrie{low}": f["industrie"],
            f"Salariés, tous secteurs{low}": f["total"],
        }
    )


def _table(q: Gateway, args: Args, what: str, make, prefixes) -> Artefact | None:
    d = profile_of(q, args)
    if d is None:
        return None
    df = make(d)
    notes = [f"{d['name']} ({d['key']}), Territoires d'industrie {WAVE_LABELS[d['wave']]}"]
    notes += [line for line in (_source_line(q, p) for p in prefixes(d)) if line]
    return Artefact(stem(d, what), TABLE, lambda fmt: table_bytes(df, fmt, notes))


def members_export(q: Gateway, args: Args) -> Artefact | None:
    return _table(q, args, "membres", members_table, lambda d: [f"territories:{d['wave']}"])


def communes_export(q: Gateway, args: Args) -> Artefact | None:
    return _table(
        q,
        args,
        "communes",
        lambda d: communes_table(q, d),
        lambda d: [f"territories:{d['wave']}", "cog:communes"],
    )


def employment_export(q: Gateway, args: Args) -> Artefact | None:
    return _table(q, args, "emploi", employment_table, lambda d: ["urssaf"])


# -- the employment chart ------------------------------------------------------------------------


def employment_chart(q: Gateway, d: dict, fmt: str, *, width: int = 1200, height: int = 560):
    partial = d["employment_coverage"] is not None and not d["employment_complete"]
    subtitle = (
        f"Couverture du fichier Urssaf : {fmt_share(d['employment_coverage'])} de la population"
        + (" — sommes partielles (minorants)" if partial else "")
    )
    return chart_bytes(
        employment_figure(d["employment"]),
        fmt,
        f"{EMPLOYMENT_TITLE} (Urssaf) — {d['name']}",
        [_source_line(q, "urssaf")],
        subtitle=subtitle,
        width=width,
        height=height,
    )


def employment_chart_export(q: Gateway, args: Args) -> Artefact | None:
    d = profile_of(q, args)
    if d is None or d["employment"] is None or d["employment"].empty:
        return None
    return Artefact(stem(d, "emploi"), IMAGE, lambda fmt: employment_chart(q, d, fmt))


# -- the map -------------------------------------------------------------------------------------


def territory_map(q: Gateway, d: dict) -> bytes:
    """The territory over its départements, its member EPCI outlined, the chefs-lieux of its
    arrondissements named: an SVG fitted to the report's page."""
    layer = get_layer(WAVE_LAYER[d["wave"]])
    me = S.subset(S.shapes(q, layer.shape, "fine", False), [d["key"]])
    others = S.shapes(q, layer.shape, "medium", False).drop(index=d["key"], errors="ignore")
    epci = S.subset(
        S.shapes(q, "epci", "medium", False), [s for s, k, _ in d["members"] if k == "EPCI"]
    )
    layers = [
        S.Fill(others, "#eeeeee", "#bbbbbb", 0.4),
        S.Fill(me, "#fde3e5", "#e1000f", 1.6),
        S.Fill(epci, None, "#7a7a7a", 0.5),
        S.Fill(S.shapes(q, "base_departement", "medium", False), None, "#3a3a3a", 0.9),
    ]
    labels = [
        S.Label(x, y, name)
        for x, y, name in chef_lieu_points(q, [a["code"] for a in d["arrondissements"]])
    ]
    bounds = tuple(me.total_bounds) if len(me) else None
    doc = S.MapDocument(d["name"], layers, labels=labels, bounds=bounds, framed=False)
    return S.render_map(doc, "svg")


def chef_lieu_points(q: Gateway, codes: list[str]) -> list[tuple[float, float, str]]:
    """(x, y) in the map's CRS and name of the chef-lieu of each arrondissement."""
    if not codes:
        return []
    gdf = q.geodf(
        "SELECT chef_lieu_name AS name, ST_AsWKB(chef_lieu_geom) AS geom FROM arrondissement "
        "WHERE list_contains(?, code) AND chef_lieu_geom IS NOT NULL ORDER BY code",
        [codes],
    )
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    gdf = gdf.to_crs(S.MAP_CRS)
    return [(g.x, g.y, str(n)) for n, g in zip(gdf["name"], gdf.geometry, strict=True)]


# -- the PDF report ------------------------------------------------------------------------------


def report_context(q: Gateway, d: dict, address: str) -> dict:
    """Everything the report's template prints (values formatted the French way)."""
    wave = d["wave"]
    members = d["members"]
    n_epci = sum(1 for m in members if m[1] in ("EPCI", "EPT"))
    inds = [
        (i.label, fmt_value(v, i.decimals, i.unit), i.source)
        for i, v in d["indicators"]
        if not i.generated and i.column is None and i.id == i.long_name
    ]
    facts = key_facts(d)
    facts.insert(
        5, ("Membres", f"{n_epci} intercommunalités, {len(members) - n_epci} communes isolées")
    )
    emp = d["employment"]
    employment = None
    if emp is not None and not emp.empty:
        table = employment_table(d)
        cov, complete = d["employment_coverage"], d["employment_complete"]
        employment = {
            "coverage": fmt_share(cov),
            "partial": cov is not None and not complete,
            "rows": [
                (str(int(y)), fmt_number(a), fmt_number(b))
                for y, a, b in table.itertuples(index=False)
            ],
            "headers": list(table.columns),
            "chart": svg_data_uri(employment_chart(q, d, "svg", width=900, height=380)),
        }
    change = perimeter_change(q, wave, d["key"])
    other = "2023" if wave == "2018" else "2018"
    flows = [
        (
            str(n).strip() if isinstance(n, str) else "hors programme",
            str(i) if isinstance(i, str) else "—",
            fmt_value(p, 0, "hab."),
            fmt_number(c),
            fmt_share(s),
        )
        for i, n, p, c, s in change["flows"][
            ["other_id", "other_name", "population", "n_communes", "share"]
        ].itertuples(index=False)
    ]
    communes = communes_table(q, d)
    names = {
        "territories": f"territories:{wave}",
        "communes": "cog:communes",
        "epci": "cog:epci",
        "arr": "cog:arrondissements",
        "geom": "commune_geometry",
    }
    wanted = list(names.values())
    if employment:
        wanted.append("urssaf")
    projects = d["projects"]
    demo_projects = d["demo_projects"]
    srcs = sources(q)
    registry_sources = (
        sorted({str(s) for s in projects["source"].dropna()}) if projects is not None else []
    )
    src_rows = [
        {"name": r.name, "vintage": r.vintage, "licence": r.licence, "loaded_at": str(r.loaded_at)[:10]}
        for r in srcs.itertuples(index=False)
        if any(str(r.name).startswith(w) for w in wanted)
    ]  # fmt: skip
    return {
        "title": d["name"],
        "subtitle": f"Territoire d'industrie {WAVE_LABELS[wave]} — {d['key']}",
        "kind": "fiche de territoire",
        "address": address,
        "demo": demo_projects is not None and not demo_projects.empty,
        "built_at": (built_at(q) or "")[:10],
        "facts": facts,
        "indicators": inds,
        "map": svg_data_uri(territory_map(q, d)),
        "members": [(n, KIND_LABELS.get(k, k), s) for s, k, n in members],
        "arrondissements": d["arrondissements"],
        "communes": [
            (c, n, fmt_number(p))
            for c, n, p in communes.iloc[:MAX_COMMUNES_LISTED, :3].itertuples(index=False)
        ],
        "n_communes": len(communes),
        "employment": employment,
        "projects": _project_rows(projects),
        "registry_sources": registry_sources,
        "demo_projects": _project_rows(demo_projects),
        "change": {
            "other": other,
            "counterpart": change["counterpart"],
            "share_of_territory": fmt_share(
                (change["counterpart"] or {}).get("share_of_territory")
            ),
            "share_of_counterpart": fmt_share(
                (change["counterpart"] or {}).get("share_of_counterpart")
            ),
            "transition": change.get("transition"),
            "flows": flows,
        },
        "sources": src_rows,
        "source_lines": {k: _source_line(q, v) for k, v in names.items()},
        "urssaf_source": _source_line(q, "urssaf"),
    }


def _project_rows(df) -> list[tuple]:
    if df is None or df.empty:
        return []
    return [
        (str(r.name), str(r.date)[:10], str(r.status), fmt_number(r.public_aid_eur),
         fmt_number(r.jobs_created))
        for r in df.head(100).itertuples(index=False)
    ]  # fmt: skip


def report_pdf(q: Gateway, d: dict, address: str) -> bytes:
    """The A4 report of one territory (see the module docstring)."""
    ctx = report_context(q, d, address)
    return html_pdf(render_html("dashboard.profile", "territory_report.html", **ctx), d["name"])


def report_export(q: Gateway, args: Args) -> Artefact | None:
    d = profile_of(q, args)
    if d is None:
        return None
    address = args.root.rstrip("/") + profile_href(d["wave"], d["key"])
    name = stem(d, "fiche") + ("_donnees-fictives" if not d["demo_projects"].empty else "")
    return Artefact(name, DOCUMENT, lambda fmt: report_pdf(q, d, address))


EXPORTS = {
    "fiche": report_export,
    "membres": members_export,
    "communes": communes_export,
    "emploi": employment_export,
    "graphique-emploi": employment_chart_export,
}


def query(d: dict) -> str:
    """The query string that names a territory in the export addresses."""
    return f"vague={d['wave']}&id={d['key']}"
