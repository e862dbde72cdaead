"""Report helpers, the CLI's batch mode, and notebook hygiene (parameters, no stored outputs)."""

import json
from pathlib import Path

import pytest

from dfslab import InputError
from dfslab.cli import main
from dfslab.report import load_report_slate, unrosterable

NB_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))


def test_load_report_slate_variants(tmp_path, demo):
    assert load_report_slate("demo").players.equals(demo.players)
    with pytest.raises(InputError, match="not 'demo'"):
        load_report_slate(str(tmp_path / "nope.csv"))
    p = tmp_path / "DKSalaries.csv"
    pd = pytest.importorskip("pandas")
    pd.DataFrame({"Position": "D", "Name + ID": [f"{n} ({i})" for n, i in zip(demo.players.name, demo.players.dk_id)],
                  "Name": demo.players.name, "ID": demo.players.dk_id, "Roster Position": "D",
                  "Salary": demo.players.salary, "Game Info": "@ 06/01/2026 07:30PM ET", "TeamAbbrev": "", "AvgPointsPerGame": 30.0}).to_csv(p, index=False)
    with pytest.raises(InputError, match="archetype unknown"):
        load_report_slate(str(p))
    s = load_report_slate(str(p), archetype="short", race_laps=500)
    assert s.archetype == "short" and s.race_laps == 500
    assert sorted(s.players.start) == list(range(1, s.n_players + 1))  # assumed from salary, and noted
    assert any("salary order" in n for n in s.meta["notes"])
    starts = tmp_path / "starts.csv"
    pd.DataFrame({"name": demo.players.name, "start": demo.players.start}).to_csv(starts, index=False)
    s2 = load_report_slate(str(p), starts=str(starts), archetype="short", race_laps=500)
    assert (s2.players.start.to_numpy() == demo.players.start.to_numpy()).all()
    pd.DataFrame({"name": demo.players.name[:5], "start": demo.players.start[:5]}).to_csv(starts, index=False)
    with pytest.raises(InputError, match="no start for 33"):
        load_report_slate(str(p), starts=str(starts), archetype="short", race_laps=500)


def test_unrosterable_lists_players_without_dk_id(demo):
    p = demo.players.copy()
    p["dk_id"] = p["dk_id"].astype("Int64")
    p.loc[3, "dk_id"] = None
    assert unrosterable(demo.with_players(p)) == [p.name[3]]


def test_batch_collects_failures_and_exits_nonzero(tmp_path, capsys):
    batch = tmp_path / "slates.yaml"
    batch.write_text(f"- slate: {tmp_path / 'missing1.csv'}\n  out: {tmp_path / 'a'}\n"
                     f"- slate: {tmp_path / 'missing2.csv'}\n  out: {tmp_path / 'b'}\n")
    rc = main(["report", "--batch", str(batch), "-q"])
    err = capsys.readouterr().err
    assert rc == 1
    assert "2 of 2 report(s) failed" in err and "missing1.csv" in err and "missing2.csv" in err


def test_cli_needs_a_source(capsys):
    assert main(["report"]) == 2


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_committed_clean_with_parameters(nb):
    d = json.loads(nb.read_text())
    code = [c for c in d["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "strip outputs"
    assert "parameters" in code[0].get("metadata", {}).get("tags", []), "first code cell must be tagged parameters"


def test_report_notebook_documents_every_parameter():
    papermill = pytest.importorskip("papermill")
    params = papermill.inspect_notebook(str(NB_DIR / "slate_report.ipynb"))
    expected = {"slate", "starts", "projections", "archetype", "race_laps", "field_size", "entry_fee", "payout_table",
                "n_scenarios", "n_field_draws", "n_lineups", "leverage_penalty", "max_overlap", "max_exposure",
                "regime_aware", "random_state", "out_dir", "ownership_uncertainty"}
    assert expected <= set(params)
    for name, p in params.items():
        assert p["inferred_type_name"] != "None" and p["help"], name
    assert len(NOTEBOOKS) >= 2
