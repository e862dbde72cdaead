"""Race scenario simulator: NASCAR races as DraftKings points, by regime.

Public names: :class:`RaceSimulator`, :class:`RaceScenarios`, :class:`DriverRatingModel`,
:func:`load_history` (all race results known, read once per process),
:func:`run_calibration` / :class:`CalibrationReport` (fit on 2019-2024, held-out 2025 evaluation).
"""

from ._core import REGIME_NAMES
from ._history import load_history
from ._ratings import DriverRatingModel, salary_strength
from ._report import CalibrationReport, run_calibration
from ._simulator import RaceScenarios, RaceSimulator, load_blend_weights, load_default_params

__all__ = ["CalibrationReport", "DriverRatingModel", "REGIME_NAMES", "RaceScenarios", "RaceSimulator",
           "load_blend_weights", "load_default_params", "load_history", "run_calibration", "salary_strength"]
