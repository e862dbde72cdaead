"""HybridOwnershipEstimator: statsmodels fractional-logit GLM + scikit-learn model,
normalized per slate with a capped redistribution, with conformal intervals
calibrated on held-out slates."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.optimize import nnls
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import PoissonRegressor
from sklearn.model_selection import GroupKFold, KFold
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from ..exceptions import InputError
from ..slate import capped_normalize
from ..utils.validation import check_memory, check_number, check_seed

CAP = 100.0
_QGRID = np.linspace(0.0, 1.0, 201)  # quantile levels stored for each residual bin


def _expit(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


class HybridOwnershipEstimator(RegressorMixin, BaseEstimator):
    """Ownership forecaster: a statsmodels fractional-logit GLM and a scikit-learn model.

    Both models predict a player's ownership from :func:`build_features` columns;
    the ensemble ("voting": equal weights; "stacking": non-negative weights fit on
    out-of-fold predictions over held-out slates) is normalized per slate to
    100 x roster size with every value in [0, 100] (capped redistribution).
    Intervals are split-conformal on the log(ownership + ``offset``) scale, with
    residuals from cross-fitting over held-out *slates*, binned by predicted
    ownership (Mondrian bins), so chalk and punts get their own widths.

    Parameters
    ----------
    ensemble_method : {"voting", "stacking"}
    level : float
        Default interval level of :meth:`predict_with_uncertainty`.
    sk_model : {"hgb", "poisson"}
        The scikit-learn member: HistGradientBoostingRegressor (Poisson loss) or
        a PoissonRegressor (linear, log link; fully JSON-serializable).
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization : HGB settings.
    alpha : float
        L2 penalty of the PoissonRegressor member.
    cv : int
        Calibration folds (grouped by slate; by row when X is a single slate).
    n_bins : int
        Residual bins by predicted ownership for the conformal quantiles.
    offset : float
        Percentage points added before taking logs for residuals.
    calibration : OwnershipCalibration or None
        A prefit calibration to real %Drafted (see :mod:`dfslab.ownership._calibration`),
        applied on top of the ensemble's forecast: the forecast is sharpened, blended with
        the vendor's projected ownership when ``X`` carries one (``vendor_own``), and its
        intervals come from the calibration's real-ownership residuals. ``fit`` does not
        refit it (it belongs to the members it was fitted on). None: the ensemble alone.
    label_tol : float
        Relative tolerance on a slate's label sum versus 100 x roster size.
    n_threads : int or None
        OpenMP/BLAS threads while fitting and predicting (None: library default).
        One thread is the default: on these small problems and shared cores,
        more threads were measured 20x slower (oversubscription).
    random_state : int, RandomState or None

    Notes
    -----
    ``X`` is a DataFrame from :func:`build_features`: ``slate_id`` groups rows
    for normalization, ``roster_size`` sets each slate's total and ``vendor_own``
    (the vendor's projected ownership; not a feature) feeds the calibration. Without
    ``slate_id`` the whole X is one slate; without ``roster_size`` (a plain
    array, as in scikit-learn's estimator checks) the label-sum check is skipped
    and predictions are scaled to the training mean label times the number of rows.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> from dfslab.ownership import build_features
    >>> X = build_features([demo_slate(random_state=s) for s in range(4)])
    >>> y = X.groupby("slate_id")["salary_k"].transform(lambda v: 600 * v**3 / (v**3).sum())
    >>> est = HybridOwnershipEstimator(max_iter=30, random_state=0).fit(X, y)
    >>> p = est.predict(X[X.slate_id == X.slate_id.iloc[0]])
    >>> round(float(p.sum()), 6), bool(p.max() <= 100)
    (600.0, True)
    """

    def __init__(self, ensemble_method="voting", level=0.8, sk_model="hgb", max_iter=150, learning_rate=0.05,
                 max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=1.0, alpha=1e-3, cv=5, n_bins=5,
                 offset=1.0, calibration=None, label_tol=0.02, n_threads=1, random_state=None):
        self.ensemble_method = ensemble_method
        self.level = level
        self.sk_model = sk_model
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.alpha = alpha
        self.cv = cv
        self.n_bins = n_bins
        self.offset = offset
        self.calibration = calibration
        self.label_tol = label_tol
        self.n_threads = n_threads
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True  # ownership percent, 0..100
        return tags

    # ------------------------------------------------------------------ input
    def _split_X(self, X):
        """Feature matrix, slate labels per row (or None) and vendor ownership per row (or None)."""
        slate_ids = vendor = None
        if isinstance(X, pd.DataFrame) and "slate_id" in X.columns:
            slate_ids = X["slate_id"].astype(str).to_numpy()
            X = X.drop(columns=["slate_id"])
        if isinstance(X, pd.DataFrame) and "vendor_own" in X.columns:
            # an input of the calibration, never a member feature (members learn projected ownership)
            vendor = pd.to_numeric(X["vendor_own"], errors="coerce").to_numpy(dtype=float)
            X = X.drop(columns=["vendor_own"])
        if isinstance(X, pd.DataFrame) and len(X.columns):
            bad = [c for c in X.columns if not (pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c]))]
            if bad:
                raise InputError(f"X: non-numeric feature column(s) {bad}; build X with dfslab.ownership.build_features")
        return X, slate_ids, vendor

    def _groups(self, Xa, slate_ids):
        n = Xa.shape[0]
        if slate_ids is None:
            codes, labels = np.zeros(n, dtype=np.int64), np.array(["(all rows)"])
        else:
            labels, codes = np.unique(slate_ids, return_inverse=True)
        if getattr(self, "roster_col_", None) is not None:
            rs = Xa[:, self.roster_col_]
        else:
            rs = np.full(n, np.nan)
        return codes, labels, rs

    def _check_slates(self, codes, labels, rs):
        for g in range(len(labels)):
            m = codes == g
            r = rs[m]
            if np.isnan(r).all():
                continue
            if not (np.isfinite(r).all() and np.all(r == r[0]) and r[0] >= 1 and float(r[0]).is_integer()):
                raise InputError(f"slate {labels[g]!r}: roster_size must be one whole number >= 1 per slate")
            if m.sum() < r[0]:
                raise InputError(f"slate {labels[g]!r}: {int(m.sum())} players is fewer than a roster of {int(r[0])}")

    def _totals(self, codes, rs):
        """Per-slate ownership total: 100 x roster size, else mean label x rows."""
        n_g = np.bincount(codes)
        tot = np.empty(len(n_g))
        for g in range(len(n_g)):
            r = rs[codes == g]
            tot[g] = 100.0 * r[0] if np.isfinite(r[0]) else self.mean_label_ * n_g[g]
        return tot

    # ------------------------------------------------------------------ models
    def _design(self, Xa):
        Z = (Xa - self.x_mean_) / self.x_scale_
        return Z

    def _fit_members(self, Z, y, seed):
        with threadpool_limits(limits=self.n_threads):
            return self._fit_members_inner(Z, y, seed)

    def _fit_members_inner(self, Z, y, seed):
        share = np.clip(y / 100.0, 0.0, 1.0)
        import statsmodels.api as sm
        A = np.column_stack([np.ones(len(Z)), Z])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                res = sm.GLM(share, A, family=sm.families.Binomial()).fit(maxiter=100)
                beta = np.asarray(res.params, dtype=float)
            except Exception:  # numerical failure: fall back to a ridge-penalized fit
                res = sm.GLM(share, A, family=sm.families.Binomial()).fit_regularized(alpha=1e-4, L1_wt=0.0)
                beta = np.asarray(res.params, dtype=float)
        if not np.isfinite(beta).all():
            beta = np.zeros(A.shape[1])
            beta[0] = np.log(max(share.mean(), 1e-6) / max(1 - share.mean(), 1e-6))
        if self.sk_model == "hgb":
            sk = HistGradientBoostingRegressor(
                loss="poisson", max_iter=self.max_iter, learning_rate=self.learning_rate,
                max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=self.min_samples_leaf,
                l2_regularization=self.l2_regularization, early_stopping=False, random_state=seed)
            sk.fit(Z, y)
            sk_params = None
        else:
            sk = PoissonRegressor(alpha=self.alpha, max_iter=1000)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sk.fit(Z, y)
            sk_params = (np.asarray(sk.coef_, dtype=float), float(sk.intercept_))
        return beta, sk, sk_params

    def _member_scores(self, Z, beta, sk, sk_params):
        with threadpool_limits(limits=self.n_threads):
            return self._member_scores_inner(Z, beta, sk, sk_params)

    def _member_scores_inner(self, Z, beta, sk, sk_params):
        glm = 100.0 * _expit(beta[0] + Z @ beta[1:])
        if sk_params is not None:
            skp = np.exp(np.clip(Z @ sk_params[0] + sk_params[1], -50, 50))
        else:
            skp = np.maximum(sk.predict(Z), 0.0)
        return np.column_stack([glm, skp])

    def _normalize(self, scores, codes, totals):
        out = np.empty_like(scores, dtype=float)
        for g in np.unique(codes):
            m = codes == g
            out[..., m] = capped_normalize(scores[..., m], totals[g])
        return out

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, groups=None):
        """Fit both members, the ensemble weights and the conformal residual quantiles.

        Parameters
        ----------
        X : DataFrame from :func:`build_features` (or a numeric array = one slate)
        y : array_like
            Ownership in percent (0-100); each slate must sum to 100 x roster size
            within ``label_tol``.
        groups : array_like, optional
            Calibration folds keep each group together (e.g. the date when several
            contests share one slate). Default: ``slate_id``.
        """
        if self.ensemble_method not in ("voting", "stacking"):
            raise InputError(f"ensemble_method must be 'voting' or 'stacking', got {self.ensemble_method!r}")
        if self.sk_model not in ("hgb", "poisson"):
            raise InputError(f"sk_model must be 'hgb' or 'poisson', got {self.sk_model!r}")
        check_number("level", self.level, lo=0, hi=1, lo_open=True, hi_open=True)
        rs = self.random_state if isinstance(self.random_state, np.random.RandomState) else \
            check_seed(self.random_state)
        if isinstance(rs, (np.random.Generator, np.random.SeedSequence)):
            raise InputError("random_state: give an integer or a numpy RandomState (a scikit-learn estimator), "
                             f"got {type(rs).__name__}")
        Xn, slate_ids, _ = self._split_X(X)
        try:
            Xa, y = validate_data(self, Xn, y, y_numeric=True, dtype=np.float64)
        except ValueError as e:  # scikit-learn's own message ("Input y contains NaN."), as a dfslab error
            raise InputError(f"fit(X, y): {e}") from None
        if Xa.shape[0] < 2:
            raise ValueError(f"HybridOwnershipEstimator needs at least 2 samples, got n_samples = {Xa.shape[0]}")
        y = np.asarray(y, dtype=np.float64)
        names = list(getattr(self, "feature_names_in_", []))
        self.roster_col_ = names.index("roster_size") if "roster_size" in names else None
        codes, labels, rs = self._groups(Xa, slate_ids)
        self._check_slates(codes, labels, rs)
        if (y < 0).any() or (y > 100).any():
            i = int(np.flatnonzero((y < 0) | (y > 100))[0])
            raise InputError(f"y: label {y[i]:.4g} at row {i} (slate {labels[codes[i]]!r}) is outside [0, 100] percent")
        for g, lab in enumerate(labels):
            r = rs[codes == g][0]
            if np.isfinite(r):
                s, tot = y[codes == g].sum(), 100.0 * r
                if abs(s - tot) > self.label_tol * tot:
                    raise InputError(f"y: slate {lab!r} labels sum to {s:.1f}, expected {tot:g} = 100 x roster size "
                                     f"(tolerance {100 * self.label_tol:g}%)")
        self.mean_label_ = float(y.mean())
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        self.x_mean_ = Xa.mean(0)
        sc = Xa.std(0)
        self.x_scale_ = np.where(sc > 1e-12, sc, 1.0)
        Z = self._design(Xa)
        self.glm_params_, self.sk_estimator_, self.sk_params_ = self._fit_members(Z, y, seed)
        self.n_iter_ = int(self.sk_estimator_.n_iter_)  # boosting iterations / PoissonRegressor solver iterations
        totals = self._totals(codes, rs)

        # Out-of-fold member predictions over held-out slates (or rows for a single slate).
        cv_groups = codes if groups is None else np.unique(np.asarray(groups).astype(str), return_inverse=True)[1]
        n_grp = len(np.unique(cv_groups))
        if n_grp >= 2:
            splits = GroupKFold(n_splits=min(int(self.cv), n_grp)).split(Z, y, cv_groups)
        else:
            splits = KFold(n_splits=min(int(self.cv), len(y)), shuffle=True, random_state=seed).split(Z)
        oof = np.zeros((len(y), 2))
        for tr, te in splits:
            # Standardization is refit on the fold so held-out slates are truly unseen.
            mu, sd = Xa[tr].mean(0), Xa[tr].std(0)
            sd = np.where(sd > 1e-12, sd, 1.0)
            b, sk, skp = self._fit_members((Xa[tr] - mu) / sd, y[tr], seed)
            oof[te] = self._member_scores((Xa[te] - mu) / sd, b, sk, skp)
        oof_n = np.column_stack([self._normalize(oof[:, j], codes, totals) for j in range(2)])
        if self.ensemble_method == "stacking":
            w, _ = nnls(oof_n, y)
            w = w / w.sum() if w.sum() > 0 else np.full(2, 0.5)
        else:
            w = np.full(2, 0.5)
        self.weights_ = w
        self.member_names_ = ("statsmodels_glm_binomial", f"sklearn_{self.sk_model}")
        p_oof = self._normalize(oof_n @ w, codes, totals)
        self.oof_prediction_ = p_oof
        c = float(self.offset)
        resid = np.log(y + c) - np.log(p_oof + c)
        nb = max(1, int(self.n_bins))
        # Bin edges: quantiles of rows AND of predicted ownership mass. Most rows of a large
        # slate are near 0 (row quantiles resolve them); the chalk needs its own bins too.
        edges = np.array([])
        if nb > 1:
            srt = np.sort(p_oof)
            cum = np.cumsum(srt) / max(srt.sum(), 1e-12)
            qs = np.linspace(0, 1, nb + 1)[1:-1]
            edges = np.concatenate([np.quantile(p_oof, qs), srt[np.searchsorted(cum, qs)]])
            # keep bins with at least min_bin residuals each
            min_bin = max(30, len(p_oof) // (10 * nb))
            kept = []
            for e in np.unique(edges):
                lo_n = np.sum(p_oof < e) - (np.sum(p_oof < kept[-1]) if kept else 0)
                if lo_n >= min_bin and np.sum(p_oof >= e) >= min_bin:
                    kept.append(e)
            edges = np.array(kept)
        self.bin_edges_ = edges
        b = np.searchsorted(self.bin_edges_, p_oof, side="right")
        qs = []
        for k in range(len(self.bin_edges_) + 1):
            r = resid[b == k]
            qs.append(np.quantile(r, _QGRID) if len(r) else np.quantile(resid, _QGRID))
        self.resid_quantiles_ = np.vstack(qs)
        self.n_calibration_ = len(y)
        return self

    # ------------------------------------------------------------------ predict
    def _prepare(self, X):
        check_is_fitted(self, "glm_params_")
        Xn, slate_ids, vendor = self._split_X(X)
        Xa = validate_data(self, Xn, reset=False, dtype=np.float64)
        codes, labels, rs = self._groups(Xa, slate_ids)
        self._check_slates(codes, labels, rs)
        return Xa, codes, self._totals(codes, rs), vendor

    def _feature(self, Xa, name, default):
        names = list(getattr(self, "feature_names_in_", []))
        return Xa[:, names.index(name)] if name in names else np.full(Xa.shape[0], float(default))

    def _forecast(self, X):
        """Point forecast, slate codes, totals and the residual mode per row (None: the ensemble's own)."""
        Xa, codes, totals, vendor = self._prepare(X)
        S = self._member_scores(self._design(Xa), self.glm_params_, self.sk_estimator_, self.sk_params_)
        Sn = np.column_stack([self._normalize(S[:, j], codes, totals) for j in range(2)])
        p = self._normalize(Sn @ self.weights_, codes, totals)
        if self.calibration is None:
            return p, codes, totals, None
        opt = np.exp(self._feature(Xa, "log_opt_rate", 0.0)) - 1.0
        le = self._feature(Xa, "log_entries", 3.0)
        modes = np.empty(len(p), dtype=object)
        for g in np.unique(codes):
            m = codes == g
            v = None if vendor is None else vendor[m]
            p[m], modes[m] = self.calibration.predict_slate(p[m], opt[m], v, le[m], totals[g])
        return p, codes, totals, modes

    def _row_quantiles(self, p, modes):
        """Residual quantiles (n, grid) of each row's bin, and the log offset."""
        if modes is None:
            return self.resid_quantiles_[np.searchsorted(self.bin_edges_, p, side="right")], float(self.offset)
        cal = self.calibration
        Q = np.empty((len(p), len(_QGRID)))
        for mode in np.unique(modes):
            m = modes == mode
            Q[m] = cal.resid_quantiles[mode][np.searchsorted(cal.bin_edges[mode], p[m], side="right")]
        return Q, float(cal.offset)

    def predict(self, X):
        """Ownership percent per row, each slate summing to 100 x roster size, each in [0, 100]."""
        return self._forecast(X)[0]

    def predict_with_uncertainty(self, X, level=None, interval="zero_aware"):
        """Point forecast plus an interval and a std per player.

        Returns
        -------
        DataFrame with columns ownership, lower, upper, std (percent; X's index).
        The interval is the conformal band at ``level`` (default ``self.level``),
        bounded to [0, 100]. ``interval="central"``: equal-tailed. ``"zero_aware"``
        (default): one-sided ``[0, q_level]`` for players whose lower quantile is
        0% -- ownership has an atom at zero (most MLB players are owned by nobody)
        and the equal-tailed band over-covers there; the price is lower coverage
        among owned players (see docs/ownership.md). std is the std of the calibrated residual
        distribution mapped back to percent. With a ``calibration`` the residuals are
        its real-%Drafted residuals (per mode: with / without a vendor input).
        """
        level = check_number("level", self.level if level is None else level, lo=0, hi=1, lo_open=True,
                             hi_open=True)
        if interval not in ("zero_aware", "central"):
            raise InputError(f"interval must be 'zero_aware' or 'central', got {interval!r}")
        p, _, _, modes = self._forecast(X)
        Q, c = self._row_quantiles(p, modes)                  # (n, grid)
        a = (1 - float(level)) / 2
        qlo, qhi, qlev = (np.array([np.interp(t, _QGRID, q) for q in Q]) for t in (a, 1 - a, float(level)))
        lp = np.log(p + c)
        lower_raw = np.exp(lp + qlo) - c
        # Ownership cannot go below 0: when the lower quantile falls at or below 0 the
        # predictive distribution has an atom at 0 holding more than (1 - level) / 2, and the
        # equal-tailed interval would over-cover; use the one-sided [0, quantile(level)] instead.
        at_zero = (lower_raw <= 0) & (interval == "zero_aware")
        lower = np.clip(lower_raw, 0, CAP)
        upper = np.clip(np.exp(lp + np.where(at_zero, qlev, qhi)) - c, 0, CAP)
        vals = np.clip(np.exp(lp[:, None] + Q) - c, 0, CAP)   # distribution on the quantile grid
        std = vals.std(1)
        idx = X.index if isinstance(X, pd.DataFrame) else None
        return pd.DataFrame({"ownership": p, "lower": np.minimum(lower, p), "upper": np.maximum(upper, p),
                             "std": std}, index=idx)

    def sample_ownership(self, X, n_samples=1000, random_state=None):
        """Sample whole ownership vectors (n_samples, n_rows), each slate summing to its total.

        Each player's log-scale residual is drawn from its bin's calibrated
        distribution, then every sample is renormalized per slate with the capped
        redistribution, so each row is a valid ownership vector (600 for NASCAR).
        """
        n_samples = check_number("n_samples", n_samples, lo=1, integer=True)
        rng = np.random.default_rng(check_seed(random_state))
        p, codes, totals, modes = self._forecast(X)
        # about seven (n_samples, n_rows) float64 work arrays (uniforms, positions, residuals, samples)
        check_memory(56.0 * n_samples * len(p), what="sample_ownership", param="n_samples", value=n_samples,
                     detail=f"{n_samples:,} samples x {len(p)} players x 56 bytes")
        u = rng.random((int(n_samples), len(p)))
        Q, c = self._row_quantiles(p, modes)                  # (n, grid)
        # Inverse-CDF per row: vectorized interpolation on the stored grid.
        pos = u * (len(_QGRID) - 1)
        lo = np.floor(pos).astype(int).clip(0, len(_QGRID) - 2)
        fr = pos - lo
        cols = np.arange(len(p))[None, :]
        r = Q[cols, lo] * (1 - fr) + Q[cols, lo + 1] * fr
        raw = np.maximum(np.exp(np.log(p + c)[None, :] + r) - c, 0.0)
        return self._normalize(raw, codes, totals)
