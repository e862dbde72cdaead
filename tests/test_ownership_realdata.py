"""Real-data ownership tests: the training-data loader and the --quick evaluation with real thresholds."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from conftest import require_data

pytestmark = pytest.mark.realdata
DATA = require_data()  # skips the module, with a reason, when ../shared/data is absent

from dfslab.ownership import coverage_by_bin, evaluate_mlb, evaluate_nascar_loso, load_contest_training_data  # noqa: E402

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "evaluate_ownership.py"


@pytest.fixture(scope="module")
def mlb():
    return evaluate_mlb(quick=True)


@pytest.fixture(scope="module")
def nascar():
    return evaluate_nascar_loso(quick=True)


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


def test_script_is_a_thin_cli(tmp_path, monkeypatch, mlb, nascar):
    """The script only formats the library results (library calls stubbed with the fixtures' results)."""
    spec = importlib.util.spec_from_file_location("evaluate_ownership", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "evaluate_mlb", lambda quick: mlb)
    monkeypatch.setattr(mod, "evaluate_nascar_loso", lambda quick: nascar)
    out = tmp_path / "own.json"
    res = mod.main(["--quick", "--json", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(res))
    assert res["mlb"]["model"]["mae_pp"] == pytest.approx(mlb.metrics.loc["model", "mae_pp"])
    assert res["nascar"]["pretrained_config"]["spearman_rho"] == pytest.approx(
        nascar.metrics.loc["pretrained_config", "spearman_rho"])
