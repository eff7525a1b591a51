"""Analyst scenarios on ``/redecoupage``: edits, the redrawn figures, saving and loading files.

A scenario lives in the browser as JSON (``dcc.Store``) and never touches the database; each
function takes the store as sent back (untrusted) and returns the new store and a message.
"""

from __future__ import annotations

import base64
import binascii

from dash import no_update

from dashboard.core.gateway import Gateway
from dashboard.redraw import figures as RF
from dashboard.redraw import queries as RQ
from dashboard.redraw.scenario_io import (
    compare_figures,
    figures_from_geojson,
    scenario_from_csv,
    scenario_from_store,
    scenario_to_csv,
    scenario_to_geojson,
    scenario_to_store,
)
from dashboard.redraw.state import MAX_GATHER, MAX_NAME, MAX_UPLOAD_B64, NEW_TARGET
from geo.scenario import (
    TERRITORY_ID,
    Scenario,
    ScenarioError,
    evaluate,
    gather,
    move_member,
    new_territory_id,
)


def _scenario(q: Gateway, store) -> Scenario:

    base = RQ.scenario_base(q)
    return Scenario.official(base) if store is None else scenario_from_store(store, base)


def _member_key(value) -> tuple[str, str] | None:
    if not isinstance(value, str) or len(value) > 20 or ":" not in value:
        return None
    kind, _, siren = value.partition(":")
    return (
        (kind, siren) if kind in ("EPCI", "EPT") and siren.isdigit() and len(siren) == 9 else None
    )


def _name(text) -> str | None:
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())[:MAX_NAME]
    return text or None


def on_edit(q: Gateway, action: str | None, member, target, new_name, gathered, store):
    """Apply one edit (``move``, ``gather`` or ``reset``) to the scenario kept in the browser.

    Returns (new store, status message); anything invalid leaves the scenario unchanged and
    says why.
    """

    if action == "reset":
        return None, "Scénario réinitialisé : carte officielle 2023."
    try:
        sc = _scenario(q, store)
        base = RQ.scenario_base(q)
        if action == "move":
            key = _member_key(member)
            if key is None:
                return no_update, "Choisissez l'EPCI à déplacer."
            if target == NEW_TARGET:
                tid, name = new_territory_id(sc), _name(new_name) or "Nouveau territoire"
            elif (
                isinstance(target, str)
                and TERRITORY_ID.match(target)
                and (
                    target in set(sc.members["territory_id"])
                    or target in base.official_territories.index
                )
            ):
                tid, name = target, None
            else:
                return no_update, "Choisissez le territoire de destination."
            sc, changed = move_member(base, sc, key[0], key[1], tid, name)
            return (
                scenario_to_store(sc),
                f"{base.unit_name(*key) or ' '.join(key)} déplacé vers {tid}. Territoires recalculés : "
                f"{', '.join(changed)}.",
            )
        if action == "gather":
            keys = (
                [k for k in (_member_key(v) for v in (gathered or [])[:MAX_GATHER]) if k]
                if isinstance(gathered, list)
                else []
            )
            if not keys:
                return no_update, "Choisissez les EPCI à regrouper."
            tid = new_territory_id(sc)
            sc, changed = gather(base, sc, keys, tid, _name(new_name) or "Nouveau territoire")
            return (
                scenario_to_store(sc),
                f"{len(keys)} membre(s) regroupé(s) dans {tid}. Territoires recalculés : "
                f"{', '.join(changed)}.",
            )
    except ScenarioError as e:
        return no_update, f"Modification refusée : {e}"
    return no_update, no_update


def on_scenario_view(q: Gateway, store):
    """The redrawn polygons, the figures of the changed territories with the official values and
    differences, the destination options, and a one-line summary."""
    if store is None:  # the official map: nothing to recompute
        return (
            RF.scenario_geojson_empty(),
            [],
            [],
            target_options(q, None),
            "Aucune modification : c'est la carte officielle 2023.",
        )
    try:
        sc = _scenario(q, store)
    except ScenarioError as e:
        return (
            RF.scenario_geojson_empty(),
            [],
            [],
            target_options(q, None),
            f"Scénario illisible : {e}",
        )
    base = RQ.scenario_base(q)
    result = evaluate(base, sc, changed_territories(base, sc))
    frame = RF.scenario_frame(result)
    n = len(frame)
    msg = (
        "Aucune modification : c'est la carte officielle 2023."
        if n == 0
        else f"{n} territoire(s) modifié(s) par rapport à la carte officielle 2023 (scénario non officiel)."
    )
    return (
        RF.scenario_geojson(result),
        RF.records(frame),
        RF.grid_columns(frame),
        target_options(q, sc),
        msg,
    )


