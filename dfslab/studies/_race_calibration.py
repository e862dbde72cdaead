"""Fitting the simulator's per-archetype parameters from the loop data.

1. Pre-race strengths for every race (DriverRatingModel on races strictly before it).
2. Each race is labelled with a regime from what happened (rules below), giving
   regime probabilities per archetype (shrunk toward the all-track mix).
3. Per (archetype, regime): Plackett-Luce maximum likelihood of the finishing
   order of running cars on strength and qualifying score; Beta fits (method of
   moments) of the DNF rate and of the green-flag (fastest-lap) share of laps;
   lap-allocation concentration and finish/pace coupling by simulated moment
   matching (grid search, common random numbers) on the winner-level statistics.
Cells with fewer than ``MIN_CELL_RACES`` races borrow the regime's all-track fit.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from ..exceptions import InputError
from ..racesim import REGIME_NAMES, DriverRatingModel, driver_keys, race_performance, simulate_rows, start_score
from ..slate import ARCHETYPES

MIN_CELL_RACES = 8
CHAOS_DNF_RATE = 0.25  # a quarter of the field out
CHAOS_START_CORR = 0.15  # Spearman(start, finish) below this: order barely related to pace
DOMINATOR_TOP_SHARE = 0.45  # one driver led at least 45% of laps
_REQUIRED = ("race_id", "race_date", "archetype", "race_laps", "driver_name", "start", "finish",
             "laps_led", "fastest_laps", "dnf")


def check_history(history: pd.DataFrame) -> None:
    if not isinstance(history, pd.DataFrame):
        raise InputError(f"history: must be a DataFrame of read_race_logs() rows, got {type(history).__name__}")
    miss = [c for c in _REQUIRED if c not in history.columns]
    if miss:
        raise InputError(f"history: missing column(s) {miss} (use dfslab.read_race_logs())")
    if len(history) == 0:
        raise InputError("history: no rows")


def race_features(history: pd.DataFrame) -> pd.DataFrame:
    """One row per race: archetype, laps, field size, top-leader share, winner's share,
    drivers leading >= 10%, DNF count/rate, Spearman(start, finish), top leader's finish,
    fastest-lap share of laps, top fastest-lap share, drivers with >= 10% of fastest laps,
    top DK score, and the regime label."""
    h = history.sort_values(["race_id", "finish"], kind="stable")
    g = h.groupby("race_id", sort=False)
    L = g["race_laps"].first().astype(float)
    out = pd.DataFrame({
        "race_date": g["race_date"].first(), "archetype": g["archetype"].first(),
        "series": g["series"].first() if "series" in h.columns else None,
        "track": g["track"].first() if "track" in h.columns else None,
        "race_laps": L, "n": g.size(), "dnf": g["dnf"].sum(), "ll_sum": g["laps_led"].sum(),
        "fl_sum": g["fastest_laps"].sum(),
    })
    out["top_share"] = g["laps_led"].max() / L
    out["winner_share"] = g["laps_led"].first() / L  # sorted by finish: first row = winner
    out["n_lead10"] = h.assign(x=h["laps_led"] >= 0.1 * h["race_laps"]).groupby("race_id", sort=False)["x"].sum()
    out["dnf_rate"] = out["dnf"] / out["n"]
    s = h["start"].astype(float)
    f = h["finish"].astype(float)
    rs = s.groupby(h["race_id"]).rank()
    rf = f.groupby(h["race_id"]).rank()
    out["start_corr"] = pd.DataFrame({"a": rs, "b": rf, "r": h["race_id"]}).groupby("r").apply(
        lambda x: x["a"].corr(x["b"]), include_groups=False)
    idx = h.groupby("race_id", sort=False)["laps_led"].idxmax()
    out["top_leader_finish"] = h.loc[idx, "finish"].to_numpy()
    out["gf_share"] = out["fl_sum"] / L
    flmax = g["fastest_laps"].max()
    out["top_fl_share"] = flmax / out["fl_sum"].where(out["fl_sum"] > 0)
    out["n_fl10"] = h.assign(x=h["fastest_laps"] >= 0.1 * h.groupby("race_id")["fastest_laps"].transform("sum")
                             ).groupby("race_id", sort=False)["x"].sum()
    if "dk_points" in h.columns:
        out["top_dk"] = g["dk_points"].max()
        out["best6"] = g["dk_points"].apply(lambda x: np.sort(x.to_numpy())[-6:].sum())
    out["regime"] = classify(out)
    return out


def classify(feat: pd.DataFrame) -> pd.Series:
    """Regime label of finished races.

    chaos: DNF rate >= 25% or Spearman(start, finish) < 0.15;
    dominator: otherwise, when one driver led >= 45% of the laps;
    fuel_mileage: the rest (laps led spread out, finish decided by strategy/cautions).
    """
    chaos = (feat["dnf_rate"] >= CHAOS_DNF_RATE) | (feat["start_corr"] < CHAOS_START_CORR)
    dom = ~chaos & (feat["top_share"] >= DOMINATOR_TOP_SHARE)
    lab = np.where(chaos, "chaos", np.where(dom, "dominator", "fuel_mileage"))
    return pd.Series(lab, index=feat.index, name="regime")


def prerace_strengths(history: pd.DataFrame, races=None, rating_kwargs=None) -> pd.Series:
    """Strength of every driver-race row from the races strictly before its date (no leakage).

    Same formula as :class:`DriverRatingModel` (checked in the tests), computed with
    numpy bincounts per race. Races with no earlier race in ``history`` get 0 for
    everyone. ``races`` restricts the computation to some race ids (others are NaN).
    """
    m = DriverRatingModel(**(rating_kwargs or {}))
    h = history
    perf = h["perf"].to_numpy(float) if "perf" in h.columns else race_performance(h).to_numpy()
    date = pd.to_datetime(h["race_date"]).to_numpy("datetime64[D]").astype(np.int64)
    drv, dnames = pd.factorize(h["driver_key"] if "driver_key" in h.columns else driver_keys(h["driver_name"]))
    ser = pd.factorize(h["series"])[0] if "series" in h.columns else np.zeros(len(h), int)
    arc = pd.factorize(h["archetype"])[0]
    # newcomer prior: each driver's first race (stable order by date, as DriverRatingModel)
    o = np.argsort(date, kind="stable")
    first_pos = pd.Series(o).groupby(drv[o]).first()
    f_date, f_perf = date[first_pos.to_numpy()], perf[first_pos.to_numpy()]
    out = np.full(len(h), np.nan)
    rid = h["race_id"].to_numpy()
    race_rows = pd.Series(np.arange(len(h))).groupby(rid).apply(np.asarray)
    keep = None if races is None else set(races)
    for r, rows in race_rows.items():
        if keep is not None and r not in keep:
            continue
        d = date[rows[0]]
        before = date < d
        if not before.any():
            out[rows] = 0.0
            continue
        nf = f_date < d
        prior = float(f_perf[nf].mean()) if nf.sum() >= 5 else 0.0
        w = 0.5 ** ((d - date[before]) / m.half_life_days)
        w = w * np.where(ser[before] == ser[rows[0]], 1.0, m.other_series_weight)
        w = w * np.where(arc[before] == arc[rows[0]], m.same_archetype_weight, 1.0)
        W = np.bincount(drv[before], weights=w, minlength=len(dnames))
        WP = np.bincount(drv[before], weights=w * perf[before], minlength=len(dnames))
        k = m.prior_races
        s = (WP + k * prior) / (W + k)
        dr = drv[rows]
        out[rows] = np.where(W[dr] > 0, s[dr], prior)
    return pd.Series(out, index=h.index, name="strength")


def _race_arrays(h: pd.DataFrame, race_ids, strength_col="strength"):
    """Padded arrays (R, Dmax) per race: strength, start score, valid, and per-race laps."""
    groups = [h[h["race_id"] == r] for r in race_ids]
    D = max(len(x) for x in groups)
    R = len(groups)
    S = np.zeros((R, D))
    Q = np.zeros((R, D))
    V = np.zeros((R, D), bool)
    F = np.zeros((R, D))
    DNF = np.zeros((R, D), bool)
    LL = np.zeros((R, D))
    for i, x in enumerate(groups):
        k = len(x)
        S[i, :k] = x[strength_col].to_numpy(float)
        Q[i, :k] = start_score(x["start"].to_numpy(float))
        F[i, :k] = x["finish"].to_numpy(float)
        DNF[i, :k] = x["dnf"].to_numpy(bool)
        LL[i, :k] = x["laps_led"].to_numpy(float)
        V[i, :k] = True
    laps = np.array([int(x["race_laps"].iloc[0]) for x in groups])
    return S, Q, V, F, DNF, laps, LL


def _top5_share(u, V, LL, laps):
    """Share of laps led by the 5 drivers with the highest pre-race utility."""
    top = np.argsort(-np.where(V, u, -np.inf), axis=1)[:, :5]
    return np.take_along_axis(LL, top, 1).sum(1) / laps


def fit_plackett_luce(S, Q, V, F, DNF):
    """Maximum-likelihood (beta_s, beta_q) of the finishing order of running cars."""
    run = V & ~DNF
    order = np.argsort(np.where(run, F, np.inf), axis=1, kind="stable")
    Ss = np.take_along_axis(S, order, 1)
    Qs = np.take_along_axis(Q, order, 1)
    M = np.take_along_axis(run, order, 1)

    def nll(b):
        u = np.where(M, b[0] * Ss + b[1] * Qs, -np.inf)
        lse = np.logaddexp.accumulate(u[:, ::-1], axis=1)[:, ::-1]
        return -np.sum(np.where(M, u - lse, 0.0))

    with np.errstate(invalid="ignore"):
        r = minimize(nll, x0=np.array([0.5, 0.2]), method="L-BFGS-B", bounds=[(0.0, 5.0), (0.0, 5.0)])
    return float(r.x[0]), float(r.x[1])


def _beta_moments(x, lo=1e-3, hi=1 - 1e-3, weights=None):
    x = np.clip(np.asarray(x, float), lo, hi)
    if weights is None:
        m, v = x.mean(), x.var(ddof=1) if len(x) > 1 else 0.0
    else:
        w = np.asarray(weights, float)
        m = float(np.average(x, weights=w))
        n_eff = w.sum() ** 2 / np.sum(w * w)
        v = float(np.average((x - m) ** 2, weights=w)) * (n_eff / max(n_eff - 1, 1.0)) if len(x) > 1 else 0.0
    v = max(v, 1e-4)
    v = min(v, m * (1 - m) * 0.95)
    c = m * (1 - m) / v - 1
    return float(m * c), float((1 - m) * c)


def _sim_stats_base(rng_seed, S, Q, V, laps, bs, bq, dnf_ab, gf_ab, rho, gain, llk, lla, flk, fla, rep, shift, bonus=0.0,
               close=0.0, mean_error=0.0, finish_gain=1.0, trouble=0.0):
    rng = np.random.default_rng(rng_seed)
    u0 = bs * S + bq * Q
    u = np.repeat(u0, rep, axis=0)
    v = np.repeat(V, rep, axis=0)
    L = np.repeat(laps, rep)
    n = len(L)
    p = rng.beta(dnf_ab[0], dnf_ab[1], size=n)
    flt = np.rint(rng.beta(gf_ab[0], gf_ab[1], size=n) * L).astype(np.int64)
    if mean_error > 0:  # the simulator draws each scenario's strengths around the mean: fit with it on
        u = u + bs * mean_error * rng.standard_normal(u.shape)
    f = lambda x: np.full(n, x, float)  # noqa: E731
    fin, ll, fl, _ = simulate_rows(rng, u, L, p, f(rho), f(llk), f(lla), flt, f(flk), f(fla), valid=v,
                                   lead_gain=f(gain), dnf_shift=np.repeat(shift, rep, axis=0), lead_bonus=f(bonus),
                                   ll_close=f(close), finish_gain=f(finish_gain),
                                   trouble=f(trouble) if trouble > 0 else None)
    top = ll.max(1) / L
    n10 = (ll >= 0.1 * L[:, None]).sum(1)
    top5 = _top5_share(u, v, ll, L)
    topfin = np.take_along_axis(fin, ll.argmax(1)[:, None], 1)[:, 0]
    win = np.take_along_axis(ll, fin.argmin(1)[:, None], 1)[:, 0] / L
    fls = np.maximum(fl.sum(1), 1)
    topfl = fl.max(1) / fls
    nfl10 = (fl >= 0.1 * fls[:, None]).sum(1)
    return (np.array([top.mean(), n10.mean(), top5.mean(), topfin.mean(), win.mean(),
                      *np.percentile(win, WIN_QUANTILES)]),
            np.array([topfl.mean(), nfl10.mean()]))


WIN_QUANTILES = (10, 25, 50, 75)  # winner's laps-led share: matched as a distribution, not only its mean
LL_GRID = dict(ll_kappa=(0.5, 0.8, 1.2, 1.8, 2.7), ll_alpha=(1.0, 3.0, 10.0, 30.0, 100.0),
               lead_gain=(1.5, 2.5, 4.0, 6.0, 9.0), rho=(0.3, 0.6, 0.8, 0.9, 1.0),
               lead_bonus=(0.0, 1.0, 2.0, 4.0, 8.0), ll_close=(0.0, 0.02, 0.05, 0.1, 0.2))
FL_GRID = dict(fl_kappa=(0.0, 0.15, 0.3, 0.6, 1.0, 1.5, 2.2), fl_alpha=(1.0, 3.0, 10.0, 30.0, 100.0, 300.0))
QUICK_LL_GRID = dict(ll_kappa=(0.8, 1.8), ll_alpha=(3.0, 30.0), lead_gain=(2.5, 6.0), rho=(0.6, 0.9, 1.0),
                     lead_bonus=(0.0, 2.0, 6.0), ll_close=(0.0, 0.05, 0.15))
QUICK_FL_GRID = dict(fl_kappa=(0.15, 0.6, 1.5), fl_alpha=(3.0, 30.0, 300.0))


def clean_race_ids(history: pd.DataFrame) -> tuple[list, list]:
    """Race ids usable for fitting/evaluation, and messages about the dropped ones.

    Dropped: duplicate start or finish positions (merged events such as the
    Daytona duels), fewer than 20 cars.
    """
    g = history.groupby("race_id")
    dup_s = g["start"].apply(lambda x: x.duplicated().any())
    dup_f = g["finish"].apply(lambda x: x.duplicated().any())
    small = g.size() < 20
    bad = dup_s | dup_f | small
    msgs = [f"dropped {r}: " + ", ".join(k for k, v in (("duplicate start", dup_s[r]), ("duplicate finish", dup_f[r]),
                                                        ("< 20 cars", small[r])) if v) for r in bad.index[bad]]
    return bad.index[~bad].tolist(), msgs


def fit_dnf_shift(h: pd.DataFrame, race_ids) -> tuple[float, float]:
    """Logistic regression of DNF on (strength - field mean, start score) with the race's
    DNF log-odds as offset: how much weaker and back-starting cars fail more."""
    import statsmodels.api as sm

    x = h[h["race_id"].isin(race_ids)]
    s = x["strength"] - x.groupby("race_id")["strength"].transform("mean")
    q = np.concatenate([start_score(g["start"].to_numpy(float)) for _, g in x.groupby("race_id", sort=False)])
    q = pd.Series(q, index=np.concatenate([g.index for _, g in x.groupby("race_id", sort=False)])).reindex(x.index)
    rate = x.groupby("race_id")["dnf"].transform("mean").clip(0.01, 0.99)
    off = np.log(rate / (1 - rate))
    try:
        r = sm.GLM(x["dnf"].astype(float).to_numpy(), np.c_[s, q], family=sm.families.Binomial(),
                   offset=off.to_numpy()).fit()
        return float(r.params[0]), float(r.params[1])
    except Exception:  # noqa: BLE001 - degenerate cell: no shift
        return 0.0, 0.0


def fit_cell(h, feat, race_ids, seed=0, rep=20, max_races=60, quick=False, gamma=(0.0, 0.0), dnf_weight=None,
             mean_error=0.0, finish_gain=1.0, trouble=0.0):
    """Fit all parameters of one (archetype, regime) cell from its races.

    ``dnf_weight`` (per race id) weights the races in the DNF-rate fit (recency);
    ``mean_error``, ``finish_gain`` and ``trouble`` are those the simulator will use,
    so the lap-allocation moments are matched with them on.
    """
    _sim_stats = functools.partial(_sim_stats_base, mean_error=mean_error, finish_gain=finish_gain, trouble=trouble)
    rng = np.random.default_rng(seed)
    ids = list(race_ids)
    S, Q, V, F, DNF, laps, LLr = _race_arrays(h, ids)
    bs, bq = fit_plackett_luce(S, Q, V, F, DNF)
    f = feat.loc[ids]
    dnf_ab = _beta_moments(f["dnf_rate"], weights=None if dnf_weight is None else dnf_weight.reindex(ids).to_numpy())
    gf = f["gf_share"][(f["gf_share"] > 0.2) & (f["gf_share"] <= 1.0)]  # > 1 = data glitch
    gf_ab = _beta_moments(gf if len(gf) >= 2 else f["gf_share"].clip(0.3, 0.95))
    real_top5 = _top5_share(bs * S + bq * Q, V, LLr, laps).mean()
    if len(ids) > max_races:
        pick = np.sort(rng.choice(len(ids), max_races, replace=False))
        S, Q, V, laps = S[pick], Q[pick], V[pick], laps[pick]
        f = f.iloc[pick]
    Sc = np.where(V, S - (S * V).sum(1, keepdims=True) / V.sum(1, keepdims=True), 0.0)
    shift = gamma[0] * Sc + gamma[1] * Q
    real_ll = np.array([f["top_share"].mean(), f["n_lead10"].mean(), real_top5, f["top_leader_finish"].mean(),
                        f["winner_share"].mean(), *np.percentile(f["winner_share"], WIN_QUANTILES)])
    real_fl = np.array([f["top_fl_share"].mean(), f["n_fl10"].mean()])
    sc_ll = np.array([0.03, 0.2, 0.03, 1.0, 0.03] + [0.03] * len(WIN_QUANTILES))
    sc_fl = np.array([0.02, 0.2])
    llg, flg = (QUICK_LL_GRID, QUICK_FL_GRID) if quick else (LL_GRID, FL_GRID)
    common = (seed, S, Q, V, laps, bs, bq, dnf_ab, gf_ab)
    # Stage A: concentration and strength gain of leading (rho fixed), on the laps-led moments.
    best = (np.inf, None, None)
    for k, a, g in itertools.product(llg["ll_kappa"], llg["ll_alpha"], llg["lead_gain"]):
        st, _ = _sim_stats(*common, 0.9, g, k, a, 1.0, 10.0, rep, shift)
        loss = np.sum(((st[:3] - real_ll[:3]) / sc_ll[:3]) ** 2)
        if loss < best[0]:
            best = (loss, (k, a, g), st)
    llk, lla, gain = best[1]
    # Stage B: finish/pace coupling and the winner's closing stint, on where the top lap
    # leader finishes and the distribution (mean and quantiles) of the winner's laps-led share.
    bestr = (np.inf, None, None)
    for r, b, c in itertools.product(llg["rho"], llg["lead_bonus"], llg["ll_close"]):
        st, _ = _sim_stats(*common, r, gain, llk, lla, 1.0, 10.0, rep, shift, b, c)
        loss = np.sum(((st - real_ll) / sc_ll) ** 2)
        if loss < bestr[0]:
            bestr = (loss, (r, b, c), st)
    (rho, bonus, close), sim_ll = bestr[1], bestr[2]
    # Stage C: refit the concentration given the coupling and the closing stint, on all laps-led moments
    # (the closing stint takes laps from the pace allocation, so stage A's optimum moves).
    for k, a, g in itertools.product(llg["ll_kappa"], llg["ll_alpha"], llg["lead_gain"]):
        st, _ = _sim_stats(*common, rho, g, k, a, 1.0, 10.0, rep, shift, bonus, close)
        loss = np.sum(((st - real_ll) / sc_ll) ** 2)
        if loss < bestr[0]:
            bestr = (loss, (rho, bonus, close), st)
            llk, lla, gain, sim_ll = k, a, g, st
    bestf = (np.inf, None, None)
    for k, a in itertools.product(flg["fl_kappa"], flg["fl_alpha"]):
        _, st = _sim_stats(*common, rho, gain, llk, lla, k, a, rep, shift, bonus, close)
        loss = np.sum(((st - real_fl) / sc_fl) ** 2)
        if loss < bestf[0]:
            bestf = (loss, (k, a), st)
    flk, fla = bestf[1]
    return {
        "beta_s": round(bs, 4), "beta_q": round(bq, 4), "dnf_a": round(dnf_ab[0], 4), "dnf_b": round(dnf_ab[1], 4),
        "gf_a": round(gf_ab[0], 4), "gf_b": round(gf_ab[1], 4), "rho": rho, "lead_gain": gain, "lead_bonus": bonus,
        "ll_close": close,
        "ll_kappa": llk, "ll_alpha": lla, "fl_kappa": flk, "fl_alpha": fla, "n_races": len(ids),
        "fit_check": {"real_top_share": round(real_ll[0], 3), "sim_top_share": round(sim_ll[0], 3),
                      "real_n_lead10": round(real_ll[1], 2), "sim_n_lead10": round(sim_ll[1], 2),
                      "real_top5_strength_share": round(real_ll[2], 3), "sim_top5_strength_share": round(sim_ll[2], 3),
                      "real_top_leader_finish": round(real_ll[3], 2), "sim_top_leader_finish": round(sim_ll[3], 2),
                      "real_winner_share": round(real_ll[4], 3), "sim_winner_share": round(sim_ll[4], 3),
                      **{f"real_winner_share_p{q}": round(real_ll[5 + i], 3) for i, q in enumerate(WIN_QUANTILES)},
                      **{f"sim_winner_share_p{q}": round(sim_ll[5 + i], 3) for i, q in enumerate(WIN_QUANTILES)},
                      "real_top_fl_share": round(real_fl[0], 3), "sim_top_fl_share": round(bestf[2][0], 3)},
    }


def _fg(finish_gain, archetype) -> float:
    """The finish gain of an archetype from a number or a {archetype: gain, "pooled": gain} dict."""
    if isinstance(finish_gain, dict):
        return float(finish_gain.get(archetype, finish_gain.get("pooled", 1.0)))
    return float(finish_gain)


DNF_HALF_LIVES = (0.25, 0.5, 1.0, 2.0, 4.0, None)  # years; None = all races alike


def fit_dnf_half_life(feat: pd.DataFrame, n_years: int = 3) -> tuple[float | None, list]:
    """Recency half-life (years) of the DNF-rate fit, chosen by forecasting each of the
    last ``n_years`` seasons of ``feat`` from the seasons before it (per archetype,
    error in DNFs per race). DNF rates fell steadily 2019-2024 (7.2 -> 5.2 per race),
    so an equal-weight fit over-predicts the next season."""
    year = pd.to_datetime(feat["race_date"]).dt.year
    years = sorted(year.unique())[-n_years:]
    out = []
    for hl in DNF_HALF_LIVES:
        err = []
        for Y in years:
            tr, te = feat[year < Y], feat[year == Y]
            if tr.empty or te.empty:
                continue
            age = (pd.Timestamp(f"{Y}-01-01") - pd.to_datetime(tr["race_date"])).dt.days / 365.25
            w = np.ones(len(tr)) if hl is None else 0.5 ** (age.to_numpy() / hl)
            for a, g in te.groupby("archetype"):
                m = (tr["archetype"] == a).to_numpy()
                if m.sum() < MIN_CELL_RACES:
                    continue
                pred = np.average(tr["dnf_rate"].to_numpy()[m], weights=w[m])
                err.append(((pred - g["dnf_rate"].mean()) * g["n"].mean()) ** 2)
        out.append({"half_life_years": hl, "rmse_dnf_per_race": float(np.sqrt(np.mean(err))) if err else np.inf})
    # The longest half-life within 5 % of the best error: as stable as the data allow.
    lo = min(r["rmse_dnf_per_race"] for r in out)
    ok = [r["half_life_years"] for r in out if r["rmse_dnf_per_race"] <= 1.05 * lo]
    return (None if None in ok else max(ok)), out


def fit_params(history: pd.DataFrame, cutoff=None, seed: int = 0, quick: bool = False,
               prior_weight: float = 10.0, rating_kwargs=None, strengths: pd.Series | None = None,
               dnf_half_life="fit", mean_error: float = 0.0, finish_gain: float = 1.0, trouble: float = 0.0) -> dict:
    """Fit the full parameter set on races before ``cutoff``.

    Parameters
    ----------
    history : DataFrame
        :func:`dfslab.read_race_logs` rows.
    cutoff : date, optional
        Use only races strictly before it.
    quick : bool
        Fewer races per lap-allocation fit and fewer replications (for tests).
    prior_weight : float
        Regime probabilities = (counts + prior_weight x all-track mix) / (n + prior_weight).
    strengths : Series, optional
        Precomputed pre-race strengths aligned with ``history`` (see :func:`prerace_strengths`).
    dnf_half_life : "fit", float or None
        Recency half-life in years of the DNF-rate fit ("fit" = :func:`fit_dnf_half_life`
        on the training seasons; None = all races weigh the same).
    mean_error, finish_gain, trouble : float
        The simulator's per-scenario strength error, finish gain and trouble probability,
        on during the lap-allocation fits (stored in the result; ``finish_gain`` per
        archetype, ``trouble`` as each archetype's ``finish_trouble``).
    """
    check_history(history)
    h = history
    if cutoff is not None:
        h = h[pd.to_datetime(h["race_date"]) < pd.Timestamp(cutoff)]
    ok, dropped = clean_race_ids(h)
    h = h[h["race_id"].isin(ok)]
    if h["race_id"].nunique() < 20:
        raise InputError(f"history: only {h['race_id'].nunique()} races before {cutoff}; need >= 20 to fit")
    h = h.copy()
    if strengths is None:
        h["strength"] = prerace_strengths(h, rating_kwargs=rating_kwargs)
    else:
        h["strength"] = strengths.reindex(h.index).to_numpy()
    feat = race_features(h)
    overall = feat["regime"].value_counts(normalize=True).reindex(REGIME_NAMES, fill_value=0).to_numpy()
    rep, max_races = (8, 15) if quick else (20, 60)
    gamma_all = fit_dnf_shift(h, feat.index)
    hl_tab = []
    if dnf_half_life == "fit":
        dnf_half_life, hl_tab = fit_dnf_half_life(feat)
    end = pd.Timestamp(cutoff) if cutoff is not None else pd.to_datetime(feat["race_date"]).max() + pd.Timedelta(days=1)
    age = (end - pd.to_datetime(feat["race_date"])).dt.days / 365.25
    dnf_w = None if dnf_half_life is None else 0.5 ** (age / float(dnf_half_life))
    pooled = {}
    for r in REGIME_NAMES:
        ids = feat.index[feat["regime"] == r]
        pooled[r] = fit_cell(h, feat, ids, seed=seed, rep=rep, max_races=max_races, quick=quick, gamma=gamma_all,
                             dnf_weight=dnf_w, mean_error=mean_error, finish_gain=_fg(finish_gain, None),
                             trouble=trouble)
        pooled[r]["borrowed"] = False
    out = {"regime_names": list(REGIME_NAMES), "archetypes": {},
           "classification": {"chaos_dnf_rate": CHAOS_DNF_RATE, "chaos_start_corr": CHAOS_START_CORR,
                              "dominator_top_share": DOMINATOR_TOP_SHARE},
           "overall_regime_mix": dict(zip(REGIME_NAMES, np.round(overall, 4).tolist())),
           "n_races": int(len(feat)), "cutoff": None if cutoff is None else str(pd.Timestamp(cutoff).date()),
           "temperature": 1.0, "rating": dict(rating_kwargs or {}), "dropped_races": dropped,
           "dnf_half_life_years": dnf_half_life, "dnf_half_life_fit": hl_tab, "mean_error_sd": float(mean_error)}
    for a in ARCHETYPES:
        fa = feat[feat["archetype"] == a]
        counts = fa["regime"].value_counts().reindex(REGIME_NAMES, fill_value=0).to_numpy(float)
        probs = (counts + prior_weight * overall) / (counts.sum() + prior_weight)
        gamma = fit_dnf_shift(h, fa.index) if len(fa) >= 3 * MIN_CELL_RACES else gamma_all
        cells = {}
        for r in REGIME_NAMES:
            ids = fa.index[fa["regime"] == r]
            if len(ids) >= MIN_CELL_RACES:
                cells[r] = fit_cell(h, feat, ids, seed=seed, rep=rep, max_races=max_races, quick=quick, gamma=gamma,
                                    dnf_weight=dnf_w, mean_error=mean_error, finish_gain=_fg(finish_gain, a),
                                    trouble=trouble)
                cells[r]["borrowed"] = False
            else:
                cells[r] = {**pooled[r], "borrowed": True, "n_races": int(len(ids))}
        out["archetypes"][a] = {"dnf_gamma_s": round(gamma[0], 4), "dnf_gamma_q": round(gamma[1], 4),
                                "finish_gain": _fg(finish_gain, a), "finish_trouble": float(trouble),
                                "regime_probs": np.round(probs, 4).tolist(), "regime_counts": counts.astype(int).tolist(),
                                "n_races": int(len(fa)), "regimes": cells}
    return out


# --- evaluation ---------------------------------------------------------------
def crps_samples(samples: np.ndarray, y: np.ndarray) -> np.ndarray:
    """CRPS of sample forecasts (columns) against outcomes ``y`` (one per column).

    Uses CRPS = E|X - y| - E|X - X'| / 2 with the sorted-sample identity.

    Examples
    --------
    >>> x = np.array([[0.0], [1.0]])
    >>> crps_samples(x, np.array([0.0])).round(3).tolist()
    [0.25]
    """
    x = np.sort(np.asarray(samples, float), axis=0)
    m = x.shape[0]
    y = np.asarray(y, float)
    e1 = np.abs(x - y[None, :]).mean(0)
    w = (2 * np.arange(1, m + 1) - m - 1)[:, None]
    e2 = (w * x).sum(0) / (m * m)
    return e1 - e2


def race_level_stats(points, finish, laps_led, dnf, laps) -> dict:
    """Race-level statistics per row (scenario or real race)."""
    L = float(laps)
    win = np.take_along_axis(laps_led, np.argmin(finish, axis=1)[:, None], 1)[:, 0]
    return {
        "winner_ll_share": win / L,
        "top_ll_share": laps_led.max(1) / L,
        "n_lead10": (laps_led >= 0.1 * L).sum(1),
        "dnf_count": dnf.sum(1),
        "top_dk": points.max(1),
        "best6": np.sort(points, axis=1)[:, -6:].sum(1),
    }
