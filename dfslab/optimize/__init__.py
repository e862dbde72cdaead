"""Lineup optimization: exact sequential, leverage-aware, regime-aware portfolios.

Public names: :class:`LeverageAwareOptimizer`, :class:`Portfolio`,
:func:`optimal_rates`, :func:`best_lineups`, per-driver rules :func:`read_driver_rules` ->
:class:`DriverRules`. See ``docs/optimizer.md``.
"""

from ._leverage import LeverageAwareOptimizer
from ._portfolio import Portfolio
from ._rates import best_lineups, optimal_rates
from ._rules import RULE_COLUMNS, DriverRules, read_driver_rules

__all__ = ["DriverRules", "LeverageAwareOptimizer", "Portfolio", "RULE_COLUMNS", "best_lineups", "optimal_rates",
           "read_driver_rules"]
