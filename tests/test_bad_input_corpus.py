"""Bad-input corpus: every malformed input gets a clear dfslab error; every odd-but-legal one is handled.

One line per case (see ``tests/bad_input_tools.py`` for the builders and the
outcome classes)::

    bad(id, lambda t: <call under test, files built with t>, ErrorClass, *regexes the message must contain)
    ok(id, lambda t: <call>, lambda result: <True when handled right>)

Regexes name what the message must say: the file, the row as the file shows it
(header = row 1), the field and the problem. Add engine / CLI / API cases in
their own section below the others. ``python tests/bad_input_tools.py`` counts
the outcomes of every case, each in its own process with memory and time caps.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import numpy as np
import pytest
from bad_input_tools import DK_HEADER, DRIVERS, Files, bad, esc, ok, outcome

import dfslab
from dfslab import DataFileError, InputError, PayoutTable
from dfslab.contest import PayoutCurveFitter, rank_and_pay
from dfslab.io import parse_lineup, read_race_folder
from dfslab.payouts import payout_table_from_long

R = dfslab.read_dk_salaries
S = dfslab.read_contest_standings
P = dfslab.read_payout_table
DK = esc("DKSalaries.csv")
CS = esc("contest-standings.csv")
PS = esc("payout_structure.csv")
UNREADABLE = "/proc/sys/vm/compact_memory"  # mode 0200: unreadable even for root


def _unreadable(t: Files, name: str) -> Path:
    """A path that exists but cannot be read (a symlink to a write-only file)."""
    if not os.path.exists(UNREADABLE):
        pytest.skip(f"{UNREADABLE} not present: cannot make an unreadable file here")
    p = t.path(name)
    p.symlink_to(UNREADABLE)
    return p


def _fanduel(t: Files) -> Path:
    return t.write("DKSalaries.csv", "Id,Position,First Name,Nickname,Last Name,FPPG,Played,Salary,Game,Team,Opponent,"
                                     "Injury Indicator,Injury Details,Tier\n"
                                     "123-4567,D,Kyle,Kyle Larson,Larson,45.1,10,14000,,,,,,\n")


def _slate():
    return dfslab.demo_slate()


def _upload(t: Files, *rows, header="D,D,D,D,D,D"):
    return t.write("upload.csv", "\n".join([header, *rows]) + "\n")


def _ids(slate, rows):
    return ",".join(str(int(slate.players["dk_id"].iloc[i])) for i in rows)


GOOD_LINEUP = [0, 5, 10, 20, 30, 37]
FITTER = None


def _fitter():
    global FITTER
    if FITTER is None:
        FITTER = PayoutCurveFitter().load()
    return FITTER


def _gen(**kw):
    args = {"entries": 1000, "entry_fee": 20.0, **kw}
    return _fitter().generate(**args)


def _no_id_slate():
    s = _slate()
    return s.with_players(s.players.drop(columns=["dk_id"]).assign(player_id=s.players["name"]))


def _own_players(own):
    s = _slate()
    own = own(s.n_players) if callable(own) else own
    return dfslab.Slate(s.players.assign(ownership=own), name="own-test")


def _train(folder):
    from dfslab.ownership import load_contest_training_data

    return load_contest_training_data([folder])


def _blank_tie():
    # DK: blank lineups (0 points) tie with a submitted lineup that scored exactly 0.00.
    r, p = rank_and_pay([12.0, 0.0, np.nan, np.nan, 5.0], [10.0, 5.0, 3.0, 2.0, 1.0])
    return r.tolist(), p.tolist()


def _blank_below_negative():
    r, _ = rank_and_pay([12.0, -0.65, np.nan, 0.0], [1.0])
    return r.tolist()


def _namesakes(t: Files):
    # Two players called "Alex Bowman" with the same FPTS: neither points nor slot tells them apart;
    # %Drafted says how many lineups hold each, so the recomputed ownership must match it.
    rows = t.standings_rows()
    for r in rows:
        r[5] = r[5].replace("William Byron", "Alex Bowman").replace("Tyler Reddick", "Alex Bowman")
        if r[7] in ("William Byron", "Tyler Reddick"):
            r[7] = "Alex Bowman"
            r[9] = "15"
    rows[0][4], rows[1][4], rows[2][4] = "145.5", "125.5", "115"
    cs = S(t.standings(rows=rows))
    return np.abs(cs.recomputed_ownership() - cs.players["drafted_pct"].to_numpy()).max()


def _latin1(t: Files):
    rows = t.dk_rows()
    rows[2][1], rows[2][2] = f"Daniel Suárez ({rows[2][3]})", "Daniel Suárez"
    return R(t.dk(rows=rows, encoding="cp1252"))


def _utf16(t: Files):
    text = Files._csv(DK_HEADER, t.dk_rows())
    return R(t.write("DKSalaries.csv", text, encoding="utf-16"))


CASES = [
    # ================================================================= any CSV reader: the file itself
    bad("file/missing", lambda t: R(t.root / "nope" / "DKSalaries.csv"), DataFileError, DK, "not found"),
    bad("file/folder", lambda t: R(t.path("DKSalaries.csv/x").parent), DataFileError, DK, "folder"),
    bad("file/empty", lambda t: R(t.write("DKSalaries.csv", b"")), DataFileError, DK, "empty"),
    bad("file/blank-lines-only", lambda t: R(t.write("DKSalaries.csv", "\n\n\n")), DataFileError, DK, "empty"),
    bad("file/unreadable", lambda t: R(_unreadable(t, "DKSalaries.csv")), DataFileError, DK, "permission"),
    bad("file/xlsx-as-csv", lambda t: R(t.write("DKSalaries.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))),
        DataFileError, DK, "Excel"),
    bad("file/xls-as-csv", lambda t: R(t.write("DKSalaries.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(300))),
        DataFileError, DK, "Excel"),
    bad("file/gzip-as-csv", lambda t: R(t.write("DKSalaries.csv", b"\x1f\x8b\x08\x00" + bytes(100))),
        DataFileError, DK, "gzip"),
    bad("file/binary", lambda t: R(t.write("DKSalaries.csv", b"Position,Salary\n\x00\x01\x02\x00\xff\n")),
        DataFileError, DK, "binary"),
    bad("file/html", lambda t: R(t.write("DKSalaries.csv", "<!DOCTYPE html>\n<html><body>Log in</body></html>\n")),
        DataFileError, DK, "HTML"),
    bad("file/json", lambda t: R(t.write("DKSalaries.csv", '[{"Name": "Kyle Larson", "Salary": 9000}]\n')),
        DataFileError, DK, "JSON"),
    bad("file/semicolons", lambda t: R(t.write("DKSalaries.csv", Files._csv(DK_HEADER, t.dk_rows()).replace(",", ";"))),
        DataFileError, DK, "';'"),
    bad("file/ragged-utf8", lambda t: R(t.dk(extra=["D,Extra (1),Extra,1,D,5000,x,,1,oops,more"])),
        DataFileError, DK, "row 10", "11 fields", "header has 9"),
    bad("file/ragged-latin1", lambda t: R(t.dk({4: {"Name": "Suárez"}}, extra=["D,x,y,1,D,5000,x,,1,2,3,4"],
                                               encoding="latin-1")),
        DataFileError, DK, "row 10", "12 fields"),
    bad("file/ragged-after-blank-line", lambda t: R(t.dk(insert={4: ""}, extra=["a,b,c,d,e,f,g,h,i,j"])),
        DataFileError, DK, "row 11", "10 fields"),
    bad("file/unclosed-quote", lambda t: R(t.dk(extra=['D,"Open Quote (5),Open,5,D,5000,x,,1'])),
        DataFileError, DK, "quote|not a readable CSV"),
    ok("file/cp1252-accents", _latin1, lambda s: "Daniel Suárez" in s.players["name"].tolist()
       and any("cp1252" in n for n in s.meta.get("notes", []))),
    ok("file/utf16", _utf16, lambda s: s.n_players == 8),
    ok("file/bom-and-crlf", lambda t: R(t.write("DKSalaries.csv", "\ufeff" + Files._csv(DK_HEADER, t.dk_rows())
                                                .replace("\n", "\r\n"))), lambda s: s.n_players == 8),
    ok("file/blank-line-skipped", lambda t: R(t.dk(insert={5: ""})), lambda s: s.n_players == 8),

    # ================================================================= DKSalaries.csv
    bad("dk/fanduel", lambda t: R(_fanduel(t)), DataFileError, DK, "FanDuel", "DraftKings"),
    bad("dk/dkentries", lambda t: R(t.write("DKSalaries.csv", "Entry ID,Contest Name,Contest ID,Entry Fee,D,D,D,D,D,D\n"
                                                             "123,Cup $5,999,$5,,,,,,\n")),
        DataFileError, DK, "DKEntries"),
    bad("dk/is-standings", lambda t: R(t.standings(name="DKSalaries.csv")), DataFileError, DK, "contest-standings"),
    bad("dk/showdown", lambda t: R(t.dk({2: {"Roster Position": "CPT"}})), DataFileError, DK, "Showdown", "classic"),
    bad("dk/no-salary-column", lambda t: R(t.dk(drop=["Salary"])), DataFileError, DK, "Salary"),
    bad("dk/no-position-column", lambda t: R(t.dk(drop=["Position"])), DataFileError, DK, "Position"),
    bad("dk/no-name-column", lambda t: R(t.dk(drop=["Name", "Name + ID"])), DataFileError, DK, "Name"),
    bad("dk/header-only", lambda t: R(t.dk(rows=[])), DataFileError, DK, "no player rows"),
    bad("dk/salary-1e30", lambda t: R(t.dk({5: {"Salary": "1e30"}})), DataFileError, DK, "row 5", "Salary",
        "1e30|1e\\+30"),
    bad("dk/salary-above-cap", lambda t: R(t.dk({5: {"Salary": "60000"}})), DataFileError, DK, "row 5", "Salary",
        "cap"),
    bad("dk/salary-negative", lambda t: R(t.dk({5: {"Salary": "-5000"}})), DataFileError, DK, "row 5", "Salary"),
    bad("dk/salary-zero", lambda t: R(t.dk({3: {"Salary": "0"}})), DataFileError, DK, "row 3", "Salary"),
    bad("dk/salary-fraction", lambda t: R(t.dk({5: {"Salary": "5000.5"}})), DataFileError, DK, "row 5", "Salary"),
    bad("dk/salary-text", lambda t: R(t.dk({9: {"Salary": "abc"}})), DataFileError, DK, "row 9", "Salary", "'abc'"),
    bad("dk/salary-empty", lambda t: R(t.dk({2: {"Salary": ""}})), DataFileError, DK, "row 2", "Salary"),
    bad("dk/salary-nan", lambda t: R(t.dk({4: {"Salary": "nan"}})), DataFileError, DK, "row 4", "Salary"),
    bad("dk/salary-inf", lambda t: R(t.dk({4: {"Salary": "inf"}})), DataFileError, DK, "row 4", "Salary"),
    ok("dk/salary-dollar-comma", lambda t: R(t.dk({2: {"Salary": "$10,000"}})),
       lambda s: s.players["salary"].iloc[0] == 10000),
    bad("dk/salary-row-after-blank-line", lambda t: R(t.dk({6: {"Salary": "abc"}}, insert={4: ""})),
        DataFileError, DK, "row 7", "Salary"),
    bad("dk/duplicate-id", lambda t: R(t.dk({5: {"ID": "39800001", "Name + ID": "Ryan Blaney (39800001)"}})),
        DataFileError, DK, "duplicate", "rows? .*2.*5"),
    bad("dk/id-text", lambda t: R(t.dk({6: {"ID": "abc"}})), DataFileError, DK, "row 6", "ID"),
    bad("dk/id-empty", lambda t: R(t.dk({6: {"ID": "", "Name + ID": "Joey Logano"}})), DataFileError, DK, "row 6",
        "ID"),
    bad("dk/name-empty", lambda t: R(t.dk({7: {"Name": "", "Name + ID": ""}})), DataFileError, DK, "row 7", "name"),
    bad("dk/position-empty", lambda t: R(t.dk({8: {"Position": ""}})), DataFileError, DK, "row 8", "Position"),
    bad("dk/position-unknown", lambda t: R(t.dk({8: {"Position": "ZZ"}})), DataFileError, DK, "positions",
        "'ZZ'"),
    bad("dk/avgpoints-text", lambda t: R(t.dk({4: {"AvgPointsPerGame": "n/a?"}})), DataFileError, DK, "row 4",
        "AvgPointsPerGame"),
    bad("dk/avgpoints-inf", lambda t: R(t.dk({4: {"AvgPointsPerGame": "inf"}})), DataFileError, DK, "row 4",
        "AvgPointsPerGame"),
    bad("dk/blank-row", lambda t: R(t.dk(insert={6: ",,,,,,,,"})), DataFileError, DK, "blank row", "row 6"),
    bad("dk/too-few-players", lambda t: R(t.dk(n=4)), DataFileError, DK, "4 players", "roster of 6"),
    bad("dk/wrong-rules", lambda t: R(t.dk(), rules="mlb"), DataFileError, DK, "slot"),
    bad("dk/unknown-rules", lambda t: R(t.dk(), rules="cricket"), InputError, "cricket"),
    bad("dk/bad-archetype", lambda t: R(t.dk(), archetype="oval"), InputError, "archetype", "oval"),
    ok("dk/old-format-no-ids", lambda t: R(t.dk(drop=["Name + ID", "ID", "Roster Position"])),
       lambda s: s.n_players == 8 and "dk_id" not in s.players),

    # ================================================================= DK upload CSV
    bad("upload/slate-without-dk-id", lambda t: dfslab.read_dk_upload(_upload(t, _ids(_slate(), GOOD_LINEUP)),
                                                                      _no_id_slate()), InputError, "dk_id"),
    bad("upload/wrong-header", lambda t: dfslab.read_dk_upload(_upload(t, _ids(_slate(), GOOD_LINEUP),
                                                                       header="F,F,F,F,F,F"), _slate()),
        DataFileError, esc("upload.csv"), "header"),
    bad("upload/unknown-id", lambda t: dfslab.read_dk_upload(_upload(t, _ids(_slate(), GOOD_LINEUP),
                                                                     "1,2,3,4,5,6"), _slate()),
        DataFileError, esc("upload.csv"), "row 3", "unknown DK id"),
    bad("upload/empty-cell", lambda t: dfslab.read_dk_upload(_upload(t, _ids(_slate(), GOOD_LINEUP)[:-9] + ","),
                                                             _slate()),
        DataFileError, esc("upload.csv"), "row 2", "empty"),
    bad("upload/player-twice", lambda t: dfslab.read_dk_upload(_upload(t, _ids(_slate(), [0, 0, 10, 20, 30, 37])),
                                                               _slate()),
        DataFileError, esc("upload.csv"), "row 2", "twice"),
    bad("upload/over-cap", lambda t: dfslab.read_dk_upload(_upload(t, _ids(_slate(), [0, 1, 2, 3, 4, 5])), _slate()),
        DataFileError, esc("upload.csv"), "row 2", "cap"),
    bad("upload/no-lineups", lambda t: dfslab.read_dk_upload(_upload(t), _slate()), DataFileError,
        esc("upload.csv"), "no lineups"),
    bad("upload/write-no-dk-id", lambda t: dfslab.write_dk_upload([GOOD_LINEUP], _no_id_slate(), t.path("u.csv")),
        InputError, "dk_id"),
    bad("upload/write-into-folder", lambda t: dfslab.write_dk_upload([GOOD_LINEUP], _slate(),
                                                                     t.path("u.csv/x").parent),
        DataFileError, esc("u.csv"), "folder"),

    # ================================================================= contest-standings.csv
    bad("cs/parse-lineup-none", lambda t: parse_lineup(None, {"D"}), InputError, "lineup", "None"),
    bad("cs/header-only", lambda t: S(t.standings(rows=[])), DataFileError, CS, "no entries"),
    bad("cs/missing-entry-columns", lambda t: S(t.standings(drop=["Points"])), DataFileError, CS, "Points"),
    bad("cs/missing-player-block", lambda t: S(t.standings(drop=["Player", "%Drafted", "FPTS", ""])),
        DataFileError, CS, "player block"),
    bad("cs/is-salary-file", lambda t: S(t.dk(name="contest-standings.csv")), DataFileError, CS, "DKSalaries"),
    bad("cs/points-inf", lambda t: S(t.standings({3: {"Points": "inf"}})), DataFileError, CS, "row 3", "Points",
        "inf"),
    bad("cs/points-text", lambda t: S(t.standings({4: {"Points": "abc"}})), DataFileError, CS, "row 4", "Points"),
    bad("cs/points-empty", lambda t: S(t.standings({2: {"Points": ""}})), DataFileError, CS, "row 2", "Points"),
    bad("cs/rank-fraction", lambda t: S(t.standings({2: {"Rank": "1.5"}})), DataFileError, CS, "row 2", "Rank",
        "1.5"),
    bad("cs/rank-zero", lambda t: S(t.standings({2: {"Rank": "0"}})), DataFileError, CS, "row 2", "Rank"),
    bad("cs/rank-text", lambda t: S(t.standings({3: {"Rank": "first"}})), DataFileError, CS, "row 3", "Rank"),
    bad("cs/drafted-150", lambda t: S(t.standings({2: {"%Drafted": "150.00%"}})), DataFileError, CS, "row 2",
        "%Drafted", "150"),
    bad("cs/drafted-negative", lambda t: S(t.standings({5: {"%Drafted": "-5%"}})), DataFileError, CS, "row 5",
        "%Drafted", "-5"),
    bad("cs/drafted-text", lambda t: S(t.standings({6: {"%Drafted": "lots"}})), DataFileError, CS, "row 6",
        "%Drafted"),
    bad("cs/fpts-text", lambda t: S(t.standings({7: {"FPTS": "x"}})), DataFileError, CS, "row 7", "FPTS"),
    bad("cs/fpts-inf", lambda t: S(t.standings({7: {"FPTS": "inf"}})), DataFileError, CS, "row 7", "FPTS"),
    bad("cs/duplicate-entry-id", lambda t: S(t.standings({3: {"EntryId": "1001"}})), DataFileError, CS,
        "EntryId", "rows? .*2.*3"),
    bad("cs/unknown-player", lambda t: S(t.standings({3: {"Lineup": "D Nobody D Chase Elliott D Denny Hamlin D Ryan "
                                                                  "Blaney D Joey Logano D Tyler Reddick"}})),
        DataFileError, CS, "row 3", "'Nobody'", "player block"),
    bad("cs/five-slots", lambda t: S(t.standings({3: {"Lineup": "D Chase Elliott D Denny Hamlin D Ryan Blaney "
                                                                "D Joey Logano D Tyler Reddick"}}), rules="nascar"),
        DataFileError, CS, "row 3", "5 slots"),
    bad("cs/no-slot-label", lambda t: S(t.standings({4: {"Lineup": "Kyle Larson D Chase Elliott"}}),
                                        rules="nascar"),
        DataFileError, CS, "row 4", "slot label"),
    bad("cs/player-twice", lambda t: S(t.standings({2: {"Lineup": "D Kyle Larson D Kyle Larson D Denny Hamlin "
                                                                 "D Ryan Blaney D Joey Logano D Tyler Reddick"}})),
        DataFileError, CS, "row 2", "twice"),
    bad("cs/too-many-slot", lambda t: S(t.standings(), rules="mlb"), DataFileError, CS, "slot"),
    bad("cs/unknown-sport", lambda t: S(t.standings({r: {"Lineup": "X A Y B"} for r in (2, 3, 4)})),
        DataFileError, CS, "cannot infer the sport"),
    bad("cs/all-blank", lambda t: S(t.standings({r: {"Lineup": "", "Points": "0"} for r in (2, 3, 4)})), DataFileError, CS,
        "blank", "rules="),
    bad("cs/blank-with-points", lambda t: S(t.standings({5: {"Points": "12.5"}})), DataFileError, CS, "row 5",
        "blank lineup", "12.5"),
    bad("cs/row-after-blank-line", lambda t: S(t.standings({4: {"Points": "abc"}}, insert={3: ""})),
        DataFileError, CS, "row 5", "Points"),
    ok("cs/namesakes-by-drafted-count", _namesakes, lambda d: d < 0.01),
    ok("cs/blank-counts-in-ownership", lambda t: S(t.standings()),
       lambda cs: np.allclose(cs.recomputed_ownership(), cs.players["drafted_pct"])),

    # ================================================================= payout tables
    bad("pay/place-fraction", lambda t: P(t.payout("1,1.5,100", "2.5,5,10")), DataFileError, PS, "row 2",
        "Place_hi", "1.5", "whole"),
    bad("pay/all-zero", lambda t: P(t.payout("1,1,0", "2,10,0")), DataFileError, PS, "pays nothing"),
    bad("pay/place-hi-1e12", lambda t: P(t.payout("1,1,100", "2,1e12,1")), DataFileError, PS, "row 3",
        "Place_hi", "GB|TB", "limit"),
    bad("pay/place-hi-1e20", lambda t: P(t.payout("1,1,100", "2,100000000000000000000,1")), DataFileError, PS,
        "row 3", "Place_hi", "limit"),
    bad("pay/gap", lambda t: P(t.payout("1,1,100", "3,5,10")), DataFileError, PS, "row 3", "gap", "place 2"),
    bad("pay/overlap", lambda t: P(t.payout("1,2,100", "2,5,10")), DataFileError, PS, "row 3", "overlaps"),
    bad("pay/rising", lambda t: P(t.payout("1,1,10", "2,5,20")), DataFileError, PS, "row 3", "rise"),
    bad("pay/negative", lambda t: P(t.payout("1,1,100", "2,5,-1")), DataFileError, PS, "row 3", "Payout",
        "negative"),
    bad("pay/payout-text", lambda t: P(t.payout("1,1,100", "2,5,ten")), DataFileError, PS, "row 3", "Payout",
        "'ten'"),
    bad("pay/payout-inf", lambda t: P(t.payout("1,1,inf", "2,5,1")), DataFileError, PS, "row 2", "Payout"),
    bad("pay/start-at-2", lambda t: P(t.payout("2,2,100", "3,5,10")), DataFileError, PS, "row 2", "place 1"),
    bad("pay/place-zero", lambda t: P(t.payout("0,1,100", "2,5,10")), DataFileError, PS, "row 2", "Place_lo"),
    bad("pay/hi-below-lo", lambda t: P(t.payout("1,1,100", "5,2,10")), DataFileError, PS, "row 3", "Place_hi"),
    bad("pay/missing-column", lambda t: P(t.payout("1,100", header="Place,Payout")), DataFileError, PS,
        "Place_lo"),
    bad("pay/header-only", lambda t: P(t.payout()), DataFileError, PS, "no rows"),
    bad("pay/non-cash", lambda t: P(t.payout("1,1,100", "2,50,NA")), DataFileError, PS, "row 3", "non-cash"),
    bad("pay/unsorted-gap", lambda t: P(t.payout("4,10,5", "1,1,100", "2,2,50")), DataFileError, PS, "row 2",
        "place 3"),
    bad("pay/row-after-blank-line", lambda t: P(t.payout("1,1,100", "", "2,5,x")), DataFileError, PS, "row 4",
        "Payout"),
    ok("pay/dollar-amounts", lambda t: P(t.payout('1,1,"$1,000.00"', "2,5,$10")), lambda p: p.pool == 1040),
    ok("pay/unsorted", lambda t: P(t.payout("2,5,10", "1,1,100")), lambda p: p.pool == 140 and p.n_paid == 5),
    ok("pay/single-place-na", lambda t: P(t.payout("1,NA,100", "2,5,10")), lambda p: p.pool == 140),
    bad("pay/rows-1d", lambda t: PayoutTable.from_rows([1, 1, 100]), InputError, "rows", "place_lo, place_hi, payout"),
    bad("pay/rows-text", lambda t: PayoutTable.from_rows([(1, 1, "lots")]), InputError, "row 1", "lots"),
    bad("pay/rows-place-1e20", lambda t: PayoutTable.from_rows([(1, 1, 100), (2, 10 ** 20, 1)]), InputError,
        "row 2", "place_hi", "limit"),
    bad("pay/rows-nan", lambda t: PayoutTable.from_rows([(1, 1, float("nan"))]), InputError, "row 1", "payout"),
    bad("pay/rows-lengths", lambda t: PayoutTable([1, 2], [1], [5.0]), InputError, "equal-length"),
    bad("pay/prizes-negative", lambda t: PayoutTable.from_rows([(1, 1, 5.0)]).prizes(-1), InputError, "n_places"),
    bad("pay/prizes-huge", lambda t: PayoutTable.from_rows([(1, 1, 5.0)]).prizes(10 ** 12), InputError, "n_places",
        "limit"),
    bad("pay/rake-zero-entries", lambda t: PayoutTable.from_rows([(1, 1, 5.0)]).rake(0, 5.0), InputError,
        "entries"),
    bad("pay/rake-fee-text", lambda t: PayoutTable.from_rows([(1, 1, 5.0)]).rake(10, "5"), InputError,
        "entry_fee"),
    bad("pay/long-missing-table", lambda t: payout_table_from_long(
        dfslab.read_payout_tables(t.write("long.csv", "table_id,entry_fee,place_lo,place_hi,payout\n1,5,1,1,50\n")), 7),
        InputError, "table_id 7"),
    bad("pay/long-text", lambda t: dfslab.read_payout_tables(t.write("long.csv", "table_id,entry_fee,place_lo,place_hi,"
                                                                                "payout\n1,5,1,1,50\n1,5,2,x,5\n")),
        DataFileError, esc("long.csv"), "row 3", "place_hi"),

    # ================================================================= payout curve fitter
    bad("fit/entries-1e9", lambda t: _gen(entries=10 ** 9), InputError, "entries", "GB", "limit"),
    bad("fit/fee-text", lambda t: _gen(entry_fee="20"), InputError, "entry_fee", "'20'"),
    bad("fit/entries-text", lambda t: _gen(entries="100"), InputError, "entries", "'100'"),
    bad("fit/entries-fraction", lambda t: _gen(entries=10.5), InputError, "entries", "whole"),
    bad("fit/entries-zero", lambda t: _gen(entries=0), InputError, "entries"),
    bad("fit/entries-nan", lambda t: _gen(entries=float("nan")), InputError, "entries"),
    bad("fit/fee-negative", lambda t: _gen(entry_fee=-5), InputError, "entry_fee"),
    bad("fit/fee-inf", lambda t: _gen(entry_fee=float("inf")), InputError, "entry_fee"),
    bad("fit/rake-1.5", lambda t: _gen(rake=1.5), InputError, "rake"),
    bad("fit/rake-text", lambda t: _gen(rake="x"), InputError, "rake", "'x'"),
    bad("fit/rake-nan", lambda t: _gen(rake=float("nan")), InputError, "rake"),
    bad("fit/tier-unknown", lambda t: _gen(tier="huge"), InputError, "tier", "huge"),
    bad("fit/paid-frac-2", lambda t: _gen(paid_frac=2.0), InputError, "paid_frac"),
    bad("fit/top-share-1.5", lambda t: _gen(top_share=1.5), InputError, "top_share"),
    bad("fit/min-cash-negative", lambda t: _gen(min_cash_mult=-1), InputError, "min_cash_mult"),
    bad("fit/fit-bad-x", lambda t: PayoutCurveFitter().fit(X=("tables", "meta")), InputError, "X", "PayoutTable"),
    bad("fit/tier-of-text", lambda t: _fitter().tier_of("big"), InputError, "entries", "'big'"),
    bad("fit/not-fitted", lambda t: PayoutCurveFitter().generate(100, 5.0), InputError, "fit"),
    bad("fit/tier-bounds-order", lambda t: PayoutCurveFitter(tier_bounds=(5000, 100)), InputError, "tier_bounds"),
    bad("fit/tier-bounds-text", lambda t: PayoutCurveFitter(tier_bounds=("a", "b")), InputError, "tier_bounds"),
    bad("fit/load-missing", lambda t: PayoutCurveFitter().load(t.path("none.json")), DataFileError,
        esc("none.json"), "not found"),
    bad("fit/load-malformed", lambda t: PayoutCurveFitter().load(t.write("p.json", "{tiers: ")), DataFileError,
        esc("p.json"), "JSON"),
    bad("fit/load-missing-key", lambda t: PayoutCurveFitter().load(t.write("p.json", '{"rake": 0.1}')),
        DataFileError, esc("p.json"), "tiers"),
    ok("fit/large-contest-fast", lambda t: _gen(entries=5_000_000),
       lambda p: abs(p.pool - 5_000_000 * 20 * (1 - _fitter().rake_)) < 1e-3 and (np.diff(p.payout) <= 0).all()),

    # ================================================================= ranking
    bad("rank/text-scores", lambda t: rank_and_pay(["a", "b"], [1.0]), InputError, "scores"),
    bad("rank/decimals-text", lambda t: rank_and_pay([1.0, 2.0], [1.0], decimals="2"), InputError, "decimals"),
    bad("rank/inf", lambda t: rank_and_pay([1.0, np.inf], [1.0]), InputError, "infinite"),
    bad("rank/huge", lambda t: rank_and_pay([1.0, 1e20], [1.0]), InputError, "too large"),
    bad("rank/3d", lambda t: rank_and_pay(np.zeros((2, 2, 2)), [1.0]), InputError, "shape"),
    bad("rank/empty", lambda t: rank_and_pay([], [1.0]), InputError, "non-empty"),
    bad("rank/rising-prizes", lambda t: rank_and_pay([1.0, 2.0], [1.0, 5.0]), InputError, "rise"),
    bad("rank/negative-prize", lambda t: rank_and_pay([1.0, 2.0], [1.0, -5.0]), InputError, "non-negative"),
    ok("rank/blanks-tie-with-zero", lambda t: _blank_tie(),
       lambda r: r[0] == [1, 3, 3, 3, 2] and np.allclose(r[1], [10.0, 2.0, 2.0, 2.0, 5.0])),
    ok("rank/blanks-below-negative", lambda t: _blank_below_negative(), lambda r: r == [1, 3, 4, 2]),

    # ================================================================= ownership vectors
    bad("own/sums-100", lambda t: dfslab.check_ownership([100 / 6] * 6), InputError, "sums to ~100", "600"),
    bad("own/fractions", lambda t: dfslab.check_ownership([1.0] * 6), InputError, "fractions"),
    bad("own/nan", lambda t: dfslab.check_ownership([np.nan] + [120.0] * 5), InputError, "NaN"),
    bad("own/inf", lambda t: dfslab.check_ownership([np.inf] + [120.0] * 5), InputError, "infinite"),
    bad("own/length", lambda t: dfslab.check_ownership([100.0] * 6, n_players=7), InputError, "length"),
    bad("own/2d", lambda t: dfslab.check_ownership([[100.0] * 6]), InputError, "1-d"),
    bad("own/negative", lambda t: dfslab.check_ownership([-10.0, 110, 100, 100, 100, 200]), InputError, "outside"),
    bad("own/above-100", lambda t: dfslab.check_ownership([150.0, 50, 100, 100, 100, 100]), InputError,
        "outside"),
    bad("own/text", lambda t: dfslab.check_ownership(["a"] * 6), InputError, "ownership", "number"),
    bad("own/none", lambda t: dfslab.check_ownership(None), InputError, "ownership"),
    bad("own/empty", lambda t: dfslab.check_ownership([]), InputError, "ownership"),
    bad("own/bad-rules", lambda t: dfslab.check_ownership([100.0] * 6, rules="xyz"), InputError, "xyz"),
    ok("own/slate-column-sums-100-noted", lambda t: _own_players(lambda n: [100.0 / n] * n),
       lambda s: any("sums to" in n and "600" in n for n in s.meta.get("notes", []))),
    bad("own/slate-column-negative", lambda t: _own_players(lambda n: [-1.0] + [601 / (n - 1)] * (n - 1)), InputError, "ownership",
        "row 1"),
    bad("own/slate-column-150", lambda t: _own_players(lambda n: [150.0] + [450 / (n - 1)] * (n - 1)), InputError, "ownership",
        "row 1"),

    # ================================================================= slates and lineups
    bad("slate/not-frame", lambda t: dfslab.Slate([1, 2, 3]), InputError, "DataFrame"),
    bad("slate/name-empty", lambda t: dfslab.Slate(_slate().players.assign(
        name=[None] + _slate().players["name"].tolist()[1:])), InputError, "row 1", "empty player name"),
    bad("slate/no-salary", lambda t: dfslab.Slate(_slate().players.drop(columns=["salary"])), InputError, "salary"),
    bad("slate/salary-1e30", lambda t: dfslab.Slate(_slate().players.assign(
        salary=[1e30] + [5000] * (_slate().n_players - 1))), InputError, "row 1", "salary", "cap"),
    bad("slate/salary-nan", lambda t: dfslab.Slate(_slate().players.assign(
        salary=[np.nan] + [5000] * (_slate().n_players - 1))), InputError, "row 1", "salary"),
    bad("slate/start-text", lambda t: dfslab.Slate(_slate().players.assign(
        start=["pole"] + list(range(2, _slate().n_players + 1)))), InputError, "start", "row 1", "'pole'"),
    bad("slate/start-zero", lambda t: dfslab.Slate(_slate().players.assign(
        start=list(range(0, _slate().n_players)))), InputError, "start"),
    bad("slate/projection-text", lambda t: dfslab.Slate(_slate().players.assign(
        projection=["lots"] + [30.0] * (_slate().n_players - 1))), InputError, "projection", "row 1", "'lots'"),
    bad("slate/race-laps-1e9", lambda t: dfslab.Slate(_slate().players, race_laps=10 ** 9), InputError,
        "race_laps"),
    bad("slate/race-laps-fraction", lambda t: dfslab.Slate(_slate().players, race_laps=1.5), InputError,
        "race_laps"),
    bad("slate/race-laps-text", lambda t: dfslab.Slate(_slate().players, race_laps="many"), InputError,
        "race_laps"),
    bad("slate/date-text", lambda t: dfslab.Slate(_slate().players, date="someday"), InputError, "date",
        "someday"),
    bad("slate/series-unknown", lambda t: dfslab.Slate(_slate().players, series="formula1"), InputError, "series",
        "formula1"),
    bad("slate/duplicate-player", lambda t: dfslab.Slate(_slate().players.assign(
        player_id=["x"] * _slate().n_players)), InputError, "duplicate"),
    bad("lineups/float", lambda t: dfslab.check_lineups([[0.0, 1, 2, 3, 4, 5]], _slate()), InputError, "integer"),
    bad("lineups/out-of-range", lambda t: dfslab.check_lineups([[0, 1, 2, 3, 4, 99]], _slate()), InputError,
        "unknown player"),
    bad("lineups/twice", lambda t: dfslab.check_lineups([[0, 0, 2, 3, 4, 5]], _slate()), InputError, "twice"),
    bad("lineups/over-cap", lambda t: dfslab.check_lineups([[0, 1, 2, 3, 4, 5]], _slate()), InputError, "cap"),
    bad("lineups/shape", lambda t: dfslab.check_lineups([[0, 1, 2]], _slate()), InputError, "shape"),
    bad("lineups/text", lambda t: dfslab.check_lineups([["a"] * 6], _slate()), InputError, "integer"),

    # ================================================================= NASCAR slate folders (projections.json)
    bad("nascar/bad-folder-name", lambda t: dfslab.read_nascar_slate(t.path("myslate/x").parent), InputError,
        "myslate", "<series>_<YYYY-MM-DD>_<commit>"),
    bad("nascar/no-projections", lambda t: dfslab.read_nascar_slate(t.path("slates/cup_2025-09-13_abc1234/x").parent),
        DataFileError, esc("projections.json"), "not found"),
    bad("nascar/projections-malformed", lambda t: dfslab.read_nascar_slate(t.nascar_slate(proj='[{"Driver": ')),
        DataFileError, esc("projections.json"), "JSON"),
    bad("nascar/projections-not-records", lambda t: dfslab.read_nascar_slate(t.nascar_slate(proj='{"a": 1}')),
        DataFileError, esc("projections.json"), "list|records|column"),
    bad("nascar/projections-missing-column", lambda t: dfslab.read_nascar_slate(t.nascar_slate(
        proj=[{k: v for k, v in r.items() if k != "DK Proj"} for r in Files(t.root).proj_records()])),
        DataFileError, esc("projections.json"), "DK Proj"),
    bad("nascar/proj-text", lambda t: dfslab.read_nascar_slate(t.nascar_slate({4: {"DK Proj": "TBD"}})),
        DataFileError, esc("projections.json"), "DK Proj", "Joey Logano", "'TBD'"),
    bad("nascar/own-text", lambda t: dfslab.read_nascar_slate(t.nascar_slate({2: {"DK pOWN%": "high"}})),
        DataFileError, esc("projections.json"), "DK pOWN%", "Denny Hamlin"),
    bad("nascar/qual-text", lambda t: dfslab.read_nascar_slate(t.nascar_slate({1: {"Qual": "pole"}})),
        DataFileError, esc("projections.json"), "Qual", "Chase Elliott"),
    bad("nascar/salary-text", lambda t: dfslab.read_nascar_slate(t.nascar_slate({3: {"DK Sal": "9k"}})),
        DataFileError, esc("projections.json"), "DK Sal", "Ryan Blaney", "'9k'"),
    bad("nascar/salary-1e30", lambda t: dfslab.read_nascar_slate(t.nascar_slate({3: {"DK Sal": 1e30}})),
        DataFileError, esc("projections.json"), "Ryan Blaney", "cap"),
    bad("nascar/duplicate-driver", lambda t: dfslab.read_nascar_slate(t.nascar_slate({3: {"Driver": "Kyle Larson"}},
                                                                                      site_ids=None)),
        DataFileError, esc("projections.json"), "duplicate", "Kyle Larson"),
    bad("nascar/site-ids-malformed", lambda t: dfslab.read_nascar_slate(t.nascar_slate(site_ids='{"dk": [')),
        DataFileError, esc("site_ids.json"), "JSON"),
    bad("nascar/site-ids-no-id", lambda t: dfslab.read_nascar_slate(t.nascar_slate(
        site_ids={"dk": [{"name": "Kyle Larson"}]})), DataFileError, esc("site_ids.json"), "'id'", "record 1"),
    bad("nascar/site-ids-no-name", lambda t: dfslab.read_nascar_slate(t.nascar_slate(
        site_ids={"dk": [{"id": 5}]})), DataFileError, esc("site_ids.json"), "'name'"),
    bad("nascar/site-ids-id-text", lambda t: dfslab.read_nascar_slate(t.nascar_slate(
        site_ids={"dk": [{"name": "Kyle Larson", "id": "abc"}]})), DataFileError, esc("site_ids.json"), "'abc'"),
    bad("nascar/site-ids-list", lambda t: dfslab.read_nascar_slate(t.nascar_slate(site_ids="[1, 2]")),
        DataFileError, esc("site_ids.json"), "'dk'"),
    ok("nascar/own-sums-100-noted", lambda t: dfslab.read_nascar_slate(t.nascar_slate(
        {i: {"DK pOWN%": 12.5} for i in range(8)})),
       lambda s: any("sums to" in n and "600" in n for n in s.meta.get("notes", []))),
    ok("nascar/missing-salary-skipped", lambda t: dfslab.read_nascar_slate(t.nascar_slate({7: {"DK Sal": None}})),
       lambda s: s.n_players == 7 and any("Christopher Bell" in n for n in s.meta["notes"])),
    ok("nascar/prequal-blank-qual", lambda t: dfslab.read_nascar_slate(t.nascar_slate(
        {i: {"Qual": ""} for i in range(8)})), lambda s: s.players["start"].isna().all()),
    bad("nascar/list-missing-root", lambda t: dfslab.list_nascar_slates(t.root / "nowhere"), InputError,
        "nowhere", "not found|no such"),

    # ================================================================= NASCAR loop data and results database
    bad("logs/missing-column", lambda t: dfslab.read_race_logs(t.race_logs(drop=["laps_led"])), DataFileError,
        esc("race_logs.csv"), "laps_led"),
    bad("logs/bad-date", lambda t: dfslab.read_race_logs(t.race_logs({4: {"race_date": "July 6th"}})),
        DataFileError, esc("race_logs.csv"), "row 4", "race_date", "July 6th"),
    bad("logs/finish-text", lambda t: dfslab.read_race_logs(t.race_logs({5: {"finish": "DNF"}})), DataFileError,
        esc("race_logs.csv"), "row 5", "finish", "Ryan Blaney"),
    bad("logs/unknown-series", lambda t: dfslab.read_race_logs(t.race_logs({3: {"series": "F1"}})),
        DataFileError, esc("race_logs.csv"), "row 3", "series"),
    bad("logs/unknown-track", lambda t: dfslab.read_race_logs(t.race_logs({r: {"track_name": "Moon Oval"}
                                                                           for r in range(2, 10)})),
        DataFileError, esc("race_logs.csv"), "row 2", "Moon Oval", "TRACK_ALIASES"),
    ok("logs/reads", lambda t: dfslab.read_race_logs(t.race_logs()),
       lambda d: len(d) == 8 and (d["archetype"] == "intermediate").all()),
    bad("resultsdb/missing-folder", lambda t: dfslab.read_results_db(t.root / "nowhere"), DataFileError,
        esc("races.csv"), "not found"),
    bad("resultsdb/missing-column", lambda t: dfslab.read_results_db(_results_db(t, races="id,series_id\n1,1\n")),
        DataFileError, esc("races.csv"), "track_id"),
    bad("swr/missing-column", lambda t: dfslab.load_slates_with_results(t.write("swr.csv", "snapshot,Driver\nx,y\n")),
        DataFileError, esc("swr.csv"), "DK Sal"),

    # ================================================================= dk_2026 race folders
    bad("race/not-a-folder", lambda t: read_race_folder(t.root / "nothing"), InputError, "nothing",
        "race folder"),
    bad("race/two-rows", lambda t: read_race_folder(_append(t.race_folder(), "race.csv", "2026-07-06,Cup,X,10,short")),
        DataFileError, esc("race.csv"), "one race row"),
    bad("race/bad-date", lambda t: read_race_folder(t.race_folder(race_edits={2: {"date": "someday"}})),
        DataFileError, esc("race.csv"), "row 2", "date"),
    bad("race/laps-zero", lambda t: read_race_folder(t.race_folder(race_edits={2: {"scheduled_laps": "0"}})),
        DataFileError, esc("race.csv"), "scheduled_laps"),
    bad("race/pool-duplicate", lambda t: read_race_folder(t.race_folder({5: {"name": "Kyle Larson"}})),
        DataFileError, esc("pool.csv"), "Kyle Larson", "rows? .*2.*5"),
    bad("race/pool-salary-text", lambda t: read_race_folder(t.race_folder({4: {"salary": "9k"}})),
        DataFileError, esc("pool.csv"), "row 4", "salary"),
    bad("race/pool-projection-text", lambda t: read_race_folder(t.race_folder({6: {"projection": "TBD"}})),
        DataFileError, esc("pool.csv"), "row 6", "projection", "Joey Logano"),
    bad("race/pool-missing-column", lambda t: read_race_folder(_drop_pool_col(t, "projected_own")),
        DataFileError, esc("pool.csv"), "projected_own"),
    bad("race/pool-own-150", lambda t: read_race_folder(t.race_folder({3: {"projected_own": "150"}})),
        DataFileError, esc("pool.csv"), "row 3", "projected_own"),
    bad("race/contests-entries-text", lambda t: read_race_folder(t.race_folder(
        contests="contest_id,entries,entry_fee,winning_score\n1,lots,5,300\n")), DataFileError,
        esc("contests.csv"), "row 2", "entries", "'lots'"),
    bad("race/actual-own-text", lambda t: read_race_folder(t.race_folder(
        ownership="contest_id,name,actual_own\n1,Kyle Larson,high\n")), DataFileError,
        esc("actual_ownership.csv"), "row 2", "actual_own"),
    bad("race/actual-own-150", lambda t: read_race_folder(t.race_folder(
        ownership="contest_id,name,actual_own\n1,Kyle Larson,150\n")), DataFileError,
        esc("actual_ownership.csv"), "row 2", "actual_own"),
    ok("race/reads", lambda t: read_race_folder(t.race_folder()), lambda r: r.slate.n_players == 8),

    # ================================================================= ownership training data (dk_contests layout)
    bad("train/salaries-of-another-slate", lambda t: _train(t.contest_folder(
        salary_names=[f"Other Driver {i}" for i in range(8)])), DataFileError, "contest", "DKSalaries.csv",
        "another slate|does not belong"),
    bad("train/no-salary-file", lambda t: _train(_rm(t.contest_folder(), "DKSalaries.csv")), DataFileError,
        DK, "not found"),
    bad("train/no-standings", lambda t: _train(_rm(t.contest_folder(), "contest-standings.csv")), DataFileError,
        CS, "not found"),
    bad("train/empty-list", lambda t: dfslab.load_contest_training_data([]), InputError, "no contest folders"),
    ok("train/one-folder-as-path", lambda t: dfslab.load_contest_training_data(t.contest_folder()),
       lambda r: abs(float(r[1].sum()) - 600.0) < 0.5),

    # ================================================================= shared parameter validators
    bad("param/seed-negative", lambda t: _v().check_random_state(-1), InputError, "random_state", "-1",
        new_api=True),
    bad("param/seed-text", lambda t: _v().check_random_state("42"), InputError, "random_state", "'42'",
        new_api=True),
    bad("param/seed-float", lambda t: _v().check_random_state(1.5), InputError, "random_state", "1.5",
        new_api=True),
    bad("param/seed-bool", lambda t: _v().check_random_state(True), InputError, "random_state", new_api=True),
    ok("param/seed-none", lambda t: _v().check_random_state(None),
       lambda g: isinstance(g, np.random.Generator), new_api=True),
    ok("param/seed-int", lambda t: (_v().check_random_state(np.int64(7)).integers(1000),
                                    np.random.default_rng(7).integers(1000)),
       lambda r: r[0] == r[1], new_api=True),
    ok("param/seed-generator", lambda t: (lambda g: _v().check_random_state(g) is g)(np.random.default_rng(1)),
       lambda r: r, new_api=True),
    ok("param/seed-sequence", lambda t: _v().check_random_state(np.random.SeedSequence(3)),
       lambda g: isinstance(g, np.random.Generator), new_api=True),
    bad("param/number-text", lambda t: _v().check_number("entry_fee", "20", lo=0), InputError, "entry_fee",
        "'20'", new_api=True),
    bad("param/number-bool", lambda t: _v().check_number("entries", True, lo=1), InputError, "entries",
        new_api=True),
    bad("param/number-nan", lambda t: _v().check_number("rake", float("nan"), hi=1), InputError, "rake",
        new_api=True),
    bad("param/number-low", lambda t: _v().check_number("entries", 0, lo=1, integer=True), InputError, "entries",
        ">= 1", new_api=True),
    bad("param/number-high-open", lambda t: _v().check_number("rake", 1.0, hi=1, hi_open=True), InputError,
        "rake", "< 1", new_api=True),
    bad("param/number-integer", lambda t: _v().check_number("n", 2.5, integer=True), InputError, "n",
        "whole", new_api=True),
    ok("param/number-int-from-float", lambda t: _v().check_number("n", 3.0, integer=True),
       lambda r: r == 3 and isinstance(r, int), new_api=True),
    bad("param/memory-guard", lambda t: _v().check_memory(5e12, what="test", param="n", value=10 ** 12),
        InputError, "n=1000000000000", "TB", "limit", new_api=True),
]

# the engines, the CLI and the API (tests/bad_input_engines.py)
from bad_input_engines import ENGINE_CASES  # noqa: E402

CASES += ENGINE_CASES


def _v():
    import importlib

    return importlib.import_module("dfslab.utils.validation")


def _append(folder: Path, name: str, line: str) -> Path:
    with open(folder / name, "a") as f:
        f.write(line + "\n")
    return folder


def _rm(folder: Path, name: str) -> Path:
    (folder / name).unlink()
    return folder


def _results_db(t: Files, races: str) -> Path:
    t.write("db/races.csv", races)
    for name, text in (("race_results.csv", "race_id,driver_id,start_pos,finish_pos\n1,1,1,1\n"),
                       ("tracks.csv", "id,name\n1,Chicagoland Speedway\n"), ("series.csv", "id,code\n1,cup\n"),
                       ("drivers.csv", "id,full_name\n1,Kyle Larson\n")):
        t.write(f"db/{name}", text)
    return t.root / "db"


def _drop_pool_col(t: Files, col: str) -> Path:
    d = t.race_folder()
    import pandas as pd

    pd.read_csv(d / "pool.csv").drop(columns=[col]).to_csv(d / "pool.csv", index=False)
    return d


def test_corpus_is_large_and_ids_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    assert len(CASES) >= 100
    areas = {c.id.split("/")[0] for c in ENGINE_CASES}
    assert len(ENGINE_CASES) >= 150 and {"racesim", "own-est", "opt", "field", "contest", "sa", "cli", "api"} <= areas


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case(case, tmp_path):
    def _timeout(*_):
        raise TimeoutError(f"{case.id}: no answer within 30 s")

    old = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(30)
    try:
        cls, detail = outcome(case, tmp_path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    want = "domain" if case.expect is not None else "correct"
    assert cls == want, f"{case.id}: {cls}: {detail}"


def test_memory_limit_is_overridable():
    rows = [(1, 1, 100.0), (2, 10 ** 9, 1.0)]  # 16 GB of per-place prizes if ever expanded
    with pytest.raises(dfslab.ResourceLimitError, match="place_hi=1000000000.*limit of 4 GB"):
        PayoutTable.from_rows(rows)
    old = dfslab.set_memory_limit(20)
    try:
        assert PayoutTable.from_rows(rows).n_paid == 10 ** 9  # built: only prizes() would allocate
    finally:
        dfslab.set_memory_limit(old)
    with pytest.raises(dfslab.ResourceLimitError):
        PayoutTable.from_rows(rows)
