"""Every command, make target and setting is documented in the README (a test fails otherwise)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from etl.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_every_make_target_documented():
    targets = re.findall(r"^([a-z][a-z-]*):.*## ", (ROOT / "Makefile").read_text(), flags=re.M)
    assert "run" in targets and "test" in targets
    for t in targets:
        assert f"make {t}" in README, f"make {t} is not documented in README.md"


def test_every_cli_command_documented():
    import typer.main

    group = typer.main.get_group(app)
    for name in group.commands:
        assert f"python -m etl {name}" in README, f"`python -m etl {name}` is not in README.md"


def test_every_setting_documented():
    out = subprocess.run(
        ["git", "grep", "-ohE", r"TI_[A-Z_]+", "--", "*.py", "Makefile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    for var in sorted(set(out.split())):
        assert f"`{var}`" in README, f"setting {var} is not documented in README.md"


def test_make_help_lists_targets():
    out = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "make run" in out and "make test" in out and "make bench" in out


def test_every_address_key_documented():
    from dataclasses import fields

    from dashboard.core.urlstate import UrlState

    for f in fields(UrlState):
        if f.name != "extra":
            assert f"`{f.name}`" in README, f"address key {f.name} is not in README.md"
