"""DraftKings salary files (DKSalaries.csv) and the bulk-upload CSV."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError, InputError
from ..rules import MLB_CLASSIC, NASCAR_CLASSIC, NFL_CLASSIC, RosterRules, get_rules
from ..slate import Slate, check_lineups, validate_players
from ..utils.atomic import atomic_write_text
from ..utils.files import file_row, read_csv_checked

# Column aliases: the current export and the older 6-column one (and re-saved variants).
_ALIASES = {
    "position": ["Position"],
    "name_id": ["Name + ID"],
    "name": ["Name"],
    "dk_id": ["ID"],
    "roster_position": ["Roster Position"],
    "salary": ["Salary"],
    "game_info": ["Game Info", "GameInfo"],
    "team": ["TeamAbbrev", "teamAbbrev", "Team"],
    "avg_points": ["AvgPointsPerGame", "Avg Points Per Game"],
}

_NAME_ID = re.compile(r"^(?P<name>.*?)\s*\((?P<id>\d+)\)\s*$")
_MAX_CAP = max(r.salary_cap for r in (NASCAR_CLASSIC, MLB_CLASSIC, NFL_CLASSIC))


def _what_file(columns) -> str | None:
    """What a CSV that is not a DKSalaries.csv is, judged by its header (None: unknown)."""
    cols = set(columns)
    if {"First Name", "Last Name"} <= cols or {"Nickname", "FPPG"} <= cols:
        return ("this is a FanDuel export (columns 'First Name', 'Nickname', 'FPPG'); DraftKings files are "
                "expected: DKSalaries.csv from the DraftKings lobby ('Export to CSV')")
    if "Entry ID" in cols and "Contest Name" in cols:
        return ("this is a DKEntries.csv (the upload template of your entries), not the salary file: download "
                "DKSalaries.csv from the contest lobby ('Export to CSV'); read the entries file with "
                "read_dk_entries() (dfslab report --salaries DKSalaries.csv --entries DKEntries.csv)")
    if {"Rank", "EntryId", "Lineup"} <= cols:
        return "this is a contest-standings export, not a salary file: read it with read_contest_standings()"
    return None


def _check_classic(raw: pd.DataFrame, col: dict, path) -> None:
    """Refuse Showdown (captain mode) salary files: every player is listed twice, once as CPT at 1.5x salary."""
    if "roster_position" in col:
        rp = raw[col["roster_position"]].str.strip().str.upper()
        if rp.isin(["CPT", "MVP", "CAPTAIN"]).any():
            raise DataFileError(path, "this is a Showdown (captain mode) salary file (Roster Position 'CPT'); "
                                      "dfslab handles DraftKings classic contests")


def infer_rules(positions) -> RosterRules:
    """Guess the sport's roster rules from DK position strings."""
    pos = {p for s in positions for p in str(s).split("/")}
    if pos <= {"D"}:
        return NASCAR_CLASSIC
    if pos & {"QB", "WR", "TE", "DST"}:
        return NFL_CLASSIC
    if pos & {"SP", "RP", "1B", "2B", "3B", "SS", "OF", "C"}:
        return MLB_CLASSIC
    raise InputError(f"cannot infer roster rules from positions {sorted(pos)}; pass rules=")


