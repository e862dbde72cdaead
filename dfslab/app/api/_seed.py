"""The seed plan's request contract (``../shared/seed``), accepted beside dfslab's own.

Each endpoint takes either contract; a body carrying one of the plan's own field names
(``driver_data``, ``race_data``, ``my_lineup_scores``, ``contest_buyin``, ``constraint_spec``) is read
as the plan's. The models here only validate with the plan's field names and translate onto
dfslab's request models (:meth:`to_dfslab`); every number comes from the same internal paths.

Where the plan cannot be served as written the request fails with a 422 that says why and which
field to send: ownership summing to ~100 (multiply by 6: percent of entries sums to 600),
``my_lineup_scores`` or ``ownership_estimates`` without a driver pool (a field of DK lineups needs
salaries), a pool whose six cheapest drivers exceed the $50,000 cap (no legal lineup).
Additions the plan lacks are optional and named in docs/api.md.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from . import _models as M
from ._models import (
    ARCHETYPE,
    ENSEMBLE,
    MAX_CONTEST_SIMS,
    MAX_DRIVERS,
    MAX_FIELD_SIZE,
    MAX_LINEUPS,
    MAX_POINTS,
    MAX_SCENARIO_ROWS,
    MAX_SCENARIOS,
    REGIME,
    ROSTER_SIZE,
    SALARY_CAP,
    TIER,
    Percent,
    ScenarioRow,
)


class _Seed(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")
    # Field names only dfslab's contract has: a body mixing them with the plan's gets one clear message.
    _dfslab_only: ClassVar[frozenset] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _one_contract(cls, data):
        if isinstance(data, dict) and cls._dfslab_only:
            mixed = sorted(k for k in data if k in cls._dfslab_only)
            if mixed:
                seed = sorted(k for k in data if k in cls.model_fields)[:4]
                raise ValueError(f"mixes the two contracts: {mixed} belong to dfslab's contract, {seed} to the seed "
                                 "plan's; send one contract (docs/api.md shows both)")
        return data


class SeedDriverIn(_Seed):
    """One driver as the plan's ``driver_data`` gives it (``name`` and ``start`` are optional additions)."""

    model_config = ConfigDict(allow_inf_nan=False, extra="forbid", coerce_numbers_to_str=True)

    driver_id: str = Field(min_length=1, max_length=64, description="Unique driver id; numbers are read as text.")
    salary: int = Field(gt=0, le=SALARY_CAP, description="DK salary in dollars.")
    projected_points: float | None = Field(default=None, ge=-50, le=500,
                                           description="Projected DK points (give it for every driver or for none).")
    skill: float | None = Field(default=None, ge=-1e6, le=1e6,
                                description="Accepted and NOT used (the plan gives no scale; see the response notes).")
    name: str | None = Field(default=None, min_length=1, max_length=100,
                             description="Addition: display name (default 'driver <driver_id>').")
    start: int | None = Field(default=None, ge=1, le=100,
                              description="Addition: starting position (every driver or none); used by the ownership "
                                          "model; without it each simulated race draws its own start order.")

    def to_dfslab(self) -> M.DriverIn:
        # Constructed, not revalidated (the pool was checked as a whole by check_drivers).
        return M.DriverIn.model_construct(id=self.driver_id, name=self.name or f"driver {self.driver_id}",
                                          salary=self.salary, start=self.start, projection=self.projected_points)


class SeedRaceIn(_Seed):
    """The plan's ``race_data`` (``race_id`` and ``race_date`` are informational)."""

    model_config = ConfigDict(allow_inf_nan=False, extra="forbid", coerce_numbers_to_str=True)

    race_id: str | None = Field(default=None, max_length=64)
    track_archetype: ARCHETYPE
    race_date: str | None = Field(default=None, max_length=40, description="ISO date (informational).")
    race_laps: int | None = Field(default=None, ge=1, le=2000, description="Addition: scheduled laps; needed to simulate races.")
    series: Literal["cup", "xfinity", "trucks"] | None = None
    track: str | None = Field(default=None, max_length=100)

    def to_dfslab(self) -> M.RaceIn:
        return M.RaceIn(track_archetype=self.track_archetype, race_laps=self.race_laps, series=self.series,
                        track=self.track, race_date=self.race_date)


