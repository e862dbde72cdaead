"""Payout curves fitted by contest-size tier from real DraftKings payout tables."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataNotFoundError, InputError
from ..payouts import PayoutTable

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
        b = tuple(tier_bounds)
        if len(b) != 2 or not (0 < b[0] < b[1]):
            raise InputError(f"tier_bounds must be two increasing positive entry counts, got {tier_bounds!r}")
        self.tier_bounds = (int(b[0]), int(b[1]))
        self.params_ = None
        self.rake_ = None

    def tier_of(self, entries: float) -> str:
        """'small' (< bounds[0] entries), 'medium' or 'large' (>= bounds[1])."""
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
        from .._config import data_dir
        from ..payouts import read_payout_table

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
            try:
                tables, meta, _ = load_real_payout_tables()
                rake = self.real_rake() if rake is None else rake
            except DataNotFoundError:
                return self.load()
        else:
            tables, meta = X
        rake = DEFAULT_RAKE if rake is None else float(rake)
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
        """Load the shipped (or given) fitted parameters."""
        d = json.loads(Path(path or _PARAMS_PATH).read_text())
        self.tier_bounds = tuple(d["tier_bounds"])
        self.params_, self.rake_ = d["tiers"], float(d["rake"])
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
        """
        if self.params_ is None:
            raise InputError("PayoutCurveFitter: call fit() or load() first")
        if not float(entries).is_integer() or entries < 1:
            raise InputError(f"entries must be a whole number >= 1, got {entries!r}")
        if not np.isfinite(entry_fee) or entry_fee <= 0:
            raise InputError(f"entry_fee must be positive, got {entry_fee!r}")
        rake = self.rake_ if rake is None else float(rake)
        if not rake < 1:
            raise InputError(f"rake must be < 1 (a fraction of the fees), got {rake}")
        tier = tier or self.tier_of(entries)
        if tier not in self.params_:
            raise InputError(f"tier must be one of {TIER_NAMES}, got {tier!r}")
        p = self.params_[tier]
        f = p["paid_frac"] if paid_frac is None else paid_frac
        s = p["top_share"] if top_share is None else top_share
        mc = p["min_cash_mult"] if min_cash_mult is None else min_cash_mult
        entries = int(entries)
        pool = entries * entry_fee * (1.0 - rake)
        m = mc * entry_fee
        n = int(np.clip(round(f * entries), 1, entries))
        n = max(1, min(n, int(pool // m))) if m > 0 else n  # never promise more min-cashes than the pool holds
        if n == 1:
            return PayoutTable.from_rows([(1, 1, pool)], source=f"generated {tier}")
        top = s * pool
        # decay a so that 1st = top share (bisection; larger a = more top-heavy)
        def first(a):
            g = _curve(n, a)
            return m + (pool - n * m) / g.sum()
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
