"""Benchmark: 10,000 scenarios of a 40-driver, 300-lap race (target <= 0.5 s, <= 300 MB peak).

    .venv/bin/python benchmarks/bench_racesim.py [--repeats 7]

Prints the median wall time of several runs, the tracemalloc peak of one run
(Python-level allocations, numpy included), the process RSS high-water mark,
and as a baseline the time of a 1,000-scenario run in the same process
(ratio shows near-linear scaling).
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np

from dfslab import Slate, demo_slate
from dfslab.racesim import RaceSimulator


def bench_slate() -> Slate:
    s = demo_slate(n_drivers=40, archetype="short")
    return Slate(players=s.players, archetype="short", race_laps=300, date=s.date, name="bench-40x300")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--n-scenarios", type=int, default=10_000)
    a = ap.parse_args(argv)
    slate = bench_slate()
    sim = RaceSimulator(n_scenarios=a.n_scenarios, random_state=0)
    sim.simulate(slate)  # warm-up (loads params, imports)
    times = []
    for _ in range(a.repeats):
        t = time.perf_counter()
        res = sim.simulate(slate)
        times.append(time.perf_counter() - t)
    small = RaceSimulator(n_scenarios=a.n_scenarios // 10, random_state=0)
    small_times = []
    for _ in range(a.repeats):
        t = time.perf_counter()
        small.simulate(slate)
        small_times.append(time.perf_counter() - t)
    tracemalloc.start()
    sim.simulate(slate)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    med = float(np.median(times))
    print(f"racesim: {a.n_scenarios} scenarios x {slate.n_players} drivers x {slate.race_laps} laps")
    print(f"  median {med:.3f} s over {a.repeats} runs (min {min(times):.3f}, max {max(times):.3f}); target <= 0.5 s")
    print(f"  baseline {a.n_scenarios // 10} scenarios: median {np.median(small_times):.3f} s "
          f"-> ratio {med / np.median(small_times):.1f}x for 10x the scenarios")
    print(f"  tracemalloc peak {peak / 2**20:.1f} MiB; process RSS high-water {rss:.1f} MiB; target <= 300 MB")
    print(f"  output: points {res.points.dtype} {res.points.nbytes / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
