"""Real-slate parameters fitted without the slate: simulator overrides and the shipped LOSO file."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest
from test_racesim import _history, make_slate

from dfslab import InputError
from dfslab.racesim import RaceSimulator, load_blend_weights, load_crowd_weights, load_default_params, salary_strength
from dfslab.studies import load_loso, loso_simulator_kwargs

LOSO = load_loso()
SHIPPED = load_blend_weights()["subsets"]
PARAMS = load_default_params()
CROWD = load_crowd_weights()


def test_loso_file_covers_every_real_race_with_complete_fits():
    races = LOSO["races"]
    n = LOSO["settings"]["n_slates"]  # every real race when fitted (the data grows: no count here)
    assert len(races) == n >= 12 and not LOSO["settings"]["quick"]
    for name, fit in races.items():
        assert fit["n_slates_fit"] == n - 1 and fit["key"]
        assert set(fit["blend_weights"]) == set(SHIPPED), name  # every set of sources
        for key, w in fit["blend_weights"].items():
            assert list(w) == key.split("+") and all(v >= 0 for v in w.values())
        assert fit["salary_slopes"]["pooled_slope"] > 0 and 0 <= fit["mean_error"] <= 0.8
    # fitted on all 12 slates the same procedure gives the shipped weights and slopes back
    assert LOSO["all_slates"]["blend_weights"] == LOSO["shipped"]["blend_weights"] == SHIPPED
    assert LOSO["all_slates"]["salary_slopes"]["slope"] == PARAMS["salary_strength"]["slope"]


def test_kwargs_give_the_held_out_weights_and_a_new_race_gets_nothing():
    changed = 0
    for name, fit in LOSO["races"].items():
        kw = loso_simulator_kwargs(name)
        assert set(kw) == {"blend_weights", "salary_slopes", "crowd"}
        sim = RaceSimulator(10, random_state=0, **kw)
        assert sim.blend_weights_() == fit["blend_weights"]
        # the mean error stays the one the finish gains were fitted with (not a per-slate pick)
        assert sim._mean_error() == PARAMS["mean_error_sd"] > 0
        for a in ("intermediate", "short", "road", "superspeedway"):
            assert sim.salary_slope_(a) == fit["salary_slopes"]["slope"].get(a, fit["salary_slopes"]["pooled_slope"])
        changed += sim.blend_weights_() != SHIPPED
        # the returned dict is a copy: changing it does not change the next call
        kw["blend_weights"]["salary"]["salary"] = 99.0
        assert loso_simulator_kwargs(name)["blend_weights"]["salary"]["salary"] == 1.0
    # leaving a slate out moves the projection weight (0.64-0.72 vs 0.68 shipped) on every slate
    assert changed == len(LOSO["races"])
    # a race no fit saw: the shipped real-slate parameters and the all-race crowd fit (neither saw it)
    allrace = {k: CROWD["all"][k] for k in ("gap", "own")}
    for new in ("2027-02-15_daytona", type("R", (), {"name": "some_new_race", "key": "cup:2027-02-15"})()):
        kw = loso_simulator_kwargs(new)
        assert set(kw) == {"crowd"} and {k: kw["crowd"][k] for k in ("gap", "own")} == allrace
    with pytest.raises(InputError, match="race name"):
        loso_simulator_kwargs(3)


def test_blend_weight_override_is_used_and_other_sets_keep_the_shipped_weights():
    h = _history(["2025-01-01", "2025-02-01"])
    s = make_slate(10, "short", 200, 0, rating=False)
    proj = np.linspace(60, 20, 10)
    w = {"projection": 0.2, "history": 0.5, "salary": 0.3}
    sim = RaceSimulator(500, random_state=0, blend_weights={"projection+history+salary": w}).set_history(h)
    assert sim.blend_weights_()["projection+salary"] == SHIPPED["projection+salary"]
    res = sim.simulate(s, projections=proj)
    m = res.means
    assert [m[f"weight_{k}"].iloc[0] for k in w] == list(w.values())
    assert any("given blend_weights" in n for n in res.notes), res.notes
    base = RaceSimulator(500, random_state=0).set_history(h).simulate(s, projections=proj)
    assert base.means["weight_projection"].iloc[0] == SHIPPED["projection+history+salary"]["projection"]
    assert not np.allclose(m["mean_blend"], base.means["mean_blend"])


def test_salary_slope_override():
    s = make_slate(12, "short", 200, 1, rating=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = RaceSimulator(300, random_state=0, history=None, salary_slopes=0.9).simulate(s)
        b = RaceSimulator(300, random_state=0, history=None, salary_slopes={"slope": {"short": 0.2}}).simulate(s)
        c = RaceSimulator(300, random_state=0, history=None).simulate(s)
    assert np.allclose(a.strength, salary_strength(s.salaries.astype(float), slope=0.9))
    assert np.allclose(b.strength, salary_strength(s.salaries.astype(float), slope=0.2))
    shipped = PARAMS["salary_strength"]["slope"]["short"]
    assert np.allclose(c.strength, salary_strength(s.salaries.astype(float), slope=shipped))
    # an archetype not listed keeps the shipped slope; pooled_slope covers the unlisted ones
    sim = RaceSimulator(10, salary_slopes={"slope": {"short": 0.2}})
    assert sim.salary_slope_("road") == PARAMS["salary_strength"]["slope"]["road"]
    assert RaceSimulator(10, salary_slopes={"pooled_slope": 0.7}).salary_slope_("road") == 0.7
    # the pipeline copies the simulator (copy.copy): the overrides survive
    assert copy.copy(sim).salary_slope_("short") == 0.2


@pytest.mark.parametrize("kw, msg", [
    ({"blend_weights": {"salary+projection": {"salary": 1.0, "projection": 0.0}}}, "in the order"),
    ({"blend_weights": {"projection+salary": {"projection": 1.0}}}, "one weight for each"),
    ({"blend_weights": {"projection+salary": {"projection": -0.1, "salary": 0.0}}}, "number >= 0"),
    ({"blend_weights": {"projection+salary": {"projection": float("nan"), "salary": 0.0}}}, "number >= 0"),
    ({"blend_weights": [0.5, 0.5]}, "expected a dict"),
    ({"salary_slopes": {"slope": {"oval": 0.3}}}, "unknown archetype"),
    ({"salary_slopes": {"slope": {"short": 0.0}}}, "positive number"),
    ({"salary_slopes": {"pooled_slope": "0.3"}}, "positive number"),
    ({"salary_slopes": {"slopes": 0.3}}, "expected a number or a dict"),
])
def test_bad_overrides_are_named(kw, msg):
    with pytest.raises(InputError, match=msg):
        RaceSimulator(10, **kw)
