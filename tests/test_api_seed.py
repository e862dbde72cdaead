"""The seed plan's API contract (../shared/seed, plan 04-06), as written.

Reproduces the plan's Task 3 test classes (TestOwnershipEndpoint, TestContestSimEndpoint,
TestLeverageOptimizeEndpoint, TestEndToEndPipeline) with the plan's own payloads and field names, its
end-to-end pipeline and its verification snippet. The plan's payloads are sent unchanged; where the plan
cannot be served as written the test asserts the explained 422 and then adds only the field that 422
names (a driver pool with salaries; race length and starts where races must be simulated).
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette's TestClient warns about httpx on import (not ours)
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from pydantic import ValidationError

import dfslab
from dfslab.app.api import SeedContestSimRequest, SeedLeverageOptimizeRequest, create_app
from dfslab.app.api._ownership import ownership_estimator

# The plan's race_data, verbatim.
RACE_DATA = {"race_id": 1, "track_archetype": "superspeedway", "race_date": "2024-02-01T00:00:00"}
# The plan's end-to-end driver_data, verbatim: 12 drivers at $8,200-$10,400.
PLAN_DRIVERS = [{"driver_id": i, "salary": 8000 + i * 200, "projected_points": 45 - i * 2, "skill": 0.9 - i * 0.05}
                for i in range(1, 13)]
REGIMES = ("dominator", "chaos", "fuel_mileage")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def slate():
    return dfslab.demo_slate()


@pytest.fixture(scope="module")
def sample_driver_data(slate):
    """The plan's driver_data fields on a legal pool (the demo slate: 38 drivers, $4,500-$11,500)."""
    p = slate.players
    proj = 20 + 12 * p["rating"].to_numpy() + slate.salaries / 400
    return [{"driver_id": r.player_id, "salary": int(r.salary), "projected_points": round(float(x), 2),
             "skill": float(r.rating)} for r, x in zip(p.itertuples(), proj)]


@pytest.fixture(scope="module")
def sample_ownership(client, sample_driver_data):
    r = client.post("/ownership", json={"driver_data": sample_driver_data, "race_data": RACE_DATA,
                                        "ensemble_method": "voting"})
    assert r.status_code == 200, r.text
    return [p["ownership_percent"] for p in r.json()["ownership_predictions"]]


@pytest.fixture(scope="module")
def sample_scenarios(slate):
    pts = dfslab.RaceSimulator(n_scenarios=100, random_state=5).simulate(slate).points
    return np.round(pts.astype(float), 2).tolist()


def _locs(r):
    return [tuple(d["loc"]) for d in r.json()["detail"]]


def _msg(r, loc):
    return " ".join(d["msg"] for d in r.json()["detail"] if tuple(d["loc"]) == loc)


# ---------------------------------------------------------------------------

