"""Exact sequential optimization by enumerating the legal lineup space.

A 6-of-40 slate has C(40, 6) = 3.8 million lineups: numpy builds every one
of them (as a 64-bit driver bitmask with its salary, objective and ownership
totals), keeps the statically legal ones (salary cap / minimum, locks,
excludes, ownership rules), orders them by objective and then walks down the
ordered list. The walk picks the first lineup that also satisfies the rules
that depend on the lineups already picked (maximum overlap, exposure caps,
minimum-exposure look-ahead). Because every one of those rules only gets
stricter as lineups are added (see :mod:`dfslab.optimize._leverage`), a
lineup rejected once stays rejected, so the first feasible lineup from the
walk position onward is exactly the best remaining lineup: the result is the
same sequence as re-solving the MIP after every pick.

Only the top of the order is sorted (a threshold from ``np.partition``); the
sorted prefix is extended (x8) if the walk runs past it, and a total order
(objective, then generation order for exact ties) keeps every prefix
consistent. If the whole legal space is walked without a feasible lineup,
no lineup exists (proved by exhaustion) and the caller explains why.
"""

from __future__ import annotations

from math import comb

import numpy as np

#: Above this many combinations the enumeration is not attempted (memory).
MAX_COMBINATIONS = 12_000_000

_CHUNK = 32_768
_BLOCK = 4_096
_FIRST_K = 40_000


def n_combinations(spec) -> int:
    """Number of combinations the enumeration would build for ``spec``."""
    free = int((spec.allowed & ~spec.locked).sum())
    k = spec.roster_size - int(spec.locked.sum())
    if k < 0:
        return 0
    return comb(free, k)


def can_enumerate(spec) -> bool:
    """True when the slate fits a 64-bit mask and the combination count is moderate."""
    return spec.n_players <= 64 and n_combinations(spec) <= MAX_COMBINATIONS


def legal_lineups(spec, score: np.ndarray):
    """Every statically legal lineup as (bitmask uint64, objective float64).

    Static rules: roster size, salary cap and minimum, locks, excludes and
    per-driver ownership cap (through ``spec.allowed``), minimum low-owned
    drivers, maximum summed ownership.
    """
    n = spec.n_players
    bits = np.left_shift(np.uint64(1), np.arange(n, dtype=np.uint64))
    locked = np.flatnonzero(spec.locked)
    free = np.flatnonzero(spec.allowed & ~spec.locked)
    k = spec.roster_size - len(locked)
    sal = spec.salary.astype(np.int32)  # a 6-driver total stays far below 2**31
    base_mask = np.uint64(np.bitwise_or.reduce(bits[locked])) if len(locked) else np.uint64(0)
    base_sal = int(sal[locked].sum())
    base_score = float(score[locked].sum())
    need_own = spec.max_total_ownership is not None
    need_low = spec.min_low_owned > 0
    base_own = float(spec.ownership[locked].sum())
    base_low = int(spec.low[locked].sum())
    if k == 0:
        mask = np.array([base_mask], dtype=np.uint64)
        keep = np.array([spec.min_salary <= base_sal <= spec.salary_cap])
        if need_own:
            keep &= base_own <= spec.max_total_ownership + 1e-9
        if need_low:
            keep &= base_low >= spec.min_low_owned
        return mask[keep], np.array([base_score])[keep]
    if len(free) < k:
        return np.zeros(0, np.uint64), np.zeros(0)
    fsal, fsc, fbits = sal[free], score[free].astype(np.float64), bits[free]
    fown, flow = spec.ownership[free], spec.low[free].astype(np.int8)
    m = len(free)
    cheapest = np.sort(fsal)
    room = spec.salary_cap - base_sal
    # level 1: every single free driver
    last = np.arange(m, dtype=np.int16)
    s_sal = fsal.copy()
    s_sc = fsc.copy()
    s_mask = fbits.copy()
    s_own = fown.copy() if need_own else None
    s_low = flow.copy() if need_low else None
    for level in range(2, k + 1):
        # combinations can only grow with a later index; leave room for the rest
        counts = np.maximum(m - 1 - last.astype(np.int64) - (k - level), 0)
        # prune partial lineups that cannot fit the cap even with the cheapest drivers left
        counts[s_sal + cheapest[: k - level + 1].sum() > room] = 0
        tot = int(counts.sum())
        parent = np.repeat(np.arange(len(last), dtype=np.int32), counts)
        # child j of a parent takes index last + 1 + (j - first child position): one gather
        offset = (np.cumsum(counts) - counts - last.astype(np.int64) - 1).astype(np.int32)
        new = np.arange(tot, dtype=np.int32) - offset[parent]
        last = new.astype(np.int16)
        s_sal = s_sal[parent] + fsal[new]
        s_sc = s_sc[parent] + fsc[new]
        s_mask = s_mask[parent] | fbits[new]
        if need_own:
            s_own = s_own[parent] + fown[new]
        if need_low:
            s_low = s_low[parent] + flow[new]
        del parent, new
    tot_sal = s_sal + base_sal
    keep = (tot_sal <= spec.salary_cap) & (tot_sal >= spec.min_salary)
    if need_own:
        keep &= s_own + base_own <= spec.max_total_ownership + 1e-9
    if need_low:
        keep &= s_low.astype(np.int64) + base_low >= spec.min_low_owned
    return s_mask[keep] | base_mask, s_sc[keep] + base_score


