"""Backtest of the whole pipeline on every real NASCAR race with results (thin CLI over dfslab.studies._backtest).

Per strategy: the realised lineup-points edge (my lineups' mean actual points minus the field's median
lineup) pooled over races with a standard error, its calibration (PIT of the realised edge and ROI in
each race's predicted distribution; 0.5 = calibrated), realised / predicted edge, and ROI, cash and
top-1% rates as the noisy figures they are. See docs/backtest.md.

Races are judged with models fitted on everything that is not the race under test: the shipped races (when
the data folder is there) and the other races of --slates; the JSON's "races" say, per race, what each model
was fitted on ("fitted_on"). Any folder laid out like dk_2026 works, of one race or many (symlinks too).

Usage: python scripts/backtest_real_slates.py [--quick] [--json] [--slates DIR] [--no-2025] [--strategies ...]
       [--n-fields 100] [--n-scenarios 3000] [--n-lineups 20] [--seed 0]
       [--scheduler local|ADDRESS] [--write-evidence]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import pandas as pd

from dfslab.studies import STRATEGIES, STRATEGY_LABELS, backtest_real_slates


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2 races, fields of <= 1,000, 400 scenarios, 10 fields")
    ap.add_argument("--json", action="store_true", help="print one JSON object (per strategy figures) and nothing else")
    ap.add_argument("--slates", help="a folder of races in the dk_2026 layout (default: the project's dk_2026)")
    ap.add_argument("--no-2025", action="store_true", help="leave out the 2025 slate snapshots")
    ap.add_argument("--races", nargs="*", help="race names to run (default all)")
    ap.add_argument("--strategies", nargs="*", help=f"strategies to judge (default all: {', '.join(STRATEGIES)}; "
                                                   "'ours' is always run: the paired reference)")
    ap.add_argument("--n-lineups", type=int, default=20)
    ap.add_argument("--n-fields", type=int, default=100)
    ap.add_argument("--n-scenarios", type=int, default=3000)
    ap.add_argument("--n-field-draws", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--simulator-options", default="{}",
                    help='RaceSimulator settings for every race as JSON, e.g. \'{"crowd": null}\' (a sensitivity run)')
    ap.add_argument("--scheduler", help="run races on Dask: 'local' (a LocalCluster on this machine) or a scheduler "
                                        "address such as tcp://host:8786")
    ap.add_argument("--write-evidence", action="store_true",
                    help="write the figures to dfslab/_data/evidence_backtest.json (the report quotes them)")
    a = ap.parse_args(argv)
    client = None
    if a.scheduler:
        from dfslab.parallel import get_client
        client = get_client(a.scheduler)
    t0 = time.perf_counter()
    res = backtest_real_slates(slates=a.slates, include_2025=not a.no_2025, n_lineups=a.n_lineups,
                               n_fields=a.n_fields, n_scenarios=a.n_scenarios, n_field_draws=a.n_field_draws,
                               random_state=a.seed, quick=a.quick, races=a.races, client=client,
                               strategies=tuple(a.strategies) if a.strategies else tuple(STRATEGIES),
                               simulator_options=json.loads(a.simulator_options),
                               verbose=not a.json)
    d = res.to_dict()
    if a.write_evidence:
        from dfslab.studies import write_evidence
        print(f"wrote {write_evidence(res)}", file=sys.stderr)
    if a.json:
        print(json.dumps(d))
        return 0
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    print(f"\n{len(res.races)} real races; settings: {res.settings}")
    for k, v in STRATEGY_LABELS.items():
        print(f"  {k}: {v}")
    print("\n== Pooled over races (realised edge in points; s.e. across races; PIT 0.5 = calibrated) ==")
    print(res.pooled.round(3).to_string(index=False))
    print("\n== Paired, race by race, minus 'ours' ==")
    print(res.paired.round(3).to_string(index=False))
    print("\n== Per race ==")
    print(res.per_race.round(3).to_string(index=False))
    print("\n== Races ==")
    print(res.races.round(3).to_string(index=False))
    for n in res.notes:
        print("note:", n)
    print(f"\ndone in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
