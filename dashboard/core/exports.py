"""Tables leaving the dashboard: CSV and XLSX files, and the download payload Dash expects.

One writer for every page: CSV in UTF-8 with a byte-order mark (Excel reads the accents),
``;``-separated with a decimal comma; XLSX with the rows on one sheet and the provenance on a
sheet ``Source``. Demonstration data (données fictives) is watermarked in the file itself: a
first line in CSV, a title row and the sheet's name in XLSX.
"""

from __future__ import annotations

import base64
import io

import pandas as pd

FORMATS = ("csv", "xlsx")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEMO_NOTE = "DONNÉES FICTIVES — registre de démonstration, rien de réel"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet will show as text, never run as a formula (``=HYPERLINK(...)``,
    ``+cmd``, ``@SUM``): a leading apostrophe, as OWASP advises for CSV injection. Other values
    (numbers, dates, None) are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _neutralised(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise)
    return out


def csv_bytes(df: pd.DataFrame, note: str = "", *, demo: bool = False) -> bytes:
    """The rows as CSV; ``note`` (source, vintage) goes into a last column ``Source``."""
    out = _neutralised(df)
    if note:
        out["Source"] = neutralise(note)
    body = out.to_csv(index=False, sep=";", decimal=",")
    if demo:
        body = "# " + DEMO_NOTE + "\n" + body
    return body.encode("utf-8-sig")


def xlsx_bytes(
    df: pd.DataFrame, note: str = "", *, demo: bool = False, sheet: str = "Données"
) -> bytes:
    """An XLSX workbook: the rows, then a sheet ``Source`` with the provenance note."""
    buf = io.BytesIO()
    sheet = "Données fictives" if demo else sheet[:31]
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        _neutralised(df).to_excel(xw, index=False, sheet_name=sheet, startrow=1 if demo else 0)
        if demo:
            xw.sheets[sheet].cell(row=1, column=1, value=DEMO_NOTE)
        source = pd.DataFrame({"Source": [neutralise(note or "")]})
        source.to_excel(xw, index=False, sheet_name="Source")
    return buf.getvalue()


def table_bytes(df: pd.DataFrame, fmt: str, note: str = "", *, demo: bool = False) -> bytes:
    """The table in ``fmt`` (``csv`` or ``xlsx``; anything else is refused)."""
    if fmt == "xlsx":
        return xlsx_bytes(df, note, demo=demo)
    if fmt == "csv":
        return csv_bytes(df, note, demo=demo)
    raise ValueError(f"unknown table format {fmt!r}; expected one of {', '.join(FORMATS)}")


def download(df: pd.DataFrame, fmt: str, stem: str, note: str = "", *, demo: bool = False) -> dict:
    """What a ``dcc.Download`` takes: the file (base64), its name and type."""
    fmt = fmt if fmt in FORMATS else "csv"
    body = table_bytes(df, fmt, note, demo=demo)
    return {
        "content": base64.b64encode(body).decode("ascii"),
        "filename": f"{stem}.{fmt}",
        "base64": True,
        "type": MIME[fmt],
    }
