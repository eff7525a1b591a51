"""The comparison page in headless chromium, over the real database."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def add(page, text: str, option: str) -> None:
    """Add a unit in the multiple dropdown (it stays open after a choice: Escape closes it)."""
    page.click("#cmp-units")
    page.locator(".dash-dropdown-content input.dash-dropdown-search").fill(text)
    page.locator(".dash-dropdown-content .dash-dropdown-option", has_text=option).first.click()
    page.keyboard.press("Escape")
    page.locator(".dash-dropdown-content").wait_for(state="detached")


def test_compare_two_then_three_territories_and_go_back(page, ui):
    page.goto("/comparer?couche=ti2023&cmp=ti-2802")
    page.locator("#cmp-hint").wait_for()
    add(page, "Plastics", "Plastics Vallée")
    page.locator("#cmp-table").wait_for()
    page.wait_for_function("location.search.includes('cmp=ti-2802,ti-8413')")
    head = page.locator("#cmp-table thead th").all_inner_texts()
    assert head[0] == "Indicateur" and head[-1] == "Médiane France" and len(head) == 4
    assert "Plastics Vallée – Oyonnax (ti-8413)" in head
    add(page, "Martinique", "Martinique Centre")
    page.wait_for_function("document.querySelectorAll('#cmp-table thead th').length === 5")
    page.wait_for_function("location.search.includes('ti-0201')")  # the new history entry
    page.go_back()
    page.wait_for_function("document.querySelectorAll('#cmp-table thead th').length === 4")
    assert page.errors == []


def test_the_panel_of_the_map_leads_to_the_comparison(page, ui):
    page.goto("/?sel=ti-8413")
    page.locator("#carte-panel-cmp").wait_for()
    assert "Médiane France" in page.inner_text("#carte-panel-cmp")
    page.click("#carte-compare-link")
    page.locator("#cmp-hint").wait_for()
    assert page.url.endswith("/comparer?couche=ti2023&cmp=ti-8413")
