"""Per-driver rules: the reader, up-front infeasibility, every rule honoured in the portfolio (also when chosen by
simulation), projection and ownership overrides, and which steps ``with_params`` recomputes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dfslab
from dfslab import DataFileError, InfeasibleError, InputError
from dfslab.optimize import LeverageAwareOptimizer, read_driver_rules
from dfslab.selection import greedy_select


@pytest.fixture(scope="module")
def slate():
    return dfslab.demo_slate()


@pytest.fixture(scope="module")
def names(slate):
    return slate.players["name"].tolist()


@pytest.fixture(scope="module")
def points(slate):
    return dfslab.RaceSimulator(n_scenarios=400, random_state=5).simulate(slate).points.astype(float)


def _analysis(slate, points, rules, **kw):
    kw = {"n_lineups": 10, "field_size": 400, "n_field_draws": 1, "random_state": 4, "scenarios": points, **kw}
    return dfslab.SlateAnalysis(slate, driver_rules=rules, **kw)


def _counts(a):
    return np.bincount(a.portfolio.lineups.ravel(), minlength=a.slate.n_players)


# ---------------------------------------------------------------------- the reader
def test_reader_resolves_names_ids_and_spellings(tmp_path, slate, names):
    ids = slate.players["dk_id"].astype(int).astype(str).tolist()
    p = tmp_path / "rules.csv"
    pd.DataFrame({"Name": [names[0].upper(), "", f"{names[5]}  ", ""],
                  "ID": ["", ids[2], "", ""],
                  "Locked": ["yes", "", "", ""], "Exclude": ["", "x", "", ""],
                  "Min Exposure": ["", "", "25%", ""], "Max Exposure": ["", "", "0.5", ""],
                  "Projection": ["", "", "", ""], "Ownership": ["", "", "", ""]}).to_csv(p, index=False)
    r = read_driver_rules(str(p), slate)
    assert r.locked_names == [names[0]] and r.excluded_names == [names[2]]
    assert r.min_exposure[5] == 0.25 and r.max_exposure[5] == 0.5 and r.n_rules == 3
    assert r.rows[0] == 2 and r.rows[2] == 3 and r.rows[5] == 4                  # rows as the file shows them
    assert any("1 row(s)" in n for n in r.notes) and any("spelling rule" in n for n in r.notes)
    t = r.table()
    assert t["rule"].tolist()[0] == "lock (every lineup)" and "at least 25% of my lineups" in t["rule"].tolist()[2]
    assert "DriverRules" in r._repr_html_()
    # the slate's player_id works too (the API's drivers)
    assert read_driver_rules([{"player_id": slate.players.player_id[3], "lock": True}], slate).lock[3]
    assert read_driver_rules([{"Name + ID": f"{names[4]} ({ids[4]})", "exclude": 1}], slate).exclude[4]


@pytest.mark.parametrize("rows,pattern", [
    ([{"name": "Flyn Zeler", "lock": 1}], r"row 1: no driver named 'Flyn Zeler' on slate demo-intermediate; "
                                          r"closest: Flynn Zeller"),
    ([{"ID": "123", "lock": 1}], r"row 1: ID 123 is not on slate"),
    ([{"name": "N0", "max_exposure": 40}], r"max_exposure '40' is not a fraction of my lineups in \[0, 1\]; for 40% "
                                           r"write 0.4 or '40%'"),
    ([{"name": "N0", "min_exposure": "lots"}], r"min_exposure 'lots' is not a number"),
    ([{"name": "N0", "lock": "maybe"}], r"lock must be 1/0, true/false, yes/no or blank, got 'maybe'"),
    ([{"name": "N0", "lock": 1, "exclude": 1}], r"is both locked and excluded"),
    ([{"name": "N0", "min_exposure": 0.6, "max_exposure": 0.4}], r"min_exposure 0.6 is above max_exposure 0.4"),
    ([{"name": "N0", "lock": 1, "max_exposure": 0.5}], r"is locked \(in every lineup\) but max_exposure is 0.5"),
    ([{"name": "N0", "exclude": 1, "min_exposure": 0.2}], r"is excluded but min_exposure is 0.2"),
    ([{"name": "N0", "lock": 1}, {"name": "N0", "max_exposure": 0.5}], r"row 2: .* has a second rule row \(first at "
                                                                       r"row 1\)"),
    ([{"name": f"N{i}", "lock": 1} for i in range(7)], r"7 locked drivers .* do not fit a 6-driver roster"),
    ([{"name": "N0", "lock": 1, "maxexp": 0.2}], r"unknown column 'maxexp' \(did you mean 'max_exp'\?\)"),
    ([{"lock": 1}], r"needs a 'name' or an 'ID' column"),
    ([{"name": "N0"}], r"no rule column"),
    ([{"name": "N0", "projection": 900}], r"projection '900' is outside -50..500 \(DK points\)"),
    ([{"name": "N0", "ownership": 140}], r"ownership '140' is outside 0..100 \(percent of entries"),
    ([{"name": "", "lock": 1}], r"row 1: a rule without a driver"),
])
def test_reader_errors_name_row_and_problem(slate, names, rows, pattern):
    rows = [{k: (names[int(v[1:])] if k == "name" and str(v).startswith("N") and v[1:].isdigit() else v)
             for k, v in r.items()} for r in rows]
    with pytest.raises(InputError, match=pattern):
        read_driver_rules(rows, slate)


def test_reader_csv_errors_name_the_file(tmp_path, slate):
    p = tmp_path / "rules.csv"
    p.write_text("name,lock\nSomebody Else,1\n")
    with pytest.raises(DataFileError, match=r"rules.csv, row 2: no driver named 'Somebody Else'"):
        read_driver_rules(p, slate)


def test_rules_for_another_slate_are_refused(slate, names):
    r = read_driver_rules([{"name": names[0], "lock": 1}], slate)
    other = slate.with_players(slate.players.iloc[:-1].copy())
    with pytest.raises(InputError, match="resolved against slate"):
        dfslab.SlateAnalysis(other, driver_rules=r)


# ---------------------------------------------------------------------- rules that cannot all hold
@pytest.mark.parametrize("make,kw,pattern", [
    (lambda n: [{"name": n[i], "lock": 1} for i in range(4)], {},
     r"^lock: the 4 drivers locked \(.*\$11,500.*\) cost \$43,600; with the 2 cheapest usable others a lineup costs "
     r"\$\d{2},\d{3}, over the \$50,000 salary cap"),
    (lambda n: [{"name": n[i], "lock": 1} for i in (30, 31, 32, 33, 34)], {},
     r"^lock vs max_overlap=4: 5 drivers are locked \(.*\), so any two lineups share at least 5"),
    (lambda n: [{"name": n[i], "lock": 1} for i in (30, 31, 32, 33)], {"max_overlap": 5},
     r"^lock vs min_salary: .* under the \$48,000 minimum salary"),
    (lambda n: [{"name": n[i], "min_exposure": 0.9} for i in range(8)], {},
     r"^min_exposure: the minimums need 72 roster spots \(.* 9, .*\) but 10 lineups x 6 drivers have only 60"),
    (lambda n: [{"name": n[5], "min_exposure": 0.34, "max_exposure": 0.39}], {"n_lineups": 3},
     r"^min_exposure vs max_exposure for .*: at least 34% of 3 lineups needs 2, at most 39% allows 1"),
    (lambda n: [{"name": n[i], "max_exposure": 0.0} for i in range(33)], {},
     r"^max_exposure: the caps leave 30 roster spots for 10 lineups x 6 drivers = 60 \(capped: "),
    (lambda n: [{"name": n[i], "min_exposure": 1.0} for i in range(5)], {},
     r"^lock vs max_overlap=4: 5 drivers are locked or owed in every lineup by min_exposure"),
])
def test_infeasible_rules_name_the_binding_rule_and_drivers(slate, names, points, make, kw, pattern):
    with pytest.raises(InfeasibleError, match=pattern):
        _analysis(slate, points, make(names), **kw)


def test_a_lock_on_a_driver_without_dk_id_is_infeasible(slate, names, points):
    p = slate.players.copy()
    p["dk_id"] = p["dk_id"].astype("Int64")
    p.loc[7, "dk_id"] = None
    with pytest.raises(InfeasibleError, match=r"lock: \['" + names[7] + r"'\] are kept out of my lineups"):
        _analysis(slate.with_players(p), points, [{"name": names[7], "lock": 1}])


# ---------------------------------------------------------------------- every rule honoured, exactly
RULES = [(0, {"lock": 1}), (3, {"exclude": 1}), (5, {"min_exposure": 0.5}), (1, {"max_exposure": 0.2}),
         (12, {"min_exposure": 0.3, "max_exposure": 0.4}), (8, {"max_exposure": 0.9})]


@pytest.mark.parametrize("selection", ["projection", "roi", "top1"])
def test_every_rule_holds_in_the_portfolio(slate, names, points, selection):
    rules = [{"name": names[i], **r} for i, r in RULES]
    a = _analysis(slate, points, rules, selection=selection, n_candidates=60)
    n = a.n_lineups
    c = _counts(a)
    L = a.portfolio.lineups
    assert (L == 0).any(1).all() and c[0] == n                     # lock: every lineup
    assert c[3] == 0                                                  # exclude: none
    assert c[5] >= 5 and c[1] <= 2 and 3 <= c[12] <= 4               # ceil(min x n) <= count <= floor(max x n)
    assert c[8] <= 9                                                  # its own cap replaces the global 0.6
    others = np.setdiff1d(np.arange(slate.n_players), [0, 3, 5, 1, 12, 8])
    assert (c[others] <= 6).all()                                     # the global max_exposure 0.6 elsewhere
    if selection != "projection":
        assert "selection" in a.portfolio.settings


def test_rules_are_the_optimizers_own_constraints(slate, names, points):
    """The rules reach the model as locks, excludes and per-driver exposures: the same lineups as the optimizer given
    those constraints directly (whose sequential optimality is checked against brute force in
    tests/test_optimize_properties.py)."""
    rules = [{"name": names[i], **r} for i, r in RULES]
    a = _analysis(slate, points, rules, regime_aware=False)
    pid = slate.players.player_id.tolist()
    cap = {p: 0.6 for p in pid}
    cap.update({pid[0]: 1.0, pid[3]: 0.0, pid[5]: 0.6, pid[1]: 0.2, pid[12]: 0.4, pid[8]: 0.9})
    opt = LeverageAwareOptimizer(n_lineups=10, max_overlap=4, min_salary=48_000, locks=[pid[0]], excludes=[pid[3]],
                                 min_exposure={pid[5]: 0.5, pid[12]: 0.3}, max_exposure=cap)
    pf = opt.optimize(slate, a.mean_points, a.ownership_vector)
    assert (pf.lineups == a.portfolio.lineups).all()


def test_rules_that_change_nothing_give_the_same_lineups(slate, names, points):
    base = _analysis(slate, points, None)
    same = _analysis(slate, points, [{"name": names[20], "max_exposure": 0.6}])   # = the global cap
    assert (base.portfolio.lineups == same.portfolio.lineups).all()


def test_greedy_select_obeys_floors_or_says_who_is_short():
    rng = np.random.default_rng(0)
    n_players, n_cand = 12, 40
    onehot = np.zeros((n_cand, n_players), np.int64)
    for k in range(n_cand):
        onehot[k, rng.choice(n_players, 6, replace=False)] = 1
    value = rng.normal(size=n_cand)
    floors = np.zeros(n_players, np.int64)
    floors[[2, 7]] = 3
    idx = greedy_select(onehot, value, 6, max_overlap=5, max_count=np.full(n_players, 5), min_count=floors)
    c = onehot[idx].sum(0)
    assert len(set(idx.tolist())) == 6 and (c >= floors).all() and (c <= 5).all()
    onehot2 = onehot.copy()
    onehot2[:, 11] = 0                     # no candidate holds p11, who is owed one lineup: no start to fall back on
    floors2 = floors.copy()
    floors2[11] = 1
    with pytest.raises(InfeasibleError, match=r"min_exposure unmet for p11 \(0 of 1\)|only \d of 6 lineups"):
        greedy_select(onehot2, value, 6, max_overlap=5, max_count=5, min_count=floors2,
                      names=[f"p{i}" for i in range(n_players)])


# ---------------------------------------------------------------------- overrides
def test_ownership_override_replaces_the_estimate_and_rescales_the_rest(slate, names, points):
    a0 = _analysis(slate, points, None)
    a = _analysis(slate, points, [{"name": names[12], "ownership": 45}, {"name": names[20], "ownership": "2%"}])
    o0, o = a0.ownership_vector, a.ownership_vector
    assert o[12] == 45.0 and o[20] == 2.0 and o.sum() == pytest.approx(600.0)
    rest = np.setdiff1d(np.arange(slate.n_players), [12, 20])
    ratio = o[rest] / o0[rest]
    assert ratio.max() - ratio.min() < 1e-9                         # one common factor (no driver hits 100%)
    assert ratio[0] == pytest.approx((600 - 47) / o0[rest].sum())
    df = a.ownership
    assert df["lower"].iloc[12] == df["upper"].iloc[12] == 45.0 and df["std"].iloc[12] == 0.0
    assert any("ownership overrides" in n for n in df.attrs["notes"])
    # the field is fitted to the overridden ownership; with ownership uncertainty every draw keeps it
    u = _analysis(slate, points, [{"name": names[12], "ownership": 45}], ownership_uncertainty=True)
    draws = u.field.ownership_sampler(5, np.random.default_rng(1))
    assert np.allclose(draws[:, 12], 45.0) and np.allclose(draws.sum(1), 600.0)
    with pytest.raises(InputError, match="sum to 700%"):
        _analysis(slate, points, [{"name": names[i], "ownership": 100} for i in range(7)])


def test_projection_override_moves_the_simulated_mean(slate, names):
    kw = {"n_scenarios": 1500, "n_lineups": 3, "field_size": 300, "n_field_draws": 1, "random_state": 3}
    a0 = dfslab.SlateAnalysis(slate, **kw)
    a = dfslab.SlateAnalysis(slate, driver_rules=[{"name": names[20], "projection": 70}], **kw)
    m0, m = a0.mean_points, a.mean_points
    assert m[20] > m0[20] + 15 and m[20] == pytest.approx(70, abs=4)  # the demo's strengths are given: matched
    others = np.setdiff1d(np.arange(slate.n_players), [20])
    assert np.median(np.abs(m[others] - m0[others])) < 2.0
    assert any("projection overrides" in n for n in a.scenarios.notes)
    with pytest.raises(InputError, match="projection overrides change the simulated races"):
        dfslab.SlateAnalysis(slate, driver_rules=[{"name": names[20], "projection": 70}],
                             scenarios=np.zeros((10, slate.n_players)))


def test_partial_projection_in_the_blend(slate):
    """Without given strengths the simulator blends its sources: a driver with a projection blends it in with the
    fitted weights, the others keep the blend of the other sources."""
    s = slate.with_players(slate.players.drop(columns=["rating"]))
    sim = dfslab.RaceSimulator(n_scenarios=3000, random_state=2, history=None)
    proj = np.full(s.n_players, np.nan)
    proj[25] = 65.0
    with pytest.warns(UserWarning, match="strength from salary alone"):   # the blend's other source: salary
        base = sim.simulate(s)
        sc = sim.simulate(s, projections=proj)
    m0, m = base.points.mean(0), sc.points.mean(0)
    w = sim.blend_weights_()["projection+salary"]["projection"]
    level = float(m0.mean())
    assert m[25] == pytest.approx(level + w * (65.0 - level), abs=3.0)
    others = np.setdiff1d(np.arange(s.n_players), [25])
    assert np.median(np.abs(m[others] - m0[others])) < 1.5
    assert any("projection given for 1 of" in n for n in sc.notes)


# ---------------------------------------------------------------------- with_params keeps what a change does not touch
def test_with_params_recomputes_only_what_the_changed_part_of_the_rules_touches(slate, names):
    kw = {"n_scenarios": 300, "n_lineups": 4, "field_size": 300, "n_field_draws": 1, "random_state": 3}
    a = dfslab.SlateAnalysis(slate, driver_rules=[{"name": names[0], "lock": 1}], **kw)
    for step in ("scenarios", "ownership", "portfolio"):
        getattr(a, step)
    b = a.with_params(driver_rules=[{"name": names[0], "lock": 1}, {"name": names[1], "max_exposure": 0.25}])
    assert {"scenarios", "ownership"} <= set(b.__dict__) and "portfolio" not in b.__dict__
    c = a.with_params(driver_rules=[{"name": names[0], "lock": 1}, {"name": names[12], "ownership": 30}])
    assert "scenarios" in c.__dict__ and "ownership" not in c.__dict__ and "portfolio" not in c.__dict__
    d = a.with_params(driver_rules=[{"name": names[0], "lock": 1}, {"name": names[12], "projection": 50}])
    assert "scenarios" not in d.__dict__
    d.ownership
    # a projection override is private: the ownership model and the field read the races simulated without it
    d2 = d.with_params(driver_rules=[{"name": names[0], "lock": 1}, {"name": names[12], "projection": 55}])
    assert "scenarios" not in d2.__dict__ and "ownership" in d2.__dict__
    assert np.array_equal(d.public_mean_points, a.mean_points)
    e = a.with_params(driver_rules=[{"name": names[0], "lock": 1}])               # the same rules, read again
    assert {"scenarios", "ownership", "portfolio"} <= set(e.__dict__)
    assert a.get_params()["driver_rules"] == "1 driver(s) from rules"
