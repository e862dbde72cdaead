"""Field strength component of FieldLineupSampler (optimizer-style share built on a projection)."""

import numpy as np
import pytest

from dfslab import demo_slate
from dfslab._errors import InputError
from dfslab.contest import FieldLineupSampler
from dfslab.slate import check_lineups


@pytest.fixture(scope="module")
def setup():
    s = demo_slate()
    proj = 30.0 + 25.0 * s.players["rating"].to_numpy()  # a projection correlated with strength
    ref = FieldLineupSampler(s, np.full(s.n_players, 600 / s.n_players), random_state=5, match_ownership=False)
    ref.logw_ = 1.2 * s.players["rating"].to_numpy()
    own = ref.ownership_of(ref.sample(20000), s.n_players)
    return s, proj, own


def test_projections_none_keeps_todays_field(setup):
    s, proj, own = setup
    a = FieldLineupSampler(s, own, random_state=3).fit().sample(3000, random_state=1)
    b = FieldLineupSampler(s, own, random_state=3, projections=None).fit().sample(3000, random_state=1)
    c = FieldLineupSampler(s, own, random_state=3, projections=proj, opt_share=0.0).fit().sample(3000, random_state=1)
    assert np.array_equal(a, b) and np.array_equal(a, c)


def test_strength_component_raises_field_projection_and_keeps_ownership(setup):
    s, proj, own = setup
    base = FieldLineupSampler(s, own, random_state=0).fit().sample(10_000, random_state=2)
    fs = FieldLineupSampler(s, own, random_state=0, projections=proj, opt_share=0.3, opt_noise=0.3).fit()
    F = fs.sample(10_000, random_state=2)
    check_lineups(F, s)
    assert np.abs(fs.ownership_of(F, s.n_players) - own).max() <= 1.0
    pb, pf = proj[base].sum(1), proj[F].sum(1)
    # same marginals, stronger field: the upper tail of projected points moves up
    assert np.percentile(pf, 99) > np.percentile(pb, 99) + 1.0
    assert (pf >= proj[base].sum(1).max()).mean() > (pb >= pb.max()).mean()


def test_default_strength_matches_ownership_10k(setup):
    s, proj, own = setup
    fs = FieldLineupSampler(s, own, random_state=1, projections=proj).fit()
    F = fs.sample(10_000, random_state=7)
    check_lineups(F, s)
    assert np.abs(fs.ownership_of(F, s.n_players) - own).max() <= 1.0
    assert fs.fit_seconds_ < 10


def test_strength_bad_inputs(setup):
    s, proj, own = setup
    with pytest.raises(InputError, match="projections"):
        FieldLineupSampler(s, own, projections=proj[:-1])
    bad = proj.copy()
    bad[3] = np.nan
    with pytest.raises(InputError, match="projections"):
        FieldLineupSampler(s, own, projections=bad)
    with pytest.raises(InputError, match="opt_share"):
        FieldLineupSampler(s, own, projections=proj, opt_share=1.0)
    with pytest.raises(InputError, match="opt_noise"):
        FieldLineupSampler(s, own, projections=proj, opt_noise=0)


def test_typical_entries_earn_about_minus_the_rake():
    """k entries picked from a full field draw are a fair yardstick: over many simulated
    contests they average about -rake, like the whole field (the ROI identity)."""
    import dfslab
    from dfslab.report import with_projection

    sl = dfslab.demo_slate()
    scen = dfslab.RaceSimulator(1500, random_state=1).simulate(sl)
    own = dfslab.estimate_ownership(with_projection(sl, scen))["ownership"].to_numpy()
    pay = dfslab.PayoutCurveFitter().fit().generate(entries=2000, entry_fee=20)
    rake = 1 - pay.pool / (2000 * 20)
    f = dfslab.FieldLineupSampler(sl, own, random_state=0).fit()
    cs = dfslab.ContestSimulator(pay, field_size=1950, entry_fee=20, random_state=0)
    res = cs.simulate(f.typical_entries(50, 1950, random_state=3), scen.points, f, track_field=True)
    field_roi = float((res.field_paid / (1950 * 20)).mean() - 1)
    assert abs(field_roi + rake) < 0.02
    assert abs(res.portfolio["roi_mean"] + rake) < 4 * res.portfolio["roi_se"] + 0.05
    with pytest.raises(dfslab.InputError):
        f.typical_entries(0, 10)
