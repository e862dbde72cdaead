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

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import DfslabWarning, InputError
from .rules import NASCAR_CLASSIC, RosterRules, get_rules

ARCHETYPES = ("superspeedway", "intermediate", "short", "road", "dirt")
SERIES = ("cup", "xfinity", "trucks")
#: Longest race a slate may declare: NASCAR's longest run 500 laps (Bristol, Martinsville).
#: Plausible race lengths in laps. The 663 races of the loop data (2019-2025, three series) ran 25-501 laps (an
#: Xfinity street race shortened by rain; Martinsville with overtime); the longest scheduled is 500 (Bristol,
#: Martinsville), 400 at the Coca-Cola 600. Outside this range a length is a typo, never a race.
RACE_LAPS_RANGE = (20, 600)
MAX_RACE_LAPS = RACE_LAPS_RANGE[1]


def check_race_laps(value, where: str = "race_laps") -> int:
    """A race length in laps: a whole number within :data:`RACE_LAPS_RANGE`, else an error naming the range.

    Examples
    --------
    >>> check_race_laps(267)
    267
    >>> check_race_laps(10**9)
    Traceback (most recent call last):
    ...
    dfslab.exceptions.InputError: race_laps: 1000000000 laps is no NASCAR race (real races run 20-600 laps; ...
    """
    from .utils.validation import check_number

    v = check_number(where, value, lo=1, integer=True)
    lo, hi = RACE_LAPS_RANGE
    if not lo <= v <= hi:
        raise InputError(f"{where}: {v} laps is no NASCAR race (real races run {lo}-{hi} laps; the loop data's 663 "
                         "races ran 25-501)")
    return v

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
            s = str(self.series).strip().lower()
            s = {"o'reilly": "xfinity", "oreilly": "xfinity", "truck": "trucks"}.get(s, s)
            if s not in SERIES:
                raise InputError(f"{self.name}: series must be one of {SERIES} (or None), got {self.series!r}")
            self.series = s
        if self.race_laps is not None:
            try:
                self.race_laps = check_race_laps(self.race_laps)
            except InputError as e:
                raise InputError(f"{self.name}: {e}") from None
        if self.date is not None:
            try:
                self.date = pd.Timestamp(self.date)
            except (TypeError, ValueError):
                raise InputError(f"{self.name}: date {self.date!r} is not a date (use 'YYYY-MM-DD')") from None
        note = ownership_scale_note(self.players, self.rules)
        if note:
            notes = self.meta.setdefault("notes", [])
            if note not in notes:
                notes.append(note)
            warnings.warn(f"{self.name}: {note}", DfslabWarning, stacklevel=3)

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


def ownership_scale_note(players: pd.DataFrame, rules: RosterRules) -> str | None:
    """A note when a complete ``ownership`` column sums to ~100 on a multi-player roster (shares, not percent)."""
    if "ownership" not in players.columns or rules.roster_size < 2:
        return None
    o = pd.to_numeric(players["ownership"], errors="coerce").to_numpy(dtype=float)
    if len(o) == 0 or not np.isfinite(o).all() or abs(o.sum() - 100.0) > 5.0:
        return None
    total = rules.ownership_total
    return (f"column 'ownership' sums to {o.sum():.1f}, but dfslab's ownership is percent of entries, which sums to "
            f"{total:g} (100 x roster size {rules.roster_size}); these look like shares of 100. Kept as given: "
            f"multiply by {rules.roster_size} if they are shares")