def read_dk_salaries(path, rules: RosterRules | str | None = None, *, date=None, track: str | None = None,
                     series: str | None = None, **slate_kw) -> Slate:
    """Read a DKSalaries.csv export (current or older format) into a :class:`Slate`.

    For NASCAR the race date (and the track, where DK writes one) comes from the
    ``Game Info`` column (e.g. ``"@ 09/13/2025 07:30PM ET"``): with a date the race
    simulator finds the drivers' history by itself. A recognised track also sets
    the archetype. What was read is listed in ``slate.meta["notes"]``.

    Parameters
    ----------
    path : path-like
        The CSV as downloaded from DraftKings.
    rules : RosterRules or str, optional
        Roster rules; inferred from the positions when omitted.
    date : date-like, optional
        The race date; overrides Game Info (and makes an unreadable Game Info harmless).
    track : str, optional
        The track name; overrides Game Info's text.
    series : str, optional
        "cup", "xfinity" or "trucks" (DK's file does not say; the simulator infers
        it from the drivers when omitted).
    **slate_kw
        Passed to :class:`Slate` (archetype, race_laps, name).

    Raises
    ------
    DataFileError
        Missing columns, a bad salary, a duplicate player id, or (NASCAR, no
        ``date=``) a Game Info without a readable date or with two dates: naming
        file and row.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "DKSalaries.csv")
    >>> rows = [f"D,Driver {i} ({100 + i}),Driver {i},{100 + i},D,{5000 + 100 * i},@ 09/13/2025 07:30PM ET,,30"
    ...         for i in range(8)]
    >>> _ = open(p, "w").write("Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,"
    ...                        "AvgPointsPerGame\\n" + "\\n".join(rows) + "\\n")
    >>> s = read_dk_salaries(p)
    >>> str(s.date.date()), s.track
    ('2025-09-13', None)
    """
    path = Path(path)
    try:
        raw = read_csv_checked(path, dtype=str, keep_default_na=False)
    except DataFileError as err:
        # DK's entries file has rows of several widths (entries beside the player pool): say what it is
        from ..utils.files import read_csv_text

        try:
            first = read_csv_text(path)[0].splitlines()[0]
        except (DataFileError, IndexError):
            raise err from None
        other = _what_file([c.strip() for c in first.split(",")])
        if other:
            raise DataFileError(path, other, row=1) from None
        raise
    notes = list(raw.attrs.get("notes", []))
    col = {}
    for key, names in _ALIASES.items():
        for n in names:
            if n in raw.columns:
                col[key] = n
                break
    missing = [_ALIASES[k][0] for k in ("position", "salary") if k not in col]
    if "name" not in col and "name_id" not in col:
        missing.append("Name' (or 'Name + ID")
    if missing:
        other = _what_file(raw.columns)
        if other:
            raise DataFileError(path, other)
        raise DataFileError(path, f"missing column {missing[0]!r}; found {list(raw.columns)}")
    if raw.empty:
        raise DataFileError(path, "no player rows (the file holds only a header)")
    _check_classic(raw, col, path)
    raw = raw.copy()
    row_no = [file_row(raw, lab) for lab in raw.index]  # rows as the file shows them (header = row 1)
    blank = raw.apply(lambda r: all(str(v).strip() == "" for v in r), axis=1)
    if blank.any():
        raise DataFileError(path, f"{int(blank.sum())} blank row(s), first at row {row_no[int(np.flatnonzero(blank)[0])]}")
    out = pd.DataFrame(index=raw.index)
    if "name" in col:
        out["name"] = raw[col["name"]].str.strip()
    dk_id = raw[col["dk_id"]].str.strip() if "dk_id" in col else pd.Series([""] * len(raw), index=raw.index)
    if "name_id" in col:
        m = raw[col["name_id"]].str.extract(_NAME_ID)
        if "name" not in out:
            out["name"] = m["name"]
        dk_id = dk_id.where(dk_id != "", m["id"].fillna(""))
    for i, nm in enumerate(out["name"]):
        if not isinstance(nm, str) or nm == "":
            raise DataFileError(path, "empty player name", row=row_no[i])
    out["position"] = raw[col["position"]].str.strip()
    for i, p in enumerate(out["position"]):
        if p == "":
            raise DataFileError(path, f"empty Position for {out['name'].iloc[i]}", row=row_no[i])
    sal = pd.to_numeric(raw[col["salary"]].str.strip().str.replace(r"[$,]", "", regex=True), errors="coerce")
    cap = get_rules(rules).salary_cap if rules is not None else _MAX_CAP
    for i, (s, r) in enumerate(zip(sal, raw[col["salary"]])):
        if not np.isfinite(s) or s <= 0 or s != round(s):
            raise DataFileError(path, f"Salary must be a positive whole number, got {r!r} ({out['name'].iloc[i]})",
                                row=row_no[i])
        if s > cap:  # also keeps 1e30 from overflowing int64
            raise DataFileError(path, f"Salary {r!r} of {out['name'].iloc[i]} is above the ${cap:,} salary cap: "
                                      "no lineup could hold this player", row=row_no[i])
    out["salary"] = sal.astype(np.int64)
    has_ids = (dk_id != "").all()
    if "dk_id" in col or "name_id" in col:
        bad = ~dk_id.str.fullmatch(r"\d+")
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataFileError(path, f"ID must be a DK number, got {dk_id.iloc[i]!r} ({out['name'].iloc[i]})",
                                row=row_no[i])
    if has_ids and ("dk_id" in col or "name_id" in col):
        out["dk_id"] = dk_id.astype(np.int64)
        out["player_id"] = dk_id
    else:
        # Older exports have no ids: name+position+team identifies a player.
        team = raw[col["team"]].str.strip() if "team" in col else ""
        out["player_id"] = out["name"] + "|" + out["position"] + ("|" + team if "team" in col else "")
    dup = out["player_id"].duplicated(keep=False)
    if dup.any():
        first = out["player_id"][dup].iloc[0]
        rows = [row_no[i] for i in np.flatnonzero((out["player_id"] == first).to_numpy())]
        raise DataFileError(path, f"duplicate player {first!r} in rows {rows[:6]}")
    if "team" in col:
        out["team"] = raw[col["team"]].str.strip()
    if "game_info" in col:
        out["game_info"] = raw[col["game_info"]].str.strip()
    if "avg_points" in col:
        ap = pd.to_numeric(raw[col["avg_points"]], errors="coerce")
        bad = (ap.isna() & (raw[col["avg_points"]].str.strip() != "")) | np.isinf(ap.to_numpy(dtype=float))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataFileError(path, f"AvgPointsPerGame is not a finite number: {raw[col['avg_points']].iloc[i]!r} "
                                      f"({out['name'].iloc[i]})", row=row_no[i])
        out["avg_points"] = ap
    if "roster_position" in col:
        out["roster_position"] = raw[col["roster_position"]].str.strip()
    try:
        rules = get_rules(rules) if rules is not None else infer_rules(out["position"])
    except InputError as e:
        raise DataFileError(path, str(e)) from None
    slate_kw.setdefault("name", path.parent.name or path.stem)
    try:
        validate_players(out, rules, source=str(path), row_labels=row_no)  # errors name the file's rows
    except InputError as e:
        raise DataFileError(path, str(e).replace(f"{path}: ", "", 1)) from None
    if rules.name == "nascar":
        g_date, g_track = _race_from_game_info(path, out.get("game_info"), need_date=date is None, row_no=row_no)
        if date is None and g_date is not None:
            date = g_date
            notes.append(f"date {g_date.date()} from Game Info")
        track_from = "track="
        if track is None and g_track:
            track, track_from = g_track, "Game Info"
        if track is not None and slate_kw.get("archetype") is None:
            known = _known_track(track)
            if known is not None:
                from .nascar import track_archetype

                track = known
                slate_kw["archetype"] = track_archetype(known, date)
                notes.append(f"track {known} ({slate_kw['archetype']}) from {track_from}")
            else:
                notes.append(f"track {track!r} is not in dfslab's track table: give archetype=")
    try:
        slate = Slate(players=out, rules=rules, date=date, track=track, series=series, **slate_kw)
    except InputError as e:
        raise DataFileError(path, str(e)) from None
    slate.meta["notes"] = notes + list(slate.meta.get("notes", []))
    slate.meta["source_file"] = str(path)  # named by messages that compare another file with this slate
    return slate


