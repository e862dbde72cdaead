"""Practice / qualifying speeds on the real sessions file (../shared/data/nascar/practice_quali)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from conftest import require_data

DATA = require_data()

from dfslab import RaceSimulator  # noqa: E402
from dfslab.io import list_race_folders, load_real_races, practice_for_race, read_practice_quali, read_race_folder  # noqa: E402
from dfslab.racesim import practice_features  # noqa: E402

PQ = DATA / "nascar" / "practice_quali" / "practice_quali.csv"
if not PQ.is_file():
    pytest.skip(f"{PQ} not in the data folder", allow_module_level=True)


@pytest.fixture(scope="module")
def pq():
    return read_practice_quali(PQ)


def test_the_real_file_passes_every_check_and_lap_lengths_agree(pq):
    assert pq["race_key"].nunique() > 10 and pq["has_time"].sum() > 1000
    # lap time x speed gives one track length per weekend (the reader refuses > 0.5 %; the file is far inside)
    spread = pq[pq["has_time"] == 1].groupby("race_key")["lap_length_mi"].agg(lambda x: x.max() / x.min() - 1)
    assert spread.max() < 0.002, spread.sort_values().tail()
    assert np.allclose(pq.groupby("session_key")["speed_pct_of_session_best"].max().dropna(), 100.0)


def test_every_dk_2026_race_finds_its_sessions_and_drivers(pq):
    for folder in list_race_folders():
        race = read_race_folder(folder)
        sl = race.slate
        rows = practice_for_race(pq, sl.date, sl.track, race_id=race.info.get("nascar_race_id"))
        assert not rows.empty, folder.name
        by_date = practice_for_race(pq, sl.date, sl.track)  # the date + track join finds the same race
        assert set(by_date["race_key"]) == set(rows["race_key"]), folder.name
        ids = sl.players["nascar_driver_id"].tolist() if "nascar_driver_id" in sl.players else None
        f = practice_features(rows, sl.players["name"].tolist(), driver_ids=ids)
        assert f.table["matched"].mean() > 0.9, (folder.name, f.table.loc[~f.table["matched"], "name"].tolist())


def test_cup_slates_use_practice_and_other_series_are_untouched():
    races = {r.name: r for r in load_real_races()}
    cup = next(r for r in races.values() if r.slate.series == "cup" and r.slate.date.year == 2025)
    other = next(r for r in races.values() if r.slate.series in ("xfinity", "trucks"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        on = RaceSimulator(600, random_state=2).simulate(cup.slate)
        off = RaceSimulator(600, random_state=2, practice="off").simulate(cup.slate)
        x_on = RaceSimulator(600, random_state=2).simulate(other.slate)
        x_off = RaceSimulator(600, random_state=2, practice=None).simulate(other.slate)
    assert on.practice is not None and on.practice_sessions.startswith("practice: ")
    assert "gives the start order only" in on.practice_sessions  # after qualifying: qualifying speed is not used
    assert "practice speeds (after qualifying" in on.provenance and not np.array_equal(on.points, off.points)
    assert x_on.practice is None and "Cup sessions" in x_on.practice_sessions
    assert np.array_equal(x_on.points, x_off.points)  # bit-identical: Cup speeds never reach another series


def test_before_qualifying_uses_practice_only(pq):
    races = [read_race_folder(f) for f in list_race_folders()]
    timed = [r for r in races if (practice_for_race(pq, r.slate.date, r.slate.track).query(
        "session_type == 'practice'")["has_time"] == 1).any()]
    race = timed[-1]
    sl = race.slate.with_players(race.slate.players.drop(columns=["start"]))
    sl.meta = dict(race.slate.meta)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = RaceSimulator(300, random_state=0).simulate(sl)
    assert res.practice is not None and res.start is not None  # starts drawn per simulated race
    assert "(before qualifying: practice only)" in res.practice_sessions
    assert "qualifying" not in res.practice_sessions.replace("before qualifying", "")
