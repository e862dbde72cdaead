"""The real races with results (2025 slates + dk_2026 folders) read into one RealRace shape."""

import shutil

import numpy as np
import pandas as pd
import pytest

from dfslab import InputError
from dfslab.io import (list_nascar_slates, list_race_folders, load_real_races, read_nascar_slate, read_race_folder,
                       skipped_races)
from dfslab.names import match_names
from conftest import require_data

ROOT = require_data()


@pytest.fixture(scope="module")
def races():
    return load_real_races()


def test_every_real_race_with_results(races):
    names = {r.name for r in races}
    skipped = {s.split(":")[0]: s for s in skipped_races()}
    # every race folder and every 2025 slate is either read or skipped with its reason (the data grows: no counts)
    for f in [*list_race_folders(), *list_nascar_slates()]:
        assert (f.name in names) != (f.name in skipped), f.name
    assert "9 of 39" in skipped["2026-05-24_charlotte"]                    # Charlotte lacks a pool
    assert "before qualifying" in skipped["xfinity_2025-08-31_61469fe"]    # the 2025 slate with no qualifying
    for r in races:
        assert r.full_pool and np.isfinite(r.actual).all(), r.name
        assert r.slate.players["start"].notna().all() and r.slate.race_laps > 0
        assert abs(r.slate.players["ownership"].sum() - 600) < 20, r.name   # vendor projected ownership, percent (about 600)


def test_dk_2026_actual_points_reproduce_the_real_winning_scores(races):
    checked = 0
    for r in [x for x in races if x.name.startswith("2026")]:
        tl = r.top_lineups
        for _, row in tl[tl["rank"] == 1].iterrows():
            assert (row["players"] >= 0).all()
            assert abs(r.actual[row["players"]].sum() - row["points"]) < 0.1, (r.name, row["contest_id"])
            checked += 1
    assert checked >= 11


def test_actual_ownership_rows_find_their_driver(races):
    rows = pd.concat([r.actual_ownership for r in races if len(r.actual_ownership)])
    assert len(rows) >= 100 and (rows["player"] >= 0).mean() > 0.95


def test_cup_slate_spellings_all_get_dk_ids():
    # site_ids.json spells "Shane Van Gisbergen" / "John H. Nemechek"; the slate "Shane van Gisbergen" / "John Hunter Nemechek"
    for f in ["cup_2025-09-13_8227c09", "cup_2025-08-31_14e3b4b", "cup_2025-09-06_d3920e6"]:
        s = read_nascar_slate(ROOT / "nascar" / "slates" / f)
        assert s.players["dk_id"].notna().all(), f


def test_a_new_race_folder_works_without_code_changes(tmp_path, races):
    src = list_race_folders()[-1]
    dst = tmp_path / "2027-01-01_somewhere"
    shutil.copytree(src, dst)
    r = read_race_folder(dst)
    assert r.name == "2027-01-01_somewhere" and r.slate.n_players > 30
    assert [x.name for x in load_real_races(tmp_path, include_2025=False)] == ["2027-01-01_somewhere"]


def test_broken_race_folder_names_file_row_and_field(tmp_path):
    src = list_race_folders()[-1]
    dst = tmp_path / "broken"
    shutil.copytree(src, dst)
    pool = pd.read_csv(dst / "pool.csv", dtype=str)
    pool.loc[3, "salary"] = "lots"
    pool.to_csv(dst / "pool.csv", index=False)
    with pytest.raises(InputError, match=r"pool.csv, row 5: column 'salary' is not a number"):
        read_race_folder(dst)
    with pytest.raises(InputError, match="not a race folder"):
        read_race_folder(tmp_path)


def test_incomplete_race_names_race_and_driver(tmp_path):
    src = list_race_folders()[-1]
    dst = tmp_path / "2026-07-19_gap"
    shutil.copytree(src, dst)
    pool = pd.read_csv(dst / "pool.csv")
    who = pool.loc[0, "name"]
    pool.loc[0, ["start", "finish", "dk_points"]] = np.nan
    pool.to_csv(dst / "pool.csv", index=False)
    r = read_race_folder(dst)
    with pytest.raises(InputError, match=f"2026-07-19_gap: no actual result for slate driver.*{who}"):
        r.require_complete()


def test_every_source_matches_the_loop_data_by_name(race_logs, races):
    for r in races:
        m = match_names(r.slate.players["name"], race_logs["driver_name"], target="race_logs")
        assert not m.unmatched, (r.name, m.summary())
