"""The contest review on real data: real DK contests after the race (MLB / NFL: the race part skipped with a
note), and a NASCAR standings file written here from a real DK slate (Bristol, 2025-09-13: real DK ids and
salaries) before results and after the race; the ``dfslab review`` command end to end and its HTML in a
headless browser.

No public NASCAR contest-standings export exists: the NASCAR field below is SYNTHETIC (sampled from the slate's
real published projected ownership), the salaries, DK ids, starts and actual points are real.
"""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dfslab
from conftest import require_data
from dfslab import DataFileError

DATA = require_data()
pytestmark = pytest.mark.realdata
CONTESTS = DATA / "dk_contests"
BRISTOL = DATA / "nascar/slates/cup_2025-09-13_8227c09"
HEADER = "Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS"
# small real contests: MLB with salaries and a cash table (5 blank lineups), an MLB satellite (tickets: no cash
# table, so the fitted curve), an NFL GPP (no salary file)
REAL = {"mlb/2017-07-26__MLB_1KFlare_Early__2.00": 2.0,
        "mlb/2017-07-19__MLBSUPERSattoMMA_200KSUPERHook_50x__1.00": 1.0,
        "nfl/2017-09-10__NFL_25KChopBlock__50.00": 50.0}


# ---------------------------------------------------------------------- real contests after the race
@pytest.mark.parametrize("contest", list(REAL), ids=lambda c: c.split("__")[1])
def test_real_contest_after_the_race(contest):
    folder = CONTESTS / contest
    slate = dfslab.read_dk_salaries(folder / "DKSalaries.csv") if (folder / "DKSalaries.csv").exists() else None
    try:
        table = dfslab.read_payout_table(folder / "payout_structure.csv")
    except (DataFileError, FileNotFoundError):
        table = None  # no table, or a satellite's tickets: the fitted curve, said in a note
    rv = dfslab.review_contest(folder / "contest-standings.csv", slate, payouts=table, entry_fee=REAL[contest])
    cs = rv.standings
    assert rv.phase == "after the race"
    # ranks recomputed with DK's rules equal DK's Rank column, entry by entry
    assert (rv.rank == cs.entries["rank"].to_numpy()).all()
    assert rv.reproduction["ranks matching DK (%)"] == 100.0 and rv.reproduction["points matching DK (%)"] == 100.0
    if table is not None:
        assert rv.payout.sum() == pytest.approx(table.pool)
        assert "the given payout table" in rv.payout_source
    else:
        assert any("no payout table given" in n for n in rv.notes)
    # the race part is skipped with a note on MLB / NFL; the rest works
    assert not rv.simulates and ("simulates NASCAR races only" in rv.race_note or "no salary file" in rv.race_note)
    assert any("Race part skipped" in x for x in rv.headline())
    w = rv.winners
    best = np.nanmax(rv.actual_points)
    assert (w["points (pts)"] == best).all() and w["entries"].sum() == int((cs.entries["rank"] == 1).sum())
    assert rv.top_entries["rank"].is_monotonic_increasing and rv.top_entries["rank"].iloc[0] == 1
    own = rv.ownership
    np.testing.assert_allclose(own["%Drafted (%)"].sum(), cs.players["drafted_pct"].sum(), atol=1e-6)
    assert rv.forecast is None  # no shipped MLB / NFL ownership model
    # a user of the contest: their entries against the field
    user = cs.users.value_counts().index[0]
    ru = dfslab.review_contest(folder / "contest-standings.csv", slate, user=user.upper(), payouts=table,
                               entry_fee=REAL[contest])
    d = ru.my_entries
    assert len(d) == int((cs.users == user).sum()) and (d["rank"] >= 1).all()
    assert ru.portfolio["won ($)"] == pytest.approx(ru.payout[ru.mine].sum())


def test_every_real_contest_ranks_equal_dks():
    idx = pd.read_csv(CONTESTS / "contests.csv")
    for r in idx.itertuples():
        rv = dfslab.ContestReview(CONTESTS / r.contest_dir / "contest-standings.csv", entry_fee=r.entry_fee)
        assert rv.reproduction["ranks matching DK (%)"] == 100.0, r.contest_dir


