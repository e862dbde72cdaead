"""Scale-out on Dask: a real LocalCluster (2 worker processes) gives exactly the serial result."""

import pandas as pd
import pytest

from conftest import require_data

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
require_data()


@pytest.fixture(scope="module")
def client():
    from dfslab.parallel import get_client

    c = get_client("local", n_workers=2)
    yield c
    c.close()
    c.cluster.close()


def test_backtest_on_a_local_cluster_equals_serial(client):
    from dfslab.studies import backtest_real_slates

    # the smallest real contest and the cheapest settings: equality is what is tested (each worker is a fresh
    # process that refits the race's ownership model; the contest and batch tests below use both workers)
    kw = dict(quick=True, races=["2026-07-12_atlanta"], n_fields=2, n_scenarios=200,
              n_lineups=3, strategies=["ours", "field_like"], random_state=7)
    serial = backtest_real_slates(**kw)
    dist = backtest_real_slates(client=client, **kw)
    cols = [c for c in serial.per_race.columns]
    pd.testing.assert_frame_equal(serial.per_race[cols], dist.per_race[cols])
    pd.testing.assert_frame_equal(serial.pooled, dist.pooled)


def test_batch_reports_on_a_local_cluster(tmp_path, capsys):
    from dfslab.app.cli import main

    small = "  n_scenarios: 300\n  n_field_draws: 1\n  field_size: 300\n  n_lineups: 3\n"
    b = tmp_path / "batch.yaml"
    b.write_text(f"- slate: demo\n  out: {tmp_path / 'a'}\n  random_state: 1\n{small}"
                 f"- slate: demo\n  out: {tmp_path / 'b'}\n  random_state: 2\n{small}")
    assert main(["report", "--batch", str(b), "--scheduler", "local", "-q"]) == 0
    for f in ("a", "b"):
        assert (tmp_path / f / "slate_report.html").is_file() and (tmp_path / f / "lineups.csv").is_file()
    assert (tmp_path / "a" / "lineups.csv").read_text() != (tmp_path / "b" / "lineups.csv").read_text()


def test_contest_scenario_chunks_on_a_local_cluster_equal_serial(client):
    import numpy as np

    import dfslab
    from dfslab.contest import ContestSimulator

    s = dfslab.demo_slate()
    pts = np.random.default_rng(0).gamma(4.0, 8.0, (1200, s.n_players))
    fs = dfslab.FieldLineupSampler(s, dfslab.estimate_ownership(s)["ownership"].to_numpy(), random_state=0).fit()
    my = fs.sample(5, random_state=3)
    cs = ContestSimulator(dfslab.PayoutCurveFitter().fit().generate(1000, 20.0), field_size=995, entry_fee=20.0,
                          n_field_draws=2, random_state=1)
    serial = cs.simulate(my, pts, fs, track_field=True)
    dist = cs.simulate(my, pts, fs, track_field=True, client=client)
    np.testing.assert_array_equal(serial.roi_samples, dist.roi_samples)
    np.testing.assert_array_equal(serial.ranks, dist.ranks)
    np.testing.assert_array_equal(serial.field_paid, dist.field_paid)
    assert serial.portfolio == dist.portfolio
