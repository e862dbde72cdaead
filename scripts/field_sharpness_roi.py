"""A fixed portfolio's predicted ROI as the opponent field gets sharper (thin CLI over
dfslab.contest.roi_vs_field_sharpness).

The report's pipeline on one slate (simulated races, our ownership estimate, a regime-aware portfolio built on one
scenario set and scored on another); only the field changes: the share of projection-driven entries (each from its
own perturbed blend of our simulated mean, the slate's published projection and salary). ``--old-style`` draws
those entries the way the removed optimizer share did: every one from ONE tilted law on our simulated mean
(proj_types=1, no noise, no other source; strength = 1 / opt_noise = 1.25).

Usage: python scripts/field_sharpness_roi.py [--race NAME | --demo] [--strength S | --sweep-strength] [--old-style]
       [--quick]
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from dfslab.studies import roi_vs_field_sharpness


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--race", default="chicagoland", help="a dk_2026 race folder name (substring), default chicagoland")
    ap.add_argument("--demo", action="store_true", help="the built-in demo slate instead of a real race")
    ap.add_argument("--strength", type=float, default=None, help="proj_strength (default: the fitted default)")
    ap.add_argument("--sweep-strength", action="store_true",
                    help="share fixed at the default, proj_strength 0 / 0.75 / 1.5 / 3 / 6 (the sharpness knob)")
    ap.add_argument("--old-style", action="store_true", help="one tilted law for all such entries (the old share)")
    ap.add_argument("--quick", action="store_true", help="10 lineups, 1,000 scenarios and entries, 3 shares")
    a = ap.parse_args()
    pd.set_option("display.width", 200)
    if a.demo:
        slate = None
    else:
        from dfslab.io import load_real_races

        races = [r for r in load_real_races(include_2025=False) if a.race in r.name]
        if not races:
            ap.error(f"--race {a.race!r}: no dk_2026 race folder matches")
        slate = races[0].slate
    kw = dict(shares=(0.0, 0.25, 0.5, 0.75, 1.0))
    if a.quick:
        kw = dict(shares=(0.0, 0.5, 1.0), n_lineups=10, n_scenarios=1000, field_size=1000, n_calibration=2000,
                  regime_aware=False, max_iter=10)
    if a.old_style:
        kw.update(sources=("ours",), proj_types=1, proj_noise=0.0, salary_source=False,
                  strength=1.25 if a.strength is None else a.strength)
        if not a.quick:
            kw["shares"] = (0.0, 0.1, 0.25, 0.5, 1.0)
    elif a.sweep_strength:
        from dfslab.contest import default_field_params

        kw.update(shares=(default_field_params()["proj_share"],), strength=[0.0, 0.75, 1.5, 3.0, 6.0])
    elif a.strength is not None:
        kw["strength"] = a.strength
    t0 = time.perf_counter()
    tm = {}
    df = roi_vs_field_sharpness(slate, timings=tm, **kw)
    print(f"slate: {'demo' if slate is None else slate.name}; {'old-style' if a.old_style else 'per-entry'} "
          f"projection-driven entries")
    print(df.round(4).to_string(index=False))
    print(f"done in {time.perf_counter() - t0:.1f} s ({', '.join(f'{k} {v:.1f} s' for k, v in tm.items())})")


if __name__ == "__main__":
    main()
