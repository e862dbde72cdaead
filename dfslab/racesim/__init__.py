"""Race scenario simulator: NASCAR races as DraftKings points, by regime.

Public names: :class:`RaceSimulator`, :class:`RaceScenarios`, :class:`DriverRatingModel`,
:func:`load_history` (all race results known, read once per process),
:func:`run_calibration` / :class:`CalibrationReport` (fit on 2019-2024, held-out 2025 evaluation),
:func:`loso_simulator_kwargs` (real-slate parameters fitted without a given real slate, for backtests).
"""

from ._core import REGIME_NAMES
from ._history import load_history
from ._loso import loso_simulator_kwargs
from ._ratings import DriverRatingModel, salary_strength
from ._report import CalibrationReport, run_calibration
from ._simulator import RaceScenarios, RaceSimulator, load_blend_weights, load_default_params

__all__ = ["CalibrationReport", "DriverRatingModel", "REGIME_NAMES", "RaceScenarios", "RaceSimulator",
           "load_blend_weights", "load_default_params", "load_history", "loso_simulator_kwargs", "run_calibration",
           "salary_strength"]
