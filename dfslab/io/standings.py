"""DraftKings contest-standings exports: every entry's lineup plus the player block."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError, InputError
from ..rules import MLB_CLASSIC, NASCAR_CLASSIC, NFL_CLASSIC, RosterRules, get_rules
from ..utils.files import file_row, parse_percent, read_csv_checked, require_columns

_ENTRY_COLS = ["Rank", "EntryId", "EntryName", "Points", "Lineup"]


@dataclass
class ContestStandings:
    """A parsed contest-standings export.

    Attributes
    ----------
    entries : DataFrame
        rank, entry_id, entry_name, points, lineup (raw string), blank (bool), file_row (the
        entry's row as the file shows it, header = row 1).
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

    @property
    def has_results(self) -> bool:
        """Whether points are in: some entry or player has non-zero points (before the race DK shows all 0)."""
        pts = self.entries["points"].to_numpy(dtype=float)
        return bool((pts != 0).any() or (self.players["fpts"].to_numpy(dtype=float) != 0).any())

    @property
    def users(self) -> pd.Series:
        """Each entry's user name: DK's EntryName without its ``" (k/n)"`` entry counter."""
        return self.entries["entry_name"].map(entry_user)

    def entries_of(self, user: str) -> np.ndarray:
        """Positions (into ``entries``) of a user's entries, the name matched case-insensitively.

        DK names a user's entries ``"name (3/20)"`` (the 3rd of 20) or just ``"name"`` (a single entry).

        Raises
        ------
        DataFileError
            The user has no entry in the file (naming the file, the name and the users closest to it).
        """
        if not isinstance(user, str) or not user.strip():
            raise InputError(f"user: a DK user name, got {user!r}")
        want = user.strip().casefold()
        users = self.users
        hit = np.flatnonzero(users.str.casefold().to_numpy() == want)
        if hit.size == 0:
            import difflib

            counts = users.value_counts()
            close = difflib.get_close_matches(user.strip(), counts.index.tolist(), n=3, cutoff=0.6)
            hint = (f"; did you mean {', '.join(repr(c) for c in close)}?" if close else
                    f"; the most entries: {', '.join(f'{u!r} ({k})' for u, k in counts.head(3).items())}")
            raise DataFileError(self.path or "contest standings", f"no entry of user {user.strip()!r} among the "
                                f"{self.n_entries:,} entries (EntryName '{user.strip()}' or '{user.strip()} (k/n)')"
                                + hint)
        return hit

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
    if not isinstance(text, str):
        raise InputError(f"a lineup must be text such as 'D Kyle Larson D ...', got {text!r}")
    out: list[tuple[str, list[str]]] = []
    for tok in text.split():
        if tok in slot_labels:
            out.append((tok, []))
        elif out:
            out[-1][1].append(tok)
        else:
            raise InputError(f"lineup does not start with a slot label: {text[:40]!r}")
    return [(s, " ".join(n)) for s, n in out]


def read_contest_standings(path, rules: RosterRules | str | None = None) -> ContestStandings:
    """Read a DK contest-standings CSV.

    Parameters
    ----------
    path : path-like
        The ``contest-standings.csv`` export (``%Drafted`` or re-saved ``X.Drafted``).
    rules : RosterRules or str, optional
        Inferred from the slot labels when omitted.

    Returns
    -------
    ContestStandings
        Players that share a name are told apart, per lineup, by (1) the entry's
        Points, which must equal the sum of its players' FPTS; (2) the slot label,
        as learned from step 1 (an OF slot vs a 2B slot); (3) the player block's
        %Drafted, which says how many lineups hold each namesake. How many slots
        went each way is in ``collisions``.

    Raises
    ------
    DataFileError
        Missing columns, a Rank / Points / %Drafted / FPTS that is not a valid
        number, a lineup naming a player not in the player block or holding a
        player twice, a slot count that does not match the roster: naming the
        file and the row as the file shows it.
    """
    path = Path(path)
    df = read_csv_checked(path, dtype=str, keep_default_na=False)
    if not all(c in df.columns for c in _ENTRY_COLS) and {"Position", "Salary"} <= set(df.columns):
        raise DataFileError(path, "this is a salary file (DKSalaries.csv: Position, Salary, ...), not a "
                                  "contest-standings export: read it with read_dk_salaries()")
    require_columns(df, path, _ENTRY_COLS, "entries")
    drafted_col = next((c for c in ("%Drafted", "X.Drafted", "Drafted") if c in df.columns), None)
    if drafted_col is None or "Player" not in df.columns or "FPTS" not in df.columns:
        raise DataFileError(path, f"missing the player block (Player, %Drafted or X.Drafted, FPTS); found {list(df.columns)}")

    # --- player block -------------------------------------------------------
    blk = df[df["Player"].str.strip().ne("") & df["Player"].ne("NA")]
    players = pd.DataFrame({
        "name": blk["Player"].str.strip().to_numpy(),
        "drafted_pct": parse_percent(blk[drafted_col], path, drafted_col, frame=df).to_numpy(),
        "fpts": pd.to_numeric(blk["FPTS"], errors="coerce").to_numpy(),
    })
    if "Roster Position" in df.columns:
        players["roster_position"] = blk["Roster Position"].str.strip().to_numpy()
    bad = ~np.isfinite(players["fpts"].to_numpy(dtype=float))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataFileError(path, f"FPTS of {players['name'].iloc[i]} is not a finite number: {blk['FPTS'].iloc[i]!r}",
                            row=file_row(df, blk.index[i]))

    # --- entries ------------------------------------------------------------
    ent = df[df["EntryId"].str.strip().ne("")]
    if ent.empty:
        raise DataFileError(path, "no entries (no row has an EntryId)")
    erow = np.array([file_row(df, lab) for lab in ent.index], dtype=np.int64)  # file row of each entry
    entries = pd.DataFrame({
        "rank": pd.to_numeric(ent["Rank"], errors="coerce").to_numpy(),
        "entry_id": ent["EntryId"].str.strip().to_numpy(),
        "entry_name": ent["EntryName"].to_numpy(),
        "points": pd.to_numeric(ent["Points"], errors="coerce").to_numpy(),
        "lineup": ent["Lineup"].to_numpy(),
    })
    entries["file_row"] = erow
    rank, pts = entries["rank"].to_numpy(dtype=float), entries["points"].to_numpy(dtype=float)
    for col, raw, bad, what in (
        ("Rank", ent["Rank"], ~np.isfinite(rank) | (rank < 1) | (rank != np.round(rank)), "a whole number >= 1"),
        ("Points", ent["Points"], ~np.isfinite(pts), "a finite number"),
    ):
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataFileError(path, f"{col} must be {what}, got {raw.iloc[i]!r}", row=int(erow[i]))
    entries["rank"] = entries["rank"].astype(np.int64)
    dup = entries["entry_id"].duplicated(keep=False).to_numpy()
    if dup.any():
        first = entries["entry_id"].to_numpy()[dup][0]
        rows = erow[entries["entry_id"].to_numpy() == first].tolist()
        raise DataFileError(path, f"duplicate EntryId {first} in rows {rows[:6]}")
    blank = entries["lineup"].str.strip().eq("").to_numpy()
    entries["blank"] = blank
    scored_blank = blank & (pts != 0)
    if scored_blank.any():
        i = int(np.flatnonzero(scored_blank)[0])
        raise DataFileError(path, f"blank lineup with Points {ent['Points'].iloc[i]!r} (DK scores a blank lineup 0)",
                            row=int(erow[i]))

    # --- rules --------------------------------------------------------------
    if rules is None:
        if blank.all():
            raise DataFileError(path, "every lineup is blank, so the sport cannot be inferred: pass rules=")
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
            raise DataFileError(path, str(ex), row=int(erow[e])) from None
        if len(pairs) != R:
            raise DataFileError(path, f"lineup has {len(pairs)} slots, roster has {R}: {texts[e][:80]!r}", row=int(erow[e]))
        used = {s: 0 for s in slot_positions}
        for s, nm in pairs:
            k = used[s]
            if k >= len(slot_positions[s]):
                raise DataFileError(path, f"too many {s} slots in lineup {texts[e][:80]!r}", row=int(erow[e]))
            j = slot_positions[s][k]
            used[s] += 1
            rows = name_rows.get(nm)
            if rows is None:
                raise DataFileError(path, f"lineup names {nm!r}, who is not in the player block", row=int(erow[e]))
            if len(rows) == 1:
                L[e, j] = rows[0]
            else:
                ambiguous.append((e, j, nm, s))
    notes = []
    if blank.any():
        notes.append(f"{int(blank.sum())} entries have a blank lineup; kept (DK counts them in %Drafted)")
    if ambiguous:
        collisions.update(_resolve_namesakes(L, ambiguous, name_rows, players, entries["points"].to_numpy(dtype=float)))
    srt = np.sort(L, axis=1)
    twice = ((srt[:, 1:] == srt[:, :-1]) & (srt[:, 1:] >= 0)).any(1)
    if twice.any():
        e = int(np.flatnonzero(twice)[0])
        k = int(np.flatnonzero((srt[e, 1:] == srt[e, :-1]))[0])
        raise DataFileError(path, f"lineup holds {players['name'].iloc[srt[e, k]]!r} twice: {texts[e][:80]!r}",
                            row=int(erow[e]))
    return ContestStandings(entries=entries, players=players, lineups=L, rules=rules, path=path,
                            collisions=list(collisions.values()), notes=notes + list(df.attrs.get("notes", [])))


_ENTRY_NAME = re.compile(r"^(?P<user>.*?)\s*\((?P<k>\d+)/(?P<n>\d+)\)\s*$")


def entry_user(entry_name) -> str:
    """The user of a DK EntryName: ``"jsmith (3/20)"`` -> ``"jsmith"``; a single entry is the user name itself.

    Examples
    --------
    >>> entry_user("Kbasch (11/14)"), entry_user("mpetersk")
    ('Kbasch', 'mpetersk')
    """
    text = "" if entry_name is None else str(entry_name).strip()
    m = _ENTRY_NAME.match(text)
    return m.group("user") if m else text


_MAX_COMBOS = 256  # namesake assignments tried per entry by points


def _resolve_namesakes(L, ambiguous, name_rows, players, pts) -> dict[str, str]:
    """Fill the lineup slots of shared names in ``L``; return one report line per name.

    1) Points: an entry's Points equal the sum of its players' FPTS; every
       assignment of its ambiguous slots (namesakes distinct within a lineup) is
       tried and a unique fit is taken. 2) Slot: when step 1 showed a slot label
       of a name always meant the same player (an OF vs a 2B), it decides.
    3) %Drafted: the player block says how many lineups hold each namesake
       (``%Drafted x entries / 100``); the slots left (same points, same slot:
       indistinguishable for the standings) go to the namesakes still short of
       that count, so recomputed ownership matches %Drafted.
    """
    from itertools import product

    fpts = players["fpts"].to_numpy(dtype=float)
    n = L.shape[0]
    how: dict[tuple[int, int], str] = {}
    by_entry: dict[int, list] = {}
    for a in ambiguous:
        by_entry.setdefault(a[0], []).append(a)
    for e, items in by_entry.items():
        known = L[e][L[e] >= 0]
        base = fpts[known].sum()
        cands = [name_rows[nm] for _, _, nm, _ in items]
        if np.prod([len(c) for c in cands]) > _MAX_COMBOS:
            continue
        fits = [c for c in product(*cands) if len(set(c)) == len(c) and not set(c) & set(known.tolist())
                and abs(round(base + fpts[list(c)].sum(), 2) - pts[e]) < 0.011]
        for k, (_, j, _, _) in enumerate(items):
            rows_k = {c[k] for c in fits}
            if len(rows_k) == 1:
                L[e, j] = rows_k.pop()
                how[(e, j)] = "points"
    # slot votes learned from the points step
    votes: dict[tuple[str, str], set] = {}
    for e, j, nm, s in ambiguous:
        if how.get((e, j)) == "points":
            votes.setdefault((nm, s), set()).add(int(L[e, j]))
    for e, j, nm, s in ambiguous:
        v = votes.get((nm, s), set())
        if L[e, j] < 0 and len(v) == 1 and next(iter(v)) not in L[e]:
            L[e, j] = next(iter(v))
            how[(e, j)] = "slot"
    # %Drafted counts for the rest
    by_name: dict[str, list] = {}
    for a in ambiguous:
        by_name.setdefault(a[2], []).append(a)
    for nm, items in by_name.items():
        rows = name_rows[nm]
        held = np.bincount(L[L >= 0].ravel(), minlength=len(fpts))
        deficit = {r: round(players["drafted_pct"].iloc[r] * n / 100.0) - int(held[r]) for r in rows}
        for e, j, _, _ in items:
            if L[e, j] >= 0:
                continue
            free = [r for r in rows if r not in L[e]]
            if not free:
                continue
            r = max(free, key=lambda r: (deficit[r], players["drafted_pct"].iloc[r], -r))
            L[e, j] = r
            deficit[r] -= 1
            how[(e, j)] = "drafted"
    out = {}
    for nm, items in by_name.items():
        c = {k: sum(how.get((e, j)) == k for e, j, _, _ in items) for k in ("points", "slot", "drafted")}
        out[nm] = (f"{nm!r} ({len(name_rows[nm])} players): {len(items)} lineup slots; {c['points']} resolved by "
                   f"points, {c['slot']} by slot, {c['drafted']} by the %Drafted counts (same points and slot)")
    return out


def _norm_name(s: str) -> str:
    # "José Ramírez" -> "jose ramirez", "J.C. Ramírez" -> "jc ramirez"
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^a-z0-9 ]", "", s)
    return re.sub(r"\s+", " ", s).strip()


