"""Monte Carlo contest simulation: my lineups vs a sampled field over race scenarios."""

from __future__ import annotations

import dataclasses

import sys
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..payouts import PayoutTable
from ..slate import check_lineups
from ..utils.display import Metrics
from ..utils.validation import check_float_array, check_memory, check_number, check_seed
from ._field import FIELD_BYTES_PER_ENTRY
from ._ranking import prize_cumsum

#: Most of my lineups one simulation takes (slots of the ranking kernel are uint16).
MAX_MY_LINEUPS = 32_767

METRICS = ["roi_mean", "roi_se", "roi_std", "roi_p5", "roi_p95", "cash_pct", "cash_se", "win_pct", "win_se",
           "top1_pct", "top1_se", "best_rank", "worst_rank", "best_payout"]


@dataclass
class ContestResult:
    """What :meth:`ContestSimulator.simulate` returns.

    Rates (``cash_pct``, ``win_pct``, ``top1_pct`` and their ``*_se``) are in
    PERCENT (0-100); ROI is a fraction (0.25 = +25%).

    Attributes
    ----------
    per_lineup : DataFrame
        One row per lineup, columns :data:`METRICS`.
    portfolio : dict
        The same fields for the portfolio as a whole (ROI of the summed
        payouts over the summed fees; cash / win / top-1% = any lineup does;
        best_rank = best rank any lineup reached; worst_rank = the worst of the
        portfolio's per-simulation best ranks) plus ``n_simulations``.
    roi_samples : ndarray (n_simulations, n_lineups)
        ROI of each lineup in each simulated contest (rows: field draw major,
        scenario minor).
    ranks : ndarray (n_simulations, n_lineups)
    field_paid : ndarray (n_simulations,) or None
        Total prize paid to field entries (``track_field=True`` only).
    """

    per_lineup: pd.DataFrame
    portfolio: dict
    roi_samples: np.ndarray
    ranks: np.ndarray
    n_scenarios: int
    n_field_draws: int
    contest_size: int
    entry_fee: float
    field_paid: np.ndarray | None = None
    notes: list = field(default_factory=list)
    groups: np.ndarray | None = None

    def subset(self, columns) -> "ContestResult":
        """The result of some of the lineups (``columns``: indices), scored as one portfolio.

        With ``groups`` (several contests against the same fields) pass the lineups of one group: they are the
        ones that competed with each other.
        """
        cols = np.asarray(columns, dtype=np.int64)
        roi, rank = self.roi_samples[:, cols], self.ranks[:, cols]
        pay = (roi + 1.0) * self.entry_fee
        top_k = max(1, int(np.ceil(0.01 * self.contest_size)))
        best = rank.min(1, keepdims=True)
        tot = pay.sum(1, keepdims=True)
        port = _summary(tot / (len(cols) * self.entry_fee) - 1.0, tot, best, (pay > 0).any(1, keepdims=True),
                        best == 1, best <= top_k, self.n_field_draws, self.n_scenarios)
        from ..utils.display import Metrics

        portfolio = Metrics({k: (float(v[0]) if k not in ("best_rank", "worst_rank") else int(v[0]))
                             for k, v in port.items()})
        portfolio["best_rank"] = int(rank.min())
        portfolio["n_simulations"] = int(self.n_simulations)
        portfolio["n_lineups"] = int(len(cols))
        return dataclasses.replace(self, per_lineup=self.per_lineup.iloc[cols].reset_index(drop=True),
                                   portfolio=portfolio, roi_samples=roi, ranks=rank, field_paid=None,
                                   groups=None if self.groups is None else self.groups[cols])

    @property
    def n_simulations(self) -> int:
        """Simulated contests: scenarios x field draws."""
        return self.n_scenarios * self.n_field_draws

    def _repr_html_(self) -> str:
        from ..utils.display import contest_html

        return contest_html(self)

    def plot_roi(self, ax=None):
        """Histogram of the portfolio's simulated ROI (percent); returns the matplotlib Axes."""
        from ..plots import roi_distribution

        return roi_distribution(self.roi_samples.mean(1), ax=ax)


