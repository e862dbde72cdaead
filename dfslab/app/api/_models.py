"""Request and response models of the REST API (pydantic v2).

Units (the dfslab conventions, which differ from the original seed plan):

* ownership estimates are PERCENT of entries per driver, 0-100 each, summing to
  100 x roster size (600 for NASCAR: every entry rosters six drivers);
* ``leverage_penalty``, ``max_ownership_per_driver`` and contest rates
  (``cash_pct``, ``win_prob``, ...) are FRACTIONS in [0, 1];
* ``max_total_ownership`` is a fraction of entries summed over a lineup's six
  drivers, in [0, 6] (1.5 = the lineup's drivers add up to 150% ownership);
* lineups are lists of driver ids from the request's ``drivers``.

The seed plan's request models (its field names, accepted beside these) are in ``_seed.py``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ...slate import ARCHETYPES, RACE_LAPS_RANGE

# ---------------------------------------------------------------------------
# Resource limits (stated in the OpenAPI descriptions; see docs/api.md for the measurements)
ROSTER_SIZE = 6
SALARY_CAP = 50_000
MAX_DRIVERS = 45            # exact enumeration of C(45, 6) = 8.1M lineups: ~1 s, ~0.45 GB peak
MAX_LINEUPS = 150           # DK's max entries per GPP
MAX_SCENARIOS = 10_000      # simulated server-side
MAX_SCENARIO_ROWS = 5_000   # given in the body (5,000 x 45 numbers ~ 2.5 MB of JSON)
MAX_FIELD_SIZE = 50_000
MAX_CONTEST_SIMS = 100
MAX_CONTEST_WORK = 100_000_000   # n_scenarios x field_size x n_contest_sims (field scores ranked)
MAX_FIELD_ENTRIES = 500_000      # field_size x n_contest_sims (opponent lineups sampled, ~25 us each)
MAX_RESULT_CELLS = 2_000_000     # n_scenarios x n_contest_sims x n_my_lineups (kept ROI samples)
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_POINTS = 1_000.0        # |DK points| of one driver in one scenario
OWNERSHIP_SUM_TOL = 6.0     # percentage points around 100 x roster size (1% of 600)

ARCHETYPE = Literal["superspeedway", "intermediate", "short", "road", "dirt"]
assert set(ARCHETYPE.__args__) == set(ARCHETYPES)  # keep in step with dfslab.ARCHETYPES
Percent = Annotated[float, Field(ge=0, le=100)]
ScenarioRow = Annotated[list[float], Field(max_length=MAX_DRIVERS)]
LineupIds = Annotated[list[str], Field(max_length=MAX_DRIVERS)]
REGIME = Literal["dominator", "chaos", "fuel_mileage"]
TIER = Literal["small", "medium", "large"]
ENSEMBLE = Literal["stacking", "voting"]
_ENSEMBLE_DESC = (
    "Ownership ensemble of the pretrained NASCAR model: 'stacking' (member weights fitted on held-out slates; "
    "the default) or 'voting' (equal weights). Both have the same two members, fitted on the same 8 real slates; "
    "each has its own conformal intervals."
)

_OWN_DESC = (
    "Projected ownership in PERCENT of entries, one value per driver in the order of `drivers`, each in "
    f"[0, 100], summing to 100 x roster size = 600 (within {OWNERSHIP_SUM_TOL:g} points): every entry rosters "
    "six drivers. A vector summing to ~100 (shares of roster spots) is rejected; multiply it by 6. "
    "Omit to use the pretrained NASCAR ownership model (the response echoes the vector used)."
)
_SCEN_DESC = (
    "DK points per scenario (rows) and driver (columns, the order of `drivers`): n_scenarios x n_drivers, "
    f"at most {MAX_SCENARIO_ROWS:,} rows, |value| <= {MAX_POINTS:g}. Omit to simulate `n_scenarios` races "
    "server-side with dfslab.RaceSimulator (needs `race.race_laps`)."
)


class _Model(BaseModel):
    # No NaN/Infinity (Python's JSON parser accepts them); unknown fields are errors, not silently dropped.
    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")


class DriverIn(_Model):
    """One driver of the slate."""

    model_config = ConfigDict(allow_inf_nan=False, extra="forbid", coerce_numbers_to_str=True)

    id: str = Field(min_length=1, max_length=64, description="Unique driver id (e.g. the DK id); numbers are read as text.")
    name: str = Field(min_length=1, max_length=100)
    salary: int = Field(gt=0, le=SALARY_CAP, description="DK salary in dollars.")
    start: int | None = Field(
        default=None, ge=1, le=100,
        description="Starting position (1 = pole); unique across drivers. Give it for every driver or, before "
                    "qualifying, for none: each simulated race then draws its own start order.",
    )
    projection: float | None = Field(
        default=None, ge=-50, le=500,
        description="Projected DK points (optional; give it for every driver or for none).",
    )


class RaceIn(_Model):
    """The race of the slate (the seed's ``race_data``)."""

    track_archetype: ARCHETYPE = Field(description="Track archetype: one of " + ", ".join(ARCHETYPES) + ".")
    race_laps: int | None = Field(default=None, ge=RACE_LAPS_RANGE[0], le=RACE_LAPS_RANGE[1],
                                  description="Scheduled laps (a real race's length); needed to simulate races.")
    series: Literal["cup", "xfinity", "trucks"] | None = None
    track: str | None = Field(default=None, max_length=100)
    race_date: str | None = Field(default=None, max_length=40, description="ISO date (informational).")


class ContestIn(_Model):
    """Contest context of the ownership features."""

    type: Literal["gpp", "cash"] = "gpp"
    entries: int = Field(default=1000, ge=2, le=10_000_000)


def check_drivers(drivers: list[DriverIn], projection_field: str = "projection") -> list[DriverIn]:
    """Unique ids and starts, starts and projections for all or none, and at least one legal lineup under the cap."""
    ids = [d.id for d in drivers]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"driver ids must be unique; repeated: {dup[:5]}")
    starts = [d.start for d in drivers if d.start is not None]  # none at all = before qualifying
    if 0 < len(starts) < len(drivers):
        miss = [d.id for d in drivers if d.start is None]
        raise ValueError(f"start is given for {len(starts)} of {len(drivers)} drivers (missing for ids {miss[:5]}): "
                         "give it for every driver or, before qualifying, for none")
    if len(set(starts)) != len(starts):
        dup = sorted({s for s in starts if starts.count(s) > 1})
        raise ValueError(f"start positions must be unique; repeated: {dup[:5]}")
    given = sum(d.projection is not None for d in drivers)
    if 0 < given < len(drivers):
        raise ValueError(f"{projection_field} is given for {given} of {len(drivers)} drivers: give it for every driver or none")
    cheapest = sum(sorted(d.salary for d in drivers)[:ROSTER_SIZE])
    if len(drivers) >= ROSTER_SIZE and cheapest > SALARY_CAP:
        raise ValueError(f"the six cheapest drivers cost ${cheapest:,} > the ${SALARY_CAP:,} cap: no legal lineup exists, "
                         f"so no entry can roster these drivers; send DK salaries under which six drivers fit the "
                         f"${SALARY_CAP:,} cap (DK NASCAR classic: 6 drivers, ${SALARY_CAP:,})")
    return drivers


