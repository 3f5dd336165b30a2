"""The page of a suite with uncertainty, in a real headless Chromium: filters change the
visible cells, tied ranks render as ranges, every table downloads as CSV, markup stays text."""
from __future__ import annotations

import dataclasses

import pytest

from robustir.leaderboards.publish import publish
from robustir.leaderboards.store import save_record
from robustir.leaderboards.suite import BoardOptions
from test_leaderboard_html import EVIL, _column, open_page


@pytest.fixture(scope="module")
def page_v2(tmp_path_factory, suite_v1):
    from lb_records import make_record

    suite = dataclasses.replace(suite_v1, board=BoardOptions(uncertainty=True, n_resamples=1000))
    root = tmp_path_factory.mktemp("board-v2")
    save_record(make_record("strong", suite, seed=1, quality=0.9, damage=0.02), root)
    save_record(make_record(EVIL, suite, seed=2, quality=0.3), root)
    save_record(make_record("twin", suite, seed=2, quality=0.3), root)  # same scores as EVIL
    _, files = publish(root, suite)
    html = next(f for f in files if f.name == "index.html")
    yield from open_page(html, tmp_path_factory.mktemp("chromium-profile-v2"))


def _visible_cells(driver) -> int:
    from selenium.webdriver.common.by import By

    return sum(1 for r in driver.find_elements(By.CSS_SELECTOR, "#table-cells tbody tr") if r.is_displayed())


def test_tied_ranks_render_as_ranges(page_v2):
    ranks = dict(zip(_column(page_v2, "uncertainty", 1), _column(page_v2, "uncertainty", 0)))
    assert ranks == {"strong": "1", EVIL: "2-3", "twin": "2-3"}


def test_filters_change_the_visible_cells(page_v2):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    total = _visible_cells(page_v2)
    assert total == 3 * 5 * 3  # 3 entries x 5 cell groups x 3 attacks
    lang = Select(page_v2.find_element(By.CSS_SELECTOR, 'select.filter[data-key="lang"]'))
    lang.select_by_value("de")
    de = _visible_cells(page_v2)
    assert 0 < de < total
    assert all(r.get_attribute("data-lang") == "de"
               for r in page_v2.find_elements(By.CSS_SELECTOR, "#table-cells tbody tr") if r.is_displayed())
    attack = Select(page_v2.find_element(By.CSS_SELECTOR, 'select.filter[data-key="attack"]'))
    attack.select_by_index(1)
    assert 0 < _visible_cells(page_v2) < de
    assert page_v2.find_element(By.ID, "cells-shown").text == str(_visible_cells(page_v2))
    lang.select_by_value("")
    attack.select_by_value("")
    assert _visible_cells(page_v2) == total


def test_every_table_downloads_as_csv_and_markup_stays_text(page_v2):
    from selenium.webdriver.common.by import By

    links = page_v2.find_elements(By.CSS_SELECTOR, "a.csv")
    ids = {a.get_attribute("data-table") for a in links}
    assert {"table-overall", "table-uncertainty", "table-models", "table-cells"} <= ids
    text = page_v2.execute_script("return window.robustirTableCsv('table-uncertainty')")
    lines = text.strip().split("\n")
    assert lines[0].startswith('"Rank","Model"') and len(lines) == 4
    assert any(EVIL in line for line in lines)
    assert page_v2.execute_script("return typeof window.__pwned") == "undefined"
    assert len(page_v2.find_elements(By.TAG_NAME, "script")) == 1