# A race with nothing known (the plan's contest and optimize requests carry no race): only used when
# neither ownership estimation nor race simulation needs one (both are checked before).
_NO_RACE = M.RaceIn.model_construct(track_archetype=None, race_laps=None, series=None, track=None, race_date=None)

SeedPool = Annotated[list[SeedDriverIn], Field(min_length=ROSTER_SIZE + 1, max_length=MAX_DRIVERS)]

_NEED_POOL_CONTEST = (
    "needed: my_lineup_scores are ranked against a field of DraftKings lineups, and a lineup is 6 drivers under "
    "the $50,000 salary cap, so the server needs each driver's salary to draw the field. Send driver_data: one "
    "entry per column of scenario_driver_scores, in the same order, each {driver_id, salary} (projected_points, "
    "start optional)."
)
_NEED_POOL_OPTIMIZE = (
    "needed: lineups are built from drivers under the $50,000 salary cap, so the server needs each driver's "
    "salary (and projected_points, else races are simulated). Send driver_data (or constraint_spec.drivers): "
    "one entry per value of ownership_estimates, in the same order, each {driver_id, salary, projected_points}."
)
_SKILL_NOTE = ("driver_data[].skill is not used: the plan gives it no scale; dfslab's race simulator takes driver "
               "strength on its own scale and the pretrained ownership model gives ratings no weight (its training "
               "slates carry none).")
_NO_START_NOTE = ("no driver_data[].start: the ownership model's starting-position feature is off (every training "
                  "slate had starts), so this forecast uses salary and projections only and is less accurate.")


def _pool_ids(info: ValidationInfo) -> int | None:
    pool = info.data.get("driver_data")
    return None if pool is None else len(pool)


def _check_pool(v: list[SeedDriverIn] | None) -> list[SeedDriverIn] | None:
    if v is not None:
        M.check_drivers([d.to_dfslab() for d in v], projection_field="projected_points")
    return v


def _notes(pool: list[SeedDriverIn] | None, ownership_estimated: bool) -> list[str]:
    notes = []
    if pool and any(d.skill is not None for d in pool):
        notes.append(_SKILL_NOTE)
    if pool and ownership_estimated and all(d.start is None for d in pool):
        notes.append(_NO_START_NOTE)
    return notes


# ---------------------------------------------------------------------------
# /ownership

class SeedOwnershipRequest(_Seed):
    """The plan's ``OwnershipRequest``: ``driver_data``, ``race_data``, ``ensemble_method``, ``include_uncertainty``."""

    driver_data: SeedPool = Field(description=f"The slate, {ROSTER_SIZE + 1}-{MAX_DRIVERS} drivers.")
    race_data: SeedRaceIn
    ensemble_method: ENSEMBLE = Field(default="stacking", description=M._ENSEMBLE_DESC)
    include_uncertainty: bool = False
    level: float = Field(default=0.8, ge=0.5, le=0.99, description="Addition: interval level.")

    _pool = field_validator("driver_data")(_check_pool)

    def to_dfslab(self) -> tuple[M.OwnershipRequest, dict, list[str]]:
        req = M.OwnershipRequest.model_construct(
            drivers=[d.to_dfslab() for d in self.driver_data], race=self.race_data.to_dfslab(), contest=M.ContestIn(),
            include_uncertainty=self.include_uncertainty, level=self.level, ensemble_method=self.ensemble_method)
        return req, {}, _notes(self.driver_data, True)


SeedOwnershipRequest._dfslab_only = frozenset(set(M.OwnershipRequest.model_fields) - set(SeedOwnershipRequest.model_fields))


