"""Opponent field: legal lineups drawn so the field's ownership matches a target."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import numpy as np
from numba import njit

from ..exceptions import InfeasibleError, InputError
from ..slate import Slate, check_ownership
from ..utils.validation import check_memory, check_number, check_seed

_NEG = -np.inf
FIELD_PARAMS_PATH = Path(__file__).resolve().parent.parent / "_data" / "field_params.json"
_DUP_KEYS = ("dup_prob", "dup_tail", "dup_chalk")
_PROJ_KEYS = ("proj_share", "proj_strength", "proj_noise", "proj_mix", "proj_types")
_CAP_KEYS = ("max_salary_left",)
_TYPE_CHUNK = 512  # perturbed projections per DP batch (memory: 7 x 512 x 501 doubles = 14 MB per table)
#: Memory per lineup of a sampled field: the lineups plus the sampler's work arrays (measured 1.7-2.3 kB per
#: entry for FieldLineupSampler.sample on the 38-driver demo slate, 200k-400k entries).
FIELD_BYTES_PER_ENTRY = 2_000
_FIT_TYPES = 256  # perturbed projections per calibration field (fit needs the mixture's mean, not diversity)


def default_field_params() -> dict:
    """Field-behaviour defaults fitted on the real DK GPP fields (``dfslab/_data/field_params.json``).

    Keys: ``salary_left_scale`` (dollars per $50,000 cap), ``dup_prob``,
    ``dup_tail``, ``dup_chalk``, ``proj_share``, ``proj_strength``,
    ``proj_noise``, ``proj_mix``, ``proj_types``, ``max_salary_left`` (see
    :class:`FieldLineupSampler`) and ``source``.

    Examples
    --------
    >>> p = default_field_params()
    >>> sorted(k for k in p if k != "source")  # doctest: +NORMALIZE_WHITESPACE
    ['dup_chalk', 'dup_prob', 'dup_tail', 'max_salary_left', 'proj_mix', 'proj_noise', 'proj_share',
     'proj_strength', 'proj_types', 'salary_left_scale']
    """
    d = json.loads(FIELD_PARAMS_PATH.read_text())
    return {k: d[k] for k in ("salary_left_scale", *_DUP_KEYS, *_PROJ_KEYS, *_CAP_KEYS, "source")}


@njit(cache=True)
def _dp_tables(W, V, nv, zR, lo, hi):  # pragma: no cover - compiled
    """Budget DP for K weight rows: log ``Z[t, k, b]``, ``Z[t, k, b] = sum_c W[t, k, c] Z[t+1, k, b - V[t, c]]``,
    ``Z[R] = zR``.

    Only steps t >= 1 (sampling never reads Z[0]) and only budgets ``lo[t] <= b <= hi[t]``
    (those reachable after t distinct picks; zero elsewhere) are computed; each row
    is rescaled to max 1 (only ratios within a step are used).
    """
    R, K = W.shape[0], W.shape[1]
    B1 = zR.shape[0]
    Z = np.zeros((R + 1, K, B1))
    for k in range(K):
        Z[R, k, :] = zR
    for t in range(R - 1, 0, -1):
        for k in range(K):
            out = Z[t, k]
            nxt = Z[t + 1, k]
            for c in range(nv[t]):
                wv = W[t, k, c]
                if wv == 0.0:
                    continue
                v = V[t, c]
                b0 = max(lo[t], lo[t + 1] + v)
                b1 = min(hi[t], hi[t + 1] + v)
                for bb in range(b0, b1 + 1):
                    out[bb] += wv * nxt[bb - v]
            m = out.max()
            if m > 0.0:
                out /= m
    # logs, -inf outside the windows (never read inside them: the windows nest)
    L = np.full((R + 1, K, B1), -np.inf)
    for t in range(1, R + 1):
        for k in range(K):
            for bb in range(lo[t], hi[t] + 1):
                x = Z[t, k, bb]
                if x > 0.0:
                    L[t, k, bb] = np.log(x)
    return L


@njit(cache=True)
def _pick_slot(logW, tt, nxt, u, cand, G, taken_cols, out, budget, col):  # pragma: no cover - compiled
    """One slot of every lineup: the arg-max of log weight + log Z(rest of budget) + Gumbel noise over ``cand``.

    Exactly the numpy expression it replaces (same additions in the same order, first maximum on ties); the
    Gumbel noise ``G`` (n, len(cand)) and the logs come from numpy, so the draws are bit-identical.
    """
    n = out.shape[0]
    nc = cand.shape[0]
    for i in range(n):
        best = -np.inf
        kb = 0
        t = tt[i]
        for a in range(nc):
            c = cand[a]
            rest = budget[i] - u[c]
            if rest >= 0:
                key = logW[t, c] + nxt[t, rest]
            else:
                key = -np.inf
            for q in range(taken_cols.shape[0]):
                if out[i, taken_cols[q]] == c:
                    key = -np.inf
                    break
            key = key + G[i, a]
            if key > best or a == 0:
                best = key
                kb = a
        if np.isfinite(best):
            out[i, col] = cand[kb]
            budget[i] -= u[cand[kb]]
        else:
            out[i, col] = -1


def zipf_pmf(alpha: float, kmax: int) -> np.ndarray:
    k = np.arange(1, kmax + 1, dtype=np.float64)
    p = k ** -alpha
    return p / p.sum()


class FieldLineupSampler:
    """Draw opponent lineups that are legal, spend the cap like real fields, duplicate, and match ownership.

    Method
    ------
    *Fresh lineups* follow P(lineup) ~ prod(w_i) x exp(-salary_left / salary_left_scale)
    on legal lineups (slots, no player twice, cap, floor): real entrants spend the
    cap (real MLB GPPs leave a median $100 of $50,000). They are drawn exactly, with
    no rejection: a dynamic programme over the remaining budget gives each slot's
    Gumbel-argmax keys ``log w_j + log Z_next(budget - salary_j)`` (see
    :meth:`_budget_table`), vectorized over the field.

    *Projection-driven entries* (with ``projections``): real fields hold
    many entries built from projections, each by a player with his own read
    of the slate (a vendor's projection, another site's, salary as a proxy,
    personal tweaks). A share ``proj_share`` of the fresh lineups is
    therefore built, each from its OWN perturbed, multi-source projection:
    source weights ``a ~ Dirichlet(proj_mix)`` over the standardized sources
    (the given projections plus a salary-implied one), plus independent
    per-player noise of SD ``proj_noise``; the entry is drawn from the same
    exact DP sampler with log-weights ``log w + proj_strength x z_entry``.
    Entries following different reads disagree, so a sharper field is a
    stronger field, not a pile of copies of one optimal lineup (the old
    single-projection optimizer share duplicated itself and made a fixed
    portfolio's predicted ROI RISE with its share). For speed the field
    shares at most ``proj_types`` distinct perturbed projections per draw
    (one DP table each, vectorized); the shared weights ``w`` are calibrated
    on the MIXTURE, so the whole field still matches the target ownership.

    *Cap-consistent target* (``max_salary_left``): an ownership vector fixes
    the field's mean lineup salary (sum of ownership x salary / 100). A
    forecast implying much more salary left than real fields leave cannot be
    met by a field that spends the cap; forcing it would make the field
    leave thousands. Such a target is first tilted toward salary,
    ``own_i ~ own_i x exp(lambda x salary_i)`` (capped at 100%), until it
    implies ``max_salary_left`` (``target_`` = the tilted vector,
    ``salary_tilt_`` = lambda per $1,000). On the real 2026 NASCAR contests
    this moved the DailyFan and our forecasts closer to the actual %Drafted
    (Atlanta: DailyFan implied $2,733 left per lineup; the real field owned
    the dear drivers far more).

    *Duplicates* (real GPPs: a share of entries are copies: multi-entry
    repeats and optimizer chalk): each fresh lineup is entered more than once
    with probability ``sigmoid(logit(dup_prob) + dup_chalk * z)`` (``z`` = the
    lineup's standardized summed log-ownership, chalky lineups dupe more), with
    ``1 + k`` copies, ``k ~ Zipf(dup_tail)`` truncated at
    ``max(3, min(0.01 x n_entries, 200))``. Lineups of the same players also coincide
    by chance when ownership is concentrated (NASCAR: 6 of ~38).

    :meth:`fit` calibrates the log-weights AFTER the mechanism (the expected
    ownership of the duplicated, salary-tilted field) by multiplicative updates
    on a fixed-seed calibration field (common random numbers). :meth:`sample`
    then removes the sampling noise: the duplicate groups are frozen, the single
    lineups are chosen from a larger pool by whole-lineup swaps and finally
    rebalanced (over-owned players swapped for under-owned ones, same slot,
    salary rules kept, swaps preferring to spend the cap) to the residual
    target, so a 10,000-entry field matches the target within ``match_tol`` points.

    Parameters
    ----------
    slate : Slate
    ownership : array_like
        Target ownership in percent, summing to 100 x roster size.
    random_state : int or Generator, optional
    salary_floor : int, optional
        Hard minimum lineup salary (None = the rules' ``min_salary``).
    salary_left_scale : float, None or "default"
        Dollars per $50,000 of cap (scaled to the rules' cap); None = no tilt.
        "default" = the value fitted on the real MLB fields.
    dup_prob, dup_tail, dup_chalk : float or "default"
        Duplication: probability a fresh lineup is copied (at average chalk),
        Zipf exponent of the extra copies, log-odds per SD of chalk. "default"
        = fitted on the real MLB + NFL GPP fields; ``dup_prob=0`` turns
        deliberate copies off.
    ownership_sampler : callable, optional
        ``(n, rng) -> (n, n_players)`` ownership matrix: each field draw of
        :meth:`draw_field` (one per simulated contest) uses a fresh vector.
    match_ownership : bool
        Rebalance each sampled field to the target (default True).
    match_tol : float
        Percentage points allowed after rebalancing.
    n_calibration : int
        Size of the calibration field.
    max_seconds : float, optional
        Time budget of :meth:`fit` (default None = none). It stops the fit
        (with the best weights so far, and a warning; the rebalance still
        matches the target) only when ``random_state`` is None; with a seed
        the fit runs to ``max_iter`` and warns, so seeded results never
        depend on machine speed.
    max_batches : int
        Iteration budget of the exact sampler: batches of draws before
        :class:`~dfslab.InfeasibleError` (a budget message; draws only die
        when the salary rules leave almost no legal lineup).
    projections : array_like or dict, optional
        The projections the field builds from: one array of projected points
        per player, an (n_sources, n_players) array, or a dict name -> array
        (e.g. ``{"vendor": slate_projection, "ours": simulated_mean}``). Each
        source is standardized over the owned players. None = no
        projection-driven entries (ownership-only field).
    salary_source : bool
        Add a salary-implied projection to the sources (default True; it is
        skipped when salaries are all equal).
    proj_share, proj_strength, proj_noise, proj_mix : float or "default"
        Share of projection-driven fresh lineups; their log-weight tilt per SD
        of the entry's own projection; the SD of the per-player noise added
        to each entry's blend (in SDs); the Dirichlet concentration of the
        source weights (small = each entry follows mostly one source).
        "default" = fitted on the real MLB GPP fields (duplication and
        projected-points tails) and checked on the real NASCAR contests.
        ``proj_share=0`` (or ``proj_strength=0``) gives the ownership-only field.
    max_salary_left : float, None or "default"
        Mean salary left per lineup (dollars per $50,000 cap) the target may
        imply before it is tilted toward salary (see *Cap-consistent
        target*); None = use the target as given. "default" =
        ``salary_left_scale`` (what the field itself leaves on average, so the
        calibration can meet the target), for position-less rules (NASCAR)
        only: with positions a small slate's pool can force real fields to
        leave thousands. A target implying a mean lineup salary above the cap
        (impossible) is tilted the other way, to the same mean.
    proj_types : int or "default"
        At most this many distinct perturbed projections per field draw
        (entries beyond it share one, still drawn independently).
    opt_share, opt_noise
        Removed (the single-projection optimizer share); ``opt_share=0`` is
        accepted as ``proj_share=0`` with a DeprecationWarning, anything else
        raises :class:`~dfslab.InputError`.

    Examples
    --------
    >>> import numpy as np
    >>> from dfslab import demo_slate
    >>> from dfslab.contest import FieldLineupSampler
    >>> s = demo_slate()
    >>> own = np.full(s.n_players, 600.0 / s.n_players)
    >>> fs = FieldLineupSampler(s, own, random_state=0, n_calibration=2000).fit()
    >>> F = fs.sample(2000)
    >>> F.shape, bool((s.salaries[F].sum(1) <= 50000).all())
    ((2000, 6), True)
    """

    def __init__(self, slate: Slate, ownership, random_state=None, salary_floor: int | None = None,
                 salary_left_scale="default", dup_prob="default", dup_tail="default", dup_chalk="default",
                 ownership_sampler=None, match_ownership: bool = True, match_tol: float = 0.25,
                 n_calibration: int = 10000, max_iter: int = 30, calibration_tol: float = 0.5,
                 max_seconds: float | None = None, projections=None, salary_source: bool = True,
                 proj_share="default", proj_strength="default", proj_noise="default", proj_mix="default",
                 proj_types="default", max_salary_left="default", opt_share=None, opt_noise=None,
                 max_batches: int = 50):
        if not isinstance(slate, Slate):
            raise InputError(f"slate: expected a dfslab Slate, got {type(slate).__name__}")
        self.slate = slate
        self.rules = slate.rules
        self.ownership = check_ownership(ownership, slate.rules, slate.n_players)
        cap = self.rules.salary_cap
        floor = self.rules.min_salary if salary_floor is None else \
            check_number("salary_floor", salary_floor, lo=0, hi=cap, integer=True)
        d = default_field_params()
        salary_left_scale = d["salary_left_scale"] if isinstance(salary_left_scale, str) and \
            salary_left_scale == "default" else salary_left_scale
        salary_left_scale = check_number("salary_left_scale", salary_left_scale, lo=0, lo_open=True,
                                         allow_none=True)  # dollars per $50,000 of cap
        if opt_share is not None or opt_noise is not None:
            if opt_share is not None and float(opt_share) == 0 and opt_noise is None:
                warnings.warn("opt_share is removed: opt_share=0 is read as proj_share=0 (ownership-only field)",
                              DeprecationWarning, stacklevel=2)
                proj_share = 0.0
            else:
                raise InputError("opt_share/opt_noise were removed: the single-projection optimizer share duplicated "
                                 "itself and made predicted ROI rise with it; use proj_share (share of "
                                 "projection-driven entries) and proj_strength (their tilt) instead")
        vals = {}
        given = {"dup_prob": dup_prob, "dup_tail": dup_tail, "dup_chalk": dup_chalk, "proj_share": proj_share,
                 "proj_strength": proj_strength, "proj_noise": proj_noise, "proj_mix": proj_mix,
                 "proj_types": proj_types}
        for name, v in given.items():
            v = d[name] if isinstance(v, str) and v == "default" else v
            if isinstance(v, str):
                raise InputError(f"{name} must be a number or 'default', got {v!r}")
            vals[name] = check_number(name, v)
        if not 0 <= vals["dup_prob"] < 1:
            raise InputError(f"dup_prob must be in [0, 1), got {vals['dup_prob']!r}")
        if not vals["dup_tail"] > 0 or not np.isfinite(vals["dup_chalk"]):
            raise InputError(f"dup_tail must be > 0 and dup_chalk finite, got {vals['dup_tail']!r}, "
                             f"{vals['dup_chalk']!r}")
        if not 0 <= vals["proj_share"] <= 1:
            raise InputError(f"proj_share must be in [0, 1], got {vals['proj_share']!r}")
        for name in ("proj_strength", "proj_noise"):
            if not (np.isfinite(vals[name]) and vals[name] >= 0):
                raise InputError(f"{name} must be a finite number >= 0, got {vals[name]!r}")
        if not (np.isfinite(vals["proj_mix"]) and vals["proj_mix"] > 0):
            raise InputError(f"proj_mix must be > 0, got {vals['proj_mix']!r}")
        if not (vals["proj_types"].is_integer() and vals["proj_types"] >= 1):
            raise InputError(f"proj_types must be a whole number >= 1, got {vals['proj_types']!r}")
        sources = self._read_sources(projections, slate)
        if isinstance(max_salary_left, str) and max_salary_left == "default":
            # the field's own salary behaviour: it leaves about salary_left_scale on average
            max_salary_left = (salary_left_scale if d["max_salary_left"] == "salary_left_scale" else
                               d["max_salary_left"]) if self.rules.is_positionless else None
        if isinstance(max_salary_left, str):
            raise InputError(f"max_salary_left must be >= 0 dollars, None or 'default', got {max_salary_left!r}")
        max_salary_left = check_number("max_salary_left", max_salary_left, lo=0, allow_none=True)
        if ownership_sampler is not None and not callable(ownership_sampler):
            raise InputError("ownership_sampler must be a callable (n, rng) -> (n, n_players) ownership matrix")
        n_calibration = check_number("n_calibration", n_calibration, lo=1000, integer=True)
        check_memory(FIELD_BYTES_PER_ENTRY * n_calibration, what="FieldLineupSampler", param="n_calibration",
                     value=n_calibration, detail=f"about {FIELD_BYTES_PER_ENTRY:,} bytes per calibration lineup")
        max_seconds = check_number("max_seconds", max_seconds, lo=0, lo_open=True, allow_none=True)
        max_batches = check_number("max_batches", max_batches, lo=1, integer=True)
        match_tol = check_number("match_tol", match_tol, lo=0)
        max_iter = check_number("max_iter", max_iter, lo=1, integer=True)
        calibration_tol = check_number("calibration_tol", calibration_tol, lo=0, lo_open=True)
        random_state = check_seed(random_state)
        if self.rules.is_positionless:  # a floor no lineup reaches is certain up front, not after the draw budget
            R = self.rules.roster_size
            sal = np.sort(slate.salaries[self.ownership > 0].astype(np.int64))
            top = int(sal[-R:].sum()) if len(sal) >= R else 0
            if top < floor:
                raise InfeasibleError(f"salary_floor={int(floor):,}: the {R} dearest owned drivers cost ${top:,} "
                                      "together, so no lineup reaches the floor; lower salary_floor")
        self.salary_floor = int(floor)
        self.salary_left_scale = None if salary_left_scale is None else float(salary_left_scale) * cap / 50_000
        self.dup_prob, self.dup_tail, self.dup_chalk = vals["dup_prob"], vals["dup_tail"], vals["dup_chalk"]
        self.ownership_sampler = ownership_sampler
        self.projections = projections
        self.proj_share, self.proj_strength = vals["proj_share"], vals["proj_strength"]
        self.proj_noise, self.proj_mix, self.proj_types = vals["proj_noise"], vals["proj_mix"], int(vals["proj_types"])
        self.salary_source = bool(salary_source)
        self.max_salary_left = None if max_salary_left is None else float(max_salary_left) * cap / 50_000
        self.target_, self.salary_tilt_ = self._cap_consistent(self.ownership)
        self.max_batches = int(max_batches)
        # standardized sources over the owned players (one scale across sports and slates)
        live = self.ownership > 0
        if self.salary_source:
            sal = slate.salaries.astype(float)
            sources.setdefault("salary", sal)
        Zs, names = [], []
        for name, v in sources.items():
            sd = v[live].std() if live.sum() > 1 else 0.0
            if sd > 0:
                Zs.append((v - v[live].mean()) / sd)
                names.append(name)
        self.source_names_ = names
        self._sources = np.array(Zs) if Zs and projections is not None else None
        self._proj_on = self._sources is not None and self.proj_share > 0 and self.proj_strength > 0
        self.match_ownership = bool(match_ownership)
        self.match_tol = float(match_tol)
        self.n_calibration = int(n_calibration)
        self.max_iter = int(max_iter)
        self.calibration_tol = float(calibration_tol)
        self.max_seconds = None if max_seconds is None else float(max_seconds)
        self.random_state = random_state
        self._rng = np.random.default_rng(random_state)
        self.sal = slate.salaries.astype(np.int64)
        R = self.rules.roster_size
        self.elig = np.ones((slate.n_players, R), dtype=bool) if self.rules.is_positionless else \
            self.rules.eligible_matrix(slate.players["position"])
        # slot fill order: fewest eligible players first (FLEX-like slots last: the salary tilt acts there)
        self.slot_order = np.argsort(self.elig.sum(0), kind="stable")
        self._check_feasible()
        self.logw_ = None
        self.n_iter_ = 0
        self.calibration_error_ = None
        self.fit_seconds_ = None

    # ------------------------------------------------------------------
    def _check_feasible(self):
        own = self.ownership
        if self.rules.is_positionless:
            return
        # Each player must be able to fill some slot; ownership of players only
        # eligible for one slot label cannot exceed 100 x that label's count.
        for lab in self.rules.slot_labels:
            cols = [j for j, s in enumerate(self.rules.slots) if s == lab]
            only = self.elig[:, cols[0]] & (self.elig.sum(1) == len(cols))
            if own[only].sum() > 100.0 * len(cols) + 1.0:
                raise InputError(f"ownership: players eligible only for slot {lab!r} sum to "
                                 f"{own[only].sum():.1f}%, more than {100 * len(cols)}% possible")
        bad = (own > 0) & ~self.elig.any(1)
        if bad.any():
            raise InputError(f"ownership: player {int(np.flatnonzero(bad)[0])} is owned but fits no slot")

    def _cap_consistent(self, own: np.ndarray) -> tuple[np.ndarray, float]:
        """The target tilted toward salary until it implies at most ``max_salary_left`` per lineup (see class doc).

        Returns the (possibly unchanged) target and lambda (log-weight per
        $1,000 of salary; 0 = unchanged). Unowned players stay unowned.
        """
        from ..slate import capped_normalize

        if self.max_salary_left is None:
            return own, 0.0
        sal = self.slate.salaries.astype(float)
        cap, R = self.rules.salary_cap, self.rules.roster_size
        total = float(own.sum())
        live = own > 0
        if sal[live].std() == 0 or live.sum() <= R:
            return own, 0.0
        goal = cap - self.max_salary_left

        def tilted(lam):
            out = np.zeros_like(own)
            out[live] = capped_normalize(own[live] * np.exp(lam * (sal[live] - sal[live].max()) / 1000.0), total)
            return out

        def mean_salary(o):
            return float((o * sal).sum() / 100.0 * R / (total / 100.0))

        m0 = mean_salary(own)
        if goal <= m0 <= cap:
            return own, 0.0
        if m0 > cap:  # implies more than the cap (impossible): tilt the other way, to the same goal
            sign = -1.0
        else:
            sign = 1.0

        def short(lam):  # > 0 while the tilt has not reached the goal
            return sign * (goal - mean_salary(tilted(sign * lam)))

        hi = 1.0
        while short(hi) > 0 and hi < 64:
            hi *= 2
        if short(hi) > 0:  # the pool cannot get there: tilt as far as it goes
            return tilted(sign * hi), sign * hi
        lo = 0.0
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if short(mid) > 0 else (lo, mid)
        return tilted(sign * hi), sign * hi

    @staticmethod
    def _read_sources(projections, slate) -> dict:
        """``projections`` as a dict name -> (n_players,) float array, checked (empty dict for None)."""
        if projections is None:
            return {}
        if isinstance(projections, dict):
            items = list(projections.items())
        else:
            arr = np.asarray(projections, dtype=float) if not isinstance(projections, np.ndarray) else projections
            if arr.ndim == 2:
                items = [(f"source{k}", arr[k]) for k in range(arr.shape[0])]
            else:
                items = [("projection", arr)]
        if not items:
            raise InputError("projections: an empty dict (give at least one projection source)")
        out = {}
        for name, v in items:
            try:
                pr = np.asarray(v, dtype=float)
            except (TypeError, ValueError):
                raise InputError(f"projections[{name!r}]: not numbers") from None
            if pr.shape != (slate.n_players,):
                raise InputError(f"projections[{name!r}]: expected shape ({slate.n_players},), got {pr.shape}")
            bad = ~np.isfinite(pr)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise InputError(f"projections[{name!r}]: NaN or infinite value for player {i} "
                                 f"({slate.players['name'].iloc[i]})")
            out[str(name)] = pr
        return out

    def _budget_tables(self, logW: np.ndarray):
        """Log partition functions of the remaining slots by remaining budget, one table per weight row.

        ``logZ[t, k, b]`` = log of the summed ``prod(w_k) x exp(-salary_left / scale)``
        over the ways to fill slots ``t..R-1`` (fill order) with ``b`` salary units
        left, for weight row ``k`` of ``logW`` (K x n_players; a player may repeat
        inside this sum: the only approximation). Sampling slot ``t`` with keys
        ``log w_j + logZ[t+1, k, b - u_j]`` then draws whole lineups from the
        salary-tilted product law of row ``k``, with no rejection and no forced
        fill-ins, so the weights stay calibratable. The convolution over salary
        runs over the distinct salary values (compiled: :func:`_dp_tables`).
        """
        R = self.rules.roster_size
        cap, floor = self.rules.salary_cap, self.salary_floor
        unit = int(np.gcd.reduce(np.concatenate([self.sal[self.sal > 0], [cap]]))) if (self.sal > 0).any() else 1
        u = self.sal // unit
        B = cap // unit
        # budgets above the dearest possible lineup all behave alike: shift them down (keeps the
        # table small when the cap cannot bind, e.g. salaries unknown)
        most = int(np.sort(u)[-R:].sum())
        offset = max(0, B - most)
        B -= offset
        left = (np.arange(B + 1) + offset) * unit
        zR = np.where(left <= cap - floor, 1.0, 0.0)
        if self.salary_left_scale is not None:
            zR = zR * np.exp(-(left - offset * unit) / self.salary_left_scale)
        logW = np.atleast_2d(logW)
        K = len(logW)
        live = np.isfinite(logW)
        mx = np.where(live, logW, -np.inf).max(1, keepdims=True)
        w = np.where(live, np.exp(np.where(live, logW - mx, 0.0)), 0.0)
        # per fill step: the distinct salaries of the eligible players and each row's summed weight at each
        vals_t, W_t = [], []
        for t in range(R):
            m = np.flatnonzero(self.elig[:, self.slot_order[t]] & (u <= B))
            vals, grp = np.unique(u[m], return_inverse=True)
            vals_t.append(vals)
            W_t.append(w[:, m] @ (grp[:, None] == np.arange(len(vals))[None, :]))
        V = np.full((R, max(len(v) for v in vals_t)), 0, dtype=np.int64)
        W = np.zeros((R, K, V.shape[1]))
        nv = np.array([len(v) for v in vals_t], dtype=np.int64)
        for t in range(R):
            V[t, :nv[t]] = vals_t[t]
            W[t, :, :nv[t]] = W_t[t]
        # budgets reachable after t distinct picks (slot rules ignored: a superset)
        us = np.sort(u[np.isfinite(logW).any(0) & (u <= B)])
        t_ = np.arange(R + 1)
        top = np.concatenate([[0], np.cumsum(us[::-1])])[np.minimum(t_, len(us))]
        bot = np.concatenate([[0], np.cumsum(us)])[np.minimum(t_, len(us))]
        lo = np.maximum(B - top, 0).astype(np.int64)
        hi = np.minimum(B - bot, B).astype(np.int64)
        lo[R], hi[R] = 0, B
        return _dp_tables(W, V, nv, zR, lo, hi), u, B

    def _draw_raw(self, n: int, logw: np.ndarray, rng, types: np.ndarray | None = None) -> np.ndarray:
        """Lineups from the salary-tilted product law (see :meth:`_budget_tables`); -1 where a slot died.

        ``logw`` is one weight vector, or a (K, n_players) matrix with ``types``
        (n,) naming the row each lineup is drawn from.
        """
        R = self.rules.roster_size
        logW = np.atleast_2d(logw)
        typed = types is not None
        logZ, u, B = self._budget_tables(logW)
        tt = types if typed else np.zeros(n, dtype=np.int64)
        out = np.full((n, R), -1, dtype=np.int64)
        budget = np.full(n, B, dtype=np.int64)
        live = np.isfinite(logW).any(0)
        logW64 = np.ascontiguousarray(logW, dtype=np.float64)
        order = np.asarray(self.slot_order, dtype=np.int64)
        for step, j in enumerate(self.slot_order):
            cand = np.flatnonzero(self.elig[:, j] & live)
            if len(cand) == 0:
                continue
            g = -np.log(np.maximum(rng.standard_exponential(size=(n, len(cand))), 1e-300))
            # compiled: keys over the candidates, the taken drivers out, arg-max (numpy made n x cand temporaries)
            _pick_slot(logW64, tt.astype(np.int64), np.ascontiguousarray(logZ[step + 1]), u.astype(np.int64),
                       cand.astype(np.int64), g, order[:step], out, budget, int(j))
        return out

    def _entry_tilts(self, k: int, rng) -> np.ndarray:
        """``k`` entries' own perturbed projections as log-weight tilts (k x n_players).

        Source weights ~ Dirichlet(proj_mix) over the standardized sources, plus
        independent N(0, proj_noise) per player; times ``proj_strength``.
        """
        S, P = self._sources.shape
        a = rng.dirichlet(np.full(S, self.proj_mix), size=k) if S > 1 else np.ones((k, 1))
        z = a @ self._sources
        if self.proj_noise > 0:
            z = z + self.proj_noise * rng.standard_normal((k, P))
        return self.proj_strength * z

    def _draw_mix(self, n: int, logw: np.ndarray, rng, max_types: int | None = None) -> np.ndarray:
        """``n`` fresh lineups: ``proj_share`` projection-driven (each from its own perturbed projection, at most
        ``max_types`` distinct ones, default ``proj_types``) and the rest product-form, shuffled."""
        if not self._proj_on:
            return self._draw(n, logw, rng)
        k = int(rng.binomial(n, self.proj_share))
        if k == 0:
            return self._draw(n, logw, rng)
        K = min(k, self.proj_types if max_types is None else max_types)
        tilts = self._entry_tilts(K, rng)
        types = rng.permutation(np.arange(k) % K)
        parts = [] if k == n else [self._draw(n - k, logw, rng)]
        for a in range(0, K, _TYPE_CHUNK):  # bounded memory: one DP table per perturbed projection
            sel = np.flatnonzero((types >= a) & (types < a + _TYPE_CHUNK))
            logW = logw[None, :] + tilts[a:a + _TYPE_CHUNK]  # -inf (unowned) stays -inf
            parts.append(self._draw(len(sel), logW, rng, types[sel] - a))
        L = np.concatenate(parts)
        return L[rng.permutation(n)]

    def _accept(self, L: np.ndarray) -> np.ndarray:
        ok = (L >= 0).all(1)
        sal = self.sal[np.where(L >= 0, L, 0)].sum(1)
        return ok & (sal <= self.rules.salary_cap) & (sal >= self.salary_floor)

    def _draw(self, n: int, logw: np.ndarray, rng, types: np.ndarray | None = None) -> np.ndarray:
        """``n`` legal lineups (vectorized batches sized from the measured acceptance).

        Stops after ``max_batches`` batches (an iteration budget, so where it
        stops never depends on machine speed). With ``types``, lineup ``i`` is
        drawn from weight row ``types[i]`` of ``logw`` (a batch redraws the
        rows still missing).
        """
        got, have, rate = [], 0, 1.0
        if n <= 0:
            return np.empty((0, self.rules.roster_size), dtype=np.int64)
        todo = None if types is None else np.asarray(types)
        drawn = 0
        for _ in range(self.max_batches):
            need = n - have
            if todo is None:
                m = int(min(max(need / max(rate, 1e-3) * 1.05 + 16, 64), 400_000))
                L = self._draw_raw(m, logw, rng)
                ok = self._accept(L)
                L = L[ok][:need]
            else:  # one attempt per missing lineup, from its own row
                tt = todo
                m = len(tt)
                L = self._draw_raw(m, logw, rng, tt)
                ok = self._accept(L)
                todo, L = tt[~ok], L[ok]
            drawn += m
            rate = max(ok.mean(), 1e-3)
            self.acceptance_ = float(ok.mean())
            got.append(L)
            have += len(L)
            if have >= n:
                return np.concatenate(got)
        raise InfeasibleError(
            f"field: drew only {have} of {n} legal lineups within the sampling budget of max_batches="
            f"{self.max_batches} batches ({drawn} attempts, acceptance {have / max(drawn, 1):.2%}). This is an "
            f"iteration budget, not a proof of infeasibility: most draws die on the salary rules (cap "
            f"{self.rules.salary_cap}, floor {self.salary_floor}); lower salary_floor or raise max_batches")

    # ------------------------------------------------------------------ duplication
    def _chalk_z(self, L: np.ndarray, target: np.ndarray) -> np.ndarray:
        c = np.log(np.maximum(target, 0.01))[L].sum(1)
        sd = c.std()
        return (c - c.mean()) / sd if sd > 0 else np.zeros(len(L))

    def _dup_prob_of(self, z: np.ndarray) -> np.ndarray:
        if self.dup_prob <= 0:
            return np.zeros(len(z))
        a = np.log(self.dup_prob / (1 - self.dup_prob))
        return 1.0 / (1.0 + np.exp(-(a + self.dup_chalk * z)))

    def _kmax(self, n: int) -> int:
        return max(3, min(int(round(0.01 * n)), 200))

    def _expected_mult(self, L: np.ndarray, target: np.ndarray, n: int) -> np.ndarray:
        """Expected number of entries of each fresh lineup (1 + P(dup) x E[extra copies])."""
        pmf = zipf_pmf(self.dup_tail, self._kmax(n))
        ek = float((np.arange(1, len(pmf) + 1) * pmf).sum())
        return 1.0 + self._dup_prob_of(self._chalk_z(L, target)) * ek

    def _split_dups(self, pool: np.ndarray, n: int, target: np.ndarray, rng):
        """Frozen duplicate groups (rows repeated) and the remaining single lineups of a fresh pool."""
        p = self._dup_prob_of(self._chalk_z(pool, target))
        flag = rng.random(len(pool)) < p
        pmf = zipf_pmf(self.dup_tail, self._kmax(n))
        mult = np.ones(len(pool), dtype=np.int64)
        mult[flag] += rng.choice(len(pmf), size=int(flag.sum()), p=pmf) + 1
        # walk the pool in order until n entries: flagged rows become groups, the rest singles
        csum = np.cumsum(mult)
        stop = int(np.searchsorted(csum, n))  # row where n is reached
        rows = np.arange(min(stop + 1, len(pool)))
        g = rows[flag[rows]]
        m = mult[g].copy()
        over = int(m.sum()) - n
        if over > 0:  # a huge last group: trim so the groups never fill the contest
            m[-1] = max(1, m[-1] - over)
        groups = np.repeat(pool[g], m, axis=0)
        singles = pool[~flag]
        return groups, singles

    # ------------------------------------------------------------------
    def fit(self, X=None, y=None) -> "FieldLineupSampler":
        """Calibrate the player weights so the expected field ownership matches the target.

        The expected ownership is that of the whole mechanism (salary tilt and
        duplication included): a fixed-seed calibration field of fresh lineups,
        each weighted by its expected number of entries. Iterates
        ``log w += log target - log expected`` (common random numbers keep the
        updates smooth) until every player is within ``calibration_tol``
        points or ``max_iter`` (``calibration_error_`` = max gap,
        ``fit_seconds_`` = time spent). ``max_seconds`` is a time budget: it
        stops the fit only when no ``random_state`` is given (a seeded fit
        runs to ``max_iter`` and warns, so its result never depends on
        machine speed).
        """
        t = self.target_
        logw = np.where(t > 0, np.log(np.maximum(t, 1e-12)), _NEG)
        n = self.n_calibration
        seed = int(np.random.default_rng(self.random_state).integers(2 ** 31))
        best = (np.inf, logw)
        t0 = time.perf_counter()
        it, over = 0, False
        for it in range(self.max_iter):
            # common random numbers: the same seed every iteration keeps the updates smooth
            L = self._draw_mix(n, logw, np.random.default_rng(seed), max_types=_FIT_TYPES)
            w = self._expected_mult(L, t, n)
            own = 100.0 * np.bincount(L.ravel(), weights=np.repeat(w, L.shape[1]), minlength=len(t)) / w.sum()
            err = np.abs(own - t).max()
            if err < best[0]:
                best = (err, logw.copy())
            if err < self.calibration_tol:
                break
            if self.max_seconds is not None and time.perf_counter() - t0 > self.max_seconds and not over:
                over = True
                if self.random_state is None:
                    warnings.warn(f"FieldLineupSampler.fit stopped at its time budget (max_seconds="
                                  f"{self.max_seconds:g}) after {it + 1} iterations, max ownership gap {best[0]:.2f} "
                                  "pp (sample() rebalances the rest); where a time budget stops depends on machine "
                                  "speed: pass random_state for a reproducible fit", UserWarning, stacklevel=2)
                    break
                warnings.warn(f"FieldLineupSampler.fit passed its time budget (max_seconds={self.max_seconds:g}) "
                              f"after {it + 1} iterations; random_state is given, so it runs on to max_iter="
                              f"{self.max_iter} / calibration_tol (a seeded result never depends on machine speed)",
                              UserWarning, stacklevel=2)
            step = 0.8 * np.log((t + 0.05) / (own + 0.05))
            logw = np.where(t > 0, logw + step, _NEG)
            logw = np.where(t > 0, logw - logw[t > 0].max(), _NEG)
        self.n_iter_ = it + 1
        self.fit_seconds_ = time.perf_counter() - t0
        self.calibration_error_, self.logw_ = float(best[0]), best[1]
        return self

    def _rebalance(self, L: np.ndarray, target_counts: np.ndarray, rng, n_frozen: int = 0,
                   max_rounds: int = 30) -> np.ndarray:
        """Swap over-owned players for under-owned ones until every player is within match_tol."""
        n, R = L.shape
        P = len(target_counts)
        T = target_counts
        tol = max(self.match_tol * (n + n_frozen) / 100.0, 0.5)
        cap, floor = self.rules.salary_cap, self.salary_floor
        scale = self.salary_left_scale
        L = L.copy()
        for _ in range(max_rounds):
            c = np.bincount(L.ravel(), minlength=P).astype(float)
            e = c - T
            if np.abs(e).max() <= tol:
                break
            for i in np.argsort(-e):
                c = np.bincount(L.ravel(), minlength=P).astype(float)
                e = c - T
                if e[i] < 1:
                    break
                deficit = np.maximum(-e, 0.0)
                if deficit.sum() <= 0:
                    break
                r, s = np.nonzero(L == i)
                k = int(min(len(r), np.ceil(e[i])))
                pick = rng.permutation(len(r))[:k]
                r, s = r[pick], s[pick]
                sal_now = self.sal[L[r]].sum(1)
                new_sal = sal_now[:, None] - self.sal[i] + self.sal[None, :]
                in_row = np.zeros((len(r), P), dtype=bool)
                in_row[np.arange(len(r))[:, None], L[r]] = True
                ok = self.elig[:, s].T & ~in_row & (deficit[None, :] > 0) & (new_sal <= cap) & (new_sal >= floor)
                keys = np.log(np.maximum(deficit, 1e-12))[None, :] + rng.gumbel(size=ok.shape)
                if scale is not None:  # prefer swaps that keep the cap spent
                    keys -= (cap - new_sal) / scale
                keys = np.where(ok, keys, _NEG)
                j = keys.argmax(1)
                has = np.isfinite(keys[np.arange(len(r)), j])
                # do not overfill: each receiving player takes at most its deficit
                r, s, j = r[has], s[has], j[has]
                order = np.argsort(j, kind="stable")
                r, s, j = r[order], s[order], j[order]
                first = np.searchsorted(j, j)
                keep = (np.arange(len(j)) - first) < np.ceil(deficit[j])
                L[r[keep], s[keep]] = j[keep]
        return L

    def _thin(self, L: np.ndarray, n: int, target_counts: np.ndarray, rng, n_frozen: int = 0,
              max_rounds: int = 40) -> np.ndarray:
        """Choose ``n`` of the pool's lineups so their ownership is closest to the target (whole-lineup swaps).

        Start from the first ``n``; each round swaps the selected lineups that carry the
        most over-owned players for reserve lineups that carry the most under-owned
        ones (pairs kept only when they reduce the error). Whole lineups stay legal
        and keep their salary use; player swaps alone cannot lift an expensive
        under-owned player when every lineup spends the cap.
        """
        P = len(target_counts)
        if len(L) <= n:
            return L[:n]
        sel, res = L[:n].copy(), L[n:].copy()
        tol = max(self.match_tol * (n + n_frozen) / 100.0, 0.5)
        for _ in range(max_rounds):
            e = np.bincount(sel.ravel(), minlength=P) - target_counts
            if np.abs(e).max() <= tol:
                break
            s_sel = e[sel].sum(1) + rng.random(len(sel)) * 1e-6
            s_res = e[res].sum(1) + rng.random(len(res)) * 1e-6
            k = int(min(len(res), max(1, np.abs(e).sum() / (4 * sel.shape[1]))))
            i = np.argpartition(-s_sel, k - 1)[:k]
            j = np.argpartition(s_res, k - 1)[:k]
            i, j = i[np.argsort(-s_sel[i])], j[np.argsort(s_res[j])]
            good = s_sel[i] - s_res[j] > sel.shape[1]  # a swap moves 2R counts: keep the clearly useful ones
            if not good.any():
                break
            i, j = i[good], j[good]
            sel[i], res[j] = res[j].copy(), sel[i].copy()
        return sel

    def sample(self, n_entries: int, random_state=None, ownership=None) -> np.ndarray:
        """Draw ``n_entries`` legal field lineups (int array, n_entries x roster size).

        Parameters
        ----------
        n_entries : int
        random_state : int or Generator, optional
            None = continue the sampler's own generator.
        ownership : array_like, optional
            Match this ownership instead of the fitted target (weights adjusted
            to first order, then rebalanced).

        Notes
        -----
        The draw is rebalanced to match the ownership target as a whole, so a
        small ``n_entries`` is not a set of typical entries (it is forced to the
        ownership vector); use :meth:`typical_entries` for "k lineups like the
        field's".
        """
        n = check_number("n_entries", n_entries, lo=1, integer=True)
        check_memory(FIELD_BYTES_PER_ENTRY * n, what="FieldLineupSampler.sample", param="n_entries", value=n,
                     detail=f"about {FIELD_BYTES_PER_ENTRY:,} bytes per sampled entry")
        rng = self._rng if random_state is None else np.random.default_rng(check_seed(random_state))
        if self.logw_ is None:
            self.fit()
        target, logw = self.target_, self.logw_
        if ownership is not None:
            own = self._cap_consistent(check_ownership(ownership, self.rules, self.slate.n_players))[0]
            with np.errstate(divide="ignore", invalid="ignore"):
                adj = np.where(self.target_ > 0, np.log(np.maximum(own, 1e-9) / self.target_), 0.0)
            logw = np.where(own > 0, np.where(np.isfinite(logw), logw, np.log(np.maximum(own, 1e-9)) - 5) + adj,
                            _NEG)
            target = own
        pool = self._draw_mix(int(np.ceil(n * 1.3)) + 16, logw, rng)
        groups, singles = self._split_dups(pool, n, target, rng)
        n_single = n - len(groups)
        if len(singles) < n_single:  # rare (tiny n): top up with fresh lineups
            singles = np.concatenate([singles, self._draw_mix(n_single - len(singles) + 16, logw, rng)])
        if not self.match_ownership:
            F = np.concatenate([groups, singles[:n_single]])
        else:
            R = self.rules.roster_size
            residual = np.maximum(target * n / 100.0 - np.bincount(groups.ravel(), minlength=len(target)), 0.0)
            residual *= n_single * R / max(residual.sum(), 1e-9)
            k = len(groups)
            S = self._rebalance(self._thin(singles, n_single, residual, rng, k), residual, rng, k)
            F = np.concatenate([groups, S])
        return F[rng.permutation(n)]

    def typical_entries(self, k: int, field_size: int, random_state=None) -> np.ndarray:
        """``k`` entries picked at random from a full ``field_size`` field draw.

        A yardstick for a portfolio: in the same simulated contests these
        lineups should earn about minus the rake on average (the field's ROI
        identity), unlike a small :meth:`sample`, which is rebalanced to the
        ownership target.
        """
        field_size = check_number("field_size", field_size, lo=1, integer=True)
        k = check_number("k", k, lo=1, hi=field_size, integer=True)
        rng = np.random.default_rng(check_seed(random_state))
        F = self.sample(field_size, random_state=rng)
        return F[rng.choice(len(F), k, replace=False)]

    def draw_field(self, n_entries: int, rng) -> np.ndarray:
        """One simulated contest's field: with an ``ownership_sampler``, ownership is drawn first."""
        if self.ownership_sampler is None:
            return self.sample(n_entries, random_state=rng)
        own = np.asarray(self.ownership_sampler(1, rng), dtype=float)
        if own.ndim != 2 or own.shape != (1, self.slate.n_players):
            raise InputError(f"ownership_sampler: must return a (1, {self.slate.n_players}) matrix, got {own.shape}")
        return self.sample(n_entries, random_state=rng, ownership=own[0])

    def _repr_html_(self) -> str:
        from ..utils.display import field_html
        return field_html(self)

    @staticmethod
    def ownership_of(lineups, n_players: int) -> np.ndarray:
        """Percent of lineups rostering each player."""
        L = np.asarray(lineups)
        return 100.0 * np.bincount(L.ravel(), minlength=n_players) / len(L)
