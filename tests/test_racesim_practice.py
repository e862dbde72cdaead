"""Practice / qualifying speeds: the reader's checks, the features and the simulator hook (no real data)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from dfslab import InputError, RaceSimulator
from dfslab.exceptions import DataFileError
from dfslab.io import practice_for_race, read_practice_quali
from dfslab.racesim import practice_effect, practice_features

LENGTH = 0.533  # Bristol, miles
W = {"strength": {"practice": {"w": {"pooled": 0.1}, "missing": 0.0}},
     "pace": {"practice": {"w": {"pooled": 0.1}, "missing": 0.0}}, "apply_to": ["history", "salary"]}


def _rows(names, date="2026-06-01", track="Demo Speedway (fictional)", race_id=9001, session=1,
          stype="practice", base=15.0, rng=None):
    rng = rng or np.random.default_rng(0)
    t = base + np.sort(rng.uniform(0, 0.4, len(names)))
    return pd.DataFrame({"race_id": race_id, "race_date": date, "track_name": track, "weekend_run_id": session,
                         "session_name": f"S{session}", "session_type": stype, "driver_name": names,
                         "best_lap_time": t.round(3), "best_lap_speed": (LENGTH * 3600 / t.round(3)).round(3)})


def _write(tmp_path, df, name="p.csv"):
    p = tmp_path / name
    df.to_csv(p, index=False)
    return p


@pytest.fixture
def names(demo):
    return demo.players["name"].tolist()


def test_reads_a_valid_file_and_recomputes_the_derived_columns(tmp_path, names):
    df = pd.concat([_rows(names), _rows(names, session=2, stype="qualifying")])
    pq = read_practice_quali(_write(tmp_path, df))
    assert len(pq) == 2 * len(names) and pq["has_time"].all()
    assert np.allclose(pq.groupby("session_key")["speed_pct_of_session_best"].max(), 100)
    assert pq.loc[pq["session_type"] == "qualifying", "primary_qualifying"].eq(1).all()
    assert abs(pq["track_length_mi_est"].iloc[0] - LENGTH) < 1e-3


@pytest.mark.parametrize("change, msg", [
    (lambda d: d.assign(best_lap_speed=d["best_lap_speed"].where(d.index != 3, 0.0)), "best_lap_speed is 0"),
    (lambda d: d.assign(best_lap_time=d["best_lap_time"].where(d.index != 3, 9.0)), "impossible lap"),
    (lambda d: d.assign(driver_name=d["driver_name"].where(d.index != 3, d["driver_name"].iloc[2])), "appears twice"),
])
def test_bad_rows_are_errors_naming_the_file_row(tmp_path, names, change, msg):
    df = change(_rows(names))
    with pytest.raises(DataFileError, match=msg) as e:
        read_practice_quali(_write(tmp_path, df))
    assert e.value.row == 5  # data row 3 -> header + 1-based


def test_a_session_of_another_race_is_an_error_naming_the_row(tmp_path, names):
    other = _rows(names[:5], date="2026-06-08", race_id=9002, session=7)
    df = pd.concat([_rows(names), other], ignore_index=True)
    read_practice_quali(_write(tmp_path, df))  # a multi-race file is fine ...
    with pytest.raises(DataFileError, match="another race") as e:  # ... not as the file of one race
        read_practice_quali(_write(tmp_path, df), race_date="2026-06-01")
    assert e.value.row == len(names) + 2
    # the same session id under two races
    bad = pd.concat([_rows(names), other.assign(weekend_run_id=1)], ignore_index=True)
    with pytest.raises(DataFileError, match="two races"):
        read_practice_quali(_write(tmp_path, bad))


def test_no_time_is_a_non_runner_and_an_absent_driver_too(tmp_path, names):
    df = _rows(names)
    df.loc[4, ["best_lap_time", "best_lap_speed"]] = 0.0  # a DNS row
    df = df.drop(index=7)  # a slate driver not listed at all
    pq = read_practice_quali(_write(tmp_path, df))
    f = practice_features(pq, names)
    t = f.table
    assert t.loc[[4, 7], "practice_missing"].all() and t["practice_missing"].sum() == 2
    assert any("non-runners" in n and names[4] in n and names[7] in n for n in f.notes)
    eff = practice_effect(f, W, "intermediate", qualified=True)
    assert eff.strength[4] == eff.strength[7] == 0.0  # the missing value (0: no information)
    assert eff.strength[0] > eff.strength[-1]  # the fastest lap is the first row


def test_practice_for_race_joins_by_date_within_a_day_and_track(tmp_path, names):
    df = pd.concat([_rows(names), _rows(names[:5], date="2026-06-08", race_id=9002, session=7)])
    pq = read_practice_quali(_write(tmp_path, df))
    assert set(practice_for_race(pq, "2026-06-02", "Demo Speedway (fictional)")["race_id"]) == {9001}
    assert practice_for_race(pq, "2026-06-04").empty
    assert set(practice_for_race(pq, "2026-01-01", race_id=9002)["race_id"]) == {9002}


def _slate(demo, qualified=True):
    p = demo.players.drop(columns=["rating"])
    if not qualified:
        p = p.drop(columns=["start"])
    return demo.with_players(p)


def test_simulator_uses_practice_and_says_so(tmp_path, demo, names):
    pq = read_practice_quali(_write(tmp_path, _rows(names[::-1])))  # the cheapest car was fastest
    sl = _slate(demo)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        off = RaceSimulator(2000, random_state=0, history=None, practice=None).simulate(sl)
        on = RaceSimulator(2000, random_state=0, history=None, practice=pq, practice_weights=W).simulate(sl)
        again = RaceSimulator(2000, random_state=0, history=None, practice=pq, practice_weights=W).simulate(sl)
    assert off.practice is None and on.practice is not None
    assert np.array_equal(on.points, again.points)
    assert any("practice / qualifying speeds" in n for n in on.notes) and "practice" in on.provenance
    last = sl.n_players - 1  # fastest in practice, cheapest salary: more points with practice
    assert on.points[:, last].mean() > off.points[:, last].mean()
    assert on.practice["pace_adj"].iloc[last] > 0 and on.practice["strength_adj"].iloc[last] > 0


def test_practice_off_or_absent_race_leaves_the_simulation_unchanged(tmp_path, demo, names):
    pq = read_practice_quali(_write(tmp_path, _rows(names, date="2025-01-01")))  # another date
    sl = _slate(demo)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = RaceSimulator(1000, random_state=3, history=None, practice=None).simulate(sl)
        b = RaceSimulator(1000, random_state=3, history=None, practice=pq, practice_weights=W).simulate(sl)
        c = RaceSimulator(1000, random_state=3, history=None, practice=pq, practice_weights=W).simulate(
            sl, strength=np.zeros(sl.n_players))  # given strengths are final: no practice
        d = RaceSimulator(1000, random_state=3, history=None, practice=None).simulate(sl, strength=np.zeros(sl.n_players))
    assert np.array_equal(a.points, b.points) and b.practice is None
    assert any("is not in the given practice table" in n for n in b.notes)
    assert np.array_equal(c.points, d.points)


def test_user_practice_file_with_another_race_fails_at_simulate(tmp_path, demo, names):
    df = pd.concat([_rows(names), _rows(names[:3], date="2026-05-20", race_id=9002, session=7)], ignore_index=True)
    p = _write(tmp_path, df)
    with pytest.raises(DataFileError, match="another race") as e:
        RaceSimulator(200, random_state=0, history=None, practice=str(p), practice_weights=W).simulate(_slate(demo))
    assert e.value.row == len(names) + 2
    # two races on the same date (another track) in a file meant for one race
    two = pd.concat([_rows(names), _rows(names[:3], track="Other Speedway", race_id=9002, session=7)],
                    ignore_index=True)
    with pytest.raises(DataFileError, match="another race") as e:
        read_practice_quali(_write(tmp_path, two, "two.csv"), race_date="2026-06-01")
    assert e.value.row == len(names) + 2


@pytest.mark.parametrize("bad", ["nope.csv", 3.5])
def test_practice_setting_is_checked(bad):
    with pytest.raises(InputError, match="practice"):
        RaceSimulator(100, practice=bad)


def test_before_qualifying_practice_only(tmp_path, demo, names):
    q = _rows(names[::-1], session=2, stype="qualifying")
    pq = read_practice_quali(_write(tmp_path, pd.concat([_rows(names[::-1]), q])))
    Wq = {**W, "strength": {**W["strength"], "quali": {"w": {"pooled": 0.5}, "missing": 0.0}}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pre = RaceSimulator(500, random_state=0, history=None, practice=pq, practice_weights=Wq).simulate(
            _slate(demo, qualified=False))
        post = RaceSimulator(500, random_state=0, history=None, practice=pq, practice_weights=Wq).simulate(_slate(demo))
    assert "quali x" not in pre.provenance and "before qualifying" in pre.provenance
    assert "quali x 0.500" in post.provenance and "after qualifying" in post.provenance
    assert "before qualifying: practice only" in pre.practice_sessions
    assert "qualifying speed:" in post.practice_sessions


def test_pace_strength_is_validated(demo):
    with pytest.raises(InputError, match="pace_strength"):
        RaceSimulator(100, random_state=0, history=None).simulate(demo, pace_strength=[1.0, 2.0])


def test_analysis_takes_a_practice_file_and_checks_it_at_construction(tmp_path, names):
    from dfslab import SlateAnalysis
    from dfslab.app.report import analysis_from_params

    good = _write(tmp_path, _rows(names), "good.csv")
    a = analysis_from_params("demo", practice=str(good), n_lineups=2, field_size=100)
    assert a.get_params()["practice"] == str(good)
    bad = _write(tmp_path, pd.concat([_rows(names), _rows(names[:2], date="2026-05-01", race_id=2, session=9)]),
                 "bad.csv")
    with pytest.raises(DataFileError, match="another race") as e:  # before anything is simulated
        analysis_from_params("demo", practice=str(bad))
    assert e.value.row == len(names) + 2
    assert SlateAnalysis(a.slate, practice="off").get_params()["practice"] == "off"
    with pytest.raises(InputError, match="set practice on the simulator"):
        SlateAnalysis(a.slate, practice="off", simulator=RaceSimulator(100))


def test_analysis_uses_the_practice_file_and_the_header_names_the_sessions(tmp_path, demo, names):
    from dfslab import SlateAnalysis
    from dfslab.app.report import header_markdown

    df = pd.concat([_rows(names[::-1]).assign(session_name="NCS Final Practice", run_date_local="2026-05-31T17:05"),
                    _rows(names, session=2, stype="qualifying").assign(session_name="Pole Qualifying",
                                                                        run_date_local="2026-05-31T19:00")])
    p = _write(tmp_path, df)
    sl = _slate(demo)
    kw = dict(n_scenarios=200, n_lineups=2, field_size=100, n_field_draws=1, random_state=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        on = SlateAnalysis(sl, practice=str(p), **kw)
        off = on.with_params(practice="off")
        assert on.scenarios.practice is not None and off.scenarios.practice is None
    assert "NCS Final Practice (2026-05-31)" in on.scenarios.practice_sessions
    # the demo slate has its starts: qualifying gives the start order, its speed is not used (weight 0)
    assert "qualifying: Pole Qualifying (2026-05-31) gives the start order only" in on.scenarios.practice_sessions
    assert "Practice and qualifying sessions" in header_markdown(on)
    assert not np.array_equal(on.mean_points, off.mean_points)


def test_auto_practice_is_cup_only(tmp_path, demo, names, monkeypatch):
    """The data folder's file holds Cup weekends: an Xfinity slate at the same track and weekend must not use it."""
    import dfslab.racesim._simulator as simmod

    pq = read_practice_quali(_write(tmp_path, _rows(names[::-1])))
    monkeypatch.setattr(simmod, "_read_practice_cached", lambda path, mtime, size: pq)
    monkeypatch.setattr("dfslab.io.practice.default_practice_path", lambda root=None: tmp_path / "p.csv")
    monkeypatch.setattr("dfslab.utils.config.data_dir", lambda required=True: tmp_path)
    sl = _slate(demo)
    sl.series = "xfinity"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = RaceSimulator(300, random_state=0, history=None, practice_weights=W).simulate(sl)
        sl.series = "cup"
        c = RaceSimulator(300, random_state=0, history=None, practice_weights=W).simulate(sl)
    assert x.practice is None and any("Cup sessions" in n for n in x.notes)
    assert "Cup sessions" in x.practice_sessions
    assert c.practice is not None and "practice:" in c.practice_sessions
