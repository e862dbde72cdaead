"""Refit the real-slate pieces of the race model: salary slopes, blend weights, mean-error pick.

Usage
-----
    .venv/bin/python scripts/fit_real_slates.py            # print what would change (~5 min)
    .venv/bin/python scripts/fit_real_slates.py --write    # write racesim_params.json and racesim_blend.json

The race-model parameters fitted on loop data (strengths, Plackett-Luce, finish gains,
lap allocation: ``scripts/fit_rating_model.py``, ``scripts/fit_finish_trouble.py``) shape
every simulation of the 12 real slates, so after changing them the pieces fitted on those
slates are refitted with them (:func:`dfslab.studies._race_fit.fit_real_slate_part`, the same
step, seeds and grids as ``calibrate_simulator.py --refit``). The shipped mean error is
kept (the finish gains were fitted with it). Afterwards run
``scripts/fit_real_slate_loso.py --write`` so the held-out fits match.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import dfslab
from dfslab.racesim import load_blend_weights, load_default_params
from dfslab.studies import fit_real_slate_part


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--write", action="store_true", help="write dfslab/_data/racesim_params.json and racesim_blend.json")
    a = ap.parse_args(argv)
    P0, B0 = load_default_params(), load_blend_weights()
    P, blend, tab = fit_real_slate_part(P0, seed=a.seed, say=lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps({
        "salary_slopes": {"before": P0.get("salary_strength", {}).get("slope"), "after": P["salary_strength"]["slope"]},
        "pooled_slope": {"before": P0.get("salary_strength", {}).get("pooled_slope"),
                         "after": P["salary_strength"]["pooled_slope"]},
        "blend_weights": {"before": B0.get("subsets"), "after": blend.get("subsets")},
        "mean_error_pick": {"before": P0.get("mean_error_fit", {}).get("picked"), "after": P["mean_error_fit"]["picked"],
                            "shipped": P["mean_error_sd"]},
        "salary_fallback": {k: v for k, v in tab["salary_fallback"].items() if k != "per_slate"},
    }, indent=1, default=float))
    if a.write:
        data = Path(dfslab.__file__).parent / "_data"
        (data / "racesim_params.json").write_text(json.dumps(P, indent=1, default=float))
        (data / "racesim_blend.json").write_text(json.dumps(blend, indent=1, default=float))
        print(f"wrote {data / 'racesim_params.json'} and {data / 'racesim_blend.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
