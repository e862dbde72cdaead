"""Opponent field: legal lineups drawn so the field's ownership matches a target."""

from __future__ import annotations

import numpy as np

from .._errors import InfeasibleError, InputError
from ..slate import Slate, check_ownership

_NEG = -np.inf


class FieldLineupSampler:
    """Draw opponent lineups that are legal and match an ownership vector.

    Method: a lineup is drawn player by player without replacement with
    probabilities proportional to per-player weights (Gumbel top-k for
    position-less rosters; slot by slot, most constrained slot first, for
    MLB/NFL rules); a player is only offered while the lineup can still be
    completed under the cap. Lineups over the cap or under ``salary_floor`` are
    redrawn, and one leaving ``L`` dollars unused is kept with probability
    ``exp(-L / salary_left_scale)`` (real fields spend nearly the whole cap).
    :meth:`fit` calibrates the weights iteratively (multiplicative updates on
    a fixed-seed calibration field) so the expected ownership hits the target;
    :meth:`sample` then removes the remaining sampling noise by swapping
    over-owned players out for under-owned ones (same slot, salary rules kept),
    so a 10,000-entry field matches the target within ``match_tol`` points.
    Duplicates arise naturally from the concentration of ownership.

    Parameters
    ----------
    slate : Slate
    ownership : array_like
        Target ownership in percent, summing to 100 x roster size.
    random_state : int or Generator, optional
    salary_floor : int, optional
        Hard minimum lineup salary (None = the rules' ``min_salary``).
    salary_left_scale : float or None
        Dollars; soft preference for spending the cap (None = off). The default
        1,000 (per $50,000 cap) is set from the real MLB fields (see
        docs/contest_simulation.md).
    ownership_sampler : callable, optional
        ``(n, rng) -> (n, n_players)`` ownership matrix: each field draw of
        :meth:`draw_field` (one per simulated contest) uses a fresh vector.
    match_ownership : bool
        Rebalance each sampled field to the target (default True).
    match_tol : float
        Percentage points allowed after rebalancing.
    n_calibration : int
        Size of the calibration field.

    Examples
    --------
    >>> import numpy as np
    >>> from dfslab import demo_slate
    >>> from dfslab.contest import FieldLineupSampler
    >>> s = demo_slate()
    >>> own = np.full(s.n_players, 600.0 / s.n_players)
    >>> fs = FieldLineupSampler(s, own, random_state=0, salary_left_scale=None, n_calibration=2000).fit()
    >>> F = fs.sample(2000)
    >>> F.shape, bool((s.salaries[F].sum(1) <= 50000).all())
    ((2000, 6), True)
    """

    def __init__(self, slate: Slate, ownership, random_state=None, salary_floor: int | None = None,
                 salary_left_scale: float | None = 1000.0, ownership_sampler=None, match_ownership: bool = True,
                 match_tol: float = 0.25, n_calibration: int = 10000, max_iter: int = 30,
                 calibration_tol: float = 0.5):
        if not isinstance(slate, Slate):
            raise InputError(f"slate: expected a dfslab Slate, got {type(slate).__name__}")
        self.slate = slate
        self.rules = slate.rules
        self.ownership = check_ownership(ownership, slate.rules, slate.n_players)
        cap = self.rules.salary_cap
        floor = self.rules.min_salary if salary_floor is None else salary_floor
        if not float(floor).is_integer() or not 0 <= floor <= cap:
            raise InputError(f"salary_floor must be a whole number in [0, cap={cap}], got {salary_floor!r}")
        if salary_left_scale is not None and not salary_left_scale > 0:
            raise InputError(f"salary_left_scale must be > 0 dollars or None, got {salary_left_scale!r}")
        if ownership_sampler is not None and not callable(ownership_sampler):
            raise InputError("ownership_sampler must be a callable (n, rng) -> (n, n_players) ownership matrix")
        if not n_calibration >= 1000:
            raise InputError(f"n_calibration must be >= 1000, got {n_calibration}")
        self.salary_floor = int(floor)
        self.salary_left_scale = None if salary_left_scale is None else float(salary_left_scale) * cap / 50_000
        self.ownership_sampler = ownership_sampler
        self.match_ownership = bool(match_ownership)
        self.match_tol = float(match_tol)
        self.n_calibration = int(n_calibration)
        self.max_iter = int(max_iter)
        self.calibration_tol = float(calibration_tol)
        self.random_state = random_state
        self._rng = np.random.default_rng(random_state)
        self.sal = slate.salaries.astype(np.int64)
        R = self.rules.roster_size
        self.elig = np.ones((slate.n_players, R), dtype=bool) if self.rules.is_positionless else \
            self.rules.eligible_matrix(slate.players["position"])
        # slot fill order: fewest eligible players first (FLEX-like slots last)
        self.slot_order = np.argsort(self.elig.sum(0), kind="stable")
        self._check_feasible()
        self.logw_ = None
        self.n_iter_ = 0
        self.calibration_error_ = None

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

    def _min_cost_after(self):
        """Cheapest possible salary of the slots filled after each step (lower bound)."""
        cheapest = np.array([self.sal[self.elig[:, j]].min() for j in range(self.rules.roster_size)])
        c = cheapest[self.slot_order]
        return np.concatenate([np.cumsum(c[::-1])[::-1][1:], [0]])

    def _draw_raw(self, n: int, logw: np.ndarray, rng) -> np.ndarray:
        P = len(logw)
        R = self.rules.roster_size
        if self.rules.is_positionless:
            keys = logw[None, :] + rng.gumbel(size=(n, P))
            return np.argpartition(-keys, R - 1, axis=1)[:, :R]
        cap = self.rules.salary_cap
        after = self._min_cost_after()
        out = np.full((n, R), -1, dtype=np.int64)
        used = np.zeros((n, P), dtype=bool)
        spent = np.zeros(n, dtype=np.int64)
        rows = np.arange(n)
        for step, j in enumerate(self.slot_order):
            ok = self.elig[:, j][None, :] & ~used & (spent[:, None] + self.sal[None, :] + after[step] <= cap)
            keys = np.where(ok, logw[None, :] + rng.gumbel(size=(n, P)), _NEG)
            pick = keys.argmax(1)
            dead = ~np.isfinite(keys[rows, pick])
            pick = np.where(dead, 0, pick)
            out[:, j] = np.where(dead, -1, pick)
            used[rows, pick] |= ~dead
            spent += np.where(dead, 0, self.sal[pick])
        return out

    def _accept(self, L: np.ndarray, rng) -> np.ndarray:
        ok = (L >= 0).all(1)
        sal = self.sal[np.where(L >= 0, L, 0)].sum(1)
        ok &= (sal <= self.rules.salary_cap) & (sal >= self.salary_floor)
        if self.salary_left_scale is not None:
            left = self.rules.salary_cap - sal
            ok &= rng.random(len(L)) < np.exp(-np.maximum(left, 0) / self.salary_left_scale)
        return ok

    def _draw(self, n: int, logw: np.ndarray, rng) -> np.ndarray:
        R = self.rules.roster_size
        got, have, rate = [], 0, 0.5
        for _ in range(500):
            need = n - have
            m = int(min(max(need / max(rate, 1e-3) * 1.2, 64), 300_000))
            L = self._draw_raw(m, logw, rng)
            ok = self._accept(L, rng)
            rate = max(ok.mean(), 1e-3)
            L = L[ok][:need]
            got.append(L)
            have += len(L)
            if have >= n:
                return np.concatenate(got) if got else np.empty((0, R), dtype=np.int64)
        raise InfeasibleError(f"field: only {have} of {n} legal lineups after 500 rounds (acceptance {rate:.2%}); "
                              "lower salary_floor or salary_left_scale=None")

    # ------------------------------------------------------------------
    def fit(self, X=None, y=None) -> "FieldLineupSampler":
        """Calibrate the player weights so the expected field ownership matches the target.

        Iterates ``log w += log target - log sampled`` on a calibration
        field drawn with a fixed seed (common random numbers keep the updates
        smooth) until every player is within ``calibration_tol`` points or
        ``max_iter`` is reached (``calibration_error_`` reports the max gap).
        """
        t = self.ownership
        logw = np.where(t > 0, np.log(np.maximum(t, 1e-12)), _NEG)
        n = self.n_calibration
        seed = int(np.random.default_rng(self.random_state).integers(2 ** 31))
        best = (np.inf, logw)
        for it in range(self.max_iter):
            L = self._draw(n, logw, np.random.default_rng(seed))
            own = 100.0 * np.bincount(L.ravel(), minlength=len(t)) / n
            err = np.abs(own - t).max()
            if err < best[0]:
                best = (err, logw.copy())
            if err < self.calibration_tol:
                break
            step = np.log((t + 0.05) / (own + 0.05))
            logw = np.where(t > 0, logw + step, _NEG)
            logw = np.where(t > 0, logw - logw[t > 0].max(), _NEG)
        self.n_iter_ = it + 1
        self.calibration_error_, self.logw_ = float(best[0]), best[1]
        return self

    def _rebalance(self, L: np.ndarray, target: np.ndarray, rng, max_rounds: int = 30) -> np.ndarray:
        """Swap over-owned players for under-owned ones until every player is within match_tol."""
        n, R = L.shape
        P = len(target)
        T = target * n / 100.0
        tol = max(self.match_tol * n / 100.0, 0.5)
        cap, floor = self.rules.salary_cap, self.salary_floor
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
                keys = np.where(ok, np.log(np.maximum(deficit, 1e-12))[None, :] + rng.gumbel(size=ok.shape), _NEG)
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

    def _thin(self, L: np.ndarray, n: int, target: np.ndarray, rng) -> np.ndarray:
        """Drop the surplus lineups that carry the most over-owned players (all stay legal).

        Swaps alone cannot lift an expensive under-owned player when the cap is
        nearly spent everywhere; dropping whole lineups can.
        """
        P = len(target)
        keep = np.ones(len(L), dtype=bool)
        for b in range(8):
            left = int(keep.sum()) - n
            if left <= 0:
                break
            m = int(np.ceil(left / (8 - b)))
            cur = keep.sum()
            e = np.bincount(L[keep].ravel(), minlength=P) / cur - target / 100.0
            score = e[L].sum(1) + rng.random(len(L)) * 1e-9
            score[~keep] = -np.inf
            keep[np.argpartition(-score, m - 1)[:m]] = False
        return L[keep][:n]

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
        """
        if not float(n_entries).is_integer() or int(n_entries) < 1:
            raise InputError(f"n_entries must be a whole number >= 1, got {n_entries!r}")
        n = int(n_entries)
        if self.logw_ is None:
            self.fit()
        rng = self._rng if random_state is None else np.random.default_rng(random_state)
        target, logw = self.ownership, self.logw_
        if ownership is not None:
            own = check_ownership(ownership, self.rules, self.slate.n_players)
            with np.errstate(divide="ignore", invalid="ignore"):
                adj = np.where(self.ownership > 0, np.log(np.maximum(own, 1e-9) / self.ownership), 0.0)
            logw = np.where(own > 0, np.where(np.isfinite(logw), logw, np.log(np.maximum(own, 1e-9)) - 5) + adj,
                            _NEG)
            target = own
        if not self.match_ownership:
            return self._draw(n, logw, rng)
        L = self._thin(self._draw(int(np.ceil(n * 1.25)) + 10, logw, rng), n, target, rng)
        return self._rebalance(L, target, rng)

    def draw_field(self, n_entries: int, rng) -> np.ndarray:
        """One simulated contest's field: with an ``ownership_sampler``, ownership is drawn first."""
        if self.ownership_sampler is None:
            return self.sample(n_entries, random_state=rng)
        own = np.asarray(self.ownership_sampler(1, rng), dtype=float)
        if own.ndim != 2 or own.shape != (1, self.slate.n_players):
            raise InputError(f"ownership_sampler: must return a (1, {self.slate.n_players}) matrix, got {own.shape}")
        return self.sample(n_entries, random_state=rng, ownership=own[0])

    @staticmethod
    def ownership_of(lineups, n_players: int) -> np.ndarray:
        """Percent of lineups rostering each player."""
        L = np.asarray(lineups)
        return 100.0 * np.bincount(L.ravel(), minlength=n_players) / len(L)
