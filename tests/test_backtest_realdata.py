"""Hindsight backtest on the real DK NASCAR slates (quick mode): invariants that must hold, not that we win."""

import numpy as np
import pytest

import dfslab
from conftest import require_data
from dfslab.backtest import PORTFOLIOS, QUICK_SLATES, _norm_name, _score_fixed_race, actual_points, backtest_real_slates
from dfslab.contest import rank_and_pay
from dfslab.contest._ranking import prize_cumsum

pytestmark = pytest.mark.realdata
DATA = require_data()  # skips the module, with a reason, when ../shared/data is absent


@pytest.fixture(scope="module")
def res():
    return backtest_real_slates(quick=True, random_state=0)


def test_tables_cover_every_slate_and_portfolio_with_finite_figures(res):
    per = res.per_slate
    assert sorted(per["slate"].unique()) == sorted(QUICK_SLATES)
    assert len(per) == len(QUICK_SLATES) * len(PORTFOLIOS)
    cols = ["pred_roi", "pred_roi_se", "real_roi", "real_roi_se", "gap", "pred_cash_pct", "real_cash_pct",
            "real_best_rank_pct"]
    assert np.isfinite(per[cols].to_numpy(float)).all()
    assert (per["real_roi"] >= -1).all() and (per["pred_roi"] >= -1).all()
    assert (per["real_roi_se"] >= 0).all() and (per["pred_roi_se"] > 0).all()
    assert np.allclose(per["gap"], per["real_roi"] - per["pred_roi"])
    assert per[["pred_cash_pct", "real_cash_pct", "real_lineup_cash_pct"]].stack().between(0, 100).all()
    # pooled = mean over races, its s.e. from the spread across races
    pooled = res.pooled.set_index("portfolio")
    assert list(pooled.index) == list(PORTFOLIOS)
    for k in PORTFOLIOS:
        g = per[per["portfolio"] == k]
        assert pooled.loc[k, "real_roi"] == pytest.approx(g["real_roi"].mean())
        assert pooled.loc[k, "real_roi_se_races"] == pytest.approx(g["real_roi"].std(ddof=1) / np.sqrt(len(g)))
    assert set(res.contrasts["contrast"]) == {f"ours - {k}" for k in PORTFOLIOS if k != "ours"}
    r = res.ranks
    assert len(r) == len(per) * res.settings["n_fields"] * res.settings["n_lineups"]
    assert r["rank_pct"].between(100.0 / res.settings["field_size"], 100.0).all()


def test_realised_roi_over_all_entries_is_minus_the_rake(res):
    # every entry of each realised contest (opponents + a portfolio) is paid the whole pool
    s = res.slates
    assert (s["identity_max_abs_err"] < 1e-9).all()
    assert np.allclose(s["field_roi_all_entries"], -res.settings["rake"])
    assert 0.1 < res.settings["rake"] < 0.2


def test_portfolios_are_legal_and_skip_drivers_without_dk_id(res):
    for (slate_name, k), L in res.lineups.items():
        sl = dfslab.read_nascar_slate(DATA / "nascar" / "slates" / slate_name)
        dfslab.check_lineups(L, sl)
        assert L.shape == (res.settings["n_lineups"], 6)
        assert len({tuple(sorted(x)) for x in L.tolist()}) == len(L) or k == "field_like"
        if k != "field_like":
            no_id = np.flatnonzero(sl.players["dk_id"].isna().to_numpy())
            assert not np.isin(L, no_id).any()
            counts = np.bincount(L.ravel(), minlength=sl.n_players)
            assert counts.max() <= np.floor(0.6 * len(L))  # max_exposure 0.6
    assert "Shane van Gisbergen" in set(res.slates["excluded_no_dk_id"])


def test_actual_points_fill_name_mismatches_from_the_loop_data():
    assert _norm_name("Ricky Stenhouse Jr") == _norm_name("Ricky Stenhouse Jr.")
    assert _norm_name("Austin J Hill") == _norm_name("Austin Hill")
    assert _norm_name("Nicholas Sanchez") == _norm_name("Nick Sanchez")
    sl = dfslab.read_nascar_slate(DATA / "nascar" / "slates" / "cup_2025-09-13_8227c09")
    pts, tab = actual_points(sl, dfslab.load_slates_with_results(), dfslab.read_race_logs())
    assert np.isfinite(pts).all() and len(pts) == sl.n_players
    row = tab.set_index("name")
    # loop data: Stenhouse started 11th, finished 22nd, led 5, 9 fastest laps -> 14.30 DK points
    assert row.loc["Ricky Stenhouse Jr", "actual"] == pytest.approx(14.30)
    assert row.loc["Ricky Stenhouse Jr", "source"] == "race_logs by normalized name"
    assert (row["source"] == "dk_actual_loopFL").sum() == sl.n_players - 2


def test_fixed_race_scoring_matches_rank_and_pay_on_the_whole_contest():
    # the vectorized realised scorer equals ranking the full contest (field + portfolio) directly
    rng = np.random.default_rng(3)
    keys = rng.integers(-500, 6000, size=30).astype(np.int64)
    keys[5] = keys[6]  # ties between players -> tied lineups
    fields = np.stack([rng.permuted(np.tile(np.arange(30), (300, 1)), axis=1)[:, :6] for _ in range(3)])
    fields[0, :20] = fields[0, 0]  # duplicated field lineups
    M = np.vstack([fields[0, 0], rng.permutation(30)[:6], rng.permutation(30)[:6]])
    t = dfslab.PayoutTable.from_rows([(1, 1, 500.0), (2, 5, 100.0), (6, 60, 12.0)])
    N = 303
    pay, rank, fpaid = _score_fixed_race(keys, fields, M, prize_cumsum(t, N))
    for d in range(3):
        allsc = np.concatenate([keys[fields[d]].sum(1), keys[M].sum(1)]) / 100.0
        r, p = rank_and_pay(allsc, t)
        assert np.allclose(pay[d], p[-3:]) and (rank[d] == r[-3:]).all()
        assert fpaid[d] == pytest.approx(p[:-3].sum())
        assert pay[d].sum() + fpaid[d] == pytest.approx(t.pool)
