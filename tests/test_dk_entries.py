"""DK's entries file (DKEntries.csv): read, fill, read again; several contests; bad input; real-data checks.

Files are built in DK's layout (tests/dk_files.py) in each test's temporary folder from the demo slate
and from a real DK slate's ids (../shared/data); no data file is committed.
"""

from __future__ import annotations

import csv
import re

import numpy as np
import pandas as pd
import pytest
from dk_files import dk_entries_text, write_dk_entries, write_dk_salaries

import dfslab
from dfslab import DataFileError, InputError
from dfslab.io import prize_pool_from_name, read_dk_entries

ONE = [("NAS $5K Engine Block", 192343608, "$12", 4)]
TWO = [("NAS $100K Chrome Horn ($20K to 1st)", 191218206, "$4", 5),
       ("NAS $6K Engine Block [Single Entry, $1K to 1st] (Cup)", 193288034, "$12", 2)]


def _cheap_lineups(slate, k, seed=0):
    """k distinct legal lineups (under the cap) of ``slate``."""
    rng = np.random.default_rng(seed)
    out = set()
    while len(out) < k:
        L = tuple(sorted(rng.choice(slate.n_players, 6, replace=False)))
        if slate.salaries[list(L)].sum() <= 50_000:
            out.add(L)
    return np.array(sorted(out))


# ---------------------------------------------------------------------- reading
def test_reads_both_blocks_and_every_placeholder(tmp_path, demo):
    ids = demo.players.dk_id.astype(int).astype(str).tolist()
    names = demo.players.name.tolist()
    slots = {1: [f"{names[i]} ({ids[i]})" for i in range(6)],          # filled as Name (ID)
             2: [ids[i] for i in range(10, 16)],                          # filled with bare ids
             3: [f"{names[0]} ({ids[0]})", "", "", "", "", ""]}          # partial
    p = write_dk_entries(tmp_path / "DKEntries.csv", demo, ONE, slots=slots, bom=True)
    e = read_dk_entries(p, slate=demo)
    assert e.n_entries == 4 and e.slots == ("D",) * 6 and e.bom and e.newline == "\r\n"
    assert e.entries["status"].tolist() == ["empty", "filled", "filled", "partial"]
    assert e.entries["entry_fee ($)"].tolist() == [12.0] * 4 and e.entries["row"].tolist() == [2, 3, 4, 5]
    assert len(e.pool) == demo.n_players and set(e.pool["ID"]) == set(ids)
    L = e.lineups(demo)
    assert L[1].tolist() == list(range(6)) and L[2].tolist() == list(range(10, 16))
    assert L[0].tolist() == [-1] * 6 and L[3].tolist() == [0, -1, -1, -1, -1, -1]
    c = e.contests
    assert c["my entries"].tolist() == [4] and c["prize pool in name ($)"].tolist() == [5000.0]
    assert "already hold a lineup" in " ".join(e.notes)
    assert "DKEntries" in e._repr_html_()


def test_locked_slots_are_read_and_cannot_be_filled(tmp_path, demo):
    ids = demo.players.dk_id.astype(int).astype(str).tolist()
    names = demo.players.name.tolist()
    slots = {0: [f"{names[i]} ({ids[i]}) (LOCKED)" for i in range(6)], 1: ["LOCKED"] + [""] * 5}
    e = read_dk_entries(write_dk_entries(tmp_path / "DKEntries.csv", demo, ONE, slots=slots), slate=demo)
    assert e.locked.tolist() == [True, True, False, False]
    assert e.entries["status"].tolist()[:2] == ["locked", "locked"]
    assert e.lineups(demo)[0].tolist() == list(range(6))       # the locked lineup is still readable (post-lock use)
    with pytest.raises(DataFileError, match=r"row 2: entry 4412345601 is locked"):
        e.fill(_cheap_lineups(demo, 4), demo)
    with pytest.raises(DataFileError, match="locked"):
        dfslab.SlateAnalysis.for_entries(demo, e, n_scenarios=200, n_field_draws=1)


