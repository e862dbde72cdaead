"""Projection-driven field entries of FieldLineupSampler (each entry from its own perturbed, multi-source projection)."""

import warnings

import numpy as np
import pytest

from dfslab import demo_slate
from dfslab.contest import FieldLineupSampler
from dfslab.exceptions import InfeasibleError, InputError
from dfslab.rules import NASCAR_CLASSIC
from dfslab.slate import Slate, check_lineups
from dfslab.studies import field_stats


@pytest.fixture(scope="module")
def setup():
    s = demo_slate()
    # a vendor projection that disagrees with the crowd (ownership follows the rating; this does not)
    proj = 30.0 + 25.0 * np.random.default_rng(0).permutation(s.players["rating"].to_numpy())
    ref = FieldLineupSampler(s, np.full(s.n_players, 600 / s.n_players), random_state=5, match_ownership=False,
                             max_salary_left=None)
    ref.logw_ = 1.2 * s.players["rating"].to_numpy()
    own = ref.ownership_of(ref.sample(20000), s.n_players)
    return s, proj, own


def test_projections_none_keeps_the_ownership_only_field(setup):
    s, proj, own = setup
    a = FieldLineupSampler(s, own, random_state=3).fit().sample(3000, random_state=1)
    b = FieldLineupSampler(s, own, random_state=3, projections=None).fit().sample(3000, random_state=1)
    c = FieldLineupSampler(s, own, random_state=3, projections=proj, proj_share=0.0).fit().sample(3000, random_state=1)
    d = FieldLineupSampler(s, own, random_state=3, projections=proj, proj_strength=0.0).fit().sample(3000,
                                                                                                     random_state=1)
    assert np.array_equal(a, b) and np.array_equal(a, c) and np.array_equal(a, d)


def test_same_seed_same_field(setup):
    s, proj, own = setup
    kw = dict(random_state=4, projections={"vendor": proj, "ours": proj[::-1].copy()}, n_calibration=2000)
    a = FieldLineupSampler(s, own, **kw).fit()
    b = FieldLineupSampler(s, own, **kw).fit()
    assert np.array_equal(a.logw_, b.logw_)
    assert np.array_equal(a.sample(2000, random_state=9), b.sample(2000, random_state=9))
    assert a.source_names_ == ["vendor", "ours", "salary"]


def test_projection_driven_entries_lift_the_projected_tail_and_keep_ownership(setup):
    s, proj, own = setup
    base = FieldLineupSampler(s, own, random_state=0).fit().sample(10_000, random_state=2)
    fs = FieldLineupSampler(s, own, random_state=0, projections=proj, proj_share=0.5, proj_strength=2.0).fit()
    F = fs.sample(10_000, random_state=2)
    check_lineups(F, s)
    assert np.abs(fs.ownership_of(F, s.n_players) - own).max() <= 1.0
    pb, pf = proj[base].sum(1), proj[F].sum(1)
    # same marginals, sharper field: the upper tail of projected points moves up
    assert np.percentile(pf, 99) > np.percentile(pb, 99) + 10.0
    assert np.percentile(pf, 90) > np.percentile(pb, 90) + 5.0


def test_default_field_with_projections_matches_ownership_10k(setup):
    s, proj, own = setup
    fs = FieldLineupSampler(s, own, random_state=1, projections=proj).fit()
    F = fs.sample(10_000, random_state=7)
    check_lineups(F, s)
    assert np.abs(fs.ownership_of(F, s.n_players) - own).max() <= 1.0


def test_own_perturbed_projections_do_not_pile_up_on_one_lineup(setup):
    """Every projection-driven entry following ONE projection (no noise, one source: what the old optimizer
    share did) duplicates far more than entries with their own perturbed blends, at the same strength."""
    s, proj, own = setup
    kw = dict(random_state=0, proj_share=0.5, proj_strength=3.0, dup_prob=0.0, match_ownership=False,
              n_calibration=3000)
    one = FieldLineupSampler(s, own, projections=proj, salary_source=False, proj_noise=0.0, proj_types=1, **kw).fit()
    own_ = FieldLineupSampler(s, own, projections={"a": proj, "b": 30 + 25 * np.sort(proj)[::-1] / 60}, **kw).fit()
    d_one = field_stats(one.sample(5000, random_state=1))["dup_share"]
    d_own = field_stats(own_.sample(5000, random_state=1))["dup_share"]
    assert d_own < 0.7 * d_one


def test_seeded_fit_does_not_depend_on_the_time_budget(setup):
    s, proj, own = setup
    a = FieldLineupSampler(s, own, random_state=2, projections=proj, n_calibration=2000, max_iter=4).fit()
    with pytest.warns(UserWarning, match="time budget"):
        b = FieldLineupSampler(s, own, random_state=2, projections=proj, n_calibration=2000, max_iter=4,
                               max_seconds=1e-6).fit()
    assert np.array_equal(a.logw_, b.logw_) and a.n_iter_ == b.n_iter_
    with pytest.warns(UserWarning, match="time budget"):
        c = FieldLineupSampler(s, own, projections=proj, n_calibration=2000, max_iter=4, max_seconds=1e-6).fit()
    assert c.n_iter_ == 1  # unseeded: the budget stops it (and says so)