def check_ownership_vector(v: list[float] | None, n: int | None) -> list[float] | None:
    """Ownership percent per driver: one per driver (when ``n`` is known), summing to 600 (explains ~100)."""
    if v is None:
        return v
    if n is not None and len(v) != n:
        raise ValueError(f"has {len(v)} values but the slate has {n} drivers (one value per driver, same order)")
    total = float(sum(v))
    target = 100.0 * ROSTER_SIZE
    if abs(total - target) > OWNERSHIP_SUM_TOL:
        hint = ""
        if abs(total - 100.0) <= 5.0:
            hint = (" It sums to ~100, as shares of roster spots would: dfslab ownership is the PERCENT OF ENTRIES "
                    "rostering each driver, and each entry rosters 6 drivers, so the values sum to 600. "
                    "Multiply your vector by 6.")
        elif abs(total - 1.0) <= 0.05 or abs(total - 6.0) <= 0.3:
            hint = " It looks like fractions: give percent (x 100)."
        raise ValueError(f"must sum to 100 x roster size = {target:g} (within {OWNERSHIP_SUM_TOL:g}); got {total:.2f}.{hint}")
    return v


def _check_ownership(v: list[float] | None, info: ValidationInfo) -> list[float] | None:
    drivers = info.data.get("drivers")
    return check_ownership_vector(v, None if drivers is None else len(drivers))


