"""The pretrained NASCAR default: fitted parameters shipped as JSON (derived figures, no data).

Two stages: the base ensemble, fitted on the published PROJECTED ownership of the 8 real 2025
slates (a prior: it imitates a projection for every driver), and the calibration to REAL
%Drafted of the dk_2026 contests (:class:`OwnershipCalibration`), which sharpens it, adds the
optimal rate and, when the slate carries one, blends in the vendor's projected ownership.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..rules import get_rules
from ..slate import Slate
from ._calibration import OwnershipCalibration
from ._estimator import CAP, HybridOwnershipEstimator
from ._features import FEATURE_COLUMNS, build_features

PRETRAINED_PATH = Path(__file__).resolve().parent.parent / "_data" / "ownership_nascar.json"
#: Leave-one-race-out figures of the shipped model on real %Drafted (written by
#: ``scripts/evaluate_ownership.py --write-figures``; read with :func:`nascar_ownership_figures`).
FIGURES_PATH = Path(__file__).resolve().parent.parent / "_data" / "ownership_nascar_eval.json"
#: Hyperparameters of the shipped NASCAR base ensemble.
PRETRAINED_PARAMS = dict(ensemble_method="stacking", sk_model="poisson", alpha=1e-1, cv=8, n_bins=3, offset=1.0, level=0.8,
               random_state=0)


def estimator_to_dict(est: HybridOwnershipEstimator) -> dict:
    """Fitted parameters of an estimator with the linear (``sk_model="poisson"``) member as plain JSON types."""
    if est.sk_model != "poisson":
        raise InputError("only sk_model='poisson' estimators serialize to JSON (tree models do not)")
    params = est.get_params()
    cal = params.pop("calibration")
    return {
        "params": params,
        "calibration": None if cal is None else cal.to_dict(),
        "feature_names_in": [str(c) for c in est.feature_names_in_],
        "x_mean": est.x_mean_.tolist(), "x_scale": est.x_scale_.tolist(),
        "glm_params": est.glm_params_.tolist(),
        "poisson_coef": est.sk_params_[0].tolist(), "poisson_intercept": est.sk_params_[1],
        "weights": est.weights_.tolist(), "mean_label": est.mean_label_,
        "bin_edges": est.bin_edges_.tolist(),
        "resid_quantiles": np.round(est.resid_quantiles_, 6).tolist(),
        "n_calibration": int(est.n_calibration_), "n_iter": int(est.n_iter_),
    }


def estimator_from_dict(d: dict) -> HybridOwnershipEstimator:
    """Rebuild a fitted estimator from :func:`estimator_to_dict` output."""
    cal = d.get("calibration")
    est = HybridOwnershipEstimator(**d["params"],
                                   calibration=None if cal is None else OwnershipCalibration.from_dict(cal))
    est.feature_names_in_ = np.asarray(d["feature_names_in"], dtype=object)
    est.n_features_in_ = len(d["feature_names_in"])
    names = list(d["feature_names_in"])
    est.roster_col_ = names.index("roster_size") if "roster_size" in names else None
    est.x_mean_ = np.asarray(d["x_mean"], dtype=float)
    est.x_scale_ = np.asarray(d["x_scale"], dtype=float)
    est.glm_params_ = np.asarray(d["glm_params"], dtype=float)
    est.sk_params_ = (np.asarray(d["poisson_coef"], dtype=float), float(d["poisson_intercept"]))
    est.sk_estimator_ = None
    est.n_iter_ = int(d.get("n_iter", 1))
    est.weights_ = np.asarray(d["weights"], dtype=float)
    est.member_names_ = ("statsmodels_glm_binomial", "sklearn_poisson")
    est.mean_label_ = float(d["mean_label"])
    est.bin_edges_ = np.asarray(d["bin_edges"], dtype=float)
    est.resid_quantiles_ = np.asarray(d["resid_quantiles"], dtype=float)
    est.n_calibration_ = int(d["n_calibration"])
    return est


def base_forecast(estimator: HybridOwnershipEstimator, X) -> np.ndarray:
    """The estimator's forecast without its calibration (the input the calibration was fitted on)."""
    est = copy.copy(estimator)
    est.calibration = None
    return est.predict(X)


@lru_cache(maxsize=1)
def pretrained_params() -> dict:
    """The shipped NASCAR model's fitted parameters as JSON (``dfslab/_data/ownership_nascar.json``, read once)."""
    if not PRETRAINED_PATH.is_file():
        raise InputError(f"pretrained parameters not found at {PRETRAINED_PATH}")
    return json.loads(PRETRAINED_PATH.read_text())


def pretrained_nascar_estimator() -> HybridOwnershipEstimator:
    """The fitted NASCAR default: base ensemble + calibration to real %Drafted.

    The base (GLM + Poisson regression, stacked) is fitted on the published
    **projected** ownership of the 8 real DK NASCAR slates (Aug-Sep 2025); the
    calibration (:class:`~dfslab.ownership.OwnershipCalibration`) on the **real**
    %Drafted of the named drivers of the dk_2026 contests. When ``X`` carries a
    vendor's projected ownership (``vendor_own``, from the slate's ``ownership``
    column) it is blended in; intervals are the calibration's real-%Drafted
    residuals. Only fitted parameters ship (``dfslab/_data/ownership_nascar.json``);
    measured figures: :func:`nascar_ownership_figures`.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> est = pretrained_nascar_estimator()
    >>> p = est.predict(build_features(demo_slate()))
    >>> round(float(p.sum()), 6), bool((p >= 0).all() and (p <= 100).all())
    (600.0, True)
    """
    d = pretrained_params()
    if list(d["feature_names_in"]) != ["roster_size", *FEATURE_COLUMNS[1:]]:
        raise InputError("pretrained ownership parameters were fitted on a different feature set; refit them "
                         "with dfslab.studies.fit_pretrained_nascar(write=True)")
    return estimator_from_dict(d)


