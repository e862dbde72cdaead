"""The compiled contest kernel against rank_and_pay and the plain-numpy engine (random contests, many ties)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dfslab import InputError, PayoutTable, demo_slate
from dfslab.contest import ContestSimulator, _kernels, prize_cumsum, rank_and_pay, score_contest_numpy


def _lineups(rng, n, n_players, R):
    return np.argsort(rng.random((n, n_players)), axis=1)[:, :R]


@st.composite
def contests(draw):
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    R = draw(st.sampled_from([1, 2, 3, 5, 6]))
    # > 128 players: the kernel scores players one by one instead of through the pair table
    n_players = draw(st.sampled_from([R, R + 1, 8, 12, 40, 140]))
    n_field = draw(st.integers(1, 300))
    m = draw(st.integers(1, 40))
    F = _lineups(rng, n_field, n_players, R)
    # heavy duplication in the field
    dup = rng.random(n_field) < draw(st.sampled_from([0.0, 0.3, 0.8]))
    F[dup] = F[rng.integers(0, max(1, n_field // 10), dup.sum())]
    M = _lineups(rng, m, n_players, R)
    # some of my lineups copy field lineups, some copy each other
    cp = rng.random(m) < 0.3
    M[cp] = F[rng.integers(0, n_field, cp.sum())]
    cp2 = rng.random(m) < 0.2
    M[cp2] = M[0]
    S = draw(st.integers(1, 12))
    # tiny integer points -> ties everywhere; x1000 -> spans beyond the slot table (binary-search path)
    scale = draw(st.sampled_from([1.0, 0.01, 1000.0]))
    P = rng.integers(-2, draw(st.sampled_from([2, 4, 30])), (S, n_players)) * scale
    n_prizes = draw(st.integers(1, n_field + m + 5))
    prizes = np.sort(rng.choice([0.0, 1.0, 2.0, 5.0, 20.0, 100.0], n_prizes))[::-1].copy()
    return M, F, P, prizes


def _table(prizes):
    # an all-zero table is refused (it pays nothing); a table paying only 1st at $1 stands in for it
    return PayoutTable.from_rows([(k + 1, k + 1, float(p)) for k, p in enumerate(prizes) if p > 0] or [(1, 1, 1.0)])


@settings(max_examples=150, deadline=None)
@given(contests())
def test_kernel_equals_rank_and_pay_and_numpy_engine(case):
    M, F, P, prizes = case
    t = _table(prizes)
    N = len(F) + len(M)
    if t.pool <= 0:
        return
    cs = ContestSimulator(t, field_size=len(F), entry_fee=1.0, random_state=0, progress=False)
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # overlays are legal here
            res = cs.simulate(M, P, F, track_field=True)
    # the whole contest ranked and paid by rank_and_pay (DK rules)
    scores = P[:, np.vstack([M, F])].sum(-1)
    r, p = rank_and_pay(scores, t)
    assert (res.ranks == r[:, :len(M)]).all()
    assert np.array_equal(res.roi_samples, p[:, :len(M)] / 1.0 - 1.0)  # bit-identical prizes
    np.testing.assert_allclose(res.field_paid, p[:, len(M):].sum(1), rtol=1e-12, atol=1e-9)
    # and the plain-numpy engine, kept as the reference
    K = np.rint(P * 100).astype(np.int32)
    pay0, rank0, fp0 = score_contest_numpy(K, M, F, prize_cumsum(t, N), track_field=True)
    assert np.array_equal(res.ranks, rank0) and np.array_equal(res.roi_samples, pay0 - 1.0)
    np.testing.assert_allclose(res.field_paid, fp0, rtol=1e-12, atol=1e-9)


def test_both_search_paths_and_thread_counts_agree():
    import numba

    rng = np.random.default_rng(7)
    M, F = _lineups(rng, 60, 38, 6), _lineups(rng, 3000, 38, 6)
    F[:500] = F[0]
    cum = prize_cumsum(PayoutTable.from_rows([(1, 1, 500.0), (2, 10, 50.0), (11, 700, 3.0)]), len(F) + len(M))
    U, cnt = _kernels.distinct_lineups(F, 38)
    terms, pairs = _kernels.field_terms(U, 38)
    assert pairs and cnt.sum() == len(F) and cnt.max() >= 500
    out = {}
    for scale in (1.0, 100.0):  # x100: my scores span more than the slot table -> binary search
        K = np.rint(rng.gamma(2.0, 8.0, (97, 38)) * 100 * scale).astype(np.int32)
        ms = K[:, M].sum(-1)
        assert ((ms.max(1) - ms.min(1) + 3 > _kernels.MAX_TABLE).any()) == (scale > 1)
        ref = score_contest_numpy(K, M, F, cum)
        before = numba.get_num_threads()
        try:
            for th in sorted({1, before}):
                numba.set_num_threads(th)
                pay, rank = np.empty((97, 60)), np.empty((97, 60), np.int64)
                _kernels.run_threads(_kernels.score_contest, K, (pay, rank), M.astype(np.int64),
                                     np.zeros(len(M), np.int64), 1, terms, cnt, pairs, cum)
                out[(scale, th)] = pay
                assert np.array_equal(pay, ref[0]) and np.array_equal(rank, ref[1])
        finally:
            numba.set_num_threads(before)


def test_distinct_lineups_wide_rosters_fall_back_to_unique_rows():
    rng = np.random.default_rng(0)
    F = _lineups(rng, 400, 5000, 10)  # 13 bits x 10 players: no 63-bit key
    F[200:] = F[:200][:, ::-1]
    U, c = _kernels.distinct_lineups(F, 5000)
    assert len(U) == 200 and (c == 2).all()


# ---------------------------------------------------------------- legality of the field
CHEAP = np.argsort(demo_slate().salaries, kind="stable")[:12]  # two legal lineups: the 6 cheapest, the next 6
LEGAL, MINE = np.array([CHEAP[:6]] * 10), [CHEAP[6:12]]


class _Sampler:
    """Draws a legal field, then whatever ``bad`` returns."""

    def __init__(self, slate, bad):
        self.slate, self.bad, self.calls = slate, bad, 0

    def sample(self, n, random_state=None):
        self.calls += 1
        return LEGAL.copy() if self.calls == 1 else self.bad(LEGAL)


def _dup(F):
    F = F.copy()
    F[3, 1] = F[3, 0]
    return F


def _unknown(F):
    F = F.copy()
    F[2, 5] = 99
    return F


def _over_cap(F):
    F = F.copy()
    F[4] = np.argsort(-demo_slate().salaries)[:6]
    return F


@pytest.mark.parametrize("bad, match", [(_dup, "field draw 1: lineup 3 uses a player twice"),
                                        (_unknown, "field draw 1: lineup 2 names unknown player index"),
                                        (_over_cap, r"field draw 1: lineup 4 costs \$[\d,]+ > cap \$50,000")])
def test_illegal_field_lineups_are_refused_naming_draw_and_lineup(bad, match):
    s = demo_slate()
    t = PayoutTable.from_rows([(1, 1, 100.0)])
    cs = ContestSimulator(t, field_size=10, entry_fee=20.0, n_field_draws=2, progress=False)
    pts = np.random.default_rng(0).gamma(3.0, 9.0, (4, s.n_players))
    with pytest.raises(InputError, match=match):
        cs.simulate(MINE, pts, _Sampler(s, bad))
    # a fixed field checked against slate= (one draw: named "field")
    cs1 = ContestSimulator(t, field_size=10, entry_fee=20.0, progress=False)
    with pytest.raises(InputError, match=match.replace("field draw 1", "field")):
        cs1.simulate(MINE, pts, bad(LEGAL), slate=s)
    # without a slate a repeated player or an unknown index is still refused
    if bad is not _over_cap:
        with pytest.raises(InputError, match=match.replace("field draw 1", "field")):
            cs1.simulate(MINE, pts, bad(LEGAL))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2 ** 32 - 1), st.integers(1, 700), st.integers(1, 20), st.sampled_from([0.0, 0.5, 0.95]))
def test_summary_kernels_match_numpy(seed, n, m, zero_share):
    rng = np.random.default_rng(seed)
    pay = np.where(rng.random((n, m)) < zero_share, 0.0, np.round(rng.gamma(0.5, 40.0, (n, m)), 2))
    rank = rng.integers(1, 50, (n, m))
    roi = np.empty_like(pay)
    mean, var, c_cash, c_win, c_top, rmin, rmax, pmax, tot, best, anyc = _kernels.lineup_stats(pay, rank, 20.0, 5, roi)
    ref = pay / 20.0 - 1.0
    assert np.array_equal(roi, ref)
    np.testing.assert_allclose(mean, ref.mean(0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(var, ref.var(0, ddof=1) if n > 1 else np.zeros(m), rtol=1e-10, atol=1e-12)
    assert (c_cash == (pay > 0).sum(0)).all() and (c_win == (rank == 1).sum(0)).all()
    assert (c_top == (rank <= 5).sum(0)).all() and (rmin == rank.min(0)).all() and (rmax == rank.max(0)).all()
    assert (pmax == pay.max(0)).all() and (best == rank.min(1)).all() and (anyc == (pay > 0).any(1)).all()
    np.testing.assert_allclose(tot, pay.sum(1), rtol=1e-12)
    lo, hi = _kernels.column_percentiles(ref, 5 / 100, 95 / 100)
    p5, p95 = np.percentile(ref, [5, 95], axis=0)
    assert np.array_equal(lo, p5) and np.array_equal(hi, p95)  # bit-identical to numpy


def test_too_many_of_my_lineups_refused():
    from dfslab.contest._simulator import MAX_MY_LINEUPS

    rng = np.random.default_rng(0)
    M = _lineups(rng, MAX_MY_LINEUPS + 1, 40, 6)
    cs = ContestSimulator(PayoutTable.from_rows([(1, 1, 10.0)]), field_size=5, entry_fee=1.0, progress=False)
    with pytest.raises(InputError, match="my_lineups: 32,768 lineups; the simulator takes at most 32,767"):
        cs.simulate(M, np.ones((2, 40)), M[:5])
