"""Validate the contest engine on real DK data (thin CLI over dfslab.contest's validation functions).

1. Field realism: for every real contest in dk_contests, sample a field of the same size from the
   contest's actual ownership (FieldLineupSampler, default behaviour, projection-driven entries built on
   the public AvgPointsPerGame for MLB) and compare with the real entries: salary left (MLB; NFL has no
   salary file), duplicated-lineup share, pairwise overlap, ownership error.
2. Payout fit: PayoutCurveFitter fitted on 80% of the real tables reproduces the held-out GPP tables.
3. Real contests reproduced: ranks recomputed with the simulator's code; paid = pool.
4. Real NASCAR contests (dk_2026 layout, or any folder laid out like it with --slates): fields of each
   contest's real size sampled from the slate's projected ownership (DailyFan, rescaled to 600) and from
   ours (dfslab.estimate_ownership), scored with the actual DK points: sampled vs real winning score and
   80th-percentile score, top-10 duplicates; MAE of both ownership forecasts on the actual %Drafted rows.

Usage: python scripts/validate_contests.py [--quick] [--json] [--slates DIR] [--only nascar,realism,...]
       [--n-fields N] [--csv OUT.csv]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

from dfslab.studies import (
    evaluate_payout_fit,
    nascar_ownership_mae,
    reproduce_real_contests,
    summarize_field_realism,
    validate_field_realism,
    validate_nascar_contests,
)

SECTIONS = ("realism", "payout", "reproduce", "nascar")
COLS = ["contest", "sport", "is_cash", "entries", "own_maxerr", "seconds"] + [
    f"{p}_{k}" for k in ("dup_share", "dup_ge3_share", "overlap_mean", "overlap_ge_half", "salary_left_p50",
                         "salary_left_p90") for p in ("real", "sim")]
NASCAR_COLS = ["ownership", "race", "contest_id", "entries", "real_win", "sim_win", "win_err_pct", "real_p80", "sim_p80",
               "p80_err_pct", "win_pit", "p80_pit", "real_top10_dup_share", "sim_top10_dup_share",
               "real_top10_max_dup", "sim_top10_max_dup", "fit_seconds", "sample_seconds"]


def _records(df: pd.DataFrame) -> list:
    return json.loads(df.replace({np.nan: None}).to_json(orient="records"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 small contests, 75 held-out tables, 3 NASCAR contests")
    ap.add_argument("--json", action="store_true", help="print one JSON object (summaries) instead of tables")
    ap.add_argument("--slates", help="a folder of NASCAR races in the dk_2026 layout (default: the shipped one)")
    ap.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}")
    ap.add_argument("--n-fields", type=int, default=40, help="sampled fields per NASCAR contest (default 40)")
    ap.add_argument("--csv", help="write the per-contest field-realism table here")
    a = ap.parse_args()
    only = [s.strip() for s in a.only.split(",") if s.strip()]
    bad = [s for s in only if s not in SECTIONS]
    if bad:
        ap.error(f"--only: unknown section(s) {bad}; choose from {SECTIONS}")
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    t0 = time.perf_counter()
    out = {"quick": a.quick}
    say = (lambda *x: None) if a.json else print

    df = None
    if "realism" in only:
        df = validate_field_realism(quick=a.quick)
        df["contest"] = df.contest_dir.str.split("/").str[1].str[:38]
        summ = summarize_field_realism(df)
        big = df[df.entries >= 5000]
        out["realism"] = {"summary": _records(summ), "own_maxerr_max": float(df.own_maxerr.max()),
                          "own_maxerr_max_5000": float(big.own_maxerr.max()) if len(big) else None,
                          "n_contests": len(df)}
        say("== Field realism: real entries vs a field sampled from the contest's actual ownership ==")
        say(df[COLS].round(3).to_string(index=False))
        for r in df[df.notes != ""].itertuples():
            if "no DKSalaries" not in r.notes:
                say(f"  note {r.contest}: {r.notes}")
        say("\nSummary by sport and contest type (median over contests; salary_left = MLB only):")
        say(summ.round(3).to_string(index=False))
        say(f"ownership max |error|: {df.own_maxerr.max():.3f} pp over all contests; "
            f"{big.own_maxerr.max() if len(big) else float('nan'):.3f} pp over the {len(big)} with >= 5,000 entries")
        if a.csv:
            df.to_csv(a.csv, index=False)

    if "payout" in only:
        per, summ, fitter = evaluate_payout_fit(quick=a.quick)
        out["payout"] = {"summary": _records(summ), **{k: summ.attrs[k] for k in ("n_train", "n_test", "n_rejected")}}
        say(f"\n== Payout fit: {summ.attrs['n_train']} training tables, {summ.attrs['n_test']} held-out GPP tables "
            f"({summ.attrs['n_rejected']} malformed tables rejected; rake for field-size inference "
            f"{summ.attrs['rake']:.4f}) ==")
        say("held-out reproduction:")
        say(summ.round(4).to_string(index=False))

    if "reproduce" in only:
        rep = reproduce_real_contests(df.contest_dir.tolist() if (a.quick and df is not None) else None)
        paid_ok = int((abs(rep.paid - rep.pool) < 1e-6 * rep.pool).sum())
        out["reproduce"] = {"n_contests": len(rep), "ranks_match_min": float(rep.ranks_match.min()),
                            "paid_equals_pool": paid_ok, "with_cash_table": int(rep.pool.notna().sum())}
        say(f"\n== Real contests reproduced ({len(rep)}) ==")
        say(f"ranks match: min {rep.ranks_match.min():.4%} over contests; paid = pool in {paid_ok} of "
            f"{int(rep.pool.notna().sum())} contests with a cash payout table")

    if "nascar" in only:
        nd, ns = validate_nascar_contests(slates=a.slates, quick=a.quick, n_fields=a.n_fields)
        rows, mae = nascar_ownership_mae(slates=a.slates)
        out["nascar"] = {"summary": _records(ns), "per_contest": _records(nd[NASCAR_COLS]),
                         "ownership_mae": _records(mae)}
        say("\n== Real NASCAR contests: fields sampled at the real size, scored with the actual DK points ==")
        say(nd[NASCAR_COLS].round(2).to_string(index=False))
        say("\nSummary (errors in percent of the real score; *_high = contests where the sampled score is higher):")
        say(ns.round(3).to_string(index=False))
        say(f"\nOwnership forecasts vs actual %Drafted ({len(rows)} contest-driver rows):")
        say(mae.round(2).to_string(index=False))
    out["seconds"] = round(time.perf_counter() - t0, 1)
    if a.json:
        print(json.dumps(out, indent=1))
    else:
        print(f"\ndone in {out['seconds']:.1f} s")


if __name__ == "__main__":
    main()
