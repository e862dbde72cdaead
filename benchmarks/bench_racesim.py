"""Benchmark: race simulator speed, linear scaling and bounded memory.

    .venv/bin/python benchmarks/bench_racesim.py [--repeats 7] [--big 100000]

Prints, for a 40-driver, 300-lap race:
- the median wall time of 10,000 scenarios over several runs (target <= 0.5 s) and, as
  a baseline in the same process, of 1,000 scenarios (ratio: near-linear scaling);
- the same 10,000 scenarios before qualifying (no start column: a start order drawn per
  scenario), as a ratio to the run with known starts;
- the tracemalloc peak of one 10,000-scenario run;
- in a fresh subprocess each, 10,000 and ``--big`` (default 100,000) scenarios: wall time
  (ratio: time linear in scenarios) and the **peak RSS growth** during the run over the
  process's RSS before it (target <= 300 MB for 100,000 scenarios; the simulator works in
  fixed chunks of ``CHUNK`` scenarios, so only the outputs grow with the count);
- with the real data folder, the user path: a real slate's history found by itself,
  three mean sources blended and matched (the extra cost over a plain run).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from dfslab import Slate, data_dir, demo_slate
from dfslab.racesim import RaceSimulator

ROOT = Path(__file__).resolve().parent.parent


def bench_slate() -> Slate:
    s = demo_slate(n_drivers=40, archetype="short")
    return Slate(players=s.players, archetype="short", race_laps=300, date=s.date, name="bench-40x300")


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def child(n: int) -> dict:
    """One run of ``n`` scenarios in this (fresh) process: wall time and RSS growth."""
    slate = bench_slate()
    RaceSimulator(n_scenarios=200, random_state=1).simulate(slate)  # imports, parameters, first-call costs
    before = _rss_mib()
    t = time.perf_counter()
    res = RaceSimulator(n_scenarios=n, random_state=0).simulate(slate)
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    out_mib = sum(getattr(res, k).nbytes for k in ("points", "finish", "laps_led", "fastest_laps", "dnf")) / 2**20
    return {"n": n, "seconds": dt, "rss_before_mib": before, "peak_rss_mib": peak, "growth_mib": peak - before,
            "outputs_mib": out_mib}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--n-scenarios", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(child(a.child)))
        return
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
    # before qualifying: the same race with its start order drawn per scenario
    unq = slate.with_players(slate.players.drop(columns=["start"]))
    sim.simulate(unq)
    unq_times = []
    for _ in range(a.repeats):
        t = time.perf_counter()
        sim.simulate(unq)
        unq_times.append(time.perf_counter() - t)
    tracemalloc.start()
    sim.simulate(slate)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    med = float(np.median(times))
    print(f"racesim: {a.n_scenarios} scenarios x {slate.n_players} drivers x {slate.race_laps} laps")
    print(f"  median {med:.3f} s over {a.repeats} runs (min {min(times):.3f}, max {max(times):.3f}); target <= 0.5 s")
    print(f"  baseline {a.n_scenarios // 10} scenarios: median {np.median(small_times):.3f} s "
          f"-> ratio {med / np.median(small_times):.1f}x for 10x the scenarios")
    print(f"  before qualifying (start order drawn per scenario): median {np.median(unq_times):.3f} s "
          f"-> {np.median(unq_times) / med:.2f}x the run with known starts")
    print(f"  tracemalloc peak {peak / 2**20:.1f} MiB; output: points {res.points.dtype} "
          f"{res.points.nbytes / 2**20:.1f} MiB")
    runs = []
    for n in (a.n_scenarios, a.big):
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    for r in runs:
        print(f"  fresh process, {r['n']:,} scenarios: {r['seconds']:.2f} s; peak RSS growth {r['growth_mib']:.0f} MiB "
              f"(outputs {r['outputs_mib']:.0f} MiB; RSS before {r['rss_before_mib']:.0f} MiB)")
    k = runs[1]["n"] / runs[0]["n"]
    print(f"  {k:.0f}x the scenarios: {runs[1]['seconds'] / runs[0]['seconds']:.1f}x the time; "
          f"{runs[1]['n']:,} scenarios peak RSS growth {runs[1]['growth_mib']:.0f} MiB (target <= 300 MB)")
    if data_dir(required=False) is not None:
        import dfslab

        real = [p for p in dfslab.list_nascar_slates() if p.name.startswith("cup_2025-09-13")][0]
        rs = dfslab.read_nascar_slate(real)
        from dfslab.racesim import load_history

        t = time.perf_counter()
        load_history()
        t_hist = time.perf_counter() - t
        ts = []
        for _ in range(3):
            t = time.perf_counter()
            r = RaceSimulator(n_scenarios=a.n_scenarios, random_state=0).simulate(rs)
            ts.append(time.perf_counter() - t)
        print(f"  user path ({rs.name}: history found, projection/history/salary blended, {a.n_scenarios} "
              f"scenarios): median {np.median(ts):.2f} s (history read once per process: {t_hist:.1f} s); "
              f"{r.strength_source}")


if __name__ == "__main__":
    main()
