"""Real-data ownership tests: the training-data loader and the --quick evaluation with real thresholds."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import require_data

pytestmark = pytest.mark.realdata
DATA = require_data()  # skips the module, with a reason, when ../shared/data is absent

from dfslab import InputError  # noqa: E402
from dfslab.ownership import load_contest_training_data, nascar_ownership_figures  # noqa: E402
from dfslab.studies import coverage_by_bin, evaluate_mlb, evaluate_nascar_actual, evaluate_nascar_loso  # noqa: E402

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "evaluate_ownership.py"


@pytest.fixture(scope="module")
def mlb():
    return evaluate_mlb(quick=True)


@pytest.fixture(scope="module")
def nascar():
    return evaluate_nascar_loso(quick=True)


@pytest.fixture(scope="module")
def actual():
    return evaluate_nascar_actual(quick=True)


def test_loader_two_contests_same_date():
    root = DATA / "dk_contests" / "mlb"
    dirs = sorted(root.glob("2017-05-11__*"))
    assert len(dirs) == 2  # two contests of one date
    X, y, groups = load_contest_training_data(dirs)
    assert X.slate_id.nunique() == 2 and groups.nunique() == 1
    for s in X.slate_id.unique():
        m = (X.slate_id == s).to_numpy()
        assert y[m].sum() == pytest.approx(1000.0, abs=2.0)  # percent of submitted lineups
    assert ((y >= 0) & (y <= 100)).all()
    assert X.attrs["unmatched"] == {}
    # the turbo contest is a smaller field than the $250K GPP
    assert X.groupby("slate_id")["log_entries"].first().nunique() == 2


def test_loader_reports_namesakes():
    d = DATA / "dk_contests" / "mlb" / "2017-07-29__MLB_500SoloShot_AllDay__1.00"
    X, y, _ = load_contest_training_data([d])
    msgs = X.attrs["unmatched"][d.name]
    assert any("Chris Smith" in m and "namesakes" in m for m in msgs)
    # accents differ between the standings and the salary file ("José Altuve" vs "Jose Altuve") yet match
    assert len(msgs) == 1


def test_mlb_quick_evaluation_meets_goals(mlb):
    m = mlb.metrics
    best = min(m.loc["baseline_points", "mae_pp"], m.loc["baseline_value", "mae_pp"])
    assert m.loc["model", "mae_pp"] <= 0.75 * best            # >= 25% below the better baseline
    assert mlb.mae_reduction() >= 0.25
    assert 0.75 <= m.loc["model", "coverage80"] <= 0.85       # calibrated 80% intervals on later dates
    assert m.loc["model", "spearman_rho"] > m.loc[["baseline_points", "baseline_value"], "spearman_rho"].max()
    assert mlb.info["n_test_contests"] >= 10 and mlb.info["unmatched_block_players"] <= 2
    # test dates strictly after every training date
    assert (mlb.predictions["date"] >= mlb.info["split_date"]).all()


def test_mlb_predictions_frame(mlb):
    p = mlb.predictions
    assert len(p) == mlb.info["n_rows"] - int(mlb.estimator.n_calibration_)
    for s, d in p.groupby("slate_id"):
        assert d["ownership"].sum() == pytest.approx(1000.0, rel=1e-9)          # forecasts sum to 100 x roster
        assert d["baseline_value"].sum() == pytest.approx(1000.0, rel=1e-9)
    assert (p["lower"] <= p["ownership"]).all() and (p["ownership"] <= p["upper"]).all()
    assert p["name"].notna().all() and (p["name"].str.len() > 0).all()
    # the metrics table is recomputable from the per-player frame
    inside = (p["actual"] >= p["lower"]) & (p["actual"] <= p["upper"])
    assert mlb.metrics.loc["model", "coverage80"] == pytest.approx(inside.mean())
    cb = coverage_by_bin(p)
    assert cb["n"].sum() == len(p)
    assert (cb["n"] * cb["coverage"]).sum() == pytest.approx(inside.sum())


def test_mlb_cqr_intervals_cover_the_chalk(mlb):
    """CQR (calibrated on training dates only) is near nominal for forecasts >= 5%, where the default under-covers."""
    m = mlb.metrics
    assert m.loc["model_cqr_interval", "coverage80_pred_ge5pct"] >= 0.77
    assert m.loc["model_cqr_interval", "coverage80_pred_ge5pct"] > m.loc["model", "coverage80_pred_ge5pct"]
    assert m.loc["model_cqr_interval", "coverage80_owned"] > m.loc["model", "coverage80_owned"]
    cb = coverage_by_bin(mlb.predictions, edges=(0, 0.5, 2, 5, 100), intervals=("_cqr",))
    assert cb["coverage_cqr"].iloc[1:].between(0.72, 0.9).all()  # every bin above the zero atom near 80%
    p = mlb.predictions
    assert (p["lower_cqr"] <= p["ownership"]).all() and (p["ownership"] <= p["upper_cqr"]).all()


def test_nascar_loso_beats_projection_baseline(nascar):
    m = nascar.metrics
    r = m.loc["pretrained_config"]
    assert nascar.info["n_slates"] == 8
    assert r["mae_pp"] < m.loc["baseline_projection", "mae_pp"] and r["mae_pp"] < m.loc["baseline_value", "mae_pp"]
    assert r["spearman_rho"] > 0.85
    assert 0.65 <= r["coverage80"] <= 0.95
    assert np.isfinite(r["mae_pooled_pp"])
    assert nascar.predictions.groupby("slate_id")["ownership"].sum().round(6).eq(600.0).all()


def test_script_is_a_thin_cli(tmp_path, monkeypatch, mlb, nascar, actual):
    """The script only formats the library results (library calls stubbed with the fixtures' results)."""
    spec = importlib.util.spec_from_file_location("evaluate_ownership", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    seen = {}
    monkeypatch.setattr(mod, "evaluate_mlb", lambda quick: mlb)
    monkeypatch.setattr(mod, "evaluate_nascar_loso", lambda quick: nascar)
    monkeypatch.setattr(mod, "evaluate_nascar_actual", lambda slates, quick: seen.update(slates=slates) or actual)
    out = tmp_path / "own.json"
    res = mod.main(["--quick", "--json", str(out), "--slates", str(tmp_path)])
    assert seen["slates"] == str(tmp_path)  # new races are evaluated by pointing at a folder, no code change
    assert {"mae_ours", "mae_vendor", "mae_blend", "coverage_80", "n_rows", "n_races"} <= set(res["nascar_actual"])
    assert res["nascar_actual"]["mae_blend"] == pytest.approx(actual.metrics.loc["blend", "mae_pp"], abs=1e-4)
    assert json.loads(out.read_text()) == json.loads(json.dumps(res))
    assert res["mlb"]["model"]["mae_pp"] == pytest.approx(mlb.metrics.loc["model", "mae_pp"])
    assert res["nascar"]["pretrained_config"]["spearman_rho"] == pytest.approx(
        nascar.metrics.loc["pretrained_config", "spearman_rho"])


# ---------------------------------------------------------------- NASCAR, real %Drafted (issue 17)
def test_actual_reproduces_the_baselines(actual):
    """The issue author's baselines on the same 102 named rows of 5 races."""
    m, i = actual.metrics, actual.info
    assert i["n_rows"] >= 102 and i["n_races"] >= 5
    if i["n_races"] == 5:  # the dk_2026 folder as measured in the issue
        assert i["n_rows"] == 102
        assert m.loc["vendor", "mae_pp"] == pytest.approx(7.59, abs=0.005)
        assert m.loc["vendor", "bias_pp"] == pytest.approx(-4.19, abs=0.005)
        assert m.loc["vendor", "pearson_r"] == pytest.approx(0.86, abs=0.005)
        # the previous default (issue: 10.49 / -5.92 / 0.73; this reader's slates give 10.45 / -5.86)
        assert m.loc["pretrained_2025", "mae_pp"] == pytest.approx(10.49, abs=0.06)
        assert m.loc["pretrained_2025", "bias_pp"] == pytest.approx(-5.92, abs=0.08)
        assert m.loc["pretrained_2025", "pearson_r"] == pytest.approx(0.73, abs=0.005)


def test_actual_targets_or_documented_shortfall(actual):
    """Issue 17's targets where met; the measured shortfall bounds (docs/ownership.md) where not."""
    m = actual.metrics
    for f in ("model", "blend"):
        assert 0.75 <= m.loc[f, "coverage80"] <= 0.85                       # target met
        # bias on rows forecast > 20%: -3.2 / -3.4 pp on the named rows (target +-2 missed); with the unnamed
        # drivers of the top-k contests at their upper bound it is -0.6 / -1.5 (within +-2)
        assert m.loc[f, "bias_gt20_pp"] > -4.0
        assert abs(m.loc[f, "bias_gt20_bound_lo_pp"]) <= 2.0
    # with DailyFan as an input: below DailyFan alone (target <= 6.0 missed: 7.25 on 5 races; 7.55 vs DailyFan's
    # 7.65 on the 7 races / 170 rows of the grown data, quick mode)
    assert m.loc["blend", "mae_pp"] < m.loc["vendor", "mae_pp"] and m.loc["blend", "mae_pp"] <= 7.65
    # without a vendor projection: far below the previous default (target <= 7.6 missed: 8.44 on 5 races, 8.77 on 7)
    assert m.loc["model", "mae_pp"] <= 8.9 and m.loc["model", "mae_pp"] < m.loc["pretrained_2025", "mae_pp"] - 1.0
    assert m.loc["blend", "bias_pp"] > m.loc["vendor", "bias_pp"]  # less chalk under-prediction than DailyFan


def test_actual_same_rows_and_valid_forecasts(actual):
    p, d = actual.predictions, actual.drivers
    forecasts = [c for c in ("model", "blend", "vendor", "pretrained_2025", "base") if c in p]
    assert p[forecasts + ["actual"]].notna().all().all()  # every forecast scored on the same named rows
    assert len(p) == int(d["named"].sum()) == actual.info["n_rows"]
    for _, g in d.groupby(["race", "contest_id"]):
        for f in ("model", "blend"):
            assert g[f].sum() == pytest.approx(600.0, abs=1e-6)                # percent of entries, 600
            assert ((g[f] >= 0) & (g[f] <= 100)).all()
    assert ((p["model_lower"] <= p["model"]) & (p["model"] <= p["model_upper"])).all()
    # the named actual values are the CSV's, never renormalized
    raw = pd.concat([pd.read_csv(DATA / "nascar" / "dk_2026" / r / "actual_ownership.csv") for r in actual.info["races"]])
    assert sorted(p["actual"].round(4)) == sorted(raw["actual_own"].round(4))
    # leave-one-race-out: every fold's calibration differs from the one fitted on all races
    th = actual.info["theta_loro"]
    assert len(th) == actual.info["n_races"]
    assert all(not np.allclose(t["model"], actual.info["theta_full"]["model"], atol=1e-4) for t in th.values())


def test_actual_needs_three_races(tmp_path):
    root = DATA / "nascar" / "dk_2026"
    for name in ("2026-07-12_atlanta", "2026-07-19_north-wilkesboro"):
        (tmp_path / name).symlink_to(root / name)
    with pytest.raises(InputError, match="at least 3 races"):
        evaluate_nascar_actual(slates=tmp_path, quick=True)


def test_shipped_figures_match_a_fresh_run(actual):
    """The figures the report quotes are this evaluation's (refresh: scripts/evaluate_ownership.py --write-figures)."""
    f = nascar_ownership_figures()
    if actual.info["races"] != f["races"]:
        pytest.skip("the data folder holds other races than the shipped figures")
    for k, row in (("mae_ours", "model"), ("mae_blend", "blend"), ("mae_vendor", "vendor")):
        assert f[k] == pytest.approx(actual.metrics.loc[row, "mae_pp"], abs=1e-3)
    assert f["coverage_80"] == pytest.approx(actual.metrics.loc["model", "coverage80"], abs=1e-3)
