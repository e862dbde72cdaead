"""The slate report's and the contest review's parameters, each declared once.

The notebook's ``parameters`` cell is rendered from :data:`REPORT_PARAMS` (a test compares the two),
the CLI checks ``-p NAME=VALUE`` against it before a kernel starts, and
:func:`dfslab.app.report.analysis_from_params` splits it into the slate's options and the
:class:`~dfslab.SlateAnalysis` settings by each parameter's ``role``:

* ``slate`` -- what describes the slate (file, date, track, starts, projections, ...);
* ``analysis`` -- a :class:`~dfslab.SlateAnalysis` setting of the same name and default;
* ``output`` / ``internal`` -- set by the ``dfslab`` command line (where files go, the slate it already
  read); a user gives ``--out`` instead.

The contest review (``dfslab review``, ``contest_review.ipynb``) declares its own in :data:`REVIEW_PARAMS`
(:data:`REVIEW`): ``contest`` (the standings file, the user, payouts and fee), the same ``slate`` options as
the report, and ``review`` (:class:`~dfslab.ContestReview` settings of the same name and default). Both sets
are :class:`ParamSet` objects; the module-level functions below serve the report.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass

ROLES = ("slate", "analysis", "output", "internal", "contest", "review")
_CLI_ONLY = ("output", "internal")
_TYPES = {str: "str", int: "int", float: "float", bool: "bool"}


class ParameterError(ValueError):
    """An unknown or ill-typed report parameter (one line, before any kernel starts)."""


@dataclass(frozen=True)
class Param:
    """One report parameter: name, type, default, one-line help, role."""

    name: str
    type: type
    default: object
    help: str
    role: str

    @property
    def type_name(self) -> str:
        return _TYPES[self.type]

    def line(self) -> str:
        """The parameter as a line of the notebook's ``parameters`` cell."""
        default = json.dumps(self.default) if self.type is str else repr(self.default)
        return f"{self.name}: {self.type_name} = {default}  # {self.help}"


def _p(name, type_, default, help_, role):
    return Param(name, type_, default, help_, role)


REPORT_PARAMS: tuple[Param, ...] = (
    _p("slate", str, "demo", '"demo" (built-in), a DKSalaries.csv path, a real slate folder or a race folder '
       "(dk_2026 layout)", "slate"),
    _p("date", str, "", "race date YYYY-MM-DD when the file does not say (a DKSalaries.csv's Game Info usually does)",
       "slate"),
    _p("track", str, "", "track name when the file does not say (sets the archetype when it is in dfslab's track "
       "table)", "slate"),
    _p("series", str, "", "cup, xfinity or trucks when the file does not say", "slate"),
    _p("archetype", str, "", "track archetype when not known from the track: superspeedway, intermediate, short, "
       "road or dirt", "slate"),
    _p("race_laps", int, 0, "race length in laps when the slate does not say (0: take it from the slate)", "slate"),
    _p("starts", str, "", "optional CSV with columns name,start (qualifying positions)", "slate"),
    _p("projections", str, "", "optional CSV with columns name,projection (your own DK-point means; blended with "
       "the model's)", "slate"),
    _p("ownership_file", str, "", "optional CSV with columns name,ownership (a vendor's projected ownership in "
       "percent)", "slate"),
    _p("practice", str, "auto", '"auto": practice speeds from the data folder\'s practice_quali.csv when the race is '
       'in it (Cup); a practice/qualifying CSV of this race in the same columns; "off": none', "analysis"),
    _p("field_size", int, 5000, "entries in the contest, mine included", "analysis"),
    _p("entry_fee", float, 20.0, "entry fee in dollars", "analysis"),
    _p("payout_table", str, "", "path to a DK payout_structure.csv; empty: a fitted real-DK curve for the contest's "
       "size", "slate"),
    _p("rules", str, "", "optional CSV of per-driver rules: name (or ID), lock, exclude, min_exposure, max_exposure "
       "(fractions of my lineups, 0-1), projection (pts), ownership (%)", "slate"),
    _p("entries", str, "", "optional DKEntries.csv (DK's entries file): one lineup per entry, fees and contests from "
       "the file; writes DKEntries_filled.csv for DK's Upload entries", "slate"),
    _p("contest_sizes", str, "", "with entries: entries per contest as CONTEST_ID:SIZE pairs, comma-separated "
       "(default: from the contest name's prize pool, else field_size)", "slate"),
    _p("n_scenarios", int, 5000, "simulated races to build lineups (and as many others to score them)", "analysis"),
    _p("n_field_draws", int, 4, "opponent fields drawn per simulated race", "analysis"),
    _p("ownership_uncertainty", bool, False, "each field draw gets its own ownership vector (off: an uninformative "
       "shock inflates every edge)", "analysis"),
    _p("n_lineups", int, 20, "lineups to build", "analysis"),
    _p("leverage_penalty", float, 0.0, "0..1: weight of ownership against points in the objective (0: the "
       "backtested default)", "analysis"),
    _p("max_overlap", int, 4, "most drivers any two of my lineups may share", "analysis"),
    _p("max_exposure", float, 0.6, "0..1: most of my lineups any one driver may be in", "analysis"),
    _p("min_salary", int, 48000, "minimum lineup salary in dollars (real winning lineups used $48,200-$50,000)",
       "analysis"),
    _p("selection", str, "projection", '"projection" (optimizer), "roi" or "top1" (best simulated ROI / top-1% '
       "rate from a pool)", "analysis"),
    _p("regime_aware", bool, True, "split lineups across dominator / chaos / fuel_mileage by scenario probability",
       "analysis"),
    _p("random_state", int, 42, "seed for every random step (same seed, same report)", "analysis"),
    _p("out_dir", str, "", "folder for lineups.csv and dk_upload.csv; empty means reports/<series>-<track>-<date>/ "
       "under the working folder", "output"),
    _p("files_folder", str, "", "folder the Files section names (set by the dfslab CLI, which writes to a staging "
       "folder and then moves the files there); empty: where they were written", "output"),
    _p("resolved_slate", str, "", "set by the dfslab CLI: the slate it already read and checked (a pickle in the "
       "staging folder), so the kernel does not parse the files again", "internal"),
)
BY_NAME = {p.name: p for p in REPORT_PARAMS}
assert all(p.role in ROLES for p in REPORT_PARAMS)
assert all("=" not in p.help for p in REPORT_PARAMS)  # papermill's parameter parser skips a line with two "="


