"""Bad-input corpus, part 2: the engines, the CLI and the REST API (one line per case).

Same records as ``tests/test_bad_input_corpus.py`` (``bad`` / ``ok`` from
``tests/bad_input_tools.py``); ``CASES`` there includes :data:`ENGINE_CASES`.

* Engines: the call under test raises (or returns).
* CLI: :func:`_cli` runs ``dfslab.app.cli.main([...])`` in-process with the kernel and
  the server replaced by stubs that raise ``KernelStarted`` / ``ServerStarted``: a
  bad command line must exit 2 (or 1 for a batch) *before* either, and is turned
  into an :class:`~dfslab.InputError` carrying what the CLI printed, so the regexes
  check the one-line message. A run that starts a kernel on a bad value counts as
  silent.
* API: :func:`_api` posts a body with fastapi's TestClient; a 422 becomes an
  :class:`~dfslab.InputError` (a 400 an :class:`~dfslab.InfeasibleError`) whose
  message is the response's ``detail`` (``loc`` joined with dots, then ``msg``),
  so the regexes check that it names the field. A 5xx raises RuntimeError
  (generic); a 200 is returned (silent).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
from bad_input_tools import Files, bad, esc, ok

import dfslab
from dfslab import InfeasibleError, InputError, ResourceLimitError

# ----------------------------------------------------------------------------- shared inputs (built once)
_CACHE: dict = {}


def _set(slate, **attrs):
    """A copy of ``slate`` with attributes set after construction (bypassing its own checks)."""
    import copy

    s = copy.copy(slate)
    for k, v in attrs.items():
        setattr(s, k, v)
    return s


def _once(key, make):
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def _demo():
    return _once("demo", dfslab.demo_slate)


def _n():
    return _demo().n_players


def _own():
    return np.full(_n(), 600.0 / _n())


def _proj():
    return 40.0 + 12.0 * _demo().players["rating"].to_numpy()


def _pts(S=60):
    return _once(("pts", S), lambda: np.random.default_rng(0).gamma(4.0, 8.0, (S, _n())))


def _table():
    return dfslab.PayoutTable.from_rows([(1, 1, 300.0), (2, 5, 100.0), (6, 20, 20.0)])


def _mine():
    # a legal lineup of the demo slate: the two dearest and four cheapest drivers
    order = np.argsort(_demo().salaries)
    return np.array([[*order[-2:], *order[:4]]])


def _fixed_field(k=99):
    # legal lineups (6 distinct drivers under the cap), drawn by rejection
    def make():
        rng = np.random.default_rng(1)
        L = rng.permuted(np.tile(np.arange(_n()), (50 * k, 1)), axis=1)[:, :6]
        return L[_demo().salaries[L].sum(1) <= 50_000][:k]

    F = _once(("field", k), make)
    assert len(F) == k
    return F


def _mlb_slate():
    import pandas as pd

    pos = ["P", "P", "C", "1B", "2B", "3B", "SS", "OF", "OF", "OF", "OF", "SP"]
    p = pd.DataFrame({"name": [f"P{i}" for i in range(12)], "position": pos[:11] + ["P"],
                      "salary": [5000 + 100 * i for i in range(12)]})
    return dfslab.Slate(p, rules="mlb", name="mlb-test")


# --- race simulator
def _sim(**kw):
    from dfslab import RaceSimulator

    return RaceSimulator(**kw)


def _simulate(slate=None, *, n=40, strength=None, projections=None, **kw):
    from dfslab import RaceSimulator

    kw.setdefault("random_state", 0)
    return RaceSimulator(n, **kw).simulate(_demo() if slate is None else slate, strength=strength,
                                           projections=projections)


def _twice(sim):
    return bool((sim.simulate(_demo()).points == sim.simulate(_demo()).points).all())


def _slate_with(**cols):
    p = _demo().players.copy()
    for k, v in cols.items():
        if v is None:
            p = p.drop(columns=[k])
        else:
            p[k] = v(len(p)) if callable(v) else v
    return _demo().with_players(p)


def _params(edit):
    import copy

    from dfslab.racesim import load_default_params

    p = copy.deepcopy(load_default_params())
    edit(p)
    return p


# --- ownership
def _est(**kw):
    from dfslab.ownership import estimate_ownership

    return estimate_ownership(_demo(), **kw)


def _fit_est(y=None, X=None, **kw):
    from dfslab.ownership import HybridOwnershipEstimator, build_features

    X = _once("X", lambda: build_features([dfslab.demo_slate(random_state=s) for s in range(3)])) if X is None else X
    if y is None:
        y = X.groupby("slate_id")["salary_k"].transform(lambda v: 600 * v ** 3 / (v ** 3).sum()).to_numpy()
    kw.setdefault("max_iter", 5)
    return HybridOwnershipEstimator(**kw).fit(X, y(X) if callable(y) else y)


def _fitted():
    from dfslab.ownership import pretrained_nascar_estimator

    return pretrained_nascar_estimator()


def _feat():
    from dfslab.ownership import build_features

    return _once("feat", lambda: build_features(_demo()))


# --- optimizer
def _opt(**kw):
    from dfslab import LeverageAwareOptimizer

    return LeverageAwareOptimizer(**kw)


def _optimize(*, proj=None, own=None, n_lineups=3, method="enumerate", **kw):
    from dfslab import LeverageAwareOptimizer

    kw.setdefault("max_overlap", 4)
    o = LeverageAwareOptimizer(n_lineups=n_lineups, method=method, **kw)
    return o.optimize(_demo(), _proj() if proj is None else proj, _own() if own is None else own)


def _by_salary():
    return _demo().players.sort_values("salary", kind="stable")["name"].tolist()


def _names(k):
    return _demo().players["name"].tolist()[:k]


def _regime_opt(scen, **kw):
    from dfslab import LeverageAwareOptimizer

    return LeverageAwareOptimizer(n_lineups=3, method="enumerate").optimize_regime_aware(_demo(), scen, _own(), **kw)


def _scen(**kw):
    from types import SimpleNamespace

    base = dict(points=_pts(), regime=np.zeros(60, np.int64), regime_names=("dominator", "chaos", "fuel_mileage"))
    base.update(kw)
    return SimpleNamespace(**base)


# --- field sampler
def _fs(**kw):
    from dfslab.contest import FieldLineupSampler

    own = kw.pop("ownership", None)
    kw.setdefault("random_state", 0)
    kw.setdefault("n_calibration", 1000)
    return FieldLineupSampler(kw.pop("slate", _demo()), _own() if own is None else own, **kw)


def _fitted_fs():
    return _once("fs", lambda: _fs(max_iter=3).fit())


# --- contest simulator
def _cs(**kw):
    from dfslab.contest import ContestSimulator

    args = dict(payouts=_table(), field_size=99, entry_fee=10.0, random_state=0)
    args.update(kw)
    return ContestSimulator(**args)


def _contest(*, mine=None, points=None, field=None, slate="demo", cs=None, **kw):
    c = cs if cs is not None else _cs(**kw)
    return c.simulate(_mine() if mine is None else mine, _pts() if points is None else points,
                      _fixed_field() if field is None else field, slate=_demo() if slate == "demo" else slate)


def _pts_with(i, j, v):
    P = _pts().copy()
    P[i, j] = v
    return P


# --- pipeline
def _sa(**kw):
    kw.setdefault("n_scenarios", 100)
    kw.setdefault("n_lineups", 3)
    kw.setdefault("field_size", 300)
    return dfslab.SlateAnalysis(kw.pop("slate", _demo()), **kw)


# --- backtest
def _bt(t: Files, folder=None, **kw):
    from dfslab.studies import backtest_real_slates

    kw.setdefault("include_2025", False)
    kw.setdefault("quick", True)
    return backtest_real_slates(slates=t.root / "races" if folder is None else folder, **kw)


CHI = "2026-07-05_chicagoland"  # the race folder Files.race_folder writes


def _race_missing_result(t: Files):
    t.race_folder({4: {"finish": "", "dk_points": "", "status": ""}})  # Denny Hamlin: no result
    return t.root / "races"


def _race_missing_salaries(t: Files):
    t.race_folder({r: {"salary": ""} for r in range(3, 10)})  # 1 of 8 starters priced
    return t.root / "races"


# --- CLI
class KernelStarted(Exception):
    """Raised by the stub that replaces the report kernel: a bad input got past the checks."""


class ServerStarted(Exception):
    """Raised by the stub that replaces uvicorn.run."""


def _cli(*argv):
    """Run ``dfslab`` in-process; a refusal (exit 2, or 1 for a batch) before any kernel becomes an InputError."""
    import dfslab.app.cli as cli

    def kernel(*a, **k):
        raise KernelStarted("a report kernel was started")

    def server(*a, **k):
        raise ServerStarted(f"the server was started with {k}")

    err = io.StringIO()
    old = cli.render_report
    cli.render_report = kernel
    try:
        import uvicorn
        old_run = uvicorn.run
        uvicorn.run = server
    except ImportError:  # pragma: no cover - the api extra is installed in the test venv
        uvicorn = old_run = None
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                rc = cli.main([str(a) for a in argv])
            except SystemExit as e:  # argparse: usage errors exit 2
                rc = e.code
    except (KernelStarted, ServerStarted) as e:
        return f"started: {e}"
    finally:
        cli.render_report = old
        if uvicorn is not None:
            uvicorn.run = old_run
    text = err.getvalue()
    if "a report kernel was started" in text or "the server was started" in text:
        return f"started (exit {rc}): {text[-300:]}"
    if rc in (1, 2):
        raise InputError(f"exit {rc}: {text.strip()}")
    return f"exit {rc}: {text[-300:]}"


def _demo_csv(t: Files, **edits) -> Path:
    import pandas as pd

    d = _demo().players
    df = pd.DataFrame({"Position": "D", "Name + ID": [f"{n} ({i})" for n, i in zip(d.name, d.dk_id)],
                       "Name": d.name, "ID": d.dk_id, "Roster Position": "D", "Salary": d.salary,
                       "Game Info": "Cup @ 07/05/2026 03:30PM ET", "TeamAbbrev": "", "AvgPointsPerGame": 30.0})
    return t.write("DKSalaries.csv", df.to_csv(index=False))


def _rep(*args):
    return _cli("report", "--demo", "-q", "--out", "/nonexistent-dfslab-out", *args)


# --- API
def _client():
    def make():
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient
        from dfslab.app.api import create_app

        return TestClient(create_app(), raise_server_exceptions=False)

    return _once("client", make)


def _api(path, body, raw: str | None = None):
    """POST ``body``; 422 -> InputError, 400 -> InfeasibleError, both with the detail as text."""
    c = _client()
    r = c.post(path, content=raw, headers={"content-type": "application/json"}) if raw is not None else \
        c.post(path, json=body)
    if r.status_code in (400, 422):
        d = r.json()["detail"]
        if isinstance(d, list):
            d = "; ".join(f"{'.'.join(map(str, e.get('loc', [])))}: {e.get('msg', '')}" for e in d)
        raise (InfeasibleError if r.status_code == 400 else InputError)(f"HTTP {r.status_code}: {d}")
    if r.status_code >= 500:
        raise RuntimeError(f"HTTP {r.status_code}: {r.text[:300]}")
    return f"HTTP {r.status_code}"


RACE = {"track_archetype": "intermediate", "race_laps": 267, "series": "cup"}


def _drivers(edit=None, n=None):
    p = _demo().players
    ds = [dict(id=str(r.player_id), name=r.name, salary=int(r.salary), start=int(r.start))
          for r in p.itertuples()][:n]
    for i, ch in (edit or {}).items():
        ds[i].update(ch)
        for k in [k for k, v in ch.items() if v is _DROP]:
            del ds[i][k]
    return ds


_DROP = object()


def _ids(rows):
    return [str(_demo().players["player_id"].iloc[i]) for i in rows]


def _own_body(**kw):
    return {"drivers": _drivers(), "race": RACE, **kw}


def _cs_body(**kw):
    b = {"drivers": _drivers(), "race": RACE, "my_lineups": [_ids(_mine()[0])], "ownership_estimates": _own().tolist(),
         "scenario_driver_scores": np.round(_pts(20), 2).tolist(), "field_size": 200, "n_contest_sims": 1}
    b.update(kw)
    return {k: v for k, v in b.items() if v is not _DROP}


def _opt_body(**kw):
    b = {"drivers": [dict(d, projection=float(p)) for d, p in zip(_drivers(), np.round(_proj(), 2))],
         "race": RACE, "ownership_estimates": _own().tolist(), "n_lineups": 3}
    b.update(kw)
    return {k: v for k, v in b.items() if v is not _DROP}


def _seed_pool(edit=None):
    p = _demo().players
    ds = [dict(driver_id=str(r.player_id), salary=int(r.salary), projected_points=float(round(q, 2)),
               start=int(r.start), name=r.name) for r, q in zip(p.itertuples(), _proj())]
    for i, ch in (edit or {}).items():
        ds[i].update(ch)
        for k in [k for k, v in ch.items() if v is _DROP]:
            del ds[i][k]
    return ds


def _seed_cs(**kw):
    b = {"my_lineup_scores": [150.0, 160.0], "scenario_driver_scores": np.round(_pts(20), 2).tolist(),
         "ownership_estimates": _own().tolist(), "driver_data": _seed_pool(), "field_size": 200,
         "n_contest_sims": 1, "contest_buyin": 20.0}
    b.update(kw)
    return {k: v for k, v in b.items() if v is not _DROP}


def _seed_opt(**kw):
    b = {"driver_data": _seed_pool(), "ownership_estimates": _own().tolist(), "n_lineups": 3,
         "leverage_penalty": 0.5}
    b.update(kw)
    return {k: v for k, v in b.items() if v is not _DROP}


OWN, CSIM, OPT = "/ownership", "/contest-sim", "/optimize-with-leverage"
GB = "GB|TB|PB"

ENGINE_CASES = [
    # ================================================================= RaceSimulator: settings
    bad("racesim/n-scenarios-zero", lambda t: _sim(n_scenarios=0), InputError, "n_scenarios", "0"),
    bad("racesim/n-scenarios-negative", lambda t: _sim(n_scenarios=-5), InputError, "n_scenarios", "-5"),
    bad("racesim/n-scenarios-fraction", lambda t: _sim(n_scenarios=2.5), InputError, "n_scenarios", "2.5"),
    bad("racesim/n-scenarios-text", lambda t: _sim(n_scenarios="100"), InputError, "n_scenarios", "'100'"),
    bad("racesim/n-scenarios-bool", lambda t: _sim(n_scenarios=True), InputError, "n_scenarios", "True"),
    bad("racesim/n-scenarios-1e7", lambda t: _simulate(n=10 ** 7), ResourceLimitError, "n_scenarios=10000000",
        GB, "limit"),
    bad("racesim/n-scenarios-1e12", lambda t: _sim(n_scenarios=10 ** 12), ResourceLimitError,
        "n_scenarios=1000000000000", GB, "limit"),
    bad("racesim/seed-negative", lambda t: _sim(random_state=-1), InputError, "random_state", "-1"),
    bad("racesim/seed-text", lambda t: _sim(random_state="42"), InputError, "random_state", "'42'"),
    bad("racesim/seed-float", lambda t: _sim(random_state=1.5), InputError, "random_state", "1.5"),
    bad("racesim/params-empty", lambda t: _sim(params={}), InputError, "params", "archetypes"),
    bad("racesim/params-text", lambda t: _sim(params="fitted"), InputError, "params"),
    bad("racesim/params-regime-probs", lambda t: _sim(params=_params(
        lambda p: p["archetypes"]["short"].update(regime_probs=[0.5, 0.5]))), InputError, "params", "short",
        "regime_probs"),
    bad("racesim/params-nan", lambda t: _sim(params=_params(
        lambda p: p["archetypes"]["road"]["regimes"]["chaos"].update(beta_s=float("nan")))), InputError, "params",
        "road", "chaos", "beta_s"),
    bad("racesim/params-missing-regime", lambda t: _sim(params=_params(
        lambda p: p["archetypes"]["dirt"]["regimes"].pop("dominator"))), InputError, "params", "dirt",
        "dominator"),
    bad("racesim/params-mean-error", lambda t: _sim(params=_params(lambda p: p.update(mean_error_sd=-1))),
        InputError, "mean_error_sd"),
    bad("racesim/mean-error-negative", lambda t: _sim(mean_error=-0.1), InputError, "mean_error", "-0.1"),
    bad("racesim/mean-error-text", lambda t: _sim(mean_error="0.1"), InputError, "mean_error", "'0.1'"),
    bad("racesim/mean-error-inf", lambda t: _sim(mean_error=float("inf")), InputError, "mean_error"),
    bad("racesim/finish-gain-zero", lambda t: _sim(finish_gain=0), InputError, "finish_gain"),
    bad("racesim/finish-gain-text", lambda t: _sim(finish_gain="x"), InputError, "finish_gain", "'x'"),
    bad("racesim/history-text", lambda t: _sim(history="yes"), InputError, "history", "auto"),
    bad("racesim/blend-weights-list", lambda t: _sim(blend_weights=[0.5, 0.5]), InputError, "blend_weights",
        "dict"),
    bad("racesim/blend-weights-key", lambda t: _sim(blend_weights={"vegas+salary": {"vegas": 1, "salary": 1}}),
        InputError, "blend_weights", "vegas"),
    bad("racesim/blend-weights-negative", lambda t: _sim(blend_weights={"projection+salary": {
        "projection": -1, "salary": 1}}), InputError, "blend_weights", "projection", "-1"),
    bad("racesim/blend-weights-missing", lambda t: _sim(blend_weights={"projection+salary": {"projection": 1}}),
        InputError, "blend_weights", "salary"),
    bad("racesim/salary-slope-negative", lambda t: _sim(salary_slopes=-0.3), InputError, "salary_slopes", "-0.3"),
    bad("racesim/salary-slope-archetype", lambda t: _sim(salary_slopes={"slope": {"moon": 0.4}}), InputError,
        "salary_slopes", "moon"),
    bad("racesim/salary-slope-text", lambda t: _sim(salary_slopes="steep"), InputError, "salary_slopes",
        "steep"),
    # ================================================================= RaceSimulator.simulate: slate and arrays
    bad("racesim/slate-not-slate", lambda t: _simulate(slate=_demo().players), InputError, "slate", "DataFrame"),
    bad("racesim/slate-no-archetype", lambda t: _simulate(slate=dfslab.Slate(_demo().players, race_laps=267,
                                                                                  name="noarch")), InputError, "noarch", "archetype"),
    bad("racesim/slate-no-laps", lambda t: _simulate(slate=dfslab.Slate(_demo().players, archetype="short",
                                                                         name="nolaps")), InputError, "nolaps",
        "race_laps"),
    # a length no race has (once accepted: DK points up to 504,246,400), set at construction or after it
    bad("racesim/laps-1e9", lambda t: _simulate(slate=dfslab.Slate(_demo().players, archetype="short", race_laps=10**9,
                                                                    name="huge")), InputError, "huge", "20-600"),
    bad("racesim/laps-1e9-set-later", lambda t: _simulate(slate=_set(_demo(), race_laps=10**9)), InputError,
        "race_laps", "20-600"),
    # no start at all is a slate before qualifying (starts drawn per race); some missing is an error naming them
    bad("racesim/slate-some-starts-missing",
        lambda t: _simulate(slate=_slate_with(start=lambda n: pd.array([None, None, *range(3, n + 1)], dtype="Int64"))),
        InputError, "start", r"missing for 2 driver"),
    bad("racesim/params-no-qualifying-model",
        lambda t: _simulate(slate=_slate_with(start=None), params=_params(lambda p: p.pop("qualifying"))),
        InputError, "qualifying model"),
    bad("racesim/slate-start-duplicate", lambda t: _simulate(slate=_slate_with(start=lambda n: [1] * n)),
        InputError, "start", "duplicate"),
    bad("racesim/strength-length", lambda t: _simulate(strength=np.zeros(5)), InputError, "strength",
        "38 values|shape"),
    bad("racesim/strength-nan", lambda t: _simulate(strength=np.r_[np.nan, np.zeros(_n() - 1)]), InputError,
        "strength", "NaN"),
    bad("racesim/strength-text", lambda t: _simulate(strength=["fast"] * _n()), InputError, "strength",
        "'fast'|number"),
    bad("racesim/strength-2d", lambda t: _simulate(strength=np.zeros((2, _n()))), InputError, "strength",
        "shape"),
    bad("racesim/projections-length", lambda t: _simulate(projections=np.ones(7)), InputError, "projections",
        "38 values|shape"),
    bad("racesim/projections-inf", lambda t: _simulate(projections=np.r_[np.inf, _proj()[1:]]), InputError,
        "projections", "infinite"),
    bad("racesim/projections-text", lambda t: _simulate(projections=["lots"] * _n()), InputError,
        "projections", "'lots'|number"),
    bad("racesim/points-for-unknown-regime", lambda t: _simulate().points_for("rain"), InputError, "regime",
        "rain"),
    ok("racesim/one-scenario", lambda t: _simulate(n=1), lambda r: r.points.shape == (1, _n())),
    ok("racesim/numpy-int-n", lambda t: _sim(n_scenarios=np.int32(50)), lambda s: s.n_scenarios == 50),
    ok("racesim/seed-sequence", lambda t: _sim(random_state=np.random.SeedSequence(3)), lambda s: True),
    ok("racesim/seed-sequence-twice", lambda t: _twice(_sim(n_scenarios=30, random_state=np.random.SeedSequence(3))),
       lambda same: same),  # a given SeedSequence is not consumed: the same races on every call
    bad("racesim/projections-bool", lambda t: _simulate(projections=np.ones(_n(), bool)), InputError,
        "projections", "True|bool"),

    # ================================================================= ownership estimator
    bad("own-est/not-slate", lambda t: dfslab.estimate_ownership(_demo().players), InputError, "Slate"),
    bad("own-est/level-1.5", lambda t: _est(level=1.5), InputError, "level", "1.5"),
    bad("own-est/level-text", lambda t: _est(level="high"), InputError, "level", "'high'"),
    bad("own-est/mlb-default", lambda t: dfslab.estimate_ownership(_mlb_slate()), InputError, "NASCAR",
        "estimator"),
    bad("own-est/contest-not-dict", lambda t: _est(contest="gpp"), InputError, "contest", "'gpp'"),
    bad("own-est/contest-entries-text", lambda t: _est(contest={"entries": "many"}), InputError, "entries",
        "'many'"),
    bad("own-est/contest-entries-zero", lambda t: _est(contest={"entries": 0}), InputError, "entries"),
    bad("own-est/contest-type", lambda t: _est(contest={"type": "satellite"}), InputError, "type",
        "satellite"),
    bad("own-est/estimator-text", lambda t: _est(estimator="hgb"), InputError, "estimator", "'hgb'"),
    bad("own-est/fit-method", lambda t: _fit_est(ensemble_method="boosting"), InputError, "ensemble_method",
        "boosting"),
    bad("own-est/fit-sk-model", lambda t: _fit_est(sk_model="forest"), InputError, "sk_model", "forest"),
    bad("own-est/fit-level-zero", lambda t: _fit_est(level=0), InputError, "level"),
    bad("own-est/fit-labels-sum-100", lambda t: _fit_est(
        y=lambda X: X.groupby("slate_id")["salary_k"].transform(lambda v: 100 * v / v.sum()).to_numpy()),
        InputError, "y", "sum", "600"),
    bad("own-est/fit-label-150", lambda t: _fit_est(y=lambda X: np.r_[150.0, np.full(len(X) - 1, 10.0)]),
        InputError, "y", "150", "row 0"),
    bad("own-est/fit-label-nan", lambda t: _fit_est(y=lambda X: np.r_[np.nan, np.full(len(X) - 1, 10.0)]),
        InputError, "y", "NaN"),
    bad("own-est/fit-label-length", lambda t: _fit_est(y=lambda X: np.full(5, 10.0)), InputError, "y",
        "5", "114|samples|rows"),
    bad("own-est/fit-seed-negative", lambda t: _fit_est(random_state=-1), InputError, "random_state", "-1"),
    bad("own-est/interval-kind", lambda t: _fitted().predict_with_uncertainty(_feat(), interval="wide"),
        InputError, "interval", "wide"),
    bad("own-est/samples-zero", lambda t: _fitted().sample_ownership(_feat(), n_samples=0), InputError,
        "n_samples"),
    bad("own-est/samples-text", lambda t: _fitted().sample_ownership(_feat(), n_samples="many"), InputError,
        "n_samples", "'many'"),
    bad("own-est/samples-1e10", lambda t: _fitted().sample_ownership(_feat(), n_samples=10 ** 10),
        ResourceLimitError, "n_samples=10000000000", GB, "limit"),
    bad("own-est/samples-seed", lambda t: _fitted().sample_ownership(_feat(), n_samples=5, random_state=-1),
        InputError, "random_state", "-1"),

    # ================================================================= LeverageAwareOptimizer: settings
    bad("opt/n-lineups-zero", lambda t: _opt(n_lineups=0), InputError, "n_lineups", "0"),
    bad("opt/n-lineups-text", lambda t: _opt(n_lineups="20"), InputError, "n_lineups", "'20'"),
    bad("opt/n-lineups-bool", lambda t: _opt(n_lineups=True), InputError, "n_lineups", "True"),
    bad("opt/n-lineups-fraction", lambda t: _opt(n_lineups=2.5), InputError, "n_lineups", "2.5"),
    bad("opt/n-lineups-1e6", lambda t: _opt(n_lineups=10 ** 6), ResourceLimitError, "n_lineups=1,000,000",
        "lineup_limit"),
    bad("opt/lineup-limit-zero", lambda t: _opt(lineup_limit=0), InputError, "lineup_limit"),
    bad("opt/leverage-1.5", lambda t: _opt(leverage_penalty=1.5), InputError, "leverage_penalty", "1.5"),
    bad("opt/leverage-text", lambda t: _opt(leverage_penalty="high"), InputError, "leverage_penalty", "'high'"),
    bad("opt/leverage-nan", lambda t: _opt(leverage_penalty=float("nan")), InputError, "leverage_penalty"),
    bad("opt/overlap-negative", lambda t: _opt(max_overlap=-1), InputError, "max_overlap", "-1"),
    bad("opt/overlap-fraction", lambda t: _opt(max_overlap=2.5), InputError, "max_overlap", "2.5"),
    bad("opt/max-own-zero", lambda t: _opt(max_ownership_per_driver=0), InputError, "max_ownership_per_driver"),
    bad("opt/max-own-150", lambda t: _opt(max_ownership_per_driver=150), InputError, "max_ownership_per_driver",
        "150"),
    bad("opt/max-own-text", lambda t: _opt(max_ownership_per_driver="30%"), InputError,
        "max_ownership_per_driver", "'30%'"),
    bad("opt/min-low-negative", lambda t: _opt(min_low_owned=-1), InputError, "min_low_owned"),
    bad("opt/min-low-above-roster", lambda t: _optimize(min_low_owned=7), InputError, "min_low_owned", "7",
        "roster"),
    bad("opt/low-threshold-150", lambda t: _opt(low_owned_threshold=150), InputError, "low_owned_threshold"),
    bad("opt/low-threshold-text", lambda t: _opt(low_owned_threshold="low"), InputError, "low_owned_threshold",
        "'low'"),
    bad("opt/max-total-negative", lambda t: _opt(max_total_ownership=-5), InputError, "max_total_ownership"),
    bad("opt/max-total-text", lambda t: _opt(max_total_ownership="100"), InputError, "max_total_ownership",
        "'100'"),
    bad("opt/min-exposure-1.5", lambda t: _opt(min_exposure=1.5), InputError, "min_exposure", "1.5"),
    bad("opt/min-exposure-text", lambda t: _opt(min_exposure="half"), InputError, "min_exposure"),
    bad("opt/max-exposure-dict-2", lambda t: _opt(max_exposure={"Kyle Larson": 2}), InputError, "max_exposure",
        "Kyle Larson", "2"),
    bad("opt/exposure-unknown-driver", lambda t: _optimize(max_exposure={"Nobody Atall": 0.5}), InputError,
        "max_exposure", "Nobody Atall"),
    bad("opt/min-above-max-exposure", lambda t: _optimize(min_exposure={_names(1)[0]: 0.8},
                                                           max_exposure={_names(1)[0]: 0.5}),
        InputError, "min_exposure", "max_exposure", _names(1)[0]),
    bad("opt/lock-unknown", lambda t: _optimize(locks=["Nobody Atall"]), InputError, "locks", "Nobody Atall"),
    bad("opt/lock-seven", lambda t: _optimize(locks=_names(7)), InputError, "locks", "7"),
    bad("opt/lock-and-exclude", lambda t: _optimize(locks=_names(1), excludes=_names(1)), InputError, "locks",
        "excludes", _names(1)[0]),
    bad("opt/min-salary-above-cap", lambda t: _optimize(min_salary=60000), InputError, "min_salary", "60,000"),
    bad("opt/min-salary-text", lambda t: _opt(min_salary="48k"), InputError, "min_salary", "'48k'"),
    bad("opt/solver-unknown", lambda t: _opt(solver="gurobi"), InputError, "solver", "gurobi"),
    bad("opt/method-unknown", lambda t: _opt(method="fast"), InputError, "method", "fast"),
    bad("opt/seed-negative", lambda t: _opt(random_state=-1), InputError, "random_state", "-1"),
    # ================================================================= LeverageAwareOptimizer: inputs, infeasibility
    bad("opt/not-slate", lambda t: _opt(n_lineups=2).optimize(_demo().players, _proj(), _own()), InputError,
        "slate"),
    bad("opt/mlb-slate", lambda t: _opt(n_lineups=2).optimize(_mlb_slate(), np.ones(12), np.full(12, 50.0)),
        InputError, "positionless|NASCAR"),
    bad("opt/projections-length", lambda t: _optimize(proj=np.ones(5)), InputError, "projections", "38"),
    bad("opt/projections-nan", lambda t: _optimize(proj=np.r_[np.nan, _proj()[1:]]), InputError, "projections",
        "NaN"),
    bad("opt/projections-text", lambda t: _optimize(proj=["x"] * _n()), InputError, "projections",
        "'x'|number"),
    bad("opt/ownership-sums-100", lambda t: _optimize(own=_own() / 6), InputError, "ownership", "sums to",
        "600"),
    bad("opt/ownership-length", lambda t: _optimize(own=np.full(6, 100.0)), InputError, "ownership", "length"),
    bad("opt/optimal-rate-range", lambda t: _opt(n_lineups=2, method="enumerate").optimize(
        _demo(), _proj(), _own(), optimal_rate=np.full(_n(), 2.0)), InputError, "optimal_rate"),
    bad("opt/exclude-everyone", lambda t: _optimize(excludes=_demo().players["name"].tolist()), InfeasibleError,
        "excludes", "0 drivers|usable"),
    bad("opt/infeasible-max-own", lambda t: _optimize(max_ownership_per_driver=1.0), InfeasibleError,
        "max_ownership_per_driver"),
    bad("opt/infeasible-min-salary", lambda t: _optimize(min_salary=49_999, excludes=_by_salary()[-20:]),
        InfeasibleError, "minimum salary", "49,999", "20 excluded"),
    bad("opt/infeasible-min-low", lambda t: _optimize(min_low_owned=6, low_owned_threshold=5.0),
        InfeasibleError, "min_low_owned|under 5% ownership"),
    bad("opt/infeasible-total-own", lambda t: _optimize(max_total_ownership=10.0), InfeasibleError,
        "summed ownership <= 10%"),
    bad("opt/infeasible-overlap", lambda t: _optimize(n_lineups=10, max_overlap=0), InfeasibleError,
        "lineup 7 of 10", "sharing at most 0 drivers"),
    bad("opt/infeasible-locks-overlap", lambda t: _optimize(locks=_names(3), max_overlap=2), InfeasibleError,
        "max_overlap=2", "3 locked"),
    bad("opt/exposure-too-low", lambda t: _optimize(n_lineups=10, max_exposure=0.1), InputError,
        "max_exposure", "roster spots"),
    bad("opt/regime-no-attrs", lambda t: _regime_opt(_pts()), InputError, "scenarios", "regime"),
    bad("opt/regime-codes", lambda t: _regime_opt(_scen(regime=np.full(60, 5))), InputError, "regime", "0..2"),
    bad("opt/regime-points-nan", lambda t: _regime_opt(_scen(points=_pts_with(0, 0, np.nan))), InputError,
        "scenarios.points", "NaN"),
    bad("opt/allocation-unknown", lambda t: _regime_opt(_scen(), allocation={"rain": 3}), InputError,
        "allocation", "rain"),
    bad("opt/allocation-sum", lambda t: _regime_opt(_scen(), allocation={"dominator": 2}), InputError,
        "allocation", "n_lineups=3"),
    ok("opt/numpy-settings", lambda t: _optimize(n_lineups=np.int64(2), leverage_penalty=np.float32(0.5)),
       lambda pf: pf.lineups.shape == (2, 6)),

    # ================================================================= FieldLineupSampler
    bad("field/not-slate", lambda t: _fs(slate=_demo().players), InputError, "slate"),
    bad("field/ownership-sums-100", lambda t: _fs(ownership=_own() / 6), InputError, "ownership", "600"),
    bad("field/ownership-length", lambda t: _fs(ownership=np.full(6, 100.0)), InputError, "ownership",
        "length"),
    bad("field/salary-floor-above-cap", lambda t: _fs(salary_floor=60000), InputError, "salary_floor",
        "60000"),
    bad("field/salary-floor-text", lambda t: _fs(salary_floor="48k"), InputError, "salary_floor", "'48k'"),
    bad("field/salary-left-negative", lambda t: _fs(salary_left_scale=-5), InputError, "salary_left_scale"),
    bad("field/salary-left-text", lambda t: _fs(salary_left_scale="big"), InputError, "salary_left_scale",
        "'big'"),
    bad("field/dup-prob-1.5", lambda t: _fs(dup_prob=1.5), InputError, "dup_prob", "1.5"),
    bad("field/dup-prob-text", lambda t: _fs(dup_prob="0.5"), InputError, "dup_prob", "'0.5'"),
    bad("field/proj-share-2", lambda t: _fs(proj_share=2), InputError, "proj_share"),
    bad("field/proj-types-fraction", lambda t: _fs(proj_types=1.5), InputError, "proj_types"),
    bad("field/match-tol-negative", lambda t: _fs(match_tol=-1), InputError, "match_tol", "-1"),
    bad("field/max-iter-zero", lambda t: _fs(max_iter=0), InputError, "max_iter"),
    bad("field/calibration-small", lambda t: _fs(n_calibration=10), InputError, "n_calibration", "10"),
    bad("field/calibration-text", lambda t: _fs(n_calibration="big"), InputError, "n_calibration", "'big'"),
    bad("field/calibration-1e12", lambda t: _fs(n_calibration=10 ** 12), ResourceLimitError,
        "n_calibration=1000000000000", GB, "limit"),
    bad("field/max-seconds-zero", lambda t: _fs(max_seconds=0), InputError, "max_seconds"),
    bad("field/max-seconds-text", lambda t: _fs(max_seconds="1m"), InputError, "max_seconds", "'1m'"),
    bad("field/max-batches-zero", lambda t: _fs(max_batches=0), InputError, "max_batches"),
    bad("field/sampler-not-callable", lambda t: _fs(ownership_sampler="estimator"), InputError,
        "ownership_sampler"),
    bad("field/seed-negative", lambda t: _fs(random_state=-1), InputError, "random_state", "-1"),
    bad("field/projections-shape", lambda t: _fs(projections=np.ones(5)), InputError, "projections", "shape"),
    bad("field/projections-nan", lambda t: _fs(projections={"vendor": np.r_[np.nan, _proj()[1:]]}), InputError,
        "projections", "vendor", "NaN"),
    bad("field/opt-share-removed", lambda t: _fs(opt_share=0.3), InputError, "opt_share", "proj_share"),
    bad("field/sample-zero", lambda t: _fitted_fs().sample(0), InputError, "n_entries", "0"),
    bad("field/sample-text", lambda t: _fitted_fs().sample("many"), InputError, "n_entries", "'many'"),
    bad("field/sample-1e10", lambda t: _fitted_fs().sample(10 ** 10), ResourceLimitError,
        "n_entries=10000000000", GB, "limit"),
    bad("field/sample-seed", lambda t: _fitted_fs().sample(10, random_state=-1), InputError, "random_state",
        "-1"),
    bad("field/sample-ownership", lambda t: _fitted_fs().sample(10, ownership=_own() / 6), InputError,
        "ownership", "600"),
    bad("field/typical-k-zero", lambda t: _fitted_fs().typical_entries(0, 100), InputError, "k"),
    bad("field/typical-field-text", lambda t: _fitted_fs().typical_entries(5, "many"), InputError,
        "field_size", "'many'"),
    bad("field/infeasible-floor", lambda t: _fs(slate=_slate_with(salary=lambda n: [5000] * n),
                                                salary_floor=40_000), InfeasibleError, "salary_floor=40,000",
        r"\$30,000"),

    # ================================================================= ContestSimulator
    bad("contest/payouts-list", lambda t: _cs(payouts=[(1, 1, 100.0)]), InputError, "payouts", "PayoutTable"),
    bad("contest/field-size-zero", lambda t: _cs(field_size=0), InputError, "field_size"),
    bad("contest/field-size-text", lambda t: _cs(field_size="99"), InputError, "field_size", "'99'"),
    bad("contest/field-size-fraction", lambda t: _cs(field_size=99.5), InputError, "field_size", "99.5"),
    bad("contest/field-size-1e10", lambda t: _cs(field_size=10 ** 10), ResourceLimitError,
        "field_size=10000000000", GB, "limit"),
    bad("contest/fee-text", lambda t: _cs(entry_fee="20"), InputError, "entry_fee", "'20'"),
    bad("contest/fee-negative", lambda t: _cs(entry_fee=-20), InputError, "entry_fee"),
    bad("contest/fee-nan", lambda t: _cs(entry_fee=float("nan")), InputError, "entry_fee"),
    bad("contest/draws-zero", lambda t: _cs(n_field_draws=0), InputError, "n_field_draws"),
    bad("contest/draws-text", lambda t: _cs(n_field_draws="4"), InputError, "n_field_draws", "'4'"),
    bad("contest/chunk-zero", lambda t: _cs(chunk_size=0), InputError, "chunk_size"),
    bad("contest/seed-negative", lambda t: _cs(random_state=-1), InputError, "random_state", "-1"),
    bad("contest/seed-text", lambda t: _cs(random_state="7"), InputError, "random_state", "'7'"),
    bad("contest/points-nan", lambda t: _contest(points=_pts_with(3, 5, np.nan)), InputError, "points",
        "scenario 3", "player 5"),
    bad("contest/points-inf", lambda t: _contest(points=_pts_with(0, 1, np.inf)), InputError, "points",
        "infinite"),
    bad("contest/points-huge", lambda t: _contest(points=_pts_with(2, 2, 1e12)), InputError, "points",
        "too large"),
    bad("contest/points-1d", lambda t: _contest(points=_pts()[0]), InputError, "points", "shape"),
    bad("contest/points-width", lambda t: _contest(points=_pts()[:, :10]), InputError, "points", "10", "38"),
    bad("contest/points-text", lambda t: _contest(points=[["a"] * _n()] * 3), InputError, "points",
        "'a'|number"),
    bad("contest/points-empty", lambda t: _contest(points=np.zeros((0, _n()))), InputError, "points",
        "n_scenarios|0 rows"),
    bad("contest/mine-twice", lambda t: _contest(mine=[[0, 0, 1, 2, 3, 4]]), InputError, "my_lineups", "twice"),
    bad("contest/mine-over-cap", lambda t: _contest(mine=[list(np.argsort(_demo().salaries)[-6:])]), InputError,
        "my_lineups", "cap"),
    bad("contest/mine-unknown", lambda t: _contest(mine=[[0, 1, 2, 3, 4, 99]]), InputError, "my_lineups",
        "unknown player"),
    bad("contest/mine-five", lambda t: _contest(mine=[[0, 1, 2, 3, 4]]), InputError, "my_lineups", "shape"),
    bad("contest/mine-twice-no-slate", lambda t: _contest(mine=[[0, 0, 1, 2, 3, 4]], slate=None), InputError,
        "my_lineups", "twice"),
    bad("contest/field-illegal", lambda t: _contest(field=np.tile([0, 0, 1, 2, 3, 4], (99, 1))), InputError,
        "field", "twice"),
    bad("contest/field-over-cap", lambda t: _contest(field=np.tile(np.argsort(_demo().salaries)[-6:], (99, 1))),
        InputError, "field", "cap"),
    bad("contest/field-size-mismatch", lambda t: _contest(field=_fixed_field(50)), InputError, "field",
        "50", "field_size=99"),
    bad("contest/field-float", lambda t: _contest(field=_fixed_field().astype(float)), InputError,
        "field_sampler"),
    bad("contest/results-too-big", lambda t: _contest(n_field_draws=10 ** 7), ResourceLimitError,
        "n_field_draws=10000000", GB, "limit"),
    bad("contest/slate-width", lambda t: _contest(points=_pts(), slate=_mlb_slate()), InputError, "points",
        "38", "12"),
    ok("contest/numpy-field-size", lambda t: _contest(field_size=np.int64(99), entry_fee=np.float32(10)),
       lambda r: r.contest_size == 100),

    # ================================================================= PayoutCurveFitter (beyond round 1)
    bad("fit/entries-bool", lambda t: dfslab.PayoutCurveFitter().load().generate(True, 5.0), InputError,
        "entries", "True"),
    bad("fit/fee-none", lambda t: dfslab.PayoutCurveFitter().load().generate(100, None), InputError,
        "entry_fee", "None"),
    bad("fit/tier-number", lambda t: dfslab.PayoutCurveFitter().load().generate(100, 5.0, tier=3), InputError,
        "tier", "3"),

    # ================================================================= SlateAnalysis: every setting, at construction
    bad("sa/not-slate", lambda t: dfslab.SlateAnalysis(_demo().players), InputError, "slate", "DataFrame"),
    bad("sa/n-scenarios-5", lambda t: _sa(n_scenarios=5), InputError, "n_scenarios", "10"),
    bad("sa/n-scenarios-text", lambda t: _sa(n_scenarios="1000"), InputError, "n_scenarios", "'1000'"),
    bad("sa/n-scenarios-1e8", lambda t: _sa(n_scenarios=10 ** 8), ResourceLimitError, "n_scenarios=100000000",
        GB, "limit"),
    bad("sa/n-lineups-zero", lambda t: _sa(n_lineups=0), InputError, "n_lineups"),
    bad("sa/n-lineups-above-field", lambda t: _sa(n_lineups=300, field_size=300), InputError, "n_lineups=300",
        "field_size=300"),
    bad("sa/n-lineups-limit", lambda t: _sa(n_lineups=20_000, field_size=100_000), ResourceLimitError,
        "n_lineups=20,000", "lineup_limit"),
    bad("sa/leverage-2", lambda t: _sa(leverage_penalty=2), InputError, "leverage_penalty", "2"),
    bad("sa/leverage-text", lambda t: _sa(leverage_penalty="some"), InputError, "leverage_penalty", "'some'"),
    bad("sa/overlap-negative", lambda t: _sa(max_overlap=-1), InputError, "max_overlap", "-1"),
    bad("sa/exposure-1.5", lambda t: _sa(max_exposure=1.5), InputError, "max_exposure", "1.5"),
    bad("sa/min-salary-text", lambda t: _sa(min_salary="48k"), InputError, "min_salary", "'48k'"),
    bad("sa/min-salary-above-cap", lambda t: _sa(min_salary=60_000), InputError, "min_salary", "60,000"),
    bad("sa/regime-aware-text", lambda t: _sa(regime_aware="no"), InputError, "regime_aware", "'no'"),
    bad("sa/selection", lambda t: _sa(selection="best"), InputError, "selection", "best"),
    bad("sa/candidates-zero", lambda t: _sa(n_candidates=0), InputError, "n_candidates"),
    bad("sa/candidates-limit", lambda t: _sa(selection="roi", n_candidates=10 ** 6), ResourceLimitError,
        "n_lineups=1,000,000|n_candidates", "lineup_limit"),
    bad("sa/field-size-1", lambda t: _sa(field_size=1), InputError, "field_size", "1"),
    bad("sa/field-size-1e10", lambda t: _sa(field_size=10 ** 10), ResourceLimitError, "field_size=10000000000",
        GB, "limit"),
    bad("sa/fee-text", lambda t: _sa(entry_fee="20"), InputError, "entry_fee", "'20'"),
    bad("sa/fee-zero", lambda t: _sa(entry_fee=0), InputError, "entry_fee"),
    bad("sa/payouts-list", lambda t: _sa(payouts=[(1, 1, 100.0)]), InputError, "payouts", "PayoutTable"),
    bad("sa/draws-zero", lambda t: _sa(n_field_draws=0), InputError, "n_field_draws"),
    bad("sa/results-too-big", lambda t: _sa(n_scenarios=20_000, n_field_draws=100_000, n_lineups=150,
                                            field_size=1000), ResourceLimitError, "n_field_draws", GB, "limit"),
    bad("sa/ownership-sums-100", lambda t: _sa(ownership=_own() / 6), InputError, "ownership", "600"),
    bad("sa/ownership-length", lambda t: _sa(ownership=np.full(6, 100.0)), InputError, "ownership", "length"),
    bad("sa/ownership-uncertainty-text", lambda t: _sa(ownership_uncertainty="yes"), InputError,
        "ownership_uncertainty", "'yes'"),
    bad("sa/estimator-text", lambda t: _sa(estimator="hgb"), InputError, "estimator", "'hgb'"),
    bad("sa/scenarios-width", lambda t: _sa(scenarios=np.ones((10, 5))), InputError, "scenarios", "38"),
    bad("sa/scenarios-nan", lambda t: _sa(scenarios=_pts_with(0, 0, np.nan)), InputError, "scenarios", "NaN"),
    bad("sa/excludes-unknown", lambda t: _sa(excludes=["Nobody Atall"]), InputError, "excludes",
        "Nobody Atall"),
    bad("sa/simulator-text", lambda t: _sa(simulator="fast"), InputError, "simulator", "'fast'"),
    bad("sa/optimize-on", lambda t: _sa(optimize_on="vegas"), InputError, "optimize_on", "vegas"),
    bad("sa/optimize-on-vendor-no-projection", lambda t: _sa(optimize_on="vendor"),  # the demo has none
        InputError, "optimize_on", "projection"),
    bad("sa/optimizer-options-pipeline-key", lambda t: _sa(optimizer_options={"n_lineups": 5}), InputError,
        "optimizer_options", "n_lineups"),
    bad("sa/optimizer-options-unknown", lambda t: _sa(optimizer_options={"max_own": 30}), InputError,
        "optimizer_options", "max_own"),
    bad("sa/optimizer-options-bad-value", lambda t: _sa(optimizer_options={"min_low_owned": -1}), InputError,
        "min_low_owned"),
    bad("sa/optimizer-options-not-dict", lambda t: _sa(optimizer_options=["locks"]), InputError,
        "optimizer_options"),
    bad("sa/field-options-unknown", lambda t: _sa(field_options={"dup": 0.1}), InputError, "field_options",
        "dup"),
    bad("sa/field-options-bad-value", lambda t: _sa(field_options={"dup_prob": 2}), InputError, "dup_prob"),
    bad("sa/field-options-pipeline-key", lambda t: _sa(field_options={"random_state": 3}), InputError,
        "field_options", "random_state"),
    bad("sa/given-scenarios", lambda t: _sa(given_scenarios="half"), InputError, "given_scenarios", "half"),
    bad("sa/seed-negative", lambda t: _sa(random_state=-1), InputError, "random_state", "-1"),
    bad("sa/seed-generator", lambda t: _sa(random_state=np.random.default_rng(0)), InputError, "random_state",
        "SeedSequence"),
    bad("sa/with-params-unknown", lambda t: _sa().with_params(n_lineup=5), InputError, "with_params",
        "n_lineup"),
    bad("sa/with-params-bad-value", lambda t: _sa().with_params(leverage_penalty=-1), InputError,
        "leverage_penalty"),
    bad("sa/contest-for-scores", lambda t: _sa().contest_for(fixed_scores=[np.nan]), InputError,
        "fixed_scores"),
    bad("sa/no-race-laps", lambda t: _sa(slate=dfslab.Slate(_demo().players, archetype="short",
                                                             name="nolaps")).scenarios,
        InputError, "nolaps", "race_laps"),
    ok("sa/numpy-settings", lambda t: _sa(n_lineups=np.int64(3), entry_fee=np.float64(5), max_exposure=1),
       lambda a: a.n_lineups == 3),

    # ================================================================= backtest_real_slates
    bad("backtest/unknown-strategy", lambda t: _bt(t, strategies=["moonshot"]), InputError, "strategies",
        "moonshot"),
    bad("backtest/strategy-text", lambda t: _bt(t, strategies="ours"), InputError, "strategies", "'ours'"),
    bad("backtest/strategy-settings", lambda t: _bt(t, strategies={"mine": {"n_lineup": 5}}), InputError,
        "mine", "n_lineup"),
    bad("backtest/strategy-settings-number", lambda t: _bt(t, strategies={"field_like": None, "mine": 5}),
        InputError, r"strategies\['mine'\]", "5"),  # None (the yardstick) is legal, 5 is not
    bad("backtest/n-lineups-zero", lambda t: _bt(t, n_lineups=0), InputError, "n_lineups"),
    bad("backtest/fee-text", lambda t: _bt(t, entry_fee="20"), InputError, "entry_fee", "'20'"),
    bad("backtest/field-size-text", lambda t: _bt(t, field_size="big"), InputError, "field_size", "'big'"),
    bad("backtest/seed-negative", lambda t: _bt(t, random_state=-1), InputError, "random_state", "-1"),
    bad("backtest/no-folder", lambda t: _bt(t, t.root / "nowhere"), InputError, "nowhere"),
    bad("backtest/race-missing-result", lambda t: _bt(t, _race_missing_result(t), races=[CHI]), InputError,
        "2026-07-05_chicagoland", "Denny Hamlin", "result"),
    bad("backtest/race-missing-salaries", lambda t: _bt(t, _race_missing_salaries(t), races=[CHI]), InputError,
        "2026-07-05_chicagoland", "pool.csv", "salary", "Chase Elliott"),
    bad("backtest/unknown-race", lambda t: _bt(t, t.race_folder().parent, races=["daytona"]), InputError,
        "races", "daytona"),

    # ================================================================= CLI: dfslab report (exit 2 before any kernel)
    bad("cli/no-source", lambda t: _cli("report"), InputError, "exit 2", "--demo"),
    bad("cli/unknown-command", lambda t: _cli("reprot"), InputError, "exit 2", "invalid choice", "reprot"),
    bad("cli/unknown-flag", lambda t: _cli("report", "--demo", "--lineups", "5"), InputError, "exit 2",
        "--lineups"),
    bad("cli/race-laps-text", lambda t: _cli("report", "--demo", "--race-laps", "long"), InputError, "exit 2",
        "--race-laps", "'long'"),
    bad("cli/race-laps-1e9", lambda t: _cli("report", "--demo", "--race-laps", "1000000000"), InputError, "exit 2",
        "race_laps", "20-600"),
    bad("cli/param-unknown", lambda t: _rep("-p", "n_lineup=150"), InputError, "exit 2", "n_lineup",
        "n_lineups"),
    bad("cli/param-no-value", lambda t: _rep("-p", "n_lineups"), InputError, "exit 2", "NAME=VALUE"),
    bad("cli/param-int-text", lambda t: _rep("-p", "n_lineups=many"), InputError, "exit 2", "n_lineups",
        "'many'"),
    bad("cli/param-bool", lambda t: _rep("-p", "regime_aware=maybe"), InputError, "exit 2", "regime_aware"),
    bad("cli/n-lineups-zero", lambda t: _rep("-p", "n_lineups=0"), InputError, "exit 2", "n_lineups"),
    bad("cli/field-size-10", lambda t: _rep("-p", "field_size=10"), InputError, "exit 2", "n_lineups=20",
        "field_size=10"),
    bad("cli/field-size-negative", lambda t: _rep("-p", "field_size=-10"), InputError, "exit 2", "field_size",
        "-10"),
    bad("cli/entry-fee-nan", lambda t: _rep("-p", "entry_fee=nan"), InputError, "exit 2", "entry_fee"),
    bad("cli/entry-fee-inf", lambda t: _rep("-p", "entry_fee=inf"), InputError, "exit 2", "entry_fee"),
    bad("cli/leverage-negative", lambda t: _rep("-p", "leverage_penalty=-1"), InputError, "exit 2",
        "leverage_penalty"),
    bad("cli/max-exposure-2", lambda t: _rep("-p", "max_exposure=2"), InputError, "exit 2", "max_exposure"),
    bad("cli/min-salary-above-cap", lambda t: _rep("-p", "min_salary=60000"), InputError, "exit 2",
        "min_salary"),
    bad("cli/selection", lambda t: _rep("-p", "selection=best"), InputError, "exit 2", "selection", "best"),
    bad("cli/seed-negative", lambda t: _rep("-p", "random_state=-1"), InputError, "exit 2", "random_state"),
    bad("cli/n-scenarios-huge", lambda t: _rep("-p", "n_scenarios=100000000"), InputError, "exit 2",
        "n_scenarios", "limit"),
    bad("cli/archetype", lambda t: _rep("--archetype", "moon"), InputError, "exit 2", "archetype", "moon"),
    bad("cli/race-laps-negative", lambda t: _rep("-p", "race_laps=-5"), InputError, "exit 2", "race_laps"),
    bad("cli/date", lambda t: _rep("--date", "yesterday"), InputError, "exit 2", "date", "yesterday"),
    bad("cli/series", lambda t: _rep("--series", "f1"), InputError, "exit 2", "series", "f1"),
    bad("cli/payout-missing", lambda t: _rep("-p", f"payout_table={t.root / 'none.csv'}"), InputError, "exit 2",
        "payout_table", "not found"),
    bad("cli/payout-folder", lambda t: _rep("-p", f"payout_table={t.root}"), InputError, "exit 2",
        "payout_table", "not a file"),
    bad("cli/payout-malformed", lambda t: _rep("-p", f"payout_table={t.payout('1,1,100', '2,5,ten')}"),
        InputError, "exit 2", "payout_structure.csv", "row 3", "Payout"),
    bad("cli/starts-missing", lambda t: _rep("-p", f"starts={t.root / 'starts.csv'}"), InputError, "exit 2",
        "starts", "not found"),
    bad("cli/ownership-file-bad", lambda t: _rep("-p", f"ownership_file={t.write('own.csv', 'name,ownership')}"),
        InputError, "exit 2", "own.csv"),
    bad("cli/salaries-missing", lambda t: _cli("report", "--salaries", t.root / "DKSalaries.csv", "-q"),
        InputError, "exit 2", "DKSalaries.csv", "not found"),
    bad("cli/salaries-malformed", lambda t: _cli("report", "--salaries", t.dk({5: {"Salary": "abc"}}), "-q",
                                                 "--archetype", "short", "--race-laps", "200"),
        InputError, "exit 2", "DKSalaries.csv", "row 5", "Salary"),
    bad("cli/salaries-no-archetype", lambda t: _cli("report", "--salaries", _demo_csv(t), "-q", "--race-laps",
                                                    "267"), InputError, "exit 2", "archetype"),
    bad("cli/slate-missing", lambda t: _cli("report", "--slate", t.root / "nowhere", "-q"), InputError,
        "exit 2", "nowhere", "not found"),
    bad("cli/batch-missing", lambda t: _cli("report", "--batch", t.root / "b.yaml"), InputError, "exit 2",
        "b.yaml", "not found"),
    bad("cli/batch-malformed", lambda t: _cli("report", "--batch", t.write("b.yaml", "- slate: [demo\n")),
        InputError, "exit 2", "b.yaml"),
    bad("cli/batch-not-list", lambda t: _cli("report", "--batch", t.write("b.yaml", "slate: demo\n")),
        InputError, "b.yaml|parameter sets"),
    bad("cli/batch-bad-job", lambda t: _cli("report", "--batch", t.write("b.yaml", "- slate: demo\n  n_lineups: 0\n"
                                                                                   "- slate: demo\n  foo: 1\n")),
        InputError, "exit 1", "n_lineups", "foo"),
    # ================================================================= CLI: dfslab serve
    bad("cli/serve-port-text", lambda t: _cli("serve", "--port", "http"), InputError, "exit 2", "--port",
        "'http'"),
    bad("cli/serve-port-range", lambda t: _cli("serve", "--port", "70000"), InputError, "exit 2", "port",
        "70000", "65535"),
    bad("cli/serve-port-negative", lambda t: _cli("serve", "--port", "-1"), InputError, "exit 2", "port", "-1"),
    bad("cli/serve-host-empty", lambda t: _cli("serve", "--host", ""), InputError, "exit 2", "host"),
    bad("cli/serve-unknown-flag", lambda t: _cli("serve", "--workers", "4"), InputError, "exit 2", "--workers"),

    # ================================================================= API, dfslab's contract
    bad("api/own-no-drivers", lambda t: _api(OWN, {"race": RACE}), InputError, "HTTP 422", "drivers"),
    bad("api/own-three-drivers", lambda t: _api(OWN, _own_body(drivers=_drivers(n=3))), InputError, "HTTP 422",
        "drivers", "7"),
    bad("api/own-salary-text", lambda t: _api(OWN, _own_body(drivers=_drivers({2: {"salary": "lots"}}))),
        InputError, "HTTP 422", r"drivers\.2\.salary"),
    bad("api/own-salary-above-cap", lambda t: _api(OWN, _own_body(drivers=_drivers({4: {"salary": 60000}}))),
        InputError, "HTTP 422", r"drivers\.4\.salary", "50000"),
    bad("api/own-duplicate-id", lambda t: _api(OWN, _own_body(drivers=_drivers({1: {"id": _drivers()[0]["id"]}}))),
        InputError, "HTTP 422", "drivers", "unique", _drivers()[0]["id"]),
    bad("api/own-duplicate-start", lambda t: _api(OWN, _own_body(drivers=_drivers({1: {"start": 1}}))),
        InputError, "HTTP 422", "drivers", "start"),
    bad("api/own-missing-name", lambda t: _api(OWN, _own_body(drivers=_drivers({0: {"name": _DROP}}))),
        InputError, "HTTP 422", r"drivers\.0\.name"),
    bad("api/own-archetype", lambda t: _api(OWN, _own_body(race={**RACE, "track_archetype": "moon"})),
        InputError, "HTTP 422", r"race\.track_archetype"),
    bad("api/own-level", lambda t: _api(OWN, _own_body(level=1.5)), InputError, "HTTP 422", "level"),
    bad("api/own-unknown-field", lambda t: _api(OWN, _own_body(lvl=0.5)), InputError, "HTTP 422", "lvl"),
    bad("api/own-entries", lambda t: _api(OWN, _own_body(contest={"entries": 1})), InputError, "HTTP 422",
        r"contest\.entries"),
    bad("api/own-nan", lambda t: _api(OWN, None, raw=json.dumps(_own_body(drivers=_drivers({3: {
        "projection": float("nan")}})))), InputError, "HTTP 422", r"drivers\.3\.projection"),
    bad("api/own-not-json", lambda t: _api(OWN, None, raw="{drivers: ["), InputError, "HTTP 422", "JSON"),
    bad("api/cs-unknown-id", lambda t: _api(CSIM, _cs_body(my_lineups=[["nobody"] + _ids(_mine()[0])[1:]])),
        InputError, "HTTP 422", "my_lineups", "nobody"),
    bad("api/cs-five-drivers", lambda t: _api(CSIM, _cs_body(my_lineups=[_ids(_mine()[0])[:5]])), InputError,
        "HTTP 422", "my_lineups", "6"),
    bad("api/cs-over-cap", lambda t: _api(CSIM, _cs_body(my_lineups=[_ids(np.argsort(_demo().salaries)[-6:])])),
        InputError, "HTTP 422", "my_lineups", "cap"),
    bad("api/cs-ownership-100", lambda t: _api(CSIM, _cs_body(ownership_estimates=(_own() / 6).tolist())),
        InputError, "HTTP 422", "ownership_estimates", "600"),
    bad("api/cs-scores-huge", lambda t: _api(CSIM, _cs_body(scenario_driver_scores=[[1e9] * _n()] * 3)),
        InputError, "HTTP 422", "scenario_driver_scores"),
    bad("api/cs-scores-width", lambda t: _api(CSIM, _cs_body(scenario_driver_scores=[[10.0] * 5] * 3)),
        InputError, "HTTP 422", "scenario_driver_scores", "38"),
    bad("api/cs-field-size", lambda t: _api(CSIM, _cs_body(field_size=1)), InputError, "HTTP 422", "field_size"),
    bad("api/cs-fee-negative", lambda t: _api(CSIM, _cs_body(entry_fee=-5)), InputError, "HTTP 422",
        "entry_fee"),
    bad("api/cs-seed", lambda t: _api(CSIM, _cs_body(random_state=-1)), InputError, "HTTP 422", "random_state"),
    bad("api/cs-rake", lambda t: _api(CSIM, _cs_body(rake=1.5)), InputError, "HTTP 422", "rake"),
    bad("api/cs-payout-place-1e15", lambda t: _api(CSIM, _cs_body(payout_rows=[
        {"place_lo": 1, "place_hi": 1, "payout": 100}, {"place_lo": 2, "place_hi": 10 ** 15, "payout": 1}])),
        InputError, "HTTP 422", "place_hi|payout_rows"),
    bad("api/cs-work-limit", lambda t: _api(CSIM, _cs_body(scenario_driver_scores=_DROP, n_scenarios=10_000,
                                                           field_size=50_000, n_contest_sims=100)),
        InputError, "HTTP 422", "n_scenarios|field_size|n_contest_sims"),
    bad("api/opt-n-lineups", lambda t: _api(OPT, _opt_body(n_lineups=151)), InputError, "HTTP 422", "n_lineups"),
    bad("api/opt-leverage", lambda t: _api(OPT, _opt_body(leverage_penalty=2)), InputError, "HTTP 422",
        "leverage_penalty"),
    bad("api/opt-max-own-percent", lambda t: _api(OPT, _opt_body(max_ownership_per_driver=30)), InputError,
        "HTTP 422", "max_ownership_per_driver"),
    bad("api/opt-threshold-percent", lambda t: _api(OPT, _opt_body(low_ownership_threshold=10)), InputError,
        "HTTP 422", "low_ownership_threshold"),
    bad("api/opt-min-low", lambda t: _api(OPT, _opt_body(min_low_ownership_drivers=7)), InputError, "HTTP 422",
        "min_low_ownership_drivers"),
    bad("api/opt-regime-name", lambda t: _api(OPT, _opt_body(scenario_driver_scores=np.round(_pts(3), 2).tolist(),
                                                             scenario_regimes=["rain"] * 3)),
        InputError, "HTTP 422", "scenario_regimes"),
    bad("api/opt-regimes-length", lambda t: _api(OPT, _opt_body(scenario_driver_scores=np.round(_pts(3), 2).tolist(),
                                                                scenario_regimes=["chaos"] * 2)),
        InputError, "HTTP 422", "scenario_regimes", "3"),
    bad("api/opt-infeasible", lambda t: _api(OPT, _opt_body(max_ownership_per_driver=0.01)), InfeasibleError,
        "HTTP 400", "max_ownership_per_driver|ownership"),
    # ================================================================= API, the seed plan's contract
    bad("api/seed-own-no-salary", lambda t: _api(OWN, {"driver_data": _seed_pool({0: {"salary": _DROP}}),
                                                       "race_data": {"track_archetype": "short"}}),
        InputError, "HTTP 422", r"driver_data\.0\.salary"),
    bad("api/seed-own-few", lambda t: _api(OWN, {"driver_data": _seed_pool()[:3],
                                                 "race_data": {"track_archetype": "short"}}),
        InputError, "HTTP 422", "driver_data"),
    bad("api/seed-own-archetype", lambda t: _api(OWN, {"driver_data": _seed_pool(),
                                                       "race_data": {"track_archetype": "moon"}}),
        InputError, "HTTP 422", r"race_data\.track_archetype"),
    bad("api/seed-own-mixed", lambda t: _api(OWN, {"driver_data": _seed_pool(), "drivers": _drivers(),
                                                   "race_data": {"track_archetype": "short"}}),
        InputError, "HTTP 422", "drivers|driver_data"),
    bad("api/seed-cs-no-scores", lambda t: _api(CSIM, _seed_cs(my_lineup_scores=_DROP)), InputError, "HTTP 422",
        "my_lineup_scores"),
    bad("api/seed-cs-scores-text", lambda t: _api(CSIM, _seed_cs(my_lineup_scores=["high"])), InputError,
        "HTTP 422", r"my_lineup_scores\.0"),
    bad("api/seed-cs-ragged", lambda t: _api(CSIM, _seed_cs(scenario_driver_scores=[[1.0] * _n(), [1.0] * 5])),
        InputError, "HTTP 422", "scenario_driver_scores"),
    bad("api/seed-cs-buyin", lambda t: _api(CSIM, _seed_cs(contest_buyin=0)), InputError, "HTTP 422",
        "contest_buyin"),
    bad("api/seed-cs-tier", lambda t: _api(CSIM, _seed_cs(contest_size_tier="huge")), InputError, "HTTP 422",
        "contest_size_tier"),
    bad("api/seed-cs-ownership-sum", lambda t: _api(CSIM, _seed_cs(ownership_estimates=[12.0] * _n())),
        InputError, "HTTP 422", "ownership_estimates", "600"),
    bad("api/seed-opt-cap", lambda t: _api(OPT, _seed_opt(constraint_spec={"salary_cap": 60000})), InputError,
        "HTTP 422", r"constraint_spec\.salary_cap", "50,000"),
    bad("api/seed-opt-roster", lambda t: _api(OPT, _seed_opt(constraint_spec={"n_drivers": 5})), InputError,
        "HTTP 422", r"constraint_spec\.n_drivers"),
    bad("api/seed-opt-no-pool", lambda t: _api(OPT, _seed_opt(driver_data=_DROP)), InputError, "HTTP 422",
        "driver_data"),
    bad("api/seed-opt-ownership-sum", lambda t: _api(OPT, _seed_opt(ownership_estimates=[20, 15, 12, 10, 8, 7])),
        InputError, "HTTP 422", "ownership_estimates"),
    bad("api/seed-opt-leverage", lambda t: _api(OPT, _seed_opt(leverage_penalty=-0.5)), InputError, "HTTP 422",
        "leverage_penalty"),
]
