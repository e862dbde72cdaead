"""Real-slate parameters fitted without one slate (for backtests on the real slates).

The blend weights, the salary->strength slopes and the mean error are fitted on the
12 real slates (:mod:`._realfit`). A backtest on one of those slates with the shipped
values has seen the race it is judged on. :func:`fit_loso` refits the three for each
slate on the other 11 (``scripts/fit_real_slate_loso.py`` writes the result to
``dfslab/_data/racesim_loso.json``) and :func:`loso_simulator_kwargs` returns them as
:class:`RaceSimulator` keyword arguments.
"""

from __future__ import annotations

import json
import time
from importlib import resources

import numpy as np
import pandas as pd

from ..exceptions import InputError

LOSO_FILE = "_data/racesim_loso.json"
QUICK_MEAN_ERRORS = (0.0, 0.35, 0.8)


def load_loso() -> dict:
    """The shipped leave-one-slate-out fits (``dfslab/_data/racesim_loso.json``; {} when absent)."""
    f = resources.files("dfslab").joinpath(LOSO_FILE)
    return json.loads(f.read_text()) if f.is_file() else {}


def loso_simulator_kwargs(race) -> dict:
    """:class:`RaceSimulator` keyword arguments fitted without ``race`` (one of the real slates).

    Parameters
    ----------
    race : str or RealRace
        A race name as :func:`dfslab.io.load_real_races` names it (``RealRace.name``, e.g.
        ``"cup_2025-09-13_8227c09"`` or ``"2026-07-12_atlanta"``), or the race itself.

    Returns
    -------
    dict
        ``{"blend_weights": {sources key: {source: weight}}, "salary_slopes": {"slope":
        {archetype: x}, "pooled_slope": y}}``, each fitted on the other real slates; ``{}``
        for a race that was not in the fit (a new race folder: the shipped parameters never
        saw it). The mean error is not among them: the simulator keeps the shipped value,
        the one the finish gains were fitted with on loop-data races (2019-2024, no real
        slate). The coverage rule's pick per slate is kept in the file (``mean_error``) as a
        diagnostic only: the slates' coverage is flat in it, and a value other than the one
        the gains were fitted with would change the calibrated finishing order.

    Examples
    --------
    >>> from dfslab.racesim import RaceSimulator
    >>> from dfslab.studies import loso_simulator_kwargs
    >>> kw = loso_simulator_kwargs("cup_2025-09-13_8227c09")
    >>> sorted(kw)
    ['blend_weights', 'crowd', 'salary_slopes']
    >>> sim = RaceSimulator(1000, random_state=0, **kw)
    >>> sorted(loso_simulator_kwargs("2027-02-14_daytona"))  # never in a fit: the shipped weights, all-race crowd
    ['crowd']
    """
    name = race if isinstance(race, str) else getattr(race, "name", None)
    if not isinstance(name, str):
        raise InputError(f"race: expected a race name (str) or a RealRace, got {type(race).__name__}")
    out = {"crowd": crowd_without(race)}
    fit = loso_fit_of(race)
    if fit is None:
        return out
    return {**out, "blend_weights": {k: dict(v) for k, v in fit["blend_weights"].items()},
            "salary_slopes": {"slope": dict(fit["salary_slopes"]["slope"]),
                              "pooled_slope": fit["salary_slopes"]["pooled_slope"]}}


def crowd_without(race) -> dict:
    """The crowd coefficients fitted without ``race`` (``racesim_crowd.json``, by name or key), else the all-race
    fit (which never saw a race added since): ``{"gap", "own", "chalk_sd"}`` for ``RaceSimulator(crowd=...)``."""
    from ..racesim import load_crowd_weights

    cw = load_crowd_weights()
    name = _loso_name(race, cw.get("races", {}))
    c = cw["races"][name] if name is not None else cw["all"]
    return {"gap": float(c["gap"]), "own": float(c["own"]), "chalk_sd": float(cw.get("chalk_sd", 0.0))}


