"""Tables leaving the dashboard: CSV and XLSX bytes, the download payload."""

from __future__ import annotations

import base64
import io

import openpyxl
import pandas as pd
import pytest

from dashboard.core import exports as F


def test_csv_has_a_bom_semicolons_and_the_source_note():
    df = pd.DataFrame({"Code": ["ti-1"], "Nom": ["Évreux"], "Valeur": [1.5]})
    raw = F.csv_bytes(df, "COG 2026")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig").splitlines()
    assert text == ["Code;Nom;Valeur;Source", "ti-1;Évreux;1,5;COG 2026"]


def test_xlsx_holds_the_rows_and_a_source_sheet():
    df = pd.DataFrame({"Code": ["a", "b"], "Nom": ["<img src=x>", "Rouen"]})
    wb = openpyxl.load_workbook(io.BytesIO(F.xlsx_bytes(df, "note")))
    rows = list(wb["Données"].values)
    assert rows == [("Code", "Nom"), ("a", "<img src=x>"), ("b", "Rouen")]
    assert list(wb["Source"].values) == [("Source",), ("note",)]


def test_demonstration_data_is_watermarked_in_the_file():
    df = pd.DataFrame({"Code": ["a"]})
    assert F.csv_bytes(df, "note", demo=True).decode("utf-8-sig").startswith("# DONNÉES FICTIVES")
    wb = openpyxl.load_workbook(io.BytesIO(F.xlsx_bytes(df, "note", demo=True)))
    assert wb.sheetnames == ["Données fictives", "Source"]
    assert wb["Données fictives"]["A1"].value.startswith("DONNÉES FICTIVES")


def test_download_payload_and_unknown_formats():
    out = F.download(pd.DataFrame({"Code": ["a"]}), "xlsx", "fichier")
    assert (out["filename"], out["type"]) == ("fichier.xlsx", F.MIME["xlsx"])
    assert base64.b64decode(out["content"])[:2] == b"PK"
    assert F.download(pd.DataFrame({"Code": ["a"]}), "exe", "f")["filename"] == "f.csv"
    with pytest.raises(ValueError, match="expected one of csv, xlsx"):
        F.table_bytes(pd.DataFrame(), "html")
