"""SlateAnalysis: the one pipeline (report, backtest, API, CLI all go through it)."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dfslab
from dfslab import InputError, SlateAnalysis
from dfslab.pipeline import DEFAULT_MIN_SALARY

PKG = Path(dfslab.__file__).resolve().parent
SMALL = dict(n_scenarios=400, n_lineups=4, field_size=400, n_field_draws=1)


@pytest.fixture(scope="module")
def analysis():
    return SlateAnalysis(dfslab.demo_slate(), random_state=3, **SMALL).run()


def test_every_step_is_computed_once_and_consistent(analysis):
    a = analysis
    assert a.scenarios is a.scenarios and a.portfolio is a.portfolio
    L = a.portfolio.lineups
    assert L.shape == (4, 6)
    assert (a.slate.salaries[L].sum(1) >= DEFAULT_MIN_SALARY).all()
    assert abs(a.ownership["ownership"].sum() - 600) < 1e-6
    # lineups are built on one set of races and scored on another
    assert not np.array_equal(a.scenarios.points, a.eval_scenarios.points)
    assert a.contest.n_scenarios == a.eval_scenarios.points.shape[0]
    # the readable lineup table keeps the portfolio's order and full names
    names = a.slate.players["name"].to_numpy()
    assert list(a.lineups["lineup"]) == [1, 2, 3, 4]
    assert list(a.lineups["drivers"]) == [", ".join(names[r]) for r in L]
    assert (a.lineups["D1"] == names[L[:, 0]]).all()


def test_same_seed_same_result_and_steps_get_their_own_seeds():
    a = SlateAnalysis(dfslab.demo_slate(), random_state=11, **SMALL)
    b = SlateAnalysis(dfslab.demo_slate(), random_state=11, **SMALL)
    # asking for steps in a different order must not change anything (seeds come from the run seed)
    b.contest
    assert np.array_equal(a.portfolio.lineups, b.portfolio.lineups)
    assert a.contest.portfolio["roi_mean"] == b.contest.portfolio["roi_mean"]
    c = SlateAnalysis(dfslab.demo_slate(), random_state=12, **SMALL)
    assert not np.array_equal(a.scenarios.points, c.scenarios.points)


def test_driver_table_has_every_driver_with_units(analysis):
    d = analysis.drivers
    assert len(d) == analysis.slate.n_players
    for col in ("salary ($)", "start", "mean (pts)", "p10 (pts)", "p90 (pts)", "value (pts/$1K)", "boom (%)",
                "ownership (%)", "own low (%)", "own high (%)", "optimal (%)", "leverage (pp)"):
        assert col in d, col
    assert (d["p10 (pts)"] <= d["mean (pts)"] + 1e-9).all() and (d["mean (pts)"] <= d["p90 (pts)"] + 1e-9).all()
    assert np.allclose(d["leverage (pp)"], d["optimal (%)"] - d["ownership (%)"])
    assert d["in my lineups"].sum() == 4 * 6


def test_write_upload_and_readable_lineups(analysis, tmp_path):
    files = analysis.write(tmp_path)
    L = dfslab.read_dk_upload(files["dk_upload"], analysis.slate)
    assert (L == analysis.portfolio.lineups).all()
    d = pd.read_csv(files["lineups"])
    assert list(d["lineup"]) == [1, 2, 3, 4] and "cash (%)" in d and "ROI s.e. (pp)" in d
    from dfslab.app.report import check_invariants
    check_invariants(analysis, files)


def test_given_scenarios_and_ownership():
    s = dfslab.demo_slate()
    rng = np.random.default_rng(0)
    pts = rng.gamma(4.0, 9.0, (300, s.n_players))
    own = np.full(s.n_players, 600 / s.n_players)
    a = SlateAnalysis(s, scenarios=pts, ownership=own, n_lineups=3, field_size=300, n_field_draws=1,
                      random_state=0)
    assert a.scenarios.points.shape == (150, s.n_players) and a.eval_scenarios.points.shape == (150, s.n_players)
    assert np.allclose(a.ownership_vector, own)
    assert a.contest.n_scenarios == 150
    with pytest.raises(InputError, match="sums to 100"):
        SlateAnalysis(s, ownership=own / 6, n_lineups=3, field_size=300).ownership
    with pytest.raises(InputError, match="points matrix"):
        SlateAnalysis(s, scenarios=pts[:, :5], n_lineups=3, field_size=300).scenarios


@pytest.mark.parametrize("kw,msg", [
    (dict(n_lineups=0), "n_lineups"), (dict(field_size=3, n_lineups=5), "below field_size"),
    (dict(entry_fee="twenty"), "entry_fee"), (dict(entry_fee=-1), "entry_fee"),
    (dict(random_state=-1), "random_state"), (dict(selection="best"), "selection"),
    (dict(n_field_draws=0), "n_field_draws"),
])
def test_bad_settings_are_named(kw, msg):
    with pytest.raises(InputError, match=msg):
        SlateAnalysis(dfslab.demo_slate(), **kw)


def test_rich_display_and_plot_methods(analysis):
    import matplotlib

    matplotlib.use("Agg")
    h = analysis._repr_html_()
    assert "SlateAnalysis" in h and "my portfolio" in h and "<table" in h
    assert "<b>Slate</b>" in analysis.slate._repr_html_()
    assert "ContestResult" in analysis.contest._repr_html_() and "± " in analysis.contest._repr_html_()
    assert "Portfolio" in analysis.portfolio._repr_html_()
    assert "PayoutTable" in analysis.payouts._repr_html_() and "paid places" in analysis.payouts._repr_html_()
    assert "real DK GPP payout tables" in dfslab.PayoutCurveFitter().fit()._repr_html_()
    from dfslab.contest import ContestSimulator

    for eng in (dfslab.RaceSimulator(100, random_state=1), dfslab.LeverageAwareOptimizer(n_lineups=3),
                ContestSimulator(analysis.payouts, field_size=99, entry_fee=20.0)):
        h = eng._repr_html_()
        assert type(eng).__name__ in h and "every parameter" in h and "<table" in h
    fh = analysis.field._repr_html_()
    assert "FieldLineupSampler" in fh and "fitted" in fh and "cap-consistent target (%)" in fh
    assert "not fitted" in dfslab.FieldLineupSampler(analysis.slate, analysis.field.ownership)._repr_html_()
    assert "ROI (%)" in analysis.contest.portfolio._repr_html_() and analysis.contest.portfolio["roi_mean"] > -1
    assert isinstance(analysis.contest.plot_roi(), matplotlib.axes.Axes)
    assert isinstance(analysis.portfolio.plot_exposure(), matplotlib.axes.Axes)
    for m in ("plot_salaries", "plot_regimes", "plot_points", "plot_ownership", "plot_leverage", "plot_exposure",
              "plot_roi"):
        ax = getattr(analysis, m)()
        assert isinstance(ax, matplotlib.axes.Axes), m
    matplotlib.pyplot.close("all")


STEPS = {"RaceSimulator": "race", "estimate_ownership": "ownership", "LeverageAwareOptimizer": "optimizer",
         "FieldLineupSampler": "field", "ContestSimulator": "contest"}


def _composers(source: str) -> dict:
    """Functions that call three or more of the pipeline's engines: they compose the pipeline."""
    import ast

    out = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            called = set()
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call):
                    f = sub.func
                    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
                    if name in STEPS:
                        called.add(STEPS[name])
            if len(called) >= 3:
                out[node.name] = sorted(called)
    return out