def _loso_name(race, races: dict) -> str | None:
    name = race if isinstance(race, str) else race.name
    if name in races:
        return name
    key = getattr(race, "key", None)
    return next((n for n, f in races.items() if key is not None and f.get("key") == key), None)


def loso_fit_of(race) -> dict | None:
    """The shipped held-out fit of ``race`` (by folder name, else by :attr:`RealRace.key` for a copy of a
    shipped race under another name); None when the shipped fit never saw the race."""
    races = load_loso().get("races", {})
    name = _loso_name(race, races)
    return None if name is None else races[name]


def race_model_training(race) -> dict:
    """Which real slates the race model's real-slate parameters used for ``race`` (never ``race`` itself).

    ``{"how": ..., "races": [names]}``: the held-out fit without it when the shipped fit holds it, else the
    shipped parameters, whose slates are listed (the race is not among them).
    """
    d = load_loso().get("races", {})
    own = _loso_name(race, d)
    if own is not None:
        return {"how": "held-out fit (blend weights, salary slopes) without this race",
                "races": sorted(n for n in d if n != own)}
    return {"how": "shipped parameters (blend weights, salary slopes); they never saw this race", "races": sorted(d)}


def _salary_means(slates, params, values_of, n_scenarios, seed, mean_error) -> dict:
    """{(slate, slope): simulated mean DK points from salary alone} for every slope ``values_of(slate)`` lists.

    Same seeds as :func:`._realfit.source_means`, so the all-slate means are the ones the shipped fit used.
    """
    from ..racesim import salary_strength
    from ._race_realfit import _sim

    out = {}
    for i, x in enumerate(slates):
        for b in sorted(values_of(x)):
            res = _sim(params, x.slate, salary_strength(x.slate.salaries, slope=b), n_scenarios, seed + i, mean_error)
            out[(x.name, b)] = res.points.mean(0, dtype=np.float64)
    return out


def _means_table(slates, base: pd.DataFrame, sal: dict, slopes: dict) -> pd.DataFrame:
    """Source means of every slate with the salary means of ``slopes`` (as :func:`._realfit.source_means`)."""
    m = base.copy()
    for x in slates:
        b = slopes["slope"].get(x.archetype, slopes["pooled_slope"])
        m.loc[m["slate"] == x.name, "salary"] = sal[(x.name, b)]
    return m