def test_tolerates_dk_variants(tmp_path, demo):
    # LF line endings, no Instructions column, no pool block, Excel's "123.0" ids
    text = "Entry ID,Contest Name,Contest ID,Entry Fee,D,D,D,D,D,D\n"
    text += f"4412345601.0,NAS $5K Engine Block,192343608.0,$12.00,{int(demo.players.dk_id[0])}.0,,,,,\n"
    text += "\n"  # a blank line
    p = tmp_path / "DKEntries.csv"
    p.write_text(text)
    e = read_dk_entries(p, slate=demo)
    assert e.entries["entry_id"].tolist() == ["4412345601"] and e.entries["contest_id"].tolist() == ["192343608"]
    assert e.pool is None and "no player pool block" in " ".join(e.notes)
    assert e.lineups(demo)[0, 0] == 0


# ---------------------------------------------------------------------- the round trip
@pytest.mark.parametrize("newline,bom", [("\r\n", False), ("\n", True)])
def test_fill_then_read_again_keeps_every_other_byte(tmp_path, demo, newline, bom):
    p = write_dk_entries(tmp_path / "DKEntries.csv", demo, TWO, newline=newline, bom=bom)
    e = read_dk_entries(p, slate=demo)
    L = _cheap_lineups(demo, e.n_entries)
    out = e.write_filled(tmp_path / "DKEntries_filled.csv", L, demo)
    f = read_dk_entries(out, slate=demo)
    cols = ["row", "entry_id", "contest_name", "contest_id", "entry_fee ($)", "fee_text"]
    assert f.entries[cols].equals(e.entries[cols])                         # same entries, same rows
    assert (f.lineups(demo) == L).all() and (f.entries["status"] == "filled").all()
    assert f.pool.drop(columns="row").equals(e.pool.drop(columns="row"))   # the pool block untouched
    a, b = p.read_bytes(), out.read_bytes()
    assert a.startswith(b"\xef\xbb\xbf") == b.startswith(b"\xef\xbb\xbf") == bom
    la, lb = a.decode("utf-8-sig").splitlines(True), b.decode("utf-8-sig").splitlines(True)
    assert len(la) == len(lb)
    changed = [i for i, (x, y) in enumerate(zip(la, lb)) if x != y]
    assert changed == [r - 1 for r in e.entries["row"]]                     # only the entry rows changed ...
    for i in changed:                                                        # ... and only in the slot columns
        x, y = next(csv.reader([la[i]])), next(csv.reader([lb[i]]))
        assert len(x) == len(y) and x[:4] == y[:4] and x[10:] == y[10:] and x[4:10] == [""] * 6
    names = demo.players.name.to_numpy()
    ids = demo.players.dk_id.astype(int).to_numpy()
    assert f"{names[L[0, 0]]} ({ids[L[0, 0]]})" in lb[1]                   # DK's Name (ID) form
    assert all(line.endswith(newline) for line in lb)


def test_fill_refuses_wrong_count_and_no_ids(tmp_path, demo):
    e = read_dk_entries(write_dk_entries(tmp_path / "DKEntries.csv", demo, ONE), slate=demo)
    with pytest.raises(InputError, match="3 lineups for 4 entries"):
        e.fill(_cheap_lineups(demo, 3), demo)
    p = demo.players.copy()
    p["dk_id"] = p["dk_id"].astype("Int64")
    L = _cheap_lineups(demo, 4)
    p.loc[int(L[0, 0]), "dk_id"] = None
    with pytest.raises(InputError, match="no DK id"):
        e.fill(L, demo.with_players(p))