def check_scenario_rows(v: list[list[float]] | None, n: int | None) -> list[list[float]] | None:
    """Scenario matrix rows: each one value per driver (``n``, else the first row's width), |points| bounded."""
    if v is None:
        return v
    n = n if n is not None else len(v[0]) if v else 0
    for i, row in enumerate(v):
        if len(row) != n:
            raise ValueError(f"row {i} has {len(row)} values; every row needs one per driver ({n}, the order of drivers)")
        if row and max(abs(x) for x in row) > MAX_POINTS:
            raise ValueError(f"row {i}: |points| must be <= {MAX_POINTS:g}")
    return v


def _check_scenarios(v: list[list[float]] | None, info: ValidationInfo) -> list[list[float]] | None:
    drivers = info.data.get("drivers")
    return check_scenario_rows(v, None if drivers is None else len(drivers))


# ---------------------------------------------------------------------------
# /ownership

class OwnershipRequest(_Model):
    """Ownership forecast for one slate (the pretrained NASCAR model)."""

    drivers: list[DriverIn] = Field(min_length=ROSTER_SIZE + 1, max_length=MAX_DRIVERS,
                                    description=f"The slate, {ROSTER_SIZE + 1}-{MAX_DRIVERS} drivers.")
    race: RaceIn
    contest: ContestIn = Field(default_factory=ContestIn)
    include_uncertainty: bool = Field(default=False, description="Add the conformal interval and std per driver.")
    level: float = Field(default=0.8, ge=0.5, le=0.99, description="Interval level.")
    ensemble_method: ENSEMBLE = Field(default="stacking", description=_ENSEMBLE_DESC)

    _drivers = field_validator("drivers")(check_drivers)


class OwnershipPrediction(BaseModel):
    driver_id: str
    name: str
    salary: int
    ownership_percent: float = Field(description="Percent of entries (0-100).")
    uncertainty_lower: float | None = None
    uncertainty_upper: float | None = None
    std: float | None = None


class OwnershipResponse(BaseModel):
    ownership_predictions: list[OwnershipPrediction]
    total_ownership: float = Field(description="Sum of ownership_percent: 100 x roster size (600).")
    roster_size: int
    level: float | None = None
    ensemble_method: ENSEMBLE
    model: str
    notes: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------------------
# /contest-sim

class PayoutRow(_Model):
    place_lo: int = Field(ge=1)
    place_hi: int = Field(ge=1)
    payout: float = Field(ge=0, le=1e8, description="Prize per place in the range, dollars.")


