"""Calibration run: held-out 2025 races, the 2026 DK races and the real DK slates.

:func:`run_calibration` is what ``scripts/calibrate_simulator.py`` and
``notebooks/simulator_calibration.ipynb`` call; it returns a
:class:`CalibrationReport` holding the tables and :meth:`CalibrationReport.figures`
(the machine-readable summary).

Only pre-race information enters a held-out simulation: starting positions,
driver strengths from races strictly before the race date, and (for the real
DK slates) salaries and the published projection. The shipped parameters are
fitted on races before 2025-01-01 (:func:`dfslab.studies._race_fit.fit_race_model`;
``refit=True`` reruns that fit); the salary slopes, blend weights and mean error
on the 12 real slates, so the real-slate figures are leave-one-slate-out.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ._race_calibration import clean_race_ids, prerace_strengths, race_features
from ._race_evaluate import evaluate_logged_races, figures, score_race, slope_intervals

CUTOFF = pd.Timestamp("2025-01-01")
PUBLISHED = {"pearson_r": 0.36, "mae": 17.7, "inside_band": 0.78}  # stated in the issue for the 7 slates
QUICK_RACES = 30  # held-out races in quick mode
RACE_STATS = ("winner_ll_share", "top_ll_share", "n_lead10", "dnf_count", "top_dk", "best6")
_REAL_RENAME = {"winner_share": "winner_ll_share", "top_share": "top_ll_share", "dnf": "dnf_count"}


@dataclass
class CalibrationReport:
    """Tables of one calibration run (see :func:`run_calibration`).

    Attributes
    ----------
    metrics : DataFrame
        Held-out 2025 metrics, index ``overall`` then one row per archetype; columns
        n (driver-races), races, coverage_10_90, crps, pearson_r, mae.
    pit_histogram : ndarray (10,)
        Share of held-out driver-races per PIT decile (ideal 0.10 each).
    race_distributions : DataFrame
        Per archetype and race-level stat: real vs simulated mean and 10/50/90 % quantiles.
    real_slates : DataFrame
        Index ours / published_recomputed / published_stated; columns pearson_r, mae,
        inside_band, crps (ours: simulated mean and 10-90 % interval; published:
        projection and floor-ceiling band).
    real_slates_per_slate : DataFrame
        The same comparison per slate.
    params : dict
        The fitted parameters (what ``--write`` stores in ``dfslab/_data/racesim_params.json``).
    tuning : DataFrame
        Training (2022-2024) coverage and CRPS per temperature.
    holdout : DataFrame
        Per held-out driver-race: actual, simulated mean, q10/q50/q90, inside, pit, crps.
    race_stats_real, race_stats_sim : DataFrame
        Race-level stats per held-out race (real) and per simulated scenario (sim), with archetype.
    real_slate_drivers : DataFrame
        Per driver of the real slates: actual, our mean/q10/q90, published projection.
    """

    metrics: pd.DataFrame
    pit_histogram: np.ndarray
    race_distributions: pd.DataFrame
    real_slates: pd.DataFrame
    real_slates_per_slate: pd.DataFrame
    params: dict
    tuning: pd.DataFrame
    holdout: pd.DataFrame
    race_stats_real: pd.DataFrame
    race_stats_sim: pd.DataFrame
    real_slate_drivers: pd.DataFrame
    quick: bool = False
    seed: int = 0
    n_scenarios: int = 0
    seconds: float = 0.0
    notes: list = field(default_factory=list)
    holdout_figures: dict = field(default_factory=dict)
    check_2026: dict = field(default_factory=dict)
    check_2026_drivers: pd.DataFrame | None = None
    real_slate_figures: dict = field(default_factory=dict)
    blend: dict = field(default_factory=dict)
    practice: dict = field(default_factory=dict)
    rolling: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)

    def figures(self) -> dict:
        """The machine-readable summary (what ``calibrate_simulator.py --json`` prints).

        Keys: n_races, coverage_10_90, slope_win, slope_top5, slope_top10,
        slope_most_laps_led, top6_pit_mean, dnf_diff (held-out 2025) and more
        (crps, per-archetype coverage, favourite's predicted and real win rate),
        plus ``check_2026`` (the same figures on the 2026 DK races) and
        ``real_slates`` (blend, salary fallback and coverage on the 12 real slates, LOSO).
        """
        out = {k: v for k, v in self.holdout_figures.items()}
        out.update({"quick": self.quick, "seed": self.seed, "n_scenarios": self.n_scenarios,
                    "finish_gain": {a: p.get("finish_gain", 1.0) for a, p in self.params["archetypes"].items()},
                    "finish_trouble": {a: p.get("finish_trouble", 0.0) for a, p in self.params["archetypes"].items()},
                    "mean_error_sd": float(self.params.get("mean_error_sd", 0.0)),
                    "check_2026": self.check_2026, "real_slates": self.real_slate_figures, "practice": self.practice,
                    "rolling": self.rolling, "cases": self.cases, "seconds": self.seconds})
        return out

    @property
    def temperature(self) -> float:
        return float(self.params.get("temperature", 1.0))

    def coverage_ok(self, lo: float = 0.75, hi: float = 0.85, min_races: int = 10) -> bool:
        """True when held-out 10-90 % coverage is in [lo, hi] overall and per archetype with >= min_races."""
        m = self.metrics
        rows = m[(m.index == "overall") | (m["races"] >= min_races)]
        return bool(rows["coverage_10_90"].between(lo, hi).all())

    def to_dict(self) -> dict:
        """JSON-ready summary (what ``scripts/calibrate_simulator.py --out`` writes)."""
        m = self.metrics
        return {"quick": self.quick, "seed": self.seed, "n_scenarios": self.n_scenarios,
                "temperature": self.temperature, "tuning": self.tuning.round(4).to_dict("records"),
                "holdout_overall": _rec(m.loc["overall"]),
                "holdout_per_archetype": {a: _rec(m.loc[a]) for a in m.index if a != "overall"},
                "pit_histogram": np.round(self.pit_histogram, 4).tolist(),
                "race_distributions": self.race_distributions.round(3).to_dict("records"),
                "real_slates": {"n_slates": int(self.real_slate_figures.get("n_slates", 0)),
                                "n_drivers": int(self.real_slate_figures.get("n_drivers", 0)),
                                "table": {k: {c: v for c, v in r.items() if pd.notna(v)}
                                          for k, r in self.real_slates.round(4).to_dict("index").items()},
                                "per_slate": self.real_slates_per_slate.round(3).to_dict("records")},
                "seconds": self.seconds, "notes": list(self.notes), "params": self.params, "figures": self.figures()}

    def format(self) -> str:
        """The report as printable text tables."""
        o = self.metrics.loc["overall"]
        f = self.holdout_figures
        probs = ", ".join(f"{k} {f[k]:.2f}" for k in ("slope_win", "slope_top5", "slope_top10", "slope_most_laps_led")
                          if k in f)
        lines = [f"== held-out 2025 ({int(o['races'])} races, {int(o['n'])} driver-races, {self.n_scenarios} "
                 f"scenarios, mean error {self.params.get('mean_error_sd', 0.0)}) ==",
                 self.metrics.round(3).to_string(),
                 f"calibration slopes: {probs}; top-6 sum PIT mean {f.get('top6_pit_mean', float('nan')):.3f}; "
                 f"DNFs per race sim - real {f.get('dnf_diff', float('nan')):+.2f}",
                 f"2026 DK races: " + ", ".join(f"{k} {v:.3f}" for k, v in self.check_2026.items()
                                                if isinstance(v, float)),
                 "PIT histogram (10 bins, ideal 0.10 each): " + " ".join(f"{x:.3f}" for x in self.pit_histogram),
                 "", "== race-level distributions, held-out 2025, real vs simulated ==",
                 self.race_distributions.round(3).to_string(index=False),
                 "", f"== {self.real_slate_figures.get('n_slates', 0)} real DK slates with results "
                     f"({self.real_slate_figures.get('n_drivers', 0)} drivers) ==",
                 self.real_slates.round(3).to_string(), self.real_slates_per_slate.round(3).to_string(index=False),
                 "", *self._practice_lines(), f"total {self.seconds} s"]
        return "\n".join(lines)


    def _practice_lines(self) -> list:
        p = self.practice
        if not p or "crps_with" not in p:
            return [f"== practice / qualifying speeds: {p.get('note', 'not measured')} ==", ""] if p is not None else []
        c26, nv = p.get("check_2026", {}), p.get("no_vendor", {})
        ci = lambda x: f"[{x[0]:+.3f}, {x[1]:+.3f}]"  # noqa: E731
        return ["== practice / qualifying speeds (racesim_practice.json) ==",
                f"held-out 2025 ({p['n_races']} races from 2025-07-01, train-half weights): CRPS with "
                f"{p['crps_with']:.3f}, without {p['crps_without']:.3f}, with - without {ci(p['crps_diff_ci'])}",
                f"dk_2026 ({c26.get('n_races')} races, shipped weights): CRPS with {c26.get('crps_with', float('nan')):.3f}, "
                f"without {c26.get('crps_without', float('nan')):.3f}, with - without {ci(c26.get('crps_diff_ci', [0, 0]))}",
                f"real slates ({p['n_slates']}, {p['n_slates_with_sessions']} with sessions), leave-one-race-out MSE: "
                f"blend with practice {p['mse_blend']:.1f} vs vendor {p['mse_vendor']:.1f}, blend - vendor "
                f"{ci(p['mse_diff_ci'])}; no vendor: salary + practice {nv.get('mse_with', float('nan')):.1f} vs "
                f"salary {nv.get('mse_without', float('nan')):.1f}, difference {ci(nv.get('mse_diff_ci', [0, 0]))}",
                ""]


def _rec(row: pd.Series) -> dict:
    return {k: (int(v) if k in ("n", "races") else float(v)) for k, v in row.items()}


def _metrics(d: pd.DataFrame) -> dict:
    return {"n": int(len(d)), "races": int(d["race_id"].nunique()), "coverage_10_90": float(d["inside"].mean()),
            "crps": float(d["crps"].mean()), "pearson_r": float(np.corrcoef(d["mean"], d["actual"])[0, 1]),
            "mae": float((d["mean"] - d["actual"]).abs().mean())}


def _dist_table(real: pd.DataFrame, sim: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for a in sorted(real["archetype"].unique()):
        r, s = real[real["archetype"] == a], sim[sim["archetype"] == a]
        for stat in RACE_STATS:
            rq = np.percentile(r[stat], [10, 50, 90])
            sq = np.percentile(s[stat], [10, 50, 90])
            rows.append({"archetype": a, "stat": stat, "real_mean": r[stat].mean(), "sim_mean": s[stat].mean(),
                         "real_p10": rq[0], "sim_p10": sq[0], "real_p50": rq[1], "sim_p50": sq[1],
                         "real_p90": rq[2], "sim_p90": sq[2]})
    return pd.DataFrame(rows)


def _clean(f: dict) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in f.items()}


def _clean_nested(x):
    if isinstance(x, dict):
        return {k: _clean_nested(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean_nested(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return round(float(x), 4)
    return x


def params_strengths(logs: pd.DataFrame, params: dict, races=None) -> pd.Series:
    """Pre-race strengths of loop-data rows with the rating settings the parameters were fitted
    with (``params["rating"]``, e.g. ``half_life_days``); see :func:`prerace_strengths`."""
    return prerace_strengths(logs, races=races, rating_kwargs=params.get("rating") or None)


def check_2026(params, n_scenarios: int = 4000, seed: int = 0, root=None, n_boot: int = 0) -> tuple[dict, pd.DataFrame]:
    """The held-out figures on the 2026 DK races (``dk_2026`` official results).

    Every starter is simulated from pre-race information only (start, history
    strengths before the race date from :func:`load_history`: loop data, results_db
    2026 and the earlier dk_2026 races; scheduled laps), as for the 2025 races.
    """
    from ..io import list_race_folders, read_race_folder
    from ..racesim import DriverRatingModel, RaceSimulator, load_history
    from ..slate import Slate

    H = load_history(root)
    drivers, races = [], []
    for i, f in enumerate(list_race_folders(None if root is None else f"{root}/nascar/dk_2026")):
        race = read_race_folder(f)
        res = race.results
        sl0 = race.slate
        players = pd.DataFrame({"player_id": np.arange(len(res)).astype(str), "name": res["name"].astype(str),
                                "salary": 5000, "position": "D", "start": res["start"].astype(int)})
        slate = Slate(players=players, archetype=sl0.archetype, race_laps=sl0.race_laps, date=sl0.date,
                      series=sl0.series, name=race.name)
        m = DriverRatingModel(**params.get("rating", {})).fit(H, before=slate.date)
        s = m.strengths(players["name"], series=slate.series, archetype=slate.archetype)
        sim = RaceSimulator(n_scenarios, random_state=seed + i, params=params, history=None)
        out = sim.simulate(slate, strength=s)
        dnf = res["status"].astype(str).str.lower() != "running"
        d, r = score_race(out, res["dk_points"].to_numpy(float), res["finish"].to_numpy(float),
                          pd.to_numeric(res["laps_led"], errors="coerce").to_numpy(float), dnf.to_numpy())
        d["race_id"], d["archetype"] = race.name, slate.archetype
        drivers.append(d)
        races.append({"race_id": race.name, "archetype": slate.archetype, "unmatched": m.unknown_, **r})
    d, r = pd.concat(drivers, ignore_index=True), pd.DataFrame(races)
    f = figures(d, r, n_scenarios)
    if n_boot:
        f.update(slope_intervals(d, n_scenarios, n_boot=n_boot, seed=seed))
    return _clean(f), d


def real_slate_check(params, n_scenarios: int = 2000, seed: int = 0, quick: bool = False) -> tuple[dict, pd.DataFrame]:
    """The 12 real slates, leave-one-slate-out: our blended scenario distribution vs the published projection,
    the blend's LOSO MSE against each single source, and the salary-only fallback."""
    from ..io import load_real_races
    from ._race_realfit import (
        _sim,
        fit_blend,
        loso_blend_targets,
        real_slates,
        salary_fallback_check,
        salary_grid_scores,
        source_means,
    )

    slates = real_slates(load_real_races(), params=params)
    slopes = {k: v for k, v in params.get("salary_strength", {}).items() if k in ("slope", "pooled_slope")}
    slopes.setdefault("slope", {})
    slopes.setdefault("pooled_slope", 0.45)
    me = float(params.get("mean_error_sd", 0.0))
    means = source_means(slates, params, slopes, n_scenarios=n_scenarios, seed=seed, mean_error=me)
    blend = fit_blend(means, n_boot=200 if quick else 2000, seed=seed)
    if quick:  # the blend's LOSO figures only (the matched simulations take most of the time)
        return {"n_slates": len(slates), "n_drivers": int(len(means)), "blend": blend}, pd.DataFrame()
    targets = loso_blend_targets(means)
    rows = []
    for i, x in enumerate(slates):
        res = _sim(params, x.slate, x.history, n_scenarios, seed + 100 + i, me, projections=targets[x.name])
        d, _ = score_race(res, x.actual, x.finish, x.laps_led)
        d["slate"], d["archetype"] = x.name, x.archetype
        d["published"] = x.slate.players["projection"].to_numpy(float)
        rows.append(d)
    d = pd.concat(rows, ignore_index=True)
    r = lambda a, b: float(np.corrcoef(a, b)[0, 1])  # noqa: E731
    out = {"n_slates": len(slates), "n_drivers": int(len(d)),
           "coverage_10_90": float(d["inside"].mean()), "pit_var_x12": float(d["pit"].var() * 12),
           "crps": float(d["crps"].mean()), "pearson_r_blend": r(d["mean"], d["actual"]),
           "mae_blend": float((d["mean"] - d["actual"]).abs().mean()),
           "pearson_r_published": r(d["published"], d["actual"]),
           "mae_published": float((d["published"] - d["actual"]).abs().mean()),
           "blend": blend}
    # the salary-only fallback, history withheld, slopes fitted on the other slates (LOSO)
    from ..io import read_race_logs
    from ._race_realfit import SALARY_SLOPES, top_leader_p95

    p95 = top_leader_p95(read_race_logs())
    scores = salary_grid_scores(slates, params, grid=SALARY_SLOPES, n_scenarios=n_scenarios, seed=seed + 200,
                                mean_error=me)
    fb = salary_fallback_check(slates, params, scores, p95, n_scenarios=n_scenarios, seed=seed + 300, mean_error=me)
    out["salary_fallback"] = {"coverage_10_90": fb["coverage_10_90"], "all_below_p95": fb["all_below_p95"],
                              "per_slate": fb["per_slate"].round(4).to_dict("records")}
    return out, d


def _by_series(d: pd.DataFrame, races: pd.DataFrame, feat: pd.DataFrame, n_scen: int) -> dict:
    """Calibration slopes and the favourite's predicted vs real win rate per series (Cup, Xfinity, Trucks)."""
    keys = ("n_races", "slope_win", "slope_top5", "slope_top10", "slope_most_laps_led", "favourite_p_win",
            "favourite_won")
    race_series = races["race_id"].map(feat["series"])
    return {str(s): {k: round(v, 4) if isinstance(v, float) else v
                     for k, v in figures(g, races[race_series == s], n_scen).items() if k in keys}
            for s, g in d.groupby(d["race_id"].map(feat["series"]))}


def _quick_case_races():
    """One dk_2026 race for the quick information-case check (a superspeedway when there is one)."""
    from ..io import load_real_races

    races = load_real_races(include_2025=False)
    ss = [r for r in races if r.slate.archetype == "superspeedway"]
    return (ss or races)[:1]


def run_calibration(quick: bool = False, seed: int = 0, n_scenarios: int | None = None, logs=None,
                    verbose: bool = False, refit: bool = False, params: dict | None = None) -> CalibrationReport:
    """Evaluate the race simulator on every held-out 2025 race, the 2026 DK races and the real slates.

    Parameters
    ----------
    quick : bool
        30 held-out races, 500 scenarios, coarser real-slate checks (well under a minute).
    seed : int
        Seed of every simulation (and of the fit with ``refit``).
    n_scenarios : int, optional
        Scenarios per held-out race (default 500 quick, 4,000 full).
    logs : DataFrame, optional
        :func:`dfslab.read_race_logs` rows (read from the data folder when None).
    verbose : bool
        Print progress.
    refit : bool
        Refit everything first (:func:`dfslab.studies._race_fit.fit_race_model`: ~20-30 min;
        with ``quick`` coarse grids); the report then holds the new parameters
        (``params``) and blend weights (``blend``) for ``--write``.
    params : dict, optional
        Parameters to evaluate (default: the shipped ones).

    Returns
    -------
    CalibrationReport

    Examples
    --------
    >>> from dfslab.studies import run_calibration
    >>> rep = run_calibration(quick=True)  # doctest: +SKIP
    >>> rep.figures()["coverage_10_90"]  # doctest: +SKIP
    0.8...
    """
    from ..io import read_race_logs
    from ..racesim import load_blend_weights, load_default_params

    if n_scenarios is not None and (not isinstance(n_scenarios, (int, np.integer)) or n_scenarios < 10):
        raise InputError(f"n_scenarios: must be an integer >= 10, got {n_scenarios!r}")
    t0 = time.perf_counter()
    say = print if verbose else (lambda *a, **k: None)
    logs = read_race_logs() if logs is None else logs
    n_scen = int(n_scenarios or (500 if quick else 4000))
    blend = load_blend_weights()
    if refit:
        from ._race_fit import fit_race_model

        fit = fit_race_model(logs, quick=quick, seed=seed, verbose=verbose)
        params, blend = fit["params"], fit["blend"]
    elif params is None:
        params = load_default_params()
    strengths = params_strengths(logs, params)  # each race only sees races strictly before its date
    ok, _ = clean_race_ids(logs)
    feat_all = race_features(logs[logs["race_id"].isin(ok)])
    ho_ids = feat_all.index[feat_all["race_date"] >= CUTOFF]
    if quick:
        ho_ids = pd.Index(np.sort(np.random.default_rng(seed).choice(ho_ids, QUICK_RACES, replace=False)))
    d, r, sims = evaluate_logged_races(params, logs, strengths, list(ho_ids), n_scen, seed + 20_000)
    fig = figures(d, r, n_scen)
    if not quick:  # how much the slopes of 95 races can move: race bootstrap
        fig.update(slope_intervals(d, n_scen, n_boot=200, seed=seed))
    fig["by_series"] = _by_series(d, r, feat_all, n_scen)
    fig = _clean(fig)
    metrics = pd.DataFrame({"overall": _metrics(d), **{a: _metrics(g) for a, g in d.groupby("archetype")}}).T
    metrics[["n", "races"]] = metrics[["n", "races"]].astype(int)
    pit_hist = np.histogram(d["pit"], bins=10, range=(0, 1))[0] / len(d)
    real = feat_all.loc[ho_ids].rename(columns=_REAL_RENAME)
    say(f"held-out 2025 ({len(ho_ids)} races): {time.perf_counter() - t0:.1f} s")
    c26, c26_d = check_2026(params, n_scenarios=n_scen, seed=seed + 25_000, n_boot=0 if quick else 200)
    say(f"2026 DK races: {time.perf_counter() - t0:.1f} s")
    rs, rs_d = real_slate_check(params, n_scenarios=500 if quick else 2000, seed=seed + 30_000, quick=quick)
    say(f"real slates: {time.perf_counter() - t0:.1f} s")
    from ._race_practice import practice_check

    prac = _clean_nested(practice_check(params, n_scenarios=500 if quick else 2000, seed=seed + 40_000, quick=quick))
    say(f"practice: {time.perf_counter() - t0:.1f} s")
    from ._race_cases import information_cases
    from ._race_rolling import rolling_origin

    with warnings.catch_warnings():  # a handful of races: some slopes meet perfect separation in the bootstrap
        warnings.simplefilter("ignore")
        cases = information_cases(races=None if not quick else _quick_case_races(), n_scenarios=200 if quick else 2000,
                                  seed=seed + 45_000, n_boot=0 if quick else 100)
    say(f"information cases: {time.perf_counter() - t0:.1f} s")
    rolling = rolling_origin(logs, quick=quick, seed=seed + 50_000, params=params)
    say(f"rolling origin: {time.perf_counter() - t0:.1f} s")
    rr = lambda a, b: float(np.corrcoef(a, b)[0, 1])  # noqa: E731
    if len(rs_d):
        slates_tab = pd.DataFrame({
            "ours": {"pearson_r": rs["pearson_r_blend"], "mae": rs["mae_blend"], "inside_band": rs["coverage_10_90"],
                     "crps": rs["crps"]},
            "published_recomputed": {"pearson_r": rs["pearson_r_published"], "mae": rs["mae_published"],
                                     "inside_band": np.nan, "crps": np.nan}}).T
        per = rs_d.groupby("slate").apply(lambda x: pd.Series({
            "n": len(x), "r_ours": rr(x["mean"], x["actual"]), "r_pub": rr(x["published"], x["actual"]),
            "mae_ours": (x["mean"] - x["actual"]).abs().mean(), "mae_pub": (x["published"] - x["actual"]).abs().mean(),
            "cov_ours": x["inside"].mean()}), include_groups=False).reset_index()
    else:
        slates_tab, per = pd.DataFrame(), pd.DataFrame()
    tuning = pd.DataFrame(params.get("finish_gain_fit", {}).get("table", []))
    real_stats = real[["archetype", *RACE_STATS]].reset_index()
    return CalibrationReport(
        metrics=metrics, pit_histogram=pit_hist, race_distributions=_dist_table(real, sims), real_slates=slates_tab,
        real_slates_per_slate=per, params=params, tuning=tuning, holdout=d,
        race_stats_real=real_stats, race_stats_sim=sims, real_slate_drivers=rs_d, quick=quick, seed=seed,
        n_scenarios=n_scen, seconds=round(time.perf_counter() - t0, 1), holdout_figures=fig, check_2026=c26,
        check_2026_drivers=c26_d, real_slate_figures=rs, blend=blend, practice=prac, rolling=rolling, cases=cases)