class TestOwnershipEndpoint:
    def test_ownership_voting_ensemble(self, client, slate, sample_driver_data):
        r = client.post("/ownership", json={"driver_data": sample_driver_data, "race_data": RACE_DATA,
                                            "ensemble_method": "voting"})
        assert r.status_code == 200, r.text
        b = r.json()
        own = np.array([p["ownership_percent"] for p in b["ownership_predictions"]])
        # The plan asserted "sum to ~100": ownership is percent of entries, 6 drivers per entry -> 600.
        assert own.sum() == pytest.approx(600.0, abs=1e-6) and b["roster_size"] == 6
        assert ((own >= 0) & (own <= 100)).all()
        assert b["ensemble_method"] == "voting" and "[0.5, 0.5]" in b["model"]
        assert [p["driver_id"] for p in b["ownership_predictions"]] == [d["driver_id"] for d in sample_driver_data]
        # The same numbers as the library's voting estimator on the same pool (projections, no starts).
        s = dfslab.Slate(slate.players[["player_id", "name", "salary", "position"]].assign(
            projection=[d["projected_points"] for d in sample_driver_data]), archetype="superspeedway")
        lib = dfslab.estimate_ownership(s, estimator=ownership_estimator("voting"))["ownership"].to_numpy()
        np.testing.assert_allclose(own, lib, rtol=1e-9)
        # What the plan's payload implies is said, not silently assumed.
        notes = " ".join(b["notes"])
        assert "skill is not used" in notes and "no driver_data[].start" in notes and "no superspeedway" in notes

    def test_ownership_stacking_is_the_default_and_differs_from_voting(self, client, sample_driver_data):
        body = {"driver_data": sample_driver_data, "race_data": RACE_DATA}
        st = client.post("/ownership", json=body).json()
        vo = client.post("/ownership", json={**body, "ensemble_method": "voting"}).json()
        assert st["ensemble_method"] == "stacking"
        a = np.array([p["ownership_percent"] for p in st["ownership_predictions"]])
        b = np.array([p["ownership_percent"] for p in vo["ownership_predictions"]])
        assert a.sum() == pytest.approx(600.0) and 0.01 < np.abs(a - b).max() < 10
        # dfslab's own contract serves the same stacked numbers for the same drivers
        drivers = [{"id": d["driver_id"], "name": f"driver {d['driver_id']}", "salary": d["salary"],
                    "start": i + 1, "projection": d["projected_points"]} for i, d in enumerate(sample_driver_data)]
        r = client.post("/ownership", json={"drivers": drivers, "race": {"track_archetype": "superspeedway"},
                                            "ensemble_method": "voting"})
        assert r.status_code == 200 and r.json()["ensemble_method"] == "voting"

    def test_ownership_with_uncertainty(self, client, sample_driver_data):
        for method in ("voting", "stacking"):
            r = client.post("/ownership", json={"driver_data": sample_driver_data, "race_data": RACE_DATA,
                                                "ensemble_method": method, "include_uncertainty": True})
            assert r.status_code == 200, r.text
            P = r.json()["ownership_predictions"]
            lo, own, hi, sd = (np.array([p[k] for p in P]) for k in
                               ("uncertainty_lower", "ownership_percent", "uncertainty_upper", "std"))
            assert (lo <= own + 1e-9).all() and (own <= hi + 1e-9).all()
            assert (sd > 0).all()

    def test_ownership_invalid_track_archetype(self, client, sample_driver_data):
        r = client.post("/ownership", json={"driver_data": sample_driver_data, "ensemble_method": "voting",
                                            "race_data": {**RACE_DATA, "track_archetype": "oval"}})
        assert r.status_code == 422 and ("body", "race_data", "track_archetype") in _locs(r)
        r = client.post("/ownership", json={"driver_data": sample_driver_data, "race_data": RACE_DATA,
                                            "ensemble_method": "bagging"})
        assert r.status_code == 422 and ("body", "ensemble_method") in _locs(r)

    def test_plan_task2_example_single_driver(self, client):
        # The plan's Task 2 verify payload, verbatim ("will fail without data"): one driver is not a slate.
        r = client.post("/ownership", json={
            "driver_data": [{"driver_id": 1, "salary": 10000, "projected_points": 50, "skill": 0.9}],
            "race_data": RACE_DATA, "ensemble_method": "voting"})
        assert r.status_code == 422 and ("body", "driver_data") in _locs(r)
        assert "at least 7" in _msg(r, ("body", "driver_data"))

    def test_mixed_contracts_are_named(self, client, sample_driver_data):
        r = client.post("/ownership", json={"driver_data": sample_driver_data, "race_data": RACE_DATA,
                                            "drivers": []})
        assert r.status_code == 422 and "mixes the two contracts" in r.text and "'drivers'" in r.text


