"""LeverageAwareOptimizer: exact sequential lineup portfolios with ownership in the objective.

Model of one lineup (binary x_i per driver)::

    maximize   sum_i (proj_i - leverage_penalty * scale * term_i) x_i
    subject to sum_i x_i = 6,  min_salary <= sum_i salary_i x_i <= cap,
               x_i = 1 (locks), x_i = 0 (excludes, ownership_i > max_ownership_per_driver),
               sum_{own_i < low_owned_threshold} x_i >= min_low_owned,
               sum_i own_i x_i <= max_total_ownership

with ``term_i = ownership_i`` (or ``ownership_i - 100 * optimal_rate_i``,
i.e. minus the industry leverage, when rates are given) and
``scale = std(proj) / std(term)`` over the slate: with ``leverage_penalty=1``
a one-standard-deviation difference in ownership costs exactly as much as a
one-standard-deviation difference in projected points.

Portfolio rules, applied sequentially (lineup k is the best lineup given
lineups 1..k-1):

- max_overlap: shares at most ``max_overlap`` drivers with every earlier lineup;
- max_exposure: a driver already in ``floor(max_exposure * n)`` lineups is out;
- min_exposure: a driver owes m = ``ceil(min_exposure * n)`` appearances,
  paced evenly: (a) lineup k must use every driver with fewer than
  ``floor(m * k / n + 1/2)`` appearances in lineups 1..k-1 (so owed
  appearances are spread over the portfolio instead of piling up at the end);
  (b) the total owed after lineup k must fit ``6 x (lineups left)``; (c) when
  two or more lineups remain after lineup k, the drivers that will then be
  owed in every remaining lineup, plus the locks, must number at most
  ``max_overlap`` (they would all be shared). This look-ahead is part of the
  sequential definition of "best", and the enumeration and the MIP apply it
  identically. It is necessary, not sufficient: a portfolio can still dead-end
  later (then InfeasibleError names the rules that bind).

The overlap, cap and look-ahead rules (b), (c) only get stricter as lineups
are added (picks only add overlap cuts, counts only grow, the owed total falls
by at most 6 per lineup while the room falls by exactly 6), so the enumeration
drops a lineup that fails one of them for good; the pacing rule (a) can relax
(a driver leaves the must-use set once used), so it is re-checked on the kept
pool at every pick. Together this gives exactly the sequential optimum.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np

from ..exceptions import InfeasibleError, InputError, ResourceLimitError
from ..slate import Slate, check_ownership
from ..utils.validation import check_float_array, check_number, check_seed
from . import _enumerate, _mip
from ._portfolio import Portfolio, build_portfolio, max_pair_overlap

#: Ownership vectors may deviate this much (percentage points) from 100 x roster
#: size: published projected ownership of real DK slates sums to 593-614.
OWNERSHIP_SUM_TOL = 18.0

_METHODS = ("auto", "enumerate", "mip")

#: Default ceiling on ``n_lineups`` (``lineup_limit=None`` or a larger number overrides it).
LINEUP_LIMIT = 10_000
# rough costs on this project's 2-core machine, for the guard's estimate (benchmarks/bench_optimizer.py)
_SEC_PER_LINEUP = {"enumerate": 2e-4, "mip": 0.3}
_BYTES_PER_LINEUP = 2_000  # picks, per-lineup table, overlap hash entries


@dataclass
class _Spec:
    """Validated static problem: arrays aligned with slate.players."""

    n_players: int
    roster_size: int
    salary: np.ndarray
    salary_cap: int
    min_salary: int
    ownership: np.ndarray
    locked: np.ndarray
    excluded: np.ndarray
    over_own_cap: np.ndarray
    low: np.ndarray
    min_low_owned: int
    low_owned_threshold: float
    max_ownership_per_driver: float | None
    max_total_ownership: float | None
    max_overlap: int
    n_lineups: int
    min_count: np.ndarray
    cap_count: np.ndarray
    min_frac: np.ndarray
    max_frac: np.ndarray
    names: np.ndarray

    @property
    def allowed(self) -> np.ndarray:
        return ~self.excluded & ~self.over_own_cap


class _State:
    """Picks so far and the dynamic rules they imply."""

    def __init__(self, spec: _Spec):
        self.spec = spec
        self.lineups: list[np.ndarray] = []
        self.masks: list[np.uint64] = []
        self.labels: list = []
        self.objectives: list[float] = []
        self.counts = np.zeros(spec.n_players, dtype=np.int64)
        self._bits = np.left_shift(np.uint64(1), np.arange(min(spec.n_players, 64), dtype=np.uint64))
        # without minimum exposures the look-ahead state never changes: computed once, not per pick
        self._has_min = bool((spec.min_count > 0).any())
        self.blocked_mask = self._mask(self.counts >= spec.cap_count)
        self._refresh()

    def _mask(self, sel: np.ndarray) -> np.uint64:
        if self.spec.n_players > 64:
            return np.uint64(0)
        return np.uint64(int.from_bytes(np.packbits(sel, bitorder="little").tobytes(), "little"))

    def _refresh(self):
        sp = self.spec
        self.remaining = sp.n_lineups - len(self.lineups)
        if not self._has_min and len(self.lineups):
            return  # deficit 0, no must-use drivers: nothing below changes
        self.deficit = np.maximum(sp.min_count - self.counts, 0)
        self.deficit_total = int(self.deficit.sum())
        k = len(self.lineups)
        # pacing: after lineup k+1 a driver has at least round(min_count * (k+1) / n) appearances
        # (half up, so a driver owed m of n is due around lineups n/2m, 3n/2m, ...: spread, done
        # before the end); this implies the deadline rule (owed as many as lineups remain -> must use)
        due_now = np.floor(sp.min_count * (k + 1) / sp.n_lineups + 0.5 + 1e-9).astype(np.int64)
        deadline = (self.deficit > 0) & (self.deficit >= self.remaining)  # owed in every lineup left
        self.must = (self.counts < due_now) | deadline
        if self.remaining <= 0:
            self.must[:] = False
        # drivers that become owed in every remaining lineup unless this lineup uses them
        self.next_due = (self.deficit > 0) & (self.deficit == self.remaining - 1)
        self.n_deadline, self.n_next = int(deadline.sum()), int(self.next_due.sum())
        # drivers owed in every lineup after this one, and the locks, appear together in each of
        # them, so (when two or more lineups remain after this one) they must fit max_overlap
        self.due_excess = 0
        if self.remaining - 1 >= 2:
            self.due_excess = max(0, self.n_deadline + self.n_next + int(sp.locked.sum()) - sp.max_overlap)
        self.must_mask = self._mask(self.must)
        self.deficit_mask = self._mask(self.deficit > 0)
        self.next_mask = self._mask(self.next_due)

    def add(self, L, label, objective, mask=None):
        L = np.sort(np.asarray(L, dtype=np.int64))
        self.lineups.append(L)
        self.masks.append(np.uint64(mask) if mask is not None else self._mask(np.isin(np.arange(self.spec.n_players), L)))
        self.labels.append(label)
        self.objectives.append(objective)
        self.counts[L] += 1
        capped = L[self.counts[L] >= self.spec.cap_count[L]]
        if len(capped) and self.spec.n_players <= 64:
            self.blocked_mask = np.uint64(self.blocked_mask | np.bitwise_or.reduce(self._bits[capped]))
        self._refresh()


def _human_seconds(secs: float) -> str:
    if secs < 120:
        return f"{secs:.0f} s"
    if secs < 7200:
        return f"{secs / 60:.0f} min"
    return f"{secs / 3600:.1f} h"


def _frac(value, name):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(f"{name}: must be a fraction in [0, 1], got {value!r}")
    v = float(value)
    if not np.isfinite(v) or not 0.0 <= v <= 1.0:
        raise InputError(f"{name}: must be a fraction in [0, 1], got {value!r}")
    return v


class LeverageAwareOptimizer:
    """Sequentially optimal, ownership-aware lineup portfolios.

    Parameters
    ----------
    n_lineups : int
        Lineups to build (>= 1).
    leverage_penalty : float
        Weight in [0, 1] of the ownership term in the objective. The term is
        rescaled so its slate-wide standard deviation equals the projection's:
        at 1, ownership weighs as much as points; at 0 (the default) it is ignored.
        The default is 0 because on the 12 real races of the backtest a penalty of
        0.5 cost 12.3 +/- 10.7 points of lineup edge (docs/backtest.md).
    max_overlap : int or None
        Most drivers any two lineups may share. Lineups are always distinct,
        so None (no limit) and values >= 6 mean at most 5.
    max_ownership_per_driver : float, optional
        Percent; drivers projected above it are not used.
    min_low_owned : int
        At least this many drivers under ``low_owned_threshold`` percent per lineup.
    low_owned_threshold : float
        Percent ownership below which a driver counts as low-owned.
    max_total_ownership : float, optional
        Cap on the summed projected ownership of a lineup (percent).
    min_exposure, max_exposure : float or dict, optional
        Fraction of lineups in [0, 1]: one number for every driver, or a dict
        player name / player_id / dk_id -> fraction.
    locks, excludes : sequence
        Drivers (name / player_id / dk_id) in every lineup / in none.
    min_salary : int, optional
        Minimum lineup salary (default: the slate rules' minimum).
    solver : {"CBC", "HiGHS"}
        python-mip solver for the MIP path and the infeasibility diagnosis.
    method : {"auto", "enumerate", "mip"}
        "enumerate" walks the legal lineup space in objective order (exact;
        any pool up to 64 drivers); "mip" re-solves python-mip after every
        pick; "auto" enumerates when the pool has <= 64 drivers, else uses
        the MIP and says so (a UserWarning and ``pf.settings["notes"]``).
        Both give the same lineups (exact objective ties aside).
    random_state : None, int or Generator
        Accepted for API uniformity; both methods are deterministic (exact
        ties go to the lexicographically smallest driver bitmask in the
        enumeration) and do not draw random numbers.
    lineup_limit : int or None
        Resource guard: ``n_lineups`` above it is refused up front with an
        estimate of the time and memory it would take (default
        :data:`LINEUP_LIMIT` = 10,000; None = no limit).

    Examples
    --------
    >>> import numpy as np
    >>> from dfslab import demo_slate
    >>> slate = demo_slate()
    >>> proj = 40 + 12 * slate.players["rating"].to_numpy()
    >>> own = np.full(slate.n_players, 600 / slate.n_players)
    >>> opt = LeverageAwareOptimizer(n_lineups=3, leverage_penalty=0.0, max_overlap=4)
    >>> pf = opt.optimize(slate, proj, own)
    >>> pf.lineups.shape, bool((pf.table.salary <= 50000).all())
    ((3, 6), True)
    """

    def _repr_html_(self) -> str:
        from ..utils.display import settings_html
        return settings_html(self, ('n_lineups', 'leverage_penalty', 'max_overlap', 'max_exposure', 'min_salary', 'method'), ["optimize(slate, projection, ownership) returns a Portfolio"])

    def __init__(self, n_lineups=20, leverage_penalty=0.0, max_overlap=4, max_ownership_per_driver=None,
                 min_low_owned=0, low_owned_threshold=10.0, max_total_ownership=None, min_exposure=None,
                 max_exposure=None, locks=(), excludes=(), min_salary=None, solver="CBC", method="auto",
                 random_state=None, lineup_limit=LINEUP_LIMIT):
        self.n_lineups = n_lineups
        self.leverage_penalty = leverage_penalty
        self.max_overlap = max_overlap
        self.max_ownership_per_driver = max_ownership_per_driver
        self.min_low_owned = min_low_owned
        self.low_owned_threshold = low_owned_threshold
        self.max_total_ownership = max_total_ownership
        self.min_exposure = min_exposure
        self.max_exposure = max_exposure
        self.locks = locks
        self.excludes = excludes
        self.min_salary = min_salary
        self.solver = solver
        self.method = method
        self.random_state = random_state
        self.lineup_limit = lineup_limit
        self._check_params()

    # ------------------------------------------------------------------ validation
    def _check_params(self):
        n = check_number("n_lineups", self.n_lineups, lo=1, integer=True)
        lim = check_number("lineup_limit", self.lineup_limit, lo=1, integer=True, allow_none=True)
        if lim is not None and n > lim:
            eng = "mip" if str(self.method) == "mip" else "enumerate"
            secs = n * _SEC_PER_LINEUP[eng]
            raise ResourceLimitError(
                f"n_lineups={n:,} exceeds lineup_limit={lim:,}: a sequential portfolio that size would take roughly "
                f"{_human_seconds(secs)} with the {eng} engine (a lower bound: each pick costs more as the portfolio "
                f"grows) and "
                f"~{n * _BYTES_PER_LINEUP / 2**20:,.0f} MB; DK allows 150 entries per user. Pass lineup_limit=None "
                f"(or a larger number) to run it anyway")
        check_number("leverage_penalty", self.leverage_penalty, lo=0, hi=1)
        check_number("max_overlap", self.max_overlap, lo=0, integer=True, allow_none=True)
        check_number("max_ownership_per_driver", self.max_ownership_per_driver, lo=0, lo_open=True, hi=100,
                     allow_none=True)  # percent
        check_number("min_low_owned", self.min_low_owned, lo=0, integer=True)
        check_number("low_owned_threshold", self.low_owned_threshold, lo=0, hi=100)  # percent
        check_number("max_total_ownership", self.max_total_ownership, lo=0, allow_none=True)  # percent total
        for nm in ("min_exposure", "max_exposure"):
            d = getattr(self, nm)
            if d is not None:
                if isinstance(d, (int, float, np.integer, np.floating)) and not isinstance(d, bool):
                    _frac(d, nm)
                elif not hasattr(d, "items"):
                    raise InputError(f"{nm}: must be a fraction in [0, 1] or a dict of player -> fraction, "
                                     f"got {d!r}")
                else:
                    for key, v in d.items():
                        _frac(v, f"{nm}[{key!r}]")
        if str(self.method) not in _METHODS:
            raise InputError(f"method: must be one of {_METHODS}, got {self.method!r}")
        _mip.check_solver(self.solver)
        check_number("min_salary", self.min_salary, lo=0, allow_none=True)  # dollars
        check_seed(self.random_state)

    def _spec(self, slate: Slate, ownership) -> _Spec:
        if not isinstance(slate, Slate):
            raise InputError(f"slate: expected a dfslab Slate, got {type(slate).__name__}")
        rules = slate.rules
        if not rules.is_positionless:
            raise InputError(f"slate rules {rules.name!r}: the optimizer supports positionless rosters (NASCAR) only")
        R, n, N = rules.roster_size, slate.n_players, int(self.n_lineups)
        own = check_ownership(ownership, rules, n, tol=OWNERSHIP_SUM_TOL)
        sal = slate.salaries
        if (sal < 0).any():
            raise InputError(f"salary: negative salary at rows {np.flatnonzero(sal < 0).tolist()[:5]}")
        names = slate.players["name"].astype(str).to_numpy()

        def idx(keys, nm):
            if isinstance(keys, (str, int, np.integer)):
                keys = [keys]
            keys = list(keys)
            if not keys:
                return np.zeros(0, dtype=np.int64)
            try:
                return slate.index_of(keys)
            except InputError as exc:
                raise InputError(f"{nm}: {exc}") from None

        locked = np.zeros(n, bool)
        locked[idx(self.locks, "locks")] = True
        excluded = np.zeros(n, bool)
        excluded[idx(self.excludes, "excludes")] = True
        both = locked & excluded
        if both.any():
            raise InputError(f"locks/excludes: {names[both].tolist()} are both locked and excluded")
        if locked.sum() > R:
            raise InputError(f"locks: {int(locked.sum())} locked drivers do not fit a {R}-driver roster")
        over = np.zeros(n, bool)
        if self.max_ownership_per_driver is not None:
            over = own > float(self.max_ownership_per_driver) + 1e-9
            bad = locked & over
            if bad.any():
                raise InputError(f"locks vs max_ownership_per_driver={self.max_ownership_per_driver}%: locked "
                                 f"{names[bad].tolist()} are projected above it ({own[bad].round(1).tolist()}%)")
        low = own < float(self.low_owned_threshold)
        if self.min_low_owned > R:
            raise InputError(f"min_low_owned: {self.min_low_owned} exceeds the roster size {R}")
        cap = rules.salary_cap
        ms = rules.min_salary if self.min_salary is None else int(self.min_salary)
        if ms > cap:
            raise InputError(f"min_salary: ${ms:,} exceeds the salary cap ${cap:,}")
        # lineups are always distinct: "no limit" means at most R - 1 shared drivers
        mo = R - 1 if self.max_overlap is None else min(int(self.max_overlap), R - 1)
        if N > 1 and locked.sum() > mo:
            raise InfeasibleError(f"max_overlap={mo} with {int(locked.sum())} locked drivers: every lineup shares the "
                                  f"locked drivers, so two lineups cannot share at most {mo}")
        min_frac = np.zeros(n)
        max_frac = np.ones(n)
        for d, arr, nm in ((self.min_exposure, min_frac, "min_exposure"), (self.max_exposure, max_frac, "max_exposure")):
            if d is not None and not hasattr(d, "items"):
                arr[:] = _frac(d, nm)  # one fraction for every driver
                continue
            for key, v in (d or {}).items():
                arr[idx([key], nm)] = _frac(v, f"{nm}[{key!r}]")
        min_count = np.ceil(min_frac * N - 1e-9).astype(np.int64)
        cap_count = np.floor(max_frac * N + 1e-9).astype(np.int64)
        spec = _Spec(n, R, sal, cap, ms, own, locked, excluded, over, low, int(self.min_low_owned),
                     float(self.low_owned_threshold),
                     None if self.max_ownership_per_driver is None else float(self.max_ownership_per_driver),
                     None if self.max_total_ownership is None else float(self.max_total_ownership),
                     mo, N, min_count, cap_count, min_frac, max_frac, names)
        _check_exposures(spec)
        return spec

    # ------------------------------------------------------------------ public API
    def optimize(self, slate: Slate, projections, ownership, optimal_rate=None) -> Portfolio:
        """Build ``n_lineups`` lineups, each the best given the ones before it.

        Parameters
        ----------
        slate : Slate
        projections : array_like, shape (n_players,)
            Projected DK points aligned with ``slate.players``.
        ownership : array_like, shape (n_players,)
            Projected ownership in percent (sums to 600 within 18 points).
        optimal_rate : array_like, optional
            Optimal rates (fractions, see :func:`optimal_rates`). When given
            the penalised term is ``ownership - 100 * optimal_rate`` (minus
            the leverage) instead of ownership, and the lineup leverage score
            uses it.

        Returns
        -------
        Portfolio

        Raises
        ------
        InputError
            Malformed input or exposure settings that cannot be met.
        InfeasibleError
            No lineup satisfies the rules; the message names the binding ones.
        """
        self._check_params()
        spec = self._spec(slate, ownership)
        proj = _vector(projections, spec.n_players, "projections")
        rate = None if optimal_rate is None else _rates_vector(optimal_rate, spec.n_players)
        return self._run(slate, spec, [(proj, spec.n_lineups, None)], rate)

    def optimize_regime_aware(self, slate: Slate, scenarios, ownership, allocation=None,
                              optimal_rate=None) -> Portfolio:
        """Split the portfolio across race regimes and optimize each group on its regime.

        Parameters
        ----------
        slate : Slate
        scenarios : object
            With ``points`` (n_scenarios x n_players DK points), ``regime``
            (int code per scenario) and ``regime_names`` (tuple of names).
        ownership : array_like
            Percent, aligned with ``slate.players``.
        allocation : dict, optional
            Regime name -> lineup count (ints summing to ``n_lineups``) or
            share (summing to 1). Default: the regimes' scenario shares,
            rounded by largest remainder.
        optimal_rate : array_like, optional
            As in :meth:`optimize`.

        Notes
        -----
        Groups run in order of size (largest first) and share the portfolio
        rules: overlap and exposures hold across the whole portfolio, and each
        lineup is the best for its regime's mean points given every lineup
        picked before it.
        """
        self._check_params()
        spec = self._spec(slate, ownership)
        pts = getattr(scenarios, "points", None)
        reg = getattr(scenarios, "regime", None)
        rnames = getattr(scenarios, "regime_names", None)
        if pts is None or reg is None or rnames is None:
            raise InputError("scenarios: needs .points, .regime and .regime_names")
        pts = check_float_array("scenarios.points", pts)
        if pts.ndim != 2 or pts.shape[1] != spec.n_players:
            raise InputError(f"scenarios.points: expected shape (n_scenarios, {spec.n_players}), got {pts.shape}")
        if not np.isfinite(pts).all():
            raise InputError("scenarios.points: holds NaN or infinite values")
        reg = np.asarray(reg)
        if reg.shape != (pts.shape[0],) or not np.issubdtype(reg.dtype, np.integer):
            raise InputError(f"scenarios.regime: expected {pts.shape[0]} integer codes, got shape {reg.shape}")
        rnames = tuple(str(r) for r in rnames)
        if reg.min() < 0 or reg.max() >= len(rnames):
            raise InputError(f"scenarios.regime: codes must be in 0..{len(rnames) - 1}")
        counts = _allocate(spec.n_lineups, np.bincount(reg, minlength=len(rnames)) / len(reg), rnames, allocation)
        rate = None if optimal_rate is None else _rates_vector(optimal_rate, spec.n_players)
        groups = []
        for r in sorted(np.flatnonzero(counts), key=lambda r: (-counts[r], r)):
            sel = reg == r
            if not sel.any():
                raise InputError(f"allocation: regime {rnames[r]!r} has lineups but no scenarios")
            groups.append((pts[sel].mean(axis=0), int(counts[r]), rnames[r]))
        return self._run(slate, spec, groups, rate)

    # ------------------------------------------------------------------ engine
    def _objective(self, proj, own, rate):
        term = own if rate is None else own - 100.0 * rate
        sd_t = float(term.std())
        scale = float(proj.std()) / sd_t if sd_t > 0 else 0.0
        return proj - float(self.leverage_penalty) * scale * term, scale

    def _run(self, slate, spec, groups, rate) -> Portfolio:
        t0 = time.perf_counter()
        scored, scales = [], []
        for proj, count, label in groups:
            obj, scale = self._objective(proj, spec.ownership, rate)
            scored.append((obj, count, label))
            scales.append(scale)
        method = self.method
        notes = []
        if method == "auto":
            method = "enumerate" if _enumerate.can_enumerate(spec) else "mip"
            if method == "mip":
                msg = (f"method='auto': the pool has {spec.n_players} drivers, more than the enumeration's "
                       f"{_enumerate.MAX_DRIVERS} (64-bit driver masks); using the sequential MIP "
                       f"(python-mip {self.solver}), about 0.1-0.5 s per lineup")
                notes.append(msg)
                warnings.warn(msg, UserWarning, stacklevel=3)
        elif method == "enumerate" and not _enumerate.can_enumerate(spec):
            raise InputError(f"method='enumerate': the pool has {spec.n_players} drivers, more than the "
                             f"enumeration's {_enumerate.MAX_DRIVERS} (64-bit driver masks); use method='mip' or "
                             "'auto'")
        solver = _mip.check_solver(self.solver)
        state = _State(spec)
        stuck = _Diagnoser(spec, solver)
        if method == "enumerate":
            _enumerate.sequential_enumerate(spec, scored, state, stuck)
        else:
            _mip.sequential_mip(spec, scored, state, stuck, solver)
        secs = time.perf_counter() - t0
        verify(spec, state)
        # projection of each lineup on the points it was optimized for
        proj_by, gi = [], 0
        for proj, count, _ in groups:  # groups ran in this order
            proj_by += [float(proj[L].sum()) for L in state.lineups[gi: gi + count]]
            gi += count
        if rate is not None:
            lev_rate = 100.0 * rate
        else:
            p = np.mean([g[0] for g in groups], axis=0)
            lev_rate = spec.roster_size * 100.0 * np.clip(p, 0, None) / max(np.clip(p, 0, None).sum(), 1e-12)
        settings = {k: getattr(self, k) for k in (
            "n_lineups", "leverage_penalty", "max_overlap", "max_ownership_per_driver", "min_low_owned",
            "low_owned_threshold", "max_total_ownership", "min_exposure", "max_exposure", "locks", "excludes",
            "min_salary", "solver", "method")}
        settings["ownership_scale"] = scales[0] if len(scales) == 1 else dict(zip([g[2] for g in groups], scales))
        settings["penalty_term"] = "ownership" if rate is None else "ownership - 100*optimal_rate"
        settings["leverage_reference"] = "projection share" if rate is None else "optimal rate"
        settings["notes"] = notes
        return build_portfolio(slate, spec, state, proj_by, lev_rate, settings, method, solver, secs)


def _vector(a, n, name) -> np.ndarray:
    v = check_float_array(name, a)
    if v.ndim != 1 or len(v) != n:
        raise InputError(f"{name}: expected {n} values aligned with slate.players, got shape {v.shape}")
    if not np.isfinite(v).all():
        raise InputError(f"{name}: NaN or infinite values at positions {np.flatnonzero(~np.isfinite(v))[:5].tolist()}")
    return v


def _rates_vector(a, n) -> np.ndarray:
    v = _vector(a, n, "optimal_rate")
    if (v < 0).any() or (v > 1).any():
        raise InputError("optimal_rate: fractions must be in [0, 1] (share of scenarios)")
    return v


def _allocate(N, probs, names, allocation) -> np.ndarray:
    """Lineups per regime: user counts / shares, or scenario shares, by largest remainder."""
    if allocation is not None:
        if not hasattr(allocation, "items"):
            raise InputError("allocation: must be a dict regime name -> count or share")
        share = np.zeros(len(names))
        for k, v in allocation.items():
            if str(k) not in names:
                raise InputError(f"allocation: unknown regime {k!r}; scenarios have {names}")
            fv = float(v)
            if not np.isfinite(fv) or fv < 0:
                raise InputError(f"allocation[{k!r}]: must be a non-negative number, got {v!r}")
            share[names.index(str(k))] = fv
        if np.allclose(share, np.round(share)) and round(share.sum()) == N:
            return np.round(share).astype(np.int64)
        if abs(share.sum() - 1.0) > 1e-6:
            raise InputError(f"allocation: values must be counts summing to n_lineups={N} or shares summing to 1, "
                             f"got total {share.sum():g}")
        probs = share
    raw = probs * N
    out = np.floor(raw).astype(np.int64)
    rest = N - out.sum()
    order = np.lexsort((np.arange(len(raw)), -(raw - out)))
    out[order[:rest]] += 1
    return out


def _check_exposures(spec: _Spec):
    """Exposure settings that cannot be met are reported before optimizing."""
    N, R, names = spec.n_lineups, spec.roster_size, spec.names
    bad = spec.min_frac > spec.max_frac
    if bad.any():
        raise InputError(f"min_exposure > max_exposure for {names[bad].tolist()}")
    bad = (spec.min_count > 0) & ~spec.allowed
    if bad.any():
        why = np.where(spec.excluded[bad], "excluded", "above max_ownership_per_driver")
        raise InputError(f"min_exposure set for drivers that cannot be used: "
                         f"{[f'{a} ({b})' for a, b in zip(names[bad], why)]}")
    bad = spec.locked & (spec.cap_count < N)
    if bad.any():
        raise InputError(f"max_exposure below 1 for locked drivers {names[bad].tolist()} (locks are in every lineup)")
    bad = (spec.min_count > spec.cap_count)
    if bad.any():
        raise InputError(f"exposure: with n_lineups={N}, min_exposure needs more lineups than max_exposure allows "
                         f"for {names[bad].tolist()} (counts are rounded: min up, max down)")
    need = int(spec.min_count.sum())
    if need > R * N:
        raise InputError(f"min_exposure: the minimums need {need} roster spots but {N} lineups x {R} drivers "
                         f"= {R * N}")
    free_need = int(spec.min_count[~spec.locked].sum())
    free_room = (R - int(spec.locked.sum())) * N
    if free_need > free_room:
        raise InputError(f"min_exposure: unlocked minimums need {free_need} roster spots but only {free_room} remain "
                         f"beside the locked drivers")
    if int(spec.allowed.sum()) < R:  # before the exposure arithmetic, which would blame max_exposure
        raise InfeasibleError(f"only {int(spec.allowed.sum())} drivers are usable after excludes "
                              f"({int(spec.excluded.sum())} excluded) and max_ownership_per_driver "
                              f"({int((spec.over_own_cap & ~spec.excluded).sum())} more above it); a lineup needs {R}")
    room = int(np.minimum(spec.cap_count, N)[spec.allowed].sum())
    if room < R * N:
        raise InputError(f"max_exposure: usable drivers can fill at most {room} roster spots, but {N} lineups x "
                         f"{R} drivers need {R * N}")


def verify(spec: _Spec, state: _State):
    """Re-check every lineup against every rule (internal consistency guard)."""
    if not state.lineups:
        raise RuntimeError("optimizer produced no lineups")
    L = np.asarray(state.lineups)
    N, R = spec.n_lineups, spec.roster_size
    problems = []
    if L.shape != (N, R):
        problems.append(f"shape {L.shape}")
    srt = np.sort(L, axis=1)
    if (srt[:, 1:] == srt[:, :-1]).any():
        problems.append("driver twice")
    sal = spec.salary[L].sum(1)
    if (sal > spec.salary_cap).any() or (sal < spec.min_salary).any():
        problems.append("salary")
    if not spec.locked[L].sum(1).tolist() == [int(spec.locked.sum())] * N:
        problems.append("locks")
    if (~spec.allowed[L]).any():
        problems.append("excludes/ownership cap")
    if (spec.low[L].sum(1) < spec.min_low_owned).any():
        problems.append("min_low_owned")
    if spec.max_total_ownership is not None and (spec.ownership[L].sum(1) > spec.max_total_ownership + 1e-6).any():
        problems.append("max_total_ownership")
    if N > 1 and max_pair_overlap(L, spec.n_players) > spec.max_overlap:
        problems.append("max_overlap")
    c = np.bincount(L.ravel(), minlength=spec.n_players)
    if (c > spec.cap_count).any() or (c < spec.min_count).any():
        problems.append("exposure")
    if problems:
        raise RuntimeError(f"internal error: optimizer output violates {problems}")


_DESCR = {
    "salary_cap": lambda s, st: f"fits the ${s.salary_cap:,} salary cap",
    "min_salary": lambda s, st: f"reaches the ${s.min_salary:,} minimum salary",
    "locks": lambda s, st: (f"with the {int(s.locked.sum())} locked drivers ({', '.join(s.names[s.locked])})"),
    "excludes": lambda s, st: f"without the {int(s.excluded.sum())} excluded drivers",
    "max_ownership_per_driver": lambda s, st: (f"using only drivers at or under {s.max_ownership_per_driver:g}% "
                                               f"projected ownership ({int(s.over_own_cap.sum())} drivers above it)"),
    "min_low_owned": lambda s, st: (f"with at least {s.min_low_owned} drivers under {s.low_owned_threshold:g}% "
                                    f"ownership ({int((s.low & s.allowed).sum())} usable)"),
    "max_total_ownership": lambda s, st: f"with summed ownership <= {s.max_total_ownership:g}%",
    "max_overlap": lambda s, st: (f"sharing at most {s.max_overlap} drivers with each of the "
                                  f"{len(st.lineups)} lineups already picked"),
    "max_exposure": lambda s, st: (f"within max_exposure (capped out: "
                                   f"{', '.join(s.names[st.counts >= s.cap_count][:8])})"),
    "min_exposure": lambda s, st: (f"while keeping min_exposure reachable ({st.deficit_total} appearances owed in "
                                   f"{st.remaining} lineups; must use: {', '.join(s.names[st.must]) or 'none'})"),
}


class _Diagnoser:
    """Called when no next lineup exists: finds the binding rule families and raises."""

    def __init__(self, spec, solver):
        self.spec = spec
        self.solver = solver

    def active(self, state):
        s = self.spec
        fam = ["salary_cap"]
        if s.min_salary > 0:
            fam.append("min_salary")
        if s.locked.any():
            fam.append("locks")
        if s.excluded.any():
            fam.append("excludes")
        if s.over_own_cap.any():
            fam.append("max_ownership_per_driver")
        if s.min_low_owned > 0:
            fam.append("min_low_owned")
        if s.max_total_ownership is not None:
            fam.append("max_total_ownership")
        if state.lineups and s.max_overlap < s.roster_size:
            fam.append("max_overlap")
        if (state.counts >= s.cap_count).any():
            fam.append("max_exposure")
        if state.deficit_total > 0:
            fam.append("min_exposure")
        return fam

    def __call__(self, state, score):
        s = self.spec
        fam = self.active(state)
        binding = [f for f in fam if _mip.feasible_with(s, state, set(fam) - {f}, self.solver)]
        where = (f"lineup {len(state.lineups) + 1} of {s.n_lineups}: " if s.n_lineups > 1 else "")
        if binding:
            text = ", ".join(_DESCR[f](s, state) for f in binding)
            tail = " (relaxing any one of these rules makes a lineup possible)" if len(binding) > 1 else \
                " (this rule binds: without it a lineup is possible)"
        else:
            text = ", ".join(_DESCR[f](s, state) for f in fam)
            tail = " (no single rule is to blame; several bind together)"
        raise InfeasibleError(f"{where}no {s.roster_size}-driver lineup {text}{tail}")


__all__ = ["LeverageAwareOptimizer", "verify"]
