"""Numbers, shares and differences written the French way; "pas de données" for what is absent."""

from __future__ import annotations

NO_DATA_LABEL = "pas de données"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")  # fmt: skip
_THIN = "\u202f"  # narrow no-break space: the French thousands separator


def is_missing(v) -> bool:
    """True for None, NaN and pandas' NA (a value that is not there, never 0)."""
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN and NA are not equal to themselves
    except TypeError:  # pd.NA refuses to be a truth value
        return True


def fmt_number(v, decimals: int = 0) -> str:
    """A number written the French way (thin spaces for thousands, comma for decimals)."""
    if is_missing(v):
        return NO_DATA_LABEL
    s = f"{float(v):,.{decimals}f}"
    return s.replace(",", _THIN).replace(".", ",")


def fmt_value(v, decimals: int = 0, unit: str = "") -> str:
    """:func:`fmt_number` followed by the unit."""
    s = fmt_number(v, decimals)
    return s if s == NO_DATA_LABEL or not unit else f"{s} {unit}"


def fmt_share(v, decimals: int = 0) -> str:
    """A share (0-1) as a French percentage."""
    if is_missing(v):
        return NO_DATA_LABEL
    return fmt_number(100 * float(v), decimals) + " %"


def fmt_diff(v, decimals: int = 0, unit: str = "") -> str:
    """A difference with its sign (+1 234, −56, 0)."""
    if is_missing(v):
        return NO_DATA_LABEL
    s = fmt_number(abs(float(v)), decimals)
    nonzero = bool(s.strip("0," + _THIN))
    sign = "+" if float(v) > 0 and nonzero else "−" if float(v) < 0 and nonzero else ""
    return f"{sign}{s}" + (f" {unit}" if unit else "")
