"""REST API (dfslab.app.api): the seed's Task 3 integration list, error mapping, limits, fuzzing over the OpenAPI schema.

Runs in-process with fastapi's TestClient; skipped when the ``api`` extra is not installed.
"""

from __future__ import annotations

import json
import logging
import time
import warnings

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette's TestClient warns about httpx on import (not ours)
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import dfslab
from dfslab.app.api import _app, _models, create_app

RACE = {"track_archetype": "intermediate", "race_laps": 267, "series": "cup"}


@pytest.fixture(scope="module")
def slate():
    return dfslab.demo_slate()


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def sample_driver_data(slate):
    return [dict(id=r.player_id, name=r.name, salary=int(r.salary), start=int(r.start)) for r in slate.players.itertuples()]


@pytest.fixture(scope="module")
def sample_ownership(slate):
    return dfslab.estimate_ownership(slate)["ownership"].round(4).tolist()


@pytest.fixture(scope="module")
def sample_scenarios(slate):
    pts = dfslab.RaceSimulator(n_scenarios=150, random_state=3).simulate(slate).points
    return np.round(pts.astype(float), 2).tolist()


def _lineup_ids(slate, k=3):
    """k legal demo lineups by driver id (cheap + expensive drivers)."""
    ids = slate.players.player_id.tolist()
    order = np.argsort(slate.salaries)
    out = []
    for j in range(k):
        pick = list(order[-(2 + j):][:2]) + list(order[j:j + 4])
        out.append([ids[i] for i in pick])
    return out


def _locs(resp):
    return [tuple(d["loc"]) for d in resp.json()["detail"]]


# ---------------------------------------------------------------------------

class TestOwnershipEndpoint:
    def test_ownership_voting_ensemble(self, client, slate, sample_driver_data):
        # The seed's "voting" test: the API serves the pretrained (stacked) model; same numbers as the library.
        r = client.post("/ownership", json={"drivers": sample_driver_data, "race": RACE})
        assert r.status_code == 200, r.text
        body = r.json()
        own = np.array([p["ownership_percent"] for p in body["ownership_predictions"]])
        assert own.sum() == pytest.approx(600.0, abs=1e-6) and body["total_ownership"] == pytest.approx(600.0)
        assert ((own >= 0) & (own <= 100)).all()
        assert [p["driver_id"] for p in body["ownership_predictions"]] == slate.players.player_id.tolist()
        lib = dfslab.estimate_ownership(slate)["ownership"].to_numpy()
        np.testing.assert_allclose(own, lib, rtol=1e-9)
        assert body["ownership_predictions"][0]["uncertainty_lower"] is None

    def test_ownership_with_uncertainty(self, client, sample_driver_data):
        r = client.post("/ownership", json={"drivers": sample_driver_data, "race": RACE,
                                            "include_uncertainty": True, "level": 0.9})
        assert r.status_code == 200, r.text
        P = r.json()["ownership_predictions"]
        lo, own, hi, sd = (np.array([p[k] for p in P]) for k in
                           ("uncertainty_lower", "ownership_percent", "uncertainty_upper", "std"))
        assert (lo <= own + 1e-9).all() and (own <= hi + 1e-9).all()
        assert (sd > 0).all() and (hi - lo > 0).all()
        assert r.json()["level"] == 0.9

    def test_ownership_invalid_track_archetype(self, client, sample_driver_data):
        r = client.post("/ownership", json={"drivers": sample_driver_data, "race": {"track_archetype": "oval"}})
        assert r.status_code == 422
        assert ("body", "race", "track_archetype") in _locs(r)

    def test_ownership_bad_drivers_named(self, client, sample_driver_data):
        dup = [dict(d) for d in sample_driver_data]
        dup[3]["id"] = dup[2]["id"]
        r = client.post("/ownership", json={"drivers": dup, "race": RACE})
        assert r.status_code == 422 and ("body", "drivers") in _locs(r)
        assert "unique" in r.json()["detail"][0]["msg"]
        neg = [dict(d) for d in sample_driver_data]
        neg[0]["salary"] = -5
        r = client.post("/ownership", json={"drivers": neg, "race": RACE})
        assert r.status_code == 422 and ("body", "drivers", 0, "salary") in _locs(r)
        r = client.post("/ownership", json={"drivers": sample_driver_data, "race": RACE, "bogus": 1})
        assert r.status_code == 422 and ("body", "bogus") in _locs(r)

    def test_ownership_rejects_nan_and_bad_json(self, client, sample_driver_data):
        d = [dict(x) for x in sample_driver_data]
        d[0]["projection"] = float("nan")
        raw = json.dumps({"drivers": d, "race": RACE})  # Python writes the non-standard token NaN
        r = client.post("/ownership", content=raw, headers={"content-type": "application/json"})
        assert r.status_code == 422 and ("body", "drivers", 0, "projection") in _locs(r)
        r = client.post("/ownership", content=b"{not json", headers={"content-type": "application/json"})
        assert r.status_code == 422


