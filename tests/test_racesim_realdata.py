"""Race simulator on real data: run_calibration in quick mode (what the script and notebook call), no-leakage strengths."""

from __future__ import annotations

import numpy as np
import pytest

import dfslab
from conftest import require_data

pytestmark = pytest.mark.realdata
DATA = require_data()  # skips the module, with a reason, when ../shared/data is absent

from dfslab.racesim import DriverRatingModel, RaceSimulator  # noqa: E402
from dfslab.studies import (  # noqa: E402
    CalibrationReport,
    params_strengths,  # noqa: E402
    prerace_strengths,  # noqa: E402
    run_calibration,
)


@pytest.fixture(scope="module")
def logs():
    return dfslab.read_race_logs()


@pytest.fixture(scope="module")
def report(logs):
    return run_calibration(quick=True, logs=logs)


def test_holdout_figures_quick(report):
    assert isinstance(report, CalibrationReport)
    o = report.metrics.loc["overall"]
    assert o["races"] == 30 and o["n"] > 900  # quick: 30 of the 95 held-out 2025 races
    assert 0.75 <= o["coverage_10_90"] <= 0.87, o
    # the per-driver table behind the metrics agrees with them
    assert len(report.holdout) == o["n"] and abs(report.holdout["inside"].mean() - o["coverage_10_90"]) < 1e-12
    f = report.figures()
    for k in ("coverage_10_90", "slope_win", "slope_top5", "slope_top10", "slope_most_laps_led", "top6_pit_mean",
              "dnf_diff", "n_races"):
        assert k in f, k
    assert f["n_races"] == 30 and f["coverage_10_90"] == pytest.approx(o["coverage_10_90"], abs=1e-4)
    # finish order no longer under-confident (was 1.67 / 1.56 / 1.32; 30 races are noisy: wide band)
    assert 0.6 < f["slope_win"] < 1.5 and 0.7 < f["slope_top5"] < 1.4 and 0.7 < f["slope_top10"] < 1.35, f
    assert abs(f["dnf_diff"]) < 1.0 and 0.3 < f["top6_pit_mean"] < 0.7, f


def test_holdout_accuracy_and_pit(report):
    o = report.metrics.loc["overall"]
    assert o["pearson_r"] > 0.3, o
    assert o["mae"] < 19.0 and o["crps"] < 13.0, o
    pit = np.asarray(report.pit_histogram)
    assert pit.shape == (10,) and abs(pit.sum() - 1) < 1e-3 and pit.min() > 0.05 and pit.max() < 0.16, pit


def test_race_level_distributions(report):
    d = report.race_distributions.set_index(["archetype", "stat"])
    # superspeedway chaos: more DNFs than at intermediates, in the simulation as in reality
    assert d.loc[("superspeedway", "dnf_count"), "sim_mean"] > d.loc[("intermediate", "dnf_count"), "sim_mean"] + 2
    for arch in ("intermediate", "short", "superspeedway"):
        r = d.loc[(arch, "top_ll_share")]
        assert abs(r["sim_mean"] - r["real_mean"]) < 0.12, (arch, r)
        t = d.loc[(arch, "top_dk")]
        assert abs(t["sim_mean"] - t["real_mean"]) < 15, (arch, t)
    # the raw race-level tables behind the quantiles
    assert set(report.race_stats_real["archetype"]) == set(report.race_stats_sim["archetype"])
    assert len(report.race_stats_sim) == report.metrics.loc["overall", "races"] * report.n_scenarios


def test_2026_check_and_real_slate_blend(report):
    from dfslab.io import list_race_folders, load_real_races

    c = report.check_2026
    # every dk_2026 race folder (the data grows: nothing here counts races by hand)
    assert c["n_races"] == len(list_race_folders()) and c["n_driver_races"] > 200 and 0.6 < c["coverage_10_90"] < 0.95, c
    b = report.real_slate_figures["blend"]
    n_slates = len(load_real_races())  # every real slate with a full pool and results
    assert report.real_slate_figures["n_slates"] == n_slates
    full = b["evaluation"]["projection+history+salary"]
    assert full["n_slates"] == n_slates and full["n_drivers"] > 400
    # the shipped blend beats every single source leave-one-slate-out, or the best single source is shipped
    assert full["blend_below_every_source"] or full["shipped"].startswith("single source")
    for key, w in b["subsets"].items():
        assert set(w) == set(key.split("+")) and all(v >= 0 for v in w.values())


def test_report_serializes_and_formats(report):
    import json

    d = json.loads(json.dumps(report.to_dict(), default=float))
    assert d["holdout_overall"]["coverage_10_90"] == pytest.approx(report.metrics.loc["overall", "coverage_10_90"])
    assert d["figures"]["n_races"] == 30 and "check_2026" in d["figures"]
    assert "held-out 2025" in report.format() and "calibration slopes" in report.format()


def test_run_calibration_rejects_bad_n_scenarios(logs):
    with pytest.raises(dfslab.InputError, match="n_scenarios"):
        run_calibration(quick=True, n_scenarios=0, logs=logs)


def test_prerace_strengths_match_rating_model_and_do_not_leak(logs):
    rid = logs.loc[logs["race_date"] >= "2024-06-01", "race_id"].iloc[0]
    rows = logs[logs["race_id"] == rid]
    fast = prerace_strengths(logs, races={rid}).loc[rows.index].to_numpy()
    m = DriverRatingModel().fit(logs, before=rows["race_date"].iloc[0])
    slow = m.strengths(rows["driver_name"], series=rows["series"].iloc[0], archetype=rows["archetype"].iloc[0])
    assert np.allclose(fast, slow)
    # scrambling the race itself and everything after it changes nothing
    later = logs["race_date"] >= rows["race_date"].iloc[0]
    scrambled = logs.copy()
    scrambled.loc[later, "finish"] = scrambled.loc[later, "finish"].sample(frac=1, random_state=0).to_numpy()
    again = prerace_strengths(scrambled, races={rid}).loc[rows.index].to_numpy()
    assert np.allclose(fast, again)


def test_calibration_strengths_use_the_params_rating_settings(logs):
    rid = logs.loc[logs["race_date"] >= "2025-03-01", "race_id"].iloc[0]
    rows = logs[logs["race_id"] == rid]
    got = params_strengths(logs, {"rating": {"half_life_days": 90.0}}, races={rid}).loc[rows.index].to_numpy()
    m = DriverRatingModel(half_life_days=90.0).fit(logs, before=rows["race_date"].iloc[0])
    want = m.strengths(rows["driver_name"], series=rows["series"].iloc[0], archetype=rows["archetype"].iloc[0])
    assert np.allclose(got, want)
    default = params_strengths(logs, {"rating": {}}, races={rid}).loc[rows.index].to_numpy()
    assert not np.allclose(got, default)  # the setting is not ignored


def test_real_slate_simulation_uses_history_and_blends_the_published_projection(logs):
    folder = [p for p in dfslab.list_nascar_slates() if p.name.startswith("cup_2025-09-06")][0]
    slate = dfslab.read_nascar_slate(folder, race_logs=logs)
    res = RaceSimulator(2000, random_state=0).simulate(slate)  # history found by itself
    assert res.strength_source == "history rating model blended mean"
    assert {"mean_projection", "mean_history", "mean_salary", "mean_blend", "mean_sim"} <= set(res.means)
    assert "projection column (published or user)" in res.provenance
    sm = res.summary()
    # pricier drivers are projected higher on average
    assert np.corrcoef(sm["salary"], sm["mean"])[0, 1] > 0.5
    assert (res.laps_led.sum(1) == slate.race_laps).all()
