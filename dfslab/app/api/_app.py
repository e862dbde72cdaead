"""FastAPI application: thin endpoints over dfslab's engines (no logic the library lacks)."""

from __future__ import annotations

import functools
import logging
import threading
import time
import uuid
import warnings
from types import SimpleNamespace
from typing import Annotated, Union

import anyio
import numpy as np
import pandas as pd
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import Discriminator, Tag

from ... import __version__
from ...contest import PayoutCurveFitter
from ...exceptions import InfeasibleError, InputError
from ...ownership import estimate_ownership
from ...payouts import PayoutTable
from ...slate import Slate
from . import _models as M
from . import _seed as S
from ._ownership import ownership_estimator

log = logging.getLogger("dfslab.app.api")

# One heavy computation at a time per process: the engines are vectorized and use the cores;
# parallel requests would only thrash memory. Others wait up to COMPUTE_WAIT seconds, then get 503.
# Waiting happens on the event loop (no worker thread is held while queued), and /health never
# touches this semaphore or the thread pool, so it answers while heavy requests run or queue.
COMPUTE_WAIT = 120.0
_COMPUTE = threading.BoundedSemaphore(1)


# ---------------------------------------------------------------------------
# Caches shared by every app instance of the process

def _ownership_model(method: str = "stacking"):
    """The pretrained NASCAR ownership estimator (one model; track archetype is one of its features), cached."""
    return ownership_estimator(method)


@functools.lru_cache(maxsize=1)
def _payout_fitter() -> PayoutCurveFitter:
    """Per-tier payout-curve parameters, fitted offline on the real DK GPP tables (shipped JSON)."""
    return PayoutCurveFitter().load()


@functools.lru_cache(maxsize=64)
def _fitted_payouts(entries: int, entry_fee: float, rake: float | None, tier: str | None) -> PayoutTable:
    return _payout_fitter().generate(entries=entries, entry_fee=entry_fee, rake=rake, tier=tier)


def clear_caches() -> None:
    """Drop every cached model (tests, or after updating shipped parameters)."""
    ownership_estimator.cache_clear()
    _payout_fitter.cache_clear()
    _fitted_payouts.cache_clear()
    from ...pipeline import clear_caches as _clear_pipeline

    _clear_pipeline()


# ---------------------------------------------------------------------------
# Request -> library objects

def _slate(drivers: list[M.DriverIn], race: M.RaceIn) -> Slate:
    players = pd.DataFrame({
        "player_id": [d.id for d in drivers],
        "name": [d.name for d in drivers],
        "salary": [d.salary for d in drivers],
        "position": "D",
    })
    if any(d.start is not None for d in drivers):  # none = before qualifying: the simulator draws them
        players["start"] = [d.start for d in drivers]
    if drivers[0].projection is not None:
        players["projection"] = [d.projection for d in drivers]
    return Slate(players, archetype=race.track_archetype, race_laps=race.race_laps, series=race.series,
                 track=race.track, name="api")


def _warn_notes(caught) -> list[str]:
    seen: list[str] = []
    for w in caught:
        msg = str(w.message).strip().splitlines()[0][:300] if str(w.message).strip() else type(w.message).__name__
        if msg not in seen:
            seen.append(msg)
    return seen


def _fmt(x) -> float:
    return float(x) if np.isfinite(x) else 0.0


def _unseen_archetype_note(est, archetype: str | None) -> list[str]:
    """Say so when the model never saw a slate of this archetype (its feature is constant in training)."""
    names = list(getattr(est, "feature_names_in_", []))
    col = f"arch_{archetype}"
    if archetype is None or col not in names:
        return []
    j = names.index(col)
    if est.x_mean_[j] == 0.0:
        return [f"the pretrained ownership model saw no {archetype} slates (its training slates are real 2025 DK "
                f"NASCAR slates of other archetypes): the track archetype does not inform this forecast"]
    return []


# ---------------------------------------------------------------------------
# Error responses

_TAGS = ("dfslab", "seed")


