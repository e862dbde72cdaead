"""Contest simulation: field sampling, payout curves, ROI / cash / win with standard errors.

Measuring these engines on real contests (ranks reproduced, field realism, payout fits) is a
study: :mod:`dfslab.studies`.
"""

from ._field import FIELD_BYTES_PER_ENTRY, FIELD_PARAMS_PATH, FieldLineupSampler, default_field_params, zipf_pmf
from ._payout_curve import PayoutCurveFitter, default_payout_fitter, table_features
from ._ranking import count_better_tied, prize_cumsum, rank_and_pay, score_keys, split_prizes
from ._reference import score_contest_numpy
from ._simulator import ContestResult, ContestSimulator, random_portfolio_figures

__all__ = ["ContestResult", "ContestSimulator", "FIELD_BYTES_PER_ENTRY", "FIELD_PARAMS_PATH", "FieldLineupSampler",
           "PayoutCurveFitter", "count_better_tied", "default_field_params", "default_payout_fitter", "prize_cumsum",
           "random_portfolio_figures", "rank_and_pay", "score_contest_numpy", "score_keys", "split_prizes", "table_features", "zipf_pmf"]
