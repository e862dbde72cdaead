"""Race scenario simulator: NASCAR races as DraftKings points, by regime.

Public names: :class:`RaceSimulator`, :class:`RaceScenarios`, :class:`DriverRatingModel`.
"""

from ._core import REGIME_NAMES
from ._ratings import DriverRatingModel, salary_strength
from ._simulator import RaceScenarios, RaceSimulator, load_default_params

__all__ = ["DriverRatingModel", "REGIME_NAMES", "RaceScenarios", "RaceSimulator", "load_default_params",
           "salary_strength"]