def _validation_detail(errors) -> list[dict]:
    # No "input" echo: a bad scenario matrix would be sent back whole. The contract tag of the
    # request-body union ("dfslab" / "seed") is dropped so loc names the client's own field.
    out = []
    for e in errors:
        loc = list(e.get("loc", ()))
        if len(loc) >= 2 and loc[0] == "body" and loc[1] in _TAGS:
            del loc[1]
        msg = str(e.get("msg", ""))
        if loc == ["body", "drivers"] and e.get("type") == "missing":  # neither contract's driver pool was sent
            msg += " (the driver pool: send drivers, or driver_data in the seed plan's contract)"
        out.append({"loc": loc, "msg": msg, "type": str(e.get("type", ""))})
    return out


def _mapped(run_name: str, req):
    """Run an endpoint body in a worker thread: either contract, library errors mapped to HTTP codes, no traces.

    ``run_name`` is looked up at call time (tests replace ``_run_ownership``). A seed-plan request is
    translated onto dfslab's request first; its translation notes lead the response's notes.
    """
    run = globals()[run_name]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if isinstance(req, (S.SeedOwnershipRequest, S.SeedContestSimRequest, S.SeedLeverageOptimizeRequest)):
                internal, kwargs, notes = req.to_dfslab()
                out = run(internal, **kwargs)
                out.notes = notes + list(out.notes)
            else:
                out = run(req)
        if hasattr(out, "notes"):
            out.notes = list(dict.fromkeys(list(out.notes) + _warn_notes(caught)))
        return out
    except InfeasibleError as e:
        return JSONResponse(status_code=400, content={"detail": f"infeasible: {e}"})
    except InputError as e:
        return JSONResponse(status_code=422, content={"detail": [{"loc": ["body"], "msg": str(e), "type": "input_error"}]})
    except Exception:  # unexpected: log it all, send a short reference
        ref = uuid.uuid4().hex[:12]
        log.exception("unhandled error in %s (ref %s)", run_name, ref)
        return JSONResponse(status_code=500, content={"detail": f"internal server error (ref {ref}); see the server log"})


async def _heavy(run_name: str, req):
    """Serialise heavy work: wait for the process-wide slot on the event loop, then compute in a thread.

    A queued request holds no worker thread (a blocking acquire in the thread pool would, and 40
    queued requests would starve every other endpoint of threads); after COMPUTE_WAIT seconds: 503.
    """
    deadline = time.monotonic() + COMPUTE_WAIT
    pause = 0.005
    while not _COMPUTE.acquire(blocking=False):
        if time.monotonic() >= deadline:
            return JSONResponse(status_code=503, content={"detail": "server busy with another computation; retry later"})
        await anyio.sleep(pause)
        pause = min(0.05, pause * 2)
    try:
        # Not cancellable once started: the slot is released only when the thread has finished.
        return await anyio.to_thread.run_sync(_mapped, run_name, req)
    finally:
        _COMPUTE.release()