def test_sampling_budget_is_an_iteration_budget_and_says_so():
    # 8 drivers; the six dearest cost $61,000 (so the up-front floor check passes), but a lineup in
    # [$48,000, $50,000] needs the $12,000 driver twice: the DP (which lets a player repeat inside its sums)
    # thinks it feasible, every real draw dies -> a budget error after max_batches, whatever the machine
    players = {"player_id": [str(i) for i in range(8)], "name": [f"D{i}" for i in range(8)],
               "salary": [25000, 12000] + [6000] * 6, "position": "D"}
    import pandas as pd

    sl = Slate(pd.DataFrame(players), rules=NASCAR_CLASSIC, name="tiny")
    fs = FieldLineupSampler(sl, np.full(8, 600 / 8), salary_floor=48_000, max_batches=3, max_salary_left=None,
                            salary_left_scale=None, dup_prob=0.0)
    with pytest.raises(InfeasibleError, match="budget of max_batches=3"):
        fs._draw(10, np.zeros(8), np.random.default_rng(0))


def test_cap_consistent_target(setup):
    s, proj, own = setup
    flat = np.full(s.n_players, 600 / s.n_players)  # implies far more salary left than any real field leaves
    fs = FieldLineupSampler(s, flat, random_state=0, n_calibration=3000)
    left = 50_000 - (fs.target_ * s.salaries).sum() / 100
    assert fs.salary_tilt_ > 0 and abs(left - 150) < 1 and abs(fs.target_.sum() - 600) < 1e-6
    assert (np.diff(fs.target_[np.argsort(s.salaries)]) >= -1e-9).all()  # dearer drivers gain
    kept = FieldLineupSampler(s, own, random_state=0)  # a field-made ownership is (nearly) consistent: kept
    assert np.abs(kept.target_ - kept.ownership).max() < 0.5
    F = fs.fit().sample(5000, random_state=0)
    assert np.abs(fs.ownership_of(F, s.n_players) - fs.target_).max() <= 1.0
    assert np.median(50_000 - s.salaries[F].sum(1)) <= 300


def test_bad_inputs(setup):
    s, proj, own = setup
    with pytest.raises(InputError, match="projections"):
        FieldLineupSampler(s, own, projections=proj[:-1])
    bad = proj.copy()
    bad[3] = np.nan
    with pytest.raises(InputError, match=r"projections\['ours'\].*player 3"):
        FieldLineupSampler(s, own, projections={"ours": bad})
    with pytest.raises(InputError, match="empty dict"):
        FieldLineupSampler(s, own, projections={})
    for k, v in (("proj_share", 1.5), ("proj_strength", -1), ("proj_noise", np.inf), ("proj_mix", 0),
                 ("proj_types", 0), ("max_salary_left", -5), ("max_batches", 0)):
        with pytest.raises(InputError, match=k):
            FieldLineupSampler(s, own, projections=proj, **{k: v})
    with pytest.raises(InputError, match="opt_share/opt_noise were removed"):
        FieldLineupSampler(s, own, projections=proj, opt_share=0.3)
    with pytest.warns(DeprecationWarning, match="opt_share"):
        fs = FieldLineupSampler(s, own, projections=proj, opt_share=0)
    assert fs.proj_share == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FieldLineupSampler(s, own, projections=proj)


def test_typical_entries_earn_about_minus_the_rake():
    """k entries picked from a full field draw are a fair yardstick: over many simulated
    contests they average about -rake, like the whole field (the ROI identity)."""
    import dfslab

    sl = dfslab.demo_slate()
    scen = dfslab.RaceSimulator(1500, random_state=1).simulate(sl)
    public = sl.with_players(sl.players.assign(projection=np.asarray(scen.points, dtype=np.float64).mean(0)))
    own = dfslab.estimate_ownership(public)["ownership"].to_numpy()
    pay = dfslab.PayoutCurveFitter().fit().generate(entries=2000, entry_fee=20)
    rake = 1 - pay.pool / (2000 * 20)
    f = dfslab.FieldLineupSampler(sl, own, random_state=0, projections=scen.points.mean(0)).fit()
    cs = dfslab.ContestSimulator(pay, field_size=1950, entry_fee=20, random_state=0)
    res = cs.simulate(f.typical_entries(50, 1950, random_state=3), scen.points, f, track_field=True)
    field_roi = float((res.field_paid / (1950 * 20)).mean() - 1)
    assert abs(field_roi + rake) < 0.02
    assert abs(res.portfolio["roi_mean"] + rake) < 4 * res.portfolio["roi_se"] + 0.05
    with pytest.raises(dfslab.InputError):
        f.typical_entries(0, 10)
