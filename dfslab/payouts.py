"""Payout tables: DK's (Place_lo, Place_hi, Payout) rows, validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .exceptions import DataFileError, InputError
from .utils.files import file_row, read_csv_checked, require_columns
from .utils.validation import check_memory, check_number

_FIELDS = ("place_lo", "place_hi", "payout")
_FILE_FIELDS = ("Place_lo", "Place_hi", "Payout")


def _as_float(values, field: str, src: str, labels) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        for k, v in enumerate(np.asarray(values, dtype=object).reshape(-1)):
            try:
                float(v)
            except (TypeError, ValueError):
                raise InputError(f"{src}: row {labels[k]}: {field} is not a number: {v!r}") from None
        raise


def check_payout_rows(place_lo, place_hi, payout, source: str = "table", labels=None,
                      names: tuple = _FIELDS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate payout rows (any order) and return them sorted by place as (int, int, float) arrays.

    ``labels[k]`` is how row ``k`` is named in messages (a reader passes the file's
    rows; default 1, 2, ...); ``names`` the three field names as the caller shows
    them. Raises :class:`InputError` naming the row, the field and the problem.
    """
    src = source
    n = len(place_lo) if hasattr(place_lo, "__len__") else -1
    if not (n == (len(place_hi) if hasattr(place_hi, "__len__") else -2) == (len(payout) if hasattr(payout, "__len__")
                                                                              else -3)) or n == 0:
        raise InputError(f"{src}: a payout table needs at least one row of equal-length place_lo/place_hi/payout")
    labels = np.arange(1, n + 1) if labels is None else np.asarray(list(labels), dtype=object)
    lo, hi, pay = (_as_float(v, f, src, labels) for v, f in zip((place_lo, place_hi, payout), names))
    if not (np.diff(lo) >= 0).all():
        order = np.argsort(lo, kind="stable") if np.isfinite(lo).all() else np.arange(n)
        lo, hi, pay, labels = lo[order], hi[order], pay[order], labels[order]
    lo_name, hi_name, pay_name = names

    def fail(k, what):
        raise InputError(f"{src}: row {labels[k]}: {what}")

    # vectorised checks (tables may have millions of rows); the first offending row of each kind is named
    for test, what in ((lambda v: ~np.isfinite(v) | (v != np.floor(v)), "is not a whole place number"),
                       (lambda v: v < 1, "is not a place: places start at 1")):
        bad_lo, bad_hi = test(lo), test(hi)
        if bad_lo.any() or bad_hi.any():
            k = int(np.flatnonzero(bad_lo | bad_hi)[0])
            v, f = (lo[k], lo_name) if bad_lo[k] else (hi[k], hi_name)
            fail(k, f"{f} {v:g} {what}")
    if not np.isfinite(pay).all():
        k = int(np.flatnonzero(~np.isfinite(pay))[0])
        fail(k, f"{pay_name} {pay[k]} is not a finite amount")
    if (pay < 0).any():
        k = int(np.flatnonzero(pay < 0)[0])
        fail(k, f"{pay_name} {pay[k]:g} is negative")
    if (hi < lo).any():
        k = int(np.flatnonzero(hi < lo)[0])
        fail(k, f"{hi_name} {hi[k]:g} < {lo_name} {lo[k]:g}")
    k = int(np.argmax(hi))
    # A table's per-place prize array (and its running sum) spans every place up to the last paid one.
    check_memory(16.0 * hi[k], what=f"{src}: row {labels[k]}", param=hi_name, value=f"{hi[k]:.0f}",
                 detail="two float arrays of one value per place")
    if lo[0] != 1:
        fail(0, f"the table must start at place 1, starts at {lo[0]:g}")
    nxt = hi[:-1] + 1
    if (lo[1:] > nxt).any():
        k = int(np.flatnonzero(lo[1:] > nxt)[0]) + 1
        miss = f"place {nxt[k - 1]:g}" if lo[k] - 1 == nxt[k - 1] else f"places {nxt[k - 1]:g}..{lo[k] - 1:g}"
        fail(k, f"gap before this row: {miss} missing")
    if (lo[1:] < nxt).any():
        k = int(np.flatnonzero(lo[1:] < nxt)[0]) + 1
        fail(k, f"overlaps the previous row at place {lo[k]:g}")
    if (np.diff(pay) > 1e-9).any():
        k = int(np.flatnonzero(np.diff(pay) > 1e-9)[0]) + 1
        fail(k, f"pays {pay[k]:g} for places {lo[k]:g}-{hi[k]:g}, more than the better place {hi[k - 1]:g} "
                f"({pay[k - 1]:g}); payouts must not rise with place")
    if not (pay > 0).any():
        raise InputError(f"{src}: the table pays nothing: every {pay_name} is 0")
    return lo.astype(np.int64), hi.astype(np.int64), pay