def nascar_ownership_figures() -> dict:
    """Leave-one-race-out figures of the shipped NASCAR model on real %Drafted (for reports).

    Keys include ``mae_ours`` (no vendor input), ``mae_blend`` (DailyFan projected ownership as
    input), ``mae_vendor`` (DailyFan alone), ``mae_pretrained_2025`` (the previous default),
    ``coverage_80``, ``coverage_80_blend``, ``bias_*``, ``n_rows``, ``n_races``, ``command``.

    Examples
    --------
    >>> f = nascar_ownership_figures()
    >>> f["n_rows"] > 0 and 0 < f["mae_blend"] < 100
    True
    """
    if not FIGURES_PATH.is_file():
        raise InputError(f"ownership evaluation figures not found at {FIGURES_PATH}; write them with "
                         "python scripts/evaluate_ownership.py --write-figures")
    return json.loads(FIGURES_PATH.read_text())


def estimate_ownership(slate: Slate, estimator: HybridOwnershipEstimator | None = None, level: float = 0.8,
                       contest=None, vendor: bool = True) -> pd.DataFrame:
    """Ownership forecast with an interval for one slate (notebook convenience).

    Parameters
    ----------
    slate : Slate
    estimator : HybridOwnershipEstimator, optional
        A fitted estimator; default :func:`pretrained_nascar_estimator` (NASCAR slates only).
    level : float
        Interval level.
    contest : dict, optional
        Passed to :func:`build_features` (``entries`` matters: large fields spread their ownership).
    vendor : bool
        Use the slate's vendor projected ownership (its ``ownership`` column: DK pOWN%,
        DailyFan, or a user's ``projected_own`` file) as an INPUT of the calibrated
        estimator (default). False forecasts from salary, start, projection and track alone.

    Returns
    -------
    DataFrame [player_id, name, salary, ownership, lower, upper, std], one row per player in slate order;
    ``attrs["vendor_input"]`` says whether a vendor projected ownership was used.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> df = estimate_ownership(demo_slate())
    >>> list(df.columns), round(float(df.ownership.sum()))
    (['player_id', 'name', 'salary', 'ownership', 'lower', 'upper', 'std'], 600)
    """
    if not isinstance(slate, Slate):
        raise InputError(f"estimate_ownership: expected a dfslab.Slate, got {type(slate).__name__}")
    if estimator is None:
        if get_rules(slate.rules).name != "nascar":
            raise InputError(f"{slate.name}: the pretrained default is NASCAR-only; pass a fitted estimator for "
                             f"{get_rules(slate.rules).name} slates")
        estimator = pretrained_nascar_estimator()
    elif not hasattr(estimator, "predict_with_uncertainty"):
        raise InputError(f"estimator: expected a fitted HybridOwnershipEstimator, got {estimator!r}")
    X = build_features(slate, contest=contest, vendor=vendor)
    u = estimator.predict_with_uncertainty(X, level=level)
    p = slate.players
    out = pd.DataFrame({"player_id": p["player_id"].to_numpy(), "name": p["name"].to_numpy(),
                        "salary": p["salary"].to_numpy(), "ownership": u["ownership"].to_numpy(),
                        "lower": u["lower"].to_numpy(), "upper": u["upper"].to_numpy(),
                        "std": u["std"].to_numpy()})
    out.attrs["vendor_input"] = bool(estimator.calibration is not None and "vendor" in estimator.calibration.theta
                                     and X["vendor_own"].notna().any())
    capped = out["ownership"].to_numpy() >= CAP - 0.05
    out.attrs["notes"] = []
    if capped.any():
        # a log-linear model extrapolates a standout projection to the cap; real NASCAR fields never go that far
        who = ", ".join(f"{n} ({v:.1f}%)" for n, v in zip(out["name"][capped], out["ownership"][capped]))
        lead = ""
        if "projection" in p and p["projection"].notna().all():
            pr = np.sort(p["projection"].to_numpy(float))[::-1]
            lead = f" (the top projection is {pr[0] - pr[1]:.1f} pts above the next)"
        out.attrs["notes"].append(
            f"ownership forecast at the 100% cap for {who}{lead}: the estimator is extrapolating beyond its "
            "training slates; read it as 'very high'. The fields simulated from it put that driver in (nearly) every "
            "lineup, more concentrated than any real NASCAR field in the data (docs/ownership.md)")
    return out


def ownership_sampler(slate: Slate, estimator: HybridOwnershipEstimator | None = None):
    """A callable ``(n, rng) -> (n, n_players)`` drawing whole ownership vectors from the estimator's
    calibrated uncertainty (each row sums to 600), for ``FieldLineupSampler(ownership_sampler=...)``."""
    est = estimator if estimator is not None else pretrained_nascar_estimator()
    X = build_features(slate)

    def draw(n, rng):
        return est.sample_ownership(X, n_samples=int(n), random_state=rng)

    return draw
