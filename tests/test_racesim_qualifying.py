"""Slates before qualifying: each simulated race draws its own start order (fitted qualifying model)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import dfslab
from dfslab import InputError, RaceSimulator
from dfslab.racesim import draw_qualifying, start_score, start_score_rows
from dfslab.scoring import dk_points


def _unqualified(demo):
    p = demo.players.drop(columns=["start"])
    return demo.with_players(p)


def test_draw_qualifying_orders_by_strength_and_is_a_permutation():
    s = np.linspace(1.5, -1.5, 30)
    st = draw_qualifying(np.random.default_rng(0), s, 4000, 1.8)
    assert st.dtype == np.int16 and st.shape == (4000, 30)
    assert (np.sort(st, axis=1) == np.arange(1, 31)).all()
    mean = st.mean(0)
    assert (np.diff(mean) > 0).all()  # stronger cars start nearer the front on average
    assert 0.1 < (st[:, 0] == 1).mean() < 0.6  # ... but not always on pole
    # the start score of a drawn row is the normal score of the position, as for a real start column
    assert np.allclose(start_score_rows(st[:3]), [start_score(r) for r in st[:3]])


def test_simulation_without_starts_draws_them_and_scores_with_them(demo):
    sl = _unqualified(demo)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no race history for the demo in a bare checkout: salary fallback
        res = RaceSimulator(3000, random_state=1, history=None).simulate(sl)
        again = RaceSimulator(3000, random_state=1, history=None).simulate(sl)
    assert res.start is not None and res.start.shape == res.points.shape
    assert (np.sort(res.start, axis=1) == np.arange(1, sl.n_players + 1)).all()
    # place-differential points are those of the drawn starts, row by row
    assert np.allclose(res.points, dk_points(res.start, res.finish, res.laps_led, res.fastest_laps), atol=1e-3)
    assert np.array_equal(res.start, again.start) and np.array_equal(res.points, again.points)  # same seed
    assert any("no qualifying" in n for n in res.notes)
    # the highest-salary driver usually starts near the front, not always on pole
    top = int(np.argmax(sl.salaries))
    assert res.start[:, top].mean() < sl.n_players / 3 and (res.start[:, top] == 1).mean() < 0.6


def test_a_known_start_is_unchanged_by_the_qualifying_model(demo):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = RaceSimulator(2000, random_state=0, history=None).simulate(demo)
    assert res.start is None
    st = demo.players["start"].to_numpy()
    assert np.allclose(res.points, dk_points(st[None, :], res.finish, res.laps_led, res.fastest_laps), atol=1e-3)


def test_partial_starts_are_an_error_naming_the_drivers(demo):
    p = demo.players.copy()
    p["start"] = p["start"].astype("Int64")
    p.loc[[2, 5], "start"] = None
    with pytest.raises(InputError, match=r"missing for 2 driver\(s\).*" + p.loc[2, "name"]):
        RaceSimulator(500, random_state=0, history=None).simulate(demo.with_players(p))


def test_params_without_a_qualifying_model_say_so(demo):
    params = dfslab.racesim.load_default_params()
    params.pop("qualifying")
    with pytest.raises(InputError, match="no fitted qualifying model"):
        RaceSimulator(500, random_state=0, history=None, params=params).simulate(_unqualified(demo))


def test_pipeline_table_shows_the_mean_drawn_start(demo):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = dfslab.SlateAnalysis(_unqualified(demo), n_lineups=3, n_scenarios=1500, field_size=200,
                                 n_field_draws=1, random_state=0)
        d = a.drivers
    assert "start" not in d and "mean start (drawn)" in d
    assert np.allclose(d["mean start (drawn)"].to_numpy(), a.scenarios.start.mean(0))


def test_qualifying_model_on_held_out_2025_races(data_root, capsys):
    """The shipped coefficients are what scripts/fit_qualifying.py fits on 2019-2024; 2025 is held out."""
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import fit_qualifying

    assert fit_qualifying.main(["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    shipped = dfslab.racesim.load_default_params()["qualifying"]["coef"]
    # a root finder's refit on simulated rank correlations, rounded to 3 decimals: a fresh machine's last digit may
    # differ, so compare within the rounding (and far inside what would change a race)
    assert set(out["coef"]) == set(shipped)
    np.testing.assert_allclose([out["coef"][k] for k in shipped], list(shipped.values()), atol=0.002)
    for arch, f in out["held_out_2025"].items():
        assert f["n_races"] >= 10, arch
        # the rank correlation of strength and start (what sets place-differential points) holds out of sample
        assert abs(f["rank_corr_strength_start_sim"] - f["rank_corr_strength_start_real"]) < 0.06, (arch, f)
        # better than a random order, per race
        assert f["nll_per_race"] < f["nll_random_order"] - 4, (arch, f)
