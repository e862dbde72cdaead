"""Reconcile dfslab's readers and scoring with every real file in ../shared/data; print the figures.

usage: python scripts/check_real_files.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import dfslab
from dfslab import dk_components


def contests() -> pd.DataFrame:
    rows = []
    for f in sorted((dfslab.data_dir() / "dk_contests").glob("*/*/contest-standings.csv")):
        cs = dfslab.read_contest_standings(f)
        own_diff = np.abs(cs.recomputed_ownership() - cs.players.drafted_pct.to_numpy())
        filled = ~cs.entries.blank.to_numpy()
        pts_ok = np.isclose(np.round(cs.lineup_points(), 2), cs.entries.points, atol=0.011)[filled]
        rank, _ = dfslab.rank_and_pay(np.round(cs.lineup_points(), 2), [0.0])  # NaN = blank lineup
        rows.append({"contest": f.parent.name[:42], "sport": cs.rules.name, "entries": cs.n_entries,
                     "blank": int((~filled).sum()), "max_own_diff_pp": own_diff.max(),
                     "points_match": pts_ok.mean(), "ranks_equal": (rank == cs.entries["rank"].to_numpy()).mean(),
                     "collisions": "; ".join(cs.collisions)})
    return pd.DataFrame(rows)


def scoring() -> dict:
    logs = dfslab.read_race_logs()
    g = logs.assign(d=logs.start - logs.finish).groupby("race_id")
    per = g.agg(pd_sum=("d", "sum"), ll=("laps_led", "sum"), laps=("race_laps", "first"))
    db = dfslab.read_results_db().dropna(subset=["place_pts"])
    c = dk_components(db.start.astype(int), db.finish.astype(int), db.laps_led, db.fastest_laps)
    return {
        "races": len(per),
        "dropped_merged_events": logs.attrs["notes"],
        "place_diff_sum_zero": float((per.pd_sum == 0).mean()),
        "place_diff_abs_sum_le_2": float((per.pd_sum.abs() <= 2).mean()),
        "laps_led_pts_eq_0.25x_laps_pm1": float(((per.ll - per.laps).abs() <= 1).mean()),
        "results_db_rows_with_dk_points": len(db),
        "place_pts_equal": float(np.isclose(c["place_pts"], db.place_pts).mean()),
        "place_diff_pts_equal": float(np.isclose(c["place_diff_pts"], db.place_diff_pts).mean()),
        "laps_led_pts_equal": float(np.isclose(c["laps_led_pts"], db.laps_led_pts).mean()),
    }


if __name__ == "__main__":
    pd.set_option("display.width", 200, "display.max_rows", 100, "display.max_colwidth", 120)
    df = contests()
    print(df.to_string(index=False))
    print(f"\n{len(df)} contests, {df.entries.sum():,} entries ({df.blank.sum()} blank); max ownership diff "
          f"{df.max_own_diff_pp.max():.3f} pp; min per-contest points match {df.points_match.min():.5f}; contests with "
          f"every rank equal to DK's: {int((df.ranks_equal == 1).sum())}")
    for k, v in scoring().items():
        print(f"{k}: {v}")
