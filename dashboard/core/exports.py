"""Tables leaving the dashboard: CSV and XLSX files, and the download payload Dash expects.

One writer for every page, so that every downloaded table reads the same way in a spreadsheet:

- French column headers with their units, as the caller names them (the table on screen);
- whole numbers written as whole numbers (a count of 6 is ``6``, never ``6,0``), other numbers
  as numbers (a decimal comma in CSV, numeric cells in XLSX); an absent value is an empty cell;
- the provenance written once: footer lines in CSV, a sheet ``Sources`` in XLSX, with the date
  of the extraction and the vintage of the population figures;
- every text cell that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return first) neutralised by :func:`neutralise`;
- demonstration data (données fictives) watermarked in the file itself: a first line in CSV,
  a banner row and the sheet's name in XLSX.

CSV is UTF-8 with a byte-order mark (Excel then reads the accents) and ``;``-separated.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from datetime import date

import pandas as pd

FORMATS = ("csv", "xlsx")
MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEMO_NOTE = "DONNÉES FICTIVES — registre de démonstration, rien de réel"
# the commune populations of every layer come with the COG 2026 (see the sources page)
POPULATION_NOTE = (
    "Population : population municipale diffusée avec le code officiel géographique (COG) 2026 "
    "(@etalab/decoupage-administratif 6.0.0)"
)
PRODUCER = "Tableau de bord Territoires d'industrie"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LABELLED = re.compile(r"^[A-ZÉÈ][\w'’ ]{0,30} : ")  # "Source : …", "Note : …", "Champ : …"


def neutralise(value):
    """``value`` made inert for a spreadsheet: a text starting like a formula (``=``, ``+``,
    ``-``, ``@``, tab, carriage return) gets a leading apostrophe; anything else is returned
    unchanged (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def extraction_line(today: date | None = None) -> str:
    """'Extraction : 30/11/2026 — Tableau de bord Territoires d'industrie'."""
    return f"Extraction : {(today or date.today()):%d/%m/%Y} — {PRODUCER}"


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """A copy ready to write: columns of whole numbers as integers (nullable), every text cell
    neutralised, headers as text (neutralised too)."""
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_bool_dtype(s):
            out[c] = s.map({True: "oui", False: "non"})
        elif pd.api.types.is_float_dtype(s):
            v = s.dropna()
            if len(v) and (v == v.round()).all() and v.abs().max() < 2**53:
                out[c] = s.astype("Int64")
        elif pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            out[c] = s.map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _lines(note: str | Sequence[str]) -> list[str]:
    notes = [note] if isinstance(note, str) else list(note)
    return [n for n in (str(x).strip() for x in notes) if n]


def source_lines(note: str | Sequence[str] = (), *, population: bool | None = None) -> list[str]:
    """The provenance of a table, one line each: its sources ('Source : ' added unless the
    line has its own label, such as 'Note : '), the population vintage (when a column is a
    population), the extraction date."""
    lines = [n if _LABELLED.match(n) else f"Source : {n}" for n in _lines(note)]
    if population:
        lines.append(POPULATION_NOTE)
    lines.append(extraction_line())
    return lines


def _has_population(df: pd.DataFrame) -> bool:
    return any("population" in str(c).lower() for c in df.columns)


def csv_bytes(df: pd.DataFrame, note: str | Sequence[str] = "", *, demo: bool = False) -> bytes:
    """The rows as CSV, then an empty line and the provenance lines (see the module docstring)."""
    body = tidy(df).to_csv(index=False, sep=";", decimal=",", lineterminator="\n")
    if demo:
        body = "# " + DEMO_NOTE + "\n" + body
    footer = source_lines(note, population=_has_population(df))
    if demo:
        footer.append(DEMO_NOTE)
    body += "\n" + "\n".join(neutralise(line) for line in footer) + "\n"
    return body.encode("utf-8-sig")


def xlsx_bytes(
    df: pd.DataFrame, note: str | Sequence[str] = "", *, demo: bool = False, sheet: str = "Données"
) -> bytes:
    """An XLSX workbook: the rows (header frozen, numbers as numbers), then a sheet ``Sources``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    out = tidy(df)
    wb = Workbook()
    ws = wb.active
    ws.title = "Données fictives" if demo else _sheet_name(sheet)
    if demo:
        ws.append([DEMO_NOTE])
        ws.cell(row=1, column=1).font = Font(bold=True, color="E1000F")
    ws.append(list(out.columns))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    header_row = ws.max_row
    int_cols = {i for i, c in enumerate(out.columns) if pd.api.types.is_integer_dtype(out[c])}
    for row in out.itertuples(index=False):
        ws.append([_cell(v) for v in row])
        for i in int_cols:
            ws.cell(row=ws.max_row, column=i + 1).number_format = "#,##0"
    for i, c in enumerate(out.columns, start=1):
        width = max([len(str(c))] + [len(str(v)) for v in out.iloc[:200, i - 1].tolist()])
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, width + 2)
    ws.freeze_panes = f"A{header_row + 1}"
    src = wb.create_sheet("Sources")
    src.append(["Sources et conditions de l'extraction"])
    src.cell(row=1, column=1).font = Font(bold=True)
    lines = source_lines(note, population=_has_population(df))
    if demo:
        lines.insert(0, DEMO_NOTE)
    for line in lines:
        src.append([neutralise(line)])
    src.column_dimensions["A"].width = 120
    # text cells never become formulas, whatever their first character
    for sheet_ in (ws, src):
        for row in sheet_.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(name: str) -> str:
    bad = set("[]:*?/\\")
    return "".join(ch for ch in str(name) if ch not in bad)[:31] or "Données"


def _cell(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and v != v:
        return None
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def table_bytes(
    df: pd.DataFrame, fmt: str, note: str | Sequence[str] = "", *, demo: bool = False
) -> bytes:
    """The table in ``fmt`` (``csv`` or ``xlsx``; anything else is refused)."""
    if fmt == "xlsx":
        return xlsx_bytes(df, note, demo=demo)
    if fmt == "csv":
        return csv_bytes(df, note, demo=demo)
    raise ValueError(f"unknown table format {fmt!r}; expected one of {', '.join(FORMATS)}")


def download(
    df: pd.DataFrame, fmt: str, stem: str, note: str | Sequence[str] = "", *, demo: bool = False
) -> dict:
    """What a ``dcc.Download`` takes: the file (base64), its name and type."""
    fmt = fmt if fmt in FORMATS else "csv"
    body = table_bytes(df, fmt, note, demo=demo)
    return {
        "content": base64.b64encode(body).decode("ascii"),
        "filename": f"{stem}.{fmt}",
        "base64": True,
        "type": MIME[fmt],
    }
