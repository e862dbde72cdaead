"""Builders of DraftKings files for tests, in DK's own layout (written into a test's temporary folder).

``write_dk_entries`` writes a DKEntries.csv the way DK exports it (a real MLB export of 2026 in a
public repository was the model; NASCAR has six ``D`` slots): the header ``Entry ID, Contest Name,
Contest ID, Entry Fee, D x 6, (blank), Instructions``; DK's five instruction lines in the Instructions
column of rows 2-6; the player pool's header in that column on row 8 and its players below, running
past the last entry; rows beyond the entries holding only the pool. No data file is committed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

INSTRUCTIONS = (
    "1. Column A lists all of your contest entries for this draftgroup",
    "2. Your current lineup is listed next to each entry (blank for reservations)",
    "3. You can change the lineup for an entry by entering the IDs of the players in the row next to that entry",
    "4. Use data from the Name+ID column or the ID column; you cannot use just the player's name",
    "5. For faster processing only include entries you are changing in the file you upload",
)
POOL_HEADER = ["Position", "Name + ID", "Name", "ID", "Roster Position", "Salary", "Game Info", "TeamAbbrev",
               "AvgPointsPerGame"]
GAME_INFO = "@ 06/01/2026 07:30PM ET"


def pool_rows(slate, game_info: str = GAME_INFO) -> list[list[str]]:
    p = slate.players
    return [["D", f"{n} ({int(i)})", n, str(int(i)), "D", str(int(s)), game_info, "", "30.5"]
            for n, i, s in zip(p["name"], p["dk_id"], p["salary"])]


def write_dk_salaries(path, slate, game_info: str = GAME_INFO) -> Path:
    path = Path(path)
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(POOL_HEADER)
        w.writerows(pool_rows(slate, game_info))
    return path


def dk_entries_text(slate, contests, *, slots=None, pool=True, newline="\r\n", first_id=4412345600) -> str:
    """The text of a DKEntries.csv.

    ``contests``: (contest name, contest id, fee text, number of entries) per contest, in file order.
    ``slots``: optional {entry index: list of 6 cell texts} (existing lineups, ``(LOCKED)`` markers ...).
    """
    ent, eid = [], first_id
    for name, cid, fee, k in contests:
        for _ in range(k):
            eid += 1
            ent.append([str(eid), name, str(cid), fee] + [""] * 6)
    for i, cells in (slots or {}).items():
        ent[i][4:10] = cells
    right = [[t] for t in INSTRUCTIONS] + [[]]
    if pool:
        right += [POOL_HEADER] + pool_rows(slate)
    rows = [["Entry ID", "Contest Name", "Contest ID", "Entry Fee"] + ["D"] * 6 + ["", "Instructions"]]
    for i in range(max(len(ent), len(right))):
        left = ent[i] if i < len(ent) else [""] * 10
        r = right[i] if i < len(right) else []
        rows.append(left + [""] + r if r else left + [""])
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    return buf.getvalue()


def write_dk_entries(path, slate, contests, *, bom=False, encoding="utf-8", **kw) -> Path:
    path = Path(path)
    data = dk_entries_text(slate, contests, **kw).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path
