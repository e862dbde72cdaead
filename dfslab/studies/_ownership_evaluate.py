"""Real-data backtests of the ownership estimator (called by scripts/evaluate_ownership.py and
notebooks/ownership_backtest.ipynb).

MLB: actual ownership of the DK contests in ``<data>/dk_contests``, train on earlier dates, test on
later dates, against two baselines (ownership proportional to AvgPointsPerGame and to value, each
normalized to the roster total with the cap). NASCAR: leave-one-slate-out over the real slates
against their published PROJECTED ownership.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ..exceptions import InputError
from ..ownership import ConformalQuantileIntervals, HybridOwnershipEstimator, load_contest_training_data
from ..slate import capped_normalize

#: Edges (percent) of the predicted-ownership bins of :func:`coverage_by_bin`.
DEFAULT_BIN_EDGES = (0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 100.0)


@dataclass
class OwnershipBacktest:
    """Result of :func:`evaluate_mlb` or :func:`evaluate_nascar_loso`.

    Attributes
    ----------
    metrics : DataFrame
        One row per forecast (the estimator's variants and the baselines); columns
        ``mae_pp`` (mean over test slates of the per-slate MAE, percentage points),
        ``mae_pooled_pp``, ``spearman_rho`` (mean per-slate rank correlation) and, for
        forecasts with an interval, ``coverage80``, ``coverage80_owned`` (players with
        actual ownership > 0), ``coverage80_pred_ge5pct`` (forecast >= 5 %) and
        ``mean_width80_pp``.
    predictions : DataFrame
        One row per test player: ``slate_id``, ``name``, ``salary``, ``actual`` and, per
        forecast, the point value (``ownership`` for the default estimator) and its
        interval columns (``lower``/``upper``, ``lower_central``/``upper_central``, ...),
        plus the baselines (``baseline_*``).
    info : dict
        Run facts (split date, counts, fit time, quick mode, ...).
    estimator : HybridOwnershipEstimator or None
        The fitted MLB estimator (None for the leave-one-slate-out run).
    """

    metrics: pd.DataFrame
    predictions: pd.DataFrame
    info: dict = field(default_factory=dict)
    estimator: HybridOwnershipEstimator | None = None

    @property
    def best_baseline(self) -> str:
        """Name of the baseline with the lowest MAE."""
        b = self.metrics[self.metrics.index.str.startswith("baseline_")]
        return str(b["mae_pp"].idxmin())

    def mae_reduction(self, forecast: str = "model") -> float:
        """1 - MAE(forecast) / MAE(better baseline)."""
        return float(1 - self.metrics.loc[forecast, "mae_pp"] / self.metrics.loc[self.best_baseline, "mae_pp"])

    def to_dict(self) -> dict:
        """Plain-JSON figures: ``info`` plus one dict per forecast (NaN metrics left out)."""
        out = dict(self.info)
        for name, row in self.metrics.iterrows():
            out[name] = {k: float(v) for k, v in row.items() if pd.notna(v)}
        return out


def slate_metrics(y, p, slate_ids) -> dict:
    """Mean over slates of MAE and Spearman rho (each slate weighs the same), plus the pooled MAE.

    A constant forecast on a slate (e.g. a baseline on a slate whose points are all 0)
    has no rank correlation: it counts as rho = 0 rather than being dropped.

    Examples
    --------
    >>> m = slate_metrics([10, 0, 5, 5], [8, 2, 5, 5], ["a", "a", "b", "b"])
    >>> round(m["mae_pp"], 6), round(m["mae_pooled_pp"], 6), round(m["spearman_rho"], 6)
    (1.0, 1.0, 0.5)
    """
    df = pd.DataFrame({"y": np.asarray(y, float), "p": np.asarray(p, float), "s": np.asarray(slate_ids)})
    mae = df.groupby("s").apply(lambda d: np.abs(d.y - d.p).mean(), include_groups=False)
    rho = df.groupby("s").apply(lambda d: 0.0 if d.p.nunique() < 2 or d.y.nunique() < 2
                                else spearmanr(d.y, d.p).statistic, include_groups=False)
    return {"mae_pp": float(mae.mean()), "mae_pooled_pp": float(np.abs(df.y - df.p).mean()),
            "spearman_rho": float(rho.mean())}


def interval_metrics(y, ownership, lower, upper) -> dict:
    """Coverage of [lower, upper]: overall, among owned players (y > 0), among forecasts >= 5 %; mean width.

    Examples
    --------
    >>> r = interval_metrics([0, 3, 8], [1, 2, 6], [0, 0, 5], [2, 2.5, 9])
    >>> r["coverage80"], r["coverage80_owned"], r["coverage80_pred_ge5pct"]
    (0.6666666666666666, 0.5, 1.0)
    """
    y, p, lo, hi = (np.asarray(v, float) for v in (y, ownership, lower, upper))
    inside = (y >= lo) & (y <= hi)
    big = p >= 5.0
    return {"coverage80": float(inside.mean()),
            "coverage80_owned": float(inside[y > 0].mean()) if (y > 0).any() else np.nan,
            "coverage80_pred_ge5pct": float(inside[big].mean()) if big.any() else np.nan,
            "mean_width80_pp": float((hi - lo).mean())}


def coverage_by_bin(predictions: pd.DataFrame, edges=DEFAULT_BIN_EDGES, intervals=("", "_central"),
                    forecast: str = "ownership") -> pd.DataFrame:
    """Interval coverage and width per bin of forecast ownership.

    Parameters
    ----------
    predictions : DataFrame
        ``OwnershipBacktest.predictions`` (columns ``actual``, ``forecast`` and
        ``lower<suffix>`` / ``upper<suffix>`` per interval).
    edges : sequence of float
        Bin edges in percent; bins are [lo, hi); forecasts outside the edges count in the
        first / last bin.
    intervals : sequence of str
        Column suffixes of the intervals to score ("" = the default interval).

    Returns
    -------
    DataFrame indexed by bin: ``n``, ``share_owned``, ``mean_forecast``, ``mean_actual``, and per
    interval ``coverage<suffix>`` and ``width<suffix>``.

    Examples
    --------
    >>> d = pd.DataFrame({"actual": [0, 3, 8], "ownership": [0.2, 2, 6], "lower": [0, 0, 5], "upper": [1, 2.5, 9]})
    >>> coverage_by_bin(d, edges=(0, 1, 5, 100), intervals=("",))["coverage"].tolist()
    [1.0, 0.0, 1.0]
    """
    e = np.asarray(edges, float)
    if e.ndim != 1 or len(e) < 2 or np.any(np.diff(e) <= 0):
        raise InputError(f"coverage_by_bin: edges must be increasing with at least 2 values, got {edges!r}")
    p = predictions[forecast].to_numpy(float)
    y = predictions["actual"].to_numpy(float)
    labels = [f"[{lo:g}, {hi:g})" for lo, hi in zip(e[:-1], e[1:])]
    b = pd.Categorical.from_codes(np.clip(np.searchsorted(e, p, side="right") - 1, 0, len(e) - 2), labels)
    df = pd.DataFrame({"bin": b, "y": y, "p": p, "owned": y > 0})
    cols = {}
    for suf in intervals:
        lo, hi = predictions[f"lower{suf}"].to_numpy(float), predictions[f"upper{suf}"].to_numpy(float)
        df[f"coverage{suf}"] = (y >= lo) & (y <= hi)
        df[f"width{suf}"] = hi - lo
        cols[f"coverage{suf}"] = "mean"
        cols[f"width{suf}"] = "mean"
    g = df.groupby("bin", observed=False)
    out = pd.DataFrame({"n": g.size(), "share_owned": g["owned"].mean(), "mean_forecast": g["p"].mean(),
                        "mean_actual": g["y"].mean()})
    return out.join(g.agg(cols))


def proportional_baseline(X: pd.DataFrame, raw) -> np.ndarray:
    """Ownership proportional to ``raw`` within each slate, normalized to 100 x roster size with the cap."""
    raw = np.maximum(np.asarray(raw, float), 0.0)
    out = np.empty(len(X))
    sid = X["slate_id"].to_numpy()
    for s in np.unique(sid):
        m = sid == s
        out[m] = capped_normalize(raw[m], 100.0 * X.loc[m, "roster_size"].iloc[0])
    return out


def _player_names(meta: pd.DataFrame, slate_ids) -> np.ndarray:
    """Player names of the test rows, re-read from each contest's DKSalaries.csv (same row order)."""
    from ..io import read_dk_salaries

    names = []
    paths = dict(zip(meta["contest_dir"], meta["path"]))
    for s in pd.unique(slate_ids):
        names.append(read_dk_salaries(Path(paths[s]) / "DKSalaries.csv", name=s).players["name"].to_numpy())
    return np.concatenate(names)


def _add_forecast(rows: dict, preds: pd.DataFrame, y, sid, name: str, u: pd.DataFrame, suffix: str, point: bool):
    if point:
        preds[f"ownership{suffix}"] = u["ownership"].to_numpy()
        rows[name] = slate_metrics(y, u["ownership"].to_numpy(), sid)
    else:
        # same point forecast, another interval
        rows[name] = {k: rows["model"][k] for k in ("mae_pp", "mae_pooled_pp", "spearman_rho")}
    preds[f"lower{suffix}"] = u["lower"].to_numpy()
    preds[f"upper{suffix}"] = u["upper"].to_numpy()
    rows[name].update(interval_metrics(y, u["ownership"], u["lower"], u["upper"]))


def evaluate_mlb(quick: bool = False, test_frac: float = 0.3, seed: int = 0, stacking: bool | None = None,
                 cqr: bool = True, data=None) -> OwnershipBacktest:
    """Train on earlier MLB contest dates, test on later ones, against two baselines.

    Parameters
    ----------
    quick : bool
        Lighter models (80 boosting iterations, 4 calibration folds) for CI.
    test_frac : float
        Share of the dates (the latest ones) held out for testing.
    seed : int
        ``random_state`` of the estimators.
    stacking : bool, optional
        Also fit the stacking ensemble (default: only in full mode).
    cqr : bool
        Also score :class:`ConformalQuantileIntervals` (CQR) intervals on the voting
        forecast, calibrated on the training dates only.
    data : tuple, optional
        ``(X, y, groups)`` from :func:`load_contest_training_data` (default: every MLB contest).

    Returns
    -------
    OwnershipBacktest
        ``metrics`` rows: ``model`` (voting, default zero-aware interval),
        ``model_central_interval``, ``model_cqr_interval`` (if ``cqr``), ``model_stacking`` (if fitted), ``baseline_points``
        (ownership proportional to AvgPointsPerGame) and ``baseline_value`` (to
        AvgPointsPerGame / salary). ``predictions``: every test player.
    """
    if not 0 < test_frac < 1:
        raise InputError(f"test_frac must be in (0, 1), got {test_frac!r}")
    X, y, groups = load_contest_training_data() if data is None else data
    meta = X.attrs["contests"]
    dates = np.sort(groups.unique())
    n_test = max(1, int(round(test_frac * len(dates))))
    if n_test >= len(dates):
        raise InputError(f"test_frac {test_frac} leaves no training date ({len(dates)} dates)")
    split_date = dates[-n_test]
    tr = (groups < split_date).to_numpy()
    te = ~tr
    params = dict(max_iter=80 if quick else 200, cv=4 if quick else 5, random_state=seed)
    info = {"n_contests": int(len(meta)), "n_rows": int(len(X)), "n_train_contests": int(X[tr].slate_id.nunique()),
            "n_test_contests": int(X[te].slate_id.nunique()), "split_date": str(split_date),
            "unmatched_block_players": int(meta["n_unmatched"].sum()),
            "unmatched_ownership_pp_max": float((1000 - meta["label_sum"]).abs().max()), "quick": bool(quick)}
    t0 = time.perf_counter()
    est = HybridOwnershipEstimator(ensemble_method="voting", **params).fit(X[tr], y[tr], groups=groups[tr])
    info["fit_seconds"] = round(time.perf_counter() - t0, 1)
    Xt = X[te]
    yt = y[te].to_numpy()
    sid = Xt["slate_id"].to_numpy()
    info["share_test_rows_owned_by_nobody"] = float((yt == 0).mean())
    cmeta = meta.set_index("contest_dir")
    preds = pd.DataFrame({"slate_id": sid, "date": groups[te].to_numpy(),
                          "contest": cmeta.loc[sid, "contest_name"].to_numpy(),
                          "name": _player_names(meta, sid), "salary": 1000 * Xt["salary_k"].to_numpy(),
                          "actual": yt})
    rows: dict = {}
    _add_forecast(rows, preds, yt, sid, "model", est.predict_with_uncertainty(Xt, level=0.8), "", True)
    _add_forecast(rows, preds, yt, sid, "model_central_interval",
                  est.predict_with_uncertainty(Xt, level=0.8, interval="central"), "_central", False)
    if cqr:
        t0 = time.perf_counter()
        ci = ConformalQuantileIntervals(level=0.8, cv=params["cv"], max_iter=60 if quick else 100, random_state=seed)
        ci.fit(est, X[tr], y[tr], groups=groups[tr])
        info["cqr_fit_seconds"] = round(time.perf_counter() - t0, 1)
        _add_forecast(rows, preds, yt, sid, "model_cqr_interval", ci.predict_with_uncertainty(Xt), "_cqr", False)
    if stacking if stacking is not None else not quick:
        est_s = HybridOwnershipEstimator(ensemble_method="stacking", **params).fit(X[tr], y[tr], groups=groups[tr])
        _add_forecast(rows, preds, yt, sid, "model_stacking", est_s.predict_with_uncertainty(Xt), "_stacking", True)
        info["stacking_weights"] = est_s.weights_.tolist()
    # points_rel = AvgPointsPerGame / slate mean: the same ranking and proportions as AvgPointsPerGame.
    for name, col in (("baseline_points", "points_rel"), ("baseline_value", "value")):
        preds[name] = proportional_baseline(Xt, Xt[col].to_numpy())
        rows[name] = slate_metrics(yt, preds[name].to_numpy(), sid)
    res = OwnershipBacktest(pd.DataFrame(rows).T.rename_axis("forecast"), preds, info, est)
    res.info["best_baseline"] = res.best_baseline
    res.info["mae_reduction_vs_best_baseline"] = res.mae_reduction()
    return res


def evaluate_nascar_loso(quick: bool = False, slates=None) -> OwnershipBacktest:
    """Leave-one-slate-out over the real NASCAR slates, scored against their published PROJECTED ownership.

    Parameters
    ----------
    quick : bool
        Only the pretrained configuration (GLM + Poisson regression, stacking); the full
        run adds an HGB voting ensemble.
    slates : list of Slate, optional
        Default: every slate of :func:`dfslab.io.list_nascar_slates`, with race-log ratings.

    Returns
    -------
    OwnershipBacktest
        ``metrics`` rows: ``pretrained_config``, ``hgb_voting`` (full mode),
        ``baseline_projection`` (ownership proportional to the projection; salary for a slate
        without one) and ``baseline_value`` (projection / salary). ``predictions``: every
        driver of every slate, forecast while that slate was held out.
    """
    from ..io import list_nascar_slates, read_nascar_slate, read_race_logs
    from ..ownership import PRETRAINED_PARAMS
    from ._ownership_fit import nascar_xy

    if slates is None:
        logs = read_race_logs()
        slates = [read_nascar_slate(f, race_logs=logs) for f in list_nascar_slates()]
    if len(slates) < 3:
        raise InputError(f"leave-one-slate-out needs at least 3 slates, got {len(slates)}")
    X, y = nascar_xy(slates)
    yv = y.to_numpy()
    sid = X["slate_id"].to_numpy()
    n_cv = len(slates) - 1
    configs = {"pretrained_config": dict(PRETRAINED_PARAMS, cv=n_cv)}
    if not quick:
        configs["hgb_voting"] = dict(ensemble_method="voting", sk_model="hgb", max_iter=100, min_samples_leaf=10,
                                     cv=n_cv, random_state=0)
    preds = pd.DataFrame({"slate_id": sid, "name": np.concatenate([s.players["name"].to_numpy() for s in slates]),
                          "salary": 1000 * X["salary_k"].to_numpy(), "actual": yv})
    rows: dict = {}
    for k, (name, params) in enumerate(configs.items()):
        parts = []
        for s in np.unique(sid):
            m = sid == s
            est = HybridOwnershipEstimator(**params).fit(X[~m], y[~m])
            parts.append(est.predict_with_uncertainty(X[m]).set_axis(np.flatnonzero(m)))
        u = pd.concat(parts).sort_index()
        suffix = "" if k == 0 else f"_{name}"
        preds[f"ownership{suffix}"] = u["ownership"].to_numpy()
        preds[f"lower{suffix}"] = u["lower"].to_numpy()
        preds[f"upper{suffix}"] = u["upper"].to_numpy()
        rows[name] = slate_metrics(yv, u["ownership"].to_numpy(), sid)
        rows[name].update(interval_metrics(yv, u["ownership"], u["lower"], u["upper"]))
    # points_rel / value_rel: the projection relative to the slate mean (salary where a slate has none).
    for name, col in (("baseline_projection", "points_rel"), ("baseline_value", "value_rel")):
        preds[name] = proportional_baseline(X, X[col].to_numpy())
        rows[name] = slate_metrics(yv, preds[name].to_numpy(), sid)
    info = {"n_slates": len(slates), "quick": bool(quick),
            "labels": "published PROJECTED ownership (DK pOWN%), rescaled to 600"}
    res = OwnershipBacktest(pd.DataFrame(rows).T.rename_axis("forecast"), preds, info, None)
    res.info["best_baseline"] = res.best_baseline
    res.info["mae_reduction_vs_best_baseline"] = res.mae_reduction("pretrained_config")
    return res
