"""The pretrained NASCAR default: fitted parameters shipped as JSON (derived figures, no data)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError
from ..rules import get_rules
from ..slate import Slate
from ._estimator import HybridOwnershipEstimator
from ._features import FEATURE_COLUMNS, build_features

PRETRAINED_PATH = Path(__file__).resolve().parent.parent / "_data" / "ownership_nascar.json"
_PARAMS = dict(ensemble_method="stacking", sk_model="poisson", alpha=1e-1, cv=8, n_bins=3, offset=1.0, level=0.8,
               random_state=0)


def to_dict(est: HybridOwnershipEstimator) -> dict:
    """Fitted parameters of an estimator with the linear (``sk_model="poisson"``) member as plain JSON types."""
    if est.sk_model != "poisson":
        raise InputError("only sk_model='poisson' estimators serialize to JSON (tree models do not)")
    return {
        "params": est.get_params(),
        "feature_names_in": [str(c) for c in est.feature_names_in_],
        "x_mean": est.x_mean_.tolist(), "x_scale": est.x_scale_.tolist(),
        "glm_params": est.glm_params_.tolist(),
        "poisson_coef": est.sk_params_[0].tolist(), "poisson_intercept": est.sk_params_[1],
        "weights": est.weights_.tolist(), "mean_label": est.mean_label_,
        "bin_edges": est.bin_edges_.tolist(),
        "resid_quantiles": np.round(est.resid_quantiles_, 6).tolist(),
        "n_calibration": int(est.n_calibration_), "n_iter": int(est.n_iter_),
    }


def from_dict(d: dict) -> HybridOwnershipEstimator:
    """Rebuild a fitted estimator from :func:`to_dict` output."""
    est = HybridOwnershipEstimator(**d["params"])
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


def fit_pretrained_nascar(slates=None, write: bool = False, path=None) -> HybridOwnershipEstimator:
    """Fit the NASCAR default on the 8 real slates' published PROJECTED ownership.

    Parameters
    ----------
    slates : list of Slate, optional
        Default: every slate of :func:`dfslab.list_nascar_slates` (needs the data folder).
    write : bool
        Write the fitted parameters to ``dfslab/_data/ownership_nascar.json``.
    """
    from ..io import list_nascar_slates, read_nascar_slate

    if slates is None:
        slates = [read_nascar_slate(f) for f in list_nascar_slates()]
    X, y = nascar_xy(slates)
    est = HybridOwnershipEstimator(**_PARAMS).fit(X, y)
    if write:
        out = to_dict(est)
        out["source"] = ("fitted on the published PROJECTED ownership (DK pOWN%) of the 8 real DK NASCAR slates "
                         "Aug-Sep 2025 (../shared/data/nascar/slates); not actual contest ownership")
        out["slates"] = [s.name for s in slates]
        Path(path or PRETRAINED_PATH).write_text(json.dumps(out, indent=1))
    return est


def nascar_xy(slates) -> tuple[pd.DataFrame, pd.Series]:
    """Features and projected-ownership labels of real NASCAR slates (rescaled to sum 600).

    The published projections sum to about 600 (not exactly), so each slate's
    labels are rescaled to 600 with the capped redistribution.
    """
    from ._estimator import capped_normalize

    X = build_features(slates)
    ys = []
    for s in slates:
        o = s.column("ownership")
        if (o < 0).any():
            raise InputError(f"{s.name}: negative projected ownership")
        ys.append(capped_normalize(o, s.rules.ownership_total))
    return X, pd.Series(np.concatenate(ys), index=X.index, name="ownership")


@lru_cache(maxsize=1)
def _load_default() -> dict:
    if not PRETRAINED_PATH.is_file():
        raise InputError(f"pretrained parameters not found at {PRETRAINED_PATH}")
    return json.loads(PRETRAINED_PATH.read_text())


def pretrained_nascar_estimator() -> HybridOwnershipEstimator:
    """The fitted NASCAR default (GLM + Poisson regression, stacked, conformal residual quantiles).

    Fitted on the published **projected** ownership of the 8 real DK NASCAR
    slates (Aug-Sep 2025), not on actual contest ownership: it imitates a public
    ownership projection. Only fitted parameters ship (``dfslab/_data/ownership_nascar.json``).

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> est = pretrained_nascar_estimator()
    >>> p = est.predict(build_features(demo_slate()))
    >>> round(float(p.sum()), 6), bool((p >= 0).all() and (p <= 100).all())
    (600.0, True)
    """
    d = _load_default()
    if list(d["feature_names_in"]) != ["roster_size", *FEATURE_COLUMNS[1:]]:
        raise InputError("pretrained ownership parameters were fitted on a different feature set; refit them "
                         "with dfslab.ownership.fit_pretrained_nascar(write=True)")
    return from_dict(d)


def estimate_ownership(slate: Slate, estimator: HybridOwnershipEstimator | None = None, level: float = 0.8,
                       contest=None) -> pd.DataFrame:
    """Ownership forecast with an interval for one slate (notebook convenience).

    Parameters
    ----------
    slate : Slate
    estimator : HybridOwnershipEstimator, optional
        A fitted estimator; default :func:`pretrained_nascar_estimator` (NASCAR slates only).
    level : float
        Interval level.
    contest : dict, optional
        Passed to :func:`build_features`.

    Returns
    -------
    DataFrame [player_id, name, salary, ownership, lower, upper, std], one row per player in slate order.

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
    X = build_features(slate, contest=contest)
    u = estimator.predict_with_uncertainty(X, level=level)
    p = slate.players
    return pd.DataFrame({"player_id": p["player_id"].to_numpy(), "name": p["name"].to_numpy(),
                         "salary": p["salary"].to_numpy(), "ownership": u["ownership"].to_numpy(),
                         "lower": u["lower"].to_numpy(), "upper": u["upper"].to_numpy(),
                         "std": u["std"].to_numpy()})
