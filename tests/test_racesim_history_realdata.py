"""A player's own DKSalaries.csv finds its history: load_history, names, Game Info, salary fallback (real data)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dfslab
from conftest import require_data

pytestmark = pytest.mark.realdata
DATA = require_data()

from dfslab.racesim import RaceSimulator, load_default_params, load_history  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BRISTOL = "cup_2025-09-13_8227c09"


def test_load_history_joins_three_sources_once():
    h = load_history()
    assert set(h["source"]) == {"race_logs", "results_db", "dk_2026"}
    s = h.attrs["summary"]
    assert s["race_logs"]["last"] <= "2025-12-31" and s["results_db"]["first"] >= "2026-01-01"
    assert s["dk_2026"]["races"] >= 5
    # one identity per driver across sources and spellings
    svg = h[h["driver_key"] == "shane van gisbergen"]
    assert set(svg["source"]) == {"race_logs", "results_db", "dk_2026"} and svg["driver_name"].nunique() == 1
    assert len(h[h["driver_key"] == "ricky stenhouse"]) > 270
    assert (h.loc[h["source"] == "results_db", "fastest_laps"].isna()).all()  # finish-based only
    # cached: the second call does not read the files again
    t = time.perf_counter()
    h2 = load_history()
    assert time.perf_counter() - t < 0.5 and h2["perf"].equals(h["perf"]) and h2 is not h


def _dk_salaries_from_real_slate(tmp_path, folder_name=BRISTOL, game_info="@ 09/13/2025 07:30PM ET"):
    """Write a current-format DKSalaries.csv holding a real slate's drivers, salaries and DK ids."""
    folder = [p for p in dfslab.list_nascar_slates() if p.name == folder_name][0]
    real = dfslab.read_nascar_slate(folder)
    p = tmp_path / "DKSalaries.csv"
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Position", "Name + ID", "Name", "ID", "Roster Position", "Salary", "Game Info", "TeamAbbrev",
                    "AvgPointsPerGame"])
        for i, r in real.players.reset_index(drop=True).iterrows():
            did = int(r["dk_id"]) if pd.notna(r["dk_id"]) else 39_000_000 + i
            w.writerow(["D", f"{r['name']} ({did})", r["name"], did, "D", int(r["salary"]), game_info, "", "40.0"])
    return p, real


def test_users_dk_salaries_file_gets_history_and_no_newcomer_by_spelling(tmp_path):
    p, real = _dk_salaries_from_real_slate(tmp_path)
    sl = dfslab.read_dk_salaries(p, archetype="short", race_laps=500)
    assert sl.date == pd.Timestamp("2025-09-13")
    start = dict(zip(real.players["name"], real.players["start"]))
    players = sl.players.copy()
    players["start"] = [int(start[n]) for n in players["name"]]
    sl = sl.with_players(players)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback warning: history is found by itself
        res = RaceSimulator(3000, random_state=0).simulate(sl)
    assert res.strength_source.startswith("history rating model")
    assert "history model through 2025-09-12" in res.provenance and "series cup" in res.provenance
    assert any("series inferred from the drivers: cup" in n for n in res.notes)
    assert sl.series is None and res.series == "cup"  # the scenarios carry the series the history was read for
    # ... and the report header names it as inferred instead of "series unknown"
    from types import SimpleNamespace

    from dfslab.app.report import header_markdown

    params = {"n_lineups": 20, "field_size": 1000, "entry_fee": 5.0, "payouts": "fitted", "leverage_penalty": 0.0,
              "max_overlap": 3, "max_exposure": 0.6, "min_salary": 49000, "selection": "greedy",
              "n_scenarios": 3000, "n_field_draws": 2, "random_state": 0}
    head = header_markdown(SimpleNamespace(slate=sl, scenarios=res, get_params=lambda: params,
                                           created_=pd.Timestamp("2025-09-12 12:00", tz="UTC")))
    assert "series **cup** (inferred from the drivers' race history)" in head and "series **unknown**" not in head
    assert not any("not found in race history" in n for n in res.notes), res.notes
    spelled = [n for n in res.notes if "matched to race history by spelling rule" in n]
    assert spelled and "Shane van Gisbergen = Shane Van Gisbergen" in spelled[0]
    # they are not given the newcomer prior: their strength is their own
    from dfslab.racesim import DriverRatingModel

    m = DriverRatingModel().fit(load_history(), before=sl.date)
    s = m.strengths(["Shane van Gisbergen", "Ricky Stenhouse Jr"], series="cup", archetype="short")
    assert m.unknown_ == [] and not np.isclose(s, m.prior_mean_).any()
    # the mean is the blend of history and salary; Larson is no longer leading 363 of 500 laps
    assert {"mean_history", "mean_salary", "mean_blend"} <= set(res.means)
    sm = res.summary()
    p95 = load_default_params()["salary_strength"]["p95_top_leader_share"]["short"]
    assert sm["mean_laps_led"].max() / 500 <= p95 and sm["win_rate"].max() < 0.4


