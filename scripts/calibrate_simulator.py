"""Fit the race simulator on 2019-2024 races and evaluate it on every held-out 2025 race.

Usage
-----
    .venv/bin/python scripts/calibrate_simulator.py            # full run (~2.5 min on 2 cores)
    .venv/bin/python scripts/calibrate_simulator.py --quick    # smaller grids / fewer scenarios (~30 s)
    .venv/bin/python scripts/calibrate_simulator.py --write    # also write dfslab/_data/racesim_params.json

A thin CLI over :func:`dfslab.racesim.run_calibration` (the notebook
notebooks/simulator_calibration.ipynb calls the same function). Only pre-race
information enters a held-out simulation; parameters are fitted on races before
2025-01-01 and the dispersion is tuned on 2022-2024 training races only.
Prints the report tables; ``--out FILE`` writes them as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import dfslab
from dfslab.racesim import run_calibration


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller grids and fewer scenarios")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n-scenarios", type=int, default=None, help="scenarios per held-out race")
    ap.add_argument("--write", action="store_true", help="write dfslab/_data/racesim_params.json")
    ap.add_argument("--out", type=Path, default=None, help="write the report as JSON")
    a = ap.parse_args(argv)
    rep = run_calibration(quick=a.quick, seed=a.seed, n_scenarios=a.n_scenarios, verbose=True)
    print()
    print(rep.format())
    if a.write:
        path = Path(dfslab.__file__).parent / "_data" / "racesim_params.json"
        path.write_text(json.dumps(rep.params, indent=1, default=float))
        print(f"wrote {path}")
    if a.out:
        a.out.write_text(json.dumps(rep.to_dict(), indent=1, default=float))
        print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
