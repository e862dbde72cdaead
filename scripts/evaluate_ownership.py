"""Real-data evaluation of dfslab's ownership estimator.

MLB (actual ownership, ../shared/data/dk_contests): train on earlier dates, test
on later dates; MAE (percentage points), Spearman rho and 80%-interval coverage
versus two baselines (ownership proportional to AvgPointsPerGame, and to value =
AvgPointsPerGame / salary, each normalized to the roster total with the cap).
NASCAR: leave-one-slate-out over the 8 real slates against their published
PROJECTED ownership.

Usage: python scripts/evaluate_ownership.py [--quick] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from dfslab.io import list_nascar_slates, read_nascar_slate, read_race_logs
from dfslab.ownership import HybridOwnershipEstimator, capped_normalize, load_contest_training_data
from dfslab.ownership._pretrained import _PARAMS as PRETRAINED_PARAMS, nascar_xy


def _per_slate_metrics(y, p, slate_ids):
    """Mean over slates of MAE and Spearman rho (each slate weighs the same), plus the pooled MAE."""
    df = pd.DataFrame({"y": y, "p": p, "s": slate_ids})
    mae = df.groupby("s").apply(lambda d: np.abs(d.y - d.p).mean(), include_groups=False)
    # A constant forecast (e.g. a baseline on a slate whose AvgPointsPerGame are all 0) has no rank
    # correlation: counted as rho = 0 rather than dropped.
    rho = df.groupby("s").apply(lambda d: 0.0 if d.p.nunique() < 2 else spearmanr(d.y, d.p).statistic,
                                include_groups=False)
    return {"mae_pp": float(mae.mean()), "mae_pooled_pp": float(np.abs(df.y - df.p).mean()),
            "spearman_rho": float(rho.mean())}


def _coverage(y, u):
    inside = (y >= u["lower"].to_numpy()) & (y <= u["upper"].to_numpy())
    big = u["ownership"].to_numpy() >= 5.0
    return {"coverage80": float(inside.mean()), "coverage80_owned": float(inside[y > 0].mean()),
            "coverage80_pred_ge5pct": float(inside[big].mean()) if big.any() else None,
            "mean_width80_pp": float((u["upper"] - u["lower"]).mean())}


def _baseline(X, raw, total_col="roster_size"):
    out = np.empty(len(X))
    sid = X["slate_id"].to_numpy()
    for s in np.unique(sid):
        m = sid == s
        out[m] = capped_normalize(np.maximum(raw[m], 0), 100.0 * X.loc[m, total_col].iloc[0])
    return out


def evaluate_mlb(quick: bool, test_frac: float = 0.3, seed: int = 0) -> dict:
    X, y, groups = load_contest_training_data()
    meta = X.attrs["contests"]
    dates = np.sort(groups.unique())
    n_test = max(1, int(round(test_frac * len(dates))))
    split_date = dates[-n_test]
    tr = (groups < split_date).to_numpy()
    te = ~tr
    params = dict(max_iter=80 if quick else 200, cv=4 if quick else 5, random_state=seed)
    res = {"n_contests": int(len(meta)), "n_rows": int(len(X)), "n_train_contests": int(X[tr].slate_id.nunique()),
           "n_test_contests": int(X[te].slate_id.nunique()), "split_date": str(split_date),
           "unmatched_block_players": int(meta["n_unmatched"].sum()),
           "unmatched_ownership_pp_max": float((1000 - meta["label_sum"]).abs().max()), "quick": quick}
    t0 = time.perf_counter()
    est = HybridOwnershipEstimator(ensemble_method="voting", **params).fit(X[tr], y[tr], groups=groups[tr])
    res["fit_seconds"] = round(time.perf_counter() - t0, 1)
    u = est.predict_with_uncertainty(X[te], level=0.8)
    yt = y[te].to_numpy()
    sid = X.loc[te, "slate_id"].to_numpy()
    res["model"] = _per_slate_metrics(yt, u["ownership"].to_numpy(), sid)
    res["model"].update(_coverage(yt, u))
    uc = est.predict_with_uncertainty(X[te], level=0.8, interval="central")
    res["model_central_interval"] = _coverage(yt, uc)
    res["share_test_rows_owned_by_nobody"] = float((yt == 0).mean())
    ap = X.loc[te, "points_rel"].to_numpy() * 1.0  # points_rel = AvgPointsPerGame / slate mean (same ranking)
    res["baseline_points"] = _per_slate_metrics(yt, _baseline(X[te], ap), sid)
    res["baseline_value"] = _per_slate_metrics(yt, _baseline(X[te], X.loc[te, "value"].to_numpy()), sid)
    if not quick:
        est_s = HybridOwnershipEstimator(ensemble_method="stacking", **params).fit(X[tr], y[tr], groups=groups[tr])
        us = est_s.predict_with_uncertainty(X[te])
        res["model_stacking"] = _per_slate_metrics(yt, us["ownership"].to_numpy(), sid)
        res["model_stacking"].update(_coverage(yt, us))
        res["model_stacking"]["weights"] = est_s.weights_.tolist()
    best = min(res["baseline_points"]["mae_pp"], res["baseline_value"]["mae_pp"])
    res["mae_reduction_vs_best_baseline"] = float(1 - res["model"]["mae_pp"] / best)
    return res


def evaluate_nascar(quick: bool) -> dict:
    logs = read_race_logs()
    slates = [read_nascar_slate(f, race_logs=logs) for f in list_nascar_slates()]
    X, y = nascar_xy(slates)
    sid = X["slate_id"].to_numpy()
    configs = {"pretrained_config": dict(PRETRAINED_PARAMS, cv=7)}
    if not quick:
        configs["hgb_voting"] = dict(ensemble_method="voting", sk_model="hgb", max_iter=100, min_samples_leaf=10,
                                     cv=7, random_state=0)
    out = {"n_slates": len(slates), "labels": "published PROJECTED ownership (DK pOWN%), rescaled to 600"}
    for name, params in configs.items():
        parts = []
        for s in np.unique(sid):
            m = sid == s
            est = HybridOwnershipEstimator(**params).fit(X[~m], y[~m])
            parts.append(est.predict_with_uncertainty(X[m]).set_axis(np.flatnonzero(m)))
        u = pd.concat(parts).sort_index()
        r = _per_slate_metrics(y.to_numpy(), u["ownership"].to_numpy(), sid)
        r.update(_coverage(y.to_numpy(), u))
        out[name] = r
    # points_rel / value_rel: the projection relative to the slate mean (salary where a slate has none).
    out["baseline_projection"] = _per_slate_metrics(y.to_numpy(), _baseline(X, X["points_rel"].to_numpy()), sid)
    out["baseline_value"] = _per_slate_metrics(y.to_numpy(), _baseline(X, X["value_rel"].to_numpy()), sid)
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="lighter models (the test suite runs this)")
    ap.add_argument("--json", help="write the figures to this file")
    a = ap.parse_args(argv)
    res = {"mlb": evaluate_mlb(a.quick), "nascar": evaluate_nascar(a.quick)}
    txt = json.dumps(res, indent=1)
    print(txt)
    if a.json:
        with open(a.json, "w") as f:
            f.write(txt)
    return res


if __name__ == "__main__":
    main(sys.argv[1:])
