"""Exact sequential optimization by walking the legal lineup space in objective order.

The walk needs the legal lineups best first, but only as far down as the picks
reach: lineups are produced in slices by a bounded depth-first search
(:func:`dfslab.optimize._walk.enumerate_slice`): the first slice holds every
statically legal lineup (salary cap / minimum, locks, excludes, ownership rules)
from the best down to a threshold chosen so the slice holds ~16 thousand lineups;
the next slice continues below that threshold with four times the size, and so
on. Memory is bounded by the slice size whatever the pool (60 drivers hold
C(60, 6) = 50 million combinations, never materialised), and the search visits
only the part of the space above the threshold.

The walk picks the first lineup that also satisfies the rules that depend on the
lineups already picked (maximum overlap, exposure caps, minimum-exposure
look-ahead). Every one of those rules only gets stricter as lineups are added (see
:mod:`dfslab.optimize._leverage`), so a lineup rejected once stays rejected and the
first feasible lineup from the walk position onward is exactly the best remaining
lineup: the same sequence as re-solving the MIP after every pick. The overlap rule
is checked against a hash set of the picks' ``(max_overlap + 1)``-driver subsets
(C(6, max_overlap + 1) look-ups per candidate, whatever the number of picks). Exact
objective ties go to the lexicographically smallest sorted driver-index tuple (the
order ``itertools.combinations`` lists lineups). If every slice is walked without a
feasible lineup, no lineup exists (proved by exhaustion) and the caller explains why.
"""

from __future__ import annotations

from math import comb
from itertools import combinations

import numpy as np

#: Pools larger than this do not fit a 64-bit driver mask: the MIP is used.
MAX_DRIVERS = 64

_FIRST_SLICE = 16_384
_GROWTH = 4


def n_combinations(spec) -> int:
    """Number of combinations of the usable drivers (what a full enumeration would list)."""
    free = int((spec.allowed & ~spec.locked).sum())
    k = spec.roster_size - int(spec.locked.sum())
    if k < 0:
        return 0
    return comb(free, k)


def can_enumerate(spec) -> bool:
    """True when the slate fits a 64-bit driver mask (any pool up to 64 drivers)."""
    return spec.n_players <= MAX_DRIVERS


def mask_to_indices(mask, n: int) -> np.ndarray:
    """Row indices of the drivers set in a bitmask."""
    return np.flatnonzero((np.uint64(mask) >> np.arange(n, dtype=np.uint64)) & np.uint64(1))


