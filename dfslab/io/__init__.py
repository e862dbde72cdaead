"""Readers and writers for DraftKings files and NASCAR results."""

from .dk_entries import DKEntries, parse_money, prize_pool_from_name, read_dk_entries
from .dk_salaries import infer_rules, read_dk_salaries, read_dk_upload, write_dk_upload
from .nascar import (
    TRACK_ALIASES,
    list_nascar_slates,
    load_slates_with_results,
    read_nascar_slate,
    read_race_logs,
    read_results_db,
    track_archetype,
)
from .practice import default_practice_path, practice_for_race, read_practice_quali
from .real_races import (
    RealRace,
    is_race_folder,
    list_race_folders,
    load_real_races,
    read_race_folder,
    read_slate_with_results,
    skipped_races,
)
from .standings import (
    ContestStandings,
    entry_user,
    match_standings_to_salaries,
    parse_lineup,
    read_contest_standings,
    write_contest_standings,
)

__all__ = [
    "DKEntries", "parse_money", "prize_pool_from_name", "read_dk_entries",
    "ContestStandings", "TRACK_ALIASES", "entry_user", "write_contest_standings", "match_standings_to_salaries", "infer_rules", "list_nascar_slates", "load_slates_with_results",
    "parse_lineup", "read_contest_standings", "read_dk_salaries", "read_dk_upload", "read_nascar_slate",
    "read_race_logs", "read_results_db", "track_archetype", "write_dk_upload", "RealRace", "is_race_folder",
    "list_race_folders", "load_real_races", "default_practice_path", "practice_for_race", "read_practice_quali", "read_race_folder", "read_slate_with_results", "skipped_races",
]