@dataclass(frozen=True)
class PayoutTable:
    """A contest's payout table: places ``place_lo..place_hi`` each pay ``payout``.

    Places must be whole numbers from 1, contiguous (no gaps, no overlaps), pay a
    non-increasing, non-negative amount by place and pay something; rows may come
    in any order (they are sorted). A table whose last place would need more
    memory than :func:`dfslab.set_memory_limit` allows is refused.

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
        lo, hi, pay = check_payout_rows(self.place_lo, self.place_hi, self.payout, source=self.source)
        object.__setattr__(self, "place_lo", lo)
        object.__setattr__(self, "place_hi", hi)
        object.__setattr__(self, "payout", pay)

    @classmethod
    def from_rows(cls, rows, source: str = "table") -> "PayoutTable":
        """A table from ``(place_lo, place_hi, payout)`` rows."""
        rows = list(rows) if not isinstance(rows, np.ndarray) else rows
        if len(rows) == 0 or any(not hasattr(r, "__len__") or len(r) != 3 for r in rows):
            raise InputError(f"{source}: rows must be (place_lo, place_hi, payout) triples, got {str(rows)[:80]}")
        cols = list(zip(*rows))
        return cls(list(cols[0]), list(cols[1]), list(cols[2]), source=source)

    @classmethod
    def from_frame(cls, df: pd.DataFrame, source: str = "table", labels=None) -> "PayoutTable":
        """A table from a frame with Place_lo, Place_hi, Payout columns (any case; "$1,000" amounts allowed).

        ``labels`` names the frame's rows in messages (default 1, 2, ...).
        """
        cols = {c.lower(): c for c in df.columns}
        if not all(c in cols for c in _FIELDS):
            raise InputError(f"{source}: needs columns Place_lo, Place_hi, Payout; found {list(df.columns)}")
        names = tuple(cols[c] for c in _FIELDS)
        labels = list(labels) if labels is not None else list(range(1, len(df) + 1))
        data = []
        for c in names:
            raw = df[c]
            v = pd.to_numeric(raw.astype(str).str.strip().str.replace(r"[$,]", "", regex=True), errors="coerce")
            bad = v.isna() & ~raw.astype(str).str.strip().str.lower().isin(["nan"])
            if bad.any():
                k = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(f"{source}: row {labels[k]}: {c} is not a number: {raw.iloc[k]!r}")
            data.append(v.to_numpy(dtype=np.float64))
        lo, hi, pay = check_payout_rows(*data, source=source, labels=labels, names=names)
        return cls(lo, hi, pay, source=source)

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
        n = int(self.place_hi[-1]) if n_places is None else check_number("n_places", n_places, lo=0, integer=True)
        check_memory(8.0 * n, what=f"{self.source}: prizes", param="n_places", value=n)
        out = np.zeros(n, dtype=np.float64)
        # places are contiguous from 1 (checked on construction): one repeat, no loop over rows
        full = np.repeat(np.asarray(self.payout, dtype=np.float64), np.asarray(self.place_hi) - self.place_lo + 1)
        out[:min(n, len(full))] = full[:n]
        return out

    def rake(self, entries: int, entry_fee: float) -> float:
        """1 - pool / fees (negative = overlay: the pool exceeds the fees; legal)."""
        entries = check_number("entries", entries, lo=0, lo_open=True)
        entry_fee = check_number("entry_fee", entry_fee, lo=0, lo_open=True)
        return 1.0 - self.pool / (entries * entry_fee)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"place_lo": self.place_lo, "place_hi": self.place_hi, "payout": self.payout})

    def _repr_html_(self) -> str:
        from .utils.display import payout_table_html
        return payout_table_html(self)


def read_payout_table(path) -> PayoutTable:
    """Read a DK payout_structure.csv (Place_lo, Place_hi, Payout).

    A UTF-8 BOM is tolerated, and so are DK's way of writing a single place as
    ``"10",NA`` (a missing bound equals the other one), rows in any order and
    amounts written "$1,000.00". Fractional places, gaps, overlaps, negative
    payouts, payouts that rise with place and a table that pays nothing raise
    :class:`DataFileError` naming the row as the file shows it.
    """
    path = Path(path)
    df = read_csv_checked(path)
    require_columns(df, path, list(_FILE_FIELDS))
    df = df.dropna(how="all").copy()
    if df.empty:
        raise DataFileError(path, "no rows (the file holds only a header)")
    # DK exports write a single place as (n, NA): a missing bound equals the other.
    df["Place_hi"] = df["Place_hi"].fillna(df["Place_lo"])
    df["Place_lo"] = df["Place_lo"].fillna(df["Place_hi"])
    rows = [file_row(df, lab) for lab in df.index]
    na = df[list(_FILE_FIELDS)].isna().any(axis=1)
    if na.any():
        i = int(np.flatnonzero(na)[0])
        what = "Payout is missing (a non-cash prize such as a satellite ticket?)" if pd.isna(df["Payout"].iloc[i]) \
            else "Place_lo and Place_hi are both missing"
        raise DataFileError(path, what, row=rows[i])
    try:
        return PayoutTable.from_frame(df, source=str(path), labels=rows)
    except InputError as e:
        raise DataFileError(path, str(e).replace(f"{path}: ", "", 1)) from None


def read_payout_tables(path=None) -> pd.DataFrame:
    """Read the long table of real DK payouts (``dk_payouts.csv``).

    Returns one row per (table_id, place range) with columns table_id, sport,
    date, contest_name, entry_fee, place_lo, place_hi, payout. Use
    :func:`payout_table_from_long` to build a :class:`PayoutTable` per table.
    """
    from .utils.config import data_dir

    path = Path(path) if path is not None else data_dir() / "dk_payouts.csv"
    df = read_csv_checked(path)
    require_columns(df, path, ["table_id", "entry_fee", "place_lo", "place_hi", "payout"])
    for c in ("entry_fee", "place_lo", "place_hi", "payout"):
        v = pd.to_numeric(df[c], errors="coerce")
        if v.isna().any():
            i = int(np.flatnonzero(v.isna())[0])
            raise DataFileError(path, f"column {c!r} is not a number: {df[c].iloc[i]!r}", row=file_row(df, df.index[i]))
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