class TestContestSimEndpoint:
    def _req(self, sample_driver_data, sample_ownership, sample_scenarios, **kw):
        return {"my_lineup_scores": [150.0, 155.0, 160.0], "scenario_driver_scores": sample_scenarios,
                "field_size": 300, "n_contest_sims": 3, "contest_buyin": 20.0, "contest_size_tier": "large",
                "driver_data": sample_driver_data, "ownership_estimates": sample_ownership, **kw}

    def test_contest_sim_basic(self, client, sample_driver_data, sample_ownership, sample_scenarios):
        r = client.post("/contest-sim", json=self._req(sample_driver_data, sample_ownership, sample_scenarios))
        assert r.status_code == 200, r.text
        b = r.json()
        assert -1.0 <= b["roi"] <= 10.0
        assert 0.0 <= b["cash_pct"] <= 1.0 and 0.0 <= b["win_prob"] <= 1.0
        for k in ("roi", "roi_std", "roi_lower_5", "roi_upper_95", "cash_pct", "cash_se", "win_prob", "win_se",
                  "best_rank", "worst_rank", "best_payout", "n_simulations"):  # the plan's ContestSimResponse
            assert k in b
        assert [x["fixed_score"] for x in b["per_lineup"]] == [150.0, 155.0, 160.0]
        assert all(x["lineup"] is None for x in b["per_lineup"])
        assert b["entry_fee"] == 20.0 and b["n_opponents"] == 300 - 3
        assert any("FIXED" in n and "correlation with the field" in n for n in b["notes"])
        # A higher fixed score never does worse in the same simulated contests.
        roi = [x["roi"] for x in b["per_lineup"]]
        assert roi[0] <= roi[1] <= roi[2]
        assert b["ownership_used"] == pytest.approx(sample_ownership, rel=1e-12)

    def test_fixed_scores_rank_exactly(self, client, sample_driver_data, sample_ownership, sample_scenarios):
        # A score above any 6-driver total in every scenario wins every contest alone; one below every
        # total finishes last: the first prize and nothing, exactly.
        top = max(sum(sorted(row)[-6:]) for row in sample_scenarios) + 1
        r = client.post("/contest-sim", json=self._req(sample_driver_data, sample_ownership, sample_scenarios,
                                                       my_lineup_scores=[top]))
        assert r.status_code == 200, r.text
        w = r.json()["per_lineup"][0]
        assert w["win_prob"] == 1.0 and w["best_rank"] == w["worst_rank"] == 1 and w["roi_std"] == pytest.approx(0, abs=1e-9)
        assert w["roi"] == pytest.approx(w["best_payout"] / 20.0 - 1.0, rel=1e-12)  # the first prize, every time
        low = min(sum(sorted(row)[:6]) for row in sample_scenarios) - 1
        r = client.post("/contest-sim", json=self._req(sample_driver_data, sample_ownership, sample_scenarios,
                                                       my_lineup_scores=[low]))
        b = r.json()
        assert b["roi"] == -1.0 and b["cash_pct"] == 0.0 and b["best_rank"] == 300

    def test_contest_sim_large_field(self, client, sample_driver_data, sample_ownership, sample_scenarios):
        r = client.post("/contest-sim", json=self._req(sample_driver_data, sample_ownership, sample_scenarios[:30],
                                                       field_size=10000, n_contest_sims=2))
        assert r.status_code == 200, r.text
        b = r.json()
        assert b["n_simulations"] == b["n_scenarios"] * b["n_contest_sims"] == 30 * 2
        assert b["best_rank"] >= 1 and b["worst_rank"] <= 10000

    def test_contest_sim_invalid_tier(self, client, sample_driver_data, sample_ownership, sample_scenarios):
        r = client.post("/contest-sim", json=self._req(sample_driver_data, sample_ownership, sample_scenarios,
                                                       contest_size_tier="huge"))
        assert r.status_code == 422 and ("body", "contest_size_tier") in _locs(r)

    def test_plan_payload_without_pool_says_what_to_send(self, client):
        # The plan's end-to-end step 2, verbatim: fixed scores, a 10 x 12 matrix, no drivers, no ownership.
        r = client.post("/contest-sim", json={"my_lineup_scores": [150.0], "scenario_driver_scores": [[50] * 12] * 10,
                                              "field_size": 100, "contest_size_tier": "large"})
        assert r.status_code == 422 and _locs(r) == [("body", "driver_data")]
        msg = _msg(r, ("body", "driver_data"))
        assert "salary" in msg and "driver_data" in msg and "column of scenario_driver_scores" in msg

    def test_ownership_summing_to_100_is_explained(self, client, sample_driver_data, sample_ownership,
                                                   sample_scenarios):
        share = [x / 6 for x in sample_ownership]  # the plan's "ownership_estimates must sum to ~100"
        r = client.post("/contest-sim", json=self._req(sample_driver_data, share, sample_scenarios))
        assert r.status_code == 422 and "Multiply your vector by 6" in _msg(r, ("body", "ownership_estimates"))

    def test_ownership_estimated_from_race_data(self, client, sample_driver_data, sample_scenarios):
        body = self._req(sample_driver_data, None, sample_scenarios, n_contest_sims=1)
        del body["ownership_estimates"]
        r = client.post("/contest-sim", json=body)
        assert r.status_code == 422 and "race_data" in _msg(r, ("body", "ownership_estimates"))
        r = client.post("/contest-sim", json={**body, "race_data": RACE_DATA})
        assert r.status_code == 200, r.text
        assert sum(r.json()["ownership_used"]) == pytest.approx(600.0, abs=1e-6)


