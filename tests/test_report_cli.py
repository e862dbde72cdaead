"""Report helpers, the CLI's batch mode, and notebook hygiene (parameters, no stored outputs)."""

import json
from pathlib import Path

import pytest

from dfslab import InputError
from dfslab.app.cli import NOTEBOOK, REVIEW_NOTEBOOK, main
from dfslab.app.report import load_report_slate

NB_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb")) + [NOTEBOOK, REVIEW_NOTEBOOK]


def test_load_report_slate_variants(tmp_path, demo):
    assert load_report_slate("demo").players.equals(demo.players)
    with pytest.raises(InputError, match="not found"):
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
    # before qualifying no start is invented: the simulator draws one per race (tests/test_racesim_qualifying.py)
    assert "start" not in s.players or s.players["start"].isna().all()
    starts = tmp_path / "starts.csv"
    pd.DataFrame({"name": demo.players.name, "start": demo.players.start}).to_csv(starts, index=False)
    s2 = load_report_slate(str(p), starts=str(starts), archetype="short", race_laps=500)
    assert (s2.players.start.to_numpy() == demo.players.start.to_numpy()).all()
    pd.DataFrame({"name": demo.players.name[:5], "start": demo.players.start[:5]}).to_csv(starts, index=False)
    with pytest.raises(InputError, match="no start for 33"):
        load_report_slate(str(p), starts=str(starts), archetype="short", race_laps=500)


def test_drivers_without_dk_id_are_left_out_of_my_lineups(demo):
    import dfslab

    p = demo.players.copy()
    p["dk_id"] = p["dk_id"].astype("Int64")
    p.loc[3, "dk_id"] = None
    a = dfslab.SlateAnalysis(demo.with_players(p), n_scenarios=200, n_lineups=2, field_size=300, n_field_draws=1)
    assert a.excludes == [p.name[3]]


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
    params = papermill.inspect_notebook(str(NOTEBOOK))
    expected = {"slate", "starts", "projections", "archetype", "race_laps", "field_size", "entry_fee", "payout_table",
                "n_scenarios", "n_field_draws", "n_lineups", "leverage_penalty", "max_overlap", "max_exposure",
                "regime_aware", "random_state", "out_dir", "ownership_uncertainty", "date", "track", "series",
                "ownership_file", "min_salary", "selection"}
    assert expected <= set(params)
    for name, p in params.items():
        assert p["inferred_type_name"] != "None" and p["help"], name
    assert len(NOTEBOOKS) >= 2


# ---------------------------------------------------------------------- the CLI fails fast
def _write_demo_salaries(path, demo, game_info="x"):
    import pandas as pd

    pd.DataFrame({"Position": "D", "Name + ID": [f"{n} ({i})" for n, i in zip(demo.players.name, demo.players.dk_id)],
                  "Name": demo.players.name, "ID": demo.players.dk_id, "Roster Position": "D",
                  "Salary": demo.players.salary, "Game Info": game_info, "TeamAbbrev": "",
                  "AvgPointsPerGame": 30.0}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("args,msg", [
    (["-p", "n_lineup=150"], "unknown report parameter 'n_lineup'; did you mean 'n_lineups'"),
    (["-p", "n_lineups=many"], "n_lineups: expected int, got 'many'"),
    (["-p", "n_lineups=2.5"], "n_lineups: expected int"),
    (["-p", "regime_aware=maybe"], "regime_aware: expected bool"),
    (["-p", "payout_table=/nope/payouts.csv"], "payout_table: /nope/payouts.csv not found"),
    (["-p", "novalue"], "expected NAME=VALUE"),
])
def test_cli_rejects_bad_parameters_before_any_kernel(args, msg, capsys, monkeypatch):
    import dfslab.app.cli as cli

    monkeypatch.setattr(cli, "render_report", lambda *a, **k: pytest.fail("a kernel was started"))
    assert main(["report", "--demo", "-q", *args]) == 2
    assert msg in capsys.readouterr().err


def test_cli_missing_file_says_not_found(tmp_path, capsys):
    assert main(["report", "--salaries", str(tmp_path / "DKSalaries.csv"), "-q"]) == 2
    assert "not found" in capsys.readouterr().err


def test_report_folder_named_after_the_slate_never_overwrites_another(tmp_path, demo, monkeypatch):
    import dfslab.app.cli as cli
    from dfslab.app.report import load_report_slate

    monkeypatch.chdir(tmp_path)  # reports default under the working folder
    a = load_report_slate("demo")
    f1 = cli.choose_out_dir(a, None, force=False)
    assert f1 == tmp_path / "reports" / "cup-demo-speedway-fictional-2026-06-01"
    f1.mkdir(parents=True)
    (f1 / cli.MARKER).write_text('{"fingerprint": "someone-else"}')
    f2 = cli.choose_out_dir(a, None, force=False)
    assert f2.name == "cup-demo-speedway-fictional-2026-06-01-2"
    with pytest.raises(cli.UsageError, match="another slate"):
        cli.choose_out_dir(a, str(f1), force=False)
    assert cli.choose_out_dir(a, str(f1), force=True) == f1
    # a DKSalaries.csv in ~/Downloads does not report to reports/downloads/
    p = _write_demo_salaries(tmp_path / "DKSalaries.csv", demo)
    s = load_report_slate(str(p), archetype="short", race_laps=500, date="2025-09-13", track="Bristol Motor Speedway",
                          series="cup")
    assert cli.choose_out_dir(s, None, force=False).name == "cup-bristol-motor-speedway-2025-09-13"


def test_failed_run_leaves_no_stale_outputs(tmp_path):
    import nbformat

    import dfslab.app.cli as cli

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x: int = 1  # a parameter"),
                                         nbformat.v4.new_code_cell("raise ValueError('boom')")])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "fail.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "out"
    out.mkdir()
    for f in ("slate_report.html", "dk_upload.csv", "lineups.csv"):
        (out / f).write_text("from an earlier run")
    with pytest.raises(Exception):
        cli.render_report({"x": 2}, out, notebook=path, progress=False)
    left = sorted(p.name for p in out.iterdir())
    assert left == ["FAILED.txt", "slate_report.FAILED.ipynb"]
    assert "boom" in (out / "FAILED.txt").read_text()


