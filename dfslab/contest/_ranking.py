"""DraftKings ranking and prize splitting, shared by the simulator and the real-contest checks.

DK rules: entries are ordered by points (DK shows points to 0.01); tied entries
get the best place they share as their rank and split the prizes of the places
they cover equally. One implementation serves :func:`rank_and_pay` (rank every
entry of a contest) and :class:`~dfslab.contest.ContestSimulator` (rank my
lineups against a sorted field): both count, for each queried score, the
entries that beat it and the entries tied with it (:func:`count_better_tied`)
and turn those counts into a prize with :func:`split_prizes`.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import InputError
from ..payouts import PayoutTable


def score_keys(scores, decimals: int | None = 2, name: str = "scores") -> np.ndarray:
    """Integer ranking keys: scores rounded to ``decimals`` (DK shows 0.01) as int64.

    Integer keys make ties exact: two lineups with the same players score the
    same key whatever the order their points were summed in.
    """
    try:
        s = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise InputError(f"{name}: every score must be a number (NaN = blank lineup): {e}") from None
    if np.isinf(s).any():
        bad = np.argwhere(np.isinf(s))[0].tolist()
        raise InputError(f"{name}: infinite score at index {bad}")
    blank = np.isnan(s)
    if decimals is not None:
        s = np.rint(s * 10.0 ** decimals)
        if np.abs(np.where(blank, 0, s)).max(initial=0) >= 2 ** 52:
            raise InputError(f"{name}: scores too large to rank at {decimals} decimals")
    if blank.any():
        # DK ranks blank lineups (0 points) after every submitted lineup, even negative ones (seen in the real
        # contests), and ties them with the last submitted lineups when those scored exactly 0.00.
        low = np.min(np.where(blank, np.inf, s), axis=-1, keepdims=True)  # lowest submitted score (inf: none)
        s = np.where(blank, np.where(low >= 0, 0.0, low - 1), s)
    return s.astype(np.int64) if decimals is not None else s


def prize_cumsum(payouts, n_places: int) -> np.ndarray:
    """Cumulative prize array ``c`` with ``c[k]`` = total prize of places 1..k (``c[0] = 0``).

    Places beyond the table pay 0; places beyond ``n_places`` are dropped (an
    unfilled paid place pays nobody).
    """
    if isinstance(payouts, PayoutTable):
        prizes = payouts.prizes(n_places)
    else:
        p = np.asarray(payouts, dtype=np.float64)
        if p.ndim != 1 or not np.all(np.isfinite(p)) or (p < 0).any():
            raise InputError("payouts: a per-place prize array must be 1-d, finite and non-negative")
        if (np.diff(p) > 1e-9).any():
            i = int(np.flatnonzero(np.diff(p) > 1e-9)[0]) + 1
            raise InputError(f"payouts: place {i + 1} pays more than place {i}; prizes must not rise with place")
        prizes = np.zeros(n_places)
        prizes[:min(n_places, len(p))] = p[:n_places]
    return np.concatenate([[0.0], np.cumsum(prizes)])


def count_better_tied(sorted_pool: np.ndarray, queries: np.ndarray):
    """For each query score, the pool entries scoring strictly more and exactly the same.

    Parameters
    ----------
    sorted_pool : ndarray (n_rows, n_pool)
        Integer keys, each row sorted ascending (one row per simulated contest).
    queries : ndarray (n_rows, n_query)
        Integer keys to place in the same row's pool.

    Returns
    -------
    better, tied : ndarray of int64 (n_rows, n_query)

    Notes
    -----
    One 1-d ``searchsorted`` serves every row: adding ``row * span`` to the
    keys keeps the flattened pool sorted, so rows never mix.

    Examples
    --------
    >>> pool = np.array([[1, 3, 3, 7]])
    >>> count_better_tied(pool, np.array([[3, 7, 0]]))
    (array([[1, 0, 4]]), array([[2, 1, 0]]))
    """
    pool = np.asarray(sorted_pool)
    q = np.asarray(queries)
    n_rows, n_pool = pool.shape
    if n_pool == 0:
        z = np.zeros(q.shape, dtype=np.int64)
        return z, z.copy()
    if n_rows == 1:
        le = np.searchsorted(pool[0], q[0], side="right")[None, :]
        lt = np.searchsorted(pool[0], q[0], side="left")[None, :]
    else:
        # rows are sorted: their extremes bound every key
        lo = int(min(pool[:, 0].min(), q.min()))
        span = int(max(pool[:, -1].max(), q.max())) - lo + 2
        dt = np.int32 if n_rows * span < 2 ** 31 - 1 and pool.dtype.itemsize <= 4 else np.int64
        off = ((np.arange(n_rows, dtype=np.int64) * span)[:, None] - lo).astype(dt)
        flat = (pool.astype(dt, copy=False) + off).ravel()
        qq = (q.astype(dt, copy=False) + off).ravel()
        base = (np.arange(n_rows, dtype=np.int64) * n_pool)[:, None]
        le = np.searchsorted(flat, qq, side="right").reshape(q.shape) - base
        lt = np.searchsorted(flat, qq, side="left").reshape(q.shape) - base
    return (n_pool - le).astype(np.int64), (le - lt).astype(np.int64)


def split_prizes(better: np.ndarray, tied: np.ndarray, cum: np.ndarray) -> np.ndarray:
    """Prize of an entry with ``better`` entries ahead and ``tied`` entries (itself included) level.

    The tied group covers places ``better+1 .. better+tied`` and shares their
    prizes equally: ``(cum[better + tied] - cum[better]) / tied``.

    Examples
    --------
    >>> cum = np.concatenate([[0.0], np.cumsum([100.0, 50.0, 20.0, 0.0])])
    >>> split_prizes(np.array([0, 1, 1]), np.array([1, 2, 2]), cum).tolist()
    [100.0, 35.0, 35.0]
    """
    n = len(cum) - 1
    hi = np.minimum(better + tied, n)
    lo = np.minimum(better, n)
    return (cum[hi] - cum[lo]) / tied


def rank_and_pay(scores, payouts, decimals: int | None = 2):
    """Rank every entry of a contest and pay it, with DraftKings' tie rules.

    Parameters
    ----------
    scores : array_like, (n_entries,) or (n_contests, n_entries)
        Each entry's points (one row per contest). NaN marks a blank lineup:
        DK scores it 0 and ranks it after every submitted lineup, even negative
        ones; blank lineups tie with (and split prizes with) submitted lineups
        that scored exactly 0.00 when no submitted lineup scored less.
    payouts : PayoutTable or array_like
        The payout table, or per-place prizes (index 0 = 1st place).
    decimals : int or None
        Points are compared after rounding to this many decimals (DK shows
        0.01); None compares the floats as given.

    Returns
    -------
    rank : ndarray of int64
        1 + the number of entries with more points (tied entries share the best place).
    payout : ndarray of float
        Each entry's prize; tied entries split the prizes of the places they cover.

    Examples
    --------
    >>> from dfslab import PayoutTable
    >>> t = PayoutTable.from_rows([(1, 1, 100.0), (2, 2, 50.0), (3, 3, 20.0)])
    >>> r, p = rank_and_pay([90.0, 120.5, 90.0, 10.0], t)
    >>> r.tolist(), p.tolist()
    ([2, 1, 2, 4], [35.0, 100.0, 35.0, 0.0])
    >>> rank_and_pay([12.0, 0.0, np.nan, -1.0, np.nan], t)[0].tolist()  # blanks last, below a negative score
    [1, 2, 4, 3, 4]
    >>> rank_and_pay([12.0, 0.0, np.nan, np.nan], t)[0].tolist()  # ... and tied with a 0.00 lineup
    [1, 2, 2, 2]
    """
    if decimals is not None:
        from ..utils.validation import check_number

        decimals = check_number("decimals", decimals, lo=0, hi=6, integer=True)
    keys = score_keys(scores, decimals)
    one_d = keys.ndim == 1
    if one_d:
        keys = keys[None, :]
    if keys.ndim != 2 or keys.shape[1] < 1:
        raise InputError(f"scores: expected a non-empty 1-d or 2-d array, got shape {np.shape(scores)}")
    n = keys.shape[1]
    cum = prize_cumsum(payouts, n)
    better, tied = count_better_tied(np.sort(keys, axis=1), keys)
    pay = split_prizes(better, tied, cum)
    rank = better + 1
    return (rank[0], pay[0]) if one_d else (rank, pay)