def validate_players(players: pd.DataFrame, rules: RosterRules, source: str = "players",
                     row_labels=None) -> pd.DataFrame:
    """Check and normalise a player pool; raises :class:`InputError` naming the row.

    ``row_labels`` gives the row number to print for each player (a reader passes
    the rows as its file shows them); default 1, 2, ...
    """
    if not isinstance(players, pd.DataFrame):
        raise InputError(f"{source}: players must be a pandas DataFrame, got {type(players).__name__}")
    p = players.copy().reset_index(drop=True)
    labels = list(row_labels) if row_labels is not None else list(range(1, len(p) + 1))
    if len(labels) != len(p):
        raise InputError(f"{source}: {len(labels)} row labels for {len(p)} players")

    def where(i):  # "row 5", or the caller's own label ("record 5")
        return labels[i] if isinstance(labels[i], str) else f"row {labels[i]}"

    def who(i):
        nm = p["name"].iloc[i] if "name" in p.columns else p["player_id"].iloc[i]
        return f"{where(i)} ({nm})"

    if "position" not in p.columns and rules.is_positionless:
        p["position"] = rules.slots[0]
    if "player_id" not in p.columns and "dk_id" in p.columns:
        p["player_id"] = p["dk_id"].astype(str)
    if "player_id" not in p.columns and "name" in p.columns:
        p["player_id"] = p["name"].astype(str)
    missing = [c for c in PLAYER_COLUMNS if c not in p.columns]
    if missing:
        raise InputError(f"{source}: missing required column(s) {missing}; have {list(p.columns)}")
    name_missing = p["name"].isna() | p["name"].astype(str).str.strip().eq("")
    if name_missing.any():
        i = int(np.flatnonzero(name_missing.to_numpy())[0])
        raise InputError(f"{source}: {where(i)}: empty player name")
    p["player_id"] = p["player_id"].astype(str)
    dup = p["player_id"].duplicated(keep=False)
    if dup.any():
        first = p.loc[dup, "player_id"].iloc[0]
        rows = [where(i) for i in np.flatnonzero((p["player_id"] == first).to_numpy())]
        raise InputError(f"{source}: duplicate player_id {first!r} in {', '.join(rows[:6])}")
    sal = pd.to_numeric(p["salary"], errors="coerce")
    bad = sal.isna() | (sal <= 0) | (sal != np.round(sal))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{source}: {who(i)}: salary must be a positive whole number, got {p.loc[i, 'salary']!r}")
    over = sal > rules.salary_cap
    if over.any():  # also keeps 1e30 from overflowing int64
        i = int(np.flatnonzero(over.to_numpy())[0])
        raise InputError(f"{source}: {who(i)}: salary {p.loc[i, 'salary']!r} is above the ${rules.salary_cap:,} "
                         "salary cap: no lineup could hold this player")
    p["salary"] = sal.astype(np.int64)
    nowhere = ~rules.eligible_matrix(p["position"]).any(1)
    if nowhere.any():
        i = int(np.flatnonzero(nowhere)[0])
        pos = sorted(set(p.loc[nowhere, "position"].astype(str)))
        raise InputError(f"{source}: {who(i)}: position(s) {pos} fit no slot of the {rules.name} roster "
                         f"{list(rules.slot_labels)} (wrong rules=?)")
    if len(p) < rules.roster_size:
        raise InputError(f"{source}: {len(p)} players is fewer than a roster of {rules.roster_size}")
    if "start" in p.columns and p["start"].notna().any():
        st = _numeric(p, "start", source, who)
        bad = st.notna() & ((st < 1) | (st != np.round(st)))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"{source}: {who(i)}: column 'start' must hold positions 1, 2, ...; got "
                             f"{p['start'].iloc[i]!r}")
        d = st.dropna().duplicated(keep=False)
        if d.any():
            raise InputError(f"{source}: duplicate start position(s) {sorted(set(st.dropna()[d].astype(int)))}")
        p["start"] = st.astype("Int64")
    for col in ("projection", "rating", "avg_points", "ownership"):
        if col in p.columns:
            v = _numeric(p, col, source, who)
            if np.isinf(v.to_numpy(dtype=float)).any():
                i = int(np.flatnonzero(np.isinf(v.to_numpy(dtype=float)))[0])
                raise InputError(f"{source}: {who(i)}: column {col!r} holds an infinite value")
            if col == "ownership":
                bad = (v < 0) | (v > 100)
                if bad.any():
                    i = int(np.flatnonzero(bad.to_numpy())[0])
                    raise InputError(f"{source}: {who(i)}: ownership {v.iloc[i]:g} is outside 0-100 (percent of "
                                     "entries)")
            p[col] = v.astype(np.float64)
    elig = rules.eligible_matrix(p["position"])
    for s in rules.slot_labels:
        j = rules.slots.index(s)
        if elig[:, j].sum() < rules.slots.count(s):
            raise InputError(f"{source}: too few players eligible for slot {s!r} ({int(elig[:, j].sum())})")
    return p


