"""Colour-blind-safe palettes for the maps: ColorBrewer schemes (Cynthia Brewer's designs for
3 to 9 sequential and 3 to 11 diverging classes, from ``palettable``) and viridis.

A palette is chosen by a short French id kept in the address (``palette=bleus``); an unknown id
falls back to the default of its kind. Sequential palettes go from light (low values) to dark;
diverging ones go from the colour of decreases through a light middle to the colour of increases.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from palettable.colorbrewer import get_map
from palettable.matplotlib import get_map as get_mpl_map

MIN_K, MAX_K = 3, 9  # classes a user may ask for


@dataclass(frozen=True)
class Palette:
    id: str
    label: str
    scheme: str  # ColorBrewer name (or "Viridis")
    kind: str  # "sequential" or "diverging"


SEQUENTIAL = {
    p.id: p
    for p in (
        Palette("bleus", "Bleus (ColorBrewer)", "Blues", "sequential"),
        Palette("verts", "Verts (ColorBrewer)", "Greens", "sequential"),
        Palette("violets", "Violets (ColorBrewer)", "Purples", "sequential"),
        Palette("jaune-rouge", "Jaune-orange-rouge (ColorBrewer)", "YlOrRd", "sequential"),
        Palette("jaune-bleu", "Jaune-vert-bleu (ColorBrewer)", "YlGnBu", "sequential"),
        Palette("viridis", "Viridis", "Viridis", "sequential"),
    )
}
DIVERGING = {
    p.id: p
    for p in (
        Palette("rouge-bleu", "Rouge-bleu (ColorBrewer)", "RdBu", "diverging"),
        Palette("orange-violet", "Orange-violet (ColorBrewer)", "PuOr", "diverging"),
        Palette("brun-vert", "Brun-vert (ColorBrewer)", "BrBG", "diverging"),
    )
}
PALETTES = {**SEQUENTIAL, **DIVERGING}
DEFAULT_SEQUENTIAL = "bleus"
DEFAULT_DIVERGING = "rouge-bleu"


def valid_palette(pid, diverging: bool = False) -> str:
    """``pid`` when it names a palette of the right kind, else the default of that kind."""
    pool = DIVERGING if diverging else SEQUENTIAL
    if isinstance(pid, str) and pid in pool:
        return pid
    return DEFAULT_DIVERGING if diverging else DEFAULT_SEQUENTIAL


@cache
def _scheme(pid: str, n: int) -> tuple[str, ...]:
    p = PALETTES[pid]
    if p.scheme == "Viridis":  # reversed: light yellow for low values, dark violet for high
        return tuple(c.lower() for c in reversed(get_mpl_map(f"Viridis_{n}").hex_colors))
    return tuple(c.lower() for c in get_map(p.scheme, p.kind, n).hex_colors)


def sequential(pid: str, k: int) -> list[str]:
    """``k`` colours, light to dark (``k`` below 3 takes the lightest-but-one of the 3-class
    scheme, so that a lone class is not white on the white map)."""
    pid = valid_palette(pid)
    if k <= 0:
        return []
    if k < MIN_K:
        return list(_scheme(pid, MIN_K)[-k:])
    return list(_scheme(pid, min(k, MAX_K)))


def diverging(pid: str, n_below: int, n_above: int) -> list[str]:
    """Colours of ``n_below`` classes under the centre (darkest first) then ``n_above`` classes
    over it (lightest first), symmetric around the light middle of the scheme."""
    pid = valid_palette(pid, diverging=True)
    side = max(n_below, n_above, 1)
    n = min(max(2 * side, 4), 10)  # an even scheme: no neutral class, 0 is a break
    cols = _scheme(pid, n)
    low, high = list(cols[: n // 2]), list(cols[n // 2 :])
    return low[len(low) - n_below :] + high[:n_above]


def options(diverging: bool = False) -> list[dict]:
    """Dropdown options of the palettes of one kind."""
    pool = DIVERGING if diverging else SEQUENTIAL
    return [{"label": p.label, "value": p.id} for p in pool.values()]
