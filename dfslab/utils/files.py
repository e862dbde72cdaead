"""Shared helpers for the file readers.

Row numbers in messages are the rows **as the file shows them** in a text editor
or a spreadsheet: the header is row 1, so the first data row is row 2, and blank
lines count. :func:`read_csv_checked` records each data row's file row and
:func:`file_row` looks it up.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError

_COMPRESSED = (".gz", ".bz2", ".zip", ".xz", ".zst")
# (leading bytes, what the file is): files saved in the wrong format and renamed .csv.
_MAGIC = (
    (b"PK\x03\x04", "is an Excel workbook (.xlsx) or another zip archive, not a CSV text file: open it in Excel "
                    "and save it as 'CSV UTF-8'"),
    (b"\xd0\xcf\x11\xe0", "is an old Excel workbook (.xls), not a CSV text file: save it as 'CSV UTF-8'"),
    (b"\x1f\x8b", "is gzip-compressed, not a CSV text file: decompress it (or name it .csv.gz)"),
    (b"%PDF", "is a PDF document, not a CSV text file"),
)
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    """Text of a CSV file: UTF-8 (BOM tolerated), UTF-16 with a BOM, else Windows cp1252 / latin-1 (noted)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ["file is UTF-16 (Excel 'Unicode text'); read as such"]
        except UnicodeDecodeError:
            raise DataFileError(path, "starts like UTF-16 text but does not decode as UTF-16") from None
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        first_bad = data[:e.start].count(b"\n") + 1
    for enc in ("cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return text, [f"file is not UTF-8 (first non-UTF-8 byte on row {first_bad}): read as {enc} (a Windows / "
                      "Excel encoding); check accented names"]
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _sniff(path: Path, data: bytes, text: str, kw: dict) -> None:
    """Refuse files that are something else saved as .csv, saying what they are."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DataFileError(path, what)
    head = text[:4096]
    if "\x00" in head:
        raise DataFileError(path, "is a binary file (it holds NUL bytes), not a CSV text file")
    start = head.lstrip().lower()
    if start.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body")):
        raise DataFileError(path, "is an HTML/XML page, not a CSV (a failed or expired download? log in and "
                                  "export the CSV again)")
    if start.startswith(("[{", "{")) or start.startswith("[") and start[1:].lstrip().startswith("{"):
        raise DataFileError(path, "looks like JSON, not a CSV")
    if "sep" not in kw and "delimiter" not in kw:
        header = next((ln for ln in head.splitlines() if ln.strip()), "")
        if "," not in header:
            for sep, name in ((";", "';'"), ("\t", "tabs")):
                if sep in header:
                    raise DataFileError(path, f"uses {name} to separate fields (a non-English Excel export?); "
                                              "DraftKings CSVs use ',': save it as 'CSV UTF-8 (comma delimited)'",
                                        row=1)


def _file_rows(text: str, n_rows: int) -> np.ndarray | None:
    """File row of each parsed data row when blank lines were skipped (None when rows are simply 2, 3, ...)."""
    lines = text.split("\n")
    blank = [ln.strip("\r") == "" for ln in lines]
    if lines and blank[-1]:
        lines, blank = lines[:-1], blank[:-1]  # the file's final newline
    if not any(blank):
        return None
    rows = [i + 1 for i, b in enumerate(blank) if not b][1:]  # minus the header
    if len(rows) != n_rows:
        return None  # quoted newlines inside fields: rows cannot be mapped line by line
    return np.asarray(rows, dtype=np.int64)


def read_csv_checked(path, **kw) -> pd.DataFrame:
    """Read a CSV or raise :class:`DataFileError` naming the file, the row and the problem.

    Handles a UTF-8 BOM, UTF-16 (with BOM) and non-UTF-8 files (read as cp1252,
    else latin-1; said in ``df.attrs["notes"]``); refuses, saying what they are,
    Excel workbooks, compressed, binary, HTML, JSON and semicolon- or
    tab-separated files saved as .csv, and rows with more fields than the
    header. ``df.attrs["file_rows"]`` maps data rows to file rows when blank lines
    were skipped (see :func:`file_row`).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.csv")
    >>> _ = open(p, "w").write("a,b\\n1,2\\n3,4,5\\n")
    >>> read_csv_checked(p)
    Traceback (most recent call last):
    ...
    dfslab.exceptions.DataFileError: ...x.csv, row 3: has 3 fields, the header has 2 (a comma inside an unquoted value?)
    """
    path = Path(path)
    if not path.exists():
        where = "" if path.parent.is_dir() else f" (folder {path.parent} does not exist either)"
        raise DataFileError(path, f"file not found{where}")
    if path.is_dir():
        raise DataFileError(path, "is a folder, not a file")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise DataFileError(path, "cannot read the file: permission denied") from None
    except OSError as e:
        raise DataFileError(path, f"cannot read the file: {e.strerror or e}") from None
    notes: list[str] = []
    if path.suffix.lower() in _COMPRESSED:
        src, text = path, None  # pandas decompresses by extension
        kw.setdefault("encoding", "utf-8-sig")
    else:
        text, notes = _decode(path, data)
        _sniff(path, data, text, kw)
        src = io.StringIO(text)
    try:
        df = pd.read_csv(src, **kw)
    except pd.errors.EmptyDataError:
        raise DataFileError(path, "file is empty") from None
    except pd.errors.ParserError as e:
        msg = str(e)
        m = _RAGGED.search(msg)
        if m:
            exp, line, saw = m.groups()
            raise DataFileError(path, f"has {saw} fields, the header has {exp} (a comma inside an unquoted value?)",
                                row=int(line)) from None
        m = _EOF_QUOTE.search(msg)
        if m:
            raise DataFileError(path, "a quote (\") opened here is never closed", row=int(m.group(1)) + 1) from None
        raise DataFileError(path, f"not a readable CSV: {msg.strip()}") from None
    except UnicodeDecodeError as e:  # compressed files only: the text was decoded above otherwise
        raise DataFileError(path, f"not UTF-8 text: {e}") from None
    except (OSError, EOFError) as e:
        raise DataFileError(path, f"cannot read the file: {e}") from None
    if "index_col" not in kw and not isinstance(df.index, pd.RangeIndex):
        # pandas silently turns a first column into the index when data rows have one field more than the header
        raise DataFileError(path, f"has {len(df.columns) + 1} fields, the header has {len(df.columns)}", row=2)
    df.columns = [str(c).strip() for c in df.columns]
    df.attrs["path"] = str(path)
    df.attrs["notes"] = notes
    rows = _file_rows(text, len(df)) if text is not None else None
    if rows is not None:
        df.attrs["file_rows"] = rows
    return df


def read_csv_text(path) -> tuple[str, list[str], bytes]:
    """A CSV file's text, read as :func:`read_csv_checked` reads it: (text, notes, raw bytes).

    For files whose rows are not one table (DK's entries file: an entries block and a player pool
    side by side): the same encodings are handled and the same wrong formats refused, naming the file.
    """
    path = Path(path)
    if not path.exists():
        where = "" if path.parent.is_dir() else f" (folder {path.parent} does not exist either)"
        raise DataFileError(path, f"file not found{where}")
    if path.is_dir():
        raise DataFileError(path, "is a folder, not a file")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise DataFileError(path, "cannot read the file: permission denied") from None
    except OSError as e:
        raise DataFileError(path, f"cannot read the file: {e.strerror or e}") from None
    if not data.strip():
        raise DataFileError(path, "file is empty")
    text, notes = _decode(path, data)
    _sniff(path, data, text, {})
    return text, notes, data


def file_row(df: pd.DataFrame, label) -> int:
    """The file row (header = 1) of the row with index ``label`` of a frame from :func:`read_csv_checked`."""
    rows = df.attrs.get("file_rows")
    return int(rows[int(label)]) if rows is not None else int(label) + 2


def require_columns(df: pd.DataFrame, path, columns, what: str = "") -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataFileError(path, f"missing column(s) {missing}{' for ' + what if what else ''}; found {list(df.columns)}")


def parse_percent(series: pd.Series, path, column: str, frame: pd.DataFrame | None = None,
                  bounds: tuple[float, float] | None = (0.0, 100.0)) -> pd.Series:
    """'63.55%' -> 63.55; raises naming the row on garbage or a value outside ``bounds``.

    ``frame`` is the frame ``series`` was cut from (for file row numbers).
    """
    s = series.astype(str).str.strip().str.rstrip("%").str.replace(",", "", regex=False)
    out = pd.to_numeric(s, errors="coerce")
    bad = (out.isna() & series.notna()) | ~np.isfinite(out.fillna(0.0))
    if bounds is not None:
        bad |= (out < bounds[0]) | (out > bounds[1])
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        label = series.index[i]
        row = file_row(frame, label) if frame is not None else int(label) + 2
        what = "not a percentage" if pd.isna(out.iloc[i]) or not np.isfinite(out.iloc[i]) else \
            f"outside {bounds[0]:g}-{bounds[1]:g}%"
        raise DataFileError(path, f"column {column!r}: {what}: {series.iloc[i]!r}", row=row)
    return out


def numeric_column(df: pd.DataFrame, col: str, path, *, name_col: str | None = None, required: bool = False,
                   lo: float | None = None, hi: float | None = None, integer: bool = False,
                   label: str | None = None) -> pd.Series:
    """A numeric column of a CSV frame: text, infinities and values out of [lo, hi] raise naming the row.

    Empty cells are NaN (allowed unless ``required``). ``name_col`` names the
    player of the offending row in the message.
    """
    raw = df[col]
    label = label or col
    as_str = raw.astype(str).str.strip()
    empty = raw.isna() | as_str.eq("")
    v = pd.to_numeric(raw.where(~empty), errors="coerce")
    problems = [
        (v.isna() & ~empty, "is not a number"),
        (~empty & v.notna() & ~np.isfinite(v.fillna(0.0)), "is not a finite number"),
    ]
    if required:
        problems.append((empty, "is empty"))
    if integer:
        problems.append((v.notna() & np.isfinite(v.fillna(0.0)) & (v != np.round(v)), "is not a whole number"))
    if lo is not None:
        problems.append((v < lo, f"is below {lo:g}"))
    if hi is not None:
        problems.append((v > hi, f"is above {hi:g}"))
    first = None
    for mask, what in problems:
        if mask.any():
            i = int(np.flatnonzero(mask.to_numpy())[0])
            if first is None or i < first[0]:
                first = (i, what)
    if first is not None:
        i, what = first
        who = f" ({df[name_col].iloc[i]})" if name_col and name_col in df else ""
        raise DataFileError(path, f"{label} {what}: {raw.iloc[i]!r}{who}", row=file_row(df, df.index[i]))
    return v
