"""Step: the members of each territory of each wave (EPCI, Grand Paris EPT or single commune,
resolved in the COG 2026) and the communes they hold; a commune in two territories of a wave is
reported as an error."""

from __future__ import annotations

import pandas as pd

from etl.context import BuildContext
from etl.errors import SourceError
from etl.sources import cog, territories


def territory_members(ctx: BuildContext) -> None:
    """Fill ``territory_member`` and ``territory_commune`` of ``ctx.foundation``."""
    f = ctx.foundation
    f.need("cog", "waves")
    # SIREN -> (kind, name), looked up in this order: EPCI, then EPT, then commune; plain lists
    # (iterating a pandas string column costs microseconds a value), built once for both waves
    lookup: dict = {}
    for kind, frame in (("commune", f.cog.communes), ("EPT", f.cog.ept), ("EPCI", f.cog.epci)):
        names = frame["name"].tolist()
        lookup.update(zip(frame["siren"].tolist(), ((kind, n) for n in names), strict=True))
    members, tcs = [], []
    for w in f.waves:
        m, tc = _resolve_members(w, f.cog, lookup, ctx)
        members.append(m)
        tcs.append(tc)
    f.territory_member = pd.concat(members, ignore_index=True)
    f.territory_commune = pd.concat(tcs, ignore_index=True)


def _resolve_members(
    wave: territories.Wave, cogd: cog.Cog, lookup: dict, ctx: BuildContext
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Members of each territory with their kind (``lookup``: SIREN -> (kind, name)), and the
    communes they hold."""
    kinds, names = [], []
    column = "liste_geo" if wave.wave == "2023" else "siren_groupement"
    ids, sirens = wave.members["territory_id"].tolist(), wave.members["siren"].tolist()
    for tid, siren in zip(ids, sirens, strict=True):
        found = lookup.get(siren)
        if found is not None:
            kinds.append(found[0])
            names.append(found[1])
        else:
            raise SourceError(
                wave.file.path,
                f"member SIREN {siren} is neither an EPCI, a Grand Paris "
                f"EPT nor a commune of the COG 2026",
                row=tid,
                column=column,
            )
    members = wave.members.assign(kind=kinds, name=names, wave=wave.wave)
    by_kind = members["kind"].value_counts().to_dict()
    ctx.check(
        "members_resolved",
        f"wave {wave.wave}",
        len(members),
        ", ".join(f"{k}: {v}" for k, v in sorted(by_kind.items())),
    )
    gm = cogd.groupings_members
    parts = []
    grp = members[members["kind"] != "commune"].merge(gm, on="siren")
    parts.append(grp[["territory_id", "commune_code"]])
    single = (
        members[members["kind"] == "commune"]
        .merge(cogd.communes[["siren", "code"]], on="siren")
        .rename(columns={"code": "commune_code"})
    )
    parts.append(single[["territory_id", "commune_code"]])
    tc = pd.concat(parts, ignore_index=True).drop_duplicates().assign(wave=wave.wave)
    n_t = tc.groupby("commune_code")["territory_id"].nunique()
    twice = n_t[n_t > 1]
    detail = "; ".join(
        f"{c}: {', '.join(sorted(tc.loc[tc.commune_code == c, 'territory_id']))}"
        for c in twice.index[:10]
    )
    ctx.check(
        "communes_in_two_territories",
        f"wave {wave.wave}",
        len(twice),
        detail,
        "error" if len(twice) else "info",
    )
    n_in = tc["commune_code"].nunique()
    ctx.check(
        "communes_in_no_territory",
        f"wave {wave.wave}",
        len(cogd.communes) - n_in,
        f"{n_in} communes in a territory",
    )
    return members, tc
