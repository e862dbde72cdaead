"""Practice and qualifying lap times (NASCAR weekend sessions): reader with validation.

One row per (race, session, driver): the best lap of each driver in each practice or
qualifying session, as in ``nascar/practice_quali/practice_quali.csv`` (see its README).
A user's own practice file in the same columns is read the same way.

Needed columns: ``race_date``, ``track_name``, ``session_type`` (practice / qualifying),
``driver_name``, ``best_lap_time`` (s), ``best_lap_speed`` (mph). Used when present:
``race_id``, ``weekend_run_id`` or ``session_name`` (the session; else one session per
race and type), ``session_order``, ``primary_qualifying``, ``driver_id`` (NASCAR id),
``backup_car``, ``comment``. The derived columns (``has_time``,
``speed_pct_of_session_best``, ``session_rank_by_time``, ``session_has_times``,
``track_length_mi_est``) are recomputed from the lap times, so a file need not carry them.

A row without a time (both lap time and speed blank or 0) is a car that did not run
(DNS, lineup-only qualifying): kept, with ``has_time = 0``.

Errors (:class:`~dfslab.DataFileError`, naming the file row):

* a lap time without a speed, or a speed of 0 / below 0 with a lap time (and the reverse);
* an impossible lap: lap time x speed / 3600 must give the same track length (miles) for
  every timed row of a race weekend (0.5 % tolerance): a wrong time, a wrong speed, or a
  session of another track;
* the same driver twice in one session (by ``driver_id``, else by name key);
* one session holding rows of two races;
* with ``race_date`` (and ``track``) given: a row of another race (a session for another
  race in a file meant for one race: another date, another track, another race id).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError
from ..names import name_key
from ..utils.files import file_row, numeric_column, read_csv_checked, require_columns

PRACTICE_REQUIRED = ("race_date", "track_name", "session_type", "driver_name", "best_lap_time", "best_lap_speed")
SESSION_TYPES = ("practice", "qualifying")
LENGTH_TOLERANCE = 0.005  # relative: lap time x speed must give the weekend's track length within 0.5 %
DATE_TOLERANCE_DAYS = 1  # a slate's date vs the file's race date (loop data and DK files are sometimes a day apart)


def default_practice_path(root=None) -> Path:
    """``<data>/nascar/practice_quali/practice_quali.csv``."""
    from ..utils.config import data_dir

    r = Path(root) if root is not None else data_dir()
    return r / "nascar" / "practice_quali" / "practice_quali.csv"


def read_practice_quali(path=None, *, race_date=None, track: str | None = None) -> pd.DataFrame:
    """Read and validate a practice / qualifying file (one row per race, session and driver).

    Parameters
    ----------
    path : path-like, optional
        The CSV (default: the data folder's ``nascar/practice_quali/practice_quali.csv``).
    race_date, track : optional
        The one race this file must hold (a user's practice file for a slate): a row of
        another race (date more than a day away, or another track) is an error naming it.

    Returns
    -------
    pandas.DataFrame
        The rows with ``race_key`` (``race_id`` when given, else date|track), ``session_key``,
        ``driver_key`` (``dfslab.names.name_key``), ``has_time``, ``lap_length_mi``,
        ``speed_pct_of_session_best``, ``session_rank_by_time``, ``session_has_times``,
        ``primary_qualifying`` recomputed or checked. ``attrs["notes"]`` says what was decided.

    Raises
    ------
    DataFileError
        See the module docstring; the message names the file row.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "p.csv")
    >>> _ = open(p, "w").write("race_date,track_name,session_type,driver_name,best_lap_time,best_lap_speed\\n"
    ...                        "2025-09-13,Bristol Motor Speedway,practice,A,15.0,127.92\\n"
    ...                        "2025-09-13,Bristol Motor Speedway,practice,B,15.1,0\\n")
    >>> read_practice_quali(p)
    Traceback (most recent call last):
    ...
    dfslab.exceptions.DataFileError: ...p.csv, row 3: best_lap_speed is 0 (or below) with a lap time of 15.1 s (B); ...
    """
    path = Path(path) if path is not None else default_practice_path()
    df = read_csv_checked(path)
    require_columns(df, path, PRACTICE_REQUIRED, what="practice / qualifying sessions")
    notes = list(df.attrs.get("notes", []))
    if len(df) == 0:
        raise DataFileError(path, "no rows")
    row = lambda i: file_row(df, df.index[i])  # noqa: E731 - file row of positional row i

    date = pd.to_datetime(df["race_date"], errors="coerce")
    if date.isna().any():
        i = int(np.flatnonzero(date.isna().to_numpy())[0])
        raise DataFileError(path, f"race_date {df['race_date'].iloc[i]!r} is not a date (YYYY-MM-DD)", row=row(i))
    stype = df["session_type"].astype(str).str.strip().str.lower()
    bad = ~stype.isin(SESSION_TYPES)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(path, f"session_type {df['session_type'].iloc[i]!r} is not one of {SESSION_TYPES}",
                            row=row(i))
    names = df["driver_name"]
    if names.isna().any() or names.astype(str).str.strip().eq("").any():
        i = int(np.flatnonzero((names.isna() | names.astype(str).str.strip().eq("")).to_numpy())[0])
        raise DataFileError(path, "driver_name is empty", row=row(i))
    t = numeric_column(df, "best_lap_time", path, name_col="driver_name", lo=0).fillna(0.0)
    v = numeric_column(df, "best_lap_speed", path, name_col="driver_name", lo=0).fillna(0.0)
    timed = (t > 0) & (v > 0)
    for mask, what in (((t > 0) & (v <= 0), "best_lap_speed is 0 (or below) with a lap time of {t:g} s"),
                       ((v > 0) & (t <= 0), "best_lap_time is 0 (or blank) with a speed of {v:g} mph")):
        if mask.any():
            i = int(np.flatnonzero(mask.to_numpy())[0])
            raise DataFileError(path, what.format(t=t.iloc[i], v=v.iloc[i]) + f" ({names.iloc[i]}); a car without "
                                "a time has both blank or 0", row=row(i))

    track_name = df["track_name"].astype(str).str.strip()
    if "race_id" in df.columns and df["race_id"].notna().all():
        race_key = df["race_id"].astype(str).str.strip()
        # one race id = one race: its date and track never change
        rk = pd.DataFrame({"r": race_key, "d": date, "t": track_name})
        dd = rk.drop_duplicates(["r", "d", "t"])
        clash = dd["r"].duplicated(keep=False)
        if clash.any():
            r = dd.loc[clash, "r"].iloc[0]
            first = dd[dd["r"] == r]
            i = int(first.index[1])
            raise DataFileError(path, f"race_id {r} holds two races ({first['d'].iloc[0].date()} "
                                f"{first['t'].iloc[0]} and {first['d'].iloc[1].date()} {first['t'].iloc[1]})",
                                row=file_row(df, i))
    else:
        race_key = date.dt.strftime("%Y-%m-%d") + "|" + track_name
    if "weekend_run_id" in df.columns and df["weekend_run_id"].notna().all():
        session = df["weekend_run_id"].astype(str).str.strip()
    elif "session_name" in df.columns and df["session_name"].notna().all():
        session = race_key + "|" + df["session_name"].astype(str).str.strip()
    else:
        session = race_key + "|" + stype
        notes.append("no weekend_run_id / session_name column: one session per race and session type")
    # one session = one race
    sr = pd.DataFrame({"s": session, "r": race_key}).drop_duplicates()
    two = sr["s"].duplicated(keep=False)
    if two.any():
        s = sr.loc[two, "s"].iloc[0]
        rr = sr.loc[sr["s"] == s]
        raise DataFileError(path, f"session {s} holds rows of two races ({rr['r'].iloc[0]} and {rr['r'].iloc[1]}): "
                            "a session of another race", row=file_row(df, int(rr.index[1])))

    if "driver_id" in df.columns and df["driver_id"].notna().all():
        dkey = "id:" + df["driver_id"].astype(str).str.strip()
    else:
        dkey = names.astype(str).map(name_key)
    dup = pd.DataFrame({"s": session, "d": dkey}).duplicated(keep=False)
    if dup.any():
        idx = np.flatnonzero(dup.to_numpy())
        i = int(idx[0])
        j = int(next(k for k in idx[1:] if session.iloc[k] == session.iloc[i] and dkey.iloc[k] == dkey.iloc[i]))
        raise DataFileError(path, f"driver {names.iloc[j]!r} appears twice in session {session.iloc[j]} "
                            f"(also file row {row(i)})", row=row(j))

    # lap time x speed = track length; the same for every timed lap of one race weekend
    length = np.where(timed, t * v / 3600.0, np.nan)
    med = pd.Series(length).groupby(race_key.to_numpy()).transform("median").to_numpy()
    rel = np.abs(length / med - 1.0)
    off = timed.to_numpy() & (rel > LENGTH_TOLERANCE)
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise DataFileError(path, f"impossible lap: {t.iloc[i]:g} s at {v.iloc[i]:g} mph is {length[i]:.4f} miles, "
                            f"the other laps of race {race_key.iloc[i]} give {med[i]:.4f} miles "
                            f"({names.iloc[i]}, session {session.iloc[i]}): a wrong time or speed, or a session "
                            "of another track", row=row(i))

    if race_date is not None:
        want = pd.Timestamp(race_date).normalize()
        far = (date.dt.normalize() - want).abs() > pd.Timedelta(days=DATE_TOLERANCE_DAYS)
        other = far.copy()
        if track:
            other |= ~track_name.map(_track_key).eq(_track_key(track))
        if other.any():
            i = int(np.flatnonzero(other.to_numpy())[0])
            raise DataFileError(path, f"a session for another race: {date.iloc[i].date()} {track_name.iloc[i]} "
                                f"(session {session.iloc[i]}), expected {want.date()}"
                                + (f" {track}" if track else ""), row=row(i))
        keys = pd.unique(race_key)
        if len(keys) > 1:  # two races within a day of each other (two tracks): still not one race
            i = int(np.flatnonzero((race_key != keys[0]).to_numpy())[0])
            raise DataFileError(path, f"a session for another race: the file is for one race, but it holds "
                                f"{len(keys)} ({keys[0]} and {race_key.iloc[i]}, session {session.iloc[i]})",
                                row=row(i))

    out = df.copy()
    out["race_date"] = date
    out["track_name"] = track_name
    out["session_type"] = stype
    out["race_key"] = race_key.to_numpy()
    out["session_key"] = session.to_numpy()
    out["driver_key"] = names.astype(str).map(name_key).to_numpy()
    out["best_lap_time"] = np.where(timed, t, np.nan)
    out["best_lap_speed"] = np.where(timed, v, np.nan)
    out["has_time"] = timed.astype(int).to_numpy()
    out["lap_length_mi"] = length
    g = pd.Series(np.where(timed, v, np.nan)).groupby(session.to_numpy())
    best = g.transform("max").to_numpy()
    out["speed_pct_of_session_best"] = 100.0 * out["best_lap_speed"].to_numpy() / best
    out["session_rank_by_time"] = pd.Series(np.where(timed, t, np.nan)).groupby(session.to_numpy()).rank(
        method="min").to_numpy()
    out["session_has_times"] = g.transform("count").gt(0).astype(int).to_numpy()
    out["track_length_mi_est"] = pd.Series(length).groupby(session.to_numpy()).transform("median").to_numpy()
    if "session_order" not in out.columns or out["session_order"].isna().any():
        out["session_order"] = pd.factorize(session)[0]
    out["primary_qualifying"] = _primary_qualifying(out)
    if "backup_car" not in out.columns:
        out["backup_car"] = 0
    out.attrs["path"] = str(path)
    out.attrs["notes"] = notes + [f"{path.name}: {out['race_key'].nunique()} race(s), "
                                  f"{out['session_key'].nunique()} session(s), {int(timed.sum())} timed laps, "
                                  f"{int((~timed).sum())} rows without a time"]
    return out


def _primary_qualifying(df: pd.DataFrame) -> np.ndarray:
    """1 on the rows of the one qualifying session per race that best represents it (the file's own flag when
    it has one; else the timed qualifying session with the most timed cars, the latest on a tie)."""
    if "primary_qualifying" in df.columns and df["primary_qualifying"].notna().any():
        return df["primary_qualifying"].fillna(0).astype(int).to_numpy()
    q = df[df["session_type"] == "qualifying"]
    out = np.zeros(len(df), int)
    for _, g in q.groupby("race_key"):
        s = g.groupby("session_key").agg(n=("has_time", "sum"), o=("session_order", "max"))
        pick = s.sort_values(["n", "o"]).index[-1]
        out[df.index.get_indexer(g.index[g["session_key"] == pick])] = 1
    return out


def _track_key(name) -> str:
    return " ".join(str(name).lower().replace("-", " ").split())


def practice_for_race(pq: pd.DataFrame, race_date, track: str | None = None, race_id=None) -> pd.DataFrame:
    """The rows of one race of a :func:`read_practice_quali` frame (empty when the race is not in it).

    Joined by ``race_id`` when given (= ``nascar_race_id`` of a ``dk_2026`` race folder), else by
    date (within a day: DK and loop-data dates are sometimes a day late) and, when several races
    are that close, by track name.
    """
    if race_id is not None and "race_id" in pq.columns:
        hit = pq[pq["race_id"].map(_id_text) == _id_text(race_id)]
        if len(hit):
            return hit
    d = pd.Timestamp(race_date).normalize()
    near = pq[(pq["race_date"].dt.normalize() - d).abs() <= pd.Timedelta(days=DATE_TOLERANCE_DAYS)]
    if near["race_key"].nunique() > 1 and track:
        same = near[near["track_name"].map(_track_key) == _track_key(track)]
        near = same if len(same) else near.iloc[:0]
    if near["race_key"].nunique() > 1:  # still ambiguous: the closest date
        gap = (near["race_date"].dt.normalize() - d).abs()
        near = near[gap == gap.min()]
        if near["race_key"].nunique() > 1:
            return near.iloc[:0]
    if track and len(near) and not (near["track_name"].map(_track_key) == _track_key(track)).any():
        # a track name that differs only in spelling is tolerated when the date is the race's date
        if not _same_track(near["track_name"].iloc[0], track):
            return near.iloc[:0]
    return near


def _id_text(x) -> str:
    """A race id as text, 5610 / 5610.0 / "5610" alike."""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x).strip()
    return str(int(f)) if np.isfinite(f) and f.is_integer() else str(x).strip()


def _same_track(a: str, b: str) -> bool:
    """Loose track-name equality: one name's first word(s) in the other (\"Chicago Street Course\" ~ \"Chicago
    Street Race\", accents folded)."""
    from unidecode import unidecode

    wa = unidecode(str(a)).lower().replace("-", " ").split()
    wb = unidecode(str(b)).lower().replace("-", " ").split()
    return bool(wa and wb and wa[0] == wb[0])
