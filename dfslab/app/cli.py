"""Command line: ``dfslab report`` (papermill + nbconvert) and ``dfslab serve`` (REST API extra).

A report run checks everything it can before a kernel starts (parameter names and
types against the notebook's ``parameters`` cell, every path), names the report
folder after the slate (``reports/<series>-<track>-<date>/``), never silently
overwrites another slate's report, and writes its outputs atomically: a failed run
leaves no earlier HTML or upload file that looks current.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from importlib import resources

from . import params as params_mod
from pathlib import Path

#: the report notebook and its HTML template ship inside the package (package data)
NOTEBOOK = Path(str(resources.files(__package__).joinpath("slate_report.ipynb")))
TEMPLATES = Path(str(resources.files(__package__).joinpath("templates")))
OUTPUTS = ("slate_report.html", "dk_upload.csv", "lineups.csv", "slate_report.ipynb")
MARKER = ".dfslab-report.json"
PATH_PARAMS = ("slate", "starts", "projections", "ownership_file", "payout_table", "practice")


class UsageError(Exception):
    """A bad command line or parameter: reported in one line, exit code 2, before any kernel starts."""


def check_packaged(notebook: Path, template: Path) -> None:
    """The report notebook and template that ship with the package are there and readable (else: which install)."""
    where = Path(__file__).resolve().parent
    for what, path in (("report notebook", notebook), ("report template", template)):
        if not path.exists():
            raise UsageError(f"the {what} is missing from this dfslab install ({path}; package at {where}): "
                             "reinstall dfslab (pip install --force-reinstall 'dfslab[notebooks]')")
    try:
        json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise UsageError(f"the report notebook of this dfslab install cannot be read ({notebook}: "
                         f"{type(e).__name__}: {e}); reinstall dfslab") from None


# ---------------------------------------------------------------------- parameters
def coerce_parameters(raw: dict) -> dict:
    """Check names and convert values to their declared types (:mod:`dfslab.app.params`); raise :class:`UsageError`."""
    try:
        return params_mod.coerce(raw)
    except params_mod.ParameterError as e:
        raise UsageError(str(e)) from None


def _parse_pairs(pairs) -> dict:
    out = {}
    for kv in pairs or []:
        if "=" not in kv:
            raise UsageError(f"-p {kv!r}: expected NAME=VALUE")
        k, _, v = kv.partition("=")
        out[k.strip()] = v
    return out


def check_paths(params: dict) -> None:
    """Every file/folder parameter exists (before a kernel starts)."""
    for name in PATH_PARAMS:
        v = params.get(name)
        if not v or (name == "slate" and v == "demo") or (name == "practice" and v.strip().lower() in
                                                             ("auto", "off", "none")):
            continue
        p = Path(v)
        if not p.exists():
            raise UsageError(f"{name}: {v} not found")
        if name != "slate" and not p.is_file():
            raise UsageError(f"{name}: {v} is not a file")


def resolve_slate(params: dict):
    """Load the slate the parameters describe (fast, before the kernel): errors surface in seconds."""
    from ..exceptions import InputError
    from .report import report_slate

    try:
        return report_slate(params)
    except InputError as e:
        raise UsageError(str(e)) from None


def check_analysis(params: dict, slate) -> None:
    """Every analysis setting and the payout table checked before a kernel starts (nothing is computed)."""
    from ..exceptions import InputError
    from .report import analysis_from_params

    try:
        analysis_from_params(slate, **{k: v for k, v in params.items() if k != "slate"})
    except InputError as e:
        raise UsageError(str(e)) from None


# ---------------------------------------------------------------------- output folder
def choose_out_dir(slate, out: str | None, force: bool) -> Path:
    """The report folder: ``--out`` or ``reports/<series>-<track>-<date>``; never another slate's report.

    An explicit ``--out`` holding another slate's report is refused (unless ``force``); the
    default folder gets a ``-2``, ``-3`` ... suffix instead.
    """
    from .report import report_slug, reports_dir, slate_fingerprint

    fp = slate_fingerprint(slate)

    def owner(folder: Path):
        m = folder / MARKER
        if m.is_file():
            try:
                return json.loads(m.read_text()).get("fingerprint")
            except (OSError, ValueError):
                return "unreadable"
        return None if not any((folder / f).exists() for f in OUTPUTS) else "unknown"

    if out:
        folder = Path(out)
        o = owner(folder) if folder.is_dir() else None
        if o not in (None, fp) and not force:
            raise UsageError(f"--out {folder}: holds the report of another slate (marker {MARKER}); choose another "
                             "folder or pass --force to replace it")
        return folder
    base = reports_dir() / report_slug(slate)
    folder, k = base, 1
    while folder.is_dir() and owner(folder) not in (None, fp) and not force:
        k += 1
        folder = base.with_name(f"{base.name}-{k}")
    return folder


def _clear_outputs(folder: Path) -> None:
    for f in OUTPUTS + ("FAILED.txt",):
        p = folder / f
        if p.exists():
            p.unlink()


def render_report(parameters: dict, out_dir, notebook: Path = NOTEBOOK, progress: bool = True, slate=None) -> Path:
    """Run the slate-report notebook with papermill and render it to HTML (inputs hidden).

    The notebook runs in a staging folder; only when the HTML has rendered do the
    outputs (``slate_report.html``, ``lineups.csv``, ``dk_upload.csv``, the executed
    notebook) replace the previous ones, each by an atomic rename. On failure the
    previous outputs are removed (none may look current), the failed notebook is kept
    as ``slate_report.FAILED.ipynb`` and the reason in ``FAILED.txt``.
    """
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    from ..utils.atomic import atomic_write_text
    from .report import slate_fingerprint

    check_packaged(notebook, TEMPLATES / "dfslab_report")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stage = out / ".staging"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir()
    executed = stage / "slate_report.ipynb"
    # the notebook writes into the staging folder; its Files section names where the files end up
    params = dict(parameters, out_dir=str(stage.resolve()), files_folder=str(out.resolve()))
    if slate is not None:  # the kernel loads the slate read and checked here instead of parsing the files again
        import pickle

        (stage / "slate.pickle").write_bytes(pickle.dumps(slate, protocol=4))
        params["resolved_slate"] = str((stage / "slate.pickle").resolve())
    try:
        pm.execute_notebook(str(notebook), str(executed), parameters=params, progress_bar=progress,
                            cwd=str(Path.cwd()), kernel_name="python3",
                            # the kernel logs an "interrupt" on every normal shutdown (jupyter_client 8): noise
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        nb = nbformat.read(executed, as_version=4)
        nb.metadata["title"] = f"dfslab slate report: {slate.name if slate is not None else parameters.get('slate')}"
        exporter = HTMLExporter(template_name="dfslab_report", extra_template_basedirs=[str(TEMPLATES)])
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        body, _ = exporter.from_notebook_node(nb)
        if "</html>" not in body:
            raise RuntimeError("nbconvert returned an incomplete HTML document")
        atomic_write_text(stage / "slate_report.html", body)
    except BaseException as e:
        _clear_outputs(out)
        if executed.exists():
            shutil.move(str(executed), str(out / "slate_report.FAILED.ipynb"))
        msg = str(e).strip().splitlines()
        (out / "FAILED.txt").write_text(f"{type(e).__name__}: {msg[-1] if msg else ''}\n")
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _clear_outputs(out)
    for f in OUTPUTS:
        if (stage / f).exists():
            (stage / f).replace(out / f)
    failed_nb = out / "slate_report.FAILED.ipynb"
    if failed_nb.exists():
        failed_nb.unlink()
    if slate is not None:
        atomic_write_text(out / MARKER, json.dumps({"slate": slate.name, "fingerprint": slate_fingerprint(slate)}))
    shutil.rmtree(stage, ignore_errors=True)
    return out / "slate_report.html"


def _read_batch(path: Path) -> list[dict]:
    if not path.is_file():
        raise UsageError(f"--batch {path}: file not found")
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(path.read_text())
            items = data.get("slates", data) if isinstance(data, dict) else data
        else:
            import pandas as pd

            items = pd.read_csv(path).to_dict("records")
    except Exception as e:  # a malformed batch file names itself
        first = str(e).strip().splitlines()
        raise UsageError(f"--batch {path}: cannot read it ({type(e).__name__}: {first[0] if first else ''})") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise UsageError(f"--batch {path}: expected a list of parameter sets (YAML list or CSV rows)")
    return items


def _jobs(args) -> list[tuple[dict, str | None]]:
    base = _parse_pairs(args.param)
    for flag in ("archetype", "date", "track", "series"):
        v = getattr(args, flag, None)
        if v:
            base[flag] = v
    if args.race_laps:
        base["race_laps"] = args.race_laps
    if args.batch:
        jobs = []
        for i, item in enumerate(_read_batch(Path(args.batch)), 1):
            item = {k: v for k, v in item.items() if v == v and v is not None}  # drop NaN cells of a CSV
            out = item.pop("out", None)
            jobs.append(({**base, **item}, out))
        return jobs
    if args.demo:
        return [({**base, "slate": "demo"}, args.out)]
    if args.salaries or args.slate:
        src = args.salaries or args.slate
        return [({**base, "slate": str(Path(src).resolve()) if Path(src).exists() else src}, args.out)]
    raise UsageError("give --demo, --salaries FILE, --slate FOLDER or --batch FILE")


def _help_params() -> int:
    for p in params_mod.REPORT_PARAMS:
        if p.role in ("slate", "analysis"):
            default = json.dumps(p.default) if p.type is str else repr(p.default)
            print(f"  -p {p.name}=...  ({p.type_name}, default {default}): {p.help}")
    return 0


def _report(args) -> int:
    if args.help_params:
        return _help_params()
    try:
        raw_jobs = _jobs(args)
    except UsageError as e:
        print(f"dfslab report: {e}", file=sys.stderr)
        return 2
    # validate every job before running any (a typo in job 7 should not surface after 6 reports)
    jobs, bad = [], []
    for params, out in raw_jobs:
        try:
            p = coerce_parameters(params)
            check_paths(p)
            slate = resolve_slate(p)
            check_analysis(p, slate)
            folder = choose_out_dir(slate, out, args.force)
            jobs.append((p, folder, slate))
        except UsageError as e:
            bad.append((params.get("slate"), str(e)))
    if bad and not args.batch:
        print(f"dfslab report: {bad[0][1]}", file=sys.stderr)
        return 2
    failures = [(s, "UsageError", m) for s, m in bad]
    for s, m in bad:
        print(f"    SKIPPED {s}: {m}", file=sys.stderr)
    if getattr(args, "scheduler", None):
        return _report_on_dask(args, jobs, failures, len(raw_jobs))
    done = 0
    try:
        for i, (p, out, slate) in enumerate(jobs, 1):
            t0 = time.perf_counter()
            print(f"[{i}/{len(jobs)}] report for {p.get('slate', 'demo')} -> {out}/", flush=True)
            try:
                html = render_report(p, out, progress=sys.stderr.isatty() and not args.quiet, slate=slate)
            except KeyboardInterrupt:
                raise
            except Exception as e:  # collect and go on: a batch reports every failure at the end
                first = str(e).strip().splitlines()
                failures.append((p.get("slate"), type(e).__name__, first[-1] if first else ""))
                print(f"    FAILED: {type(e).__name__}: {failures[-1][2][:300]} (details: {out}/FAILED.txt)",
                      file=sys.stderr)
                continue
            done += 1
            print(f"    wrote {html} ({time.perf_counter() - t0:.0f} s)")
    except KeyboardInterrupt:
        n_left = len(jobs) - done - (len(failures) - len(bad))
        print(f"\ninterrupted: {done} report(s) written, {len(failures)} failed, {n_left} not run", file=sys.stderr)
        for s, t, m in failures:
            print(f"  - {s}: {t}: {m[:200]}", file=sys.stderr)
        return 130
    total = len(raw_jobs)
    if failures:
        print(f"{len(failures)} of {total} report(s) failed:", file=sys.stderr)
        for s, t, m in failures:
            print(f"  - {s}: {t}: {m[:200]}", file=sys.stderr)
        return 1
    return 0


def _render_job(p: dict, out: str, slate) -> tuple[str, str, str]:
    """One report as a Dask task: (status, path or error type, message)."""
    try:
        return "ok", str(render_report(p, out, progress=False, slate=slate)), ""
    except Exception as e:  # the batch collects failures; the task itself never raises
        first = str(e).strip().splitlines()
        return "failed", type(e).__name__, first[-1] if first else ""


def _report_on_dask(args, jobs, failures, total) -> int:
    """Batch reports as Dask tasks (a LocalCluster or a remote scheduler); same outputs as serial."""
    from ..parallel import get_client

    client = get_client(args.scheduler)
    print(f"running {len(jobs)} report(s) on Dask ({client.dashboard_link or args.scheduler})", flush=True)
    futs = [client.submit(_render_job, p, str(out), slate, pure=False) for p, out, slate in jobs]
    done = 0
    try:
        for (p, out, _), f in zip(jobs, futs):
            status, what, msg = f.result()
            if status == "ok":
                done += 1
                print(f"    wrote {what}")
            else:
                failures.append((p.get("slate"), what, msg))
                print(f"    FAILED {p.get('slate')}: {what}: {msg[:300]} (details: {out}/FAILED.txt)", file=sys.stderr)
    except KeyboardInterrupt:
        client.cancel(futs)
        print(f"\ninterrupted: {done} report(s) written, {len(failures)} failed, "
              f"{len(jobs) - done - len(failures)} not run", file=sys.stderr)
        return 130
    finally:
        client.close()
    if failures:
        print(f"{len(failures)} of {total} report(s) failed:", file=sys.stderr)
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
    if not 0 <= args.port <= 65535:
        print(f"dfslab serve: --port must be in 0..65535, got {args.port}", file=sys.stderr)
        return 2
    if not args.host.strip():
        print("dfslab serve: --host is empty; give an address such as 127.0.0.1", file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {args.host}: anyone who can reach this address can run simulations on this "
              "machine; the API has no login", file=sys.stderr)
    uvicorn.run(create_app(), host=args.host, port=args.port)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="dfslab", description="NASCAR DraftKings tournament research tools")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report", help="run the slate-report notebook and render HTML")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--demo", action="store_true", help="the built-in demo slate")
    g.add_argument("--salaries", help="a DKSalaries.csv")
    g.add_argument("--slate", help="a real slate folder (nascar/slates/...) or a race folder (dk_2026 layout)")
    g.add_argument("--batch", help="YAML or CSV of parameter sets (one report each); failures are collected")
    r.add_argument("--out", help="output folder (default reports/<series>-<track>-<date>/)")
    r.add_argument("--archetype", help="track archetype when the file does not say")
    r.add_argument("--race-laps", type=int, help="race length in laps when the file does not say")
    r.add_argument("--date", help="race date YYYY-MM-DD when the file does not say")
    r.add_argument("--track", help="track name when the file does not say")
    r.add_argument("--series", help="cup, xfinity or trucks when the file does not say")
    r.add_argument("-p", "--param", action="append", help="notebook parameter NAME=VALUE (repeatable; "
                   "see: dfslab report --help-params)")
    r.add_argument("--force", action="store_true", help="replace another slate's report in --out")
    r.add_argument("--scheduler", help="run a --batch on Dask: 'local' (a LocalCluster on this machine) or a "
                   "scheduler address (tcp://host:8786)")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    r.add_argument("--help-params", action="store_true", help="list every report parameter (-p NAME=VALUE) and exit")
    r.set_defaults(func=_report)
    s = sub.add_parser("serve", help="start the REST API (needs dfslab[api])")
    s.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only; the API has no login)")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=_serve)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