def test_a_real_mlb_standings_file_against_a_nascar_salary_file_is_refused(tmp_path):
    f = CONTESTS / "mlb/2017-07-26__MLB_1KFlare_Early__2.00/contest-standings.csv"
    sal = _write_salaries(tmp_path / "DKSalaries.csv", dfslab.read_nascar_slate(BRISTOL))
    from dfslab.app.review import review_from_params

    with pytest.raises(DataFileError) as e:
        review_from_params(standings=str(f), slate=str(sal), track="Bristol Motor Speedway", race_laps=500)
    msg = str(e.value)
    assert msg.startswith(f"{f}, row 2: an MLB contest") and "NASCAR slate" in msg and len(msg.splitlines()) == 1


# ---------------------------------------------------------------------- a NASCAR standings file written here
def _write_salaries(path: Path, slate) -> Path:
    """DK's current DKSalaries.csv layout from a real slate (real DK ids and salaries)."""
    lines = ["Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,AvgPointsPerGame"]
    for r in slate.players.itertuples():
        lines.append(f"D,{r.name} ({r.dk_id}),{r.name},{r.dk_id},D,{r.salary},@ 09/13/2025 07:30PM ET,,"
                     f"{r.projection:.2f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _write_standings(path: Path, names, lineups, entry_names, fpts) -> Path:
    """A contest-standings file in DK's export layout, written by hand (not by dfslab's writer)."""
    n = len(lineups)
    pts = np.round(fpts[lineups].sum(1), 2)
    rank = np.array([1 + int((pts > p).sum()) for p in pts])  # DK: tied entries share the best place
    order = np.lexsort((np.arange(n), rank))
    cnt = np.bincount(lineups.ravel(), minlength=len(names))
    block = [j for j in np.argsort(-cnt, kind="stable") if cnt[j] > 0]
    rows = [HEADER]
    for k in range(max(n, len(block))):
        left = ",,,,,"
        if k < n:
            e = order[k]
            text = " ".join(f"D {names[j]}" for j in lineups[e])
            left = f'{rank[e]},{4_000_000 + e},"{entry_names[e]}",0,{pts[e]:.2f},"{text}"'
        right = ",,,"
        if k < len(block):
            j = block[k]
            right = f'"{names[j]}",D,{100 * cnt[j] / n:.2f}%,{fpts[j]:.2f}'
        rows.append(f"{left},,{right}")
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def bristol(tmp_path_factory):
    """DKSalaries.csv, starts.csv and two standings files (at lock / after the race) of a 3,000-entry field."""
    folder = tmp_path_factory.mktemp("bristol")
    slate = dfslab.read_nascar_slate(BRISTOL)
    p = slate.players
    sal = _write_salaries(folder / "DKSalaries.csv", slate)
    starts = folder / "starts.csv"
    pd.DataFrame({"name": p["name"], "start": p["start"].astype(int)}).to_csv(starts, index=False)
    own = p["ownership"].to_numpy(float)
    own = 600 * own / own.sum()  # the published projected ownership, as a field would draft
    field = dfslab.FieldLineupSampler(slate, own, random_state=0).fit().sample(2995, random_state=1)
    L = np.vstack([field[:2], field[np.argsort(own[field].sum(1))[:3]], field])  # the user: 2 chalky, 3 contrarian
    names = [f"SpeedyUser ({k}/5)" for k in range(1, 6)]
    names += [f"rival{i // 3:04d} ({i % 3 + 1}/3)" if i < 600 else f"solo{i:04d}" for i in range(len(field))]
    res = dfslab.load_slates_with_results()
    res = res[res["snapshot"] == BRISTOL.name].set_index("Driver")["dk_actual_loopFL"]
    actual = np.round(p["name"].map(res).fillna(0.0).to_numpy(float), 2)  # a non-starter scores 0
    before = _write_standings(folder / "contest-standings-1.csv", p["name"].tolist(), L, names, np.zeros(len(p)))
    after = _write_standings(folder / "contest-standings-2.csv", p["name"].tolist(), L, names, actual)
    return {"folder": folder, "salaries": sal, "starts": starts, "before": before, "after": after, "lineups": L,
            "actual": actual}


def _params(b, which):
    return dict(standings=str(b[which]), slate=str(b["salaries"]), starts=str(b["starts"]),
                track="Bristol Motor Speedway", race_laps=500, series="cup", user="speedyuser", entry_fee=15.0,
                n_scenarios=2000, random_state=7)


def test_nascar_before_results_against_the_actual_field(bristol):
    from dfslab.app.review import review_from_params

    rv = review_from_params(**_params(bristol, "before")).run()
    assert rv.phase == "before results" and rv.simulates and rv.slate.archetype == "short"
    assert rv.n_entries == 3000 and rv.simulation.contest_size == 3000
    # the field's lineups are the file's own (all tied at rank 1: file order = written order), duplicates included
    names = rv.slate.players["name"].to_numpy()
    assert (names[rv.lineups_slate] == dfslab.read_nascar_slate(BRISTOL).players["name"].to_numpy()[
        bristol["lineups"]]).all()
    assert rv.copies.max() > 1
    d = rv.my_entries
    assert len(d) == 5 and (d["copies in contest"] >= 1).all()
    assert (d["P(cash) s.e. (pp)"] > 0).all() and d["P(cash) (%)"].between(0, 100).all()
    np.testing.assert_allclose(d["expected payout ($)"], 15.0 * (1 + d["ROI (%)"] / 100))
    assert rv.portfolio["P(at least one cashes) (%)"] >= d["P(cash) (%)"].max() - 1e-9
    # ownership: the file's %Drafted against our forecast
    s = rv.ownership_summary
    assert s["players"] == rv.slate.n_players and 0 < s["MAE (pp)"] < 30
    assert rv.forecast["ownership"].sum() == pytest.approx(600)


def test_nascar_after_the_race(bristol):
    from dfslab.app.review import review_from_params

    rv = review_from_params(**_params(bristol, "after")).run()
    assert rv.phase == "after the race" and rv.reproduction["ranks matching DK (%)"] == 100.0
    best = bristol["actual"][bristol["lineups"]].sum(1).max()
    assert rv.winners["points (pts)"].iloc[0] == pytest.approx(best, abs=0.006)
    t = rv.outlook_table
    assert t["PIT"].between(0, 1).all() and (t["p10 (pts)"] <= t["p90 (pts)"]).all()
    d = rv.my_entries
    assert d["points PIT"].between(0, 1).all() and d["payout ($)"].ge(0).all()
    drivers = rv.ownership.dropna(subset=["actual points (pts)"])
    assert len(drivers) >= 30 and drivers["points PIT"].between(0, 1).all()


# ---------------------------------------------------------------------- the command line, end to end
@pytest.fixture(scope="module")
def cli_review(bristol):
    from dfslab.app.cli import main

    out = bristol["folder"] / "review-out"
    rc = main(["review", "--standings", str(bristol["before"]), "--salaries", str(bristol["salaries"]),
               "--user", "SpeedyUser", "--track", "Bristol Motor Speedway", "--race-laps", "500", "--series", "cup",
               "-p", f"starts={bristol['starts']}", "-p", "entry_fee=15", "-p", "n_scenarios=1500", "--out", str(out),
               "-q"])
    assert rc == 0
    return out


@pytest.mark.slow
def test_cli_review_writes_the_html_atomically(cli_review):
    out = cli_review
    assert sorted(p.name for p in out.iterdir()) == [".dfslab-review.json", "contest_review.html",
                                                     "contest_review.ipynb"]
    html = (out / "contest_review.html").read_text()
    for want in ("Contest review", "SpeedyUser (1/5)", "P(cash) (%)", "Ownership: forecast vs actual", "before results"):
        assert want in html, want
    assert "Traceback" not in html and "Warning" not in html


@pytest.mark.slow
def test_cli_review_on_a_real_mlb_contest_skips_the_race_part(tmp_path):
    from dfslab.app.cli import main

    folder = CONTESTS / "mlb/2017-07-26__MLB_1KFlare_Early__2.00"
    out = tmp_path / "rv"
    rc = main(["review", "--standings", str(folder / "contest-standings.csv"), "--salaries",
               str(folder / "DKSalaries.csv"), "-p", f"payout_table={folder / 'payout_structure.csv'}",
               "-p", "entry_fee=2", "--out", str(out), "-q"])
    assert rc == 0
    html = (out / "contest_review.html").read_text()
    assert "equal the file&#39;s <strong>Rank for 100.00%</strong>" in html or "Rank for 100.00%" in html
    assert "dfslab simulates NASCAR races only" in html


@pytest.mark.parametrize("args, msg", [
    (["--user", "nobody-at-all"], "no entry of user 'nobody-at-all'"),
    (["--salaries", "MLB"], "an MLB contest"),
    (["--standings", "EMPTY"], "no entries"),
    (["-p", "n_scenario=5"], "unknown review parameter 'n_scenario'; did you mean 'n_scenarios'"),
])
def test_cli_bad_input_is_one_line_and_nothing_is_written(bristol, tmp_path, capsys, monkeypatch, args, msg):
    import dfslab.app.cli as cli

    monkeypatch.setattr(cli, "render_notebook", lambda *a, **k: pytest.fail("a kernel was started"))
    empty = tmp_path / "contest-standings-9.csv"
    empty.write_text(HEADER + "\n")
    mlb = CONTESTS / "mlb/2017-07-26__MLB_1KFlare_Early__2.00/contest-standings.csv"
    base = {"--standings": str(bristol["before"]), "--salaries": str(bristol["salaries"])}
    args = [str(empty) if a == "EMPTY" else a for a in args]
    if "--salaries" in args and args[args.index("--salaries") + 1] == "MLB":
        base["--standings"] = str(mlb)
        args = [a for a in args if a not in ("--salaries", "MLB")]
    if "--standings" in args:
        base["--standings"] = args[args.index("--standings") + 1]
        args = args[:args.index("--standings")] + args[args.index("--standings") + 2:]
    out = tmp_path / "out"
    argv = ["review", *sum(([k, v] for k, v in base.items()), []), "--track", "Bristol Motor Speedway",
            "--race-laps", "500", "--out", str(out), *args]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert msg in err and len(err.splitlines()) == 1, err
    assert not out.exists()


# ---------------------------------------------------------------------- looked at in a real browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
def test_review_html_in_a_headless_browser(cli_review, tmp_path):
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (make test installs Debian's chromium when apt-get can)")
    pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is not installed")
    from playwright.sync_api import sync_playwright

    html = cli_review / "contest_review.html"
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                     "--disable-background-networking"])
        pg = browser.new_page(viewport={"width": 1300, "height": 900})
        pg.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        pg.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        pg.goto(html.resolve().as_uri())
        pg.wait_for_load_state("load")
        pg.wait_for_function("document.querySelectorAll('table.dataTable').length >= 2", timeout=20000)
        pg.wait_for_timeout(300)
        imgs = pg.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        text = pg.inner_text("body")
        # the user's entries table sorts on a click
        table = pg.locator("table.dataTable", has_text="SpeedyUser (1/5)").first
        heads = [h.strip().replace("\n", " ") for h in table.locator("thead th").all_inner_texts()]
        col = heads.index("P(cash) (%)")

        def column():
            return [float(x) for x in table.locator(f"tbody tr td:nth-child({col + 1})").all_inner_texts()]

        table.locator("thead th").nth(col).locator(".dt-column-order").click()
        pg.wait_for_timeout(200)
        asc = column()
        pg.screenshot(path=str(tmp_path / "review.png"), full_page=True)
        browser.close()
    assert errors == []
    assert len(imgs) >= 4 and all(imgs)
    assert len(asc) == 5 and asc == sorted(asc)
    for k in range(1, 6):
        assert f"SpeedyUser ({k}/5)" in text
    assert "Notes from the readers" in text and "Glossary" in text and ".staging" not in text
