"""Calibration figures of simulated races against real ones.

For every real race: the simulated distribution of each driver's DK points
(10-90 % coverage, PIT, CRPS), the simulated probabilities of winning, finishing
top 5 / top 10 and leading the most laps (scored by calibration slopes), the
race's DNF count and the percentile of the real top-6 DK sum among the simulated
ones. Used by :func:`dfslab.racesim.run_calibration`, the 2026 check and the
fits of the finish dispersion and of the mean error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._race_calibration import crps_samples

PROB_EVENTS = ("win", "top5", "top10", "most_laps_led")


def calibration_slope(p, y, n_scenarios: int | None = None) -> float:
    """Slope of the logistic regression of outcomes ``y`` on ``logit(p)`` (1 = calibrated).

    Above 1: the forecasts are not confident enough (favourites win more often than
    predicted); below 1: over-confident. Probabilities are clipped to
    ``[0.5 / n, 1 - 0.5 / n]`` (a simulated 0 or 1 from ``n`` scenarios).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.01, 0.6, 20_000)
    >>> y = rng.random(20_000) < p
    >>> round(calibration_slope(p, y), 1)
    1.0
    """
    import statsmodels.api as sm

    p = np.asarray(p, float)
    y = np.asarray(y, float)
    eps = 0.5 / n_scenarios if n_scenarios else 1e-4
    p = np.clip(p, eps, 1 - eps)
    x = np.log(p / (1 - p))
    r = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial()).fit()
    return float(r.params[1])


def score_race(res, actual_points, finish=None, laps_led=None, dnf=None) -> tuple[pd.DataFrame, dict]:
    """Per-driver and race-level scores of one simulated race against what happened.

    Parameters
    ----------
    res : RaceScenarios
    actual_points : array (n_drivers,)
        Actual DK points (slate order).
    finish, laps_led : arrays, optional
        Actual finishing position and laps led (for the probability events).
    dnf : bool array, optional
        Actual DNFs (for the DNF count).
    """
    P = res.points.astype(np.float64)
    y = np.asarray(actual_points, float)
    n = P.shape[0]
    q10, q50, q90 = np.percentile(P, [10, 50, 90], axis=0)
    pit = (P < y[None, :]).mean(0) + 0.5 * (P == y[None, :]).mean(0)
    d = pd.DataFrame({"driver": res.slate.players["name"].to_numpy(), "actual": y, "mean": P.mean(0),
                      "q10": q10, "q50": q50, "q90": q90, "inside": (y >= q10) & (y <= q90), "pit": pit,
                      "crps": crps_samples(P, y)})
    fin = res.finish
    d["p_win"] = (fin == 1).mean(0)
    d["p_top5"] = (fin <= 5).mean(0)
    d["p_top10"] = (fin <= 10).mean(0)
    lead = np.zeros_like(res.laps_led, dtype=bool)
    lead[np.arange(n), res.laps_led.argmax(1)] = True
    d["p_most_laps_led"] = lead.mean(0)
    race = {"n_scenarios": n}
    if finish is not None:
        f = np.asarray(finish, float)
        d["y_win"], d["y_top5"], d["y_top10"] = f == 1, f <= 5, f <= 10
    if laps_led is not None:
        ll = np.asarray(laps_led, float)
        d["y_most_laps_led"] = (ll == np.nanmax(ll)) & (np.nanmax(ll) > 0)
    if dnf is not None:
        race["dnf_real"] = float(np.sum(dnf))
        race["dnf_sim"] = float(res.dnf.sum(1).mean())
        race["dnf_sim_sd"] = float(res.dnf.sum(1).std())
    ok = np.isfinite(y)
    if ok.sum() >= 6:
        real6 = np.sort(y[ok])[-6:].sum()
        sim6 = np.sort(P[:, ok], axis=1)[:, -6:].sum(1)
        race["top6_real"] = float(real6)
        race["top6_sim_mean"] = float(sim6.mean())
        race["top6_pit"] = float((sim6 < real6).mean() + 0.5 * (sim6 == real6).mean())
    return d, race


def slope_intervals(drivers: pd.DataFrame, n_scenarios: int | None = None, n_boot: int = 200, seed: int = 0) -> dict:
    """Race-bootstrap 95 % intervals of the calibration slopes (races resampled with replacement)."""
    rng = np.random.default_rng(seed)
    groups = [g for _, g in drivers.groupby("race_id", sort=False)]
    out = {ev: [] for ev in PROB_EVENTS if f"y_{ev}" in drivers}
    for _ in range(n_boot):
        d = pd.concat([groups[i] for i in rng.integers(0, len(groups), len(groups))])
        for ev in out:
            try:
                out[ev].append(calibration_slope(d[f"p_{ev}"], d[f"y_{ev}"], n_scenarios))
            except Exception:  # noqa: BLE001 - a resample without any event: skip it
                pass
    return {f"slope_{ev}_ci95": [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))]
            for ev, v in out.items() if v}


def figures(drivers: pd.DataFrame, races: pd.DataFrame, n_scenarios: int | None = None) -> dict:
    """The calibration figures of scored races (see :func:`score_race`).

    Returns a dict with coverage_10_90, crps, pearson_r, mae, slope_win, slope_top5,
    slope_top10, slope_most_laps_led (with the favourites' predicted vs real rates),
    top6_pit_mean, dnf_diff (simulated minus real DNFs per race; ``dnf_diff_sd`` = the
    simulated standard deviation of the mean DNF count over these races, so
    ``dnf_diff / dnf_diff_sd`` says how surprising the gap is), n_races,
    n_driver_races and coverage per archetype.
    """
    d = drivers
    out = {"n_races": int(races["race_id"].nunique()), "n_driver_races": int(len(d)),
           "coverage_10_90": float(d["inside"].mean()), "crps": float(d["crps"].mean()),
           "pearson_r": float(np.corrcoef(d["mean"], d["actual"])[0, 1]),
           "mae": float((d["mean"] - d["actual"]).abs().mean()),
           "pit_mean": float(d["pit"].mean()), "pit_var": float(d["pit"].var())}
    for ev in PROB_EVENTS:
        if f"y_{ev}" in d:
            out[f"slope_{ev}"] = calibration_slope(d[f"p_{ev}"], d[f"y_{ev}"], n_scenarios)
    if "top6_pit" in races:
        out["top6_pit_mean"] = float(races["top6_pit"].mean())
        out["top6_real_mean"] = float(races["top6_real"].mean())
        out["top6_sim_mean"] = float(races["top6_sim_mean"].mean())
    if "dnf_real" in races:
        out["dnf_real_mean"] = float(races["dnf_real"].mean())
        out["dnf_sim_mean"] = float(races["dnf_sim"].mean())
        out["dnf_diff"] = out["dnf_sim_mean"] - out["dnf_real_mean"]
        if "dnf_sim_sd" in races:  # spread of the mean real DNF count if the model were right (races independent)
            out["dnf_diff_sd"] = float(np.sqrt(np.sum(races["dnf_sim_sd"] ** 2)) / len(races))
    if "y_win" in d:
        fav = d.loc[d.groupby("race_id")["p_win"].idxmax()]
        out["favourite_p_win"] = float(fav["p_win"].mean())
        out["favourite_won"] = float(fav["y_win"].mean())
    if "archetype" in d:
        out["coverage_by_archetype"] = {a: float(g["inside"].mean()) for a, g in d.groupby("archetype")}
        out["races_by_archetype"] = {a: int(g["race_id"].nunique()) for a, g in d.groupby("archetype")}
    return out


def evaluate_logged_races(params, logs: pd.DataFrame, strengths: pd.Series, race_ids, n_scenarios: int, seed: int,
                          mean_error: float | None = None, finish_gain: float = 1.0):
    """Simulate every race in ``race_ids`` (loop-data rows) from pre-race information and score it.

    Returns (per-driver DataFrame, per-race DataFrame, simulated race-level stats DataFrame).
    """
    from ..racesim import RaceSimulator
    from ..slate import Slate
    from ._race_calibration import race_level_stats

    per_driver, per_race, sims = [], [], []
    groups = {r: g for r, g in logs[logs["race_id"].isin(set(race_ids))].groupby("race_id", sort=False)}
    for i, rid in enumerate(race_ids):
        rows = groups[rid]
        players = pd.DataFrame({"player_id": np.arange(len(rows)).astype(str),
                                "name": rows["driver_name"].astype(str).to_numpy(), "salary": 5000, "position": "D",
                                "start": rows["start"].to_numpy(int)})
        slate = Slate(players=players, archetype=rows["archetype"].iloc[0], race_laps=int(rows["race_laps"].iloc[0]),
                      date=rows["race_date"].iloc[0], name=str(rid))
        sim = RaceSimulator(n_scenarios=n_scenarios, random_state=seed + i, params=params, history=None,
                            mean_error=mean_error, finish_gain=finish_gain)
        res = sim.simulate(slate, strength=strengths.loc[rows.index].to_numpy(float))
        d, race = score_race(res, rows["dk_points"].to_numpy(float), rows["finish"].to_numpy(float),
                             rows["laps_led"].to_numpy(float), rows["dnf"].to_numpy(bool))
        a = rows["archetype"].iloc[0]
        d["race_id"], d["archetype"] = rid, a
        per_driver.append(d)
        per_race.append({"race_id": rid, "archetype": a, **race})
        st = pd.DataFrame(race_level_stats(res.points, res.finish, res.laps_led, res.dnf, slate.race_laps))
        st["race_id"], st["archetype"] = rid, a
        sims.append(st)
    return (pd.concat(per_driver, ignore_index=True), pd.DataFrame(per_race), pd.concat(sims, ignore_index=True))
