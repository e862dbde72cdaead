"""The analysis' tables, beside :class:`~dfslab.pipeline.SlateAnalysis`: drivers, lineups, the summary.

Each is a function of a computed analysis; ``SlateAnalysis.drivers`` / ``.lineups`` / ``.summary`` call them.
Column names carry their units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# A driver "booms" at 6x value (points >= 6 x salary / $1,000): six drivers averaging that score
# 300 points at the full cap, about a real NASCAR GPP winning score (290-452 in 2026).
BOOM_MULTIPLE = 6.0
# A lineup that cashes in fewer than this share of simulated contests is flagged in the report/upload.
DEAD_CASH_PCT = 0.5

GLOSSARY = {
    "mean / p10 / p90 (pts)": "simulated DK points: average, and the 10th / 90th percentiles over simulated races",
    "value (pts/$1K)": "simulated mean points per $1,000 of salary",
    "mean start (drawn)": "before qualifying: each simulated race draws its start order from the drivers' strengths "
                          "(a fitted qualifying model); this is the average drawn start position",
    "boom (%)": f"share of simulated races in which the driver scores at least {BOOM_MULTIPLE:g}x value "
                "(points >= 6 x salary/$1,000; six such drivers make ~300 points, a typical winning score)",
    "ownership (%)": "projected share of entries rostering the driver (sums to 600% over a 6-driver slate)",
    "optimal (%)": "share of simulated races in which the driver is in the best possible lineup under the cap",
    "leverage (pp)": "optimal rate minus projected ownership, in percentage points",
    "regime": "the race type a lineup was built for: dominator (a few drivers lead most laps), chaos (wrecks, "
              "finishing order close to random), fuel_mileage (strategy decides the finish)",
    "objective": "projected points minus the ownership penalty (leverage_penalty x scale x ownership)",
    "ROI (%)": "simulated return per entry: (prize - fee) / fee, averaged over simulated contests",
    "cash (%)": "share of simulated contests in which the lineup wins a prize",
    "s.e.": "Monte Carlo standard error of a simulated figure (how much it would move with more simulations)",
}


def driver_table(a) -> pd.DataFrame:
    """Every driver: salary, start, simulated points, value, boom rate, ownership, optimal rate, leverage."""
    p = a.slate.players
    pts = np.asarray(a.scenarios.points, dtype=np.float64)
    q10, q90 = np.percentile(pts, [10, 90], axis=0)
    sal = a.slate.salaries.astype(float)
    own = a.ownership
    drawn = getattr(a.scenarios, "start", None)
    d = pd.DataFrame({
        "driver": p["name"].to_numpy(),
        "salary ($)": a.slate.salaries,
        # before qualifying every simulated race drew its own start order: show its mean
        **({"mean start (drawn)": drawn.mean(0, dtype=np.float64)} if drawn is not None else
           {"start": p["start"].astype("Int64").to_numpy() if "start" in p else pd.NA}),
        "mean (pts)": a.mean_points, "p10 (pts)": q10, "p90 (pts)": q90,
        "value (pts/$1K)": a.mean_points / (sal / 1000.0),
        "boom (%)": 100.0 * (pts >= BOOM_MULTIPLE * sal / 1000.0).mean(0),
        "ownership (%)": own["ownership"].to_numpy(),
        "own low (%)": own["lower"].to_numpy(), "own high (%)": own["upper"].to_numpy(),
        "optimal (%)": 100.0 * a.optimal_rates,
    })
    d["leverage (pp)"] = d["optimal (%)"] - d["ownership (%)"]
    for col, lab in (("projection", "published proj (pts)"), ("floor", "published floor (pts)"),
                     ("ceiling", "published ceiling (pts)")):
        if col in p and p[col].notna().any():
            d[lab] = p[col].to_numpy(dtype=float)
    d["in my lineups"] = np.bincount(a.portfolio.lineups.ravel(), minlength=len(p))
    if a.excludes:
        d["excluded"] = p["name"].isin(a.excludes).to_numpy()
    r = getattr(a, "driver_rules", None)
    if r is not None:  # the per-driver rule in words ("" where none)
        rules = dict(zip(r.table()["driver"], r.table()["rule"]))
        d["rule"] = [rules.get(n, "") for n in p["name"]]
    return d


def lineup_table(a) -> pd.DataFrame:
    """My lineups, numbered 1..n as in the upload files: names, salary, projection, ownership, simulated results."""
    L = a.portfolio.lineups
    p = a.slate.players
    names = p["name"].astype(str).to_numpy()
    own = a.ownership_vector
    t = a.portfolio.table
    res = a.contest.per_lineup
    d = pd.DataFrame({
        "lineup": np.arange(1, len(L) + 1),
        "drivers": [", ".join(names[r]) for r in L],
        "salary ($)": a.slate.salaries[L].sum(1),
        "projection (pts)": a.mean_points[L].sum(1),
        "total ownership (%)": own[L].sum(1),
        "regime": t["regime"].to_numpy(),
        "ROI (%)": 100.0 * res["roi_mean"].to_numpy(), "ROI s.e. (pp)": 100.0 * res["roi_se"].to_numpy(),
        "cash (%)": res["cash_pct"].to_numpy(), "cash s.e. (pp)": res["cash_se"].to_numpy(),
        "win (%)": res["win_pct"].to_numpy(), "top 1% (%)": res["top1_pct"].to_numpy(),
        "best rank": res["best_rank"].astype(np.int64).to_numpy(),
    })
    for k in range(L.shape[1]):
        d[f"D{k + 1}"] = names[L[:, k]]
    if "dk_id" in p:
        ids = p["dk_id"].astype("Int64").to_numpy()
        for k in range(L.shape[1]):
            d[f"D{k + 1} id"] = ids[L[:, k]]
    d["flag"] = np.where(d["cash (%)"] < DEAD_CASH_PCT,
                         f"cashes in < {DEAD_CASH_PCT:g}% of simulated contests", "")
    return d


def summary_table(a) -> pd.DataFrame:
    """Portfolio vs field-like lineups in the same simulated contests, with units."""
    rows = {}
    for label, r in (("my portfolio", a.contest), ("field-like lineups", a.yardstick)):
        pf = r.portfolio
        rows[label] = {
            # every random part: the simulated contests and (mine) which races built the lineups / (field-like)
            # which lineups were drawn
            "ROI (%)": 100 * pf["roi_mean"], "ROI s.e. (pp)": 100 * pf.get("roi_se_total", pf["roi_se"]),
            "ROI p5 (%)": 100 * pf["roi_p5"], "ROI p95 (%)": 100 * pf["roi_p95"],
            "cash (%)": pf["cash_pct"], "cash s.e. (pp)": pf["cash_se"],
            "win (%)": pf["win_pct"], "win s.e. (pp)": pf["win_se"], "top 1% (%)": pf["top1_pct"],
            "best rank": int(pf["best_rank"]), "simulated contests": int(pf["n_simulations"]),
            # field-like entries earn the pool's average exactly (every entry drawn like the field is one of them)
            "exact ROI (%)": 100 * pf["exact_roi"] if "exact_roi" in pf else np.nan,
        }
    return pd.DataFrame(rows)
