"""Conformalized quantile regression (CQR) intervals for a fitted HybridOwnershipEstimator.

The estimator's own intervals use one residual distribution per bin of forecast ownership.
CQR lets the width depend on every feature (cash vs GPP, position, slate size, ...): gradient
boosting with quantile loss predicts the residual's quantiles from the features and the
forecast, and a Mondrian conformal correction per forecast bin, computed on held-out groups
of the training data, makes each bin's coverage nominal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import GroupKFold
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from ..exceptions import InputError
from ._estimator import CAP, HybridOwnershipEstimator

#: Forecast-ownership bin edges (percent) of the conformal correction: finer at the top.
CQR_BIN_EDGES = (0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0)


class ConformalQuantileIntervals:
    """CQR intervals (zero-aware, Mondrian by forecast bin) on top of a fitted estimator.

    Parameters
    ----------
    level : float
        Interval level (nominal coverage within every forecast bin).
    bin_edges : sequence of float
        Forecast-ownership bin edges (percent) for the per-bin conformal correction; a bin
        with fewer than ``min_bin`` calibration rows uses the pooled correction.
    cv : int
        Folds over training groups for the held-out quantile forecasts.
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf : quantile-HGB settings.
    min_bin : int
    random_state : int or None

    Notes
    -----
    Residuals are ``log(y + offset) - log(p + offset)`` with ``p`` the estimator's
    out-of-fold forecast of its training rows (``oof_prediction_``), so the quantile
    models learn from forecasts made without the row's own group. Zero-aware: where the
    lower quantile is at or below ownership 0 the interval is one-sided ``[0, q_level]``.
    Ownership has an atom at 0 (74% of MLB test rows): in bins where more than ``level``
    of the players are owned by nobody, any interval holding 0 covers more than
    ``level``, so marginal coverage exceeds the nominal level when the other bins are
    nominal (see docs/ownership.md).

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> from dfslab.ownership import build_features
    >>> X = build_features([demo_slate(random_state=s) for s in range(6)])
    >>> y = X.groupby("slate_id")["salary_k"].transform(lambda v: 600 * v**3 / (v**3).sum())
    >>> est = HybridOwnershipEstimator(max_iter=20, cv=3, random_state=0).fit(X, y)
    >>> cqr = ConformalQuantileIntervals(max_iter=20, cv=3, random_state=0).fit(est, X, y)
    >>> u = cqr.predict_with_uncertainty(X)
    >>> list(u.columns), bool((u.lower <= u.ownership).all() and (u.ownership <= u.upper).all())
    (['ownership', 'lower', 'upper'], True)
    """

    def __init__(self, level=0.8, bin_edges=CQR_BIN_EDGES, cv=4, max_iter=100, learning_rate=0.05,
                 max_leaf_nodes=15, min_samples_leaf=40, min_bin=30, random_state=None):
        self.level = level
        self.bin_edges = bin_edges
        self.cv = cv
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.min_bin = min_bin
        self.random_state = random_state

    def _alphas(self):
        a = (1 - float(self.level)) / 2
        return (a, float(self.level), 1 - a)

    @staticmethod
    def _features(X, p, c):
        side = [c for c in ("slate_id", "vendor_own") if isinstance(X, pd.DataFrame) and c in X.columns]
        Xn = X.drop(columns=side) if side else X
        return np.column_stack([np.asarray(Xn, dtype=np.float64), np.log(p + c)])

    def _fit_q(self, F, r, seed):
        models = []
        for al in self._alphas():
            m = HistGradientBoostingRegressor(loss="quantile", quantile=al, max_iter=self.max_iter,
                                              learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
                                              min_samples_leaf=self.min_samples_leaf, early_stopping=False,
                                              random_state=seed)
            models.append(m.fit(F, r))
        return models

    @staticmethod
    def _pred_q(models, F):
        return np.column_stack([m.predict(F) for m in models])

    def _bounds(self, Q, lp):
        """Lower/upper on the residual scale before the correction; one-sided rows have lower = floor."""
        floor = -lp + np.log(self.offset_)        # residual of a player owned by nobody
        one_sided = Q[:, 0] <= floor
        lo = np.where(one_sided, -np.inf, Q[:, 0])
        hi = np.where(one_sided, Q[:, 1], Q[:, 2])
        return lo, hi, floor

    def fit(self, estimator: HybridOwnershipEstimator, X, y, groups=None):
        """Fit on the same training rows (and groups) that ``estimator`` was fitted on."""
        if not 0 < float(self.level) < 1:
            raise InputError(f"level must be in (0, 1), got {self.level!r}")
        edges = np.asarray(self.bin_edges, dtype=float)
        if edges.ndim != 1 or np.any(np.diff(edges) <= 0):
            raise InputError(f"bin_edges must be increasing, got {self.bin_edges!r}")
        p = getattr(estimator, "oof_prediction_", None)
        y = np.asarray(y, dtype=np.float64)
        if p is None or len(p) != len(y):
            raise InputError("ConformalQuantileIntervals.fit: pass the fitted estimator and its own training X, y "
                             "(its out-of-fold forecasts are the calibration inputs)")
        self.estimator_ = estimator
        self.offset_ = c = float(estimator.offset)
        if groups is None:
            if not (isinstance(X, pd.DataFrame) and "slate_id" in X.columns):
                raise InputError("ConformalQuantileIntervals.fit: X needs a slate_id column or pass groups")
            groups = X["slate_id"]
        g = np.unique(np.asarray(groups).astype(str), return_inverse=True)[1]
        n_grp = g.max() + 1
        if n_grp < 2:
            raise InputError("ConformalQuantileIntervals.fit: needs at least 2 groups (slates or dates)")
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        F = self._features(X, p, c)
        r = np.log(y + c) - np.log(p + c)
        Qoof = np.zeros((len(y), 3))
        with threadpool_limits(limits=estimator.n_threads):
            for tr, te in GroupKFold(n_splits=min(int(self.cv), n_grp)).split(F, r, g):
                Qoof[te] = self._pred_q(self._fit_q(F[tr], r[tr], seed), F[te])
            self.models_ = self._fit_q(F, r, seed)
        lo, hi, _ = self._bounds(Qoof, np.log(p + c))
        score = np.maximum(lo - r, r - hi)           # conformity score; <= 0 inside the interval
        b = np.searchsorted(edges, p, side="right")

        def q(s):
            n = len(s)
            return float(np.quantile(s, min(1.0, float(self.level) * (n + 1) / n)))

        pooled = q(score)
        self.bin_edges_ = edges
        self.corrections_ = np.array([q(score[b == k]) if (b == k).sum() >= self.min_bin else pooled
                                      for k in range(len(edges) + 1)])
        return self

    def predict_with_uncertainty(self, X) -> pd.DataFrame:
        """DataFrame [ownership, lower, upper] (percent; X's index); ownership is the estimator's forecast."""
        if not hasattr(self, "models_"):
            raise InputError("ConformalQuantileIntervals is not fitted; call fit(estimator, X, y) first")
        est = self.estimator_
        p = est.predict(X)
        c = self.offset_
        lp = np.log(p + c)
        with threadpool_limits(limits=est.n_threads):
            Q = self._pred_q(self.models_, self._features(X, p, c))
        lo, hi, _ = self._bounds(Q, lp)
        corr = self.corrections_[np.searchsorted(self.bin_edges_, p, side="right")]
        lower = np.where(np.isfinite(lo), np.exp(lp + lo - corr) - c, 0.0)
        upper = np.exp(lp + hi + corr) - c
        lower = np.clip(lower, 0, CAP)
        upper = np.clip(upper, 0, CAP)
        idx = X.index if isinstance(X, pd.DataFrame) else None
        return pd.DataFrame({"ownership": p, "lower": np.minimum(lower, p), "upper": np.maximum(upper, p)}, index=idx)
