"""Real-data evaluation of dfslab's ownership estimator (thin CLI over dfslab.ownership).

MLB (actual ownership, ../shared/data/dk_contests): train on earlier dates, test
on later dates; MAE (percentage points), Spearman rho and 80%-interval coverage
versus two baselines (ownership proportional to AvgPointsPerGame, and to value =
AvgPointsPerGame / salary). NASCAR: leave-one-slate-out over the 8 real 2025 slates
against their published PROJECTED ownership, and leave-one-race-out on the REAL
%Drafted of the dk_2026 contests (named drivers only), with and without the
DailyFan projected ownership as an input. The same figures, with plots:
notebooks/ownership_backtest.ipynb.

Usage: python scripts/evaluate_ownership.py [--quick] [--json out.json] [--slates DIR] [--nascar-only]
                                            [--write-figures]
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from dfslab.ownership import FIGURES_PATH
from dfslab.studies import coverage_by_bin, evaluate_mlb, evaluate_nascar_actual, evaluate_nascar_loso


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="lighter models (the test suite runs this)")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--slates", help="a folder of races in the dk_2026 layout for the real-%%Drafted evaluation "
                                     "(default ../shared/data/nascar/dk_2026)")
    ap.add_argument("--nascar-only", action="store_true", help="skip the MLB evaluation")
    ap.add_argument("--write-figures", action="store_true",
                    help=f"store the real-%%Drafted figures for reports in {FIGURES_PATH.name} (full runs only)")
    a = ap.parse_args(argv)
    if a.write_figures and a.quick:
        ap.error("--write-figures needs a full run (no --quick)")
    res = {}
    with pd.option_context("display.width", 250, "display.max_columns", None, "display.precision", 3):
        if not a.nascar_only:
            mlb = evaluate_mlb(quick=a.quick)
            print(f"== MLB: train before {mlb.info['split_date']}, test {mlb.info['n_test_contests']} contests")
            print(mlb.metrics)
            print(f"MAE {100 * mlb.info['mae_reduction_vs_best_baseline']:.1f}% below {mlb.info['best_baseline']}")
            print(coverage_by_bin(mlb.predictions, intervals=[c[5:] for c in mlb.predictions if c.startswith("lower")]))
            res["mlb"] = mlb.to_dict()
            nascar = evaluate_nascar_loso(quick=a.quick)
            print(f"\n== NASCAR leave-one-slate-out ({nascar.info['n_slates']} slates, {nascar.info['labels']})")
            print(nascar.metrics)
            res["nascar"] = nascar.to_dict()
        actual = evaluate_nascar_actual(slates=a.slates, quick=a.quick)
        i = actual.info
        print(f"\n== NASCAR real %Drafted, leave-one-race-out ({i['n_rows']} named driver-contest rows, "
              f"{i['n_contests']} contests, {i['n_races']} races; skipped: {i['skipped']})")
        print(actual.metrics)
    res["nascar_actual"] = dict(actual.figures(), info=actual.to_dict())
    if a.write_figures:
        figs = dict(actual.figures(), races=i["races"],
                    command="python scripts/evaluate_ownership.py --nascar-only --write-figures"
                            + (f" --slates {a.slates}" if a.slates else ""))
        FIGURES_PATH.write_text(json.dumps(figs, indent=1))
    if a.json:
        with open(a.json, "w") as f:
            f.write(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main(sys.argv[1:])
