"""dfslab: research tools for NASCAR DraftKings tournaments.

Conventions: lineups are integer index arrays into ``Slate.players`` (n_lineups
x roster size); ownership is percent of entries (0-100 per player, summing to
100 x roster size = 600 for NASCAR); every stochastic object takes
``random_state``.

The whole pipeline is :class:`SlateAnalysis`. Heavy dependencies (scikit-learn,
statsmodels, scipy.stats, numba, matplotlib) load on first use of the name that
needs them, so ``import dfslab`` stays fast.
"""

import importlib as _importlib

from .exceptions import (DataFileError, DataNotFoundError, DfslabError, DfslabWarning, InfeasibleError, InputError,
                         ResourceLimitError)
from .rules import MLB_CLASSIC, NASCAR_CLASSIC, NFL_CLASSIC, RosterRules, get_rules
from .scoring import dk_components, dk_points, finish_points
from .slate import ARCHETYPES, Slate, check_lineups, check_ownership
from .utils.config import data_dir
from .utils.validation import set_memory_limit

#: the one version of the package (pyproject.toml reads it from here)
__version__ = "0.3.0"

# public name -> submodule that defines it (imported on first access)
_LAZY = {
    "demo_slate": ".demo",
    "SlateAnalysis": ".pipeline", "ContestReview": ".pipeline", "review_contest": ".pipeline",
    "demo_contest": ".pipeline",
    "ContestStandings": ".io", "list_nascar_slates": ".io", "load_slates_with_results": ".io",
    "read_contest_standings": ".io", "write_contest_standings": ".io", "read_dk_salaries": ".io", "read_dk_upload": ".io", "read_nascar_slate": ".io",
    "DKEntries": ".io", "read_dk_entries": ".io",
    "read_race_logs": ".io", "read_results_db": ".io", "track_archetype": ".io", "write_dk_upload": ".io",
    "RealRace": ".io", "load_real_races": ".io", "read_race_folder": ".io", "list_race_folders": ".io",
    "match_names": ".names", "name_key": ".names",
    "BacktestResult": ".studies", "backtest_real_slates": ".studies",
    "ContestResult": ".contest", "ContestSimulator": ".contest", "FieldLineupSampler": ".contest",
    "PayoutCurveFitter": ".contest", "rank_and_pay": ".contest",
    "LeverageAwareOptimizer": ".optimize", "Portfolio": ".optimize", "best_lineups": ".optimize",
    "optimal_rates": ".optimize", "DriverRules": ".optimize", "read_driver_rules": ".optimize",
    "HybridOwnershipEstimator": ".ownership", "build_features": ".ownership", "estimate_ownership": ".ownership",
    "load_contest_training_data": ".ownership", "pretrained_nascar_estimator": ".ownership",
    "OwnershipCalibration": ".ownership", "nascar_ownership_figures": ".ownership",
    "DriverRatingModel": ".racesim", "RaceScenarios": ".racesim", "RaceSimulator": ".racesim", "load_history": ".racesim",
    "loso_simulator_kwargs": ".studies",
    "PayoutTable": ".payouts", "load_real_payout_tables": ".payouts", "read_payout_table": ".payouts",
    "read_payout_tables": ".payouts",
}


def __getattr__(name: str):
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'dfslab' has no attribute {name!r}")
    value = getattr(_importlib.import_module(mod, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    # the public API only (not the submodules and helpers a package namespace also holds)
    return sorted(__all__) + ["__version__"]


__all__ = sorted([
    "ARCHETYPES", "DataFileError", "DataNotFoundError", "DfslabError", "InfeasibleError", "InputError",
    "MLB_CLASSIC", "NASCAR_CLASSIC", "NFL_CLASSIC", "RosterRules", "Slate", "check_lineups", "check_ownership",
    "data_dir", "dk_components", "dk_points", "finish_points", "get_rules", *_LAZY,
    "DfslabWarning", "ResourceLimitError", "set_memory_limit",
])
