"""The race model on real races in every information case a user meets (issue 22, item 4).

A = starts known, vendor projection (after qualifying, with a paid projection: the backtest's case);
B = starts known, no projection (after qualifying, a bare DKSalaries.csv plus the starting grid);
C = no starts, projection (a projection imported into a fresh DKSalaries.csv before qualifying);
D = no starts, no projection (a bare DKSalaries.csv before qualifying).

Each real race is simulated as the report would simulate it -- with its held-out real-slate parameters and crowd
fit (:func:`loso_simulator_kwargs`) -- and scored: calibration slopes of P(win) / P(top 5) / P(top 10) / P(leads
most laps), 10-90% coverage, CRPS, simulated vs real DNFs per race, and the smallest P(win) any driver gets at a
superspeedway (the draft makes anyone a possible winner).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

CASES = {"A": "starts known, vendor projection", "B": "starts known, no projection",
         "C": "no starts, vendor projection", "D": "no starts, no projection"}


def _case_slate(slate, case: str):
    p = slate.players.copy()
    if case in ("B", "D"):
        p = p.drop(columns=[c for c in ("projection", "floor", "ceiling", "ownership") if c in p])
    if case in ("C", "D"):
        p = p.drop(columns=[c for c in ("start",) if c in p])
    return slate.with_players(p)


def information_cases(races=None, cases=tuple(CASES), n_scenarios: int = 2000, seed: int = 100,
                      dk_2026_only: bool = True, n_boot: int = 100, simulator_options: dict | None = None,
                      say=None) -> dict:
    """Calibration of the race model in each information case (see the module docstring).

    Parameters
    ----------
    races : list of RealRace, optional
        Default: the dk_2026 races with a full pool (``dk_2026_only``) or every real race with results.
    cases : sequence of {"A", "B", "C", "D"}
    n_boot : int
        Race-bootstrap draws for the slopes' 95% intervals (0 = none).
    simulator_options : dict, optional
        RaceSimulator settings that override the defaults (a sensitivity run, e.g. ``{"prequal": "matched"}``).

    Returns
    -------
    dict
        ``{case: {"what", "n_races", "slope_win", "slope_top5", "slope_top10", "slope_most_laps_led",
        "coverage_10_90", "crps", "dnf_sim", "dnf_real", "dnf_diff", "pwin0_per_race",
        "min_pwin_superspeedway", "slope_*_ci"}, "settings": {...}}``.
    """
    from ..io import load_real_races
    from ..names import name_key
    from ..racesim import RaceSimulator
    from ._race_evaluate import PROB_EVENTS, calibration_slope, score_race, slope_intervals
    from ._race_loso import loso_simulator_kwargs

    t0 = time.perf_counter()
    say = say or (lambda *a, **k: None)
    if races is None:
        races = load_real_races(include_2025=not dk_2026_only)
    opts = dict(simulator_options or {})
    D, R = [], []
    for ri, r in enumerate(races):
        res_t = r.results.assign(k=r.results["name"].map(name_key)).drop_duplicates("k").set_index("k")
        keys = r.slate.players["name"].map(name_key)
        fin = keys.map(res_t["finish"]).to_numpy(float)
        ll = keys.map(res_t["laps_led"]).to_numpy(float)
        real_dnf = int((r.results["status"].astype(str).str.lower() != "running").sum())
        for case in cases:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sim = RaceSimulator(n_scenarios, random_state=seed + ri, **{**loso_simulator_kwargs(r), **opts})
                res = sim.simulate(_case_slate(r.slate, case))
            d, _ = score_race(res, r.actual, fin, ll)
            d["race_id"], d["case"], d["archetype"] = r.name, case, r.slate.archetype
            D.append(d)
            R.append({"race": r.name, "case": case, "archetype": r.slate.archetype, "dnf_real": real_dnf,
                      "dnf_sim": float(res.dnf.sum(1).mean()), "n_pwin0": int((d["p_win"] == 0).sum()),
                      "min_pwin": float(d["p_win"].min())})
        say(f"information cases: {r.name} ({time.perf_counter() - t0:.0f} s)")
    D, R = pd.concat(D, ignore_index=True), pd.DataFrame(R)
    out = {}
    for case, g in D.groupby("case"):
        ok = np.isfinite(g["actual"])
        rr = R[R["case"] == case]
        row = {"what": CASES[case], "n_races": int(g["race_id"].nunique()),
               "coverage_10_90": round(float(g.loc[ok, "inside"].mean()), 4),
               "crps": round(float(g.loc[ok, "crps"].mean()), 4)}
        for ev in PROB_EVENTS:
            y = g[f"y_{ev}"].astype(float)
            keep = np.isfinite(y)
            row[f"slope_{ev}"] = round(float(calibration_slope(g.loc[keep, f"p_{ev}"], y[keep], n_scenarios)), 4)
        if n_boot:
            ci = slope_intervals(g.astype({f"y_{ev}": float for ev in PROB_EVENTS}), n_scenarios, n_boot=n_boot,
                                 seed=seed)
            row.update({f"{k}_ci": [round(float(v[0]), 2), round(float(v[1]), 2)] for k, v in ci.items()})
        row["dnf_sim"], row["dnf_real"] = round(float(rr["dnf_sim"].mean()), 2), round(float(rr["dnf_real"].mean()), 2)
        row["dnf_diff"] = round(row["dnf_sim"] - row["dnf_real"], 2)
        row["pwin0_per_race"] = round(float(rr["n_pwin0"].mean()), 2)
        ss = rr[rr["archetype"] == "superspeedway"]
        row["min_pwin_superspeedway"] = round(float(ss["min_pwin"].min()), 4) if len(ss) else None
        out[case] = row
    out["settings"] = {"n_scenarios": n_scenarios, "seed": seed, "races": [r.name for r in races],
                       "simulator_options": opts, "seconds": round(time.perf_counter() - t0, 1)}
    return out