class BodySizeLimit:
    """ASGI middleware: 413 for request bodies over ``max_bytes`` (Content-Length or streamed)."""

    def __init__(self, app, max_bytes: int = M.MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        too_big = JSONResponse(status_code=413, content={"detail": f"request body over {self.max_bytes:,} bytes"})
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    return await JSONResponse(status_code=400, content={"detail": "bad Content-Length"})(scope, receive, send)
                if n > self.max_bytes:
                    return await too_big(scope, receive, send)
        chunks, total = [], 0
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            body = msg.get("body", b"")
            total += len(body)
            if total > self.max_bytes:
                return await too_big(scope, receive, send)
            chunks.append(body)
            if not msg.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


# ---------------------------------------------------------------------------
# Endpoint bodies

def _run_ownership(req: M.OwnershipRequest) -> M.OwnershipResponse:
    slate = _slate(req.drivers, req.race)
    est = _ownership_model(req.ensemble_method)
    df = estimate_ownership(slate, estimator=est, level=req.level,
                            contest={"type": req.contest.type, "entries": req.contest.entries})
    preds = []
    for d, row in zip(req.drivers, df.itertuples(index=False)):
        p = M.OwnershipPrediction(driver_id=d.id, name=d.name, salary=d.salary, ownership_percent=float(row.ownership))
        if req.include_uncertainty:
            p.uncertainty_lower, p.uncertainty_upper, p.std = float(row.lower), float(row.upper), float(row.std)
        preds.append(p)
    return M.OwnershipResponse(ownership_predictions=preds, total_ownership=float(df.ownership.sum()),
                               roster_size=slate.rules.roster_size,
                               level=req.level if req.include_uncertainty else None, ensemble_method=req.ensemble_method,
                               model=f"pretrained NASCAR HybridOwnershipEstimator (GLM + Poisson regression, "
                                     f"{req.ensemble_method}: weights {np.round(est.weights_, 3).tolist()})",
                               notes=_unseen_archetype_note(est, slate.archetype))


FIXED_SCORE_NOTE = (
    "my_lineup_scores are FIXED: each lineup scores exactly its number in every scenario, so this ignores the "
    "lineup's own swings from race to race and its correlation with the field (drivers it shares with field "
    "lineups score together, for better or worse); a real lineup's ROI, cash and win rates differ. Send the "
    "lineup's drivers instead (dfslab's contract: drivers + my_lineups) to score it in every scenario."
)


def _analysis(req, slate: Slate, own, payouts=None, needs_scenarios: bool = True, **kw):
    """The request as a :class:`~dfslab.SlateAnalysis` (the one pipeline; this module only translates)."""
    from ...pipeline import SlateAnalysis

    scen = None
    if req.scenario_driver_scores is not None:
        pts = np.asarray(req.scenario_driver_scores, dtype=float)
        regs = getattr(req, "scenario_regimes", None)
        names = ("dominator", "chaos", "fuel_mileage")
        scen = SimpleNamespace(points=pts, regime=None if regs is None else
                               np.array([names.index(r) for r in regs], np.int8),
                               regime_names=names if regs is not None else ("all",))
    elif slate.race_laps is None and needs_scenarios:
        raise InputError("race.race_laps is needed to simulate races; give it, or give scenario_driver_scores")
    return SlateAnalysis(slate, n_scenarios=max(int(getattr(req, "n_scenarios", 0) or 0), 10),
                         field_size=getattr(req, "field_size", 5000), scenarios=scen, given_scenarios="all",
                         ownership=own, estimator=_ownership_model(), ownership_uncertainty=own is None,
                         payouts=payouts, random_state=req.random_state, progress=False, min_salary=None,
                         max_exposure=None, **kw)


def _sim_note(a) -> list[str]:
    if a.scenarios_given is not None:
        return []
    sc = a.eval_scenarios
    return [f"{a.n_scenarios} races simulated (dfslab.RaceSimulator, strength: {sc.strength_source}); each "
            "scenario's driver means are drawn around the blended projection with an error fitted on real races"]


def _run_contest(req: M.ContestSimRequest, fixed_scores=None) -> M.ContestSimResponse:
    """Contest simulation of driver lineups, or of fixed lineup scores (the seed plan's my_lineup_scores)."""
    slate = _slate(req.drivers, req.race)
    n_my = len(req.my_lineups) if fixed_scores is None else len(fixed_scores)
    if req.payout_rows is not None:
        table = PayoutTable.from_rows([(r.place_lo, r.place_hi, r.payout) for r in req.payout_rows])
        tier = None
    else:
        tier = req.contest_size_tier or _payout_fitter().tier_of(req.field_size)
        table = _fitted_payouts(req.field_size, float(req.entry_fee), req.rake, tier)
    a = _analysis(req, slate, req.ownership_estimates, payouts=table, entry_fee=req.entry_fee,
                  n_field_draws=req.n_contest_sims, n_lineups=max(1, min(n_my, req.field_size - 1)))
    notes = _sim_note(a)
    if fixed_scores is None:
        pos = {pid: i for i, pid in enumerate(slate.players.player_id)}
        mine = np.array([[pos[x] for x in lu] for lu in req.my_lineups], dtype=np.int64)
        res = a.contest_for(mine)
        labels = [dict(lineup=list(lu)) for lu in req.my_lineups]
    else:
        res = a.contest_for(fixed_scores=fixed_scores)
        labels = [dict(lineup=None, fixed_score=float(x)) for x in fixed_scores]
        notes.insert(0, FIXED_SCORE_NOTE)
    own = a.ownership_vector
    points = a.eval_scenarios.points
    p = res.portfolio

    def rates(m) -> dict:
        # Library rates are percent; the API reports fractions.
        return dict(roi=_fmt(m["roi_mean"]), roi_se=_fmt(m["roi_se"]), roi_std=_fmt(m["roi_std"]),
                    roi_lower_5=_fmt(m["roi_p5"]), roi_upper_95=_fmt(m["roi_p95"]),
                    cash_pct=_fmt(m["cash_pct"]) / 100, cash_se=_fmt(m["cash_se"]) / 100,
                    win_prob=_fmt(m["win_pct"]) / 100, win_se=_fmt(m["win_se"]) / 100,
                    top1_pct=_fmt(m["top1_pct"]) / 100, best_rank=int(m["best_rank"]),
                    worst_rank=int(m["worst_rank"]), best_payout=_fmt(m["best_payout"]))

    per = [M.LineupContestResult(**lab, **rates(row)) for lab, row in zip(labels, res.per_lineup.to_dict("records"))]
    return M.ContestSimResponse(
        **rates(p), n_simulations=int(p["n_simulations"]), n_scenarios=int(points.shape[0]),
        n_contest_sims=req.n_contest_sims, field_size=req.field_size, n_opponents=req.field_size - n_my,
        entry_fee=req.entry_fee, contest_size_tier=tier, prize_pool=float(table.pool), n_paid=int(table.n_paid),
        per_lineup=per, ownership_used=own.tolist(), notes=notes + [str(n) for n in res.notes],
    )


def _run_optimize(req: M.LeverageOptimizeRequest) -> M.LeverageOptimizeResponse:
    slate = _slate(req.drivers, req.race)
    has_proj = "projection" in slate.players
    opts = dict(
        # API fractions -> library percent
        max_ownership_per_driver=None if req.max_ownership_per_driver is None else 100.0 * req.max_ownership_per_driver,
        min_low_owned=req.min_low_ownership_drivers, low_owned_threshold=100.0 * req.low_ownership_threshold,
        max_total_ownership=None if req.max_total_ownership is None else 100.0 * req.max_total_ownership)
    rules = None
    if req.driver_rules:  # the library resolves and checks them (InfeasibleError -> 400 naming the rule)
        rules = pd.DataFrame([{"id": r.id, "lock": r.lock, "exclude": r.exclude,
                               "min_exposure": "" if r.min_exposure is None else r.min_exposure,
                               "max_exposure": "" if r.max_exposure is None else r.max_exposure}
                              for r in req.driver_rules])
    a = _analysis(req, slate, req.ownership_estimates, n_lineups=req.n_lineups,
                  leverage_penalty=req.leverage_penalty, max_overlap=req.max_overlap,
                  regime_aware=bool(req.use_regime_allocation),
                  needs_scenarios=bool(req.use_regime_allocation) or not has_proj,
                  optimize_on="vendor" if has_proj and not req.use_regime_allocation else "model",
                  optimizer_options=opts, driver_rules=rules)
    own = a.ownership_vector
    notes: list[str] = [] if (has_proj and not req.use_regime_allocation) else _sim_note(a)
    if has_proj and not req.use_regime_allocation:
        proj, source = slate.players["projection"].to_numpy(float), "drivers[].projection"
    elif req.scenario_driver_scores is not None:
        proj, source = a.mean_points, "mean of scenario_driver_scores"
    else:
        proj, source = a.mean_points, "mean of simulated races"
    if req.max_ownership_per_driver is not None:
        over = np.flatnonzero(own > 100.0 * req.max_ownership_per_driver)
        if len(over):
            names = ", ".join(f"{slate.players.name[i]} ({own[i]:.1f}%)" for i in over[np.argsort(-own[over])][:8])
            notes.append(f"max_ownership_per_driver={req.max_ownership_per_driver:g} keeps {len(over)} driver(s) projected "
                         f"above {100 * req.max_ownership_per_driver:g}% out of every lineup: {names}"
                         + (" ..." if len(over) > 8 else ""))
    if a.driver_rules is not None:
        r = a.driver_rules
        notes.append(f"driver_rules for {r.n_rules} driver(s): {len(r.locked_names)} locked, "
                     f"{len(r.excluded_names)} excluded, {int(np.isfinite(r.min_exposure).sum())} min / "
                     f"{int(np.isfinite(r.max_exposure).sum())} max exposures (constraints of the model)")
    pf = a.portfolio
    players = slate.players
    lineups = []
    for lu, row in zip(pf.lineups, pf.table.to_dict("records")):
        lineups.append(M.LineupWithLeverage(
            drivers=[M.DriverInLineup(driver_id=str(players.player_id[i]), name=str(players.name[i]),
                                      salary=int(players.salary[i]), ownership=float(own[i]), projection=float(proj[i]))
                     for i in lu],
            total_projected_points=float(row["projection"]), total_salary=int(row["salary"]),
            avg_ownership=float(row["avg_own"]), max_ownership=float(row["max_own"]),
            total_ownership=float(row["total_own"]), n_low_owned=int(row["n_low_owned"]),
            leverage_score=float(row["leverage_score"]), objective=float(row["objective"]),
            regime=row.get("regime") or None,
        ))
    m = pf.metrics
    return M.LeverageOptimizeResponse(
        lineups=lineups,
        portfolio_metrics=M.PortfolioMetrics(
            n_lineups=int(m["n_lineups"]), unique_drivers=int(m["unique_drivers"]),
            mean_projection=float(m["mean_projection"]), mean_leverage_score=float(m["mean_leverage_score"]),
            max_pair_overlap=int(m["max_pair_overlap"]), method=str(m["method"]), seconds=float(m["seconds"])),
        ownership_metrics=M.OwnershipMetrics(
            avg_lineup_ownership=float(m["avg_lineup_ownership"]), min_lineup_ownership=float(m["min_lineup_ownership"]),
            max_lineup_ownership=float(m["max_lineup_ownership"]), avg_driver_ownership=float(m["avg_driver_ownership"]),
            low_ownership_driver_count=int(m["low_owned_drivers_used"]),
            diversification_score=float(m["diversification_score"])),
        ownership_used=own.tolist(), projections_used=np.asarray(proj, float).tolist(), projection_source=source,
        notes=notes,
    )


# ---------------------------------------------------------------------------

_LIMITS = {
    "max_drivers": M.MAX_DRIVERS, "max_lineups": M.MAX_LINEUPS, "max_scenarios_simulated": M.MAX_SCENARIOS,
    "max_scenario_rows_in_body": M.MAX_SCENARIO_ROWS, "max_field_size": M.MAX_FIELD_SIZE,
    "max_contest_sims": M.MAX_CONTEST_SIMS, "max_scenarios_x_field_x_sims": M.MAX_CONTEST_WORK,
    "max_field_size_x_sims": M.MAX_FIELD_ENTRIES, "max_scenarios_x_sims_x_lineups": M.MAX_RESULT_CELLS, "max_body_bytes": M.MAX_BODY_BYTES,
}

_DESCRIPTION = f"""
REST API over dfslab's NASCAR DraftKings engines (ownership, contest simulation, leverage-aware optimization).

**No login.** Anyone who can reach the port can run computations: keep the default 127.0.0.1, or put an
authenticating proxy in front before binding another address (e.g. `--host 0.0.0.0`).

**Two request contracts per endpoint.** dfslab's (`drivers`, `race`, `my_lineups`, ...) and the project's original
plan's (`driver_data`, `race_data`, `ensemble_method`, `my_lineup_scores`, `contest_buyin`, `constraint_spec`, ...):
a body carrying one of the plan's field names is read as the plan's. Where the plan cannot be served as written
the 422 says why and which field to send (a driver pool with salaries; ownership x 6).

**Units.** Ownership estimates are PERCENT of entries per driver (0-100), summing to 100 x roster size = 600.
`leverage_penalty`, `max_ownership_per_driver`, `low_ownership_threshold` and the contest rates
(`cash_pct`, `win_prob`, `top1_pct`) are FRACTIONS in [0, 1]; `max_total_ownership` is a fraction summed over six
drivers, in [0, 6]. ROI is a fraction (0.25 = +25%). Lineups are lists of driver ids.

**Errors.** 422: invalid request (`detail[].loc` names the field) or input the library rejects;
400: infeasible optimization (the reason says which rule binds); 413: body too large; 503: busy;
500: unexpected (a short reference; details only in the server log).

**Limits** (one request cannot exhaust memory or run for minutes): at most {M.MAX_DRIVERS} drivers,
{M.MAX_LINEUPS} lineups, {M.MAX_SCENARIOS:,} simulated scenarios ({M.MAX_SCENARIO_ROWS:,} given in the body),
field_size {M.MAX_FIELD_SIZE:,}, n_contest_sims {M.MAX_CONTEST_SIMS}, n_scenarios x field_size x n_contest_sims
<= {M.MAX_CONTEST_WORK:,}, field_size x n_contest_sims <= {M.MAX_FIELD_ENTRIES:,},
n_scenarios x n_contest_sims x n_lineups <= {M.MAX_RESULT_CELLS:,}, body
<= {M.MAX_BODY_BYTES // 2**20} MiB. One computation runs at a time per process.
"""

_ERRS = {400: {"model": M.ErrorResponse, "description": "Infeasible optimization"},
         413: {"model": M.ErrorResponse, "description": "Body too large"},
         422: {"model": M.ErrorResponse, "description": "Invalid request"},
         500: {"model": M.ErrorResponse, "description": "Unexpected server error"},
         503: {"model": M.ErrorResponse, "description": "Busy"}}


def _contract(seed_keys: frozenset):
    """Pick the request model: the seed plan's when the body carries one of its own field names."""

    def pick(body) -> str:
        if isinstance(body, dict):
            return "seed" if seed_keys.intersection(body) else "dfslab"
        return "seed" if type(body).__name__.startswith("Seed") else "dfslab"

    return Discriminator(pick)


OwnershipBody = Annotated[Union[Annotated[M.OwnershipRequest, Tag("dfslab")],
                                Annotated[S.SeedOwnershipRequest, Tag("seed")]], _contract(S.SEED_KEYS["/ownership"])]
ContestSimBody = Annotated[Union[Annotated[M.ContestSimRequest, Tag("dfslab")],
                                 Annotated[S.SeedContestSimRequest, Tag("seed")]], _contract(S.SEED_KEYS["/contest-sim"])]
LeverageOptimizeBody = Annotated[Union[Annotated[M.LeverageOptimizeRequest, Tag("dfslab")],
                                       Annotated[S.SeedLeverageOptimizeRequest, Tag("seed")]],
                                 _contract(S.SEED_KEYS["/optimize-with-leverage"])]


def create_app() -> FastAPI:
    """Build the FastAPI application (models are cached per process, shared by every app).

    Examples
    --------
    >>> app = create_app()
    >>> sorted(p for p in app.openapi()["paths"])
    ['/contest-sim', '/health', '/optimize-with-leverage', '/ownership']
    """
    app = FastAPI(title="dfslab API", version=__version__, description=_DESCRIPTION)
    app.add_middleware(BodySizeLimit, max_bytes=M.MAX_BODY_BYTES)

    @app.exception_handler(RequestValidationError)
    async def _on_validation(request, exc: RequestValidationError):
        return JSONResponse(status_code=422, content={"detail": _validation_detail(exc.errors())})

    @app.exception_handler(Exception)
    async def _on_error(request, exc: Exception):  # last resort (errors outside the guarded bodies)
        ref = uuid.uuid4().hex[:12]
        log.error("unhandled error (ref %s)", ref, exc_info=exc)
        return JSONResponse(status_code=500, content={"detail": f"internal server error (ref {ref}); see the server log"})

    # async: answered on the event loop, never queued behind the thread pool or the compute slot
    @app.get("/health", response_model=M.HealthResponse, summary="Liveness and the request limits")
    async def health():
        return M.HealthResponse(status="ok", version=__version__, limits={k: float(v) for k, v in _LIMITS.items()})

    @app.post("/ownership", response_model=M.OwnershipResponse, responses=_ERRS,
              summary="Ownership forecast (percent of entries, sums to 600); dfslab's or the seed plan's contract")
    async def ownership(req: OwnershipBody):
        return await _heavy("_run_ownership", req)

    @app.post("/contest-sim", response_model=M.ContestSimResponse, responses=_ERRS,
              summary="Simulate my lineups in a GPP against a sampled field; dfslab's or the seed plan's contract")
    async def contest_sim(req: ContestSimBody):
        return await _heavy("_run_contest", req)

    @app.post("/optimize-with-leverage", response_model=M.LeverageOptimizeResponse, responses=_ERRS,
              summary="Leverage-aware lineup portfolio; dfslab's or the seed plan's contract")
    async def optimize_with_leverage(req: LeverageOptimizeBody):
        return await _heavy("_run_optimize", req)

    return app