class TestLeverageOptimizeEndpoint:
    SPEC = {"salary_cap": 50000, "n_drivers": 6}

    def test_leverage_optimize_basic(self, client, sample_driver_data, sample_ownership):
        r = client.post("/optimize-with-leverage", json={
            "constraint_spec": self.SPEC, "ownership_estimates": sample_ownership, "n_lineups": 5,
            "leverage_penalty": 0.5, "driver_data": sample_driver_data})
        assert r.status_code == 200, r.text
        b = r.json()
        L = b["lineups"]
        assert 1 <= len(L) <= 5
        by_id = dict(zip([d["driver_id"] for d in sample_driver_data], sample_ownership))
        counts: dict[str, int] = {}
        for lu in L:
            assert isinstance(lu["leverage_score"], float)
            assert 0 <= lu["avg_ownership"] <= 100 and lu["total_salary"] <= 50000
            ids = [d["driver_id"] for d in lu["drivers"]]
            # the plan's defaults apply: max_ownership_per_driver 0.3, max_total_ownership 3.0, 2 drivers < 10%
            assert lu["max_ownership"] <= 30.0 + 1e-9 and lu["total_ownership"] <= 300.0 + 1e-9
            assert lu["n_low_owned"] >= 2 and lu["regime"] is None
            assert lu["total_ownership"] == pytest.approx(sum(by_id[i] for i in ids), rel=1e-9)
            for i in ids:
                counts[i] = counts.get(i, 0) + 1
        # diversification_score = 1 - sum(own^2) / (sum own)^2 over the portfolio's own ownership of each driver
        c = np.array(list(counts.values()), float)
        assert b["ownership_metrics"]["diversification_score"] == pytest.approx(1 - (c ** 2).sum() / c.sum() ** 2)
        over = [d for d, o in by_id.items() if o > 30]
        if over:
            assert any("max_ownership_per_driver=0.3" in n for n in b["notes"])

    def test_pool_in_constraint_spec(self, client, sample_driver_data, sample_ownership):
        body = {"ownership_estimates": sample_ownership, "n_lineups": 3}
        a = client.post("/optimize-with-leverage", json={**body, "constraint_spec": self.SPEC,
                                                         "driver_data": sample_driver_data})
        b = client.post("/optimize-with-leverage", json={**body, "constraint_spec": {**self.SPEC,
                                                                                    "drivers": sample_driver_data}})
        assert a.status_code == b.status_code == 200
        assert a.json()["lineups"] == b.json()["lineups"]
        both = client.post("/optimize-with-leverage", json={**body, "driver_data": sample_driver_data,
                                                            "constraint_spec": {**self.SPEC, "drivers": sample_driver_data}})
        assert both.status_code == 422 and "given twice" in both.text

    def test_leverage_optimize_with_regimes(self, client, sample_driver_data, sample_ownership, slate):
        body = {"constraint_spec": self.SPEC, "ownership_estimates": sample_ownership, "n_lineups": 6,
                "driver_data": sample_driver_data, "use_regime_allocation": True, "n_scenarios": 300}
        r = client.post("/optimize-with-leverage", json=body)
        assert r.status_code == 422
        assert "race_data.race_laps" in r.text  # races must be simulated: what they need
        race = {**RACE_DATA, "track_archetype": "intermediate", "race_laps": 267}
        starts = [{**d, "start": int(s)} for d, s in zip(sample_driver_data, slate.players.start)]
        r = client.post("/optimize-with-leverage", json={**body, "driver_data": starts, "race_data": race})
        assert r.status_code == 200, r.text
        regimes = [lu["regime"] for lu in r.json()["lineups"]]
        assert len(regimes) == 6 and all(g in REGIMES for g in regimes)
        # before qualifying (no start at all) the simulated races draw their own start orders
        r = client.post("/optimize-with-leverage", json={**body, "race_data": race})
        assert r.status_code == 200, r.text
        assert len(r.json()["lineups"]) == 6
        # starts for only some drivers: a 422 naming the missing ones
        partial = [{**d, "start": i + 1} if i >= 2 else d for i, d in enumerate(sample_driver_data)]
        r = client.post("/optimize-with-leverage", json={**body, "driver_data": partial, "race_data": race})
        assert r.status_code == 422 and "start is given for" in r.text and "give it for every driver" in r.text

    def test_leverage_optimize_ownership_constraints(self, client, sample_driver_data, sample_ownership):
        r = client.post("/optimize-with-leverage", json={
            "constraint_spec": self.SPEC, "ownership_estimates": sample_ownership, "n_lineups": 5,
            "driver_data": sample_driver_data, "max_ownership_per_driver": 0.2})
        assert r.status_code == 200, r.text
        for lu in r.json()["lineups"]:
            assert lu["max_ownership"] <= 20.0 + 1e-9
        r = client.post("/optimize-with-leverage", json={
            "constraint_spec": self.SPEC, "ownership_estimates": sample_ownership, "driver_data": sample_driver_data,
            "max_ownership_per_driver": 30})  # percent where the plan says fraction
        assert r.status_code == 422 and ("body", "max_ownership_per_driver") in _locs(r)

    def test_plan_payload_without_pool_says_what_to_send(self, client, sample_ownership):
        # The plan's end-to-end step 3 shape: ownership but no salaries anywhere.
        r = client.post("/optimize-with-leverage", json={"constraint_spec": self.SPEC,
                                                         "ownership_estimates": sample_ownership,
                                                         "n_lineups": 3, "leverage_penalty": 0.5})
        assert r.status_code == 422 and _locs(r) == [("body", "driver_data")]
        assert "salary" in r.text and "constraint_spec.drivers" in r.text

    def test_other_rosters_are_refused(self, client, sample_driver_data, sample_ownership):
        for spec, word in (({"salary_cap": 60000, "n_drivers": 6}, "salary_cap"), ({"salary_cap": 50000, "n_drivers": 5}, "n_drivers")):
            r = client.post("/optimize-with-leverage", json={"constraint_spec": spec, "driver_data": sample_driver_data,
                                                             "ownership_estimates": sample_ownership})
            assert r.status_code == 422 and ("body", "constraint_spec", word) in _locs(r)
            assert "DraftKings NASCAR classic" in r.text


