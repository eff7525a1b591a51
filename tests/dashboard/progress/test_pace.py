"""Pace and reach-date arithmetic, each expected value worked out by hand in the comment."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.progress import pace

R = date(2023, 11, 9)  # the 2023 relaunch


def test_goals_and_relaunch():
    assert pace.GOALS == {"projects": 15_000, "jobs": 450_000}
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


def test_observed_pace():
    # 2020-01-01 -> 2024-01-01 = 1461 days = 4 x 365.25: +4,000 is 1,000 a year
    assert pace.observed_pace(
        [(date(2024, 1, 1), 5_000), (date(2020, 1, 1), 1_000)]
    ) == pytest.approx(1_000)
    # the middle point does not count: slope between first and last
    assert pace.observed_pace(
        [(date(2020, 1, 1), 1_000), (date(2021, 6, 1), 9_999), (date(2024, 1, 1), 5_000)]
    ) == pytest.approx(1_000)
    assert pace.observed_pace([(date(2020, 1, 1), 1_000)]) is None
    assert pace.observed_pace([]) is None
    assert pace.observed_pace([(date(2020, 1, 1), 1), (date(2020, 1, 1), 2)]) is None


def test_reach_date():
    # 4,000 more at 1,000 a year = 4 years = 1461 days after 2024-01-01 = 2028-01-01
    assert pace.reach_date(5_000, (date(2024, 1, 1), 1_000), 1_000) == date(2028, 1, 1)
    assert pace.reach_date(5_000, (date(2024, 1, 1), 6_000), 1_000) == date(
        2024, 1, 1
    )  # already there
    assert pace.reach_date(5_000, (date(2024, 1, 1), 1_000), 0) is None
    assert pace.reach_date(5_000, (date(2024, 1, 1), 1_000), -10) is None
    assert pace.reach_date(5_000, (date(2024, 1, 1), 1_000), None) is None


def test_summary_on_track_exactly_at_the_ten_year_pace():
    # 0 at the relaunch, 6,000 four years later (1461 days, one leap day): 1,500 a year = the
    # 10-year pace; 9,000 left = 6 years = 2191.5 days, rounded half to even: 2192 days
    # = 2027-11-09 + 6 years with 2 leap days (2028, 2032) = 2033-11-09, the 10-year deadline.
    s = pace.summarise("projects", [(R, 0), (date(2027, 11, 9), 6_000)])
    assert s.observed_per_year == pytest.approx(1_500)
    assert s.reach == date(2033, 11, 9)
    assert s.deadline == {10: date(2033, 11, 9), 15: date(2038, 11, 9)}
    assert s.on_track == {10: True, 15: True}
    assert s.required_per_year == {10: 1_500, 15: 1_000}
    assert (s.last_date, s.last_value) == (date(2027, 11, 9), 6_000)


def test_summary_behind_and_unknown():
    # 30,000 jobs a year from 10,000: 440,000 left / 30,000 = 14.67 years: reaches after the 10-year
    # deadline, before the 15-year one
    s = pace.summarise("jobs", [(date(2024, 1, 1), 10_000), (date(2028, 1, 1), 130_000)])
    assert s.observed_per_year == pytest.approx(30_000)
    assert s.on_track == {10: False, 15: True}
    # 320,000 left at 30,000/yr = 10.667 yr = 3896 days after 2028-01-01 = 2038-09-01
    assert s.reach == date(2038, 9, 1)
    one = pace.summarise("jobs", [(date(2024, 1, 1), 10_000)])
    assert (
        one.observed_per_year is None and one.reach is None and one.on_track == {10: None, 15: None}
    )
