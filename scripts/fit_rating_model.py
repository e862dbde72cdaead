"""Choose the driver-rating settings on the 2024 races; refit what depends on them.

Usage
-----
    .venv/bin/python scripts/fit_rating_model.py                     # half-lives 365/180/120: 2024 table only (~15 min)
    .venv/bin/python scripts/fit_rating_model.py --write             # and refit + write dfslab/_data/racesim_params.json
    .venv/bin/python scripts/fit_rating_model.py --half-lives 180 --write   # no choice: refit at 180 days
    .venv/bin/python scripts/fit_rating_model.py --ratings '[{}, {"same_archetype_weight": 10}]'  # any settings
    .venv/bin/python scripts/fit_rating_model.py --quick             # 60 + 30 races, coarse grid (~3 min)

The pre-race strength of a driver is a time-decayed, weighted, shrunk mean of past
performances (:class:`dfslab.racesim.DriverRatingModel`: ``half_life_days``,
``same_archetype_weight``, ``other_series_weight``, ``prior_races``). Everything fitted on
the strengths moves with them: the Plackett-Luce coefficients, DNF shifts and lap
allocation (:func:`fit_params`) and the finish gains / trouble
(:func:`dfslab.studies._race_fit.tune_finish`). So each candidate gets its own fit.
``scripts/screen_rating_settings.py`` screens many settings cheaply first (winner and
top-10 Plackett-Luce log-likelihood, no simulation).

Steps (2025 and 2026 never enter):

1. For each candidate: strengths from races strictly before each race; ``fit_params``
   on the races before 2024-01-01 (2019-2023); ``tune_finish`` on the 2020-2023 races
   (trouble grid x gain grid, loss = sum of log(slope)^2 over win, top 5, top 10).
2. Each candidate scored on the 2024 races by the same loss (as
   ``scripts/fit_finish_trouble.py`` scores its validation) and by CRPS; the smallest
   ``--criterion`` is chosen. The slope loss only says whether the probabilities are
   calibrated, not how sharp they are: two settings calibrated alike are told apart by
   the CRPS (and by the likelihoods of ``scripts/screen_rating_settings.py``).
3. ``--write``: at the chosen setting and trouble, ``fit_params`` on all races before
   2025, the gains refitted on 2020-2024 (trouble fixed), ``fit_params`` again with them
   (as :func:`dfslab.studies._race_fit.fit_race_model` steps 1-3). The real-slate pieces
   (salary slopes, blend weights, mean error) are kept from the shipped parameters.
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
from dfslab.io import read_race_logs
from dfslab.racesim import load_default_params
from dfslab.studies import clean_race_ids, fit_params, prerace_strengths, race_features, tune_finish, with_finish_gain

sys.path.insert(0, str(Path(__file__).parent))
from fit_finish_trouble import _score  # noqa: E402  (the same validation loss)

HALF_LIVES = (365.0, 180.0, 120.0)
GAINS = (1.8, 2.2, 2.6, 3.0, 3.5, 4.2)
TROUBLES = (0.1, 0.15, 0.2)
QUICK_GAINS, QUICK_TROUBLES = (1.8, 2.6, 3.5), (0.15,)
KEEP = ("salary_strength", "mean_error_fit", "mean_error_sd", "finish_gain_fit")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--half-lives", type=str, default=",".join(str(int(h)) for h in HALF_LIVES),
                    help="comma-separated candidate half-lives in days (one value: no choice, refit at it)")
    ap.add_argument("--ratings", type=str, default=None,
                    help="JSON list of DriverRatingModel keyword dicts (replaces --half-lives; one: refit at it)")
    ap.add_argument("--criterion", choices=("loss", "crps"), default="loss",
                    help="how the 2024 races choose: 'loss' = sum of log(slope)^2 (win, top 5, top 10; blind to how "
                         "sharp the forecasts are), 'crps' = mean CRPS of the DK points (a proper score)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--write", action="store_true", help="refit at the chosen value, write dfslab/_data/racesim_params.json")
    a = ap.parse_args(argv)
    say = lambda *x: print(*x, file=sys.stderr, flush=True)  # noqa: E731
    t0 = time.perf_counter()
    if a.ratings:
        cands = json.loads(a.ratings)
        if not isinstance(cands, list) or not cands or not all(isinstance(c, dict) for c in cands):
            ap.error(f"--ratings: expected a non-empty JSON list of objects, got {a.ratings!r}")
    else:
        cands = [{"half_life_days": float(x)} for x in a.half_lives.split(",") if x.strip()]
    P0 = load_default_params()
    me = float(P0.get("mean_error_sd", 0.0))
    gains0 = {k: p["finish_gain"] for k, p in P0["archetypes"].items()}
    trouble0 = float(next(iter(P0["archetypes"].values())).get("finish_trouble", 0.0))
    logs = read_race_logs()
    ok, _ = clean_race_ids(logs)
    feat = race_features(logs[logs["race_id"].isin(ok)])
    date = pd.to_datetime(feat["race_date"])
    fit_ids = list(feat.index[(date >= "2020-01-01") & (date < "2024-01-01")])
    val_ids = list(feat.index[(date >= "2024-01-01") & (date < "2025-01-01")])
    gains_grid, troubles, n_fit, n_val = GAINS, TROUBLES, 500, 2000
    if a.quick:
        rng = np.random.default_rng(a.seed)
        fit_ids = list(rng.choice(fit_ids, 60, replace=False))
        val_ids = list(rng.choice(val_ids, 30, replace=False))
        gains_grid, troubles, n_fit, n_val = QUICK_GAINS, QUICK_TROUBLES, 300, 500
    rows, chosen = [], {}
    if len(cands) > 1:
        for ci, rk in enumerate(cands):
            s = prerace_strengths(logs, rating_kwargs=rk)
            Q = fit_params(logs, cutoff="2024-01-01", seed=a.seed, quick=a.quick, strengths=s, finish_gain=gains0,
                           trouble=trouble0, rating_kwargs=rk)
            say(f"rating {rk}: fit_params on {Q['n_races']} races before 2024 ({time.perf_counter() - t0:.0f} s)")
            g, t, _ = tune_finish(Q, logs, s, fit_ids, me, gains_grid, troubles, n_fit, a.seed + 10_000, say)
            sc = _score(with_finish_gain(Q, g, t), logs, s, val_ids, n_val, a.seed + 11_000, me)
            rows.append({"candidate": ci, "rating": json.dumps(rk), "trouble": t, "gains": g, **sc})
            chosen[ci] = (g, t)
            say(f"  2024 validation: {rows[-1]} ({time.perf_counter() - t0:.0f} s)")
        val = pd.DataFrame(rows)
        best = int(val.loc[val[a.criterion].idxmin(), "candidate"])
        print(f"2024 validation (fit_params 2019-2023, finish gains/trouble 2020-2023; {len(val_ids)} races):")
        print(val.drop(columns="gains").to_string(index=False))
        print(f"chosen rating {cands[best]} (smallest {a.criterion}), trouble {chosen[best][1]}")
    else:
        best, val = 0, pd.DataFrame()
        chosen[best] = (gains0, trouble0)
    if not a.write:
        return 0
    rk = dict(cands[best])
    g_start, t_keep = chosen[best]
    s = prerace_strengths(logs, rating_kwargs=rk)
    all_ids = list(feat.index[(date >= "2020-01-01") & (date < "2025-01-01")])
    if a.quick:
        all_ids = fit_ids + val_ids
    P = fit_params(logs, cutoff="2025-01-01", seed=a.seed, quick=a.quick, strengths=s, finish_gain=g_start,
                   trouble=t_keep, rating_kwargs=rk)
    say(f"refit 1 on {P['n_races']} races before 2025 ({time.perf_counter() - t0:.0f} s)")
    gains_f, _, tab_f = tune_finish(P, logs, s, all_ids, me, gains_grid, (t_keep,), n_fit, a.seed + 12_000, say)
    P = fit_params(logs, cutoff="2025-01-01", seed=a.seed, quick=a.quick, strengths=s, finish_gain=gains_f,
                   trouble=t_keep, rating_kwargs=rk)
    say(f"refit 2 with gains {gains_f} ({time.perf_counter() - t0:.0f} s)")
    out = with_finish_gain(P, gains_f, t_keep)
    for k in KEEP:
        if k in P0:
            out[k] = P0[k]
    out["mean_error_sd"] = me
    out["finish_gain_fit"] = {
        "gains": gains_f, "trouble": t_keep, "train_races": len(all_ids), "grid": list(gains_grid),
        "script": "scripts/fit_rating_model.py",
        "trouble_choice": "tune_finish on 2020-2023 with each candidate rating, chosen with it on the 2024 races",
        "table": tab_f.round(4).to_dict("records")}
    out["rating_fit"] = {
        "rating": rk, "candidates": cands, "script": "scripts/fit_rating_model.py",
        "choice": f"smallest 2024 {a.criterion} ('loss' = sum of log(slope)^2, win/top5/top10; 'crps' = mean "
                  "CRPS of DK points); fit_params 2019-2023, finish gains and trouble 2020-2023",
        "validation_2024": val.to_dict("records"),
        "kept_from_previous": [k for k in KEEP if k in P0 and k != "finish_gain_fit"]}
    f = Path(dfslab.__file__).parent / "_data" / "racesim_params.json"
    f.write_text(json.dumps(out, indent=1, default=float))
    say(f"wrote {f} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
