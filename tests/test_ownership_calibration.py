"""Optimal-rate feature, vendor projected ownership as an input, the real-%Drafted calibration (no real data)."""

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from dfslab import MLB_CLASSIC, InputError, Slate, demo_slate
from dfslab.ownership import (
    ContestRows,
    HybridOwnershipEstimator,
    OwnershipCalibration,
    build_features,
    calibrated,
    capped_normalize,
    estimate_ownership,
    fit_theta,
    perturbed_optimal_rate,
    pretrained_nascar_estimator,
    vendor_ownership,
)
from dfslab.ownership import estimator_from_dict as from_dict
from dfslab.ownership import estimator_to_dict as to_dict


def _projected(seed=0, n=38):
    """A demo slate with a projection (value noise) and a vendor projected ownership."""
    s = demo_slate(n_drivers=n, random_state=seed)
    rng = np.random.default_rng(seed)
    p = s.players.copy()
    p["projection"] = p["salary"] / 1000 * 4.5 * np.exp(0.25 * rng.standard_normal(len(p)))
    own = np.exp(0.08 * p["projection"] + 0.3 * rng.standard_normal(len(p)))
    p["ownership"] = capped_normalize(own.to_numpy(), 600.0)
    return s.with_players(p)


# ---------------------------------------------------------------- optimal rate
def test_perturbed_optimal_rate_sums_and_orders():
    s = _projected()
    p = s.players
    r = perturbed_optimal_rate(s, n_samples=300)
    assert r.sum() == pytest.approx(600.0) and (r >= 0).all() and (r <= 100).all()
    np.testing.assert_array_equal(r, perturbed_optimal_rate(s, n_samples=300))  # fixed seed: a deterministic feature
    value = p["projection"] / p["salary"]
    assert np.corrcoef(r, value)[0, 1] > 0.3  # value drives the optimal lineup
    # no noise: exactly the single best lineup (the optimizer's exact DP) in every draw
    r0 = perturbed_optimal_rate(s, sigma=0.0, n_samples=3)
    assert sorted(set(np.round(r0, 9))) == [0.0, 100.0] and (r0 == 100).sum() == 6
    with pytest.raises(InputError, match="non-negative"):
        perturbed_optimal_rate(s, points=np.r_[-1.0, p["projection"].iloc[1:]])
    with pytest.raises(InputError, match="projection"):
        perturbed_optimal_rate(demo_slate())


def test_opt_rate_feature():
    X = build_features(_projected())
    assert X["log_opt_rate"].std() > 0.5
    # no projection (demo) or positions (MLB): the uniform value, i.e. no information
    Xd = build_features(demo_slate())
    assert Xd["log_opt_rate"].nunique() == 1
    mlb = Slate(players=pd.DataFrame({
        "player_id": [str(i) for i in range(12)], "name": [f"p{i}" for i in range(12)], "salary": [5000] * 12,
        "position": ["SP", "SP", "C", "1B", "2B", "3B", "SS", "OF", "OF", "OF", "OF", "C"],
        "projection": np.arange(12.0)}), rules=MLB_CLASSIC)
    assert build_features(mlb)["log_opt_rate"].nunique() == 1


# ---------------------------------------------------------------- vendor projected ownership
def test_vendor_ownership_complete_partial_and_bad():
    s = _projected()
    p = s.players.copy()
    p["ownership"] = p["ownership"] * 595 / 600  # a vendor list summing to 595: shares of the field
    v = vendor_ownership(s.with_players(p))
    assert v.sum() == pytest.approx(600.0)
    p["ownership"] = p["ownership"] / 100  # fractions
    assert vendor_ownership(s.with_players(p)).sum() == pytest.approx(600.0)
    part = s.players.copy()
    part.loc[part.index[20:], "ownership"] = np.nan  # a partial list stays in percent as given
    vp = vendor_ownership(s.with_players(part))
    np.testing.assert_allclose(vp[:20], part["ownership"].iloc[:20])
    assert np.isnan(vp[20:]).all()
    bad = s.players.assign(ownership=np.r_[[150.0], s.players["ownership"].iloc[1:]])
    with pytest.raises(InputError, match=r"row 1 .*outside 0-100"):
        vendor_ownership(s.with_players(bad))
    over = s.players.assign(ownership=np.r_[[90.0] * 8, [np.nan] * (s.n_players - 8)])
    with pytest.raises(InputError, match="more than 600"):
        vendor_ownership(s.with_players(over))
    assert build_features(s, vendor=False)["vendor_own"].isna().all()