# ---------------------------------------------------------------------------
# /contest-sim

class SeedContestSimRequest(_Seed):
    """The plan's ``ContestSimRequest``: fixed ``my_lineup_scores`` ranked against a field sampled from a driver pool.

    A fixed score is the same in every scenario; the response's notes say what that ignores.
    """

    driver_data: SeedPool | None = Field(
        default=None, validate_default=True,
        description="Addition the plan lacks, REQUIRED: the driver pool, one entry per column of scenario_driver_scores.")
    race_data: SeedRaceIn | None = Field(default=None, description="Addition: needed only when ownership_estimates is omitted.")
    my_lineup_scores: list[Annotated[float, Field(ge=-ROSTER_SIZE * MAX_POINTS, le=ROSTER_SIZE * MAX_POINTS)]] = Field(
        min_length=1, max_length=MAX_LINEUPS,
        description="My lineups as FIXED DK scores (the same in every scenario), at most 150.")
    scenario_driver_scores: list[ScenarioRow] = Field(
        min_length=1, max_length=MAX_SCENARIO_ROWS,
        description=f"DK points per scenario (rows) and driver (columns, the order of driver_data); at most "
                    f"{MAX_SCENARIO_ROWS:,} rows, |value| <= {MAX_POINTS:g}. Scores the field.")
    ownership_estimates: list[Percent] | None = Field(
        default=None, validate_default=True,
        description="Addition: field ownership, PERCENT of entries per driver summing to 600 (a vector summing to "
                    "~100 is rejected: multiply it by 6). Omit to estimate it (needs race_data).")
    field_size: int = Field(default=1000, ge=2, le=MAX_FIELD_SIZE,
                            description="TOTAL entries of the contest, my lineups included.")
    n_contest_sims: int = Field(default=100, ge=1, le=MAX_CONTEST_SIMS, description="Independent fields drawn.")
    contest_buyin: float = Field(default=20.0, gt=0, le=100_000, description="Entry fee, dollars.")
    contest_size_tier: TIER = Field(default="large", description="Payout curve tier (fitted on real DK GPPs).")
    random_state: int = Field(default=0, ge=0, le=2**32 - 1, description="Addition: seed of the field draws.")

    @field_validator("driver_data")
    @classmethod
    def _need_pool(cls, v):
        if v is None:
            raise ValueError(_NEED_POOL_CONTEST)
        return _check_pool(v)

    @field_validator("scenario_driver_scores")
    @classmethod
    def _scen(cls, v, info: ValidationInfo):
        return M.check_scenario_rows(v, _pool_ids(info))

    @field_validator("ownership_estimates")
    @classmethod
    def _own(cls, v, info: ValidationInfo):
        if v is None and info.data.get("driver_data") is not None and info.data.get("race_data") is None:
            raise ValueError("needed (or race_data, whose track_archetype lets the pretrained model estimate it): "
                             "the field's lineups are drawn to match this ownership")
        return M.check_ownership_vector(v, _pool_ids(info))

    @model_validator(mode="after")
    def _limits(self):
        M.check_contest_limits(len(self.scenario_driver_scores), self.field_size, self.n_contest_sims,
                               len(self.my_lineup_scores))
        return self

    def to_dfslab(self) -> tuple[M.ContestSimRequest, dict, list[str]]:
        req = M.ContestSimRequest.model_construct(
            drivers=[d.to_dfslab() for d in self.driver_data],
            race=self.race_data.to_dfslab() if self.race_data is not None else _NO_RACE,
            my_lineups=[], ownership_estimates=self.ownership_estimates,
            scenario_driver_scores=self.scenario_driver_scores, n_scenarios=len(self.scenario_driver_scores),
            field_size=self.field_size, n_contest_sims=self.n_contest_sims, entry_fee=self.contest_buyin,
            contest_size_tier=self.contest_size_tier, payout_rows=None, rake=None, random_state=self.random_state)
        return req, {"fixed_scores": list(self.my_lineup_scores)}, _notes(self.driver_data, self.ownership_estimates is None)


