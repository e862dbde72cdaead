"""The CLI end to end with per-driver rules and a DKEntries.csv of two contests, and the report in a real browser.

``dfslab report --demo --rules rules.csv --entries DKEntries.csv`` renders the report; the filled entries file
must read back with the same entries and the report's lineups, every rule must hold in ``lineups.csv``, and the
rendered page must show the rules applied and which lineup went to which entry.
"""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dk_files import write_dk_entries

import dfslab
from dfslab.io import read_dk_entries

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
CONTESTS = [("NAS $100K Chrome Horn ($20K to 1st)", 191218206, "$4", 5),
            ("NAS $5K Engine Block [Single Entry, $1K to 1st]", 192343608, "$12", 2)]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from dfslab.app.cli import main

    pytest.importorskip("papermill")
    tmp = tmp_path_factory.mktemp("entries")
    s = dfslab.demo_slate()
    nm = s.players["name"]
    entries = write_dk_entries(tmp / "DKEntries.csv", s, CONTESTS)
    pd.DataFrame([{"name": nm[0], "lock": 1}, {"name": nm[3], "exclude": "yes"},
                  {"name": nm[5], "min_exposure": 0.5}, {"name": nm[1], "max_exposure": "25%"},
                  {"name": nm[12], "ownership": 40}]).to_csv(tmp / "rules.csv", index=False)
    out = tmp / "report"
    rc = main(["report", "--demo", "--rules", str(tmp / "rules.csv"), "--entries", str(entries), "--out", str(out),
               "-p", "n_scenarios=500", "-p", "n_field_draws=1", "-q"])
    return rc, s, entries, out


def test_cli_writes_the_filled_entries_file_beside_the_report(run):
    rc, s, entries, out = run
    assert rc == 0
    assert {"slate_report.html", "DKEntries_filled.csv", "lineups.csv", "dk_upload.csv"} <= {p.name for p in out.iterdir()}
    e0, e1 = read_dk_entries(entries, slate=s), read_dk_entries(out / "DKEntries_filled.csv", slate=s)
    cols = ["row", "entry_id", "contest_name", "contest_id", "entry_fee ($)"]
    assert e1.entries[cols].equals(e0.entries[cols]) and (e1.entries["status"] == "filled").all()
    d = pd.read_csv(out / "lineups.csv")
    ids = d[[f"D{k} id" for k in range(1, 7)]].to_numpy()
    report = {frozenset(r.tolist()) for r in ids}
    filled = e1.slot_ids.astype(np.int64)
    assert len(d) == e0.n_entries == 7
    assert {frozenset(r.tolist()) for r in filled} == report                 # the file holds the report's lineups
    for cid in e0.entries["contest_id"].unique():                              # never one lineup twice in a contest
        rows = filled[(e1.entries["contest_id"] == cid).to_numpy()]
        assert len({frozenset(r.tolist()) for r in rows}) == len(rows)
    # every rule holds in the report's lineups
    pid = s.players["dk_id"].astype(np.int64).to_numpy()
    c = {p: int((ids == p).any(1).sum()) for p in pid}
    assert c[pid[0]] == 7 and c[pid[3]] == 0 and c[pid[5]] >= 4 and c[pid[1]] <= 1


@pytest.fixture(scope="module")
def page(run):
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (make test installs Debian's chromium when apt-get can)")
    pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is not installed")
    from playwright.sync_api import sync_playwright

    _, _, _, out = run
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1300, "height": 900})
        pg.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        pg.goto((out / "slate_report.html").resolve().as_uri())
        pg.wait_for_load_state("load")
        pg.wait_for_function("document.querySelectorAll('table.dataTable').length >= 3", timeout=20000)
        yield pg, errors, out
        browser.close()


def test_report_shows_rules_and_entries_in_the_browser(page, run):
    pg, errors, out = page
    _, s, entries, _ = run
    pg.wait_for_timeout(300)
    assert errors == []
    text = pg.inner_text("body")
    assert "Rules applied" in text and "lock (every lineup)" in text and "at most 25% of my lineups" in text
    assert "7 of 7" in text                                            # the locked driver, in every lineup
    assert "7. DK entries" in text and "Which lineup went to which entry" in text
    e = read_dk_entries(out / "DKEntries_filled.csv", slate=s)
    for eid in e.entries["entry_id"]:
        assert eid in text
    assert "Each contest simulated with its own fee, field size and lineups" in text
    assert str((out / "DKEntries_filled.csv").resolve()) in text and ".staging" not in text
    imgs = pg.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
    assert len(imgs) >= 6 and all(imgs)
    shot = Path(out) / "entries_section.png"                          # for a person to look at
    pg.locator("text=7. DK entries").first.scroll_into_view_if_needed()
    pg.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
