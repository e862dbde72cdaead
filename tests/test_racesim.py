"""Race simulator: invariants (hypothesis), regimes, determinism, projections, bad input."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dfslab import ARCHETYPES, InputError, Slate, demo_slate
from dfslab.racesim import DriverRatingModel, RaceScenarios, RaceSimulator, load_default_params
from dfslab.scoring import dk_points
from dfslab.studies import crps_samples

PARAMS = load_default_params()


def make_slate(n, archetype, laps, seed, gaps=False, rating=True):
    rng = np.random.default_rng(seed)
    start = rng.permutation(n) + 1
    if gaps:  # a slate missing some starters: positions with holes
        start = np.sort(rng.choice(np.arange(1, n + 6), n, replace=False))[rng.permutation(n)]
    players = pd.DataFrame({"player_id": [f"p{i}" for i in range(n)], "name": [f"D{i}" for i in range(n)],
                            "salary": rng.integers(45, 116, n) * 100, "position": "D", "start": start})
    if rating:
        players["rating"] = rng.normal(0, 1, n)
    return Slate(players=players, archetype=archetype, race_laps=laps, date="2025-06-01", name="t")


@st.composite
def race_cases(draw):
    n = draw(st.integers(6, 40))
    return dict(n=n, archetype=draw(st.sampled_from(ARCHETYPES)), laps=draw(st.integers(20, 600)),
                seed=draw(st.integers(0, 2**31 - 1)), gaps=draw(st.booleans()),
                strength_scale=draw(st.floats(0.0, 4.0)), n_scen=draw(st.integers(1, 80)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(race_cases())
def test_invariants_hold_in_every_scenario(c):
    slate = make_slate(c["n"], c["archetype"], c["laps"], c["seed"], gaps=c["gaps"])
    strength = np.random.default_rng(c["seed"] + 1).normal(0, c["strength_scale"], c["n"])
    res = RaceSimulator(n_scenarios=c["n_scen"], random_state=c["seed"]).simulate(slate, strength=strength)
    n, S = c["n"], c["n_scen"]
    assert res.points.shape == (S, n) and res.points.dtype == np.float32
    assert res.finish.dtype == np.int16
    # one finishing order per scenario: a permutation of 1..n
    assert (np.sort(res.finish, axis=1) == np.arange(1, n + 1)).all()
    # laps led add up exactly to the race
    assert (res.laps_led >= 0).all() and (res.laps_led.sum(1) == c["laps"]).all()
    # fastest laps: a green-flag share of the laps (0 < share <= 1)
    fl = res.fastest_laps.sum(1)
    assert (res.fastest_laps >= 0).all() and (fl <= c["laps"]).all()
    # DNFs finish behind every running car
    if res.dnf.any():
        worst_running = np.where(res.dnf, 0, res.finish).max(1)
        best_dnf = np.where(res.dnf, res.finish, n + 1).min(1)
        assert (best_dnf > worst_running).all()
    # points are exactly the DK scoring of the components
    start = slate.players["start"].to_numpy(int)
    expect = dk_points(start[None, :], res.finish, res.laps_led, res.fastest_laps, dtype=np.float32)
    assert np.array_equal(res.points, expect)
    assert set(np.unique(res.regime)) <= {0, 1, 2}
    assert abs(res.regime_mix().sum() - 1) < 1e-9


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.sampled_from(ARCHETYPES))
def test_fastest_laps_share_depends_on_regime_and_stays_green_flag(seed, arch):
    slate = make_slate(36, arch, 200, seed)
    res = RaceSimulator(n_scenarios=400, random_state=seed).simulate(slate)
    share = res.fastest_laps.sum(1) / 200
    assert share.min() >= 0 and share.max() <= 1.0
    # mean green-flag share within the range seen in the loop data (55-92% of laps)
    assert 0.45 < share.mean() < 0.95


def test_determinism_with_random_state():
    s = demo_slate()
    a = RaceSimulator(2000, random_state=11).simulate(s)
    b = RaceSimulator(2000, random_state=11).simulate(s)
    c = RaceSimulator(2000, random_state=12).simulate(s)
    for k in ("points", "finish", "laps_led", "fastest_laps", "dnf", "regime"):
        assert np.array_equal(getattr(a, k), getattr(b, k)), k
    assert not np.array_equal(a.points, c.points)


def test_regimes_are_visible():
    s = make_slate(38, "intermediate", 300, 3)
    p = copy.deepcopy(PARAMS)
    p["archetypes"]["intermediate"]["regime_probs"] = [1 / 3, 1 / 3, 1 / 3]
    res = RaceSimulator(12_000, random_state=0, params=p).simulate(s)
    top = res.laps_led.max(1) / 300
    dnf = res.dnf.sum(1)
    strength_rank = np.argsort(np.argsort(-res.strength)) + 1
    corr = np.array([np.corrcoef(strength_rank, f)[0, 1] for f in res.finish[:3000]])
    reg = res.regime[:3000]
    by = {name: res.regime == i for i, name in enumerate(res.regime_names)}
    # dominator: one driver leads a large share; fuel mileage: laps spread out
    assert top[by["dominator"]].mean() > 0.5
    assert top[by["dominator"]].mean() > top[by["fuel_mileage"]].mean() + 0.15
    # chaos: more DNFs and a finish weakly related to strength
    assert dnf[by["chaos"]].mean() > dnf[by["dominator"]].mean() + 2
    assert corr[reg == 1].mean() < corr[reg == 0].mean() - 0.05
    # chaos: bigger place-differential swings
    pdiff = np.abs(s.players["start"].to_numpy(int)[None, :] - res.finish)
    assert pdiff[by["chaos"]].mean() > pdiff[by["dominator"]].mean()
    assert res.points_for("chaos").shape[0] == by["chaos"].sum()
    # green-flag share of fastest laps depends on the regime (cautions in chaos races)
    fl_share = res.fastest_laps.sum(1) / 300
    assert fl_share[by["chaos"]].mean() < fl_share[by["dominator"]].mean() - 0.02


def test_summary_and_strength_ordering():
    s = demo_slate()
    res = RaceSimulator(5000, random_state=1).simulate(s)
    assert isinstance(res, RaceScenarios)
    sm = res.summary()
    assert list(sm.columns) == ["name", "salary", "mean", "std", "p10", "p50", "p90", "mean_finish", "mean_laps_led",
                                "mean_fastest_laps", "dnf_rate", "win_rate"]
    assert len(sm) == s.n_players and abs(sm["win_rate"].sum() - 1) < 1e-9
    assert abs(sm["mean_laps_led"].sum() - s.race_laps) < 1e-6
    # the strongest driver wins and leads more than the weakest
    i, j = np.argmax(res.strength), np.argmin(res.strength)
    assert sm["win_rate"][i] > sm["win_rate"][j] and sm["mean_laps_led"][i] > sm["mean_laps_led"][j]
    assert res.strength_source == "slate rating column"
    with pytest.raises(InputError, match="regime"):
        res.points_for("rain")


def test_projections_are_matched():
    s = demo_slate()
    base = RaceSimulator(3000, random_state=2).simulate(s).summary()["mean"].to_numpy()
    rng = np.random.default_rng(0)
    proj = base + rng.normal(0, 6, len(base))
    res = RaceSimulator(6000, random_state=2).simulate(s, projections=proj)
    m = res.points.mean(0)
    target = proj - proj.mean() + m.mean()
    assert np.abs(m - target).max() < 2.0, np.abs(m - target).max()
    assert np.corrcoef(m, proj)[0, 1] > 0.97
    assert "projections" in res.strength_source and any("shifted" in x for x in res.notes)
    with pytest.raises(InputError, match="projections"):
        RaceSimulator(100, random_state=2).simulate(s, projections=proj[:-1])
    with pytest.warns(UserWarning, match="could not match"):  # impossible means are reported, not hidden
        RaceSimulator(500, random_state=2).simulate(s, projections=np.linspace(150, -40, len(base)))


# --- bad input -------------------------------------------------------------------
def test_unknown_archetype():
    with pytest.raises(InputError, match="archetype"):
        make_slate(36, "oval", 200, 0)
    s = make_slate(36, "short", 200, 0)
    s.archetype = None
    with pytest.raises(InputError, match="archetype"):
        RaceSimulator(10).simulate(s)
    p = copy.deepcopy(PARAMS)
    del p["archetypes"]["short"]
    with pytest.raises(InputError, match="archetype 'short'"):
        RaceSimulator(10, params=p).simulate(make_slate(36, "short", 200, 0))


def test_duplicate_start_positions():
    s = make_slate(36, "short", 200, 0)
    s.players.loc[1, "start"] = s.players.loc[0, "start"]
    with pytest.raises(InputError, match="duplicate start"):
        RaceSimulator(10).simulate(s)
    players = s.players.copy()
    with pytest.raises(InputError, match="duplicate start"):
        Slate(players=players, archetype="short", race_laps=200)


def test_partly_missing_start_and_bad_laps():
    s = make_slate(36, "short", 200, 0)
    s.race_laps = 0
    with pytest.raises(InputError, match="race_laps"):
        RaceSimulator(10).simulate(s)
    with pytest.raises(InputError, match="race_laps"):
        make_slate(36, "short", -5, 0)
    s = make_slate(36, "short", 200, 0)
    p = s.players.copy()
    p["start"] = p["start"].astype("Int64")
    p.loc[4, "start"] = None  # one missing start is an error; none at all is a slate before qualifying
    s.players = p
    with pytest.raises(InputError, match="start.*missing for 1 driver"):
        RaceSimulator(10).simulate(s)


def test_fewer_drivers_than_roster():
    with pytest.raises(InputError, match="fewer than a roster"):
        make_slate(5, "short", 200, 0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_strengths(bad):
    s = make_slate(36, "short", 200, 0)
    st_ = np.zeros(36)
    st_[4] = bad
    with pytest.raises(InputError, match="strength.*rows \\[4\\]"):
        RaceSimulator(10).simulate(s, strength=st_)
    with pytest.raises(InputError, match="strength"):
        RaceSimulator(10).simulate(s, strength=np.zeros(35))


def test_bad_params_and_n_scenarios():
    with pytest.raises(InputError, match="n_scenarios"):
        RaceSimulator(0)
    p = copy.deepcopy(PARAMS)
    p["archetypes"]["short"]["regimes"]["chaos"]["rho"] = float("nan")
    with pytest.raises(InputError, match="rho"):
        RaceSimulator(10, params=p)


def _history(dates):
    rows = []
    for k, d in enumerate(dates):
        for i in range(10):
            rows.append({"driver_name": f"D{i}", "race_date": pd.Timestamp(d), "race_id": f"r{k}", "finish": i + 1,
                         "series": "cup", "archetype": "short"})
    return pd.DataFrame(rows)


def test_history_before_date_and_fallback():
    h = _history(["2025-07-01", "2025-08-01"])
    with pytest.raises(InputError, match="no races before 2025-06-01"):
        DriverRatingModel().fit(h, before="2025-06-01")
    s = make_slate(10, "short", 200, 0, rating=False)
    sim = RaceSimulator(200, random_state=0).set_history(h)
    with pytest.warns(UserWarning, match="salary alone"):
        res = sim.simulate(s)
    assert res.strength_source == "salary only (fallback)"
    # the message says which date and series were searched
    assert any("no race before 2025-06-01" in x and "series" in x for x in res.notes), res.notes
    assert "salary" in res.provenance and list(res.means.columns[:2]) == ["name", "mean_salary"]
    # with usable history: history strengths, the mean blended with the salary-implied mean
    h2 = _history(["2025-01-01", "2025-02-01"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res2 = RaceSimulator(200, random_state=0).set_history(h2).simulate(s)
    assert res2.strength_source == "history rating model blended mean"
    assert {"mean_history", "mean_salary", "weight_history", "weight_salary", "mean_blend", "mean_sim"} <= set(res2.means)
    assert "history model through 2025-02-01" in res2.provenance


def test_rating_model_uses_only_earlier_races():
    h = _history(["2025-01-01", "2025-02-01", "2025-07-01"])
    m1 = DriverRatingModel().fit(h, before="2025-06-01")
    h_changed = h.copy()
    h_changed.loc[h_changed["race_id"] == "r2", "finish"] = h_changed.loc[h_changed["race_id"] == "r2", "finish"][::-1].to_numpy()
    m2 = DriverRatingModel().fit(h_changed, before="2025-06-01")
    names = [f"D{i}" for i in range(10)]
    assert np.array_equal(m1.strengths(names), m2.strengths(names))
    s = m1.strengths(names + ["Rookie"])
    assert (np.diff(s[:10]) < 0).all()  # D0 always won
    assert m1.unknown_ == ["Rookie"]


def test_crps_matches_definition():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (400, 3))
    y = np.array([0.0, 1.0, -2.0])
    brute = np.abs(x - y).mean(0) - 0.5 * np.abs(x[:, None, :] - x[None, :, :]).mean((0, 1))
    assert np.allclose(crps_samples(x, y), brute)


def test_plackett_luce_fit_recovers_known_coefficients():
    from dfslab.racesim import simulate_rows, start_score
    from dfslab.studies import fit_plackett_luce

    rng = np.random.default_rng(5)
    R, D = 300, 36
    S = rng.normal(0, 1, (R, D))
    Q = np.stack([start_score(rng.permutation(D) + 1) for _ in range(R)])
    u = 1.2 * S + 0.3 * Q
    one = np.ones(R)
    fin, *_ = simulate_rows(rng, u, np.full(R, 100), 0 * one, one, one, one, np.full(R, 50), one, one)
    bs, bq = fit_plackett_luce(S, Q, np.ones((R, D), bool), fin.astype(float), np.zeros((R, D), bool))
    assert abs(bs - 1.2) < 0.08 and abs(bq - 0.3) < 0.08, (bs, bq)


def test_fit_on_synthetic_history_returns_usable_params():
    # 30 races drawn from the shipped model become a history; refit in quick mode
    slate = make_slate(30, "short", 150, 9)
    res = RaceSimulator(30, random_state=9).simulate(slate)
    rows = []
    for k in range(30):
        rows.append(pd.DataFrame({
            "driver_name": slate.players["name"], "race_date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=7 * k),
            "race_id": f"r{k}", "series": "cup", "track": "T", "archetype": "short", "race_laps": 150,
            "start": slate.players["start"].to_numpy(int), "finish": res.finish[k], "laps_led": res.laps_led[k],
            "fastest_laps": res.fastest_laps[k], "dnf": res.dnf[k], "dk_points": res.points[k]}))
    hist = pd.concat(rows, ignore_index=True)
    from dfslab.studies import fit_params

    # fitting is a study; the simulator takes the fitted parameters and the history for its ratings
    sim = RaceSimulator(200, random_state=0, params=fit_params(hist, quick=True, seed=0), history=hist)
    a = sim.params["archetypes"]["short"]
    assert a["n_races"] == 30 and abs(sum(a["regime_probs"]) - 1) < 1e-3
    with pytest.raises(InputError, match="history"):
        fit_params(hist.drop(columns="laps_led"))
    later = make_slate(30, "short", 150, 9, rating=False)
    later.date = pd.Timestamp("2025-01-01")
    out = sim.simulate(later)
    assert out.strength_source == "history rating model blended mean"
    assert (out.laps_led.sum(1) == 150).all()


def test_closing_stint_goes_to_the_winner_and_keeps_invariants():
    from dfslab.racesim import simulate_rows

    rng = np.random.default_rng(3)
    n, D, L = 400, 30, 200
    u = np.random.default_rng(4).normal(0, 1, (n, D))
    f = lambda x: np.full(n, x, float)  # noqa: E731
    args = dict(u=u, laps=np.full(n, L), p_dnf=f(0.1), rho=f(0.3), ll_kappa=f(0.5), ll_alpha=f(10.0),
                fl_total=np.full(n, 150), fl_kappa=f(0.5), fl_alpha=f(10.0))
    fin0, ll0, _, _ = simulate_rows(rng, **args)
    fin1, ll1, _, _ = simulate_rows(np.random.default_rng(3), **args, ll_close=f(0.2))
    assert (ll1.sum(1) == L).all() and (np.sort(fin1, 1) == np.arange(1, D + 1)).all()
    win0 = np.take_along_axis(ll0, fin0.argmin(1)[:, None], 1)[:, 0]
    win1 = np.take_along_axis(ll1, fin1.argmin(1)[:, None], 1)[:, 0]
    # the winner now leads a closing stint: more laps, and more rarely none
    assert win1.mean() > win0.mean() + 0.1 * L
    assert (win1 == 0).mean() < (win0 == 0).mean()


def test_finish_trouble_drops_running_cars_behind_untroubled_ones_but_ahead_of_dnfs():
    from dfslab.racesim import simulate_rows

    n, D, L = 2000, 30, 200
    u = np.tile(np.linspace(-1.5, 1.5, D), (n, 1))  # the same field in every row: the last car is the favourite
    f = lambda x: np.full(n, x, float)  # noqa: E731
    args = dict(u=u, laps=np.full(n, L), p_dnf=f(0.1), rho=f(0.6), ll_kappa=f(0.5), ll_alpha=f(10.0),
                fl_total=np.full(n, 150), fl_kappa=f(0.5), fl_alpha=f(10.0), finish_gain=f(3.0))
    fin0, ll0, fl0, dnf0 = simulate_rows(np.random.default_rng(3), **args)
    fin1, ll1, fl1, dnf1 = simulate_rows(np.random.default_rng(3), **args, trouble=f(0.2))
    # trouble is drawn last: laps, fastest laps and DNFs are those of the run without it
    assert (ll0 == ll1).all() and (fl0 == fl1).all() and (dnf0 == dnf1).all()
    assert (np.sort(fin1, 1) == np.arange(1, D + 1)).all()
    # every DNF still behind every running car; fewer running cars keep their no-trouble place
    worst_running = np.where(dnf1, 0, fin1).max(1)
    best_dnf = np.where(dnf1, fin1, D + 1).min(1)
    assert (worst_running < best_dnf).all()
    # the strongest car (a clear favourite) misses the top 10 more often with trouble
    top = D - 1
    assert (fin1[:, top] > 10).mean() > (fin0[:, top] > 10).mean() + 0.1
    bad = copy.deepcopy(PARAMS)
    bad["archetypes"]["short"]["finish_trouble"] = 1.0
    with pytest.raises(InputError, match="finish_trouble"):
        RaceSimulator(10, params=bad)


def test_finish_gains_at_takes_each_archetypes_minimum_and_pools_small_ones():
    from dfslab.studies import finish_gains_at

    rows = []
    for tr, best in ((0.0, 2.0), (0.1, 3.0)):
        for a, n in (("pooled", 200), ("short", 100), ("road", 10)):
            for g in (1.0, 2.0, 3.0, 4.0):
                rows.append({"trouble": tr, "finish_gain": g, "archetype": a, "races": n, "loss": (g - best) ** 2})
    out = finish_gains_at(pd.DataFrame(rows), 0.1, ["short", "road", "dirt"])
    assert out["short"] == pytest.approx(3.0) and out["pooled"] == pytest.approx(3.0)
    assert out["road"] == out["dirt"] == out["pooled"]  # fewer than MIN_ARCH_RACES races: the pooled gain
    assert finish_gains_at(pd.DataFrame(rows), 0.0, ["short"])["short"] == pytest.approx(2.0)


def test_ll_close_parameter_is_validated():
    bad = copy.deepcopy(PARAMS)
    bad["archetypes"]["short"]["regimes"]["chaos"]["ll_close"] = 1.5
    with pytest.raises(InputError, match="ll_close"):
        RaceSimulator(10, params=bad)
    old = copy.deepcopy(PARAMS)  # parameter files from before the closing stint still work (no stint)
    for a in old["archetypes"].values():
        for c in a["regimes"].values():
            c.pop("ll_close", None)
    res = RaceSimulator(50, random_state=0, params=old).simulate(make_slate(20, "short", 100, 0))
    assert (res.laps_led.sum(1) == 100).all()


# --- history by name key, blend, mean error, chunks ----------------------------------
def test_rating_model_joins_spellings_and_reports_unmatched():
    h = _history(["2025-01-01", "2025-02-01"])
    # the same driver spelled two ways in the history is one driver
    h.loc[(h["driver_name"] == "D0") & (h["race_id"] == "r1"), "driver_name"] = "d0."
    m = DriverRatingModel().fit(h, before="2025-06-01")
    s = m.strengths(["D0", "D1", "D9", "Nobody Here"])
    assert s[0] > s[1] > s[2] and s[3] == m.prior_mean_
    assert m.unknown_ == ["Nobody Here"] and m.match_.unmatched == ["Nobody Here"]
    # spelling differences between the slate and the history still find the driver
    h2 = h.replace({"D1": "Ricky Stenhouse Jr.", "D2": "Shane Van Gisbergen", "D3": "Daniel Suarez"})
    m2 = DriverRatingModel().fit(h2, before="2025-06-01")
    s2 = m2.strengths(["Ricky Stenhouse Jr", "Shane van Gisbergen", "Daniel Suárez"])
    assert m2.unknown_ == [] and np.allclose(s2, s[[1]].tolist() + m.strengths(["D2", "D3"]).tolist())
    # an alias that maps two slate drivers to one history driver is an error
    with pytest.raises(InputError, match="cannot be one person"):
        m2.strengths(["Ricky Stenhouse Jr", "Ricky Stenhouse"])


def test_unmatched_driver_is_named_in_notes():
    h = _history(["2025-01-01", "2025-02-01"])
    s = make_slate(10, "short", 200, 0, rating=False)
    p = s.players.copy()
    p.loc[3, "name"] = "Brand New"
    res = RaceSimulator(200, random_state=0).set_history(h).simulate(s.with_players(p))
    assert any("not found in race history" in n and "Brand New" in n for n in res.notes), res.notes


def test_blend_with_projection_and_exact_matching_without_blend():
    h = _history(["2025-01-01", "2025-02-01"])
    s = make_slate(10, "short", 200, 0, rating=False)
    proj = np.linspace(60, 20, 10)
    res = RaceSimulator(3000, random_state=0, crowd=None).set_history(h).simulate(s, projections=proj)
    m = res.means
    assert {"mean_projection", "mean_history", "mean_salary", "mean_blend"} <= set(m)
    w = m[[c for c in m if c.startswith("weight_")]].iloc[0]
    dev = sum(w[f"weight_{k}"] * (m[f"mean_{k}"] - m[f"mean_{k}"].mean()) for k in ("projection", "history", "salary"))
    assert np.allclose(m["mean_blend"] - m["mean_blend"].mean(), dev)
    # scenarios are matched to the blend (up to simulation noise)
    assert np.abs(m["mean_sim"] - m["mean_blend"]).max() < 3.0
    assert "blend" in res.provenance and "projections argument" in res.provenance
    # blend=False: the given projections are matched exactly (the old behaviour)
    res2 = RaceSimulator(3000, random_state=0, blend=False).set_history(h).simulate(s, projections=proj)
    mm = res2.points.mean(0)
    assert np.abs(mm - (proj - proj.mean() + mm.mean())).max() < 2.5 and res2.means is None


def test_crowd_shifts_the_blend_toward_the_vendor_and_the_field_and_draws_a_shared_factor():
    h = _history(["2025-01-01", "2025-02-01"])
    s = make_slate(10, "short", 200, 0, rating=False)
    proj = np.linspace(60, 20, 10)
    own = np.array([90, 80, 70, 60, 80, 60, 50, 40, 40, 30], float)  # driver 4 owned beyond his projection
    s = s.with_players(s.players.assign(ownership=own))
    crowd = {"gap": 0.3, "own": 2.5, "chalk_sd": 0.25}
    off = RaceSimulator(3000, random_state=0, crowd=None).set_history(h).simulate(s, projections=proj)
    on = RaceSimulator(3000, random_state=0, crowd=crowd).set_history(h).simulate(s, projections=proj)
    shift = on.means["crowd_shift"].to_numpy()
    assert abs(shift.mean()) < 1e-9 and shift.std() > 0  # centred: moves drivers, not the race total
    gap = (proj - proj.mean()) - (off.means["mean_blend"] - off.means["mean_blend"].mean()).to_numpy()
    lo = np.log(own)
    X = np.column_stack([np.ones(10), off.means["mean_blend"] - off.means["mean_blend"].mean(),
                         (s.salaries - s.salaries.mean()) / 1000.0])
    expected = crowd["gap"] * gap + crowd["own"] * (lo - X @ np.linalg.lstsq(X, lo, rcond=None)[0])
    np.testing.assert_allclose(shift, expected - expected.mean(), atol=1e-9)
    assert any("shared by the drivers the crowd owns" in n for n in on.notes)
    # the chalk factor is one draw per scenario: the crowd's favourites move together (positive correlation)
    top = np.argsort(-own)[:3]
    c_on = np.corrcoef(on.points[:, top].T)[np.triu_indices(3, 1)].mean()
    c_off = np.corrcoef(off.points[:, top].T)[np.triu_indices(3, 1)].mean()
    assert c_on > c_off
    # nothing to use (no vendor projection, no ownership): nothing changes
    bare = make_slate(10, "short", 200, 0, rating=False)
    a = RaceSimulator(500, random_state=0, crowd=crowd).set_history(h).simulate(bare)
    b = RaceSimulator(500, random_state=0, crowd=None).set_history(h).simulate(bare)
    assert np.array_equal(a.points, b.points)
    with pytest.raises(InputError, match="crowd"):
        RaceSimulator(10, crowd={"gap": 1, "oops": 2})


def test_mean_error_widens_and_can_be_switched_off():
    s = make_slate(36, "intermediate", 267, 4)
    a = RaceSimulator(4000, random_state=1, mean_error=0).simulate(s)
    b = RaceSimulator(4000, random_state=1, mean_error=1.0).simulate(s)
    # a driver's chance of winning is less certain when the means themselves are uncertain
    assert (b.finish == 1).mean(0).max() < (a.finish == 1).mean(0).max()
    assert not any("mean_error" in n for n in a.notes) and any("mean_error" in n for n in b.notes)
    assert RaceSimulator(10).simulate(s).notes  # the fitted default is on and said
    for bad in (-0.1, float("nan")):
        with pytest.raises(InputError, match="mean_error"):
            RaceSimulator(10, mean_error=bad)
    with pytest.raises(InputError, match="finish_gain"):
        RaceSimulator(10, finish_gain=0)
    with pytest.raises(InputError, match="history"):
        RaceSimulator(10, history="everything")
    p = copy.deepcopy(PARAMS)
    p["mean_error_sd"] = -1
    with pytest.raises(InputError, match="mean_error_sd"):
        RaceSimulator(10, params=p)


def test_chunks_keep_invariants_and_reproducibility():
    from dfslab.racesim._simulator import CHUNK

    s = make_slate(20, "short", 120, 5)
    n = CHUNK + 1500  # two chunks
    a = RaceSimulator(n, random_state=3).simulate(s)
    b = RaceSimulator(n, random_state=3).simulate(s)
    assert a.points.shape == (n, 20) and np.array_equal(a.points, b.points) and np.array_equal(a.regime, b.regime)
    assert (a.laps_led.sum(1) == 120).all() and (np.sort(a.finish, 1) == np.arange(1, 21)).all()
    # the chunks are different draws (no repeated block)
    assert not np.array_equal(a.points[:1500], a.points[CHUNK:CHUNK + 1500])
    start = s.players["start"].to_numpy(int)
    assert np.array_equal(a.points, dk_points(start[None, :], a.finish, a.laps_led, a.fastest_laps, dtype=np.float32))


def test_blend_and_history_runs_are_reproducible():
    h = _history(["2025-01-01", "2025-02-01"])
    s = make_slate(10, "short", 200, 0, rating=False)
    a = RaceSimulator(500, random_state=7).set_history(h).simulate(s, projections=np.arange(10.0))
    b = RaceSimulator(500, random_state=7).set_history(h).simulate(s, projections=np.arange(10.0))
    assert np.array_equal(a.points, b.points) and a.means.equals(b.means) and a.notes == b.notes
