"""Contest simulation: field sampling, payout curves, ROI / cash / win with standard errors."""

from ._ranking import count_better_tied, rank_and_pay, split_prizes

__all__ = ["count_better_tied", "rank_and_pay", "split_prizes"]
from ._simulator import ContestResult, ContestSimulator

__all__ += ["ContestResult", "ContestSimulator"]
from ._field import FieldLineupSampler, default_field_params

__all__ += ["FieldLineupSampler", "default_field_params"]
from ._payout_curve import PayoutCurveFitter

__all__ += ["PayoutCurveFitter"]
from ._validate import (ContestField, dup_groups, evaluate_payout_fit, field_stats, field_strength_check,
                        fit_duplication, load_contest_field, nascar_field_sources, nascar_ownership_mae,
                        overlap_counts, reproduce_real_contests, roi_identity_check, roi_vs_field_sharpness,
                        summarize_field_realism, summarize_field_strength, summarize_nascar_contests,
                        validate_field_realism, validate_nascar_contests)

__all__ += ["ContestField", "dup_groups", "evaluate_payout_fit", "field_stats", "fit_duplication",
            "load_contest_field", "overlap_counts", "reproduce_real_contests", "roi_identity_check",
            "summarize_field_realism", "validate_field_realism", "field_strength_check", "summarize_field_strength",
            "validate_nascar_contests", "summarize_nascar_contests", "nascar_ownership_mae", "nascar_field_sources",
            "roi_vs_field_sharpness"]
