"""Fitting and evaluating practice / qualifying speed in the race model (study side).

The engine side (reader, features, strength hook) is :func:`dfslab.io.read_practice_quali`,
:func:`dfslab.racesim.practice_features` / :func:`dfslab.racesim.practice_effect` and
``RaceSimulator(practice=...)``; this module only fits and judges (:func:`fit_practice`, run by
``scripts/fit_practice.py``; :func:`practice_check`, the ``practice`` block of
``scripts/calibrate_simulator.py --json``).

Data: the 2025 Cup races of the loop data that have sessions in ``practice_quali.csv``
(35 of the 36 points races in the loop data), the ``dk_2026`` races (loop data ends with 2025) and the real DK slates
with results (:func:`dfslab.io.load_real_races`). Strength = the shipped history rating
before each race date (no leakage). Three channels are fitted by the CRPS of the actual DK
points, simulated with the shipped race model and common random numbers per race:

* ``strength``: ``w_f x practice_score`` added to the strength (finish, DNFs, pace);
* ``pace``: ``w_p x practice_score`` added to the race pace only (laps led, fastest laps);
* ``quali``: ``w_q x quali_score`` added to the strength after qualifying;

and, for slates before qualifying, the practice term of the start-order draw by maximum
likelihood of the real start orders (Plackett-Luce). Weights are chosen on the 2025 races
before :data:`SPLIT` and judged on the later ones (by date); the shipped weights are refitted
on all 2025 races and checked on dk_2026.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
from scipy.optimize import minimize

SPLIT = pd.Timestamp("2025-07-01")  # 2025 races before: fit; from: held out
WF_GRID = (0.0, 0.05, 0.1, 0.15)
WP_GRID = (0.0, 0.1, 0.2, 0.3, 0.5)
WQ_GRID = (0.0, 0.05, 0.1, 0.2)
N_BOOT = 2000


# --------------------------------------------------------------------------- data
def _features(rows, names, ids):
    from ..racesim import practice_features

    f = practice_features(rows, names, driver_ids=ids)
    t = f.table
    return {"p_z": t["practice_score"].to_numpy(), "q_z": t["quali_score"].to_numpy(),
            "p_missing": t["practice_missing"].to_numpy(), "q_missing": t["quali_missing"].to_numpy(),
            "has_p": f.has_practice, "has_q": f.has_quali, "pq_matched": t["matched"].to_numpy()}, f.notes


def study_table_2025(params: dict, pq=None, logs=None) -> pd.DataFrame:
    """One row per driver of each 2025 Cup loop-data race with sessions in the practice file."""
    from ..io import read_race_logs
    from ..io import practice_for_race, read_practice_quali
    from ._race_calibration import clean_race_ids, prerace_strengths

    pq = read_practice_quali() if pq is None else pq
    logs = read_race_logs() if logs is None else logs
    ok, _ = clean_race_ids(logs)
    c = logs[(logs["series"] == "cup") & (logs["race_date"] >= "2025-01-01") & logs["race_id"].isin(ok)]
    s = prerace_strengths(logs, races=c["race_id"].unique().tolist(), rating_kwargs=params.get("rating") or None)
    out = []
    for rid, g in c.groupby("race_id", sort=False):
        r = practice_for_race(pq, g["race_date"].iloc[0], g["track"].iloc[0])
        if r.empty:
            continue
        f, _ = _features(r, g["driver_name"].tolist(), g["driver_id"].tolist())
        d = g[["race_id", "race_date", "track", "archetype", "race_laps", "driver_name", "start", "finish",
               "laps_led", "fastest_laps", "dnf", "dk_points"]].copy()
        d["strength"] = s.loc[g.index].to_numpy()
        for k, v in f.items():
            d[k] = v
        out.append(d)
    return pd.concat(out, ignore_index=True)


def study_table_dk2026(params: dict, pq=None) -> pd.DataFrame:
    """The same for the dk_2026 races (official results; strengths from load_history before each date)."""
    from ..io import list_race_folders, read_race_folder
    from ..io import practice_for_race, read_practice_quali
    from ..racesim import DriverRatingModel, load_history

    pq = read_practice_quali() if pq is None else pq
    H = load_history()
    out = []
    for fo in list_race_folders():
        race = read_race_folder(fo)
        res, sl = race.results, race.slate
        r = practice_for_race(pq, sl.date, sl.track, race_id=race.info.get("nascar_race_id"))
        if r.empty:
            continue
        m = DriverRatingModel(**params.get("rating", {})).fit(H, before=sl.date)
        d = pd.DataFrame({"race_id": race.name, "race_date": sl.date, "track": sl.track, "archetype": sl.archetype,
                          "race_laps": int(sl.race_laps), "driver_name": res["name"].astype(str).to_numpy(),
                          "start": res["start"].astype(int).to_numpy(), "finish": res["finish"].astype(int).to_numpy(),
                          "laps_led": pd.to_numeric(res["laps_led"], errors="coerce").to_numpy(float),
                          "fastest_laps": pd.to_numeric(res["fastest_laps"], errors="coerce").to_numpy(float),
                          "dnf": (res["status"].astype(str).str.lower() != "running").to_numpy(),
                          "dk_points": res["dk_points"].astype(float).to_numpy(),
                          "strength": m.strengths(res["name"].astype(str), series=sl.series, archetype=sl.archetype)})
        f, _ = _features(r, d["driver_name"].tolist(), None)
        for k, v in f.items():
            d[k] = v
        out.append(d)
    return pd.concat(out, ignore_index=True)


# --------------------------------------------------------------------------- simulation scores
def _slate(g: pd.DataFrame, drawn: bool = False):
    from ..slate import Slate

    players = pd.DataFrame({"player_id": np.arange(len(g)).astype(str), "name": g["driver_name"].to_numpy(),
                            "salary": 5000, "position": "D"})
    if not drawn:
        players["start"] = g["start"].to_numpy(int)
    return Slate(players=players, archetype=g["archetype"].iloc[0], race_laps=int(g["race_laps"].iloc[0]),
                 date=g["race_date"].iloc[0], name=str(g["race_id"].iloc[0]))


def _x(g, col):
    return g[col].fillna(0.0).to_numpy(float) if col in g else np.zeros(len(g))


def simulate_grid(table: pd.DataFrame, params: dict, grid, n_scenarios: int = 1500, seed: int = 0,
                  drawn: bool = False, qual_draw: tuple | None = None) -> pd.DataFrame:
    """Per driver and grid point ``(wf, wp, wq)``: CRPS, mean and event probabilities of the simulated race.

    Every grid point of one race uses the same seed (common random numbers), so differences
    between weights are not Monte Carlo noise of independent runs. ``drawn``: simulate before
    qualifying (start orders drawn; ``qual_draw = (c, scale)`` adds ``c x practice`` and scales the
    history strength in the draw); the DK points still use the real starts' place differential.
    """
    from ..racesim import RaceSimulator
    from ._race_evaluate import score_race

    rows = []
    for i, (rid, g) in enumerate(table.groupby("race_id", sort=False)):
        sl = _slate(g, drawn)
        xp, xq, s0 = _x(g, "p_z"), _x(g, "q_z"), g["strength"].to_numpy(float)
        for wf, wp, wq in grid:
            sim = RaceSimulator(n_scenarios, random_state=seed + i, params=params, history=None)
            pace = wp * xp
            strength = s0 + wf * xp + wq * xq
            qs = None
            if drawn and qual_draw is not None:
                qs = strength + qual_draw[0] * xp + (qual_draw[1] - 1.0) * (s0 - s0.mean())
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = sim.simulate(sl, strength=strength, pace_strength=pace if np.any(pace) else None,
                                   qualifying_strength=qs)
            # before qualifying the simulated points use each race's drawn starts, the actual ones the real starts
            actual = g["dk_points"].to_numpy(float)
            d, _ = score_race(res, actual, g["finish"].to_numpy(float), g["laps_led"].to_numpy(float),
                              g["dnf"].to_numpy(bool))
            rows.append(pd.DataFrame({
                "race_id": rid, "race_date": g["race_date"].iloc[0], "archetype": g["archetype"].iloc[0],
                "has_p": bool(g["has_p"].iloc[0]), "has_q": bool(g["has_q"].iloc[0]), "wf": wf, "wp": wp, "wq": wq,
                "driver": g["driver_name"].to_numpy(), "actual": actual, "mean": d["mean"].to_numpy(),
                "crps": d["crps"].to_numpy(), "inside": d["inside"].to_numpy(), "p_win": d["p_win"].to_numpy(),
                "y_win": d["y_win"].to_numpy(), "p_top10": d["p_top10"].to_numpy(), "y_top10": d["y_top10"].to_numpy(),
                "p_mll": d["p_most_laps_led"].to_numpy(), "y_mll": d["y_most_laps_led"].to_numpy()}))
    return pd.concat(rows, ignore_index=True)


def grid_points(wf=WF_GRID, wp=WP_GRID, wq=(0.0,)):
    return list(itertools.product(wf, wp, wq))


def choose(scores: pd.DataFrame, races) -> tuple:
    """The grid point with the lowest mean CRPS over ``races``."""
    x = scores[scores["race_id"].isin(set(races))]
    m = x.groupby(["wf", "wp", "wq"])["crps"].mean()
    return tuple(float(v) for v in m.idxmin())


def paired(scores: pd.DataFrame, a: tuple, b: tuple, races=None, n_boot: int = N_BOOT, seed: int = 0) -> dict:
    """Mean CRPS at ``a`` and ``b`` over ``races`` with a race-bootstrap 95 % interval of a - b; also the
    winner's log score (log simulated P(win) of the actual winner) and the win calibration pieces."""
    x = scores if races is None else scores[scores["race_id"].isin(set(races))]
    key = ["race_id", "driver"]
    A = x[(x["wf"] == a[0]) & (x["wp"] == a[1]) & (x["wq"] == a[2])].set_index(key)
    B = x[(x["wf"] == b[0]) & (x["wp"] == b[1]) & (x["wq"] == b[2])].set_index(key).reindex(A.index)
    diff = (A["crps"] - B["crps"]).groupby(level=0)
    per = pd.DataFrame({"s": diff.sum(), "n": diff.size()})
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(n_boot):
        p = rng.integers(0, len(per), len(per))
        boots.append(per["s"].to_numpy()[p].sum() / per["n"].to_numpy()[p].sum())

    def win_ls(T):
        w = T[T["y_win"].astype(bool)]
        return float(np.log(np.clip(w["p_win"].to_numpy(float), 1e-3, 1)).mean())

    return {"n_races": int(len(per)), "n_drivers": int(per["n"].sum()),
            "crps_a": float(A["crps"].mean()), "crps_b": float(B["crps"].mean()),
            "diff": float(A["crps"].mean() - B["crps"].mean()),
            "diff_ci95": [float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))],
            "win_log_score_a": win_ls(A.reset_index()), "win_log_score_b": win_ls(B.reset_index()),
            "mae_a": float((A["mean"] - A["actual"]).abs().mean()), "mae_b": float((B["mean"] - B["actual"]).abs().mean())}


