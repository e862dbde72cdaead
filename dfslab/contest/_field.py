"""Opponent field: legal lineups drawn so the field's ownership matches a target."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import numpy as np

from .._errors import InfeasibleError, InputError
from ..slate import Slate, check_ownership

_NEG = -np.inf
_PARAMS_PATH = Path(__file__).resolve().parent.parent / "_data" / "field_params.json"


def default_field_params() -> dict:
    """Field-behaviour defaults fitted on the real DK GPP fields (``dfslab/_data/field_params.json``).

    Keys: ``salary_left_scale`` (dollars per $50,000 cap), ``dup_prob``,
    ``dup_tail``, ``dup_chalk``, ``opt_share``, ``opt_noise`` (see
    :class:`FieldLineupSampler`) and ``source``.

    Examples
    --------
    >>> p = default_field_params()
    >>> sorted(k for k in p if k != "source")
    ['dup_chalk', 'dup_prob', 'dup_tail', 'opt_noise', 'opt_share', 'salary_left_scale']
    """
    d = json.loads(_PARAMS_PATH.read_text())
    return {k: d[k] for k in ("salary_left_scale", "dup_prob", "dup_tail", "dup_chalk", "opt_share", "opt_noise",
                              "source")}


def _zipf_pmf(alpha: float, kmax: int) -> np.ndarray:
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

    *Field strength* (with ``projections``): real fields hold many
    optimizer-built lineups near the projection frontier, which a product
    law calibrated to ownership cannot express (a per-player projection tilt
    is absorbed by the calibration). A share ``opt_share`` of the fresh
    lineups is therefore drawn as the best lineup under a perturbed lineup
    projection, ``argmax_L [proj_z(L) + opt_noise x Gumbel_L]`` over the
    ownership-weighted legal lineups (``proj_z`` = summed player projections in
    SDs of the player projections), i.e. exactly the same DP sampler with
    log-weights ``log w + proj_z / opt_noise``. The player weights ``w`` are
    shared and calibrated on the MIXTURE, so the combined field still matches
    the target ownership while its strength (projected points) comes from the
    optimizer share.

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
    max_seconds : float
        Time budget of :meth:`fit` (it stops with the best weights so far and
        warns; the rebalance still matches the target).
    projections : array_like, optional
        Projected points per player (e.g. the slate's projection or the
        simulated mean). None = no strength component (ownership-only field,
        the behaviour before the strength model).
    opt_share, opt_noise : float or "default"
        Share of optimizer-style fresh lineups and their lineup-score noise
        (Gumbel scale, in SDs of the player projections); "default" = fitted on
        the real MLB GPP fields (``field_strength_check``). Used only with
        ``projections``; ``opt_share=0`` turns the component off.

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
                 max_seconds: float = 30.0, projections=None, opt_share="default", opt_noise="default"):
        if not isinstance(slate, Slate):
            raise InputError(f"slate: expected a dfslab Slate, got {type(slate).__name__}")
        self.slate = slate
        self.rules = slate.rules
        self.ownership = check_ownership(ownership, slate.rules, slate.n_players)
        cap = self.rules.salary_cap
        floor = self.rules.min_salary if salary_floor is None else salary_floor
        if not float(floor).is_integer() or not 0 <= floor <= cap:
            raise InputError(f"salary_floor must be a whole number in [0, cap={cap}], got {salary_floor!r}")
        d = default_field_params()
        salary_left_scale = d["salary_left_scale"] if isinstance(salary_left_scale, str) and \
            salary_left_scale == "default" else salary_left_scale
        if salary_left_scale is not None and not salary_left_scale > 0:
            raise InputError(f"salary_left_scale must be > 0 dollars or None, got {salary_left_scale!r}")
        vals = {}
        for name, v in (("dup_prob", dup_prob), ("dup_tail", dup_tail), ("dup_chalk", dup_chalk),
                        ("opt_share", opt_share), ("opt_noise", opt_noise)):
            v = d[name] if isinstance(v, str) and v == "default" else v
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise InputError(f"{name} must be a number or 'default', got {v!r}") from None
            vals[name] = v
        if not 0 <= vals["dup_prob"] < 1:
            raise InputError(f"dup_prob must be in [0, 1), got {vals['dup_prob']!r}")
        if not vals["dup_tail"] > 0 or not np.isfinite(vals["dup_chalk"]):
            raise InputError(f"dup_tail must be > 0 and dup_chalk finite, got {vals['dup_tail']!r}, "
                             f"{vals['dup_chalk']!r}")
        if not 0 <= vals["opt_share"] < 1 or not vals["opt_noise"] > 0:
            raise InputError(f"opt_share must be in [0, 1) and opt_noise > 0, got {vals['opt_share']!r}, "
                             f"{vals['opt_noise']!r}")
        if projections is not None:
            pr = np.asarray(projections, dtype=float)
            if pr.shape != (slate.n_players,):
                raise InputError(f"projections: expected shape ({slate.n_players},), got {pr.shape}")
            if not np.isfinite(pr).all():
                raise InputError(f"projections: NaN or infinite value for player {int(np.flatnonzero(~np.isfinite(pr))[0])}")
            projections = pr
        if ownership_sampler is not None and not callable(ownership_sampler):
            raise InputError("ownership_sampler must be a callable (n, rng) -> (n, n_players) ownership matrix")
        if not n_calibration >= 1000:
            raise InputError(f"n_calibration must be >= 1000, got {n_calibration}")
        if not max_seconds > 0:
            raise InputError(f"max_seconds must be > 0, got {max_seconds!r}")
        self.salary_floor = int(floor)
        self.salary_left_scale = None if salary_left_scale is None else float(salary_left_scale) * cap / 50_000
        self.dup_prob, self.dup_tail, self.dup_chalk = vals["dup_prob"], vals["dup_tail"], vals["dup_chalk"]
        self.ownership_sampler = ownership_sampler
        self.projections = projections
        self.opt_share, self.opt_noise = vals["opt_share"], vals["opt_noise"]
        self._opt_tilt = None
        if projections is not None and self.opt_share > 0:
            live = self.ownership > 0
            sd = projections[live].std() if live.sum() > 1 else 0.0
            if sd > 0:  # in SDs of the owned players' projections: one scale across sports and slates
                self._opt_tilt = (projections - projections[live].mean()) / sd / self.opt_noise
        self.match_ownership = bool(match_ownership)
        self.match_tol = float(match_tol)
        self.n_calibration = int(n_calibration)
        self.max_iter = int(max_iter)
        self.calibration_tol = float(calibration_tol)
        self.max_seconds = float(max_seconds)
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

    def _budget_table(self, logw: np.ndarray):
        """Log partition function of the remaining slots by remaining budget (dynamic programme over salary).

        ``logZ[t][b]`` = log of the summed ``prod(w) x exp(-salary_left / scale)``
        over the ways to fill slots ``t..R-1`` (fill order) with ``b`` salary units
        left (a player may repeat inside this sum: the only approximation).
        Sampling slot ``t`` with keys ``log w_j + logZ[t+1][b - u_j]`` then draws
        whole lineups from the salary-tilted product law, with no rejection and
        no forced fill-ins, so the weights stay calibratable.
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
        live = np.isfinite(logw)
        w = np.where(live, np.exp(np.where(live, logw - logw[live].max(), 0.0)), 0.0)
        Z = [None] * R + [zR]
        for t in range(R - 1, -1, -1):
            j = self.slot_order[t]
            m = self.elig[:, j] & live
            W = np.bincount(u[m], weights=w[m], minlength=B + 1)[:B + 1]
            z = np.convolve(W, Z[t + 1])[:B + 1]
            Z[t] = z / max(z.max(), 1e-300) if t else z  # rescale: only ratios matter within a step
        with np.errstate(divide="ignore"):
            logZ = [np.log(z) for z in Z]
        return logZ, u, B

    def _draw_raw(self, n: int, logw: np.ndarray, rng) -> np.ndarray:
        """Lineups from the salary-tilted product law (see :meth:`_budget_table`); -1 where a slot died."""
        R = self.rules.roster_size
        logZ, u, B = self._budget_table(logw)
        out = np.full((n, R), -1, dtype=np.int64)
        budget = np.full(n, B, dtype=np.int64)
        rows = np.arange(n)
        live = np.isfinite(logw)
        for step, j in enumerate(self.slot_order):
            cand = np.flatnonzero(self.elig[:, j] & live)
            if len(cand) == 0:
                continue
            rest = budget[:, None] - u[cand][None, :]
            keys = logw[cand][None, :] + logZ[step + 1][np.maximum(rest, 0)]
            keys = np.where(rest >= 0, keys, -np.inf)
            if step:
                taken = out[:, self.slot_order[:step]]
                keys = np.where((taken[:, :, None] == cand[None, None, :]).any(1), -np.inf, keys)
            g = -np.log(np.maximum(rng.standard_exponential(size=keys.shape), 1e-300))
            keys = keys + g
            k = keys.argmax(1)
            dead = ~np.isfinite(keys[rows, k])
            pick = cand[k]
            out[:, j] = np.where(dead, -1, pick)
            budget -= np.where(dead, 0, u[pick])
        return out

    def _draw_mix(self, n: int, logw: np.ndarray, rng) -> np.ndarray:
        """``n`` fresh lineups: ``opt_share`` optimizer-style (projection-tilted) and the rest product-form, shuffled."""
        if self._opt_tilt is None:
            return self._draw(n, logw, rng)
        k = int(rng.binomial(n, self.opt_share))
        L = np.concatenate([self._draw(n - k, logw, rng), self._draw(k, logw + self._opt_tilt, rng)]) if k else \
            self._draw(n, logw, rng)
        return L[rng.permutation(n)]

    def _accept(self, L: np.ndarray) -> np.ndarray:
        ok = (L >= 0).all(1)
        sal = self.sal[np.where(L >= 0, L, 0)].sum(1)
        return ok & (sal <= self.rules.salary_cap) & (sal >= self.salary_floor)

    def _draw(self, n: int, logw: np.ndarray, rng) -> np.ndarray:
        """``n`` legal lineups (vectorized batches sized from the measured acceptance)."""
        got, have, rate = [], 0, 1.0
        if n <= 0:
            return np.empty((0, self.rules.roster_size), dtype=np.int64)
        t0 = time.perf_counter()
        for _ in range(200):
            need = n - have
            m = int(min(max(need / max(rate, 1e-3) * 1.05 + 16, 64), 400_000))
            L = self._draw_raw(m, logw, rng)
            ok = self._accept(L)
            rate = max(ok.mean(), 1e-3)
            self.acceptance_ = float(ok.mean())
            L = L[ok][:need]
            got.append(L)
            have += len(L)
            if have >= n:
                return np.concatenate(got)
            if time.perf_counter() - t0 > max(10.0, self.max_seconds):
                break
        raise InfeasibleError(f"field: only {have} of {n} legal lineups (acceptance {rate:.2%}, "
                              f"{time.perf_counter() - t0:.0f} s); lower salary_floor")

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
        pmf = _zipf_pmf(self.dup_tail, self._kmax(n))
        ek = float((np.arange(1, len(pmf) + 1) * pmf).sum())
        return 1.0 + self._dup_prob_of(self._chalk_z(L, target)) * ek

    def _split_dups(self, pool: np.ndarray, n: int, target: np.ndarray, rng):
        """Frozen duplicate groups (rows repeated) and the remaining single lineups of a fresh pool."""
        p = self._dup_prob_of(self._chalk_z(pool, target))
        flag = rng.random(len(pool)) < p
        pmf = _zipf_pmf(self.dup_tail, self._kmax(n))
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
        points, ``max_iter`` or ``max_seconds`` (``calibration_error_`` = max
        gap, ``fit_seconds_`` = time spent).
        """
        t = self.ownership
        logw = np.where(t > 0, np.log(np.maximum(t, 1e-12)), _NEG)
        n = self.n_calibration
        seed = int(np.random.default_rng(self.random_state).integers(2 ** 31))
        best = (np.inf, logw)
        t0 = time.perf_counter()
        it = 0
        for it in range(self.max_iter):
            # common random numbers: the same seed every iteration keeps the updates smooth
            L = self._draw_mix(n, logw, np.random.default_rng(seed))
            w = self._expected_mult(L, t, n)
            own = 100.0 * np.bincount(L.ravel(), weights=np.repeat(w, L.shape[1]), minlength=len(t)) / w.sum()
            err = np.abs(own - t).max()
            if err < best[0]:
                best = (err, logw.copy())
            if err < self.calibration_tol:
                break
            if time.perf_counter() - t0 > self.max_seconds:
                warnings.warn(f"FieldLineupSampler.fit stopped after {self.max_seconds:.0f} s at max ownership "
                              f"gap {best[0]:.2f} pp (sample() rebalances the rest)", UserWarning, stacklevel=2)
                break
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
        if not float(k).is_integer() or not 1 <= int(k) <= int(field_size):
            raise InputError(f"k must be a whole number in 1..field_size={field_size}, got {k!r}")
        rng = np.random.default_rng(random_state)
        F = self.sample(int(field_size), random_state=rng)
        return F[rng.choice(len(F), int(k), replace=False)]

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
