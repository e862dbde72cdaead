"""The whole fit of the race model, in the order the pieces depend on each other.

1. Pre-race strengths of every loop-data race (races strictly before it).
2. :func:`fit_params` on races before 2025-01-01 (regimes, Plackett-Luce, DNFs with
   a recency half-life chosen on the training seasons, lap allocation), with the
   finish gain on (the lap-allocation moments are matched without the mean error:
   matched with it on, the laps-led favourite became under-confident, slope 1.5).
3. The **finish gain** per archetype and one pooled **trouble** probability (a running
   car has a bad day and finishes behind every car without trouble): together they
   make the simulated P(win), P(top 5), P(top 10) calibrated (logistic calibration
   slopes ~1) on the 2020-2024 training races (one gain alone cannot: raising it
   sharpens the whole order, and top 10 turns over-confident before win is right);
   then step 2 again with them.
4. On the 12 real slates: the salary->strength slopes, the blend weights and the
   **mean error** (:mod:`._realfit`).

2025 never enters steps 1-3. Step 4 uses the 7 real 2025 slates (7 of the 95
held-out 2025 races) for three small things: salary slopes, blend weights and one
scalar, the mean error.
"""

from __future__ import annotations

import copy
import time

import numpy as np
import pandas as pd

from ._race_calibration import clean_race_ids, fit_params, prerace_strengths, race_features
from ._race_evaluate import PROB_EVENTS, evaluate_logged_races, figures

CUTOFF = pd.Timestamp("2025-01-01")
FINISH_GAINS = (1.0, 1.4, 1.8, 2.2, 2.6, 3.0, 3.5)
QUICK_FINISH_GAINS = (1.4, 2.2, 3.0)
TROUBLES = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3)
QUICK_TROUBLES = (0.0, 0.2)
MIN_ARCH_RACES = 30  # archetypes with fewer training races take the pooled finish gain
FINISH_EVENTS = ("win", "top5", "top10")


def with_finish_gain(params: dict, gains, trouble: float | None = None) -> dict:
    """A copy of ``params`` with ``finish_gain`` set per archetype (a number or a dict) and, when
    given, the pooled ``finish_trouble``."""
    P = copy.deepcopy(params)
    for a, p in P["archetypes"].items():
        p["finish_gain"] = float(gains.get(a, gains.get("pooled", 1.0)) if isinstance(gains, dict) else gains)
        if trouble is not None:
            p["finish_trouble"] = float(trouble)
    return P


def _parabola_min(x, y) -> float:
    """Minimum of a parabola through the grid minimum and its neighbours (the grid point at the edges)."""
    i = int(np.argmin(y))
    if i == 0 or i == len(x) - 1:
        return float(x[i])
    xs, ys = np.asarray(x[i - 1:i + 2], float), np.asarray(y[i - 1:i + 2], float)
    a, b, _ = np.polyfit(xs, ys, 2)
    return float(np.clip(-b / (2 * a), xs[0], xs[-1])) if a > 0 else float(x[i])


def tune_finish(params, logs, strengths, race_ids, mean_error: float, grid=FINISH_GAINS, troubles=TROUBLES,
                n_scenarios=600, seed=0, say=print) -> tuple[dict, float, pd.DataFrame]:
    """Finish gain per archetype and the pooled trouble probability, from the calibration slopes on training races.

    Loss = sum over win / top 5 / top 10 of log(slope)^2. For each trouble value every
    archetype takes its best gain on the grid; the trouble value with the smallest
    race-weighted loss over the archetypes with at least :data:`MIN_ARCH_RACES` races
    is kept, and each archetype's gain at it is refined by a parabola through the grid
    minimum. Archetypes with fewer races take the pooled gain.

    Returns ({archetype: gain, "pooled": gain}, trouble, table of slopes per trouble, gain and archetype).
    """
    rows = []
    for tr in troubles:
        for fg in grid:
            d, r, _ = evaluate_logged_races(with_finish_gain(params, fg, tr), logs, strengths, race_ids, n_scenarios,
                                            seed, mean_error=mean_error)
            for a, g in [("pooled", d)] + list(d.groupby("archetype")):
                f = figures(g, r if a == "pooled" else r[r["archetype"] == a], n_scenarios)
                loss = sum(np.log(max(f[f"slope_{e}"], 1e-3)) ** 2 for e in FINISH_EVENTS)
                rows.append({"trouble": tr, "finish_gain": fg, "archetype": a, "races": f["n_races"], "loss": loss,
                             **{f"slope_{e}": f[f"slope_{e}"] for e in PROB_EVENTS},
                             "coverage_10_90": f["coverage_10_90"], "crps": f["crps"],
                             "top6_pit_mean": f["top6_pit_mean"], "dnf_diff": f["dnf_diff"]})
            p = rows[-1 - d["archetype"].nunique()]
            say(f"  trouble {tr}, finish gain {fg}: slopes win {p['slope_win']:.2f} top5 {p['slope_top5']:.2f} "
                f"top10 {p['slope_top10']:.2f} most-led {p['slope_most_laps_led']:.2f}, coverage "
                f"{p['coverage_10_90']:.3f}, CRPS {p['crps']:.3f}")
    tab = pd.DataFrame(rows)
    own = tab[(tab["archetype"] != "pooled") & (tab["races"] >= MIN_ARCH_RACES)]
    if own.empty:  # few training races (quick mode): the pooled loss decides
        own = tab[tab["archetype"] == "pooled"]
    best = own.groupby(["trouble", "archetype"]).agg(loss=("loss", "min"), races=("races", "first")).reset_index()
    by_t = best.groupby("trouble").apply(lambda g: np.average(g["loss"], weights=g["races"]), include_groups=False)
    trouble = float(by_t.idxmin())
    return finish_gains_at(tab, trouble, params["archetypes"]), trouble, tab


