"""Real-data evaluation of dfslab's ownership estimator (thin CLI over dfslab.ownership).

MLB (actual ownership, ../shared/data/dk_contests): train on earlier dates, test
on later dates; MAE (percentage points), Spearman rho and 80%-interval coverage
versus two baselines (ownership proportional to AvgPointsPerGame, and to value =
AvgPointsPerGame / salary). NASCAR: leave-one-slate-out over the 8 real slates
against their published PROJECTED ownership. The same figures, with plots:
notebooks/ownership_backtest.ipynb.

Usage: python scripts/evaluate_ownership.py [--quick] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from dfslab.ownership import coverage_by_bin, evaluate_mlb, evaluate_nascar_loso


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="lighter models (the test suite runs this)")
    ap.add_argument("--json", help="write the figures to this file")
    a = ap.parse_args(argv)
    mlb = evaluate_mlb(quick=a.quick)
    nascar = evaluate_nascar_loso(quick=a.quick)
    with pd.option_context("display.width", 250, "display.max_columns", None, "display.precision", 3):
        print(f"== MLB: train before {mlb.info['split_date']}, test {mlb.info['n_test_contests']} contests")
        print(mlb.metrics)
        print(f"MAE {100 * mlb.info['mae_reduction_vs_best_baseline']:.1f}% below {mlb.info['best_baseline']}")
        print(coverage_by_bin(mlb.predictions, intervals=[c[5:] for c in mlb.predictions if c.startswith("lower")]))
        print(f"\n== NASCAR leave-one-slate-out ({nascar.info['n_slates']} slates, {nascar.info['labels']})")
        print(nascar.metrics)
    res = {"mlb": mlb.to_dict(), "nascar": nascar.to_dict()}
    if a.json:
        with open(a.json, "w") as f:
            f.write(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main(sys.argv[1:])
