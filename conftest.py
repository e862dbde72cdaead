"""Root conftest.

- The REST API is an optional extra: without fastapi its modules are not collected as
  doctests (its tests skip themselves with a reason).
- Research notebooks read ../shared/data: without it their nbval cells skip with a reason.
"""

import importlib.util
import os

import pytest

collect_ignore_glob = [] if importlib.util.find_spec("fastapi") else ["dfslab/app/api/*"]

DATA_NOTEBOOKS = {"simulator_calibration.ipynb", "ownership_backtest.ipynb", "contest_validation.ipynb",
                  "pipeline_backtest.ipynb"}


def pytest_runtest_setup(item):
    # the packaged report notebook runs in its own folder (dfslab/app/) under nbval: its default report folder
    # goes to a temporary place, never into the package
    if item.fspath.basename == "slate_report.ipynb":
        import tempfile

        os.environ["DFSLAB_REPORTS_DIR"] = _NBVAL_REPORTS.setdefault("dir", tempfile.mkdtemp(prefix="dfslab-nbval-"))


def pytest_runtest_teardown(item):
    if item.fspath.basename == "slate_report.ipynb":
        os.environ.pop("DFSLAB_REPORTS_DIR", None)


_NBVAL_REPORTS: dict = {}


def pytest_collection_modifyitems(config, items):
    import dfslab

    if dfslab.data_dir(required=False) is not None:
        return
    skip = pytest.mark.skip(reason="real data folder ../shared/data not found (set DFSLAB_DATA_DIR)")
    for item in items:
        if item.fspath.basename in DATA_NOTEBOOKS:
            item.add_marker(skip)
