"""Backtest on the real NASCAR races (quick mode): the judges are computed right, the invariants hold.

Not asserted: that any strategy wins. The figures are measured and reported (docs/backtest.md).
"""

import json
import shutil

import numpy as np
import pytest

from conftest import require_data
from dfslab.io import load_real_races, read_race_folder
from dfslab.studies import QUICK_RACES, STRATEGIES, backtest_real_slates, contest_of, mid_pit, realised_ownership

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
ROOT = require_data()
KEYS = ("edge_mean", "edge_se", "edge_pit_mean", "roi_pit_mean", "edge_ratio", "roi_mean", "n_races")


@pytest.fixture(scope="module")
def res():
    return backtest_real_slates(quick=True, random_state=0)


def test_every_race_and_strategy_with_finite_judges(res):
    per = res.per_race
    assert sorted(per["race"].unique()) == sorted(QUICK_RACES)
    assert set(per["strategy"]) == set(STRATEGIES)
    for c in ("edge_pred_mean", "edge_real", "edge_pit", "roi_pred_mean", "roi_real", "roi_pit"):
        assert np.isfinite(per[c]).all(), c
    assert per[["edge_pit", "roi_pit"]].stack().between(0, 1).all()
    assert (per[["roi_real", "roi_pred_mean"]] >= -1).all().all()
    assert per[["cash_real_pct", "top1_real_pct", "cash_pred_pct"]].stack().between(0, 100).all()


def test_pooled_figures_are_means_over_races_with_their_se(res):
    pooled = res.pooled.set_index("strategy")
    for k, g in res.per_race.groupby("strategy"):
        assert pooled.loc[k, "edge_mean"] == pytest.approx(g["edge_real"].mean())
        assert pooled.loc[k, "edge_se"] == pytest.approx(g["edge_real"].std(ddof=1) / np.sqrt(len(g)))
        assert pooled.loc[k, "edge_pit_mean"] == pytest.approx(g["edge_pit"].mean())
        assert pooled.loc[k, "edge_ratio"] == pytest.approx(g["edge_real"].mean() / g["edge_pred_mean"].mean())
    p = res.paired.set_index("strategy")
    e = res.per_race.pivot(index="race", columns="strategy", values="edge_real")
    assert p.loc["leverage_0.5", "edge_diff_mean"] == pytest.approx((e["leverage_0.5"] - e["ours"]).mean())
    d = json.loads(json.dumps(res.to_dict()))
    for k in STRATEGIES:
        assert all(key in d["strategies"][k] for key in KEYS), k


def test_realised_contests_pay_their_whole_pool(res):
    r = res.races
    assert (r["identity_max_abs_err"] < 1e-9).all()
    # the Chicagoland contest is real: its size is used (shrunk in quick mode, same rake)
    chi = r.set_index("race").loc["2026-07-05_chicagoland"]
    assert "23,461 entries" in chi["contest"] and "prize pool unknown" in chi["contest"]
    assert "actual %Drafted for 13 drivers" in chi["field_ownership"]


def test_contest_of_uses_the_real_pool_and_first_prize():
    races = {r.name: r for r in load_real_races(include_2025=False)}
    n, fee, t, note = contest_of(races["2026-06-14_pocono"])
    assert (n, fee) == (25260, 4.0) and t.pool == pytest.approx(100000.0)
    assert t.payout[0] == pytest.approx(20000.0, rel=1e-6) and "1st prize from the contest name" in note
    n, fee, t, note = contest_of(races["2026-07-19_north-wilkesboro"])
    assert n == 1470 and fee == 12.0 and t.pool == pytest.approx(15000.0)


def test_realised_ownership_uses_actual_drafted_where_known():
    race = {r.name: r for r in load_real_races(include_2025=False)}["2026-07-05_chicagoland"]
    own, src = realised_ownership(race)
    assert abs(own.sum() - 600) < 1e-6 and (own >= 0).all() and (own <= 100).all()
    cid = race.contests.loc[race.contests["entries"].idxmax(), "contest_id"]
    rows = race.actual_ownership[race.actual_ownership["contest_id"] == cid]
    assert np.allclose(own[rows["player"].to_numpy()], rows["actual_own"].to_numpy())


def test_mid_pit_splits_atoms():
    s = np.array([-1.0] * 8 + [0.5, 3.0])
    assert mid_pit(s, -1.0) == pytest.approx(0.4)
    assert mid_pit(s, 1.0) == pytest.approx(0.9)
    assert mid_pit(s, 10.0) == 1.0


def test_script_json_on_a_new_race_folder(tmp_path, capsys):
    from scripts.backtest_real_slates import main

    src = ROOT / "nascar" / "dk_2026" / "2026-07-19_north-wilkesboro"
    shutil.copytree(src, tmp_path / "2027-04-01_somewhere")
    assert read_race_folder(tmp_path / "2027-04-01_somewhere").full_pool
    rc = main(["--quick", "--json", "--slates", str(tmp_path), "--no-2025", "--races", "2027-04-01_somewhere",
               "--n-fields", "3"])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert d["settings"]["n_races"] == 1
    for k in STRATEGIES:
        assert all(key in d["strategies"][k] for key in KEYS)
    assert d["races"][0]["race"] == "2027-04-01_somewhere"
    # the copy is North Wilkesboro (its race.csv says so): no model of its backtest saw that race
    fit = d["races"][0]["fitted_on"]
    assert "2026-07-19_north-wilkesboro" not in fit["ownership_calibration_races"]
    assert "2026-07-19_north-wilkesboro" not in fit["race_model"]["races"]
    assert len(fit["ownership_calibration_races"]) >= 2 and len(fit["ownership_base_slates"]) >= 2


def test_script_json_on_a_folder_of_two_races_each_fitted_without_itself(tmp_path, capsys):
    from scripts.backtest_real_slates import main

    names = ["2026-07-12_atlanta", "2026-07-26_indianapolis"]
    for n in names:  # a player's folder: links to two shared races
        (tmp_path / n).symlink_to(ROOT / "nascar" / "dk_2026" / n)
    rc = main(["--quick", "--json", "--slates", str(tmp_path), "--no-2025", "--n-fields", "3", "--strategies", "ours"])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert [r["race"] for r in d["races"]] == names and d["strategies"]["ours"]["n_races"] == 2
    for r in d["races"]:
        fit = r["fitted_on"]
        assert r["race"] not in fit["ownership_calibration_races"] + fit["race_model"]["races"]
        other = [n for n in names if n != r["race"]][0]
        assert other in fit["ownership_calibration_races"]  # the folder's other race trains the calibration
        assert "held-out fit" in fit["race_model"]["how"]


def test_folder_without_races_or_results_is_an_error_naming_it(tmp_path):
    from dfslab import InputError

    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="empty.*no race folder"):
        backtest_real_slates(slates=tmp_path / "empty", include_2025=False, quick=True)
    race = tmp_path / "noresults" / "2027-05-01_x"
    shutil.copytree(ROOT / "nascar" / "dk_2026" / "2026-07-12_atlanta", race)
    import pandas as pd

    pool = pd.read_csv(race / "pool.csv")
    pool[["finish", "laps_led", "fastest_laps", "dk_points"]] = np.nan  # the race has not been run yet
    pool.to_csv(race / "pool.csv", index=False)
    with pytest.raises(InputError, match="2027-05-01_x"):
        backtest_real_slates(slates=race.parent, include_2025=False, quick=True)
