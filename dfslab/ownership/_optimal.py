"""Perturbed optimal rate: how often a driver is in the best lineup when the projection is perturbed.

The public builds lineups from projections with optimizers, each user with a slightly
different projection, so ownership piles onto the drivers who keep showing up in the
optimal lineup. The perturbed optimal rate is that structural signal: the share of
perturbed projections (mean-preserving multiplicative log-normal noise) under which a
driver is in the exact best lineup under the salary cap, computed with
:func:`dfslab.optimize.optimal_rates` (exact dynamic programming over salary). It is a
feature of the ownership model (``log_opt_rate``) for positionless rosters (NASCAR).
"""

from __future__ import annotations

import numpy as np

from ..exceptions import InputError
from ..slate import Slate

#: Log-normal sd of the projection noise. Chosen on PROJECTED ownership, not on real %Drafted:
#: the correlation of log(rate + 1) with log(projected ownership + 1) over the 12 NASCAR slates
#: with a projection (8 of 2025 with DK pOWN%, less the one without a projection, + 5 dk_2026 with
#: DailyFan's) is 0.79 / 0.87 / 0.90 / 0.90 / 0.90 at sigma 0.1 / 0.2 / 0.3 / 0.4 / 0.5.
OPT_SIGMA = 0.4
#: Perturbed projections per slate (fixed seed: the feature is a deterministic function of the slate).
OPT_SAMPLES = 1000


def perturbed_optimal_rate(slate: Slate, points=None, sigma: float = OPT_SIGMA, n_samples: int = OPT_SAMPLES,
                           random_state=0) -> np.ndarray:
    """Percent of perturbed projections under which each driver is in the best lineup.

    Parameters
    ----------
    slate : Slate
        A positionless slate (NASCAR).
    points : array_like, optional
        Projected points per player (default: the slate's ``projection`` column).
    sigma : float
        Log-normal sd of the multiplicative projection noise (mean-preserving).
    n_samples : int
        Perturbed projections.
    random_state : int or Generator
        Seed of the noise (default 0: a deterministic feature of the slate).

    Returns
    -------
    ndarray
        Percent (0-100 each) summing to 100 x roster size.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> s = demo_slate()
    >>> r = perturbed_optimal_rate(s, points=s.players["salary"] / 1000 * 5 + np.arange(s.n_players) % 7,
    ...                            n_samples=200)
    >>> round(float(r.sum()), 6), bool((r >= 0).all() and (r <= 100).all())
    (600.0, True)
    """
    from ..optimize import optimal_rates

    if not isinstance(slate, Slate):
        raise InputError(f"perturbed_optimal_rate: expected a dfslab.Slate, got {type(slate).__name__}")
    if points is None:
        if "projection" not in slate.players:
            raise InputError(f"{slate.name}: perturbed_optimal_rate needs a projection (column or points=)")
        points = slate.players["projection"]
    pts = np.asarray(points, dtype=np.float64)
    if pts.shape != (slate.n_players,) or not np.isfinite(pts).all() or (pts < 0).any():
        raise InputError(f"{slate.name}: points must be {slate.n_players} finite non-negative numbers")
    if not (sigma >= 0 and int(n_samples) >= 1):
        raise InputError(f"perturbed_optimal_rate: need sigma >= 0 and n_samples >= 1, got {sigma!r}, {n_samples!r}")
    rng = np.random.default_rng(random_state)
    noise = np.exp(sigma * rng.standard_normal((int(n_samples), len(pts))) - sigma ** 2 / 2)
    return 100.0 * optimal_rates(pts[None, :] * noise, slate)