def _numeric(p: pd.DataFrame, col: str, source: str, who) -> pd.Series:
    """A numeric player column; missing values (None, NaN, "") stay NaN, text raises naming the row."""
    raw = p[col]
    missing = raw.isna() | raw.astype(str).str.strip().eq("")
    v = pd.to_numeric(raw.where(~missing), errors="coerce")
    bad = v.isna() & ~missing
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{source}: {who(i)}: column {col!r} is not a number: {raw.iloc[i]!r}")
    return v.astype(np.float64)


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
    if ownership is None or isinstance(ownership, (str, bytes)):
        raise InputError(f"{name}: expected a vector of percentages, got {ownership!r}")
    try:
        o = np.asarray(ownership, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise InputError(f"{name}: every value must be a number (percent of entries): {e}") from None
    if o.size == 0:
        raise InputError(f"{name}: empty vector")
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


def check_lineups(lineups, slate: Slate, name: str = "lineups", check_cap: bool = True, labels=None) -> np.ndarray:
    """Validate lineups as an int array (n_lineups x roster size) of row indices.

    Checks indices are in range, no player twice, slot eligibility and the
    salary cap / minimum. Raises :class:`InputError` naming the lineup
    (``labels[i]``, e.g. a file row, else "lineup i").
    """
    def lab(i):
        return labels[i] if labels is not None else f"lineup {i}"

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
        raise InputError(f"{name}: {lab(i)} names unknown player index {L[i].tolist()} (slate has {n} players)")
    srt = np.sort(L, axis=1)
    d = (srt[:, 1:] == srt[:, :-1]).any(1)
    if d.any():
        i = int(np.flatnonzero(d)[0])
        raise InputError(f"{name}: {lab(i)} uses a player twice: {L[i].tolist()}")
    if not slate.rules.is_positionless:
        elig = slate.rules.eligible_matrix(slate.players["position"])
        ok = elig[L, np.arange(R)[None, :]]
        if not ok.all():
            i, j = map(int, np.argwhere(~ok)[0])
            raise InputError(
                f"{name}: {lab(i)} puts {slate.players['name'].iloc[L[i, j]]} "
                f"({slate.players['position'].iloc[L[i, j]]}) in slot {slate.rules.slots[j]}"
            )
    if check_cap:
        sal = slate.salaries[L].sum(1)
        over = sal > slate.rules.salary_cap
        if over.any():
            i = int(np.flatnonzero(over)[0])
            raise InputError(f"{name}: {lab(i)} costs ${sal[i]:,} > cap ${slate.rules.salary_cap:,}")
        under = sal < slate.rules.min_salary
        if under.any():
            i = int(np.flatnonzero(under)[0])
            raise InputError(f"{name}: {lab(i)} costs ${sal[i]:,} < minimum ${slate.rules.min_salary:,}")
    return L


def capped_normalize(scores, total, cap: float = 100.0) -> np.ndarray:
    """Scale non-negative scores so each row sums to ``total`` with no value above ``cap``.

    Water-filling: players whose scaled score would pass the cap are set to the
    cap and the remaining mass is spread over the others in proportion to their
    scores (not clipped after scaling, which would lose mass).

    Parameters
    ----------
    scores : array_like, (n,) or (m, n)
        Non-negative scores; each row is normalized separately.
    total : float
        Target row sum, at most ``cap * n``.

    Examples
    --------
    >>> capped_normalize([10.0, 1, 1, 1, 1, 1, 1, 1], 600).round(2).tolist()
    [100.0, 71.43, 71.43, 71.43, 71.43, 71.43, 71.43, 71.43]
    """
    s = np.asarray(scores, dtype=np.float64)
    one = s.ndim == 1
    s = np.atleast_2d(s)
    m, n = s.shape
    if total > cap * n + 1e-9:
        raise InputError(f"ownership total {total:g} exceeds {n} players x cap {cap:g}")
    if not np.isfinite(s).all() or (s < 0).any():
        raise InputError("capped_normalize: scores must be finite and non-negative")
    # A tiny floor keeps every player reachable when few scores are positive.
    rowmax = s.max(1, keepdims=True)
    s = np.maximum(s, np.where(rowmax > 0, rowmax * 1e-12, 1.0))
    order = np.argsort(-s, axis=1, kind="stable")
    ss = np.take_along_axis(s, order, 1)
    tail = np.cumsum(ss[:, ::-1], axis=1)[:, ::-1]           # sum_{i>=k} ss_i
    k = np.arange(n)[None, :]
    # Tiny hypothesis-style scores can overflow lam; an infinite lam only marks k as infeasible.
    with np.errstate(over="ignore", divide="ignore"):
        lam = (total - cap * k) / tail
    ok = lam * ss <= cap * (1 + 1e-12)
    kstar = np.argmax(ok, axis=1)                            # fewest capped players
    lam_star = lam[np.arange(m), kstar][:, None]
    out_sorted = np.where(k < kstar[:, None], cap, np.minimum(lam_star * ss, cap))
    out = np.empty_like(out_sorted)
    np.put_along_axis(out, order, out_sorted, 1)
    return out[0] if one else out