SeedContestSimRequest._dfslab_only = frozenset(set(M.ContestSimRequest.model_fields) - set(SeedContestSimRequest.model_fields))


# ---------------------------------------------------------------------------
# /optimize-with-leverage

class ConstraintSpec(_Seed):
    """The plan's ``constraint_spec``: DK NASCAR classic only (6 drivers, $50,000), optionally with the pool."""

    salary_cap: int = Field(default=SALARY_CAP, description=f"Must be {SALARY_CAP:,} (DK NASCAR classic).")
    n_drivers: int = Field(default=ROSTER_SIZE, description=f"Roster size; must be {ROSTER_SIZE}.")
    drivers: SeedPool | None = Field(default=None, description="The driver pool (or give it as driver_data).")

    @field_validator("salary_cap")
    @classmethod
    def _cap(cls, v):
        if v != SALARY_CAP:
            raise ValueError(f"dfslab serves DraftKings NASCAR classic: a ${SALARY_CAP:,} salary cap; got {v:,}. "
                             f"Send {SALARY_CAP}")
        return v

    @field_validator("n_drivers")
    @classmethod
    def _roster(cls, v):
        if v != ROSTER_SIZE:
            raise ValueError(f"dfslab serves DraftKings NASCAR classic: lineups of {ROSTER_SIZE} drivers; got {v}. "
                             f"Send {ROSTER_SIZE}")
        return v

    _pool = field_validator("drivers")(_check_pool)


