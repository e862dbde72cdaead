"""Evaluate the race simulator on every held-out 2025 race, the 2026 DK races and the real slates.

Usage
-----
    .venv/bin/python scripts/calibrate_simulator.py                  # tables, shipped parameters (~3 min)
    .venv/bin/python scripts/calibrate_simulator.py --json           # one JSON object (the figures)
    .venv/bin/python scripts/calibrate_simulator.py --json --quick   # same keys, 30 held-out races (~30 s)
    .venv/bin/python scripts/calibrate_simulator.py --refit --write  # refit everything, write dfslab/_data (~30+ min)

A thin CLI over :func:`dfslab.racesim.run_calibration` (the notebook
notebooks/simulator_calibration.ipynb calls the same function). Only pre-race
information enters a held-out simulation. The shipped parameters are fitted on
races before 2025-01-01 (finish gain on 2020-2024 training races); salary
slopes, blend weights and the mean error on the 12 real slates (LOSO figures).

JSON keys (held-out 2025): n_races, coverage_10_90, slope_win, slope_top5,
slope_top10, slope_most_laps_led, top6_pit_mean, dnf_diff, plus crps,
coverage_by_archetype, favourite_p_win / favourite_won, check_2026 (the same
figures on the 2026 DK races), real_slates (the real slates, LOSO) and practice
(practice / qualifying speeds, dfslab.studies.practice_check): crps_with,
crps_without (held-out 2025 races from 2025-07-01, weights fitted on the earlier ones),
crps_diff_ci, check_2026, and on the real slates leave-one-race-out mse_blend, mse_vendor,
mse_diff_ci (95 % slate-bootstrap interval of blend minus vendor) and no_vendor.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import dfslab
from dfslab.studies import run_calibration


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="30 held-out races, fewer scenarios (and coarse refit grids)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n-scenarios", type=int, default=None, help="scenarios per held-out race")
    ap.add_argument("--json", action="store_true", help="print one JSON object with the figures (nothing else)")
    ap.add_argument("--refit", action="store_true", help="refit every parameter first (long)")
    ap.add_argument("--write", action="store_true",
                    help="with --refit: write dfslab/_data/racesim_params.json and racesim_blend.json")
    ap.add_argument("--out", type=Path, default=None, help="write the full report as JSON")
    a = ap.parse_args(argv)
    if a.write and not a.refit:
        ap.error("--write needs --refit (it writes the refitted parameters)")
    rep = run_calibration(quick=a.quick, seed=a.seed, n_scenarios=a.n_scenarios, verbose=not a.json, refit=a.refit)
    if a.json:
        print(json.dumps(rep.figures(), default=float))
    else:
        print()
        print(rep.format())
    if a.write:
        data = Path(dfslab.__file__).parent / "_data"
        (data / "racesim_params.json").write_text(json.dumps(rep.params, indent=1, default=float))
        (data / "racesim_blend.json").write_text(json.dumps(rep.blend, indent=1, default=float))
        print(f"wrote {data / 'racesim_params.json'} and {data / 'racesim_blend.json'}", file=sys.stderr)
    if a.out:
        a.out.write_text(json.dumps(rep.to_dict(), indent=1, default=float))
        print(f"wrote {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
