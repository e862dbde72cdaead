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
    from dfslab.backtest import backtest_real_slates

    kw = dict(quick=True, races=["cup_2025-09-13_8227c09", "2026-07-12_atlanta"], n_fields=3,
              strategies=["ours", "leverage_0.5", "field_like"], random_state=7)
    serial = backtest_real_slates(**kw)
    dist = backtest_real_slates(client=client, **kw)
    cols = [c for c in serial.per_race.columns]
    pd.testing.assert_frame_equal(serial.per_race[cols], dist.per_race[cols])
    pd.testing.assert_frame_equal(serial.pooled, dist.pooled)
