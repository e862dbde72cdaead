"""Leave-one-race-out evaluation of the NASCAR ownership model on REAL %Drafted (dk_2026 layout).

Rows: every (contest, driver) with a real %Drafted in ``actual_ownership.csv`` of a race whose
pool is a full DK slate. Only some drivers were written down (mostly the most-owned ones), so
every forecast is scored on the SAME named rows, and the unnamed drivers are used only for
what is known about them: each contest's unnamed drivers hold 600 minus the named total, and
where the contest's top-k list is known every unnamed driver was owned at most its lowest value.

Per held-out race the calibration (:class:`OwnershipCalibration`) is fitted on the other races
only (its residual quantiles from a leave-one-race-out inside those); the base ensemble is fitted
on the 2025 PROJECTED ownership, which holds no dk_2026 information. A race's contests share one
slate: they get the same inputs except the contest size (``log_entries``).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ..exceptions import InputError
from ..ownership import CALIBRATION_MODES as MODES
from ..ownership import OwnershipCalibration, build_features, calibrated, fit_theta
from ._ownership_evaluate import OwnershipBacktest
from ._ownership_real import TOP_LIST_SOURCE, contest_table, log_entries

#: The goals of issue 17 (leave-one-race-out, named rows): MAE without / with the vendor input (pp),
#: 80% coverage band, |bias| on rows forecast above 20% (pp).
TARGETS = {"mae_ours": 7.6, "mae_blend": 6.0, "coverage_80": (0.75, 0.85), "abs_bias_gt20": 2.0}


@dataclass
class ActualOwnershipBacktest(OwnershipBacktest):
    """:class:`OwnershipBacktest` of :func:`evaluate_nascar_actual`.

    Attributes
    ----------
    predictions : DataFrame
        One row per named (contest, driver): ``race``, ``contest_id``, ``entries``, ``name``,
        ``salary``, ``actual``, ``vendor_raw`` (the slate's vendor projected ownership as
        published) and one column per forecast (``model``, ``blend``, ``vendor``,
        ``pretrained_2025``, ``base``, ...), with ``<forecast>_lower`` / ``_upper`` for
        ``model`` and ``blend``.
    drivers : DataFrame
        Every slate driver of every contest (named or not), same forecast columns, ``named``
        and the contest's ``bound`` (NaN without a top-k list): the unnamed rows carry no
        actual value and are used only through the contest total and the bound.
    """

    drivers: pd.DataFrame = field(default_factory=pd.DataFrame)

    def figures(self) -> dict:
        """The ``nascar_actual`` block of ``scripts/evaluate_ownership.py --json``."""
        m = self.metrics
        out = {"mae_ours": m.loc["model", "mae_pp"], "mae_vendor": m.loc["vendor", "mae_pp"],
               "mae_blend": m.loc["blend", "mae_pp"], "coverage_80": m.loc["model", "coverage80"],
               "coverage_80_blend": m.loc["blend", "coverage80"],
               "n_rows": int(self.info["n_rows"]), "n_races": int(self.info["n_races"]),
               "n_contests": int(self.info["n_contests"])}
        for f in ("model", "blend", "vendor", "pretrained_2025"):
            if f in m.index:
                key = {"model": "ours"}.get(f, f)
                for k in ("mae_pp", "bias_pp", "pearson_r", "bias_gt20_pp", "bias_vendor_gt20_pp",
                          "bias_gt20_bound_lo_pp", "remainder_mae_pp"):
                    if pd.notna(m.loc[f, k]):
                        out[f"{k.replace('_pp', '')}_{key}"] = float(m.loc[f, k])
        out = {k: (round(float(v), 4) if isinstance(v, (np.floating, float)) else v) for k, v in out.items()}
        out["theta"] = self.info.get("theta_full", {})
        out["targets"] = dict(TARGETS)
        out["met"] = {"mae_ours": out["mae_ours"] <= TARGETS["mae_ours"],
                      "mae_blend": out["mae_blend"] <= TARGETS["mae_blend"],
                      "coverage_80": TARGETS["coverage_80"][0] <= out["coverage_80"] <= TARGETS["coverage_80"][1],
                      "coverage_80_blend":
                          TARGETS["coverage_80"][0] <= out["coverage_80_blend"] <= TARGETS["coverage_80"][1],
                      "bias_gt20_ours": abs(out["bias_gt20_ours"]) <= TARGETS["abs_bias_gt20"],
                      "bias_gt20_blend": abs(out["bias_gt20_blend"]) <= TARGETS["abs_bias_gt20"]}
        return out


def _metrics(d: pd.DataFrame, drivers: pd.DataFrame, f: str) -> dict:
    """Figures of forecast ``f`` on the named rows (+ what the unnamed drivers allow)."""
    y, p, v = d["actual"].to_numpy(), d[f].to_numpy(), d["vendor_raw"].to_numpy()
    e = p - y
    big = p > 20
    out = {"mae_pp": float(np.abs(e).mean()),
           "mae_race_mean_pp": float(pd.Series(np.abs(e)).groupby(d["race"].to_numpy()).mean().mean()),
           "bias_pp": float(e.mean()), "pearson_r": float(np.corrcoef(p, y)[0, 1]),
           "spearman_rho": float(spearmanr(p, y).statistic),
           "bias_gt20_pp": float(e[big].mean()) if big.any() else np.nan, "n_gt20": int(big.sum()),
           "bias_vendor_gt20_pp": float(e[v > 20].mean()) if (v > 20).any() else np.nan}
    # The unnamed drivers of each contest hold 600 minus the named total.
    g = drivers.groupby(["race", "contest_id"])
    fc_unnamed = g.apply(lambda x: x.loc[~x["named"], f].sum(), include_groups=False)
    act_unnamed = g.apply(lambda x: x["total"].iloc[0] - x.loc[x["named"], "actual"].sum(), include_groups=False)
    out["remainder_mae_pp"] = float((fc_unnamed - act_unnamed).abs().mean())
    # Contests with a top-k list: every unnamed driver was owned at most the bound.
    ub = drivers[~drivers["named"] & drivers["bound"].notna()]
    if len(ub):
        out["unnamed_over_bound_share"] = float((ub[f] > ub["bound"]).mean())
        # Bias over forecasts > 20%, unnamed drivers included at their most favourable value (the bound):
        # the least negative the selection-free bias can be.
        ubig = ub[ub[f] > 20]
        e_lo = np.concatenate([e[big], (ubig[f] - ubig["bound"]).to_numpy()])
        out["bias_gt20_bound_lo_pp"] = float(e_lo.mean()) if len(e_lo) else np.nan
        out["n_gt20_unnamed_bounded"] = int(len(ubig))
    if f"{f}_lower" in d:
        lo, hi = d[f"{f}_lower"].to_numpy(), d[f"{f}_upper"].to_numpy()
        inside = (y >= lo) & (y <= hi)
        out.update({"coverage80": float(inside.mean()),
                    "coverage80_gt20": float(inside[big].mean()) if big.any() else np.nan,
                    "mean_width80_pp": float((hi - lo).mean())})
    return out


def _race_inputs(races, base, features=None):
    """Per race: features (default contest), base forecast, optimal rate, vendor (rescaled to 600)."""
    from ..ownership import base_forecast

    out = {}
    for r in races:
        X = build_features(r.slate) if features is None else features[r.name]
        out[r.name] = {"X": X, "base": base_forecast(base, X), "opt": np.exp(X["log_opt_rate"].to_numpy()) - 1.0,
                       "vendor": X["vendor_own"].to_numpy() if X["vendor_own"].notna().any() else None}
    return out


def _rows(races, inputs, use_bound=True):
    from ._ownership_real import contest_rows

    return [c for r in races for c in contest_rows(r, inputs[r.name]["base"], inputs[r.name]["opt"],
                                                   inputs[r.name]["vendor"], use_bound)]


def evaluate_nascar_actual(slates=None, quick: bool = False, base=None, censor_weight: float = 1.0,
                           level: float = 0.8) -> ActualOwnershipBacktest:
    """Leave-one-race-out on the real %Drafted of NASCAR contests (dk_2026 layout).

    Parameters
    ----------
    slates : path-like or list, optional
        Race folders in the dk_2026 layout, or folders holding them (default
        ``<data>/nascar/dk_2026``); races without a full DK pool or without %Drafted rows are
        left out (listed in ``info["skipped"]``).
    quick : bool
        Skip the variants (uncensored fit, base trained with the dk_2026 projected
        ownership too); the main rows are the same as in the full run.
    base : HybridOwnershipEstimator, optional
        The base ensemble (default: :func:`fit_base_nascar`, fitted on the 2025 slates'
        projected ownership; it holds no information about these races).
    censor_weight : float
        Weight of the one-sided loss on unnamed drivers above a contest's top-k bound.
    level : float
        Interval level.

    Returns
    -------
    ActualOwnershipBacktest
        ``metrics`` rows: ``model`` (calibrated, no vendor input), ``blend`` (DailyFan projected
        ownership as an input), ``vendor`` (DailyFan as published), ``pretrained_2025`` (the
        previous default: the base without the optimal-rate feature, uncalibrated), ``base``
        (this base, uncalibrated), and in full mode ``model_uncensored``, ``blend_uncensored``,
        ``model_base_2026``, ``blend_base_2026``. Columns: ``mae_pp`` (pooled over the named
        rows, every row weighs 1), ``mae_race_mean_pp``, ``bias_pp`` (forecast - actual),
        ``pearson_r``, ``spearman_rho``, ``bias_gt20_pp`` (rows forecast > 20%),
        ``bias_vendor_gt20_pp`` (rows DailyFan > 20%), ``remainder_mae_pp`` (per contest:
        forecast total of the unnamed drivers vs 600 - named total), ``unnamed_over_bound_share``,
        ``bias_gt20_bound_lo_pp`` (forecasts > 20% incl. unnamed drivers of top-k contests at
        their bound), ``coverage80``, ``coverage80_gt20``, ``mean_width80_pp``.
    """
    from ..io import list_nascar_slates, load_real_races, read_nascar_slate, skipped_races
    from ..ownership import PRETRAINED_PARAMS, HybridOwnershipEstimator
    from ._ownership_fit import nascar_xy

    t0 = time.perf_counter()
    loaded = load_real_races(slates, include_2025=False)
    skipped = skipped_races(slates, include_2025=False)
    races = []
    for r in loaded:
        if len(r.actual_ownership) == 0:
            skipped.append(f"{r.name}: no %Drafted rows")
        elif r.slate.players["ownership"].notna().sum() < r.slate.rules.roster_size:
            skipped.append(f"{r.name}: no vendor projected ownership in pool.csv")
        else:
            races.append(r)
    if len(races) < 3:
        raise InputError(f"leave-one-race-out needs at least 3 races with %Drafted rows and a full pool, got "
                         f"{len(races)} ({'; '.join(skipped)})")
    s25 = [read_nascar_slate(f) for f in list_nascar_slates()]
    X25, y25 = nascar_xy(s25)
    base = HybridOwnershipEstimator(**PRETRAINED_PARAMS).fit(X25, y25) if base is None else base
    inputs = _race_inputs(races, base)
    old = HybridOwnershipEstimator(**PRETRAINED_PARAMS).fit(X25.drop(columns="log_opt_rate"), y25)

    variants = {"": dict(inputs=inputs, censor_weight=censor_weight)}
    if not quick:
        variants["_uncensored"] = dict(inputs=inputs, censor_weight=0.0)
        # the base trained on the 2025 slates AND the other dk_2026 slates' DailyFan projected ownership
        xr = {r.name: nascar_xy([r.slate]) for r in races}
        inp26 = {}
        for r in races:
            Xo = pd.concat([X25] + [xr[k.name][0] for k in races if k.name != r.name])
            yo = pd.concat([y25] + [xr[k.name][1] for k in races if k.name != r.name])
            b26 = HybridOwnershipEstimator(**PRETRAINED_PARAMS).fit(Xo, yo)
            inp26[r.name] = _race_inputs(races, b26, {k: v["X"] for k, v in inputs.items()})
        variants["_base_2026"] = dict(inputs=inp26, censor_weight=censor_weight)

    parts, thetas = [], {}
    for r in races:
        X = inputs[r.name]["X"]
        ao = r.actual_ownership
        train = [k for k in races if k.name != r.name]
        # the main calibration with its inner leave-one-race-out residuals (intervals); variants: points only
        cal = OwnershipCalibration.fit(_rows(train, inputs), censor_weight=censor_weight)
        thetas[r.name] = {m: np.round(t, 4).tolist() for m, t in cal.theta.items()}
        vtheta = {}
        for suffix, var in variants.items():
            if suffix:
                inp = var["inputs"][r.name] if suffix == "_base_2026" else var["inputs"]
                tr = _rows(train, inp)
                vtheta[suffix] = {m: fit_theta(tr, m, censor_weight=var["censor_weight"]) for m in MODES}
        est = copy.copy(base)
        est.calibration = cal
        old_p = old.predict(X.drop(columns="log_opt_rate"))
        for _, c in contest_table(r).iterrows():
            named = ao[ao["contest_id"] == c["contest_id"]]
            d = pd.DataFrame({"race": r.name, "contest_id": c["contest_id"], "entries": c["entries"],
                              "name": r.slate.players["name"].to_numpy(), "salary": r.slate.players["salary"].to_numpy(),
                              "actual": np.nan, "named": False, "bound": c["bound"],
                              "total": float(r.slate.rules.ownership_total),
                              "vendor_raw": r.slate.players["ownership"].to_numpy(dtype=float)})
            d.loc[named["player"].to_numpy(), "actual"] = named["actual_own"].to_numpy(float)
            d.loc[named["player"].to_numpy(), "named"] = True
            d["vendor"] = d["vendor_raw"]
            d["pretrained_2025"] = old_p
            d["base"] = inputs[r.name]["base"]
            # the real code path: the estimator with this fold's calibration, per contest size
            Xc = X.assign(log_entries=log_entries(c["entries"]))
            for name, Xv in (("model", Xc.assign(vendor_own=np.nan)), ("blend", Xc)):
                u = est.predict_with_uncertainty(Xv, level=level)
                d[name] = u["ownership"].to_numpy()
                d[f"{name}_lower"] = u["lower"].to_numpy()
                d[f"{name}_upper"] = u["upper"].to_numpy()
            for suffix, var in variants.items():
                if not suffix:
                    continue
                inp = (var["inputs"][r.name] if suffix == "_base_2026" else var["inputs"])[r.name]
                for name, mode in (("model", "model"), ("blend", "vendor")):
                    d[f"{name}{suffix}"] = calibrated(vtheta[suffix][mode], inp["base"], inp["opt"],
                                                      inp["vendor"] if mode == "vendor" else None,
                                                      log_entries(c["entries"]), d["total"].iloc[0])
            parts.append(d)
    drivers = pd.concat(parts, ignore_index=True)
    preds = drivers[drivers["named"]].drop(columns=["named"]).reset_index(drop=True)
    order = ["model", "blend", "vendor", "pretrained_2025", "base"] + [
        f"{m}{s}" for s in variants if s for m in ("model", "blend")]
    metrics = pd.DataFrame({f: _metrics(preds, drivers, f) for f in order}).T.rename_axis("forecast")
    all_rows = _rows(races, inputs)
    full = {m: fit_theta(all_rows, m, censor_weight=censor_weight) for m in MODES}
    info = {"n_rows": int(len(preds)), "n_races": len(races), "n_contests": int(preds["contest_id"].nunique()),
            "races": [r.name for r in races], "skipped": skipped, "quick": bool(quick),
            "censor_weight": float(censor_weight), "level": float(level),
            "n_contests_with_top_list": int(drivers.groupby("contest_id")["bound"].first().notna().sum()),
            "top_list_source": TOP_LIST_SOURCE,
            "theta_loro": thetas, "theta_full": {m: np.round(t, 4).tolist() for m, t in full.items()},
            "labels": "real DK %Drafted of the named drivers (actual_ownership.csv)",
            "weighting": "every named (contest, driver) row weighs 1 in the figures; in the fit a race's contests "
                         "split one observation per driver (weight 1 / number of contests)",
            "seconds": round(time.perf_counter() - t0, 1)}
    return ActualOwnershipBacktest(metrics, preds, info, None, drivers)