def match_standings_to_salaries(cs, slate) -> tuple[np.ndarray, list[str]]:
    """Salary-file row of each player-block row of a standings file (-1 = unmatched) and the unmatched messages.

    Names are matched without accents and punctuation; namesakes are told apart by the slots the
    player was actually used in (an SP and a 3B of the same name).
    """
    rules = cs.rules
    sal = slate.players
    key = sal["name"].map(_norm_name).to_numpy()
    rows_by_key: dict[str, list[int]] = {}
    for i, k in enumerate(key):
        rows_by_key.setdefault(k, []).append(i)
    elig = rules.eligible_matrix(sal["position"])          # (n_sal, slots)
    # Slots each block player was actually used in: resolves namesakes (SP vs 3B).
    L = cs.lineups[cs.lineups[:, 0] >= 0]
    nb = len(cs.players)
    used = np.zeros((nb, rules.roster_size), dtype=bool)
    for j in range(rules.roster_size):
        used[np.unique(L[:, j]), j] = True
    out = np.full(nb, -1, dtype=np.int64)
    msgs = []
    for b, nm in enumerate(cs.players["name"]):
        cand = rows_by_key.get(_norm_name(nm), [])
        if len(cand) > 1 and used[b].any():
            cand = [r for r in cand if (elig[r] | ~used[b]).all()]
        if len(cand) == 1:
            out[b] = cand[0]
        else:
            what = "not in DKSalaries.csv" if not cand else f"{len(cand)} namesakes in DKSalaries.csv"
            msgs.append(f"{nm!r} ({cs.players['drafted_pct'].iloc[b]:.2f}% drafted): {what}")
    dup = pd.Series(out[out >= 0]).duplicated()
    if dup.any():
        r = int(pd.Series(out[out >= 0])[dup].iloc[0])
        raise DataFileError(cs.path, f"two player-block rows match salary row {sal['name'].iloc[r]!r}")
    return out, msgs


