"""NASCAR results (loop data, results database) and the real DK NASCAR slates."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError, InputError
from ..names import match_names
from ..rules import NASCAR_CLASSIC
from ..scoring import dk_points
from ..slate import Slate, validate_players
from ..utils.config import data_dir
from ..utils.files import file_row, read_csv_checked, require_columns

# Track name -> archetype. results_db/tracks.csv gives most; the loop data uses
# other spellings and older tracks it lacks, so they are listed here.
# "intermediate_worn" / "short_concrete" in tracks.csv fold into their parents.
TRACK_ALIASES: dict[str, str] = {
    "Dover International Speedway": "short",
    "ISM Raceway": "short",
    "Auto Club Speedway": "intermediate",
    "Kentucky Speedway": "intermediate",
    "Chicagoland Speedway": "intermediate",
    "World Wide Technology Raceway at Gateway": "intermediate",
    "DAYTONA Road Course": "road",
    "Daytona International Speedway Road Course": "road",
    "Canadian Tire Motorsport Park": "road",
    "Chicago Street Race": "road",
    "Autódromo Hermanos Rodríguez": "road",
    "Bristol Motor Speedway Dirt": "dirt",
    "Eldora Speedway": "dirt",
    "Los Angeles Memorial Coliseum": "short",
    "Bowman Gray Stadium": "short",
    "Lucas Oil Indianapolis Raceway Park": "short",
    "The Milwaukee Mile": "short",
    "Milwaukee Mile Speedway": "short",
    # Indianapolis oval: flat 2.5 miles, no drafting packs -> races like an intermediate.
    "Indianapolis Motor Speedway": "intermediate",
}
# Atlanta was repaved/reprofiled into a drafting track for 2022; before that it was a 1.5-mile intermediate.
_ATLANTA = "Atlanta Motor Speedway"
_ATLANTA_SUPERSPEEDWAY_FROM = pd.Timestamp("2022-01-01")
_FOLD = {"intermediate_worn": "intermediate", "short_concrete": "short"}
SERIES_NAMES = {"Cup": "cup", "O'Reilly": "xfinity", "Xfinity": "xfinity", "Trucks": "trucks",
                "cup": "cup", "xfinity": "xfinity", "trucks": "trucks"}


def _tracks_table(root: Path | None = None) -> dict[str, str]:
    root = root or data_dir(required=False)
    if root is None:  # no data folder: the built-in aliases still name the common tracks
        return dict(TRACK_ALIASES)
    return dict(_tracks_table_cached(Path(root).resolve()))


@functools.lru_cache(maxsize=4)
def _tracks_table_cached(root: Path) -> dict[str, str]:
    # tracks.csv is read once per data folder, not once per slate or race table.
    p = root / "nascar" / "results_db" / "tracks.csv"
    out: dict[str, str] = {}
    if p.is_file():
        t = read_csv_checked(p)
        for name, tt in zip(t["name"], t["track_type"]):
            if isinstance(tt, str) and tt:
                out[name] = _FOLD.get(tt, tt)
    out.update(TRACK_ALIASES)
    return out


def track_archetype(track_name: str, date=None, table: dict | None = None) -> str:
    """Archetype of a track (superspeedway, intermediate, short, road, dirt).

    Examples
    --------
    >>> track_archetype("Atlanta Motor Speedway", "2021-03-21", table={})
    'intermediate'
    >>> track_archetype("Atlanta Motor Speedway", "2023-03-19", table={})
    'superspeedway'
    """
    if track_name == _ATLANTA:
        if date is not None and pd.Timestamp(date) < _ATLANTA_SUPERSPEEDWAY_FROM:
            return "intermediate"
        return "superspeedway"
    table = _tracks_table() if table is None else {**table, **TRACK_ALIASES}
    if track_name not in table:
        raise InputError(f"track {track_name!r}: no archetype known; add it to dfslab.io.nascar.TRACK_ALIASES")
    return table[track_name]


def read_race_logs(path=None, drop_merged: bool = True) -> pd.DataFrame:
    """Read the NASCAR loop data (``nascar/race_logs.csv``) as one row per driver-race.

    Adds: ``race_id`` ("series|YYYY-MM-DD|track"), ``series`` (cup/xfinity/trucks),
    ``archetype``, ``race_laps`` (the winner's laps completed), ``dnf`` (status not
    "running"), and ``dk_points`` computed with :func:`dfslab.scoring.dk_points`.

    Known quirks handled: groups with more rows than a field (two events merged
    under one date) are dropped when ``drop_merged`` and listed in
    ``df.attrs["notes"]``; ``race_date`` is sometimes a day late (kept as given).
    """
    root = data_dir() if path is None else None
    path = Path(path) if path is not None else root / "nascar" / "race_logs.csv"
    df = read_csv_checked(path)
    require_columns(df, path, ["driver_name", "driver_id", "race_date", "series", "track_name", "start", "finish",
                               "laps_led", "fastest_lap", "laps", "status"])
    notes = []
    d = pd.DataFrame({
        "driver_name": df["driver_name"].astype(str),
        "driver_id": df["driver_id"],
        "race_date": pd.to_datetime(df["race_date"], format="%Y/%m/%d", errors="coerce"),
        "series": df["series"].map(SERIES_NAMES),
        "track": df["track_name"],
        "start": pd.to_numeric(df["start"], errors="coerce"),
        "finish": pd.to_numeric(df["finish"], errors="coerce"),
        "laps_led": pd.to_numeric(df["laps_led"], errors="coerce"),
        "fastest_laps": pd.to_numeric(df["fastest_lap"], errors="coerce"),
        "laps_completed": pd.to_numeric(df["laps"], errors="coerce"),
        "status": df["status"].astype(str).str.lower(),
        "rating": pd.to_numeric(df.get("rating"), errors="coerce"),
    })
    for c in ("race_date", "series", "start", "finish", "laps_led", "fastest_laps", "laps_completed"):
        bad = d[c].isna()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raw = df.iloc[i][{"race_date": "race_date", "series": "series", "fastest_laps": "fastest_lap",
                              "laps_completed": "laps"}.get(c, c)]
            raise DataFileError(path, f"column {c!r} missing or unreadable: {raw!r} ({df['driver_name'].iloc[i]})",
                                row=file_row(df, df.index[i]))
    for c in ("start", "finish", "laps_led", "fastest_laps", "laps_completed"):
        d[c] = d[c].astype(np.int64)
    d["race_id"] = d["series"] + "|" + d["race_date"].dt.strftime("%Y-%m-%d") + "|" + d["track"]
    size = d.groupby("race_id")["driver_id"].transform("size")
    dup_driver = d.duplicated(["race_id", "driver_id"], keep=False)
    merged = d.loc[dup_driver | (size > 45), "race_id"].unique()
    if len(merged):
        msg = f"{len(merged)} race group(s) hold two merged events (a driver twice / > 45 rows): {list(merged)}"
        if drop_merged:
            d = d[~d["race_id"].isin(merged)].copy()
            msg += f"; dropped ({int((size > 45).sum())} rows)"
        notes.append(msg)
    table = _tracks_table(path.parent.parent if root is None else root)
    arch = {}
    for lab, tr, dt in d[["track", "race_date"]].drop_duplicates().itertuples():
        try:
            arch[(tr, dt)] = track_archetype(tr, dt, table)
        except InputError as e:
            raise DataFileError(path, str(e), row=file_row(df, lab)) from None
    d["archetype"] = [arch[k] for k in zip(d["track"], d["race_date"])]
    d["race_laps"] = d.groupby("race_id")["laps_completed"].transform("max").astype(np.int64)
    d["dnf"] = d["status"] != "running"
    d["n_drivers"] = d.groupby("race_id")["driver_id"].transform("size").astype(np.int64)
    d["dk_points"] = dk_points(d["start"], d["finish"], d["laps_led"], d["fastest_laps"])
    d = d.sort_values(["race_date", "series", "track", "finish"], kind="stable").reset_index(drop=True)
    d.attrs["notes"] = notes
    return d


def read_results_db(folder=None) -> pd.DataFrame:
    """Read the results database export (``nascar/results_db``) as one row per driver-race.

    Columns: race_id (db id), race_date, series, track, archetype, race_laps,
    driver_name, start, finish, laps_led, fastest_laps (**unreliable** in this
    source: use the loop data's), laps_completed, status, and the source's own
    DK components (place_pts, place_diff_pts, laps_led_pts, fastest_laps_pts,
    dfs_score) where present. Races without results are left out (counted in
    ``attrs["notes"]``).
    """
    folder = Path(folder) if folder is not None else data_dir() / "nascar" / "results_db"
    races = read_csv_checked(folder / "races.csv")
    require_columns(races, folder / "races.csv", ["id", "track_id", "series_id", "race_date", "laps"])
    res = read_csv_checked(folder / "race_results.csv")
    require_columns(res, folder / "race_results.csv", ["race_id", "driver_id", "start_pos", "finish_pos"])
    tracks = read_csv_checked(folder / "tracks.csv")
    require_columns(tracks, folder / "tracks.csv", ["id", "name"])
    series = read_csv_checked(folder / "series.csv")
    require_columns(series, folder / "series.csv", ["id", "code"])
    drivers = read_csv_checked(folder / "drivers.csv")
    require_columns(drivers, folder / "drivers.csv", ["id", "full_name"])
    pts_path = folder / "dfs_points.csv"
    table = _tracks_table(folder.parent.parent)
    r = races.merge(tracks[["id", "name"]].rename(columns={"id": "track_id", "name": "track"}), on="track_id", how="left")
    r = r.merge(series[["id", "code"]].rename(columns={"id": "series_id", "code": "series"}), on="series_id", how="left")
    try:
        r["race_date"] = pd.to_datetime(r["race_date"], format="ISO8601").dt.tz_localize(None).dt.normalize()
    except (TypeError, ValueError) as e:
        raise DataFileError(folder / "races.csv", f"race_date is not an ISO date: {e}") from None
    x = res.merge(r[["id", "race_date", "series", "track", "laps"]].rename(columns={"id": "race_id", "laps": "race_laps"}),
                  on="race_id", how="left")
    x = x.merge(drivers[["id", "full_name"]].rename(columns={"id": "driver_id", "full_name": "driver_name"}),
                on="driver_id", how="left")
    n_no_results = int((~races["id"].isin(res["race_id"])).sum())
    x = x.rename(columns={"start_pos": "start", "finish_pos": "finish"})
    x["archetype"] = [track_archetype(t, d, table) for t, d in zip(x["track"], x["race_date"])]
    if pts_path.is_file():
        p = read_csv_checked(pts_path)
        p = p[p["platform"].str.lower() == "draftkings"].drop(columns=["id", "platform"])
        p = p.drop_duplicates(["race_id", "driver_id"])
        x = x.merge(p, on=["race_id", "driver_id"], how="left")
    x.attrs["notes"] = [f"{n_no_results} race(s) in races.csv have no results"]
    return x.sort_values(["race_date", "race_id", "finish"]).reset_index(drop=True)


_SLATE_DIR = re.compile(r"^(?P<series>cup|xfinity|trucks)_(?P<date>\d{4}-\d{2}-\d{2})_(?P<commit>\w+)$")


def list_nascar_slates(root=None) -> list[Path]:
    """Folders of the real DK NASCAR slates (``nascar/slates/<series>_<date>_<commit>``)."""
    root = Path(root) if root is not None else data_dir() / "nascar" / "slates"
    if not root.is_dir():
        raise InputError(f"{root}: folder not found (expected slate folders <series>_<YYYY-MM-DD>_<commit>)")
    return sorted(p for p in root.iterdir() if p.is_dir() and _SLATE_DIR.match(p.name))


def read_nascar_slate(folder, race_logs: pd.DataFrame | None = None) -> Slate:
    """Read a real DK NASCAR slate folder (``projections.json`` + ``site_ids.json``).

    Players get salary (DK Sal), start (Qual; missing before qualifying),
    projection (DK Proj, a *published* projection), floor/ceiling, ownership
    (DK pOWN%: published **projected** ownership, not actual) and dk_id (from
    site_ids.json, matched by name). Track, archetype and race laps come from
    ``slates_with_results.csv`` / the loop data when available.
    """
    folder = Path(folder)
    m = _SLATE_DIR.match(folder.name)
    if not m:
        raise InputError(f"{folder}: not a slate folder named <series>_<YYYY-MM-DD>_<commit>")
    pj = folder / "projections.json"
    recs = _read_json(pj)
    if not isinstance(recs, list) or not all(isinstance(r, dict) for r in recs):
        raise DataFileError(pj, f"expected a list of driver records ({{\"Driver\": ..., \"DK Sal\": ...}}), "
                                f"got {type(recs).__name__}")
    proj = pd.DataFrame(recs)
    require_columns(proj, pj, ["Driver", "DK Sal", "Qual", "DK Proj"])
    proj["Driver"] = proj["Driver"].astype(str).str.strip()
    record = [f"record {k + 1}" for k in range(len(proj))]  # how messages name a driver's place in the file
    for k, nm in enumerate(proj["Driver"]):
        if nm in ("", "None", "nan"):
            raise DataFileError(pj, f"{record[k]}: empty Driver name")
    notes = []
    ids = _site_ids(folder / "site_ids.json", notes)

    def num(col, lo=None, hi=None):
        raw = proj[col] if col in proj else pd.Series([None] * len(proj), index=proj.index)
        blank = raw.isna() | raw.astype(str).str.strip().eq("")
        v = pd.to_numeric(raw.where(~blank), errors="coerce")
        bad = (v.isna() & ~blank) | ~np.isfinite(v.fillna(0.0))
        if lo is not None:
            bad |= v < lo
        if hi is not None:
            bad |= v > hi
        if bad.any():
            k = int(np.flatnonzero(bad.to_numpy())[0])
            rng = f" (expected {lo:g}-{hi:g})" if lo is not None and hi is not None else ""
            raise DataFileError(pj, f"{record[k]} ({proj['Driver'].iloc[k]}): {col} is not a valid number: "
                                    f"{raw.iloc[k]!r}{rng}")
        return v

    sal = num("DK Sal")
    no_sal = sal.isna() | (sal <= 0)  # drivers DK did not price are not on the slate
    if no_sal.any():
        notes.append(f"{int(no_sal.sum())} driver(s) without a DK salary skipped: {proj.loc[no_sal, 'Driver'].tolist()}")
    cols = {c: num(c, *b) for c, b in (("Qual", (1, None)), ("DK Proj", ()), ("DK Floor", ()), ("DK Ceiling", ()),
                                        ("DK pOWN%", (0, 100)))}
    keep = ~no_sal.to_numpy()
    proj, sal, record = proj[keep], sal[keep], [r for r, k in zip(record, keep) if k]
    cols = {c: v[keep] for c, v in cols.items()}
    qual = cols["Qual"]
    players = pd.DataFrame({
        "name": proj["Driver"].to_numpy(),
        "salary": sal.to_numpy(),
        "position": "D",
        "start": qual.astype("Int64").to_numpy() if qual.notna().any() else pd.array([pd.NA] * len(proj), dtype="Int64"),
        "projection": cols["DK Proj"].to_numpy(),
        "floor": cols["DK Floor"].to_numpy(),
        "ceiling": cols["DK Ceiling"].to_numpy(),
        "ownership": cols["DK pOWN%"].to_numpy(),
    })
    try:  # salaries (whole, under the cap), starts, duplicates: named by the driver's record in the file
        players = validate_players(players, NASCAR_CLASSIC, source=str(pj), row_labels=record)
    except InputError as e:
        raise DataFileError(pj, str(e).replace(f"{pj}: ", "", 1)) from None
    if ids:
        nm = match_names(players["name"].tolist(), list(ids), source=f"{folder.name} projections.json",
                         target="site_ids.json")
        if nm.unmatched:
            notes.append(f"{len(nm.unmatched)} driver(s) have no DK id in site_ids.json: {nm.unmatched}")
        if any(h != "exact" for h in nm.how):
            notes.append(nm.summary())
        players["dk_id"] = pd.array([ids[c] if c is not None else None for c in nm.matched_names], dtype="Int64")
        players["player_id"] = [str(ids[c]) if c is not None else n for n, c in zip(players["name"], nm.matched_names)]
    else:
        players["player_id"] = players["name"]
    if qual.isna().all():
        notes.append("no qualifying yet: start positions are missing")
    series, date = m["series"], pd.Timestamp(m["date"])
    track = laps = archetype = None
    root = folder.parent.parent
    swr = root / "slates_with_results.csv"
    if swr.is_file():
        s = read_csv_checked(swr)
        require_columns(s, swr, ["snapshot", "track_name", "race_date"])
        s = s[s["snapshot"] == folder.name]
        if len(s) and s["track_name"].notna().any():
            track = s["track_name"].dropna().iloc[0]
            date = pd.Timestamp(s["race_date"].iloc[0])
    if track is None:
        notes.append("track unknown (not in slates_with_results.csv)")
    else:
        archetype = track_archetype(track, date)
        logs = race_logs
        if logs is None and (root / "race_logs.csv").is_file():
            logs = read_race_logs(root / "race_logs.csv")
        if logs is not None:
            hit = logs[(logs["series"] == series) & (logs["track"] == track)
                       & ((logs["race_date"] - date).abs() <= pd.Timedelta(days=1))]
            if len(hit):
                laps = int(hit["race_laps"].iloc[0])
    try:
        sl = Slate(players=players, rules=NASCAR_CLASSIC, series=series, track=track, archetype=archetype,
                   race_laps=laps, date=date, name=folder.name)
    except InputError as e:
        raise DataFileError(pj, str(e)) from None
    sl.meta["notes"] = notes + list(sl.meta.get("notes", []))
    return sl


def _read_json(path: Path):
    """A JSON file's content, or :class:`DataFileError` naming the file."""
    if not path.is_file():
        raise DataFileError(path, "file not found" if not path.is_dir() else "is a folder, not a file")
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DataFileError(path, f"not valid JSON: {e}") from None
    except OSError as e:
        raise DataFileError(path, f"cannot read the file: {e.strerror or e}") from None


def _site_ids(path: Path, notes: list) -> dict[str, int]:
    """DK draftable ids by driver name from ``site_ids.json`` ({"dk": [{"name": ..., "id": ...}, ...]})."""
    if not path.is_file():
        return {}
    d = _read_json(path)
    if not isinstance(d, dict):
        raise DataFileError(path, f"expected an object with a 'dk' list of {{name, id}} records, got {type(d).__name__}")
    if "dk" not in d:
        notes.append(f"site_ids.json has no 'dk' ids (keys: {sorted(d)[:6]}): no DK ids")
        return {}
    rows = d["dk"]
    if not isinstance(rows, list):
        raise DataFileError(path, f"'dk' must be a list of {{name, id}} records, got {type(rows).__name__}")
    ids = {}
    for k, row in enumerate(rows):
        where = f"'dk' record {k + 1}"
        if not isinstance(row, dict):
            raise DataFileError(path, f"{where}: expected {{name, id}}, got {row!r}")
        for key in ("name", "id"):
            if key not in row or row[key] in (None, ""):
                raise DataFileError(path, f"{where}: no {key!r} ({row!r})")
        v = row["id"]
        if isinstance(v, bool) or not (isinstance(v, int) or isinstance(v, str) and v.strip().isdigit()):
            raise DataFileError(path, f"{where} ({row['name']}): id must be a DK number, got {v!r}")
        ids[str(row["name"]).strip()] = int(v)
    return ids


def load_slates_with_results(path=None) -> pd.DataFrame:
    """The 8 real slates joined to actual results (``nascar/slates_with_results.csv``).

    ``dk_actual_loopFL`` is the actual DK score using the loop data's fastest laps.
    """
    path = Path(path) if path is not None else data_dir() / "nascar" / "slates_with_results.csv"
    df = read_csv_checked(path)
    require_columns(df, path, ["snapshot", "Driver", "DK Sal", "dk_actual_loopFL"])
    return df
