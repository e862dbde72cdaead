"""Command line: ``dfslab report`` and ``dfslab review`` (papermill + nbconvert) and ``dfslab serve`` (REST API extra).

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

#: the report and review notebooks and their HTML template ship inside the package (package data)
NOTEBOOK = Path(str(resources.files(__package__).joinpath("slate_report.ipynb")))
REVIEW_NOTEBOOK = Path(str(resources.files(__package__).joinpath("contest_review.ipynb")))
TEMPLATES = Path(str(resources.files(__package__).joinpath("templates")))
OUTPUTS = ("slate_report.html", "dk_upload.csv", "lineups.csv", "DKEntries_filled.csv", "slate_report.ipynb")
REVIEW_OUTPUTS = ("contest_review.html", "contest_review.ipynb")
MARKER = ".dfslab-report.json"
REVIEW_MARKER = ".dfslab-review.json"
PATH_PARAMS = ("slate", "starts", "projections", "ownership_file", "payout_table", "rules", "entries", "practice")


class UsageError(Exception):
    """A bad command line or parameter: reported in one line, exit code 2, before any kernel starts."""


def check_packaged(notebook: Path, template: Path) -> None:
    """The notebook and template that ship with the package are there and readable (else: which install)."""
    where = Path(__file__).resolve().parent
    for what, path in ((f"{notebook.stem} notebook", notebook), ("report template", template)):
        if not path.exists():
            raise UsageError(f"the {what} is missing from this dfslab install ({path}; package at {where}): "
                             "reinstall dfslab (pip install --force-reinstall 'dfslab[notebooks]')")
    try:
        json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise UsageError(f"the {notebook.stem} notebook of this dfslab install cannot be read ({notebook}: "
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
    """Every analysis setting, the payout table, the per-driver rules and the entries file checked before a kernel
    starts (nothing is computed): a bad file or rules that cannot all hold is one line, and nothing is written."""
    from ..exceptions import DfslabError
    from .report import analysis_from_params

    try:
        analysis_from_params(slate, **{k: v for k, v in params.items() if k != "slate"})
    except DfslabError as e:  # InputError / DataFileError (file, row, problem) and InfeasibleError (the binding rule)
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


def check_writable(folder: Path) -> None:
    """The report folder can be created and written (checked before a kernel starts; nothing is created here)."""
    import os

    f = Path(folder).resolve()
    probe = f
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"cannot write the report to {f}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write the report to {f}: {probe} is not writable (choose another folder with "
                         "--out, or run from a folder you can write to)")


def _clear_outputs(folder: Path, outputs=OUTPUTS) -> None:
    for f in tuple(outputs) + ("FAILED.txt",):
        p = folder / f
        if p.exists():
            p.unlink()


def render_notebook(notebook: Path, parameters: dict, out_dir, *, stem: str, outputs: tuple, title: str,
                    progress: bool = True, marker: tuple[str, dict] | None = None) -> Path:
    """Run a packaged notebook with papermill and render it to HTML with the dfslab template (inputs hidden).

    The notebook runs in a staging folder (``<out>/.staging``); only when the HTML has rendered do the
    outputs (``<stem>.html``, the executed ``<stem>.ipynb`` and whatever else of ``outputs`` the notebook
    wrote there) replace the previous ones, each by an atomic rename. On failure the previous outputs are
    removed (none may look current), the failed notebook is kept as ``<stem>.FAILED.ipynb`` and the reason
    in ``FAILED.txt``. ``marker`` = (file name, JSON content) written last, naming whose outputs the folder holds.
    """
    t0 = time.perf_counter()
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    from ..utils.atomic import atomic_write_text

    timings = {"import_papermill_nbconvert_s": time.perf_counter() - t0}
    check_packaged(notebook, TEMPLATES / "dfslab_report")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stage = out / ".staging"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir()
    executed = stage / f"{stem}.ipynb"
    try:
        t1 = time.perf_counter()
        pm.execute_notebook(str(notebook), str(executed), parameters=parameters, progress_bar=progress,
                            cwd=str(Path.cwd()), kernel_name="python3",
                            # the kernel logs an "interrupt" on every normal shutdown (jupyter_client 8): noise
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        timings["execute_s"] = time.perf_counter() - t1
        nb = nbformat.read(executed, as_version=4)
        cells = [c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0 for c in nb.cells]
        timings["cells_s"] = float(sum(cells))
        timings["first_code_cell_s"] = float(next((d for c, d in zip(nb.cells, cells) if c.cell_type == "code"
                                                   and "parameters" not in c.metadata.get("tags", [])
                                                   and "injected-parameters" not in c.metadata.get("tags", [])), 0.0))
        timings["kernel_start_and_overhead_s"] = timings["execute_s"] - timings["cells_s"]
        t2 = time.perf_counter()
        nb.metadata["title"] = title
        exporter = HTMLExporter(template_name="dfslab_report", extra_template_basedirs=[str(TEMPLATES)])
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        body, _ = exporter.from_notebook_node(nb)
        if "</html>" not in body:
            raise RuntimeError("nbconvert returned an incomplete HTML document")
        atomic_write_text(stage / f"{stem}.html", body)
        timings["nbconvert_s"] = time.perf_counter() - t2
    except BaseException as e:
        _clear_outputs(out, outputs)
        if executed.exists():
            shutil.move(str(executed), str(out / f"{stem}.FAILED.ipynb"))
        msg = str(e).strip().splitlines()
        (out / "FAILED.txt").write_text(f"{type(e).__name__}: {msg[-1] if msg else ''}\n")
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _clear_outputs(out, outputs)
    for f in outputs:
        if (stage / f).exists():
            (stage / f).replace(out / f)
    failed_nb = out / f"{stem}.FAILED.ipynb"
    if failed_nb.exists():
        failed_nb.unlink()
    timings["render_s"] = time.perf_counter() - t0
    if marker is not None:  # where the time went: benchmarks/bench_report.py reads it
        atomic_write_text(out / marker[0], json.dumps({**marker[1], "timings": {k: round(v, 3) for k, v in
                                                                               timings.items()}}))
    shutil.rmtree(stage, ignore_errors=True)
    return out / f"{stem}.html"


def render_report(parameters: dict, out_dir, notebook: Path = NOTEBOOK, progress: bool = True, slate=None) -> Path:
    """Run the slate-report notebook with papermill and render it to HTML (inputs hidden).

    The notebook runs in a staging folder; only when the HTML has rendered do the
    outputs (``slate_report.html``, ``lineups.csv``, ``dk_upload.csv``, with entries
    ``DKEntries_filled.csv``, the executed notebook) replace the previous ones, each by an atomic rename. On failure the
    previous outputs are removed (none may look current), the failed notebook is kept
    as ``slate_report.FAILED.ipynb`` and the reason in ``FAILED.txt``
    (:func:`render_notebook`).
    """
    from .report import slate_fingerprint

    out = Path(out_dir)
    stage = out / ".staging"
    # the notebook writes into the staging folder; its Files section names where the files end up
    params = dict(parameters, out_dir=str(stage.resolve()), files_folder=str(out.resolve()))
    pickled = None
    if slate is not None:  # the kernel loads the slate read and checked here instead of parsing the files again
        import pickle
        import tempfile

        fd, pickled = tempfile.mkstemp(prefix="dfslab-slate-", suffix=".pickle")
        with open(fd, "wb") as fh:
            fh.write(pickle.dumps(slate, protocol=4))
        params["resolved_slate"] = pickled
    marker = None if slate is None else (MARKER, {"slate": slate.name, "fingerprint": slate_fingerprint(slate)})
    try:
        return render_notebook(notebook, params, out, stem="slate_report", outputs=OUTPUTS, progress=progress,
                               title=f"dfslab slate report: {slate.name if slate is not None else parameters.get('slate')}",
                               marker=marker)
    finally:
        if pickled:
            Path(pickled).unlink(missing_ok=True)


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
    for flag in ("archetype", "date", "track", "series", "contest_sizes"):
        v = getattr(args, flag, None)
        if v:
            base[flag] = v
    for flag in ("rules", "entries"):  # files: absolute, so the kernel (another working folder) finds them
        v = getattr(args, flag, None)
        if v:
            base[flag] = str(Path(v).resolve()) if Path(v).exists() else v
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
            check_writable(folder)
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


# ---------------------------------------------------------------------- dfslab review
def _review_params(args) -> dict:
    raw = _parse_pairs(args.param)
    if args.demo:
        raw["standings"] = "demo"
    elif args.standings:
        raw["standings"] = args.standings
    else:
        raise UsageError("give --standings FILE (DK's contest-standings-<id>.csv) or --demo")
    src = args.salaries or args.slate
    if src:
        raw["slate"] = src
    if args.user:
        raw["user"] = args.user
    for flag in ("archetype", "date", "track", "series"):
        v = getattr(args, flag, None)
        if v:
            raw[flag] = v
    if args.race_laps:
        raw["race_laps"] = args.race_laps
    try:
        p = params_mod.REVIEW.coerce(raw)
    except params_mod.ParameterError as e:
        raise UsageError(str(e)) from None
    for name in ("standings", "slate", "starts", "projections", "ownership_file", "payout_table"):
        v = p.get(name)
        if not v or (name == "standings" and v == "demo"):
            continue
        if not Path(v).exists():
            raise UsageError(f"{name}: {v} not found")
        if name != "slate" and not Path(v).is_file():
            raise UsageError(f"{name}: {v} is not a file")
        p[name] = str(Path(v).resolve())
    return p


def check_review(p: dict):
    """Read and check the standings, the slate, the payout table and the user before a kernel starts
    (the demo contest is made in the kernel); a bad input is one line, exit 2, nothing written."""
    from ..exceptions import InputError
    from .review import is_demo, review_from_params

    if is_demo(p):
        return None
    try:
        return review_from_params(**p)
    except InputError as e:
        raise UsageError(str(e)) from None


def review_out_dir(p: dict, review, out: str | None, force: bool) -> tuple[Path, tuple[str, dict]]:
    """The review's folder: ``--out`` or ``reports/review-<standings file>[-<user>]``, and its marker.

    A folder holding another contest's review is refused without ``force`` (``--out``) or gets a
    ``-2``, ``-3`` ... suffix (the default folder).
    """
    import hashlib
    import re

    from .report import reports_dir

    if review is None:
        ident, stem = "demo", "demo"
    else:
        ids = review.standings.entries["entry_id"].astype(str).sort_values()
        ident = hashlib.sha256("|".join(ids).encode()).hexdigest()[:16]
        stem = Path(p["standings"]).stem
    user = p.get("user") or ""
    marker = (REVIEW_MARKER, {"contest": stem, "fingerprint": ident, "user": user})

    def owner(folder: Path):
        m = folder / REVIEW_MARKER
        if m.is_file():
            try:
                return json.loads(m.read_text()).get("fingerprint")
            except (OSError, ValueError):
                return "unreadable"
        return None if not any((folder / f).exists() for f in REVIEW_OUTPUTS) else "unknown"

    if out:
        folder = Path(out)
        o = owner(folder) if folder.is_dir() else None
        if o not in (None, ident) and not force:
            raise UsageError(f"--out {folder}: holds the review of another contest (marker {REVIEW_MARKER}); choose "
                             "another folder or pass --force to replace it")
        return folder, marker
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"review-{stem}" + (f"-{user}" if user else "")).strip("-").lower()
    base = reports_dir() / slug
    folder, k = base, 1
    while folder.is_dir() and owner(folder) not in (None, ident) and not force:
        k += 1
        folder = base.with_name(f"{base.name}-{k}")
    return folder, marker


def render_review(parameters: dict, out_dir, progress: bool = True, marker=None,
                  notebook: Path = REVIEW_NOTEBOOK) -> Path:
    """Run the contest-review notebook and render it to HTML like the slate report (:func:`render_notebook`).

    Outputs: ``contest_review.html`` and the executed ``contest_review.ipynb``, written atomically
    (a failed run leaves ``FAILED.txt`` and ``contest_review.FAILED.ipynb``, no stale HTML).
    """
    what = Path(parameters.get("standings") or "demo").name
    who = f", {parameters['user']}" if parameters.get("user") else ""
    return render_notebook(notebook, parameters, out_dir, stem="contest_review", outputs=REVIEW_OUTPUTS,
                           progress=progress, title=f"dfslab contest review: {what}{who}", marker=marker)


def _help_review_params() -> int:
    for p in params_mod.REVIEW_PARAMS:
        default = json.dumps(p.default) if p.type is str else repr(p.default)
        print(f"  -p {p.name}=...  ({p.type_name}, default {default}): {p.help}")
    return 0


def _review(args) -> int:
    if args.help_params:
        return _help_review_params()
    try:
        p = _review_params(args)
        rv = check_review(p)
        folder, marker = review_out_dir(p, rv, args.out, args.force)
        check_writable(folder)
    except UsageError as e:
        print(f"dfslab review: {e}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    print(f"review of {p.get('standings')}" + (f" for {p['user']}" if p.get("user") else "") + f" -> {folder}/",
          flush=True)
    try:
        html = render_review(p, folder, progress=sys.stderr.isatty() and not args.quiet, marker=marker)
    except KeyboardInterrupt:
        print("\ninterrupted: no review written", file=sys.stderr)
        return 130
    except Exception as e:
        first = str(e).strip().splitlines()
        print(f"dfslab review: FAILED: {type(e).__name__}: {(first[-1] if first else '')[:300]} (details: "
              f"{folder}/FAILED.txt)", file=sys.stderr)
        return 1
    print(f"    wrote {html} ({time.perf_counter() - t0:.0f} s)")
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
    r.add_argument("--rules", help="CSV of per-driver rules: name (or ID), lock, exclude, min_exposure, "
                   "max_exposure (fractions of my lineups), projection, ownership")
    r.add_argument("--entries", help="DK's entries file (DKEntries.csv): one lineup per entry; writes "
                   "DKEntries_filled.csv into the report folder for DK's Upload entries")
    r.add_argument("--contest-sizes", dest="contest_sizes", help="with --entries: entries per contest, "
                   "CONTEST_ID:SIZE,... (default: from the contest name's prize pool, else field_size)")
    r.add_argument("-p", "--param", action="append", help="notebook parameter NAME=VALUE (repeatable; "
                   "see: dfslab report --help-params)")
    r.add_argument("--force", action="store_true", help="replace another slate's report in --out")
    r.add_argument("--scheduler", help="run a --batch on Dask: 'local' (a LocalCluster on this machine) or a "
                   "scheduler address (tcp://host:8786)")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    r.add_argument("--help-params", action="store_true", help="list every report parameter (-p NAME=VALUE) and exit")
    r.set_defaults(func=_report)
    v = sub.add_parser("review", help="review a contest from DK's standings file (post-lock sims; after the race: "
                       "ranks, what won, ownership) and render HTML")
    g = v.add_mutually_exclusive_group()
    g.add_argument("--standings", help="DK's contest-standings-<id>.csv (downloadable once the contest locks)")
    g.add_argument("--demo", action="store_true", help="a synthetic contest on the demo slate (-p demo_results=true: "
                   "after its race)")
    gs = v.add_mutually_exclusive_group()
    gs.add_argument("--salaries", help="the contest's DKSalaries.csv (NASCAR: the race is simulated)")
    gs.add_argument("--slate", help="a real slate folder or race folder (dk_2026 layout) instead of --salaries")
    v.add_argument("--user", help="DK user name whose entries are reviewed (case-insensitive)")
    v.add_argument("--out", help="output folder (default reports/review-<standings file>[-<user>]/)")
    v.add_argument("--archetype", help="track archetype when the file does not say")
    v.add_argument("--race-laps", type=int, help="race length in laps when the file does not say")
    v.add_argument("--date", help="race date YYYY-MM-DD when the file does not say")
    v.add_argument("--track", help="track name when the file does not say")
    v.add_argument("--series", help="cup, xfinity or trucks when the file does not say")
    v.add_argument("-p", "--param", action="append", help="review parameter NAME=VALUE (repeatable; see: dfslab "
                   "review --help-params), e.g. -p payout_table=payouts.csv -p entry_fee=12 -p starts=starts.csv")
    v.add_argument("--force", action="store_true", help="replace another contest's review in --out")
    v.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    v.add_argument("--help-params", action="store_true", help="list every review parameter (-p NAME=VALUE) and exit")
    v.set_defaults(func=_review)
    s = sub.add_parser("serve", help="start the REST API (needs dfslab[api])")
    s.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only; the API has no login)")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=_serve)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