def mask_to_indices(mask, n: int) -> np.ndarray:
    """Row indices of the drivers set in a bitmask."""
    return np.flatnonzero((np.uint64(mask) >> np.arange(n, dtype=np.uint64)) & np.uint64(1))


class _Order:
    """Lazily sorted view of legal lineups: best objective first, exact ties by generation order."""

    def __init__(self, scores: np.ndarray):
        self.scores = scores
        self.order = np.zeros(0, dtype=np.int64)
        self.complete = False
        self._k = _FIRST_K

    def extend(self) -> bool:
        """Grow the sorted prefix; False when every legal lineup is already in it."""
        if self.complete:
            return False
        M = len(self.scores)
        if self._k >= M:
            idx = np.arange(M)
            self.complete = True
        else:
            # everything at or above the k-th best objective: a prefix of the total order
            thr = np.partition(self.scores, M - self._k)[M - self._k]
            idx = np.flatnonzero(self.scores >= thr)
            self._k *= 8
        self.order = idx[np.argsort(-self.scores[idx], kind="stable")]
        return True


class _Stream:
    """A walk over (a subset of) the legal lineups in objective order.

    The pool holds scanned lineups (mask, objective) that passed the monotone
    rules, in walk order, each with the number of picks it was last checked
    against. A lineup that fails a monotone rule is dropped for good; the
    must-use rule is checked at every pick. The pool is re-checked lazily from
    the front, block by block, only as far as the first feasible lineup.
    """

    def __init__(self, masks, scores):
        self.masks = masks
        self.scores = scores
        self.od = _Order(scores)
        self.pos = 0
        self.pm = np.zeros(0, dtype=np.uint64)
        self.ps = np.zeros(0, dtype=np.float64)
        self.pc = np.zeros(0, dtype=np.int64)

    def take_best(self, state, o_max, R, on_stuck, score):
        P = len(state.masks)
        start = 0
        while True:
            while start < len(self.pm):
                end = min(start + _BLOCK, len(self.pm))
                ok = _monotone(self.pm[start:end], state, o_max, R, self.pc[start:end])
                if not ok.all():
                    keep = np.concatenate([np.arange(start), start + np.flatnonzero(ok),
                                           np.arange(end, len(self.pm))])
                    self.pm, self.ps, self.pc = self.pm[keep], self.ps[keep], self.pc[keep]
                    end = start + int(ok.sum())
                self.pc[start:end] = P
                j = _first_must(self.pm[start:end], state)
                if j >= 0:
                    j += start
                    out = self.pm[j], float(self.ps[j])
                    self.pm, self.ps, self.pc = (np.delete(self.pm, j), np.delete(self.ps, j),
                                                 np.delete(self.pc, j))
                    return out
                start = end
            # pool exhausted: scan the next chunk of the order
            if self.pos >= len(self.od.order):
                if not self.od.extend():
                    on_stuck(state, score)  # raises: every legal lineup was tried
                continue
            rows = self.od.order[self.pos: self.pos + _CHUNK]
            self.pos += len(rows)
            cm = self.masks[rows]
            ok = _monotone(cm, state, o_max, R, 0)
            self.pm = np.concatenate([self.pm, cm[ok]])
            self.ps = np.concatenate([self.ps, self.scores[rows[ok]]])
            self.pc = np.concatenate([self.pc, np.full(int(ok.sum()), P, dtype=np.int64)])