# --------------------------------------------------------------------------- Plackett-Luce
def _pl_arrays(table, cols, order_col="finish", running_only=True):
    races = list(dict.fromkeys(table["race_id"]))
    D = int(table.groupby("race_id").size().max())
    X = np.zeros((len(races), D, len(cols)))
    M = np.zeros((len(races), D), bool)
    for i, r in enumerate(races):
        g = table[table["race_id"] == r]
        if running_only:
            g = g[~g["dnf"].astype(bool)]
        g = g.sort_values(order_col)
        X[i, :len(g)] = g[cols].to_numpy(float)
        M[i, :len(g)] = True
    return X, M, races


def _pl_nll(b, X, M):
    u = np.where(M, X @ b, -np.inf)
    with np.errstate(invalid="ignore"):
        lse = np.logaddexp.accumulate(u[:, ::-1], axis=1)[:, ::-1]
    return -np.sum(np.where(M, u - np.where(M, lse, 0.0), 0.0), axis=1)


def pl_fit(table, cols, order_col="finish", running_only=True):
    X, M, _ = _pl_arrays(table, cols, order_col, running_only)
    r = minimize(lambda b: _pl_nll(b, X, M).sum(), x0=np.full(len(cols), 0.1), method="BFGS")
    return r.x, np.sqrt(np.clip(np.diag(r.hess_inv), 0, None))


