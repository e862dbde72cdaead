"""The 12-race backtest serial vs on a Dask LocalCluster (2 worker processes) on this machine.

Prints the median wall time of ``--repeats`` runs of each, the speed-up (serial / Dask) and checks that
both give the same figures. Settings are smaller than the full backtest (``--n-scenarios``, ``--n-fields``)
so a repeat takes a few minutes; the speed-up is what is measured.

    .venv/bin/python benchmarks/bench_backtest_dask.py [--repeats 3] [--workers 2]
"""

import argparse
import os
import statistics
import sys
import time


def clear():
    from dfslab.studies import clear_estimator_cache

    clear_estimator_cache()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--n-scenarios", type=int, default=400)
    ap.add_argument("--n-fields", type=int, default=5)
    a = ap.parse_args(argv)
    # one numba thread per process in both runs: the serial run must not get threads the workers lack
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    import pandas as pd

    import dfslab  # noqa: F401  (data folder check)
    from dfslab import data_dir
    from dfslab.parallel import get_client
    from dfslab.studies import backtest_real_slates

    if data_dir(required=False) is None:
        print("skipped: the real data folder (../shared/data) is absent")
        return 0
    kw = dict(n_scenarios=a.n_scenarios, n_fields=a.n_fields, n_lineups=10, n_field_draws=1,
              strategies=["ours", "field_like"], random_state=0)
    client = get_client("local", n_workers=a.workers)
    try:
        backtest_real_slates(races=["cup_2025-09-13_8227c09"], **kw)  # warm-up: compile kernels, read the logs
        t_serial, t_dask, res = [], [], {}
        for _ in range(a.repeats):
            # each run starts without fitted leave-one-race-out ownership models (they are cached per
            # process: a warm serial process would skip work a worker that never saw the race must do)
            clear()
            t0 = time.perf_counter()
            res["serial"] = backtest_real_slates(**kw)
            t_serial.append(time.perf_counter() - t0)
            clear()
            client.run(clear)
            t0 = time.perf_counter()
            res["dask"] = backtest_real_slates(client=client, **kw)
            t_dask.append(time.perf_counter() - t0)
    finally:
        client.close()
        client.cluster.close()
    pd.testing.assert_frame_equal(res["serial"].pooled, res["dask"].pooled)
    n = len(res["serial"].races)
    ms, md = statistics.median(t_serial), statistics.median(t_dask)
    print(f"machine: {os.cpu_count()} cores; backtest of {n} real races, {a.n_scenarios} scenarios, "
          f"{a.n_fields} fields, 2 strategies; {a.repeats} repeats")
    print(f"serial          median {ms:7.1f} s   runs {[round(x, 1) for x in t_serial]}")
    print(f"Dask {a.workers} workers  median {md:7.1f} s   runs {[round(x, 1) for x in t_dask]}")
    print(f"speed-up (serial / Dask): {ms / md:.2f}x   (same figures: yes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
