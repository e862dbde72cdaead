"""Studies: fitting the shipped parameters and judging every engine on real data.

The third floor of the package (engines and readers < pipeline < **studies** < app): nothing here
runs when a report is made. It fits what ships in ``dfslab/_data`` (race-model parameters, blend
weights, ownership models) and measures the engines on real races and contests:

* the whole pipeline in hindsight on real NASCAR races -- :func:`backtest_real_slates`;
* the race model -- :func:`fit_params` (2019-2024 loop data), :func:`fit_race_model`,
  :func:`run_calibration` (held-out 2025, 2026 races, real slates), :func:`loso_simulator_kwargs`,
  :func:`fit_practice` / :func:`practice_check` (practice and qualifying speeds in the strength);
* the contest engine -- :func:`reproduce_real_contests`, :func:`validate_field_realism`,
  :func:`validate_nascar_contests`, :func:`evaluate_payout_fit`;
* ownership -- :func:`fit_pretrained_nascar`, :func:`evaluate_nascar_actual`, :func:`evaluate_mlb`.
"""

from ._backtest import (
    QUICK_RACES,
    STRATEGIES,
    STRATEGY_LABELS,
    BacktestResult,
    backtest_race,
    backtest_real_slates,
    clear_estimator_cache,
    contest_of,
    evidence_text,
    mid_pit,
    pool_results,
    realised_ownership,
    sweep,
    sweep_strategies,
    write_evidence,
)
from ._contest_validation import (
    ContestField,
    contest_index,
    dup_groups,
    evaluate_payout_fit,
    field_stats,
    field_strength_check,
    fit_duplication,
    is_cash_contest,
    load_contest_field,
    nascar_field_sources,
    nascar_ownership_mae,
    overlap_counts,
    reproduce_real_contests,
    roi_identity_check,
    roi_vs_field_sharpness,
    strength_split,
    summarize_field_realism,
    summarize_field_strength,
    summarize_nascar_contests,
    validate_field_realism,
    validate_nascar_contests,
)
from ._ownership_actual import ActualOwnershipBacktest, evaluate_nascar_actual
from ._ownership_evaluate import (
    OwnershipBacktest,
    coverage_by_bin,
    evaluate_mlb,
    evaluate_nascar_loso,
    interval_metrics,
    slate_metrics,
)
from ._ownership_fit import fit_base_nascar, fit_pretrained_nascar, nascar_xy, real_contest_rows
from ._race_calibration import (
    clean_race_ids,
    crps_samples,
    fit_params,
    fit_plackett_luce,
    prerace_strengths,
    race_features,
    race_level_stats,
)
from ._race_evaluate import PROB_EVENTS, calibration_slope, evaluate_logged_races, figures, score_race, slope_intervals
from ._race_fit import (
    FINISH_EVENTS,
    finish_gains_at,
    fit_race_model,
    fit_real_slate_part,
    tune_finish,
    with_finish_gain,
)
from ._race_loso import LOSO_FILE, fit_loso, load_loso, crowd_without, loso_fit_of, loso_simulator_kwargs, race_model_training
from ._race_practice import fit_practice, practice_check, shipped_path_check
from ._race_crowd import CHALK_SD, fit_crowd
from ._race_rolling import rolling_origin
from ._race_cases import CASES, information_cases
from ._race_realfit import RealSlate, real_slates
from ._race_report import CalibrationReport, params_strengths, run_calibration

__all__ = [
    "CASES", "CHALK_SD", "fit_crowd", "information_cases", "rolling_origin", "crowd_without",
    "ActualOwnershipBacktest", "BacktestResult", "CalibrationReport", "ContestField", "FINISH_EVENTS", "LOSO_FILE",
    "OwnershipBacktest", "PROB_EVENTS", "QUICK_RACES", "RealSlate", "STRATEGIES", "STRATEGY_LABELS", "backtest_race",
    "backtest_real_slates", "calibration_slope", "clear_estimator_cache", "clean_race_ids", "contest_index", "contest_of", "coverage_by_bin",
    "crps_samples", "dup_groups", "evaluate_logged_races", "evaluate_mlb", "evaluate_nascar_actual",
    "evaluate_nascar_loso", "evaluate_payout_fit", "evidence_text", "field_stats", "field_strength_check", "figures",
    "finish_gains_at", "fit_base_nascar", "fit_duplication", "fit_loso", "fit_params", "fit_plackett_luce", "fit_practice",
    "fit_pretrained_nascar", "fit_race_model", "fit_real_slate_part", "interval_metrics", "is_cash_contest",
    "load_contest_field", "load_loso", "loso_fit_of", "race_model_training", "loso_simulator_kwargs", "mid_pit", "nascar_field_sources",
    "nascar_ownership_mae", "nascar_xy", "overlap_counts", "params_strengths", "practice_check", "pool_results", "prerace_strengths",
    "race_features", "race_level_stats", "real_contest_rows", "real_slates", "realised_ownership",
    "reproduce_real_contests", "roi_identity_check", "roi_vs_field_sharpness", "run_calibration", "score_race", "shipped_path_check",
    "slate_metrics", "slope_intervals", "strength_split", "summarize_field_realism", "summarize_field_strength",
    "summarize_nascar_contests", "sweep", "sweep_strategies", "tune_finish", "validate_field_realism",
    "validate_nascar_contests", "with_finish_gain", "write_evidence",
]