def _mc_se(x: np.ndarray, n_draws: int, n_scen: int, std: np.ndarray | None = None) -> np.ndarray:
    """Monte Carlo SE of the mean of x (n_sims, k) laid out (draw, scenario).

    Simulations sharing a scenario or a field are correlated (crossed design),
    so with >= 2 field draws SE^2 = Var(scenario means)/S + Var(draw means)/D
    (conservative); with one draw the SE is conditional on that field
    (``std``: the column standard deviations when already known).
    """
    k = x.shape[1]
    if n_scen < 2 and n_draws < 2:
        return np.full(k, np.nan)
    if n_draws == 1:
        return (x.std(axis=0, ddof=1) if std is None else std) / np.sqrt(n_scen)
    x = x.reshape(n_draws, n_scen, k)
    v = np.zeros(k)
    if n_scen >= 2:
        v += x.mean(axis=0).var(axis=0, ddof=1) / n_scen
    v += x.mean(axis=1).var(axis=0, ddof=1) / n_draws
    return np.sqrt(v)


def random_portfolio_figures(result: "ContestResult", group_size: int) -> dict:
    """Portfolio figures of a portfolio DRAWN AT RANDOM, from many such portfolios simulated at once.

    The lineups of ``result`` (a random sample, e.g. drawn like the field) are split in order into
    ``len // group_size`` portfolios of ``group_size``; each is scored as a portfolio in every simulated
    contest (ROI of its summed payouts; cash / win / top 1% = any of its lineups does) and the figures are
    averaged over the portfolios. Each standard error covers both random parts: the simulated contests
    (crossed scenarios x field draws) and which lineups were drawn (the spread between the portfolios):
    ``se^2 = se_contests^2 + Var(portfolio means) / n_portfolios``.

    Returns
    -------
    dict
        The keys of ``ContestResult.portfolio`` (``roi_mean``, ``roi_se``, ``roi_p5``, ``roi_p95``, ``cash_pct``,
        ``cash_se``, ``win_pct``, ``win_se``, ``top1_pct``, ``top1_se``, ``best_rank``, ``n_simulations``) plus
        ``n_portfolios``.
    """
    roi, rank = result.roi_samples, result.ranks
    n_sims, k = roi.shape
    g = int(group_size)
    B = k // g
    if g < 1 or B < 1:
        raise InputError(f"group_size: {group_size} must be between 1 and the {k} lineups of the result")
    top_k = max(1, int(np.ceil(0.01 * result.contest_size)))
    r = roi[:, :B * g].reshape(n_sims, B, g)
    rk = rank[:, :B * g].reshape(n_sims, B, g)
    figures = {"roi": r.mean(2), "cash": 100.0 * (r > -1.0).any(2), "win": 100.0 * (rk == 1).any(2),
               "top1": 100.0 * (rk <= top_k).any(2)}
    D, S = result.n_field_draws, result.n_scenarios
    out = {}
    for name, x in figures.items():  # x: (n_sims, B)
        mc = _mc_se(x.mean(1, keepdims=True), D, S)[0]
        between = x.mean(0).var(ddof=1) / B if B > 1 else np.nan
        out[f"{name}_mean" if name == "roi" else f"{name}_pct"] = float(x.mean())
        out[f"{name}_se"] = float(np.sqrt(mc ** 2 + (0.0 if B < 2 else between)))
    out["roi_p5"], out["roi_p95"] = (float(v) for v in np.percentile(figures["roi"], [5, 95]))
    out["roi_std"] = float(figures["roi"].std(ddof=1))
    out["best_rank"] = int(rk.min())
    out["n_simulations"] = int(n_sims)
    out["n_portfolios"] = int(B)
    out["n_lineups"] = g
    return out


