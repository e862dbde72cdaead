"""Unit tests of dfslab.optimize on the 40-driver demo slate: engines agree, errors are clear."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

from dfslab import InfeasibleError, InputError, demo_slate
from dfslab.optimize import LeverageAwareOptimizer, Portfolio, optimal_rates
from dfslab.optimize._rates import best_lineups

Scen = namedtuple("Scen", "points regime regime_names")


@pytest.fixture(scope="module")
def problem():
    s = demo_slate(n_drivers=40)
    rng = np.random.default_rng(3)
    r = s.players["rating"].to_numpy()
    proj = 35 + 12 * r + rng.normal(0, 3, s.n_players)
    own = np.exp(0.9 * r + rng.normal(0, 0.3, s.n_players))
    for _ in range(20):
        own = np.minimum(own / own.sum() * 600, 60.0)
    own = own / own.sum() * 600
    return s, proj, own


def _onehot(L, n):
    oh = np.zeros((len(L), n), int)
    oh[np.arange(len(L))[:, None], L] = 1
    return oh


def test_engines_agree_with_every_rule(problem):
    s, proj, own = problem
    names = s.players["name"]
    kw = dict(n_lineups=12, leverage_penalty=0.6, max_overlap=4, max_ownership_per_driver=50.0, min_low_owned=1,
              max_total_ownership=160.0, min_exposure={names[39]: 0.25, names[30]: 0.5},
              max_exposure={names[1]: 0.5}, locks=[names[5]], excludes=[names[2]], min_salary=47_000)
    a = LeverageAwareOptimizer(method="enumerate", **kw).optimize(s, proj, own)
    b = LeverageAwareOptimizer(method="mip", **kw).optimize(s, proj, own)
    assert isinstance(a, Portfolio) and a.metrics["method"] == "enumerate" and b.metrics["method"] == "mip"
    np.testing.assert_array_equal(a.lineups, b.lineups)
    np.testing.assert_allclose(a.table["objective"], b.table["objective"], atol=1e-6)
    L = a.lineups
    sal = s.salaries[L].sum(1)
    assert ((sal <= 50_000) & (sal >= 47_000)).all()
    assert (own[L] <= 50.0).all() and (own[L].sum(1) <= 160.0 + 1e-9).all()
    assert ((own[L] < 10).sum(1) >= 1).all()
    ov = _onehot(L, s.n_players) @ _onehot(L, s.n_players).T
    assert ov[~np.eye(12, dtype=bool)].max() <= 4
    cnt = _onehot(L, s.n_players).sum(0)
    assert cnt[5] == 12 and cnt[2] == 0 and cnt[39] >= 3 and cnt[30] >= 6 and cnt[1] <= 6
    # without min exposures (no pacing) objectives never increase: each is the best left
    c = LeverageAwareOptimizer(**{**kw, "min_exposure": None}).optimize(s, proj, own)
    assert (np.diff(c.table["objective"].to_numpy()) <= 1e-9).all()


def test_table_metrics_and_documented_scale(problem):
    s, proj, own = problem
    pf = LeverageAwareOptimizer(n_lineups=15, leverage_penalty=0.5).optimize(s, proj, own)
    t = pf.table
    L = pf.lineups
    scale = proj.std() / own.std()
    assert pf.settings["ownership_scale"] == pytest.approx(scale)
    np.testing.assert_allclose(t["objective"], (proj - 0.5 * scale * own)[L].sum(1))
    np.testing.assert_allclose(t["total_own"], own[L].sum(1))
    np.testing.assert_allclose(t["max_own"], own[L].max(1))
    np.testing.assert_allclose(t["avg_own"], own[L].mean(1))
    assert list(t["drivers"][0]) == list(s.players["name"].to_numpy()[L[0]])
    # leverage score: projection-implied share (600 x proj+ / sum proj+) minus ownership, summed
    fair = 600 * np.clip(proj, 0, None) / np.clip(proj, 0, None).sum()
    np.testing.assert_allclose(t["leverage_score"], (fair - own)[L].sum(1))
    c = np.bincount(L.ravel(), minlength=s.n_players)
    m = pf.metrics
    assert m["diversification_score"] == pytest.approx(1 - (c ** 2).sum() / c.sum() ** 2)
    assert m["avg_lineup_ownership"] == pytest.approx(own[L].sum(1).mean())
    assert m["min_lineup_ownership"] == pytest.approx(own[L].sum(1).min())
    assert m["low_owned_drivers_used"] == int(((c > 0) & (own < 10)).sum())
    ex = pf.exposure.set_index("name")
    assert ex["count"].sum() == 15 * 6
    assert ex.loc[s.players["name"][L[0, 0]], "exposure"] == pytest.approx(c[L[0, 0]] / 15)


def test_penalty_lowers_ownership(problem):
    s, proj, own = problem
    lo = LeverageAwareOptimizer(n_lineups=10, leverage_penalty=0.0).optimize(s, proj, own)
    hi = LeverageAwareOptimizer(n_lineups=10, leverage_penalty=1.0).optimize(s, proj, own)
    assert hi.metrics["avg_lineup_ownership"] < lo.metrics["avg_lineup_ownership"]
    assert lo.metrics["mean_projection"] > hi.metrics["mean_projection"]
    assert lo.table["projection"].iloc[0] == pytest.approx(lo.table["objective"].iloc[0])


def test_locks_over_the_cap_name_the_binding_rule(problem):
    s, proj, own = problem
    top4 = list(s.players.sort_values("salary", ascending=False)["name"][:4])
    with pytest.raises(InfeasibleError, match=r"no 6-driver lineup fits the \$50,000 salary cap, with the 4 locked"):
        LeverageAwareOptimizer(n_lineups=1, locks=top4, max_overlap=None).optimize(s, proj, own)


def test_sequential_dead_end_is_an_error_not_a_short_portfolio(problem):
    s, proj, own = problem
    # pairwise-disjoint lineups: 40 drivers hold at most 6 of them
    with pytest.raises(InfeasibleError, match=r"lineup \d+ of 10: .*sharing at most 0 drivers"):
        LeverageAwareOptimizer(n_lineups=10, max_overlap=0).optimize(s, proj, own)
    with pytest.raises(InfeasibleError, match=r"at least 6 drivers under 2%"):
        LeverageAwareOptimizer(n_lineups=2, min_low_owned=6, low_owned_threshold=2.0).optimize(s, proj, own)


def test_exposure_settings_checked_up_front(problem):
    s, proj, own = problem
    names = list(s.players["name"])
    with pytest.raises(InputError, match="min_exposure: the minimums need 63 roster spots"):
        LeverageAwareOptimizer(n_lineups=10, min_exposure={n: 0.9 for n in names[:7]}).optimize(s, proj, own)
    with pytest.raises(InputError, match="max_exposure: usable drivers can fill at most 80 roster spots"):
        LeverageAwareOptimizer(n_lineups=20, max_exposure={n: 0.1 for n in names}).optimize(s, proj, own)
    with pytest.raises(InputError, match="min_exposure > max_exposure"):
        LeverageAwareOptimizer(n_lineups=5, min_exposure={names[0]: 0.6}, max_exposure={names[0]: 0.4}).optimize(
            s, proj, own)
    with pytest.raises(InputError, match="excluded"):
        LeverageAwareOptimizer(n_lineups=5, min_exposure={names[0]: 0.2}, excludes=[names[0]]).optimize(s, proj, own)
    with pytest.raises(InfeasibleError, match="locked drivers"):
        LeverageAwareOptimizer(n_lineups=3, max_overlap=2, locks=names[10:13]).optimize(s, proj, own)


@pytest.mark.parametrize("kw, match", [
    (dict(leverage_penalty=1.5), "leverage_penalty"),
    (dict(leverage_penalty=-0.1), "leverage_penalty"),
    (dict(n_lineups=0), "n_lineups"),
    (dict(n_lineups=2.5), "n_lineups"),
    (dict(max_exposure={"x": 1.2}), r"max_exposure\['x'\]"),
    (dict(min_exposure={"x": -0.1}), r"min_exposure\['x'\]"),
    (dict(max_overlap=-1), "max_overlap"),
    (dict(max_ownership_per_driver=0.0), "max_ownership_per_driver"),
    (dict(method="fast"), "method"),
    (dict(solver="gurobi"), "solver"),
    (dict(min_low_owned=-1), "min_low_owned"),
])
def test_bad_parameters(kw, match):
    with pytest.raises(InputError, match=match):
        LeverageAwareOptimizer(**kw)


def test_bad_inputs(problem):
    s, proj, own = problem
    opt = LeverageAwareOptimizer(n_lineups=2)
    with pytest.raises(InputError, match="ownership: length 39"):
        opt.optimize(s, proj, own[:-1])
    bad = own.copy()
    bad[3] = np.nan
    with pytest.raises(InputError, match="ownership: NaN"):
        opt.optimize(s, proj, bad)
    with pytest.raises(InputError, match="looks like fractions"):
        opt.optimize(s, proj, own / 100)
    with pytest.raises(InputError, match="sums to ~100"):
        opt.optimize(s, proj, own / 6)
    with pytest.raises(InputError, match="projections: expected 40 values"):
        opt.optimize(s, proj[:30], own)
    p2 = proj.copy()
    p2[0] = np.nan
    with pytest.raises(InputError, match="projections: NaN"):
        opt.optimize(s, p2, own)
    name = s.players["name"][0]
    with pytest.raises(InputError, match="both locked and excluded"):
        LeverageAwareOptimizer(locks=[name], excludes=[name]).optimize(s, proj, own)
    with pytest.raises(InputError, match="locks: .*unknown player 'Nobody'"):
        LeverageAwareOptimizer(locks=["Nobody"]).optimize(s, proj, own)
    with pytest.raises(InputError, match="salary"):
        from dfslab import Slate

        p = s.players.copy()
        p.loc[0, "salary"] = -5000
        Slate(p)
    with pytest.raises(InputError, match="optimal_rate"):
        opt.optimize(s, proj, own, optimal_rate=np.full(40, 1.5))


def test_regime_aware_split_labels_and_optimality(problem):
    s, proj, own = problem
    rng = np.random.default_rng(5)
    reg = np.repeat([0, 1, 2], [50, 30, 20])
    shift = np.array([8.0, -5.0, 2.0])[:, None] * np.sin(np.arange(40))[None, :]
    pts = (proj[None, :] + shift[reg] + rng.normal(0, 6, (100, 40))).astype(np.float32)
    sc = Scen(pts, reg, ("dominator", "chaos", "fuel_mileage"))
    kw = dict(n_lineups=20, leverage_penalty=0.3, max_overlap=4)
    pf = LeverageAwareOptimizer(**kw).optimize_regime_aware(s, sc, own)
    assert pf.table["regime"].tolist() == ["dominator"] * 10 + ["chaos"] * 6 + ["fuel_mileage"] * 4
    pm = LeverageAwareOptimizer(method="mip", **kw).optimize_regime_aware(s, sc, own)
    np.testing.assert_array_equal(pf.lineups, pm.lineups)
    # the first lineup of the first group is the best lineup on that regime's mean points
    means = pts[reg == 0].astype(np.float64).mean(0)
    solo = LeverageAwareOptimizer(n_lineups=1, leverage_penalty=0.3).optimize(s, means, own)
    np.testing.assert_array_equal(np.sort(solo.lineups[0]), np.sort(pf.lineups[0]))
    np.testing.assert_allclose(pf.table["projection"].iloc[0], means[pf.lineups[0]].sum(), rtol=1e-9)
    user = LeverageAwareOptimizer(**kw).optimize_regime_aware(s, sc, own, allocation={"chaos": 15, "dominator": 5})
    assert user.table["regime"].value_counts().to_dict() == {"chaos": 15, "dominator": 5}
    shares = LeverageAwareOptimizer(**kw).optimize_regime_aware(s, sc, own, allocation={"chaos": 0.5,
                                                                                        "fuel_mileage": 0.5})
    assert shares.table["regime"].value_counts().to_dict() == {"chaos": 10, "fuel_mileage": 10}
    with pytest.raises(InputError, match="unknown regime 'rain'"):
        LeverageAwareOptimizer(**kw).optimize_regime_aware(s, sc, own, allocation={"rain": 20})
    with pytest.raises(InputError, match="counts summing to n_lineups=20"):
        LeverageAwareOptimizer(**kw).optimize_regime_aware(s, sc, own, allocation={"chaos": 7})
    with pytest.raises(InputError, match="scenarios.points"):
        LeverageAwareOptimizer(**kw).optimize_regime_aware(s, Scen(pts[:, :5], reg, sc.regime_names), own)


def test_optimal_rates_and_leverage_objective(problem):
    s, proj, own = problem
    rng = np.random.default_rng(11)
    pts = proj[None, :] + rng.normal(0, 10, (60, 40))
    best = best_lineups(pts, s)
    assert (best.sum(1) == 6).all() and (s.salaries[None, :] * best).sum(1).max() <= 50_000
    # each scenario's best lineup equals the optimizer's single best lineup without penalty
    for k in (0, 17, 59):
        pf = LeverageAwareOptimizer(n_lineups=1, leverage_penalty=0.0).optimize(s, pts[k], own)
        assert set(pf.lineups[0].tolist()) == set(np.flatnonzero(best[k]).tolist())
    rates = optimal_rates(pts, s)
    assert rates.sum() == pytest.approx(6.0)
    np.testing.assert_allclose(rates, best.mean(0))
    pf = LeverageAwareOptimizer(n_lineups=5, leverage_penalty=0.5).optimize(s, proj, own, optimal_rate=rates)
    assert pf.settings["penalty_term"] == "ownership - 100*optimal_rate"
    term = own - 100 * rates
    scale = proj.std() / term.std()
    np.testing.assert_allclose(pf.table["objective"], (proj - 0.5 * scale * term)[pf.lineups].sum(1))
    np.testing.assert_allclose(pf.table["leverage_score"], (100 * rates - own)[pf.lineups].sum(1))
    with pytest.raises(InputError, match="points: NaN"):
        optimal_rates(np.full((2, 40), np.nan), s)
    with pytest.raises(InputError, match="points: expected shape"):
        optimal_rates(pts[:, :10], s)


def test_highs_matches_cbc(problem):
    pytest.importorskip("highsbox", reason="HiGHS for python-mip needs `pip install highsbox`")
    s, proj, own = problem
    kw = dict(n_lineups=4, leverage_penalty=0.5, max_overlap=4, min_low_owned=1, method="mip")
    a = LeverageAwareOptimizer(solver="CBC", **kw).optimize(s, proj, own)
    b = LeverageAwareOptimizer(solver="HiGHS", **kw).optimize(s, proj, own)
    np.testing.assert_array_equal(a.lineups, b.lineups)
    assert b.metrics["solver"] == "HiGHS"


def test_deterministic(problem):
    s, proj, own = problem
    a = LeverageAwareOptimizer(n_lineups=8, random_state=1).optimize(s, proj, own)
    b = LeverageAwareOptimizer(n_lineups=8, random_state=2).optimize(s, proj, own)
    np.testing.assert_array_equal(a.lineups, b.lineups)


def test_benchmark_quick_runs_and_engines_agree(capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_optimizer.py"
    spec = importlib.util.spec_from_file_location("bench_optimizer", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.main(["--quick", "--no-pydfs", "--no-highs"])
    out = capsys.readouterr().out
    assert "plain sequential python-mip CBC" in out
    assert res["agree"]["plain sequential python-mip CBC"] == res["n"]


def test_uniform_max_exposure_float():
    import dfslab as _d

    s = _d.demo_slate()
    own = _d.estimate_ownership(s)["ownership"].to_numpy()
    proj = s.salaries / 200.0
    pf = _d.LeverageAwareOptimizer(n_lineups=10, max_exposure=0.3, max_overlap=5).optimize(s, proj, own)
    counts = np.bincount(pf.lineups.ravel(), minlength=s.n_players)
    assert counts.max() <= 3  # 0.3 x 10 lineups
    with pytest.raises(_d.InputError, match="fraction"):
        _d.LeverageAwareOptimizer(n_lineups=10, max_exposure=1.5).optimize(s, proj, own)
