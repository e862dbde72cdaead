"""Lineup optimization: exact sequential, leverage-aware, regime-aware portfolios.

Public names: :class:`LeverageAwareOptimizer`, :class:`Portfolio`,
:func:`optimal_rates`, :func:`best_lineups`. See ``docs/optimizer.md``.
"""

from ._leverage import LeverageAwareOptimizer
from ._portfolio import Portfolio
from ._rates import best_lineups, optimal_rates

__all__ = ["LeverageAwareOptimizer", "Portfolio", "best_lineups", "optimal_rates"]
