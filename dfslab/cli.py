"""Command line: ``dfslab report`` (papermill + nbconvert) and ``dfslab serve`` (REST API extra)."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = _REPO / "notebooks" / "slate_report.ipynb"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-").lower() or "slate"


def _slate_slug(slate: str) -> str:
    """reports/<slug>: a slate folder's name, or the folder holding a DKSalaries.csv."""
    p = Path(str(slate))
    return _slug(p.parent.name if p.suffix.lower() == ".csv" else p.name)


def render_report(parameters: dict, out_dir, notebook: Path = NOTEBOOK, progress: bool = True) -> Path:
    """Run the slate-report notebook with papermill and render it to HTML (inputs hidden).

    Returns the path of ``slate_report.html`` in ``out_dir``. The executed
    notebook is kept beside it; the notebook itself writes the DK upload CSV there.
    """
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    if not notebook.is_file():
        raise FileNotFoundError(f"report notebook not found: {notebook}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    executed = out / "slate_report.ipynb"
    params = dict(parameters, out_dir=str(out.resolve()))
    pm.execute_notebook(str(notebook), str(executed), parameters=params, progress_bar=progress,
                        cwd=str(_REPO), kernel_name="python3")
    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter()
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    html = out / "slate_report.html"
    html.write_text(body, encoding="utf-8")
    return html


def _read_batch(path: Path) -> list[dict]:
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(path.read_text())
        items = data.get("slates", data) if isinstance(data, dict) else data
    else:
        import pandas as pd

        items = pd.read_csv(path).to_dict("records")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise SystemExit(f"{path}: expected a list of parameter sets (YAML list or CSV rows)")
    return items


def _report(args) -> int:
    params: dict = {}
    for kv in args.param or []:
        k, _, v = kv.partition("=")
        params[k] = v if not re.fullmatch(r"-?\d+(\.\d+)?", v) else (float(v) if "." in v else int(v))
    jobs: list[tuple[dict, Path]] = []
    if args.batch:
        for item in _read_batch(Path(args.batch)):
            item = {k: v for k, v in item.items() if v == v and v is not None}  # drop NaN cells of a CSV
            out = Path(item.pop("out", None) or Path(args.out or "reports") / _slate_slug(item.get("slate", "slate")))
            jobs.append(({**params, **item}, out))
    elif args.demo:
        jobs.append(({**params, "slate": "demo"}, Path(args.out or "reports/demo")))
    elif args.salaries or args.slate:
        src = args.salaries or args.slate
        out = Path(args.out or Path("reports") / _slate_slug(src))
        p = {**params, "slate": str(Path(src).resolve())}
        if args.archetype:
            p["archetype"] = args.archetype
        if args.race_laps:
            p["race_laps"] = args.race_laps
        jobs.append((p, out))
    else:
        print("dfslab report: give --demo, --salaries FILE, --slate FOLDER or --batch FILE", file=sys.stderr)
        return 2
    failures = []
    for i, (p, out) in enumerate(jobs, 1):
        t0 = time.perf_counter()
        print(f"[{i}/{len(jobs)}] report for {p.get('slate')} -> {out}/", flush=True)
        try:
            html = render_report(p, out, progress=sys.stderr.isatty() and not args.quiet)
        except Exception as e:  # collect and go on: a batch reports every failure at the end
            first = str(e).strip().splitlines()
            failures.append((p.get("slate"), type(e).__name__, first[-1] if first else ""))
            print(f"    FAILED: {type(e).__name__}: {failures[-1][2][:300]}", file=sys.stderr)
            continue
        print(f"    wrote {html} ({time.perf_counter() - t0:.0f} s)")
    if failures:
        print(f"{len(failures)} of {len(jobs)} report(s) failed:", file=sys.stderr)
        for s, t, m in failures:
            print(f"  - {s}: {t}: {m[:200]}", file=sys.stderr)
        return 1
    return 0


def _serve(args) -> int:
    try:
        import uvicorn

        from .api import create_app
    except ImportError as e:
        print(f"the REST API needs the extra: pip install 'dfslab[api]' ({e})", file=sys.stderr)
        return 2
    uvicorn.run(create_app(), host=args.host, port=args.port)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="dfslab", description="NASCAR DraftKings tournament research tools")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report", help="run the slate-report notebook and render HTML")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--demo", action="store_true", help="the built-in demo slate")
    g.add_argument("--salaries", help="a DKSalaries.csv")
    g.add_argument("--slate", help="a real slate folder (nascar/slates/<series>_<date>_<commit>)")
    g.add_argument("--batch", help="YAML or CSV of parameter sets (one report each); failures are collected")
    r.add_argument("--out", help="output folder (default reports/<slug>/)")
    r.add_argument("--archetype", help="track archetype when the salary file does not say")
    r.add_argument("--race-laps", type=int, help="race length when the salary file does not say")
    r.add_argument("-p", "--param", action="append", help="notebook parameter NAME=VALUE (repeatable)")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=_report)
    s = sub.add_parser("serve", help="start the REST API (needs dfslab[api])")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=_serve)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
