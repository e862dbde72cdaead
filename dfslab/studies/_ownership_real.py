"""Real NASCAR %Drafted rows (dk_2026 layout) as calibration / evaluation data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..ownership import ContestRows

#: ``actual_ownership.csv`` source of a contest's top-k most-owned list (the analyzer's "crowded players":
#: its field profile sorts %Drafted and keeps the first k): every driver not named in that contest was
#: owned at most the lowest value carried with this source.
TOP_LIST_SOURCE = "autopsy:field_profile.crowded_players"


def contest_table(race) -> pd.DataFrame:
    """One row per contest of a race with named %Drafted: contest_id, entries, n_named, named_sum, bound.

    ``bound`` is the lowest %Drafted among the rows whose source is the contest's top-k list
    (:data:`TOP_LIST_SOURCE`), NaN when the contest has no such list: it bounds every unnamed driver.
    """
    ao = race.actual_ownership
    c = race.contests.set_index("contest_id") if len(race.contests) else pd.DataFrame()
    out = []
    for cid, g in ao.groupby("contest_id", sort=False):
        top = g[g["source"] == TOP_LIST_SOURCE] if "source" in g else g.iloc[:0]
        ent = c["entries"].get(cid, np.nan) if "entries" in c else np.nan
        out.append({"contest_id": str(cid), "entries": float(ent) if pd.notna(ent) else np.nan,
                    "n_named": len(g), "named_sum": float(g["actual_own"].sum()),
                    "bound": float(top["actual_own"].min()) if len(top) else np.nan})
    return pd.DataFrame(out)


def check_actual_rows(race) -> pd.DataFrame:
    """The race's %Drafted rows, checked: on the slate, percent in [0, 100], one row per (contest, driver).

    Raises
    ------
    InputError
        Naming the race, contest and driver.
    """
    ao = race.actual_ownership
    if len(ao) == 0:
        return ao
    bad = ao["player"] < 0
    if bad.any():
        r = ao[bad].iloc[0]
        raise InputError(f"race {race.name}: %Drafted row of {r['name']!r} (contest {r['contest_id']}) is not a slate "
                         "driver (no salary in pool.csv)")
    y = pd.to_numeric(ao["actual_own"], errors="coerce")
    if y.isna().any() or (y < 0).any() or (y > 100).any():
        r = ao[y.isna() | (y < 0) | (y > 100)].iloc[0]
        raise InputError(f"race {race.name}: %Drafted of {r['name']!r} (contest {r['contest_id']}) is "
                         f"{r['actual_own']!r}; expected percent in [0, 100]")
    d = ao.duplicated(["contest_id", "player"], keep=False)
    if d.any():
        r = ao[d].iloc[0]
        raise InputError(f"race {race.name}: {r['name']!r} has two %Drafted rows in contest {r['contest_id']}")
    for cid, g in ao.groupby("contest_id"):
        if g["actual_own"].sum() > 600 * 1.02:
            raise InputError(f"race {race.name}: %Drafted of contest {cid} sums to {g['actual_own'].sum():.1f} > 600")
    return ao


def log_entries(entries) -> float:
    """log10 entries; 3 (= the 1,000-entry default) when unknown."""
    e = float(entries) if entries is not None and pd.notna(entries) else np.nan
    return float(np.log10(e)) if np.isfinite(e) and e >= 1 else 3.0


def contest_rows(race, base: np.ndarray, opt: np.ndarray, vendor: np.ndarray | None,
                 use_bound: bool = True) -> list[ContestRows]:
    """:class:`ContestRows` of one race (one per contest with named %Drafted), given the slate forecasts.

    ``base``, ``opt`` (optimal rate, percent) and ``vendor`` are per slate driver; they are the same for every contest of the race
    (the slate is the same); each contest's rows weigh 1 / number of contests of the race.
    """
    ao = check_actual_rows(race)
    if len(ao) == 0:
        return []
    ct = contest_table(race).set_index("contest_id")
    n_c = len(ct)
    total = float(race.slate.rules.ownership_total)
    out = []
    for cid, g in ao.groupby("contest_id", sort=False):
        b = ct.loc[str(cid), "bound"]
        out.append(ContestRows(group=race.name, base=np.asarray(base, float), opt=np.asarray(opt, float),
                               vendor=None if vendor is None else np.asarray(vendor, float),
                               log_entries=log_entries(ct.loc[str(cid), "entries"]),
                               idx=g["player"].to_numpy(np.int64), y=g["actual_own"].to_numpy(float),
                               bound=float(b) if use_bound and np.isfinite(b) else None,
                               weight=1.0 / n_c, total=total, contest=str(cid)))
    return out