def test_batch_interrupted_prints_summary(tmp_path, capsys, monkeypatch):
    import dfslab.app.cli as cli

    calls = []

    def fake(params, out, **kw):
        calls.append(out)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return Path(out) / "slate_report.html"

    monkeypatch.setattr(cli, "render_report", fake)
    batch = tmp_path / "b.yaml"
    batch.write_text("".join(f"- slate: demo\n  out: {tmp_path / str(i)}\n" for i in range(3)))
    assert main(["report", "--batch", str(batch), "-q"]) == 130
    err = capsys.readouterr().err
    assert "interrupted: 1 report(s) written, 0 failed, 2 not run" in err


def test_malformed_batch_file_is_named(tmp_path, capsys):
    b = tmp_path / "b.yaml"
    b.write_text("- slate: [unclosed\n")
    assert main(["report", "--batch", str(b)]) == 2
    assert "b.yaml: cannot read it" in capsys.readouterr().err


# ---------------------------------------------------------------------- one parameter contract
def test_notebook_parameters_cell_is_rendered_from_the_declaration():
    from dfslab.app import params

    cell = json.loads(NOTEBOOK.read_text())["cells"][0]
    assert "parameters" in cell["metadata"]["tags"]
    assert "".join(cell["source"]) == params.parameters_cell()


def test_analysis_parameters_are_slate_analysis_settings_with_the_same_defaults():
    import inspect

    import dfslab
    from dfslab.app import params

    sig = inspect.signature(dfslab.SlateAnalysis.__init__).parameters
    for p in params.REPORT_PARAMS:
        if p.role == "analysis":
            assert p.name in sig, p.name
            assert sig[p.name].default == p.default, p.name


@pytest.mark.parametrize("pair, msg", [
    ("files_folder=x", "set by the dfslab command line"), ("out_dir=x", "give --out"),
    ("resolved_slate=x.pickle", "set by the dfslab command line"), ("n_lineups=two", "expected int"),
    ("n_linups=3", "did you mean 'n_lineups'"),
])
def test_cli_refuses_unknown_ill_typed_or_cli_only_parameters_in_one_line(capsys, pair, msg):
    assert main(["report", "--demo", "-p", pair]) == 2
    err = capsys.readouterr().err.strip()
    assert msg in err and len(err.splitlines()) == 1, err


def test_help_params_lists_every_user_parameter(capsys):
    from dfslab.app import params

    assert main(["report", "--help-params"]) == 0
    out = capsys.readouterr().out
    assert all(f"-p {n}=" in out for n in params.names("slate", "analysis"))
    assert "files_folder" not in out


def test_report_folder_that_cannot_be_written_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["report", "--demo", "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err.strip()
    assert str(blocker) in err and "not a folder" in err and len(err.splitlines()) == 1
    assert blocker.read_text() == "not a folder"  # nothing written


def test_missing_packaged_notebook_names_the_install(tmp_path):
    import dfslab.app.cli as cli

    with pytest.raises(cli.UsageError, match="missing from this dfslab install"):
        cli.check_packaged(tmp_path / "slate_report.ipynb", cli.TEMPLATES / "dfslab_report")
    bad = tmp_path / "slate_report.ipynb"
    bad.write_text("{not json")
    with pytest.raises(cli.UsageError, match="cannot be read"):
        cli.check_packaged(bad, cli.TEMPLATES / "dfslab_report")