class TestEndToEndPipeline:
    def test_full_pipeline_as_written(self, client):
        """The plan's verify script, payloads verbatim. Its 12 drivers cost $8,200-$10,400: the six cheapest
        total $52,200 > $50,000, so no legal lineup exists; every step says so or names what is missing."""
        r1 = client.post("/ownership", json={"driver_data": PLAN_DRIVERS, "race_data": RACE_DATA,
                                             "ensemble_method": "voting"})
        assert r1.status_code == 422 and "$52,200 > the $50,000 cap" in _msg(r1, ("body", "driver_data"))
        r2 = client.post("/contest-sim", json={"my_lineup_scores": [150.0], "scenario_driver_scores": [[50] * 12] * 10,
                                               "field_size": 100, "contest_size_tier": "large"})
        assert r2.status_code == 422 and _locs(r2) == [("body", "driver_data")]
        own_600 = [50.0] * 12  # what step 1 would return for 12 drivers (600 / 12 each); the plan passes it on
        r3 = client.post("/optimize-with-leverage", json={"constraint_spec": {"salary_cap": 50000, "n_drivers": 6},
                                                          "ownership_estimates": own_600, "n_lineups": 3,
                                                          "leverage_penalty": 0.5})
        assert r3.status_code == 422 and _locs(r3) == [("body", "driver_data")]
        # Adding the field the 422s name (the plan's own 12 drivers) reaches the real problem: the cap.
        r2b = client.post("/contest-sim", json={"my_lineup_scores": [150.0], "scenario_driver_scores": [[50] * 12] * 10,
                                                "field_size": 100, "contest_size_tier": "large",
                                                "driver_data": PLAN_DRIVERS, "ownership_estimates": own_600})
        r3b = client.post("/optimize-with-leverage", json={"constraint_spec": {"salary_cap": 50000, "n_drivers": 6},
                                                           "ownership_estimates": own_600, "n_lineups": 3,
                                                           "leverage_penalty": 0.5, "driver_data": PLAN_DRIVERS})
        for r in (r2b, r3b):
            assert r.status_code == 422 and "no legal lineup" in _msg(r, ("body", "driver_data"))

    def test_full_pipeline(self, client, sample_driver_data, sample_scenarios):
        """The plan's pipeline (ownership -> contest sim -> leverage optimization, then the optimized lineups in
        a contest) in the plan's field names, on a legal pool."""
        n = len(sample_driver_data)
        r1 = client.post("/ownership", json={"driver_data": sample_driver_data, "race_data": RACE_DATA,
                                             "ensemble_method": "voting"})
        assert r1.status_code == 200
        ownership = [p["ownership_percent"] for p in r1.json()["ownership_predictions"]]
        assert sum(ownership) == pytest.approx(600.0)
        # step 2 as the plan wrote it (every driver scores 50 in all 10 scenarios, so every field lineup
        # scores 300 and a fixed 150 finishes last), plus the pool and the ownership from step 1
        r2 = client.post("/contest-sim", json={"my_lineup_scores": [150.0], "scenario_driver_scores": [[50] * n] * 10,
                                               "field_size": 100, "contest_size_tier": "large",
                                               "driver_data": sample_driver_data, "ownership_estimates": ownership})
        assert r2.status_code == 200, r2.text
        b2 = r2.json()
        assert b2["roi"] == -1.0 and b2["cash_pct"] == 0.0 and b2["best_rank"] == 100
        assert b2["n_simulations"] == 10 * 100  # the plan's default n_contest_sims = 100
        # step 3
        r3 = client.post("/optimize-with-leverage", json={"constraint_spec": {"salary_cap": 50000, "n_drivers": 6},
                                                          "ownership_estimates": ownership, "n_lineups": 3,
                                                          "leverage_penalty": 0.5, "driver_data": sample_driver_data})
        assert r3.status_code == 200, r3.text
        b3 = r3.json()
        lineups = b3["lineups"]
        assert len(lineups) == 3 and b3["ownership_used"] == pytest.approx(ownership, rel=1e-12)
        proj = {d["driver_id"]: d["projected_points"] for d in sample_driver_data}
        for lu in lineups:
            assert lu["total_projected_points"] == pytest.approx(sum(proj[d["driver_id"]] for d in lu["drivers"]))
        # the optimized lineups, as the plan's contest takes them (fixed scores), in simulated races
        scores = [lu["total_projected_points"] for lu in lineups]
        r4 = client.post("/contest-sim", json={"my_lineup_scores": scores, "scenario_driver_scores": sample_scenarios,
                                               "field_size": 300, "n_contest_sims": 2, "contest_size_tier": "small",
                                               "driver_data": sample_driver_data, "ownership_estimates": ownership})
        assert r4.status_code == 200, r4.text
        b4 = r4.json()
        assert [x["fixed_score"] for x in b4["per_lineup"]] == pytest.approx(scores)
        assert b4["ownership_used"] == pytest.approx(ownership, rel=1e-12)
        assert -1.0 <= b4["roi"] <= 10.0 and b4["n_simulations"] == len(sample_scenarios) * 2


