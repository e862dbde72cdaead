"""Fit the field sampler's strength component (opt_share, opt_noise) on the real MLB GPP fields.

Grid search on the GPPs before 2017-07-01 (fit), checked on the later ones (held out): the
objective is the mean absolute gap, in SDs of the real field, of the sampled field's
projected-points (AvgPointsPerGame) p50/p90/p99 and actual-points p50/p90/p99. Prints the
grid, the chosen point, before/after per-contest and pooled figures; ``--write`` stores the
chosen point in dfslab/_data/field_params.json.

Usage: python scripts/fit_field_strength.py [--quick] [--write]
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd

from dfslab.contest._field import _PARAMS_PATH
from dfslab.contest._validate import field_strength_check, strength_split, summarize_field_strength

STATS = ["proj_p50", "proj_p90", "proj_p99", "pts_p50", "pts_p90", "pts_p99"]


def objective(df: pd.DataFrame) -> float:
    g = [(df[f"gap_{k}"] / df["real_proj_sd" if k.startswith("proj") else "real_pts_sd"]).abs().mean() for k in STATS]
    return float(np.mean(g))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="3 fit and 2 check contests, small grid")
    ap.add_argument("--write", action="store_true", help="store the fitted point in field_params.json")
    a = ap.parse_args()
    pd.set_option("display.width", 250)
    fit, check = strength_split()
    shares, noises = ([0.0, 0.1, 0.25, 0.4, 0.6], [0.1, 0.2, 0.4, 0.8])
    if a.quick:
        fit, check, shares, noises = fit[:3], check[:2], [0.0, 0.25], [0.3]
    rows = []
    for q in shares:
        for s in (noises if q > 0 else noises[:1]):
            df = field_strength_check(contests=fit, opt_share=q, opt_noise=s, n_calibration=2000)
            rows.append({"opt_share": q, "opt_noise": s, "objective": objective(df),
                         **{k: (df[f"gap_{k}"]).median() for k in STATS}})
            print(rows[-1], flush=True)
    grid = pd.DataFrame(rows).sort_values("objective")
    print(grid.round(3).to_string())
    best = grid.iloc[0]
    q, s = float(best.opt_share), float(best.opt_noise)
    print(f"chosen opt_share={q}, opt_noise={s}")
    for name, cons in (("fit", fit), ("check (held out)", check)):
        b = field_strength_check(contests=cons, opt_share=0.0)
        af = field_strength_check(contests=cons, opt_share=q, opt_noise=s)
        print(f"== {name}: {len(cons)} contests; objective before {objective(b):.3f}, after {objective(af):.3f}")
        sb, sa = summarize_field_strength(b), summarize_field_strength(af)
        out = sb[["stat", "real_median", "sim_median", "median_gap", "mean_abs_gap_sd"]].merge(
            sa[["stat", "sim_median", "median_gap", "mean_abs_gap_sd"]], on="stat", suffixes=("_before", "_after"))
        print(out.round(3).to_string())
        print(pd.DataFrame({"contest": [c.split("/")[1][:40] for c in cons],
                            "p99_real": b.real_pts_p99, "p99_before": b.sim_pts_p99, "p99_after": af.sim_pts_p99,
                            "proj_p99_real": b.real_proj_p99, "proj_p99_before": b.sim_proj_p99,
                            "proj_p99_after": af.sim_proj_p99, "own_err_after": af.own_maxerr}).round(2).to_string())
    if a.write:
        d = json.loads(_PARAMS_PATH.read_text())
        d.update({"opt_share": q, "opt_noise": s})
        d["source_strength"] = (f"opt_share/opt_noise: scripts/fit_field_strength.py grid search on the {len(fit)} MLB "
                                "GPPs before 2017-07-01 (AvgPointsPerGame as projection), checked on the later ones")
        _PARAMS_PATH.write_text(json.dumps(d, indent=2) + "\n")
        print("wrote", _PARAMS_PATH)


if __name__ == "__main__":
    main()