def changed_territories(base, sc: Scenario) -> list[str]:
    """Ids of the territories whose members differ from the official 2023 map (the only ones
    whose polygon and figures need recomputing)."""
    m = sc.members
    now = {
        tid: frozenset(zip(g["kind"], g["siren"], strict=True))
        for tid, g in m.groupby("territory_id")
    }
    off = base.official_keys
    return sorted(t for t in set(off) | set(now) if off.get(t) != now.get(t))


def target_options(q: Gateway, sc: Scenario | None) -> list[dict]:
    """Destination territories: those of the scenario (official 2023 ones by default) and a new one."""
    names = RQ.territory_names(q, "2023")
    opts = {tid: f"{name} ({tid})" for tid, name in names.items()}
    if sc is not None:
        for tid, name in (
            sc.members[["territory_id", "territory_name"]].drop_duplicates().itertuples(index=False)
        ):
            opts.setdefault(tid, f"{name} ({tid})")
    out = [{"label": "Nouveau territoire", "value": NEW_TARGET}]
    return out + [{"label": v, "value": k} for k, v in sorted(opts.items(), key=lambda kv: kv[1])]


def on_save(q: Gateway, store):
    """The two files of the scenario: members CSV and GeoJSON (downloads)."""

    try:
        sc = _scenario(q, store)
    except ScenarioError as e:
        return no_update, no_update, f"Enregistrement impossible : {e}"

    def files():
        return scenario_to_csv(sc), scenario_to_geojson(sc, evaluate(RQ.scenario_base(q), sc))

    # the official map (nothing edited) is the same for everyone: computed once per database
    members, geojson = q.memo(("official_scenario_files",), files) if store is None else files()
    stem = "scenario-territoires-industrie"
    return (
        {"content": members, "filename": stem + "_membres.csv", "type": "text/csv"},
        {
            "content": geojson,
            "filename": stem + ".geojson",
            "type": "application/geo+json",
        },
        "Scénario enregistré : fichier des membres (CSV) et GeoJSON des territoires.",
    )


def _decode(content) -> bytes:
    if not isinstance(content, str) or len(content) > MAX_UPLOAD_B64 or "," not in content:
        raise ScenarioError("fichier illisible ou trop volumineux")
    try:
        return base64.b64decode(content.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise ScenarioError("fichier illisible (encodage)") from None


def on_upload(q: Gateway, contents, filenames):
    """Load a scenario from its members CSV (and, optionally, its GeoJSON, checked against the
    recomputed figures). Returns (store, status)."""

    if isinstance(contents, str):
        contents, filenames = [contents], [filenames]
    if not isinstance(contents, list) or not contents or len(contents) > 2:
        return no_update, "Chargez le fichier des membres (CSV), et si vous l'avez le GeoJSON."
    names = (
        filenames
        if isinstance(filenames, list) and len(filenames) == len(contents)
        else [""] * len(contents)
    )
    csv_data = geo_data = None
    try:
        for c, n in zip(contents, names, strict=True):
            data = _decode(c)
            is_geo = (
                isinstance(n, str) and n.lower().endswith((".geojson", ".json"))
            ) or data.lstrip()[:1] == b"{"
            if is_geo:
                geo_data = data
            else:
                csv_data = data
        if csv_data is None:
            return no_update, "Chargement impossible : le fichier des membres (CSV) manque."
        base = RQ.scenario_base(q)
        sc = scenario_from_csv(csv_data, base)
        msg = f"Scénario « {sc.name} » chargé ({len(sc.members)} membres)."
        if geo_data is not None:
            result = evaluate(base, sc)
            diffs = compare_figures(result, figures_from_geojson(geo_data))
            msg += (
                " Figures et polygones identiques au GeoJSON enregistré."
                if not diffs
                else f" {len(diffs)} écart(s) avec le GeoJSON enregistré : " + " ; ".join(diffs[:5])
            )
        return scenario_to_store(sc), msg
    except ScenarioError as e:
        return no_update, f"Chargement impossible : {e}"


def on_edit_click(
    q: Gateway, fired: str, _move, _gather, _reset, member, target, new_name, gathered, store
):
    """One of the three edit buttons clicked (``fired``: 'move', 'gather' or 'reset')."""
    action = fired if fired in ("move", "gather", "reset") else None
    return on_edit(q, action, member, target, new_name, gathered, store)


def on_save_click(q: Gateway, _clicks, store):
    """The save button clicked: the two files of the scenario."""
    return on_save(q, store)
