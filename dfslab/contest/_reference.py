"""Plain-numpy contest scoring: the reference the compiled kernels are checked and benchmarked against.

This is the engine :class:`ContestSimulator` used before the numba kernels
(:mod:`dfslab.contest._kernels`): per chunk of scenarios, every field entry is
scored with fancy indexing, each scenario's field is sorted, and my lineups are
placed with ``searchsorted`` (:func:`count_better_tied`), the code
:func:`rank_and_pay` uses. It is the style of the common open-source GPP
simulators (score and sort the whole field), kept as the baseline.
"""

from __future__ import annotations

import numpy as np

from ._ranking import count_better_tied, split_prizes


def score_contest_numpy(P: np.ndarray, M: np.ndarray, F: np.ndarray, cum: np.ndarray, track_field: bool = False,
                        chunk_size: int | None = None):
    """Pay and rank my lineups ``M`` against the field ``F`` in every scenario of ``P``.

    Parameters
    ----------
    P : int (S, n_players)
        Player keys (centipoints) per scenario.
    M : int (m, R)
        My lineups.
    F : int (n_field, R)
        The field (every entry, duplicates included).
    cum : float (n_places + 1,)
        Cumulative prizes (:func:`~dfslab.contest._ranking.prize_cumsum`).
    track_field : bool
        Also return the total prize paid to the field per scenario.
    chunk_size : int, optional
        Scenarios per chunk (default ~5e5 field scores per chunk).

    Returns
    -------
    pay : float64 (S, m), rank : int64 (S, m), field_paid : float64 (S,) or None

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[300, 200, 100, 0]])
    >>> cum = np.concatenate([[0.0], np.cumsum([50.0, 30.0, 0.0])])
    >>> pay, rank, _ = score_contest_numpy(P, np.array([[0, 3]]), np.array([[1, 2], [2, 3]]), cum)
    >>> pay.tolist(), rank.tolist()
    ([[40.0]], [[1]])
    """
    S = P.shape[0]
    m, R = M.shape
    chunk = chunk_size or max(1, min(S, int(5e5 // max(len(F), 1))))
    pay = np.empty((S, m))
    rank = np.empty((S, m), dtype=np.int64)
    fpaid = np.empty(S) if track_field else None
    for s0 in range(0, S, chunk):
        s1 = min(S, s0 + chunk)
        Pc = P[s0:s1]
        fsc = Pc[:, F[:, 0]].copy()
        for j in range(1, R):
            fsc += Pc[:, F[:, j]]
        fsc.sort(axis=1)
        ms = Pc[:, M[:, 0]].copy()
        for j in range(1, R):
            ms += Pc[:, M[:, j]]
        ms_sorted = np.sort(ms, axis=1)
        b1, t1 = count_better_tied(fsc, ms)
        b2, t2 = count_better_tied(ms_sorted, ms)
        better, tied = b1 + b2, t1 + t2
        pay[s0:s1] = split_prizes(better, tied, cum)
        rank[s0:s1] = better + 1
        if track_field:
            fb1, ft1 = count_better_tied(fsc, fsc)
            fb2, ft2 = count_better_tied(ms_sorted, fsc)
            fpaid[s0:s1] = split_prizes(fb1 + fb2, ft1 + ft2, cum).sum(1)
    return pay, rank, fpaid
