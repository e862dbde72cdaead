"""Ownership estimator: sklearn contract, normalization properties, uncertainty, bad input (no real data)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from dfslab import InputError, Slate, check_ownership, demo_slate
from dfslab.ownership import (
    FEATURE_COLUMNS,
    HybridOwnershipEstimator,
    build_features,
    capped_normalize,
    estimate_ownership,
    pretrained_nascar_estimator,
)
from dfslab.ownership import estimator_from_dict as from_dict
from dfslab.ownership import estimator_to_dict as to_dict

# Documented exceptions (docs/ownership.md):
# - subset invariance: predictions are normalized within a slate, so a row's forecast depends on the
#   other rows of its slate (players compete for the same roster spots) -- by design.
# - data_not_an_array: that check feeds raw make_regression targets (up to ~300); ownership labels outside
#   [0, 100] percent are rejected by design (issue 4, bad input).
EXPECTED_FAILED = {
    "check_methods_subset_invariance": "per-slate normalization couples the rows of a slate",
    "check_regressor_data_not_an_array": "targets outside [0, 100] percent are rejected by design",
}


@parametrize_with_checks(
    [HybridOwnershipEstimator(max_iter=20, cv=3), HybridOwnershipEstimator(sk_model="poisson", ensemble_method="stacking", cv=3)],
    expected_failed_checks=lambda est: EXPECTED_FAILED,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _training(n_slates=5, seed=0):
    """Demo slates with a synthetic, salary- and start-driven ownership (sums to 600)."""
    slates = [demo_slate(random_state=seed + k) for k in range(n_slates)]
    X = build_features(slates)
    score = np.exp(2.5 * X["salary_rel"] + 1.0 * X["start_rank"])
    y = pd.Series(np.concatenate([capped_normalize(score[X.slate_id == s].to_numpy(), 600.0)
                                  for s in X.slate_id.unique()]), index=X.index)
    return X, y


@pytest.fixture(scope="module")
def fitted():
    X, y = _training()
    return HybridOwnershipEstimator(max_iter=40, min_samples_leaf=10, cv=5, random_state=0).fit(X, y), X, y


def test_features_columns_and_finite():
    X = build_features(demo_slate())
    assert list(X.columns) == ["slate_id", *FEATURE_COLUMNS, "vendor_own"]
    assert np.isfinite(X.drop(columns=["slate_id", "vendor_own"]).to_numpy(float)).all()
    assert X["vendor_own"].isna().all()  # the demo slate has no projected ownership
    assert (X["roster_size"] == 6).all() and X["arch_intermediate"].eq(1).all()
    # demo has no projection: salary stands in, flagged
    assert X["has_points"].eq(0).all() and np.allclose(X["points_rel"], X["salary_rel"])
    X2 = build_features([demo_slate(), demo_slate()])
    assert X2.slate_id.nunique() == 2


def test_fit_predict_sums_and_learns(fitted):
    est, X, y = fitted
    p = est.predict(X)
    for s in X.slate_id.unique():
        m = (X.slate_id == s).to_numpy()
        assert p[m].sum() == pytest.approx(600.0, abs=1e-6)
    assert (p >= 0).all() and (p <= 100).all()
    # learns the synthetic rule well on held-in slates; a new slate too
    assert np.corrcoef(p, y)[0, 1] > 0.9
    Xn = build_features(demo_slate(random_state=99))
    sc = np.exp(2.5 * Xn["salary_rel"] + Xn["start_rank"]).to_numpy()
    yn = capped_normalize(sc, 600.0)
    assert np.abs(est.predict(Xn) - yn).mean() < 0.5 * np.abs(600 / len(yn) - yn).mean()


def test_predict_is_capped_not_clipped():
    # One dominant player: the cap binds and the mass goes to the others.
    X, y = _training(3)
    est = HybridOwnershipEstimator(max_iter=20, cv=3, random_state=0).fit(X, y)
    p = est.predict(X)
    assert p.max() <= 100.0 + 1e-9
    assert p[(X.slate_id == X.slate_id.iloc[0]).to_numpy()].sum() == pytest.approx(600.0)


def test_clone_params_and_random_state(fitted):
    est, X, y = fitted
    c = clone(est)
    assert c.get_params() == est.get_params() and not hasattr(c, "glm_params_")
    c.set_params(ensemble_method="stacking")
    assert c.get_params()["ensemble_method"] == "stacking"
    a = HybridOwnershipEstimator(max_iter=20, cv=3, random_state=3).fit(X, y).predict(X)
    b = HybridOwnershipEstimator(max_iter=20, cv=3, random_state=3).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)


def test_stacking_weights(fitted):
    _, X, y = fitted
    est = HybridOwnershipEstimator(ensemble_method="stacking", max_iter=20, cv=3, random_state=0).fit(X, y)
    assert est.weights_.min() >= 0 and est.weights_.sum() == pytest.approx(1.0)


def test_uncertainty_frame(fitted):
    est, X, y = fitted
    u = est.predict_with_uncertainty(X, level=0.8)
    assert list(u.columns) == ["ownership", "lower", "upper", "std"]
    assert (u.lower <= u.ownership).all() and (u.ownership <= u.upper).all()
    assert (u.lower >= 0).all() and (u.upper <= 100).all() and (u["std"] >= 0).all()
    c = est.predict_with_uncertainty(X, level=0.8, interval="central")
    assert (c.upper >= u.upper - 1e-9).all() and np.allclose(c.ownership, u.ownership)
    with pytest.raises(InputError, match="interval"):
        est.predict_with_uncertainty(X, interval="wide")
    w = est.predict_with_uncertainty(X, level=0.95)
    assert ((w.upper - w.lower) >= (u.upper - u.lower) - 1e-9).all()
    # out-of-fold coverage on the training slates is near nominal (conformal on held-out slates)
    cov = ((y >= u.lower) & (y <= u.upper)).mean()
    assert 0.6 < cov <= 1.0


def test_sample_ownership_valid_vectors(fitted):
    est, X, y = fitted
    Xs = X[X.slate_id == X.slate_id.iloc[0]]
    S = est.sample_ownership(Xs, n_samples=500, random_state=1)
    assert S.shape == (500, len(Xs))
    np.testing.assert_allclose(S.sum(1), 600.0, atol=1e-6)
    check_ownership(S[0], n_players=len(Xs))  # the foundation's validator accepts a sampled vector
    assert (S >= 0).all() and (S <= 100).all()
    np.testing.assert_array_equal(S, est.sample_ownership(Xs, n_samples=500, random_state=1))
    # samples vary and centre near the point forecast
    p = est.predict(Xs)
    assert S.std(0).max() > 0.5
    assert np.abs(S.mean(0) - p).max() < 0.25 * p.max()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1e4, allow_nan=False), min_size=6, max_size=60), st.integers(1, 10))
def test_capped_normalize_properties(scores, roster):
    s = np.array(scores)
    roster = min(roster, len(s))
    total = 100.0 * roster
    out = capped_normalize(s, total)
    assert out.sum() == pytest.approx(total, rel=1e-9, abs=1e-6)
    assert (out >= 0).all() and (out <= 100 + 1e-9).all()
    # order is preserved (ties aside) and uncapped players stay proportional to their scores
    i = np.argsort(s, kind="stable")
    assert (np.diff(out[i]) >= -1e-9).all()
    # (scores below 1e-12 x the max are floored there so every player stays reachable)
    free = (out < 100 - 1e-9) & (s > 1e-9 * s.max())
    if free.sum() >= 2:
        r = out[free] / s[free]
        assert np.allclose(r, r[0], rtol=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(36, 40))
def test_pretrained_predict_properties(seed, n):
    est = pretrained_nascar_estimator()
    p = est.predict(build_features(demo_slate(n_drivers=n, random_state=seed)))
    assert p.sum() == pytest.approx(600.0, abs=1e-6) and (p >= 0).all() and (p <= 100).all()


def test_pretrained_roundtrip_and_estimate_ownership():
    est = pretrained_nascar_estimator()
    assert est.sk_model == "poisson" and len(est.weights_) == 2
    s = demo_slate()
    df = estimate_ownership(s)
    assert list(df.columns) == ["player_id", "name", "salary", "ownership", "lower", "upper", "std"]
    assert df.player_id.tolist() == s.players.player_id.tolist()
    assert df.ownership.sum() == pytest.approx(600)
    # salary-driven: the top-salary driver outowns the cheapest
    assert df.ownership.iloc[df.salary.argmax()] > df.ownership.iloc[df.salary.argmin()]
    again = from_dict(to_dict(est))
    X = build_features(s)
    np.testing.assert_allclose(again.predict(X), est.predict(X))


# ---------------------------------------------------------------- bad input
def test_bad_input_labels(fitted):
    _, X, y = fitted
    est = HybridOwnershipEstimator(max_iter=10, cv=2)
    with pytest.raises(InputError, match=r"outside \[0, 100\]"):
        est.fit(X, y.where(y.index != y.index[0], 120.0).where(lambda v: v.index != v.index[1], -1.0))
    with pytest.raises(InputError, match="sum to .* expected 600"):
        est.fit(X, y / 6.0)  # fractions-of-600 mistake
    with pytest.raises(InputError, match="ensemble_method"):
        HybridOwnershipEstimator(ensemble_method="bagging").fit(X, y)
    with pytest.raises(InputError, match="sk_model"):
        HybridOwnershipEstimator(sk_model="forest").fit(X, y)


def test_bad_input_slates(fitted):
    est, X, y = fitted
    players = demo_slate().players
    with pytest.raises(InputError, match="missing required column"):
        Slate(players=players.drop(columns=["salary"]))
    with pytest.raises(InputError, match="salary"):
        Slate(players=players.assign(salary=players.salary.astype(float).where(players.index != 3, np.nan)))
    with pytest.raises(InputError, match="salary"):
        Slate(players=players.assign(salary=players.salary.where(players.index != 3, -5000)))
    with pytest.raises(InputError, match="unknown track archetype"):
        Slate(players=players, archetype="oval-ish")
    s = demo_slate()
    s.archetype = "moon"  # mutated after construction: build_features re-checks
    with pytest.raises(InputError, match="unknown track archetype"):
        build_features(s)
    with pytest.raises(InputError, match="fewer than a roster"):
        est.predict(X.iloc[:4])
    with pytest.raises(InputError, match="non-numeric"):
        est.predict(X.assign(salary_k="x"))
    with pytest.raises(ValueError):
        est.predict(X.drop(columns=["salary_rank"]))
    with pytest.raises(InputError, match="expected a dfslab.Slate"):
        build_features(players)
    with pytest.raises(InputError, match="contest"):
        build_features(demo_slate(), contest={"type": "satellite"})
    from dfslab import MLB_CLASSIC
    with pytest.raises(InputError, match="NASCAR-only"):
        estimate_ownership(Slate(players=pd.DataFrame({
            "player_id": [str(i) for i in range(12)], "name": [f"p{i}" for i in range(12)],
            "salary": [5000] * 12, "position": ["SP", "SP", "C", "1B", "2B", "3B", "SS", "OF", "OF", "OF", "OF", "C"]}),
            rules=MLB_CLASSIC))


def test_single_slate_and_plain_array():
    # Without slate_id the whole X is one slate; without roster_size the sum check is skipped.
    X, y = _training(2)
    one = X[X.slate_id == X.slate_id.iloc[0]].drop(columns="vendor_own")  # the side column is not a feature
    est = HybridOwnershipEstimator(max_iter=10, cv=3, random_state=0).fit(one.drop(columns="slate_id"), y[one.index])
    assert est.predict(one.drop(columns="slate_id")).sum() == pytest.approx(600)
    est2 = HybridOwnershipEstimator(max_iter=10, cv=3, random_state=0).fit(one.drop(columns=["slate_id", "roster_size"]).to_numpy(), y[one.index].to_numpy())
    p = est2.predict(one.drop(columns=["slate_id", "roster_size"]).to_numpy())
    assert p.sum() == pytest.approx(y[one.index].mean() * len(one))


def test_cqr_intervals_contain_forecast_and_are_reproducible(fitted):
    from dfslab.ownership import ConformalQuantileIntervals

    est, X, y = fitted
    a = ConformalQuantileIntervals(max_iter=30, cv=3, random_state=0).fit(est, X, y)
    b = ConformalQuantileIntervals(max_iter=30, cv=3, random_state=0).fit(est, X, y)
    Xn = build_features([demo_slate(random_state=99)])
    ua, ub = a.predict_with_uncertainty(Xn), b.predict_with_uncertainty(Xn)
    pd.testing.assert_frame_equal(ua, ub)
    np.testing.assert_allclose(ua["ownership"], est.predict(Xn))
    assert ((ua.lower >= 0) & (ua.lower <= ua.ownership) & (ua.ownership <= ua.upper) & (ua.upper <= 100)).all()
    assert ua["ownership"].sum() == pytest.approx(600.0)
    assert len(a.corrections_) == len(a.bin_edges_) + 1 and np.isfinite(a.corrections_).all()
    # a higher level never narrows the interval
    wide = ConformalQuantileIntervals(level=0.95, max_iter=30, cv=3, random_state=0).fit(est, X, y)
    uw = wide.predict_with_uncertainty(Xn)
    assert (uw.upper - uw.lower).mean() > (ua.upper - ua.lower).mean()


def test_cqr_bad_input(fitted):
    from dfslab.ownership import ConformalQuantileIntervals

    est, X, y = fitted
    with pytest.raises(InputError, match="level"):
        ConformalQuantileIntervals(level=1.5).fit(est, X, y)
    with pytest.raises(InputError, match="bin_edges"):
        ConformalQuantileIntervals(bin_edges=(5, 1)).fit(est, X, y)
    with pytest.raises(InputError, match="training X, y"):
        ConformalQuantileIntervals().fit(est, X.iloc[:50], y.iloc[:50])
    with pytest.raises(InputError, match="not fitted"):
        ConformalQuantileIntervals().predict_with_uncertainty(X)


def test_a_forecast_at_the_cap_is_named_in_the_notes(demo):
    p = demo.players.copy()
    p["projection"] = 30.0
    assert estimate_ownership(demo.with_players(p)).attrs["notes"] == []  # an even slate: nothing capped
    top = int(np.argmax(p["salary"]))
    p.loc[top, "projection"] = 160.0  # a standout far beyond any training slate
    o = estimate_ownership(demo.with_players(p))
    assert o["ownership"].iloc[top] >= 99.95 and o["ownership"].sum() == pytest.approx(600)
    (note,) = o.attrs["notes"]
    assert p["name"].iloc[top] in note and "100% cap" in note and "130.0 pts above the next" in note
