"""Scenarios in and out of the browser and of files (the reference data: ``queries.load_base``).

A scenario is saved as two files: the members CSV (what the analyst decided; enough to
rebuild everything) and a GeoJSON of the redrawn territories with their figures and the
differences from the official 2023 map. Both carry the scenario's name and say that it is
not official. Loading reads the CSV, checks every row, recomputes from the current database
and, when the GeoJSON is given, reports any figure that no longer matches it.

No Dash import: the page turns uploads and downloads into the strings handled here.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.scenario import (
    MAX_MEMBERS,
    MEMBER_COLUMNS,
    Scenario,
    ScenarioBase,
    ScenarioError,
    check_members,
    check_scenario,
    evaluate,
)

STATUS_LABEL = "Scénario d'analyste, non officiel"
SOURCE_LABEL = (
    "Territoires d'industrie 2023 (ANCT) ; communes, EPCI et populations : "
    "COG 2026 (INSEE), polygones communaux"
)
CSV_COLUMNS = ["scenario", "statut", *MEMBER_COLUMNS]
MAX_FILE_BYTES = 2_000_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------------------------
# members CSV
# ---------------------------------------------------------------------------------------------


def _cell(v: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + v if v.startswith(_FORMULA_START) else v


def _uncell(v: str) -> str:
    return v[1:] if v.startswith("'") and v[1:].startswith(_FORMULA_START) else v


def scenario_to_csv(scenario: Scenario) -> str:
    """The members CSV of a scenario (UTF-8 text, one row per member)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in scenario.members[MEMBER_COLUMNS].itertuples(index=False):
        w.writerow([_cell(scenario.name), STATUS_LABEL, *(_cell(str(v)) for v in r)])
    return buf.getvalue()


