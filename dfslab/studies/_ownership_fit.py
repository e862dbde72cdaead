"""Fitting the shipped NASCAR ownership model (``dfslab/_data/ownership_nascar.json``).

Two stages: the base ensemble, fitted on the published PROJECTED ownership of the 8 real 2025
slates (a prior: it imitates a projection for every driver), and the calibration to REAL
%Drafted of the dk_2026 contests (:class:`~dfslab.ownership.OwnershipCalibration`). The model
itself, loaded at prediction time, is :func:`dfslab.ownership.pretrained_nascar_estimator`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..io import list_nascar_slates, load_real_races, read_nascar_slate
from ..ownership import (
    PRETRAINED_PARAMS,
    PRETRAINED_PATH,
    HybridOwnershipEstimator,
    OwnershipCalibration,
    base_forecast,
    build_features,
    estimator_to_dict,
)
from ..slate import capped_normalize
from ._ownership_real import contest_rows


def fit_base_nascar(slates=None) -> HybridOwnershipEstimator:
    """The base ensemble: fitted on the published PROJECTED ownership of real NASCAR slates.

    Parameters
    ----------
    slates : list of Slate, optional
        Default: every slate of :func:`dfslab.list_nascar_slates` (the 8 of Aug-Sep 2025).
    """
    if slates is None:
        slates = [read_nascar_slate(f) for f in list_nascar_slates()]
    X, y = nascar_xy(slates)
    return HybridOwnershipEstimator(**PRETRAINED_PARAMS).fit(X, y)

def real_contest_rows(races, estimator: HybridOwnershipEstimator, use_bound: bool = True) -> list:
    """:class:`~dfslab.ownership._calibration.ContestRows` of real races with named %Drafted.

    The base forecast (``estimator`` without calibration), the optimal rate and the vendor's
    projected ownership of every slate driver; one entry per contest.
    """
    out = []
    for r in races:
        if len(r.actual_ownership) == 0:
            continue
        X = build_features(r.slate)
        out += contest_rows(r, base_forecast(estimator, X), np.exp(X["log_opt_rate"].to_numpy()) - 1.0,
                            X["vendor_own"].to_numpy() if X["vendor_own"].notna().any() else None, use_bound)
    return out

def fit_pretrained_nascar(slates=None, write: bool = False, path=None, races=None,
                          censor_weight: float = 1.0) -> HybridOwnershipEstimator:
    """Fit the NASCAR default: base on projected ownership, calibration on real %Drafted.

    Parameters
    ----------
    slates : list of Slate, optional
        Projected-ownership training slates of the base (default: the 8 real slates of
        2025, :func:`dfslab.list_nascar_slates`).
    write : bool
        Write the fitted parameters to ``dfslab/_data/ownership_nascar.json``.
    races : list of RealRace, optional
        Real races with named %Drafted for the calibration (default: the dk_2026 races of
        :func:`dfslab.io.load_real_races`); ``[]`` ships the base alone.
    censor_weight : float
        Weight of the one-sided loss on unnamed drivers of contests whose top-k list is known.
    """
    if slates is None:
        slates = [read_nascar_slate(f) for f in list_nascar_slates()]
    est = fit_base_nascar(slates)
    races = load_real_races(include_2025=False) if races is None else list(races)
    rows = real_contest_rows(races, est)
    if rows:
        modes = ("model", "vendor") if all(r.vendor is not None for r in rows) else ("model",)
        est.set_params(calibration=OwnershipCalibration.fit(rows, modes=modes, censor_weight=censor_weight))
    if write:
        out = estimator_to_dict(est)
        out["source"] = ("base: fitted on the published PROJECTED ownership (DK pOWN%) of the real DK NASCAR slates "
                         "Aug-Sep 2025 (../shared/data/nascar/slates); calibration: fitted on the REAL %Drafted rows "
                         "(named drivers only) of the dk_2026 contests (../shared/data/nascar/dk_2026), with the "
                         "slates' DailyFan projected ownership as the vendor input")
        out["slates"] = [s.name for s in slates]
        out["races"] = [r.name for r in races if len(r.actual_ownership)]
        Path(path or PRETRAINED_PATH).write_text(json.dumps(out, indent=1))
    return est

def nascar_xy(slates) -> tuple[pd.DataFrame, pd.Series]:
    """Features and projected-ownership labels of real NASCAR slates (rescaled to sum 600).

    The published projections sum to about 600 (not exactly), so each slate's
    labels are rescaled to 600 with the capped redistribution.
    """
    X = build_features(slates)
    ys = []
    for s in slates:
        o = s.column("ownership")
        if (o < 0).any():
            raise InputError(f"{s.name}: negative projected ownership")
        ys.append(capped_normalize(o, s.rules.ownership_total))
    return X, pd.Series(np.concatenate(ys), index=X.index, name="ownership")
