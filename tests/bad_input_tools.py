"""Tools of the bad-input corpus (``tests/test_bad_input_corpus.py``): case records, file builders, a classifier.

A case is one line of the corpus table::

    bad("dk/salary-1e30", lambda t: read_dk_salaries(t.dk({5: {"Salary": "1e30"}})),
        DataFileError, "DKSalaries.csv", "row 5", "Salary", "cap")

``call`` receives a :class:`Files` builder rooted in a fresh temporary folder and
makes the call under test; the expected exception class follows, then regexes
that must all occur in the message (file, row as the file shows it, field,
problem). ``ok(...)`` records inputs that are legal and must be handled
correctly: ``check`` receives the call's result and returns True when right.

Outcome classes (:func:`outcome`): ``domain`` (the expected dfslab error, message
complete), ``vague`` (a dfslab error, but of the wrong class or missing a part
of the message), ``generic`` (any other exception), ``silent`` (no error where
one was expected, or a wrong result), ``correct`` (an ``ok`` case handled
right), ``crash`` (MemoryError, or the process died) and ``hang`` (timeout).

``python tests/bad_input_tools.py`` runs every case in its own forked process
(6 GiB address-space cap, 60 s timeout) and prints the counts by class; point
``PYTHONPATH`` at another checkout to count another version of dfslab.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

# ----------------------------------------------------------------------------- case records


@dataclass
class Case:
    id: str
    call: Callable[["Files"], Any]
    expect: type | None                      # exception class, or None for a legal input
    patterns: tuple = ()                     # regexes the error message must contain
    check: Callable[[Any], bool] | None = None
    new_api: bool = False                    # calls an API that did not exist before the hardening


def bad(id: str, call, exc: type, *patterns: str, new_api: bool = False) -> Case:
    """A malformed input: ``call`` must raise ``exc`` with every regex of ``patterns`` in its message."""
    return Case(id, call, exc, tuple(patterns), new_api=new_api)


def ok(id: str, call, check: Callable[[Any], bool] = lambda r: True, new_api: bool = False) -> Case:
    """A legal (if unusual) input: ``call`` must return, and ``check(result)`` be True."""
    return Case(id, call, None, (), check, new_api=new_api)


def esc(text: str) -> str:
    """A literal piece of a message (file name, value) as a regex."""
    return re.escape(text)


def outcome(case: Case, tmp: Path) -> tuple[str, str]:
    """Run ``case`` in-process; return (class, detail)."""
    import warnings

    import dfslab
    from dfslab import DfslabError

    try:
        with warnings.catch_warnings():
            if hasattr(dfslab, "DfslabWarning"):  # absent before the hardening: the classifier also runs on old code
                warnings.simplefilter("ignore", dfslab.DfslabWarning)  # the ok-cases check the notes it goes to
            result = case.call(Files(tmp))
    except MemoryError as e:
        return "crash", f"MemoryError {e}"
    except Exception as e:  # noqa: BLE001 - classifying every failure is the point
        msg = str(e)
        name = type(e).__name__
        if not isinstance(e, DfslabError):
            return "generic", f"{name}: {msg[:300]}"
        if case.expect is None:
            return "vague", f"legal input rejected: {name}: {msg[:300]}"
        missing = [p for p in case.patterns if not re.search(p, msg, flags=re.S)]
        if not isinstance(e, case.expect) or missing:
            why = [] if isinstance(e, case.expect) else [f"{name} is not a {case.expect.__name__}"]
            return "vague", f"{name}: {msg[:300]} | missing {why + missing}"
        return "domain", f"{name}: {msg[:300]}"
    if case.expect is not None:
        return "silent", f"returned {str(result)[:200]!r}"
    try:
        good = bool(case.check(result))
    except Exception as e:  # noqa: BLE001
        return "silent", f"check raised {type(e).__name__}: {e}"
    return ("correct", "") if good else ("silent", f"wrong result {str(result)[:200]!r}")


# ----------------------------------------------------------------------------- file builders

DK_HEADER = ["Position", "Name + ID", "Name", "ID", "Roster Position", "Salary", "Game Info", "TeamAbbrev",
             "AvgPointsPerGame"]
DRIVERS = ["Kyle Larson", "Chase Elliott", "Denny Hamlin", "Ryan Blaney", "Joey Logano", "Tyler Reddick",
           "William Byron", "Christopher Bell"]
STANDINGS_HEADER = ["Rank", "EntryId", "EntryName", "TimeRemaining", "Points", "Lineup", "", "Player", "%Drafted",
                    "FPTS"]
# Seven players and four entries (one blank); Points = sum of FPTS, %Drafted over all four entries.
_FPTS = {"Kyle Larson": 40.5, "Chase Elliott": 30.0, "Denny Hamlin": 25.0, "Ryan Blaney": 20.0,
         "Joey Logano": 15.0, "Tyler Reddick": 20.0, "William Byron": 10.0}
_LINEUPS = [DRIVERS[:6], ["Kyle Larson", "William Byron"] + DRIVERS[2:6], ["William Byron"] + DRIVERS[1:6], []]


def _lineup_text(names):
    return " ".join(f"D {n}" for n in names)


class Files:
    """Writes small valid input files into a temporary folder, with edits that break them.

    Edits are keyed by the row number **as the file shows it** (header = row 1) and
    the column name: ``t.dk({5: {"Salary": "1e30"}})`` breaks the 4th player.
    """

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, name: str) -> Path:
        p = self.root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def write(self, name: str, content, encoding: str = "utf-8") -> Path:
        p = self.path(name)
        p.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return p

    @staticmethod
    def _csv(header, rows, edits=None, insert=None, drop=(), extra=()) -> str:
        """CSV text; ``edits`` {file row: {column: value}}; ``insert`` {file row: raw line put before it}."""
        rows = [list(map(str, r)) for r in rows]
        for frow, changes in (edits or {}).items():
            for col, val in changes.items():
                rows[frow - 2][header.index(col)] = str(val)
        keep = [j for j, c in enumerate(header) if c not in drop]
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([header[j] for j in keep])
        for r in rows:
            w.writerow([r[j] for j in keep])
        lines = buf.getvalue().splitlines()
        for frow in sorted(insert or {}, reverse=True):
            lines.insert(frow - 1, insert[frow])
        return "\n".join(list(lines) + list(extra)) + "\n"

    # --- DraftKings salary file (NASCAR, current format: 8 drivers, ids 39800001..) ---
    def dk_rows(self, n: int = 8):
        return [["D", f"{nm} ({39800001 + i})", nm, 39800001 + i, "D", 10000 - 500 * i,
                 "Cup Race 09/13/2026 07:30PM ET", "", f"{40.0 - i:.1f}"] for i, nm in enumerate(DRIVERS[:n])]

    def dk(self, edits=None, *, n: int = 8, header=None, insert=None, drop=(), extra=(), name="DKSalaries.csv",
           encoding="utf-8", rows=None) -> Path:
        header = list(header or DK_HEADER)
        text = self._csv(header, rows if rows is not None else self.dk_rows(n), edits, insert, drop, extra)
        return self.write(name, text, encoding)

    # --- contest standings (NASCAR: 7 players, 4 entries, the 4th blank) ---
    def standings_rows(self):
        names = list(_FPTS)
        pts = [round(sum(_FPTS[n] for n in lu), 2) for lu in _LINEUPS]
        order = sorted(range(len(_LINEUPS)), key=lambda e: (not _LINEUPS[e], -pts[e]))
        rows = []
        for k in range(max(len(order), len(names))):
            r = [""] * len(STANDINGS_HEADER)
            if k < len(order):
                e = order[k]
                r[:6] = [k + 1, 1001 + e, f"player{e}", 0, f"{pts[e]:g}", _lineup_text(_LINEUPS[e])]
            if k < len(names):
                n = names[k]
                own = 100.0 * sum(n in lu for lu in _LINEUPS) / len(_LINEUPS)
                r[7:] = [n, f"{own:.2f}%", f"{_FPTS[n]:g}"]
            rows.append(r)
        return rows

    def standings(self, edits=None, *, insert=None, drop=(), extra=(), header=None, rows=None,
                  name="contest-standings.csv", encoding="utf-8") -> Path:
        header = list(header or STANDINGS_HEADER)
        text = self._csv(header, rows if rows is not None else self.standings_rows(), edits, insert, drop, extra)
        return self.write(name, text, encoding)

    # --- payout_structure.csv ---
    def payout(self, *rows: str, header: str = "Place_lo,Place_hi,Payout", name="payout_structure.csv") -> Path:
        return self.write(name, "\n".join([header, *rows]) + "\n")

    # --- a 2025-style NASCAR slate folder (projections.json + site_ids.json) ---
    def proj_records(self, n: int = 8):
        return [{"Driver": nm, "Qual": i + 1, "DK Sal": 10000 - 500 * i, "DK Proj": 50.0 - 3 * i,
                 "DK Floor": 20.0, "DK Ceiling": 80.0, "DK pOWN%": 600.0 / n} for i, nm in enumerate(DRIVERS[:n])]

    def nascar_slate(self, edits=None, *, proj=None, site_ids="default", folder="cup_2025-09-13_abc1234") -> Path:
        """``edits`` {record index: {key: value}}; ``proj``/``site_ids``: a JSON-able object or raw text."""
        d = self.path(f"slates/{folder}/x").parent
        recs = self.proj_records() if proj is None else proj
        if isinstance(recs, list):
            recs = [dict(r) for r in recs]
            for i, ch in (edits or {}).items():
                recs[i].update(ch)
        (d / "projections.json").write_text(recs if isinstance(recs, str) else json.dumps(recs))
        if site_ids == "default":
            site_ids = {"dk": [{"name": nm, "id": 39800001 + i} for i, nm in enumerate(DRIVERS)]}
        if site_ids is not None:
            (d / "site_ids.json").write_text(site_ids if isinstance(site_ids, str) else json.dumps(site_ids))
        return d

    # --- a dk_2026-style race folder (race.csv + pool.csv [+ contests.csv, actual_ownership.csv]) ---
    POOL_HEADER = ["name", "salary", "projection", "projected_own", "start", "finish", "dk_points", "laps_led",
                   "fastest_laps", "status"]

    def pool_rows(self):
        return [[nm, 10000 - 500 * i, 50.0 - 3 * i, 75.0, i + 1, i + 1, 60.0 - 5 * i, 0, 0, "running"]
                for i, nm in enumerate(DRIVERS)]

    def race_folder(self, pool_edits=None, race_edits=None, *, contests=None, ownership=None,
                    folder="2026-07-05_chicagoland", pool_rows=None) -> Path:
        d = self.path(f"races/{folder}/x").parent
        race_h = ["date", "series", "track", "scheduled_laps", "track_type"]
        (d / "race.csv").write_text(self._csv(race_h, [["2026-07-05", "Cup", "Chicagoland Speedway", 267,
                                                        "intermediate"]], race_edits))
        (d / "pool.csv").write_text(self._csv(self.POOL_HEADER, pool_rows if pool_rows is not None else
                                              self.pool_rows(), pool_edits))
        if contests is not None:
            (d / "contests.csv").write_text(contests)
        if ownership is not None:
            (d / "actual_ownership.csv").write_text(ownership)
        return d

    # --- NASCAR loop data (nascar/race_logs.csv): one 8-driver Cup race ---
    LOGS_HEADER = ["driver_name", "driver_id", "race_date", "series", "track_name", "start", "finish", "laps_led",
                   "fastest_lap", "laps", "status", "rating"]

    def race_logs(self, edits=None, *, drop=(), name="nascar/race_logs.csv") -> Path:
        rows = [[nm, 100 + i, "2025/07/06", "Cup", "Chicagoland Speedway", i + 1, i + 1, 10 * (i == 0), 5, 267,
                 "running", 100.0 - i] for i, nm in enumerate(DRIVERS)]
        return self.write(name, self._csv(self.LOGS_HEADER, rows, edits, drop=drop))

    # --- a dk_contests-style contest folder (standings + DKSalaries.csv of the same slate) ---
    def contest_folder(self, *, salary_names=None, folder="contest") -> Path:
        d = self.path(f"{folder}/x").parent
        self.standings(name=f"{folder}/contest-standings.csv")
        rows = self.dk_rows()
        if salary_names is not None:
            for r, nm in zip(rows, salary_names):
                r[1], r[2] = f"{nm} ({r[3]})", nm
        self.dk(rows=rows, name=f"{folder}/DKSalaries.csv")
        return d


# ----------------------------------------------------------------------------- classifier (one process per case)


def _child(case: Case, conn, mem_bytes: int):
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
    except (ValueError, OSError):
        pass
    with tempfile.TemporaryDirectory() as d:
        try:
            res = outcome(case, Path(d))
        except BaseException as e:  # noqa: BLE001 - e.g. pytest.skip() inside a case
            res = ("harness", f"{type(e).__name__}: {e}")
        conn.send(res)
    conn.close()


def classify(cases, timeout: float = 60.0, mem_gib: float = 6.0, skip_new_api: bool = False) -> list[tuple]:
    """Run each case in a forked process; return (id, class, detail) rows."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    out = []
    for c in cases:
        if skip_new_api and c.new_api:
            out.append((c.id, "n/a", "new API"))
            continue
        a, b = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_child, args=(c, b, int(mem_gib * 2 ** 30)))
        p.start()
        b.close()
        if a.poll(timeout):
            try:
                cls, detail = a.recv()
            except EOFError:
                cls, detail = "crash", "no result"
            p.join(5)
        else:
            p.kill()
            p.join()
            cls, detail = ("hang", f"> {timeout:g} s") if p.exitcode in (None, -9) else ("crash", f"exit {p.exitcode}")
        if p.exitcode not in (0, None, -9) and cls not in ("crash", "hang"):
            cls, detail = "crash", f"exit {p.exitcode} after {cls}: {detail}"
        out.append((c.id, cls, detail))
    return out


def main(argv=None):
    import argparse
    import collections
    import sys

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--skip-new-api", action="store_true", help="count cases of APIs added by the hardening as n/a")
    ap.add_argument("--json", help="write the per-case rows here")
    ap.add_argument("-v", action="store_true", help="print every case")
    ap.add_argument("-k", default="", help="only cases whose id contains this")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).parent))
    from test_bad_input_corpus import CASES

    cases = [c for c in CASES if args.k in c.id]
    rows = classify(cases, timeout=args.timeout, skip_new_api=args.skip_new_api)
    counts = collections.Counter(r[1] for r in rows)
    for cid, cls, detail in rows:
        if args.v or cls not in ("domain", "correct", "n/a"):
            print(f"{cls:8s} {cid:45s} {detail[:220]}")
    print(f"{len(rows)} cases: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    if args.json:
        Path(args.json).write_text(json.dumps([dict(zip(("id", "class", "detail"), r)) for r in rows], indent=1))


if __name__ == "__main__":
    main()
