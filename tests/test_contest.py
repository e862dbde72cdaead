"""Contest simulation: ranking/prize splitting, field sampler, payout curves, simulator (synthetic data)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dfslab import InputError, PayoutTable, check_lineups, demo_slate
from dfslab.contest import ContestSimulator, FieldLineupSampler, PayoutCurveFitter, count_better_tied, rank_and_pay


# ---------------------------------------------------------------- ranking
def test_rank_and_pay_dk_ties():
    t = PayoutTable.from_rows([(1, 1, 100.0), (2, 2, 60.0), (3, 3, 30.0), (4, 4, 10.0)])
    r, p = rank_and_pay([50.0, 70.0, 70.0, 70.0, 10.0, np.nan], t)
    # three-way tie for 1st covers places 1-3: (100+60+30)/3 each; rank = best shared place
    assert r.tolist() == [4, 1, 1, 1, 5, 6]
    assert np.allclose(p, [10.0, 190 / 3, 190 / 3, 190 / 3, 0.0, 0.0])


def test_blank_lineup_ranks_below_negative_scores():
    r, _ = rank_and_pay([-0.65, np.nan, 3.0], [5.0])
    assert r.tolist() == [2, 3, 1]


def test_blank_lineups_tie_with_a_submitted_zero():
    # DK ranked a real MLB contest's 50 blank lineups tied with a submitted lineup that scored 0.00
    # (issue 15); blanks stay below negative scores (real contests 2017-05-11 and 2017-06-12).
    t = PayoutTable.from_rows([(1, 1, 10.0), (2, 2, 5.0), (3, 3, 3.0), (4, 4, 2.0), (5, 5, 1.0)])
    r, p = rank_and_pay([12.0, 0.0, np.nan, np.nan, 5.0], t)
    assert r.tolist() == [1, 3, 3, 3, 2]
    assert np.allclose(p, [10.0, 2.0, 2.0, 2.0, 5.0])  # the tied group splits places 3-5
    r, _ = rank_and_pay([0.0, -0.5, np.nan, 3.0], t)
    assert r.tolist() == [2, 3, 4, 1]  # a negative score sits between: blanks no longer tie with 0.00
    r, _ = rank_and_pay(np.array([[0.0, np.nan, 1.0], [np.nan, np.nan, np.nan]]), t)
    assert r.tolist() == [[2, 2, 1], [1, 1, 1]]  # per contest; an all-blank contest ties everyone


def test_rank_rounding_to_cents_makes_float_sums_tie():
    r, p = rank_and_pay([0.1 + 0.2, 0.3], [10.0, 0.0])
    assert r.tolist() == [1, 1] and p.tolist() == [5.0, 5.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=60),
       st.lists(st.floats(0, 1000), min_size=1, max_size=40))
def test_payout_conservation_property(scores, prizes):
    prizes = sorted(prizes, reverse=True)
    s = np.asarray(scores, float)
    rank, pay = rank_and_pay(s, np.asarray(prizes))
    n = len(s)
    assert np.isclose(pay.sum(), sum(prizes[:n]), rtol=1e-12, atol=1e-9)
    # rank = 1 + number of strictly better entries
    assert (rank == 1 + (s[None, :] > s[:, None]).sum(1)).all()
    # tied entries get the same prize; better scores never get less
    o = np.argsort(-s, kind="stable")
    assert (np.diff(pay[o]) <= 1e-9).all()


def test_count_better_tied_rows_do_not_mix():
    pool = np.sort(np.array([[5, 1, 9], [100, 100, 2]]), 1)
    b, t = count_better_tied(pool, np.array([[5, 100], [100, 9]]))
    assert b.tolist() == [[1, 0], [0, 2]] and t.tolist() == [[1, 0], [2, 0]]


# ---------------------------------------------------------------- field
def _reference_ownership(slate, seed=5, n=20000):
    """A feasible, realistic target: ownership of a value-weighted near-cap field."""
    ref = FieldLineupSampler(slate, np.full(slate.n_players, 600 / slate.n_players), random_state=seed,
                             match_ownership=False)
    ref.logw_ = 1.2 * slate.players["rating"].to_numpy()
    return ref.ownership_of(ref.sample(n), slate.n_players)


@pytest.fixture(scope="module")
def slate():
    return demo_slate()


@pytest.fixture(scope="module")
def fitted(slate):
    own = _reference_ownership(slate)
    return FieldLineupSampler(slate, own, random_state=0).fit(), own


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_field_legal_and_matches_ownership_10k(fitted, slate, seed):
    fs, own = fitted
    F = fs.sample(10_000, random_state=seed)
    check_lineups(F, slate)  # slots, no repeats, cap
    got = fs.ownership_of(F, slate.n_players)
    assert np.abs(got - own).max() <= 1.0
    left = 50_000 - slate.salaries[F].sum(1)
    assert np.median(left) <= 1500  # real fields spend nearly the whole cap


def test_field_without_rebalance_is_calibrated_in_expectation(fitted, slate):
    fs, own = fitted
    assert fs.calibration_error_ < 1.0
    assert fs.n_iter_ >= 1


def test_field_ownership_sampler_used_per_draw(slate):
    own = _reference_ownership(slate, n=10000)
    calls = []

    def sampler(n, rng):
        calls.append(n)
        o = own * np.exp(rng.normal(0, 0.1, own.shape))
        o = np.minimum(o / o.sum() * 600, 100)
        return (o / o.sum() * 600)[None, :]

    fs = FieldLineupSampler(slate, own, random_state=1, ownership_sampler=sampler, n_calibration=5000).fit()
    F = fs.draw_field(3000, np.random.default_rng(0))
    check_lineups(F, slate)
    assert calls == [1]


def test_field_mlb_slots_legal():
    import pandas as pd

    from dfslab import MLB_CLASSIC, Slate
    rng = np.random.default_rng(0)
    pos = ["SP"] * 8 + ["C"] * 5 + ["1B"] * 5 + ["2B"] * 5 + ["3B"] * 5 + ["SS"] * 5 + ["OF"] * 15 + ["1B/OF"] * 2
    sal = rng.integers(20, 60, len(pos)) * 100
    sal[:8] = rng.integers(70, 120, 8) * 100
    s = Slate(pd.DataFrame({"name": [f"p{i}" for i in range(len(pos))], "salary": sal, "position": pos}),
              rules=MLB_CLASSIC)
    # target = ownership of a cap-spending reference field (same salary behaviour as the sampler)
    ref = FieldLineupSampler(s, np.full(len(pos), 1000 / len(pos)), random_state=1, match_ownership=False)
    ref.logw_ = rng.normal(0, 1, len(pos))
    own = ref.ownership_of(ref.sample(8000), len(pos))
    fs = FieldLineupSampler(s, own, random_state=0, n_calibration=5000).fit()
    F = fs.sample(5000, random_state=2)
    check_lineups(F, s)
    assert np.abs(fs.ownership_of(F, len(pos)) - own).max() <= 1.0


def test_field_duplicates_and_salary_realism(fitted, slate):
    from dfslab.studies import field_stats
    fs, own = fitted
    F = fs.sample(10_000, random_state=4)
    st = field_stats(F, slate.salaries)
    # the default field spends the cap like real fields (real MLB GPPs: median $100 left)
    assert st["salary_left_p50"] <= 300 and st["salary_left_p90"] <= 1500
    # deliberate copies on top of chance duplicates; groups of 3+ exist (multi-entry / optimizer chalk)
    fs0 = FieldLineupSampler(slate, own, random_state=0, dup_prob=0.0).fit()
    st0 = field_stats(fs0.sample(10_000, random_state=4), slate.salaries)
    assert st["dup_share"] > st0["dup_share"] + 0.01
    assert st["dup_ge3_share"] > 0 and st["max_group"] >= 3


def test_salary_tilt_spends_more_of_the_cap(slate):
    from dfslab.studies import field_stats
    own = _reference_ownership(slate, n=5000)
    left = {}
    for scale in (None, 150.0):
        fs = FieldLineupSampler(slate, own, random_state=0, salary_left_scale=scale, match_ownership=False,
                                n_calibration=3000).fit()
        left[scale] = field_stats(fs.sample(5000, random_state=1), slate.salaries)["salary_left_mean"]
    assert left[150.0] < left[None]


def test_fit_has_no_rejection_and_stops(slate):
    # near-uniform ownership: the old rejection sampler accepted ~1.6% of lineups; the budget DP accepts all
    # (uniform ownership implies far more salary left than a field leaves: max_salary_left=None keeps it as given)
    own = np.full(slate.n_players, 600 / slate.n_players)
    fs = FieldLineupSampler(slate, own, random_state=0, n_calibration=2000, max_iter=5, max_salary_left=None).fit()
    assert fs.acceptance_ == 1.0 and fs.n_iter_ <= 5
    F = fs.sample(3000, random_state=0)
    check_lineups(F, slate)
    assert np.abs(fs.ownership_of(F, slate.n_players) - own).max() <= 1.0


def test_field_bad_inputs(slate):
    with pytest.raises(InputError, match="sums to"):
        FieldLineupSampler(slate, np.full(slate.n_players, 100 / slate.n_players))
    with pytest.raises(InputError, match="salary_floor"):
        FieldLineupSampler(slate, np.full(slate.n_players, 600 / slate.n_players), salary_floor=60_000)
    fs = FieldLineupSampler(slate, np.full(slate.n_players, 600 / slate.n_players))
    with pytest.raises(InputError, match="n_entries"):
        fs.sample(0)
    with pytest.raises(InputError, match="dup_prob"):
        FieldLineupSampler(slate, np.full(slate.n_players, 600 / slate.n_players), dup_prob=1.0)
    with pytest.raises(InputError, match="dup_tail"):
        FieldLineupSampler(slate, np.full(slate.n_players, 600 / slate.n_players), dup_tail=0)


# ---------------------------------------------------------------- payout curves
@pytest.fixture(scope="module")
def fitter():
    return PayoutCurveFitter().load()


@settings(max_examples=40, deadline=None)
@given(entries=st.integers(2, 200_000), fee=st.sampled_from([0.25, 1.0, 3.0, 20.0, 333.0]),
       rake=st.floats(-0.2, 0.3))
def test_generated_table_pool_exact_and_monotone(entries, fee, rake):
    t = PayoutCurveFitter().load().generate(entries=entries, entry_fee=fee, rake=rake)
    assert np.isclose(t.pool, entries * fee * (1 - rake), rtol=1e-9)
    assert (np.diff(t.payout) <= 1e-9).all()
    assert t.n_paid <= entries


def test_generated_shape_follows_tier(fitter):
    t = fitter.generate(entries=10_000, entry_fee=20.0, rake=0.15)
    p = fitter.params_["large"]
    assert abs(t.n_paid / 10_000 - p["paid_frac"]) < 0.01
    assert abs(t.payout[0] / t.pool - p["top_share"]) < 0.005
    assert abs(t.payout[-1] / 20.0 - p["min_cash_mult"]) < 0.1
    assert fitter.tier_of(500) == "small" and fitter.tier_of(5000) == "medium"


def test_fitter_bad_inputs(fitter):
    with pytest.raises(InputError):
        PayoutCurveFitter(tier_bounds=(10, 5))
    with pytest.raises(InputError):
        fitter.generate(entries=0, entry_fee=20.0)
    with pytest.raises(InputError):
        PayoutCurveFitter().generate(entries=10, entry_fee=1.0)


# ---------------------------------------------------------------- simulator
def _contest(n_players=38, n_entries=400, n_scen=60, seed=0):
    rng = np.random.default_rng(seed)
    L = np.argsort(rng.random((n_entries, n_players)), 1)[:, :6]
    L[:40] = L[0]  # duplicates
    P = np.round(rng.gamma(3.0, 9.0, (n_scen, n_players)), 2)
    return L, P


def test_roi_identity_whole_contest_every_scenario():
    L, P = _contest()
    mine, field = L[:150], L[150:]
    fee = 10.0
    t = PayoutTable.from_rows([(1, 1, 800.0), (2, 5, 200.0), (6, 60, 30.0), (61, 80, 15.0)])
    cs = ContestSimulator(t, field_size=len(field), entry_fee=fee, random_state=0)
    res = cs.simulate(mine, P, field, track_field=True)
    total = (res.roi_samples + 1).sum(1) * fee + res.field_paid
    roi_all = total / (len(L) * fee) - 1
    assert np.allclose(roi_all, t.pool / (len(L) * fee) - 1, rtol=0, atol=1e-12)
    # and the simulator's prizes equal rank_and_pay on all entries
    scores = P[:, L].sum(-1)
    r, p = rank_and_pay(scores, t)
    assert np.allclose(res.roi_samples, p[:, :150] / fee - 1)
    assert (res.ranks == r[:, :150]).all()


def test_field_duplicates_split_with_me_and_portfolio_competes_with_itself():
    P = np.array([[10.0, 9.0, 1.0, 1.0, 0.0]])
    t = PayoutTable.from_rows([(1, 1, 90.0), (2, 2, 30.0)])
    field = np.array([[0, 1], [2, 3], [3, 4]])
    cs = ContestSimulator(t, field_size=3, entry_fee=30.0)
    res = cs.simulate(np.array([[0, 1], [1, 0]]), P, field)
    # three identical top lineups (2 mine + 1 field) share places 1-3: (90+30+0)/3
    assert np.allclose(res.roi_samples, 40.0 / 30 - 1)
    assert res.per_lineup.best_rank.tolist() == [1, 1]
    assert res.portfolio["roi_mean"] == pytest.approx(80 / 60 - 1)


def test_result_fields_and_standard_errors(fitted, slate):
    fs, _ = fitted
    rng = np.random.default_rng(3)
    P = rng.gamma(3.0, 9.0, (300, slate.n_players))
    t = PayoutCurveFitter().load().generate(entries=500, entry_fee=5.0)
    mine = fs.sample(5, random_state=9)
    cs = ContestSimulator(t, field_size=495, entry_fee=5.0, n_field_draws=2, random_state=0, progress=False)
    res = cs.simulate(mine, P, fs)
    cols = ["roi_mean", "roi_se", "roi_std", "roi_p5", "roi_p95", "cash_pct", "cash_se", "win_pct", "win_se",
            "top1_pct", "top1_se", "best_rank", "worst_rank", "best_payout"]
    assert list(res.per_lineup.columns) == cols
    assert res.portfolio["n_simulations"] == 600 and res.roi_samples.shape == (600, 5)
    pl = res.per_lineup
    assert (pl.roi_se > 0).all() and (pl.roi_se < pl.roi_std).all()
    assert ((pl.cash_pct >= 0) & (pl.cash_pct <= 100)).all()
    assert np.allclose(pl.roi_mean, res.roi_samples.mean(0))


def test_simulator_bad_inputs(slate):
    t = PayoutTable.from_rows([(1, 1, 100.0)])
    with pytest.raises(InputError, match="field_size"):
        ContestSimulator(t, field_size=0, entry_fee=1.0)
    with pytest.raises(InputError, match="PayoutTable"):
        ContestSimulator([(1, 1, 100.0)], field_size=10, entry_fee=1.0)
    with pytest.raises(InputError, match="rise with place"):
        PayoutTable.from_rows([(1, 1, 10.0), (2, 2, 20.0)])
    with pytest.raises(InputError, match="gap"):
        PayoutTable.from_rows([(1, 1, 10.0), (3, 3, 5.0)])
    fs = FieldLineupSampler(slate, np.full(slate.n_players, 600 / slate.n_players))
    cs = ContestSimulator(t, field_size=10, entry_fee=1.0)
    good = [[0, 1, 20, 30, 33, 35]]
    with pytest.raises(InputError, match="width"):
        cs.simulate(good, np.ones((5, slate.n_players + 1)), fs)
    with pytest.raises(InputError, match="n_scenarios"):
        cs.simulate(good, np.ones((0, slate.n_players)), fs)
    with pytest.raises(InputError, match="unknown player"):
        cs.simulate([[0, 1, 2, 3, 4, 99]], np.ones((5, slate.n_players)), fs)
    with pytest.raises(InputError, match="twice"):
        cs.simulate([[0, 0, 2, 3, 4, 5]], np.ones((5, slate.n_players)), fs)


def test_overlay_is_legal_and_noted():
    t = PayoutTable.from_rows([(1, 1, 1000.0)])
    cs = ContestSimulator(t, field_size=3, entry_fee=1.0)
    with pytest.warns(UserWarning, match="overlay"):
        res = cs.simulate([[0, 1]], np.array([[5.0, 5.0, 1.0, 1.0]]), np.array([[2, 3]] * 3))
    assert res.portfolio["roi_mean"] == pytest.approx(999.0)
    assert any("overlay" in n for n in res.notes)
