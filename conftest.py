"""Root conftest.

- The REST API is an optional extra: without fastapi its modules are not collected as
  doctests (its tests skip themselves with a reason).
- Research notebooks read ../shared/data: without it their nbval cells skip with a reason.
"""

import importlib.util

import pytest

collect_ignore_glob = [] if importlib.util.find_spec("fastapi") else ["dfslab/api/*"]

DATA_NOTEBOOKS = {"simulator_calibration.ipynb", "ownership_backtest.ipynb", "contest_validation.ipynb",
                  "pipeline_backtest.ipynb"}


def pytest_collection_modifyitems(config, items):
    import dfslab

    if dfslab.data_dir(required=False) is not None:
        return
    skip = pytest.mark.skip(reason="real data folder ../shared/data not found (set DFSLAB_DATA_DIR)")
    for item in items:
        if item.fspath.basename in DATA_NOTEBOOKS:
            item.add_marker(skip)
