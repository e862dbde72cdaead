"""Ownership forecasting: features, the hybrid estimator, its calibration to real %Drafted, the pretrained
NASCAR default.

Ownership is percent of entries (0-100 per player), summing to 100 x roster
size per slate (600 for NASCAR, 1000 for MLB classic). Fitting the shipped model and
measuring it on real contests are studies (:mod:`dfslab.studies`).
"""

from ..slate import capped_normalize
from ._calibration import MODES as CALIBRATION_MODES
from ._calibration import ContestRows, OwnershipCalibration, calibrated, fit_theta
from ._cqr import ConformalQuantileIntervals
from ._data import load_contest_training_data
from ._estimator import CAP, HybridOwnershipEstimator
from ._features import FEATURE_COLUMNS, build_features, vendor_ownership
from ._optimal import perturbed_optimal_rate
from ._pretrained import (
    FIGURES_PATH,
    PRETRAINED_PARAMS,
    PRETRAINED_PATH,
    base_forecast,
    estimate_ownership,
    estimator_from_dict,
    estimator_to_dict,
    nascar_ownership_figures,
    ownership_sampler,
    pretrained_nascar_estimator,
    pretrained_params,
)

__all__ = [
    "CALIBRATION_MODES", "CAP", "ConformalQuantileIntervals", "ContestRows", "FEATURE_COLUMNS", "FIGURES_PATH",
    "HybridOwnershipEstimator", "OwnershipCalibration", "PRETRAINED_PARAMS", "PRETRAINED_PATH", "base_forecast",
    "build_features", "calibrated", "capped_normalize", "estimate_ownership", "estimator_from_dict",
    "estimator_to_dict", "fit_theta", "load_contest_training_data", "nascar_ownership_figures", "ownership_sampler",
    "perturbed_optimal_rate", "pretrained_nascar_estimator", "pretrained_params", "vendor_ownership",
]