def pl_heldout(train, test, cols, order_col="finish", running_only=True) -> dict:
    """Plackett-Luce coefficients fitted on ``train``; negative log-likelihood per race on ``train`` and ``test``."""
    b, se = pl_fit(train, cols, order_col, running_only)
    Xtr, Mtr, _ = _pl_arrays(train, cols, order_col, running_only)
    Xte, Mte, _ = _pl_arrays(test, cols, order_col, running_only)
    return {"cols": list(cols), "coef": [float(v) for v in b], "se": [float(v) for v in se],
            "nll_train": float(_pl_nll(b, Xtr, Mtr).mean()), "nll_test": float(_pl_nll(b, Xte, Mte).mean())}


def with_start_score(table):
    from ..racesim import start_score

    t = table.copy()
    t["q"] = t.groupby("race_id", sort=False)["start"].transform(lambda s: start_score(s.to_numpy(float)))
    t["p0"] = t["p_z"].fillna(0.0)
    t["qz0"] = t["q_z"].fillna(0.0)
    return t


def fit_qual_draw(train) -> dict:
    """Practice in the start-order draw: Plackett-Luce of the real start orders on (strength, practice) vs
    strength alone; ``c`` = practice coefficient and ``scale`` = strength coefficient, both relative to the
    strength-only coefficient (the shipped draw coefficient was fitted for strength alone)."""
    t = with_start_score(train)
    t = t[t["has_p"]]
    b0, _ = pl_fit(t, ["strength"], order_col="start", running_only=False)
    b1, se = pl_fit(t, ["strength", "p0"], order_col="start", running_only=False)
    return {"c": float(b1[1] / b0[0]), "scale": float(b1[0] / b0[0]), "coef_strength_only": float(b0[0]),
            "coef": [float(v) for v in b1], "se": [float(v) for v in se]}


# --------------------------------------------------------------------------- real slates: blend vs vendor
def real_slate_means(params: dict, weights_for, n_scenarios: int = 3000, seed: int = 0, pq=None,
                     slates=None) -> pd.DataFrame:
    """Per driver of every real slate with results: actual DK points, the vendor projection and the simulated
    means of history and salary strengths, each without and with the practice / qualifying effect
    (``history_pq``, ``salary_pq``; equal to the plain ones where the race has no sessions in the file).

    ``weights_for(real_slate)`` gives the practice weights to use for that slate (so a 2025 slate can be
    scored with weights fitted only on races before it). Same seed for the plain and the practice run of a
    slate (common random numbers).
    """
    from ..io import load_real_races
    from ..io import practice_for_race, read_practice_quali
    from ..racesim import RaceSimulator, practice_effect, practice_features, salary_strength
    from ._race_realfit import real_slates

    pq = read_practice_quali() if pq is None else pq
    slates = real_slates(load_real_races(), params=params) if slates is None else slates
    sl_par = params.get("salary_strength", {})
    rows = []
    for i, x in enumerate(slates):
        sl = x.slate
        b = float(sl_par.get("slope", {}).get(x.archetype, sl_par.get("pooled_slope", 0.45)))
        sal = salary_strength(sl.salaries.astype(float), slope=b)
        hist = x.history if x.history is not None else sal
        rid = None
        r = practice_for_race(pq, sl.date, sl.track, race_id=rid) if sl.series == "cup" else pq.iloc[:0]
        eff = None
        if not r.empty:
            ids = sl.players["nascar_driver_id"].tolist() if "nascar_driver_id" in sl.players else None
            feat = practice_features(r, sl.players["name"].tolist(), driver_ids=ids)
            eff = practice_effect(feat, weights_for(x), sl.archetype, qualified=True)

        def mean(strength, pace=None):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = RaceSimulator(n_scenarios, random_state=seed + i, params=params, history=None,
                                    blend=False).simulate(sl, strength=strength, pace_strength=pace)
            return res.points.mean(0, dtype=np.float64)

        df = pd.DataFrame({"slate": x.name, "series": sl.series, "archetype": x.archetype,
                           "name": sl.players["name"].to_numpy(), "actual": x.actual,
                           "projection": sl.players["projection"].to_numpy(float),
                           "history": mean(hist), "salary": mean(sal), "has_practice": eff is not None})
        if eff is not None:
            pace = eff.pace if np.any(eff.pace) else None
            df["history_pq"] = mean(hist + eff.strength, pace)
            df["salary_pq"] = mean(sal + eff.strength, pace)
        else:
            df["history_pq"], df["salary_pq"] = df["history"], df["salary"]
        rows.append(df)
    return pd.concat(rows, ignore_index=True)


