"""Validate the contest engine on real DK data (thin CLI over dfslab.contest's validation functions).

1. Field realism: for every real contest in dk_contests, sample a field of the same size from the
   contest's actual ownership (FieldLineupSampler, default behaviour) and compare with the real
   entries: salary left (MLB; NFL has no salary file), duplicated-lineup share, pairwise overlap.
2. Payout fit: PayoutCurveFitter fitted on 80% of the real tables reproduces the held-out GPP tables.
3. Real contests reproduced: ranks recomputed with the simulator's code; paid = pool.

Usage: python scripts/validate_contests.py [--quick] [--csv OUT.csv]
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from dfslab.contest import (evaluate_payout_fit, reproduce_real_contests, summarize_field_realism,
                            validate_field_realism)

COLS = ["contest", "sport", "is_cash", "entries", "own_maxerr", "seconds"] + [
    f"{p}_{k}" for k in ("dup_share", "dup_ge3_share", "overlap_mean", "overlap_ge_half", "salary_left_p50",
                         "salary_left_p90") for p in ("real", "sim")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 small contests and 75 held-out tables")
    ap.add_argument("--csv", help="write the per-contest field-realism table here")
    a = ap.parse_args()
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    t0 = time.perf_counter()

    df = validate_field_realism(quick=a.quick)
    df["contest"] = df.contest_dir.str.split("/").str[1].str[:38]
    print("== Field realism: real entries vs a field sampled from the contest's actual ownership ==")
    print(df[COLS].round(3).to_string(index=False))
    notes = df[df.notes != ""]
    for r in notes.itertuples():
        if "no DKSalaries" not in r.notes:
            print(f"  note {r.contest}: {r.notes}")
    print("\nSummary by sport and contest type (median over contests; salary_left = MLB only):")
    print(summarize_field_realism(df).round(3).to_string(index=False))
    big = df[df.entries >= 5000]
    print(f"ownership max |error|: {df.own_maxerr.max():.3f} pp over all contests; "
          f"{big.own_maxerr.max() if len(big) else float('nan'):.3f} pp over the {len(big)} with >= 5,000 entries")
    if a.csv:
        df.to_csv(a.csv, index=False)

    per, summ, fitter = evaluate_payout_fit(quick=a.quick)
    print(f"\n== Payout fit: {summ.attrs['n_train']} training tables, {summ.attrs['n_test']} held-out GPP tables "
          f"({summ.attrs['n_rejected']} malformed tables rejected; rake for field-size inference "
          f"{summ.attrs['rake']:.4f}) ==")
    print("held-out reproduction:")
    print(summ.round(4).to_string(index=False))

    rep = reproduce_real_contests(df.contest_dir.tolist() if a.quick else None)
    print(f"\n== Real contests reproduced ({len(rep)}) ==")
    print(f"ranks match: min {rep.ranks_match.min():.4%} over contests; "
          f"paid = pool in {int((abs(rep.paid - rep.pool) < 1e-6 * rep.pool).sum())} of {int(rep.pool.notna().sum())} "
          "contests with a cash payout table")
    print(f"\ndone in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