class ContestSimRequest(_Model):
    """Simulate my lineups in a GPP against a sampled field.

    The seed plan took ``my_lineup_scores`` (one float per lineup). A fixed score cannot be ranked
    honestly against a field: the field's scores come from the same race as mine, so a lineup is
    only meaningful as its drivers, scored in every scenario alongside the field. Lineups are
    therefore lists of driver ids.
    """

    drivers: list[DriverIn] = Field(min_length=ROSTER_SIZE + 1, max_length=MAX_DRIVERS)
    race: RaceIn
    my_lineups: list[LineupIds] = Field(
        min_length=1, max_length=MAX_LINEUPS,
        description=f"My lineups: each a list of {ROSTER_SIZE} distinct driver ids from `drivers` (at most {MAX_LINEUPS}).",
    )
    ownership_estimates: list[Percent] | None = Field(default=None, description=_OWN_DESC)
    scenario_driver_scores: list[ScenarioRow] | None = Field(default=None, min_length=1, max_length=MAX_SCENARIO_ROWS,
                                                             description=_SCEN_DESC)
    n_scenarios: int = Field(default=1000, ge=10, le=MAX_SCENARIOS,
                             description="Races simulated when scenario_driver_scores is omitted.")
    field_size: int = Field(default=1000, ge=2, le=MAX_FIELD_SIZE,
                            description="TOTAL entries of the contest, my lineups included (opponents = field_size - len(my_lineups)).")
    n_contest_sims: int = Field(default=10, ge=1, le=MAX_CONTEST_SIMS,
                                description="Independent fields drawn; each faces every scenario.")
    entry_fee: float = Field(default=20.0, gt=0, le=100_000, description="Fee per entry, dollars (the seed's contest_buyin).")
    contest_size_tier: TIER | None = Field(
        default=None,
        description="Payout curve tier (fitted on real DK GPPs); default: the tier of field_size. Not with payout_rows.",
    )
    payout_rows: list[PayoutRow] | None = Field(default=None, max_length=10_000,
                                                description="Explicit payout table instead of a fitted tier curve.")
    rake: float | None = Field(default=None, ge=-1.0, lt=1.0,
                               description="Rake of the fitted curve's pool (default: the real contests' median); negative = overlay.")
    random_state: int = Field(default=0, ge=0, le=2**32 - 1)

    _drivers = field_validator("drivers")(check_drivers)
    _own = field_validator("ownership_estimates")(_check_ownership)
    _scen = field_validator("scenario_driver_scores")(_check_scenarios)

    @field_validator("my_lineups")
    @classmethod
    def _lineups(cls, v, info: ValidationInfo):
        salary = {d.id: d.salary for d in info.data.get("drivers") or []}
        ids = set(salary)
        for i, lu in enumerate(v):
            if len(lu) != ROSTER_SIZE:
                raise ValueError(f"lineup {i} has {len(lu)} drivers; a NASCAR lineup has {ROSTER_SIZE}")
            if len(set(lu)) != ROSTER_SIZE:
                raise ValueError(f"lineup {i} repeats a driver")
            unknown = [x for x in lu if x not in ids]
            if ids and unknown:
                raise ValueError(f"lineup {i}: unknown driver id(s) {unknown[:3]} (not in drivers)")
            if ids and sum(salary[x] for x in lu) > SALARY_CAP:
                raise ValueError(f"lineup {i} costs ${sum(salary[x] for x in lu):,} > the ${SALARY_CAP:,} salary cap")
        return v

    @model_validator(mode="after")
    def _limits(self):
        if self.payout_rows is not None and self.contest_size_tier is not None:
            raise ValueError("give contest_size_tier or payout_rows, not both")
        s = len(self.scenario_driver_scores) if self.scenario_driver_scores is not None else self.n_scenarios
        check_contest_limits(s, self.field_size, self.n_contest_sims, len(self.my_lineups))
        return self


def check_contest_limits(n_scenarios: int, field_size: int, n_contest_sims: int, n_mine: int) -> None:
    """At least one opponent, and the work / memory limits of one contest simulation."""
    if field_size <= n_mine:
        raise ValueError(f"field_size ({field_size}) is the TOTAL entries and must exceed the number of my lineups "
                         f"({n_mine}) so there is at least one opponent")
    work = n_scenarios * field_size * n_contest_sims
    if work > MAX_CONTEST_WORK:
        raise ValueError(f"n_scenarios x field_size x n_contest_sims = {work:,} exceeds the limit {MAX_CONTEST_WORK:,}")
    drawn = field_size * n_contest_sims
    if drawn > MAX_FIELD_ENTRIES:
        raise ValueError(f"field_size x n_contest_sims = {drawn:,} exceeds the limit {MAX_FIELD_ENTRIES:,} (field lineups sampled)")
    cells = n_scenarios * n_contest_sims * n_mine
    if cells > MAX_RESULT_CELLS:
        raise ValueError(f"n_scenarios x n_contest_sims x n_lineups = {cells:,} exceeds the limit {MAX_RESULT_CELLS:,}")


class LineupContestResult(BaseModel):
    lineup: list[str] | None = Field(description="Driver ids (None for a fixed score of the seed contract).")
    fixed_score: float | None = Field(default=None, description="The seed contract's my_lineup_scores value.")
    roi: float
    roi_se: float
    roi_std: float
    roi_lower_5: float
    roi_upper_95: float
    cash_pct: float = Field(description="Fraction of simulated contests in which this lineup cashes.")
    cash_se: float
    win_prob: float
    win_se: float
    top1_pct: float = Field(description="Fraction finishing in the top 1% of entries.")
    best_rank: int
    worst_rank: int
    best_payout: float


class ContestSimResponse(BaseModel):
    """Portfolio results; ROI is a fraction (0.25 = +25%); cash_pct / win_prob / top1_pct are FRACTIONS in [0, 1]
    (the library reports percent). Portfolio cash / win = ANY of my lineups cashes / wins."""

    roi: float
    roi_se: float
    roi_std: float
    roi_lower_5: float
    roi_upper_95: float
    cash_pct: float
    cash_se: float
    win_prob: float
    win_se: float
    top1_pct: float
    best_rank: int
    worst_rank: int = Field(description="Worst of the portfolio's per-simulation best ranks.")
    best_payout: float
    n_simulations: int = Field(description="n_scenarios x n_contest_sims.")
    n_scenarios: int
    n_contest_sims: int
    field_size: int = Field(description="Total entries, my lineups included.")
    n_opponents: int
    entry_fee: float
    contest_size_tier: str | None
    prize_pool: float
    n_paid: int
    per_lineup: list[LineupContestResult]
    ownership_used: list[float] = Field(description="Field ownership target, percent per driver (request order).")
    notes: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------------------
