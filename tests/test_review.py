"""ContestReview on the synthetic demo contest and hand-made standings files (no real data needed)."""

import json

import numpy as np
import pandas as pd
import pytest

import dfslab
from dfslab import DataFileError, InputError
from dfslab.io import entry_user, read_contest_standings, write_contest_standings


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    before = dfslab.demo_contest(folder / "before", n_entries=400, n_user=4, random_state=3)
    after = dfslab.demo_contest(folder / "after", n_entries=400, n_user=4, results=True, random_state=3)
    return before, after


def test_standings_writer_round_trips_in_dk_layout(tmp_path):
    names = [f"Driver {i}" for i in range(10)]
    L = np.array([[0, 1, 2, 3, 4, 5], [4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5], [-1] * 6])
    fpts = np.arange(10.0) * 1.5
    p = write_contest_standings(tmp_path / "cs.csv", L, names, entry_names=["a (1/2)", "b", "a (2/2)", "c"],
                                fpts=fpts)
    head = p.read_text().splitlines()[0]
    assert head == "Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS"
    cs = read_contest_standings(p)
    assert cs.rules.name == "nascar" and cs.n_entries == 4 and cs.has_results
    # DK's order and ranks: the two copies tie for 2nd, the blank lineup is last
    assert cs.entries["rank"].tolist() == [1, 2, 2, 4]
    assert cs.entries["points"].tolist() == [pytest.approx(58.5), pytest.approx(22.5), pytest.approx(22.5), 0.0]
    # %Drafted counts every entry (blank included), as DK does
    np.testing.assert_allclose(cs.recomputed_ownership(), cs.players["drafted_pct"], atol=0.006)
    assert sorted(cs.entries_of("A").tolist()) == sorted(np.flatnonzero(cs.users == "a").tolist())
    assert list(cs.entries["file_row"]) == [2, 3, 4, 5]


def test_entry_user_strips_the_entry_counter():
    assert entry_user("Kbasch (11/14)") == "Kbasch" and entry_user(" solo ") == "solo"
    assert entry_user("name (with) parens (2/3)") == "name (with) parens"


def test_before_results_simulates_the_user_against_the_actual_field(demo_files):
    before, _ = demo_files
    rv = dfslab.ContestReview(before, dfslab.demo_slate(), user="YOU", n_scenarios=600, random_state=5)
    cs = rv.standings
    assert rv.phase == "before results" and not cs.has_results and rv.simulates
    res = rv.simulation
    # the contest is exactly the file's submitted lineups: the user's 4 entries + every other real entry
    assert res.contest_size == int((~rv.blank).sum()) == 400
    d = rv.my_entries
    assert len(d) == 4 and set(d["entry"].map(entry_user)) == {"you"} and rv.user == "you"  # as the file spells it
    for c in ("P(win) (%)", "P(win) s.e. (pp)", "P(cash) (%)", "P(cash) s.e. (pp)", "expected payout ($)",
              "expected payout s.e. ($)", "ROI (%)", "ROI s.e. (pp)"):
        assert d[c].notna().all(), c
    assert ((d["P(cash) (%)"] >= d["P(win) (%)"]) & (d["P(cash) (%)"] <= 100)).all()
    assert (d["P(cash) s.e. (pp)"] > 0).all() and (d["ROI s.e. (pp)"] > 0).all()
    np.testing.assert_allclose(d["expected payout ($)"], rv.entry_fee * (1 + d["ROI (%)"] / 100))
    # the same ranks and prizes as DK's rules on the whole contest, scenario by scenario
    from dfslab.contest import rank_and_pay

    P = rv.sim_points
    Ls = rv.lineups_slate
    k = np.searchsorted(np.sort(rv.evaluated), rv.evaluated)
    for s in range(0, len(P), 97):
        _, pay = rank_and_pay(np.round(P[s], 2)[Ls].sum(1), rv.payouts)
        np.testing.assert_allclose(rv.entry_fee * (1 + res.roi_samples[s]), pay[np.sort(rv.evaluated)][k],
                                   rtol=0, atol=1e-9)
    # the outlook's cash line is the score of the last paid place of the actual field
    o = rv.outlook
    s = 11
    sc = np.sort(np.round(P[s] * 100).astype(np.int64)[Ls].sum(1))[::-1] / 100
    assert o["cash_line"][s] == pytest.approx(sc[o["n_paid"] - 1]) and o["win_score"][s] == pytest.approx(sc[0])
    # ownership: the file's %Drafted, our forecast summing to 600
    own = rv.ownership
    assert own["forecast (%)"].sum() == pytest.approx(600)
    blk = cs.players.set_index("name")["drafted_pct"]
    got = own.set_index("player")["%Drafted (%)"]
    np.testing.assert_allclose(got[blk.index], blk.to_numpy())
    assert rv.ownership_summary["MAE (pp)"] >= 0
    assert "before results" in " ".join(rv.headline()) and "ContestReview" in rv._repr_html_()


