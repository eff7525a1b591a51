"""The rule of the progress page, made structural: shares and paces only between figures of one
definition; a reach date is a year or a range of years. Each expected value worked out by hand
in the comment."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.progress import pace as P

R = P.RELAUNCH  # 9 November 2023
PROJECTS = P.Definition("projets industriels", "France entière", "Phase 2 (2023-2027)", "projets")
GOAL = P.Goal(PROJECTS, 15_000)


def on(value, day, definition=PROJECTS):
    return P.Figure.on(definition, value, day)


def test_share_and_pace_refuse_another_metric_scope_phase_or_unit():
    initiated = P.Definition("actions initiées", "Programme", "Phase 2 (2023-2027)", "actions")
    referenced = P.Definition("actions référencées", "Programme", "Phase 2 (2023-2027)", "actions")
    a = P.Figure(initiated, 2150, date(2023, 11, 1), date(2023, 11, 30))
    b = on(3072, date(2025, 5, 27), referenced)
    with pytest.raises(
        P.DefinitionMismatch, match="metric 'actions initiées' ≠ 'actions référencées'"
    ):
        P.observed_pace(a, b)
    # actions are not the goal's projects: no share of the goal
    with pytest.raises(P.DefinitionMismatch, match="unit 'actions' ≠ 'projets'"):
        P.share(
            b,
            P.Goal(
                P.Definition("actions référencées", "Programme", "Phase 2 (2023-2027)", "projets"),
                15_000,
            ),
        )
    # same words, other scope or other phase: refused too
    other_scope = P.Definition(
        "projets industriels", "Centre-Val de Loire", PROJECTS.phase, "projets"
    )
    other_phase = P.Definition(
        "projets industriels", "France entière", "Phase 1 (2018-2022)", "projets"
    )
    for d in (other_scope, other_phase):
        with pytest.raises(P.DefinitionMismatch):
            P.share(on(1_800, date(2023, 7, 31), d), GOAL)
        with pytest.raises(P.DefinitionMismatch):
            P.progress(GOAL, on(0, R), on(1_800, date(2025, 7, 31), d))
    with pytest.raises(P.DefinitionMismatch):
        P.stock_at([on(1, R), on(2, date(2024, 1, 1), other_phase)], date(2024, 6, 1))


def test_share_counts_from_the_stock_at_the_start():
    # 3,100 counted, 100 of them before the relaunch: 3,000 of 15,000 = 20 %
    assert P.share(on(3_100, date(2025, 11, 9)), GOAL, on(100, R)) == pytest.approx(0.2)
    assert P.share(on(3_000, date(2025, 11, 9)), GOAL) == pytest.approx(0.2)


def test_pace_is_a_range_from_the_dating_of_the_points():
    # 20 (November 2023: 1st to 30th) -> 50 on 2025-05-27: 30 more in
    # 2023-11-01 -> 2025-05-27 = 573 days (slowest) or 2023-11-30 -> 2025-05-27 = 544 days (fastest)
    a = P.Figure(PROJECTS, 20, date(2023, 11, 1), date(2023, 11, 30))
    b = on(50, date(2025, 5, 27))
    pace = P.observed_pace(a, b)
    assert pace.low == pytest.approx(30 / 573 * 365.25)
    assert pace.high == pytest.approx(30 / 544 * 365.25)
    assert P.observed_pace(b, a) == pace  # order does not matter
    # two figures of the same month: no time is known to have passed
    assert (
        P.observed_pace(a, P.Figure(PROJECTS, 25, date(2023, 11, 15), date(2023, 11, 30))) is None
    )
    # to the day: one pace; 4,000 more in 1461 days (4 x 365.25) = 1,000 a year
    exact = P.observed_pace(on(1_000, date(2020, 1, 1)), on(5_000, date(2024, 1, 1)))
    assert exact.low == exact.high == pytest.approx(1_000)


def test_reach_is_a_year_or_a_range_of_years_never_a_day():
    # 0 at the relaunch, 6,000 four years later (1461 days): 1,500 a year = the 10-year pace;
    # 9,000 left = 6 years = 2191.5 days -> 2192 after 2027-11-09 = 2033-11-09: in 2033
    pr = P.progress(GOAL, on(0, R), on(6_000, date(2027, 11, 9)))
    assert pr.reach == P.YearRange(2033, 2033) and pr.reach.text() == "en 2033"
    assert pr.deadline == {10: 2033, 15: 2038} and pr.on_track == {10: True, 15: True}
    assert pr.required == {10: 1_500, 15: 1_000} and pr.achieved == 6_000
    # the last figure dated to a year (2027: 1 Jan to 31 Dec): 6,000 in 1 Jan 2027 - 9 Nov 2023
    # = 1149 days (fastest, 1,907.3/yr) to 31 Dec 2027 = 1513 days (slowest, 1,448.4/yr);
    # 9,000 left: 4.719 years after 2027-01-01 = 2031-09 (fastest) and 6.214 years after
    # 2027-12-31 = 2034-03 (slowest): between 2031 and 2034
    vague = P.progress(
        GOAL, on(0, R), P.Figure(PROJECTS, 6_000, date(2027, 1, 1), date(2027, 12, 31))
    )
    assert vague.pace.low == pytest.approx(6_000 / 1513 * 365.25)
    assert vague.pace.high == pytest.approx(6_000 / 1149 * 365.25)
    assert vague.reach == P.YearRange(2031, 2034) and vague.reach.text() == "entre 2031 et 2034"
    assert vague.on_track == {10: False, 15: True}  # its last year, 2034, is after 2033


def test_trajectories_start_from_the_stock_at_the_relaunch():
    # 500 projects already counted at the relaunch: the 10-year path ends at 15,500, and halfway
    # (2028-11-09, 1827 of 3653 days) it stands at 500 + 15,000 x 1827 / 3653
    path = P.linear_path(15_000, R, 10, step_years=5, stock=500)
    assert path[0] == (R, 500) and path[-1] == (date(2033, 11, 9), 15_500)
    assert path[1][1] == pytest.approx(500 + 15_000 * 1827 / 3653)
    pr = P.progress(GOAL, on(500, R), on(2_000, date(2024, 11, 9)))
    # one year later (366 days, 2024 is a leap year): 1,500 achieved, the path expects
    # 500 + 15,000 x 366 / 3653
    assert pr.achieved == 1_500
    assert pr.expected[10] == pytest.approx(500 + 15_000 * 366 / 3653)


def test_no_pace_no_reach_and_already_reached():
    assert P.progress(GOAL, on(0, R), on(0, R)).reach is None  # no time, no pace
    flat = P.progress(GOAL, on(100, R), on(100, date(2025, 1, 1)))
    assert flat.pace.low == 0 and flat.reach is None and flat.on_track == {10: None, 15: None}
    done = P.progress(GOAL, on(0, R), on(15_000, date(2030, 6, 1)))
    assert done.reach == P.YearRange(2030, 2030)


def test_stock_at_a_day_is_the_last_figure_known_by_then():
    pts = [on(10, date(2023, 1, 1)), on(30, date(2023, 10, 1)), on(50, date(2024, 1, 1))]
    assert P.stock_at(pts, R) == on(30, R)
    assert P.stock_at(pts, date(2022, 1, 1)) is None and P.stock_at([], R) is None


def test_figure_dates_in_order():
    with pytest.raises(ValueError, match="before earliest"):
        P.Figure(PROJECTS, 1, date(2024, 2, 1), date(2024, 1, 1))


def test_the_observed_pace_is_drawn_to_the_goal_or_five_years_past_the_last_deadline():
    from dashboard.progress.figures import observed_line, pace_figure

    # 3,000 projects in two years: 1,500 a year, the 15,000 reached in 2033 (before 2043)
    fast = P.progress(GOAL, on(0, R), on(3_000, date(2025, 11, 9)))
    x, y, name = observed_line(fast)
    assert x[0] == date(2025, 11, 9) and x[-1].year == 2033 and y[-1] == 15_000
    assert name == "Rythme observé prolongé"
    # 44 projects in two years: 22 a year, 15,000 reached in 2702; the line stops at the end of
    # 2043 (2038 + 5) at 44 + 22 x 18.14 years = 443 projects, the legend gives the year
    slow = P.progress(GOAL, on(0, R), on(44, date(2025, 11, 9)))
    x, y, name = observed_line(slow)
    assert x[-1] == date(2043, 12, 31)
    days = (date(2043, 12, 31) - date(2025, 11, 9)).days
    assert y[-1] == pytest.approx(44 + 22 * days / 365.25, rel=1e-3)
    assert "jusqu'en 2043" in name and slow.reach.text() in name
    fig = pace_figure(slow, [(R, 0), (date(2025, 11, 9), 44)], "Projets")
    last = max(max(pd.to_datetime(t.x)) for t in fig.data)
    assert last.year <= 2043
