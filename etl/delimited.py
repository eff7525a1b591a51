"""Delimited text files read as text, checked, with each record's row number kept for errors.

Shared by the progress sources (published figures, France Relance, DITP, Fonds vert, the
project registry). Every failure becomes a :class:`etl.errors.SourceError` naming the file,
the row (1-based, header excluded), the column and what was expected.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from etl.errors import SourceError
from etl.readers import read_text, require_columns

if TYPE_CHECKING:
    import pandas as pd

_SPACES = re.compile(r"[\s\u00a0\u202f]")


def read_csv(path: Path, required: Iterable[str], *, delimiter: str | None = None) -> pd.DataFrame:
    """Every field as stripped text ('' when empty), index = row number (1-based, header excluded).

    ``delimiter=None`` picks ';' or ',' from the header line. Blank lines are skipped.
    """
    import numpy as np
    import pandas as pd

    text = read_text(path).lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise SourceError(path, f"empty file: expected a header line with {list(required)}")
    if delimiter is None:
        delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    try:  # the C parser: 100,000 rows in a fraction of a second; blank lines kept to number rows
        df = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as e:
        m = re.search(r"line (\d+)", str(e))
        raise SourceError(path, f"malformed CSV: {e}", row=int(m[1]) - 1 if m else None) from None
    df.columns = [str(h).strip() for h in df.columns]
    header = list(df.columns)
    require_columns(path, header, list(required))
    dup = sorted(
        {
            h.split(".")[0]
            for h in header
            if re.fullmatch(r".+\.\d+", h) and h.split(".")[0] in header
        }
    )
    if dup:
        raise SourceError(
            path, f"column(s) {dup} appear more than once in the header", column=dup[0]
        )
    df.index = pd.RangeIndex(1, len(df) + 1, name="row")
    # na_filter=False: every cell is a str ('' when empty)
    cols = {c: np.array([x.strip() for x in df[c].to_numpy()], dtype=object) for c in df.columns}
    blank = np.logical_and.reduce([v == "" for v in cols.values()]) if cols else np.zeros(0, bool)
    out = pd.DataFrame(cols, index=df.index, dtype=object)
    return out[~blank]


def numbers(
    path: Path,
    values: pd.Series,
    column: str,
    *,
    integer: bool = False,
    minimum: float | None = 0,
    decimal_comma: bool = False,
) -> pd.Series:
    """Text -> float64 (NaN where empty); the first malformed value raises with its row.

    ``decimal_comma`` accepts French writing ("1 234,5"; spaces as thousands separators).
    """
    import numpy as np
    import pandas as pd

    txt = values.fillna("").astype(str).str.strip()
    if decimal_comma:
        txt = txt.str.replace(_SPACES, "", regex=True).str.replace(",", ".", regex=False)
    num = pd.to_numeric(txt.where(txt != ""), errors="coerce").astype("float64")
    bad = (txt != "") & (num.isna() | ~np.isfinite(num.fillna(0)))
    what = "an integer" if integer else "a number"
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"{values[i]!r} is not {what}", row=int(i), column=column)
    if integer:
        frac = num.notna() & (num != np.floor(num.fillna(0)))
        if frac.any():
            i = frac.idxmax()
            raise SourceError(path, f"{values[i]!r} is not {what}", row=int(i), column=column)
    if minimum is not None:
        low = num < minimum
        if low.any():
            i = low.idxmax()
            raise SourceError(
                path, f"{values[i]!r} is below the minimum {minimum:g}", row=int(i), column=column
            )
    return num


def dates(path: Path, values: pd.Series, column: str) -> pd.Series:
    """ISO dates 'YYYY-MM-DD' -> datetime64; the first malformed one raises with its row."""
    import pandas as pd

    d = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    bad = d.isna()
    if bad.any():
        i = bad.idxmax()
        raise SourceError(
            path, f"{values[i]!r} is not a date YYYY-MM-DD", row=int(i), column=column
        )
    return d


def require_values(path: Path, df: pd.DataFrame, columns: Iterable[str]) -> None:
    """No empty field in ``columns``."""
    for c in columns:
        empty = df[c] == ""
        if empty.any():
            raise SourceError(path, "empty value", row=int(empty.idxmax()), column=c)


def unique(path: Path, df: pd.DataFrame, key: list[str]) -> None:
    """No two rows share ``key``; the error names both rows and the key."""
    import pandas as pd

    dup = df[df.duplicated(key, keep=False)]
    if len(dup):
        first = tuple(dup.iloc[0][key])
        same = dup[(dup[key] == pd.Series(first, index=key)).all(axis=1)]
        raise SourceError(
            path,
            f"duplicate {dict(zip(key, first, strict=True))} in rows {list(same.index)}; "
            f"expected one row per {key}",
            row=int(same.index[-1]),
            column=key[-1],
        )
