"""The sliced enumeration against brute force; large pools; the MIP fallback note; the n_lineups guard."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dfslab import InputError, NASCAR_CLASSIC, Slate
from dfslab.optimize import LeverageAwareOptimizer
from dfslab.optimize._enumerate import _Tables
from dfslab.optimize._portfolio import max_pair_overlap


def pool_slate(n, random_state=0, integer_scores=False):
    """A DK-like NASCAR pool of n drivers (salary ladder $4,500-$11,500), projection and ownership."""
    rng = np.random.default_rng(random_state)
    rating = np.sort(rng.normal(0.0, 0.45, n))[::-1]
    ladder = 4500 + 7000 * np.linspace(0.0, 1.0, n)[::-1] ** 2.2
    salary = np.clip(np.round(ladder[np.argsort(np.argsort(-(rating + rng.normal(0, 0.16, n))))] / 100) * 100,
                     4500, 11500).astype(int)
    players = pd.DataFrame({"player_id": [f"p{i}" for i in range(n)], "name": [f"Driver {i:02d}" for i in range(n)],
                            "salary": salary, "position": "D"})
    proj = 35 + 12 * rating + rng.normal(0, 3, n)
    if integer_scores:
        proj = np.round(proj / 4)  # many exact ties
    own = np.exp(0.9 * rating + rng.normal(0, 0.3, n))
    for _ in range(30):
        own = np.minimum(own / own.sum() * 600, 60.0)
    return Slate(players=players, rules=NASCAR_CLASSIC, name=f"pool-{n}"), proj, own / own.sum() * 600


def _brute(spec, score, forced=-1):
    """Every statically legal lineup, best first, ties in itertools order; objective summed like the engine."""
    locked = [int(i) for i in np.flatnonzero(spec.locked)]
    free = [int(i) for i in np.flatnonzero(spec.allowed & ~spec.locked)]
    base_score = float(score[locked].sum())
    out = []
    for c in itertools.combinations(free, spec.roster_size - len(locked)):
        if forced >= 0 and forced not in c:
            continue
        L = sorted(c + tuple(locked))
        sal = int(spec.salary[L].sum())
        if not spec.min_salary <= sal <= spec.salary_cap:
            continue
        if spec.max_total_ownership is not None:
            o = spec.ownership[c[0]]
            for i in c[1:]:
                o += spec.ownership[i]
            if o + float(spec.ownership[locked].sum()) > spec.max_total_ownership + 1e-9:
                continue
        if int(spec.low[L].sum()) < spec.min_low_owned:
            continue
        v = score[c[0]]
        for i in c[1:]:
            v += score[i]
        out.append((-(v + base_score), tuple(L)))
    out.sort()  # objective, then lexicographic: what the walk's total order must be
    return [(-v, L) for v, L in out]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2 ** 31), st.integers(9, 14), st.booleans(), st.sampled_from([1, 3, 50]),
       st.sampled_from([None, 250.0]), st.integers(0, 2), st.booleans(), st.booleans())
def test_slices_concatenate_to_the_brute_force_order(seed, n, ties, target, max_own, min_low, lock, forced):
    slate, proj, own = pool_slate(n, seed, integer_scores=ties)
    names = list(slate.players["name"])
    opt = LeverageAwareOptimizer(n_lineups=1, leverage_penalty=0.0, max_total_ownership=max_own,
                                 min_low_owned=min_low, low_owned_threshold=15.0, locks=names[:1] if lock else (),
                                 excludes=names[-1:], min_salary=20_000)
    spec = opt._spec(slate, own)
    t = _Tables(spec, proj)
    f = n // 2 if forced else -1
    want = _brute(spec, proj, f)
    got_m, got_o, upper = [], [], np.inf
    for _ in range(10_000):
        m, o, tau = t.slice(int(t.pos[f]) if f >= 0 else -1, upper, target)
        # bounded: at most 2 x target distinct objective values above the slice's threshold (a tie group is
        # never split, so with integer scores one group can hold more lineups than the target)
        assert len(o) == 0 or len(np.unique(o[o > o.min()])) <= 2 * target
        got_m += [tuple(np.flatnonzero((int(x) >> np.arange(n)) & 1).tolist()) for x in m]
        got_o += o.tolist()
        if not np.isfinite(tau):
            break
        upper = tau
    assert got_m == [L for _, L in want]
    assert got_o == [v for v, _ in want]  # the same floats, not just close


def test_sixty_driver_pool_matches_the_mip_with_bounded_slices():
    slate, proj, own = pool_slate(60, 3)
    kw = dict(n_lineups=8, leverage_penalty=0.5, max_overlap=3, min_low_owned=1, max_total_ownership=160.0,
              max_exposure={"Driver 00": 0.5}, min_exposure={"Driver 40": 0.25})
    a = LeverageAwareOptimizer(method="auto", **kw).optimize(slate, proj, own)
    assert a.metrics["method"] == "enumerate" and a.settings["notes"] == []
    b = LeverageAwareOptimizer(method="mip", **kw).optimize(slate, proj, own)
    np.testing.assert_array_equal(a.lineups, b.lineups)
    np.testing.assert_allclose(a.table["objective"], b.table["objective"], atol=1e-6)


def test_more_than_64_drivers_uses_the_mip_and_says_so():
    slate, proj, own = pool_slate(66, 1)
    with pytest.warns(UserWarning, match="66 drivers, more than the enumeration's 64"):
        pf = LeverageAwareOptimizer(n_lineups=2, max_overlap=4).optimize(slate, proj, own)
    assert pf.metrics["method"] == "mip" and "sequential MIP" in pf.settings["notes"][0]
    with pytest.raises(InputError, match="method='enumerate': the pool has 66 drivers"):
        LeverageAwareOptimizer(n_lineups=2, method="enumerate").optimize(slate, proj, own)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # asked for: no warning
        assert LeverageAwareOptimizer(n_lineups=1, method="mip").optimize(slate, proj, own).settings["notes"] == []


def test_absurd_n_lineups_refused_up_front_with_an_estimate():
    with pytest.raises(InputError, match=r"n_lineups=1,000,000 exceeds lineup_limit=10,000: .*roughly \d+ min .* "
                                         r"~\d[\d,]* MB.*lineup_limit=None"):
        LeverageAwareOptimizer(n_lineups=10 ** 6)
    with pytest.raises(InputError, match=r"n_lineups=20,000 exceeds lineup_limit=500: .*roughly 100 min with the mip"):
        LeverageAwareOptimizer(n_lineups=20_000, lineup_limit=500, method="mip")
    LeverageAwareOptimizer(n_lineups=10 ** 6, lineup_limit=None)  # overridable
    with pytest.raises(InputError, match="lineup_limit"):
        LeverageAwareOptimizer(n_lineups=5, lineup_limit=0)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2 ** 31), st.integers(2, 30), st.integers(2, 6), st.integers(6, 12))
def test_max_pair_overlap_matches_pairwise(seed, n, R, n_players):
    rng = np.random.default_rng(seed)
    L = np.argsort(rng.random((n, n_players)), 1)[:, :R]
    oh = np.zeros((n, n_players), int)
    oh[np.arange(n)[:, None], L] = 1
    ov = oh @ oh.T
    np.fill_diagonal(ov, 0)
    assert max_pair_overlap(L, n_players) == ov.max()
