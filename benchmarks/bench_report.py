"""The demo slate report end to end (``dfslab report --demo``), as a user runs it after install.

Prints the median wall time of ``--repeats`` runs of the CLI (a fresh process each: kernel start,
the analysis, nbconvert) and, as the baseline in the same run, the median of the analysis alone
(``SlateAnalysis.run()`` in this process, warm), so the share of the notebook machinery shows.

    .venv/bin/python benchmarks/bench_report.py [--repeats 3]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args(argv)
    exe = Path(sys.executable).with_name("dfslab")
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.repeats):
            t0 = time.perf_counter()
            subprocess.run([str(exe), "report", "--demo", "--out", str(Path(tmp) / f"r{i}"), "-q"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            walls.append(time.perf_counter() - t0)
    from dfslab.app import report

    steps = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        report.analysis_from_params("demo").run()
        steps.append(time.perf_counter() - t0)
    m, s = statistics.median(walls), statistics.median(steps)
    print(f"demo report end to end (dfslab report --demo): median {m:.1f} s  runs {[round(x, 1) for x in walls]}")
    print(f"the analysis alone (SlateAnalysis.run(), warm, in process): median {s:.1f} s  runs "
          f"{[round(x, 1) for x in steps]}")
    print(f"end to end / analysis: {m / s:.1f}x   (target: end to end <= 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
