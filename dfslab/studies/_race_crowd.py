"""The crowd as evidence: how actual DK points depend on the vendor's projection and the field's ownership, given
our blended mean (issue 22; ``scripts/fit_crowd.py`` writes ``dfslab/_data/racesim_crowd.json``).

For every real race with results each driver's simulated mean ``m`` comes from the race model the backtest runs
(held-out real-slate parameters, practice, the crowd switched off). Then, with race-clustered standard errors,

    actual - m  ~  1 + gap * (vendor projection - m)_c + own * r,

``r`` = the within-race residual of log projected ownership on ``m`` and salary: what the crowd thinks beyond what
we think. Leave-one-race-out: every race gets coefficients fitted on the other races (what a backtest of it uses),
and the CRPS of actual points with the held-out shift applied to the simulated points is compared with none.

The shared chalk factor's size (``chalk_sd``) is the value at which the simulated race-to-race spread of the
crowd's alpha -- the real field's mean lineup minus uniform picks, relative to our means -- matches the real one
(0.30 on 14 races, shipped shrunk to 0.25: a variance parameter cannot be held out with 14 races). The fit
reports the real and simulated spread at the shipped value.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

#: sd (strength units) of the per-scenario factor shared by the drivers the crowd owns (see the module docstring)
CHALK_SD = 0.25


def _race_table(race, P: np.ndarray) -> pd.DataFrame:
    p = race.slate.players
    m = P.mean(0)
    d = pd.DataFrame({"race": race.name, "key": race.key, "actual": np.asarray(race.actual, float), "m": m,
                      "projection": p["projection"].to_numpy(float), "own": p["ownership"].to_numpy(float),
                      "salary": race.slate.salaries.astype(float)})
    d["y"] = d["actual"] - d["m"]
    gap = d["projection"] - d["m"]
    d["gap_c"] = gap - gap.mean()
    lo = np.log(np.maximum(d["own"].to_numpy(), 0.1))
    X = np.column_stack([np.ones(len(d)), d["m"] - d["m"].mean(), (d["salary"] - d["salary"].mean()) / 1000.0])
    d["lo_res"] = lo - X @ np.linalg.lstsq(X, lo, rcond=None)[0]
    d["lo_z"] = (lo - lo.mean()) / lo.std()
    return d


def _ols(D: pd.DataFrame):
    import statsmodels.api as sm

    X = sm.add_constant(D[["gap_c", "lo_res"]].to_numpy())
    groups = pd.factorize(D["race"])[0]
    return sm.OLS(D["y"].to_numpy(), X).fit(cov_type="cluster", cov_kwds={"groups": groups})


def fit_crowd(races=None, n_scenarios: int | None = None, seed: int = 7, quick: bool = False, say=None) -> dict:
    """Fit the crowd relation on real races (see the module docstring); returns the shippable dict plus figures.

    Parameters
    ----------
    races : list of RealRace, optional
        Default :func:`dfslab.io.load_real_races` (every real race with results and a vendor projection and
        projected ownership).
    n_scenarios : int, optional
        Simulated races per real race (default 3,000; 600 quick).

    Returns
    -------
    dict
        ``all`` ({gap, own, se, ci}), ``races`` ({name: {gap, own, key}}, each fitted without that race),
        ``chalk_sd``, ``crps_with`` / ``crps_without`` (leave-one-race-out, per driver-race), ``crps_diff_se``
        (across races), ``alpha_sd_real`` / ``alpha_sd_sim`` (the crowd's alpha across races, at the shipped
        chalk factor: simulated), ``n_races``, ``n_drivers``, ``settings``.
    """
    import warnings

    from ..io import load_real_races
    from ..racesim import RaceSimulator
    from ._race_calibration import crps_samples
    from ._race_loso import loso_simulator_kwargs

    t0 = time.perf_counter()
    say = say or (lambda *a, **k: None)
    races = load_real_races() if races is None else races
    races = [r for r in races if {"projection", "ownership"} <= set(r.slate.players)
             and r.slate.players[["projection", "ownership"]].notna().all().all()]
    n = int(n_scenarios or (600 if quick else 3000))
    tabs, sims, alpha_sim = [], {}, []
    for i, r in enumerate(races):
        kw = {k: v for k, v in loso_simulator_kwargs(r).items() if k != "crowd"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            P = RaceSimulator(n, random_state=seed + i, crowd=None, **kw).simulate(r.slate).points.astype(np.float64)
            # the same race with the shipped chalk factor alone (no mean shift): the simulated spread of the alpha
            Pc = RaceSimulator(n, random_state=seed + i, crowd={"gap": 0.0, "own": 0.0, "chalk_sd": CHALK_SD},
                               **kw).simulate(r.slate).points.astype(np.float64)
        d = _race_table(r, P)
        tabs.append(d)
        sims[r.name] = P
        w = d["own"].to_numpy() / 100.0 - 6.0 / len(d)
        alpha_sim.append(float(((Pc - Pc.mean(0)) @ w).std()))  # per-scenario alpha around its mean
        say(f"crowd fit: {r.name} ({time.perf_counter() - t0:.0f} s)")
    D = pd.concat(tabs, ignore_index=True)
    f = _ols(D)
    ci = f.conf_int()
    out = {"all": {"gap": round(float(f.params[1]), 4), "own": round(float(f.params[2]), 4),
                   "se": [round(float(f.bse[1]), 4), round(float(f.bse[2]), 4)],
                   "ci": [[round(float(ci[1][0]), 4), round(float(ci[1][1]), 4)],
                          [round(float(ci[2][0]), 4), round(float(ci[2][1]), 4)]]},
           "chalk_sd": CHALK_SD, "races": {}}
    with_, without, per_race = [], [], []
    for r in races:
        tr = D[D["race"] != r.name]
        b = _ols(tr).params
        out["races"][r.name] = {"key": r.key, "gap": round(float(b[1]), 4), "own": round(float(b[2]), 4)}
        d = D[D["race"] == r.name]
        shift = b[1] * d["gap_c"].to_numpy() + b[2] * d["lo_res"].to_numpy()
        shift -= shift.mean()
        P, y = sims[r.name], d["actual"].to_numpy()
        c0, c1 = crps_samples(P, y), crps_samples(P + shift[None, :], y)
        with_.append(c1)
        without.append(c0)
        per_race.append(float(c1.mean() - c0.mean()))
    alpha_real = [float(((g["own"] / 100.0 - 6.0 / len(g)) * g["y"]).sum()) for _, g in D.groupby("race", sort=False)]
    out.update({
        "crps_with": round(float(np.concatenate(with_).mean()), 4),
        "crps_without": round(float(np.concatenate(without).mean()), 4),
        "crps_diff_se": round(float(np.std(per_race, ddof=1) / np.sqrt(len(per_race))), 4) if len(per_race) > 1 else None,
        "alpha_sd_real": round(float(np.std(alpha_real, ddof=1)), 2),
        "alpha_sd_sim": round(float(np.sqrt(np.mean(np.square(alpha_sim)))), 2),
        "n_races": len(races), "n_drivers": int(len(D)),
        "settings": {"n_scenarios": n, "seed": seed, "quick": quick, "seconds": round(time.perf_counter() - t0, 1),
                     "command": "python scripts/fit_crowd.py --write"},
    })
    return out