class SeedLeverageOptimizeRequest(_Seed):
    """The plan's ``LeverageOptimizeRequest`` (fractions as in dfslab's contract; the plan's defaults)."""

    constraint_spec: ConstraintSpec | None = Field(default=None, description="Salary cap, roster size and optionally the pool.")
    driver_data: SeedPool | None = Field(
        default=None, validate_default=True,
        description="The driver pool, in the order of ownership_estimates (or constraint_spec.drivers); REQUIRED once.")
    race_data: SeedRaceIn | None = Field(
        default=None, description="Addition: needed when ownership_estimates is omitted or races must be simulated.")
    ownership_estimates: list[Percent] | None = Field(
        default=None, validate_default=True,
        description="PERCENT of entries per driver summing to 600 (a vector summing to ~100 is rejected: multiply "
                    "it by 6). Omit to estimate it (needs race_data).")
    scenario_driver_scores: list[ScenarioRow] | None = Field(
        default=None, min_length=1, max_length=MAX_SCENARIO_ROWS,
        description="Addition: DK points per scenario and driver; else races are simulated when needed.")
    scenario_regimes: list[REGIME] | None = Field(default=None, min_length=1, max_length=MAX_SCENARIO_ROWS,
                                                  description="Addition: regime of each given scenario.")
    n_lineups: int = Field(default=20, ge=1, le=MAX_LINEUPS)
    leverage_penalty: float = Field(default=0.5, ge=0, le=1)
    max_ownership_per_driver: float | None = Field(
        default=0.3, gt=0, le=1, description="FRACTION of entries: drivers projected above it are not used (plan default 0.3).")
    min_low_ownership_drivers: int = Field(default=2, ge=0, le=ROSTER_SIZE,
                                           description="At least this many drivers under 10% per lineup.")
    max_total_ownership: float | None = Field(
        default=3.0, gt=0, le=ROSTER_SIZE,
        description="Cap on a lineup's summed ownership as a FRACTION of entries (plan default 3.0 = 300%).")
    use_regime_allocation: bool = False
    n_scenarios: int = Field(default=1000, ge=10, le=MAX_SCENARIOS, description="Races simulated when needed.")
    random_state: int = Field(default=0, ge=0, le=2**32 - 1)

    @field_validator("driver_data")
    @classmethod
    def _need_pool(cls, v, info: ValidationInfo):
        spec = info.data.get("constraint_spec")
        in_spec = spec is not None and spec.drivers is not None
        if v is not None and in_spec:
            raise ValueError("the driver pool is given twice (driver_data and constraint_spec.drivers): send it once")
        if v is None and not in_spec:
            raise ValueError(_NEED_POOL_OPTIMIZE)
        return _check_pool(v)

    def pool(self) -> list[SeedDriverIn]:
        return self.driver_data if self.driver_data is not None else self.constraint_spec.drivers

    @field_validator("ownership_estimates")
    @classmethod
    def _own(cls, v, info: ValidationInfo):
        spec = info.data.get("constraint_spec")
        pool = info.data.get("driver_data") or (spec.drivers if spec is not None else None)
        if v is None and pool is not None and info.data.get("race_data") is None:
            raise ValueError("needed (or race_data, whose track_archetype lets the pretrained model estimate it)")
        return M.check_ownership_vector(v, None if pool is None else len(pool))

    @model_validator(mode="after")
    def _consistency(self):
        n = len(self.pool())
        M.check_scenario_rows(self.scenario_driver_scores, n)
        if self.scenario_regimes is not None:
            if self.scenario_driver_scores is None:
                raise ValueError("scenario_regimes needs scenario_driver_scores")
            if len(self.scenario_regimes) != len(self.scenario_driver_scores):
                raise ValueError(f"scenario_regimes has {len(self.scenario_regimes)} values for "
                                 f"{len(self.scenario_driver_scores)} scenarios")
        if self.use_regime_allocation and self.scenario_driver_scores is not None and self.scenario_regimes is None:
            raise ValueError("use_regime_allocation with scenario_driver_scores needs scenario_regimes")
        has_proj = self.pool()[0].projected_points is not None
        if self.scenario_driver_scores is None and (self.use_regime_allocation or not has_proj):
            why = "use_regime_allocation needs race scenarios" if self.use_regime_allocation else \
                "without driver_data[].projected_points the projections come from simulated races"
            missing = []
            if self.race_data is None or self.race_data.race_laps is None:
                missing.append("race_data.race_laps")
            if missing:
                raise ValueError(f"{why}: the server simulates {self.n_scenarios} races, which needs "
                                 f"{' and '.join(missing)}; or send scenario_driver_scores"
                                 + (" with scenario_regimes" if self.use_regime_allocation else ""))
        return self

    def to_dfslab(self) -> tuple[M.LeverageOptimizeRequest, dict, list[str]]:
        pool = self.pool()
        req = M.LeverageOptimizeRequest.model_construct(
            drivers=[d.to_dfslab() for d in pool],
            race=self.race_data.to_dfslab() if self.race_data is not None else _NO_RACE,
            ownership_estimates=self.ownership_estimates, scenario_driver_scores=self.scenario_driver_scores,
            scenario_regimes=self.scenario_regimes, n_lineups=self.n_lineups, leverage_penalty=self.leverage_penalty,
            max_ownership_per_driver=self.max_ownership_per_driver,
            min_low_ownership_drivers=self.min_low_ownership_drivers, low_ownership_threshold=0.10,
            max_total_ownership=self.max_total_ownership, max_overlap=4,
            use_regime_allocation=self.use_regime_allocation, n_scenarios=self.n_scenarios,
            random_state=self.random_state)
        return req, {}, _notes(pool, self.ownership_estimates is None)


SeedLeverageOptimizeRequest._dfslab_only = frozenset(set(M.LeverageOptimizeRequest.model_fields) - set(SeedLeverageOptimizeRequest.model_fields))

# Body keys that mark the seed plan's contract, per endpoint.
SEED_KEYS = {
    "/ownership": frozenset({"driver_data", "race_data"}),
    "/contest-sim": frozenset({"my_lineup_scores", "driver_data", "race_data", "contest_buyin"}),
    "/optimize-with-leverage": frozenset({"constraint_spec", "driver_data", "race_data"}),
}
