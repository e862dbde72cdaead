"""Benchmark: 150 leverage-aware lineups on a 40-driver slate, side by side in one run.

Rows (same slate, same objective, same constraints):
  ours (enumerate)        dfslab LeverageAwareOptimizer, method="enumerate"
  plain sequential MIP    the same optimizer, method="mip": python-mip re-solved after each pick (CBC)
  plain sequential HiGHS  the same, solver="HiGHS" (when highsbox is installed)
  pydfs-lineup-optimizer  3.6.1 with its python-mip backend (when installed; benchmark-only dependency)

Constraints: 150 lineups, max overlap 4, leverage_penalty 0.5 (ownership in the
objective), max_ownership_per_driver 50%, >= 1 driver under 10% owned, summed
lineup ownership <= 150%. The script also checks that every engine returns the
same lineups as the enumeration.

Usage: python benchmarks/bench_optimizer.py [--quick] [--repeats 5] [--mip-repeats 1] [--real] [--exposures]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from dfslab import demo_slate
from dfslab.optimize import LeverageAwareOptimizer

SETTINGS = dict(leverage_penalty=0.5, max_overlap=4, max_ownership_per_driver=50.0, min_low_owned=1,
                low_owned_threshold=10.0, max_total_ownership=150.0)


def bench_slate(random_state=0):
    """40-driver demo slate with a seeded projection and ownership (percent, sums to 600)."""
    s = demo_slate(n_drivers=40)
    rng = np.random.default_rng(random_state)
    r = s.players["rating"].to_numpy()
    proj = 35 + 12 * r + rng.normal(0, 3, s.n_players)
    own = np.exp(0.9 * r + rng.normal(0, 0.3, s.n_players))
    own = own / own.sum() * 600
    for _ in range(20):  # cap at 60% and renormalise (percent of entries)
        own = np.minimum(own, 60.0)
        own = own / own.sum() * 600
    return s, proj, own


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
    out, times = None, []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
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
    ap.add_argument("--quick", action="store_true", help="15 lineups, 1 repeat (a smoke run, not a measurement)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--mip-repeats", type=int, default=1)
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--real", action="store_true", help="use the real Bristol Cup slate (39 drivers) if present")
    ap.add_argument("--no-pydfs", action="store_true", help="skip the pydfs-lineup-optimizer row")
    ap.add_argument("--no-highs", action="store_true", help="skip the HiGHS row")
    ap.add_argument("--exposures", action="store_true",
                    help="add min exposures on 5 drivers and max exposures on the 5 most owned (ours vs CBC only)")
    a = ap.parse_args(argv)
    n = 15 if a.quick else a.n
    reps = 1 if a.quick else a.repeats
    data = real_slate() if a.real else None
    slate, proj, own = data if data is not None else bench_slate()
    settings = dict(SETTINGS)
    if a.exposures:
        names = slate.players["name"].to_numpy()
        by_own = np.argsort(-own)
        settings["max_exposure"] = {names[i]: 0.3 for i in by_own[:5]}
        settings["min_exposure"] = {names[i]: v for i, v in zip(by_own[[12, 18, 24, 30, 36]], (0.3, 0.25, 0.2, 0.15, 0.1))}
        a.no_pydfs = a.no_highs = True  # pydfs' exposure strategy is a different rule: not comparable
    print(f"slate: {slate.name}, {slate.n_players} drivers; {n} lineups; {settings}")
    ours = LeverageAwareOptimizer(n_lineups=n, method="enumerate", **settings)
    pf, t_ours, all_ours = timed(lambda: ours.optimize(slate, proj, own), reps)
    print(f"ours (enumerate):          median {t_ours:8.3f} s over {reps} runs  {[round(t, 3) for t in all_ours]}")
    print(f"   mean projection {pf.metrics['mean_projection']:.2f}, avg lineup ownership "
          f"{pf.metrics['avg_lineup_ownership']:.1f}%, max pair overlap {pf.metrics['max_pair_overlap']}")
    rows = [("ours (enumerate)", t_ours, n)]
    agree = {}
    mip_opt = LeverageAwareOptimizer(n_lineups=n, method="mip", **settings)
    pm, t_mip, _ = timed(lambda: mip_opt.optimize(slate, proj, own), a.mip_repeats)
    print(f"plain sequential MIP (CBC): median {t_mip:8.3f} s over {a.mip_repeats} runs; "
          f"same lineups as ours: {same(pm.lineups, pf.lineups)}/{n}; ratio {t_mip / t_ours:.1f}x")
    rows.append(("plain sequential python-mip CBC", t_mip, n))
    agree["plain sequential python-mip CBC"] = same(pm.lineups, pf.lineups)
    try:
        if a.no_highs:
            raise ImportError
        import highsbox  # noqa: F401

        h_opt = LeverageAwareOptimizer(n_lineups=n, method="mip", solver="HiGHS", **settings)
        ph, t_h, _ = timed(lambda: h_opt.optimize(slate, proj, own), 1)
        print(f"plain sequential MIP (HiGHS): {t_h:8.3f} s; same lineups as ours: {same(ph.lineups, pf.lineups)}/{n}; "
              f"ratio {t_h / t_ours:.1f}x")
        rows.append(("plain sequential python-mip HiGHS", t_h, n))
        agree["plain sequential python-mip HiGHS"] = same(ph.lineups, pf.lineups)
    except ImportError:
        print("HiGHS: skipped (--no-highs or highsbox not installed)")
    try:
        if a.no_pydfs:
            raise ImportError
        import pydfs_lineup_optimizer as pd_opt

        obj = ours._objective(proj, ours._spec(slate, own).ownership, None)[0]
        lus, t_p, _ = timed(lambda: run_pydfs(slate, obj, own, n), 1)
        print(f"pydfs-lineup-optimizer {pd_opt.__version__} + python-mip: {t_p:8.3f} s; {len(lus)} lineups; "
              f"same lineups as ours: {same(lus, pf.lineups)}/{n}; ratio {t_p / t_ours:.1f}x")
        rows.append((f"pydfs-lineup-optimizer {pd_opt.__version__} (python-mip)", t_p, len(lus)))
        agree["pydfs-lineup-optimizer"] = same(lus, pf.lineups)
    except ImportError:
        print("pydfs-lineup-optimizer: skipped (--no-pydfs or not installed: pip install pydfs-lineup-optimizer==3.6.1)")
    print("\n| engine | lineups | seconds | vs ours |\n|---|---|---|---|")
    for name, t, k in rows:
        print(f"| {name} | {k} | {t:.3f} | {t / t_ours:.1f}x |")
    return {"n": n, "rows": rows, "agree": agree}


if __name__ == "__main__":
    main()
    sys.exit(0)
