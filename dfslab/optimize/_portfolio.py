"""Portfolio: the optimizer's result, with per-lineup table, metrics and exposure."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Portfolio:
    """Lineups chosen by :class:`~dfslab.optimize.LeverageAwareOptimizer`.

    Attributes
    ----------
    lineups : ndarray of int, shape (n_lineups, roster_size)
        Row indices into ``slate.players`` in pick order (lineup 0 is the best).
    table : pandas.DataFrame
        One row per lineup: ``drivers`` (tuple of names), ``player_ids``,
        ``salary``, ``projection`` (sum of the projections used for that
        lineup), ``objective`` (projection minus the ownership penalty),
        ``avg_own`` / ``max_own`` / ``total_own`` (projected ownership,
        percent), ``n_low_owned``, ``leverage_score`` and ``regime``.
    metrics : dict
        ``avg_lineup_ownership`` / ``min_lineup_ownership`` /
        ``max_lineup_ownership`` (over lineups of the lineup's TOTAL
        ownership, percent), ``avg_driver_ownership`` (mean of ``avg_own``),
        ``low_owned_drivers_used`` (distinct drivers under the low-owned
        threshold in any lineup), ``diversification_score`` =
        1 - sum(c^2) / (sum c)^2 over the portfolio's driver counts c
        (1 - 1/6 = 0.833 when every lineup is the same, approaching 1 as
        exposure spreads), ``unique_drivers``, ``mean_projection``,
        ``max_pair_overlap``, ``method``, ``solver``, ``seconds``.
    exposure : pandas.DataFrame
        One row per slate driver: ``player_id``, ``name``, ``salary``,
        ``ownership``, ``count``, ``exposure`` (fraction of lineups),
        ``min_exposure``, ``max_exposure``; sorted by count.
    settings : dict
        The optimizer settings and the ownership-penalty scale used.
    """

    lineups: np.ndarray
    table: pd.DataFrame
    metrics: dict
    exposure: pd.DataFrame
    settings: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.lineups)

    def _repr_html_(self) -> str:
        from ..utils.display import portfolio_html

        return portfolio_html(self)

    def plot_exposure(self, ax=None):
        """My exposure per driver next to projected field ownership; returns the matplotlib Axes."""
        from ..plots import exposure_bars

        return exposure_bars(self.exposure, ax=ax)

    def __repr__(self) -> str:
        m = self.metrics
        return (f"Portfolio({len(self)} lineups, mean projection {m['mean_projection']:.2f}, "
                f"avg lineup ownership {m['avg_lineup_ownership']:.1f}%, method={m['method']})")


def max_pair_overlap(lineups: np.ndarray, n_players: int) -> int:
    """Most drivers any two lineups share, without an n x n matrix.

    Two lineups share s drivers exactly when some s-driver subset occurs in both, so for
    s = R, R-1, ... the s-subsets of every lineup are encoded as integers and checked for
    duplicates (a lineup's own subsets are distinct): memory and time grow with n, not n^2.

    Examples
    --------
    >>> max_pair_overlap(np.array([[0, 1, 2], [0, 1, 3], [4, 5, 6]]), 7)
    2
    """
    from itertools import combinations

    L = np.sort(np.asarray(lineups, dtype=np.int64), axis=1)
    n, R = L.shape
    if n < 2:
        return 0
    for size in range(R, 0, -1):
        cols = np.array(list(combinations(range(R), size)), dtype=np.int64)
        sub = L[:, cols].reshape(-1, size)  # every size-subset of every lineup
        if float(n_players) ** size < 2.0 ** 62:
            keys = (sub * (n_players ** np.arange(size, dtype=np.int64))).sum(1)
            dup = len(np.unique(keys)) < len(keys)
        else:
            dup = len(np.unique(sub, axis=0)) < len(sub)
        if dup:
            return size
    return 0


def build_portfolio(slate, spec, state, proj_by_lineup, lev_rate, settings, method, solver, seconds) -> Portfolio:
    """Assemble the Portfolio from the optimizer state."""
    L = np.asarray(state.lineups, dtype=np.int64).reshape(-1, spec.roster_size)
    names = slate.players["name"].astype(str).to_numpy()
    pids = slate.players["player_id"].astype(str).to_numpy()
    own = spec.ownership
    o = own[L]
    lev = (lev_rate[L] - o).sum(axis=1)
    table = pd.DataFrame({
        "drivers": [tuple(names[r]) for r in L],
        "player_ids": [tuple(pids[r]) for r in L],
        "salary": spec.salary[L].sum(axis=1).astype(np.int64),
        "projection": np.asarray(proj_by_lineup, dtype=np.float64),
        "objective": np.asarray(state.objectives, dtype=np.float64),
        "avg_own": o.mean(axis=1),
        "max_own": o.max(axis=1),
        "total_own": o.sum(axis=1),
        "n_low_owned": spec.low[L].sum(axis=1).astype(np.int64),
        "leverage_score": lev,
        "regime": list(state.labels),
    })
    counts = np.bincount(L.ravel(), minlength=spec.n_players)
    n = len(L)
    exposure = pd.DataFrame({
        "player_id": pids,
        "name": names,
        "salary": spec.salary,
        "ownership": own,
        "count": counts,
        "exposure": counts / n,
        "min_exposure": spec.min_frac,
        "max_exposure": spec.max_frac,
    }).sort_values(["count", "ownership"], ascending=[False, False], kind="stable").reset_index(drop=True)
    max_ov = max_pair_overlap(L, spec.n_players)
    tot = table["total_own"].to_numpy()
    metrics = {
        "n_lineups": n,
        "avg_lineup_ownership": float(tot.mean()),
        "min_lineup_ownership": float(tot.min()),
        "max_lineup_ownership": float(tot.max()),
        "avg_driver_ownership": float(table["avg_own"].mean()),
        "low_owned_drivers_used": int(((counts > 0) & spec.low).sum()),
        "diversification_score": float(1.0 - (counts.astype(float) ** 2).sum() / float(counts.sum()) ** 2),
        "unique_drivers": int((counts > 0).sum()),
        "mean_projection": float(table["projection"].mean()),
        "mean_leverage_score": float(lev.mean()),
        "max_pair_overlap": max_ov,
        "method": method,
        "solver": solver,
        "seconds": float(seconds),
    }
    return Portfolio(lineups=L, table=table, metrics=metrics, exposure=exposure, settings=settings)
