"""Benchmark ContestSimulator against a plain-numpy field simulator, in one run.

Rows (demo NASCAR slate, a fitted FieldLineupSampler field, a generated GPP payout table):
  A  150 lineups vs a 10,000-entry field x 10,000 scenarios (1e8 lineup scorings):
     ours (numba kernel, every thread numba has) vs the plain-numpy engine dfslab used before
     (score every entry, sort each scenario's field, searchsorted: dfslab.contest._reference),
     identical ranks and prizes checked; median of runs, ratio in the same process.
  B  150 lineups vs a 100,000-entry field x 1,000 scenarios (memory bounded in the field size).
  C  150 lineups vs a 1,000,000-entry field x 10,000 scenarios (target < 2 min);
     the field is drawn in 100,000-entry parts (the sampler caps the time of one call). The fitted
     demo field is chalky (few distinct lineups), so
  D  (--huge) repeats C with 1,000,000 different legal lineups (of the slate's 2.7 million): the worst case.
Throughput counts (my lineups + field entries) x scenarios. "cpu" is the process CPU time (all
threads): on a shared machine wall time also counts other processes' load, CPU time does not.
Peak memory: the process's resident high-water mark (VmHWM, reset before each row).

Usage: python benchmarks/bench_contest.py [--quick] [--huge] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from dfslab import demo_slate
from dfslab.contest import ContestSimulator, FieldLineupSampler, PayoutCurveFitter, prize_cumsum, score_contest_numpy


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM (Linux)
    except OSError:
        pass


def _peak_mib():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _timed(fn, repeats):
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return out, statistics.median(walls), statistics.median(cpus), walls


def setup():
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
    return slate, fs


class DistinctField:
    """The worst case for the kernel: ``n`` different legal lineups drawn from every legal lineup of the slate."""

    def __init__(self, slate):
        self.slate = slate
        sal = slate.salaries.astype(np.int64)
        n, R, cap = len(sal), slate.rules.roster_size, slate.rules.salary_cap
        L, S, cheapest = np.arange(n)[:, None], sal.copy(), np.sort(sal)
        for level in range(2, R + 1):  # combinations level by level, pruned by the cap
            last = L[:, -1]
            counts = np.maximum(n - 1 - last - (R - level), 0)
            counts[S + cheapest[: R - level + 1].sum() > cap] = 0
            parent = np.repeat(np.arange(len(L)), counts)
            new = np.arange(counts.sum()) - (np.cumsum(counts) - counts - last - 1)[parent]
            L, S = np.hstack([L[parent], new[:, None]]), S[parent] + sal[new]
        self.legal = L[S <= cap]

    def sample(self, n, random_state=None):
        rng = np.random.default_rng(random_state)
        return self.legal[rng.choice(len(self.legal), n, replace=n > len(self.legal))]


def row(label, fs, slate, n_lineups, field_size, n_scen, repeats, ref_repeats=0):
    rng = np.random.default_rng(0)
    P = np.round(rng.gamma(3.0, 9.0, (n_scen, slate.n_players)), 2)
    t0 = time.perf_counter()
    if isinstance(fs, DistinctField):
        F = fs.sample(field_size, random_state=1)
    else:  # the sampler caps its own time per call: a 1M field is drawn in 100k-entry parts
        F = np.vstack([fs.sample(min(100_000, field_size - a), random_state=1 + a)
                       for a in range(0, field_size, 100_000)])
    t_sample = time.perf_counter() - t0
    mine = fs.sample(n_lineups, random_state=2)
    n_distinct = len(np.unique(np.sort(F, 1), axis=0))
    table = PayoutCurveFitter().load().generate(entries=field_size + n_lineups, entry_fee=20.0)
    cs = ContestSimulator(table, field_size=field_size, entry_fee=20.0, random_state=0, progress=False)
    _reset_peak()
    base_rss = _peak_mib()
    res, wall, cpu, walls = _timed(lambda: cs.simulate(mine, P, F, slate=slate), repeats)
    peak = _peak_mib() - base_rss
    n = (n_lineups + field_size) * n_scen
    print(f"{label}: {n_lineups} lineups vs {field_size:,} field ({n_distinct:,} distinct; sampled in {t_sample:.1f} s)"
          f" x {n_scen:,} scenarios = {n:.2e} scorings")
    print(f"  ours:  median {wall:.3f} s over {repeats} runs {[round(w, 3) for w in walls]} -> {n / wall:.2e} "
          f"scorings/s (cpu {cpu:.3f} s -> {n / cpu:.2e} per cpu-second); peak RSS +{peak:.0f} MiB")
    out = {"label": label, "n": n, "wall": wall, "cpu": cpu, "peak": peak}
    if ref_repeats:
        keys = np.rint(P * 100).astype(np.int32)
        cum = prize_cumsum(table, field_size + n_lineups)
        _reset_peak()
        base_rss = _peak_mib()
        (pay0, rank0, _), rwall, rcpu, rwalls = _timed(lambda: score_contest_numpy(keys, mine, F, cum), ref_repeats)
        rpeak = _peak_mib() - base_rss
        same = np.array_equal(rank0, res.ranks) and np.array_equal(pay0 / 20.0 - 1.0, res.roi_samples)
        print(f"  plain-numpy field simulator (score + sort the field): median {rwall:.3f} s over {ref_repeats} runs "
              f"-> {n / rwall:.2e} scorings/s (cpu {rcpu:.3f} s); peak RSS +{rpeak:.0f} MiB; identical ranks and "
              f"prizes: {same}")
        print(f"  ratio: ours {rwall / wall:.1f}x faster (wall), {rcpu / cpu:.1f}x less cpu")
        out.update(ref_wall=rwall, ref_cpu=rcpu, ref_peak=rpeak, same=same)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small rows (a smoke run, not a measurement)")
    ap.add_argument("--huge", action="store_true", help="also row D (1M distinct lineups x 10k scenarios, ~1 min)")
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args(argv)
    import numba

    print("load average (1/5/15 min) at start: " + " / ".join(f"{x:.2f}" for x in os.getloadavg()) +
          f"; {os.cpu_count()} cores; numba threads {numba.get_num_threads()}")
    slate, fs = setup()
    # first call in this process: compiles the kernels, or loads them from numba's on-disk cache
    t0 = time.perf_counter()
    ContestSimulator(PayoutCurveFitter().load().generate(entries=60, entry_fee=1.0), field_size=50, entry_fee=1.0,
                     progress=False).simulate(fs.sample(10, random_state=0), np.ones((3, slate.n_players)),
                                              fs.sample(50, random_state=1), track_field=True)
    print(f"first simulation (kernel compile, or load from numba's cache): {time.perf_counter() - t0:.1f} s")
    rows = []
    if a.quick:
        rows.append(row("A", fs, slate, 150, 10_000, 1_000, 3, ref_repeats=1))
        rows.append(row("B", fs, slate, 150, 100_000, 100, 1))
    else:
        rows.append(row("A", fs, slate, 150, 10_000, 10_000, a.repeats, ref_repeats=2))
        rows.append(row("B", fs, slate, 150, 100_000, 1_000, 3))
        rows.append(row("C", fs, slate, 150, 1_000_000, 10_000, 1))
    if a.huge:
        rows.append(row("D", DistinctField(slate), slate, 150, 1_000_000, 10_000, 1))
    print("\n| run | scorings | ours (median) | scorings/s | plain numpy | ratio | peak RSS ours / numpy |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ref = (f"{r['ref_wall']:.2f} s | {r['ref_wall'] / r['wall']:.1f}x | {r['peak']:.0f} / {r['ref_peak']:.0f} MiB"
               if "ref_wall" in r else f"- | - | {r['peak']:.0f} MiB")
        print(f"| {r['label']} | {r['n']:.1e} | {r['wall']:.2f} s | {r['n'] / r['wall']:.1e} | {ref} |")
    print("load average (1/5/15 min) at end: " + " / ".join(f"{x:.2f}" for x in os.getloadavg()))
    return rows


if __name__ == "__main__":
    main()
