"""DKSalaries.csv: the race date and track from Game Info, overrides, and the bad-input errors."""

import csv

import pandas as pd
import pytest

import dfslab
from dfslab import DataFileError
from dfslab.io.dk_salaries import parse_game_info

HEADER = ["Position", "Name + ID", "Name", "ID", "Roster Position", "Salary", "Game Info", "TeamAbbrev",
          "AvgPointsPerGame"]


def write(path, game_info, n=8):
    infos = game_info if isinstance(game_info, list) else [game_info] * n
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i, gi in enumerate(infos):
            w.writerow(["D", f"Driver {i} ({1000 + i})", f"Driver {i}", 1000 + i, "D", 5000 + 300 * i, gi, "", "30.5"])
    return path


@pytest.mark.parametrize("text, date, track", [
    ("@ 09/13/2025 07:30PM ET", "2025-09-13", None),
    ("@ 9/7/2025 3:30PM ET", "2025-09-07", None),
    ("Bristol Motor Speedway 09/13/2025 07:30PM ET", "2025-09-13", "Bristol Motor Speedway"),
    ("Bowman Gray Stadium @ 02/02/2025 08:00PM ET", "2025-02-02", "Bowman Gray Stadium"),
    ("Final", None, None), ("", None, None), ("@ 13/45/2025 07:30PM ET", None, None),
])
def test_parse_game_info(text, date, track):
    d, t = parse_game_info(text)
    assert (None if d is None else str(d.date())) == date and t == track


def test_date_from_game_info(tmp_path):
    s = dfslab.read_dk_salaries(write(tmp_path / "DKSalaries.csv", "@ 09/13/2025 07:30PM ET"))
    assert s.date == pd.Timestamp("2025-09-13") and s.track is None and s.series is None
    assert any("date 2025-09-13 from Game Info" in n for n in s.meta["notes"])


def test_track_text_sets_track_and_archetype(tmp_path):
    # Bowman Gray Stadium is in dfslab's own track table (no data folder needed)
    s = dfslab.read_dk_salaries(write(tmp_path / "DKSalaries.csv", "Bowman Gray Stadium 02/02/2025 08:00PM ET"))
    assert s.track == "Bowman Gray Stadium" and s.archetype == "short"
    s2 = dfslab.read_dk_salaries(write(tmp_path / "DKSalaries.csv", "Nowhere Oval 02/02/2025 08:00PM ET"))
    assert s2.track == "Nowhere Oval" and s2.archetype is None
    assert any("not in dfslab's track table" in n for n in s2.meta["notes"])


def test_explicit_arguments_override_game_info(tmp_path):
    p = write(tmp_path / "DKSalaries.csv", "@ 09/13/2025 07:30PM ET")
    s = dfslab.read_dk_salaries(p, date="2025-09-12", track="Bowman Gray Stadium", series="xfinity", race_laps=300)
    assert s.date == pd.Timestamp("2025-09-12") and s.series == "xfinity" and s.race_laps == 300
    assert s.track == "Bowman Gray Stadium" and s.archetype == "short"
    # archetype given: kept even when the track would say otherwise
    s2 = dfslab.read_dk_salaries(p, track="Bowman Gray Stadium", archetype="road")
    assert s2.archetype == "road"


def test_game_info_without_date_names_the_row(tmp_path):
    infos = ["@ 09/13/2025 07:30PM ET"] * 3 + ["Postponed"] + ["@ 09/13/2025 07:30PM ET"] * 4
    p = write(tmp_path / "DKSalaries.csv", infos)
    with pytest.raises(DataFileError, match=r"row 5.*Game Info 'Postponed' has no readable date") as e:
        dfslab.read_dk_salaries(p)
    assert "DKSalaries.csv" in str(e.value) and "date=" in str(e.value)
    # with date= the unreadable cell does not matter
    assert dfslab.read_dk_salaries(p, date="2025-09-13").date == pd.Timestamp("2025-09-13")


def test_game_info_with_two_dates_is_an_error(tmp_path):
    infos = ["@ 09/13/2025 07:30PM ET"] * 4 + ["@ 09/14/2025 07:30PM ET"] * 4
    with pytest.raises(DataFileError, match="more than one date.*2025-09-14 first at row 6"):
        dfslab.read_dk_salaries(write(tmp_path / "DKSalaries.csv", infos))


def test_other_sports_keep_dateless_game_info(tmp_path):
    p = tmp_path / "DKSalaries.csv"
    pd.DataFrame({"Position": ["SP", "C", "1B", "2B", "3B", "SS", "OF", "OF", "OF", "RP"],
                  "Name": [f"P{i}" for i in range(10)], "Salary": 5000,
                  "GameInfo": "ATL@DET 01:00PM ET", "AvgPointsPerGame": 5.0, "teamAbbrev": "ATL"}).to_csv(p, index=False)
    s = dfslab.read_dk_salaries(p)
    assert s.rules.name == "mlb" and s.date is None