# ---------------------------------------------------------------------- the analysis: one lineup per entry
def test_analysis_fills_every_entry_and_the_file_reads_back(tmp_path, demo):
    e = read_dk_entries(write_dk_entries(tmp_path / "DKEntries.csv", demo, ONE), slate=demo)
    a = dfslab.SlateAnalysis.for_entries(demo, e, n_scenarios=300, n_field_draws=1, random_state=2)
    assert (a.n_lineups, a.entry_fee, a.field_size) == (4, 12.0, 490)   # $5K / ($12 x 0.85) = 490, DK's real size
    files = a.write(tmp_path / "out")
    f = read_dk_entries(files["dk_entries"], slate=demo)
    assert (f.lineups(demo) == a.portfolio.lineups).all()               # one contest: entry k = lineup k
    assert a.entry_lineups["lineup"].tolist() == [1, 2, 3, 4]
    assert a.entry_results["192343608"] is a.contest                     # the analysis' own contest
    assert (tmp_path / "out" / "DKEntries_filled.csv").exists() and (tmp_path / "out" / "dk_upload.csv").exists()
    assert a.get_params()["entries"].startswith("4 entries in 1 contest")


def test_several_contests_each_with_its_own_fee_size_and_lineups(tmp_path, demo):
    e = read_dk_entries(write_dk_entries(tmp_path / "DKEntries.csv", demo, TWO), slate=demo)
    a = dfslab.SlateAnalysis.for_entries(demo, e, contest_sizes={"193288034": 600}, n_scenarios=300,
                                         n_field_draws=1, random_state=2)
    plan = a.entry_plan
    assert plan["contest_id"].tolist() == ["191218206", "193288034"]   # most entries first: the main contest
    assert plan["field size (entries)"].tolist() == [round(100_000 / (4 * (1 - plan_rake()))), 600]
    assert plan["size from"].iloc[1].startswith("given")
    assert (a.entry_fee, a.field_size, a.n_lineups) == (4.0, plan["field size (entries)"].iloc[0], 7)
    k = a.entry_lineup_numbers
    assert sorted(k.tolist()) == list(range(7))                          # every lineup used once
    cid = e.entries["contest_id"].to_numpy()
    assert k[cid == "191218206"].tolist() == [0, 2, 4, 5, 6] and k[cid == "193288034"].tolist() == [1, 3]
    res = a.entry_results
    assert res["191218206"].contest_size == plan["field size (entries)"].iloc[0] and res["191218206"].entry_fee == 4.0
    assert res["193288034"].contest_size == 600 and res["193288034"].entry_fee == 12.0
    assert len(res["193288034"].per_lineup) == 2
    t = a.entry_contests
    assert t["my entries"].tolist() == [5, 2] and t["lineups"].tolist() == ["1, 3, 5-7", "2, 4"]
    assert np.isfinite(t["ROI (%)"]).all() and (t["ROI s.e. (pp)"] > 0).all()
    f = read_dk_entries(a.write(tmp_path / "out")["dk_entries"], slate=demo)
    assert (f.lineups(demo) == a.portfolio.lineups[k]).all()
    with pytest.raises(InputError, match="contest 999 is not in"):
        dfslab.SlateAnalysis.for_entries(demo, e, contest_sizes="999:500")
    with pytest.raises(InputError, match="n_lineups=20 but .* has 7 entries"):
        dfslab.SlateAnalysis(demo, entries=e, n_lineups=20)


def plan_rake():
    from dfslab.contest import default_payout_fitter

    return float(default_payout_fitter().rake_)


# ---------------------------------------------------------------------- bad input: one line naming file, row, problem
def _one_line(exc):
    msg = str(exc.value)
    assert "\n" not in msg, msg
    return msg


@pytest.mark.parametrize("edit,pattern", [
    (lambda t: t.replace("4412345602", "4.41235E+09", 1), r"row 3: Entry ID '4.41235E\+09' was turned into scientific"),
    (lambda t: t.replace("$12", "twelve", 1), r"row 2: entry 4412345601: Entry Fee 'twelve' is not an amount"),
    (lambda t: t.replace("4412345602", "4412345601", 1), r"row 3: Entry ID 4412345601 is listed twice \(first at row 2\)"),
    (lambda t: t.replace("192343608,$12,,", "192343608,$12,Kyle Larson,", 1),
     r"row 2: entry 4412345601: slot D \(column 5\) holds 'Kyle Larson'; DK needs 'Name \(ID\)'"),
    (lambda t: t.replace("D,D,D,D,D,D", "CPT,UTIL,UTIL,UTIL,UTIL,UTIL", 1), r"row 1: this is a Showdown"),
    (lambda t: "\r\n".join(ln for ln in t.split("\r\n") if not ln.startswith("44")), r"row 2: no entries"),
    (lambda t: t.replace(",192343608,$12", ",,$12", 1), r"row 2: entry 4412345601: Contest ID '' is not"),
])
def test_bad_entries_files_are_one_line_naming_file_row_problem(tmp_path, demo, edit, pattern):
    p = tmp_path / "DKEntries.csv"
    p.write_text(edit(dk_entries_text(demo, ONE)), newline="")
    with pytest.raises(DataFileError) as exc:
        read_dk_entries(p, slate=demo)
    assert "DKEntries.csv" in _one_line(exc)
    assert re.search(pattern, str(exc.value)), str(exc.value)


