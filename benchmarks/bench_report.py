"""The demo slate report end to end (``dfslab report --demo``), as a user runs it after install, and where the
time goes.

Each run is a fresh process (as a user's). Printed: the median wall time of ``--repeats`` runs, and the medians of
its parts as the run records them (``.dfslab-report.json``: importing papermill and nbconvert, the kernel's start,
the first cell -- imports and the whole analysis --, the other cells, nbconvert); as the baseline in the same run,
the analysis alone in this process (warm). Target (issue 23): end to end <= 12 s.

    .venv/bin/python benchmarks/bench_report.py [--repeats 3]
"""

import argparse
import json
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
    walls, parts = [], []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(exe), "report", "--demo", "--out", str(Path(tmp) / "warmup"), "-q"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # compiled kernels cached, as after install
        for i in range(a.repeats):
            out = Path(tmp) / f"r{i}"
            t0 = time.perf_counter()
            subprocess.run([str(exe), "report", "--demo", "--out", str(out), "-q"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            walls.append(time.perf_counter() - t0)
            parts.append(json.loads((out / ".dfslab-report.json").read_text())["timings"])
    from dfslab.app import report

    steps = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        report.analysis_from_params("demo").run()
        steps.append(time.perf_counter() - t0)
    m, s = statistics.median(walls), statistics.median(steps)
    med = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
    before = m - med["render_s"]
    print(f"demo report end to end (dfslab report --demo): median {m:.1f} s  runs {[round(x, 1) for x in walls]}")
    print(f"  CLI start, imports, checks before rendering: {before:.1f} s")
    print(f"  importing papermill + nbconvert:             {med['import_papermill_nbconvert_s']:.1f} s")
    print(f"  kernel start and papermill overhead:         {med['kernel_start_and_overhead_s']:.1f} s")
    print(f"  first cell (kernel imports + the analysis):  {med['first_code_cell_s']:.1f} s")
    print(f"  the other cells (tables, plots, files):      {med['cells_s'] - med['first_code_cell_s']:.1f} s")
    print(f"  nbconvert to HTML:                           {med['nbconvert_s']:.1f} s")
    print(f"the analysis alone (SlateAnalysis.run(), warm, in process): median {s:.1f} s  runs "
          f"{[round(x, 1) for x in steps]}")
    print(f"end to end / analysis: {m / s:.1f}x   (target: end to end <= 12 s: {'met' if m <= 12 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
