"""Benchmark the optimizer against its peers, side by side in one run.

Rows (same slate, same objective, same constraints for every engine):
  1  150 lineups on the 40-driver demo slate:
       ours (enumerate)        dfslab LeverageAwareOptimizer, method="enumerate" (median of runs)
       plain sequential MIP    the same optimizer, method="mip": python-mip re-solved after each pick (CBC);
                               the first --mip-n lineups (a prefix of ours must match), --full: all
       plain sequential HiGHS  the same, solver="HiGHS" (--highs; needs highsbox)
       pydfs-lineup-optimizer  3.6.1 with its python-mip backend (when installed; benchmark-only dependency)
  2  1,000 lineups on the same slate: ours (the peers need ~0.3 s per lineup: not run)
  2b the report's case: the 38-driver demo slate, 150 lineups, overlap 4, a global max exposure of 50%,
     against the same run without the exposure cap (ratio in the same process; target <= 0.05 s)
  3  a 60-driver pool (C(60, 6) = 50 million combinations), 150 lineups: ours; the MIP on the first
     --pool-mip lineups (a sequential portfolio's prefix is the shorter portfolio, so the same lineups
     must come first; --full: all 150) and pydfs-lineup-optimizer with --full.

Constraints: max overlap 4, leverage_penalty 0.5 (ownership in the objective), max_ownership_per_driver
50%, >= 1 driver under 10% owned, summed lineup ownership <= 150%. "cpu" is process CPU time (on a
shared machine wall time also counts other processes' load). The script checks that every engine
returns the same lineups as ours.

Usage: python benchmarks/bench_optimizer.py [--quick] [--repeats 5] [--mip-n 20] [--full] [--highs] [--real]
       [--exposures]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np
import pandas as pd

from dfslab import NASCAR_CLASSIC, Slate, demo_slate
from dfslab.optimize import LeverageAwareOptimizer

SETTINGS = dict(leverage_penalty=0.5, max_overlap=4, max_ownership_per_driver=50.0, min_low_owned=1,
                low_owned_threshold=10.0, max_total_ownership=150.0)


def bench_slate(random_state=0, n_drivers=40):
    """The demo slate (40 drivers by default) with a seeded projection and ownership (percent, sums to 600)."""
    s = demo_slate(n_drivers=n_drivers)
    rng = np.random.default_rng(random_state)
    r = s.players["rating"].to_numpy()
    proj = 35 + 12 * r + rng.normal(0, 3, s.n_players)
    own = np.exp(0.9 * r + rng.normal(0, 0.3, s.n_players))
    own = own / own.sum() * 600
    for _ in range(20):  # cap at 60% and renormalise (percent of entries)
        own = np.minimum(own, 60.0)
        own = own / own.sum() * 600
    return s, proj, own


def pool_slate(n=60, random_state=0):
    """A DK-like NASCAR pool of n drivers (salary ladder $4,500-$11,500) with projection and ownership."""
    rng = np.random.default_rng(random_state)
    rating = np.sort(rng.normal(0.0, 0.45, n))[::-1]
    ladder = 4500 + 7000 * np.linspace(0.0, 1.0, n)[::-1] ** 2.2
    salary = np.clip(np.round(ladder[np.argsort(np.argsort(-(rating + rng.normal(0, 0.16, n))))] / 100) * 100,
                     4500, 11500).astype(int)
    players = pd.DataFrame({"player_id": [f"p{i}" for i in range(n)], "name": [f"Driver {i:02d}" for i in range(n)],
                            "salary": salary, "position": "D"})
    proj = 35 + 12 * rating + rng.normal(0, 3, n)
    own = np.exp(0.9 * rating + rng.normal(0, 0.3, n))
    for _ in range(30):
        own = np.minimum(own / own.sum() * 600, 60.0)
    return Slate(players=players, rules=NASCAR_CLASSIC, name=f"pool-{n}"), proj, own / own.sum() * 600


def real_slate():
    """The Bristol Cup slate with its published projection and projected ownership, if the data is present."""
    import dfslab

    if dfslab.data_dir(required=False) is None:
        return None
    for sl in dfslab.list_nascar_slates():
        slate = dfslab.read_nascar_slate(sl) if not hasattr(sl, "players") else sl
        if slate.name.startswith("cup_2025-09-13"):
            p = slate.players
            return slate, p["projection"].to_numpy(), p["ownership"].to_numpy() / p["ownership"].sum() * 600
    return None


def timed(fn, repeats):
    out, times, cpus = None, [], []
    for _ in range(repeats):
        c, t = time.process_time(), time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    timed.cpu = statistics.median(cpus)
    return out, statistics.median(times), times


def run_pydfs(slate, objective, own, n):
    """pydfs-lineup-optimizer 3.6.1 + python-mip on the same objective and rules."""
    from pydfs_lineup_optimizer import Player, PlayersGroup, Site, Sport, get_optimizer
    from pydfs_lineup_optimizer.solvers.mip_solver import MIPSolver

    opt = get_optimizer(Site.DRAFTKINGS, Sport.NASCAR, solver=MIPSolver)
    players = []
    for i, row in slate.players.reset_index(drop=True).iterrows():
        players.append(Player(str(i), f"F{i}", f"L{i}", ["D"], f"T{i}", float(row["salary"]), float(objective[i]),
                              projected_ownership=float(own[i]) / 100))  # pydfs wants fractions
    keep = [p for i, p in enumerate(players) if own[i] <= SETTINGS["max_ownership_per_driver"]]
    opt.player_pool.load_players(keep)
    opt.set_max_repeating_players(SETTINGS["max_overlap"])
    # mean ownership <= 25% is summed ownership <= 150% over 6 drivers
    opt.set_projected_ownership(max_projected_ownership=SETTINGS["max_total_ownership"] / 6)
    low = [p for i, p in enumerate(players) if own[i] < SETTINGS["low_owned_threshold"] and p in keep]
    opt.add_players_group(PlayersGroup(low, min_from_group=SETTINGS["min_low_owned"]))
    return [sorted(int(lp.id) for lp in lu.players) for lu in opt.optimize(n)]


def same(a, b):
    return int(sum(sorted(x) == sorted(y) for x, y in zip(np.asarray(a).tolist(), np.asarray(b).tolist())))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="15 lineups, 1 repeat, row 1 only (a smoke run)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--mip-repeats", type=int, default=1)
    ap.add_argument("--mip-n", type=int, default=20, help="lineups for the plain MIP row (--full: all)")
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--pool-mip", type=int, default=20, help="MIP lineups on the 60-driver pool (prefix check)")
    ap.add_argument("--full", action="store_true", help="the MIP on all lineups; pydfs on the 60-driver pool too")
    ap.add_argument("--real", action="store_true", help="use the real Bristol Cup slate (39 drivers) if present")
    ap.add_argument("--no-pydfs", action="store_true", help="skip the pydfs-lineup-optimizer rows")
    ap.add_argument("--highs", action="store_true", help="add the HiGHS row (slower than CBC on these models)")
    ap.add_argument("--no-highs", action="store_true", help=argparse.SUPPRESS)  # the default now
    ap.add_argument("--exposures", action="store_true",
                    help="add min exposures on 5 drivers and max exposures on the 5 most owned (ours vs CBC only)")
    a = ap.parse_args(argv)
    n = 15 if a.quick else a.n
    reps = 1 if a.quick else a.repeats
    print("load average (1/5/15 min) at start: " + " / ".join(f"{x:.2f}" for x in os.getloadavg()) +
          f"; {os.cpu_count()} cores")
    data = real_slate() if a.real else None
    slate, proj, own = data if data is not None else bench_slate()
    settings = dict(SETTINGS)
    if a.exposures:
        names = slate.players["name"].to_numpy()
        by_own = np.argsort(-own)
        settings["max_exposure"] = {names[i]: 0.3 for i in by_own[:5]}
        settings["min_exposure"] = {names[i]: v for i, v in
                                    zip(by_own[[12, 18, 24, 30, 36]], (0.3, 0.25, 0.2, 0.15, 0.1))}
        a.no_pydfs = True  # pydfs' exposure strategy is a different rule: not comparable
        a.highs = False
    print(f"slate: {slate.name}, {slate.n_players} drivers; {n} lineups; {settings}")
    t0 = time.perf_counter()
    LeverageAwareOptimizer(n_lineups=2, method="enumerate", **settings).optimize(slate, proj, own)
    print(f"first optimization in this process (numba compile, or load from its cache): "
          f"{time.perf_counter() - t0:.1f} s")
    ours = LeverageAwareOptimizer(n_lineups=n, method="enumerate", **settings)
    pf, t_ours, all_ours = timed(lambda: ours.optimize(slate, proj, own), reps)
    print(f"ours (enumerate):          median {t_ours:8.3f} s over {reps} runs  {[round(t, 3) for t in all_ours]} "
          f"(cpu {timed.cpu:.3f} s)")
    print(f"   mean projection {pf.metrics['mean_projection']:.2f}, avg lineup ownership "
          f"{pf.metrics['avg_lineup_ownership']:.1f}%, max pair overlap {pf.metrics['max_pair_overlap']}")
    rows = [(f"ours (enumerate), {slate.n_players} drivers", t_ours, n, "-")]
    agree = {}
    k_mip = n if a.full else min(n, a.mip_n)
    mip_opt = LeverageAwareOptimizer(n_lineups=k_mip, method="mip", **settings)
    pm, t_mip, _ = timed(lambda: mip_opt.optimize(slate, proj, own), a.mip_repeats)
    agree["plain sequential python-mip CBC"] = same(pm.lineups, pf.lineups[:k_mip])
    scope = "" if k_mip == n else f" (first {k_mip} lineups: a prefix of ours must match; --full runs all {n})"
    print(f"plain sequential MIP (CBC){scope}: median {t_mip:8.3f} s over {a.mip_repeats} runs; same lineups as "
          f"ours: {agree['plain sequential python-mip CBC']}/{k_mip}; per lineup {t_mip / k_mip:.3f} s")
    rows.append((f"plain sequential python-mip CBC{'' if k_mip == n else f' (first {k_mip})'}", t_mip, k_mip,
                 f"{agree['plain sequential python-mip CBC']}/{k_mip}"))
    if a.highs and not a.no_highs:
        try:
            import highsbox  # noqa: F401

            h_opt = LeverageAwareOptimizer(n_lineups=n, method="mip", solver="HiGHS", **settings)
            ph, t_h, _ = timed(lambda: h_opt.optimize(slate, proj, own), 1)
            agree["plain sequential python-mip HiGHS"] = same(ph.lineups, pf.lineups)
            print(f"plain sequential MIP (HiGHS): {t_h:8.3f} s; same lineups as ours: {same(ph.lineups, pf.lineups)}/"
                  f"{n}; ratio {t_h / t_ours:.1f}x")
            rows.append(("plain sequential python-mip HiGHS", t_h, n,
                         f"{agree['plain sequential python-mip HiGHS']}/{n}"))
        except ImportError:
            print("HiGHS: skipped (highsbox not installed)")
    pydfs = None
    if not a.no_pydfs:
        try:
            import pydfs_lineup_optimizer as pydfs
        except ImportError:
            print("pydfs-lineup-optimizer: skipped (not installed: pip install -c constraints.txt '.[bench]')")
    if pydfs is not None:
        obj = ours._objective(proj, ours._spec(slate, own).ownership, None)[0]
        lus, t_p, _ = timed(lambda: run_pydfs(slate, obj, own, n), 1)
        agree["pydfs-lineup-optimizer"] = same(lus, pf.lineups)
        print(f"pydfs-lineup-optimizer {pydfs.__version__} + python-mip: {t_p:8.3f} s; {len(lus)} lineups; "
              f"same lineups as ours: {same(lus, pf.lineups)}/{n}; ratio {t_p / t_ours:.1f}x")
        rows.append((f"pydfs-lineup-optimizer {pydfs.__version__} (python-mip)", t_p, len(lus),
                     f"{agree['pydfs-lineup-optimizer']}/{n}"))
    # the report's case: demo slate, global exposure cap (every driver in at most half of the lineups)
    ds, dp, do = bench_slate(n_drivers=38)
    plain = LeverageAwareOptimizer(n_lineups=150, max_overlap=4, method="enumerate")
    capped = LeverageAwareOptimizer(n_lineups=150, max_overlap=4, max_exposure=0.5, method="enumerate")
    _, t_plain, _ = timed(lambda: plain.optimize(ds, dp, do), max(reps, 5))
    pc, t_cap, all_cap = timed(lambda: capped.optimize(ds, dp, do), max(reps, 5))
    print(f"demo slate (38 drivers), 150 lineups, overlap 4, max exposure 0.5: median {t_cap:.3f} s over "
          f"{len(all_cap)} runs {[round(t, 3) for t in all_cap]} (cpu {timed.cpu:.3f} s); without the cap "
          f"{t_plain:.3f} s: ratio {t_cap / t_plain:.2f}x; most-used driver in {int(pc.exposure['count'].max())} "
          f"of 150 (cap 75); target <= 0.05 s: {'met' if t_cap <= 0.05 else 'MISSED'}")
    rows.append(("ours (enumerate), demo slate, max exposure 0.5", t_cap, 150, "-"))
    if not a.quick:
        big = LeverageAwareOptimizer(n_lineups=1000, method="enumerate", **settings)
        pb, t_big, all_big = timed(lambda: big.optimize(slate, proj, own), 3)
        print(f"ours, 1,000 lineups:       median {t_big:8.3f} s over 3 runs  {[round(t, 3) for t in all_big]} "
              f"(cpu {timed.cpu:.3f} s); its first {n} are the {n}-lineup run's: "
              f"{same(pb.lineups[:n], pf.lineups)}/{n}")
        rows.append((f"ours (enumerate), {slate.n_players} drivers, 1,000 lineups", t_big, 1000, "-"))
        ps, pp, po = pool_slate(60)
        kw = {k: v for k, v in settings.items() if k not in ("max_exposure", "min_exposure")}
        pool = LeverageAwareOptimizer(n_lineups=150, method="auto", **kw)
        ppf, t_pool, all_pool = timed(lambda: pool.optimize(ps, pp, po), 3)
        print(f"ours, 60-driver pool, 150 lineups: median {t_pool:.3f} s over 3 runs {[round(t, 3) for t in all_pool]} "
              f"(cpu {timed.cpu:.3f} s; method {ppf.metrics['method']})")
        rows.append(("ours (enumerate), 60-driver pool", t_pool, 150, "-"))
        k = 150 if a.full else min(a.pool_mip, 150)
        pmip, t_pmip, _ = timed(lambda: LeverageAwareOptimizer(n_lineups=k, method="mip", **kw).optimize(ps, pp, po), 1)
        agree["60-driver pool: plain sequential python-mip CBC"] = same(pmip.lineups, ppf.lineups[:k])
        print(f"plain sequential MIP (CBC), 60-driver pool, {k} lineups: {t_pmip:.3f} s; same lineups as ours' first "
              f"{k}: {agree['60-driver pool: plain sequential python-mip CBC']}/{k}; per lineup {t_pmip / k:.2f} s vs "
              f"ours {t_pool / 150:.4f} s ({t_pmip / k / (t_pool / 150):.0f}x)")
        rows.append((f"plain sequential python-mip CBC, 60-driver pool (first {k})", t_pmip, k,
                     f"{agree['60-driver pool: plain sequential python-mip CBC']}/{k}"))
        if a.full and pydfs is not None:
            pobj = pool._objective(pp, pool._spec(ps, po).ownership, None)[0]
            lus, t_pp, _ = timed(lambda: run_pydfs(ps, pobj, po, 150), 1)
            agree["60-driver pool: pydfs-lineup-optimizer"] = same(lus, ppf.lineups)
            print(f"pydfs-lineup-optimizer, 60-driver pool: {t_pp:.3f} s; same lineups as ours: "
                  f"{agree['60-driver pool: pydfs-lineup-optimizer']}/150; ratio {t_pp / t_pool:.1f}x")
            rows.append(("pydfs-lineup-optimizer, 60-driver pool", t_pp, 150,
                         f"{agree['60-driver pool: pydfs-lineup-optimizer']}/150"))
    print("\n| engine | lineups | seconds (median) | per lineup | same lineups as ours |\n|---|---|---|---|---|")
    for name, t, k, ag in rows:
        print(f"| {name} | {k} | {t:.3f} | {t / k * 1000:.2f} ms | {ag} |")
    ratio_p = f"; pydfs / ours = {t_p / t_ours:.0f}x" if pydfs is not None else ""
    print(f"\nratios in this run (time per lineup): plain sequential CBC / ours = "
          f"{t_mip / k_mip / (t_ours / n):.0f}x{ratio_p}")
    print("load average (1/5/15 min) at end: " + " / ".join(f"{x:.2f}" for x in os.getloadavg()))
    return {"n": n, "rows": rows, "agree": agree}


if __name__ == "__main__":
    main()
    sys.exit(0)
