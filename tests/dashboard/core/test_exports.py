"""Tables leaving the dashboard: CSV and XLSX bytes, the download payload, formula cells."""

from __future__ import annotations

import base64
import csv
import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard.core import exports as F

TODAY = f"{date.today():%d/%m/%Y}"


def csv_rows(raw: bytes) -> tuple[list[str], list[str]]:
    """(table lines, footer lines) of an exported CSV (they are separated by an empty line)."""
    text = raw.decode("utf-8-sig")
    table, _, footer = text.partition("\n\n")
    return table.splitlines(), footer.splitlines()


def test_csv_has_a_bom_semicolons_decimal_commas_and_the_source_once():
    df = pd.DataFrame({"Code": ["ti-1", "ti-2"], "Nom": ["Évreux", "Rouen"], "Valeur": [1.5, 2.25]})
    raw = F.csv_bytes(df, "COG 2026")
    assert raw.startswith(b"\xef\xbb\xbf")
    table, footer = csv_rows(raw)
    assert table == ["Code;Nom;Valeur", "ti-1;Évreux;1,5", "ti-2;Rouen;2,25"]
    assert footer == [
        "Source : COG 2026",
        f"Extraction : {TODAY} — Tableau de bord Territoires d'industrie",
    ]


def test_whole_numbers_are_written_as_whole_numbers_and_missing_values_as_empty_cells():
    # the bug of the issue: a count of 6 written "6,0", a population "273630,0"
    df = pd.DataFrame({"Projets": [6.0, None], "Population municipale (hab.)": [273630.0, 12.0]})
    table, footer = csv_rows(F.csv_bytes(df))
    assert table == ["Projets;Population municipale (hab.)", "6;273630", ";12"]
    assert footer[0] == F.POPULATION_NOTE  # a population column states its vintage
    wb = openpyxl.load_workbook(io.BytesIO(F.xlsx_bytes(df)))
    rows = list(wb["Données"].values)
    assert rows[1] == (6, 273630) and isinstance(rows[1][0], int)
    assert rows[2] == (None, 12)


def test_formula_looking_cells_are_neutralised_in_csv_and_xlsx():
    hostile = ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\t=x", "Rouen", "a=b"]
    assert [F.neutralise(v) for v in hostile] == [
        "'=1+1",
        "'+33 1 23",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=x",
        "Rouen",
        "a=b",
    ]
    assert F.neutralise(-5) == -5 and F.neutralise(None) is None  # numbers stay numbers
    df = pd.DataFrame({"Nom": ['=HYPERLINK("http://x","y")', "Rouen"], "Valeur": [-1, 2]})
    table, _ = csv_rows(F.csv_bytes(df, "=cmd|' /C calc'!A0"))
    assert next(csv.reader([table[1]], delimiter=";")) == ['\'=HYPERLINK("http://x","y")', "-1"]
    wb = openpyxl.load_workbook(io.BytesIO(F.xlsx_bytes(df, "=cmd")))
    cell = wb["Données"]["A2"]
    assert cell.value == '\'=HYPERLINK("http://x","y")' and cell.data_type == "s"
    assert wb["Données"]["B2"].value == -1
    assert wb["Sources"]["A2"].value == "Source : =cmd"  # prefixed: no longer a formula


def test_xlsx_holds_the_rows_and_a_sources_sheet():
    df = pd.DataFrame({"Code": ["a", "b"], "Nom": ["<img src=x>", "Rouen"]})
    wb = openpyxl.load_workbook(io.BytesIO(F.xlsx_bytes(df, ["ANCT, juillet 2024", "INSEE"])))
    assert wb.sheetnames == ["Données", "Sources"]
    assert list(wb["Données"].values) == [("Code", "Nom"), ("a", "<img src=x>"), ("b", "Rouen")]
    assert [r[0] for r in wb["Sources"].values] == [
        "Sources et conditions de l'extraction",
        "Source : ANCT, juillet 2024",
        "Source : INSEE",
        f"Extraction : {TODAY} — Tableau de bord Territoires d'industrie",
    ]


def test_demonstration_data_is_watermarked_in_the_file_and_only_then():
    df = pd.DataFrame({"Code": ["a"]})
    assert F.csv_bytes(df, "note", demo=True).decode("utf-8-sig").startswith("# DONNÉES FICTIVES")
    assert "FICTIVES" not in F.csv_bytes(df, "note").decode("utf-8-sig")
    wb = openpyxl.load_workbook(io.BytesIO(F.xlsx_bytes(df, "note", demo=True)))
    assert wb.sheetnames == ["Données fictives", "Sources"]
    assert wb["Données fictives"]["A1"].value.startswith("DONNÉES FICTIVES")
    assert wb["Données fictives"]["A2"].value == "Code"
    real = openpyxl.load_workbook(io.BytesIO(F.xlsx_bytes(df, "note")))
    assert not any("FICTIVES" in str(v) for ws in real for row in ws.values for v in row)


def test_download_payload_and_unknown_formats():
    out = F.download(pd.DataFrame({"Code": ["a"]}), "xlsx", "fichier")
    assert (out["filename"], out["type"]) == ("fichier.xlsx", F.MIME["xlsx"])
    assert base64.b64decode(out["content"])[:2] == b"PK"
    assert F.download(pd.DataFrame({"Code": ["a"]}), "exe", "f")["filename"] == "f.csv"
    with pytest.raises(ValueError, match="expected one of csv, xlsx"):
        F.table_bytes(pd.DataFrame(), "html")
