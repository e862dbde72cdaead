"""Real DK contests reproduced with the simulator's own ranking code; ROI identity; payout fit script."""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dfslab
from conftest import require_data
from dfslab.contest import ContestSimulator, rank_and_pay
from dfslab.studies import evaluate_payout_fit, load_contest_field, summarize_field_realism, validate_field_realism

pytestmark = pytest.mark.realdata
DATA = require_data()  # skips the module, with a reason, when ../shared/data is absent

INDEX = pd.read_csv(DATA / "dk_contests" / "contests.csv")


def _payout(folder):
    p = DATA / "dk_contests" / folder / "payout_structure.csv"
    if not p.exists():
        return None
    try:
        return dfslab.read_payout_table(p)
    except dfslab.DataFileError:
        return None  # satellite: non-cash prizes (tickets)


@pytest.fixture(scope="module")
def standings():
    return {r.contest_dir: dfslab.read_contest_standings(DATA / "dk_contests" / r.contest_dir / "contest-standings.csv")
            for r in INDEX.itertuples()}


def test_every_contest_ranks_reproduced(standings):
    assert len(standings) == len(INDEX) == 55
    worst = 1.0
    for folder, cs in standings.items():
        pts = np.round(cs.lineup_points(), 2)  # NaN = blank lineup (DK ranks it last)
        rank, _ = rank_and_pay(pts, [0.0])
        share = (rank == cs.entries["rank"].to_numpy()).mean()
        worst = min(worst, share)
        assert share == 1.0, f"{folder}: ranks match for {share:.4%} of entries"
    assert worst == 1.0  # every rank of all 55 real contests, blank lineups included


def test_total_paid_equals_table_pool(standings):
    n_checked = 0
    for r in INDEX.itertuples():
        t = _payout(r.contest_dir)
        if t is None:
            continue
        cs = standings[r.contest_dir]
        assert cs.n_entries >= t.n_paid
        _, pay = rank_and_pay(np.round(cs.lineup_points(), 2), t)
        assert pay.sum() == pytest.approx(t.pool, rel=1e-12), r.contest_dir
        n_checked += 1
    assert n_checked >= 30


