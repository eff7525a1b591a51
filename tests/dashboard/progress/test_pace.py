"""Pace and reach-date arithmetic, each expected value worked out by hand in the comment."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.progress import pace

R = date(2023, 11, 9)  # the 2023 relaunch


def test_goals_and_relaunch():
    assert pace.RELAUNCH == R and pace.HORIZONS == (10, 15)


def test_add_years():
    assert pace.add_years(R, 10) == date(2033, 11, 9)
    assert pace.add_years(R, 15) == date(2038, 11, 9)
    assert pace.add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_linear_path_values():
    # 2023-11-09 -> 2033-11-09: 10 x 365 + 3 leap days (2024, 2028, 2032) = 3653 days;
    # 2023-11-09 -> 2028-11-09: 5 x 365 + 2 leap days = 1827 days: 15,000 x 1827 / 3653
    assert pace.path_value(15_000, R, 10, date(2028, 11, 9)) == pytest.approx(15_000 * 1827 / 3653)
    assert pace.path_value(15_000, R, 10, date(2033, 11, 9)) == 15_000
    assert pace.path_value(15_000, R, 10, date(2020, 1, 1)) == 0  # before the start
    assert pace.path_value(450_000, R, 15, date(2050, 1, 1)) == 450_000  # after the end
    # 2023-11-09 -> 2024-11-09 = 366 days (2024-02-29); 15 years = 15 x 365 + 4 leap days = 5479
    assert pace.path_value(450_000, R, 15, date(2024, 11, 9)) == pytest.approx(450_000 * 366 / 5479)
    pts = pace.linear_path(15_000, R, 10, step_years=5)
    assert [d for d, _ in pts] == [R, date(2028, 11, 9), date(2033, 11, 9)]
    assert pts[0][1] == 0 and pts[-1][1] == 15_000
    with pytest.raises(ValueError):
        pace.path_value(1, R, 0, R)


def test_required_pace():
    assert pace.required_pace(15_000, 10) == 1_500
    assert pace.required_pace(15_000, 15) == 1_000
    assert pace.required_pace(450_000, 10) == 45_000
    assert pace.required_pace(450_000, 15) == 30_000
    assert pace.required_pace(15_000, 10, already=3_000) == 1_200