def test_salary_only_fallback_is_plausible(tmp_path):
    p, real = _dk_salaries_from_real_slate(tmp_path)
    sl = dfslab.read_dk_salaries(p, archetype="short", race_laps=500)
    players = sl.players.copy()
    players["start"] = np.argsort(np.argsort(-players["salary"].to_numpy(), kind="stable")) + 1
    with pytest.warns(UserWarning, match="salary alone"):
        res = RaceSimulator(3000, random_state=0, history=None).simulate(sl.with_players(players))
    sm = res.summary().set_index("name")
    p95 = load_default_params()["salary_strength"]["p95_top_leader_share"]["short"]
    # the example: Kyle Larson 362.9 of 500 laps led, 49 % to win, 186.8 DK points
    assert sm.loc["Kyle Larson", "mean_laps_led"] < p95 * 500 and sm["mean_laps_led"].max() / 500 <= p95
    assert sm.loc["Kyle Larson", "win_rate"] < 0.35 and sm.loc["Kyle Larson", "mean"] < 120


def test_date_without_history_says_date_and_series(tmp_path):
    p, _ = _dk_salaries_from_real_slate(tmp_path, game_info="@ 02/01/2018 07:30PM ET")
    sl = dfslab.read_dk_salaries(p, archetype="short", race_laps=500, series="cup")
    players = sl.players.copy()
    players["start"] = np.arange(1, sl.n_players + 1)
    with pytest.warns(UserWarning, match="salary alone"):
        res = RaceSimulator(200, random_state=0).simulate(sl.with_players(players))
    assert any("no race before 2018-02-01 (series cup)" in n and "2019-02-10" in n for n in res.notes), res.notes


def test_calibrate_script_json_quick():
    t = time.perf_counter()
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "calibrate_simulator.py"), "--json", "--quick"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    d = json.loads(out.stdout)
    for k in ("coverage_10_90", "slope_win", "slope_top5", "slope_top10", "slope_most_laps_led", "top6_pit_mean",
              "dnf_diff", "n_races"):
        assert isinstance(d[k], (int, float)), k
    assert d["quick"] is True and d["n_races"] >= 20
    assert 0.7 < d["coverage_10_90"] < 0.9 and 0 < d["top6_pit_mean"] < 1
    assert {"coverage_10_90", "slope_win", "n_races"} <= set(d["check_2026"])
    p = d["practice"]  # practice / qualifying speeds: the same keys in --quick as in the full run
    for k in ("crps_with", "crps_without", "mse_blend", "mse_vendor"):
        assert isinstance(p[k], float) and p[k] > 0, k
    assert len(p["mse_diff_ci"]) == 2 and p["mse_diff_ci"][0] < p["mse_diff_ci"][1]
    assert len(p["crps_diff_ci"]) == 2 and {"mse_with", "mse_without", "mse_diff_ci"} <= set(p["no_vendor"])
    print(f"calibrate_simulator.py --json --quick: {time.perf_counter() - t:.1f} s")
