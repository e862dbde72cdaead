"""Everything known about past races, in one table, read once per process.

:func:`load_history` joins three sources into one row per driver-race, with one
identity per driver (:func:`dfslab.names.name_key`; a source's spelling is first
matched to the loop data's spellings by :func:`dfslab.names.match_names`):

* ``race_logs.csv`` -- the loop data, 2019-2025, all three series (finish, laps
  led, fastest laps, loop driver rating);
* ``results_db`` -- its **2026 Cup** races only (Feb-Apr 2026; earlier years are
  the loop data's). Its fastest laps and laps led are unreliable, so these rows
  carry finish-based performance only (``fastest_laps``/``dk_points`` are NaN);
* ``dk_2026`` race folders -- the official results of the 2026 DK races
  (``pool.csv``: start, finish, laps led, fastest laps, status).

The rating model uses only races strictly before a slate's date, so a later
race never leaks into an earlier slate.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..names import match_names, name_key
from ..utils.config import data_dir

HISTORY_COLUMNS = ("race_id", "race_date", "series", "track", "archetype", "race_laps", "driver_name", "driver_key",
                   "start", "finish", "laps_led", "fastest_laps", "dnf", "rating", "dk_points", "source", "perf")
RESULTS_DB_FROM = pd.Timestamp("2026-01-01")  # the loop data covers results_db's earlier years


def load_history(root=None) -> pd.DataFrame:
    """All known race results before any slate: loop data, results_db 2026 Cup, dk_2026 results.

    Read and joined once per process and data folder (later calls return the
    cached table; a shallow copy, so adding columns does not touch the cache).

    Parameters
    ----------
    root : path-like, optional
        The data folder (default :func:`dfslab.data_dir`).

    Returns
    -------
    pandas.DataFrame
        One row per driver-race with :data:`HISTORY_COLUMNS`: ``driver_key`` is the
        driver's identity across sources (``name_key`` of the loop data's spelling
        when the driver is there), ``driver_name`` its latest spelling, ``source``
        one of ``race_logs`` / ``results_db`` / ``dk_2026``, ``perf`` the field-relative
        performance the rating model averages. ``attrs["notes"]`` says what was
        joined, matched and left out; ``attrs["summary"]`` counts races per source.

    Raises
    ------
    DataNotFoundError
        No data folder.

    Examples
    --------
    >>> import dfslab
    >>> from dfslab.racesim import load_history
    >>> if dfslab.data_dir(required=False) is not None:
    ...     h = load_history()
    ...     print(sorted(h["source"].unique()), load_history() is not h)
    ... else:
    ...     print(['dk_2026', 'race_logs', 'results_db'], True)
    ['dk_2026', 'race_logs', 'results_db'] True
    """
    r = Path(root) if root is not None else data_dir()
    return _load_cached(str(Path(r).resolve())).copy(deep=False)


@functools.lru_cache(maxsize=2)
def _load_cached(root: str) -> pd.DataFrame:
    from ..io import read_race_logs
    from ._ratings import race_performance

    root_p = Path(root)
    notes: list[str] = []
    logs = read_race_logs(root_p / "nascar" / "race_logs.csv")
    notes += list(logs.attrs.get("notes", []))
    # One spelling per driver in the loop data: its latest one.
    logs_key = logs["driver_name"].map(_key_cache())
    canon = logs.assign(k=logs_key).sort_values("race_date", kind="stable").groupby("k")["driver_name"].last()
    # (the loop data's own spellings of one driver, e.g. "Jr" / "Jr.", share a key and so one identity)
    parts = [pd.DataFrame({
        "race_id": logs["race_id"], "race_date": logs["race_date"], "series": logs["series"], "track": logs["track"],
        "archetype": logs["archetype"], "race_laps": logs["race_laps"].astype(float), "driver_key": logs_key,
        "raw_name": logs["driver_name"],
        "start": logs["start"].astype(float), "finish": logs["finish"].astype(float),
        "laps_led": logs["laps_led"].astype(float), "fastest_laps": logs["fastest_laps"].astype(float),
        "dnf": logs["dnf"].astype(bool), "rating": logs["rating"].astype(float),
        "dk_points": logs["dk_points"].astype(float), "source": "race_logs"})]
    summary = {"race_logs": _span(logs)}

    db = _results_db_2026(root_p, notes)
    if db is not None and len(db):
        parts.append(db)
        summary["results_db"] = _span(db)
    dk = _dk_2026(root_p, notes)
    if dk is not None and len(dk):
        parts.append(dk)
        summary["dk_2026"] = _span(dk)

    h = pd.concat(parts, ignore_index=True)
    # Other sources' spellings -> the loop data's identity, through the one staged matcher.
    key = _key_cache()
    other = (h["source"] != "race_logs").to_numpy()
    if other.any():
        reps = pd.Series(pd.unique(h.loc[other, "raw_name"]))
        first = reps.groupby(reps.map(key)).first()  # one representative spelling per key
        m = match_names(first.tolist(), canon.tolist(), source="results_db 2026 / dk_2026", target="race_logs.csv")
        key_of = {k: (key(c) if c is not None else k) for k, c in zip(first.index, m.matched_names)}
        fuzzy = [f"{n} = {c}" for n, c, how in zip(m.names, m.matched_names, m.how) if how not in ("exact", "unmatched")]
        notes.append(f"2026 results matched to the loop data's drivers: {int(m.matched.sum())} of {len(m.names)}"
                     + (f" (by spelling rule: {', '.join(fuzzy)})" if fuzzy else "")
                     + (f"; new drivers (not in the loop data): {m.unmatched}" if m.unmatched else ""))
        h.loc[other, "driver_key"] = [key_of[key(n)] for n in h.loc[other, "raw_name"]]
    # Display name: the latest spelling of each identity.
    disp = h.sort_values("race_date", kind="stable").groupby("driver_key")["raw_name"].last()
    h["driver_name"] = h["driver_key"].map(disp)
    h["perf"] = race_performance(h).to_numpy()
    h = h.sort_values(["race_date", "series", "race_id", "finish"], kind="stable").reset_index(drop=True)
    h = h[list(HISTORY_COLUMNS)]
    h.attrs["notes"] = notes
    h.attrs["summary"] = summary
    return h


@functools.lru_cache(maxsize=1)
def _key_cache():
    return functools.lru_cache(maxsize=None)(name_key)


def _span(df: pd.DataFrame) -> dict:
    return {"races": int(df["race_id"].nunique()), "rows": int(len(df)),
            "first": str(pd.Timestamp(df["race_date"].min()).date()), "last": str(pd.Timestamp(df["race_date"].max()).date())}


def _results_db_2026(root: Path, notes: list) -> pd.DataFrame | None:
    from ..io import read_results_db

    folder = root / "nascar" / "results_db"
    if not (folder / "race_results.csv").is_file():
        notes.append("results_db not found: no 2026 results before the dk_2026 races")
        return None
    db = read_results_db(folder)
    db = db[(db["race_date"] >= RESULTS_DB_FROM) & (db["series"] == "cup")]
    keep, dropped = [], []
    for rid, g in db.groupby("race_id", sort=False):
        # Merged duplicates of a race (a driver twice, repeated finishing positions) cannot be ranked.
        if g["finish"].duplicated().any() or g["driver_id"].duplicated().any() or len(g) > 45 or len(g) < 20:
            dropped.append(f"{rid} ({g['track'].iloc[0]} {pd.Timestamp(g['race_date'].iloc[0]).date()}, {len(g)} rows)")
            continue
        keep.append(g)
    if dropped:
        notes.append(f"results_db 2026: dropped {len(dropped)} malformed race(s) (repeated finishing positions or "
                     f"drivers): {dropped}")
    if not keep:
        return None
    d = pd.concat(keep)
    status = d["status"].astype(str).str.lower()
    notes.append(f"results_db 2026 Cup: {d['race_id'].nunique()} races, finish-based performance only "
                 "(its laps led / fastest laps are unreliable)")
    return pd.DataFrame({
        "race_id": "results_db:" + d["race_id"].astype(str), "race_date": d["race_date"], "series": d["series"],
        "track": d["track"], "archetype": d["archetype"], "race_laps": pd.to_numeric(d["race_laps"], errors="coerce"),
        "driver_key": "", "raw_name": d["driver_name"].astype(str), "start": d["start"].astype(float),
        "finish": d["finish"].astype(float), "laps_led": np.nan, "fastest_laps": np.nan,
        "dnf": (status != "running").to_numpy(), "rating": np.nan, "dk_points": np.nan, "source": "results_db"})


def _dk_2026(root: Path, notes: list) -> pd.DataFrame | None:
    from ..io import list_race_folders
    from ..io.real_races import read_race_folder

    folder = root / "nascar" / "dk_2026"
    if not folder.is_dir():
        return None
    try:
        folders = list_race_folders(folder)
    except InputError:
        return None
    out = []
    for f in folders:
        race = read_race_folder(f)
        res = race.results
        if res.empty:
            continue
        d = race.slate.date
        laps = pd.to_numeric(pd.Series([race.info.get("laps_run")]), errors="coerce").iloc[0]
        out.append(pd.DataFrame({
            "race_id": f"dk_2026:{f.name}", "race_date": d, "series": race.slate.series, "track": race.slate.track,
            "archetype": race.slate.archetype,
            "race_laps": float(laps) if np.isfinite(laps) else float(race.slate.race_laps),
            "driver_key": "", "raw_name": res["name"].astype(str).to_numpy(), "start": res["start"].astype(float).to_numpy(),
            "finish": res["finish"].astype(float).to_numpy(),
            "laps_led": pd.to_numeric(res["laps_led"], errors="coerce").to_numpy(float),
            "fastest_laps": pd.to_numeric(res["fastest_laps"], errors="coerce").to_numpy(float),
            "dnf": (res["status"].astype(str).str.lower() != "running").to_numpy(),
            "rating": np.nan, "dk_points": res["dk_points"].astype(float).to_numpy(), "source": "dk_2026"}))
    if not out:
        return None
    notes.append(f"dk_2026: {len(out)} races' official results (pool.csv)")
    return pd.concat(out, ignore_index=True)


def history_line(history: pd.DataFrame, before) -> str:
    """One line: which sources and how many races a rating before ``before`` used."""
    h = history[pd.to_datetime(history["race_date"]) < pd.Timestamp(before)]
    parts = []
    for src in ("race_logs", "results_db", "dk_2026"):
        x = h[h["source"] == src] if "source" in h.columns else (h if src == "race_logs" else h.iloc[:0])
        if len(x):
            parts.append(f"{src} {x['race_id'].nunique()}")
    return f"{h['race_id'].nunique()} races: {', '.join(parts)}"


def infer_series(names, history: pd.DataFrame, before, window_days: int = 365) -> tuple[str | None, str]:
    """The series whose recent fields hold most of ``names`` (a DK file does not say).

    Counts, per series, the slate drivers who ran one of its races in the
    ``window_days`` before ``before``. Returns (series or None, a note).
    """
    h = history[(pd.to_datetime(history["race_date"]) < pd.Timestamp(before))
                & (pd.to_datetime(history["race_date"]) >= pd.Timestamp(before) - pd.Timedelta(days=window_days))]
    if h.empty:
        return None, f"series not inferred: no race in the {window_days} days before {pd.Timestamp(before).date()}"
    counts = {}
    for s, g in h.groupby("series"):
        cand = g.drop_duplicates("driver_key" if "driver_key" in g.columns else "driver_name")["driver_name"].tolist()
        cand = list(dict.fromkeys(str(c) for c in cand))
        # two spellings of one driver in a history without keys: keep one per name_key
        cand = list(pd.Series(cand).groupby(pd.Series(cand).map(_key_cache())).first())
        m = match_names(list(dict.fromkeys(str(n) for n in names)), cand, source="slate", target=f"{s} drivers")
        counts[s] = int(m.matched.sum())
    best = max(counts, key=lambda s: counts[s])
    n = len(set(map(str, names)))
    return best, (f"series inferred from the drivers: {best} ({counts[best]} of {n} drivers raced it in the "
                  f"{window_days} days before {pd.Timestamp(before).date()}; "
                  + ", ".join(f"{s} {c}" for s, c in sorted(counts.items())) + ")")
