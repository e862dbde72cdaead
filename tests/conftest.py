"""Shared fixtures. Real-data modules skip with a reason when ../shared/data is absent."""

from __future__ import annotations

import pytest

import dfslab

DATA = dfslab.data_dir(required=False)
SKIP_NO_DATA = "real data folder ../shared/data not found (set DFSLAB_DATA_DIR to run real-data tests)"


def require_data():
    """Call at module level in real-data test modules."""
    if DATA is None:
        pytest.skip(SKIP_NO_DATA, allow_module_level=True)
    return DATA


@pytest.fixture(scope="session")
def data_root():
    if DATA is None:
        pytest.skip(SKIP_NO_DATA)
    return DATA


@pytest.fixture(scope="session")
def race_logs(data_root):
    return dfslab.read_race_logs()


@pytest.fixture
def demo():
    return dfslab.demo_slate()