# ---------------------------------------------------------------------------

def test_plan_verification_snippet():
    """The plan's <verification> block: `from ... import app`, TestClient(app), /health, the three paths."""
    from dfslab.app.api import app

    client = TestClient(app)
    response = client.get("/health")
    assert response.status_code == 200
    schema = app.openapi()
    paths = schema["paths"].keys()
    assert "/ownership" in paths
    assert "/contest-sim" in paths
    assert "/optimize-with-leverage" in paths
    # both contracts are in the schema of each POST body
    body = schema["paths"]["/contest-sim"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert sorted(x["$ref"].rsplit("/", 1)[1] for x in body["oneOf"]) == ["ContestSimRequest", "SeedContestSimRequest"]


def test_app_is_lazy_and_uvicorn_importable():
    code = ("import sys, dfslab; assert 'fastapi' not in sys.modules; import dfslab.app.api as a; "
            "assert 'app' not in vars(a); from uvicorn.importer import import_from_string; "
            "from fastapi import FastAPI; assert isinstance(import_from_string('dfslab.app.api:app'), FastAPI)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_plan_task1_model_snippet():
    """The plan's Task 1 verify snippet builds the request models directly: both requests fail, and say why."""
    with pytest.raises(ValidationError, match="needs each driver's salary"):
        SeedContestSimRequest(my_lineup_scores=[150.0, 155.0, 160.0], scenario_driver_scores=[[50] * 6] * 100,
                              field_size=1000, n_contest_sims=100, contest_buyin=20.0)
    with pytest.raises(ValidationError) as e:
        SeedLeverageOptimizeRequest(constraint_spec=None, ownership_estimates=[20, 15, 12, 10, 8, 7], n_lineups=10,
                                    leverage_penalty=0.5)
    assert "driver_data" in str(e.value) and "got 72.00" in str(e.value)  # no pool; sums to 72, not 600 (nor 100)
