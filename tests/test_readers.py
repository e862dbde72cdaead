"""Readers and writers on hand-made and hand-broken files, plus hypothesis-generated ones."""

import csv

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, HealthCheck, strategies as st

import dfslab
from dfslab import DataFileError, InputError, PayoutTable
from dfslab.io import parse_lineup

CURRENT_HEADER = ["Position", "Name + ID", "Name", "ID", "Roster Position", "Salary", "Game Info", "TeamAbbrev",
                  "AvgPointsPerGame"]


def write_current(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CURRENT_HEADER)
        for name, did, sal in rows:
            w.writerow(["D", f"{name} ({did})", name, did, "D", sal, "Daytona 500 02/15/2026 02:30PM ET", "", "40.1"])
    return path


def nascar_rows(n=8):
    return [(f"Driver {chr(65 + i)}. Núñez Jr.", 39800000 + i, 5000 + 500 * i) for i in range(n)]


def test_current_format_reads(tmp_path):
    s = dfslab.read_dk_salaries(write_current(tmp_path / "DKSalaries.csv", nascar_rows()))
    assert s.rules.name == "nascar" and s.n_players == 8
    assert s.players.dk_id.tolist()[0] == 39800000
    assert s.players.name[0] == "Driver A. Núñez Jr."


@pytest.mark.parametrize("mutate, match", [
    (lambda r: r[:3] + [(r[3][0], r[2][1], r[3][2])] + r[4:], "duplicate player"),
    (lambda r: r[:2] + [(r[2][0], r[2][1], -5000)] + r[3:], "row 4.*positive whole number"),
    (lambda r: r[:2] + [(r[2][0], r[2][1], "5000.5")] + r[3:], "row 4.*positive whole number"),
    (lambda r: r[:2] + [(r[2][0], r[2][1], "abc")] + r[3:], "row 4.*Salary"),
    (lambda r: r[:3], "fewer than a roster"),
])
def test_broken_salary_files(tmp_path, mutate, match):
    p = write_current(tmp_path / "DKSalaries.csv", mutate(nascar_rows()))
    with pytest.raises(DataFileError, match=match) as e:
        dfslab.read_dk_salaries(p)
    assert "DKSalaries.csv" in str(e.value)


def test_missing_column(tmp_path):
    p = tmp_path / "DKSalaries.csv"
    pd.DataFrame({"Name": ["a"], "Position": ["D"]}).to_csv(p, index=False)
    with pytest.raises(DataFileError, match="missing column 'Salary'"):
        dfslab.read_dk_salaries(p)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(st.characters(whitelist_categories=("Lu", "Ll"), whitelist_characters=" .'-"),
                                  min_size=2, max_size=20).map(str.strip).filter(lambda s: len(s) >= 2),
                          st.integers(1000, 20000)), min_size=6, max_size=40, unique_by=lambda t: t[0]))
def test_generated_salary_files_roundtrip(tmp_path_factory, rows):
    p = tmp_path_factory.mktemp("h") / "DKSalaries.csv"
    write_current(p, [(n, 1000 + i, s) for i, (n, s) in enumerate(rows)])
    s = dfslab.read_dk_salaries(p)
    assert s.players.name.tolist() == [n for n, _ in rows]
    assert s.players.salary.tolist() == [s_ for _, s_ in rows]


def test_upload_roundtrip(tmp_path, demo):
    L = np.array([[0, 5, 10, 20, 30, 37], [1, 2, 3, 33, 34, 35]])
    p = dfslab.write_dk_upload(L, demo, tmp_path / "upload.csv")
    assert p.read_text().splitlines()[0] == "D,D,D,D,D,D"
    np.testing.assert_array_equal(dfslab.read_dk_upload(p, demo), L)


def test_upload_rejects_illegal(tmp_path, demo):
    with pytest.raises(InputError, match="twice"):
        dfslab.write_dk_upload([[0, 0, 1, 2, 3, 4]], demo, tmp_path / "u.csv")
    with pytest.raises(InputError, match="cap"):
        dfslab.write_dk_upload([[0, 1, 2, 3, 4, 5]], demo, tmp_path / "u.csv")


STANDINGS_HEAD = "Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,%Drafted,FPTS\n"


def test_standings_current_and_bad(tmp_path):
    p = tmp_path / "contest-standings.csv"
    lines = [STANDINGS_HEAD]
    names = ["A Driver", "B. Driver Jr.", "C Drív", "Dee Dee", "E E", "F F", "G G"]
    lines.append('1,1,"x",0,145.5,"D A Driver D B. Driver Jr. D C Drív D Dee Dee D E E D F F",,"A Driver","100.00%",30\n')
    lines.append('2,2,"y",0,116.5,"D G G D B. Driver Jr. D C Drív D Dee Dee D E E D F F",,"B. Driver Jr.","100.00%",25.5\n')
    for n, own, pts in zip(names[2:], ["100%", "100%", "100%", "100%", "50%"], [24, 23, 22, 21, 1]):
        lines.append(f',,,,,,,"{n}","{own}",{pts}\n')
    p.write_text("\ufeff" + "".join(lines).replace('"A Driver","100.00%"', '"A Driver","50.00%"'))
    cs = dfslab.read_contest_standings(p)
    assert cs.rules.name == "nascar" and cs.n_entries == 2
    np.testing.assert_allclose(cs.recomputed_ownership(), cs.players.drafted_pct)
    np.testing.assert_allclose(cs.lineup_points(), [145.5, 116.5])
    p.write_text(p.read_text().replace("D A Driver D B.", "D Nobody D B."))
    with pytest.raises(DataFileError, match="row 2.*'Nobody'.*not in the player block"):
        dfslab.read_contest_standings(p)
    p.write_text(p.read_text().replace("D Nobody D B.", "D B."))
    with pytest.raises(DataFileError, match="cannot infer the sport"):
        dfslab.read_contest_standings(p)
    with pytest.raises(DataFileError, match="row 2.*5 slots, roster has 6"):
        dfslab.read_contest_standings(p, rules="nascar")


