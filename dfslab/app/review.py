"""Helpers behind the contest-review notebook: parameters -> :class:`~dfslab.ContestReview`, and presentation.

The review itself lives in :mod:`dfslab.pipeline` (:class:`~dfslab.ContestReview`); this module only resolves
the review's parameters (:data:`dfslab.app.params.REVIEW`) into a standings file, a slate and a payout table,
and formats what the review computed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..exceptions import InputError
from ..slate import Slate
from .params import REVIEW
from .report import setup_notebook  # noqa: F401  (the notebook's display settings)
from .report import table as _report_table

#: Path parameters checked before a kernel starts.
PATH_PARAMS = ("standings", "slate", "starts", "projections", "ownership_file", "payout_table")


@lru_cache(maxsize=2)
def demo_standings(results: bool = False) -> str:
    """The demo contest's standings file (written once per process into a temporary folder)."""
    import atexit
    import shutil
    import tempfile

    from ..pipeline import demo_contest

    folder = tempfile.mkdtemp(prefix="dfslab-demo-contest-")
    atexit.register(shutil.rmtree, folder, True)  # the demo file lives as long as the process (the kernel)
    return str(demo_contest(folder, results=results))


def is_demo(params: dict) -> bool:
    return params.get("standings", REVIEW.by_name["standings"].default) in ("", "demo")


def review_slate(params: dict) -> Slate | None:
    """The slate the review's parameters describe, or None (no salary file: the race part is skipped).

    A NASCAR salary file (or slate / race folder) is read with the report's options (date, track,
    archetype, laps, starts ...: :func:`dfslab.app.report.load_report_slate`); an MLB or NFL
    ``DKSalaries.csv`` is read as it is (there is no race to simulate, only salaries to show).
    """
    from ..io import read_dk_salaries
    from ..utils.files import read_csv_checked
    from .report import load_report_slate

    src = params.get("slate", "")
    if not src:
        return load_report_slate("demo") if is_demo(params) else None
    p = Path(src)
    if p.is_file():
        head = read_csv_checked(p, dtype=str, keep_default_na=False)
        pos = head["Position"] if "Position" in head.columns else None
        if pos is not None and not set(pos.str.strip()) <= {"D"}:
            s = read_dk_salaries(p)  # MLB / NFL: salaries only
            s.meta = dict(s.meta, source=str(p))
            return s
    opts = {k: params.get(k, REVIEW.by_name[k].default) for k in REVIEW.names("slate") if k != "slate"}
    s = load_report_slate(src, starts=opts["starts"], projections=opts["projections"], archetype=opts["archetype"],
                          race_laps=opts["race_laps"], ownership=opts["ownership_file"], date=opts["date"],
                          track=opts["track"], series=opts["series"])
    s.meta = dict(s.meta, source=str(p))
    return s


def review_from_params(**params):
    """The review's parameters -> a :class:`~dfslab.ContestReview` (read and checked; nothing simulated yet).

    ``params`` are review parameters by name (:data:`dfslab.app.params.REVIEW_PARAMS`); missing ones take
    their defaults.

    Raises
    ------
    InputError
        A bad file, a standings file of another sport than the salary file, a user with no entry:
        one line naming the file, the row and the problem.
    """
    from ..payouts import read_payout_table
    from ..pipeline import ContestReview

    unknown = sorted(set(params) - set(REVIEW.by_name))
    if unknown:
        raise InputError(f"review_from_params: unknown review parameter(s) {unknown}")
    p = {**REVIEW.defaults(), **params}
    standings = demo_standings(bool(p["demo_results"])) if is_demo(p) else p["standings"]
    if not is_demo(p) and not Path(standings).is_file():
        raise InputError(f"standings: {standings} not found")
    slate = review_slate(p)
    payouts = read_payout_table(p["payout_table"]) if p["payout_table"] else None
    (settings,) = REVIEW.split(p, "review")
    return ContestReview(standings, slate, user=p["user"] or None, payouts=payouts,
                         entry_fee=p["entry_fee"] or None, **settings)


