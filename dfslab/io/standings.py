"""DraftKings contest-standings exports: every entry's lineup plus the player block."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataFileError
from ..rules import MLB_CLASSIC, NASCAR_CLASSIC, NFL_CLASSIC, RosterRules, get_rules
from ._common import parse_percent, read_csv_checked, require_columns

_ENTRY_COLS = ["Rank", "EntryId", "EntryName", "Points", "Lineup"]


@dataclass
class ContestStandings:
    """A parsed contest-standings export.

    Attributes
    ----------
    entries : DataFrame
        rank, entry_id, entry_name, points, lineup (raw string), blank (bool).
    players : DataFrame
        The player block: name, drafted_pct (DK's %Drafted), fpts, roster_position
        (when present); one row per player, rows are the ids used in ``lineups``.
    lineups : ndarray of int, (n_entries, roster_size)
        Player-block row per slot in ``rules.slots`` order; -1 for blank lineups.
    rules : RosterRules
    collisions : list of str
        Names shared by two players in the block, with how they were resolved.
    notes : list of str
        What the reader did that a user should know (blank lineups counted, ...).
    """

    entries: pd.DataFrame
    players: pd.DataFrame
    lineups: np.ndarray
    rules: RosterRules
    path: Path | None = None
    collisions: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def n_entries(self) -> int:
        return len(self.entries)

    def recomputed_ownership(self) -> np.ndarray:
        """Percent of ALL entries (blank lineups included, as DK does) rostering each player."""
        L = self.lineups[self.lineups[:, 0] >= 0]
        counts = np.bincount(L.ravel(), minlength=len(self.players))
        return 100.0 * counts / self.n_entries

    def lineup_points(self) -> np.ndarray:
        """Sum of each entry's players' FPTS (NaN for blank lineups)."""
        f = self.players["fpts"].to_numpy(dtype=float)
        out = np.full(self.n_entries, np.nan)
        ok = self.lineups[:, 0] >= 0
        out[ok] = f[self.lineups[ok]].sum(1)
        return out


def _infer_rules(texts: list[str], path) -> RosterRules:
    """The rules under which the sample lineups parse into exactly the roster's slots."""
    for r in (NASCAR_CLASSIC, MLB_CLASSIC, NFL_CLASSIC):
        want = sorted(r.slots)
        try:
            if texts and all(sorted(s for s, _ in parse_lineup(t, set(r.slots))) == want for t in texts):
                return r
        except ValueError:
            continue
    raise DataFileError(path, "cannot infer the sport: lineups match neither NASCAR, MLB nor NFL classic slots; pass rules=")


def parse_lineup(text: str, slot_labels: set) -> list[tuple[str, str]]:
    """Split "SLOT Name SLOT Name ..." into (slot, name) pairs.

    Names may contain spaces, dots, accents and suffixes; DST names carry a
    trailing space ("DST Rams  QB ..."). A token is a slot label only when it is
    one of ``slot_labels``.

    Examples
    --------
    >>> parse_lineup("QB Tom Brady DST Rams  FLEX Todd Gurley II", {"QB", "DST", "FLEX"})
    [('QB', 'Tom Brady'), ('DST', 'Rams'), ('FLEX', 'Todd Gurley II')]
    """
    out: list[tuple[str, list[str]]] = []
    for tok in text.split():
        if tok in slot_labels:
            out.append((tok, []))
        elif out:
            out[-1][1].append(tok)
        else:
            raise ValueError(f"lineup does not start with a slot label: {text[:40]!r}")
    return [(s, " ".join(n)) for s, n in out]


def read_contest_standings(path, rules: RosterRules | str | None = None) -> ContestStandings:
    """Read a DK contest-standings CSV.

    Parameters
    ----------
    path : path-like
        The ``contest-standings.csv`` export (``%Drafted`` or re-saved ``X.Drafted``).
    rules : RosterRules or str, optional
        Inferred from the slot labels when omitted.

    Raises
    ------
    DataFileError
        Missing columns, a lineup naming a player not in the player block, a
        slot count that does not match the roster.
    """
    path = Path(path)
    df = read_csv_checked(path, dtype=str, keep_default_na=False)
    require_columns(df, path, _ENTRY_COLS, "entries")
    drafted_col = next((c for c in ("%Drafted", "X.Drafted", "Drafted") if c in df.columns), None)
    if drafted_col is None or "Player" not in df.columns or "FPTS" not in df.columns:
        raise DataFileError(path, f"missing the player block (Player, %Drafted or X.Drafted, FPTS); found {list(df.columns)}")

    # --- player block -------------------------------------------------------
    blk = df[df["Player"].str.strip().ne("") & df["Player"].ne("NA")]
    players = pd.DataFrame({
        "name": blk["Player"].str.strip().to_numpy(),
        "drafted_pct": parse_percent(blk[drafted_col], path, drafted_col).to_numpy(),
        "fpts": pd.to_numeric(blk["FPTS"], errors="coerce").to_numpy(),
    })
    if "Roster Position" in df.columns:
        players["roster_position"] = blk["Roster Position"].str.strip().to_numpy()
    if players["fpts"].isna().any():
        i = int(np.flatnonzero(players["fpts"].isna())[0])
        raise DataFileError(path, f"FPTS of {players['name'].iloc[i]} is not a number", row=int(blk.index[i]) + 2)

    # --- entries ------------------------------------------------------------
    ent = df[df["EntryId"].str.strip().ne("")]
    entries = pd.DataFrame({
        "rank": pd.to_numeric(ent["Rank"], errors="coerce").to_numpy(),
        "entry_id": ent["EntryId"].str.strip().to_numpy(),
        "entry_name": ent["EntryName"].to_numpy(),
        "points": pd.to_numeric(ent["Points"], errors="coerce").to_numpy(),
        "lineup": ent["Lineup"].to_numpy(),
    })
    for c in ("rank", "points"):
        if entries[c].isna().any():
            i = int(np.flatnonzero(entries[c].isna())[0])
            raise DataFileError(path, f"{c.title()} is not a number", row=int(ent.index[i]) + 2)
    entries["rank"] = entries["rank"].astype(np.int64)
    if entries["entry_id"].duplicated().any():
        raise DataFileError(path, f"duplicate EntryId {entries.loc[entries.entry_id.duplicated(), 'entry_id'].iloc[0]}")
    blank = entries["lineup"].str.strip().eq("").to_numpy()
    entries["blank"] = blank

    # --- rules --------------------------------------------------------------
    if rules is None:
        rules = _infer_rules(entries.loc[~blank, "lineup"].head(50).tolist(), path)
    rules = get_rules(rules)
    slot_labels = set(rules.slots)
    slot_positions = {s: [j for j, x in enumerate(rules.slots) if x == s] for s in rules.slot_labels}

    # --- name -> player rows (shared names are resolved after parsing) ------
    name_rows: dict[str, list[int]] = {}
    for i, n in enumerate(players["name"]):
        name_rows.setdefault(n, []).append(i)
    collisions = {n: f"{n!r} ({len(rows)} players): in no lineup" for n, rows in name_rows.items() if len(rows) > 1}
    n = len(entries)
    R = rules.roster_size
    L = np.full((n, R), -1, dtype=np.int64)
    texts = entries["lineup"].to_numpy()
    ambiguous: list[tuple[int, int, str, str]] = []  # (entry, col, name, slot)
    for e in range(n):
        if blank[e]:
            continue
        try:
            pairs = parse_lineup(texts[e], slot_labels)
        except ValueError as ex:
            raise DataFileError(path, str(ex), row=e + 2) from None
        if len(pairs) != R:
            raise DataFileError(path, f"lineup has {len(pairs)} slots, roster has {R}: {texts[e][:80]!r}", row=e + 2)
        used = {s: 0 for s in slot_positions}
        for s, nm in pairs:
            k = used[s]
            if k >= len(slot_positions[s]):
                raise DataFileError(path, f"too many {s} slots in lineup {texts[e][:80]!r}", row=e + 2)
            j = slot_positions[s][k]
            used[s] += 1
            rows = name_rows.get(nm)
            if rows is None:
                raise DataFileError(path, f"lineup names {nm!r}, who is not in the player block", row=e + 2)
            if len(rows) == 1:
                L[e, j] = rows[0]
            else:
                ambiguous.append((e, j, nm, s))
    notes = []
    if blank.any():
        notes.append(f"{int(blank.sum())} entries have a blank lineup; kept (DK counts them in %Drafted)")
    # Resolve shared names. 1) The entry's Points must equal the sum of its
    # players' FPTS: pick the namesake that makes it so. 2) Else the slot label
    # (an OF slot vs a 2B slot) as learned from step 1. 3) Else the most-drafted
    # namesake. How many went each way is reported in ``collisions``.
    if ambiguous:
        fpts = players["fpts"].to_numpy(dtype=float)
        pts = entries["points"].to_numpy(dtype=float)
        by_name: dict[str, list] = {}
        for a in ambiguous:
            by_name.setdefault(a[2], []).append(a)
        n_amb_per_entry = np.bincount([a[0] for a in ambiguous], minlength=n)
        for nm, items in by_name.items():
            rows = name_rows[nm]
            by_points = 0
            slot_votes: dict[str, dict[int, int]] = {}
            for e, j, _, s in items:
                if n_amb_per_entry[e] != 1:
                    continue
                known = fpts[L[e][L[e] >= 0]].sum()
                fit = [r for r in rows if abs(round(known + fpts[r], 2) - pts[e]) < 0.011]
                if len(fit) == 1:
                    L[e, j] = fit[0]
                    by_points += 1
                    slot_votes.setdefault(s, {}).setdefault(fit[0], 0)
                    slot_votes[s][fit[0]] += 1
            by_slot = by_top = 0
            top = max(rows, key=lambda r: players["drafted_pct"].iloc[r])
            for e, j, _, s in items:
                if L[e, j] >= 0:
                    continue
                votes = slot_votes.get(s, {})
                if len(votes) == 1:
                    L[e, j] = next(iter(votes))
                    by_slot += 1
                else:
                    L[e, j] = top
                    by_top += 1
            collisions[nm] = (f"{nm!r} ({len(rows)} players): {len(items)} lineup slots; {by_points} resolved by "
                               f"points, {by_slot} by slot, {by_top} assigned to the most-drafted namesake")
    return ContestStandings(entries=entries, players=players, lineups=L, rules=rules, path=path,
                            collisions=list(collisions.values()), notes=notes)