def test_the_salary_file_given_as_entries_and_vice_versa(tmp_path, demo):
    sal = write_dk_salaries(tmp_path / "DKSalaries.csv", demo)
    with pytest.raises(DataFileError, match="row 1: this is a DKSalaries.csv .* not the entries file"):
        read_dk_entries(sal)
    ent = write_dk_entries(tmp_path / "DKEntries.csv", demo, ONE)
    with pytest.raises(DataFileError, match="this is a DKEntries.csv .* read_dk_entries"):
        dfslab.read_dk_salaries(ent)


def test_entries_for_another_slate_are_refused_naming_row_and_id(tmp_path, demo):
    other = demo.players.copy()
    other["dk_id"] = other["dk_id"] + 1_000_000        # another draft group: other ids
    other["player_id"] = other["dk_id"].astype(str)
    p = write_dk_entries(tmp_path / "DKEntries.csv", demo.with_players(other), ONE)
    with pytest.raises(DataFileError) as exc:
        read_dk_entries(p, slate=demo)
    msg = _one_line(exc)
    assert "DKEntries.csv, row 9: player pool: ID" in msg and "is not in slate" in msg and "another slate" in msg
    # no pool block: the ids in the lineups decide
    ids = other.dk_id.astype(str).tolist()
    p.write_text(dk_entries_text(demo, ONE, pool=False, slots={1: ids[:6]}), newline="")
    with pytest.raises(DataFileError, match=r"row 3: entry 4412345602: slot D \(column 5\) holds ID \d+, which is "
                                            "not in slate"):
        read_dk_entries(p, slate=demo)


