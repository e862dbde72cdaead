"""Shared helpers for the file readers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._errors import DataFileError


def read_csv_checked(path, **kw) -> pd.DataFrame:
    """Read a CSV (BOM tolerated, 'NA' kept as NaN) or raise DataFileError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "file not found")
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", **kw)
    except UnicodeDecodeError:
        df = pd.read_csv(path, encoding="latin-1", **kw)
    except pd.errors.EmptyDataError:
        raise DataFileError(path, "file is empty") from None
    except pd.errors.ParserError as e:
        raise DataFileError(path, f"not a readable CSV: {e}") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def require_columns(df: pd.DataFrame, path, columns, what: str = "") -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataFileError(path, f"missing column(s) {missing}{' for ' + what if what else ''}; found {list(df.columns)}")


def parse_percent(series: pd.Series, path, column: str) -> pd.Series:
    """'63.55%' -> 63.55; raises naming the row on garbage."""
    s = series.astype(str).str.strip().str.rstrip("%").str.replace(",", "", regex=False)
    out = pd.to_numeric(s, errors="coerce")
    bad = out.isna() & series.notna()
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataFileError(path, f"column {column!r}: not a percentage: {series.iloc[i]!r}", row=i + 2)
    return out
