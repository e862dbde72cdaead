"""Real-data ownership tests: the training-data loader and the --quick evaluation with real thresholds."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import dfslab

pytestmark = pytest.mark.realdata
DATA = dfslab.data_dir(required=False)
if DATA is None:
    pytest.skip("real data folder ../shared/data not found (set DFSLAB_DATA_DIR)", allow_module_level=True)

from dfslab.ownership import load_contest_training_data  # noqa: E402

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "evaluate_ownership.py"


@pytest.fixture(scope="module")
def quick_results():
    spec = importlib.util.spec_from_file_location("evaluate_ownership", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.main(["--quick"])


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


def test_mlb_quick_evaluation_meets_goals(quick_results):
    m = quick_results["mlb"]
    best = min(m["baseline_points"]["mae_pp"], m["baseline_value"]["mae_pp"])
    assert m["model"]["mae_pp"] <= 0.75 * best            # >= 25% below the better baseline
    assert 0.75 <= m["model"]["coverage80"] <= 0.85       # calibrated 80% intervals on later dates
    assert m["model"]["spearman_rho"] > max(m["baseline_points"]["spearman_rho"], m["baseline_value"]["spearman_rho"])
    assert m["n_test_contests"] >= 10 and m["unmatched_block_players"] <= 2


def test_nascar_loso_beats_projection_baseline(quick_results):
    n = quick_results["nascar"]
    r = n["pretrained_config"]
    assert n["n_slates"] == 8
    assert r["mae_pp"] < n["baseline_projection"]["mae_pp"] and r["mae_pp"] < n["baseline_value"]["mae_pp"]
    assert r["spearman_rho"] > 0.85
    assert 0.65 <= r["coverage80"] <= 0.95
    assert np.isfinite(r["mae_pooled_pp"])
