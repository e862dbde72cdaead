"""Hindsight backtest of the whole pipeline on the real DK NASCAR slates with results (thin CLI).

For each slate: portfolios built from pre-race information only (ours, leverage 0, the published
projection, typical field entries), their PREDICTED ROI in the model's own world (as the slate
report computes it) and their REALISED ROI on the actual DK points against many opponent fields
sampled from the published projected ownership. See docs/backtest.md and dfslab.backtest.

Usage: python scripts/backtest_real_slates.py [--quick] [--n-fields 200] [--field-size 5000]
       [--n-scenarios 3000] [--seed 0] [--csv-dir DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from dfslab.backtest import backtest_real_slates

PER = ["slate", "portfolio", "pred_roi", "pred_roi_se", "real_roi", "real_roi_se", "gap", "pred_cash_pct",
       "real_cash_pct", "real_lineup_cash_pct", "real_win_pct", "real_best_rank_pct", "lineup_points_mean",
       "lineup_points_best"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2 slates, 20 fields of 1,000, 500 scenarios")
    ap.add_argument("--n-lineups", type=int, default=20)
    ap.add_argument("--n-fields", type=int, default=200)
    ap.add_argument("--field-size", type=int, default=5000)
    ap.add_argument("--n-scenarios", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--csv-dir", help="write per_slate / pooled / contrasts / slates CSVs here")
    a = ap.parse_args()
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    t0 = time.perf_counter()
    res = backtest_real_slates(n_lineups=a.n_lineups, n_fields=a.n_fields, field_size=a.field_size,
                               n_scenarios=a.n_scenarios, random_state=a.seed, quick=a.quick, verbose=True)
    s = res.settings
    print(f"\n{len(res.slates)} slates, {s['n_fields']} fields of {s['field_size']:,} entries, "
          f"{s['n_scenarios']:,} scenarios, fee ${s['entry_fee']:g}, rake {s['rake']:.4f}")
    print("\n== Per slate: predicted (model world) vs realised (actual race, published-ownership fields) ==")
    print(res.per_slate[PER].round(3).to_string(index=False))
    print("\n== Pooled over races (s.e. across races) ==")
    print(res.pooled.round(3).to_string(index=False))
    print("\n== Paired contrasts of realised ROI ==")
    print(res.contrasts.round(3).to_string(index=False))
    print("\n== Slates ==")
    print(res.slates.round(3).to_string(index=False))
    for n in res.notes:
        print("note:", n)
    if a.csv_dir:
        out = Path(a.csv_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("per_slate", "pooled", "contrasts", "slates"):
            getattr(res, name).to_csv(out / f"{name}.csv", index=False)
    print(f"\ndone in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
