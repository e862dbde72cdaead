"""Property tests: the optimizer against brute-force enumeration on small random slates.

The reference below is written independently of dfslab.optimize: it lists
every 6-driver combination with itertools, applies each rule literally, and
at every step takes the best lineup allowed given the lineups before it.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dfslab import InfeasibleError, InputError, Slate
from dfslab.optimize import LeverageAwareOptimizer, optimal_rates
from dfslab.optimize._rates import best_lineups

R = 6
CAP = 50_000


def random_problem(seed, n):
    rng = np.random.default_rng(seed)
    salary = rng.integers(45, 116, n) * 100
    proj = rng.gamma(5.0, 8.0, n) + salary / 400
    own = rng.gamma(1.0, 1.0, n)
    own = own / own.sum() * 600
    while own.max() > 100:  # keep percent valid: move the excess to the others
        ex = np.clip(own - 100, 0, None)
        own = np.minimum(own, 100)
        own = own + ex.sum() * (own < 100) / (own < 100).sum()
    players = pd.DataFrame({"player_id": [f"p{i}" for i in range(n)], "name": [f"D{i}" for i in range(n)],
                            "salary": salary, "position": "D"})
    return Slate(players), proj, own


def reference(slate, proj, own, p):
    """Literal sequential optimum; returns (lineups, objectives) or (lineups_so_far, None) when stuck."""
    n = slate.n_players
    sal = slate.salaries
    ids = list(slate.players["player_id"])
    # documented objective: ownership rescaled to the projection's slate-wide spread
    scale = proj.std() / own.std() if own.std() > 0 else 0.0
    obj = proj - p["leverage_penalty"] * scale * own
    locks = {ids.index(k) for k in p["locks"]}
    excl = {ids.index(k) for k in p["excludes"]}
    N = p["n_lineups"]
    mo = R - 1 if p["max_overlap"] is None else p["max_overlap"]  # lineups are distinct
    capc = np.full(n, N)
    minc = np.zeros(n, dtype=int)
    for k, v in (p["max_exposure"] or {}).items():
        capc[ids.index(k)] = math.floor(v * N + 1e-9)
    for k, v in (p["min_exposure"] or {}).items():
        minc[ids.index(k)] = math.ceil(v * N - 1e-9)
    ms = p["min_salary"] or 0
    static = []
    for c in itertools.combinations(range(n), R):
        s = set(c)
        if not (ms <= sal[list(c)].sum() <= CAP):
            continue
        if not locks <= s or s & excl:
            continue
        if p["max_ownership_per_driver"] is not None and any(own[i] > p["max_ownership_per_driver"] for i in c):
            continue
        if sum(own[i] < p["low_owned_threshold"] for i in c) < p["min_low_owned"]:
            continue
        if p["max_total_ownership"] is not None and own[list(c)].sum() > p["max_total_ownership"] + 1e-9:
            continue
        static.append(s)
    picks, vals = [], []
    counts = np.zeros(n, dtype=int)
    for k in range(N):
        rem = N - k
        deficit = np.maximum(minc - counts, 0)
        # pacing: after lineup k+1, at least round-half-up(m * (k+1) / N) appearances
        must = {i for i in range(n) if counts[i] < math.floor(minc[i] * (k + 1) / N + 0.5 + 1e-9)}
        best, bv = None, -np.inf
        for s in static:
            if any(len(s & q) > mo for q in picks):
                continue
            if any(counts[i] + 1 > capc[i] for i in s):
                continue
            if not must <= s:
                continue
            after = sum(max(deficit[i] - (i in s), 0) for i in range(n))
            if after > R * (rem - 1):
                continue
            # drivers owed in every lineup left after this one, plus locks, are all shared
            due = sum(deficit[i] - (i in s) >= rem - 1 and deficit[i] > 0 for i in range(n))
            if rem - 1 >= 2 and due + len(locks) > mo:
                continue
            v = sum(obj[i] for i in s)
            if v > bv:
                best, bv = s, v
        if best is None:
            return picks, None
        picks.append(best)
        vals.append(bv)
        for i in best:
            counts[i] += 1
    return picks, vals


@st.composite
def problems(draw, force_min=False):
    n = draw(st.integers(10, 14))
    seed = draw(st.integers(0, 2**31 - 1))
    slate, proj, own = random_problem(seed, n)
    ids = list(slate.players["player_id"])
    locks = draw(st.lists(st.sampled_from(ids), max_size=1, unique=True))
    excludes = draw(st.lists(st.sampled_from([i for i in ids if i not in locks]), max_size=2, unique=True))
    pick = st.sampled_from(ids)
    p = dict(
        n_lineups=draw(st.integers(4, 10) if force_min else st.integers(1, 8)),
        leverage_penalty=draw(st.sampled_from([0.0, 0.3, 0.5, 1.0])),
        max_overlap=draw(st.sampled_from([None, 2, 3, 4, 5])),
        max_ownership_per_driver=draw(st.sampled_from([None, None, 90.0, 70.0])),
        min_low_owned=draw(st.integers(0, 2)),
        low_owned_threshold=draw(st.sampled_from([10.0, 30.0])),
        max_total_ownership=draw(st.sampled_from([None, 300.0, 450.0])),
        max_exposure=draw(st.one_of(st.none(), st.dictionaries(pick, st.sampled_from([0.3, 0.5, 0.8]), max_size=2))),
        min_exposure=(draw(st.dictionaries(pick, st.sampled_from([0.1, 0.2, 0.3, 0.5]), min_size=1, max_size=3))
                      if force_min else
                      draw(st.one_of(st.none(), st.dictionaries(pick, st.sampled_from([0.2, 0.4]), max_size=2)))),
        locks=locks, excludes=excludes,
        min_salary=draw(st.sampled_from([None, 40_000])),
    )
    return slate, proj, own, p


def check_result(pf, ref, ref_vals, slate, proj, own, p):
    """Every rule holds and each lineup equals the brute-force sequential best."""
    L = pf.lineups
    assert L.shape == (p["n_lineups"], R)
    got = [set(r.tolist()) for r in L]
    assert got == ref
    np.testing.assert_allclose(pf.table["objective"].to_numpy(), ref_vals, rtol=0, atol=1e-6)
    # independent re-check of every constraint on the returned lineups
    ids = np.array(slate.players["player_id"])
    sal = slate.salaries[L].sum(1)
    assert (sal <= CAP).all() and (sal >= (p["min_salary"] or 0)).all()
    assert (np.sort(L, 1)[:, 1:] != np.sort(L, 1)[:, :-1]).all()
    for k in p["locks"]:
        assert (ids[L] == k).any(1).all()
    for k in p["excludes"]:
        assert not (ids[L] == k).any()
    if p["max_ownership_per_driver"] is not None:
        assert (own[L] <= p["max_ownership_per_driver"]).all()
    assert ((own[L] < p["low_owned_threshold"]).sum(1) >= p["min_low_owned"]).all()
    if p["max_total_ownership"] is not None:
        assert (own[L].sum(1) <= p["max_total_ownership"] + 1e-9).all()
    if p["max_overlap"] is not None:
        for a, b in itertools.combinations(got, 2):
            assert len(a & b) <= p["max_overlap"]
    N = p["n_lineups"]
    for k, v in (p["max_exposure"] or {}).items():
        assert (ids[L] == k).sum() <= v * N + 1e-9
    for k, v in (p["min_exposure"] or {}).items():
        assert (ids[L] == k).sum() >= v * N - 1e-9
    np.testing.assert_allclose(pf.table["total_own"], own[L].sum(1))
    np.testing.assert_allclose(pf.table["projection"], proj[L].sum(1))


def run_case(slate, proj, own, p, method):
    ref, vals = reference(slate, proj, own, p)
    opt = LeverageAwareOptimizer(method=method, **p)
    if vals is None:
        # the reference is stuck at lineup len(ref)+1: the optimizer must refuse, not shorten
        with pytest.raises((InfeasibleError, InputError)) as ei:
            opt.optimize(slate, proj, own)
        assert str(ei.value)
        return
    pf = opt.optimize(slate, proj, own)
    check_result(pf, ref, vals, slate, proj, own, p)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_enumeration_is_sequentially_optimal(case):
    run_case(*case, method="enumerate")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(force_min=True))
def test_min_exposure_pacing_is_sequentially_optimal(case):
    run_case(*case, method="enumerate")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_mip_is_sequentially_optimal_and_agrees(case):
    slate, proj, own, p = case
    run_case(slate, proj, own, p, method="mip")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(force_min=True))
def test_mip_min_exposure_pacing(case):
    run_case(*case, method="mip")


@settings(max_examples=25, deadline=None)
@given(st.integers(8, 12), st.integers(0, 2**31 - 1), st.integers(1, 40))
def test_optimal_rates_match_brute_force(n, seed, n_scen):
    slate, _, _ = random_problem(seed, n)
    rng = np.random.default_rng(seed + 1)
    pts = rng.gamma(3.0, 10.0, (n_scen, n))
    combos = np.array(list(itertools.combinations(range(n), R)))
    combos = combos[slate.salaries[combos].sum(1) <= CAP]
    if len(combos) == 0:
        with pytest.raises(InfeasibleError):
            optimal_rates(pts, slate)
        return
    best = combos[(pts[:, combos].sum(2)).argmax(1)]
    want = np.zeros((n_scen, n), bool)
    want[np.arange(n_scen)[:, None], best] = True
    got = best_lineups(pts, slate, batch_size=7)  # several batches
    assert (got == want).all()
    np.testing.assert_allclose(optimal_rates(pts, slate), want.mean(0))
