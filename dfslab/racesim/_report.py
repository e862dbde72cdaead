"""Calibration run: fit on 2019-2024, evaluate on every held-out 2025 race and on the real DK slates.

:func:`run_calibration` is what ``scripts/calibrate_simulator.py`` and
``notebooks/simulator_calibration.ipynb`` call; it returns a
:class:`CalibrationReport` holding the tables.

Only pre-race information enters a held-out simulation: starting positions,
driver strengths from races strictly before the race date, and (for the real
DK slates) salaries. Parameters are fitted on races before 2025-01-01; the
dispersion (temperature) is tuned on 2022-2024 training races only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import InputError
from ._calibration import clean_race_ids, evaluate_race, fit_params, prerace_strengths, race_features, score_result

CUTOFF = pd.Timestamp("2025-01-01")
PUBLISHED = {"pearson_r": 0.36, "mae": 17.7, "inside_band": 0.78}  # stated in the issue for the 7 slates
TEMPERATURES = (0.85, 1.0, 1.15, 1.3)
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
                "real_slates": {"n_slates": int(self.real_slate_drivers["slate"].nunique()),
                                "n_drivers": int(len(self.real_slate_drivers)),
                                "table": {k: {c: v for c, v in r.items() if pd.notna(v)}
                                          for k, r in self.real_slates.round(4).to_dict("index").items()},
                                "per_slate": self.real_slates_per_slate.round(3).to_dict("records")},
                "seconds": self.seconds, "notes": list(self.notes), "params": self.params}

    def format(self) -> str:
        """The report as printable text tables."""
        o = self.metrics.loc["overall"]
        lines = [f"== held-out 2025 ({int(o['races'])} races, {int(o['n'])} driver-races, {self.n_scenarios} "
                 f"scenarios, temperature {self.temperature}) ==",
                 self.metrics.round(3).to_string(),
                 "PIT histogram (10 bins, ideal 0.10 each): " + " ".join(f"{x:.3f}" for x in self.pit_histogram),
                 "", "== race-level distributions, held-out 2025, real vs simulated ==",
                 self.race_distributions.round(3).to_string(index=False),
                 "", f"== {self.real_slate_drivers['slate'].nunique()} real DK slates with results "
                     f"({len(self.real_slate_drivers)} drivers) ==",
                 self.real_slates.round(3).to_string(), self.real_slates_per_slate.round(3).to_string(index=False),
                 "", f"total {self.seconds} s"]
        return "\n".join(lines)


def _rec(row: pd.Series) -> dict:
    return {k: (int(v) if k in ("n", "races") else float(v)) for k, v in row.items()}


def _evaluate(params, logs, strengths, race_ids, n_scen, seed):
    """Simulate every race in ``race_ids`` from pre-race information; per-driver scores and sim race stats."""
    per_driver, sims = [], []
    for i, rid in enumerate(race_ids):
        rows = logs[logs["race_id"] == rid]
        df, st = evaluate_race(params, rows, strengths.loc[rows.index].to_numpy(), n_scen, seed + i)
        df["race_id"] = rid
        df["archetype"] = rows["archetype"].iloc[0]
        per_driver.append(df)
        st = pd.DataFrame(st)
        st["race_id"] = rid
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
        for stat in RACE_STATS:
            rq = np.percentile(r[stat], [10, 50, 90])
            sq = np.percentile(s[stat], [10, 50, 90])
            rows.append({"archetype": a, "stat": stat, "real_mean": r[stat].mean(), "sim_mean": s[stat].mean(),
                         "real_p10": rq[0], "sim_p10": sq[0], "real_p50": rq[1], "sim_p50": sq[1],
                         "real_p90": rq[2], "sim_p90": sq[2]})
    return pd.DataFrame(rows)


def _real_slates(params, logs, n_scen, seed):
    """Our pre-race simulation on the real DK slates with results vs the published projection."""
    from ..io import list_nascar_slates, load_slates_with_results, read_nascar_slate
    from ._simulator import RaceSimulator

    swr = load_slates_with_results()
    out = []
    for i, folder in enumerate(list_nascar_slates()):
        slate = read_nascar_slate(folder, race_logs=logs)
        if slate.players["start"].isna().any() or slate.archetype is None or slate.race_laps is None:
            continue  # before qualifying (no start positions): not a pre-race slate we can simulate
        act = swr[swr["snapshot"] == folder.name].set_index("Driver")
        actual = act["dk_actual_loopFL"].reindex(slate.players["name"]).to_numpy(float)
        if np.isfinite(actual).sum() == 0:
            continue
        res = RaceSimulator(n_scenarios=n_scen, random_state=seed + i, params=params).set_history(logs).simulate(slate)
        d = score_result(res, actual)
        pub = slate.players.loc[np.isfinite(actual)]
        d["published"] = pub["projection"].to_numpy(float)
        d["pub_floor"] = pub["floor"].to_numpy(float)
        d["pub_ceiling"] = pub["ceiling"].to_numpy(float)
        d["pub_inside"] = (d["actual"] >= d["pub_floor"]) & (d["actual"] <= d["pub_ceiling"])
        d["slate"] = folder.name
        d["archetype"] = slate.archetype
        d["strength_source"] = res.strength_source
        out.append(d)
    if not out:
        raise InputError("real slates: no slate with start positions and results found in the data folder")
    d = pd.concat(out, ignore_index=True)
    r = lambda a, b: float(np.corrcoef(a, b)[0, 1])  # noqa: E731
    table = pd.DataFrame({
        "ours": {"pearson_r": r(d["mean"], d["actual"]), "mae": float((d["mean"] - d["actual"]).abs().mean()),
                 "inside_band": float(d["inside"].mean()), "crps": float(d["crps"].mean())},
        "published_recomputed": {"pearson_r": r(d["published"], d["actual"]),
                                 "mae": float((d["published"] - d["actual"]).abs().mean()),
                                 "inside_band": float(d["pub_inside"].mean()), "crps": np.nan},
        "published_stated": {**PUBLISHED, "crps": np.nan}}).T
    per = d.groupby("slate").apply(lambda x: pd.Series({
        "n": len(x), "r_ours": r(x["mean"], x["actual"]), "r_pub": r(x["published"], x["actual"]),
        "mae_ours": (x["mean"] - x["actual"]).abs().mean(), "mae_pub": (x["published"] - x["actual"]).abs().mean(),
        "cov_ours": x["inside"].mean(), "cov_pub": x["pub_inside"].mean()}), include_groups=False).reset_index()
    return table, per, d


def run_calibration(quick: bool = False, seed: int = 0, n_scenarios: int | None = None, logs=None,
                    verbose: bool = False) -> CalibrationReport:
    """Fit the race simulator on 2019-2024 and evaluate it on every held-out 2025 race.

    Steps: pre-race strengths for every race (races strictly before it), the
    per-archetype fit on races before 2025-01-01, the dispersion (temperature)
    tuned on 2022-2024 training races only, then every 2025 race simulated from
    pre-race information and scored, and the 7 real DK slates compared with the
    published projection. Needs the real data folder.

    Parameters
    ----------
    quick : bool
        Coarse grids, 60 tuning races and 1,000 scenarios per race (~30 s instead of ~2.5 min).
    seed : int
        Seed of the fit and of every simulation.
    n_scenarios : int, optional
        Scenarios per held-out race (default 1,000 quick, 4,000 full).
    logs : DataFrame, optional
        :func:`dfslab.read_race_logs` rows (read from the data folder when None).
    verbose : bool
        Print progress.

    Returns
    -------
    CalibrationReport

    Examples
    --------
    >>> from dfslab.racesim import run_calibration
    >>> rep = run_calibration(quick=True)  # doctest: +SKIP
    >>> rep.metrics.loc["overall", "coverage_10_90"]  # doctest: +SKIP
    0.83...
    """
    from ..io import read_race_logs

    if n_scenarios is not None and (not isinstance(n_scenarios, (int, np.integer)) or n_scenarios < 10):
        raise InputError(f"n_scenarios: must be an integer >= 10, got {n_scenarios!r}")
    t0 = time.perf_counter()
    say = print if verbose else (lambda *a, **k: None)
    logs = read_race_logs() if logs is None else logs
    n_scen = int(n_scenarios or (1000 if quick else 4000))
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
        d, _ = _evaluate({**params, "temperature": T}, logs, strengths, tr_ids, 500 if quick else 1000, seed + 10_000)
        m = _metrics(d)
        tuning.append({"temperature": T, **m})
        say(f"  training 2022-2024 coverage at temperature {T}: {m['coverage_10_90']:.3f} (CRPS {m['crps']:.2f})")
    best = min(tuning, key=lambda r: (abs(r["coverage_10_90"] - 0.80), r["crps"]))
    params["temperature"] = best["temperature"]
    params["tuning"] = [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()} for r in tuning]

    # Held-out 2025.
    ho_ids = feat_all.index[feat_all["race_date"] >= CUTOFF]
    d, sims = _evaluate(params, logs, strengths, ho_ids, n_scen, seed + 20_000)
    metrics = pd.DataFrame({"overall": _metrics(d), **{a: _metrics(g) for a, g in d.groupby("archetype")}}).T
    metrics[["n", "races"]] = metrics[["n", "races"]].astype(int)
    pit_hist = np.histogram(d["pit"], bins=10, range=(0, 1))[0] / len(d)
    real = feat_all.loc[ho_ids].rename(columns=_REAL_RENAME)
    say(f"held-out 2025 simulated: {time.perf_counter() - t0:.1f} s")
    slates, per_slate, slate_drivers = _real_slates(params, logs, n_scen, seed + 30_000)
    params["calibration_summary"] = {"holdout_coverage": round(float(metrics.loc["overall", "coverage_10_90"]), 4),
                                     "holdout_crps": round(float(metrics.loc["overall", "crps"]), 3),
                                     "holdout_r": round(float(metrics.loc["overall", "pearson_r"]), 3)}
    real_stats = real[["archetype", *RACE_STATS]].reset_index()
    return CalibrationReport(
        metrics=metrics, pit_histogram=pit_hist, race_distributions=_dist_table(real, sims), real_slates=slates,
        real_slates_per_slate=per_slate, params=params, tuning=pd.DataFrame(tuning), holdout=d,
        race_stats_real=real_stats, race_stats_sim=sims, real_slate_drivers=slate_drivers, quick=quick, seed=seed,
        n_scenarios=n_scen, seconds=round(time.perf_counter() - t0, 1))