def write_contest_standings(path, lineups, players, *, entry_names=None, fpts=None, rules: RosterRules | str = NASCAR_CLASSIC,
                            entry_ids=None) -> Path:
    """Write a contest-standings CSV in DraftKings' export layout (what DK lets players download after lock).

    Columns ``Rank, EntryId, EntryName, TimeRemaining, Points, Lineup, (blank), Player, Roster Position,
    %Drafted, FPTS``: one row per entry, sorted by rank, and beside the first rows the player block
    (every rostered player's %Drafted over ALL entries, blank lineups included, as DK counts it, and
    FPTS). Ranks follow DK's rules (:func:`~dfslab.contest.rank_and_pay`: ties share the best place,
    blank lineups last). Written atomically.

    Parameters
    ----------
    path : path-like
    lineups : array_like of int, (n_entries, roster_size)
        Rows into ``players`` in ``rules.slots`` order; a row of -1 is a blank lineup.
    players : Slate or sequence of str
        The player names (a Slate: its ``name`` column).
    entry_names : sequence of str, optional
        DK EntryName per entry (``"user"`` or ``"user (k/n)"``); default ``entrant1``, ``entrant2``, ...
    fpts : array_like of float, optional
        Each player's DK points; default all 0 (before the race: what the file shows at lock).
    rules : RosterRules or str
        Slot labels of the lineup text (NASCAR: ``D``).
    entry_ids : sequence of int, optional
        Default 1, 2, ...

    Returns
    -------
    Path

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "contest-standings.csv")
    >>> names = [f"Driver {i}" for i in range(8)]
    >>> _ = write_contest_standings(p, [[0, 1, 2, 3, 4, 5], [2, 3, 4, 5, 6, 7]], names,
    ...                             entry_names=["ann (1/2)", "ann (2/2)"], fpts=range(8))
    >>> cs = read_contest_standings(p)
    >>> cs.entries["rank"].tolist(), cs.entries["points"].tolist(), list(cs.users)
    ([1, 2], [27.0, 15.0], ['ann', 'ann'])
    """
    from ..contest import rank_and_pay
    from ..slate import Slate
    from ..utils.atomic import atomic_write_text

    rules = get_rules(rules)
    names = (players.players["name"] if isinstance(players, Slate) else pd.Series(list(players))).astype(str).tolist()
    L = np.asarray(lineups)
    if L.ndim != 2 or L.shape[1] != rules.roster_size or (L.size and not np.issubdtype(L.dtype, np.integer)):
        raise InputError(f"lineups: expected an int array (n_entries, {rules.roster_size}), got shape {L.shape}")
    if len(L) == 0:
        raise InputError("lineups: a contest needs at least one entry")
    blank = (L < 0).all(1)
    if ((L < 0) & ~blank[:, None]).any() or (L >= len(names)).any():
        i = int(np.flatnonzero(((L < 0) & ~blank[:, None]).any(1) | (L >= len(names)).any(1))[0])
        raise InputError(f"lineups: entry {i} names unknown player index {L[i].tolist()} ({len(names)} players)")
    n = len(L)
    f = np.zeros(len(names)) if fpts is None else np.asarray(list(fpts), dtype=float)
    if f.shape != (len(names),) or not np.isfinite(f).all():
        raise InputError(f"fpts: {len(names)} finite numbers (one per player), got shape {f.shape}")
    en = [f"entrant{i + 1}" for i in range(n)] if entry_names is None else [str(x) for x in entry_names]
    ids = list(range(1, n + 1)) if entry_ids is None else [int(x) for x in entry_ids]
    if len(en) != n or len(ids) != n:
        raise InputError(f"entry_names / entry_ids: one per entry ({n}), got {len(en)} / {len(ids)}")
    pts = np.where(blank, np.nan, np.round(f[np.maximum(L, 0)].sum(1), 2))
    rank, _ = rank_and_pay(pts, [0.0])
    text = np.array(["" if blank[e] else " ".join(f"{s} {names[j]}" for s, j in zip(rules.slots, L[e]))
                     for e in range(n)], dtype=object)
    order = np.lexsort((np.asarray(ids), rank))
    counts = np.bincount(L[~blank].ravel(), minlength=len(names)) if (~blank).any() else np.zeros(len(names), int)
    held = np.flatnonzero(counts)
    held = held[np.lexsort((held, -counts[held]))]
    rows = max(n, len(held))
    pos = {r: "/".join(sorted(set(rules.slots))) for r in held}

    def q(x) -> str:
        return '"' + str(x).replace('"', '""') + '"'

    out = ["Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS"]
    for k in range(rows):
        left = ",,,,,"
        if k < n:
            e = order[k]
            left = f"{rank[e]},{ids[e]},{q(en[e])},0,{0.0 if blank[e] else pts[e]:.2f},{q(text[e])}"
        right = ",,,"
        if k < len(held):
            j = held[k]
            right = f"{q(names[j])},{pos[j]},{100.0 * counts[j] / n:.2f}%,{f[j]:.2f}"
        out.append(f"{left},,{right}")
    return atomic_write_text(Path(path), "\n".join(out) + "\n")
