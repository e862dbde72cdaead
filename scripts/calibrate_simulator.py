"""Fit the race simulator on 2019-2024 races and evaluate it on every held-out 2025 race.

Usage
-----
    .venv/bin/python scripts/calibrate_simulator.py            # full run (~2-3 min on 2 cores)
    .venv/bin/python scripts/calibrate_simulator.py --quick    # smaller grids / fewer scenarios (~30 s)
    .venv/bin/python scripts/calibrate_simulator.py --write    # also write dfslab/_data/racesim_params.json

Only pre-race information enters a held-out simulation: starting positions,
driver strengths from races strictly before the race date, and (for the real
DK slates) salaries. Parameters are fitted on races before 2025-01-01; the
dispersion (temperature) is tuned on 2022-2024 training races only.
Prints the report tables; ``--out FILE`` writes them as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import dfslab
from dfslab.racesim import RaceSimulator
from dfslab.racesim._calibration import (clean_race_ids, evaluate_race, fit_params, prerace_strengths,
                                         race_features, score_result)

CUTOFF = pd.Timestamp("2025-01-01")
PUBLISHED = {"pearson_r": 0.36, "mae": 17.7, "inside_band": 0.78}
TEMPERATURES = (0.85, 1.0, 1.15, 1.3)


def _evaluate(params, logs, strengths, race_ids, n_scen, seed):
    per_driver, sims = [], []
    for i, rid in enumerate(race_ids):
        rows = logs[logs["race_id"] == rid]
        df, st = evaluate_race(params, rows, strengths.loc[rows.index].to_numpy(), n_scen, seed + i)
        df["race_id"] = rid
        df["archetype"] = rows["archetype"].iloc[0]
        per_driver.append(df)
        st = pd.DataFrame(st)
        st["archetype"] = rows["archetype"].iloc[0]
        sims.append(st)
    return pd.concat(per_driver, ignore_index=True), pd.concat(sims, ignore_index=True)


def _metrics(d: pd.DataFrame) -> dict:
    return {"n": int(len(d)), "races": int(d["race_id"].nunique()), "coverage_10_90": float(d["inside"].mean()),
            "crps": float(d["crps"].mean()), "pearson_r": float(np.corrcoef(d["mean"], d["actual"])[0, 1]),
            "mae": float((d["mean"] - d["actual"]).abs().mean())}


def _dist_table(real: pd.DataFrame, sim: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for a in sorted(real["archetype"].unique()):
        r, s = real[real["archetype"] == a], sim[sim["archetype"] == a]
        for stat in ("winner_ll_share", "top_ll_share", "n_lead10", "dnf_count", "top_dk", "best6"):
            rq = np.percentile(r[stat], [10, 50, 90])
            sq = np.percentile(s[stat], [10, 50, 90])
            rows.append({"archetype": a, "stat": stat, "real_mean": r[stat].mean(), "sim_mean": s[stat].mean(),
                         "real_p10": rq[0], "sim_p10": sq[0], "real_p50": rq[1], "sim_p50": sq[1],
                         "real_p90": rq[2], "sim_p90": sq[2]})
    return pd.DataFrame(rows)


def _real_slates(params, logs, n_scen, seed):
    """Our pre-race simulation on the real DK slates with results vs the published projection."""
    swr = dfslab.load_slates_with_results()
    out = []
    for i, folder in enumerate(dfslab.list_nascar_slates()):
        slate = dfslab.read_nascar_slate(folder, race_logs=logs)
        if slate.players["start"].isna().any() or slate.archetype is None or slate.race_laps is None:
            continue  # before qualifying (no start positions): not a pre-race slate we can simulate
        act = swr[swr["snapshot"] == folder.name].set_index("Driver")
        actual = act["dk_actual_loopFL"].reindex(slate.players["name"]).to_numpy(float)
        if np.isfinite(actual).sum() == 0:
            continue
        sim = RaceSimulator(n_scenarios=n_scen, random_state=seed + i, params=params).set_history(logs)
        res = sim.simulate(slate)
        d = score_result(res, actual)
        ok = np.isfinite(actual)
        pub = slate.players.loc[ok]
        d["published"] = pub["projection"].to_numpy(float)
        d["pub_inside"] = ((d["actual"] >= pub["floor"].to_numpy(float)) & (d["actual"] <= pub["ceiling"].to_numpy(float)))
        d["slate"] = folder.name
        d["archetype"] = slate.archetype
        d["strength_source"] = res.strength_source
        out.append(d)
    d = pd.concat(out, ignore_index=True)
    ours = {"pearson_r": float(np.corrcoef(d["mean"], d["actual"])[0, 1]),
            "mae": float((d["mean"] - d["actual"]).abs().mean()), "inside_band": float(d["inside"].mean()),
            "crps": float(d["crps"].mean())}
    pub = {"pearson_r": float(np.corrcoef(d["published"], d["actual"])[0, 1]),
           "mae": float((d["published"] - d["actual"]).abs().mean()), "inside_band": float(d["pub_inside"].mean())}
    return {"n_slates": int(d["slate"].nunique()), "n_drivers": int(len(d)), "ours": ours,
            "published_recomputed": pub, "published_stated": PUBLISHED,
            "per_slate": d.groupby("slate").apply(lambda x: pd.Series({
                "n": len(x), "r_ours": np.corrcoef(x["mean"], x["actual"])[0, 1],
                "r_pub": np.corrcoef(x["published"], x["actual"])[0, 1],
                "mae_ours": (x["mean"] - x["actual"]).abs().mean(), "mae_pub": (x["published"] - x["actual"]).abs().mean(),
                "cov_ours": x["inside"].mean(), "cov_pub": x["pub_inside"].mean()}), include_groups=False
            ).round(3).reset_index().to_dict(orient="records")}


def run(quick: bool = False, seed: int = 0, n_scenarios: int | None = None, write: bool = False,
        verbose: bool = True) -> dict:
    t0 = time.perf_counter()
    say = print if verbose else (lambda *a, **k: None)
    logs = dfslab.read_race_logs()
    n_scen = n_scenarios or (1000 if quick else 4000)
    strengths = prerace_strengths(logs)  # each race only sees races strictly before its date
    say(f"pre-race strengths for {logs['race_id'].nunique()} races: {time.perf_counter() - t0:.1f} s")
    params = fit_params(logs, cutoff=CUTOFF, seed=seed, quick=quick, strengths=strengths)
    say(f"fitted on {params['n_races']} races before {CUTOFF.date()}: {time.perf_counter() - t0:.1f} s")

    # Dispersion tuned on training years only (2022-2024), never on 2025.
    ok, _ = clean_race_ids(logs)
    feat_all = race_features(logs[logs["race_id"].isin(ok)])
    tr_ids = feat_all.index[(feat_all["race_date"] >= "2022-01-01") & (feat_all["race_date"] < CUTOFF)]
    if quick:
        tr_ids = pd.Index(np.random.default_rng(seed).choice(tr_ids, 60, replace=False))
    tuning = []
    for T in TEMPERATURES:
        p = {**params, "temperature": T}
        d, _ = _evaluate(p, logs, strengths, tr_ids, 500 if quick else 1000, seed + 10_000)
        m = _metrics(d)
        tuning.append({"temperature": T, **m})
        say(f"  training 2022-2024 coverage at temperature {T}: {m['coverage_10_90']:.3f} (CRPS {m['crps']:.2f})")
    best = min(tuning, key=lambda r: (abs(r["coverage_10_90"] - 0.80), r["crps"]))
    params["temperature"] = best["temperature"]
    params["tuning"] = [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()} for r in tuning]

    # Held-out 2025.
    ho_ids = feat_all.index[feat_all["race_date"] >= CUTOFF]
    d, sims = _evaluate(params, logs, strengths, ho_ids, n_scen, seed + 20_000)
    overall = _metrics(d)
    per_arch = {a: _metrics(g) for a, g in d.groupby("archetype")}
    pit_hist = np.histogram(d["pit"], bins=10, range=(0, 1))[0] / len(d)
    real = feat_all.loc[ho_ids].rename(columns={"winner_share": "winner_ll_share", "top_share": "top_ll_share",
                                                "n_lead10": "n_lead10", "dnf": "dnf_count"})
    dist = _dist_table(real, sims)
    slates = _real_slates(params, logs, n_scen, seed + 30_000)
    report = {"quick": quick, "n_scenarios": n_scen, "temperature": params["temperature"], "tuning": params["tuning"],
              "holdout_overall": overall, "holdout_per_archetype": per_arch,
              "pit_histogram": np.round(pit_hist, 4).tolist(), "race_distributions": dist.round(3).to_dict("records"),
              "real_slates": slates, "seconds": round(time.perf_counter() - t0, 1)}
    params["calibration_summary"] = {"holdout_coverage": round(overall["coverage_10_90"], 4),
                                     "holdout_crps": round(overall["crps"], 3), "holdout_r": round(overall["pearson_r"], 3)}
    if verbose:
        _print(report)
    if write:
        path = Path(dfslab.__file__).parent / "_data" / "racesim_params.json"
        path.write_text(json.dumps(params, indent=1, default=float))
        say(f"wrote {path}")
    report["params"] = params
    return report


def _print(r):
    print(f"\n== held-out 2025 ({r['holdout_overall']['races']} races, {r['holdout_overall']['n']} driver-races, "
          f"{r['n_scenarios']} scenarios, temperature {r['temperature']}) ==")
    t = pd.DataFrame({"overall": r["holdout_overall"], **r["holdout_per_archetype"]}).T
    print(t.round(3).to_string())
    print("PIT histogram (10 bins, ideal 0.10 each):", r["pit_histogram"])
    print("\n== race-level distributions, held-out 2025, real vs simulated ==")
    print(pd.DataFrame(r["race_distributions"]).to_string(index=False))
    s = r["real_slates"]
    print(f"\n== {s['n_slates']} real DK slates with results ({s['n_drivers']} drivers) ==")
    print(pd.DataFrame({"ours (sim mean, 10-90%)": s["ours"], "published (recomputed)": s["published_recomputed"],
                        "published (stated)": s["published_stated"]}).round(3).to_string())
    print(pd.DataFrame(s["per_slate"]).to_string(index=False))
    print(f"\ntotal {r['seconds']} s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller grids and fewer scenarios")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n-scenarios", type=int, default=None)
    ap.add_argument("--write", action="store_true", help="write dfslab/_data/racesim_params.json")
    ap.add_argument("--out", type=Path, default=None, help="write the report as JSON")
    a = ap.parse_args(argv)
    rep = run(quick=a.quick, seed=a.seed, n_scenarios=a.n_scenarios, write=a.write)
    if a.out:
        a.out.write_text(json.dumps(rep, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
