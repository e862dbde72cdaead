"""Validate the contest engine on real DK data.

1. Field realism: for every real contest in dk_contests, sample a field of the same
   size from the contest's actual ownership and compare with the real entries:
   salary left (MLB only: NFL has no salary file), duplicated-lineup share,
   pairwise overlap (players shared by two random entries).
2. Payout fit: fit PayoutCurveFitter on 80% of the real GPP tables, generate the
   other 20% from (entries, fee, pool) and compare pool share of the top 0.1/1/10%,
   paid fraction and min-cash multiple.

Usage: python scripts/validate_contests.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import dfslab
from dfslab import MLB_CLASSIC, NFL_CLASSIC, Slate
from dfslab.contest import FieldLineupSampler, PayoutCurveFitter
from dfslab.contest._payout_curve import table_features


def field_stats(L, sal=None, cap=50_000, rng=None, n_pairs=20_000):
    srt = np.sort(L, 1)
    _, inv, cnt = np.unique(srt, axis=0, return_inverse=True, return_counts=True)
    dup = float((cnt[inv.ravel()] > 1).mean())
    rng = rng or np.random.default_rng(0)
    a, b = rng.integers(0, len(L), (2, n_pairs))
    ok = a != b
    ov = (srt[a[ok]][:, :, None] == srt[b[ok]][:, None, :]).any(2).sum(1)
    out = {"dup_share": dup, "overlap_mean": float(ov.mean()), "overlap_p90": float(np.percentile(ov, 90)),
           "overlap_ge5": float((ov >= 5).mean())}
    if sal is not None:
        left = cap - sal[L].sum(1)
        out.update({"salary_left_p10": float(np.percentile(left, 10)), "salary_left_p50": float(np.median(left)),
                    "salary_left_p90": float(np.percentile(left, 90)), "salary_left_mean": float(left.mean())})
    return out


def _norm(name):
    import unicodedata
    t = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in t if ch.isalnum())


def contest_slate(folder, cs):
    """Slate with the contest's players (MLB: salaries/positions from DKSalaries.csv)."""
    names = cs.players["name"].to_numpy()
    if (folder / "DKSalaries.csv").exists():
        sal = pd.read_csv(folder / "DKSalaries.csv")
        sal["key"] = sal["Name"].map(_norm)
        sal = sal.drop_duplicates("key", keep="first").set_index("key")
        keys = [_norm(n) for n in names]
        used = np.zeros(len(names), bool)
        used[np.unique(cs.lineups[cs.lineups >= 0])] = True
        missing = [n for n, k, u in zip(names, keys, used) if u and k not in sal.index]
        if missing:
            return None, f"{len(missing)} rostered players missing from DKSalaries.csv: {missing[:3]}"
        # players nobody rostered and absent from the salary file are left out (0% owned)
        keys = [k if k in sal.index else None for k in keys]
        players = pd.DataFrame({"player_id": [f"{i}" for i in range(len(names))], "name": names,
                                "salary": [sal.loc[k, "Salary"] if k else 50_000 for k in keys],
                                "position": [sal.loc[k, "Position"] if k else "OF" for k in keys]})
        return Slate(players, rules=MLB_CLASSIC, name=folder.name), None
    # NFL: no salary file. Positions from the slots each player was used in; salaries unknown (cap never binds).
    pos = np.full(len(names), "", dtype=object)
    L = cs.lineups[cs.lineups[:, 0] >= 0]
    slots = np.array(NFL_CLASSIC.slots)
    for j, s in enumerate(slots):
        if s == "FLEX":
            continue
        pos[np.unique(L[:, j])] = "DST" if s == "DST" else s
    pos[pos == ""] = "WR"
    players = pd.DataFrame({"player_id": [f"{i}" for i in range(len(names))], "name": names,
                            "salary": 1, "position": pos})
    return Slate(players, rules=NFL_CLASSIC, name=folder.name), "no salaries: cap not modelled"


