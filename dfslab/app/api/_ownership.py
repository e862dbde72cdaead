"""The two ownership ensembles the API serves (the seed plan's ``ensemble_method``).

``"stacking"`` is dfslab's pretrained NASCAR model (``dfslab/_data/ownership_nascar.json``).
``"voting"`` is the same estimator refitted with equal member weights on the same 8 real slates:
its two members (GLM + Poisson regression) are identical to the stacked model's, only the ensemble
weights and the conformal residual quantiles differ; the shipped calibration to real %Drafted
(fitted on the stacked base) is applied on top of both. Its fitted parameters ship beside the stacked
ones (``dfslab/_data/ownership_nascar_voting.json``, derived figures, no data) so serving it needs no
data folder; :func:`fit_voting_nascar` regenerates them::

    python -m dfslab.app.api._ownership            # needs ../shared/data; rewrites the JSON
    python -m dfslab.app.api._ownership --compare  # leave-one-slate-out accuracy of both ensembles
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np

from ...exceptions import InputError
from ...ownership import (
    PRETRAINED_PARAMS,
    PRETRAINED_PATH,
    HybridOwnershipEstimator,
    pretrained_nascar_estimator,
    pretrained_params,
)
from ...ownership import estimator_from_dict as from_dict
from ...ownership import estimator_to_dict as to_dict
from ...studies import nascar_xy

ENSEMBLE_METHODS = ("stacking", "voting")
VOTING_PATH = PRETRAINED_PATH.with_name("ownership_nascar_voting.json")


def fit_voting_nascar(slates=None, write: bool = False, path=None) -> HybridOwnershipEstimator:
    """Fit the voting twin of the pretrained NASCAR model on the same slates and settings."""
    from ...io import list_nascar_slates, read_nascar_slate

    if slates is None:
        slates = [read_nascar_slate(f) for f in list_nascar_slates()]
    X, y = nascar_xy(slates)
    est = HybridOwnershipEstimator(**{**PRETRAINED_PARAMS, "ensemble_method": "voting"}).fit(X, y)
    if write:
        out = to_dict(est)
        out["source"] = ("the pretrained NASCAR ownership model (ownership_nascar.json) refitted with "
                         "ensemble_method='voting' (equal member weights) on the same slates and settings")
        out["slates"] = [s.name for s in slates]
        (path or VOTING_PATH).write_text(json.dumps(out, indent=1))
    return est


def _check_twin(v: dict, s: dict) -> None:
    """The voting JSON must come from the same fit as the shipped stacking JSON (else it is stale)."""
    pv = {k: x for k, x in v["params"].items() if k != "ensemble_method"}
    ps = {k: x for k, x in s["params"].items() if k != "ensemble_method"}
    same = (v["params"].get("ensemble_method") == "voting" and pv == ps
            and v["feature_names_in"] == s["feature_names_in"]
            and np.allclose(v["glm_params"], s["glm_params"], rtol=1e-9, atol=1e-12)
            and np.allclose(v["poisson_coef"], s["poisson_coef"], rtol=1e-9, atol=1e-12))
    if not same:
        raise InputError(f"{VOTING_PATH.name} was not fitted with the shipped {PRETRAINED_PATH.name} (stale); "
                         "regenerate it with `python -m dfslab.app.api._ownership`")


@lru_cache(maxsize=2)
def ownership_estimator(method: str = "stacking") -> HybridOwnershipEstimator:
    """The pretrained NASCAR estimator with ensemble ``method`` ("stacking" or "voting"), cached.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> from dfslab.ownership import build_features
    >>> X = build_features(demo_slate())
    >>> v, s = ownership_estimator("voting"), ownership_estimator("stacking")
    >>> v.weights_.tolist(), round(float(v.predict(X).sum()), 6), bool((v.predict(X) != s.predict(X)).any())
    ([0.5, 0.5], 600.0, True)
    """
    if method not in ENSEMBLE_METHODS:
        raise InputError(f"ensemble_method must be one of {ENSEMBLE_METHODS}, got {method!r}")
    if method == "stacking":
        return pretrained_nascar_estimator()
    if not VOTING_PATH.is_file():
        raise InputError(f"voting ensemble parameters not found at {VOTING_PATH}")
    v = json.loads(VOTING_PATH.read_text())
    _check_twin(v, pretrained_params())
    est = from_dict(v)
    # the shipped calibration to real %Drafted sits on top of either ensemble's base forecast
    cal = pretrained_nascar_estimator().get_params().get("calibration")
    return est.set_params(calibration=cal) if cal is not None else est


def compare_ensembles_loso(slates=None):
    """Leave-one-slate-out on the real NASCAR slates: the pretrained settings fitted as stacking and as voting.

    Scored against the published PROJECTED ownership the models imitate (as
    :func:`dfslab.ownership.evaluate_nascar_loso`); each held-out slate is forecast by a model fitted on
    the other slates only. Returns a DataFrame: one row per ensemble method, MAE (pp, mean over slates),
    Spearman rho and the 80% interval coverage / width.
    """
    import pandas as pd

    from ...io import list_nascar_slates, read_nascar_slate
    from ...studies import interval_metrics, slate_metrics

    if slates is None:
        slates = [read_nascar_slate(f) for f in list_nascar_slates()]
    X, y = nascar_xy(slates)
    sid = X["slate_id"].to_numpy()
    rows = {}
    for method in ENSEMBLE_METHODS:
        parts = []
        for s in np.unique(sid):
            m = sid == s
            est = HybridOwnershipEstimator(**{**PRETRAINED_PARAMS, "ensemble_method": method, "cv": len(slates) - 1})
            parts.append(est.fit(X[~m], y[~m]).predict_with_uncertainty(X[m]).set_axis(np.flatnonzero(m)))
        u = pd.concat(parts).sort_index()
        rows[method] = {**slate_metrics(y.to_numpy(), u["ownership"].to_numpy(), sid),
                        **interval_metrics(y.to_numpy(), u["ownership"], u["lower"], u["upper"])}
    return pd.DataFrame(rows).T.rename_axis("ensemble_method")


if __name__ == "__main__":  # regenerate the shipped voting parameters; --compare: held-out accuracy of both
    import sys

    if "--compare" in sys.argv:
        print(compare_ensembles_loso().round(3).to_string())
    else:
        est = fit_voting_nascar(write=True)
        print(f"wrote {VOTING_PATH} (weights {est.weights_.tolist()}, {est.n_calibration_} calibration rows)")
