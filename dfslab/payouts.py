"""Payout tables: DK's (Place_lo, Place_hi, Payout) rows, validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._errors import DataFileError, InputError
from .io._common import read_csv_checked, require_columns


@dataclass(frozen=True)
class PayoutTable:
    """A contest's payout table: places ``place_lo..place_hi`` each pay ``payout``.

    Places must start at 1, be contiguous (no gaps, no overlaps) and pay a
    non-increasing amount by place.

    Examples
    --------
    >>> t = PayoutTable.from_rows([(1, 1, 100.0), (2, 3, 50.0), (4, 10, 10.0)])
    >>> t.pool, t.n_paid
    (270.0, 10)
    >>> t.prizes(12).tolist()[:5]
    [100.0, 50.0, 50.0, 10.0, 10.0]
    """

    place_lo: np.ndarray
    place_hi: np.ndarray
    payout: np.ndarray
    source: str = "table"

    def __post_init__(self):
        lo = np.asarray(self.place_lo, dtype=np.int64)
        hi = np.asarray(self.place_hi, dtype=np.int64)
        pay = np.asarray(self.payout, dtype=np.float64)
        object.__setattr__(self, "place_lo", lo)
        object.__setattr__(self, "place_hi", hi)
        object.__setattr__(self, "payout", pay)
        src = self.source
        if not (len(lo) == len(hi) == len(pay)) or len(lo) == 0:
            raise InputError(f"{src}: a payout table needs at least one row of equal-length place_lo/place_hi/payout")
        if not np.all(np.isfinite(pay)) or (pay < 0).any():
            raise InputError(f"{src}: payouts must be finite and non-negative")
        if (hi < lo).any():
            i = int(np.flatnonzero(hi < lo)[0])
            raise InputError(f"{src}: row {i + 1}: Place_hi {hi[i]} < Place_lo {lo[i]}")
        if lo[0] != 1:
            raise InputError(f"{src}: the first row must start at place 1, starts at {lo[0]}")
        nxt = hi[:-1] + 1
        if (lo[1:] > nxt).any():
            i = int(np.flatnonzero(lo[1:] > nxt)[0]) + 1
            raise InputError(f"{src}: gap before row {i + 1}: places {nxt[i - 1]}..{lo[i] - 1} are missing")
        if (lo[1:] < nxt).any():
            i = int(np.flatnonzero(lo[1:] < nxt)[0]) + 1
            raise InputError(f"{src}: row {i + 1} overlaps the previous row at place {lo[i]}")
        if (np.diff(pay) > 1e-9).any():
            i = int(np.flatnonzero(np.diff(pay) > 1e-9)[0]) + 1
            raise InputError(f"{src}: row {i + 1} pays {pay[i]:g} for places {lo[i]}-{hi[i]}, more than the "
                             f"better place {hi[i - 1]} ({pay[i - 1]:g}); payouts must not rise with place")

    @classmethod
    def from_rows(cls, rows, source: str = "table") -> "PayoutTable":
        a = np.asarray(rows, dtype=np.float64)
        return cls(a[:, 0], a[:, 1], a[:, 2], source=source)

    @classmethod
    def from_frame(cls, df: pd.DataFrame, source: str = "table") -> "PayoutTable":
        cols = {c.lower(): c for c in df.columns}
        need = ["place_lo", "place_hi", "payout"]
        if not all(c in cols for c in need):
            raise InputError(f"{source}: needs columns Place_lo, Place_hi, Payout; found {list(df.columns)}")
        d = df[[cols[c] for c in need]].apply(pd.to_numeric, errors="coerce")
        if d.isna().any().any():
            i = int(np.flatnonzero(d.isna().any(axis=1).to_numpy())[0])
            raise InputError(f"{source}: row {i + 1}: non-numeric place or payout {df.iloc[i].tolist()}")
        d = d.sort_values(d.columns[0], kind="stable")  # by place_lo
        return cls(d.iloc[:, 0].to_numpy(), d.iloc[:, 1].to_numpy(), d.iloc[:, 2].to_numpy(), source=source)

    @property
    def n_paid(self) -> int:
        """Number of paid places."""
        return int(self.place_hi[-1]) if self.payout[-1] > 0 else int(self.place_hi[self.payout > 0].max(initial=0))

    @property
    def pool(self) -> float:
        """Total paid if every paid place is filled."""
        return float(((self.place_hi - self.place_lo + 1) * self.payout).sum())

    def prizes(self, n_places: int | None = None) -> np.ndarray:
        """Per-place prize array (index 0 = 1st place), zero past the paid places."""
        n = int(self.place_hi[-1]) if n_places is None else int(n_places)
        out = np.zeros(n, dtype=np.float64)
        # places are contiguous from 1 (checked on construction): one repeat, no loop over rows
        full = np.repeat(np.asarray(self.payout, dtype=np.float64), np.asarray(self.place_hi) - self.place_lo + 1)
        out[:min(n, len(full))] = full[:n]
        return out

    def rake(self, entries: int, entry_fee: float) -> float:
        """1 - pool / fees (negative = overlay: the pool exceeds the fees; legal)."""
        return 1.0 - self.pool / (entries * entry_fee)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"place_lo": self.place_lo, "place_hi": self.place_hi, "payout": self.payout})


def read_payout_table(path) -> PayoutTable:
    """Read a DK payout_structure.csv (Place_lo, Place_hi, Payout).

    A UTF-8 BOM is tolerated, and so is DK's way of writing a single place as
    ``"10",NA`` (a missing bound equals the other one). Gaps, overlaps and
    payouts that rise with place raise :class:`DataFileError`.
    """
    path = Path(path)
    df = read_csv_checked(path)
    require_columns(df, path, ["Place_lo", "Place_hi", "Payout"])
    df = df.dropna(how="all").copy()
    # DK exports write a single place as (n, NA): a missing bound equals the other.
    df["Place_hi"] = df["Place_hi"].fillna(df["Place_lo"])
    df["Place_lo"] = df["Place_lo"].fillna(df["Place_hi"])
    na = df[["Place_lo", "Place_hi", "Payout"]].isna().any(axis=1)
    if na.any():
        i = int(np.flatnonzero(na)[0])
        what = "Payout is missing (a non-cash prize such as a satellite ticket?)" if pd.isna(df["Payout"].iloc[i]) \
            else "Place_lo and Place_hi are both missing"
        raise DataFileError(path, what, row=i + 2)
    try:
        return PayoutTable.from_frame(df, source=str(path))
    except InputError as e:
        raise DataFileError(path, str(e).replace(f"{path}: ", "")) from None


def read_payout_tables(path=None) -> pd.DataFrame:
    """Read the long table of real DK payouts (``dk_payouts.csv``).

    Returns one row per (table_id, place range) with columns table_id, sport,
    date, contest_name, entry_fee, place_lo, place_hi, payout. Use
    :func:`payout_table_from_long` to build a :class:`PayoutTable` per table.
    """
    from ._config import data_dir

    path = Path(path) if path is not None else data_dir() / "dk_payouts.csv"
    df = read_csv_checked(path)
    require_columns(df, path, ["table_id", "entry_fee", "place_lo", "place_hi", "payout"])
    for c in ("entry_fee", "place_lo", "place_hi", "payout"):
        v = pd.to_numeric(df[c], errors="coerce")
        if v.isna().any():
            raise DataFileError(path, f"column {c!r} is not numeric", row=int(np.flatnonzero(v.isna())[0]) + 2)
        df[c] = v
    return df


def payout_table_from_long(df: pd.DataFrame, table_id) -> PayoutTable:
    """One :class:`PayoutTable` out of the long ``dk_payouts.csv`` frame."""
    t = df[df["table_id"] == table_id].sort_values("place_lo")
    if t.empty:
        raise InputError(f"dk_payouts: no table_id {table_id!r}")
    return PayoutTable(t["place_lo"].to_numpy(), t["place_hi"].to_numpy(), t["payout"].to_numpy(),
                       source=f"dk_payouts table {table_id}")


def load_real_payout_tables(path=None) -> tuple[dict, pd.DataFrame, list[str]]:
    """All valid tables of ``dk_payouts.csv`` plus the rejected ones and why.

    Returns
    -------
    tables : dict of table_id -> PayoutTable
    meta : DataFrame
        One row per valid table: table_id, sport, date, contest_name, entry_fee,
        n_paid, pool.
    rejected : list of str
        One message per malformed table (e.g. a place missing from the scrape,
        or a non-cash 1st prize so the table starts at place 2).
    """
    df = read_payout_tables(path)
    tables, rows, rejected = {}, [], []
    for tid, g in df.groupby("table_id", sort=True):
        try:
            t = PayoutTable(g["place_lo"].to_numpy(), g["place_hi"].to_numpy(), g["payout"].to_numpy(),
                            source=f"dk_payouts table {tid}")
        except InputError as e:
            rejected.append(str(e))
            continue
        tables[tid] = t
        first = g.iloc[0]
        rows.append({"table_id": tid, "sport": first.get("sport"), "date": first.get("date"),
                     "contest_name": first.get("contest_name"), "entry_fee": float(first["entry_fee"]),
                     "n_paid": t.n_paid, "pool": t.pool})
    return tables, pd.DataFrame(rows), rejected