def field_realism(quick: bool):
    D = dfslab.data_dir() / "dk_contests"
    idx = pd.read_csv(D / "contests.csv")
    if quick:
        idx = idx.sort_values("entries")
    rows = []
    for r in idx.itertuples():
        if quick and sum(x["sport"] == r.sport for x in rows) >= 1:
            continue
        folder = D / r.contest_dir
        cs = dfslab.read_contest_standings(folder / "contest-standings.csv")
        slate, note = contest_slate(folder, cs)
        if slate is None:
            print(f"  skip {r.contest_dir}: {note}")
            continue
        L = cs.lineups[cs.lineups[:, 0] >= 0]
        own = 100.0 * np.bincount(L.ravel(), minlength=slate.n_players) / len(L)
        has_sal = r.sport == "MLB"
        try:
            fs = FieldLineupSampler(slate, own, random_state=0, n_calibration=2000 if quick else 10000,
                                    salary_left_scale=1000.0 if has_sal else None).fit()
            F = fs.sample(len(L), random_state=1)
        except dfslab.DfslabError as e:
            print(f"  skip {r.contest_dir}: {e}")
            continue
        sal = slate.salaries if has_sal else None
        real = field_stats(L, sal)
        sim = field_stats(F, sal)
        own_err = float(np.abs(fs.ownership_of(F, slate.n_players) - own).max())
        row = {"contest": r.contest_dir.split("/")[1][:40], "sport": r.sport, "entries": len(L), "own_maxerr": own_err}
        row.update({f"real_{k}": v for k, v in real.items()})
        row.update({f"sim_{k}": v for k, v in sim.items()})
        rows.append(row)
    df = pd.DataFrame(rows)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    keys = ["dup_share", "overlap_mean", "overlap_ge5", "salary_left_p10", "salary_left_p50", "salary_left_p90"]
    print("\n== Field realism: real entries vs field sampled from the contest's actual ownership ==")
    cols = ["contest", "sport", "entries", "own_maxerr"] + [f"{p}_{k}" for k in keys for p in ("real", "sim")]
    print(df[[c for c in cols if c in df.columns]].round(3).to_string(index=False))
    print("\nSummary (median over contests; salary_left = MLB only):")
    for sport, g in df.groupby("sport"):
        for k in keys:
            if f"real_{k}" in g and g[f"real_{k}"].notna().any():
                print(f"  {sport} {k:16s} real {g[f'real_{k}'].median():9.3f}   sampled {g[f'sim_{k}'].median():9.3f}")
        print(f"  {sport} ownership max |error| over contests: {g.own_maxerr.max():.3f} pp")
    return df


def payout_fit(quick: bool):
    tables, meta, rejected = dfslab.load_real_payout_tables()
    rake = PayoutCurveFitter.real_rake()
    rng = np.random.default_rng(0)
    ids = np.array(sorted(tables))
    test_ids = set(rng.choice(ids, size=len(ids) // 5, replace=False).tolist())
    train = {k: v for k, v in tables.items() if k not in test_ids}
    fitter = PayoutCurveFitter().fit((train, meta), rake=rake)
    test = PayoutCurveFitter.gpp_frame({k: tables[k] for k in test_ids}, meta, rake)
    if quick:
        test = test.groupby(pd.cut(test.entries, [0, 1000, 10000, np.inf]), observed=True).head(25)
    rows = []
    for r in test.itertuples():
        entries = int(round(r.entries))
        g = fitter.generate(entries=entries, entry_fee=r.entry_fee, rake=1 - r.pool / (entries * r.entry_fee))
        f = table_features(g, entries, r.entry_fee)
        rows.append({"tier": fitter.tier_of(entries), **{f"real_{k}": getattr(r, k.replace(".", "_")) if False else
                     table_features(tables[r.table_id], entries, r.entry_fee)[k] for k in f},
                     **{f"fit_{k}": v for k, v in f.items()}})
    df = pd.DataFrame(rows)
    print(f"\n== Payout fit: {len(train)} training tables, {len(df)} held-out GPP tables "
          f"({len(rejected)} malformed tables rejected; rake for field-size inference {rake:.4f}) ==")
    print("tier params:", {t: {k: round(v, 4) for k, v in p.items()} for t, p in fitter.params_.items()})
    keys = ["share_top0.1", "share_top1", "share_top10", "paid_frac", "min_cash_mult"]
    out = []
    for tier, g in df.groupby("tier"):
        for k in keys:
            err = g[f"fit_{k}"] - g[f"real_{k}"]
            out.append({"tier": tier, "n": len(g), "metric": k, "real_median": g[f"real_{k}"].median(),
                        "fit_median": g[f"fit_{k}"].median(), "median_abs_err": err.abs().median(),
                        "p90_abs_err": err.abs().quantile(0.9)})
    print("held-out reproduction:")
    print(pd.DataFrame(out).round(4).to_string(index=False))
    return df


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="3 contests and 75 held-out tables")
    a = ap.parse_args()
    t0 = time.perf_counter()
    field_realism(a.quick)
    payout_fit(a.quick)
    print(f"\ndone in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