def blend_vs_vendor(means: pd.DataFrame, history: str = "history", salary: str = "salary", n_boot: int = N_BOOT,
                    seed: int = 0, slates=None) -> dict:
    """Leave-one-race-out NNLS blend (weights fitted on the other slates, as :func:`._realfit.fit_blend`) of
    projection + ``history`` + ``salary``, and of ``history`` + ``salary`` alone (no vendor), against the
    single sources: within-slate MSE and slate-bootstrap 95 % intervals of blend minus source."""
    from ._race_realfit import fit_blend

    m = means if slates is None else means[means["slate"].isin(set(slates))]
    m = m[["slate", "name", "actual", "projection", history, salary]].rename(
        columns={history: "history", salary: "salary"})
    fb = fit_blend(m, n_boot=n_boot, seed=seed)
    ev = fb["evaluation"]
    full, hs = ev["projection+history+salary"], ev["history+salary"]
    return {"n_slates": full["n_slates"], "n_drivers": full["n_drivers"],
            "mse_blend": full["mse_blend_loso"], "mse_vendor": full["mse_single"]["projection"],
            "mse_diff_ci": full["mse_diff_ci95"]["projection"], "weights_all_slates": full["nnls_weights"],
            "weights_ci95": full["weights_ci95"],
            "no_vendor": {"mse_blend": hs["mse_blend_loso"], "mse_history": hs["mse_single"]["history"],
                          "mse_salary": hs["mse_single"]["salary"], "mse_diff_ci_vs_salary": hs["mse_diff_ci95"]["salary"],
                          "weights_all_slates": hs["nnls_weights"]}}


def loro_errors(means: pd.DataFrame, cols) -> tuple[np.ndarray, np.ndarray | None]:
    """Squared within-slate errors of one source (``cols`` of length 1, shifted to the slate mean) or of the
    NNLS blend of several, each slate predicted with weights fitted on the other slates (leave-one-race-out);
    and the weights fitted on all slates."""
    from scipy.optimize import nnls

    c = means[["slate", "actual", *cols]].copy()
    for k in ["actual", *cols]:
        c[k] = c[k] - c.groupby("slate")[k].transform("mean")
    if len(cols) == 1:
        return (c["actual"] - c[cols[0]]).to_numpy() ** 2, None
    pred = np.zeros(len(c))
    for s in c["slate"].unique():
        te = (c["slate"] == s).to_numpy()
        w, _ = nnls(c.loc[~te, list(cols)].to_numpy(float), c.loc[~te, "actual"].to_numpy(float))
        pred[te] = c.loc[te, list(cols)].to_numpy(float) @ w
    return (c["actual"].to_numpy() - pred) ** 2, nnls(c[list(cols)].to_numpy(float), c["actual"].to_numpy(float))[0]


def compare_sources(means: pd.DataFrame, a, b, n_boot: int = N_BOOT, seed: int = 0) -> dict:
    """Within-slate MSE of ``a`` and ``b`` (a source or a leave-one-race-out blend of sources) on the same
    drivers, and the slate-bootstrap 95 % interval of MSE(a) - MSE(b)."""
    ea, wa = loro_errors(means, list(a))
    eb, wb = loro_errors(means, list(b))
    per = pd.DataFrame({"s": means["slate"].to_numpy(), "d": ea - eb}).groupby("s")["d"].agg(["sum", "size"])
    rng = np.random.default_rng(seed)
    S, N = per["sum"].to_numpy(), per["size"].to_numpy()
    boots = [S[p].sum() / N[p].sum() for p in (rng.integers(0, len(per), len(per)) for _ in range(n_boot))]
    return {"a": "+".join(a), "b": "+".join(b), "n_slates": int(len(per)), "n_drivers": int(len(ea)),
            "mse_a": float(ea.mean()), "mse_b": float(eb.mean()), "diff": float(ea.mean() - eb.mean()),
            "diff_ci95": [float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))],
            "weights_a": None if wa is None else [round(float(v), 4) for v in wa],
            "weights_b": None if wb is None else [round(float(v), 4) for v in wb]}


