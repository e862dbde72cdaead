"""Race scenario simulator: NASCAR races as DraftKings points, by regime.

Public names: :class:`RaceSimulator`, :class:`RaceScenarios`, :class:`DriverRatingModel`,
:func:`load_history` (all race results known, read once per process), and the vectorized engine
underneath (:func:`simulate_rows`, :func:`draw_regime_rows`, :func:`draw_qualifying`, ...) that the
studies fit and check. Fitting the shipped parameters and judging them on held-out races are studies:
:func:`dfslab.studies.fit_params`, :func:`dfslab.studies.run_calibration`,
:func:`dfslab.studies.loso_simulator_kwargs`.
"""

from ._core import (
           PARAM_KEYS,
           REGIME_NAMES,
           draw_qualifying,
           draw_regime_rows,
           simulate_rows,
           start_score,
           start_score_rows,
)
from ._history import history_line, infer_series, load_history
from ._practice import (
           PracticeEffect,
           PracticeFeatures,
           load_practice_weights,
           practice_effect,
           practice_features,
           session_scores,
)
from ._ratings import DriverRatingModel, driver_keys, race_performance, salary_strength
from ._simulator import (
           BYTES_PER_CELL,
           PREQUAL_MODES,
           SOURCES,
           RaceScenarios,
           RaceSimulator,
           check_params,
           check_practice_setting,
           load_blend_weights,
           load_crowd_weights,
           load_default_params,
)

__all__ = ["BYTES_PER_CELL", "DriverRatingModel", "PREQUAL_MODES", "load_crowd_weights", "PARAM_KEYS", "REGIME_NAMES", "RaceScenarios", "RaceSimulator",
           "SOURCES", "check_params", "check_practice_setting", "draw_qualifying", "draw_regime_rows", "driver_keys", "history_line",
           "infer_series", "load_blend_weights", "load_default_params", "load_history", "race_performance",
           "PracticeEffect", "PracticeFeatures", "load_practice_weights", "practice_effect", "practice_features",
           "session_scores",
           "salary_strength", "simulate_rows", "start_score", "start_score_rows"]
