"""The rendered page in a real headless Chromium: table, sorting, charts, escaping."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from robustir.leaderboards.publish import publish
from robustir.leaderboards.store import save_record

EVIL = "<script>alert(1)</script>"


def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (os.path.exists(browser) and os.path.exists(driver)):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium/chromedriver missing under CI=true (scripts/setup.sh installs them)")
        pytest.skip("chromium and chromium-driver are not installed")
    return browser, driver


@pytest.fixture(scope="module")
def page(tmp_path_factory, suite_v1):
    from lb_records import make_record

    root = tmp_path_factory.mktemp("board")
    for i, (name, q) in enumerate([("alpha", 0.75), (EVIL, 0.45), ("gamma", 0.6)]):
        save_record(make_record(name, suite_v1, seed=i, quality=q), root)
    _, files = publish(root, suite_v1)
    html = next(f for f in files if f.name == "index.html")
    yield from open_page(html, tmp_path_factory.mktemp("chromium-profile"))


def open_page(html: Path, profile: Path):
    """Yield a headless Chromium showing `html` (file://), quit afterwards."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = _chromium()
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)
    try:
        driver.get(Path(html).resolve().as_uri())
        yield driver
    finally:
        driver.quit()


def _column(driver, table: str, col: int) -> list[str]:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, f"#table-{table} tbody tr")
    return [r.find_elements(By.TAG_NAME, "td")[col].text for r in rows]


def test_leaderboard_html_table_renders_ranked(page):
    names = _column(page, "overall", 1)
    assert names == ["alpha", "gamma", EVIL]  # ranked by attacked nDCG@10, text shown verbatim
    assert _column(page, "overall", 0) == ["1", "2", "3"]


def test_leaderboard_html_click_header_sorts(page):
    from selenium.webdriver.common.by import By

    heads = page.find_elements(By.CSS_SELECTOR, "#table-overall thead th")
    model = next(h for h in heads if h.text.startswith("Model"))
    model.click()
    asc = _column(page, "overall", 1)
    assert asc == sorted(asc, key=str.lower) or asc == [EVIL, "alpha", "gamma"]
    assert asc != ["alpha", "gamma", EVIL]
    model.click()
    assert _column(page, "overall", 1) == list(reversed(asc))
    drop = next(h for h in heads if h.text.startswith("Rel. drop"))
    drop.click()
    vals = [float(v) for v in _column(page, "overall", 3)]
    assert vals == sorted(vals)
    assert drop.get_attribute("aria-sort") == "ascending"


def test_leaderboard_html_charts_present(page):
    from selenium.webdriver.common.by import By

    bars = page.find_elements(By.CSS_SELECTOR, "svg#chart-drop rect.bar")
    assert len(bars) == 3 * 3  # 3 models x 3 attacks in the synthetic records
    scatters = page.find_elements(By.CSS_SELECTOR, "svg.scatter")
    assert len(scatters) == 3
    assert all(len(s.find_elements(By.TAG_NAME, "circle")) == 15 for s in scatters)  # 5 groups x 3 attacks
    assert bars[0].size["height"] > 0


def test_leaderboard_html_escapes_submission_names(page):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018
    assert len(page.find_elements(By.TAG_NAME, "script")) == 1  # only the page's own sorter
    assert EVIL in page.find_element(By.TAG_NAME, "body").text
    assert page.execute_script("return typeof window.__pwned") == "undefined"


def test_leaderboard_html_lists_skipped_cells_with_reason(page):
    from selenium.webdriver.common.by import By

    text = page.find_element(By.ID, "skipped").text
    assert "mldr-sample, synonym: no resource" in text and "ja (alpha)" in text
