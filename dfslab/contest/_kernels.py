"""Compiled (numba) contest kernels: place every field score among my lineups' scores, no field sort.

Imported only when a contest is simulated (``import dfslab`` never loads numba);
kernels are compiled on first use and cached on disk (``cache=True``).

Per scenario, my lineups' scores are sorted into ``k`` distinct values
``v_0 < ... < v_{k-1}`` (k <= number of my lineups). Every distinct field
lineup is scored once and dropped into one of ``2k + 1`` slots -- below
``v_0``, equal to ``v_0``, between ``v_0`` and ``v_1``, ..., above ``v_{k-1}``
-- weighted by how many field entries hold it. A suffix sum over the slots
gives, for each of my lineups, the field entries strictly ahead (``better``)
and level (``tied``): exactly what sorting the field and two ``searchsorted``
calls give (:func:`~dfslab.contest.count_better_tied`). The DK tie-split prize
``(cum[better + tied] - cum[better]) / tied`` is the expression of
:func:`~dfslab.contest.split_prizes`, so prizes are bit-identical to it.

Speed: a field score is three loads from a per-scenario table of player-pair
sums (six players = three pairs) and its slot one load from a per-scenario
table indexed by the score (scores are integer centipoints; the table spans my
lineups' scores, typically 15-30 thousand entries). When that table would be
too large (unusual point scales) a branch-free binary search over ``v`` is used
instead. Indices are unsigned so that numba emits no negative-index checks.

Parallelism: the kernels are serial and release the GIL (``nogil``);
:func:`run_threads` runs them on parts of the scenarios in a thread pool (as
many threads as ``numba.get_num_threads()``, i.e. ``NUMBA_NUM_THREADS`` or the
cores). Each scenario's result depends only on its own inputs and every part
writes its own rows, so results do not depend on the thread count or the
scheduling. (``prange`` kernels compiled 2-3x slower and tie numba to an
OpenMP/TBB threading layer; plain threads need neither.)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..utils.quickselect import quickselect

#: Largest slot table (entries of uint16) before the binary-search path is used.
MAX_TABLE = 1 << 16
#: Largest pair table (player pairs) before field lineups are scored player by player.
MAX_PAIRS = 1 << 14
_PARTS_PER_THREAD = 4  # scenario parts per thread: balances uneven progress between threads
_SENTINEL = np.int32(2 ** 31 - 1)  # above any lineup key (keys are checked to stay below 2**31 / 20)


def field_terms(U: np.ndarray, n_players: int):
    """Index of each field lineup's terms in the per-scenario lookup vector ``X``.

    With pairs, ``X = [row[i] + row[j] for i, j] + row`` (``n*n`` pair sums, then the
    players): a lineup of R players is R // 2 pair terms (+ one player term when R is odd).
    Without pairs ``X = row`` and the terms are the players. Returns (terms uint32 (u, t), use_pairs).
    """
    U = np.asarray(U, dtype=np.int64)
    R = U.shape[1]
    use_pairs = n_players * n_players <= MAX_PAIRS and R >= 2
    if not use_pairs:
        return np.ascontiguousarray(U, dtype=np.uint32), False
    cols = [U[:, 2 * t] * n_players + U[:, 2 * t + 1] for t in range(R // 2)]
    if R % 2:
        cols.append(n_players * n_players + U[:, R - 1])
    return np.ascontiguousarray(np.stack(cols, axis=1), dtype=np.uint32), True


@njit(cache=True)
def _lookup_vector(row, X, use_pairs):
    """Fill X with the player-pair sums then the players' keys (or just the players')."""
    n = row.shape[0]
    if use_pairs:
        for i in range(n):
            ri = row[i]
            base = i * n
            for j in range(n):
                X[base + j] = ri + row[j]
        off = n * n
    else:
        off = 0
    for i in range(n):
        X[off + i] = row[i]


@njit(cache=True)
def _my_levels(row, M, keys, v, mc, lvl):
    """Score my lineups; distinct scores ascending in v[:k] (v[k] = sentinel), counts mc, lineup -> level."""
    m, R = M.shape
    for i in range(m):
        t = np.int64(0)
        for j in range(R):
            t += row[M[i, j]]
        keys[i] = (t << 32) | i  # sort scores, carry the lineup index
    keys.sort()
    k = -1
    prev = np.int64(0)
    for a in range(m):
        sc = keys[a] >> 32
        if k < 0 or sc != prev:
            k += 1
            v[k] = sc
            mc[k] = 0
            prev = sc
        mc[k] += 1
        lvl[keys[a] & 0xFFFFFFFF] = k
    k += 1
    v[k] = _SENTINEL
    return k


@njit(cache=True)
def _fill_table(v, k, T):
    """T[1 + x - v0] = slot of score x for x in [v0, v_{k-1}]; T[0] = slot 0 (below), T[span + 2] = 2k (above)."""
    v0 = v[0]
    T[0] = 0
    for q in range(k):
        b = np.uint64(1 + v[q] - v0)
        T[b] = np.uint16(2 * q + 1)
        if q + 1 < k:
            e = np.uint64(1 + v[q + 1] - v0)
            val = np.uint16(2 * q + 2)
            d = b + np.uint64(1)
            while d < e:  # unsigned counter: numba vectorizes this fill
                T[d] = val
                d += np.uint64(1)
    T[np.uint64(v[k - 1] - v0 + 2)] = np.uint16(2 * k)


@njit(cache=True)
def _lower_bound(v, k, f):
    """Number of entries of the sorted ``v[:k]`` strictly below ``f`` (branch-free; k >= 1)."""
    base = 0
    n = k
    while n > 1:
        half = n >> 1
        if v[base + half - 1] < f:
            base += half
        n -= half
    return base + (1 if v[base] < f else 0)


@njit(cache=True)
def _field_slots(X, terms, v, k, T, fb):
    """Slot of every distinct field lineup in this scenario (fb[a] = 2 * #v below + (equal to one))."""
    u, nt = terms.shape
    v0 = np.int64(v[0])
    span = np.int64(v[k - 1]) - v0
    if span + 3 <= T.shape[0]:
        _fill_table(v, k, T)
        lo = v0 - 1
        hi = span + 2
        if nt == 3:
            for a in range(u):
                f = np.int64(X[terms[a, 0]]) + X[terms[a, 1]] + X[terms[a, 2]]
                fb[a] = T[np.uint64(min(max(f - lo, 0), hi))]
        else:
            for a in range(u):
                f = np.int64(0)
                for t in range(nt):
                    f += X[terms[a, t]]
                fb[a] = T[np.uint64(min(max(f - lo, 0), hi))]
    else:
        for a in range(u):
            f = np.int64(0)
            for t in range(nt):
                f += X[terms[a, t]]
            pos = _lower_bound(v, k, f)
            fb[a] = np.uint16(2 * pos + (1 if v[pos] == f else 0))


@njit(cache=True)
def _histogram(fb, cnt, H4, n_slots):
    """H4[0, q] = field entries in slot q (four interleaved sub-histograms break store-load chains)."""
    u = fb.shape[0]
    for r in range(4):
        for q in range(n_slots):
            H4[r, q] = 0
    a = 0
    while a + 4 <= u:
        H4[0, fb[a]] += cnt[a]
        H4[1, fb[a + 1]] += cnt[a + 1]
        H4[2, fb[a + 2]] += cnt[a + 2]
        H4[3, fb[a + 3]] += cnt[a + 3]
        a += 4
    while a < u:
        H4[0, fb[a]] += cnt[a]
        a += 1
    for q in range(n_slots):
        H4[0, q] += H4[1, q] + H4[2, q] + H4[3, q]


@njit(cache=True, nogil=True)
def score_contest(P, M, grp, n_grp, terms, cnt, use_pairs, cum, pay, rank):
    """Pay and rank my lineups ``M`` in every scenario of ``P`` against the distinct field lineups.

    Serial and GIL-free: :func:`run_threads` runs it on parts of the scenarios at once.

    Parameters
    ----------
    P : int32 (S, n_players)
        Player keys (centipoints) per scenario.
    M : int64 (m, R)
        My lineups (m < 32,768).
    grp, n_grp : int64 (m,), int
        The contest each of my lineups is in (0..n_grp-1): every group is its own contest against the same
        field (my lineups compete only with the others of their group). One group (all 0): one contest.
    terms, use_pairs : uint32 (u, t), bool
        Distinct field lineups as :func:`field_terms` returns them.
    cnt : int64 (u,)
        Field entries holding each distinct lineup.
    cum : float64 (n_places + 1,)
        Cumulative prizes (:func:`~dfslab.contest._ranking.prize_cumsum`).
    pay, rank : float64 / int64 (S, m)
        Written in place.
    """
    S, n = P.shape
    m = M.shape[0]
    u = terms.shape[0]
    n_places = cum.shape[0] - 1
    n_slots = 2 * m + 1
    n_x = n * n + n if use_pairs else n
    keys = np.empty(m, np.int64)
    v = np.empty(m + 1, np.int64)
    mc = np.empty(m, np.int64)
    lvl = np.empty(m, np.int64)
    T = np.empty(MAX_TABLE, np.uint16)
    X = np.empty(n_x, np.int32)
    fb = np.empty(u, np.uint16)
    H4 = np.empty((4, n_slots), np.int64)
    mcg = np.zeros((n_grp, m), np.int64)      # my lineups per (group, score level)
    aboveg = np.empty((n_grp, m), np.int64)   # my lineups of the group strictly above the level
    for s in range(S):
        row = P[s]
        k = _my_levels(row, M, keys, v, mc, lvl)
        _lookup_vector(row, X, use_pairs)
        _field_slots(X, terms, v, k, T, fb)
        _histogram(fb, cnt, H4, 2 * k + 1)
        H = H4[0]
        # H -> field entries strictly above each slot (exclusive suffix sum)
        acc = np.int64(0)
        for q in range(2 * k, -1, -1):
            h = H[q]
            H[q] = acc
            acc += h
        for g in range(n_grp):
            for q in range(k):
                mcg[g, q] = 0
        for i in range(m):
            mcg[grp[i], lvl[i]] += 1
        for g in range(n_grp):
            acc = 0
            for q in range(k - 1, -1, -1):
                aboveg[g, q] = acc
                acc += mcg[g, q]
        for i in range(m):
            q = lvl[i]
            g = grp[i]
            slot = 2 * q + 1
            tied = (H[slot - 1] - H[slot]) + mcg[g, q]  # field level with me + my own lineups of this contest
            better = H[slot] + aboveg[g, q]
            hi = min(better + tied, n_places)
            lo = min(better, n_places)
            pay[s, i] = (cum[hi] - cum[lo]) / tied
            rank[s, i] = better + 1


@njit(cache=True, nogil=True)
def field_paid(P, M, terms, cnt, use_pairs, cum, out):
    """Total prize paid to the field in every scenario (each field entry ranked against the whole contest).

    The optional path of ``track_field=True``. Field entries are counted per score (a histogram
    over the field's score range, or a sort of the distinct scores when that range is too wide)
    and walked from the top: entries at one score form one tie group with my lineups at that
    score, and the walk stops at the last paid place.
    """
    S, n = P.shape
    m, R = M.shape
    u, nt = terms.shape
    n_places = cum.shape[0] - 1
    n_x = n * n + n if use_pairs else n
    ms = np.empty(m, np.int64)
    X = np.empty(n_x, np.int32)
    fs = np.empty(u, np.int64)
    Hf = np.empty(4 * MAX_TABLE, np.int64)
    grp_score = np.empty(u, np.int64)
    grp_count = np.empty(u, np.int64)
    for s in range(S):
        row = P[s]
        for i in range(m):
            t = np.int64(0)
            for j in range(R):
                t += row[M[i, j]]
            ms[i] = t
        ms.sort()
        _lookup_vector(row, X, use_pairs)
        fmin = np.int64(_SENTINEL)
        fmax = -fmin
        for a in range(u):
            f = np.int64(0)
            for t in range(nt):
                f += X[terms[a, t]]
            fs[a] = f
            fmin = min(fmin, f)
            fmax = max(fmax, f)
        # distinct field scores, descending, with their entry counts
        g = 0
        if fmax - fmin < Hf.shape[0]:
            span = np.uint64(fmax - fmin + 1)
            x = np.uint64(0)
            while x < span:
                Hf[x] = 0
                x += np.uint64(1)
            for a in range(u):
                Hf[np.uint64(fs[a] - fmin)] += cnt[a]
            x = span
            while x > 0:
                x -= np.uint64(1)
                if Hf[x] > 0:
                    grp_score[g] = fmin + np.int64(x)
                    grp_count[g] = Hf[x]
                    g += 1
        else:
            order = np.argsort(fs)
            b = u - 1
            while b >= 0:
                sc = fs[order[b]]
                c = np.int64(0)
                while b >= 0 and fs[order[b]] == sc:
                    c += cnt[order[b]]
                    b -= 1
                grp_score[g] = sc
                grp_count[g] = c
                g += 1
        total = 0.0
        above = np.int64(0)  # field entries strictly above the current group
        p = m - 1  # my scores above the group are ms[p + 1:]
        for gi in range(g):
            sc = grp_score[gi]
            c = grp_count[gi]
            while p >= 0 and ms[p] > sc:
                p -= 1
            tie_mine = 0
            while p - tie_mine >= 0 and ms[p - tie_mine] == sc:
                tie_mine += 1
            better = above + (m - 1 - p)
            if better >= n_places:
                break  # every later group is below the paid places
            tied = c + tie_mine
            hi = min(better + tied, n_places)
            total += c * ((cum[hi] - cum[better]) / tied)
            above += c
        out[s] = total


def run_threads(kernel, P, outputs, *args):
    """``kernel(P[part], *args, *(o[part] for o in outputs))`` over parts of the scenarios, in threads.

    ``outputs`` are arrays with one row (or element) per scenario; every part writes its own rows.
    """
    import numba

    S = P.shape[0]
    n_threads = max(1, min(numba.get_num_threads(), S))
    if n_threads == 1:
        kernel(P, *args, *outputs)
        return
    from concurrent.futures import ThreadPoolExecutor

    n_parts = min(S, n_threads * _PARTS_PER_THREAD)
    bounds = np.linspace(0, S, n_parts + 1).astype(np.int64)
    with ThreadPoolExecutor(n_threads) as pool:
        futures = [pool.submit(kernel, P[a:b], *args, *(o[a:b] for o in outputs))
                   for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        for f in futures:
            f.result()  # re-raises a kernel's exception


def distinct_lineups(F: np.ndarray, n_players: int):
    """Distinct lineups of a field (players sorted within a lineup) and how many entries hold each.

    Returns int64 (u, R) and int64 (u,). Lineups are packed into one int64 key when the
    player index fits (``R * bits <= 63``), else ``np.unique(axis=0)`` is used.

    Examples
    --------
    >>> U, c = distinct_lineups(np.array([[3, 1], [1, 3], [0, 2]]), 4)
    >>> U.tolist(), c.tolist()
    ([[0, 2], [1, 3]], [1, 2])
    """
    S = np.sort(np.asarray(F, dtype=np.int64), axis=1)
    R = S.shape[1]
    bits = max(1, int(n_players - 1).bit_length())
    if R * bits <= 63:
        key = np.zeros(len(S), dtype=np.int64)
        for j in range(R):
            key = (key << bits) | S[:, j]
        _, first, counts = np.unique(key, return_index=True, return_counts=True)
        U = S[first]
    else:
        U, counts = np.unique(S, axis=0, return_counts=True)
    return np.ascontiguousarray(U), counts.astype(np.int64)


@njit(cache=True)
def lineup_stats(pay, rank, entry_fee, top_k, roi):
    """One pass over the results: ROI samples and each lineup's and the portfolio's per-row statistics.

    Writes ``roi = pay / entry_fee - 1``. Returns per lineup (columns): ROI mean, ROI variance
    (ddof=1, two-pass), counts of cashes (pay > 0), wins (rank 1) and top-``top_k`` finishes,
    best / worst rank, best payout; per row: the portfolio's total pay, best rank, and whether any
    lineup cashed. Serial, plain loops (~10 ms for 10,000 x 150; quick to compile).
    """
    n, m = pay.shape
    s_ = np.zeros(m)
    c_cash = np.zeros(m, np.int64)
    c_win = np.zeros(m, np.int64)
    c_top = np.zeros(m, np.int64)
    lo = np.empty(m, np.int64)
    hi = np.empty(m, np.int64)
    pm = np.empty(m)
    for i in range(m):
        lo[i] = rank[0, i] if n else 0
        hi[i] = lo[i]
        pm[i] = pay[0, i] if n else 0.0
    tot = np.empty(n)
    best = np.empty(n, np.int64)
    anyc = np.empty(n, np.bool_)
    for r in range(n):
        prow = pay[r]
        krow = rank[r]
        orow = roi[r]
        for i in range(m):  # branch-free: vectorizes over lineups
            p = prow[i]
            k = krow[i]
            x = p / entry_fee - 1.0
            orow[i] = x
            s_[i] += x
            c_cash[i] += p > 0
            c_win[i] += k == 1
            c_top[i] += k <= top_k
            lo[i] = min(lo[i], k)
            hi[i] = max(hi[i], k)
            pm[i] = max(pm[i], p)
        t = 0.0
        for i in range(m):
            t += prow[i]
        bst = krow[0]
        ac = False
        for i in range(m):
            bst = min(bst, krow[i])
            ac = ac or prow[i] > 0
        tot[r] = t
        best[r] = bst
        anyc[r] = ac
    mean = np.empty(m)
    for i in range(m):
        mean[i] = s_[i] / n
    q = np.zeros(m)
    for r in range(n):
        orow = roi[r]
        for i in range(m):
            d = orow[i] - mean[i]
            q[i] += d * d
    var = np.zeros(m)
    if n > 1:
        for i in range(m):
            var[i] = q[i] / (n - 1)
    return mean, var, c_cash, c_win, c_top, lo, hi, pm, tot, best, anyc


@njit(cache=True, nogil=True)
def _column_percentiles(x, q_lo, q_hi, lo_out, hi_out):
    """Percentiles of the columns of x into lo_out / hi_out (see :func:`column_percentiles`).

    Columns are copied eight at a time (one pass over the rows per group) and selected in place.
    """
    n, m = x.shape
    kk = np.empty(2, np.int64)
    g = np.empty(2)
    for w in range(2):
        vi = (n - 1) * (q_lo if w == 0 else q_hi)
        kk[w] = int(np.floor(vi))
        g[w] = vi - kk[w]
    n_groups = (m + 7) // 8
    for grp in range(n_groups):
        c0 = grp * 8
        c1 = min(m, c0 + 8)
        buf = np.empty((c1 - c0, n))
        for r in range(n):
            for c in range(c0, c1):
                buf[c - c0, r] = x[r, c]
        for c in range(c1 - c0):
            v = buf[c]
            start = 0
            for w in range(2):
                k = kk[w]
                quickselect(v, start, n, k)  # v[k] in place; everything after it is >= v[k]
                a = v[k]
                b = a
                if k + 1 < n:
                    b = v[k + 1]
                    for r in range(k + 2, n):
                        b = min(b, v[r])
                d = b - a
                val = a + d * g[w]
                if g[w] >= 0.5:
                    val = b - d * (1 - g[w])
                if w == 0:
                    lo_out[c0 + c] = val
                else:
                    hi_out[c0 + c] = val
                start = k  # the next (larger) order statistic lies at or after k


def column_percentiles(x, q_lo, q_hi):
    """Linear-interpolation percentiles of every column, numpy's default method with its arithmetic.

    Bit-identical to ``np.percentile(x, [100 q_lo, 100 q_hi], axis=0)`` (q_lo <= q_hi): the order
    statistics around the virtual index ``(n - 1) q`` and numpy's two-sided lerp, by in-place
    quickselect on column copies; groups of columns run in threads.

    Examples
    --------
    >>> x = np.random.default_rng(0).gamma(1.0, 1.0, (501, 20))
    >>> lo, hi = column_percentiles(x, 5 / 100, 95 / 100)
    >>> bool((lo == np.percentile(x, 5, axis=0)).all() and (hi == np.percentile(x, 95, axis=0)).all())
    True
    """
    import numba

    n, m = x.shape
    lo, hi = np.empty(m), np.empty(m)
    n_threads = max(1, min(numba.get_num_threads(), m // 8))
    if n_threads == 1:
        _column_percentiles(x, q_lo, q_hi, lo, hi)
        return lo, hi
    from concurrent.futures import ThreadPoolExecutor

    cuts = np.linspace(0, m // 8, n_threads + 1).astype(np.int64) * 8
    cuts[-1] = m
    with ThreadPoolExecutor(n_threads) as pool:
        futures = [pool.submit(_column_percentiles, x[:, a:b], q_lo, q_hi, lo[a:b], hi[a:b])
                   for a, b in zip(cuts[:-1], cuts[1:]) if b > a]
        for f in futures:
            f.result()
    return lo, hi