_GAME_DATE = re.compile(r"(?P<date>\d{1,2}/\d{1,2}/\d{4})(?:\s+(?P<time>\d{1,2}:\d{2}\s*[AP]M))?", re.IGNORECASE)


def parse_game_info(text) -> tuple[pd.Timestamp | None, str | None]:
    """(date, text before the date) of a DK ``Game Info`` cell; (None, None) without a date.

    Examples
    --------
    >>> parse_game_info("@ 09/13/2025 07:30PM ET")
    (Timestamp('2025-09-13 00:00:00'), None)
    >>> parse_game_info("Bristol Motor Speedway 09/13/2025 07:30PM ET")
    (Timestamp('2025-09-13 00:00:00'), 'Bristol Motor Speedway')
    >>> parse_game_info("Final")
    (None, None)
    """
    s = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    m = _GAME_DATE.search(s)
    if not m:
        return None, None
    try:
        d = pd.to_datetime(m["date"], format="%m/%d/%Y")
    except ValueError:
        return None, None
    before = s[:m.start()].strip().strip("@").strip()
    return d, (before or None)


def _race_from_game_info(path, info, need_date: bool, row_no=None):
    """The one race date (and track text) of a NASCAR file's Game Info column."""
    if info is None:  # older exports without Game Info: no date unless the caller gives one
        return None, None
    parsed = [parse_game_info(x) for x in info]
    dates = [d for d, _ in parsed]
    if need_date:
        for i, (d, raw) in enumerate(zip(dates, info)):
            if d is None:
                raise DataFileError(path, f"Game Info {raw!r} has no readable date (expected e.g. "
                                          "'@ 09/13/2025 07:30PM ET'); pass date= to read it anyway",
                                    row=row_no[i] if row_no is not None else i + 2)
        uniq = sorted({d for d in dates})
        if len(uniq) > 1:
            first = {d: (row_no[dates.index(d)] if row_no is not None else dates.index(d) + 2) for d in uniq}
            raise DataFileError(path, "Game Info holds more than one date (" + ", ".join(
                f"{d.date()} first at row {r}" for d, r in first.items()) + "); a NASCAR slate is one race: pass date=")
    d = next((x for x in dates if x is not None), None)
    tracks = [t for _, t in parsed if t]
    return d, (max(set(tracks), key=tracks.count) if tracks else None)


