"""Helpers behind the slate-report notebook: parameters -> Slate -> :class:`~dfslab.SlateAnalysis`, and presentation.

The pipeline itself lives in :mod:`dfslab.pipeline`; this module only resolves the
report's parameters into a slate, and formats what the analysis computed.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..demo import demo_slate
from ..exceptions import InputError
from ..io import read_dk_salaries, read_nascar_slate
from ..slate import Slate, check_archetype, check_race_laps
from .params import BY_NAME as PARAMS
from .params import split as split_params
from ..utils.files import read_csv_checked, require_columns


def _merge_column(slate: Slate, path: str, column: str, source_col: str | None = None) -> Slate:
    """Merge ``name,<column>`` from a CSV onto the slate by driver name (dfslab.names rules)."""
    from ..names import match_names

    df = read_csv_checked(path)
    src = source_col or column
    if src not in df.columns and column == "ownership" and "projected_own" in df.columns:
        src = "projected_own"
    require_columns(df, path, ["name", src])
    vals = pd.to_numeric(df[src], errors="coerce")
    bad = vals.isna() & df[src].notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{path}, row {i + 2}: {src} {df[src].iloc[i]!r} is not a number ({df['name'].iloc[i]})")
    m = match_names(slate.players["name"].tolist(), df["name"].astype(str).str.strip(), source=f"{slate.name} slate",
                    target=str(path))
    if m.unmatched:
        raise InputError(f"{path}: no {src} for {len(m.unmatched)} slate driver(s): {m.unmatched[:8]}")
    by = dict(zip(df["name"].astype(str).str.strip(), vals))
    p = slate.players.copy()
    p[column] = [by[c] for c in m.matched_names]
    out = slate.with_players(p)
    out.meta = dict(slate.meta)
    if any(h != "exact" for h in m.how):
        out.meta.setdefault("notes", []).append(m.summary())
    return out


def load_report_slate(slate: str = "demo", starts: str = "", projections: str = "", archetype: str = "",
                      race_laps: int = 0, *, ownership: str = "", date: str = "", track: str = "",
                      series: str = "") -> Slate:
    """Resolve the report's ``slate`` parameter into a :class:`Slate`.

    Parameters
    ----------
    slate : str
        "demo" (built-in), a DKSalaries.csv path, or a real slate folder
        (``nascar/slates/...`` or a race folder in the ``dk_2026`` layout).
    starts, projections, ownership : str
        Optional CSVs with columns ``name,start`` / ``name,projection`` /
        ``name,ownership`` (or ``projected_own``: a vendor's projected ownership, percent).
    archetype : str
        Track archetype when the slate does not carry one (else from the track).
    race_laps : int
        Race length when the slate does not carry one (0 = keep).
    date, track, series : str
        Overrides of what the file says (``date`` as YYYY-MM-DD).

    Examples
    --------
    >>> load_report_slate("demo").name
    'demo-intermediate'
    """
    from ..io.nascar import track_archetype
    from ..io.real_races import is_race_folder, read_race_folder

    if slate in ("", "demo"):
        s = demo_slate()
    else:
        p = Path(slate)
        if not p.exists():
            raise InputError(f"slate {slate!r}: file or folder not found (give 'demo', a DKSalaries.csv, a slate "
                             "folder or a race folder)")
        if p.is_dir():
            s = read_race_folder(p).slate if is_race_folder(p) else read_nascar_slate(p)
        else:
            # the date override also makes a Game Info without a readable date harmless (else it is an error)
            try:
                given = pd.Timestamp(date) if date else None
            except (TypeError, ValueError):
                raise InputError(f"date: {date!r} is not a date (use YYYY-MM-DD)") from None
            s = read_dk_salaries(p, date=given)
    s.meta = dict(s.meta)
    s.meta["notes"] = list(s.meta.get("notes", []))
    if starts:
        s = _merge_column(s, starts, "start")
    if projections:
        s = _merge_column(s, projections, "projection")
        s.meta["projection_source"] = f"user projection ({projections})"
    if ownership:
        s = _merge_column(s, ownership, "ownership")
        s.meta["ownership_source"] = f"user-supplied projected ownership ({ownership})"
    if date:
        try:
            s.date = pd.Timestamp(date)
        except (TypeError, ValueError):
            raise InputError(f"date: {date!r} is not a date (use YYYY-MM-DD)") from None
    if series:
        s.series = {"o'reilly": "xfinity", "truck": "trucks"}.get(series.strip().lower(), series.strip().lower())
        if s.series not in ("cup", "xfinity", "trucks"):
            raise InputError(f"series: {series!r} is not one of cup, xfinity, trucks")
    if track:
        s.track = track
    if archetype:
        s.archetype = check_archetype(archetype)
    elif s.archetype is None and s.track:
        try:
            s.archetype = track_archetype(s.track, s.date)
        except InputError:
            pass
    if race_laps:  # 0 / "" = not given
        if isinstance(race_laps, str):  # a notebook / CLI parameter given as text
            try:
                race_laps = float(race_laps)
            except ValueError:
                raise InputError(f"race_laps: expected a whole number of laps, got {race_laps!r}") from None
        s.race_laps = check_race_laps(race_laps)
    if s.archetype is None:
        raise InputError(f"{s.name}: track archetype unknown; set the 'archetype' parameter (--archetype)")
    if s.race_laps is None:
        raise InputError(f"{s.name}: race length unknown; set the 'race_laps' parameter (--race-laps)")
    if "start" in s.players and s.players["start"].isna().any() and s.players["start"].notna().any():
        miss = s.players.loc[s.players["start"].isna(), "name"].tolist()
        raise InputError(f"{s.name}: start (qualifying position) missing for {len(miss)} driver(s): {miss[:8]}; "
                         "give every start (--starts FILE) or none (before qualifying, each simulated race draws "
                         "its own start order)")
    return s


def report_slate(params: dict) -> Slate:
    """The slate the report's parameters describe (``params``: any subset of :data:`~dfslab.app.params.REPORT_PARAMS`).

    With ``resolved_slate`` (set by the CLI) the slate it already read and checked is loaded instead
    of parsing the files a second time.
    """
    if params.get("resolved_slate"):
        import pickle

        with open(params["resolved_slate"], "rb") as fh:
            return pickle.load(fh)
    opts, _ = split_params({k: v for k, v in params.items() if k in PARAMS})
    return load_report_slate(opts.get("slate", "demo"), starts=opts.get("starts", ""),
                             projections=opts.get("projections", ""), archetype=opts.get("archetype", ""),
                             race_laps=opts.get("race_laps", 0), ownership=opts.get("ownership_file", ""),
                             date=opts.get("date", ""), track=opts.get("track", ""), series=opts.get("series", ""))


def analysis_from_params(slate=None, **params):
    """The report's parameters -> a :class:`~dfslab.SlateAnalysis` (nothing computed yet).

    ``params`` are report parameters by name (:data:`dfslab.app.params.REPORT_PARAMS`; the notebook passes
    all of them): the slate's options build the slate, the ``analysis`` ones are SlateAnalysis settings,
    the CLI's output options are ignored here. ``slate`` may also be a :class:`~dfslab.Slate`.

    Examples
    --------
    >>> a = analysis_from_params("demo", n_lineups=3, field_size=300)
    >>> a.n_lineups, a.slate.name
    (3, 'demo-intermediate')
    """
    from ..payouts import read_payout_table
    from ..pipeline import SlateAnalysis

    unknown = sorted(set(params) - set(PARAMS))
    if unknown:
        raise InputError(f"analysis_from_params: unknown report parameter(s) {unknown}")
    if isinstance(slate, Slate):
        sl = slate
    else:
        sl = report_slate({**params, "slate": "demo" if slate is None else slate})
    _, settings = split_params(params)
    payouts = read_payout_table(params["payout_table"]) if params.get("payout_table") else None
    rules = params.get("rules") or None
    if params.get("contest_sizes") and not params.get("entries"):
        raise InputError("contest_sizes: only with entries (a DKEntries.csv names the contests)")
    if not params.get("entries"):
        return SlateAnalysis(sl, payouts=payouts, driver_rules=rules, **settings)
    from ..io import read_dk_entries

    e = read_dk_entries(params["entries"])
    e.check_slate(sl)
    for name in ("n_lineups", "entry_fee"):  # the file decides; a value the user set that disagrees is an error
        given = settings.pop(name, PARAMS[name].default)
        if given != PARAMS[name].default:
            want = e.n_entries if name == "n_lineups" else None
            if want is not None and given != want:
                raise InputError(f"{name}={given} but {e.path} has {want} entries: with entries there is one lineup "
                                 "per entry (drop the n_lineups parameter)")
            if name == "entry_fee":
                raise InputError(f"entry_fee={given:g} with entries: each contest's fee comes from {e.path} "
                                 "(drop the entry_fee parameter)")
    return SlateAnalysis.for_entries(sl, e, contest_sizes=params.get("contest_sizes") or None, payouts=payouts,
                                     driver_rules=rules, **settings)


# ---------------------------------------------------------------------- presentation
def setup_notebook() -> None:
    """Display settings for the report: interactive tables (offline), compact floats, warnings as notes."""
    import warnings

    import matplotlib

    warnings.filterwarnings("ignore", category=UserWarning, module=r"dfslab\..*")  # shown as notes instead
    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 40)
    matplotlib.rcParams.update({"figure.dpi": 90, "savefig.dpi": 90, "axes.titlesize": 11})
    try:  # every figure uses a constrained layout: no second "tight" drawing pass per PNG
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            ip.run_line_magic("config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")
    except ImportError:
        pass
    try:
        from itables import init_notebook_mode

        init_notebook_mode(all_interactive=False, connected=False)  # the DataTables bundle embedded: works offline
    except ImportError:  # the notebooks extra is optional for the library
        pass


_PCT_COLS = re.compile(r"\((%|pp)\)$")


def table(df: pd.DataFrame, caption: str | None = None, interactive: bool = True, page: int = 100,
          decimals: dict | None = None, widths: dict | None = None):
    """Show a DataFrame as a sortable, searchable table (itables) with sensible number formats.

    Percent and point columns keep one or two decimals, counts/ranks/money stay integers,
    text columns are left-aligned and the index is hidden; ``decimals`` (column -> decimals)
    overrides a column's format, ``widths`` (column -> minimum width in em) keeps long text
    readable in a wide table. Falls back to a plain HTML table without itables (or with
    ``interactive=False``).
    """
    from IPython.display import HTML, display

    d = df.copy()
    for c in d.columns:
        if decimals and c in decimals and pd.api.types.is_float_dtype(d[c]):
            d[c] = d[c].round(decimals[c])
        elif pd.api.types.is_float_dtype(d[c]):
            s = d[c]
            if c.endswith("($)") or c in ("best rank", "start") or (s.dropna() == s.dropna().round()).all():
                d[c] = s.round().astype("Int64")
            else:
                d[c] = s.round(1 if _PCT_COLS.search(str(c)) else 2)
    # text: object columns, and pandas' string dtype (the default for text from pandas 3)
    text_cols = [i for i, c in enumerate(d.columns) if d[c].dtype == object or pd.api.types.is_string_dtype(d[c])]
    try:
        if not interactive:
            raise ImportError
        from itables import show

        opts = dict(caption=caption, showIndex=False, classes="display compact cell-border", maxBytes=0,
                    pageLength=page, lengthMenu=[10, 25, 50, 100, 200])
        defs = [{"className": "dt-left", "targets": text_cols}] if text_cols else []
        wide = {c: int(w) for c, w in (widths or {}).items() if c in d}
        defs += [{"className": f"dfslab-minw-{w}", "targets": [list(d.columns).index(c)]} for c, w in wide.items()]
        if wide:  # DataTables squeezes columns to fit; a CSS minimum keeps a long text column readable
            display(HTML("<style>" + " ".join(f"td.dfslab-minw-{w}, th.dfslab-minw-{w} {{min-width: {w}em}}"
                                              for w in sorted(set(wide.values()))) + "</style>"))
        if defs:
            opts["columnDefs"] = defs
        show(d, **opts)
    except ImportError:
        display(HTML((f"<p><b>{caption}</b></p>" if caption else "") + d.to_html(index=False)))


def header_markdown(analysis) -> str:
    """The report header: slate, where strength came from, run parameters, seed, version and time."""
    from .. import __version__

    s = analysis.slate
    sc = analysis.scenarios
    date = None if s.date is None else s.date.date().isoformat()
    p = analysis.get_params()
    strength = getattr(sc, "provenance", "") or getattr(sc, "strength_source", "")
    practice = getattr(sc, "practice_sessions", "")
    series = f"**{s.series or 'unknown'}**"
    if s.series is None and getattr(sc, "series", None):  # DK's file names no series: say which history was used
        series = f"**{sc.series}** (inferred from the drivers' race history)"
    lines = [
        f"**{s.name}** — series {series}, track **{s.track or 'unknown'}** ({s.archetype}), "
        f"**{s.race_laps}** laps, race date **{date or 'unknown'}**; {s.n_players} drivers, salaries "
        f"${int(s.salaries.min()):,}–${int(s.salaries.max()):,}.",
        f"Where driver strength and the scenario means came from: *{strength}*.",
        *([f"Practice and qualifying sessions: *{practice}*."] if practice else []),
        f"Run: {p['n_lineups']} lineups, contest of {p['field_size']:,} entries at ${p['entry_fee']:g} "
        f"({p['payouts']}), leverage penalty {p['leverage_penalty']:g}, max overlap {p['max_overlap']}, "
        f"max exposure {p['max_exposure']:.0%}, min salary ${p['min_salary']:,}, selection *{p['selection']}*, "
        f"{p['n_scenarios']:,} simulated races to build and {p['n_scenarios']:,} others to score, "
        f"{p['n_field_draws']} field draws per race; seed **{p['random_state']}**.",
    ]
    if getattr(analysis, "driver_rules", None) is not None:
        r = analysis.driver_rules
        lines.append(f"Per-driver rules: **{r.n_rules}** driver(s) from `{r.source}` ({len(r.locked_names)} locked, "
                     f"{len(r.excluded_names)} excluded; see section 5).")
    if getattr(analysis, "entries", None) is not None:
        e = analysis.entries
        lines.append(f"DK entries: **{e.n_entries}** entries in {len(e.contests)} contest(s) from `{e.path}`: one "
                     "lineup per entry, each contest with its own fee and size (section 7).")
    lines.append(f"dfslab {__version__}, generated {analysis.created_.strftime('%Y-%m-%d %H:%M %Z')}.")
    return "\n\n".join(lines)


def notes_markdown(analysis) -> str:
    """Every note the readers and engines left (name matches, assumptions, warnings), once each."""
    seen = []
    own = getattr(analysis, "ownership", None)
    own_notes = list(own.attrs.get("notes", [])) if isinstance(own, pd.DataFrame) else []
    for n in list(analysis.slate.meta.get("notes", [])) + list(getattr(analysis.scenarios, "notes", [])) + own_notes:
        if n and n not in seen:
            seen.append(n)
    return "\n".join(f"- {n}" for n in seen) if seen else "- none"


def glossary_markdown() -> str:
    """Every term of the report, explained once."""
    from ..pipeline import GLOSSARY

    # "$" is escaped: two of them in one item would be read as a math span by the notebook's markdown
    return "\n".join(f"- **{k}**: {v}".replace("$", "\\$") for k, v in GLOSSARY.items())


def model_evidence() -> dict:
    """Measured real-race figures shipped with the package (``dfslab/_data/evidence_*.json``).

    Keys are the evidence names (e.g. ``backtest``, ``ownership``, ``racesim``); each
    value is the JSON the evaluation script wrote. Empty when none is shipped.
    """
    out = {}
    base = resources.files("dfslab").joinpath("_data")
    for f in sorted(base.iterdir()):
        name = f.name
        if name.startswith("evidence_") and name.endswith(".json"):
            out[name[len("evidence_"):-len(".json")]] = json.loads(f.read_text())
    return out


def report_slug(slate: Slate) -> str:
    """A report folder name from the slate: ``<series>-<track>-<date>`` (or the slate's name)."""
    parts = [slate.series or "", slate.track or "", "" if slate.date is None else slate.date.date().isoformat()]
    text = "-".join(x for x in parts if x) if slate.track or slate.date is not None else slate.name
    slug = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_.-]+", "-", str(text))).strip("-").lower()
    return slug or "slate"


def reports_dir() -> Path:
    """Where reports go by default: ``$DFSLAB_REPORTS_DIR`` when set, else ``reports/`` under the working folder."""
    import os

    env = os.environ.get("DFSLAB_REPORTS_DIR")
    return Path(env) if env else Path.cwd() / "reports"


def report_out_dir(out_dir: str, slate: Slate) -> Path:
    """Folder for the report's files: ``out_dir``, or ``<reports_dir()>/<slug>/``."""
    if out_dir:
        return Path(out_dir)
    return reports_dir() / report_slug(slate)


def slate_fingerprint(slate: Slate) -> str:
    """A short identity of a slate (drivers and salaries): two reports of one slate share it."""
    import hashlib

    p = slate.players
    key = "|".join(f"{n}:{s}" for n, s in zip(p["name"].astype(str), p["salary"].astype(int)))
    key += f"|{slate.series}|{slate.track}|{None if slate.date is None else slate.date.date()}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------- report sections
LINEUP_COLUMNS = ["lineup", "drivers", "salary ($)", "projection (pts)", "total ownership (%)", "regime", "ROI (%)",
                  "ROI s.e. (pp)", "cash (%)", "cash s.e. (pp)", "win (%)", "top 1% (%)", "best rank", "flag"]


def ownership_markdown(analysis) -> str:
    """Where the ownership projection came from and how it did on real DK %Drafted."""
    s = analysis.slate
    src = s.meta.get("ownership_source")
    if analysis.ownership_given is not None:
        txt = "Ownership given by the caller (used as is)."
    else:
        txt = ("Ownership from dfslab's NASCAR model (`HybridOwnershipEstimator`), with an 80% interval per driver; "
               f"each simulated field draws its own ownership vector from that uncertainty. "
               f"Total {analysis.ownership_vector.sum():.0f}% (6 drivers x 100%).")
        if src and "ownership" in s.players and s.players["ownership"].notna().all():
            txt += f" The slate carries a vendor projection ({src}); the model uses it as an input."
    from ..ownership import nascar_ownership_figures

    try:
        ev = nascar_ownership_figures()
    except Exception:  # figures not shipped: say nothing rather than fail the report
        ev = None
    if ev:
        txt += (f"\n\nMeasured on real DK %Drafted ({ev['n_rows']} named driver-contest rows of {ev['n_races']} real "
                f"2026 races, leave-one-race-out): MAE **{ev['mae_ours']:.1f} pp** without a vendor projection and "
                f"**{ev['mae_blend']:.1f} pp** with one as an input, against {ev['mae_vendor']:.1f} pp for the vendor's "
                f"own projection (DailyFan); 80% intervals covered {ev['coverage_80']:.0%} of the rows. Both ours and "
                f"the vendor's under-predict the most-owned drivers (bias {ev['bias_ours']:+.1f} / "
                f"{ev['bias_vendor']:+.1f} pp on those rows).")
    return txt


def flags_markdown(analysis) -> str:
    """A visible warning for every lineup the simulation says (almost) never cashes."""
    from ..pipeline import DEAD_CASH_PCT

    d = analysis.lineups
    bad = d[d["flag"] != ""]
    if bad.empty:
        return f"Every lineup cashes in at least {DEAD_CASH_PCT:g}% of simulated contests."
    rows = "\n".join(f"- lineup {int(r['lineup'])} ({r['drivers']}, ${int(r['salary ($)']):,}): cash "
                     f"{r['cash (%)']:.2f}% ± {r['cash s.e. (pp)']:.2f}" for _, r in bad.iterrows())
    return (f"**⚠ {len(bad)} lineup(s) cash in fewer than {DEAD_CASH_PCT:g}% of simulated contests** — they are in "
            f"the upload file (flagged in `lineups.csv`); replace them before uploading:\n\n{rows}")


def summary_table(analysis) -> pd.DataFrame:
    """Portfolio and yardstick side by side, metrics as rows (units in the names), formatted as text."""
    d = analysis.summary
    out = pd.DataFrame(index=d.index, columns=d.columns, dtype=object)
    for metric, row in d.iterrows():
        fmt = "{:,.0f}" if metric in ("best rank", "simulated contests") else "{:,.2f}"
        out.loc[metric] = ["—" if pd.isna(v) else fmt.format(v) for v in row]
    return out.reset_index(names="metric")


def contest_markdown(analysis) -> str:
    """The contest's size, fee and payouts, and the headline simulated figures with their s.e."""
    t = analysis.payouts
    r = analysis.contest.portfolio
    y = analysis.yardstick.portfolio
    rake = t.rake(analysis.field_size, analysis.entry_fee)
    return (f"Prize pool ${t.pool:,.0f} for {analysis.field_size:,} entries at ${analysis.entry_fee:g} "
            f"(rake {rake:.1%}; {t.n_paid:,} places paid, 1st ${t.payout[0]:,.0f}); {analysis.n_lineups} entries are "
            f"mine and {analysis.n_opponents:,} are simulated opponents.\n\n"
            f"My portfolio: simulated ROI **{100 * r['roi_mean']:+.1f}% ± {100 * r['roi_se']:.1f}** (Monte Carlo "
            f"s.e.), at least one lineup cashes in {r['cash_pct']:.1f}% of contests, wins {r['win_pct']:.2f}%. "
            f"Field-like portfolios of {analysis.n_lineups} lineups in the same contests "
            f"({y.get('n_portfolios', 1)} drawn, averaged): {100 * y['roi_mean']:+.1f}% ± {100 * y['roi_se']:.1f} (the "
            f"s.e. covers the simulated contests and which lineups were drawn); the exact value is minus the rake, "
            f"**{-100 * rake:.1f}%** (entries drawn like the field earn the pool's average), so the gap between the "
            f"two is the simulation's own noise.")


def evidence_markdown(analysis) -> str:
    """What the real-race backtest measured, next to this report's own prediction."""
    ev = model_evidence().get("backtest")
    txt = ("> **Read with care.** A simulated ROI assumes the simulated world is right. "
           "Scenario means are drawn around a blend of the available projections with an error fitted on real "
           "races, and lineups are scored on races the optimizer never saw, but the model can still be wrong.")
    if ev:
        txt += "\n>\n> " + str(ev.get("report_text", "")).replace("\n", "\n> ")
    return txt


def rules_markdown(analysis) -> str:
    """What the per-driver rules are and how they act (or that none were given)."""
    r = analysis.driver_rules
    if r is None:
        return ("No per-driver rules (give a rules CSV: `-p rules=rules.csv` / `--rules`, columns `name` or `ID`, "
                "`lock`, `exclude`, `min_exposure`, `max_exposure` as fractions of my lineups, `projection`, "
                "`ownership`).")
    txt = (f"**Rules applied** ({r.n_rules} driver(s), from `{r.source}`). Locks, excludes and exposures are "
           "constraints of the optimizer's model (and of the selection by simulation); a driver's own cap replaces "
           f"the global max exposure ({analysis.max_exposure:.0%}) for that driver. Exposure counts round as the "
           "optimizer does: a minimum up, a maximum down.")
    if r.has_projection:
        txt += (" A projection override is your projection for that driver, fed into the simulator's mean like a "
                "projections file (blended with the other sources where the slate has no projection of its own).")
    if r.has_ownership:
        txt += (" An ownership override replaces our estimate for that driver; the other drivers are rescaled so the "
                "total stays 600% (`capped_normalize`, none above 100%).")
    return txt.replace("$", "\\$")


def rules_table(analysis) -> pd.DataFrame:
    """The rules with what the portfolio did: exposure reached per driver next to the rule."""
    r = analysis.driver_rules
    t = r.table()
    L = analysis.portfolio.lineups
    n = len(L)
    counts = np.bincount(L.ravel(), minlength=analysis.slate.n_players)
    idx = np.flatnonzero(r.has_rule)
    t["in my lineups"] = [f"{counts[i]} of {n}" for i in idx]
    t["exposure (%)"] = 100.0 * counts[idx] / n
    t["simulated mean (pts)"] = analysis.mean_points[idx]
    t["ownership used (%)"] = analysis.ownership_vector[idx]
    for c in ("min exposure (%)", "max exposure (%)", "projection (pts)", "ownership (%)"):  # blank = no rule
        t[c] = [f"{v:.1f}".rstrip("0").rstrip(".") if v == v else "" for v in t[c]]
    return t[["driver", "salary ($)", "rule", "in my lineups", "exposure (%)", "min exposure (%)",
              "max exposure (%)", "projection (pts)", "simulated mean (pts)", "ownership (%)", "ownership used (%)"]]


def entries_markdown(analysis) -> str:
    """Where each entry's lineup comes from, and each contest's size."""
    e = analysis.entries
    if e is None:
        return ("No DKEntries.csv given. `dfslab report --salaries DKSalaries.csv --entries DKEntries.csv` builds one "
                "lineup per entry of DK's entries file and writes `DKEntries_filled.csv` for DK's *Upload entries*.")
    plan = analysis.entry_plan
    txt = (f"**{e.n_entries} entries** in {len(plan)} contest(s) from `{e.path}`. All {e.n_entries} lineups are "
           "distinct; they are dealt to the contests in turn (the contest with most entries first), so each contest "
           "gets a share of the best lineups and never one lineup twice, then to each contest's entries in file order. "
           "`DKEntries_filled.csv` is DK's file with every entry's slots filled as `Name (ID)` and every other cell "
           "unchanged.")
    was = e.entries["status"].value_counts()
    if int(was.drop("empty", errors="ignore").sum()):
        txt += (f" {int(was.drop('empty', errors='ignore').sum())} entries already held a lineup; it is replaced "
                "(DK's edit-entries upload).")
    if len(plan) > 1:
        txt += (" Each contest is simulated below with its own fee, field size and lineups (section 6 shows every "
                "lineup in the main contest).")
    from ..pipeline import not_gpp

    sizes = [f"{r['contest_id']}: {int(r['field size (entries)']):,} entries, {r['size from']}" for _, r in plan.iterrows()]
    txt += "\n\n" + "\n".join(f"- {x}" for x in sizes)
    odd = [f"{r['contest_name']} ({r['contest_id']})" for _, r in plan.iterrows() if not_gpp(r["contest_name"])]
    if odd:
        txt += (f"\n\n**⚠ {', '.join(odd)} look(s) like a double-up / 50-50 / satellite**, but every contest is "
                "simulated with the GPP payout curve of real DK tournaments: its ROI and cash rate below are not that "
                "contest's (give its real table with `payout_table` when it is the main contest).")
    return txt.replace("$", "\\$")


def rules_section(analysis) -> None:
    """Show the rules applied (words and a table with the exposure reached), or how to give some."""
    from IPython.display import Markdown, display

    display(Markdown(rules_markdown(analysis)))
    if analysis.driver_rules is not None:
        table(rules_table(analysis), caption="Rules applied, and what my lineups did", interactive=False)


def entries_section(analysis) -> None:
    """Show which lineup went to which entry and each contest simulated on its own (or how to give a file)."""
    from IPython.display import Markdown, display

    display(Markdown(entries_markdown(analysis)))
    if analysis.entries is None:
        return
    table(analysis.entry_lineups, caption="Which lineup went to which entry (file order; lineup numbers as above)")
    table(analysis.entry_contests, caption="Each contest simulated with its own fee, field size and lineups",
          interactive=False)


def files_markdown(files: dict, folder: str = "") -> str:
    """Where the upload and readable lineup files went (in ``folder`` when given: where they end up)."""
    def shown(path) -> str:
        return str(Path(folder) / Path(path).name) if folder else str(path)

    out = [f"- `{shown(files['lineups'])}`: every lineup with driver names, salary, projection, ownership and "
           "simulated results (same numbering as above)"]
    if "dk_upload" in files:
        out.append(f"- `{shown(files['dk_upload'])}`: DraftKings bulk-upload file (header `D,D,D,D,D,D`, DK ids), "
                   "row n = lineup n")
    if "dk_entries" in files:
        out.append(f"- `{shown(files['dk_entries'])}`: your DKEntries.csv with every entry's lineup filled in "
                   "(`Name (ID)`; every other row and column as DK wrote them), for DK's *Upload entries* "
                   "(My Contests > Upcoming > Edit Entries > Upload)")
    out += [f"- {n}" for n in files.get("notes", [])]
    return "\n".join(out)


def check_invariants(analysis, files: dict) -> None:
    """Assertions the report must satisfy (the notebook, and nbval, fail when one breaks)."""
    from ..io import read_dk_upload
    from ..slate import check_lineups

    own = analysis.ownership_vector
    assert abs(own.sum() - 100 * analysis.slate.rules.roster_size) < 1e-6, own.sum()
    L = check_lineups(analysis.portfolio.lineups, analysis.slate)
    assert (analysis.slate.salaries[L].sum(1) >= analysis.min_salary).all()
    d = pd.read_csv(files["lineups"])
    assert list(d["lineup"]) == list(range(1, len(L) + 1))
    names = analysis.slate.players["name"].to_numpy()
    assert all(r == ", ".join(names[x]) for r, x in zip(d["drivers"], L))
    if "dk_upload" in files:
        assert (read_dk_upload(files["dk_upload"], analysis.slate) == L).all()
    r = analysis.driver_rules
    if r is not None and r.has_lineup_rules:
        lo, hi = r.exposure_counts(len(L), analysis.max_exposure)
        c = np.bincount(L.ravel(), minlength=analysis.slate.n_players)
        assert (c >= lo).all() and (c <= hi).all(), "a per-driver rule is not met"
    if analysis.entries is not None:
        from ..io import read_dk_entries

        e0 = analysis.entries
        e1 = read_dk_entries(files["dk_entries"], slate=analysis.slate)
        assert e1.entries[["entry_id", "contest_id", "contest_name", "entry_fee ($)"]].equals(
            e0.entries[["entry_id", "contest_id", "contest_name", "entry_fee ($)"]])
        assert (np.sort(e1.lineups(analysis.slate), 1) == np.sort(L[analysis.entry_lineup_numbers], 1)).all()