# /optimize-with-leverage

class DriverRuleIn(_Model):
    """A per-driver rule of the portfolio (dfslab.read_driver_rules): lock, exclude, min / max exposure."""

    model_config = ConfigDict(allow_inf_nan=False, extra="forbid", coerce_numbers_to_str=True)

    id: str = Field(min_length=1, max_length=64, description="The driver's id, as in `drivers`.")
    lock: bool = Field(default=False, description="In every lineup.")
    exclude: bool = Field(default=False, description="In no lineup.")
    min_exposure: float | None = Field(default=None, ge=0, le=1,
                                       description="FRACTION of my lineups in [0, 1] the driver must be in at least "
                                                   "(rounded up to whole lineups).")
    max_exposure: float | None = Field(default=None, ge=0, le=1,
                                       description="FRACTION of my lineups in [0, 1] the driver may be in at most "
                                                   "(rounded down).")


def check_driver_rules(rules: list[DriverRuleIn] | None, drivers) -> list[DriverRuleIn] | None:
    """One rule per known driver id (an unknown id names the closest ids and names); lock/exclude and min/max consistent."""
    import difflib

    if rules is None or drivers is None:
        return rules
    by_id = {d.id: d.name for d in drivers}
    seen = set()
    for i, r in enumerate(rules):
        if r.id not in by_id:
            close = difflib.get_close_matches(r.id, list(by_id), n=3, cutoff=0.5)
            hint = f"; closest ids: {', '.join(f'{c} ({by_id[c]})' for c in close)}" if close else ""
            raise ValueError(f"rule {i}: driver id {r.id!r} is not in drivers{hint}")
        if r.id in seen:
            raise ValueError(f"rule {i}: a second rule for driver {r.id} ({by_id[r.id]}); give one per driver")
        seen.add(r.id)
        if r.lock and r.exclude:
            raise ValueError(f"rule {i}: driver {r.id} ({by_id[r.id]}) is both locked and excluded")
        if r.min_exposure is not None and r.max_exposure is not None and r.min_exposure > r.max_exposure:
            raise ValueError(f"rule {i}: driver {r.id} ({by_id[r.id]}): min_exposure {r.min_exposure:g} is above "
                             f"max_exposure {r.max_exposure:g}")
    return rules


def _check_rules(v, info: ValidationInfo):
    return check_driver_rules(v, info.data.get("drivers"))