def test_simulator_kernel_reproduces_every_real_contest(standings):
    """All 55 real contests through ContestSimulator: ranks and prizes equal rank_and_pay on the whole contest.

    Scenario 0 is what happened (DK's own points), 3 more are perturbed; "my" lineups are every
    k-th real entry (spread over the standings, real duplicates and ties included), the field the rest.
    """
    fitter = dfslab.PayoutCurveFitter().load()
    rng = np.random.default_rng(1)
    n_checked = 0
    for r in INDEX.itertuples():
        cs = standings[r.contest_dir]
        L = cs.lineups[cs.lineups[:, 0] >= 0]  # blank lineups rank last at DK: not part of a simulated field
        if len(L) < 4:
            continue
        fee = float(r.entry_fee) if float(r.entry_fee) > 0 else 1.0
        t = _payout(r.contest_dir) or fitter.generate(entries=len(L), entry_fee=fee)
        f = cs.players["fpts"].to_numpy()
        P = np.vstack([f, np.round(f + rng.normal(0, 3, (3, len(f))), 2)])
        step = max(2, len(L) // 150)
        sel = np.zeros(len(L), bool)
        sel[::step] = True
        mine, field = L[sel][:150], L[~sel]
        field = np.vstack([field, L[sel][150:]])
        sim = ContestSimulator(t, field_size=len(field), entry_fee=fee, random_state=0, progress=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # small contests with guaranteed pools are overlays: legal
            res = sim.simulate(mine, P, field, track_field=True)
        rank, pay = rank_and_pay(P[:, np.vstack([mine, field])].sum(-1), t)
        assert (res.ranks == rank[:, :len(mine)]).all(), r.contest_dir
        assert np.array_equal(res.roi_samples, pay[:, :len(mine)] / fee - 1.0), r.contest_dir  # bit-identical
        np.testing.assert_allclose(res.field_paid, pay[:, len(mine):].sum(1), rtol=1e-12, err_msg=r.contest_dir)
        # scenario 0 is the real contest: my entries' ranks are DK's (among the non-blank entries)
        real = cs.entries["rank"].to_numpy()[cs.lineups[:, 0] >= 0]
        real_mine = real[sel][:150]
        assert (res.ranks[0] == real_mine).mean() >= 0.99, r.contest_dir
        n_checked += 1
    assert n_checked == 55


def test_roi_identity_on_real_contest(standings):
    folder = "mlb/2017-04-06__MLB_175KFastball__33.00"
    cs = standings[folder]
    t = _payout(folder)
    L = cs.lineups[cs.lineups[:, 0] >= 0]
    fee = float(INDEX.set_index("contest_dir").loc[folder, "entry_fee"])
    f = cs.players["fpts"].to_numpy()
    rng = np.random.default_rng(0)
    P = np.vstack([f, np.round(f + rng.normal(0, 4, (9, len(f))), 2)])  # actual + perturbed scenarios
    mine, field = L[:150], L[150:]
    sim = ContestSimulator(t, field_size=len(field), entry_fee=fee, random_state=0, progress=False)
    res = sim.simulate(mine, P, field, track_field=True)
    total = (res.roi_samples + 1).sum(1) * fee + res.field_paid
    expected = t.pool / (len(L) * fee) - 1
    assert np.allclose(total / (len(L) * fee) - 1, expected, rtol=0, atol=1e-12)
    # scenario 0 = what happened: my entries' ranks are their real DK ranks (among non-blank entries)
    real = cs.entries["rank"].to_numpy()[cs.lineups[:, 0] >= 0][:150]
    assert (res.ranks[0] == real).mean() >= 0.999


def test_validate_script_quick():
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, str(root / "scripts" / "validate_contests.py"), "--quick"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "salary_left" in out.stdout and "held-out" in out.stdout


def test_contest_field_matching_namesakes_and_accents():
    # 'Jose Ramirez' SP and 3B are both in this slate: told apart by the slots they were used in
    cf = load_contest_field("mlb/2017-06-03__MLB_125KPerfectGame_Early__333.00")
    names = cf.slate.players["name"].tolist()
    assert sum(n == "Jose Ramirez" for n in names) <= 2
    assert cf.notes == [] and cf.lineups.shape == (416, 10)
    assert np.isclose(cf.ownership.sum(), 1000.0)
    dfslab.check_lineups(cf.lineups, cf.slate)  # real lineups are legal on the matched slate (cap, slots)
    # an unmatched rostered player: its entries are dropped and the drop is reported, never silent
    cf2 = load_contest_field("mlb/2017-07-29__MLB_500SoloShot_AllDay__1.00")
    assert len(cf2.notes) == 1 and "dropped 20 of 587" in cf2.notes[0]


@pytest.fixture(scope="module")
def quick_realism():
    return validate_field_realism(quick=True)


def test_field_realism_quick(quick_realism):
    df = quick_realism
    assert len(df) == 3 and set(df.sport) == {"MLB", "NFL"} and df.is_cash.any()
    # ownership matched (small contests: one lineup is 0.2-0.4 pp)
    assert (df.own_maxerr < 2.0).all()
    gpp = df[~df.is_cash]
    assert (gpp.sim_dup_share > 0).all()
    mlb = gpp[gpp.sport == "MLB"].iloc[0]
    assert abs(mlb.sim_salary_left_p50 - mlb.real_salary_left_p50) <= 200
    assert (abs(df.sim_overlap_mean - df.real_overlap_mean) < 0.2).all()
    summ = summarize_field_realism(df)
    assert {"real_median", "sim_median", "median_gap"} <= set(summ.columns)


def test_payout_fit_quick():
    per, summ, fitter = evaluate_payout_fit(quick=True)
    assert set(summ.tier) == {"small", "medium", "large"}
    top10 = summ[summ.metric == "share_top10"]
    assert (top10.median_abs_err < 0.06).all()
