"""The architecture of docs/architecture.md holds: every package is described there, and the
dashboard imports nothing from the ETL but its database module and its configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _packages() -> list[str]:
    out = []
    for top in ("dashboard", "etl", "geo"):
        for init in sorted((ROOT / top).rglob("__init__.py")):
            out.append(".".join(init.parent.relative_to(ROOT).parts))
    return out


def test_every_package_is_described_in_the_architecture_page():
    missing = [p for p in _packages() if f"`{p}`" not in DOC]
    assert not missing, f"packages not described in docs/architecture.md: {missing}"


def test_the_dashboard_imports_only_the_database_module_and_config_of_the_etl():
    code = (
        "import json, sys; import dashboard.app; from dashboard.pages import load_pages; "
        "load_pages(); print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'etl')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    assert json.loads(out.strip().splitlines()[-1]) == ["etl", "etl.config", "etl.db"]


def test_page_modules_stay_thin():
    for page in (ROOT / "dashboard" / "pages").glob("*.py"):
        n = len(page.read_text(encoding="utf-8").splitlines())
        assert n <= 100, f"{page.name} has {n} lines: its layout and callbacks belong to a feature"


def test_no_page_renders_a_dash_table():
    # its bundle is left out of every page (dashboard/core/delivery.py): a DataTable would not
    # render; the dashboard's tables are ag-grid's (dashboard/core/components.py grid)
    import re

    users = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "dashboard").rglob("*.py")
        if p.name != "delivery.py"  # the module that leaves it out
        and re.search(r"\bdash_table\b|\bDataTable\b", p.read_text(encoding="utf-8"))
    ]
    assert users == [], users
