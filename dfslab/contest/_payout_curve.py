"""Payout curves fitted by contest-size tier from real DraftKings payout tables."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError, DataNotFoundError, InputError
from ..payouts import PayoutTable
from ..utils.validation import check_memory, check_number

_PARAMS_PATH = Path(__file__).resolve().parent.parent / "_data" / "payout_curves.json"
TIER_NAMES = ("small", "medium", "large")
#: Rake assumed when inferring field size from a table (median GPP rake of the
#: 34 real contests in dk_contests with entries and cash payouts; refit by fit()).
DEFAULT_RAKE = 0.13


def table_features(t: PayoutTable, entries: float, entry_fee: float) -> dict:
    """Shape of a table: paid fraction, top share, min-cash multiple, pool shares of the top 0.1/1/10%."""
    n = max(int(round(entries)), 1)
    pr = t.prizes(max(n, t.n_paid))
    pool = pr.sum()
    cum = np.cumsum(pr)

    def share(q):
        k = max(1, int(round(q * n)))
        return float(cum[min(k, len(cum)) - 1] / pool)

    return {"paid_frac": t.n_paid / n, "top_share": float(pr[0] / pool),
            "min_cash_mult": float(pr[t.n_paid - 1] / entry_fee),
            "share_top0.1": share(0.001), "share_top1": share(0.01), "share_top10": share(0.10)}


def _curve(n_paid: int, a: float) -> np.ndarray:
    k = np.arange(1, n_paid + 1, dtype=np.float64)
    if n_paid == 1:
        return np.ones(1)
    g = (k ** -a - n_paid ** -a) / (1.0 - n_paid ** -a)
    return g


_EXACT_SUM = 1_000_000  # up to this many paid places (every real DK table) the curve is summed term by term
_HEAD = 20_000


def _curve_sum(n_paid: int, a: float) -> float:
    """``_curve(n_paid, a).sum()`` without the array for large tables.

    The first 20,000 terms of sum(k^-a) are added exactly and the tail by
    Euler-Maclaurin (integral + end corrections; relative error far below 1e-12).
    """
    if n_paid <= _EXACT_SUM:
        return float(_curve(n_paid, a).sum())
    head = float((np.arange(1, _HEAD + 1, dtype=np.float64) ** -a).sum())
    k0, n = float(_HEAD + 1), float(n_paid)
    integral = np.log(n / k0) if abs(a - 1.0) < 1e-12 else (n ** (1 - a) - k0 ** (1 - a)) / (1 - a)
    tail = integral + 0.5 * (k0 ** -a + n ** -a) + a / 12.0 * (k0 ** (-a - 1) - n ** (-a - 1))
    return (head + tail - n * n ** -a) / (1.0 - n ** -a)


def _check_bounds(tier_bounds) -> tuple[int, int]:
    try:
        b = tuple(tier_bounds)
        ok = len(b) == 2 and all(isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)
                                 for x in b) and 0 < b[0] < b[1]
    except TypeError:
        ok = False
    if not ok:
        raise InputError(f"tier_bounds must be two increasing positive entry counts, got {tier_bounds!r}")
    return int(b[0]), int(b[1])


_FIT_CACHE: dict = {}


def _real_data_key(tier_bounds, rake):
    """Cache key of a fit on the real tables: the data folder, its payout files' mtimes and the settings."""
    from ..utils.config import data_dir

    d = data_dir(required=False)
    if d is None:
        return None
    files = [d / "dk_payouts.csv", d / "dk_contests" / "contests.csv"]
    stamp = tuple(f.stat().st_mtime_ns if f.exists() else None for f in files)
    return (str(d.resolve()), stamp, tuple(tier_bounds), rake)