def _rate_from_count(count: np.ndarray, indicator, n_draws: int, n_scen: int):
    """Mean and Monte Carlo SE (percent) of a 0/1 indicator from its count per column.

    With one field draw the SE follows from the count (sum (x - p)^2 = c - c^2 / n); the crossed
    design (several draws) needs the indicator itself (``indicator()`` builds it).
    """
    n = n_draws * n_scen
    c = np.asarray(count, dtype=np.float64)
    if n_draws == 1 and n_scen >= 2:
        std = np.sqrt(np.maximum(c - c * c / n, 0.0) / (n - 1))
        return 100.0 * c / n, 100.0 * std / np.sqrt(n_scen)
    return 100.0 * c / n, 100.0 * _mc_se(indicator().astype(np.float64), n_draws, n_scen)


def _rate(ind: np.ndarray, n_draws: int, n_scen: int):
    """Mean and Monte Carlo SE of a 0/1 indicator (n_sims, k), both in percent."""
    return _rate_from_count(np.count_nonzero(ind, axis=0), lambda: ind, n_draws, n_scen)


def _summary(roi: np.ndarray, pay: np.ndarray, rank: np.ndarray, cash: np.ndarray, win: np.ndarray,
             top1: np.ndarray, n_draws: int, n_scen: int) -> dict:
    std = roi.std(0, ddof=1) if len(roi) > 1 else np.zeros(roi.shape[1])
    p5, p95 = np.percentile(roi, [5, 95], axis=0)
    out = {"roi_mean": roi.mean(0), "roi_se": _mc_se(roi, n_draws, n_scen, std), "roi_std": std,
           "roi_p5": p5, "roi_p95": p95}
    for name, ind in (("cash", cash), ("win", win), ("top1", top1)):
        out[f"{name}_pct"], out[f"{name}_se"] = _rate(ind, n_draws, n_scen)
    out["best_rank"] = rank.min(0)
    out["worst_rank"] = rank.max(0)
    out["best_payout"] = pay.max(0)
    return out


def _score_chunk(P, M64, grp, n_grp, terms, cnt, use_pairs, cum, track_field):
    """One scenario chunk of one field draw (a Dask task): my lineups' prizes and ranks, and the field's prizes."""
    from . import _kernels

    m = M64.shape[0]
    pay = np.empty((P.shape[0], m))
    rank = np.empty((P.shape[0], m), dtype=np.int64)
    args = (M64, terms, cnt, use_pairs, cum)
    _kernels.run_threads(_kernels.score_contest, P, (pay, rank), M64, grp, n_grp, *args[1:])
    fp = None
    if track_field:
        fp = np.empty(P.shape[0])
        _kernels.run_threads(_kernels.field_paid, P, (fp,), *args)
    return pay, rank, fp