class _Tables:
    """The search's inputs for one objective: usable drivers in objective order and completion bounds."""

    def __init__(self, spec, score: np.ndarray, blocked: np.ndarray | None = None):
        n = spec.n_players
        bits = np.left_shift(np.uint64(1), np.arange(n, dtype=np.uint64))
        locked = np.flatnonzero(spec.locked)
        usable = spec.allowed & ~spec.locked
        if blocked is not None:  # drivers at their exposure cap: no lineup of the rest of the run holds them
            usable &= ~blocked
        free = np.flatnonzero(usable)
        # objective order (ties by index) makes "the best completion" a prefix sum and lets the search stop early
        free = free[np.lexsort((free, -score[free]))]
        self.k = spec.roster_size - len(locked)
        k = max(self.k, 0)
        m = len(free)
        self.pos = np.full(n, -1, dtype=np.int64)
        self.pos[free] = np.arange(m)
        self.sc = score[free].astype(np.float64)
        self.sal = spec.salary[free].astype(np.int64)
        self.own = spec.ownership[free].astype(np.float64)
        self.low = spec.low[free].astype(np.int64)
        self.bits = bits[free]
        self.orig = free.astype(np.int64)
        self.score_orig = np.ascontiguousarray(score, dtype=np.float64)
        self.own_orig = np.ascontiguousarray(spec.ownership, dtype=np.float64)
        self.base_mask = np.uint64(np.bitwise_or.reduce(bits[locked])) if len(locked) else np.uint64(0)
        self.base_score = float(score[locked].sum())
        self.base_own = float(spec.ownership[locked].sum())
        self.base_low = int(spec.low[locked].sum())
        base_sal = int(spec.salary[locked].sum())
        self.sal_hi = int(spec.salary_cap) - base_sal
        self.sal_lo = int(spec.min_salary) - base_sal
        self.need_own = spec.max_total_ownership is not None
        self.own_max = float(spec.max_total_ownership) if self.need_own else np.inf
        self.need_low = spec.min_low_owned > 0
        self.low_room = int(spec.min_low_owned) - self.base_low
        big = np.iinfo(np.int64).max // 4
        # completion bounds from position j on, for r = 0..k more drivers: the r best objectives (objective
        # order: the next r), the r cheapest / dearest salaries and the r lowest ownerships among drivers j..m-1;
        # one sort of the (m, m) suffix matrix instead of a loop over j
        j = np.arange(m)
        later = j[None, :] >= j[:, None]                       # row j holds drivers j..m-1
        r_max = np.minimum(k, m - j)                           # how many of them can complete a lineup
        cols = np.arange(1, k + 1)
        ok = cols[None, :] <= r_max[:, None]

        def table(vals, fill, dtype, descending=False):
            out = np.empty((m + 1, k + 1), dtype=dtype)
            out[:, 0] = 0
            out[:, 1:] = fill
            if m and k:
                v = np.where(later, -vals[None, :] if descending else vals[None, :], np.inf)
                if m < k:  # fewer usable drivers than open slots: pad (those cells are masked by ok)
                    v = np.hstack([v, np.full((m, k - m), np.inf)])
                first = np.sort(v, axis=1)[:, :k]
                first = np.where(np.isfinite(first), first, 0.0)
                acc = np.cumsum(-first if descending else first, axis=1)
                out[:m, 1:] = np.where(ok, acc.astype(dtype), np.asarray(fill, dtype=dtype))
            return out

        self.best = np.full((m + 1, k + 1), -np.inf)
        self.best[:, 0] = 0.0
        if m and k:
            # objective order: the next r drivers are the best r; summed left to right exactly as a loop would
            win = np.lib.stride_tricks.sliding_window_view(np.concatenate([self.sc, np.zeros(k)]), k)[:m]
            self.best[:m, 1:] = np.where(ok, np.cumsum(win, axis=1), -np.inf)
        self.cheap = table(self.sal.astype(np.float64), big, np.int64)
        self.dear = table(self.sal.astype(np.float64), -big, np.int64, descending=True)
        self.minown = table(self.own, np.inf, np.float64)
        self.lowcnt = np.concatenate([np.cumsum(self.low[::-1])[::-1], [0]]).astype(np.int64)

    def slice(self, forced_pos: int, upper: float, target: int):
        """Legal lineups with objective in [tau, upper), best first, and tau (-inf: nothing left below)."""
        from . import _walk

        if self.k < 0:
            return np.zeros(0, np.uint64), np.zeros(0), -np.inf
        if self.k == 0:  # every driver locked: one lineup, if it is legal and below upper
            ok = (self.sal_hi >= 0 >= self.sal_lo and self.base_own <= self.own_max + 1e-9 and self.low_room <= 0
                  and self.base_score < upper and forced_pos < 0)
            return (np.array([self.base_mask] if ok else [], np.uint64), np.array([self.base_score] if ok else []),
                    -np.inf)
        m, o, rev, tau = _walk.enumerate_slice(
            self.sc, self.sal, self.own, self.low, self.bits, self.orig, self.score_orig, self.own_orig, self.k,
            self.base_mask, self.base_score, self.base_own, self.base_low, self.sal_hi, self.sal_lo, self.need_own,
            self.own_max, self.need_low, self.low_room, forced_pos, upper, target, self.best, self.cheap, self.dear,
            self.minown, self.lowcnt)
        order = np.lexsort((~rev, -o))  # best first; exact ties: lexicographic (bit-reversed mask descending)
        return m[order], o[order], tau


class _Overlap:
    """Hash set of the picks' (max_overlap + 1)-driver subsets (grows to stay at most half full)."""

    def __init__(self, roster_size: int, max_overlap: int, n_lineups: int):
        s = max_overlap + 1
        self.combos = np.array(list(combinations(range(roster_size), s)), dtype=np.int64).reshape(-1, s)
        need = 2 * max(1, n_lineups) * len(self.combos)
        self.hb = max(8, int(need - 1).bit_length())
        self.table = np.zeros(1 << self.hb, dtype=np.uint64)
        self.n = 0
        self.picks: list[np.uint64] = []

    def add(self, mask):
        from . import _walk

        self.picks.append(np.uint64(mask))
        if 2 * (self.n + len(self.combos)) > len(self.table):
            self.hb += 1
            self.table = np.zeros(1 << self.hb, dtype=np.uint64)
            self.n = 0
            for p in self.picks[:-1]:
                self.n += _walk.add_subsets(self.table, self.hb, p, self.combos)
        self.n += _walk.add_subsets(self.table, self.hb, np.uint64(mask), self.combos)