def test_same_seed_same_review(demo_files):
    before, _ = demo_files
    a = dfslab.ContestReview(before, dfslab.demo_slate(), user="you", n_scenarios=300, random_state=9)
    b = dfslab.ContestReview(before, dfslab.demo_slate(), user="you", n_scenarios=300, random_state=9)
    pd.testing.assert_frame_equal(a.my_entries, b.my_entries)
    c = dfslab.ContestReview(before, dfslab.demo_slate(), user="you", n_scenarios=300, random_state=10)
    assert not np.array_equal(a.scenario_points, c.scenario_points)


def test_without_a_user_the_field_is_reviewed_on_held_out_races(demo_files):
    before, _ = demo_files
    rv = dfslab.ContestReview(before, dfslab.demo_slate(), n_scenarios=400, top=3, random_state=2).run()
    d = rv.my_entries
    assert set(d["why shown"]) <= {"most entered", "likely winner"} and (d["why shown"] == "most entered").sum() == 3
    assert len(rv.sim_points) == 200  # the odd-numbered races: the even ones chose the likeliest winners
    cnt = rv.copies
    assert d["copies in contest"].iloc[0] == cnt.max()


def test_after_the_race_ranks_payouts_and_what_won(demo_files):
    _, after = demo_files
    rv = dfslab.review_contest(after, dfslab.demo_slate(), user="you", n_scenarios=400, random_state=1)
    assert rv.phase == "after the race"
    r = rv.reproduction
    assert r["ranks matching DK (%)"] == 100.0 and r["points matching DK (%)"] == 100.0
    assert r["paid ($)"] == pytest.approx(rv.payouts.pool)
    w = rv.winners
    assert w["points (pts)"].iloc[0] == pytest.approx(np.nanmax(rv.actual_points))
    d = rv.my_entries
    assert {"points (pts)", "rank", "top (%)", "payout ($)", "points PIT", "P(cash) (%)"} <= set(d.columns)
    assert ((d["points PIT"] >= 0) & (d["points PIT"] <= 1)).all()
    pf = rv.portfolio
    assert pf["won ($)"] == pytest.approx(d["payout ($)"].sum())
    t = rv.outlook_table
    assert list(t["score"]) == ["winning score", "cash line (last paid place)"] and t["PIT"].between(0, 1).all()
    own = rv.ownership
    assert own["points PIT"].dropna().between(0, 1).all()
    assert len(rv.top_entries) == rv.top


def test_without_a_slate_the_race_part_is_skipped_with_a_note(demo_files):
    _, after = demo_files
    rv = dfslab.review_contest(after, user="you")
    assert not rv.simulates and "no salary file" in rv.race_note
    assert any("Race part skipped" in x for x in rv.headline())
    assert rv.reproduction["ranks matching DK (%)"] == 100.0
    assert rv.my_entries.columns.tolist()[-4:] == ["rank", "top (%)", "payout ($)", "profit ($)"]
    assert rv.forecast is None and "forecast (%)" not in rv.ownership
    with pytest.raises(InputError, match="race part is skipped"):
        rv.scenario_points


