"""Fit and judge practice / qualifying speed in the race model's driver strength.

Usage
-----
    .venv/bin/python scripts/fit_practice.py --out practice_fit.json            # fit, hold out, check (~3 min)
    .venv/bin/python scripts/fit_practice.py --out practice_fit.json --write    # ... and write racesim_practice.json
    .venv/bin/python scripts/fit_practice.py --quick                            # fewer scenarios
    .venv/bin/python scripts/fit_practice.py --shipped-path 100 7000            # the default path, two seeds (~25 min)

What it does: :func:`dfslab.studies.fit_practice` (2025 Cup races with sessions, fitted on the
races before 2025-07-01 and judged on the later ones by the CRPS of actual DK points; the kept
terms refitted on all 2025 and checked on the dk_2026 races; the real slates with results,
leave-one-race-out, against the vendor's projection and without one). Prints the figures as
JSON; ``--out`` also keeps the per-driver slate means (``.slate_means.csv``) and the CRPS grid
(``.grid.pkl``); ``--write`` writes ``dfslab/_data/racesim_practice.json`` (the shipped weights
and the train-half weights the calibration report's ``practice`` block uses).

``--shipped-path SEED ...`` instead runs :func:`dfslab.studies.shipped_path_check` for each seed,
after and before qualifying: the report's own simulation of every real slate with results,
``practice="auto"`` against ``"off"``, with the vendor's projection and without it (held out:
2025 slates with the weights fitted before 2025-07-01).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import dfslab
from dfslab.studies import fit_practice, shipped_path_check


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="600 scenarios per race instead of 2,000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="write the figures (JSON) here, and the tables beside it")
    ap.add_argument("--write", action="store_true", help="write dfslab/_data/racesim_practice.json")
    ap.add_argument("--shipped-path", type=int, nargs="+", metavar="SEED", default=None,
                    help="only check the default simulation of the real slates, practice on vs off, with these seeds")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()

    def say(m):
        print(f"[{time.perf_counter() - t0:5.0f} s] {m}", file=sys.stderr, flush=True)

    if a.shipped_path:
        res = {}
        for seed in a.shipped_path:
            for drawn in (False, True):
                r = shipped_path_check(n_scenarios=1000 if a.quick else 3000, seed=seed, drawn=drawn)
                r.pop("per_slate")
                res[f"seed {seed}, {'before' if drawn else 'after'} qualifying"] = r
                say(f"seed {seed}, drawn={drawn} done")
        txt = json.dumps(res, indent=1, default=float)
        print(txt)
        if a.out:
            a.out.write_text(txt)
        return 0

    res = fit_practice(quick=a.quick, seed=a.seed, say=say)
    txt = json.dumps(res["figures"], indent=1, default=float)
    print(txt)
    if a.out:
        a.out.write_text(txt)
        res["slate_means"].to_csv(a.out.with_suffix(".slate_means.csv"), index=False)
        res["grid"].to_pickle(a.out.with_suffix(".grid.pkl"))
    if a.write:
        f = Path(dfslab.__file__).parent / "_data" / "racesim_practice.json"
        f.write_text(json.dumps(res["weights_file"], indent=1, default=float) + "\n")
        print(f"wrote {f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