SOURCE_COMPARISONS = (
    # (label, a, b)
    ("vendor: blend with practice vs vendor", ("projection", "history_pq", "salary_pq"), ("projection",)),
    ("vendor: blend without practice vs vendor", ("projection", "history", "salary"), ("projection",)),
    ("vendor: blend with vs without practice", ("projection", "history_pq", "salary_pq"),
     ("projection", "history", "salary")),
    ("no vendor: salary+practice vs salary (shipped no-vendor mean)", ("salary_pq",), ("salary",)),
    ("no vendor: salary+practice vs blend history+salary", ("salary_pq",), ("history", "salary")),
    ("no vendor: blend (history+salary)+practice vs blend history+salary", ("history_pq", "salary_pq"),
     ("history", "salary")),
    ("no vendor: history+practice vs history", ("history_pq",), ("history",)),
)


def source_comparisons(means: pd.DataFrame, n_boot: int = N_BOOT, seed: int = 0) -> dict:
    """:data:`SOURCE_COMPARISONS` on all real slates and on the Cup slates with sessions in the file."""
    out = {}
    for label, m in (("all_slates", means), ("cup_with_sessions", means[means["has_practice"]])):
        out[label] = {lab: compare_sources(m, a, b, n_boot=n_boot, seed=seed) for lab, a, b in SOURCE_COMPARISONS}
    return out


# --------------------------------------------------------------------------- the shipped path on the real slates
def shipped_path_check(n_scenarios: int = 3000, seed: int = 100, drawn: bool = False, n_boot: int = N_BOOT,
                       races=None) -> dict:
    """What ``practice="auto"`` does to the default simulation of every real slate with results.

    Unlike :func:`real_slate_means` (strengths given, ``blend=False``), this runs
    ``RaceSimulator(n_scenarios, random_state=seed + i)`` exactly as the report does (history
    found by itself, means blended and matched), once with ``practice="auto"`` and once with
    ``"off"`` (same seed), in two settings: with the slate's vendor projection (``vendor``) and
    with it removed (``no_vendor``: a bare salary file, mean = the salary-implied one). 2025 slates
    use the weights fitted before 2025-07-01 (``weights_train_2025H1``: the slates are later), the
    2026 ones the shipped weights (fitted on 2025): every figure is held out. ``drawn``: the
    starts removed (before qualifying; each simulated race draws its start order).

    Returns
    -------
    dict
        ``per_slate`` (DataFrame: CRPS and squared within-slate errors summed per slate, arm and
        setting) and, per setting and slate subset (``all``, ``with_sessions``), the CRPS of actual DK
        points and the within-slate MSE of the simulated mean with and without practice, and the
        slate-bootstrap 95 % interval of with minus without.
    """
    from ..io import load_real_races
    from ..racesim import RaceSimulator, load_practice_weights

    from ._race_calibration import crps_samples

    W = load_practice_weights()
    w_tr = W.get("weights_train_2025H1", W.get("weights"))
    races = load_real_races() if races is None else races
    rows = []
    for i, r in enumerate(races):
        ok = np.isfinite(r.actual)
        y = r.actual[ok]
        for setting in ("vendor", "no_vendor"):
            p = r.slate.players
            drop = ([] if setting == "vendor" else ["projection"]) + (["start"] if drawn else [])
            sl = r.slate.with_players(p.drop(columns=[c for c in drop if c in p]))
            sl.meta = dict(r.slate.meta)
            held = w_tr if sl.date is not None and sl.date < pd.Timestamp("2026-01-01") else None
            res = {}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for arm in ("on", "off"):
                    res[arm] = RaceSimulator(n_scenarios, random_state=seed + i, practice="auto" if arm == "on" else
                                             "off", practice_weights=held).simulate(sl)
            for arm, x in res.items():
                m = x.points.mean(0, dtype=np.float64)[ok]
                rows.append({"slate": r.name, "setting": setting, "arm": arm, "used": res["on"].practice is not None,
                             "n": int(ok.sum()), "crps_sum": float(crps_samples(x.points[:, ok], y).sum()),
                             "se_sum": float((((y - y.mean()) - (m - m.mean())) ** 2).sum())})
    d = pd.DataFrame(rows)
    rng = np.random.default_rng(seed)
    out = {"n_scenarios": n_scenarios, "seed": seed, "drawn": drawn, "per_slate": d}
    for setting in ("vendor", "no_vendor"):
        for subset in ("all", "with_sessions"):
            x = d[d["setting"] == setting]
            x = x[x["used"]] if subset == "with_sessions" else x
            w = x.pivot(index="slate", columns="arm", values=["crps_sum", "se_sum", "n"])
            n = w[("n", "on")].to_numpy(float)
            fig = {"n_slates": int(len(w)), "n_drivers": int(n.sum())}
            for col, key in (("crps_sum", "crps"), ("se_sum", "mse")):
                a, b = w[(col, "on")].to_numpy(float), w[(col, "off")].to_numpy(float)
                boots = [(a - b)[k].sum() / n[k].sum() for k in (rng.integers(0, len(a), len(a)) for _ in range(n_boot))]
                fig[key] = {"with": float(a.sum() / n.sum()), "without": float(b.sum() / n.sum()),
                            "diff": float((a - b).sum() / n.sum()),
                            "diff_ci95": [float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))]}
            out[f"{setting}/{subset}"] = fig
    return out