def finish_gains_at(tab: pd.DataFrame, trouble: float, archetypes) -> dict:
    """Each archetype's finish gain at one trouble value of a :func:`tune_finish` table
    (parabola through the grid minimum; archetypes with fewer than :data:`MIN_ARCH_RACES`
    races take the pooled gain)."""
    out = {}
    for a, g in tab[np.isclose(tab["trouble"], trouble)].groupby("archetype"):
        g = g.sort_values("finish_gain")
        if a == "pooled" or g["races"].iloc[0] >= MIN_ARCH_RACES:
            out[a] = round(_parabola_min(g["finish_gain"].to_numpy(), g["loss"].to_numpy()), 3)
    for a in archetypes:
        out.setdefault(a, out["pooled"])
    return out


def fit_race_model(logs=None, quick: bool = False, seed: int = 0, mean_error: float | None = None,
                   finish_gain: float = 2.0, verbose: bool = False, real=True, rating_kwargs=None) -> dict:
    """Fit every parameter of the race model; returns {"params", "blend", "tables", "seconds"}.

    Parameters
    ----------
    logs : DataFrame, optional
        :func:`dfslab.read_race_logs` rows.
    quick : bool
        Coarse grids, fewer races and scenarios (for tests; figures are rougher).
    mean_error : float, optional
        The mean error on during steps 2-3 (default: the shipped value), and the one
        shipped in ``params["mean_error_sd"]``: the finish gains and the lap allocation
        are fitted with it. Step 4 also picks a value on the real slates
        (``params["mean_error_fit"]["picked"]``; it is not identified there: coverage is
        flat in it); pass it as ``mean_error`` to refit everything with it.
    finish_gain : float
        Starting finish gain of the first lap-allocation fit.
    real : bool
        Run step 4 (needs the real slates).
    rating_kwargs : dict, optional
        :class:`DriverRatingModel` settings of the pre-race strengths (default: the shipped
        ``params["rating"]``); stored in ``params["rating"]`` so every later use of the
        parameters computes strengths the same way.
    """
    from ..io import read_race_logs
    from ..racesim import load_default_params

    t0 = time.perf_counter()
    say = print if verbose else (lambda *a, **k: None)
    logs = read_race_logs() if logs is None else logs
    if mean_error is None:
        mean_error = float(load_default_params().get("mean_error_sd", 0.0))
    if rating_kwargs is None:
        rating_kwargs = dict(load_default_params().get("rating") or {})
    strengths = prerace_strengths(logs, rating_kwargs=rating_kwargs)
    P = fit_params(logs, cutoff=CUTOFF, seed=seed, quick=quick, strengths=strengths, finish_gain=finish_gain,
                   rating_kwargs=rating_kwargs)
    say(f"fit 1 on {P['n_races']} races before {CUTOFF.date()} (mean error {mean_error}, finish gain "
        f"{finish_gain}): {time.perf_counter() - t0:.0f} s")
    ok, _ = clean_race_ids(logs)
    feat = race_features(logs[logs["race_id"].isin(ok)])
    tr = feat.index[(feat["race_date"] >= "2020-01-01") & (feat["race_date"] < CUTOFF)]
    if quick:
        tr = pd.Index(np.random.default_rng(seed).choice(tr, 60, replace=False))
    gains, trouble, fg_tab = tune_finish(P, logs, strengths, list(tr), mean_error,
                                         QUICK_FINISH_GAINS if quick else FINISH_GAINS,
                                         QUICK_TROUBLES if quick else TROUBLES, 300 if quick else 600, seed + 10_000, say)
    say(f"finish gains {gains}, trouble {trouble}: {time.perf_counter() - t0:.0f} s")
    P = fit_params(logs, cutoff=CUTOFF, seed=seed, quick=quick, strengths=strengths, finish_gain=gains,
                   trouble=trouble, rating_kwargs=rating_kwargs)
    P["finish_gain_fit"] = {"gains": gains, "trouble": trouble, "train_races": int(len(tr)),
                            "grid": list(fg_tab["finish_gain"].unique()), "trouble_grid": list(fg_tab["trouble"].unique()),
                            "table": fg_tab.round(4).to_dict("records")}
    P["temperature"] = 1.0
    P["mean_error_sd"] = float(mean_error)
    say(f"fit 2 with the finish gains: {time.perf_counter() - t0:.0f} s")
    tables = {"finish_gain": fg_tab, "mean_error_used_in_fit": mean_error}
    blend = {}
    if real:
        P, blend, real_tables = fit_real_slate_part(P, logs, quick=quick, seed=seed, mean_error=mean_error, say=say)
        tables.update(real_tables)
    return {"params": P, "blend": blend, "tables": tables, "seconds": round(time.perf_counter() - t0, 1)}


