"""Optimal rates: how often each driver is in the best legal lineup of a scenario.

Exact, vectorized over scenarios: a 0/1 knapsack with a cardinality
dimension, solved by dynamic programming on salary in units of the greatest
common divisor of the salaries and the cap ($100 on DK, so 501 budget
states). The DP table is (roster slots + 1) x (budget states) x scenarios and
is updated driver by driver (a Python loop over the ~40 drivers, never over
scenarios), in place, skipping the budget states a count of drivers cannot
reach (c drivers cost between c x cheapest and c x dearest); the chosen drivers are recovered by backtracking the stored
decisions, again vectorized over scenarios. Scenarios are processed in
batches to bound memory.
"""

from __future__ import annotations

from functools import reduce
from math import gcd

import numpy as np

from ..exceptions import InfeasibleError, InputError
from ..slate import Slate

#: The DP is refused above this many budget states (salaries without a common $ step).
MAX_BUDGET_STATES = 5001


def best_lineups(points, slate: Slate, min_salary: int | None = None, batch_size: int = 256) -> np.ndarray:
    """The best legal lineup (salary cap and minimum, roster size) of every scenario.

    Parameters
    ----------
    points : array_like, shape (n_scenarios, n_players)
        DK points per scenario, columns aligned with ``slate.players``.
    slate : Slate
    min_salary : int, optional
        Minimum lineup salary (default: the slate rules' minimum).
    batch_size : int
        Scenarios per DP batch.

    Returns
    -------
    ndarray of bool, shape (n_scenarios, n_players)
        True where the driver is in that scenario's best lineup.

    Examples
    --------
    >>> import numpy as np
    >>> from dfslab import demo_slate
    >>> s = demo_slate()
    >>> pts = np.random.default_rng(0).gamma(4.0, 10.0, (5, s.n_players))
    >>> best_lineups(pts, s).sum(axis=1).tolist()
    [6, 6, 6, 6, 6]
    """
    P = _check_points(points, slate)
    rules = slate.rules
    if not rules.is_positionless:
        raise InputError(f"slate rules {rules.name!r}: optimal rates support positionless rosters (NASCAR) only")
    ms = rules.min_salary if min_salary is None else int(min_salary)
    if not 0 <= ms <= rules.salary_cap:
        raise InputError(f"min_salary: must be in [0, {rules.salary_cap}], got {min_salary!r}")
    if isinstance(batch_size, bool) or int(batch_size) < 1:
        raise InputError(f"batch_size: must be >= 1, got {batch_size!r}")
    sal = slate.salaries
    g = reduce(gcd, [int(v) for v in sal] + [int(rules.salary_cap)])
    w = (sal // g).astype(np.int64)
    B = rules.salary_cap // g
    if B + 1 > MAX_BUDGET_STATES:
        raise InputError(f"salaries have no common step (gcd ${g}); {B + 1} budget states exceed {MAX_BUDGET_STATES}")
    bmin = -(-ms // g)  # ceil
    out = np.zeros(P.shape, dtype=bool)
    for a in range(0, P.shape[0], int(batch_size)):
        out[a: a + int(batch_size)] = _dp_batch(P[a: a + int(batch_size)], w, B, bmin, rules.roster_size)
    return out


def _dp_batch(P, w, B, bmin, R):
    S, n = P.shape
    f = np.full((R + 1, B + 1, S), -np.inf)
    f[0, 0] = 0.0
    take = np.zeros((n, R + 1, B + 1, S), dtype=bool)
    usable = w[w <= B]
    wmin, wmax = int(usable.min(initial=B + 1)), int(usable.max(initial=0))
    for i in range(n):  # loop over drivers only; scenarios stay vectorized
        wi = int(w[i])
        if wi > B:
            continue
        pi = P[:, i]
        for c in range(min(i + 1, R), 0, -1):  # descending: f[c - 1] still excludes driver i
            # f[c - 1] is -inf outside [(c-1) wmin, (c-1) wmax]: skip that part of the table
            lo, hi = (c - 1) * wmin, min(B - wi, (c - 1) * wmax)
            if hi < lo:
                continue
            cand = f[c - 1, lo: hi + 1] + pi
            cur = f[c, lo + wi: hi + wi + 1]
            np.greater(cand, cur, out=take[i, c, lo + wi: hi + wi + 1])
            np.maximum(cur, cand, out=cur)
    tail = f[R, bmin:]
    if not np.isfinite(tail).any():
        raise InfeasibleError(f"no {R}-driver lineup fits the salary cap and minimum salary")
    b = bmin + tail.argmax(axis=0)
    c = np.full(S, R)
    sel = np.zeros((S, n), dtype=bool)
    cols = np.arange(S)
    for i in range(n - 1, -1, -1):
        t = (c > 0) & take[i, np.maximum(c, 0), np.clip(b, 0, B), cols]
        sel[t, i] = True
        c = c - t
        b = b - t * int(w[i])
    return sel


def optimal_rates(points, slate: Slate, min_salary: int | None = None, batch_size: int = 256) -> np.ndarray:
    """Share of scenarios in which each driver is in that scenario's best legal lineup.

    Exact (dynamic programming on salary, see :func:`best_lineups`).
    Industry leverage is ``100 * optimal_rates(...) - ownership`` (points of
    percent); pass the rates to ``LeverageAwareOptimizer.optimize(...,
    optimal_rate=rates)`` to penalise ``ownership - 100 * rate`` instead of
    raw ownership.

    Parameters
    ----------
    points : array_like, shape (n_scenarios, n_players)
        DK points per scenario (e.g. ``scenarios.points`` of the race simulator).
    slate : Slate
    min_salary : int, optional
    batch_size : int

    Returns
    -------
    ndarray of float, shape (n_players,)
        Fractions in [0, 1]; they sum to the roster size (6).

    Examples
    --------
    >>> import numpy as np
    >>> from dfslab import demo_slate
    >>> s = demo_slate()
    >>> pts = np.random.default_rng(1).gamma(4.0, 10.0, (200, s.n_players))
    >>> r = optimal_rates(pts, s)
    >>> round(float(r.sum()), 6), bool((r >= 0).all() and (r <= 1).all())
    (6.0, True)
    """
    return best_lineups(points, slate, min_salary, batch_size).mean(axis=0)


def _check_points(points, slate) -> np.ndarray:
    if not isinstance(slate, Slate):
        raise InputError(f"slate: expected a dfslab Slate, got {type(slate).__name__}")
    P = np.asarray(points, dtype=np.float64)
    if P.ndim == 1:
        P = P[None, :]
    if P.ndim != 2 or P.shape[1] != slate.n_players:
        raise InputError(f"points: expected shape (n_scenarios, {slate.n_players}), got {np.shape(points)}")
    if P.shape[0] == 0:
        raise InputError("points: no scenarios")
    if not np.isfinite(P).all():
        r, c = np.argwhere(~np.isfinite(P))[0]
        raise InputError(f"points: NaN or infinite value in scenario {r}, player {c}")
    return P
