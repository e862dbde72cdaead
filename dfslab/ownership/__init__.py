"""Ownership forecasting: features, the hybrid estimator, training data, a pretrained NASCAR default.

Ownership is percent of entries (0-100 per player), summing to 100 x roster
size per slate (600 for NASCAR, 1000 for MLB classic).
"""

from ._calibration import OwnershipCalibration
from ._cqr import ConformalQuantileIntervals
from ._data import load_contest_training_data
from ._evaluate import (OwnershipBacktest, coverage_by_bin, evaluate_mlb, evaluate_nascar_loso, interval_metrics,
                        slate_metrics)
from ._evaluate_actual import ActualOwnershipBacktest, evaluate_nascar_actual
from ._estimator import HybridOwnershipEstimator, capped_normalize
from ._features import FEATURE_COLUMNS, build_features, vendor_ownership
from ._optimal import perturbed_optimal_rate
from ._pretrained import (estimate_ownership, fit_pretrained_nascar, nascar_ownership_figures,
                          pretrained_nascar_estimator)

__all__ = [
    "ActualOwnershipBacktest", "ConformalQuantileIntervals", "FEATURE_COLUMNS", "HybridOwnershipEstimator",
    "OwnershipBacktest", "OwnershipCalibration", "build_features", "capped_normalize", "coverage_by_bin",
    "estimate_ownership", "evaluate_mlb", "evaluate_nascar_actual", "evaluate_nascar_loso", "fit_pretrained_nascar",
    "interval_metrics", "load_contest_training_data", "nascar_ownership_figures", "perturbed_optimal_rate",
    "pretrained_nascar_estimator", "slate_metrics", "vendor_ownership",
]
