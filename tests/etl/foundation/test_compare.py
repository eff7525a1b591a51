"""The foundation's validation report: members, coverage and the overlap with the ANCT polygons."""

from __future__ import annotations

import pytest


def test_validation_report(db):
    v = db.df("SELECT * FROM validation")
    got = {(r.check, r.subject): r.value for r in v.itertuples()}
    assert got[("communes_in_two_territories", "wave 2023")] == 0
    assert got[("members_resolved", "wave 2018")] == 2
    assert got[("coverage_cleaned", "commune polygons")] >= 2
    assert got[("overlap_with_anct_min", "territory 2023")] == pytest.approx(1.0, abs=1e-6)
    assert not (v.severity == "error").any()