def test_cli_bad_entries_is_one_line_and_writes_nothing(tmp_path, demo, capsys):
    from dfslab.app.cli import main

    other = demo.players.copy()
    other["dk_id"] = other["dk_id"] + 1_000_000
    other["player_id"] = other["dk_id"].astype(str)
    ent = write_dk_entries(tmp_path / "DKEntries.csv", demo.with_players(other), ONE)
    out = tmp_path / "report"
    assert main(["report", "--demo", "--entries", str(ent), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "DKEntries.csv, row 9" in err and "another slate" in err
    assert not out.exists()
    sal = write_dk_salaries(tmp_path / "DKSalaries.csv", demo)
    argv = ["report", "--salaries", str(sal), "--archetype", "short", "--race-laps", "500", "--out", str(out), "-q"]
    assert main([*argv, "--entries", str(ent)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"is not in the salary file {sal}" in err and not out.exists()
    good = write_dk_entries(tmp_path / "DKEntries_good.csv", demo, ONE)
    for extra, msg in ((["-p", "n_lineups=5"], "n_lineups=5 but"), (["-p", "entry_fee=3"], "entry_fee=3 with entries"),
                       (["--contest-sizes", "123:500"], "contest 123 is not in"),
                       (["--contest-sizes", "192343608:3"], "has 4 of my entries but a field of 3")):
        assert main([*argv, "--entries", str(good), *extra]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and msg in err and not out.exists(), err
    empty = tmp_path / "DKEntries_empty.csv"
    empty.write_text("Entry ID,Contest Name,Contest ID,Entry Fee,D,D,D,D,D,D,,Instructions\n")
    assert main(["report", "--demo", "--entries", str(empty), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "DKEntries_empty.csv, row 2: no entries" in err and not out.exists()


def test_prize_pool_and_money_parsing():
    from dfslab.io import parse_money

    assert prize_pool_from_name("NASCAR $1M Millionaire [$250K to 1st]") == 1e6
    assert prize_pool_from_name("NAS $8K Rainbow Warrior") == 8000.0
    assert prize_pool_from_name("NASCAR $5 Double Up", entry_fee=5.0) is None
    assert prize_pool_from_name("NASCAR Satellite") is None
    assert parse_money("$0.25") == 0.25 and parse_money("$1,500") == 1500.0 and parse_money("") is None


# ---------------------------------------------------------------------- real data
@pytest.mark.realdata
def test_real_contest_sizes_follow_from_the_name_and_fee(data_root):
    """Every named real 2026 DK NASCAR contest: the pool in its name / (fee x (1 - rake)) = its maximum entries."""
    rows = []
    for f in sorted((data_root / "nascar" / "dk_2026").glob("*/contests.csv")):
        c = pd.read_csv(f)
        rows.append(c[c["contest"].notna() & c["entry_fee"].notna()])
    c = pd.concat(rows)
    assert len(c) >= 5
    rake = plan_rake()
    for _, r in c.iterrows():
        pool = prize_pool_from_name(r["contest"], r["entry_fee"])
        assert pool == pytest.approx(r["prize_pool"]), r["contest"]
        size = pool / (r["entry_fee"] * (1 - rake))
        # filled contests: the size; an unfilled one (the $100K Chrome Horn: 25,260 of a 29,726 maximum) has fewer
        assert r["entries"] <= size * 1.005, r["contest"]
        if "Chrome Horn" not in r["contest"]:
            assert r["entries"] == pytest.approx(size, rel=0.005), r["contest"]


@pytest.mark.realdata
def test_round_trip_on_a_real_dk_slate(tmp_path, data_root):
    """A real Cup slate's DK ids (site_ids.json): entries built, filled by the analysis, read back."""
    folder = sorted((data_root / "nascar" / "slates").glob("cup_*"))[-1]
    s = dfslab.read_nascar_slate(folder)
    p = write_dk_entries(tmp_path / "DKEntries.csv", s, TWO)
    e = read_dk_entries(p, slate=s)
    a = dfslab.SlateAnalysis.for_entries(s, e, n_scenarios=200, n_field_draws=1, random_state=1)
    f = read_dk_entries(a.write(tmp_path / "out")["dk_entries"], slate=s)
    assert (f.lineups(s) == a.portfolio.lineups[a.entry_lineup_numbers]).all()
    assert f.entries["entry_id"].tolist() == e.entries["entry_id"].tolist()
    # a DK id of another real slate in the entries: refused
    other = dfslab.read_nascar_slate(sorted((data_root / "nascar" / "slates").glob("cup_*"))[0])
    q = write_dk_entries(tmp_path / "DKEntries_other.csv", other, ONE)
    with pytest.raises(DataFileError, match="another slate"):
        read_dk_entries(q, slate=s)


def test_a_contest_without_a_size_takes_the_given_field_size(tmp_path, demo):
    from dfslab.pipeline import not_gpp

    contests = TWO[:1] + [("NASCAR $3 Double Up", 181234575, "$3", 2)]
    e = read_dk_entries(write_dk_entries(tmp_path / "DKEntries.csv", demo, contests), slate=demo)
    a = dfslab.SlateAnalysis.for_entries(demo, e, field_size=800, n_scenarios=200, n_field_draws=1)
    plan = a.entry_plan.set_index("contest_id")
    assert plan.loc["181234575", "field size (entries)"] == 800 and "default field_size 800" in \
        plan.loc["181234575", "size from"]
    assert a.field_size == plan.loc["191218206", "field size (entries)"] != 800     # the main contest: from its name
    assert a.get_params()["contest_sizes"] is None
    assert not_gpp("NASCAR $3 Double Up") and not not_gpp(TWO[0][0])