class ParamSet:
    """One notebook's parameters: the ``parameters`` cell, defaults, and the checks of ``-p NAME=VALUE``.

    Parameters
    ----------
    params : tuple of Param
    what : str
        How messages name them ("report", "review").
    """

    def __init__(self, params: tuple[Param, ...], what: str):
        assert all(p.role in ROLES for p in params)
        self.params = tuple(params)
        self.what = what
        self.by_name = {p.name: p for p in self.params}

    def names(self, *roles: str) -> tuple[str, ...]:
        """Parameter names of the given roles (all when none given), in declaration order."""
        return tuple(p.name for p in self.params if not roles or p.role in roles)

    def user_names(self) -> tuple[str, ...]:
        """The names a user may set (``-p``): every role but ``output`` / ``internal``."""
        return tuple(p.name for p in self.params if p.role not in _CLI_ONLY)

    def parameters_cell(self) -> str:
        """The source of the notebook's ``parameters`` cell, rendered from the declaration."""
        head = "# Parameters (declared in dfslab/app/params.py; papermill injects overrides in the cell after this one)"
        return "\n".join([head, *(p.line() for p in self.params)])

    def defaults(self) -> dict:
        """name -> default of every parameter."""
        return {p.name: p.default for p in self.params}

    def collect(self, namespace: dict) -> dict:
        """The parameters' current values from a namespace (the notebook's globals after papermill's injection)."""
        return {p.name: namespace[p.name] for p in self.params}

    def coerce(self, raw: dict, *, user: bool = True) -> dict:
        """Check names and convert values to each parameter's declared type; raise :class:`ParameterError`.

        ``user``: the values come from a user (``-p``, a batch file): parameters the CLI sets itself
        (roles ``output`` / ``internal``) are refused with the option to use instead.
        """
        out = {}
        for name, value in raw.items():
            p = self.by_name.get(name)
            if p is None:
                close = difflib.get_close_matches(name, list(self.by_name), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ParameterError(f"unknown {self.what} parameter {name!r}{hint} (known: "
                                     f"{', '.join(self.user_names())})")
            if user and p.role in _CLI_ONLY:
                raise ParameterError(f"{self.what} parameter {name} is set by the dfslab command line"
                                     + (" (give --out FOLDER)" if p.role == "output" else ""))
            out[name] = _convert(p, value, self.what)
        return out

    def split(self, params: dict, *roles: str) -> tuple[dict, ...]:
        """One dict per role: the given parameters of that role."""
        return tuple({k: v for k, v in params.items() if self.by_name[k].role == r} for r in roles)


#: The slate report's parameters.
REPORT = ParamSet(REPORT_PARAMS, "report")


def names(*roles: str) -> tuple[str, ...]:
    """Parameter names of the given roles (all when none given), in declaration order."""
    return REPORT.names(*roles)


def parameters_cell() -> str:
    """The source of the notebook's ``parameters`` cell, rendered from the declaration."""
    return REPORT.parameters_cell()


def defaults() -> dict:
    """name -> default of every parameter."""
    return REPORT.defaults()


def collect(namespace: dict) -> dict:
    """The parameters' current values from a namespace (the notebook's globals after papermill's injection)."""
    return REPORT.collect(namespace)


def coerce(raw: dict, *, user: bool = True) -> dict:
    """Check names and convert values to each parameter's declared type; raise :class:`ParameterError`.

    ``user``: the values come from a user (``-p``, a batch file): parameters the CLI sets itself
    (roles ``output`` / ``internal``) are refused with the option to use instead.

    Examples
    --------
    >>> coerce({"n_lineups": "150", "entry_fee": "3", "regime_aware": "false"})
    {'n_lineups': 150, 'entry_fee': 3.0, 'regime_aware': False}
    >>> coerce({"n_linups": "3"})
    Traceback (most recent call last):
    ...
    dfslab.app.params.ParameterError: unknown report parameter 'n_linups'; did you mean 'n_lineups'? ...
    """
    return REPORT.coerce(raw, user=user)


def _convert(p: Param, value, what: str = "report"):
    t = p.type_name
    try:
        if t == "int":
            if isinstance(value, bool):
                raise ValueError
            f = float(value)
            if not f.is_integer():
                raise ValueError
            return int(f)
        if t == "float":
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if t == "bool":
            if isinstance(value, str):
                low = value.strip().lower()
                if low not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError
                return low in ("true", "1", "yes")
            if not isinstance(value, bool):
                raise ValueError
            return value
        return "" if value is None else str(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} parameter {p.name}: expected {t}, got {value!r}") from None


def split(params: dict) -> tuple[dict, dict]:
    """(slate options, SlateAnalysis settings) of a full parameter dict (output/internal ones left out)."""
    return REPORT.split(params, "slate", "analysis")


# ---------------------------------------------------------------------- the contest review
_SLATE_OPTIONS = ("date", "track", "series", "archetype", "race_laps", "starts", "projections", "ownership_file")

REVIEW_PARAMS: tuple[Param, ...] = (
    _p("standings", str, "demo", "a DK contest-standings CSV (contest-standings-<id>.csv, downloadable once the "
       'contest locks); "demo": a synthetic contest on the demo slate', "contest"),
    _p("user", str, "", "DK user name whose entries are reviewed (EntryName 'name' or 'name (k/n)', any case); "
       "empty: the field itself", "contest"),
    _p("slate", str, "", "the contest's DKSalaries.csv, a slate folder or a race folder (dk_2026 layout); empty: none "
       '(the race part is skipped; with standings "demo": the demo slate)', "slate"),
    *(BY_NAME[n] for n in _SLATE_OPTIONS),
    _p("payout_table", str, "", "the contest's payout table (DK payout_structure.csv); empty: a curve fitted on real "
       "DK tables for the file's entry count", "contest"),
    _p("entry_fee", float, 0.0, "entry fee in dollars; 0: not known (estimated from the payout table's pool, or $20 "
       "assumed with a fitted curve)", "contest"),
    _p("n_scenarios", int, 5000, "simulated races (NASCAR slate only)", "review"),
    _p("top", int, 10, "rows of the top-entries and most-entered tables", "review"),
    _p("random_state", int, 42, "seed of the simulated races (same seed, same review)", "review"),
    _p("demo_results", bool, False, 'with standings "demo": the demo contest after its simulated race instead of at '
       "lock", "contest"),
)
#: The contest review's parameters (``dfslab review``, ``contest_review.ipynb``).
REVIEW = ParamSet(REVIEW_PARAMS, "review")
