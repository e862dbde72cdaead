"""DraftKings' entries file (DKEntries.csv): read it, fill its lineups, write it back for "Upload entries".

DK's file (My Contests > Upcoming > "Edit Entries" > Download) holds two blocks side by side::

    Entry ID,Contest Name,Contest ID,Entry Fee,D,D,D,D,D,D,,Instructions
    4412345678,NAS $100K Chrome Horn,191218206,$4,,,,,,,,1. Column A lists all of your contest entries ...
    4412345679,NAS $100K Chrome Horn,191218206,$4,Kyle Larson (39234567),...,,2. Your current lineup ...
    ...
    4412345690,NAS $5K Engine Block,192343608,$12,,,,,,,,Position,Name + ID,Name,ID,Roster Position,Salary,...
    ,,,,,,,,,,,D,Kyle Larson (39234567),Kyle Larson,39234567,D,11000,@ 07/19/2026 ...

* the **entries block**: one row per entry (Entry ID, Contest Name, Contest ID, Entry Fee such as
  ``$4``), then one column per roster slot. A slot is empty (a reservation), ``Name (ID)`` or a bare
  DK id, and ``... (LOCKED)`` (or just ``LOCKED``) once the slate has locked;
* a blank column, then DK's ``Instructions`` text, and a few rows down, under it, the **player pool**
  (the DKSalaries.csv columns: ``Position, Name + ID, Name, ID, Roster Position, Salary, Game Info,
  TeamAbbrev, AvgPointsPerGame``), its rows running past the last entry.

:func:`read_dk_entries` reads both blocks and keeps every record of the file as it was;
:meth:`DKEntries.fill` writes lineups into the entry rows' slots as ``Name (ID)`` and leaves every other
byte of the file unchanged (untouched rows are copied verbatim), so the result goes straight to DK's
"Upload entries". Several contests may share one file: each entry row says its contest.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError, InputError

ENTRY_COLUMNS = ("Entry ID", "Contest Name", "Contest ID", "Entry Fee")
POOL_COLUMNS = ("Position", "Name + ID", "Name", "ID", "Roster Position", "Salary", "Game Info", "TeamAbbrev",
                "AvgPointsPerGame")
_NAME_ID = re.compile(r"^(?P<name>.*?)\s*\((?P<id>\d+)\)$")
_LOCKED = re.compile(r"\s*\(?\s*locked\s*\)?\s*", re.IGNORECASE)
_SCI = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)
_MONEY = re.compile(r"^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_AMOUNT = re.compile(r"\$\s*(\d+(?:[.,]\d+)?)\s*([kKmM])?(?![\w])")


@dataclass
class _Record:
    raw: str        # the record's text as in the file, line ending(s) included
    cells: list     # its cells
    row: int        # file row of its first line (header = 1)


def _records(text: str) -> list[_Record]:
    """Split CSV text into records, each with its raw text (quoted newlines kept inside one record)."""
    lines = text.splitlines(keepends=True)
    consumed: list[str] = []

    def feed():
        for ln in lines:
            consumed.append(ln)
            yield ln

    out, row = [], 1
    for cells in csv.reader(feed()):
        raw = "".join(consumed)
        out.append(_Record(raw=raw, cells=cells, row=row))
        row += len(consumed)
        consumed.clear()
    return out


def parse_money(text) -> float | None:
    """Dollars of a DK fee cell (``$4``, ``$0.25``, ``$1,500``, ``5``); None when it is not an amount.

    Examples
    --------
    >>> parse_money("$4"), parse_money("$1,500.00"), parse_money("free")
    (4.0, 1500.0, None)
    """
    s = str(text).strip()
    m = _MONEY.match(s)
    if not m:
        return None
    return float(m.group(1).replace(",", "") + (m.group(2) or ""))


def prize_pool_from_name(name: str, entry_fee: float | None = None) -> float | None:
    """The guaranteed prize pool a DK contest name states (``NAS $100K Chrome Horn`` -> 100,000), else None.

    Amounts in brackets or parentheses (``[$20K to 1st]``) are prizes, not the pool, and are skipped,
    as is an amount equal to the entry fee (``NASCAR $5 Double Up``).

    Examples
    --------
    >>> prize_pool_from_name("NAS $100k Chrome Horn ($20K to 1st)"), prize_pool_from_name("NAS $6K Engine Block [Single Entry, $1K to 1st] (Cup)")
    (100000.0, 6000.0)
    >>> prize_pool_from_name("NASCAR $5 Double Up", entry_fee=5.0) is None
    True
    """
    s = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", str(name))
    for m in _AMOUNT.finditer(s):
        v = float(m.group(1).replace(",", ""))
        v *= {"k": 1e3, "m": 1e6}.get((m.group(2) or "").lower(), 1.0)
        if entry_fee is not None and abs(v - entry_fee) < 1e-9:
            continue
        return v
    return None


@dataclass
class DKEntries:
    """A DKEntries.csv: the entries block, the player pool block, and the file's records to write back.

    Attributes
    ----------
    path : str
    slots : tuple of str
        The roster slot labels of the header (NASCAR: ``("D",) * 6``).
    entries : DataFrame
        One row per entry, in file order: ``row`` (file row), ``entry_id``, ``contest_name``,
        ``contest_id``, ``entry_fee ($)``, ``fee_text`` (as written), ``status`` ("empty" / "filled" /
        "partial" / "locked").
    slot_ids : ndarray of object, (n_entries, n_slots)
        The DK id in each slot as text, "" where the slot is empty (or locked without an id).
    slot_locked : ndarray of bool, (n_entries, n_slots)
        Slots DK marked as locked.
    pool : DataFrame or None
        The player pool block (DK's salary-file columns and ``row``), None when the file has none.
    notes : list of str
        What the reader inferred or tolerated.
    """

    path: str
    header: list
    slots: tuple
    slot_cols: tuple
    entries: pd.DataFrame
    slot_ids: np.ndarray
    slot_locked: np.ndarray
    pool: pd.DataFrame | None
    records: list = field(repr=False, default_factory=list)
    entry_records: tuple = field(repr=False, default=())
    newline: str = "\n"
    encoding: str = "utf-8"
    bom: bool = False
    notes: list = field(default_factory=list)

    @property
    def n_entries(self) -> int:
        return len(self.entries)

    @property
    def contests(self) -> pd.DataFrame:
        """One row per contest, in the order the file first lists them: id, name, fee, my entries, first row,
        and the prize pool its name states (NaN when none)."""
        e = self.entries
        g = e.groupby("contest_id", sort=False)
        out = pd.DataFrame({
            "contest_id": list(g.groups),
            "contest_name": g["contest_name"].first().to_numpy(),
            "entry_fee ($)": g["entry_fee ($)"].first().to_numpy(),
            "my entries": g.size().to_numpy(),
            "first row": g["row"].min().to_numpy(),
        })
        out["prize pool in name ($)"] = [prize_pool_from_name(n, f) for n, f in
                                         zip(out["contest_name"], out["entry_fee ($)"])]
        return out

    @property
    def locked(self) -> np.ndarray:
        """Entries with a locked slot (the slate has started: DK accepts no edits)."""
        return self.slot_locked.any(1)

    def _err(self, problem, row=None):
        return DataFileError(self.path, problem, row=row)

    def check_slate(self, slate, salary_path: str | None = None) -> "DKEntries":
        """The file belongs to ``slate``: the roster slots match, and every DK id of its player pool and its
        lineups is one of the slate's drivers (else a one-line :class:`DataFileError` naming file, row and id).

        When the file carries a pool, the slate's drivers must all be in it (a lineup with a driver DK's
        pool does not list would be refused on upload) and the salaries must agree.
        """
        salary_path = salary_path or (slate.meta.get("source_file") if isinstance(slate.meta, dict) else None)
        where = f"the salary file {salary_path}" if salary_path else f"slate {slate.name}"
        if tuple(s.upper() for s in self.slots) != tuple(s.upper() for s in slate.rules.slots):
            raise self._err(f"roster slots {','.join(self.slots)} are not the {slate.rules.name} roster "
                            f"{','.join(slate.rules.slots)}: an entries file of another sport or contest type", row=1)
        p = slate.players
        if "dk_id" not in p or p["dk_id"].isna().all():
            raise InputError(f"{slate.name}: the slate has no DK ids, so {self.path} cannot be matched to it (read the "
                             "slate from DKSalaries.csv)")
        ids = {str(int(v)): i for i, v in enumerate(p["dk_id"]) if pd.notna(v)}
        if self.pool is not None:
            for _, r in self.pool.iterrows():
                if r["ID"] not in ids:
                    raise self._err(f"player pool: ID {r['ID']} ({r.get('Name', '')}) is not in {where}: this "
                                    "entries file is for another slate", row=int(r["row"]))
                i = ids[r["ID"]]
                sal = r.get("Salary", "")
                if str(sal).strip() and parse_money(sal) is not None and int(parse_money(sal)) != int(p["salary"].iloc[i]):
                    raise self._err(f"player pool: {r.get('Name', '')} ({r['ID']}) costs ${int(parse_money(sal)):,} "
                                    f"here but ${int(p['salary'].iloc[i]):,} in {where}: the files are from different "
                                    "slates or downloads", row=int(r["row"]))
            missing = sorted(set(ids) - set(self.pool["ID"]))
            if missing:
                nm = p.set_index(p["dk_id"].astype("Int64").astype(str))["name"]
                raise InputError(f"{self.path}: the player pool lacks {len(missing)} driver(s) of {where} "
                                 f"({', '.join(f'{nm[m]} ({m})' for m in missing[:5])}): the two files are for "
                                 "different slates (draft groups)")
        for k in range(self.n_entries):
            for j in range(len(self.slots)):
                v = self.slot_ids[k, j]
                if v and v not in ids:
                    raise self._err(f"entry {self.entries['entry_id'].iloc[k]}: slot {self.slots[j]} (column {j + 5}) "
                                    f"holds ID {v}, which is not in {where}: this entries file is for another slate",
                                    row=int(self.entries["row"].iloc[k]))
        return self

    def lineups(self, slate) -> np.ndarray:
        """The entries' current lineups as row indices into ``slate`` (n_entries x slots); -1 = empty slot."""
        ids = {str(int(v)): i for i, v in enumerate(slate.players["dk_id"]) if pd.notna(v)}
        out = np.full(self.slot_ids.shape, -1, dtype=np.int64)
        for k, j in zip(*np.nonzero(self.slot_ids != "")):
            out[k, j] = ids.get(self.slot_ids[k, j], -1)
        return out

    def fill(self, lineups, slate) -> str:
        """The file's text with entry ``k``'s slots set to lineup ``k`` (``Name (ID)``); every other record verbatim.

        Parameters
        ----------
        lineups : (n_entries, n_slots) int array
            Row indices into ``slate``, one lineup per entry in file order.
        slate : Slate
            With ``dk_id`` for every driver used.

        Raises
        ------
        InputError / DataFileError
            A lineup count that is not the entry count, a driver without a DK id, or a locked entry
            (DK accepts no edits after lock), naming the file and row.
        """
        from ..slate import check_lineups

        L = check_lineups(lineups, slate, name=f"lineups for {self.path}")
        if len(L) != self.n_entries:
            raise InputError(f"{self.path}: {len(L)} lineups for {self.n_entries} entries (one per entry)")
        if self.locked.any():
            k = int(np.flatnonzero(self.locked)[0])
            raise self._err(f"entry {self.entries['entry_id'].iloc[k]} is locked (DK marks its slots LOCKED): the "
                            "slate has started and DK accepts no edits", row=int(self.entries["row"].iloc[k]))
        p = slate.players
        if "dk_id" not in p or p["dk_id"].isna().to_numpy()[np.unique(L)].any():
            raise InputError(f"{slate.name}: a driver of the lineups has no DK id; DK's upload needs one per slot")
        cells_of = [f"{n} ({int(i)})" for n, i in zip(p["name"].astype(str), p["dk_id"].fillna(-1))]
        out = [r.raw for r in self.records]
        for k, ri in enumerate(self.entry_records):
            rec = self.records[ri]
            cells = list(rec.cells)
            need = max(self.slot_cols) + 1
            if len(cells) < need:
                cells += [""] * (need - len(cells))
            for j, c in enumerate(self.slot_cols):
                cells[c] = cells_of[L[k, j]]
            if cells == rec.cells:
                continue
            buf = io.StringIO()
            csv.writer(buf, lineterminator=self.newline).writerow(cells)
            text = buf.getvalue()
            if not rec.raw.endswith(("\n", "\r")):
                text = text[: -len(self.newline)]
            out[ri] = text
        return "".join(out)

    def write_filled(self, path, lineups, slate) -> Path:
        """Write :meth:`fill` to ``path`` atomically, in the file's own encoding (BOM kept)."""
        from ..utils.atomic import atomic_write_bytes

        path = Path(path)
        if path.is_dir():
            raise InputError(f"{path}: is a folder; give the filled file's name (e.g. DKEntries_filled.csv)")
        data = self.fill(lineups, slate).encode(self.encoding)
        if self.bom:
            data = b"\xef\xbb\xbf" + data
        return atomic_write_bytes(path, data)

    def table(self) -> pd.DataFrame:
        """The entries with their current slots (``Name (ID)`` / id / empty) for display."""
        t = self.entries[["row", "entry_id", "contest_name", "contest_id", "entry_fee ($)", "status"]].copy()
        for j in range(len(self.slots)):
            t[f"{self.slots[j]}{j + 1}"] = self.slot_ids[:, j]
        return t

    def _repr_html_(self) -> str:
        c = self.contests
        head = (f"<b>DKEntries</b> {html.escape(str(self.path))}: {self.n_entries} entries in {len(c)} contest(s); "
                f"slots {','.join(self.slots)}; player pool: "
                f"{'none' if self.pool is None else f'{len(self.pool)} players'}; "
                + ", ".join(f"{int(n)} {s}" for s, n in self.entries["status"].value_counts().items()))
        notes = "".join(f"<br><i>note:</i> {html.escape(n)}" for n in self.notes)
        return (head + notes + c.to_html(index=False, border=0, na_rep="")
                + f"<details><summary>entries</summary>{self.table().to_html(index=False, border=0)}</details>")

    def __repr__(self) -> str:
        return f"DKEntries({str(self.path)!r}, {self.n_entries} entries, {len(self.contests)} contest(s))"