# --------------------------------------------------------------------------- the whole fit
def weights_dict(wf, wp, wq, qd=None, notes="") -> dict:
    w = {"strength": {"practice": {"w": {"pooled": wf}, "missing": 0.0}}, "pace": {"practice": {"w": {"pooled": wp},
                                                                                               "missing": 0.0}}}
    if wq:
        w["strength"]["quali"] = {"w": {"pooled": wq}, "missing": 0.0}
    if qd is not None:
        w["qualifying_draw"] = {"practice": {"w": {"pooled": round(qd["c"], 4)}, "missing": 0.0},
                                "strength_scale": round(qd["scale"], 4)}
    w["apply_to"] = ["history", "salary"]  # new information for both (DK salaries are set before practice)
    return w


def fit_practice(quick: bool = False, seed: int = 0, params: dict | None = None, pq=None, say=None) -> dict:
    """Fit and judge practice / qualifying speed in the race strength (what ``scripts/fit_practice.py`` runs).

    Steps (every simulation uses the shipped race model and common random numbers per race):

    1. 2025 Cup races with sessions (loop-data results): Plackett-Luce of the finishing order on
       strength + start score (+ practice score, + qualifying speed score), fitted on the races
       before :data:`SPLIT`, negative log-likelihood per race on the later ones; and of the start order.
    2. CRPS of actual DK points on a grid of (w_f: practice in the strength, w_p: practice in the
       pace only); the point with the lowest training CRPS is judged on the held-out races
       (race-bootstrap interval of the difference). Then qualifying speed (w_q) given practice.
       A term is kept only if it lowers the held-out CRPS.
    3. Before qualifying: the practice term of the start-order draw (Plackett-Luce of the real
       start orders), judged by the held-out CRPS with drawn starts.
    4. The kept terms refitted on all 2025 races (shipped) and checked on the dk_2026 races.
    5. Real slates with results, leave-one-race-out: the blend of vendor projection + history
       + salary (with / without practice) against the vendor alone; and without a vendor.

    Returns
    -------
    dict
        ``figures`` (everything measured, JSON-ready), ``weights_file`` (the content of
        ``dfslab/_data/racesim_practice.json``), ``slate_means`` and ``grid`` (DataFrames).
    """
    import time

    from ..io import read_practice_quali
    from ..racesim import load_default_params

    t0 = time.perf_counter()
    say = say or (lambda m: None)
    n = 600 if quick else 2000
    P = load_default_params() if params is None else params
    pq = read_practice_quali() if pq is None else pq
    T = study_table_2025(P, pq)
    T26 = study_table_dk2026(P, pq)
    say(f"tables: 2025 {T['race_id'].nunique()} races, dk_2026 {T26['race_id'].nunique()} races")
    date = T.groupby("race_id")["race_date"].first()
    train = date.index[date < SPLIT].tolist()
    test = date.index[date >= SPLIT].tolist()
    out = {"split": str(SPLIT.date()), "n_train_races": len(train), "n_test_races": len(test),
           "n_scenarios": n, "seed": seed}

    # 1. Plackett-Luce of the finishing order (running cars)
    Tq = with_start_score(T)
    tr, te = Tq[Tq["race_id"].isin(train)], Tq[Tq["race_id"].isin(test)]
    out["pl_finish"] = [pl_heldout(tr, te, c) for c in (["strength", "q"], ["strength", "q", "p0"],
                                                           ["strength", "q", "qz0"], ["strength", "q", "p0", "qz0"])]
    # the start order (for the before-qualifying draw)
    trp, tep = tr[tr["has_p"]], te[te["has_p"]]
    out["pl_start"] = [pl_heldout(trp, tep, c, order_col="start", running_only=False)
                       for c in (["strength"], ["strength", "p0"])]
    say("Plackett-Luce done")

    # 2. CRPS grid, known starts (after qualifying)
    Tp = T[T["has_p"]]
    grid = grid_points()
    S = simulate_grid(Tp, P, grid, n_scenarios=n, seed=seed + 1000)
    say(f"grid ({len(grid)} points x {Tp['race_id'].nunique()} races) done")
    base = (0.0, 0.0, 0.0)
    trp_ids = [r for r in train if r in set(Tp["race_id"])]
    tep_ids = [r for r in test if r in set(Tp["race_id"])]
    pick = choose(S, trp_ids)
    tab = S.groupby(["wf", "wp", "wq", S["race_id"].isin(trp_ids).map({True: "train", False: "test"})])["crps"] \
        .mean().unstack()
    out["grid_crps"] = [{"wf": k[0], "wp": k[1], "train": round(v["train"], 4), "test": round(v["test"], 4)}
                        for k, v in tab.iterrows()]
    out["practice_pick_train"] = {"wf": pick[0], "wp": pick[1]}
    out["practice_heldout"] = paired(S, pick, base, tep_ids, seed=seed)
    out["practice_heldout_by_term"] = {
        "strength_only": paired(S, choose(S[S["wp"] == 0], trp_ids), base, tep_ids, seed=seed),
        "pace_only": paired(S, choose(S[S["wf"] == 0], trp_ids), base, tep_ids, seed=seed)}
    out["practice_heldout_by_term"]["strength_only"]["pick"] = choose(S[S["wp"] == 0], trp_ids)
    out["practice_heldout_by_term"]["pace_only"]["pick"] = choose(S[S["wf"] == 0], trp_ids)
    by_arch = {}
    for arch, g in S[S["race_id"].isin(tep_ids)].groupby("archetype"):
        by_arch[arch] = paired(g, pick, base, None, n_boot=500, seed=seed)
    out["practice_heldout_by_archetype"] = by_arch
    keep_p = out["practice_heldout"]["diff"] < 0
    pick_p = pick if keep_p else base

    # qualifying speed given practice (races with timed qualifying)
    Tq2 = T[T["has_q"]]
    gq = [(pick_p[0], pick_p[1], w) for w in WQ_GRID]
    SQ = simulate_grid(Tq2, P, gq, n_scenarios=n, seed=seed + 2000)
    trq = [r for r in train if r in set(Tq2["race_id"])]
    teq = [r for r in test if r in set(Tq2["race_id"])]
    pq_pick = choose(SQ, trq)
    out["quali_pick_train"] = {"wq": pq_pick[2]}
    out["quali_grid_crps"] = SQ.groupby(["wq", SQ["race_id"].isin(trq).map({True: "train", False: "test"})])["crps"] \
        .mean().unstack().round(4).reset_index().to_dict("records")
    out["quali_heldout"] = paired(SQ, pq_pick, gq[0], teq, seed=seed)
    keep_q = pq_pick[2] > 0 and out["quali_heldout"]["diff"] < 0
    say("quali stage done")

    # 3. before qualifying: practice in the start-order draw
    qd = fit_qual_draw(T[T["race_id"].isin(train)])
    out["qual_draw_train"] = qd
    Te = Tp[Tp["race_id"].isin(tep_ids)]
    d0 = simulate_grid(Te, P, [base], n_scenarios=n, seed=seed + 3000, drawn=True)
    d1 = simulate_grid(Te, P, [pick_p], n_scenarios=n, seed=seed + 3000, drawn=True)
    d2 = simulate_grid(Te, P, [pick_p], n_scenarios=n, seed=seed + 3000, drawn=True,
                          qual_draw=(qd["c"], qd["scale"]))
    d2["wq"] = -1.0  # label: with the draw term
    D = pd.concat([d0, d1, d2])
    out["before_qualifying_heldout"] = {
        "practice_in_race": paired(D, pick_p, base, tep_ids, seed=seed),
        "practice_in_race_and_draw": paired(D, (pick_p[0], pick_p[1], -1.0), base, tep_ids, seed=seed)}
    keep_qd = out["before_qualifying_heldout"]["practice_in_race_and_draw"]["diff"] < \
        out["before_qualifying_heldout"]["practice_in_race"]["diff"]
    say("before-qualifying stage done")

    # 4. refit on all 2025 races; check on dk_2026
    all_p = list(Tp["race_id"].unique())
    pick_all = choose(S, all_p) if keep_p else base
    wq_all = choose(SQ, list(Tq2["race_id"].unique()))[2] if keep_q else 0.0
    qd_all = fit_qual_draw(T) if keep_qd else None
    out["kept"] = {"practice": bool(keep_p), "quali_speed": bool(keep_q), "qualifying_draw": bool(keep_qd)}
    out["weights_all_2025"] = {"wf": pick_all[0], "wp": pick_all[1], "wq": wq_all, "qual_draw": qd_all}
    W_all = weights_dict(pick_all[0], pick_all[1], wq_all, qd_all)
    W_train = weights_dict(pick_p[0], pick_p[1], pq_pick[2] if keep_q else 0.0, qd if keep_qd else None)
    g26 = [base, (pick_all[0], pick_all[1], wq_all), (pick_p[0], pick_p[1], pq_pick[2] if keep_q else 0.0)]
    S26 = simulate_grid(T26, P, list(dict.fromkeys(g26)), n_scenarios=n, seed=seed + 4000)
    out["dk2026"] = {"all_2025_weights": paired(S26, g26[1], base, None, n_boot=2000, seed=seed),
                     "train_half_weights": paired(S26, g26[2], base, None, n_boot=2000, seed=seed),
                     "per_race": {r: round(float(g[(g.wf == g26[1][0]) & (g.wp == g26[1][1]) & (g.wq == g26[1][2])]
                                                 ["crps"].mean() - g[(g.wf == 0) & (g.wp == 0) & (g.wq == 0)]
                                                 ["crps"].mean()), 4)
                                  for r, g in S26.groupby("race_id")}}
    Tq26 = with_start_score(T26)
    out["dk2026_pl_finish"] = [pl_heldout(Tq, Tq26, c) for c in (["strength", "q"], ["strength", "q", "p0"])]
    # before qualifying (starts drawn per simulated race), the shipped weights
    D26 = simulate_grid(T26, P, [base, g26[1]], n_scenarios=n, seed=seed + 4000, drawn=True)
    out["dk2026_before_qualifying"] = paired(D26, g26[1], base, None, n_boot=2000, seed=seed)
    say("dk_2026 done")

    # 5. real slates, leave-one-race-out blend vs vendor
    def wfor(x):  # 2025 slates: weights fitted on 2025 races before 2025-07-01 (all 2025 slates are later)
        return W_train if pd.Timestamp(x.slate.date) < pd.Timestamp("2026-01-01") else W_all
    M = real_slate_means(P, wfor, n_scenarios=3000 if not quick else 1000, seed=seed + 5000, pq=pq)
    out["real_slates"] = {
        "slates": M.groupby("slate")["has_practice"].first().to_dict(),
        "without_practice": blend_vs_vendor(M, "history", "salary", seed=seed),
        "with_practice": blend_vs_vendor(M, "history_pq", "salary", seed=seed),
        "with_practice_history_and_salary": blend_vs_vendor(M, "history_pq", "salary_pq", seed=seed),
        "cup_with_sessions_only": {
            "without_practice": blend_vs_vendor(M, "history", "salary", seed=seed,
                                                   slates=M.loc[M["has_practice"], "slate"].unique()),
            "with_practice": blend_vs_vendor(M, "history_pq", "salary", seed=seed,
                                                slates=M.loc[M["has_practice"], "slate"].unique())}}
    out["real_slate_comparisons"] = source_comparisons(M, seed=seed)
    say("real slates done")
    out["seconds"] = round(time.perf_counter() - t0, 1)
    weights_file = {
        "weights": W_all, "weights_train_2025H1": W_train,
        "fit": {"on": "2025 Cup races with sessions in practice_quali.csv (loop-data results)",
                "split": out["split"], "kept": out["kept"], "grid": {"wf": WF_GRID, "wp": WP_GRID, "wq": WQ_GRID},
                "crps_heldout": out["practice_heldout"], "dk2026": out["dk2026"]["all_2025_weights"],
                "script": "scripts/fit_practice.py --write"}}
    return {"figures": out, "weights_file": weights_file, "slate_means": M, "grid": S}


