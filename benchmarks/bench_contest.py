"""Benchmark ContestSimulator: 150 lineups vs a 10,000-entry field over 10,000 scenarios (1e8 scorings),
and a 100,000-entry field with bounded memory. Prints median time, throughput and peak memory.

Usage: python benchmarks/bench_contest.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc

import numpy as np

from dfslab import demo_slate
from dfslab.contest import ContestSimulator, FieldLineupSampler, PayoutCurveFitter


def run(n_lineups, field_size, n_scen, repeats, fs, slate):
    rng = np.random.default_rng(0)
    P = np.round(rng.gamma(3.0, 9.0, (n_scen, slate.n_players)), 2)
    F = fs.sample(field_size, random_state=1)
    mine = fs.sample(n_lineups, random_state=2)
    table = PayoutCurveFitter().load().generate(entries=field_size + n_lineups, entry_fee=20.0)
    times = []
    for _ in range(repeats):
        cs = ContestSimulator(table, field_size=field_size, entry_fee=20.0, random_state=0, progress=False)
        tracemalloc.start()
        t0 = time.perf_counter()
        res = cs.simulate(mine, P, F)
        times.append(time.perf_counter() - t0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    med = float(np.median(times))
    n = (n_lineups + field_size) * n_scen  # every lineup (field and mine) scored in every scenario
    print(f"{n_lineups} lineups vs {field_size:,} field x {n_scen:,} scenarios = {n:.1e} lineup scorings: "
          f"median {med:.2f} s over {repeats} runs (min {min(times):.2f}), {n / med:.2e} scorings/s, "
          f"peak traced memory {peak / 2**20:.0f} MB; portfolio ROI {res.portfolio['roi_mean']:+.3f}")
    return med


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    # 2 shared cores: report the load so figures from a busy moment are recognisable
    print("load average (1/5/15 min) at start: " + " / ".join(f"{x:.2f}" for x in os.getloadavg()))
    slate = demo_slate()
    own = np.clip(np.exp(1.2 * slate.players["rating"].to_numpy()), 0, None)
    ref = FieldLineupSampler(slate, np.full(slate.n_players, 600 / slate.n_players), random_state=5,
                             match_ownership=False)
    ref.logw_ = np.log(own)
    own = ref.ownership_of(ref.sample(20000), slate.n_players)
    t0 = time.perf_counter()
    fs = FieldLineupSampler(slate, own, random_state=0).fit()
    print(f"field sampler fit: {time.perf_counter() - t0:.2f} s ({fs.n_iter_} iterations, "
          f"calibration gap {fs.calibration_error_:.2f} pp)")
    t0 = time.perf_counter()
    fs.sample(10_000, random_state=3)
    print(f"field sampler: 10,000 entries in {time.perf_counter() - t0:.2f} s")
    if a.quick:
        base = run(150, 10_000, 1_000, 3, fs, slate)
        run(150, 100_000, 100, 1, fs, slate)
    else:
        base = run(150, 10_000, 1_000, 3, fs, slate)
        full = run(150, 10_000, 10_000, 3, fs, slate)
        print(f"ratio 10,000 / 1,000 scenarios: {full / base:.1f}x (linear = 10x)")
        run(150, 100_000, 1_000, 1, fs, slate)
    print(f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print("load average (1/5/15 min) at end: " + " / ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