class ContestSimulator:
    """Rank my lineups against a sampled field in every simulated contest and pay them.

    Parameters
    ----------
    payouts : PayoutTable
        The contest's payout table (a real one, or :meth:`PayoutCurveFitter.generate`).
    field_size : int
        Number of OPPONENT entries. The contest holds ``field_size + len(my_lineups)``
        entries: my lineups take places too.
    entry_fee : float
        Fee per entry (> 0).
    n_field_draws : int
        Fields sampled per run; each faces every scenario, so
        ``n_simulations = n_scenarios x n_field_draws``.
    chunk_size : int, optional
        Scenarios per kernel call (the progress bar's step); default ~5e7 field
        scorings per call. Work memory does not depend on it: the kernel holds
        O(my lineups + distinct field lineups) per thread, whatever the field
        size or scenario count.
    random_state : int or Generator, optional
        Seed of the field draws.
    progress : bool, optional
        tqdm progress bar; None = only when stderr is a terminal.

    Notes
    -----
    Points are rounded to 0.01 per player and summed as integers (centipoints),
    so equal lineups tie exactly; DK shows points to 0.01. The field is
    reduced to its distinct lineups with their entry counts; in every scenario
    each distinct lineup is scored once and counted into the gaps between my
    lineups' scores (a compiled kernel, :mod:`dfslab.contest._kernels`; no
    field sort). Ranks and tie-split prizes are the same as
    :func:`~dfslab.contest.rank_and_pay` gives on the whole contest: rank =
    1 + entries ahead (field and my own lineups: a portfolio competes with
    itself); field duplicates of my lineup tie with it and split the prizes.
    Scenarios run in parallel threads (``numba.get_num_threads()``: the cores, or
    ``NUMBA_NUM_THREADS``); results do not depend on the thread count. The first simulation
    in a fresh install compiles the kernel (cached on disk afterwards).

    When a slate is known (``slate=`` or the sampler's), every field draw is
    checked (known players, no player twice, slots, salary cap); an illegal
    field raises :class:`~dfslab.InputError` naming the draw and lineup.

    Examples
    --------
    >>> import numpy as np
    >>> from dfslab import PayoutTable, demo_slate
    >>> from dfslab.contest import ContestSimulator
    >>> s = demo_slate()
    >>> pts = np.random.default_rng(0).gamma(4.0, 8.0, (200, s.n_players))
    >>> field = np.random.default_rng(1).permuted(np.tile(np.arange(s.n_players), (99, 1)), axis=1)[:, :6]
    >>> t = PayoutTable.from_rows([(1, 1, 300.0), (2, 5, 100.0), (6, 20, 20.0)])
    >>> cs = ContestSimulator(t, field_size=99, entry_fee=10.0, random_state=0)
    >>> res = cs.simulate([[0, 1, 2, 3, 4, 5]], pts, field)
    >>> res.portfolio["n_simulations"], round(float(res.roi_samples.mean()), 6) == round(res.portfolio["roi_mean"], 6)
    (200, True)
    """

    def _repr_html_(self) -> str:
        from ..utils.display import settings_html
        return settings_html(self, ('field_size', 'entry_fee', 'n_field_draws', 'random_state'), [f"payouts: pool ${self.payouts.pool:,.2f}, {self.payouts.n_paid:,} paid places; contest of field_size + my lineups"])

    def __init__(self, payouts, field_size: int, entry_fee: float, n_field_draws: int = 1,
                 chunk_size: int | None = None, random_state=None, progress: bool | None = None):
        if not isinstance(payouts, PayoutTable):
            raise InputError(f"payouts: expected a PayoutTable, got {type(payouts).__name__} "
                             "(build one with PayoutTable.from_rows / read_payout_table / PayoutCurveFitter.generate)")
        self.field_size = check_number("field_size", field_size, lo=1, integer=True)  # opponent entries
        self.entry_fee = check_number("entry_fee", entry_fee, lo=0, lo_open=True)
        self.n_field_draws = check_number("n_field_draws", n_field_draws, lo=1, integer=True)
        self.chunk_size = check_number("chunk_size", chunk_size, lo=1, integer=True, allow_none=True)
        # each field draw is a (field_size, roster) int64 array, plus its sampler's work arrays
        check_memory(FIELD_BYTES_PER_ENTRY * self.field_size, what="ContestSimulator", param="field_size",
                     value=self.field_size, detail=f"about {FIELD_BYTES_PER_ENTRY:,} bytes per sampled entry")
        self.payouts = payouts
        self.random_state = check_seed(random_state)
        self.progress = progress

    # ------------------------------------------------------------------
    def _points_keys(self, points, n_players: int | None) -> np.ndarray:
        P = check_float_array("points", points)
        if P.ndim != 2:
            raise InputError(f"points: expected an (n_scenarios, n_players) matrix, got shape {P.shape}")
        if P.shape[0] < 1:
            raise InputError("points: n_scenarios must be >= 1, got 0 rows")
        if n_players is not None and P.shape[1] != n_players:
            raise InputError(f"points: scenario width {P.shape[1]} does not match the slate's {n_players} players")
        if not np.all(np.isfinite(P)):
            i, j = map(int, np.argwhere(~np.isfinite(P))[0])
            raise InputError(f"points: NaN or infinite value in scenario {i}, player {j}")
        K = np.rint(P * 100.0)
        if np.abs(K).max() * 20 >= 2 ** 31:
            raise InputError("points: values too large (|points| must stay below ~1e6)")
        return K.astype(np.int32)

    def _field_source(self, field_sampler):
        if hasattr(field_sampler, "sample"):
            slate = getattr(field_sampler, "slate", None)
            return slate, (lambda n, rng: field_sampler.draw_field(n, rng) if hasattr(field_sampler, "draw_field")
                           else field_sampler.sample(n, random_state=rng)), False
        F = np.asarray(field_sampler)
        if F.ndim != 2 or not np.issubdtype(F.dtype, np.integer):
            raise InputError("field_sampler: expected a FieldLineupSampler or a fixed (field_size, roster) int array")
        if len(F) != self.field_size:
            raise InputError(f"field_sampler: a fixed field has {len(F)} lineups but field_size={self.field_size}")
        return None, (lambda n, rng: F), True

    def _check_field(self, F, d: int, R: int, n_players: int, slate) -> None:
        """A field draw is the right shape, names known players and, with a slate, is legal (vectorized)."""
        F = np.asarray(F)
        where = f"field draw {d}" if self.n_field_draws > 1 else "field"
        if F.shape != (self.field_size, R):
            raise InputError(f"{where}: expected shape ({self.field_size}, {R}), got {F.shape}")
        if not np.issubdtype(F.dtype, np.integer):
            raise InputError(f"{where}: expected integer player indices, got dtype {F.dtype}")
        if slate is not None:
            check_lineups(F, slate, name=where)  # unknown index, a player twice, slots, salary cap / minimum
            return
        bad = (F < 0) | (F >= n_players)
        if bad.any():
            i = int(np.flatnonzero(bad.any(1))[0])
            raise InputError(f"{where}: lineup {i} names unknown player index {F[i].tolist()} "
                             f"(scenarios have {n_players} players)")
        srt = np.sort(F, axis=1)
        dup = (srt[:, 1:] == srt[:, :-1]).any(1)
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            raise InputError(f"{where}: lineup {i} uses a player twice: {F[i].tolist()}")

    @staticmethod
    def _groups(groups, m: int, track_field: bool):
        """(group id per lineup int64, number of groups, lineups per group)."""
        if groups is None:
            return np.zeros(m, np.int64), 1, m
        g = np.asarray(groups)
        if g.shape != (m,) or not np.issubdtype(g.dtype, np.integer) or g.min() < 0:
            raise InputError(f"groups: one non-negative integer contest id per lineup ({m}), got {groups!r}")
        ids, counts = np.unique(g, return_counts=True)
        if not np.array_equal(ids, np.arange(len(ids))) or (counts != counts[0]).any():
            raise InputError(f"groups: contest ids must be 0..k-1 with the same number of lineups each, got "
                             f"{dict(zip(ids.tolist(), counts.tolist()))}")
        if track_field and len(ids) > 1:
            raise InputError("track_field: the field's prizes are for one contest; not with several groups")
        return g.astype(np.int64), int(len(ids)), int(counts[0])

    def simulate(self, my_lineups, points, field_sampler, slate=None, track_field: bool = False,
                 client=None, groups=None) -> ContestResult:
        """Simulate the contest.

        Parameters
        ----------
        my_lineups : array_like (n_lineups, roster_size)
            My lineups (row indices into the slate), one or a portfolio.
        points : array_like (n_scenarios, n_players)
            DK points of every player in every scenario (e.g. ``RaceScenarios.points``).
        field_sampler : FieldLineupSampler or int array (field_size, roster_size)
            Draws the opponents (a fixed array = the same field every draw).
        slate : Slate, optional
            Used to check my lineups and every field draw; defaults to ``field_sampler.slate``.
        track_field : bool
            Also pay every field entry (``ContestResult.field_paid``); a second, slower pass.
        client : dask.distributed.Client, optional
            Score the scenario chunks as Dask tasks (a LocalCluster from :func:`dfslab.parallel.get_client`
            or a remote scheduler). Field draws are made here, in order, from ``random_state``, and each
            chunk's result lands in its own rows, so the result equals the serial run exactly.
        groups : array_like of int (n_lineups,), optional
            Several contests at once against the same sampled fields: lineup i is in contest ``groups[i]``
            (0, 1, ...; every group the same size) and competes only with the lineups of its group, in a contest
            of ``field_size`` opponents plus its group. ``portfolio`` is then group 0's; :meth:`ContestResult.subset`
            gives any group's (common random numbers: the groups differ only by their lineups).
        """
        fs_slate, draw, fixed = self._field_source(field_sampler)
        slate = slate if slate is not None else fs_slate
        n_players = slate.n_players if slate is not None else None
        P = self._points_keys(points, n_players)
        n_players = P.shape[1]
        if slate is not None:
            M = check_lineups(my_lineups, slate, name="my_lineups")
        else:
            M = np.asarray(my_lineups)
            M = M[None, :] if M.ndim == 1 else M
            if M.ndim != 2 or not np.issubdtype(M.dtype, np.integer) or M.size == 0:
                raise InputError(f"my_lineups: expected a non-empty (n, roster) int array, got shape {M.shape}")
            if M.min() < 0 or M.max() >= n_players:
                raise InputError(f"my_lineups: unknown player index (scenarios have {n_players} players)")
            srt = np.sort(M, 1)
            if (srt[:, 1:] == srt[:, :-1]).any():
                raise InputError(f"my_lineups: lineup {int(np.flatnonzero((srt[:, 1:] == srt[:, :-1]).any(1))[0])} "
                                 "uses a player twice")
        m, R = M.shape
        if m > MAX_MY_LINEUPS:
            raise InputError(f"my_lineups: {m:,} lineups; the simulator takes at most {MAX_MY_LINEUPS:,} at once "
                             "(DK allows 150 entries per user)")
        S = P.shape[0]
        D = self.n_field_draws
        grp, n_grp, g_size = self._groups(groups, m, track_field)
        N = self.field_size + g_size
        # results kept per simulated contest and lineup: payout, rank and ROI (8 bytes each), + field_paid
        check_memory((24.0 * m + 8.0 * track_field) * D * S, what="ContestSimulator.simulate",
                     param="n_field_draws" if D >= S else "n_scenarios", value=D if D >= S else S,
                     detail=f"{D:,} field draws x {S:,} scenarios x {m:,} lineups x 24 bytes of results")
        notes = []
        fees = N * self.entry_fee
        if self.payouts.pool > fees + 1e-9:
            msg = (f"overlay: the prize pool {self.payouts.pool:,.2f} exceeds the {N:,} entries' fees "
                   f"{fees:,.2f} (legal: DK covers the guarantee; ROI over all entries is positive)")
            notes.append(msg)
            warnings.warn(msg, UserWarning, stacklevel=2)
        if self.payouts.n_paid > N:
            notes.append(f"the table pays {self.payouts.n_paid:,} places but the contest has {N:,} entries: "
                         "places beyond the contest are not paid")
        cum = prize_cumsum(self.payouts, N)
        from . import _kernels  # numba: loaded (and compiled / read from its cache) on the first simulation

        # kernel calls of ~5e7 field scorings: progress-bar granularity only (work memory does not depend on it)
        chunk = self.chunk_size or max(1, min(S, int(5e7 // self.field_size)))
        rng = np.random.default_rng(self.random_state)
        pay = np.empty((D * S, m))
        rank = np.empty((D * S, m), dtype=np.int64)
        field_paid = np.empty(D * S) if track_field else None
        show = self.progress if self.progress is not None else sys.stderr.isatty()
        bar = None
        if show:
            from tqdm.auto import tqdm
            bar = tqdm(total=D * S, unit="scen", desc="contest sim")
        M64 = np.ascontiguousarray(M, dtype=np.int64)
        if client is not None:
            # about two tasks per worker and field draw, unless the user set the chunk size
            n_workers = max(1, len(client.scheduler_info().get("workers", {})))
            chunk = self.chunk_size or max(1, -(-S // (2 * n_workers)))
            P_fut = [(s0, min(S, s0 + chunk), client.scatter([P[s0:min(S, s0 + chunk)]])[0])
                     for s0 in range(0, S, chunk)]
            jobs = []
        prev = None
        for d in range(D):
            F = draw(self.field_size, rng)
            if prev is None or not fixed:  # a fixed field: the same distinct lineups every draw
                self._check_field(F, d, R, n_players, slate)
                U, cnt = _kernels.distinct_lineups(F, n_players)
                prev = _kernels.field_terms(U, n_players) + (cnt,)
            terms, use_pairs, cnt = prev
            if client is not None:
                shared = client.scatter([(M64, grp, n_grp, terms, cnt, use_pairs, cum)], broadcast=True)[0]
                for s0, s1, pf in P_fut:
                    jobs.append((d * S + s0, d * S + s1, client.submit(
                        lambda p, sh, tf: _score_chunk(p, *sh, tf), pf, shared, track_field, pure=False)))
                continue
            for s0 in range(0, S, chunk):
                s1 = min(S, s0 + chunk)
                r0, r1 = d * S + s0, d * S + s1
                args = (M64, terms, cnt, use_pairs, cum)
                _kernels.run_threads(_kernels.score_contest, P[s0:s1], (pay[r0:r1], rank[r0:r1]), M64, grp, n_grp,
                                     *args[1:])
                if track_field:
                    _kernels.run_threads(_kernels.field_paid, P[s0:s1], (field_paid[r0:r1],), *args)
                if bar is not None:
                    bar.update(s1 - s0)
        if client is not None:
            from dask.distributed import as_completed

            where = {f.key: (r0, r1) for r0, r1, f in jobs}
            for fut in as_completed([f for _, _, f in jobs]):
                r0, r1 = where[fut.key]
                cp, cr, cf = fut.result()
                pay[r0:r1], rank[r0:r1] = cp, cr
                if track_field:
                    field_paid[r0:r1] = cf
                if bar is not None:
                    bar.update(r1 - r0)
        if bar is not None:
            bar.close()
        top_k = max(1, int(np.ceil(0.01 * N)))
        # one compiled pass: ROI samples, per-lineup moments, counts and extremes, per-row portfolio totals
        roi = np.empty_like(pay)
        mean, var, n_cash, n_win, n_top, rmin, rmax, pmax, tot, best, anyc = _kernels.lineup_stats(
            pay, rank, self.entry_fee, top_k, roi)
        std = np.sqrt(var)
        p5, p95 = _kernels.column_percentiles(roi, 5 / 100, 95 / 100)  # numpy's default (linear) percentiles
        per = {"roi_mean": mean, "roi_se": _mc_se(roi, D, S, std), "roi_std": std, "roi_p5": p5, "roi_p95": p95,
               "best_rank": rmin, "worst_rank": rmax, "best_payout": pmax}
        for name, c, ind in (("cash", n_cash, lambda: pay > 0), ("win", n_win, lambda: rank == 1),
                             ("top1", n_top, lambda: rank <= top_k)):
            per[f"{name}_pct"], per[f"{name}_se"] = _rate_from_count(c, ind, D, S)
        per_lineup = pd.DataFrame({k: per[k] for k in METRICS})
        res = ContestResult(per_lineup=per_lineup, portfolio={}, roi_samples=roi, ranks=rank, n_scenarios=S,
                            n_field_draws=D, contest_size=N, entry_fee=self.entry_fee, field_paid=field_paid,
                            notes=notes, groups=None if groups is None else grp)
        if n_grp > 1:  # the portfolio of group 0
            return dataclasses.replace(res, portfolio=res.subset(np.flatnonzero(grp == 0)).portfolio)
        best = best[:, None]
        tot = tot[:, None]
        port = _summary(tot / (m * self.entry_fee) - 1.0, tot, best, anyc[:, None], best == 1, best <= top_k, D, S)
        portfolio = Metrics({k: (float(v[0]) if k not in ("best_rank", "worst_rank") else int(v[0]))
                             for k, v in port.items()})
        portfolio["best_rank"] = int(rank.min())
        portfolio["n_simulations"] = int(D * S)
        portfolio["n_lineups"] = int(m)
        res.portfolio = portfolio
        return res