class _Stream:
    """The walk over the legal lineups (or those holding one driver) in objective order, slice by slice.

    The pool holds scanned lineups that passed the monotone rules but lacked a must-use driver,
    in walk order; they are re-checked first at every pick.
    """

    def __init__(self, tables: _Tables, forced_pos: int = -1, driver: int = -1):
        self.t = tables
        self.forced = forced_pos
        self.driver = driver  # the forced driver (slate row), -1 for the main stream
        self.upper = np.inf
        self.done = False
        self.target = _FIRST_SLICE
        self.cm = np.zeros(0, np.uint64)
        self.co = np.zeros(0)
        self.pos = 0
        self.pm = np.zeros(256, np.uint64)
        self.po = np.zeros(256)
        self.pn = 0

    def retable(self, tables: _Tables) -> bool:
        """Walk on with ``tables`` (fewer usable drivers); False when the forced driver is no longer usable.

        The slice being walked and the pool are kept (the walk rejects blocked drivers in them); the next
        slices enumerate only lineups without the blocked drivers, from the same objective bound down, so
        the walk sees the same lineups in the same order minus those it would reject anyway.
        """
        self.t = tables
        self.target = _FIRST_SLICE  # fewer usable drivers: far fewer lineups per objective range
        if self.driver >= 0:
            self.forced = int(tables.pos[self.driver])
            return self.forced >= 0
        return True

    def _next_slice(self) -> bool:
        if self.done:
            return False
        self.cm, self.co, tau = self.t.slice(self.forced, self.upper, self.target)
        self.pos = 0
        self.done = not np.isfinite(tau)
        self.upper = tau
        self.target *= _GROWTH
        return True

    def take_best(self, state, overlap: _Overlap, R: int, on_stuck, score):
        from . import _walk

        while True:
            need = self.pn + len(self.cm) - self.pos
            if need > len(self.pm):
                cap = max(need, 2 * len(self.pm))
                self.pm = np.concatenate([self.pm[: self.pn], np.zeros(cap - self.pn, np.uint64)])
                self.po = np.concatenate([self.po[: self.pn], np.zeros(cap - self.pn)])
            found, m, v, self.pn, self.pos = _walk.walk(
                self.pm, self.po, self.pn, self.cm, self.co, self.pos, np.uint64(state.blocked_mask),
                int(state.deficit_total), np.uint64(state.deficit_mask), int(R * (state.remaining - 1)),
                np.uint64(state.next_mask), int(state.due_excess), np.uint64(state.must_mask), overlap.table,
                overlap.hb, overlap.combos)
            if found:
                return np.uint64(m), float(v)
            if not self._next_slice():
                on_stuck(state, score)  # raises: every legal lineup was tried


def sequential_enumerate(spec, groups, state, on_stuck):
    """Run the sequential walk for each group (score vector, count, label).

    ``state`` (a ``_State``) holds the picks and exposure counts and is shared
    across groups; ``on_stuck(state, score)`` raises the explanatory error.

    Without must-use drivers the next lineup comes from one walk over all legal
    lineups. When the minimum-exposure pacing requires drivers, every feasible
    lineup contains them, so the walk runs over the lineups that contain one of
    them (the one with the lowest objective: its lineups are the fewest near the
    top), a separate stream per driver: far shorter than walking the global order
    down to the first lineup with that driver. Each stream is exact on its own,
    so the pick is the sequential optimum.
    """
    R = spec.roster_size
    n = spec.n_players
    overlap = _Overlap(R, spec.max_overlap, spec.n_lineups)
    for m in state.masks:
        overlap.add(m)
    for score, count, label in groups:
        blocked = state.counts >= spec.cap_count
        tables = _Tables(spec, score, blocked)
        main = _Stream(tables)
        streams = {}
        for _ in range(count):
            must = np.flatnonzero(state.must & ~spec.locked)
            if len(must):
                d = int(min(must, key=lambda i: (score[i], i)))
                if d not in streams:
                    streams[d] = _Stream(tables, int(tables.pos[d]), d)
                st = streams[d]
            else:
                st = main
            m, v = st.take_best(state, overlap, R, on_stuck, score)
            state.add(mask_to_indices(m, n), label, v, int(m))
            overlap.add(m)
            now = state.counts >= spec.cap_count
            if (now & ~blocked).any():
                # a driver reached its exposure cap: later slices skip every lineup holding a capped driver
                # (without this the walk enumerates ever deeper slices of lineups it must reject)
                blocked = now
                tables = _Tables(spec, score, blocked)
                main.retable(tables)
                streams = {d: st for d, st in streams.items() if st.retable(tables)}
    return state
