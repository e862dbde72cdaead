"""The leave-one-slate-out parameters on the real slates: every real race is covered, and a real slate
simulated with them uses the held-out blend weights."""

from __future__ import annotations

import warnings

import pytest

from conftest import require_data

pytestmark = pytest.mark.realdata
DATA = require_data()  # skips the module, with a reason, when ../shared/data is absent

from dfslab.io import load_real_races  # noqa: E402
from dfslab.racesim import RaceSimulator, load_blend_weights, load_default_params  # noqa: E402
from dfslab.studies import load_loso, loso_simulator_kwargs  # noqa: E402


@pytest.fixture(scope="module")
def races():
    return load_real_races()


def test_every_real_race_has_held_out_parameters(races):
    fitted = set(load_loso()["races"])
    names = {r.name for r in races}
    assert fitted <= names and len(fitted) >= 2  # the fit's races are real races with results
    for r in races:
        kw = loso_simulator_kwargs(r)
        assert kw == loso_simulator_kwargs(r.name), r.name
        # a race of the fit gets parameters fitted without it; a race added since gets the shipped ones (never saw it)
        assert bool(kw) == (r.name in fitted), r.name


def test_real_slate_simulated_with_held_out_weights(races):
    race = next(r for r in races if r.name == "cup_2025-09-13_8227c09")
    kw = loso_simulator_kwargs(race.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = RaceSimulator(300, random_state=0, **kw).simulate(race.slate)
    w = kw["blend_weights"]["projection+history+salary"]
    shipped = load_blend_weights()["subsets"]["projection+history+salary"]
    assert res.means["weight_projection"].iloc[0] == w["projection"] != shipped["projection"]
    assert res.means["weight_salary"].iloc[0] == w["salary"] > 0 == shipped["salary"]
    # the mean error is the shipped one the finish gains were fitted with, not a per-slate pick
    me = load_default_params()["mean_error_sd"]
    assert "mean_error" not in kw and me > 0 and any(f"sd {me:.3f} (mean_error)" in n for n in res.notes), res.notes
