"""Table exports never carry a live formula: a text cell starting with =, +, -, @ (or a tab or
carriage return) is written with a leading apostrophe, in CSV and XLSX alike; numbers stay
numbers."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from dashboard.core.exports import csv_bytes, neutralise, xlsx_bytes

HOSTILE = ['=HYPERLINK("http://exemple.invalid","clic")', "+33 1 40 00", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("text", HOSTILE + ["\t=1", "\r=1"])
def test_a_formula_start_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Rouen", "", "Saint-Denis", "a=b", 12, -1.5, None])
def test_other_values_are_unchanged(value):
    assert neutralise(value) == value


def frame():
    return pd.DataFrame({"nom": [*HOSTILE, "Rouen"], "valeur": [1.5, -2.0, 3.0, 4.0, 5.0]})


def test_csv_cells_are_text_not_formulas():
    lines = csv_bytes(frame(), "=source").decode("utf-8-sig").splitlines()
    assert lines[1].startswith("\"'=HYPERLINK(") and lines[1].endswith(";'=source")
    assert [ln.split(";")[0] for ln in lines[2:]] == ["'+33 1 40 00", "'-2+3", "'@SUM(A1)", "Rouen"]
    assert lines[2].split(";")[1] == "-2,0"  # a negative number is still a number


def test_xlsx_cells_are_strings_not_formulas():
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame(), "=source")))
    cells = list(wb.worksheets[0].iter_rows(min_row=2, values_only=False))
    assert [(c[0].value, c[0].data_type) for c in cells][:2] == [
        ('\'=HYPERLINK("http://exemple.invalid","clic")', "s"),
        ("'+33 1 40 00", "s"),
    ]
    assert all(c[0].data_type == "s" for c in cells)
    assert (cells[1][1].value, cells[1][1].data_type) == (-2, "n")
    assert wb["Source"]["A2"].value == "'=source"