class PayoutCurveFitter:
    """Fit and generate DK-like GPP payout tables by contest-size tier.

    Each real table is summarised by its paid fraction, top prize's share of
    the pool and min-cash multiple of the fee; a tier's parameters are the
    medians over its tables. A generated table pays places ``1..n_paid`` as

    ``prize(k) = m + (T - m) * (k^-a - n^-a) / (1 - n^-a)``

    with ``m`` = min-cash multiple x fee, ``n`` = paid fraction x entries,
    ``T`` set so the places sum exactly to the pool and the decay ``a``
    (bisection) so 1st prize takes the tier's top share. The curve is
    non-increasing by construction.

    Field size is not stated in ``dk_payouts.csv``: entries are inferred as
    ``pool / (fee x (1 - rake))`` with the real contests' median GPP rake
    (the contest name's guaranteed pool equals the table's pool, so this is
    the same as reading the guarantee). Flat tables (double-ups, 50/50s: one
    payout for every paid place) are not GPPs and are left out of the fit.

    Parameters
    ----------
    tier_bounds : (int, int)
        Entries at which "medium" and "large" start.

    Examples
    --------
    >>> from dfslab.contest import PayoutCurveFitter
    >>> f = PayoutCurveFitter().load()
    >>> t = f.generate(entries=10000, entry_fee=20.0, rake=0.15)
    >>> round(t.pool, 6), bool((np.diff(t.payout) <= 0).all())
    (170000.0, True)
    """

    def __init__(self, tier_bounds=(1000, 10000)):
        self.tier_bounds = _check_bounds(tier_bounds)
        self.params_ = None
        self.rake_ = None

    def _repr_html_(self) -> str:
        from ..utils.display import payout_fitter_html
        return payout_fitter_html(self)

    def tier_of(self, entries: float) -> str:
        """'small' (< bounds[0] entries), 'medium' or 'large' (>= bounds[1])."""
        entries = check_number("entries", entries, lo=0)
        return TIER_NAMES[int(np.searchsorted(self.tier_bounds, entries, side="right"))]

    # ------------------------------------------------------------------
    @staticmethod
    def gpp_frame(tables: dict, meta: pd.DataFrame, rake: float) -> pd.DataFrame:
        """Features of every GPP table with inferred entries."""
        rows = []
        for tid, t in tables.items():
            fee = float(meta.loc[meta.table_id == tid, "entry_fee"].iloc[0])
            if len(np.unique(t.payout[t.payout > 0])) < 2 or fee <= 0:
                continue  # flat table: double-up / 50-50
            entries = t.pool / (fee * (1.0 - rake))
            if entries < t.n_paid:
                continue
            rows.append({"table_id": tid, "entry_fee": fee, "entries": entries, "pool": t.pool,
                         "n_paid": t.n_paid, **table_features(t, entries, fee)})
        return pd.DataFrame(rows)

    @staticmethod
    def real_rake() -> float:
        """Median rake of the real GPP contests in dk_contests (entries and a cash table known)."""
        from ..payouts import read_payout_table
        from ..utils.config import data_dir

        d = data_dir() / "dk_contests"
        idx = pd.read_csv(d / "contests.csv")
        rakes = []
        for _, r in idx[idx.has_payouts].iterrows():
            try:
                t = read_payout_table(d / r.contest_dir / "payout_structure.csv")
            except InputError:
                continue  # satellite: non-cash prizes
            if len(np.unique(t.payout)) > 1:
                rakes.append(t.rake(r.entries, r.entry_fee))
        return float(np.median(rakes))

    def fit(self, X=None, y=None, rake: float | None = None) -> "PayoutCurveFitter":
        """Fit tier parameters.

        Parameters
        ----------
        X : None or (tables, meta)
            None = the real ``dk_payouts.csv`` via :func:`dfslab.load_real_payout_tables`
            (falls back to the shipped parameters when the data folder is absent);
            or a ``(dict id -> PayoutTable, meta DataFrame)`` pair as that function returns.
        rake : float, optional
            Rake used to infer field sizes (default: the real contests' median).
        """
        from ..payouts import load_real_payout_tables

        if X is None:
            key = _real_data_key(self.tier_bounds, rake)
            if key is not None and key in _FIT_CACHE:  # the real tables are read and fitted once per process
                self.params_, self.rake_ = copy.deepcopy(_FIT_CACHE[key])
                return self
            try:
                tables, meta, _ = load_real_payout_tables()
                rake = self.real_rake() if rake is None else rake
            except DataNotFoundError:
                return self.load()
        else:
            if not (isinstance(X, (tuple, list)) and len(X) == 2 and isinstance(X[0], dict)
                    and isinstance(X[1], pd.DataFrame)):
                raise InputError("PayoutCurveFitter.fit: X must be None or a (dict of table_id -> PayoutTable, meta "
                                 f"DataFrame) pair as load_real_payout_tables() returns; got {type(X).__name__}")
            tables, meta = X
            bad = [k for k, t in tables.items() if not isinstance(t, PayoutTable)]
            if bad:
                raise InputError(f"PayoutCurveFitter.fit: tables[{bad[0]!r}] is a {type(tables[bad[0]]).__name__}, "
                                 "not a PayoutTable")
            if not {"table_id", "entry_fee"} <= set(meta.columns):
                raise InputError(f"PayoutCurveFitter.fit: meta needs columns table_id, entry_fee; has {list(meta.columns)}")
        rake = DEFAULT_RAKE if rake is None else check_number("rake", rake, hi=1, hi_open=True)
        df = self.gpp_frame(tables, meta, rake)
        if df.empty:
            raise InputError("PayoutCurveFitter.fit: no GPP tables to fit")
        df["tier"] = [self.tier_of(e) for e in df.entries]
        params = {}
        for tier in TIER_NAMES:
            g = df[df.tier == tier]
            if len(g) == 0:
                raise InputError(f"PayoutCurveFitter.fit: no tables in tier {tier!r} (bounds {self.tier_bounds})")
            params[tier] = {"paid_frac": float(g.paid_frac.median()), "top_share": float(g.top_share.median()),
                            "min_cash_mult": float(g.min_cash_mult.median()), "n_tables": int(len(g)),
                            "median_entries": float(g.entries.median())}
        self.params_, self.rake_ = params, rake
        if X is None and key is not None:
            _FIT_CACHE[key] = copy.deepcopy((params, rake))
        return self

    def save(self, path=None) -> Path:
        path = Path(path) if path is not None else _PARAMS_PATH
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"tier_bounds": list(self.tier_bounds), "rake": self.rake_,
                                    "tiers": self.params_,
                                    "source": "fitted on dk_payouts.csv GPP tables (flat tables excluded)"},
                                   indent=2))
        return path

    def load(self, path=None) -> "PayoutCurveFitter":
        """Load the shipped (or given) fitted parameters (a JSON file written by :meth:`save`)."""
        path = Path(path or _PARAMS_PATH)
        if not path.is_file():
            raise DataFileError(path, "file not found" if not path.is_dir() else "is a folder, not a file")
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise DataFileError(path, f"not valid JSON: {e}") from None
        except OSError as e:
            raise DataFileError(path, f"cannot read the file: {e.strerror or e}") from None
        if not isinstance(d, dict):
            raise DataFileError(path, "expected a JSON object with tier_bounds, rake and tiers")
        missing = [k for k in ("tier_bounds", "rake", "tiers") if k not in d]
        if missing:
            raise DataFileError(path, f"missing key(s) {missing}; a payout-curve file holds tier_bounds, rake, tiers")
        try:
            bounds = _check_bounds(d["tier_bounds"])
            rake = check_number("rake", d["rake"], hi=1, hi_open=True)
            tiers = d["tiers"]
            for t in TIER_NAMES:
                p = tiers[t]
                check_number(f"tiers.{t}.paid_frac", p["paid_frac"], lo=0, hi=1, lo_open=True)
                check_number(f"tiers.{t}.top_share", p["top_share"], lo=0, hi=1, lo_open=True)
                check_number(f"tiers.{t}.min_cash_mult", p["min_cash_mult"], lo=0)
        except (KeyError, TypeError) as e:
            raise DataFileError(path, f"tiers must hold {TIER_NAMES}, each with paid_frac, top_share, "
                                      f"min_cash_mult; missing {e}") from None
        except InputError as e:
            raise DataFileError(path, str(e)) from None
        self.tier_bounds = bounds
        self.params_, self.rake_ = tiers, rake
        return self

    # ------------------------------------------------------------------
    def generate(self, entries: int, entry_fee: float, rake: float | None = None, tier: str | None = None,
                 paid_frac: float | None = None, top_share: float | None = None,
                 min_cash_mult: float | None = None) -> PayoutTable:
        """A payout table whose places sum exactly to ``entries x fee x (1 - rake)``.

        Parameters
        ----------
        entries : int
        entry_fee : float
        rake : float, optional
            Default: the real data's median GPP rake. Negative = overlay (legal).
        tier : str, optional
            Override the size tier; the three shape parameters can be overridden too.

        Raises
        ------
        InputError
            A parameter of the wrong type or out of range, naming it.
        ResourceLimitError
            A table so large (``entries`` in the hundreds of millions) that it would
            exceed the memory limit (:func:`dfslab.set_memory_limit`).
        """
        if self.params_ is None:
            raise InputError("PayoutCurveFitter: call fit() or load() first")
        entries = check_number("entries", entries, lo=1, integer=True)
        entry_fee = check_number("entry_fee", entry_fee, lo=0, lo_open=True)
        rake = self.rake_ if rake is None else check_number("rake", rake, hi=1, hi_open=True)
        tier = tier or self.tier_of(entries)
        if tier not in self.params_:
            raise InputError(f"tier must be one of {TIER_NAMES}, got {tier!r}")
        p = self.params_[tier]
        f = check_number("paid_frac", p["paid_frac"] if paid_frac is None else paid_frac, lo=0, hi=1, lo_open=True)
        s = check_number("top_share", p["top_share"] if top_share is None else top_share, lo=0, hi=1, lo_open=True)
        mc = check_number("min_cash_mult", p["min_cash_mult"] if min_cash_mult is None else min_cash_mult, lo=0)
        pool = entries * entry_fee * (1.0 - rake)
        m = mc * entry_fee
        n = int(np.clip(round(f * entries), 1, entries))
        n = max(1, min(n, int(pool // m))) if m > 0 else n  # never promise more min-cashes than the pool holds
        # about seven float arrays of one value per paid place live at once (curve, prizes, the table's columns)
        check_memory(56.0 * n, what="PayoutCurveFitter.generate", param="entries", value=entries,
                     detail=f"{n:,} paid places")
        if n == 1:
            return PayoutTable.from_rows([(1, 1, pool)], source=f"generated {tier}")
        top = s * pool
        # decay a so that 1st = top share (bisection; larger a = more top-heavy)
        def first(a):
            return m + (pool - n * m) / _curve_sum(n, a)
        lo, hi = 1e-3, 20.0
        target = min(max(top, pool / n), pool)
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            if first(mid) < target:
                lo = mid
            else:
                hi = mid
        a = 0.5 * (lo + hi)
        g = _curve(n, a)
        prize = m + (pool - n * m) * g / g.sum()
        prize *= pool / prize.sum()  # exact pool up to float rounding
        prize = np.minimum.accumulate(prize)
        prize *= pool / prize.sum()
        k = np.arange(1, n + 1)
        return PayoutTable(k, k, prize, source=f"generated {tier} ({entries} entries, a={a:.3f})")


@lru_cache(maxsize=1)
def default_payout_fitter() -> PayoutCurveFitter:
    """The shipped per-tier payout-curve parameters (fitted offline on the real DK tables), read once per process.

    ``default_payout_fitter.cache_clear()`` forgets them (after refitting).
    """
    return PayoutCurveFitter().load()
