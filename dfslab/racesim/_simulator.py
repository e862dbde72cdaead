"""RaceSimulator: NASCAR races as DK points, one coherent race per scenario."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from .._errors import InputError
from ..scoring import dk_points
from ..slate import ARCHETYPES, Slate
from ._core import PARAM_KEYS, REGIME_NAMES, draw_regime_rows, simulate_rows, start_score
from ._ratings import DriverRatingModel, salary_strength

SALARY_WEIGHT = 0.5  # weight of the salary-implied strength when blended with history (a prior choice)


def load_default_params() -> dict:
    """The shipped fitted parameters (``dfslab/_data/racesim_params.json``)."""
    txt = resources.files("dfslab").joinpath("_data/racesim_params.json").read_text()
    return json.loads(txt)


def _check_params(params: dict) -> dict:
    if not isinstance(params, dict) or "archetypes" not in params:
        raise InputError("params: expected a dict with an 'archetypes' entry (see load_default_params())")
    for a, p in params["archetypes"].items():
        pr = np.asarray(p.get("regime_probs"), float)
        if pr.shape != (3,) or not np.all(np.isfinite(pr)) or (pr < 0).any() or pr.sum() <= 0:
            raise InputError(f"params: archetype {a!r} regime_probs must be 3 non-negative numbers, got {pr}")
        for r in REGIME_NAMES:
            cell = p.get("regimes", {}).get(r)
            if cell is None:
                raise InputError(f"params: archetype {a!r} lacks regime {r!r}")
            for k in PARAM_KEYS:
                v = cell.get(k)
                if v is None or not np.isfinite(v):
                    raise InputError(f"params: archetype {a!r} regime {r!r} parameter {k!r} missing or not finite")
            v = cell.get("ll_close", 0.0)
            if not (np.isfinite(v) and 0.0 <= v <= 1.0):
                raise InputError(f"params: archetype {a!r} regime {r!r} parameter 'll_close' must be in [0, 1], got {v}")
    return params


@dataclass
class RaceScenarios:
    """Simulated races of one slate (rows = scenarios, columns = slate.players rows).

    Attributes
    ----------
    points : float32 (n_scenarios, n_drivers)
        DK points, exactly :func:`dfslab.scoring.dk_points` of the components.
    finish : int16 — a permutation of 1..n per row. laps_led, fastest_laps : int32.
    dnf : bool. regime : int8 codes into ``regime_names``.
    strength : the per-driver strength used; strength_source says where it came from.
    """

    points: np.ndarray
    finish: np.ndarray
    laps_led: np.ndarray
    fastest_laps: np.ndarray
    dnf: np.ndarray
    regime: np.ndarray
    slate: Slate
    strength: np.ndarray
    strength_source: str
    regime_names: tuple = REGIME_NAMES
    notes: list = field(default_factory=list)

    @property
    def n_scenarios(self) -> int:
        return self.points.shape[0]

    def summary(self) -> pd.DataFrame:
        """Per-driver distribution summary (one row per slate player, slate order)."""
        p = self.points
        q = np.percentile(p, [10, 50, 90], axis=0)
        return pd.DataFrame({
            "name": self.slate.players["name"].to_numpy(), "salary": self.slate.salaries,
            "mean": p.mean(0, dtype=np.float64), "std": p.std(0, dtype=np.float64),
            "p10": q[0], "p50": q[1], "p90": q[2],
            "mean_finish": self.finish.mean(0, dtype=np.float64), "mean_laps_led": self.laps_led.mean(0),
            "mean_fastest_laps": self.fastest_laps.mean(0), "dnf_rate": self.dnf.mean(0),
            "win_rate": (self.finish == 1).mean(0),
        })

    def regime_mix(self) -> pd.Series:
        """Share of scenarios in each regime."""
        c = np.bincount(self.regime, minlength=len(self.regime_names)) / self.n_scenarios
        return pd.Series(c, index=list(self.regime_names), name="share")

    def points_for(self, regime) -> np.ndarray:
        """Points rows of one regime (name or code)."""
        if isinstance(regime, str):
            code = self.regime_names.index(regime) if regime in self.regime_names else -1
        else:
            code = int(regime)
        if not 0 <= code < len(self.regime_names):
            raise InputError(f"regime: unknown {regime!r}; expected one of {self.regime_names}")
        return self.points[self.regime == code]


class RaceSimulator:
    """Simulate NASCAR races of a slate as DraftKings points.

    Each scenario draws a regime (dominator, chaos, fuel_mileage) with fitted
    per-archetype probabilities, then one race: Plackett-Luce finishing order
    (Gumbel-perturbed utilities ``beta_s * strength + beta_q * start_score``),
    DNFs to the back ordered by how far they got, laps led and fastest laps
    shared among drivers by a Dirichlet-multinomial driven by the same race pace
    (so they sum exactly to the race laps and to a green-flag share of them),
    and DK points computed with :func:`dfslab.scoring.dk_points`.

    Parameters
    ----------
    n_scenarios : int
        Number of simulated races.
    random_state : int or None
        Seed; same seed, same output.
    params : dict, optional
        Per-archetype parameters; None = the shipped fit on 2019-2024 races.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> res = RaceSimulator(n_scenarios=500, random_state=0).simulate(demo_slate())
    >>> res.points.shape, res.points.dtype.name
    ((500, 38), 'float32')
    >>> bool((res.laps_led.sum(1) == 267).all())
    True
    """

    def __init__(self, n_scenarios: int = 10_000, random_state=None, params: dict | None = None):
        if not isinstance(n_scenarios, (int, np.integer)) or n_scenarios < 1:
            raise InputError(f"n_scenarios: must be a positive integer, got {n_scenarios!r}")
        self.n_scenarios = int(n_scenarios)
        self.random_state = random_state
        self.params = _check_params(params) if params is not None else None
        self.history_ = None

    def _params(self) -> dict:
        if self.params is None:
            self.params = load_default_params()
        return self.params

    def fit(self, history: pd.DataFrame, cutoff=None, quick: bool = False) -> "RaceSimulator":
        """Refit the per-archetype parameters from race-log rows (only races before ``cutoff``).

        Also keeps ``history`` for the driver rating model used when ``simulate``
        gets no strengths.
        """
        from ._calibration import fit_params

        self.params = _check_params(fit_params(history, cutoff=cutoff, quick=quick,
                                               seed=0 if self.random_state is None else self.random_state))
        self.history_ = history
        return self

    def set_history(self, history: pd.DataFrame) -> "RaceSimulator":
        """Give race history for the rating model without refitting parameters."""
        self.history_ = history
        return self

    # --- strength -------------------------------------------------------
    def _strength(self, slate: Slate, strength):
        sal = slate.salaries.astype(float)
        if strength is not None:
            s = np.asarray(strength, dtype=float)
            if s.shape != (slate.n_players,):
                raise InputError(f"strength: expected {slate.n_players} values (one per slate row), got shape {s.shape}")
            if not np.all(np.isfinite(s)):
                bad = np.flatnonzero(~np.isfinite(s))
                raise InputError(f"strength: NaN or infinite values for rows {bad[:5].tolist()} "
                                 f"({slate.players['name'].iloc[bad[:5]].tolist()})")
            return s, "strength argument", []
        if "rating" in slate.players.columns and slate.players["rating"].notna().all():
            s = slate.column("rating")
            if not np.all(np.isfinite(s)):
                raise InputError("slate column 'rating': NaN or infinite values")
            return s, "slate rating column", []
        notes = []
        if self.history_ is not None:
            try:
                m = DriverRatingModel(**self._params().get("rating", {})).fit(self.history_, before=slate.date)
                hist = m.strengths_for_slate(slate)
                if m.unknown_:
                    notes.append(f"{len(m.unknown_)} driver(s) without history got the newcomer prior: {m.unknown_[:8]}")
                s = (1 - SALARY_WEIGHT) * hist + SALARY_WEIGHT * salary_strength(sal, reference=hist)
                return s, "history rating model + salary", notes
            except InputError as e:
                notes.append(f"{e}")
        msg = ("no strengths, no slate 'rating' column and no usable race history before "
               f"{None if slate.date is None else slate.date.date()}: strength from salary alone")
        warnings.warn(msg, UserWarning, stacklevel=3)
        return salary_strength(sal), "salary only (fallback)", notes + [msg]

    # --- validation -----------------------------------------------------
    def _check_slate(self, slate: Slate):
        if not isinstance(slate, Slate):
            raise InputError(f"slate: expected a dfslab.Slate, got {type(slate).__name__}")
        params = self._params()
        if slate.archetype is None:
            raise InputError(f"slate {slate.name}: archetype is missing; expected one of {ARCHETYPES}")
        if slate.archetype not in params["archetypes"]:
            raise InputError(f"slate {slate.name}: unknown track archetype {slate.archetype!r}; "
                             f"params cover {sorted(params['archetypes'])}")
        if slate.race_laps is None or int(slate.race_laps) <= 0:
            raise InputError(f"slate {slate.name}: race_laps must be a positive number of laps, got {slate.race_laps}")
        if slate.n_players < slate.rules.roster_size:
            raise InputError(f"slate {slate.name}: {slate.n_players} drivers is fewer than a roster of "
                             f"{slate.rules.roster_size}")
        if "start" not in slate.players.columns or slate.players["start"].isna().any():
            raise InputError(f"slate {slate.name}: column 'start' (qualifying position) is missing for some drivers")
        start = slate.players["start"].to_numpy(dtype=np.int64)
        if (start < 1).any():
            raise InputError(f"slate {slate.name}: column 'start' must hold positions >= 1")
        u, c = np.unique(start, return_counts=True)
        if (c > 1).any():
            raise InputError(f"slate {slate.name}: duplicate start position(s) {u[c > 1].tolist()} in column 'start'")
        return params["archetypes"][slate.archetype], start

    # --- simulation -----------------------------------------------------
    def _run(self, arch, strength, start, laps, n, seed, temperature):
        rng = np.random.default_rng(seed)
        regime, args = draw_regime_rows(rng, n, arch, strength, start_score(start), laps, temperature)
        finish, ll, fl, dnf = simulate_rows(rng, **args)
        return regime, finish, ll, fl, dnf

    def simulate(self, slate: Slate, strength=None, projections=None) -> RaceScenarios:
        """Simulate ``n_scenarios`` races of ``slate``.

        Parameters
        ----------
        slate : Slate
            Needs ``start``, ``salary``, ``archetype`` and ``race_laps``.
        strength : array_like, optional
            Latent strength per slate row (about N(0, 1) across a field). If None:
            the slate's ``rating`` column; else the :class:`DriverRatingModel` fitted on
            the simulator's history before ``slate.date`` averaged with the
            salary-implied strength; else (no history) salary alone, with a warning
            and ``strength_source = "salary only (fallback)"``.
        projections : array_like, optional
            Your DK-point means per driver. Strengths are adjusted (fixed-point
            secant iterations with common random numbers on a 3,000-scenario pilot) until
            the simulated means match the projections after shifting them to the
            simulator's total points of the field (a race hands out a fixed number
            of points; the shift and the remaining gaps are in ``notes``).
        """
        arch, start = self._check_slate(slate)
        laps = int(slate.race_laps)
        s, source, notes = self._strength(slate, strength)
        seed = np.random.SeedSequence(self.random_state) if self.random_state is not None else np.random.SeedSequence()
        main_seed, pilot_seed = seed.spawn(2)
        T = float(self._params().get("temperature", 1.0))
        if projections is not None:
            s, extra = self._match_projections(arch, s, start, laps, projections, pilot_seed, T, slate)
            notes += extra
            source += " matched to projections"
        regime, finish, ll, fl, dnf = self._run(arch, s, start, laps, self.n_scenarios, main_seed, T)
        pts = dk_points(start[None, :], finish, ll, fl, dtype=np.float32)
        return RaceScenarios(points=pts, finish=finish, laps_led=ll.astype(np.int32), fastest_laps=fl.astype(np.int32),
                             dnf=dnf, regime=regime, slate=slate, strength=s, strength_source=source, notes=notes)

    def _match_projections(self, arch, s, start, laps, projections, seed, T, slate, n_pilot=3000, iters=30):
        proj = np.asarray(projections, dtype=float)
        if proj.shape != (slate.n_players,):
            raise InputError(f"projections: expected {slate.n_players} values, got shape {proj.shape}")
        if not np.all(np.isfinite(proj)):
            raise InputError(f"projections: NaN or infinite values at rows {np.flatnonzero(~np.isfinite(proj))[:5].tolist()}")
        s = s.copy()
        slope = np.full(len(s), 12.0)  # DK points per unit strength; refined per driver (secant)
        prev = None
        for it in range(iters):
            _, finish, ll, fl, _ = self._run(arch, s, start, laps, n_pilot, seed, T)
            m = dk_points(start[None, :], finish, ll, fl).mean(0)
            if prev is not None:
                ds, dm = s - prev[0], m - prev[1]
                ok = np.abs(ds) > 1e-6
                est = np.where(ok, dm / np.where(ok, ds, 1.0), slope)
                slope = np.where(ok & (est > 0), np.clip(est, 2.0, 400.0), slope)
            target = proj - proj.mean() + m.mean()  # keep the race's points total
            gap = target - m
            if np.abs(gap).max() < 0.25:
                break
            prev = (s.copy(), m)
            s = s + np.clip(0.8 * gap / slope, -0.5, 0.5)  # damped: drivers interact through shared laps
        notes = [f"projections matched after {it + 1} pilot iterations: shifted by {m.mean() - proj.mean():+.2f} pts "
                 f"per driver to the race total; max |gap| {np.abs(gap).max():.2f} pts on the pilot"]
        if np.abs(gap).max() > 2.0:
            worst = slate.players["name"].iloc[int(np.argmax(np.abs(gap)))]
            warnings.warn(f"projections: could not match all means (max gap {np.abs(gap).max():.1f} pts, {worst}); "
                          "they may be outside what a race can produce", UserWarning, stacklevel=3)
        return s, notes
