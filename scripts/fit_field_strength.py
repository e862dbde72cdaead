"""Fit the field sampler's projection-driven entries (proj_share, proj_strength, proj_noise) on real MLB GPPs.

Grid search on the MLB GPPs before 2017-07-01 (fit), checked on the later ones (held out). Each
grid point samples a field of every contest's real size from its actual ownership, with the public
projection (DKSalaries' AvgPointsPerGame) and the salary-implied one as the entries' sources. The
objective is the mean absolute gap, in SDs of the real field, of the sampled field's projected-points
and actual-points p50/p90/p99 (strength), plus the mean absolute gap of the duplicated-lineup share
and of the share of pairs sharing at least half their players (duplication must stay as on the
real fields). Prints the grid, the chosen point and before/after figures; ``--write`` stores the
chosen point in dfslab/_data/field_params.json. NASCAR has no field data of its own for this fit:
the real NASCAR contests are the out-of-sample check (scripts/validate_contests.py --nascar).

Usage: python scripts/fit_field_strength.py [--quick] [--write]
"""

from __future__ import annotations

import argparse
import itertools
import json

import numpy as np
import pandas as pd

from dfslab.contest import FIELD_PARAMS_PATH as _PARAMS_PATH
from dfslab.studies import field_strength_check, strength_split, summarize_field_strength

STATS = ["proj_p50", "proj_p90", "proj_p99", "pts_p50", "pts_p90", "pts_p99"]
DUP = ["dup_share", "overlap_ge_half"]


def strength_gap(df: pd.DataFrame) -> float:
    g = [(df[f"gap_{k}"] / df["real_proj_sd" if k.startswith("proj") else "real_pts_sd"]).abs().mean() for k in STATS]
    return float(np.mean(g))


def dup_gap(df: pd.DataFrame) -> float:
    return float(np.mean([(df[f"sim_{k}"] - df[f"real_{k}"]).abs().mean() for k in DUP]))


def objective(df: pd.DataFrame) -> float:
    # 0.1 of duplicated share ~ 0.1 SD of strength: both in comparable units
    return strength_gap(df) + dup_gap(df)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 fit and 2 check contests, 2 grid points")
    ap.add_argument("--write", action="store_true", help="store the fitted point in field_params.json")
    a = ap.parse_args()
    pd.set_option("display.width", 250)
    fit, check = strength_split()
    grid = list(itertools.product([0.25, 0.5, 0.75, 1.0], [0.5, 1.0, 1.5], [0.5]))
    if a.quick:
        fit, check, grid = fit[:3], check[:2], [(0.5, 1.0, 0.5)]
    rows = [{"proj_share": 0.0, "proj_strength": 0.0, "proj_noise": 0.0}] + \
        [{"proj_share": q, "proj_strength": b, "proj_noise": s} for q, b, s in grid]
    for r in rows:
        df = field_strength_check(contests=fit, n_calibration=2000, **r)
        r.update({"objective": objective(df), "strength_gap_sd": strength_gap(df), "dup_gap": dup_gap(df),
                  "sim_dup_share": df.sim_dup_share.median(), "real_dup_share": df.real_dup_share.median(),
                  **{f"gap_{k}": df[f"gap_{k}"].median() for k in STATS}})
        print({k: round(v, 4) for k, v in r.items()}, flush=True)
    g = pd.DataFrame(rows).sort_values("objective")
    print(g.round(3).to_string())
    best = g.iloc[0]
    chosen = {k: float(best[k]) for k in ("proj_share", "proj_strength", "proj_noise")}
    print("chosen", chosen)
    for name, cons in (("fit", fit), ("check (held out)", check)):
        b = field_strength_check(contests=cons, proj_share=0.0)
        af = field_strength_check(contests=cons, **chosen)
        print(f"== {name}: {len(cons)} contests; objective before {objective(b):.3f} (strength {strength_gap(b):.3f}, "
              f"duplication {dup_gap(b):.3f}), after {objective(af):.3f} (strength {strength_gap(af):.3f}, "
              f"duplication {dup_gap(af):.3f})")
        sb, sa = summarize_field_strength(b), summarize_field_strength(af)
        out = sb[["stat", "real_median", "sim_median", "median_gap", "mean_abs_gap_sd"]].merge(
            sa[["stat", "sim_median", "median_gap", "mean_abs_gap_sd"]], on="stat", suffixes=("_before", "_after"))
        print(out.round(3).to_string())
        print(pd.DataFrame({k: [b[f"real_{k}"].median(), b[f"sim_{k}"].median(), af[f"sim_{k}"].median()]
                            for k in ("dup_share", "dup_ge3_share", "overlap_mean", "overlap_ge_half",
                                      "salary_left_p50")}, index=["real", "before", "after"]).round(3).to_string())
    if a.write and not a.quick:
        d = json.loads(_PARAMS_PATH.read_text())
        d.update(chosen)
        d["source_proj"] = (f"proj_share/proj_strength/proj_noise: scripts/fit_field_strength.py grid search on the "
                            f"{len(fit)} MLB GPPs before 2017-07-01 (sources AvgPointsPerGame + salary; objective = "
                            "strength gaps in real-field SDs + duplication gaps), checked on the later ones")
        _PARAMS_PATH.write_text(json.dumps(d, indent=2) + "\n")
        print("wrote", _PARAMS_PATH)


if __name__ == "__main__":
    main()
