"""The demo report, rendered by the CLI's renderer, looked at in a real browser (headless Chromium).

`make test` installs Debian's chromium when it is missing (and it can); the test
skips with the reason only where no browser can be had.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (make test installs Debian's chromium when apt-get can)")
    pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is not installed")
    from dfslab.app.cli import render_report
    from dfslab.app.report import load_report_slate

    out = tmp_path_factory.mktemp("report")
    params = {"slate": "demo", "n_scenarios": 600, "n_field_draws": 1, "field_size": 1000, "n_lineups": 8}
    html = render_report(params, out, progress=False, slate=load_report_slate("demo"))
    return html, out


@pytest.fixture(scope="module")
def page(rendered):
    from playwright.sync_api import sync_playwright

    html, _ = rendered
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1300, "height": 900})
        pg.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        pg.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        pg.goto(Path(html).resolve().as_uri())
        pg.wait_for_load_state("load")
        pg.wait_for_function("document.querySelectorAll('table.dataTable').length >= 2", timeout=20000)
        yield pg, errors
        browser.close()


def test_no_console_errors(page):
    pg, errors = page
    pg.wait_for_timeout(300)
    assert errors == []


def test_every_image_loaded(page):
    pg, _ = page
    imgs = pg.evaluate("Array.from(document.images).map(i => ({ok: i.complete && i.naturalWidth > 0, src: i.src.slice(0, 40)}))")
    assert len(imgs) >= 6
    assert all(i["ok"] for i in imgs), [i["src"] for i in imgs if not i["ok"]]


def test_driver_table_sorts_on_click(page):
    pg, _ = page
    table = pg.locator("table.dataTable").first
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    col = next(i for i, h in enumerate(headers) if h.replace("\n", " ").startswith("mean"))

    def column():
        return [float(x) for x in table.locator(f"tbody tr td:nth-child({col + 1})").all_inner_texts()]

    before = column()
    sort = table.locator("thead th").nth(col).locator(".dt-column-order")  # the header's sort arrows
    sort.click()
    pg.wait_for_timeout(200)
    asc = column()
    sort.click()
    pg.wait_for_timeout(200)
    desc = column()
    assert len(asc) == len(before) >= 30
    assert asc == sorted(asc) and desc == sorted(desc, reverse=True) and asc != before


def test_every_lineup_of_lineups_csv_appears_with_full_names(page, rendered):
    pg, _ = page
    _, out = rendered
    d = pd.read_csv(out / "lineups.csv")
    text = pg.inner_text("body")
    assert len(d) == 8
    for _, r in d.iterrows():
        assert r["drivers"] in text, r["drivers"]
        assert "..." not in r["drivers"] and len(r["drivers"].split(", ")) == 6
    up = pd.read_csv(out / "dk_upload.csv")
    assert len(up) == len(d) and list(up.columns[:6]) == ["D", "D.1", "D.2", "D.3", "D.4", "D.5"]


def test_no_warning_leaks_into_the_report(page):
    pg, _ = page
    text = pg.inner_text("body")
    assert "Warning" not in text and "warnings.warn" not in text and "/tmp/ipykernel" not in text


def test_files_section_names_the_final_paths(page, rendered):
    pg, _ = page
    _, out = rendered
    text = pg.inner_text("body")
    final = Path(out).resolve()
    assert str(final / "lineups.csv") in text and str(final / "dk_upload.csv") in text
    assert ".staging" not in text