# ---------------------------------------------------------------------- presentation
#: Columns shown with more decimals than the report's defaults (small probabilities, dollars and cents).
DECIMALS = {"P(win) (%)": 2, "P(win) s.e. (pp)": 2, "P(top 1%) (%)": 2, "P(a win) (%)": 2, "points PIT": 2,
            "PIT": 2, "expected payout ($)": 2, "expected payout s.e. ($)": 2, "payout ($)": 2, "profit ($)": 2,
            "payout each ($)": 2, "top (%)": 2, "points (pts)": 2, "actual points (pts)": 2}


def table(df: pd.DataFrame, caption: str | None = None, interactive: bool = True) -> None:
    """A sortable table with the review's number formats (:func:`dfslab.app.report.table`); lineups get room."""
    _report_table(df, caption=caption, interactive=interactive, decimals=DECIMALS,
                  widths={"lineup": 24, "entry": 8})


def facts(rows, caption: str) -> None:
    """A two-column table of facts (name, value as text), left-aligned."""
    import html

    from IPython.display import HTML, display

    body = "".join(f"<tr><td style='text-align:left'>{html.escape(str(k))}</td>"
                   f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>" for k, v in rows)
    display(HTML(f"<p><b>{html.escape(caption)}</b></p><table class='dfslab-facts'>{body}</table>"))


def show(ax) -> None:
    """Display a plot where it is called (not at the end of the cell) and free it."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(ax.figure)
    plt.close(ax.figure)


def _md(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


def header_markdown(rv) -> str:
    """The review's header: the contest, its phase, the user, the slate, payouts and fee, seed, version, time."""
    import datetime as dt

    from .. import __version__

    cs = rv.standings
    lines = [f"**{rv.contest_name}** ({cs.path}) — **{rv.n_entries:,} entries**, {rv.phase}"
             + (f"; reviewing **{rv.user}**'s {rv.mine.size} entr{'y' if rv.mine.size == 1 else 'ies'}" if rv.user
                else "; no user given: the field itself") + "."]
    s = rv.slate
    if s is not None:
        date = None if s.date is None else s.date.date().isoformat()
        what = (f"series **{s.series or 'unknown'}**, track **{s.track or 'unknown'}** ({s.archetype}), "
                f"**{s.race_laps}** laps, race date **{date or 'unknown'}**; " if s.rules.name == "nascar" else "")
        lines.append(f"Slate: {s.meta.get('source', s.name)} — {what}{s.n_players} players.")
    else:
        lines.append("Slate: none given.")
    lines.append(f"Payouts: {rv.payout_source}; entry fee ${rv.entry_fee:,.2f}.")
    if rv.simulates:
        sc = rv.analysis.scenarios
        src = getattr(sc, "provenance", "") or getattr(sc, "strength_source", "")
        lines.append(f"Race part: {len(rv.scenario_points):,} simulated races (driver strength: *{src}*); "
                     f"seed **{rv.random_state}**.")
    lines.append(f"dfslab {__version__}, generated {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}.")
    lines.append("\n".join(f"- {x}" for x in rv.headline()))
    return "\n\n".join(lines).replace("$", "\\$")


def notes_markdown(rv) -> str:
    """Every note of the readers and the review, once each."""
    seen = []
    extra = rv.simulation.notes if rv.simulates and rv.evaluated.size else []
    slate_notes = rv.slate.meta.get("notes", []) if rv.slate is not None else []
    for n in list(slate_notes) + list(rv.notes) + list(extra):
        if n and n not in seen:
            seen.append(n)
    return ("\n".join(f"- {n}" for n in seen) if seen else "- none").replace("$", "\\$")


def field_section(rv) -> None:
    """The field: who entered, duplicates, salary and ownership at a glance, and the most-drafted players."""
    facts(rv.field_summary.itertuples(index=False), caption="The field")
    show(_most_drafted(rv))


def _most_drafted(rv):
    from ..plots import ownership_vs_actual

    d = rv.ownership
    return ownership_vs_actual(d["of submitted lineups (%)"].to_numpy(), d["player"].tolist())


def results_section(rv) -> None:
    """After the race: ranks and payouts reproduced, what won, the top entries; before results: a note."""
    if not rv.results:
        _md("Before results: every entry's points are 0 in the file (the race has not been scored yet), so there "
            "are no ranks to reproduce. The sections below simulate the race against this actual field.")
        return
    r = rv.reproduction
    txt = (f"Ranks recomputed from the players' FPTS with DraftKings' rules (ties share the best place and split "
           f"the prizes of the places they cover; blank lineups last) equal the file's **Rank for "
           f"{r['ranks matching DK (%)']:.2f}%** of the {r['entries']:,} entries ({r['ranks differing']} differ); "
           f"each entry's points equal the file's Points for {r['points matching DK (%)']:.2f}%. The payout table "
           f"pays ${r['paid ($)']:,.2f} of its ${r['pool ($)']:,.2f} pool.")
    if "first difference" in r:
        txt += f" First difference: {r['first difference']}."
    _md(txt.replace("$", "\\$"))
    _md("**What won** (each player's actual %Drafted in brackets)")
    table(rv.winners, caption="Winning lineup(s)", interactive=False)
    table(rv.top_entries, caption=f"The best {len(rv.top_entries)} distinct lineups")


def entries_section(rv) -> None:
    """The user's entries (or the field's most-entered lineups and likeliest winners) against the field."""
    d = rv.my_entries
    if d.empty:
        if rv.results:
            _md("No user given (`--user NAME`) and no race part: the best entries are in section 2; the whole "
                "field's points:")
            show(rv.plot_entries())
        else:
            _md(f"No user given (`--user NAME`) and {rv.race_note}: nothing to simulate.")
        return
    who = f"The entries of {rv.user}" if rv.user else "The field's most-entered lineups and likeliest winners"
    if rv.simulates:
        how = ("simulated against the **actual field** of the file (every other real lineup, duplicates included) "
               f"in {len(rv.sim_points):,} simulated races, ranked and paid with DK's rules")
        _md(f"**{who}**: {how}. P(win) counts ties for 1st; s.e. = Monte Carlo standard error (of the simulation, "
            "not of the model)." + (" After the race: points, rank and payout next to what was predicted; "
                                     "*points PIT* = share of simulated races in which the lineup scored less."
                                     if rv.results else ""))
    else:
        _md(f"**{who}**." + (f" {rv.race_note[0].upper()}{rv.race_note[1:]}." if rv.race_note else ""))
    pf = rv.portfolio
    if pf:
        facts([(k, f"{v:,.2f}" if isinstance(v, float) else f"{v:,}") for k, v in pf.items()],
              caption=f"All entries of {rv.user} together")
    table(d, caption=who)
    if rv.results or "ROI (%)" in d:
        show(rv.plot_entries())


def race_section(rv) -> None:
    """The race part: the actual field's simulated winning score and cash line, and after the race where the
    real ones and every driver's points fell; skipped with a note without a NASCAR slate."""
    if not rv.simulates:
        _md(f"**Skipped**: {rv.race_note}.")
        return
    _md("The actual field scored in every simulated race: its winning score and cash line (the score of the last "
        "paid place)" + (", and where the real ones fell (PIT: share of simulated races below the real value; "
                         "across many contests it should average 0.5)." if rv.results else "."))
    table(rv.outlook_table, caption="Winning score and cash line", interactive=False)
    show(rv.plot_outlook())
    if rv.results:
        d = rv.ownership
        cols = ["player", "salary ($)", "%Drafted (%)", "simulated mean (pts)", "simulated p10 (pts)",
                "simulated p90 (pts)", "actual points (pts)", "points PIT"]
        known = d["actual points (pts)"].notna()
        pit = d.loc[known, "points PIT"]
        _md(f"Every drafted driver's actual DK points against the simulation: mean PIT {pit.mean():.2f} over "
            f"{int(known.sum())} drivers, {100 * ((pit >= 0.1) & (pit <= 0.9)).mean():.0f}% inside the simulated "
            "10-90% range (80% if calibrated). Drivers nobody drafted are not in the file's player block: their "
            "points are unknown here.")
        table(d[cols], caption="Drivers: simulated vs actual points")


def ownership_section(rv) -> None:
    """The field's actual %Drafted against our ownership forecast (table and plot), or a note why not."""
    d = rv.ownership
    if rv.forecast is None:
        why = ("no salary file" if rv.slate is None else
               f"dfslab ships an ownership model for NASCAR only (this contest is {rv.standings.rules.name.upper()}; "
               "the MLB model measured in docs/ownership.md is refitted by each study, dfslab.studies.evaluate_mlb, "
               "and not shipped)")
        _md(f"Forecast comparison **skipped**: {why}. The actual %Drafted:")
        table(d, caption="Actual ownership")
        return
    s = rv.ownership_summary
    _md(f"Our forecast (dfslab's NASCAR ownership model on this slate, as the slate report makes it) against the "
        f"actual %Drafted of the submitted lineups: **MAE {s['MAE (pp)']:.1f} pp** over {s['players']} players, "
        f"correlation {s['correlation']:.2f}; on the 10 most-owned players MAE {s['MAE on the 10 most-owned (pp)']:.1f} "
        f"pp, bias {s['bias on the 10 most-owned (pp)']:+.1f} pp; the 80% intervals cover "
        f"{s['80% interval coverage (%)']:.0f}% of players. (DK's %Drafted counts blank lineups in the denominator; "
        "the forecast is of submitted lineups.)")
    show(rv.plot_ownership())
    table(d, caption="Ownership: actual vs forecast")


GLOSSARY = {
    "%Drafted": "DK's share of ALL entries (blank lineups included) that roster the player; 'of submitted lineups' "
                "leaves the blank ones out, which is what a forecast predicts",
    "copies in contest": "how many entries of the contest hold exactly this lineup (itself included); copies tie "
                         "and split the prizes of the places they cover",
    "lineup ownership": "the summed %Drafted of a lineup's players (NASCAR: 6 drivers, so 600% is the field total)",
    "P(win), P(cash), P(top 1%)": "share of simulated races in which the entry ranks 1st (ties included), is paid, "
                                  "finishes in the top 1% of entries",
    "expected payout, ROI": "mean prize over simulated races, and (mean prize - fee) / fee",
    "s.e.": "Monte Carlo standard error of a simulated figure: how much it would move with another set of "
            "simulated races. It says nothing about whether the race model is right",
    "PIT": "share of simulated values below the real one (half the ties): 0.5 on average when the simulation is "
           "calibrated; near 0 or 1 = the real value was in a tail",
    "cash line": "the score of the last paid place",
    "top (%)": "rank / entries x 100: 1% = in the best hundredth of the field",
}


def glossary_markdown() -> str:
    return "\n".join(f"- **{k}**: {v}" for k, v in GLOSSARY.items())


def check_invariants(rv) -> None:
    """Assertions the review must satisfy (the notebook, and nbval, fail when one breaks)."""
    if rv.results:
        assert rv.reproduction["ranks matching DK (%)"] == 100.0, rv.reproduction
        assert abs(rv.payout.sum() - rv.payouts.prizes(rv.n_entries).sum()) < 1e-6  # every prize paid once
    if rv.simulates and rv.evaluated.size:
        d = rv.my_entries
        ok = d["P(cash) (%)"].dropna()
        assert ((ok >= 0) & (ok <= 100)).all()
        assert (d["P(win) (%)"].dropna() <= d["P(cash) (%)"].dropna() + 1e-9).all()
    if rv.forecast is not None:
        assert abs(rv.forecast["ownership"].sum() - 100 * rv.slate.rules.roster_size) < 1e-6