def _find_pool(records, start_col: int):
    """(record index, column) of the pool's header row ``Position, Name + ID, ...`` right of ``start_col``."""
    for ri, r in enumerate(records):
        cells = [c.strip() for c in r.cells]
        for c in range(start_col, len(cells) - 1):
            if cells[c].lower() == "position" and cells[c + 1].lower() in ("name + id", "name"):
                return ri, c
    return None, None


def read_dk_entries(path, slate=None) -> DKEntries:
    """Read DK's entries file (DKEntries.csv): its entries, its player pool, DK's placeholders.

    Parameters
    ----------
    path : path-like
        The file as DK exports it (tolerated: a UTF-8 BOM, Windows line endings, rows of different
        lengths, bare ids or ``Name (ID)`` in slots, ``(LOCKED)`` markers, no player pool block, no
        Instructions column).
    slate : Slate, optional
        When given, :meth:`DKEntries.check_slate` runs: the file must belong to that slate.

    Returns
    -------
    DKEntries

    Raises
    ------
    DataFileError
        One line naming the file, the row and the problem: not an entries file (e.g. the salary file),
        no entries, an Entry ID or Contest ID that is not a DK number (or was turned into scientific
        notation by a spreadsheet), a fee that is not an amount, two rows with one Entry ID, one contest
        with two fees, a slot that is neither an id nor ``Name (ID)``, a row with slots but no Entry ID.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "DKEntries.csv")
    >>> _ = open(p, "w").write("Entry ID,Contest Name,Contest ID,Entry Fee,D,D,D,D,D,D,,Instructions\\n"
    ...                        "4412345678,NAS $5K Engine Block,192343608,$12,,,,,,,,1. Column A lists ...\\n")
    >>> e = read_dk_entries(p)
    >>> e.n_entries, e.contests["entry_fee ($)"].tolist(), e.entries["status"].tolist()
    (1, [12.0], ['empty'])
    """
    from ..utils.files import read_csv_text

    path = Path(path)
    text, notes, data = read_csv_text(path)
    notes = list(notes)
    encoding = "utf-8"
    if any("cp1252" in n for n in notes):
        encoding = "cp1252"
    elif any("latin-1" in n for n in notes):
        encoding = "latin-1"
    elif any("UTF-16" in n for n in notes):
        encoding = "utf-16"
    bom = data.startswith(b"\xef\xbb\xbf")
    newline = "\r\n" if "\r\n" in text else "\n"
    try:
        records = _records(text)
    except csv.Error as e:
        raise DataFileError(path, f"not a readable CSV: {e}") from None
    if not records:
        raise DataFileError(path, "file is empty")
    header = [c.strip() for c in records[0].cells]
    if [h.lower() for h in header[:4]] != [c.lower() for c in ENTRY_COLUMNS]:
        cols = set(header)
        if {"Position", "Salary"} <= cols and ("Name" in cols or "Name + ID" in cols):
            raise DataFileError(path, "this is a DKSalaries.csv (the salary file), not the entries file: download "
                                      "DKEntries.csv from My Contests > Upcoming > Edit Entries", row=1)
        raise DataFileError(path, f"not a DKEntries.csv: the header starts {header[:4]}, DK's entries file starts "
                                  f"{list(ENTRY_COLUMNS)}", row=1)
    end = 4
    while end < len(header) and header[end] not in ("", "Instructions"):
        end += 1
    slots = tuple(header[4:end])
    if not slots:
        raise DataFileError(path, "no roster slot columns after Entry Fee (expected D,D,D,D,D,D for NASCAR)", row=1)
    if {s.upper() for s in slots} & {"CPT", "MVP", "CAPTAIN"}:
        raise DataFileError(path, f"this is a Showdown (captain mode) entries file (slots {','.join(slots)}); "
                                  "dfslab handles DraftKings classic contests", row=1)
    slot_cols = tuple(range(4, end))
    pr, pc = _find_pool(records, end)
    pool = None
    if pr is not None:
        cols = [c.strip() for c in records[pr].cells[pc:]]
        width = next((i for i, c in enumerate(cols) if c == ""), len(cols))
        cols = cols[:width]
        if "ID" not in cols and "Name + ID" not in cols:
            raise DataFileError(path, f"player pool header {cols} has neither 'ID' nor 'Name + ID'", row=records[pr].row)
        prow = []
        for r in records[pr + 1:]:
            cells = [c.strip() for c in r.cells[pc:pc + width]]
            if not any(cells):
                break
            cells += [""] * (width - len(cells))
            d = dict(zip(cols, cells))
            pid = d.get("ID", "")
            if not pid and d.get("Name + ID"):
                m = _NAME_ID.match(d["Name + ID"])
                pid = m["id"] if m else ""
            if not re.fullmatch(r"\d+", pid):
                raise DataFileError(path, f"player pool: ID {pid!r} ({d.get('Name', '')}) is not a DK number",
                                    row=r.row)
            d["ID"] = pid
            d["row"] = r.row
            prow.append(d)
        if not prow:
            raise DataFileError(path, "the player pool block has a header but no players", row=records[pr].row)
        pool = pd.DataFrame(prow)
        dup = pool["ID"].duplicated()
        if dup.any():
            raise DataFileError(path, f"player pool: ID {pool['ID'][dup].iloc[0]} is listed twice",
                                row=int(pool["row"][dup].iloc[0]))
    else:
        notes.append("no player pool block beside the entries (DK writes one under 'Instructions'): the slate is "
                     "checked by the ids in the entries only")

    rows, ids, locked, entry_records = [], [], [], []
    seen: dict[str, int] = {}
    fees: dict[str, tuple] = {}
    for ri, r in enumerate(records[1:], start=1):
        cells = [c.strip() for c in r.cells]
        cells += [""] * max(0, end - len(cells))
        eid = cells[0]
        if not eid:
            if any(cells[1:end]):
                raise DataFileError(path, "a row with contest or slot cells but no Entry ID", row=r.row)
            continue
        if _SCI.match(eid):
            raise DataFileError(path, f"Entry ID {eid!r} was turned into scientific notation by a spreadsheet, so DK "
                                      "cannot match it: download the file again and do not re-save it from Excel",
                                row=r.row)
        eid = eid[:-2] if eid.endswith(".0") and eid[:-2].isdigit() else eid
        if not eid.isdigit():
            raise DataFileError(path, f"Entry ID {cells[0]!r} is not a DK entry number", row=r.row)
        if eid in seen:
            raise DataFileError(path, f"Entry ID {eid} is listed twice (first at row {seen[eid]})", row=r.row)
        seen[eid] = r.row
        name, cid, fee_text = cells[1], cells[2], cells[3]
        if _SCI.match(cid):
            raise DataFileError(path, f"Contest ID {cid!r} was turned into scientific notation by a spreadsheet",
                                row=r.row)
        cid = cid[:-2] if cid.endswith(".0") and cid[:-2].isdigit() else cid
        if not cid.isdigit():
            raise DataFileError(path, f"entry {eid}: Contest ID {cells[2]!r} is not a DK contest number", row=r.row)
        fee = parse_money(fee_text)
        if fee is None:
            raise DataFileError(path, f"entry {eid}: Entry Fee {fee_text!r} is not an amount (DK writes e.g. '$4')",
                                row=r.row)
        if cid in fees and (abs(fees[cid][0] - fee) > 1e-9):
            raise DataFileError(path, f"contest {cid} has two entry fees: ${fees[cid][0]:g} (row {fees[cid][1]}) and "
                                      f"${fee:g}", row=r.row)
        fees.setdefault(cid, (fee, r.row))
        sid, slk = [], []
        for j, c in enumerate(slot_cols):
            v = cells[c]
            is_locked = bool(re.search(r"locked", v, re.IGNORECASE))
            if is_locked:
                v = _LOCKED.sub(" ", v).strip()
            m = _NAME_ID.match(v)
            if m:
                v = m["id"]
            elif v.endswith(".0") and v[:-2].isdigit():
                v = v[:-2]
            if v and not v.isdigit():
                raise DataFileError(path, f"entry {eid}: slot {slots[j]} (column {c + 1}) holds {cells[c]!r}; DK needs "
                                          "'Name (ID)' or the player's ID", row=r.row)
            sid.append(v)
            slk.append(is_locked)
        status = ("locked" if any(slk) else "empty" if not any(sid) else "filled" if all(sid) else "partial")
        rows.append({"row": r.row, "entry_id": eid, "contest_name": name, "contest_id": cid, "entry_fee ($)": fee,
                     "fee_text": fee_text, "status": status})
        ids.append(sid)
        locked.append(slk)
        entry_records.append(ri)
    if not rows:
        raise DataFileError(path, "no entries: no row has an Entry ID (download DKEntries.csv after entering the "
                                  "contests; reservations without lineups are listed too)", row=2)
    entries = pd.DataFrame(rows)
    n_filled = int((entries["status"] != "empty").sum())
    if n_filled:
        notes.append(f"{n_filled} of {len(entries)} entries already hold a lineup "
                     f"({', '.join(f'{n} {s}' for s, n in entries['status'].value_counts().items() if s != 'empty')})")
    out = DKEntries(path=str(path), header=header, slots=slots, slot_cols=slot_cols, entries=entries,
                    slot_ids=np.array(ids, dtype=object).reshape(len(rows), len(slots)),
                    slot_locked=np.array(locked, dtype=bool).reshape(len(rows), len(slots)), pool=pool,
                    records=records, entry_records=tuple(entry_records), newline=newline, encoding=encoding, bom=bom,
                    notes=notes)
    if slate is not None:
        out.check_slate(slate)
    return out


__all__ = ["DKEntries", "ENTRY_COLUMNS", "POOL_COLUMNS", "parse_money", "prize_pool_from_name", "read_dk_entries"]