def scenario_from_csv(text: str | bytes, base: ScenarioBase) -> Scenario:
    """Parse and check a members CSV; raise :class:`ScenarioError` naming the row and column."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ScenarioError(
                f"members CSV: {len(text)} bytes, at most {MAX_FILE_BYTES} expected"
            )
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ScenarioError(
                f"members CSV: not UTF-8 text (byte {e.start}); expected UTF-8"
            ) from None
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(
            f"members CSV: {len(text)} characters, at most {MAX_FILE_BYTES} expected"
        )
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise ScenarioError(
            f"members CSV: empty file; expected a header row {CSV_COLUMNS}"
        ) from None
    except csv.Error as e:
        raise ScenarioError(f"members CSV: unreadable header ({e})") from None
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ScenarioError(f"members CSV: missing column(s) {missing}; expected {CSV_COLUMNS}")
    idx = {c: header.index(c) for c in CSV_COLUMNS}
    rows, names = [], set()
    try:
        for i, rec in enumerate(reader, start=2):
            if len(rec) != len(header):
                raise ScenarioError(
                    f"members CSV, line {i}: {len(rec)} fields, expected {len(header)}"
                )
            rows.append({c: _uncell(rec[idx[c]].strip()) for c in MEMBER_COLUMNS})
            names.add(_uncell(rec[idx["scenario"]].strip()))
    except csv.Error as e:
        raise ScenarioError(f"members CSV: unreadable row ({e})") from None
    if len(names) > 1:
        raise ScenarioError(
            f"members CSV, column 'scenario': several scenario names {sorted(names)[:3]}; "
            "expected one"
        )
    members = pd.DataFrame(rows, columns=MEMBER_COLUMNS, dtype=object)
    check_members(base, members, first_row=2, what="members CSV, line")
    scenario = Scenario(name=names.pop() if names else "Scénario", members=members)
    check_scenario(base, scenario)
    return scenario


# ---------------------------------------------------------------------------------------------
# the scenario kept in the browser between callbacks (a dcc.Store): small and checked on return
# ---------------------------------------------------------------------------------------------


def scenario_to_store(scenario: Scenario) -> dict:
    """The scenario as plain JSON data (its name and members, a few dozen kilobytes)."""
    return {
        "name": scenario.name,
        "members": [
            dict(zip(MEMBER_COLUMNS, r, strict=True))
            for r in scenario.members[MEMBER_COLUMNS].itertuples(index=False)
        ],
    }


def scenario_from_store(data: object, base: ScenarioBase) -> Scenario:
    """Rebuild a scenario sent back by the browser; anything malformed raises ScenarioError."""
    if not isinstance(data, dict) or not isinstance(data.get("members"), list):
        raise ScenarioError("scenario: expected an object with a 'members' list")
    name, rows = data.get("name", "Scénario"), data["members"]
    if not isinstance(name, str):
        raise ScenarioError("scenario: expected a text 'name'")
    if len(rows) > MAX_MEMBERS:
        raise ScenarioError(f"scenario: {len(rows)} members, at most {MAX_MEMBERS} expected")
    for i, r in enumerate(rows, start=1):
        if not isinstance(r, dict) or any(not isinstance(r.get(c), str) for c in MEMBER_COLUMNS):
            raise ScenarioError(
                f"scenario member {i}: expected an object with text fields {MEMBER_COLUMNS}"
            )
    members = pd.DataFrame(
        [{c: r[c] for c in MEMBER_COLUMNS} for r in rows], columns=MEMBER_COLUMNS
    )
    check_members(base, members)
    scenario = Scenario(name=name, members=members)
    check_scenario(base, scenario)
    return scenario


# ---------------------------------------------------------------------------------------------
# GeoJSON of the redrawn territories
# ---------------------------------------------------------------------------------------------


def _jsonable(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):  # numpy scalars
        v = v.item()
        return None if isinstance(v, float) and math.isnan(v) else v
    return v


def scenario_to_geojson(scenario: Scenario, result: gpd.GeoDataFrame) -> str:
    """A FeatureCollection of the territories of ``result`` (see ``geo.scenario.evaluate``)."""
    feats = []
    for tid, row in result.iterrows():
        props = {
            "territory_id": tid,
            **{k: _jsonable(v) for k, v in row.drop(result.geometry.name).items()},
            "scenario": scenario.name,
            "statut": STATUS_LABEL,
        }
        geom = row[result.geometry.name]
        feats.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": None
                if geom is None or geom.is_empty
                else json.loads(shapely.to_geojson(geom)),
            }
        )
    doc = {
        "type": "FeatureCollection",
        "name": scenario.name,
        "statut": STATUS_LABEL,
        "source": SOURCE_LABEL,
        "features": feats,
    }
    return json.dumps(doc, ensure_ascii=False)


def figures_from_geojson(text: str | bytes) -> dict[str, dict]:
    if len(text) > 50 * MAX_FILE_BYTES:
        raise ScenarioError("GeoJSON: file too large")
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ScenarioError(f"GeoJSON: not valid JSON ({e})") from None
    except RecursionError:  # "[[[[...": nested deeper than any geometry
        raise ScenarioError("GeoJSON: nested too deeply to be a geometry") from None
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(feats, list):
        raise ScenarioError("GeoJSON: expected a FeatureCollection with a 'features' list")
    out = {}
    for i, f in enumerate(feats, start=1):
        props = (f or {}).get("properties") if isinstance(f, dict) else None
        if not isinstance(props, dict) or not isinstance(props.get("territory_id"), str):
            raise ScenarioError(f"GeoJSON, feature {i}: expected properties with a 'territory_id'")
        geom = f.get("geometry")
        try:
            props = {
                **props,
                "__geometry__": None if geom is None else shapely.from_geojson(json.dumps(geom)),
            }
        except (shapely.errors.GEOSException, RecursionError, TypeError, ValueError) as e:
            raise ScenarioError(f"GeoJSON, feature {i}: unreadable geometry ({e})") from None
        out[props["territory_id"]] = props
    return out


# ---------------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------------


@dataclass
class LoadedScenario:
    scenario: Scenario
    result: gpd.GeoDataFrame
    mismatches: list[str] = field(
        default_factory=list
    )  # figures that differ from the saved GeoJSON


def save_scenario(
    base: ScenarioBase, scenario: Scenario, csv_path: str | Path, geojson_path: str | Path
) -> gpd.GeoDataFrame:
    """Write the members CSV and the GeoJSON of a scenario; return the figures written."""
    check_scenario(base, scenario)
    result = evaluate(base, scenario)
    Path(csv_path).write_text(scenario_to_csv(scenario), encoding="utf-8")
    Path(geojson_path).write_text(scenario_to_geojson(scenario, result), encoding="utf-8")
    return result


def compare_figures(
    result: gpd.GeoDataFrame, saved: dict[str, dict], *, rel: float = 1e-9
) -> list[str]:
    """Differences between recomputed figures and those of a saved GeoJSON, one line each."""
    out = []
    for tid in sorted(set(result.index) ^ set(saved)):
        out.append(
            f"territory {tid}: only in the {'saved file' if tid in saved else 'recomputed scenario'}"
        )
    numeric = [
        c
        for c in result.columns
        if c != result.geometry.name and pd.api.types.is_numeric_dtype(result[c])
    ]
    for tid in sorted(set(result.index) & set(saved)):
        for c in [*numeric, "status", "name"]:
            a, b = _jsonable(result.at[tid, c]), saved[tid].get(c)
            if isinstance(a, int | float) and isinstance(b, int | float):
                if not math.isclose(a, b, rel_tol=rel, abs_tol=1e-9):
                    out.append(f"territory {tid}, {c}: saved {b}, now {a}")
            elif a != b:
                out.append(f"territory {tid}, {c}: saved {b!r}, now {a!r}")
        g, sg = result.geometry[tid], saved[tid].get("__geometry__")
        g = None if g is None or g.is_empty else g
        if (g is None) != (sg is None) or (
            g is not None and not shapely.equals_exact(g, sg, tolerance=1e-9)
        ):
            out.append(f"territory {tid}: the polygon differs from the saved one")
    return out


def load_scenario(
    base: ScenarioBase, csv_path: str | Path, geojson_path: str | Path | None = None
) -> LoadedScenario:
    """Read a saved scenario and recompute it; the GeoJSON, when given, is checked against it."""
    p = Path(csv_path)
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ScenarioError(f"{p}: {p.stat().st_size} bytes, at most {MAX_FILE_BYTES} expected")
    try:
        scenario = scenario_from_csv(p.read_bytes(), base)
    except ScenarioError as e:
        raise ScenarioError(f"{p}: {e}") from None
    result = evaluate(base, scenario)
    mismatches = []
    if geojson_path is not None:
        gp = Path(geojson_path)
        try:
            saved = figures_from_geojson(gp.read_bytes())
        except ScenarioError as e:
            raise ScenarioError(f"{gp}: {e}") from None
        mismatches = compare_figures(result, saved)
    return LoadedScenario(scenario, result, mismatches)
