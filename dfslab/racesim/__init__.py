"""Race scenario simulator: NASCAR races as DraftKings points, by regime.

Public names: :class:`RaceSimulator`, :class:`RaceScenarios`, :class:`DriverRatingModel`,
:func:`run_calibration` / :class:`CalibrationReport` (fit on 2019-2024, held-out 2025 evaluation).
"""

from ._core import REGIME_NAMES
from ._ratings import DriverRatingModel, salary_strength
from ._report import CalibrationReport, run_calibration
from ._simulator import RaceScenarios, RaceSimulator, load_default_params

__all__ = ["CalibrationReport", "DriverRatingModel", "REGIME_NAMES", "RaceScenarios", "RaceSimulator",
           "load_default_params", "run_calibration", "salary_strength"]
