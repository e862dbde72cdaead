"""Portfolio selection by simulation: a candidate pool, then the lineups with the best simulated payoff.

The optimizer ranks lineups by projected points; a GPP pays for finishing near the
top of a field. Selection by simulation scores every candidate in simulated
contests (on the scenarios that BUILT the candidates, never on the ones that will
score the portfolio) and picks, greedily under the same overlap and exposure rules:

* ``"roi"`` -- the candidates with the highest expected ROI;
* ``"top1"`` -- each next lineup adds the most to the chance that at least one
  lineup of the portfolio finishes in the top 1% of the contest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .exceptions import InfeasibleError, InputError


def _objective(S, value, hits):
    if hits is None:
        return float(value[S].sum())
    return float(hits[:, S].any(1).sum()) + 1e-6 * float(value[S].sum())


def _feasible_with(onehot, S, c, out, max_overlap, max_count, min_count=None):
    """Is S - {out} + {c} within the overlap and exposure rules (caps, and floors when given)?"""
    rest = [x for x in S if x != out]
    if c in rest:
        return False
    if rest and (onehot[rest] @ onehot[c]).max() > max_overlap:
        return False
    counts = onehot[rest].sum(0) + onehot[c]
    if min_count is not None and (counts < min_count).any():
        return False
    return bool((counts <= max_count).all())


def greedy_select(onehot: np.ndarray, value: np.ndarray, n: int, max_overlap: int, max_count,
                  hits: np.ndarray | None = None, start=None, max_passes: int = 6, min_count=None,
                  names=None) -> np.ndarray:
    """Pick ``n`` candidates under overlap and exposure rules: greedy, then 1-swap local search.

    Parameters
    ----------
    onehot : (n_cand, n_players) 0/1 int
        Candidate lineups as player indicators.
    value : (n_cand,)
        Score of each candidate; the ``"roi"`` objective is their sum.
    n : int
        Lineups to pick.
    max_overlap : int
        Most players two picked lineups may share.
    max_count : int or (n_players,) array of int
        Most picked lineups any one player may be in (one number, or one per player).
    hits : (n_sims, n_cand) bool, optional
        Success indicator per simulation; the objective is then the number of
        simulations with at least one success (coverage), ties by ``value``.
    start : sequence of int, optional
        A feasible selection to start from when the greedy pass gets stuck (e.g. the
        optimizer's own portfolio, which obeys the rules by construction).
    max_passes : int
        Local-search passes (each tries every outside candidate once).
    min_count : (n_players,) array of int, optional
        Fewest picked lineups each player must be in (per-driver minimum exposures). The greedy
        pass only takes a candidate after which the remaining picks can still pay every player's
        shortfall (counting); if it ends short of a minimum it falls back to ``start`` (which must
        meet them), and the local search never swaps below a minimum. Without a feasible start an
        :class:`~dfslab.InfeasibleError` names the players short of their minimum.
    names : sequence of str, optional
        Player names for messages.

    Returns
    -------
    ndarray of int: indices of the picked candidates (best first by value).

    Examples
    --------
    >>> oh = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]])
    >>> greedy_select(oh, np.array([3.0, 2.0, 1.0]), 2, max_overlap=1, max_count=2).tolist()
    [0, 2]
    """
    n_cand, n_players = onehot.shape
    ok = np.ones(n_cand, bool)
    counts = np.zeros(n_players, np.int64)
    covered = None if hits is None else np.zeros(hits.shape[0], bool)
    floors = None if min_count is None or not (np.asarray(min_count) > 0).any() else np.asarray(min_count, np.int64)
    roster = int(onehot[0].sum()) if n_cand else 0
    S: list[int] = []
    for step in range(n):
        allowed = ok
        if floors is not None:
            # after this pick, the picks left must still be able to pay every shortfall
            left = n - step - 1
            short = np.maximum(floors[None, :] - (counts[None, :] + onehot), 0)
            allowed = ok & (short.max(1) <= left) & (short.sum(1) <= roster * left)
        if not allowed.any():
            break
        if hits is None:
            score = np.where(allowed, value, -np.inf)
        else:
            gain = (hits & ~covered[:, None]).sum(0).astype(float)
            score = np.where(allowed, gain + 1e-6 * value, -np.inf)
        k = int(np.argmax(score))
        S.append(k)
        counts += onehot[k]
        if covered is not None:
            covered |= hits[:, k]
        ok &= (onehot @ onehot[k]) <= max_overlap
        full = counts >= max_count
        if full.any():
            ok &= ~(onehot[:, full].any(1))
        ok[k] = False
    short_of = [] if floors is None or len(S) < n else np.flatnonzero(onehot[S].sum(0) < floors).tolist()
    if len(S) < n or short_of:
        if start is None:
            if short_of:
                who = ", ".join(f"{names[i] if names is not None else i} ({int(onehot[S].sum(0)[i])} of "
                                f"{int(floors[i])})" for i in short_of[:8])
                raise InfeasibleError(f"selection: the {n} lineups picked among the candidates leave min_exposure "
                                      f"unmet for {who}; raise n_candidates or relax the rules")
            cap = (f"at most {int(max_count)} lineups per driver" if np.ndim(max_count) == 0 else
                   "the per-driver caps")
            raise InfeasibleError(f"selection: only {len(S)} of {n} lineups fit the overlap (max_overlap="
                                  f"{max_overlap}) and exposure ({cap}) rules among "
                                  "the candidates; raise n_candidates or relax the rules")
        S = [int(x) for x in start]
        if floors is not None and (onehot[S].sum(0) < floors).any():
            raise InfeasibleError("selection: the starting portfolio misses a min_exposure (internal error)")
    best = _objective(S, value, hits)
    order = np.argsort(-value, kind="stable")
    for _ in range(max_passes):
        improved = False
        for c in order:
            c = int(c)
            if c in S:
                continue
            cand_best, cand_out = best, None
            for out in S:
                if _feasible_with(onehot, S, c, out, max_overlap, max_count, floors):
                    f = _objective([x for x in S if x != out] + [c], value, hits)
                    if f > cand_best + 1e-12:
                        cand_best, cand_out = f, out
            if cand_out is not None:
                S = [x for x in S if x != cand_out] + [c]
                best, improved = cand_best, True
        if not improved:
            break
    S = sorted(S, key=lambda k: -value[k])
    return np.asarray(S, dtype=np.int64)


def select_by_simulation(pool, scenarios, field, payouts, slate, *, n_lineups: int, field_size: int,
                         entry_fee: float, max_overlap, max_exposure, objective: str = "roi", start=None,
                         random_state: int = 0, min_exposure=None):
    """Choose ``n_lineups`` of the candidate ``pool`` by simulated ROI or top-1% rate.

    Candidates are scored in simulated contests on ``scenarios`` (the points of the races
    that built them, (n_scenarios, n_players)) against ``field`` (a fitted
    :class:`~dfslab.FieldLineupSampler`) with ``payouts`` for ``field_size`` entries at
    ``entry_fee``; the chosen portfolio is later scored on other races like any other.
    ``max_overlap`` / ``max_exposure`` are the portfolio's rules (None = no limit); ``max_exposure`` and
    ``min_exposure`` may be one fraction or one per player (per-driver rules: caps round down, minimums
    up, as in the optimizer). Locks and excludes hold because every candidate obeys them.

    Returns
    -------
    Portfolio
        The chosen lineups in pick order, with ``settings["selection"]`` describing the
        selection and ``table`` columns ``sim_roi`` / ``sim_top1`` (on the build races).
    """
    from .contest import ContestSimulator
    from .optimize import Portfolio

    if objective not in ("roi", "top1"):
        raise InputError(f"objective: 'roi' or 'top1', got {objective!r}")
    L = pool.lineups
    n = int(n_lineups)
    rows = {tuple(sorted(r)): row for r, (_, row) in zip(L.tolist(), pool.table.iterrows())}
    start_idx = None
    if start is not None:  # the optimizer's own portfolio: feasible by construction, a start for local search
        for r, (_, row) in zip(start.lineups.tolist(), start.table.iterrows()):
            if tuple(sorted(r)) not in rows:
                rows[tuple(sorted(r))] = row
                L = np.vstack([L, np.asarray([r], dtype=L.dtype)])
        key = {tuple(sorted(r)): i for i, r in enumerate(L.tolist())}
        start_idx = [key[tuple(sorted(r))] for r in start.lineups.tolist()]
    if len(L) < n:
        raise InputError(f"selection: the candidate pool has {len(L)} lineups, fewer than n_lineups={n}")
    cs = ContestSimulator(payouts, field_size=int(field_size) - n, entry_fee=entry_fee, n_field_draws=1,
                          random_state=random_state, progress=False)
    res = cs.simulate(L, scenarios, field, slate=slate)
    roi = res.roi_samples                                    # (n_sims, n_cand)
    top_k = max(1, int(np.ceil(0.01 * field_size)))
    top1 = res.ranks <= top_k
    n_players = slate.n_players
    onehot = np.zeros((len(L), n_players), dtype=np.int64)
    onehot[np.arange(len(L))[:, None], L] = 1
    mo = slate.rules.roster_size - 1 if max_overlap is None else int(max_overlap)
    if max_exposure is None:
        max_count = n
    elif np.ndim(max_exposure) == 0:
        max_count = max(1, int(np.floor(float(max_exposure) * n + 1e-9)))
    else:
        max_count = np.floor(np.asarray(max_exposure, dtype=float) * n + 1e-9).astype(np.int64)
    min_count = None
    if min_exposure is not None:
        lo = np.broadcast_to(np.asarray(min_exposure, dtype=float), (n_players,))
        min_count = np.ceil(lo * n - 1e-9).astype(np.int64)
    value = roi.mean(0)
    idx = greedy_select(onehot, value, n, mo, max_count, hits=top1 if objective == "top1" else None,
                        start=start_idx, min_count=min_count, names=slate.players["name"].astype(str).tolist())
    table = pd.DataFrame([rows[tuple(sorted(r))] for r in L[idx].tolist()]).reset_index(drop=True)
    table["sim_roi"] = value[idx]
    table["sim_top1"] = 100.0 * top1[:, idx].mean(0)
    chosen = L[idx]
    counts = np.bincount(chosen.ravel(), minlength=n_players)
    exposure = pool.exposure.set_index("player_id").loc[slate.players["player_id"].astype(str)].reset_index()
    exposure["count"] = counts
    exposure["exposure"] = counts / n
    exposure = exposure.sort_values(["count", "ownership"], ascending=[False, False], kind="stable").reset_index(drop=True)
    metrics = dict(pool.metrics)
    tot = table["total_own"].to_numpy()
    metrics.update({
        "n_lineups": n, "avg_lineup_ownership": float(tot.mean()), "min_lineup_ownership": float(tot.min()),
        "max_lineup_ownership": float(tot.max()), "avg_driver_ownership": float(table["avg_own"].mean()),
        "diversification_score": float(1.0 - (counts.astype(float) ** 2).sum() / float(counts.sum()) ** 2),
        "unique_drivers": int((counts > 0).sum()), "mean_projection": float(table["projection"].mean()),
        "max_pair_overlap": int(max((onehot[idx] @ onehot[idx].T - 6 * np.eye(n, dtype=np.int64)).max(), 0))
        if n > 1 else 0,
        "method": f"selection by simulated {objective} from {len(L)} candidates",
    })
    settings = dict(pool.settings)
    settings["selection"] = {"objective": objective, "n_candidates": int(len(L)),
                             "scored_on": f"{np.asarray(scenarios).shape[0]} build scenarios, one field draw"}
    return Portfolio(lineups=chosen, table=table, metrics=metrics, exposure=exposure, settings=settings)


__all__ = ["greedy_select", "select_by_simulation"]