def fit_loso(params: dict | None = None, slates=None, seed: int = 0, quick: bool = False, say=None) -> dict:
    """Fit the blend weights, salary slopes and mean error once per real slate, without that slate.

    The same procedure as the shipped fit (:func:`dfslab.studies._race_fit.fit_race_model`, step 4),
    with the same seeds: salary slopes by CRPS (:func:`._realfit.slopes_from_scores` with
    ``exclude``), the source means (salary means with the held-out slate's slopes), the NNLS
    blend per set of sources on the other slates (:func:`._realfit.fit_blend`, including its
    rule of shipping the best single source when the blend does not beat it), and the mean
    error picked (:func:`._realfit.pick_mean_error`) on the coverage of the other slates.

    One approximation: the mean-error table simulates each other slate matched to its own
    leave-one-slate-out blend target, whose weights saw the held-out slate (a nested refit
    would cost 12 times the matched simulations); the held-out slate's own drivers never
    enter its pick.

    Returns
    -------
    dict
        ``{"races": {name: {"blend_weights", "salary_slopes", "mean_error", ...}}, "all_slates":
        {the same fitted on all slates}, "shipped": {...}, "settings": {...}}``.
    """
    from ..racesim import load_blend_weights, load_default_params
    from ._race_realfit import (
        MEAN_ERRORS,
        _sim,
        fit_blend,
        loso_blend_targets,
        mean_error_drivers,
        mean_error_table,
        pick_mean_error,
        real_slates,
        salary_grid_scores,
        slopes_from_scores,
    )

    t0 = time.perf_counter()
    say = say or (lambda *a, **k: None)
    P = load_default_params() if params is None else params
    me0 = float(P.get("mean_error_sd", 0.0))
    slates = real_slates(params=P) if slates is None else slates
    n = 800 if quick else 2000
    n_means = 1500 if quick else 3000
    scores = salary_grid_scores(slates, P, n_scenarios=n, seed=seed + 40_000, mean_error=me0)
    all_slopes = slopes_from_scores(scores)
    slopes = {x.name: slopes_from_scores(scores, exclude=x.name) for x in slates}
    say(f"salary slopes: {time.perf_counter() - t0:.0f} s")
    need = {x.name: {s["slope"].get(x.archetype, s["pooled_slope"]) for s in [all_slopes, *slopes.values()]}
            for x in slates}
    sal = _salary_means(slates, P, lambda x: need[x.name], n_means, seed + 42_000, me0)
    rows = []
    for i, x in enumerate(slates):
        df = pd.DataFrame({"slate": x.name, "name": x.slate.players["name"].to_numpy(), "actual": x.actual})
        if "projection" in x.slate.players and x.slate.players["projection"].notna().all():
            df["projection"] = x.slate.players["projection"].to_numpy(float)
        if x.history is not None:
            df["history"] = _sim(P, x.slate, x.history, n_means, seed + 42_000 + i, me0).points.mean(0, dtype=np.float64)
        rows.append(df)
    base = pd.concat(rows, ignore_index=True)
    base["salary"] = np.nan
    cols = ["slate", "name", "actual", "salary"] + [c for c in ("projection", "history") if c in base]
    base = base[cols]
    say(f"source means: {time.perf_counter() - t0:.0f} s")
    means_all = _means_table(slates, base, sal, all_slopes)
    blend_all = fit_blend(means_all, n_boot=0)
    grid = QUICK_MEAN_ERRORS if quick else MEAN_ERRORS
    drv = mean_error_drivers(slates, P, loso_blend_targets(means_all), all_slopes, grid=grid, n_scenarios=n,
                             seed=seed + 43_000)
    me_all = pick_mean_error(mean_error_table(drv))
    say(f"mean-error table ({len(grid)} values x {len(slates)} slates): {time.perf_counter() - t0:.0f} s")
    races = {}
    for x in slates:
        m = _means_table(slates, base, sal, slopes[x.name])
        b = fit_blend(m[m["slate"] != x.name], n_boot=0)
        tab = mean_error_table(drv[drv["slate"] != x.name])
        races[x.name] = {
            "key": x.key, "archetype": x.archetype, "n_slates_fit": len(slates) - 1,
            "blend_weights": b["subsets"],
            "blend_shipped_as": {k: v["shipped"] for k, v in b["evaluation"].items()},
            "salary_slopes": {"slope": slopes[x.name]["slope"], "pooled_slope": slopes[x.name]["pooled_slope"]},
            "mean_error": round(pick_mean_error(tab), 3),
            "mean_error_coverage": {f"{r.mean_error:g}": round(float(r.coverage_10_90), 4) for r in tab.itertuples()},
        }
    shipped_slopes = P.get("salary_strength", {})
    return {
        "races": races,
        "all_slates": {"blend_weights": blend_all["subsets"],
                       "salary_slopes": {"slope": all_slopes["slope"], "pooled_slope": all_slopes["pooled_slope"]},
                       "mean_error": round(me_all, 3),
                       "mean_error_table": mean_error_table(drv).round(4).to_dict("records")},
        "shipped": {"blend_weights": load_blend_weights().get("subsets", {}),
                    "salary_slopes": {"slope": shipped_slopes.get("slope", {}),
                                      "pooled_slope": shipped_slopes.get("pooled_slope")},
                    "mean_error": me0},
        "settings": {"quick": quick, "seed": seed, "n_scenarios_scores": n, "n_scenarios_means": n_means,
                     "mean_error_grid": list(grid), "mean_error_used_in_simulations": me0,
                     "n_slates": len(slates), "seconds": round(time.perf_counter() - t0, 1)},
    }