def test_plots_return_axes(demo_files):
    import matplotlib

    matplotlib.use("Agg")
    before, after = demo_files
    for path in (before, after):
        rv = dfslab.ContestReview(path, dfslab.demo_slate(), user="you", n_scenarios=200, random_state=0)
        for m in ("plot_ownership", "plot_outlook", "plot_entries"):
            assert isinstance(getattr(rv, m)(), matplotlib.axes.Axes), m
    matplotlib.pyplot.close("all")


# ---------------------------------------------------------------------- bad input: one line, naming file and row
def _mlb_like(tmp_path):
    p = tmp_path / "contest-standings-1.csv"
    p.write_text('Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS\n'
                 '1,11,"bob",0,0,"P A P B C D 1B E 2B F 3B G SS H OF I OF J OF K",,"A",P,100%,0\n'
                 + "".join(f',,,,,,,"{x}",X,100%,0\n' for x in "BCDEFGHIJK"))
    return p


def test_standings_of_another_sport_than_the_salary_file(tmp_path):
    p = _mlb_like(tmp_path)
    with pytest.raises(DataFileError) as e:
        dfslab.ContestReview(p, dfslab.demo_slate())
    msg = str(e.value)
    assert str(p) in msg and "row 2" in msg and "an MLB contest" in msg and "NASCAR slate" in msg
    assert len(msg.splitlines()) == 1


def test_user_with_no_entries_and_empty_standings(demo_files, tmp_path):
    before, _ = demo_files
    with pytest.raises(DataFileError) as e:
        dfslab.ContestReview(before, user="nobody-here")
    msg = str(e.value)
    assert str(before) in msg and "no entry of user 'nobody-here'" in msg and len(msg.splitlines()) == 1
    empty = tmp_path / "empty.csv"
    empty.write_text("Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS\n")
    with pytest.raises(DataFileError, match="no entries") as e:
        dfslab.ContestReview(empty)
    assert str(empty) in str(e.value)


def test_a_driver_missing_from_the_salary_file_is_named(demo_files):
    before, _ = demo_files
    s = dfslab.demo_slate()
    cs = read_contest_standings(before)
    gone = cs.players["name"].iloc[0]
    s2 = s.with_players(s.players[s.players["name"] != gone].reset_index(drop=True))
    with pytest.raises(DataFileError, match=f"{gone}.*not in the salary file") as e:
        dfslab.ContestReview(before, s2)
    assert ", row " in str(e.value)


def test_a_lineup_over_the_cap_of_the_salary_file_is_named(demo_files):
    before, _ = demo_files
    s = dfslab.demo_slate()
    cs = read_contest_standings(before)
    p = s.players.copy()
    who = cs.players["name"].iloc[0]                 # the most drafted driver: in many lineups at the cap
    p.loc[p["name"] == who, "salary"] += 5000
    with pytest.raises(InputError) as e:
        dfslab.ContestReview(before, s.with_players(p))
    msg = str(e.value)
    assert f"{before}, row " in msg and "> cap $50,000" in msg and "salary file" in msg and len(msg.splitlines()) == 1


# ---------------------------------------------------------------------- the review's parameters, declared once
def test_review_notebook_parameters_cell_is_rendered_from_the_declaration():
    from dfslab.app import params
    from dfslab.app.cli import REVIEW_NOTEBOOK

    cell = json.loads(REVIEW_NOTEBOOK.read_text())["cells"][0]
    assert "parameters" in cell["metadata"]["tags"]
    assert "".join(cell["source"]) == params.REVIEW.parameters_cell()


def test_review_settings_are_contest_review_settings_with_the_same_defaults():
    import inspect

    from dfslab.app import params

    sig = inspect.signature(dfslab.ContestReview.__init__).parameters
    for p in params.REVIEW_PARAMS:
        if p.role == "review":
            assert p.name in sig and sig[p.name].default == p.default, p.name
    # the slate options are the report's own declarations
    for n in ("date", "track", "series", "archetype", "race_laps", "starts"):
        assert params.REVIEW.by_name[n] is params.BY_NAME[n]
