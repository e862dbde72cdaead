"""Real DK NASCAR races with results: one object per race, whatever folder it came from.

Two layouts are read:

* the **race-folder layout** of ``nascar/dk_2026/<date>_<track>/`` (``race.csv``,
  ``pool.csv``, ``contests.csv``, ``actual_ownership.csv``, ``top_lineups.csv``):
  :func:`read_race_folder`. Any folder laid out like this works, so new races are
  added by dropping a folder in, without code changes;
* the **2025 slate snapshots** ``nascar/slates/<series>_<date>_<commit>/`` joined to
  ``slates_with_results.csv``: :func:`read_slate_with_results`.

Both give a :class:`RealRace`: the slate as a player knew it before lock (salaries,
starts, a vendor projection and projected ownership) and, separately, what happened
(actual DK points, the real contests, actual %Drafted where known). Code that must
not peek (simulator, ownership model, optimizer) gets ``race.slate`` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError, InputError
from ..names import match_names
from ..rules import NASCAR_CLASSIC
from ..slate import Slate, validate_players
from ..utils.config import data_dir
from ..utils.files import file_row, numeric_column, read_csv_checked, require_columns

RACE_FILES = ("race.csv", "pool.csv")
FULL_POOL_SHARE = 0.9  # a pool with salaries for >= 90% of the starters is a real slate (Charlotte 2026 has 9 of 39)


@dataclass
class RealRace:
    """One real race: the pre-lock slate and what actually happened.

    Attributes
    ----------
    name : str
        The folder name (``2026-07-05_chicagoland``, ``cup_2025-09-13_8227c09``).
    slate : Slate
        Drivers with a DK salary, with ``start``, ``projection`` (the vendor's DK
        points), ``ownership`` (the vendor's PROJECTED ownership, percent) and
        ``dk_id`` where the source has them. Pre-lock information only.
    actual : ndarray (n_players,)
        Actual DK points of each slate driver (slate order); NaN where the source
        has no result (see :attr:`missing_results`).
    results : DataFrame
        Every starter: name, start, finish, laps_led, fastest_laps, status, dk_points,
        ``in_slate`` (has a salary).
    contests : DataFrame
        The real DK contests (entries, entry_fee, prize_pool, winning_score,
        cash_line_p80, ...); empty when none is known.
    actual_ownership : DataFrame
        Actual %Drafted rows (contest_id, name, actual_own, ``player`` = slate row or -1).
    top_lineups : DataFrame
        The real top lineups per contest with ``players`` (slate rows, -1 unknown).
    info : dict
        date, series, track, track_type, scheduled_laps, laps_run, ...
    projection_source, ownership_source : str
        Who published the slate's projection and projected ownership.
    notes : list of str
        Everything the reader had to decide (name matches, drivers left out).
    """

    name: str
    slate: Slate
    actual: np.ndarray
    results: pd.DataFrame
    contests: pd.DataFrame
    actual_ownership: pd.DataFrame
    top_lineups: pd.DataFrame
    info: dict
    folder: Path | None = None
    projection_source: str = ""
    ownership_source: str = ""
    notes: list = field(default_factory=list)

    @property
    def key(self) -> str:
        """The race's identity, whatever its folder is called: ``<series>:<date>`` (one race per series and day).

        A copy of a shared race in a user's folder has the same key, so a backtest never fits a model
        on the race it judges.
        """
        series = str(self.info.get("series") or self.slate.series or "").strip().lower()
        series = {"nascar cup series": "cup", "o'reilly": "xfinity", "truck": "trucks"}.get(series, series)
        date = self.info.get("date") or (None if self.slate.date is None else self.slate.date.date())
        return f"{series}:{pd.Timestamp(date).date() if date is not None else self.name}"

    @property
    def missing_salary(self) -> list[str]:
        """Starters without a DK salary (not on the slate)."""
        return self.results.loc[~self.results["in_slate"], "name"].tolist()

    @property
    def missing_results(self) -> list[str]:
        """Slate drivers without an actual result."""
        return self.slate.players["name"][~np.isfinite(self.actual)].tolist()

    @property
    def full_pool(self) -> bool:
        """True when the slate holds salaries for at least 90% of the starters."""
        n = len(self.results)
        return n > 0 and (n - len(self.missing_salary)) / n >= FULL_POOL_SHARE

    def require_complete(self) -> "RealRace":
        """Raise :class:`~dfslab.InputError` naming the race and drivers when results or salaries are missing.

        A slate driver without a result cannot be scored; a pool without most
        starters' salaries is not the slate players saw.
        """
        if self.missing_results:
            raise InputError(f"race {self.name}: no actual result for slate driver(s) {self.missing_results}")
        if not self.full_pool:
            raise InputError(f"race {self.name}: salaries for only {len(self.results) - len(self.missing_salary)} of "
                             f"{len(self.results)} starters (missing: {self.missing_salary[:10]}"
                             f"{'...' if len(self.missing_salary) > 10 else ''}); not a full DK pool")
        return self

    def _repr_html_(self) -> str:
        i = self.info
        c = self.contests
        return (f"<b>RealRace</b> {self.name}: {i.get('series', '')} {i.get('track', '')} ({self.slate.archetype}), "
                f"{i.get('date', '')}, {self.slate.n_players} drivers on the slate of {len(self.results)} starters, "
                f"{len(c)} real contest(s), {len(self.actual_ownership)} actual-ownership rows"
                + (f"<br><i>notes:</i> {'; '.join(self.notes)}" if self.notes else ""))


def is_race_folder(path) -> bool:
    """True when ``path`` is a folder in the race-folder layout (``race.csv`` and ``pool.csv``)."""
    p = Path(path)
    return p.is_dir() and all((p / f).is_file() for f in RACE_FILES)


def list_race_folders(root=None) -> list[Path]:
    """Race folders under ``root`` (default ``<data>/nascar/dk_2026``), sorted by name (= date).

    ``root`` may itself be one race folder.
    """
    root = Path(root) if root is not None else data_dir() / "nascar" / "dk_2026"
    if not root.is_dir():
        raise InputError(f"{root}: not a folder of races (expected subfolders holding {' and '.join(RACE_FILES)})")
    if is_race_folder(root):
        return [root]
    out = sorted(p for p in root.iterdir() if is_race_folder(p))
    if not out:
        raise InputError(f"{root}: no race folder inside (a race folder holds {' and '.join(RACE_FILES)})")
    return out


def _optional_csv(path: Path, columns) -> pd.DataFrame:
    if not path.is_file():
        return pd.DataFrame(columns=list(columns))
    df = read_csv_checked(path)
    require_columns(df, path, list(columns))
    return df


def _num(df: pd.DataFrame, col: str, path: Path, *, required: bool, lo=None, hi=None) -> pd.Series:
    return numeric_column(df, col, path, name_col="name", required=required, lo=lo, hi=hi, label=f"column {col!r}")


def read_race_folder(folder) -> RealRace:
    """Read one race folder in the ``dk_2026`` layout.

    Parameters
    ----------
    folder : path-like
        Holds ``race.csv`` and ``pool.csv``; ``contests.csv``, ``actual_ownership.csv``
        and ``top_lineups.csv`` are optional.

    Returns
    -------
    RealRace
        The slate holds the pool drivers with a salary; ``start`` is the official
        starting position, ``projection`` / ``ownership`` the vendor's projection and
        projected ownership, ``race_laps`` the SCHEDULED laps (what a player knew).

    Raises
    ------
    DataFileError
        A missing file or column, a value that is not a number, naming file, row and field.

    Examples
    --------
    >>> import dfslab
    >>> from dfslab.io import list_race_folders, read_race_folder
    >>> if dfslab.data_dir(required=False) is not None:
    ...     race = read_race_folder(list_race_folders()[-1])
    ...     print(race.slate.n_players >= 30, race.full_pool, bool(np.isfinite(race.actual).all()))
    ... else:
    ...     print(True, True, True)
    True True True
    """
    from .nascar import track_archetype

    folder = Path(folder)
    if not is_race_folder(folder):
        raise InputError(f"{folder}: not a race folder (needs {' and '.join(RACE_FILES)})")
    notes: list[str] = []
    rp = folder / "race.csv"
    race = read_csv_checked(rp)
    require_columns(race, rp, ["date", "series", "track", "scheduled_laps"])
    if len(race) != 1:
        raise DataFileError(rp, f"expected one race row, found {len(race)}")
    info = {k: (None if pd.isna(v) else v) for k, v in race.iloc[0].to_dict().items()}
    try:
        date = pd.Timestamp(info["date"])
    except (TypeError, ValueError):
        raise DataFileError(rp, f"date {info['date']!r} is not a date", row=2) from None
    laps = pd.to_numeric(pd.Series([info["scheduled_laps"]]), errors="coerce").iloc[0]
    if not (np.isfinite(laps) and laps > 0 and float(laps).is_integer()):
        raise DataFileError(rp, f"scheduled_laps must be a positive whole number, got {info['scheduled_laps']!r}", row=2)
    track = str(info["track"])
    try:
        archetype = track_archetype(track, date)
        tt = info.get("track_type")
        if tt and str(tt).lower() != archetype:
            notes.append(f"track type: race.csv says {tt!r}, dfslab's track table says {archetype!r} (used)")
    except InputError:
        archetype = str(info.get("track_type") or "").lower() or None
        if archetype is None:
            raise DataFileError(rp, f"track {track!r} has no known archetype and track_type is empty", row=2) from None
        notes.append(f"track {track!r} not in dfslab's track table: archetype {archetype!r} from race.csv")

    pp = folder / "pool.csv"
    pool = read_csv_checked(pp)
    require_columns(pool, pp, ["name", "salary", "projection", "projected_own", "start", "finish", "dk_points"])
    pool["name"] = pool["name"].astype(str).str.strip()
    d = pool["name"].duplicated(keep=False)
    if d.any():
        first = pool.loc[d, "name"].iloc[0]
        rows = [file_row(pool, lab) for lab in pool.index[(pool["name"] == first).to_numpy()]]
        raise DataFileError(pp, f"driver {first!r} appears twice (rows {rows})")
    sal = _num(pool, "salary", pp, required=False)
    for c, lo, hi in (("projection", None, None), ("projected_own", 0, 100), ("start", 1, None), ("finish", 1, None),
                      ("dk_points", None, None), ("laps_led", 0, None), ("fastest_laps", 0, None)):
        if c in pool:
            pool[c] = _num(pool, c, pp, required=False, lo=lo, hi=hi)
    starter = pool["start"].notna() & pool["finish"].notna()
    res = pd.DataFrame({
        "name": pool["name"], "start": pool["start"], "finish": pool["finish"],
        "laps_led": pool.get("laps_led"), "fastest_laps": pool.get("fastest_laps"),
        "status": pool.get("status"), "dk_points": pool["dk_points"], "in_slate": sal.notna() & (sal > 0),
    })[starter].reset_index(drop=True)
    on = sal.notna() & (sal > 0)
    left_out = pool.loc[~on & ~starter, "name"].tolist()
    if left_out:
        notes.append(f"{len(left_out)} pool row(s) with neither salary nor result: {left_out}")
    no_sal = res.loc[~res["in_slate"], "name"].tolist()
    if no_sal:
        notes.append(f"{len(no_sal)} starter(s) without a DK salary in the pool (not on the slate): "
                     f"{no_sal[:12]}{'...' if len(no_sal) > 12 else ''}")
    if int(on.sum()) < NASCAR_CLASSIC.roster_size:  # name who lacks a salary, not just "1 players"
        raise DataFileError(pp, f"only {int(on.sum())} driver(s) have a DK salary, fewer than a roster of "
                                f"{NASCAR_CLASSIC.roster_size}; no salary for {no_sal[:12]}"
                                f"{'...' if len(no_sal) > 12 else ''}")
    p_index = pool.index[on.to_numpy()]
    p = pool[on].reset_index(drop=True)
    players = pd.DataFrame({
        "player_id": p["name"], "name": p["name"], "salary": sal[on].astype(np.int64).to_numpy(), "position": "D",
        "start": p["start"].astype("Int64"), "projection": p["projection"].astype(float),
        "ownership": p["projected_own"].astype(float),
    })
    for c in ("nascar_driver_id", "car_number"):
        if c in p:
            players[c] = p[c].to_numpy()
    if players["start"].isna().any():
        notes.append(f"no start for {players.loc[players['start'].isna(), 'name'].tolist()}")
    try:  # salary above the cap, duplicate starts...: named by the pool's file rows
        validate_players(players, NASCAR_CLASSIC, source=str(pp), row_labels=[file_row(pool, lab) for lab in p_index])
    except InputError as e:
        raise DataFileError(pp, str(e).replace(f"{pp}: ", "", 1)) from None
    try:
        slate = Slate(players=players, rules=NASCAR_CLASSIC, series=str(info["series"]).lower(), track=track,
                      archetype=archetype, race_laps=int(laps), date=date, name=folder.name)
    except InputError as e:
        raise DataFileError(pp, str(e)) from None
    notes += list(pool.attrs.get("notes", []))
    slate.meta["notes"] = list(notes) + [n for n in slate.meta.get("notes", []) if n not in notes]
    slate.meta["projection_source"] = "DailyFan projection (pool.csv)"
    slate.meta["ownership_source"] = "DailyFan projected ownership (pool.csv)"
    if info.get("nascar_race_id") is not None:  # joins the race's practice / qualifying sessions
        slate.meta["nascar_race_id"] = info["nascar_race_id"]
    actual = p["dk_points"].to_numpy(dtype=float)

    cp = folder / "contests.csv"
    contests = _optional_csv(cp, ["contest_id", "entries", "winning_score"])
    for c, lo in (("entries", 1), ("entry_fee", 0), ("prize_pool", 0), ("max_entries", 1), ("winning_score", None),
                  ("cash_line_p80", None)):
        if c in contests:
            contests[c] = numeric_column(contests, c, cp, lo=lo, label=f"column {c!r}")
    contests["contest_id"] = contests["contest_id"].astype(str)

    op = folder / "actual_ownership.csv"
    own = _optional_csv(op, ["contest_id", "name", "actual_own"])
    own["contest_id"] = own["contest_id"].astype(str)
    own["actual_own"] = numeric_column(own, "actual_own", op, name_col="name", lo=0, hi=100,
                                       label="column 'actual_own'")
    if len(own):
        m = match_names(list(dict.fromkeys(own["name"])), slate.players["name"], source="actual_ownership.csv",
                        target=f"{folder.name} slate")
        row = dict(zip(m.names, m.index))
        own["player"] = own["name"].map(row).astype(np.int64)
        if m.unmatched:
            notes.append(f"actual_ownership.csv: {m.unmatched} not on the slate (no salary in the pool)")
    else:
        own["player"] = pd.Series(dtype=np.int64)

    tl = _optional_csv(folder / "top_lineups.csv", ["contest_id", "rank", "points", "d1", "d2", "d3", "d4", "d5",
                                                    "d6", "dup_count"])
    tl["contest_id"] = tl["contest_id"].astype(str)
    if len(tl):
        dn = [f"d{k}" for k in range(1, 7)]
        names = list(dict.fromkeys(tl[dn].to_numpy().ravel().astype(str)))
        m = match_names(names, slate.players["name"], source="top_lineups.csv", target=f"{folder.name} slate")
        row = dict(zip(m.names, m.index))
        tl["players"] = [np.array([row[str(x)] for x in r], dtype=np.int64) for r in tl[dn].to_numpy()]
        if m.unmatched:
            notes.append(f"top_lineups.csv: {m.unmatched} not on the slate")
    else:
        tl["players"] = pd.Series(dtype=object)
    return RealRace(name=folder.name, slate=slate, actual=actual, results=res, contests=contests,
                    actual_ownership=own, top_lineups=tl, info=info, folder=folder,
                    projection_source=slate.meta["projection_source"],
                    ownership_source=slate.meta["ownership_source"], notes=notes)


def read_slate_with_results(folder, results: pd.DataFrame | None = None, race_logs: pd.DataFrame | None = None) -> RealRace:
    """A 2025 slate snapshot (``nascar/slates/...``) joined to its actual results.

    Actual points are ``dk_actual_loopFL`` of ``slates_with_results.csv`` (the loop
    data's fastest laps), matched to the slate by :func:`dfslab.names.match_names`;
    a driver missing there is looked up in the loop data of the same series and
    date. A slate driver found nowhere did not start and scores 0 (said in notes).
    The real contests of these slates are unknown (``contests`` is empty).
    """
    from .nascar import load_slates_with_results, read_nascar_slate, read_race_logs

    folder = Path(folder)
    slate = read_nascar_slate(folder, race_logs=race_logs)
    results = load_slates_with_results() if results is None else results
    snap = results[results["snapshot"] == folder.name]
    if snap.empty:
        raise InputError(f"{folder.name}: no rows in slates_with_results.csv for this snapshot (no results)")
    notes = list(slate.meta.get("notes", []))
    snap = snap.drop_duplicates("Driver")
    names = slate.players["name"].astype(str).tolist()
    m = match_names(names, snap["Driver"], source=f"{folder.name} slate", target="slates_with_results.csv")
    by = snap.set_index("Driver")
    actual = np.array([by["dk_actual_loopFL"].get(c, np.nan) if c is not None else np.nan for c in m.matched_names],
                      dtype=float)
    if m.how.count("exact") < len(names):
        notes.append(m.summary())
    miss = np.flatnonzero(~np.isfinite(actual))
    if len(miss):
        logs = race_logs if race_logs is not None else read_race_logs()
        loop_date = pd.to_datetime(snap["race_date_loop"].dropna().mode().iloc[0], format="%Y/%m/%d") \
            if snap["race_date_loop"].notna().any() else slate.date
        rl = logs[(logs["race_date"] == loop_date) & (logs["series"] == slate.series)]
        m2 = match_names([names[i] for i in miss], rl["driver_name"], source=f"{folder.name} slate",
                         target=f"loop data {slate.series} {loop_date.date()}")
        pts = dict(zip(rl["driver_name"], rl["dk_points"]))
        for i, c in zip(miss, m2.matched_names):
            if c is not None:
                actual[i] = float(pts[c])
        found = [n for n, c in zip(m2.names, m2.matched_names) if c is not None]
        if found:
            notes.append(f"actual points from the loop data for {found}")
        gone = ~np.isfinite(actual)
        if gone.any():
            notes.append(f"did not start (0 DK points): {[names[i] for i in np.flatnonzero(gone)]}")
            actual[gone] = 0.0
    res = pd.DataFrame({
        "name": snap["Driver"].to_numpy(), "start": pd.to_numeric(snap["start_pos"], errors="coerce").to_numpy(),
        "finish": pd.to_numeric(snap["finish_pos"], errors="coerce").to_numpy(),
        "laps_led": pd.to_numeric(snap["laps_led"], errors="coerce").to_numpy(),
        "fastest_laps": pd.to_numeric(snap["fastest_laps_loop"], errors="coerce").to_numpy(),
        "status": snap["status"].to_numpy(), "dk_points": pd.to_numeric(snap["dk_actual_loopFL"], errors="coerce").to_numpy(),
    })
    res = res[res["finish"].notna()].reset_index(drop=True)
    res["in_slate"] = True
    info = {"date": str(slate.date.date()) if slate.date is not None else None, "series": slate.series,
            "track": slate.track, "track_type": slate.archetype, "scheduled_laps": slate.race_laps,
            "race_name": str(snap["race_name"].iloc[0]) if "race_name" in snap else None}
    slate.meta["projection_source"] = "published projection (DK Proj, projections.json)"
    slate.meta["ownership_source"] = "published projected ownership (DK pOWN%, projections.json)"
    empty_c = pd.DataFrame(columns=["contest_id", "entries", "entry_fee", "prize_pool", "winning_score", "cash_line_p80"])
    empty_o = pd.DataFrame({"contest_id": pd.Series(dtype=str), "name": pd.Series(dtype=str),
                            "actual_own": pd.Series(dtype=float), "player": pd.Series(dtype=np.int64)})
    empty_t = pd.DataFrame(columns=["contest_id", "rank", "points", "dup_count", "players"])
    return RealRace(name=folder.name, slate=slate, actual=actual, results=res, contests=empty_c,
                    actual_ownership=empty_o, top_lineups=empty_t, info=info, folder=folder,
                    projection_source=slate.meta["projection_source"],
                    ownership_source=slate.meta["ownership_source"], notes=notes)


def load_real_races(slates=None, *, include_2025: bool = True, full_pool_only: bool = True,
                    include_prequal: bool = False) -> list[RealRace]:
    """Every real race with results, oldest first.

    Parameters
    ----------
    slates : path-like or list of path-like, optional
        Race folders in the ``dk_2026`` layout, or folders holding them; default
        ``<data>/nascar/dk_2026``.
    include_2025 : bool
        Also the 2025 slate snapshots with results (``nascar/slates`` +
        ``slates_with_results.csv``).
    full_pool_only : bool
        Skip races whose pool lacks most salaries (Charlotte 2026: 9 of 39).
    include_prequal : bool
        Keep 2025 snapshots taken before qualifying (no start positions).

    Returns
    -------
    list of RealRace
        Each race's ``notes`` say what the reader decided; :func:`skipped_races`
        says why a race was left out.
    """
    races, _ = _load(slates, include_2025, full_pool_only, include_prequal)
    return races


def skipped_races(slates=None, *, include_2025: bool = True, full_pool_only: bool = True,
                  include_prequal: bool = False) -> list[str]:
    """Why each real race :func:`load_real_races` leaves out was left out."""
    return _load(slates, include_2025, full_pool_only, include_prequal)[1]


def _load(slates, include_2025, full_pool_only, include_prequal):
    from .nascar import list_nascar_slates, load_slates_with_results, read_race_logs

    races, skipped = [], []
    if include_2025:
        results = load_slates_with_results()
        logs = read_race_logs()
        for f in list_nascar_slates():
            if not (results["snapshot"] == f.name).any():
                skipped.append(f"{f.name}: no results in slates_with_results.csv")
                continue
            r = read_slate_with_results(f, results=results, race_logs=logs)
            if r.slate.players["start"].isna().any() and not include_prequal:
                skipped.append(f"{f.name}: captured before qualifying (no start positions)")
                continue
            races.append(r)
    roots = [data_dir() / "nascar" / "dk_2026"] if slates is None else \
        ([slates] if isinstance(slates, (str, Path)) else list(slates))
    for root in roots:
        for f in list_race_folders(root):
            r = read_race_folder(f)
            if full_pool_only and not r.full_pool:
                skipped.append(f"{f.name}: salaries for only {len(r.results) - len(r.missing_salary)} of "
                               f"{len(r.results)} starters (not a full DK pool)")
                continue
            races.append(r)
    races.sort(key=lambda r: (str(r.info.get("date")), r.name))
    return races, skipped