# --------------------------------------------------------------------------- the calibration report's block
def practice_check(params, n_scenarios: int = 2000, seed: int = 0, quick: bool = False) -> dict:
    """Practice / qualifying speeds in the strength (``racesim_practice.json``): what they do held out.

    * ``crps_with`` / ``crps_without``: CRPS of actual DK points on the 2025 races from
      2025-07-01 on with sessions in the practice file (loop-data results), known starts, with the
      weights fitted on the 2025 races before that date (``weights_train_2025H1``) and without
      practice (same seeds); ``crps_diff_ci``: race-bootstrap 95 % interval of with minus without.
    * ``check_2026``: the same on the dk_2026 races with the shipped weights (fitted on all 2025).
    * ``mse_blend`` / ``mse_vendor`` / ``mse_diff_ci``: real slates with results, leave-one-race-out:
      the blend of vendor projection + history + salary (both with practice where the race has
      sessions) against the vendor's projection alone (within-slate MSE; 95 % slate-bootstrap
      interval of blend minus vendor); ``no_vendor``: the mean of a bare DKSalaries.csv (salary-implied,
      + practice) against the same without practice.
    """
    from ..io import read_practice_quali
    from ..racesim import load_practice_weights

    W = load_practice_weights()
    if not W:
        return {"note": "no racesim_practice.json"}
    w_tr, w_all = W.get("weights_train_2025H1", W["weights"]), W["weights"]
    pq = read_practice_quali()

    def wtriple(w):
        st, pa = w.get("strength", {}), w.get("pace", {})
        g = lambda d, k: float(d.get(k, {}).get("w", {}).get("pooled", 0.0)) if d.get(k) else 0.0  # noqa: E731
        return (g(st, "practice"), g(pa, "practice"), g(st, "quali"))

    n_boot = 500 if quick else 2000
    T = study_table_2025(params, pq)
    T = T[T["has_p"] & (T["race_date"] >= SPLIT)]
    base, a = (0.0, 0.0, 0.0), wtriple(w_tr)
    S = simulate_grid(T, params, [base, a], n_scenarios=n_scenarios, seed=seed)
    held = paired(S, a, base, n_boot=n_boot, seed=seed)
    T26 = study_table_dk2026(params, pq)
    b = wtriple(w_all)
    S26 = simulate_grid(T26, params, [base, b], n_scenarios=n_scenarios, seed=seed + 1)
    c26 = paired(S26, b, base, n_boot=n_boot, seed=seed)
    M = real_slate_means(params, lambda x: w_tr if pd.Timestamp(x.slate.date) < pd.Timestamp("2026-01-01")
                            else w_all, n_scenarios=n_scenarios, seed=seed + 2, pq=pq)
    vend = compare_sources(M, ("projection", "history_pq", "salary_pq"), ("projection",), n_boot=n_boot, seed=seed)
    vend0 = compare_sources(M, ("projection", "history", "salary"), ("projection",), n_boot=n_boot, seed=seed)
    nov = compare_sources(M, ("salary_pq",), ("salary",), n_boot=n_boot, seed=seed)
    return {"weights": {"train_2025H1": dict(zip(("w_strength", "w_pace", "w_quali"), a)),
                        "shipped_all_2025": dict(zip(("w_strength", "w_pace", "w_quali"), b))},
            "n_races": held["n_races"], "n_driver_races": held["n_drivers"],
            "crps_with": held["crps_a"], "crps_without": held["crps_b"], "crps_diff_ci": held["diff_ci95"],
            "check_2026": {"n_races": c26["n_races"], "crps_with": c26["crps_a"], "crps_without": c26["crps_b"],
                           "crps_diff_ci": c26["diff_ci95"]},
            "n_slates": vend["n_slates"], "n_slates_with_sessions": int(M.groupby("slate")["has_practice"].first().sum()),
            "mse_blend": vend["mse_a"], "mse_vendor": vend["mse_b"], "mse_diff_ci": vend["diff_ci95"],
            "mse_blend_without_practice": vend0["mse_a"], "blend_weights_all_slates": vend["weights_a"],
            "no_vendor": {"mse_with": nov["mse_a"], "mse_without": nov["mse_b"], "mse_diff_ci": nov["diff_ci95"]}}
