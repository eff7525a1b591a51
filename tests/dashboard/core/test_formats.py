"""Numbers written the French way."""

from __future__ import annotations

import math

import pandas as pd

from dashboard.core import formats as F


def test_fmt_number():
    assert F.fmt_number(1234567.891, 1) == "1\u202f234\u202f567,9"
    assert F.fmt_number(None) == "pas de données"
    assert F.fmt_number(math.nan) == "pas de données"
    assert F.fmt_value(12.5, 1, "km²") == "12,5 km²"
    assert F.fmt_number(pd.NA) == "pas de données"  # pandas' nullable integers


def test_shares_and_differences():
    assert F.fmt_share(0.456, 1) == "45,6 %"
    assert F.fmt_diff(1234) == "+1\u202f234" and F.fmt_diff(-56, 0, "hab.") == "−56 hab."
    assert F.fmt_diff(0.0001) == "0"  # a difference that rounds to nothing has no sign
    assert F.fmt_share(None) == F.fmt_diff(math.nan) == "pas de données"
