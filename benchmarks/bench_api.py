"""Benchmark the REST API in-process (TestClient): latency per endpoint on the demo slate, and the
heaviest requests the limits allow (contest-sim at n_scenarios x field_size x n_contest_sims = limit,
optimize with 45 drivers x 150 lineups). Prints median seconds and the process's peak RSS.

Needs the api extra; prints a note and exits 0 without it. Usage: python benchmarks/bench_api.py [--quick]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import warnings


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the limit-sized requests")
    args = ap.parse_args()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient
    except ImportError:
        print("fastapi not installed (pip install 'dfslab[api]'): skipped")
        return 0
    import numpy as np

    import dfslab
    from dfslab.app.api import MAX_DRIVERS, MAX_LINEUPS, create_app

    c = TestClient(create_app())
    s = dfslab.demo_slate()
    D = [dict(id=r.player_id, name=r.name, salary=int(r.salary), start=int(r.start)) for r in s.players.itertuples()]
    race = {"track_archetype": "intermediate", "race_laps": 267}

    def timed(path, body, repeats):
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            r = c.post(path, json=body)
            ts.append(time.perf_counter() - t0)
            assert r.status_code == 200, r.text[:500]
        return statistics.median(ts), r.json()

    t, b = timed("/ownership", {"drivers": D, "race": race, "include_uncertainty": True}, 5)
    own = [p["ownership_percent"] for p in b["ownership_predictions"]]
    print(f"/ownership (38 drivers, intervals): median {t * 1000:.0f} ms")
    t, b = timed("/optimize-with-leverage", {"drivers": D, "race": race, "ownership_estimates": own, "n_lineups": 20}, 3)
    lus = [[d["driver_id"] for d in lu["drivers"]] for lu in b["lineups"]]
    print(f"/optimize-with-leverage (20 lineups, 1,000 simulated races for projections): median {t:.2f} s")
    body = {"drivers": D, "race": race, "my_lineups": lus, "ownership_estimates": own, "n_scenarios": 1000,
            "field_size": 1000, "n_contest_sims": 10}
    t, _ = timed("/contest-sim", body, 3)
    print(f"/contest-sim (20 lineups, 1,000 races x 1,000 entries x 10 fields; field sampler cached after run 1): median {t:.2f} s")
    if not args.quick:
        body = {**body, "n_scenarios": 10000, "field_size": 10000, "n_contest_sims": 1,
                "my_lineups": (lus * 8)[:MAX_LINEUPS]}
        t, _ = timed("/contest-sim", body, 1)
        print(f"/contest-sim at the work limit (150 lineups, 10,000 races x 10,000 entries x 1 field = 1e8): {t:.1f} s")
        rng = np.random.default_rng(0)
        n = MAX_DRIVERS
        sal = (np.sort(rng.integers(45, 115, n))[::-1] * 100).tolist()
        D45 = [dict(id=f"d{i}", name=f"Driver {i}", salary=int(sal[i]), start=i + 1, projection=sal[i] / 300) for i in range(n)]
        t, b = timed("/optimize-with-leverage", {"drivers": D45, "race": race, "n_lineups": MAX_LINEUPS}, 1)
        print(f"/optimize-with-leverage at the limit (45 drivers, 150 lineups, {b['portfolio_metrics']['method']}): {t:.1f} s")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