def _known_track(text: str) -> str | None:
    """The track-table name ``text`` stands for (case/punctuation-insensitive; a unique word match)."""
    from ..utils.config import data_dir
    from .nascar import TRACK_ALIASES, _tracks_table

    root = data_dir(required=False)
    names = list(_tracks_table(root)) if root is not None else list(TRACK_ALIASES)
    norm = lambda x: " ".join(re.sub(r"[^a-z0-9 ]+", " ", str(x).lower()).split())  # noqa: E731
    t = norm(text)
    exact = [n for n in names if norm(n) == t]
    if exact:
        return exact[0]
    words = set(t.split())
    hits = [n for n in names if words and words <= set(norm(n).split())]
    return hits[0] if len(hits) == 1 else None


def write_dk_upload(lineups, slate: Slate, path) -> Path:
    """Write a DK bulk-upload CSV (NASCAR: header ``D,D,D,D,D,D``; one lineup per row, DK ids).

    Examples
    --------
    >>> import tempfile, os
    >>> from dfslab import demo_slate
    >>> s = demo_slate()
    >>> p = write_dk_upload([[0, 1, 20, 30, 33, 35]], s, os.path.join(tempfile.mkdtemp(), "up.csv"))
    >>> open(p).readline().strip()
    'D,D,D,D,D,D'
    """
    L = check_lineups(lineups, slate, name="upload lineups")
    if "dk_id" not in slate.players.columns:
        raise InputError(f"{slate.name}: DK upload needs the players' dk_id column")
    used = np.unique(L)
    no_id = used[slate.players["dk_id"].isna().to_numpy()[used]]
    if len(no_id):
        raise InputError(f"{slate.name}: DK upload: no dk_id for {slate.players['name'].iloc[no_id].tolist()}")
    ids = slate.players["dk_id"].to_numpy()[L].astype(np.int64)
    path = Path(path)
    if path.is_dir():
        raise DataFileError(path, "is a folder: give the upload file's name (e.g. dk_upload.csv)")
    df = pd.DataFrame(ids, columns=list(slate.rules.slots))
    return atomic_write_text(path, df.to_csv(index=False))  # never a half-written upload file


def read_dk_upload(path, slate: Slate) -> np.ndarray:
    """Read a DK bulk-upload CSV back into lineup index arrays for ``slate``.

    Cells hold DK ids (``39800001``) or "Name (id)"; errors name the file's row.
    """
    path = Path(path)
    if "dk_id" not in slate.players.columns:
        raise InputError(f"{slate.name}: the slate has no dk_id column, so DK ids in {path.name} cannot be mapped "
                         "to players (read the slate from a DKSalaries.csv)")
    df = read_csv_checked(path, dtype=str, keep_default_na=False)
    slots = [re.sub(r"\.\d+$", "", c) for c in df.columns]
    if tuple(slots) != slate.rules.slots:
        raise DataFileError(path, f"header {slots} does not match roster slots {list(slate.rules.slots)}")
    if df.empty:
        raise DataFileError(path, "no lineups (the file holds only a header)")
    id_to_row = {str(v): i for i, v in enumerate(slate.players["dk_id"].astype("Int64").astype(str))}
    rows = [file_row(df, lab) for lab in df.index]
    out = np.empty(df.shape, dtype=np.int64)
    for r in range(df.shape[0]):
        for c in range(df.shape[1]):
            v = str(df.iat[r, c]).strip()
            v = _NAME_ID.match(v).group("id") if _NAME_ID.match(v) else v
            if v == "":
                raise DataFileError(path, f"empty slot {slots[c]} (column {c + 1})", row=rows[r])
            if v not in id_to_row:
                raise DataFileError(path, f"unknown DK id {v!r} in slot {slots[c]}", row=rows[r])
            out[r, c] = id_to_row[v]
    try:
        check_lineups(out, slate, name=str(path), labels=[f"row {r}" for r in rows])
    except InputError as e:
        raise DataFileError(path, str(e).replace(f"{path}: ", "", 1)) from None
    return out
