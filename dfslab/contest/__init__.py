"""Contest simulation: field sampling, payout curves, ROI / cash / win with standard errors."""

from ._ranking import count_better_tied, rank_and_pay, split_prizes

__all__ = ["count_better_tied", "rank_and_pay", "split_prizes"]
from ._simulator import ContestResult, ContestSimulator

__all__ += ["ContestResult", "ContestSimulator"]
from ._field import FieldLineupSampler

__all__ += ["FieldLineupSampler"]
from ._payout_curve import PayoutCurveFitter

__all__ += ["PayoutCurveFitter"]