def sequential_enumerate(spec, groups, state, on_stuck):
    """Run the sequential walk for each group (score vector, count, label).

    ``state`` (a ``_State``) holds the picks and exposure counts and is shared
    across groups; ``on_stuck(state, score)`` raises the explanatory error.

    Without must-use drivers the next lineup comes from one walk over all legal
    lineups. When the minimum-exposure pacing requires drivers, every feasible
    lineup contains them, so the walk runs over the lineups that contain one of
    them (the rarest), a separate lazily sorted stream per driver: far shorter
    than walking the global order down to the first lineup with that driver.
    Each stream is exact on its own, so the pick is the sequential optimum.
    """
    R = spec.roster_size
    o_max = spec.max_overlap
    n = spec.n_players
    bits = np.left_shift(np.uint64(1), np.arange(n, dtype=np.uint64))
    for score, count, label in groups:
        masks, scores = legal_lineups(spec, score)
        main = _Stream(masks, scores)
        streams, sizes = {}, {}
        for _ in range(count):
            must = np.flatnonzero(state.must & ~spec.locked)
            if len(must):
                for d in must:
                    if d not in sizes:
                        sel = np.flatnonzero(masks & bits[d])
                        sizes[d] = len(sel)
                        streams[d] = _Stream(masks[sel], scores[sel])
                st = streams[min(must, key=lambda d: (sizes[d], d))]
            else:
                st = main
            m, v = st.take_best(state, o_max, R, on_stuck, score)
            state.add(mask_to_indices(m, n), label, v, int(m))
    return state


def _first_must(cm: np.ndarray, state) -> int:
    """Index of the first candidate holding every must-use driver, -1 if none."""
    if not len(cm):
        return -1
    if not state.must_mask:
        return 0
    ok = (cm & state.must_mask) == state.must_mask
    j = int(ok.argmax())
    return j if ok[j] else -1


def _monotone(cm: np.ndarray, state, o_max: int, R: int, picks_from) -> np.ndarray:
    """Rules that only get stricter as lineups are added, for candidate masks.

    The overlap is checked against picks ``picks_from`` onward (an int, or one
    int per candidate: the candidates were checked against earlier picks).
    """
    ok = (cm & state.blocked_mask) == 0
    if state.deficit_total:
        hit = np.bitwise_count(cm & state.deficit_mask).astype(np.int64)
        ok &= state.deficit_total - hit <= R * (state.remaining - 1)
    if state.due_excess:
        ok &= np.bitwise_count(cm & state.next_mask).astype(np.int64) >= state.due_excess
    P = len(state.masks)
    c0 = int(np.min(picks_from)) if np.ndim(picks_from) and len(cm) else int(np.max(picks_from, initial=0))
    if P > c0:
        picks = np.asarray(state.masks[c0:], dtype=np.uint64)
        idx = np.flatnonzero(ok)
        if len(idx):
            bad = np.bitwise_count(cm[idx][:, None] & picks[None, :]) > o_max
            if np.ndim(picks_from):  # ignore picks a candidate was already checked against
                bad &= np.arange(c0, P)[None, :] >= np.asarray(picks_from)[idx][:, None]
            ok[idx[bad.any(axis=1)]] = False
    return ok
