"""Every real DK contest-standings export parses; ownership and points reconcile."""

import numpy as np
import pandas as pd
import pytest

import dfslab
from conftest import require_data

DATA = require_data()
pytestmark = pytest.mark.realdata
CONTESTS = sorted(p.parent for p in (DATA / "dk_contests").glob("*/*/contest-standings.csv"))


def test_all_55_contests_present():
    assert len(CONTESTS) == 55


@pytest.mark.parametrize("folder", CONTESTS, ids=lambda p: p.name[:40])
def test_contest_reconciles(folder):
    cs = dfslab.read_contest_standings(folder / "contest-standings.csv")
    idx = pd.read_csv(DATA / "dk_contests" / "contests.csv")
    row = idx[idx.contest_dir == f"{folder.parent.name}/{folder.name}"].iloc[0]
    assert cs.n_entries == row.entries
    # Ownership recomputed over ALL entries (blank lineups included) matches %Drafted (shown to 0.01 pp)
    # within its rounding, namesakes included.
    diff = np.abs(cs.recomputed_ownership() - cs.players.drafted_pct.to_numpy())
    assert diff.max() <= 0.01, cs.players.name[np.argmax(diff)]
    # Points = sum of the lineup's FPTS for >= 99.9% of entries with a lineup.
    ok = np.isclose(np.round(cs.lineup_points(), 2), cs.entries.points, atol=0.011)[~cs.entries.blank.to_numpy()]
    assert ok.mean() >= 0.999, f"{(~ok).sum()} entries differ"
    # Ownership totals 100 x roster size (less the blank lineups' share).
    filled = (~cs.entries.blank).mean()
    assert cs.recomputed_ownership().sum() == pytest.approx(100 * cs.rules.roster_size * filled)


def test_name_collisions_are_resolved_and_reported():
    f = DATA / "dk_contests/mlb/2017-06-09__DEVOURpresentsMLB_7KMoonshot__3.00/contest-standings.csv"
    cs = dfslab.read_contest_standings(f)
    assert any("Daniel Robertson" in c and "25 resolved by points" in c for c in cs.collisions)
    rows = np.flatnonzero(cs.players.name == "Daniel Robertson")
    assert len(rows) == 2
    own = cs.recomputed_ownership()[rows]
    np.testing.assert_allclose(own, cs.players.drafted_pct.to_numpy()[rows], atol=0.01)


@pytest.mark.parametrize("folder", [c for c in CONTESTS if (c / "DKSalaries.csv").exists()], ids=lambda p: p.name[:40])
def test_old_salary_format_reads(folder):
    s = dfslab.read_dk_salaries(folder / "DKSalaries.csv")
    assert s.rules.name == "mlb" and s.n_players > 50
    assert s.players.salary.between(2000, 15000).all()


@pytest.mark.parametrize("folder", [c for c in CONTESTS if (c / "payout_structure.csv").exists()], ids=lambda p: p.name[:40])
def test_payout_tables_read_or_explain(folder):
    try:
        t = dfslab.read_payout_table(folder / "payout_structure.csv")
    except dfslab.DataFileError as e:
        assert "non-cash prize" in str(e)  # the one satellite contest pays tickets
        return
    assert t.pool > 0 and (np.diff(t.prizes()) <= 0).all()


def test_real_nascar_slates_read():
    logs = dfslab.read_race_logs()
    slates = [dfslab.read_nascar_slate(f, race_logs=logs) for f in dfslab.list_nascar_slates()]
    assert len(slates) == 8
    for s in slates:
        assert s.archetype in dfslab.ARCHETYPES and s.race_laps and s.race_laps > 50
        assert s.players.ownership.sum() == pytest.approx(600, abs=15)
        assert s.players.dk_id.notna().mean() >= 0.97


def test_long_payout_file_reports_rejects():
    tables, meta, rejected = dfslab.load_real_payout_tables()
    assert len(tables) + len(rejected) == 2988
    assert len(rejected) < 60 and all("dk_payouts table" in r for r in rejected)