class LeverageOptimizeRequest(_Model):
    """Leverage-aware lineup portfolio (dfslab.LeverageAwareOptimizer).

    The seed's ``constraint_spec`` is the NASCAR classic roster here (6 drivers, $50,000 cap).
    """

    drivers: list[DriverIn] = Field(min_length=ROSTER_SIZE + 1, max_length=MAX_DRIVERS,
                                    description=f"The slate, at most {MAX_DRIVERS} drivers (the exact enumeration stays ~1 s).")
    race: RaceIn
    ownership_estimates: list[Percent] | None = Field(default=None, description=_OWN_DESC)
    scenario_driver_scores: list[ScenarioRow] | None = Field(default=None, min_length=1, max_length=MAX_SCENARIO_ROWS,
                                                             description=_SCEN_DESC + " Used for projections when drivers carry none, and for regime allocation.")
    scenario_regimes: list[REGIME] | None = Field(default=None, min_length=1, max_length=MAX_SCENARIO_ROWS,
                                                  description="Regime of each given scenario (needed with use_regime_allocation and scenario_driver_scores).")
    n_lineups: int = Field(default=20, ge=1, le=MAX_LINEUPS)
    leverage_penalty: float = Field(default=0.0, ge=0, le=1,
                                    description="Weight of the ownership term in [0, 1] (1: ownership weighs as much as points).")
    max_ownership_per_driver: float | None = Field(
        default=None, gt=0, le=1,
        description="FRACTION of entries in [0, 1]: drivers projected above it are not used (0.3 = 30%). Default: no cap.",
    )
    min_low_ownership_drivers: int = Field(default=2, ge=0, le=ROSTER_SIZE,
                                           description="At least this many drivers under low_ownership_threshold per lineup.")
    low_ownership_threshold: float = Field(default=0.10, gt=0, le=1, description="FRACTION of entries (0.10 = 10%).")
    max_total_ownership: float | None = Field(
        default=None, gt=0, le=ROSTER_SIZE,
        description="Cap on a lineup's summed ownership as a FRACTION of entries, in [0, 6] (3.0 = 300%). Default: no cap.",
    )
    max_overlap: int | None = Field(default=4, ge=0, le=ROSTER_SIZE, description="Most drivers two lineups may share.")
    use_regime_allocation: bool = Field(default=False, description="Split lineups across race regimes (dominator, chaos, fuel_mileage).")
    n_scenarios: int = Field(default=1000, ge=10, le=MAX_SCENARIOS,
                             description="Races simulated when scenarios are needed and not given.")
    driver_rules: list[DriverRuleIn] | None = Field(
        default=None, max_length=MAX_DRIVERS,
        description="Per-driver rules, one per driver id: lock (every lineup), exclude (none), min_exposure / "
                    "max_exposure (FRACTIONS of my lineups). Constraints of the optimizer's model; rules that cannot "
                    "all hold are a 400 naming the binding rule and the drivers.")
    random_state: int = Field(default=0, ge=0, le=2**32 - 1)

    _drivers = field_validator("drivers")(check_drivers)
    _own = field_validator("ownership_estimates")(_check_ownership)
    _scen = field_validator("scenario_driver_scores")(_check_scenarios)
    _rules = field_validator("driver_rules")(_check_rules)

    @model_validator(mode="after")
    def _consistency(self):
        if self.scenario_regimes is not None:
            if self.scenario_driver_scores is None:
                raise ValueError("scenario_regimes needs scenario_driver_scores")
            if len(self.scenario_regimes) != len(self.scenario_driver_scores):
                raise ValueError(f"scenario_regimes has {len(self.scenario_regimes)} values for "
                                 f"{len(self.scenario_driver_scores)} scenarios")
        if self.use_regime_allocation and self.scenario_driver_scores is not None and self.scenario_regimes is None:
            raise ValueError("use_regime_allocation with scenario_driver_scores needs scenario_regimes")
        return self


class DriverInLineup(BaseModel):
    driver_id: str
    name: str
    salary: int
    ownership: float = Field(description="Projected ownership, percent.")
    projection: float


class LineupWithLeverage(BaseModel):
    drivers: list[DriverInLineup]
    total_projected_points: float = Field(description="Sum of the projections the lineup was optimized on (the regime's mean points in regime mode).")
    total_salary: int
    avg_ownership: float = Field(description="Percent.")
    max_ownership: float = Field(description="Percent.")
    total_ownership: float = Field(description="Percent, sum over the six drivers.")
    n_low_owned: int
    leverage_score: float
    objective: float
    regime: REGIME | None = None


class OwnershipMetrics(BaseModel):
    avg_lineup_ownership: float = Field(description="Mean over lineups of the lineup's TOTAL ownership, percent.")
    min_lineup_ownership: float
    max_lineup_ownership: float
    avg_driver_ownership: float
    low_ownership_driver_count: int = Field(description="Distinct drivers under the low-ownership threshold used in any lineup.")
    diversification_score: float = Field(description="1 - sum(c^2) / (sum c)^2 over the portfolio's driver counts c.")


class PortfolioMetrics(BaseModel):
    n_lineups: int
    unique_drivers: int
    mean_projection: float
    mean_leverage_score: float
    max_pair_overlap: int
    method: str
    seconds: float


class LeverageOptimizeResponse(BaseModel):
    lineups: list[LineupWithLeverage]
    portfolio_metrics: PortfolioMetrics
    ownership_metrics: OwnershipMetrics
    ownership_used: list[float] = Field(description="Percent per driver (request order).")
    projections_used: list[float] = Field(description="DK points per driver (request order).")
    projection_source: str
    notes: list[str] = Field(default_factory=list)


class HealthResponse(BaseModel):
    status: Literal["ok"]
    version: str
    limits: dict[str, float]


class ErrorResponse(BaseModel):
    detail: str | list[dict]
