"""Fit the crowd relation on every real race with results (issue 22): how actual DK points depend on the vendor's
projection and the field's projected ownership given our blended mean, per race without that race.

Usage
-----
    .venv/bin/python scripts/fit_crowd.py            # print the fit (JSON)
    .venv/bin/python scripts/fit_crowd.py --write    # and write dfslab/_data/racesim_crowd.json
    .venv/bin/python scripts/fit_crowd.py --quick    # 600 simulated races per real race (a check, not shipped)

See dfslab.studies.fit_crowd and docs/backtest.md ("The crowd as evidence").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import dfslab
from dfslab.studies import fit_crowd


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--write", action="store_true", help="write dfslab/_data/racesim_crowd.json")
    a = ap.parse_args(argv)
    if a.write and a.quick:
        ap.error("--write ships the full fit: run it without --quick")
    out = fit_crowd(seed=a.seed, quick=a.quick, say=lambda m: print(m, file=sys.stderr))
    txt = json.dumps(out, indent=1)
    if a.write:
        path = Path(dfslab.__file__).parent / "_data" / "racesim_crowd.json"
        path.write_text(txt + "\n")
        print(f"wrote {path}", file=sys.stderr)
    print(txt)
    return 0


if __name__ == "__main__":
    sys.exit(main())
