"""The package installs and runs the main job outside the checkout.

Build the wheel, install it with the ``notebooks`` extra into a fresh virtual environment from the same
constraints, and run ``dfslab report --demo`` from a folder that is not the checkout: the report notebook
and its template must come from the installed package (package data), and the report lands under the
working folder.

The fresh environment gets its dependencies from this test environment's site-packages through a ``.pth``
file, so pip resolves ``dfslab[notebooks]`` against ``constraints.txt`` and finds them already there (no
download, seconds instead of minutes); Jupyter's data files (nbconvert's templates, the kernel spec) are
found through ``JUPYTER_PATH``, as an installation that holds those packages itself would find them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{cmd}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python of a fresh venv holding the built wheel, its environment variables)."""
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"  # build from a copy: the checkout gets no build/ or egg-info
    shutil.copytree(ROOT / "dfslab", src / "dfslab", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for f in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / f, src / f)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp / "dist"),
          str(src)])
    (wheel,) = (tmp / "dist").glob("dfslab-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    py = venv / "bin" / "python"
    site = _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    Path(site, "dfslab-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DFSLAB_REPORTS_DIR")}
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    _run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-c", str(ROOT / "constraints.txt"),
          f"dfslab[notebooks] @ {wheel.as_uri()}"], env=env)
    return py, env, venv


def test_the_wheel_is_what_runs_and_it_ships_the_report(installed):
    py, env, venv = installed
    out = _run([str(py), "-c", "import dfslab, dfslab.app.cli as c; print(dfslab.__file__); print(c.NOTEBOOK); "
                "print(dfslab.__version__)"], env=env, cwd=venv).stdout.split()
    assert all(str(venv) in p for p in out[:2]), out  # the package and its notebook come from the install
    assert out[2] == _run([sys.executable, "-c", "import dfslab; print(dfslab.__version__)"]).stdout.strip()


def test_demo_report_from_a_folder_outside_the_checkout(installed, tmp_path):
    py, env, venv = installed
    work = tmp_path / "anywhere"
    work.mkdir()
    _run([str(venv / "bin" / "dfslab"), "report", "--demo", "-q", "-p", "n_scenarios=400", "-p", "n_lineups=3",
          "-p", "field_size=400", "-p", "n_field_draws=1"], env=env, cwd=work)
    (folder,) = (work / "reports").iterdir()  # reports default under the working folder
    html = (folder / "slate_report.html").read_text()
    assert "Slate report" in html and "</html>" in html
    assert (folder / "lineups.csv").is_file() and (folder / "dk_upload.csv").is_file()


def test_report_in_a_read_only_folder_says_where_it_tried_to_write(installed, tmp_path):
    py, env, venv = installed
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        if os.access(ro, os.W_OK):  # root ignores permissions
            pytest.skip("running as root: a read-only folder is still writable")
        r = subprocess.run([str(venv / "bin" / "dfslab"), "report", "--demo", "-q"], env=env, cwd=ro,
                           capture_output=True, text=True)
        assert r.returncode == 2 and str(ro / "reports") in r.stderr and len(r.stderr.strip().splitlines()) == 1
    finally:
        ro.chmod(0o755)
