"""Benchmark FieldLineupSampler: fit and sample on the demo slate and (with the data folder) a real NASCAR slate,
ownership-only vs with projection-driven entries (``projections=``). Median of repeats; the ratio to the
ownership-only field is measured in the same process. Uses only ``projections=`` so it runs on older versions too.

Usage: python benchmarks/bench_field.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np

from dfslab import data_dir, demo_slate
from dfslab.contest import FieldLineupSampler


def timed(f, repeats):
    out, ts = None, []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = f()
        ts.append(time.perf_counter() - t0)
    return out, float(np.median(ts))


def bench(name, slate, own, proj, sizes, repeats):
    base = None
    for label, kw in (("ownership only", {}), ("projections", {"projections": proj})):
        fs, t_fit = timed(lambda: FieldLineupSampler(slate, own, random_state=0, **kw).fit(), repeats)
        line = f"{name:24s} {label:15s} fit {t_fit:6.2f} s ({fs.n_iter_:2d} it, gap {fs.calibration_error_:.2f} pp)"
        ts = []
        for n in sizes:
            _, t = timed(lambda: fs.sample(n, random_state=1), repeats)
            ts.append(t)
            line += f" | sample {n:,}: {t:5.2f} s"
        if base is None:
            base = (t_fit, ts)
        else:
            line += f" | ratio fit {t_fit / base[0]:.2f}x, sample " + ", ".join(f"{a / b:.2f}x" for a, b in zip(ts, base[1]))
        print(line, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="one repeat, 10,000 entries only")
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    print("load average (1/5/15 min) at start: " + " / ".join(f"{x:.2f}" for x in os.getloadavg()))
    reps, sizes = (1, [10_000]) if a.quick else (3, [1_000, 10_000, 25_000])
    # warm-up (compilation of any jitted kernel is not part of the measurement)
    s = demo_slate()
    FieldLineupSampler(s, np.full(s.n_players, 600 / s.n_players), random_state=0, n_calibration=1000, max_iter=1,
                       projections=s.players["rating"].to_numpy(dtype=float)).fit().sample(100)
    ref = FieldLineupSampler(s, np.full(s.n_players, 600 / s.n_players), random_state=5, match_ownership=False)
    ref.logw_ = 1.2 * s.players["rating"].to_numpy()
    own = ref.ownership_of(ref.sample(20000), s.n_players)
    bench("demo (rating ownership)", s, own, 30 + 25 * s.players["rating"].to_numpy(), sizes, reps)
    if data_dir(required=False) is not None:
        from dfslab.io import load_real_races

        r = [x for x in load_real_races(include_2025=False) if x.name.endswith("chicagoland")][0]
        o = r.slate.column("ownership").astype(float)
        bench("2026 Chicagoland (DF)", r.slate, o * 600 / o.sum(), r.slate.column("projection").astype(float), sizes,
              reps)


if __name__ == "__main__":
    main()
