"""Fit the finish gains and the finish-trouble probability; choose the mechanism on 2024.

Usage
-----
    .venv/bin/python scripts/fit_finish_trouble.py            # table only (~15 min on a free core)
    .venv/bin/python scripts/fit_finish_trouble.py --write    # and write dfslab/_data/racesim_params.json
    .venv/bin/python scripts/fit_finish_trouble.py --quick    # 60 + 30 races, coarse grid (~1 min)

On the held-out 2025 races the shipped model (finish gain per archetype, no trouble)
gave favourites too few wins (P(win) slope 1.34) while its top 10 was over-confident
(slope 0.87): one gain cannot fix both. Finish trouble (a running car has a bad day and
finishes behind every car without trouble) lets the gain rise for the top of the order
while strong cars still miss the top 10 now and then.

Steps (2025 and 2026 never enter):

1. :func:`dfslab.studies._race_fit.tune_finish` on the 2020-2023 races: for each trouble
   value on the grid every archetype's best gain (loss = sum of log(slope)^2 over win,
   top 5, top 10); the trouble value with the smallest race-weighted loss.
2. Validation on the 2024 races: the best no-trouble gains against the chosen
   (gains, trouble), scored by the same loss. Trouble is kept only if it wins here.
3. The gains refitted on all 2020-2024 races at the chosen trouble value (trouble fixed).

The lap allocation (laps led, fastest laps) is not refitted: trouble moves only
finishing positions; the calibration report shows P(leads most laps) and the
winner's laps-led share with it on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import dfslab
from dfslab.io import read_race_logs
from dfslab.racesim import load_default_params
from dfslab.studies import (
    FINISH_EVENTS,
    PROB_EVENTS,
    clean_race_ids,
    evaluate_logged_races,
    figures,
    finish_gains_at,
    prerace_strengths,
    race_features,
    tune_finish,
    with_finish_gain,
)

GAINS = (1.4, 1.8, 2.2, 2.6, 3.0, 3.5, 4.2, 5.0)
TROUBLES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
QUICK_GAINS, QUICK_TROUBLES = (1.8, 2.6, 3.5), (0.0, 0.15)


def _score(params, logs, strengths, ids, n, seed, me) -> dict:
    d, r, _ = evaluate_logged_races(params, logs, strengths, ids, n, seed, mean_error=me)
    f = figures(d, r, n)
    loss = sum(np.log(max(f[f"slope_{e}"], 1e-3)) ** 2 for e in FINISH_EVENTS)
    return {"loss": round(loss, 4), **{f"slope_{e}": round(f[f"slope_{e}"], 3) for e in PROB_EVENTS},
            "coverage_10_90": round(f["coverage_10_90"], 4), "crps": round(f["crps"], 3),
            "top6_pit_mean": round(f["top6_pit_mean"], 3), "dnf_diff": round(f["dnf_diff"], 3)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--write", action="store_true", help="write the result into dfslab/_data/racesim_params.json")
    a = ap.parse_args(argv)
    say = lambda *x: print(*x, file=sys.stderr, flush=True)  # noqa: E731
    P = load_default_params()
    me = float(P.get("mean_error_sd", 0.0))
    logs = read_race_logs()
    strengths = prerace_strengths(logs, rating_kwargs=P.get("rating") or None)  # the shipped rating settings
    ok, _ = clean_race_ids(logs)
    feat = race_features(logs[logs["race_id"].isin(ok)])
    date = pd.to_datetime(feat["race_date"])
    fit_ids = list(feat.index[(date >= "2020-01-01") & (date < "2024-01-01")])
    val_ids = list(feat.index[(date >= "2024-01-01") & (date < "2025-01-01")])
    all_ids = fit_ids + val_ids
    gains_grid, troubles, n_fit, n_val = GAINS, TROUBLES, 500, 2000
    if a.quick:
        rng = np.random.default_rng(a.seed)
        fit_ids = list(rng.choice(fit_ids, 60, replace=False))
        val_ids = list(rng.choice(val_ids, 30, replace=False))
        all_ids = fit_ids + val_ids
        gains_grid, troubles, n_fit, n_val = QUICK_GAINS, QUICK_TROUBLES, 300, 500
    say(f"step 1: tune on {len(fit_ids)} races 2020-2023 (gains {gains_grid}, troubles {troubles})")
    gains, trouble, tab = tune_finish(P, logs, strengths, fit_ids, me, gains_grid, troubles, n_fit, a.seed + 10_000, say)
    gains0 = finish_gains_at(tab, 0.0, P["archetypes"])
    say(f"  chosen trouble {trouble}, gains {gains}; no-trouble gains {gains0}")
    cands = {"no trouble (gains fitted 2020-2023)": (gains0, 0.0)}
    if trouble > 0:
        cands[f"trouble {trouble} (gains fitted 2020-2023)"] = (gains, trouble)
    val = []
    for name, (g, t) in cands.items():
        val.append({"candidate": name, "trouble": t, **_score(with_finish_gain(P, g, t), logs, strengths, val_ids,
                                                              n_val, a.seed + 11_000, me)})
        say(f"step 2: 2024 validation, {name}: {val[-1]}")
    val = pd.DataFrame(val)
    t_keep = float(val.loc[val["loss"].idxmin(), "trouble"])
    say(f"step 3: gains refitted on {len(all_ids)} races 2020-2024 at trouble {t_keep}")
    gains_f, _, tab_f = tune_finish(P, logs, strengths, all_ids, me, gains_grid, (t_keep,), n_fit, a.seed + 12_000, say)
    print("2024 validation (fit on 2020-2023):")
    print(val.to_string(index=False))
    print(f"kept trouble {t_keep}; final gains (2020-2024): {gains_f}")
    if a.write:
        f = Path(dfslab.__file__).parent / "_data" / "racesim_params.json"
        out = with_finish_gain(P, gains_f, t_keep)
        out["finish_gain_fit"] = {
            "gains": gains_f, "trouble": t_keep, "train_races": len(all_ids), "grid": list(gains_grid),
            "trouble_grid": list(troubles), "script": "scripts/fit_finish_trouble.py",
            "trouble_choice": "tune_finish on 2020-2023, validated against no trouble on the 2024 races",
            "validation_2024": val.to_dict("records"), "table_2020_2023": tab.round(4).to_dict("records"),
            "table": tab_f.round(4).to_dict("records")}
        f.write_text(json.dumps(out, indent=1, default=float))
        say(f"wrote {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
