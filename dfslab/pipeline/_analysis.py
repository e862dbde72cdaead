"""SlateAnalysis: the one place where the pipeline is composed.

slate -> race scenarios -> ownership -> optimizer -> field -> contest simulation.

The slate report notebook, the real-race backtest, the REST API and the CLI all
go through :class:`SlateAnalysis`; no other module wires the steps together, so a
model change lands once. Each step declares its inputs where it is defined
(:class:`~dfslab.pipeline._step.step`); its tables and files are built beside it
(``_tables.py``, ``_files.py``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import inspect
import pickle
import threading
import warnings
from collections import OrderedDict

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..slate import Slate
from ..utils.validation import check_float_array, check_number, check_seed, int_seed
from ._entries import contest_plan, contest_table, deal_lineups, entry_table, resolve_contest_sizes
from ._files import write_lineup_files
from ._step import step
from ._tables import driver_table, lineup_table, summary_table

# Real top-10 lineups of the 12 real DK NASCAR contests of 2026 (dk_2026) used $48,200-$50,000
# of the $50,000 cap (median $49,900): a lineup far below that is not how GPPs are won.
DEFAULT_MIN_SALARY = 48_000
SELECTIONS = ("projection", "roi", "top1")
#: portfolios built on disjoint parts of the build races, for the build part of the ROI's standard error
BUILD_REPLICAS = 4
#: lineups the field-like yardstick draws (in portfolios of n_lineups): its lineup-to-lineup spread averages out
YARDSTICK_LINEUPS = 200
_STEP_SEEDS = ("scenarios", "eval_scenarios", "ownership", "field", "contest", "yardstick", "candidates")


#: Parts of ``driver_rules`` the steps depend on (``with_params`` recomputes only the steps of the parts that changed).
RULE_PARTS = ("lineups", "projection", "ownership")


def _public_inputs(a) -> tuple:
    # without projection overrides the public's mean is the build races' own mean
    return ("mean_points",) if a._projection_override() is None else ()


class _PreDrawn:
    """A field sampler that hands out fields drawn before (in order), for one simulation."""

    def __init__(self, sampler, fields):
        self.slate = sampler.slate
        self._fields = iter(fields)

    def draw_field(self, n, rng):
        F = next(self._fields)
        if len(F) != n:  # never: the contest asks for exactly the opponents these were drawn for
            raise InputError(f"pre-drawn field of {len(F)} entries, {n} asked for")
        return F

    def sample(self, n, random_state=None):
        return self.draw_field(n, random_state)


def _portfolio_inputs(a) -> tuple:
    base = ("scenarios", "mean_points", "ownership_vector", "excludes")
    # chosen by simulation: the candidates are scored in simulated contests against the field
    return base if a.selection == "projection" else base + ("field", "payouts")


def _seeds(random_state) -> dict:
    """Independent child seeds per step, derived from the run seed (never from call order)."""
    seed = check_seed(random_state)
    if isinstance(seed, np.random.Generator):
        raise InputError("random_state: give an integer or a SeedSequence (a Generator's state would make the "
                         "steps depend on the order they run)")
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return dict(zip(_STEP_SEEDS, ss.spawn(len(_STEP_SEEDS))))


FIELD_CACHE_SIZE = 16
_FIELD_CACHE: OrderedDict = OrderedDict()
_FIELD_LOCK = threading.Lock()


def _fingerprint(obj) -> str:
    """A content key for a fitted model (the same fit gives the same key in any process; never ``id()``)."""
    return hashlib.sha256(pickle.dumps(obj, protocol=4)).hexdigest()[:24]


def clear_caches() -> None:
    """Forget every fitted field, payout curve and the race history read so far (tests; new shipped parameters)."""
    with _FIELD_LOCK:
        _FIELD_CACHE.clear()
    from ..contest import default_payout_fitter
    from ..racesim import load_history

    default_payout_fitter.cache_clear()

    if hasattr(load_history, "cache_clear"):
        load_history.cache_clear()


class SlateAnalysis:
    """The whole pipeline for one slate, each step computed lazily and cached.

    Parameters
    ----------
    slate : Slate
        Needs salaries, start positions, track archetype and race length.
    n_scenarios : int
        Simulated races for building lineups and, independently, for scoring them.
    n_lineups : int
        Lineups in the portfolio.
    leverage_penalty : float in [0, 1]
        Weight of projected ownership against points in the optimizer objective.
        Default 0: on the real-race backtest a penalty has not yet earned its place
        (see docs/backtest.md).
    max_overlap : int
        Most drivers any two of my lineups share.
    max_exposure : float in (0, 1]
        Most of my lineups any one driver is in.
    min_salary : int
        Minimum lineup salary (default :data:`DEFAULT_MIN_SALARY` = $48,000).
    regime_aware : bool
        Split lineups across dominator / chaos / fuel_mileage by scenario share.
    selection : {"projection", "roi", "top1"}
        "projection": the optimizer's lineups. "roi" / "top1": a candidate pool of
        ``n_candidates`` optimizer lineups, then the portfolio with the best
        simulated ROI / chance of a top-1% finish (on the optimization scenarios,
        never on the scoring ones), under the same overlap and exposure rules.
    n_candidates : int, optional
        Size of the candidate pool for selection by simulation (default 8 x n_lineups).
    field_size : int
        Entries in the contest, mine included.
    entry_fee : float
        Dollars per entry.
    payouts : PayoutTable, optional
        The contest's payout table; default a curve fitted on real DK tables for
        ``field_size`` and ``entry_fee``.
    n_field_draws : int
        Opponent fields sampled per scoring scenario.
    ownership : array_like, optional
        Projected ownership (percent, sums to 600) to use instead of the estimator.
    ownership_uncertainty : bool
        Each simulated field draws its own ownership vector from the estimator's uncertainty.
        Off by default: such a shock is independent of the race, so any lineup not drawn
        from that very vector gains from being different -- lineups drawn like the field
        itself were predicted 15-25 percentage points of ROI above minus the rake on real
        slates (60 on the demo slate) with it on, and at minus the rake with it off
        (docs/pipeline.md). The real field's deviations from a forecast carry information
        this shock does not, so it overstates every edge.
    estimator : HybridOwnershipEstimator, optional
        Ownership model (default: the shipped NASCAR model).
    scenarios : RaceScenarios or array_like, optional
        Race scenarios to use instead of simulating (an (n, n_players) points
        matrix, or an object with ``points`` [, ``regime``, ``regime_names``]).
        They are then used for building lineups, and scoring uses a disjoint half.
    excludes : sequence, optional
        Drivers never used in my lineups. Default: drivers without a DK id when the
        slate has DK ids (they cannot be uploaded).
    simulator : RaceSimulator, optional
        A configured simulator (its ``n_scenarios`` / ``random_state`` are replaced
        per step).
    optimize_on : {"model", "vendor"}
        Build lineups on the simulated means ("model", regime-aware when ``regime_aware``) or
        on the slate's own ``projection`` column ("vendor": a published or user projection).
    optimizer_options : dict, optional
        Further :class:`~dfslab.LeverageAwareOptimizer` settings (``max_ownership_per_driver``,
        ``min_low_owned``, ``low_owned_threshold``, ``max_total_ownership``, ``locks``, ...).
    field_options : dict, optional
        Further :class:`~dfslab.FieldLineupSampler` settings (``proj_share``,
        ``proj_strength``, ``dup_prob``, ``salary_floor``, ...).
    field_sources : dict, optional
        The projections the field's entries read (name -> DK points per driver, slate order);
        default the slate's published projection (when complete) and our simulated mean.
    given_scenarios : {"split", "all"}
        With ``scenarios`` given: "split" builds on one half and scores on the other; "all"
        uses every scenario for the one step asked for (building OR scoring given lineups).
    driver_rules : DriverRules, path, DataFrame or list of dict, optional
        Per-driver rules (:func:`dfslab.read_driver_rules`): ``lock`` (every lineup), ``exclude``
        (none), ``min_exposure`` / ``max_exposure`` (fractions of my lineups; a driver's own rule
        replaces the global ``max_exposure`` for that driver), all constraints of the optimizer's
        model and obeyed by selection by simulation; ``projection`` (DK points: the user's projection
        for that driver, fed into the simulator's blend like a projections CSV) and ``ownership``
        (percent: replaces the estimate for that driver, the others rescaled to 600 with
        ``capped_normalize``). Rules that cannot all hold raise :class:`~dfslab.InfeasibleError` here,
        naming the binding rule and the drivers.
    entries : DKEntries or path, optional
        DK's entries file (:func:`dfslab.read_dk_entries`): one lineup per entry (``n_lineups`` must
        equal its entries, ``entry_fee`` its main contest's fee; :meth:`for_entries` sets both).
        :meth:`write` then also writes ``DKEntries_filled.csv``; :attr:`entry_lineups` says which lineup
        went to which entry and :attr:`entry_contests` simulates every contest of the file with its own
        fee and size.
    contest_sizes : dict or str, optional
        Field size per contest id of ``entries`` (``{"191218206": 25260}`` or ``"191218206:25260"``);
        a contest not given takes the size its name implies (a guaranteed pool such as "$100K"), else
        ``field_size``.
    random_state : int
        Run seed; each step gets its own child seed (``SeedSequence.spawn``).
    practice : "auto", "off"/None, path or DataFrame
        Practice / qualifying speeds in the race strengths (``RaceSimulator(practice=...)``):
        "auto" = the race's sessions in the data folder's ``practice_quali.csv`` (Cup races;
        a slate whose race is not in the file is simulated exactly as without it); a path =
        a practice CSV of this race in the same columns (read and checked here: a session of
        another race, a driver twice, a speed of 0 or an impossible lap is an error naming
        the row); "off" / None = never. With ``simulator`` given, set it on the simulator.
    progress : bool, optional
        Progress bars (``tqdm.auto``); None = only in a terminal or notebook.

    Examples
    --------
    >>> import dfslab
    >>> a = dfslab.SlateAnalysis(dfslab.demo_slate(), n_scenarios=400, n_lineups=3, field_size=300,
    ...                          n_field_draws=1, random_state=1)
    >>> a.portfolio.lineups.shape
    (3, 6)
    >>> round(float(a.ownership["ownership"].sum()))
    600
    >>> list(a.lineups.columns[:3])
    ['lineup', 'drivers', 'salary ($)']
    """

    def __init__(self, slate: Slate, *, n_scenarios: int = 5000, n_lineups: int = 20, leverage_penalty: float = 0.0,
                 max_overlap: int = 4, max_exposure: float = 0.6, min_salary: int = DEFAULT_MIN_SALARY,
                 regime_aware: bool = True, selection: str = "projection", n_candidates: int | None = None,
                 field_size: int = 5000, entry_fee: float = 20.0, payouts=None, n_field_draws: int = 4,
                 ownership=None, ownership_uncertainty: bool = False, estimator=None, scenarios=None,
                 excludes=None, simulator=None, optimize_on: str = "model", optimizer_options: dict | None = None,
                 given_scenarios: str = "split", field_options: dict | None = None, field_sources: dict | None = None,
                 driver_rules=None, entries=None, contest_sizes=None,
                 random_state: int = 42, progress: bool | None = None, practice="auto"):
        if not isinstance(slate, Slate):
            raise InputError(f"slate: expected a dfslab.Slate, got {type(slate).__name__}")
        self._init_kwargs = {k: v for k, v in locals().items() if k not in ("self", "slate", "__class__")}
        self.slate = slate
        self.n_scenarios = _whole("n_scenarios", n_scenarios, 10)
        self.n_lineups = _whole("n_lineups", n_lineups, 1)
        self.leverage_penalty = leverage_penalty
        self.max_overlap = max_overlap
        self.max_exposure = max_exposure
        self.min_salary = min_salary
        self.regime_aware = bool(regime_aware)
        if selection not in SELECTIONS:
            raise InputError(f"selection: must be one of {SELECTIONS}, got {selection!r}")
        self.selection = selection
        if optimize_on not in ("model", "vendor"):
            raise InputError(f"optimize_on: 'model' (simulated means, regime-aware) or 'vendor' (the slate's "
                             f"projection column), got {optimize_on!r}")
        if optimize_on == "vendor" and not ("projection" in slate.players and slate.players["projection"].notna().all()):
            raise InputError(f"optimize_on='vendor': slate {slate.name} has no complete 'projection' column")
        self.optimize_on = optimize_on
        if given_scenarios not in ("split", "all"):
            raise InputError(f"given_scenarios: 'split' (half build the lineups, half score them) or 'all' (one "
                             f"step only: build OR score), got {given_scenarios!r}")
        self.given_scenarios = given_scenarios
        for name, v in (("optimizer_options", optimizer_options), ("field_options", field_options)):
            if v is not None and not isinstance(v, dict):
                raise InputError(f"{name} must be a dict of settings, got {v!r}")
        self.optimizer_options = dict(optimizer_options or {})
        self.field_options = dict(field_options or {})
        self.field_sources = self._check_sources(field_sources)
        bad = set(self.optimizer_options) & {"n_lineups", "leverage_penalty", "max_overlap", "max_exposure",
                                             "min_salary", "excludes"}
        if bad:
            raise InputError(f"optimizer_options: {sorted(bad)} are SlateAnalysis settings; set them directly")
        self.n_candidates = None if n_candidates is None else _whole("n_candidates", n_candidates, 1)
        self.field_size = _whole("field_size", field_size, 2)
        if self.n_lineups >= self.field_size:
            raise InputError(f"n_lineups={self.n_lineups} must be below field_size={self.field_size} "
                             "(field_size counts every entry, mine included)")
        self.entry_fee = check_number("entry_fee", entry_fee, lo=0, lo_open=True)  # dollars
        self.payouts_given = payouts
        self.n_field_draws = _whole("n_field_draws", n_field_draws, 1)
        self.ownership_given = ownership
        self.ownership_uncertainty = bool(ownership_uncertainty)
        self.estimator = estimator
        self.scenarios_given = scenarios
        self.excludes_given = excludes
        self.simulator_given = simulator
        self.random_state = random_state
        self.progress = progress
        self.practice = practice
        self._seed = _seeds(random_state)
        self.driver_rules = None
        if driver_rules is not None:
            from ..optimize import read_driver_rules

            self.driver_rules = read_driver_rules(driver_rules, slate)
        self.entries = self._check_entries(entries)
        self.contest_sizes = resolve_contest_sizes(contest_sizes, self.entries)
        self._check_settings(regime_aware, ownership_uncertainty)
        self.created_ = _dt.datetime.now().astimezone()

    @classmethod
    def for_entries(cls, slate: Slate, entries, *, contest_sizes=None, **settings) -> "SlateAnalysis":
        """An analysis with one lineup per entry of DK's entries file.

        ``n_lineups`` is the file's entry count and ``entry_fee`` / ``field_size`` are those of its main
        contest (the one with most of my entries; its size from ``contest_sizes``, else from its name's
        prize pool, else ``field_size``, default 5,000). Every other setting as in the constructor.

        Examples
        --------
        >>> import os, tempfile, dfslab
        >>> s = dfslab.demo_slate()
        >>> p = os.path.join(tempfile.mkdtemp(), "DKEntries.csv")
        >>> rows = [f"{4412345600 + k},NAS $5K Engine Block,192343608,$12,,,,,,,," for k in range(3)]
        >>> _ = open(p, "w").write("Entry ID,Contest Name,Contest ID,Entry Fee,D,D,D,D,D,D,,Instructions\\n"
        ...                        + "\\n".join(rows) + "\\n")
        >>> a = SlateAnalysis.for_entries(s, p, n_scenarios=200, n_field_draws=1)
        >>> a.n_lineups, a.entry_fee, a.field_size
        (3, 12.0, 490)
        """
        from ..io import DKEntries, read_dk_entries

        e = entries if isinstance(entries, DKEntries) else read_dk_entries(entries)
        e.check_slate(slate)
        sizes = resolve_contest_sizes(contest_sizes, e)
        n = e.n_entries
        if settings.get("n_lineups", n) != n:
            raise InputError(f"n_lineups={settings['n_lineups']} but {e.path} has {n} entries: one lineup per entry "
                             "(leave n_lineups out)")
        plan = contest_plan(e, sizes, int(settings.get("field_size", 5000)))
        main = plan.iloc[0]
        fee = float(main["entry_fee ($)"])
        if "entry_fee" in settings and abs(float(settings["entry_fee"]) - fee) > 1e-9:
            raise InputError(f"entry_fee={settings['entry_fee']} but {e.path}'s main contest {main['contest_id']} "
                             f"costs ${fee:g} (leave entry_fee out: each contest's fee comes from the file)")
        rest = {k: v for k, v in settings.items() if k not in ("n_lineups", "entry_fee", "field_size")}
        sizes = {"default": int(settings.get("field_size", 5000)), **sizes}  # contests without a size of their own
        return cls(slate, n_lineups=n, entry_fee=fee, field_size=int(main["field size (entries)"]), entries=e,
                   contest_sizes=sizes, **rest)

    def _check_entries(self, entries):
        if entries is None:
            return None
        from ..io import DKEntries, read_dk_entries

        e = entries if isinstance(entries, DKEntries) else read_dk_entries(entries)
        e.check_slate(self.slate)
        if e.locked.any():
            k = int(np.flatnonzero(e.locked)[0])
            from ..exceptions import DataFileError

            raise DataFileError(e.path, f"entry {e.entries['entry_id'].iloc[k]} is locked (DK marks its slots LOCKED): "
                                        "the slate has started and DK accepts no edits", row=int(e.entries['row'].iloc[k]))
        if self.n_lineups != e.n_entries:
            raise InputError(f"n_lineups={self.n_lineups} but {e.path} has {e.n_entries} entries: one lineup per entry "
                             "(SlateAnalysis.for_entries sets it)")
        return e

    def _check_sources(self, sources):
        if sources is None:
            return None
        if not isinstance(sources, dict) or not sources:
            raise InputError(f"field_sources: a dict name -> projection (DK points per driver), got {sources!r}")
        out = {}
        for k, v in sources.items():
            arr = check_float_array(f"field_sources[{k!r}]", v)
            if arr.shape != (self.slate.n_players,) or not np.isfinite(arr).all():
                raise InputError(f"field_sources[{k!r}]: {self.slate.n_players} finite numbers (one per driver), "
                                 f"got shape {arr.shape}")
            out[str(k)] = arr
        return out

    def _check_settings(self, regime_aware, ownership_uncertainty):
        """Every setting checked at construction: a bad value fails here, not minutes later inside a step."""
        from ..contest import FIELD_BYTES_PER_ENTRY, FieldLineupSampler
        from ..payouts import PayoutTable
        from ..racesim import BYTES_PER_CELL
        from ..utils.validation import check_memory

        slate, n = self.slate, self.slate.n_players
        for name, v in (("regime_aware", regime_aware), ("ownership_uncertainty", ownership_uncertainty)):
            if not isinstance(v, (bool, np.bool_)):
                raise InputError(f"{name} must be True or False, got {v!r}")
        cap = slate.rules.salary_cap
        ms = check_number("min_salary", self.min_salary, lo=0, allow_none=True)  # dollars
        if ms is not None and ms > cap:
            raise InputError(f"min_salary: ${ms:,.0f} exceeds the salary cap ${cap:,}")
        if self.excludes_given is not None:
            try:
                slate.index_of(list(self.excludes_given))
            except InputError as exc:
                raise InputError(f"excludes: {exc}") from None
        r = self.driver_rules
        if r is not None:
            both = sorted(set(self.optimizer_options) & {"locks", "excludes", "min_exposure"})
            if both and r.has_lineup_rules:
                raise InputError(f"optimizer_options {both} and driver_rules both set per-driver rules; give them in "
                                 "driver_rules only")
            if r.has_projection and self.scenarios_given is not None:
                raise InputError("driver_rules: projection overrides change the simulated races, but scenarios are "
                                 "given; drop the projection column or the scenarios")
            r.check_feasible(slate, self.n_lineups, max_overlap=self.max_overlap, min_salary=self.min_salary,
                             global_max=self.max_exposure, unusable=self.excludes)
            if r.has_ownership:
                r.apply_ownership(np.full(n, 100.0 * slate.rules.roster_size / n), 100.0 * slate.rules.roster_size)
        if self.entries is not None:
            main = self.entry_plan.iloc[0]
            fee, size = float(main["entry_fee ($)"]), int(main["field size (entries)"])
            if abs(fee - float(self.entry_fee)) > 1e-9:
                raise InputError(f"entry_fee={self.entry_fee:g} but {self.entries.path}'s main contest "
                                 f"{main['contest_id']} costs ${fee:g} (SlateAnalysis.for_entries sets it)")
            if size != self.field_size:
                raise InputError(f"field_size={self.field_size:,} but {self.entries.path}'s main contest "
                                 f"{main['contest_id']} has {size:,} entries ({main['size from']}); give its size in "
                                 "contest_sizes (SlateAnalysis.for_entries sets field_size from it)")
        # the optimizer's own checks, with every portfolio size the run will ask for
        sizes = [self.n_lineups] + ([] if self.selection == "projection" else
                                    [self.n_candidates or 8 * self.n_lineups])
        for size in sizes:
            try:
                self._optimizer(size)
            except TypeError as exc:  # an unknown keyword in optimizer_options
                raise InputError(f"optimizer_options: {exc}") from None
        if self.payouts_given is not None and not isinstance(self.payouts_given, PayoutTable):
            raise InputError(f"payouts: expected a PayoutTable, got {type(self.payouts_given).__name__} "
                             "(build one with PayoutTable.from_rows / read_payout_table / PayoutCurveFitter.generate)")
        if self.ownership_given is not None:
            from ..slate import check_ownership

            check_ownership(self.ownership_given, slate.rules, n)
        if self.estimator is not None and not hasattr(self.estimator, "predict_with_uncertainty"):
            raise InputError(f"estimator: expected a fitted HybridOwnershipEstimator or None, got {self.estimator!r}")
        if self.simulator_given is not None and not hasattr(self.simulator_given, "simulate"):
            raise InputError(f"simulator: expected a RaceSimulator or None, got {self.simulator_given!r}")
        self._check_practice()
        if self.scenarios_given is not None:
            self._given_scenarios()
        # resources: two simulated race sets (build + score), the field's sampled entries, the contest results
        if self.scenarios_given is None:
            check_memory(2 * BYTES_PER_CELL * self.n_scenarios * n, what="SlateAnalysis", param="n_scenarios",
                         value=self.n_scenarios, detail=f"2 race sets x {BYTES_PER_CELL} bytes x "
                                                         f"{self.n_scenarios:,} scenarios x {n} drivers")
        check_memory(FIELD_BYTES_PER_ENTRY * self.field_size, what="SlateAnalysis", param="field_size",
                     value=self.field_size, detail=f"about {FIELD_BYTES_PER_ENTRY:,} bytes per field entry")
        S = self.n_scenarios if self.scenarios_given is None else len(self._given_scenarios().points)
        D, m = self.n_field_draws, max(sizes)
        check_memory(24.0 * m * D * S, what="SlateAnalysis contest", param="n_field_draws" if D >= S else "n_scenarios",
                     value=D if D >= S else S, detail=f"{D:,} field draws x {S:,} scenarios x {m:,} lineups x 24 bytes")
        if self.field_options:
            known = set(inspect.signature(FieldLineupSampler.__init__).parameters) - {"self"}
            own = {"slate", "ownership", "random_state", "projections", "ownership_sampler"}
            bad = sorted(set(self.field_options) & own)
            if bad:
                raise InputError(f"field_options: {bad} are set by SlateAnalysis (random_state: give it to "
                                 "SlateAnalysis itself)")
            unknown = sorted(set(self.field_options) - known)
            if unknown:
                raise InputError(f"field_options: unknown FieldLineupSampler setting(s) {unknown}; known: "
                                 f"{sorted(known - own)}")
            # the sampler's value checks, on a uniform ownership (no fit: nothing is sampled here)
            FieldLineupSampler(slate, np.full(n, 100.0 * slate.rules.roster_size / n), **self.field_options)

    def _check_practice(self):
        """The practice setting; a user's practice file is read and checked now (errors name the row)."""
        from ..io import read_practice_quali
        from ..racesim import check_practice_setting

        p = check_practice_setting(self.practice)
        if self.simulator_given is not None and p != "auto":
            raise InputError("practice: with a simulator given, set practice on the simulator "
                             "(RaceSimulator(practice=...))")
        if p is not None and not isinstance(p, (str, pd.DataFrame)):  # a file of this race
            if self.slate.date is None:
                raise InputError(f"practice: {p} needs the slate's race date (the slate has none; give date=)")
            read_practice_quali(p, race_date=self.slate.date)
        self._practice = p

    # ------------------------------------------------------------------ params
    def get_params(self) -> dict:
        """Every setting of the run (for the report header, the backtest and reproducibility)."""
        return {"slate": self.slate.name, "n_scenarios": self.n_scenarios, "n_lineups": self.n_lineups,
                "leverage_penalty": self.leverage_penalty, "max_overlap": self.max_overlap,
                "max_exposure": self.max_exposure, "min_salary": self.min_salary, "regime_aware": self.regime_aware,
                "selection": self.selection, "n_candidates": self.n_candidates, "field_size": self.field_size,
                "entry_fee": self.entry_fee, "payouts": "given" if self.payouts_given is not None else "fitted curve",
                "n_field_draws": self.n_field_draws,
                "ownership": "given" if self.ownership_given is not None else "estimated",
                "ownership_uncertainty": self.ownership_uncertainty, "optimize_on": self.optimize_on,
                "optimizer_options": self.optimizer_options, "field_options": self.field_options,
                "field_sources": "given" if self.field_sources is not None else "published + ours",
                "driver_rules": None if self.driver_rules is None else
                f"{self.driver_rules.n_rules} driver(s) from {self.driver_rules.source}",
                "entries": None if self.entries is None else
                f"{self.entries.n_entries} entries in {len(self.entries.contests)} contest(s) from {self.entries.path}",
                "contest_sizes": {k: v for k, v in self.contest_sizes.items() if k != "default"} or None,
                "random_state": self.random_state,
                "practice": "given table" if isinstance(self._practice, pd.DataFrame) else
                ("off" if self._practice is None else str(self._practice))}


    def with_params(self, **changes) -> "SlateAnalysis":
        """A copy with some settings changed that keeps every computed step those settings do not affect.

        E.g. ``a.with_params(leverage_penalty=0.5)`` reuses ``a``'s simulated races, ownership,
        field and payouts and rebuilds only the portfolio and the contest: sweeps and
        strategy comparisons then differ only where they should (common random numbers).
        """
        unknown = set(changes) - set(self._init_kwargs)
        if unknown:
            raise InputError(f"with_params: unknown setting(s) {sorted(unknown)}; known: {sorted(self._init_kwargs)}")
        new = SlateAnalysis(self.slate, **{**self._init_kwargs, **changes})
        new.created_ = self.created_
        changed = {k for k, v in changes.items() if v is not self._init_kwargs.get(k)}
        if "driver_rules" in changed:  # only the parts of the rules that differ count as changed
            changed.discard("driver_rules")
            for part in RULE_PARTS:
                old_key = None if self.driver_rules is None else self.driver_rules.key(part)
                new_key = None if new.driver_rules is None else new.driver_rules.key(part)
                empty = (self.driver_rules is None or not _has_part(self.driver_rules, part)) and \
                    (new.driver_rules is None or not _has_part(new.driver_rules, part))
                if old_key != new_key and not empty:
                    changed.add(f"driver_rules:{part}")
        cls = type(self)
        for name in step.steps_of(cls):
            if name in self.__dict__ and not (changed & (step.settings_of(cls, name, self)
                                                         | step.settings_of(cls, name, new))):
                new.__dict__[name] = self.__dict__[name]
        return new

    # ------------------------------------------------------------------ steps
    def _simulator(self, seed):
        from ..racesim import RaceSimulator

        if self.slate.race_laps is None:
            raise InputError(f"{self.slate.name}: race_laps (the race length) is needed to simulate races; "
                             "give it, or give scenarios")
        sim = self.simulator_given
        if sim is None:
            # finds the race history itself (everything before the slate date), blends the mean sources
            sim = RaceSimulator(n_scenarios=self.n_scenarios, random_state=int_seed(seed), practice=self._practice)
        else:
            import copy

            sim = copy.copy(sim)
            sim.n_scenarios, sim.random_state = self.n_scenarios, int_seed(seed)
        return sim

    def _given_scenarios(self):
        from types import SimpleNamespace

        sc = self.scenarios_given
        pts = check_float_array("scenarios", getattr(sc, "points", sc))
        n = self.slate.n_players
        if pts.ndim != 2 or pts.shape[1] != n:
            raise InputError(f"scenarios: expected an (n_scenarios, {n}) points matrix, got shape {pts.shape}")
        if len(pts) < 2 and self.given_scenarios == "split":
            raise InputError("scenarios: need at least 2 scenarios (half build the lineups, half score them)")
        if not np.isfinite(pts).all():
            raise InputError("scenarios: NaN or infinite points")
        reg = getattr(sc, "regime", None)
        names = getattr(sc, "regime_names", ("all",))
        reg = np.zeros(len(pts), np.int8) if reg is None else np.asarray(reg)
        return SimpleNamespace(points=pts, regime=reg, regime_names=tuple(names), strength_source="given scenarios",
                               notes=[], slate=self.slate)

    def _race_part(self, step: str, first_half: bool):
        """Given scenarios (their half when split), else races simulated with the step's own seed."""
        if self.scenarios_given is not None:
            g = self._given_scenarios()
            if self.given_scenarios == "split":
                half = len(g.points) // 2
                part = slice(None, half) if first_half else slice(half, None)
                g.points, g.regime = g.points[part], g.regime[part]
            return g
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            proj = self._projection_override()
            if proj is None:
                sc = self._simulator(self._seed[step]).simulate(self.slate)
            else:
                sc = self._simulator(self._seed[step]).simulate(self.slate, projections=proj)
        _keep_warnings(sc, caught)
        if proj is not None:
            r = self.driver_rules
            ov = np.isfinite(r.projection)
            sc.notes.append(f"projection overrides from {r.source} fed into the simulated means: "
                            + ", ".join(f"{nm} {v:g} pts" for nm, v in zip(r.names[ov], r.projection[ov])))
        return sc

    def _projection_override(self):
        """The projection vector with the rules' overrides (None without any): the slate's column where complete."""
        r = self.driver_rules
        if r is None or not r.has_projection:
            return None
        p = self.slate.players
        base = p["projection"].to_numpy(float) if "projection" in p and p["projection"].notna().all() else None
        return r.projection_vector(base)

    @step("n_scenarios", "scenarios", "given_scenarios", "simulator", "random_state", "driver_rules:projection", "practice")
    def scenarios(self):
        """Simulated races used to BUILD the lineups (RaceScenarios)."""
        return self._race_part("scenarios", first_half=True)

    @step("n_scenarios", "scenarios", "given_scenarios", "simulator", "random_state", "driver_rules:projection", "practice")
    def eval_scenarios(self):
        """Independent simulated races used only to SCORE lineups (never the ones that built them)."""
        return self._race_part("eval_scenarios", first_half=False)

    @step(uses=("scenarios",))
    def mean_points(self) -> np.ndarray:
        """Simulated mean DK points per driver (slate order): the model's projection."""
        return np.asarray(self.scenarios.points, dtype=np.float64).mean(0)

    @step("n_scenarios", "given_scenarios", "simulator", "random_state", uses=_public_inputs)
    def public_mean_points(self) -> np.ndarray:
        """Our simulated mean points WITHOUT the user's projection overrides (slate order).

        What the field and the ownership model are assumed to read as "our" projection: a user's
        projection override is private information, so they see the races simulated without it
        (the same number of races and seed as :attr:`scenarios`; the build races' own mean when there
        are no overrides).
        """
        if self._projection_override() is None:
            return self.mean_points
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            sc = self._simulator(self._seed["scenarios"]).simulate(self.slate)
        return np.asarray(sc.points, dtype=np.float64).mean(0)

    @step(uses=("public_mean_points",))
    def public_slate(self) -> Slate:
        """The slate with a ``projection`` column the field sees: the slate's own (published / user)
        projection where present, else our simulated mean (without the user's projection overrides)."""
        p = self.slate.players
        if "projection" in p and p["projection"].notna().all():
            return self.slate
        q = p.copy()
        q["projection"] = self.public_mean_points
        return self.slate.with_players(q)

    @step("ownership", "estimator", "driver_rules:ownership", uses=("public_slate",))
    def ownership(self) -> pd.DataFrame:
        """Projected ownership (percent, sums to 600) with its interval: one row per driver, slate order.

        Ownership overrides of ``driver_rules`` replace the estimate for their drivers (interval = the
        value); the other drivers are rescaled (``capped_normalize``) so the total stays 600.
        """
        from ..ownership import estimate_ownership

        if self.ownership_given is not None:
            from ..slate import check_ownership

            o = check_ownership(self.ownership_given, self.slate.rules, self.slate.n_players)
            p = self.slate.players
            df = pd.DataFrame({"player_id": p["player_id"].to_numpy(), "name": p["name"].to_numpy(),
                               "salary": p["salary"].to_numpy(), "ownership": o, "lower": np.nan,
                               "upper": np.nan, "std": np.nan})
        else:
            df = estimate_ownership(self.public_slate, estimator=self.estimator, level=0.8)
        r = self.driver_rules
        if r is None or not r.has_ownership:
            return df
        df = df.copy()
        own, scale, note = r.apply_ownership(df["ownership"].to_numpy(float), 100.0 * self.slate.rules.roster_size)
        ov = np.isfinite(r.ownership)
        df["ownership"] = own
        for c in ("lower", "upper", "std"):
            v = df[c].to_numpy(float) * scale
            v[ov] = 0.0 if c == "std" else own[ov]
            df[c] = v
        df.attrs["notes"] = list(df.attrs.get("notes", [])) + [note]
        return df

    @step(uses=("ownership",))
    def ownership_vector(self) -> np.ndarray:
        return self.ownership["ownership"].to_numpy(dtype=np.float64)

    @step(uses=("scenarios",))
    def optimal_rates(self) -> np.ndarray:
        """Share of build scenarios in which each driver is in the best lineup (fraction)."""
        from ..optimize import optimal_rates

        return optimal_rates(self.scenarios.points, self.slate)

    @step("excludes")
    def excludes(self) -> list:
        """Drivers kept out of my lineups (no DK id: they cannot be uploaded), by name."""
        if self.excludes_given is not None:
            return list(self.excludes_given)
        p = self.slate.players
        if "dk_id" in p and p["dk_id"].notna().any():
            return p.loc[p["dk_id"].isna(), "name"].tolist()
        return []

    def _optimizer(self, n_lineups, max_overlap=None, max_exposure="same", loosen=1.0):
        from ..optimize import LeverageAwareOptimizer

        mx = self.max_exposure if max_exposure == "same" else max_exposure
        excl, kw = self.excludes, dict(self.optimizer_options)
        r = self.driver_rules
        if r is not None and r.has_lineup_rules:  # per-driver rules: constraints of the optimizer's model
            rs = r.optimizer_settings(self.max_exposure, loosen=loosen)
            mx = rs.pop("max_exposure")
            excl = list(excl) + [x for x in rs.pop("excludes") if x not in excl]
            kw.update(rs)
        return LeverageAwareOptimizer(
            n_lineups=n_lineups, leverage_penalty=self.leverage_penalty,
            max_overlap=self.max_overlap if max_overlap is None else max_overlap,
            max_exposure=mx, min_salary=self.min_salary, excludes=excl, random_state=0, **kw)

    def _optimize(self, opt):
        if self.optimize_on == "vendor":
            proj = self.slate.column("projection")
            if self._projection_override() is not None:
                proj = self._projection_override()
            return opt.optimize(self.slate, proj, self.ownership_vector)
        if self.regime_aware and len(getattr(self.scenarios, "regime_names", ())) > 1:
            return opt.optimize_regime_aware(self.slate, self.scenarios, self.ownership_vector)
        return opt.optimize(self.slate, self.mean_points, self.ownership_vector)

    @step("n_lineups", "leverage_penalty", "max_overlap", "max_exposure", "min_salary", "regime_aware", "selection",
          "n_candidates", "optimize_on", "optimizer_options", "driver_rules:lineups", uses=_portfolio_inputs)
    def portfolio(self):
        """My lineups (Portfolio), built on :attr:`scenarios` only."""
        if self.selection == "projection":
            return self._optimize(self._optimizer(self.n_lineups))
        from ..selection import select_by_simulation

        n_cand = self.n_candidates or 8 * self.n_lineups
        # candidates obey the portfolio's overlap rule (so any subset does) with a looser exposure cap
        pool = self._optimize(self._optimizer(n_cand, max_exposure=None if self.max_exposure is None
                                              else min(1.0, 2.0 * float(self.max_exposure)), loosen=2.0))
        mx, mn = self.max_exposure, None
        r = self.driver_rules
        if r is not None and r.has_lineup_rules:  # the chosen portfolio obeys every driver's own cap and floor
            mn, mx = r.exposure_fractions(self.max_exposure)
        return select_by_simulation(
            pool, self.scenarios.points, self.field, self.payouts, self.slate, n_lineups=self.n_lineups,
            field_size=self.field_size, entry_fee=self.entry_fee, max_overlap=self.max_overlap,
            max_exposure=mx, min_exposure=mn, objective=self.selection,
            start=self._optimize(self._optimizer(self.n_lineups)), random_state=int_seed(self._seed["candidates"]))

    @step("payouts", "field_size", "entry_fee")
    def payouts(self):
        """The contest's payout table (given, or a fitted real-DK curve for the size and fee)."""
        from ..contest import default_payout_fitter

        if self.payouts_given is not None:
            return self.payouts_given
        return default_payout_fitter().generate(entries=self.field_size, entry_fee=self.entry_fee)

    @step("field_sources", uses=("public_mean_points",))
    def field_projections(self) -> dict:
        """The projections the field's entries build on (name -> DK points per driver); "ours" is our simulated
        mean without the user's projection overrides (private information the field does not have)."""
        if self.field_sources is not None:
            return dict(self.field_sources)
        out = {}
        p = self.slate.players
        if "projection" in p and p["projection"].notna().all():
            out["published"] = p["projection"].to_numpy(dtype=np.float64)
        out["ours"] = self.public_mean_points
        return out

    @step("ownership_uncertainty", "field_options", "estimator", "random_state",
          uses=("ownership_vector", "field_projections", "public_slate"))
    def field(self):
        """The opponent field model (FieldLineupSampler), fitted to the projected ownership.

        Fitted fields are cached per process, keyed by everything the fit depends on
        (drivers, salaries, ownership, projections, uncertainty model, seed): a report
        re-run or an API request for the same slate does not refit.
        """
        from ..contest import FieldLineupSampler
        from ..ownership import ownership_sampler

        proj = self.field_projections  # every source the slate has: the field reads them, each entry its own way
        use_unc = self.ownership_uncertainty and self.ownership_given is None
        seed = int_seed(self._seed["field"])
        p = self.slate.players
        key = (self.slate.rules.name, tuple(p["player_id"].astype(str)), tuple(self.slate.salaries.tolist()),
               tuple(np.round(self.ownership_vector, 6).tolist()),
               tuple((k, tuple(np.round(v, 6).tolist())) for k, v in sorted(proj.items())),
               (_fingerprint(self.estimator) if self.estimator is not None else "default") if use_unc else None, seed,
               tuple(sorted((k, repr(v)) for k, v in self.field_options.items())))
        r = self.driver_rules
        if use_unc and r is not None and r.has_ownership:
            key = key + (r.key("ownership"),)
        with _FIELD_LOCK:
            if key in _FIELD_CACHE:
                _FIELD_CACHE.move_to_end(key)
                return _FIELD_CACHE[key]
        sampler = ownership_sampler(self.public_slate, self.estimator) if use_unc else None
        if sampler is not None and r is not None and r.has_ownership:  # every drawn vector keeps the overrides
            base, total = sampler, 100.0 * self.slate.rules.roster_size

            def sampler(m, rng):
                return np.vstack([r.apply_ownership(v, total)[0] for v in base(m, rng)])
        fs = FieldLineupSampler(self.slate, self.ownership_vector, random_state=seed, projections=proj,
                                ownership_sampler=sampler, **self.field_options).fit()
        with _FIELD_LOCK:
            _FIELD_CACHE[key] = fs
            while len(_FIELD_CACHE) > FIELD_CACHE_SIZE:
                _FIELD_CACHE.popitem(last=False)
        return fs

    @property
    def n_opponents(self) -> int:
        return self.field_size - self.n_lineups

    def _contest(self, lineups, seed, n_mine=None, groups=None):
        from ..contest import ContestSimulator

        n_mine = (len(lineups) if groups is None else int(np.sum(np.asarray(groups) == 0))) if n_mine is None \
            else n_mine
        cs = ContestSimulator(self.payouts, field_size=self.field_size - n_mine, entry_fee=self.entry_fee,
                              n_field_draws=self.n_field_draws, random_state=int_seed(seed),
                              progress=self.progress)
        field = self.field
        if seed is self._seed["contest"] and n_mine == self.n_lineups:
            field = _PreDrawn(field, self.contest_fields)  # my contests and the yardstick's share these draws
        return cs.simulate(lineups, self.eval_scenarios.points, field, slate=self.slate, groups=groups)

    @step("n_field_draws", "field_size", "n_lineups", "random_state", uses=("field",))
    def contest_fields(self) -> list:
        """The opponent fields of my simulated contests (one per field draw), drawn once: the contests of my
        portfolio, its build replicas and the field-like yardstick all play against these (common random
        numbers; exactly the draws each ContestSimulator would make from the contest seed)."""
        rng = np.random.default_rng(int_seed(self._seed["contest"]))
        return [self.field.draw_field(self.n_opponents, rng) for _ in range(self.n_field_draws)]

    def _optimize_on(self, opt, scen):
        """:meth:`_optimize` on other build races ``scen`` (a build replica)."""
        if self.optimize_on == "vendor":
            return self._optimize(opt)  # the vendor's projection: no build races involved
        if self.regime_aware and len(getattr(scen, "regime_names", ())) > 1:
            return opt.optimize_regime_aware(self.slate, scen, self.ownership_vector)
        return opt.optimize(self.slate, np.asarray(scen.points, dtype=np.float64).mean(0), self.ownership_vector)

    @step("n_lineups", "leverage_penalty", "max_overlap", "max_exposure", "min_salary", "regime_aware",
          "optimize_on", "optimizer_options", "driver_rules:lineups", uses=("scenarios", "ownership_vector", "excludes"))
    def build_replicas(self) -> list:
        """Portfolios built the same way on :data:`BUILD_REPLICAS` disjoint parts of the build races.

        How much the portfolio would change with other simulated races to build on: their spread, scored in the
        same contests as mine, gives the part of the ROI's standard error that comes from which races built the
        lineups (``summary``). With ``selection`` "roi"/"top1" the replicas are the optimizer's own portfolios
        (the candidate-pool step is not repeated).
        """
        from types import SimpleNamespace

        from ..exceptions import InfeasibleError

        sc = self.scenarios
        P = np.asarray(sc.points)
        k = BUILD_REPLICAS
        if len(P) < 40 * k:
            return []
        reg = np.asarray(getattr(sc, "regime", np.zeros(len(P), np.int8)))
        out = []
        for part in np.array_split(np.arange(len(P)), k):
            sub = SimpleNamespace(points=P[part], regime=reg[part], regime_names=getattr(sc, "regime_names", ("all",)))
            try:
                out.append(self._optimize_on(self._optimizer(self.n_lineups), sub).lineups)
            except InfeasibleError:  # a part too small for the rules: fewer replicas
                continue
        return out if len(out) >= 2 else []

    def contest_for(self, lineups=None, fixed_scores=None):
        """Simulated contests of any lineups (or fixed lineup scores) in this analysis' world.

        Parameters
        ----------
        lineups : array_like (n, roster_size), optional
            Row indices into the slate (default: my portfolio).
        fixed_scores : sequence of float, optional
            Instead of lineups: each "lineup" scores exactly this number in every scenario,
            ranked against the simulated field (what a fixed score ignores: the lineup's
            own race-to-race swings and its correlation with the field).

        Returns
        -------
        ContestResult
        """
        if fixed_scores is None:
            L = self.portfolio.lineups if lineups is None else lineups
            return self._contest(L, self._seed["contest"])
        from ..contest import ContestSimulator

        scores = np.asarray(fixed_scores, dtype=float)
        if scores.ndim != 1 or len(scores) < 1 or not np.isfinite(scores).all():
            raise InputError("fixed_scores: a non-empty list of finite lineup scores")
        P = np.asarray(self.eval_scenarios.points, dtype=float)
        S, n = P.shape
        R = self.slate.rules.roster_size
        k = len(scores)
        # one pseudo-driver per score (that score in every scenario) plus R - 1 pseudo-drivers at 0;
        # the field never draws them
        extra = np.zeros((S, k + R - 1))
        extra[:, :k] = scores[None, :]
        zeros = n + k + np.arange(R - 1)
        mine = np.column_stack([n + np.arange(k), np.tile(zeros, (k, 1))]).astype(np.int64)
        field = self.field

        class _FieldOnly:  # the field seen without its slate: pseudo-lineups skip slate checks
            def sample(self, m, random_state=None):
                return field.sample(m, random_state=random_state)

            def draw_field(self, m, rng):
                return field.draw_field(m, rng)

        cs = ContestSimulator(self.payouts, field_size=self.field_size - k, entry_fee=self.entry_fee,
                              n_field_draws=self.n_field_draws, random_state=int_seed(self._seed["contest"]),
                              progress=self.progress)
        return cs.simulate(mine, np.hstack([P, extra]), _FieldOnly())

    @step("n_field_draws", "field_size", "random_state", uses=("portfolio", "build_replicas", "eval_scenarios", "field",
                                                                     "contest_fields", "payouts"))
    def contest(self):
        """My portfolio in simulated contests (ContestResult) on :attr:`eval_scenarios`.

        The build replicas (:attr:`build_replicas`) play the same contests (each its own, against the same
        fields); ``portfolio["roi_se_build"]`` is the standard error that comes from which races built my
        lineups -- the spread of the replicas' ROI, scaled to the full build (variance in proportion to 1 / the
        number of build races) -- and ``portfolio["roi_se_total"]`` covers both random parts.
        """
        import dataclasses

        L = self.portfolio.lineups
        reps = [R for R in self.build_replicas if R.shape == L.shape]
        if not reps:
            return self._contest(L, self._seed["contest"])
        n = len(L)
        groups = np.repeat(np.arange(1 + len(reps)), n)
        res = self._contest(np.vstack([L, *reps]), self._seed["contest"], groups=groups)
        mine = res.subset(np.arange(n))
        roi = np.array([res.subset(np.flatnonzero(groups == g)).portfolio["roi_mean"] for g in range(1, len(reps) + 1)])
        se_build = float(np.sqrt(roi.var(ddof=1) / len(reps)))  # replicas built on 1/k of the races
        pf = mine.portfolio
        pf["roi_se_build"] = se_build
        pf["roi_se_total"] = float(np.hypot(pf["roi_se"], se_build))
        pf["n_build_replicas"] = len(reps)
        return dataclasses.replace(mine, groups=None, notes=[*mine.notes, (
            f"ROI s.e. {100 * pf['roi_se_total']:.1f} pp = simulated contests {100 * pf['roi_se']:.1f} and which races "
            f"built the lineups {100 * se_build:.1f} ({len(reps)} portfolios built on 1/{BUILD_REPLICAS} of the build "
            "races each, scored in the same contests)")])

    # ------------------------------------------------------------------ DK entries
    @step("entries", "contest_sizes", "field_size")
    def entry_plan(self) -> pd.DataFrame:
        """The contests of :attr:`entries`: fee, field size and where it came from; the main contest first."""
        if self.entries is None:
            raise InputError("entry_plan: this analysis has no entries (give entries= a DKEntries.csv)")
        return contest_plan(self.entries, self.contest_sizes, self.field_size)

    @step(uses=("portfolio", "entry_plan"))
    def entry_lineup_numbers(self) -> np.ndarray:
        """Lineup (0-based, portfolio order) of each entry of :attr:`entries` (file order)."""
        return deal_lineups(self.entries, self.entry_plan)

    @step(uses=("entry_lineup_numbers",))
    def entry_lineups(self) -> pd.DataFrame:
        """Which lineup went to which entry: one row per entry of the DKEntries file, in file order."""
        return entry_table(self)

    @step("n_field_draws", "random_state", "payouts", uses=("entry_lineup_numbers", "eval_scenarios", "field",
                                                              "contest", "payouts"))
    def entry_results(self) -> dict:
        """Contest id -> ContestResult of that contest's own lineups, with its own fee and field size."""
        from ..contest import ContestSimulator, default_payout_fitter

        out = {}
        L = self.portfolio.lineups
        cid = self.entries.entries["contest_id"].to_numpy()
        for i, c in self.entry_plan.iterrows():
            mine = L[self.entry_lineup_numbers[cid == c["contest_id"]]]
            size, fee = int(c["field size (entries)"]), float(c["entry_fee ($)"])
            own = i == 0 and size == self.field_size and abs(fee - self.entry_fee) < 1e-9  # the analysis' contest
            if own and len(self.entry_plan) == 1:  # every lineup, in portfolio order: the analysis' own results
                out[c["contest_id"]] = self.contest
                continue
            table = self.payouts if own else default_payout_fitter().generate(entries=size, entry_fee=fee)
            cs = ContestSimulator(table, field_size=size - len(mine), entry_fee=fee, n_field_draws=self.n_field_draws,
                                  random_state=int_seed(self._seed["contest"]), progress=self.progress)
            out[c["contest_id"]] = cs.simulate(mine, self.eval_scenarios.points, self.field, slate=self.slate)
        return out

    @step(uses=("entry_results",))
    def entry_contests(self) -> pd.DataFrame:
        """Each contest of the entries file with its own fee, size and lineups, simulated (units in the names)."""
        return contest_table(self)

    def write_entries(self, path):
        """Write DK's entries file with every entry's lineup (``Name (ID)``), every other cell as it was; atomic."""
        if self.entries is None:
            raise InputError("write_entries: this analysis has no entries (give entries= a DKEntries.csv)")
        L = self.portfolio.lineups[self.entry_lineup_numbers]
        return self.entries.write_filled(path, L, self.slate)

    @property
    def n_yardstick_portfolios(self) -> int:
        """How many field-like portfolios of ``n_lineups`` the yardstick averages over (about
        :data:`YARDSTICK_LINEUPS` lineups, at most half the simulated opponents)."""
        room = max(1, (self.n_opponents // 2) // self.n_lineups)
        return int(max(1, min(-(-YARDSTICK_LINEUPS // self.n_lineups), room)))

    @step("n_lineups", "field_size", "random_state", uses=("field",))
    def yardstick_lineups(self) -> np.ndarray:
        """Lineups drawn like the field itself: :attr:`n_yardstick_portfolios` portfolios of ``n_lineups``
        (in order), entries of one full simulated field draw (ownership uncertainty included). Their ROI
        is exactly minus the rake in expectation (they are entries like any other)."""
        rng = np.random.default_rng(self._seed["yardstick"])
        F = self.field.draw_field(self.n_opponents, rng)
        k = self.n_lineups * self.n_yardstick_portfolios
        return F[rng.choice(len(F), k, replace=k > len(F))]

    @step("n_field_draws", "field_size", "random_state", uses=("yardstick_lineups", "eval_scenarios", "field",
                                                                     "contest_fields", "payouts"))
    def yardstick(self):
        """Field-like portfolios in the same simulated contests (ContestResult of every yardstick lineup; its
        ``portfolio`` figures are those of ONE field-like portfolio of ``n_lineups``, averaged over the
        :attr:`n_yardstick_portfolios` drawn, with standard errors that cover which lineups were drawn)."""
        import dataclasses

        from ..contest import random_portfolio_figures
        from ..utils.display import Metrics

        Y = self.yardstick_lineups
        # every field-like portfolio plays its own contest against the same fields (they never compete)
        res = self._contest(Y, self._seed["contest"], groups=np.repeat(np.arange(len(Y) // self.n_lineups),
                                                                       self.n_lineups))
        fig = random_portfolio_figures(res, self.n_lineups)
        rake = self.payouts.rake(self.field_size, self.entry_fee)
        note = (f"field-like yardstick: {fig['n_portfolios']} portfolios of {self.n_lineups} lineups drawn like the "
                f"field, averaged (s.e. covers the simulated contests and which lineups were drawn); the exact value "
                f"of its ROI is minus the rake, {-100 * rake:.1f}%")
        return dataclasses.replace(res, portfolio=Metrics({**fig, "exact_roi": -rake}), notes=[*res.notes, note])

    @step("n_field_draws", "field_size", "n_lineups", "random_state", uses=("eval_scenarios", "field"))
    def field_median_points(self) -> np.ndarray:
        """Median lineup points of a sampled field in each scoring scenario (n_field_draws x n_scenarios).

        The yardstick of the lineup-points edge (:meth:`predicted_edge`): a lineup beats
        the field's typical entry by this many points.
        """
        P = np.asarray(self.eval_scenarios.points, dtype=np.float32)
        rng = np.random.default_rng(self._seed["contest"].spawn(1)[0])
        out = np.empty((self.n_field_draws, len(P)))
        for d in range(self.n_field_draws):
            F = self.field.draw_field(self.n_opponents, rng)
            U, cnt = np.unique(np.sort(F, axis=1), axis=0, return_counts=True)
            for s0 in range(0, len(P), 512):  # chunks bound memory for big fields
                sc = P[s0:s0 + 512][:, U].sum(-1)                     # (chunk, n_unique)
                order = np.argsort(sc, axis=1)
                cum = np.cumsum(cnt[order], axis=1)
                mid = np.argmax(cum >= (cnt.sum() + 1) / 2.0, axis=1)  # weighted median
                out[d, s0:s0 + 512] = np.take_along_axis(sc, order, 1)[np.arange(len(mid)), mid]
        return out

    def predicted_edge(self, lineups=None) -> np.ndarray:
        """Simulated lineup-points edge: mean points of ``lineups`` (default: my portfolio) minus the
        field's median lineup, per simulated contest (n_field_draws x n_scenarios, flattened draw-major)."""
        L = self.portfolio.lineups if lineups is None else np.asarray(lineups)
        P = np.asarray(self.eval_scenarios.points, dtype=np.float64)
        mine = P[:, L].sum(-1).mean(1)                                  # (n_scenarios,)
        return (mine[None, :] - self.field_median_points).ravel()

    def run(self) -> "SlateAnalysis":
        """Compute every step (scenarios, ownership, portfolio, field, contest, yardstick)."""
        for step in ("scenarios", "eval_scenarios", "ownership", "optimal_rates", "portfolio", "payouts", "field",
                     "contest", "yardstick"):
            getattr(self, step)
        return self

    # ------------------------------------------------------------------ tables
    @step(uses=("scenarios", "mean_points", "ownership", "optimal_rates", "portfolio", "excludes"))
    def drivers(self) -> pd.DataFrame:
        """Every driver: salary, start, simulated points, value, boom rate, ownership, optimal rate, leverage."""
        return driver_table(self)

    @step(uses=("portfolio", "ownership_vector", "mean_points", "contest"))
    def lineups(self) -> pd.DataFrame:
        """My lineups, numbered 1..n as in the upload files: names, salary, projection, ownership, simulated results."""
        return lineup_table(self)

    @step(uses=("contest", "yardstick"))
    def summary(self) -> pd.DataFrame:
        """Portfolio vs field-like lineups in the same simulated contests, with units."""
        return summary_table(self)

    def write(self, folder) -> dict:
        """Write ``lineups.csv`` (readable, numbered 1..n) and ``dk_upload.csv`` (DK ids, same order) into ``folder``,
        and with entries ``DKEntries_filled.csv`` (DK's entries file, every entry's slots filled).

        Every file is written atomically; see :func:`dfslab.pipeline.write_lineup_files`.
        """
        return write_lineup_files(self, folder)

    # ------------------------------------------------------------------ plots (each returns the Axes)
    def plot_salaries(self, ax=None):
        """Salary ladder coloured by starting position."""
        return self.slate.plot_salaries(ax=ax)

    def plot_regimes(self, ax=None):
        """Share of simulated races per regime."""
        from ..plots import regime_mix

        sc = self.scenarios
        c = np.bincount(np.asarray(sc.regime), minlength=len(sc.regime_names)) / len(sc.regime)
        return regime_mix(pd.Series(c, index=list(sc.regime_names)), ax=ax)

    def plot_points(self, top: int = 20, ax=None):
        """Simulated DK points per driver (box plots, top drivers by mean)."""
        from ..plots import point_distributions

        return point_distributions(self.scenarios.points, self.slate.players["name"].tolist(), top=top, ax=ax)

    def plot_ownership(self, ax=None):
        """Projected ownership with its 80% interval."""
        from ..plots import ownership_intervals

        return ownership_intervals(self.ownership, ax=ax)

    def plot_leverage(self, ax=None):
        """Optimal rate vs projected ownership."""
        from ..plots import leverage_scatter

        return leverage_scatter(self.ownership_vector, 100 * self.optimal_rates, self.slate.players["name"].tolist(),
                                ax=ax)

    def plot_exposure(self, ax=None):
        """My exposure per driver next to projected field ownership."""
        from ..plots import exposure_bars

        return exposure_bars(self.portfolio.exposure, ax=ax)

    def plot_roi(self, ax=None):
        """Distribution of the portfolio's simulated contest ROI."""
        from ..plots import roi_distribution

        r = self.contest
        return roi_distribution(r.roi_samples.mean(1), ax=ax)

    # ------------------------------------------------------------------ display
    def _repr_html_(self) -> str:
        s = self.slate
        done = [k for k in ("scenarios", "ownership", "portfolio", "field", "contest") if k in self.__dict__]
        head = (f"<b>SlateAnalysis</b> {html.escape(s.name)}: {s.series or ''} {html.escape(str(s.track or ''))} "
                f"({s.archetype}), {s.race_laps} laps, {s.n_players} drivers; {self.n_lineups} lineups, "
                f"{self.field_size:,} entries at ${self.entry_fee:g}; seed {self.random_state}. "
                f"Computed: {', '.join(done) or 'nothing yet (steps run on first access or .run())'}.")
        if "contest" in self.__dict__ and "yardstick" in self.__dict__:
            head += self.summary.to_html(float_format=lambda v: f"{v:,.2f}")
        return head

    def __repr__(self) -> str:
        return (f"SlateAnalysis({self.slate.name!r}, n_lineups={self.n_lineups}, field_size={self.field_size}, "
                f"random_state={self.random_state})")




def _has_part(r, part) -> bool:
    return {"lineups": r.has_lineup_rules, "projection": r.has_projection, "ownership": r.has_ownership}[part]


def _whole(name, v, lo):
    return check_number(name, v, lo=lo, integer=True)


def _keep_warnings(sc, caught):
    """Warnings become notes on the result (a report shows them once, in words, not as a pink box)."""
    notes = getattr(sc, "notes", None)
    if notes is None:
        return
    for w in caught:
        msg = str(w.message)
        if msg not in notes:
            notes.append(msg)
