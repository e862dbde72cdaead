"""Compiled (numba) pieces of the enumeration engine: threshold enumeration, the walk, the overlap set.

Imported only when the enumeration engine runs (``import dfslab`` never loads numba); kernels are
compiled on first use and cached on disk (``cache=True``). Lineups are 64-bit driver masks.

* :func:`enumerate_slice` -- every statically legal lineup whose objective lies in
  ``[tau, upper)``, by depth-first search over the usable drivers in objective order with
  bounds (objective, salary cap and minimum, summed ownership, low-owned count). ``tau``
  starts at -inf and is raised (to the ``target``-th best objective found so far) whenever
  the buffer holds ``2 * target`` lineups, so memory is bounded whatever the pool size and
  the search prunes harder as it goes. The result is exactly the set of legal lineups with
  objective in ``[tau_final, upper)``; the caller sorts it best first, exact ties in
  lexicographic order of their sorted driver indices (the order ``itertools.combinations``
  lists them), with the keys returned.
* :func:`walk` -- the next lineup of a sequential portfolio from a pool and a slice.
* an open-addressing hash set of the ``(max_overlap + 1)``-driver subsets of the picked
  lineups: a candidate shares more than ``max_overlap`` drivers with some pick exactly when
  one of its own ``(max_overlap + 1)``-subsets is in the set, so the overlap check costs
  C(6, max_overlap + 1) look-ups whatever the number of picks.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..utils.quickselect import quickselect

_U1 = np.uint64(1)
_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_M8 = np.uint64(0x00FF00FF00FF00FF)
_M16 = np.uint64(0x0000FFFF0000FFFF)
_H01 = np.uint64(0x0101010101010101)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, inline="always")
def popcount(x):
    """Set bits of a uint64 (SWAR)."""
    x = x - ((x >> _U1) & _M1)
    x = (x & _M2) + ((x >> np.uint64(2)) & _M2)
    x = (x + (x >> np.uint64(4))) & _M4
    return np.int64((x * _H01) >> np.uint64(56))


@njit(cache=True, inline="always")
def _slot(x, hb):
    return (x * _GOLD) >> np.uint64(64 - hb)


@njit(cache=True, inline="always")
def _has(table, hb, x):
    mask = np.uint64(table.shape[0] - 1)
    i = _slot(x, hb)
    while True:
        y = table[i]
        if y == x:
            return True
        if y == 0:
            return False
        i = (i + _U1) & mask


@njit(cache=True)
def add_subsets(table, hb, lineup_mask, combos):
    """Insert every ``combos.shape[1]``-driver subset of a lineup; returns the number of new keys."""
    R = combos.shape[1] if combos.shape[0] else 0
    bits = np.empty(64, np.uint64)
    nb = 0
    x = lineup_mask
    while x:
        low = x & (~x + _U1)
        bits[nb] = low
        nb += 1
        x ^= low
    mask = np.uint64(table.shape[0] - 1)
    added = 0
    for t in range(combos.shape[0]):
        key = np.uint64(0)
        for j in range(R):
            key |= bits[combos[t, j]]
        i = _slot(key, hb)
        while True:
            y = table[i]
            if y == key:
                break
            if y == 0:
                table[i] = key
                added += 1
                break
            i = (i + _U1) & mask
    return added


@njit(cache=True, inline="always")
def _monotone(c, blocked, deficit_total, deficit_mask, room, next_mask, due_excess, table, hb, combos, bits):
    """Rules that only get stricter as lineups are added (see dfslab.optimize._leverage)."""
    if c & blocked:
        return False
    if deficit_total > 0 and deficit_total - popcount(c & deficit_mask) > room:
        return False
    if due_excess > 0 and popcount(c & next_mask) < due_excess:
        return False
    nb = 0
    x = c
    while x:
        low = x & (~x + _U1)
        bits[nb] = low
        nb += 1
        x ^= low
    s = combos.shape[1]
    for t in range(combos.shape[0]):
        key = np.uint64(0)
        for j in range(s):
            key |= bits[combos[t, j]]
        if _has(table, hb, key):
            return False
    return True


@njit(cache=True)
def walk(pm, po, pn, cm, co, pos, blocked, deficit_total, deficit_mask, room, next_mask, due_excess, must_mask,
         table, hb, combos):
    """The first lineup, pool first then the slice from ``pos``, passing every rule.

    The pool ``pm/po[:pn]`` holds earlier-scanned lineups that passed the monotone rules but
    lacked a must-use driver, in walk order. Lineups failing a monotone rule are dropped for
    good; lineups passing it but lacking a must-use driver join the pool (its capacity must
    cover ``pn + len(cm) - pos``). Returns (found, mask, objective, pn, pos).
    """
    bits = np.empty(64, np.uint64)
    w = 0
    for r in range(pn):
        c = pm[r]
        if not _monotone(c, blocked, deficit_total, deficit_mask, room, next_mask, due_excess, table, hb, combos,
                         bits):
            continue
        if (c & must_mask) == must_mask:
            v = po[r]
            for r2 in range(r + 1, pn):  # the rest stays in the pool unchecked (re-checked when reached)
                pm[w] = pm[r2]
                po[w] = po[r2]
                w += 1
            return True, c, v, w, pos
        pm[w] = c
        po[w] = po[r]
        w += 1
    pn = w
    n = cm.shape[0]
    while pos < n:
        c = cm[pos]
        v = co[pos]
        pos += 1
        if not _monotone(c, blocked, deficit_total, deficit_mask, room, next_mask, due_excess, table, hb, combos,
                         bits):
            continue
        if (c & must_mask) == must_mask:
            return True, c, v, pn, pos
        pm[pn] = c
        po[pn] = v
        pn += 1
    return False, np.uint64(0), 0.0, pn, pos


@njit(cache=True)
def _kth_largest(x, k):
    """The k-th largest value of x (k >= 1), by quickselect on a copy (three-way partition: ties are common)."""
    a = x.copy()
    want = a.shape[0] - k
    quickselect(a, 0, a.shape[0], want)
    return a[want]


@njit(cache=True)
def enumerate_slice(sc, sal, own, low, bits, orig, score_orig, own_orig, k, base_mask, base_score, base_own, base_low,
                    sal_room_hi, sal_room_lo, need_own, own_max, need_low, low_room, forced_pos, upper, target,
                    best, cheap, dear, minown, lowcnt):
    """Legal lineups with objective in [tau, upper); returns (masks, objectives, tie-break keys, tau).

    Drivers (the usable, unlocked ones) come in objective order: ``sc`` descending, with their
    salary, ownership, low-owned flag, bit and original index. ``best[j, r]`` / ``cheap[j, r]`` /
    ``dear[j, r]`` / ``minown[j, r]``: the largest objective / smallest and largest salary / smallest
    ownership total of ``r`` drivers from position ``j`` on; ``lowcnt[j]``: low-owned drivers from
    ``j`` on. Salary rooms are the cap / minimum minus the locked drivers' salaries. The objective and
    ownership of a lineup are summed over its drivers in ascending original index, then the locked
    drivers' totals added (the order the brute force and the old enumeration use), so equal lineups
    get equal floats; ``own_max`` caps a lineup's summed ownership (locked drivers included).
    ``forced_pos`` >= 0: only lineups holding that driver. ``tau`` = -inf when every legal lineup
    below ``upper`` is in the result.
    """
    m = sc.shape[0]
    own_room = own_max - base_own
    cap = 2 * target
    out_m = np.empty(cap, np.uint64)
    out_o = np.empty(cap, np.float64)
    n_out = 0
    tau = -np.inf
    if k == 0:  # (the caller handles an all-locked lineup)
        return out_m[:0], out_o[:0], np.empty(0, np.uint64), tau
    cur = np.full(k + 1, -1, np.int64)
    p_sc = np.zeros(k + 1)
    p_sc[0] = base_score  # the bound compares whole-lineup objectives with tau
    p_sal = np.zeros(k + 1, np.int64)
    p_own = np.zeros(k + 1)
    p_low = np.zeros(k + 1, np.int64)
    p_mask = np.zeros(k + 1, np.uint64)
    p_forced = np.zeros(k + 1, np.bool_)
    chosen = np.empty(k, np.int64)
    idx = np.empty(k, np.int64)
    depth = 0
    cur[0] = -1
    while depth >= 0:
        j = cur[depth] + 1
        cur[depth] = j
        rem = k - depth - 1  # drivers still to choose after this one
        if j > m - 1 - rem or (forced_pos >= 0 and not p_forced[depth] and j > forced_pos):
            depth -= 1
            continue
        s = p_sc[depth] + sc[j]
        eps = 1e-9 * (1.0 + abs(tau))
        if s + best[j + 1, rem] < tau - eps:
            depth -= 1  # objective order: every later driver at this depth is worse still
            continue
        sa = p_sal[depth] + sal[j]
        if sa + cheap[j + 1, rem] > sal_room_hi or sa + dear[j + 1, rem] < sal_room_lo:
            continue
        ow = p_own[depth] + own[j]
        if need_own and ow + minown[j + 1, rem] > own_room + 1e-9:
            continue
        lw = p_low[depth] + low[j]
        if need_low and lw + min(rem, lowcnt[j + 1]) < low_room:
            continue
        chosen[depth] = j
        if rem > 0:
            p_sc[depth + 1] = s
            p_sal[depth + 1] = sa
            p_own[depth + 1] = ow
            p_low[depth + 1] = lw
            p_mask[depth + 1] = p_mask[depth] | bits[j]
            p_forced[depth + 1] = p_forced[depth] or j == forced_pos
            depth += 1
            cur[depth] = j
            continue
        # a full lineup: exact totals in ascending original index (insertion sort of k indices)
        if forced_pos >= 0 and not (p_forced[depth] or j == forced_pos):
            continue
        for a in range(k):
            x = orig[chosen[a]]
            b = a - 1
            while b >= 0 and idx[b] > x:
                idx[b + 1] = idx[b]
                b -= 1
            idx[b + 1] = x
        obj = score_orig[idx[0]]
        for a in range(1, k):
            obj += score_orig[idx[a]]
        obj += base_score
        if obj >= upper or obj < tau:
            continue
        if need_own:
            o = own_orig[idx[0]]
            for a in range(1, k):
                o += own_orig[idx[a]]
            if o + base_own > own_max + 1e-9:
                continue
        out_m[n_out] = p_mask[depth] | bits[j] | base_mask
        out_o[n_out] = obj
        n_out += 1
        if n_out == cap:
            # raise tau to the target-th best objective so far and keep what reaches it
            thr = _kth_largest(out_o[:n_out], target)
            if thr > tau:
                tau = thr
            w = 0
            for r in range(n_out):
                if out_o[r] >= tau:
                    out_m[w] = out_m[r]
                    out_o[w] = out_o[r]
                    w += 1
            n_out = w
            if n_out == cap:  # all tied: grow the buffer
                cap *= 2
                nm = np.empty(cap, np.uint64)
                no = np.empty(cap, np.float64)
                nm[:n_out] = out_m[:n_out]
                no[:n_out] = out_o[:n_out]
                out_m, out_o = nm, no
    out_m = out_m[:n_out]
    out_o = out_o[:n_out]
    # the tie-break key, sorted by the caller: exact ties in lexicographic order of the sorted driver
    # indices = the bit-reversed mask descending (the smallest index in which two lineups differ
    # belongs to the earlier one)
    rev = np.empty(n_out, np.uint64)
    for r in range(n_out):
        x = out_m[r]
        x = ((x >> np.uint64(1)) & _M1) | ((x & _M1) << np.uint64(1))
        x = ((x >> np.uint64(2)) & _M2) | ((x & _M2) << np.uint64(2))
        x = ((x >> np.uint64(4)) & _M4) | ((x & _M4) << np.uint64(4))
        x = ((x >> np.uint64(8)) & _M8) | ((x & _M8) << np.uint64(8))
        x = ((x >> np.uint64(16)) & _M16) | ((x & _M16) << np.uint64(16))
        rev[r] = (x >> np.uint64(32)) | (x << np.uint64(32))
    return out_m, out_o, rev, tau