# ---------------------------------------------------------------- calibration
def _rows(theta, n_races=5, seed=0, mode="vendor"):
    """ContestRows generated from a known calibration map (named = the 12 most owned + 2 others)."""
    rng = np.random.default_rng(seed)
    out = []
    for g in range(n_races):
        n = 38
        base = capped_normalize(np.exp(rng.normal(0, 0.9, n)), 600.0)
        opt = capped_normalize(np.exp(np.log(base + 1) + rng.normal(0, 0.5, n)), 600.0)
        vendor = capped_normalize(np.exp(np.log(base + 1) + rng.normal(0, 0.5, n)), 600.0)
        for le in (2.7, 3.4):
            y = calibrated(theta, base, opt, vendor if mode == "vendor" else None, le, 600.0)
            y = np.clip(y + rng.normal(0, 0.5, n), 0, 100)
            top = np.argsort(-y)[:12]
            idx = np.r_[top, rng.choice(np.setdiff1d(np.arange(n), top), 2, replace=False)]
            out.append(ContestRows(group=f"r{g}", base=base, opt=opt, vendor=vendor, log_entries=le, idx=idx,
                                   y=y[idx], bound=float(y[top].min()), weight=0.5))
    return out


def test_calibration_identity_and_sums():
    b = capped_normalize(np.exp(np.random.default_rng(0).normal(0, 1, 30)), 600.0)
    # a = 1: the base (+ the 1 pp log offset) renormalized, whatever the contest size
    np.testing.assert_allclose(calibrated([1, 0, 0, 0], b, b, None, 3.0, 600.0), capped_normalize(b + 1, 600.0))
    p = calibrated([0.5, 0.3, 0.6, -0.2], b, b[::-1], b, 2.5, 600.0)
    assert p.sum() == pytest.approx(600.0) and (p >= 0).all() and (p <= 100).all()
    # sharper than the base: chalk gains
    assert calibrated([1.4, 0, 0, 0], b, b, None, 3.0, 600.0).max() > b.max()
    # no projection -> a uniform optimal rate carries no information: the base stands in for it
    np.testing.assert_allclose(calibrated([0.6, 0.8, 0, 0], b, np.full(30, 20.0), None, 3.0, 600.0),
                               calibrated([1.4, 0, 0, 0], b, None, None, 3.0, 600.0))


@pytest.mark.parametrize("mode,theta", [("vendor", [0.4, 0.0, 1.0, -0.15]), ("model", [0.6, 0.8, 0.0, -0.13])])
def test_calibration_recovers_a_known_map(mode, theta):
    rows = _rows(theta, mode=mode)
    th = fit_theta(rows, mode)
    np.testing.assert_allclose(th, theta, atol=0.06)
    cal = OwnershipCalibration.fit(rows, modes=(mode,))
    assert set(cal.theta) == {mode} and cal.resid_quantiles[mode].shape[1] == 201
    assert cal.info["groups"] == [f"r{g}" for g in range(5)]
    back = OwnershipCalibration.from_dict(cal.to_dict())
    np.testing.assert_allclose(back.theta[mode], cal.theta[mode], atol=1e-6)


def test_calibration_bad_input():
    rows = _rows([0.4, 0.0, 1.0, -0.15], n_races=1)
    with pytest.raises(InputError, match="at least 2 groups"):
        OwnershipCalibration.fit(rows)
    with pytest.raises(InputError, match="mode"):
        fit_theta(rows, "oracle")
    rows[0].vendor = None
    with pytest.raises(InputError, match="vendor"):
        fit_theta(rows, "vendor")


