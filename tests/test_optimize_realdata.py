"""The optimizer on the real DK NASCAR slates (published projection and projected ownership)."""

from __future__ import annotations

import numpy as np
import pytest

import dfslab
from conftest import require_data
from dfslab.optimize import LeverageAwareOptimizer, optimal_rates

pytestmark = pytest.mark.realdata
DATA = require_data()  # skips the module, with a reason, when ../shared/data is absent


def _slates():
    out = []
    for folder in dfslab.list_nascar_slates():
        s = dfslab.read_nascar_slate(folder)
        p = s.players
        if p["projection"].notna().all() and p["ownership"].notna().all():
            out.append(s)
    return out


SLATES = _slates()


@pytest.mark.parametrize("slate", SLATES, ids=[s.name for s in SLATES])
def test_real_slate_portfolio(slate):
    proj = slate.column("projection")
    own = slate.column("ownership")  # published projected ownership; sums 593-614, accepted within 18
    kw = dict(leverage_penalty=0.5, max_overlap=4, min_low_owned=1, max_total_ownership=170.0)
    pf = LeverageAwareOptimizer(n_lineups=20, **kw).optimize(slate, proj, own)
    L = pf.lineups
    assert L.shape == (20, 6)
    dfslab.check_lineups(L, slate)  # salary cap, no duplicates
    assert (own[L].sum(1) <= 170.0 + 1e-9).all() and ((own[L] < 10).sum(1) >= 1).all()
    # sequential: a shorter run is a prefix, and the MIP finds the same first lineups
    pm = LeverageAwareOptimizer(n_lineups=3, method="mip", **kw).optimize(slate, proj, own)
    np.testing.assert_array_equal(pm.lineups, L[:3])
    # the penalty buys lower ownership than the pure projection optimum
    p0 = LeverageAwareOptimizer(n_lineups=20, **{**kw, "leverage_penalty": 0.0}).optimize(slate, proj, own)
    assert pf.metrics["avg_lineup_ownership"] <= p0.metrics["avg_lineup_ownership"]


def test_real_slate_optimal_rates():
    slate = SLATES[0]
    proj = slate.column("projection")
    rng = np.random.default_rng(0)
    pts = proj[None, :] * rng.lognormal(0, 0.4, (300, slate.n_players))
    r = optimal_rates(pts, slate)
    assert r.sum() == pytest.approx(6.0)
    # the drivers most often optimal are among the best projected per dollar or overall
    top = np.argsort(-r)[:3]
    assert (proj[top] >= np.median(proj)).all()