def fit_real_slate_part(P: dict, logs=None, quick: bool = False, seed: int = 0, mean_error: float | None = None,
                        say=None) -> tuple[dict, dict, dict]:
    """Step 4 of :func:`fit_race_model`: salary slopes, blend weights and the mean-error pick on the real slates.

    Fitted on the 12 real slates with the race-model parameters ``P`` (their strengths,
    finish gains and lap allocation shape every simulation). Returns ``(params, blend,
    tables)``: a copy of ``P`` with ``salary_strength`` and ``mean_error_fit`` replaced, the
    blend weights (what ``racesim_blend.json`` holds) and the fit tables. The shipped mean
    error (``P["mean_error_sd"]``) is not changed: the finish gains were fitted with it.
    """
    from ..io import read_race_logs
    from ._race_realfit import (
        fit_blend,
        loso_blend_targets,
        mean_error_drivers,
        mean_error_loso,
        mean_error_table,
        pick_mean_error,
        real_slates,
        salary_fallback_check,
        salary_grid_scores,
        slopes_from_scores,
        source_means,
        top_leader_p95,
    )

    t0 = time.perf_counter()
    say = say or (lambda *a, **k: None)
    logs = read_race_logs() if logs is None else logs
    P = dict(P)
    mean_error = float(P.get("mean_error_sd", 0.0)) if mean_error is None else float(mean_error)
    n = 800 if quick else 2000
    slates = real_slates(params=P)
    p95 = top_leader_p95(logs, CUTOFF)
    scores = salary_grid_scores(slates, P, n_scenarios=n, seed=seed + 40_000, mean_error=mean_error)
    slopes = slopes_from_scores(scores)
    fallback = salary_fallback_check(slates, P, scores, p95, n_scenarios=n, seed=seed + 41_000,
                                     mean_error=mean_error)
    P["salary_strength"] = {**slopes, "fit": "CRPS of actual DK points, salary-only simulation, 12 real slates",
                            "p95_top_leader_share": {a: round(v, 4) for a, v in p95.items()}}
    say(f"salary slopes {slopes['slope']} (pooled {slopes['pooled_slope']}); fallback LOSO coverage "
        f"{fallback['coverage_10_90']:.3f}: {time.perf_counter() - t0:.0f} s")
    means = source_means(slates, P, slopes, n_scenarios=1500 if quick else 3000, seed=seed + 42_000,
                         mean_error=mean_error)
    blend = fit_blend(means, n_boot=300 if quick else 2000, seed=seed)
    targets = loso_blend_targets(means)
    drv = mean_error_drivers(slates, P, targets, slopes, n_scenarios=n, seed=seed + 43_000)
    me_tab = mean_error_table(drv)
    me = round(pick_mean_error(me_tab), 3)
    P["mean_error_fit"] = {"picked": me,
                           "criterion": "smallest mean error with 10-90 % coverage of actual DK points within "
                                        "one binomial s.e. of 0.80 on the 12 real slates (blended means, LOSO "
                                        "weights)",
                           "table": me_tab.round(4).to_dict("records"), "used_in_fit": mean_error,
                           "loso": {k: v for k, v in mean_error_loso(drv).items() if k != "picked"}}
    say(f"mean error {me} (fits used {mean_error}): {time.perf_counter() - t0:.0f} s")
    tables = dict(salary_scores=scores, salary_fallback=fallback, source_means=means, mean_error=me_tab,
                  mean_error_drivers=drv)
    return P, blend, tables