def test_the_pipeline_is_composed_in_one_place_only():
    # a function that wires three or more engines together composes the pipeline: only SlateAnalysis may
    offenders = {}
    for f in PKG.rglob("*.py"):
        for fn, steps in _composers(f.read_text()).items():
            if f.name != "pipeline.py":
                offenders[f"{f.relative_to(PKG)}::{fn}"] = steps
    assert offenders == {}
    import json

    nb = json.loads((PKG / "app" / "slate_report.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert not any(re.search(rf"\b{k}\(", code) for k in STEPS), "the report notebook must call SlateAnalysis"
    assert "analysis_from_params(" in code


# ---------------------------------------------------------------------- selection by simulation
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st

from dfslab.selection import greedy_select  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 6), st.integers(2, 5))
def test_greedy_select_obeys_rules_and_improves_on_its_start(seed, n, max_overlap):
    rng = np.random.default_rng(seed)
    n_players, n_cand = 14, 60
    L = np.array([rng.choice(n_players, 6, replace=False) for _ in range(n_cand)])
    oh = np.zeros((n_cand, n_players), np.int64)
    oh[np.arange(n_cand)[:, None], L] = 1
    value = rng.normal(size=n_cand)
    max_count = n
    # a feasible start: greedy in index order
    start, cnt = [], np.zeros(n_players, int)
    for k in range(n_cand):
        if all((oh[k] @ oh[j]) <= max_overlap for j in start) and (cnt + oh[k] <= max_count).all():
            start.append(k)
            cnt += oh[k]
        if len(start) == n:
            break
    if len(start) < n:
        return
    S = greedy_select(oh, value, n, max_overlap, max_count, start=start)
    assert len(set(S.tolist())) == n
    ov = oh[S] @ oh[S].T
    assert (ov[~np.eye(n, dtype=bool)] <= max_overlap).all()
    assert (oh[S].sum(0) <= max_count).all()
    assert value[S].sum() >= value[start].sum() - 1e-9


def test_selection_by_simulated_roi_keeps_the_portfolio_rules():
    a = SlateAnalysis(dfslab.demo_slate(), selection="roi", n_scenarios=400, n_lineups=6, field_size=400,
                      n_field_draws=1, max_exposure=0.5, random_state=5)
    pf = a.portfolio
    assert pf.lineups.shape == (6, 6) and "sim_roi" in pf.table
    oh = np.zeros((6, a.slate.n_players), int)
    oh[np.arange(6)[:, None], pf.lineups] = 1
    assert (oh.sum(0) <= 3).all()
    ov = oh @ oh.T
    assert (ov[~np.eye(6, dtype=bool)] <= 4).all()
    assert (a.slate.salaries[pf.lineups].sum(1) >= 48000).all()
    # the pick is made on the races that built the candidates, never the scoring ones
    assert "build scenarios" in pf.settings["selection"]["scored_on"]
