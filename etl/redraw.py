"""The redrawn map: how the 2018 wave of Territoires d'industrie became the 2023 wave.

A build step that reads the foundation tables (``commune``, ``territory``,
``territory_commune``, ``arrondissement``, ``departement``, ``region``) and writes the tables
the ``/redecoupage`` page reads, so that no class, count or share is computed in a callback:

``redraw_commune``
    one row per commune of the programme's scope (mainland France and the DROM; the
    collectivités d'outre-mer are outside the programme): ``ti_2018``, ``ti_2023`` and
    ``change`` in ``both`` (in a territory in both waves), ``entered`` (only in 2023), ``left``
    (only in 2018), ``outside`` (in neither). For ``both``, ``movement`` is ``same`` when the
    commune's 2023 territory is the counterpart of its 2018 territory, else ``moved``;
    ``change_class`` merges both into the five classes of the change map legend (counts in
    the view ``redraw_change_count``, per France, région and département). The
    counterparts of both territories are stored (``counterpart_2023`` of ``ti_2018``,
    ``counterpart_2018`` of ``ti_2023``).
``redraw_counterpart``
    one row per territory of each wave: its counterpart in the other wave (see
    :func:`counterparts`) with the population they share.
``redraw_flow``
    population, communes and area shared by each pair (2018 territory, 2023 territory); a
    NULL side is "outside the programme in that wave". Ready for a sankey chart.
``redraw_transition``
    one row per 2018 territory: its class (kept, split, merged, dropped; see
    :func:`classify_transitions`), its counterpart and the shares. The view
    ``redraw_transition_detail`` joins every flow of a 2018 territory to its class.
``redraw_summary``
    per wave, for France, each région and each département: territories, communes, EPCI,
    population and area covered; the view ``redraw_summary_change`` puts both waves and
    their difference on one row.
``redraw_territory_arrondissement``, ``redraw_arrondissement``, ``redraw_territory_scope``
    the sous-préfecture view (see :func:`sous_prefecture`), with the view
    ``redraw_scope_count``.
``redraw_territory_departement``
    each territory of each wave with every département it touches (and its région), the
    population there and its share: what the région/département filters of the pages use
    (a territory astride two départements shows under both).
``redraw_label``
    French labels and display order of every class above.

Populations are those of the COG 2026 for both waves and every commune is placed in its
2026 EPCI, arrondissement and département: the differences between waves are due to the
redrawing alone, not to population change or to commune mergers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.config import WAVES
from etl.context import BuildContext
from etl.db import Database

# --- thresholds of the transition classes (shares of the 2018 territory's population) -------
DROPPED_BELOW = 0.1  # less than this share in any 2023 territory: out of the programme
REDUCED_BELOW = 0.5  # less than this share (but at least DROPPED_BELOW): reduced by over half
SPLIT_SECOND = 0.2  # a second 2023 territory takes at least this share: split
MAIN_SHARE = 0.5  # the counterpart must take at least this share to be kept or merged
KEPT_SOURCE = 0.5  # kept when the 2018 territory makes at least this share of its counterpart


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %"


# the definition of each transition class, in French, from the thresholds above (the page
# shows them beside the table: redraw_label.definition)
TRANSITION_DEFINITIONS = {
    "kept": f"au moins {_pct(MAIN_SHARE)} de sa population dans un même territoire 2023, aucun "
    f"autre n'en prenant {_pct(SPLIT_SECOND)}, et ce territoire 2023 tient au moins "
    f"{_pct(KEPT_SOURCE)} de sa population de lui",
    "split": f"un deuxième territoire 2023 prend au moins {_pct(SPLIT_SECOND)} de sa population, "
    f"ou aucun n'en prend {_pct(MAIN_SHARE)}",
    "merged": f"au moins {_pct(MAIN_SHARE)} de sa population dans un même territoire 2023 "
    f"(aucun autre n'en prenant {_pct(SPLIT_SECOND)}), mais ce territoire tient moins de "
    f"{_pct(KEPT_SOURCE)} de sa population de lui : absorbé dans un ensemble plus grand",
    "reduced": f"de {_pct(DROPPED_BELOW)} à moins de {_pct(REDUCED_BELOW)} de sa population "
    "reste dans un territoire 2023",
    "dropped": f"moins de {_pct(DROPPED_BELOW)} de sa population reste dans un territoire 2023",
}

CHANGE_LABELS = (
    ("change", "same", "Dans le même territoire (2018 et 2023)", 1),
    ("change", "moved", "Dans un autre territoire en 2023", 2),
    ("change", "entered", "Entrée en 2023", 3),
    ("change", "left", "Sortie en 2023", 4),
    ("change", "outside", "Hors programme (2018 et 2023)", 5),
    ("transition", "kept", "Maintenu", 1),
    ("transition", "split", "Scindé", 2),
    ("transition", "merged", "Fusionné", 3),
    ("transition", "reduced", "Réduit de plus de moitié", 4),
    ("transition", "dropped", "Sorti du programme", 5),
    ("scope", "single_arrondissement", "Dans un seul arrondissement", 1),
    ("scope", "single_departement", "Dans un seul département (plusieurs arrondissements)", 2),
    ("scope", "no_arrondissement", "Dans un département sans arrondissement (Mayotte)", 3),
    ("scope", "multi_departement", "À cheval sur plusieurs départements", 4),
    ("scope", "multi_region", "À cheval sur plusieurs régions", 5),
)
SCOPE_DEFINITIONS = {
    "single_arrondissement": "toutes ses communes dans un même arrondissement",
    "single_departement": "un seul département, plusieurs arrondissements",
    "no_arrondissement": "un seul département, dont les communes n'ont pas d'arrondissement "
    "(Mayotte n'en a pas)",
    "multi_departement": "plusieurs départements d'une même région",
    "multi_region": "plusieurs régions",
}


@dataclass
class RedrawInputs:
    """What the redraw tables are computed from (read by :func:`read_inputs`)."""

    communes: (
        pd.DataFrame
    )  # code, name, departement, region, arrondissement, epci_siren, population, area_km2
    territories: pd.DataFrame  # wave, id, name
    territory_commune: pd.DataFrame  # wave, territory_id, commune_code
    arrondissements: pd.DataFrame  # code, name, departement, region, chef_lieu_kind
    departements: pd.DataFrame  # code, name, region
    regions: pd.DataFrame  # code, name


def read_inputs(db: Database) -> RedrawInputs:
    """Read the foundation tables the redraw step needs (communes of the programme's scope)."""
    return RedrawInputs(
        communes=db.df("""SELECT code, name, departement, region, arrondissement, epci_siren,
                                 population, area_km2 FROM commune WHERE zone <> 'com' ORDER BY code"""),
        territories=db.df("SELECT wave, id, name FROM territory ORDER BY wave, id"),
        territory_commune=db.df("SELECT wave, territory_id, commune_code FROM territory_commune"),
        arrondissements=db.df(
            "SELECT code, name, departement, region, chef_lieu_kind FROM arrondissement"
        ),
        departements=db.df("SELECT code, name, region FROM departement"),
        regions=db.df("SELECT code, name FROM region"),
    )


# ---------------------------------------------------------------------------------------------
# communes and counterparts
# ---------------------------------------------------------------------------------------------


def _commune_waves(inp: RedrawInputs) -> pd.DataFrame:
    """Each commune of the scope with its territory in each wave (NULL when outside)."""
    c = inp.communes[
        [
            "code",
            "name",
            "departement",
            "region",
            "arrondissement",
            "epci_siren",
            "population",
            "area_km2",
        ]
    ].copy()
    tc = inp.territory_commune
    for w in WAVES:
        of = tc[tc["wave"] == w].set_index("commune_code")["territory_id"]
        c[f"ti_{w}"] = c["code"].map(of)
    return c


def flows(communes: pd.DataFrame) -> pd.DataFrame:
    """Population, communes and area shared by each (ti_2018, ti_2023) pair.

    ``communes`` has columns ti_2018, ti_2023, population, area_km2 (one row per commune).
    A NULL side means "outside the programme in that wave"; the pair (NULL, NULL) is left out.
    Shares are of the 2018 (resp. 2023) territory's population; NULL on the outside side.
    """
    c = communes[communes["ti_2018"].notna() | communes["ti_2023"].notna()]
    f = (
        c.groupby(["ti_2018", "ti_2023"], dropna=False)
        .agg(
            population=("population", "sum"),
            n_communes=("population", "size"),
            area_km2=("area_km2", "sum"),
        )
        .reset_index()
    )
    for w in WAVES:
        tot = f.groupby(f"ti_{w}")["population"].sum()
        f[f"share_of_{w}"] = f["population"] / f[f"ti_{w}"].map(tot)
        f.loc[f[f"ti_{w}"].isna(), f"share_of_{w}"] = np.nan
    f["population"] = f["population"].astype("int64")
    f["n_communes"] = f["n_communes"].astype("int64")
    return f.sort_values(["ti_2018", "ti_2023"], na_position="last").reset_index(drop=True)


def counterparts(fl: pd.DataFrame, territories: pd.DataFrame) -> pd.DataFrame:
    """The counterpart of every territory in the other wave.

    The counterpart of a 2018 territory is the 2023 territory that holds the largest part of
    its population (ties: more communes shared, then the smaller id); symmetrically, the
    counterpart of a 2023 territory is the 2018 territory that gave it the largest part of its
    population. A territory with no commune in the other wave has none (NULL). ``mutual`` is
    true when each is the other's counterpart.
    """
    pairs = fl.dropna(subset=["ti_2018", "ti_2023"])
    out = []
    best = {}
    for w, other in (WAVES, WAVES[::-1]):
        p = pairs.sort_values(
            [f"ti_{w}", "population", "n_communes", f"ti_{other}"],
            ascending=[True, False, False, True],
        )
        top = p.drop_duplicates(f"ti_{w}").set_index(f"ti_{w}")
        best[w] = top[f"ti_{other}"]
        t = territories[territories["wave"] == w][["id", "name"]].set_index("id")
        out.append(
            pd.DataFrame(
                {
                    "wave": w,
                    "territory_id": t.index,
                    "name": t["name"].to_numpy(),
                    "counterpart_wave": other,
                    "counterpart_id": top[f"ti_{other}"].reindex(t.index).to_numpy(),
                    "shared_population": top["population"].reindex(t.index).to_numpy(),
                    "share_of_territory": top[f"share_of_{w}"].reindex(t.index).to_numpy(),
                    "share_of_counterpart": top[f"share_of_{other}"].reindex(t.index).to_numpy(),
                }
            )
        )
    cp = pd.concat(out, ignore_index=True)
    back = [
        best["2023" if w == "2018" else "2018"].get(c) if isinstance(c, str) else None
        for w, c in zip(cp["wave"], cp["counterpart_id"], strict=True)
    ]
    cp["mutual"] = [b is not None and b == t for b, t in zip(back, cp["territory_id"], strict=True)]
    cp["shared_population"] = cp["shared_population"].astype("Int64")
    return cp


def commune_changes(communes: pd.DataFrame, cp: pd.DataFrame) -> pd.DataFrame:
    """``redraw_commune``: each commune's territory in both waves and its change class."""
    c = communes
    c2023_of = cp[cp["wave"] == "2018"].set_index("territory_id")["counterpart_id"]
    c2018_of = cp[cp["wave"] == "2023"].set_index("territory_id")["counterpart_id"]
    in18, in23 = c["ti_2018"].notna(), c["ti_2023"].notna()
    change = np.select(
        [in18 & in23, ~in18 & in23, in18 & ~in23], ["both", "entered", "left"], "outside"
    )
    cp23 = c["ti_2018"].map(c2023_of)
    same = (in18 & in23) & (c["ti_2023"] == cp23)
    movement = np.where(change == "both", np.where(same, "same", "moved"), None)
    out = pd.DataFrame(
        {
            "commune_code": c["code"],
            "commune_name": c["name"],
            "departement": c["departement"],
            "region": c["region"],
            "arrondissement": c["arrondissement"],
            "population": c["population"],
            "ti_2018": c["ti_2018"],
            "ti_2023": c["ti_2023"],
            "change": change,
            "movement": movement,
            "change_class": np.where(change == "both", movement, change),
            "counterpart_2023": cp23,
            "counterpart_2018": c["ti_2023"].map(c2018_of),
        }
    )
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# transitions
# ---------------------------------------------------------------------------------------------


def classify_transitions(fl: pd.DataFrame, territories: pd.DataFrame) -> pd.DataFrame:
    """One row per 2018 territory: what it became in 2023.

    With ``p`` the population of the 2018 territory T, ``covered`` the share of ``p`` living in
    some 2023 territory, ``U`` its counterpart (the 2023 territory holding the largest share
    ``main_share`` of ``p``), ``second_share`` the share held by the next 2023 territory and
    ``source_share`` the share of U's population that comes from T, the classes are tested
    in this order:

    - ``dropped``: ``covered < 0.1``: T left the programme (less than a tenth of its
      population is in a 2023 territory);
    - ``reduced``: ``covered < 0.5``: most of T's population is in no 2023 territory, but
      a part of it (up to a half) still is;
    - ``split``: ``second_share >= 0.2`` or ``main_share < 0.5``: T's population went in
      substantial parts to two or more 2023 territories;
    - ``kept``: ``source_share >= 0.5``: at least half of T's population went to U, no other
      2023 territory took a fifth of it, and U takes most of its population from T;
    - ``merged``: otherwise: T went mostly into U, but U is mostly made of other places (other
      2018 territories, or places new to the programme): T was absorbed in a larger territory.

    A territory with no population (not seen in the data) would take shares of its number
    of communes instead.
    """
    t18 = territories[territories["wave"] == "2018"][["id", "name"]].rename(
        columns={"id": "ti_2018"}
    )
    f = fl[fl["ti_2018"].notna()].copy()
    tot = f.groupby("ti_2018").agg(
        population=("population", "sum"), n_communes=("n_communes", "sum")
    )
    # weight by population; a territory without population falls back to its communes
    w = np.where(f["ti_2018"].map(tot["population"]) > 0, f["population"], f["n_communes"]).astype(
        float
    )
    f["w_share"] = w / pd.Series(w, index=f.index).groupby(f["ti_2018"]).transform("sum")
    inside = f[f["ti_2023"].notna()].sort_values(
        ["ti_2018", "w_share", "n_communes", "ti_2023"], ascending=[True, False, False, True]
    )
    inside = inside.assign(rank=inside.groupby("ti_2018").cumcount())
    main = inside[inside["rank"] == 0].set_index("ti_2018")
    second = inside[inside["rank"] == 1].set_index("ti_2018")["w_share"]
    covered = inside.groupby("ti_2018")["w_share"].sum()
    n_succ = inside.groupby("ti_2018").size()
    out = t18.set_index("ti_2018")
    out["population"] = tot["population"].reindex(out.index).fillna(0).astype("int64")
    out["counterpart_2023"] = main["ti_2023"].reindex(out.index)
    out["main_share"] = main["w_share"].reindex(out.index).fillna(0.0)
    out["second_share"] = second.reindex(out.index).fillna(0.0)
    out["covered_share"] = covered.reindex(out.index).fillna(0.0)
    out["outside_share"] = 1.0 - out["covered_share"]
    out["source_share"] = main["share_of_2023"].reindex(out.index)
    out["n_successors"] = n_succ.reindex(out.index).fillna(0).astype("int64")
    cls = np.select(
        [
            out["covered_share"] < DROPPED_BELOW,
            out["covered_share"] < REDUCED_BELOW,
            (out["second_share"] >= SPLIT_SECOND) | (out["main_share"] < MAIN_SHARE),
            out["source_share"] >= KEPT_SOURCE,
        ],
        ["dropped", "reduced", "split", "kept"],
        "merged",
    )
    out["transition"] = cls
    return out.reset_index()


# ---------------------------------------------------------------------------------------------
# summaries per wave
# ---------------------------------------------------------------------------------------------


def _wave_summary(c: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """Indicators of both waves for each value of ``key`` (the whole scope when None)."""
    c = c.assign(_all="FR") if key is None else c
    key = key or "_all"
    tot = c.groupby(key).agg(
        total_population=("population", "sum"),
        total_area_km2=("area_km2", "sum"),
        total_communes=("code", "size"),
    )
    rows = []
    for w in WAVES:
        cov = c[c[f"ti_{w}"].notna()]
        g = cov.groupby(key).agg(
            n_territories=(f"ti_{w}", "nunique"),
            n_communes=("code", "size"),
            n_epci=("epci_siren", "nunique"),
            population=("population", "sum"),
            area_km2=("area_km2", "sum"),
        )
        g = g.reindex(tot.index)
        g[["n_territories", "n_communes", "n_epci", "population"]] = (
            g[["n_territories", "n_communes", "n_epci", "population"]].fillna(0).astype("int64")
        )
        g["area_km2"] = g["area_km2"].fillna(0.0)
        g = g.join(tot)
        g["population_share"] = g["population"] / g["total_population"].where(
            g["total_population"] > 0
        )
        g["area_share"] = g["area_km2"] / g["total_area_km2"].where(g["total_area_km2"] > 0)
        rows.append(g.assign(wave=w).reset_index().rename(columns={key: "code"}))
    return pd.concat(rows, ignore_index=True)


def summaries(c: pd.DataFrame, departements: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """``redraw_summary``: for France, each région and each département, per wave.

    ``n_territories`` counts the territories with at least one commune in the area (a territory
    astride two départements counts in both, so département counts do not add up to the
    région's); ``n_epci`` the 2026 EPCI with at least one commune in a territory; population,
    area and communes are those of the communes in a territory, with their share of the area's.
    """
    fr = _wave_summary(c, None).assign(level="france", name="France (métropole et DROM)")
    reg = _wave_summary(c, "region").assign(level="region")
    reg["name"] = reg["code"].map(regions.set_index("code")["name"])
    reg["region"] = reg["code"]
    dep = _wave_summary(c, "departement").assign(level="departement")
    dep["name"] = dep["code"].map(departements.set_index("code")["name"])
    dep["region"] = dep["code"].map(departements.set_index("code")["region"])
    out = pd.concat([fr, reg, dep], ignore_index=True)
    cols = [
        "level",
        "code",
        "name",
        "region",
        "wave",
        "n_territories",
        "n_communes",
        "n_epci",
        "population",
        "area_km2",
        "population_share",
        "area_share",
        "total_communes",
        "total_population",
        "total_area_km2",
    ]
    return out.reindex(columns=cols)


# ---------------------------------------------------------------------------------------------
# the sous-préfecture view
# ---------------------------------------------------------------------------------------------


@dataclass
class SousPrefecture:
    territory_arrondissement: pd.DataFrame
    arrondissement: pd.DataFrame
    territory_scope: pd.DataFrame


def sous_prefecture(
    c: pd.DataFrame, arrondissements: pd.DataFrame, territories: pd.DataFrame
) -> SousPrefecture:
    """How the territories of each wave sit on the arrondissements.

    ``territory_arrondissement``: each (territory, arrondissement) pair with the population,
    communes and area they share, ``share_of_territory`` (of the territory's population) and
    ``share_of_arrondissement``; communes without an arrondissement (Mayotte has none) form a
    row with a NULL arrondissement so that the shares of a territory add up to 1.
    ``arrondissement``: each arrondissement with the number of territories in it and the
    population, communes and area they cover. ``territory_scope``: each territory with its
    numbers of arrondissements, départements and régions and ``scope``, exclusive:
    ``single_arrondissement`` (all its communes in one arrondissement), ``single_departement``
    (one département, several arrondissements or none), ``multi_departement`` (several
    départements of one région), ``multi_region``, and ``no_arrondissement`` for a territory
    of one département whose communes have no arrondissement (Mayotte).
    """
    arr = arrondissements.set_index("code")
    arr_tot = c.groupby("arrondissement").agg(
        total_population=("population", "sum"), total_communes=("code", "size")
    )
    ta_rows, a_rows, s_rows = [], [], []
    for w in WAVES:
        cov = c[c[f"ti_{w}"].notna()].rename(columns={f"ti_{w}": "territory_id"})
        ta = (
            cov.groupby(["territory_id", "arrondissement"], dropna=False)
            .agg(
                population=("population", "sum"),
                n_communes=("code", "size"),
                area_km2=("area_km2", "sum"),
            )
            .reset_index()
        )
        t_pop = ta.groupby("territory_id")["population"].transform("sum")
        ta["share_of_territory"] = ta["population"] / t_pop.where(t_pop > 0)
        ta["share_of_arrondissement"] = ta["population"] / ta["arrondissement"].map(
            arr_tot["total_population"]
        ).where(lambda s: s > 0)
        ta["departement"] = ta["arrondissement"].map(arr["departement"])
        ta["region"] = ta["arrondissement"].map(arr["region"])
        ta_rows.append(ta.assign(wave=w))

        a = (
            cov.dropna(subset=["arrondissement"])
            .groupby("arrondissement")
            .agg(
                n_territories=("territory_id", "nunique"),
                population_covered=("population", "sum"),
                n_communes_covered=("code", "size"),
                area_covered_km2=("area_km2", "sum"),
            )
        )
        a = a.reindex(arr.index)
        for col in ("n_territories", "population_covered", "n_communes_covered"):
            a[col] = a[col].fillna(0).astype("int64")
        a["area_covered_km2"] = a["area_covered_km2"].fillna(0.0)
        a = a.join(arr[["name", "departement", "region", "chef_lieu_kind"]]).join(arr_tot)
        a["share_covered"] = a["population_covered"] / a["total_population"].where(
            a["total_population"] > 0
        )
        a_rows.append(a.rename_axis("arrondissement").reset_index().assign(wave=w))

        s = cov.groupby("territory_id").agg(
            n_arrondissements=("arrondissement", "nunique"),
            n_departements=("departement", "nunique"),
            n_regions=("region", "nunique"),
            without_arrondissement=("arrondissement", lambda x: x.isna().sum()),
        )
        main = ta.sort_values(
            ["territory_id", "population", "arrondissement"], ascending=[True, False, True]
        ).drop_duplicates("territory_id")
        main = main.set_index("territory_id")
        s["main_arrondissement"] = main["arrondissement"]
        s["main_arrondissement_share"] = main["share_of_territory"]
        one_arr = (s["n_arrondissements"] == 1) & (s["without_arrondissement"] == 0)
        s["scope"] = np.select(
            [
                s["n_regions"] > 1,
                s["n_departements"] > 1,
                one_arr,
                s["n_arrondissements"] == 0,  # Mayotte: no arrondissement at all
            ],
            ["multi_region", "multi_departement", "single_arrondissement", "no_arrondissement"],
            "single_departement",
        )
        t = territories[territories["wave"] == w].set_index("id")
        s = s.reindex(t.index).rename_axis("territory_id")
        s["name"] = t["name"]
        s_rows.append(s.reset_index().assign(wave=w))
    ta = pd.concat(ta_rows, ignore_index=True)[
        [
            "wave",
            "territory_id",
            "arrondissement",
            "departement",
            "region",
            "population",
            "n_communes",
            "area_km2",
            "share_of_territory",
            "share_of_arrondissement",
        ]
    ]
    ta["population"] = ta["population"].astype("int64")
    a = pd.concat(a_rows, ignore_index=True)[
        [
            "wave",
            "arrondissement",
            "name",
            "departement",
            "region",
            "chef_lieu_kind",
            "n_territories",
            "population_covered",
            "n_communes_covered",
            "area_covered_km2",
            "total_population",
            "total_communes",
            "share_covered",
        ]
    ]
    s = pd.concat(s_rows, ignore_index=True)[
        [
            "wave",
            "territory_id",
            "name",
            "n_arrondissements",
            "n_departements",
            "n_regions",
            "without_arrondissement",
            "main_arrondissement",
            "main_arrondissement_share",
            "scope",
        ]
    ]
    return SousPrefecture(ta, a, s)


def territory_departements(c: pd.DataFrame) -> pd.DataFrame:
    """``redraw_territory_departement``: each (wave, territory, département) with population and share."""
    rows = []
    for w in WAVES:
        cov = c[c[f"ti_{w}"].notna()].rename(columns={f"ti_{w}": "territory_id"})
        g = (
            cov.groupby(["territory_id", "departement", "region"])
            .agg(population=("population", "sum"), n_communes=("code", "size"))
            .reset_index()
        )
        tot = g.groupby("territory_id")["population"].transform("sum")
        g["share_of_territory"] = g["population"] / tot.where(tot > 0)
        rows.append(g.assign(wave=w))
    out = pd.concat(rows, ignore_index=True)
    out["population"] = out["population"].astype("int64")
    return out[
        [
            "wave",
            "territory_id",
            "departement",
            "region",
            "population",
            "n_communes",
            "share_of_territory",
        ]
    ]


# ---------------------------------------------------------------------------------------------
# the build step
# ---------------------------------------------------------------------------------------------


def labels() -> pd.DataFrame:
    """``redraw_label``: kind, code, French label, display rank and, for the transition and
    scope classes, their definition in French (with the thresholds)."""
    df = pd.DataFrame(CHANGE_LABELS, columns=["kind", "code", "label", "rank"])
    defs = {**TRANSITION_DEFINITIONS, **SCOPE_DEFINITIONS}
    df["definition"] = [
        defs.get(c) if k in ("transition", "scope") else None
        for k, c in zip(df["kind"], df["code"], strict=True)
    ]
    return df


def compute(inp: RedrawInputs) -> dict[str, pd.DataFrame]:
    """Every redraw table, by name (pure: no database access)."""
    c = _commune_waves(inp)
    fl = flows(c)
    cp = counterparts(fl, inp.territories)
    sp = sous_prefecture(c, inp.arrondissements, inp.territories)
    return {
        "redraw_commune": commune_changes(c, cp),
        "redraw_counterpart": cp,
        "redraw_flow": fl,
        "redraw_transition": classify_transitions(fl, inp.territories),
        "redraw_summary": summaries(c, inp.departements, inp.regions),
        "redraw_territory_arrondissement": sp.territory_arrondissement,
        "redraw_arrondissement": sp.arrondissement,
        "redraw_territory_scope": sp.territory_scope,
        "redraw_territory_departement": territory_departements(c),
        "redraw_label": labels(),
    }


# both waves and their difference on one row
_SUMMARY_CHANGE = """CREATE OR REPLACE VIEW redraw_summary_change AS
       SELECT a.level, a.code, a.name, a.region,
              a.n_territories AS n_territories_2018, b.n_territories AS n_territories_2023, b.n_territories - a.n_territories AS n_territories_diff,
              a.n_communes AS n_communes_2018, b.n_communes AS n_communes_2023, b.n_communes - a.n_communes AS n_communes_diff,
              a.n_epci AS n_epci_2018, b.n_epci AS n_epci_2023, b.n_epci - a.n_epci AS n_epci_diff,
              a.population AS population_2018, b.population AS population_2023, b.population - a.population AS population_diff,
              a.area_km2 AS area_km2_2018, b.area_km2 AS area_km2_2023, b.area_km2 - a.area_km2 AS area_km2_diff,
              a.population_share AS population_share_2018, b.population_share AS population_share_2023, b.population_share - a.population_share AS population_share_diff,
              a.area_share AS area_share_2018, b.area_share AS area_share_2023, b.area_share - a.area_share AS area_share_diff
       FROM redraw_summary a JOIN redraw_summary b
         ON a.level = b.level AND a.code = b.code AND a.wave = '2018' AND b.wave = '2023'"""
_VIEWS = (
    _SUMMARY_CHANGE,
    """CREATE OR REPLACE VIEW redraw_transition_detail AS
       SELECT f.ti_2018, t.name AS name_2018, t.transition, f.ti_2023, n.name AS name_2023,
              f.population, f.n_communes, f.area_km2, f.share_of_2018, f.share_of_2023,
              coalesce(f.ti_2023 = t.counterpart_2023, false) AS is_counterpart
       FROM redraw_flow f JOIN redraw_transition t USING (ti_2018)
       LEFT JOIN territory n ON n.wave = '2023' AND n.id = f.ti_2023""",
    # the change map legend: communes and population of each class, for France, each région
    # and each département, with 0 where a class has no commune
    """CREATE OR REPLACE VIEW redraw_change_count AS
       WITH places AS (
           SELECT DISTINCT 'france' AS level, 'FR' AS code FROM redraw_commune
           UNION ALL SELECT DISTINCT 'region', region FROM redraw_commune
           UNION ALL SELECT DISTINCT 'departement', departement FROM redraw_commune),
       counts AS (
           SELECT 'france' AS level, 'FR' AS code, change_class, count(*) AS n, sum(population) AS p
           FROM redraw_commune GROUP BY ALL
           UNION ALL SELECT 'region', region, change_class, count(*), sum(population)
           FROM redraw_commune GROUP BY ALL
           UNION ALL SELECT 'departement', departement, change_class, count(*), sum(population)
           FROM redraw_commune GROUP BY ALL)
       SELECT pl.level, pl.code, l.code AS change_class, l.label, l.rank,
              coalesce(c.n, 0) AS n_communes, coalesce(c.p, 0)::BIGINT AS population
       FROM places pl CROSS JOIN redraw_label l
       LEFT JOIN counts c ON c.level = pl.level AND c.code = pl.code AND c.change_class = l.code
       WHERE l.kind = 'change'""",
    # every (wave, scope) pair, with 0 where no territory has that scope
    """CREATE OR REPLACE VIEW redraw_scope_count AS
       SELECT w.wave, l.code AS scope, l.label, l.rank, count(s.territory_id) AS n_territories
       FROM (SELECT DISTINCT wave FROM territory) w CROSS JOIN redraw_label l
       LEFT JOIN redraw_territory_scope s ON s.wave = w.wave AND s.scope = l.code
       WHERE l.kind = 'scope'
       GROUP BY ALL""",
)


def run(ctx: BuildContext) -> None:
    """Build step: compute the redraw tables from the foundation tables and write them."""
    tables = compute(read_inputs(ctx.db))
    for name, df in tables.items():
        ctx.db.write_table(name, df)
    for sql in _VIEWS:
        ctx.db.execute(sql)
    rc = tables["redraw_commune"]
    counts = rc["change_class"].value_counts()
    ctx.check(
        "redraw_change_classes",
        "communes (métropole et DROM)",
        len(rc),
        ", ".join(
            f"{k}: {counts.get(k, 0)}" for k in ("same", "moved", "entered", "left", "outside")
        ),
    )
    tr = tables["redraw_transition"]["transition"].value_counts()
    ctx.check(
        "redraw_transitions",
        "territories 2018",
        int(tr.sum()),
        ", ".join(
            f"{k}: {tr.get(k, 0)}" for k in ("kept", "split", "merged", "reduced", "dropped")
        ),
    )
    # every commune of a territory must be in the scope of redraw_commune
    tc = ctx.db.scalar("SELECT count(*) FROM territory_commune WHERE wave = '2023'")
    n23 = int(rc["ti_2023"].notna().sum())
    ctx.check(
        "redraw_communes_2023",
        "communes in a 2023 territory",
        n23,
        f"territory_commune has {tc}",
        "error" if tc != n23 else "info",
    )
