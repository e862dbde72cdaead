"""Fit the real-slate parameters once per real slate WITHOUT that slate (leave-one-slate-out).

Usage
-----
    .venv/bin/python scripts/fit_real_slate_loso.py            # print the fits (JSON), ~10 min
    .venv/bin/python scripts/fit_real_slate_loso.py --write    # and write dfslab/_data/racesim_loso.json
    .venv/bin/python scripts/fit_real_slate_loso.py --quick    # coarse grid, fewer scenarios (a check, not shipped)

The blend weights (every set of sources), the salary->strength slopes and the mean
error are fitted on the 12 real slates (`dfslab.io.load_real_races()`), the same races
the real-slate backtest runs on. For each slate this refits the three on the other 11
(:func:`dfslab.studies._race_loso.fit_loso`: the shipped procedure and seeds), so a backtest
can use parameters that never saw the race under test:

    from dfslab.racesim import RaceSimulator
    from dfslab.studies import loso_simulator_kwargs
    sim = RaceSimulator(**loso_simulator_kwargs(race.name))   # {} for a race not in the fit
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import dfslab
from dfslab.studies import LOSO_FILE, fit_loso


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="coarse mean-error grid, fewer scenarios")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--write", action="store_true", help=f"write dfslab/{LOSO_FILE}")
    a = ap.parse_args(argv)
    if a.write and a.quick:
        ap.error("--write ships the full fit: run it without --quick")
    out = fit_loso(seed=a.seed, quick=a.quick, say=lambda m: print(m, file=sys.stderr))
    out["settings"]["command"] = "scripts/fit_real_slate_loso.py --write"
    txt = json.dumps(out, indent=1, default=float)
    if a.write:
        path = Path(dfslab.__file__).parent / LOSO_FILE
        path.write_text(txt + "\n")
        print(f"wrote {path}", file=sys.stderr)
    else:
        print(txt)
    return 0


if __name__ == "__main__":
    sys.exit(main())
