"""Calibration of an ownership forecast to real DraftKings %Drafted (partial rows), with or without a vendor's
projected ownership as an input.

The base estimator is trained on full slates of PROJECTED ownership (that is what exists for every
driver); real %Drafted exists only for the drivers somebody wrote down. The calibration is a
small map fitted on those real rows, per slate and contest:

    eta_i = (1 + k (log10 entries - 3)) (a log(base_i + c) + d log(opt_i + c) + b log(vendor_i + c)),
    ownership = capped_normalize(exp(eta), 100 x roster size)

with c = 1 pp, ``base`` the base estimator's forecast, ``opt`` the optimal rate (the
``log_opt_rate`` feature; without a projection it is uniform and the base stands in for it)
and ``vendor`` the vendor's projected ownership. The weights sum to
more than 1 when the real field is chalkier than the inputs (it is); ``k`` < 0 lets large
fields spread their ownership more than small ones. Two parameter sets are fitted:
``"model"`` (no vendor input: a, d, k free, b = 0) and ``"vendor"`` (a, b, k free, d = 0: with a
vendor column the optimal rate added nothing out of sample).

Selection: the real rows are not a random sample of drivers (the most-owned drivers and a few
others were written down). Two facts about the unnamed drivers are used in the fit: the
forecast of every slate sums to 100 x roster size, so the named rows' errors are the
negative of the unnamed drivers' total error, and where a contest's list holds its top-k
most-owned drivers (``bound``), every unnamed driver was owned at most that list's lowest
value -- forecasts above it are penalized (a one-sided, censored loss).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from ..exceptions import InputError
from ._estimator import _QGRID, capped_normalize

MODES = ("model", "vendor")
#: theta = [a (base), d (optimal rate), b (vendor), k (contest size)]; start values and free entries per mode.
_START = {"model": np.array([0.5, 0.5, 0.0, 0.0]), "vendor": np.array([0.5, 0.0, 0.5, 0.0])}
_FREE = {"model": [0, 1, 3], "vendor": [0, 2, 3]}


@dataclass
class ContestRows:
    """One contest of one slate: the inputs of every driver and the real %Drafted of the named ones.

    Attributes
    ----------
    group : str
        The race (leave-one-out unit; a race's contests share one slate).
    base : ndarray (n,)
        Base forecast of every slate driver, percent summing to ``total``.
    opt : ndarray (n,)
        Optimal rate of every slate driver (percent; the ``log_opt_rate`` feature, exponentiated, minus 1).
    vendor : ndarray (n,) or None
        Vendor projected ownership (percent; NaN rows are filled with the scaled base forecast).
    log_entries : float
        log10 of the contest's entries (3 = 1,000 entries, the default).
    idx : ndarray of int
        Slate rows of the named drivers.
    y : ndarray
        Their real %Drafted (percent).
    bound : float or None
        Every unnamed driver was owned at most this (the contest's top-k list), else None.
    weight : float
        Weight of each named row (default 1 / number of contests of the race: a race's
        contests share one slate and split one observation per driver).
    total : float
        100 x roster size.
    """

    group: str
    base: np.ndarray
    opt: np.ndarray
    vendor: np.ndarray | None
    log_entries: float
    idx: np.ndarray
    y: np.ndarray
    bound: float | None = None
    weight: float = 1.0
    total: float = 600.0
    contest: str = ""


def _fill_vendor(base, vendor, total):
    """Vendor values with NaN rows filled by the base forecast, scaled to the rest of the total."""
    v = np.asarray(vendor, float).copy()
    miss = ~np.isfinite(v)
    if miss.any():
        rest = max(total - v[~miss].sum(), 0.0)
        b = base[miss]
        v[miss] = b * rest / b.sum() if b.sum() > 0 else rest / miss.sum()
    return v


def calibrated(theta, base, opt, vendor, log_entries, total, offset=1.0) -> np.ndarray:
    """Apply the calibration map to one slate (see the module docstring).

    Examples
    --------
    >>> b = np.array([90.0, 80, 70, 60] + [50.0] * 6)
    >>> p = calibrated([1.0, 0.0, 0.0, 0.0], b, None, None, 3.0, 600.0)  # a = 1: base + 1 pp, renormalized
    >>> bool(np.allclose(p, capped_normalize(b + 1, 600.0)))
    True
    >>> bool(calibrated([1.5, 0.0, 0.0, 0.0], b, None, None, 3.0, 600.0)[0] > 90)  # sharper: chalk gains
    True
    """
    a, d, bw, k = (float(t) for t in theta)
    base = np.asarray(base, float)
    eta = a * np.log(base + offset)
    if d != 0.0:
        o = None if opt is None else np.asarray(opt, float)
        if o is None or np.ptp(o) <= 1e-9:
            # no projection, so no optimal rate (the feature is uniform): the base, fitted on the same
            # salary/projection signal, stands in for it rather than flattening the forecast
            o = base
        eta = eta + d * np.log(o + offset)
    if vendor is not None and bw != 0.0:
        eta = eta + bw * np.log(_fill_vendor(base, vendor, total) + offset)
    eta = eta * (1.0 + k * (np.asarray(log_entries, float) - 3.0))
    return capped_normalize(np.exp(eta - eta.max()), total)


def _stack(rows, mode, offset):
    """Contests sharing one slate's inputs stacked: per slate (log base, log opt, log vendor, rows)."""
    out = {}
    for r in rows:
        key = (r.group, id(r.base), id(r.opt), id(r.vendor))
        if key not in out:
            lv = None
            if mode == "vendor":
                lv = np.log(_fill_vendor(r.base, r.vendor, r.total) + offset)
            out[key] = (np.log(r.base + offset), np.log(r.opt + offset), lv, [])
        out[key][3].append(r)
    return list(out.values())


def _loss(theta, stacked, censor_weight):
    a, d, bw, k = theta
    tot = 0.0
    for lb, lo, lv, rs in stacked:
        eta = a * lb + d * lo + (bw * lv if lv is not None else 0.0)
        fac = 1.0 + k * (np.array([r.log_entries for r in rs]) - 3.0)
        E = eta[None, :] * fac[:, None]
        P = capped_normalize(np.exp(E - E.max(1, keepdims=True)), rs[0].total)
        for p, r in zip(P, rs):
            e = p[r.idx] - r.y
            tot += r.weight * float(e @ e)
            if r.bound is not None and censor_weight > 0:
                m = np.ones(len(p), bool)
                m[r.idx] = False
                over = np.maximum(p[m] - r.bound, 0.0)
                tot += censor_weight * r.weight * float(over @ over)
    return tot


def fit_theta(rows, mode: str = "model", offset: float = 1.0, censor_weight: float = 1.0) -> np.ndarray:
    """Least-squares fit of theta = (a, d, b, k) on the named rows (+ the censored loss on unnamed drivers).

    ``mode="model"`` fixes b = 0 (no vendor input), ``mode="vendor"`` fixes d = 0.
    """
    if mode not in MODES:
        raise InputError(f"mode must be one of {MODES}, got {mode!r}")
    rows = list(rows)
    if not rows:
        raise InputError("fit_theta: no contest rows")
    if mode == "vendor" and any(r.vendor is None for r in rows):
        raise InputError("fit_theta(mode='vendor'): every contest needs a vendor projected ownership")
    start = _START[mode]
    free = _FREE[mode]
    stacked = _stack(rows, mode, offset)

    def f(x):
        th = start.copy()
        th[free] = x
        return _loss(th, stacked, censor_weight)

    res = minimize(f, start[free], method="Nelder-Mead",
                   options=dict(maxiter=4000, xatol=1e-3, fatol=1e-6 * max(f(start[free]), 1.0)))
    th = start.copy()
    th[free] = res.x
    return th


def _residual_table(resid, pred, n_bins):
    """Bin edges (by forecast, at row quantiles) and residual quantiles per bin."""
    resid, pred = np.asarray(resid, float), np.asarray(pred, float)
    edges = np.unique(np.quantile(pred, np.linspace(0, 1, n_bins + 1)[1:-1])) if n_bins > 1 else np.array([])
    b = np.searchsorted(edges, pred, side="right")
    qs = [np.quantile(resid[b == k] if (b == k).sum() >= 10 else resid, _QGRID) for k in range(len(edges) + 1)]
    return edges, np.vstack(qs)


@dataclass
class OwnershipCalibration:
    """Fitted calibration to real %Drafted: parameters and residual quantiles per mode.

    Pass it to :class:`HybridOwnershipEstimator` (``calibration=``) whose base forecast it was
    fitted on; build it with :meth:`fit`.

    Attributes
    ----------
    theta : dict
        Mode ("model", "vendor") -> [a, d, b, k] (see the module docstring).
    bin_edges, resid_quantiles : dict
        Mode -> bin edges (percent, by calibrated forecast) and residual quantiles
        (log(y + offset) - log(forecast + offset), on the 201-point grid) from
        leave-one-group-out fits: each group's residuals come from a calibration fitted
        without it.
    offset : float
        Percentage points added before logs.
    info : dict
        Rows, groups, censor weight.
    """

    theta: dict
    bin_edges: dict
    resid_quantiles: dict
    offset: float = 1.0
    info: dict = field(default_factory=dict)

    @classmethod
    def fit(cls, rows, modes=MODES, offset: float = 1.0, censor_weight: float = 1.0,
            n_bins: int = 1) -> "OwnershipCalibration":
        """Fit the parameters on every row, the residual quantiles leave-one-group-out.

        Parameters
        ----------
        rows : list of ContestRows
        modes : tuple of str
            "model" and/or "vendor" ("vendor" needs every contest to carry a vendor column).
        censor_weight : float
            Weight of the one-sided loss on unnamed drivers above a contest's ``bound``.
        n_bins : int
            Residual bins by calibrated forecast (row quantiles). Default 1: with ~100 real
            rows, one pooled residual distribution (plain split-conformal); 2 bins were
            measured too (docs/ownership.md).
        """
        rows = list(rows)
        groups = list(dict.fromkeys(r.group for r in rows))
        if len(groups) < 2:
            raise InputError(f"OwnershipCalibration.fit: needs rows of at least 2 groups (races), got {len(groups)}")
        theta, edges, quants = {}, {}, {}
        for mode in modes:
            theta[mode] = fit_theta(rows, mode, offset, censor_weight)
            res, pred = [], []
            for g in groups:
                th = fit_theta([r for r in rows if r.group != g], mode, offset, censor_weight)
                for r in rows:
                    if r.group == g:
                        p = calibrated(th, r.base, r.opt, r.vendor if mode == "vendor" else None, r.log_entries,
                                       r.total, offset)[r.idx]
                        res.append(np.log(r.y + offset) - np.log(p + offset))
                        pred.append(p)
            edges[mode], quants[mode] = _residual_table(np.concatenate(res), np.concatenate(pred), n_bins)
        info = {"n_rows": int(sum(len(r.idx) for r in rows)), "n_contests": len(rows), "groups": groups,
                "censor_weight": float(censor_weight), "n_bins": int(n_bins)}
        return cls({m: np.asarray(t, float) for m, t in theta.items()}, edges, quants, float(offset), info)

    def predict_slate(self, base, opt, vendor, log_entries, total) -> tuple[np.ndarray, str]:
        """Calibrated forecast of one slate and the mode used ("vendor" when any vendor value is present)."""
        has_v = vendor is not None and np.isfinite(np.asarray(vendor, float)).any()
        mode = "vendor" if has_v and "vendor" in self.theta else "model"
        if mode not in self.theta:
            raise InputError(f"calibration has no {mode!r} parameters")
        p = calibrated(self.theta[mode], base, opt, vendor if mode == "vendor" else None, log_entries, total,
                       self.offset)
        return p, mode

    def to_dict(self) -> dict:
        """Plain JSON."""
        return {"theta": {m: np.asarray(t, float).tolist() for m, t in self.theta.items()},
                "bin_edges": {m: np.round(e, 6).tolist() for m, e in self.bin_edges.items()},
                "resid_quantiles": {m: np.round(q, 6).tolist() for m, q in self.resid_quantiles.items()},
                "offset": self.offset, "info": self.info}

    @classmethod
    def from_dict(cls, d: dict) -> "OwnershipCalibration":
        """Inverse of :meth:`to_dict`."""
        return cls({m: np.asarray(t, float) for m, t in d["theta"].items()},
                   {m: np.asarray(e, float) for m, e in d["bin_edges"].items()},
                   {m: np.asarray(q, float) for m, q in d["resid_quantiles"].items()},
                   float(d.get("offset", 1.0)), dict(d.get("info", {})))
