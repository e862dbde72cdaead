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
from ._files import write_lineup_files
from ._step import step
from ._tables import driver_table, lineup_table, summary_table

# Real top-10 lineups of the 12 real DK NASCAR contests of 2026 (dk_2026) used $48,200-$50,000
# of the $50,000 cap (median $49,900): a lineup far below that is not how GPPs are won.
DEFAULT_MIN_SALARY = 48_000
SELECTIONS = ("projection", "roi", "top1")
_STEP_SEEDS = ("scenarios", "eval_scenarios", "ownership", "field", "contest", "yardstick", "candidates")


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
        self._check_settings(regime_aware, ownership_uncertainty)
        self.created_ = _dt.datetime.now().astimezone()

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
            sc = self._simulator(self._seed[step]).simulate(self.slate)
        _keep_warnings(sc, caught)
        return sc

    @step("n_scenarios", "scenarios", "given_scenarios", "simulator", "random_state", "practice")
    def scenarios(self):
        """Simulated races used to BUILD the lineups (RaceScenarios)."""
        return self._race_part("scenarios", first_half=True)

    @step("n_scenarios", "scenarios", "given_scenarios", "simulator", "random_state", "practice")
    def eval_scenarios(self):
        """Independent simulated races used only to SCORE lineups (never the ones that built them)."""
        return self._race_part("eval_scenarios", first_half=False)

    @step(uses=("scenarios",))
    def mean_points(self) -> np.ndarray:
        """Simulated mean DK points per driver (slate order): the model's projection."""
        return np.asarray(self.scenarios.points, dtype=np.float64).mean(0)

    @step(uses=("mean_points",))
    def public_slate(self) -> Slate:
        """The slate with a ``projection`` column the field sees: the slate's own (published / user)
        projection where present, else our simulated mean."""
        p = self.slate.players
        if "projection" in p and p["projection"].notna().all():
            return self.slate
        q = p.copy()
        q["projection"] = self.mean_points
        return self.slate.with_players(q)

    @step("ownership", "estimator", uses=("public_slate",))
    def ownership(self) -> pd.DataFrame:
        """Projected ownership (percent, sums to 600) with its interval: one row per driver, slate order."""
        from ..ownership import estimate_ownership

        if self.ownership_given is not None:
            from ..slate import check_ownership

            o = check_ownership(self.ownership_given, self.slate.rules, self.slate.n_players)
            p = self.slate.players
            return pd.DataFrame({"player_id": p["player_id"].to_numpy(), "name": p["name"].to_numpy(),
                                 "salary": p["salary"].to_numpy(), "ownership": o, "lower": np.nan,
                                 "upper": np.nan, "std": np.nan})
        return estimate_ownership(self.public_slate, estimator=self.estimator, level=0.8)

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

    def _optimizer(self, n_lineups, max_overlap=None, max_exposure="same"):
        from ..optimize import LeverageAwareOptimizer

        return LeverageAwareOptimizer(
            n_lineups=n_lineups, leverage_penalty=self.leverage_penalty,
            max_overlap=self.max_overlap if max_overlap is None else max_overlap,
            max_exposure=self.max_exposure if max_exposure == "same" else max_exposure,
            min_salary=self.min_salary, excludes=self.excludes, random_state=0, **self.optimizer_options)

    def _optimize(self, opt):
        if self.optimize_on == "vendor":
            return opt.optimize(self.slate, self.slate.column("projection"), self.ownership_vector)
        if self.regime_aware and len(getattr(self.scenarios, "regime_names", ())) > 1:
            return opt.optimize_regime_aware(self.slate, self.scenarios, self.ownership_vector)
        return opt.optimize(self.slate, self.mean_points, self.ownership_vector)

    @step("n_lineups", "leverage_penalty", "max_overlap", "max_exposure", "min_salary", "regime_aware", "selection",
          "n_candidates", "optimize_on", "optimizer_options", uses=_portfolio_inputs)
    def portfolio(self):
        """My lineups (Portfolio), built on :attr:`scenarios` only."""
        if self.selection == "projection":
            return self._optimize(self._optimizer(self.n_lineups))
        from ..selection import select_by_simulation

        n_cand = self.n_candidates or 8 * self.n_lineups
        # candidates obey the portfolio's overlap rule (so any subset does) with a looser exposure cap
        pool = self._optimize(self._optimizer(n_cand, max_exposure=None if self.max_exposure is None
                                              else min(1.0, 2.0 * float(self.max_exposure))))
        return select_by_simulation(
            pool, self.scenarios.points, self.field, self.payouts, self.slate, n_lineups=self.n_lineups,
            field_size=self.field_size, entry_fee=self.entry_fee, max_overlap=self.max_overlap,
            max_exposure=self.max_exposure, objective=self.selection,
            start=self._optimize(self._optimizer(self.n_lineups)), random_state=int_seed(self._seed["candidates"]))

    @step("payouts", "field_size", "entry_fee")
    def payouts(self):
        """The contest's payout table (given, or a fitted real-DK curve for the size and fee)."""
        from ..contest import default_payout_fitter

        if self.payouts_given is not None:
            return self.payouts_given
        return default_payout_fitter().generate(entries=self.field_size, entry_fee=self.entry_fee)

    @step("field_sources", uses=("mean_points",))
    def field_projections(self) -> dict:
        """The projections the field's entries build on (name -> DK points per driver)."""
        if self.field_sources is not None:
            return dict(self.field_sources)
        out = {}
        p = self.slate.players
        if "projection" in p and p["projection"].notna().all():
            out["published"] = p["projection"].to_numpy(dtype=np.float64)
        out["ours"] = self.mean_points
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
        with _FIELD_LOCK:
            if key in _FIELD_CACHE:
                _FIELD_CACHE.move_to_end(key)
                return _FIELD_CACHE[key]
        sampler = ownership_sampler(self.public_slate, self.estimator) if use_unc else None
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

    def _contest(self, lineups, seed, n_mine=None):
        from ..contest import ContestSimulator

        n_mine = len(lineups) if n_mine is None else n_mine
        cs = ContestSimulator(self.payouts, field_size=self.field_size - n_mine, entry_fee=self.entry_fee,
                              n_field_draws=self.n_field_draws, random_state=int_seed(seed),
                              progress=self.progress)
        return cs.simulate(lineups, self.eval_scenarios.points, self.field, slate=self.slate)

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

    @step("n_field_draws", "field_size", "random_state", uses=("portfolio", "eval_scenarios", "field", "payouts"))
    def contest(self):
        """My portfolio in simulated contests (ContestResult) on :attr:`eval_scenarios`."""
        return self._contest(self.portfolio.lineups, self._seed["contest"])

    @step("n_lineups", "field_size", "random_state", uses=("field",))
    def yardstick_lineups(self) -> np.ndarray:
        """As many lineups drawn like the field itself: k entries of one full simulated field draw
        (ownership uncertainty included), so they should earn about minus the rake."""
        rng = np.random.default_rng(self._seed["yardstick"])
        F = self.field.draw_field(self.n_opponents, rng)
        return F[rng.choice(len(F), self.n_lineups, replace=self.n_lineups > len(F))]

    @step("n_field_draws", "field_size", "random_state", uses=("yardstick_lineups", "eval_scenarios", "field",
                                                                     "payouts"))
    def yardstick(self):
        """Field-like lineups in the same simulated contests (ContestResult)."""
        return self._contest(self.yardstick_lineups, self._seed["contest"])

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
        """Write ``lineups.csv`` (readable, numbered 1..n) and ``dk_upload.csv`` (DK ids, same order) into ``folder``.

        Both are written atomically; see :func:`dfslab.pipeline.write_lineup_files`.
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
