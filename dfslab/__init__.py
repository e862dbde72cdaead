"""dfslab: research tools for NASCAR DraftKings tournaments.

Conventions: lineups are integer index arrays into ``Slate.players`` (n_lineups
x roster size); ownership is percent of entries (0-100 per player, summing to
100 x roster size = 600 for NASCAR); every stochastic object takes
``random_state``.
"""

from ._config import data_dir
from ._errors import DataFileError, DataNotFoundError, DfslabError, InfeasibleError, InputError
from .demo import demo_slate
from .io import (
    ContestStandings,
    list_nascar_slates,
    load_slates_with_results,
    read_contest_standings,
    read_dk_salaries,
    read_dk_upload,
    read_nascar_slate,
    read_race_logs,
    read_results_db,
    track_archetype,
    write_dk_upload,
)
from .backtest import BacktestResult, backtest_real_slates
from .contest import ContestResult, ContestSimulator, FieldLineupSampler, PayoutCurveFitter, rank_and_pay
from .optimize import LeverageAwareOptimizer, Portfolio, best_lineups, optimal_rates
from .ownership import (
    HybridOwnershipEstimator,
    build_features,
    estimate_ownership,
    load_contest_training_data,
    pretrained_nascar_estimator,
)
from .racesim import DriverRatingModel, RaceScenarios, RaceSimulator, load_history
from .payouts import PayoutTable, load_real_payout_tables, read_payout_table, read_payout_tables
from .rules import MLB_CLASSIC, NASCAR_CLASSIC, NFL_CLASSIC, RosterRules, get_rules
from .scoring import dk_components, dk_points, finish_points
from .slate import ARCHETYPES, Slate, check_lineups, check_ownership

__version__ = "0.1.0"

__all__ = [
    "ARCHETYPES", "BacktestResult", "backtest_real_slates", "LeverageAwareOptimizer", "Portfolio", "best_lineups", "optimal_rates", "ContestResult", "ContestSimulator", "ContestStandings", "FieldLineupSampler", "PayoutCurveFitter",
    "rank_and_pay", "HybridOwnershipEstimator", "build_features", "estimate_ownership",
    "load_contest_training_data", "pretrained_nascar_estimator", "DriverRatingModel", "RaceScenarios", "RaceSimulator", "DataFileError", "DataNotFoundError", "DfslabError", "InfeasibleError",
    "InputError", "MLB_CLASSIC", "NASCAR_CLASSIC", "NFL_CLASSIC", "PayoutTable", "RosterRules", "Slate",
    "check_lineups", "check_ownership", "data_dir", "demo_slate", "dk_components", "dk_points", "finish_points",
    "get_rules", "list_nascar_slates", "load_real_payout_tables", "load_slates_with_results",
    "read_contest_standings", "read_dk_salaries", "read_dk_upload", "read_nascar_slate", "read_payout_table",
    "read_payout_tables", "read_race_logs", "read_results_db", "track_archetype", "write_dk_upload", "load_history",
]