def test_standings_missing_player_block(tmp_path):
    p = tmp_path / "cs.csv"
    p.write_text("Rank,EntryId,EntryName,TimeRemaining,Points,Lineup\n1,1,a,0,10,D A\n")
    with pytest.raises(DataFileError, match="player block"):
        dfslab.read_contest_standings(p)


def test_parse_lineup_names_with_spaces_and_dst():
    got = parse_lineup("RB LeSean McCoy DST Rams  WR A.J. Green TE Zach Ertz FLEX Todd Gurley II",
                       {"RB", "DST", "WR", "TE", "FLEX", "QB"})
    assert got == [("RB", "LeSean McCoy"), ("DST", "Rams"), ("WR", "A.J. Green"), ("TE", "Zach Ertz"),
                   ("FLEX", "Todd Gurley II")]


@pytest.mark.parametrize("rows, match", [
    ([(1, 1, 10), (3, 5, 5)], "row 2: gap before this row: place 2 missing"),
    ([(1, 2, 10), (2, 5, 5)], "overlaps"),
    ([(1, 1, 10), (2, 5, 20)], "must not rise"),
    ([(2, 2, 10)], "start at place 1"),
])
def test_payout_table_rejects(rows, match):
    with pytest.raises(InputError, match=match):
        PayoutTable.from_rows(rows)


def test_payout_csv_bom_and_na(tmp_path):
    p = tmp_path / "payout_structure.csv"
    p.write_text('\ufeff"Place_lo","Place_hi","Payout"\n"1","1","100"\n"2",NA,"50"\n"3","10","10"\n', encoding="utf-8")
    t = dfslab.read_payout_table(p)
    assert t.pool == 230 and t.n_paid == 10
    p.write_text('"Place_lo","Place_hi","Payout"\n"1","50",NA\n')
    with pytest.raises(DataFileError, match="row 2.*non-cash"):
        dfslab.read_payout_table(p)


def test_overlay_is_legal():
    t = PayoutTable.from_rows([(1, 1, 100.0)])
    assert t.rake(entries=5, entry_fee=10.0) < 0  # pool 100 > fees 50: an overlay, not an error


def test_ownership_check_explains_convention():
    with pytest.raises(InputError, match="sums to ~100"):
        dfslab.check_ownership([100 / 6] * 6)
    with pytest.raises(InputError, match="outside"):
        dfslab.check_ownership([120, 80, 100, 100, 100, 100])
    assert dfslab.check_ownership([100.0] * 6).sum() == 600


def test_slate_bad_input(demo):
    p = demo.players.copy()
    p.loc[1, "start"] = p.loc[0, "start"]
    with pytest.raises(InputError, match="duplicate start"):
        dfslab.Slate(p)
    with pytest.raises(InputError, match="unknown track archetype"):
        dfslab.Slate(demo.players, archetype="oval")
    with pytest.raises(InputError, match="race_laps"):
        dfslab.Slate(demo.players, race_laps=0)


def test_demo_slate_is_realistic_and_seeded(demo):
    assert 36 <= demo.n_players <= 40
    assert demo.players.salary.min() >= 4500 and demo.players.salary.max() <= 11500
    assert sorted(demo.players.start) == list(range(1, demo.n_players + 1))
    assert dfslab.demo_slate(random_state=7).players.equals(demo.players)
    assert not dfslab.demo_slate(random_state=8).players.equals(demo.players)
    # Salary follows rating (DK prices are forecasts).
    assert np.corrcoef(demo.players.salary, demo.players.rating)[0, 1] > 0.7


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 7), st.sampled_from(["", "-100", "0", "12.5", "abc", "1e9x", "nan"]))
def test_generated_broken_salary_cell_names_the_row(tmp_path_factory, row, bad):
    p = tmp_path_factory.mktemp("b") / "DKSalaries.csv"
    rows = nascar_rows()
    rows[row] = (rows[row][0], rows[row][1], bad)
    write_current(p, rows)
    with pytest.raises(DataFileError, match=rf"DKSalaries.csv, row {row + 2}: .*Salary"):
        dfslab.read_dk_salaries(p)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(1, 30), min_size=1, max_size=6), st.floats(0.01, 1000, allow_nan=False))
def test_generated_payout_rows_validate_or_explain(sizes, top):
    # Contiguous rows with non-increasing payouts are accepted; pool is exact.
    lo, rows, pay = 1, [], top
    for k in sizes:
        rows.append((lo, lo + k - 1, pay))
        lo += k
        pay = pay / 2
    t = PayoutTable.from_rows(rows)
    assert t.pool == pytest.approx(sum((hi - l + 1) * p for l, hi, p in rows))
    assert (t.prizes()[:-1] >= t.prizes()[1:]).all()
    if len(rows) > 1:  # break contiguity: always rejected with a reason
        broken = rows[:1] + [(rows[1][0] + 1, rows[1][1] + 1, rows[1][2])] + [
            (l + 1, h + 1, p) for l, h, p in rows[2:]]
        with pytest.raises(InputError, match="gap"):
            PayoutTable.from_rows(broken)