class TestContestSimEndpoint:
    def _req(self, sample_driver_data, sample_ownership, sample_scenarios, lineups, **kw):
        return {"drivers": sample_driver_data, "race": RACE, "my_lineups": lineups,
                "ownership_estimates": sample_ownership, "scenario_driver_scores": sample_scenarios,
                "field_size": 500, "n_contest_sims": 2, "entry_fee": 20.0, "contest_size_tier": "large", **kw}

    def test_contest_sim_basic(self, client, slate, sample_driver_data, sample_ownership, sample_scenarios):
        lus = _lineup_ids(slate)
        req = self._req(sample_driver_data, sample_ownership, sample_scenarios, lus)
        r = client.post("/contest-sim", json=req)
        assert r.status_code == 200, r.text
        b = r.json()
        assert -1.0 <= b["roi"] <= 10.0
        for k in ("cash_pct", "win_prob", "top1_pct", "cash_se", "win_se"):
            assert 0.0 <= b[k] <= 1.0
        assert b["n_simulations"] == 150 * 2 and b["n_scenarios"] == 150
        assert b["field_size"] == 500 and b["n_opponents"] == 500 - len(lus)
        assert [x["lineup"] for x in b["per_lineup"]] == lus
        # portfolio "cash"/"win" = any lineup does, so at least the best single lineup's rate
        assert b["cash_pct"] >= max(x["cash_pct"] for x in b["per_lineup"]) - 1e-12
        assert b["win_prob"] >= max(x["win_prob"] for x in b["per_lineup"]) - 1e-12
        assert b["roi_lower_5"] <= b["roi"] <= b["roi_upper_95"] or b["roi_std"] == 0

        # Same numbers as the library's one pipeline with the settings the API uses; rates percent -> fraction.
        own = np.asarray(sample_ownership)
        table = _app._fitted_payouts(500, 20.0, None, "large")
        pos = {p: i for i, p in enumerate(slate.players.player_id)}
        mine = np.array([[pos[x] for x in lu] for lu in lus])
        a = dfslab.SlateAnalysis(slate, scenarios=np.asarray(sample_scenarios), given_scenarios="all", ownership=own,
                                 payouts=table, field_size=500, entry_fee=20.0, n_field_draws=2, n_lineups=len(lus),
                                 min_salary=None, max_exposure=None, random_state=0, progress=False)
        res = a.contest_for(mine)
        p = res.portfolio
        assert b["roi"] == pytest.approx(p["roi_mean"], rel=1e-12)
        assert b["cash_pct"] == pytest.approx(p["cash_pct"] / 100, rel=1e-12)
        assert b["win_prob"] == pytest.approx(p["win_pct"] / 100, abs=1e-15)
        assert b["prize_pool"] == pytest.approx(table.pool)

        # Deterministic and served from the caches the second time (notes may differ: the first call fits the
        # field sampler, whose wall-clock budget can run out on a loaded machine and say so).
        r2 = client.post("/contest-sim", json=req)
        assert {k: v for k, v in r2.json().items() if k != "notes"} == {k: v for k, v in b.items() if k != "notes"}

    def test_contest_sim_large_field(self, client, slate, sample_driver_data, sample_ownership, sample_scenarios):
        lus = _lineup_ids(slate, 2)
        req = self._req(sample_driver_data, sample_ownership, sample_scenarios[:40], lus,
                        field_size=10000, n_contest_sims=1, contest_size_tier=None)
        r = client.post("/contest-sim", json=req)
        assert r.status_code == 200, r.text
        b = r.json()
        assert b["n_simulations"] == 40 * 1
        assert 1 <= b["best_rank"] <= b["worst_rank"] <= 10000
        assert b["contest_size_tier"] == "large"  # the tier of 10,000 entries
        assert b["n_paid"] > 0 and b["prize_pool"] > 0

    def test_contest_sim_invalid_tier(self, client, slate, sample_driver_data, sample_ownership, sample_scenarios):
        req = self._req(sample_driver_data, sample_ownership, sample_scenarios, _lineup_ids(slate), contest_size_tier="huge")
        r = client.post("/contest-sim", json=req)
        assert r.status_code == 422 and ("body", "contest_size_tier") in _locs(r)

    def test_ownership_summing_to_100_is_explained(self, client, slate, sample_driver_data, sample_ownership, sample_scenarios):
        share = [x / 6 for x in sample_ownership]
        r = client.post("/contest-sim", json=self._req(sample_driver_data, share, sample_scenarios, _lineup_ids(slate)))
        assert r.status_code == 422 and ("body", "ownership_estimates") in _locs(r)
        msg = r.json()["detail"][0]["msg"]
        assert "600" in msg and "PERCENT OF ENTRIES" in msg and "Multiply" in msg
        assert len(r.text) < 2000  # the input vector is not echoed

    def test_bad_lineups_and_scenarios_named(self, client, slate, sample_driver_data, sample_ownership, sample_scenarios):
        lus = _lineup_ids(slate)
        bad = [lus[0][:5] + ["nobody"]]
        r = client.post("/contest-sim", json=self._req(sample_driver_data, sample_ownership, sample_scenarios, bad))
        assert r.status_code == 422 and ("body", "my_lineups") in _locs(r) and "nobody" in r.text
        short = [row[:-1] for row in sample_scenarios[:5]]
        r = client.post("/contest-sim", json=self._req(sample_driver_data, sample_ownership, short, lus))
        assert r.status_code == 422 and ("body", "scenario_driver_scores") in _locs(r)
        # over the cap
        ids = slate.players.player_id.tolist()
        rich = [[ids[i] for i in np.argsort(slate.salaries)[-6:]]]
        r = client.post("/contest-sim", json=self._req(sample_driver_data, sample_ownership, sample_scenarios, rich))
        assert r.status_code == 422 and ("body", "my_lineups") in _locs(r) and "salary cap" in r.text

    def test_resource_limits(self, client, slate, sample_driver_data, sample_ownership):
        lus = _lineup_ids(slate)
        base = {"drivers": sample_driver_data, "race": RACE, "my_lineups": lus, "ownership_estimates": sample_ownership}
        r = client.post("/contest-sim", json={**base, "n_scenarios": 10000, "field_size": 50000, "n_contest_sims": 100})
        assert r.status_code == 422 and "exceeds the limit" in r.text
        r = client.post("/contest-sim", json={**base, "n_scenarios": 10, "field_size": 50000, "n_contest_sims": 11})
        assert r.status_code == 422 and "field_size x n_contest_sims" in r.text
        r = client.post("/contest-sim", json={**base, "field_size": 3})
        assert r.status_code == 422 and "at least one opponent" in r.text
        r = client.post("/contest-sim", json={**base, "n_contest_sims": 101})
        assert r.status_code == 422 and ("body", "n_contest_sims") in _locs(r)
        big = b'{"drivers": [' + b" " * (_models.MAX_BODY_BYTES + 10) + b"]}"
        r = client.post("/contest-sim", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413
        # the limits are stated in the OpenAPI document
        doc = client.get("/openapi.json").json()
        assert f"{_models.MAX_CONTEST_WORK:,}" in doc["info"]["description"]
        assert f"{_models.MAX_FIELD_ENTRIES:,}" in doc["info"]["description"]
        assert doc["components"]["schemas"]["ContestSimRequest"]["properties"]["n_contest_sims"]["maximum"] == 100

    def test_explicit_payouts_and_simulated_races(self, client, slate, sample_driver_data):
        lus = _lineup_ids(slate, 2)
        rows = [{"place_lo": 1, "place_hi": 1, "payout": 300.0}, {"place_lo": 2, "place_hi": 20, "payout": 25.0}]
        r = client.post("/contest-sim", json={"drivers": sample_driver_data, "race": RACE, "my_lineups": lus,
                                              "n_scenarios": 100, "field_size": 100, "n_contest_sims": 1,
                                              "entry_fee": 5.0, "payout_rows": rows})
        assert r.status_code == 200, r.text
        b = r.json()
        assert b["prize_pool"] == pytest.approx(300 + 19 * 25) and b["n_paid"] == 20 and b["contest_size_tier"] is None
        assert any("simulated" in n for n in b["notes"])  # races simulated server-side, ownership estimated
        assert sum(b["ownership_used"]) == pytest.approx(600.0, abs=1e-6)
        assert b["best_payout"] <= 300.0 + 1e-9


@pytest.fixture(scope="module")
def drivers_proj(sample_driver_data, slate):
    proj = 20 + 12 * slate.players["rating"].to_numpy() + slate.salaries / 400
    return [{**d, "projection": round(float(p), 3)} for d, p in zip(sample_driver_data, proj)]


class TestLeverageOptimizeEndpoint:

    def test_leverage_optimize_basic(self, client, drivers_proj, sample_ownership):
        r = client.post("/optimize-with-leverage", json={"drivers": drivers_proj, "race": RACE,
                                                         "ownership_estimates": sample_ownership, "n_lineups": 8,
                                                         "leverage_penalty": 0.5, "max_overlap": 4})
        assert r.status_code == 200, r.text
        b = r.json()
        L = b["lineups"]
        assert len(L) <= 8 and len(L) == b["portfolio_metrics"]["n_lineups"]
        own = dict(zip([d["id"] for d in drivers_proj], sample_ownership))
        sets = []
        for lu in L:
            assert isinstance(lu["leverage_score"], float)
            assert 0 <= lu["avg_ownership"] <= 100 and lu["total_salary"] <= 50000
            ids = [d["driver_id"] for d in lu["drivers"]]
            assert len(set(ids)) == 6 and sum(d["salary"] for d in lu["drivers"]) == lu["total_salary"]
            assert lu["total_ownership"] == pytest.approx(sum(own[i] for i in ids), rel=1e-9)
            assert lu["n_low_owned"] >= 2  # default min_low_ownership_drivers
            sets.append(set(ids))
        assert max(len(a & c) for i, a in enumerate(sets) for c in sets[i + 1:]) <= 4
        assert b["projection_source"] == "drivers[].projection"
        om = b["ownership_metrics"]
        tot = [lu["total_ownership"] for lu in L]
        assert om["avg_lineup_ownership"] == pytest.approx(np.mean(tot)) and om["max_lineup_ownership"] == pytest.approx(max(tot))

    def test_leverage_penalty_lowers_ownership(self, client, drivers_proj, sample_ownership):
        def avg(pen):
            r = client.post("/optimize-with-leverage", json={"drivers": drivers_proj, "race": RACE, "n_lineups": 5,
                                                             "ownership_estimates": sample_ownership, "leverage_penalty": pen,
                                                             "min_low_ownership_drivers": 0})
            assert r.status_code == 200, r.text
            return r.json()["ownership_metrics"]["avg_lineup_ownership"]
        assert avg(1.0) < avg(0.0)

    def test_leverage_optimize_with_regimes(self, client, sample_driver_data):
        r = client.post("/optimize-with-leverage", json={"drivers": sample_driver_data, "race": RACE, "n_lineups": 6,
                                                         "use_regime_allocation": True, "n_scenarios": 300})
        assert r.status_code == 200, r.text
        b = r.json()
        regimes = [lu["regime"] for lu in b["lineups"]]
        assert all(g in ("dominator", "chaos", "fuel_mileage") for g in regimes) and len(regimes) == 6
        assert b["projection_source"] == "mean of simulated races"
        assert sum(b["ownership_used"]) == pytest.approx(600.0, abs=1e-6)  # estimated with the pretrained model
        assert any("simulated" in n for n in b["notes"])

    def test_regimes_from_given_scenarios(self, client, sample_driver_data, sample_scenarios, sample_ownership):
        reg = (["dominator", "chaos", "fuel_mileage"] * 50)[:len(sample_scenarios)]
        base = {"drivers": sample_driver_data, "race": RACE, "n_lineups": 3, "use_regime_allocation": True,
                "ownership_estimates": sample_ownership, "scenario_driver_scores": sample_scenarios}
        r = client.post("/optimize-with-leverage", json={**base, "scenario_regimes": reg})
        assert r.status_code == 200, r.text
        assert sorted(lu["regime"] for lu in r.json()["lineups"]) == ["chaos", "dominator", "fuel_mileage"]
        r = client.post("/optimize-with-leverage", json=base)
        assert r.status_code == 422 and "scenario_regimes" in r.text

    def test_leverage_optimize_ownership_constraints(self, client, drivers_proj, sample_ownership):
        r = client.post("/optimize-with-leverage", json={"drivers": drivers_proj, "race": RACE, "n_lineups": 5,
                                                         "ownership_estimates": sample_ownership,
                                                         "max_ownership_per_driver": 0.2, "max_total_ownership": 1.0})
        assert r.status_code == 200, r.text
        for lu in r.json()["lineups"]:
            assert lu["max_ownership"] <= 20.0 + 1e-9  # fraction 0.2 -> 20 percent
            assert lu["total_ownership"] <= 100.0 + 1e-9  # fraction 1.0 summed -> 100 percent
            assert all(d["ownership"] <= 20.0 for d in lu["drivers"])

    def test_infeasible_is_400_with_reason(self, client, drivers_proj, sample_ownership):
        r = client.post("/optimize-with-leverage", json={"drivers": drivers_proj, "race": RACE, "n_lineups": 2,
                                                         "ownership_estimates": sample_ownership,
                                                         "max_total_ownership": 0.05, "min_low_ownership_drivers": 0})
        assert r.status_code == 400, r.text
        assert r.json()["detail"].startswith("infeasible:") and len(r.json()["detail"]) > 20

    def test_fraction_fields_validated(self, client, drivers_proj, sample_ownership):
        for k, v in (("leverage_penalty", 1.5), ("max_ownership_per_driver", 30), ("n_lineups", 151)):
            r = client.post("/optimize-with-leverage", json={"drivers": drivers_proj, "race": RACE, k: v})
            assert r.status_code == 422 and ("body", k) in _locs(r)
        mixed = [dict(d) for d in drivers_proj]
        mixed[0]["projection"] = None
        r = client.post("/optimize-with-leverage", json={"drivers": mixed, "race": RACE})
        assert r.status_code == 422 and "every driver or none" in r.text
        r = client.post("/optimize-with-leverage", json={"drivers": drivers_proj[:6], "race": RACE})
        assert r.status_code == 422 and ("body", "drivers") in _locs(r)


class TestEndToEndPipeline:
    def test_full_pipeline(self, client, sample_driver_data, sample_scenarios):
        # 1. ownership
        r1 = client.post("/ownership", json={"drivers": sample_driver_data, "race": RACE})
        assert r1.status_code == 200
        own = [p["ownership_percent"] for p in r1.json()["ownership_predictions"]]
        # 2. leverage optimization on that ownership and the scenarios' mean points
        r2 = client.post("/optimize-with-leverage", json={
            "drivers": sample_driver_data, "race": RACE, "ownership_estimates": own,
            "scenario_driver_scores": sample_scenarios, "n_lineups": 5, "leverage_penalty": 0.5})
        assert r2.status_code == 200, r2.text
        b2 = r2.json()
        assert b2["ownership_used"] == pytest.approx(own, rel=1e-12)
        np.testing.assert_allclose(b2["projections_used"], np.mean(sample_scenarios, axis=0), rtol=1e-9)
        by_id = dict(zip([d["id"] for d in sample_driver_data], own))
        lus = []
        for lu in b2["lineups"]:
            ids = [d["driver_id"] for d in lu["drivers"]]
            assert lu["total_ownership"] == pytest.approx(sum(by_id[i] for i in ids), rel=1e-9)
            assert lu["max_ownership"] == pytest.approx(max(by_id[i] for i in ids), rel=1e-12)
            lus.append(ids)
        # 3. contest simulation of exactly those lineups, same ownership and scenarios
        r3 = client.post("/contest-sim", json={
            "drivers": sample_driver_data, "race": RACE, "my_lineups": lus, "ownership_estimates": own,
            "scenario_driver_scores": sample_scenarios, "field_size": 300, "n_contest_sims": 2,
            "contest_size_tier": "small"})
        assert r3.status_code == 200, r3.text
        b3 = r3.json()
        assert [x["lineup"] for x in b3["per_lineup"]] == lus
        assert b3["ownership_used"] == pytest.approx(own, rel=1e-12)
        assert b3["n_simulations"] == len(sample_scenarios) * 2 and b3["n_opponents"] == 300 - len(lus)
        assert -1.0 <= b3["roi"] <= 10.0 and 0 <= b3["cash_pct"] <= 1
        # the optimizer's best-projected lineup is not worse on mean score than the field in these scenarios
        pts = np.asarray(sample_scenarios)
        idx = {d["id"]: i for i, d in enumerate(sample_driver_data)}
        lineup_means = [pts[:, [idx[i] for i in lu]].sum(1).mean() for lu in lus]
        assert lineup_means[0] == pytest.approx(b2["lineups"][0]["total_projected_points"], rel=1e-9)


# ---------------------------------------------------------------------------

def test_unexpected_error_is_short_500_and_logged(client, sample_driver_data, monkeypatch, caplog):
    def boom(req):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(_app, "_run_ownership", boom)
    with caplog.at_level(logging.ERROR, logger="dfslab.app.api"):
        r = client.post("/ownership", json={"drivers": sample_driver_data, "race": RACE})
    assert r.status_code == 500
    assert "secret" not in r.text and "Traceback" not in r.text and "internal server error" in r.text
    assert any("secret internal detail" in (rec.exc_text or "") or rec.exc_info for rec in caplog.records)


def test_health_and_limits(client):
    r = client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert r.json()["limits"]["max_drivers"] == _models.MAX_DRIVERS


def test_fuzz_openapi_no_5xx(client):
    """Generated bad (and some valid) bodies from the OpenAPI schema never produce a 5xx."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode

    app = create_app()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    plan = [("/ownership", GenerationMode.NEGATIVE, 12), ("/contest-sim", GenerationMode.NEGATIVE, 12),
            ("/optimize-with-leverage", GenerationMode.NEGATIVE, 12), ("/ownership", GenerationMode.POSITIVE, 6),
            ("/optimize-with-leverage", GenerationMode.POSITIVE, 6), ("/contest-sim", GenerationMode.POSITIVE, 4)]
    seen: dict[int, int] = {}
    for path, mode, n in plan:
        op = schema[path]["POST"]

        @settings(max_examples=n, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(op.as_strategy(generation_mode=mode))
        def check(case):
            resp = case.call()
            seen[resp.status_code] = seen.get(resp.status_code, 0) + 1
            assert resp.status_code < 500, f"{path}: {resp.status_code} {resp.text[:300]} for {str(case.body)[:300]}"

        check()
    assert sum(seen.values()) >= 30 and any(400 <= s < 500 for s in seen)


def test_busy_is_503(client, sample_driver_data, monkeypatch):
    # One computation at a time per process; a request that cannot start within COMPUTE_WAIT gets 503.
    monkeypatch.setattr(_app, "COMPUTE_WAIT", 0.01)
    assert _app._COMPUTE.acquire(timeout=5)
    try:
        r = client.post("/ownership", json={"drivers": sample_driver_data, "race": RACE})
    finally:
        _app._COMPUTE.release()
    assert r.status_code == 503 and "busy" in r.text
    assert client.post("/ownership", json={"drivers": sample_driver_data, "race": RACE}).status_code == 200


def test_health_not_queued_behind_heavy_requests(sample_driver_data, monkeypatch):
    """/health answers while one heavy request computes and 45 more wait for the compute slot: more than
    the 40 worker threads of the pool, which queued requests used to hold while they waited."""
    import threading

    started, release = threading.Event(), threading.Event()
    real = _app._run_ownership

    def slow(req):  # a heavy computation that ends only when the test says so
        started.set()
        release.wait(60)
        return real(req)

    monkeypatch.setattr(_app, "_run_ownership", slow)
    body = {"drivers": sample_driver_data, "race": RACE}
    status: list[int] = []
    with TestClient(create_app()) as c:
        workers = [threading.Thread(target=lambda: status.append(c.post("/ownership", json=body).status_code))
                   for _ in range(46)]
        for w in workers:
            w.start()
        assert started.wait(60)
        time.sleep(3)  # let the other 45 requests arrive and queue
        health: list[int] = []
        h = threading.Thread(target=lambda: health.append(c.get("/health").status_code))
        h.start()
        h.join(30)  # a liveness bound: behind the queue it would wait for release (never, here)
        answered_while_blocked = not h.is_alive() and not release.is_set()
        release.set()
        h.join()
        for w in workers:
            w.join(120)
    assert answered_while_blocked and health == [200]
    assert status == [200] * 46  # every queued request ran afterwards, one at a time


class TestDriverRules:
    """Per-driver rules in /optimize-with-leverage: honoured exactly, bad ones named (422), infeasible ones 400."""

    def _post(self, client, drivers_proj, sample_ownership, rules, n=6):
        return client.post("/optimize-with-leverage", json={
            "drivers": drivers_proj, "race": RACE, "ownership_estimates": sample_ownership, "n_lineups": n,
            "min_low_ownership_drivers": 0, "driver_rules": rules})

    def test_rules_hold_in_every_lineup(self, client, drivers_proj, sample_ownership):
        ids = [d["id"] for d in drivers_proj]
        rules = [{"id": ids[0], "lock": True}, {"id": ids[1], "exclude": True},
                 {"id": ids[5], "min_exposure": 0.5}, {"id": ids[2], "max_exposure": 0.34}]
        r = self._post(client, drivers_proj, sample_ownership, rules)
        assert r.status_code == 200, r.text
        lineups = [{d["driver_id"] for d in lu["drivers"]} for lu in r.json()["lineups"]]
        assert len(lineups) == 6 and all(ids[0] in lu for lu in lineups)
        assert not any(ids[1] in lu for lu in lineups)
        assert sum(ids[5] in lu for lu in lineups) >= 3 and sum(ids[2] in lu for lu in lineups) <= 2
        assert any("driver_rules for 4 driver(s)" in n for n in r.json()["notes"])

    def test_bad_rules_are_422_naming_the_driver(self, client, drivers_proj, sample_ownership):
        ids = [d["id"] for d in drivers_proj]
        r = self._post(client, drivers_proj, sample_ownership, [{"id": ids[0][:-1] + "x", "lock": True}])
        assert r.status_code == 422 and "is not in drivers; closest ids" in r.text and ("body", "driver_rules") in _locs(r)
        r = self._post(client, drivers_proj, sample_ownership, [{"id": ids[0], "lock": True, "exclude": True}])
        assert r.status_code == 422 and "both locked and excluded" in r.text
        r = self._post(client, drivers_proj, sample_ownership, [{"id": ids[0], "max_exposure": 40}])
        assert r.status_code == 422 and ("body", "driver_rules", 0, "max_exposure") in _locs(r)

    def test_rules_that_cannot_all_hold_are_400_naming_the_rule(self, client, drivers_proj, sample_ownership):
        dear = [d["id"] for d in sorted(drivers_proj, key=lambda d: -d["salary"])[:4]]
        r = self._post(client, drivers_proj, sample_ownership, [{"id": i, "lock": True} for i in dear])
        assert r.status_code == 400
        d = r.json()["detail"]
        assert d.startswith("infeasible: lock: the 4 drivers locked (") and "salary cap" in d