# ---------------------------------------------------------------- estimator with a calibration
@pytest.fixture(scope="module")
def calibrated_est():
    slates = [_projected(seed=k) for k in range(4)]
    X = build_features(slates)
    y = X["vendor_own"]  # synthetic projected labels
    base = HybridOwnershipEstimator(sk_model="poisson", ensemble_method="stacking", cv=3, random_state=0).fit(X, y)
    cal = OwnershipCalibration.fit(_rows([0.4, 0.0, 1.0, -0.15]) + _rows([0.6, 0.8, 0.0, -0.13], seed=1,
                                                                         mode="model"), n_bins=2)
    return base, copy.deepcopy(base).set_params(calibration=cal), X  # a prefit calibration on the fitted members


def test_estimator_uses_vendor_as_input(calibrated_est):
    base, _, X = calibrated_est
    cal_est = pretrained_nascar_estimator()
    s = _projected(seed=9)
    Xv = build_features(s)
    Xn = build_features(s, vendor=False)
    pv, pn = cal_est.predict(Xv), cal_est.predict(Xn)
    assert pv.sum() == pytest.approx(600.0) and pn.sum() == pytest.approx(600.0)
    assert np.abs(pv - pn).max() > 1.0  # the vendor column changes the forecast...
    v = Xv["vendor_own"].to_numpy()
    assert np.abs(pv - v).max() > 1.0  # ...but does not replace it
    # a partial vendor list: missing rows filled with the model's own forecast
    part = s.players.copy()
    part.loc[part.index[25:], "ownership"] = np.nan
    pp = cal_est.predict(build_features(s.with_players(part)))
    assert pp.sum() == pytest.approx(600.0) and np.isfinite(pp).all()
    u = cal_est.predict_with_uncertainty(Xv)
    assert (u.lower <= u.ownership).all() and (u.ownership <= u.upper).all() and (u.upper <= 100).all()
    S = cal_est.sample_ownership(Xv, 200, random_state=0)
    np.testing.assert_allclose(S.sum(1), 600.0, atol=1e-6)
    np.testing.assert_array_equal(S, cal_est.sample_ownership(Xv, 200, random_state=0))
    # contest size: a large field spreads ownership (the calibration's k < 0)
    big = cal_est.predict(Xv.assign(log_entries=4.5))
    assert big.max() < pv.max()


def test_calibration_param_clone_and_json(calibrated_est):
    base, est, X = calibrated_est
    assert est.calibration is not None and base.calibration is None
    c = clone(est)
    assert isinstance(c.get_params()["calibration"], OwnershipCalibration)
    Xs = X[X.slate_id == X.slate_id.iloc[0]]
    np.testing.assert_allclose(est.predict(Xs).sum(), 600.0)
    # intervals come from the calibration's residuals, not the ensemble's
    assert not np.allclose(est.predict_with_uncertainty(Xs)["upper"], base.predict_with_uncertainty(Xs)["upper"])
    again = from_dict(to_dict(est))
    np.testing.assert_allclose(again.predict(Xs), est.predict(Xs))
    np.testing.assert_allclose(again.predict_with_uncertainty(Xs), est.predict_with_uncertainty(Xs), atol=1e-4)


def test_pretrained_is_calibrated_and_estimate_ownership_vendor_flag():
    est = pretrained_nascar_estimator()
    assert est.calibration is not None and set(est.calibration.theta) == {"model", "vendor"}
    s = _projected(seed=3)
    a, b = estimate_ownership(s), estimate_ownership(s, vendor=False)
    assert a.attrs["vendor_input"] and not b.attrs["vendor_input"]
    assert a.ownership.sum() == pytest.approx(600.0) and b.ownership.sum() == pytest.approx(600.0)
    assert not np.allclose(a.ownership, b.ownership)
    assert not estimate_ownership(demo_slate()).attrs["vendor_input"]
