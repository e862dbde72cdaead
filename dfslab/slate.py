"""The slate: a player pool plus what is known about the race or contest.

Conventions used across dfslab
------------------------------
- Players are rows 0..n-1 of ``Slate.players``; a lineup is an integer index
  array into those rows, ordered by ``rules.slots`` (shape n_lineups x roster size).
- Ownership is in **percent of entries**, 0-100 per player, summing to
  100 x roster size over the slate (600 for NASCAR's 6-driver roster). The
  project's original plan said "~100"; that is wrong for multi-player rosters.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ._errors import InputError
from .rules import NASCAR_CLASSIC, RosterRules, get_rules

ARCHETYPES = ("superspeedway", "intermediate", "short", "road", "dirt")
SERIES = ("cup", "xfinity", "trucks")

PLAYER_COLUMNS = ("player_id", "name", "salary", "position")
OPTIONAL_COLUMNS = ("dk_id", "team", "start", "projection", "rating", "avg_points", "ownership", "game_info")


def check_archetype(archetype: str | None, field_name: str = "archetype") -> str | None:
    """Validate a track archetype name (None allowed = unknown)."""
    if archetype is None:
        return None
    a = str(archetype).strip().lower()
    if a not in ARCHETYPES:
        raise InputError(f"{field_name}: unknown track archetype {archetype!r}; expected one of {ARCHETYPES}")
    return a


@dataclass
class Slate:
    """A DFS slate.

    Parameters
    ----------
    players : pandas.DataFrame
        One row per player with at least ``player_id`` (unique str), ``name``,
        ``salary`` (positive int) and ``position``; optional ``dk_id``, ``team``,
        ``start`` (NASCAR starting position), ``projection`` (DK points),
        ``rating``, ``avg_points`` (DK AvgPointsPerGame), ``ownership`` (percent).
    rules : RosterRules
        Roster rules (NASCAR classic by default).
    series : str, optional
        "cup", "xfinity" or "trucks" for NASCAR.
    track : str, optional
        Track name.
    archetype : str, optional
        One of :data:`ARCHETYPES`.
    race_laps : int, optional
        Scheduled race length in laps.
    date : pandas.Timestamp, optional
        Race/contest date.
    name : str
        A label for reports.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> s = demo_slate()
    >>> s.n_players >= 36, s.rules.roster_size
    (True, 6)
    """

    players: pd.DataFrame
    rules: RosterRules = NASCAR_CLASSIC
    series: str | None = None
    track: str | None = None
    archetype: str | None = None
    race_laps: int | None = None
    date: Any = None
    name: str = "slate"
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        self.rules = get_rules(self.rules)
        self.players = validate_players(self.players, self.rules, source=self.name)
        self.archetype = check_archetype(self.archetype)
        if self.series is not None:
            s = str(self.series).lower()
            s = {"o'reilly": "xfinity", "oreilly": "xfinity", "truck": "trucks"}.get(s, s)
            self.series = s
        if self.race_laps is not None:
            if not float(self.race_laps).is_integer() or int(self.race_laps) <= 0:
                raise InputError(f"{self.name}: race_laps must be a positive whole number, got {self.race_laps}")
            self.race_laps = int(self.race_laps)
        if self.date is not None:
            self.date = pd.Timestamp(self.date)

    # --- convenience -------------------------------------------------
    @property
    def n_players(self) -> int:
        return len(self.players)

    @property
    def salaries(self) -> np.ndarray:
        return self.players["salary"].to_numpy(dtype=np.int64)

    def column(self, name: str) -> np.ndarray:
        """A player column as float array; raises if absent or has NaN."""
        if name not in self.players.columns:
            raise InputError(f"{self.name}: slate has no {name!r} column")
        a = self.players[name].to_numpy(dtype=np.float64)
        if np.isnan(a).any():
            bad = self.players.loc[np.isnan(a), "name"].tolist()
            raise InputError(f"{self.name}: column {name!r} is missing for {len(bad)} players: {bad[:5]}")
        return a

    def index_of(self, keys) -> np.ndarray:
        """Row indices of players given by player_id, name or dk_id."""
        out = []
        p = self.players
        for k in np.atleast_1d(keys):
            ks = str(k)
            for col in ("player_id", "name", "dk_id"):
                if col in p.columns:
                    hit = np.flatnonzero(p[col].astype(str).to_numpy() == ks)
                    if len(hit) == 1:
                        out.append(int(hit[0]))
                        break
                    if len(hit) > 1:
                        raise InputError(f"{self.name}: {col} {ks!r} matches {len(hit)} players; use player_id")
            else:
                raise InputError(f"{self.name}: unknown player {ks!r}")
        return np.asarray(out, dtype=np.int64)

    def with_players(self, players: pd.DataFrame) -> "Slate":
        return replace(self, players=players)

    def plot_salaries(self, ax=None):
        """Salary ladder coloured by starting position; returns the matplotlib Axes."""
        from .plots import salary_ladder

        return salary_ladder(self.players, ax=ax)

    def _repr_html_(self) -> str:
        import html

        info = self.summary()
        cols = [c for c in ("name", "salary", "start", "projection", "ownership", "dk_id") if c in self.players]
        head = (f"<b>Slate</b> {html.escape(str(self.name))}: {info['n_players']} players, "
                f"{self.rules.name} ({self.rules.roster_size} slots, cap ${self.rules.salary_cap:,}); "
                f"series {info['series'] or '?'}, track {html.escape(str(info['track'] or '?'))} "
                f"({info['archetype'] or 'archetype ?'}), {info['race_laps'] or '?'} laps, date {info['date'] or '?'}; "
                f"salaries ${info['salary_range'][0]:,}-${info['salary_range'][1]:,}")
        notes = self.meta.get("notes", []) if isinstance(self.meta, dict) else []
        body = self.players[cols].to_html(index=False, max_rows=60, float_format=lambda v: f"{v:,.2f}")
        return (head + "".join(f"<br><i>note:</i> {html.escape(str(n))}" for n in notes)
                + f"<details><summary>players</summary>{body}</details>")

    def summary(self) -> dict:
        return {
            "name": self.name,
            "series": self.series,
            "track": self.track,
            "archetype": self.archetype,
            "race_laps": self.race_laps,
            "date": None if self.date is None else str(self.date.date()),
            "n_players": self.n_players,
            "salary_range": (int(self.salaries.min()), int(self.salaries.max())),
        }


def validate_players(players: pd.DataFrame, rules: RosterRules, source: str = "players") -> pd.DataFrame:
    """Check and normalise a player pool; raises :class:`InputError` naming the row."""
    if not isinstance(players, pd.DataFrame):
        raise InputError(f"{source}: players must be a pandas DataFrame, got {type(players).__name__}")
    p = players.copy().reset_index(drop=True)
    if "position" not in p.columns and rules.is_positionless:
        p["position"] = rules.slots[0]
    if "player_id" not in p.columns and "dk_id" in p.columns:
        p["player_id"] = p["dk_id"].astype(str)
    if "player_id" not in p.columns and "name" in p.columns:
        p["player_id"] = p["name"].astype(str)
    missing = [c for c in PLAYER_COLUMNS if c not in p.columns]
    if missing:
        raise InputError(f"{source}: missing required column(s) {missing}; have {list(p.columns)}")
    p["player_id"] = p["player_id"].astype(str)
    dup = p["player_id"].duplicated(keep=False)
    if dup.any():
        rows = (np.flatnonzero(dup) + 1).tolist()
        raise InputError(f"{source}: duplicate player_id {p.loc[dup, 'player_id'].iloc[0]!r} in rows {rows[:6]}")
    sal = pd.to_numeric(p["salary"], errors="coerce")
    bad = sal.isna() | (sal <= 0) | (sal != np.round(sal))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{source}: row {i + 1} ({p.loc[i, 'name']}): salary must be a positive whole number, got {p.loc[i, 'salary']!r}"
        )
    p["salary"] = sal.astype(np.int64)
    if len(p) < rules.roster_size:
        raise InputError(f"{source}: {len(p)} players is fewer than a roster of {rules.roster_size}")
    if "start" in p.columns and p["start"].notna().any():
        st = pd.to_numeric(p["start"], errors="coerce")
        if (st.dropna() < 1).any() or (st.dropna() != np.round(st.dropna())).any():
            raise InputError(f"{source}: column 'start' must hold positions 1, 2, ...")
        d = st.dropna().duplicated(keep=False)
        if d.any():
            raise InputError(f"{source}: duplicate start position(s) {sorted(set(st.dropna()[d].astype(int)))}")
        p["start"] = st.astype("Int64")
    for col in ("projection", "rating", "avg_points", "ownership"):
        if col in p.columns:
            v = pd.to_numeric(p[col], errors="coerce")
            if np.isinf(v.to_numpy(dtype=float)).any():
                raise InputError(f"{source}: column {col!r} holds infinite values")
            p[col] = v.astype(np.float64)
    elig = rules.eligible_matrix(p["position"])
    for s in rules.slot_labels:
        j = rules.slots.index(s)
        if elig[:, j].sum() < rules.slots.count(s):
            raise InputError(f"{source}: too few players eligible for slot {s!r} ({int(elig[:, j].sum())})")
    return p


def check_ownership(ownership, rules: RosterRules | int = NASCAR_CLASSIC, n_players: int | None = None,
                    tol: float = 1.0, name: str = "ownership") -> np.ndarray:
    """Validate an ownership vector in percent (0-100 each, summing to 100 x roster size).

    Parameters
    ----------
    ownership : array_like
        Percent of entries rostering each player.
    rules : RosterRules or int
        Roster rules or roster size.
    n_players : int, optional
        Expected length.
    tol : float
        Allowed deviation of the sum, in percentage points.

    Examples
    --------
    >>> check_ownership([100.0] * 6).sum()
    np.float64(600.0)
    """
    size = rules if isinstance(rules, (int, np.integer)) else get_rules(rules).roster_size
    o = np.asarray(ownership, dtype=np.float64)
    if o.ndim != 1:
        raise InputError(f"{name}: must be a 1-d vector, got shape {o.shape}")
    if n_players is not None and len(o) != n_players:
        raise InputError(f"{name}: length {len(o)} does not match the slate's {n_players} players")
    if not np.all(np.isfinite(o)):
        raise InputError(f"{name}: NaN or infinite values at positions {np.flatnonzero(~np.isfinite(o))[:5].tolist()}")
    if (o < 0).any() or (o > 100).any():
        i = int(np.flatnonzero((o < 0) | (o > 100))[0])
        raise InputError(f"{name}: value {o[i]:.3g} at position {i} is outside [0, 100] (percent of entries)")
    total = 100.0 * size
    if abs(o.sum() - total) > tol:
        hint = ""
        if abs(o.sum() - 100.0) <= tol and size > 1:
            hint = (f" (it sums to ~100: dfslab uses percent of entries, so a {size}-player roster sums to {total:g};"
                    " multiply shares by the roster size)")
        elif abs(o.sum() - size) <= tol / 100 * size:
            hint = " (it looks like fractions: give percent, 0-100)"
        raise InputError(f"{name}: sums to {o.sum():.2f}, expected {total:g} = 100 x roster size{hint}")
    return o


def check_lineups(lineups, slate: Slate, name: str = "lineups", check_cap: bool = True) -> np.ndarray:
    """Validate lineups as an int array (n_lineups x roster size) of row indices.

    Checks indices are in range, no player twice, slot eligibility and the
    salary cap / minimum. Raises :class:`InputError` naming the lineup.
    """
    L = np.asarray(lineups)
    if L.ndim == 1:
        L = L[None, :]
    R = slate.rules.roster_size
    if L.ndim != 2 or L.shape[1] != R:
        raise InputError(f"{name}: expected shape (n, {R}), got {L.shape}")
    if L.size and not np.issubdtype(L.dtype, np.integer):
        raise InputError(f"{name}: must be integer player indices, got dtype {L.dtype}")
    L = L.astype(np.int64)
    n = slate.n_players
    if L.size and (L.min() < 0 or L.max() >= n):
        i = int(np.flatnonzero(((L < 0) | (L >= n)).any(1))[0])
        raise InputError(f"{name}: lineup {i} names unknown player index {L[i].tolist()} (slate has {n} players)")
    srt = np.sort(L, axis=1)
    d = (srt[:, 1:] == srt[:, :-1]).any(1)
    if d.any():
        i = int(np.flatnonzero(d)[0])
        raise InputError(f"{name}: lineup {i} uses a player twice: {L[i].tolist()}")
    if not slate.rules.is_positionless:
        elig = slate.rules.eligible_matrix(slate.players["position"])
        ok = elig[L, np.arange(R)[None, :]]
        if not ok.all():
            i, j = map(int, np.argwhere(~ok)[0])
            raise InputError(
                f"{name}: lineup {i} puts {slate.players['name'].iloc[L[i, j]]} "
                f"({slate.players['position'].iloc[L[i, j]]}) in slot {slate.rules.slots[j]}"
            )
    if check_cap:
        sal = slate.salaries[L].sum(1)
        over = sal > slate.rules.salary_cap
        if over.any():
            i = int(np.flatnonzero(over)[0])
            raise InputError(f"{name}: lineup {i} costs ${sal[i]:,} > cap ${slate.rules.salary_cap:,}")
        under = sal < slate.rules.min_salary
        if under.any():
            i = int(np.flatnonzero(under)[0])
            raise InputError(f"{name}: lineup {i} costs ${sal[i]:,} < minimum ${slate.rules.min_salary:,}")
    return L
