"""RaceSimulator: NASCAR races as DK points, one coherent race per scenario."""

from __future__ import annotations

import functools
import json
import warnings
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..scoring import dk_points
from ..slate import ARCHETYPES, Slate, check_race_laps
from ..utils.validation import check_float_array, check_memory, check_number, check_seed
from ._core import (
    PARAM_KEYS,
    REGIME_NAMES,
    draw_qualifying,
    draw_regime_rows,
    simulate_rows,
    start_score,
    start_score_rows,
)
from ._ratings import DriverRatingModel, salary_strength

CHUNK = 8192  # scenarios simulated at once: bounds memory; fixed, so results do not depend on the machine
N_PILOT = 3000  # scenarios of the pilot runs that compute the mean sources and match the blend
DEFAULT_SALARY_SLOPE = 0.45  # strength per normal score of the salary rank when no fitted slope is shipped
SOURCES = ("projection", "history", "salary")
#: How a slate WITHOUT starts draws each simulated race's start order: "shape" = from the history/salary strength
#: (the default: the mean is then matched without moving the drawn starts), "matched" = from the strength matched to
#: the blended mean (the old behaviour: raising a driver's strength to meet a projection also moves his drawn start
#: forward and cuts his place differential, so the matcher raises it again -- P(win) = 0 for ~10 drivers a race)
PREQUAL_MODES = ("shape", "matched")
BYTES_PER_CELL = 17  # memory per scenario and driver of a simulation's outputs (measured; see simulate)


def load_default_params() -> dict:
    """The shipped fitted parameters (``dfslab/_data/racesim_params.json``)."""
    txt = resources.files("dfslab").joinpath("_data/racesim_params.json").read_text()
    return json.loads(txt)


def load_blend_weights() -> dict:
    """The shipped blend weights (``dfslab/_data/racesim_blend.json``; {} when absent).

    ``["subsets"][key]`` maps each source of a set of available sources (key = the
    source names joined by ``+`` in the order projection, history, salary) to its
    weight on the within-slate deviations of that source's mean.
    """
    f = resources.files("dfslab").joinpath("_data/racesim_blend.json")
    return json.loads(f.read_text()) if f.is_file() else {}


def load_crowd_weights() -> dict:
    """The shipped crowd coefficients (``dfslab/_data/racesim_crowd.json``; written by ``scripts/fit_crowd.py``).

    ``{"all": {"gap", "own", ...}, "chalk_sd", "races": {name: {"gap", "own", "key"}}, ...}``: how actual DK points
    depend on the vendor's projection and the field's projected ownership given our blended mean, fitted on every
    real race ("all") and without each race ("races", for backtests).
    """
    f = resources.files("dfslab").joinpath("_data/racesim_crowd.json")
    return json.loads(f.read_text()) if f.is_file() else {"all": {"gap": 0.0, "own": 0.0}, "chalk_sd": 0.0, "races": {}}


def _check_crowd(crowd):
    if crowd is None or crowd is False or (isinstance(crowd, str) and crowd == "off"):
        return None
    if isinstance(crowd, str):
        if crowd != "shipped":
            raise InputError(f"crowd: 'shipped', 'off'/None or a dict {{'gap', 'own', 'chalk_sd'}}, got {crowd!r}")
        cw = load_crowd_weights()
        crowd = {"gap": cw["all"]["gap"], "own": cw["all"]["own"], "chalk_sd": cw.get("chalk_sd", 0.0)}
    if not isinstance(crowd, dict) or set(crowd) - {"gap", "own", "chalk_sd"}:
        raise InputError(f"crowd: a dict with keys among 'gap', 'own', 'chalk_sd', got {crowd!r}")
    out = {}
    for k, v in crowd.items():
        if not _finite(v) or (k == "chalk_sd" and v < 0):
            raise InputError(f"crowd[{k!r}]: a finite number{' >= 0' if k == 'chalk_sd' else ''}, got {v!r}")
        out[k] = float(v)
    return out


def _vendor_ownership(slate):
    """The slate's vendor projected ownership (percent) when complete and positive somewhere, else None."""
    p = slate.players
    if "ownership" not in p:
        return None
    o = p["ownership"].to_numpy(dtype=float)
    return o if np.isfinite(o).all() and (o > 0).any() else None


def _finite(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and bool(np.isfinite(v))


def check_params(params: dict) -> dict:
    """Check a race-model parameter dict (the shape of :func:`load_default_params`); return it."""
    if not isinstance(params, dict) or not isinstance(params.get("archetypes"), dict):
        raise InputError("params: expected a dict with an 'archetypes' entry (see load_default_params())")
    for a, p in params["archetypes"].items():
        if not isinstance(p, dict):
            raise InputError(f"params: archetype {a!r} must be a dict, got {type(p).__name__}")
        pr = check_float_array(f"params: archetype {a!r} regime_probs", p.get("regime_probs"))
        if pr.shape != (3,) or not np.all(np.isfinite(pr)) or (pr < 0).any() or pr.sum() <= 0:
            raise InputError(f"params: archetype {a!r} regime_probs must be 3 non-negative numbers, got {pr}")
        for r in REGIME_NAMES:
            cell = p.get("regimes", {}).get(r)
            if cell is None:
                raise InputError(f"params: archetype {a!r} lacks regime {r!r}")
            for k in PARAM_KEYS:
                v = cell.get(k)
                if not _finite(v):
                    raise InputError(f"params: archetype {a!r} regime {r!r} parameter {k!r} missing or not finite")
            fg = p.get("finish_gain", 1.0)
            if not (_finite(fg) and fg > 0):
                raise InputError(f"params: archetype {a!r} 'finish_gain' must be a positive number, got {fg}")
            tr = p.get("finish_trouble", 0.0)
            if not (np.isfinite(tr) and 0.0 <= tr < 1.0):
                raise InputError(f"params: archetype {a!r} 'finish_trouble' must be in [0, 1), got {tr}")
            v = cell.get("ll_close", 0.0)
            if not (_finite(v) and 0.0 <= v <= 1.0):
                raise InputError(f"params: archetype {a!r} regime {r!r} parameter 'll_close' must be in [0, 1], got {v}")
    me = params.get("mean_error_sd", 0.0)
    if not (_finite(me) and me >= 0):
        raise InputError(f"params: 'mean_error_sd' must be a number >= 0, got {me}")
    return params


def _check_blend_weights(bw):
    """Validate a blend-weights override ({sources key: {source: weight >= 0}})."""
    if bw is None:
        return None
    if not isinstance(bw, dict):
        raise InputError(f"blend_weights: expected a dict {{sources key: {{source: weight}}}}, got {type(bw).__name__}")
    out = {}
    for key, w in bw.items():
        parts = str(key).split("+")
        if not parts or any(p not in SOURCES for p in parts) or list(parts) != [x for x in SOURCES if x in parts]:
            raise InputError(f"blend_weights: key {key!r} must be sources joined by '+' in the order "
                             f"{'+'.join(SOURCES)} (e.g. 'projection+salary')")
        if not isinstance(w, dict) or set(w) != set(parts):
            raise InputError(f"blend_weights[{key!r}]: expected one weight for each of {parts}, got "
                             f"{sorted(w) if isinstance(w, dict) else type(w).__name__}")
        for k, v in w.items():
            if not (isinstance(v, (int, float, np.integer, np.floating)) and np.isfinite(v) and v >= 0):
                raise InputError(f"blend_weights[{key!r}][{k!r}]: must be a number >= 0, got {v!r}")
        out[key] = {k: float(w[k]) for k in parts}
    return out


def _positive(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and np.isfinite(v) and v > 0


def _check_salary_slopes(sl):
    """Validate a salary-slope override (a number, or {"slope": {archetype: x}, "pooled_slope": y})."""
    if sl is None:
        return None
    if isinstance(sl, (int, float, np.integer, np.floating)) and not isinstance(sl, bool):
        sl = {"pooled_slope": sl, "slope": {}}  # one slope for every archetype
    if not isinstance(sl, dict) or not set(sl) & {"slope", "pooled_slope"}:
        raise InputError("salary_slopes: expected a number or a dict with 'slope' ({archetype: slope}) and/or "
                         f"'pooled_slope', got {sl!r}")
    out = {"slope": {}}
    for a, v in (sl.get("slope") or {}).items():
        if a not in ARCHETYPES:
            raise InputError(f"salary_slopes['slope']: unknown archetype {a!r}; expected one of {ARCHETYPES}")
        if not _positive(v):
            raise InputError(f"salary_slopes['slope'][{a!r}]: must be a positive number, got {v!r}")
        out["slope"][a] = float(v)
    if "pooled_slope" in sl:
        v = sl["pooled_slope"]
        if not _positive(v):
            raise InputError(f"salary_slopes['pooled_slope']: must be a positive number, got {v!r}")
        out["pooled_slope"] = float(v)
    return out


@dataclass(frozen=True)
class _Unqualified:
    """A slate before qualifying: each simulated race draws its own start order (``coef``: see fit_qualifying).

    ``shift`` (D,): added to the strength the start order is drawn from (practice speed: see
    :mod:`._practice`); None = the race strength alone. ``base`` (D,): the strength the start order is drawn
    from (``prequal="shape"``: the history/salary strength before it is matched to the mean); None = the race
    strength.
    """

    coef: float
    shift: np.ndarray | None = None
    base: np.ndarray | None = None


@dataclass
class RaceScenarios:
    """Simulated races of one slate (rows = scenarios, columns = slate.players rows).

    Attributes
    ----------
    points : float32 (n_scenarios, n_drivers)
        DK points, exactly :func:`dfslab.scoring.dk_points` of the components.
    finish : int16 — a permutation of 1..n per row. laps_led, fastest_laps : int32.
    dnf : bool. regime : int8 codes into ``regime_names``.
    strength : the per-driver strength used (after matching the mean); strength_source
        says where it came from (short label).
    means : DataFrame or None
        Per driver (slate order): the mean of each source present in DK points
        (``mean_projection``, ``mean_history``, ``mean_salary``), the blend weights
        (``weight_<source>``), ``mean_blend`` (the blended mean, shifted to the race's
        points total: what the scenarios were matched to) and ``mean_sim`` (the
        simulated mean). None when strengths were given directly.
    provenance : str
        One line saying where the strength and the mean came from.
    start : int16 (n_scenarios, n_drivers) or None
        The start order of each simulated race when the slate has no qualifying
        (drawn by the fitted qualifying model; place-differential points use it);
        None when the slate's ``start`` column was used.
    series : str or None
        The series whose race history gave the strengths: the slate's, or the one
        inferred from the drivers when the slate has none (None without history).
    practice : DataFrame or None
        When practice / qualifying sessions of the race were used: per driver (slate
        order) the session scores (``practice_score``, ``quali_score``, missing flags) and
        what they added (``strength_adj``, ``pace_adj``, ``qual_shift``); None otherwise.
    practice_sessions : str
        One line naming the practice / qualifying sessions used and the stage ("practice:
        NCS Final Practice (2026-07-25); ..."), or why none were ("not in
        practice_quali.csv", "off", ...). Empty when strengths were given.
    notes : list of str
        Everything the simulator decided: history used, names matched or not, series
        inferred, fallbacks.
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
    means: pd.DataFrame | None = None
    provenance: str = ""
    series: str | None = None
    start: np.ndarray | None = None
    practice: pd.DataFrame | None = None
    practice_sessions: str = ""

    def _repr_html_(self) -> str:
        from ..utils.display import scenarios_html

        return scenarios_html(self)

    def plot_points(self, top: int = 20, ax=None):
        """Box plots of simulated DK points, the ``top`` drivers by mean; returns the matplotlib Axes."""
        from ..plots import point_distributions

        return point_distributions(self.points, self.slate.players["name"].tolist(), top=top, ax=ax)

    def plot_regimes(self, ax=None):
        """Share of simulated races per regime; returns the matplotlib Axes."""
        from ..plots import regime_mix

        return regime_mix(self.regime_mix(), ax=ax)

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
    (Gumbel-perturbed utilities ``beta_s * strength + beta_q * start_score``, with
    its own fitted ``finish_gain``), DNFs to the back ordered by how far they got,
    laps led and fastest laps shared among drivers by a Dirichlet-multinomial
    driven by the same race pace (so they sum exactly to the race laps and to a
    green-flag share of them), and DK points computed with
    :func:`dfslab.scoring.dk_points`.

    Where strength comes from when ``simulate`` gets none (and the slate has no
    ``rating`` column): the race history before the slate's date (found by itself
    with ``history="auto"``), else salary. The scenario **mean** is then a blend of
    the sources the slate has -- a projection (``projections=`` or the slate's
    ``projection`` column), the history model's mean, the salary-implied mean --
    with weights fitted leave-one-slate-out on the real slates; the simulator keeps
    the shape (regimes, dominators, correlation). Each scenario draws the driver
    strengths around that mean with a fitted error (``mean_error``): neither the
    projection nor our model is the truth.

    Parameters
    ----------
    n_scenarios : int
        Number of simulated races.
    random_state : int or None
        Seed; same seed, same output.
    params : dict, optional
        Per-archetype parameters; None = the shipped fit on 2019-2024 races.
    history : "auto", DataFrame or None
        Race history for driver strengths: "auto" = :func:`dfslab.racesim.load_history`
        (loop data + 2026 results, read once per process) when the data folder exists;
        a DataFrame of race rows; None = never (salary strengths).
    mean_error : float, optional
        Standard deviation (strength units) of each scenario's per-driver strength
        draw around the mean; None = the fitted value in ``params``; 0 = off.
    finish_gain : float
        Extra multiplier of the fitted finish dispersion (1 = as fitted).
    blend : bool
        Use the blended mean (default). False: strengths from history (or salary) as
        they are, and ``projections=`` matched exactly.
    blend_weights : dict, optional
        Blend weights to use instead of the shipped ones, in the shape of
        ``load_blend_weights()["subsets"]``: ``{"projection+history+salary":
        {"projection": 0.7, "history": 0.1, "salary": 0.2}, ...}`` (key = the sources
        present joined by ``+`` in the order projection, history, salary; weights
        >= 0). Sets not given keep the shipped weights. See
        :func:`dfslab.racesim.loso_simulator_kwargs` for weights fitted without a
        given real slate.
    salary_slopes : float or dict, optional
        Salary->strength slope instead of the shipped fit (``params["salary_strength"]``):
        one number for every archetype, or ``{"slope": {archetype: x}, "pooled_slope": y}``
        (archetypes not listed take ``pooled_slope``, else the shipped value).
    practice : "auto", "off"/None, path or DataFrame
        Practice / qualifying speeds in the automatic strengths (history and salary; given
        strengths and a ``rating`` column stay as they are). "auto" (default): the race's
        sessions in the data folder's ``nascar/practice_quali/practice_quali.csv`` when it
        is there (Cup races only: the file holds Cup weekends); a path: a practice CSV of
        the slate's race in the same columns (a row of another race is an error naming it);
        a :func:`dfslab.io.read_practice_quali` table; None / "off": never. What is added
        (``dfslab/_data/racesim_practice.json``, fitted by ``scripts/fit_practice.py``):
        ``0.10 x practice score`` to the strength and ``0.10 x practice score`` to the race
        pace only (laps led, fastest laps). Before qualifying practice only; after
        qualifying the qualifying-speed term would be added too, but its fitted weight is 0.
        ``RaceScenarios.practice_sessions`` names the sessions used.
    practice_weights : dict, optional
        Weights instead of the shipped ones, shaped like ``racesim_practice.json["weights"]``.
    prequal : {"shape", "matched"}
        Before qualifying, what each simulated race's start order is drawn from: "shape" (default) the
        history/salary strength, "matched" the strength matched to the blended mean (the old behaviour, which
        double counts the start a projection already holds; docs/race_simulator.md, "Before qualifying").
    dnf_recency : bool or dict
        Scale the fitted DNF rate by the series' recent DNF level (real / model DNFs of its races before the
        slate date, half-life 1 year, 10 pseudo-races of shrinkage; ``{"half_life": y, "k": k}`` to change them).
        Applies when the strengths come from the race history (the same races). False: the fitted rate.
    crowd : "shipped", "off"/None or dict
        The crowd as evidence (docs/backtest.md): with automatic strengths, the blended mean is shifted by
        ``gap x (vendor projection - blend)`` and ``own x (the field's projected ownership beyond our mean and
        salary, in log units)``, and each scenario draws one factor shared by the drivers the crowd owns
        (``chalk_sd`` x standardized log ownership). Needs the slate's vendor ``projection`` / ``ownership``
        columns; without them nothing changes. "shipped": ``dfslab/_data/racesim_crowd.json``
        (``scripts/fit_crowd.py``); a dict ``{"gap", "own", "chalk_sd"}``: those.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> res = RaceSimulator(n_scenarios=500, random_state=0).simulate(demo_slate())
    >>> res.points.shape, res.points.dtype.name
    ((500, 38), 'float32')
    >>> bool((res.laps_led.sum(1) == 267).all())
    True

    Parameters fitted without one real slate (for a backtest on that slate):

    >>> sim = RaceSimulator(500, random_state=0, blend_weights={"projection+salary": {"projection": 0.6,
    ...                     "salary": 0.3}}, salary_slopes=0.35, mean_error=0.1)
    >>> sim.blend_weights_()["projection+salary"]
    {'projection': 0.6, 'salary': 0.3}
    """

    def _repr_html_(self) -> str:
        from ..utils.display import settings_html
        return settings_html(self, ('n_scenarios', 'mean_error', 'finish_gain', 'blend', 'random_state'), ["simulate(slate) returns RaceScenarios: finishing order, laps led, fastest laps and DK points per scenario"])

    def __init__(self, n_scenarios: int = 10_000, random_state=None, params: dict | None = None, *,
                 history="auto", mean_error: float | None = None, finish_gain: float = 1.0, blend: bool = True,
                 blend_weights: dict | None = None, salary_slopes=None, practice="auto", practice_weights=None,
                 prequal: str = "shape", dnf_recency=True, crowd="shipped"):
        self.n_scenarios = check_number("n_scenarios", n_scenarios, lo=1, integer=True)
        # refuse absurd sizes up front, with the smallest race a lineup can come from (6 drivers);
        # simulate() checks again with the slate's real field size
        check_memory(BYTES_PER_CELL * self.n_scenarios * 6, what="RaceSimulator", param="n_scenarios",
                     value=self.n_scenarios, detail=f"at least {BYTES_PER_CELL} bytes x {self.n_scenarios:,} "
                                                    "scenarios x 6 drivers")
        self.random_state = check_seed(random_state)
        if isinstance(self.random_state, np.random.Generator):
            raise InputError("random_state: give an integer or a SeedSequence (each chunk of races gets its own "
                             "child seed from it), not a Generator")
        self.params = check_params(params) if params is not None else None
        if not (history is None or (isinstance(history, str) and history == "auto") or isinstance(history, pd.DataFrame)):
            raise InputError(f"history: expected 'auto', a DataFrame of race rows or None, got {type(history).__name__}")
        self.history = history
        self.mean_error = check_number("mean_error", mean_error, lo=0, allow_none=True)  # 0 = off
        self.finish_gain = check_number("finish_gain", finish_gain, lo=0, lo_open=True)
        self.blend = bool(blend)
        self.blend_weights = _check_blend_weights(blend_weights)
        self.salary_slopes = _check_salary_slopes(salary_slopes)
        self.practice = check_practice_setting(practice)
        if prequal not in PREQUAL_MODES:
            raise InputError(f"prequal: one of {PREQUAL_MODES}, got {prequal!r}")
        self.prequal = prequal
        if dnf_recency is True:
            dnf_recency = {}
        if dnf_recency not in (None, False) and (not isinstance(dnf_recency, dict)
                                                  or set(dnf_recency) - {"half_life", "k"}):
            raise InputError(f"dnf_recency: True, False/None or a dict with 'half_life' (years) and 'k' (pseudo-races), "
                             f"got {dnf_recency!r}")
        self.dnf_recency = None if dnf_recency in (None, False) else {"half_life": 1.0, "k": 10.0, **dnf_recency}
        self.crowd = _check_crowd(crowd)
        if practice_weights is not None and not isinstance(practice_weights, dict):
            raise InputError(f"practice_weights: expected a dict shaped like racesim_practice.json['weights'], got "
                             f"{type(practice_weights).__name__}")
        self.practice_weights = practice_weights

    def blend_weights_(self) -> dict:
        """The blend weights this simulator uses: {sources key: {source: weight}} (shipped, then overrides)."""
        W = {k: dict(v) for k, v in load_blend_weights().get("subsets", {}).items()}
        W.update({k: dict(v) for k, v in (self.blend_weights or {}).items()})
        return W

    def salary_slope_(self, archetype: str) -> float:
        """The salary->strength slope this simulator uses for ``archetype`` (override, else shipped fit)."""
        sal = self._params().get("salary_strength", {})
        o = self.salary_slopes
        if o is not None:
            if "slope" in o and archetype in o["slope"]:
                return float(o["slope"][archetype])
            if "pooled_slope" in o:
                return float(o["pooled_slope"])
        return float(sal.get("slope", {}).get(archetype, sal.get("pooled_slope", DEFAULT_SALARY_SLOPE)))

    @property
    def history_(self):
        """The history DataFrame given to the simulator (None for "auto" before use, or no history)."""
        return self.history if isinstance(self.history, pd.DataFrame) else None

    def _params(self) -> dict:
        if self.params is None:
            self.params = load_default_params()
        return self.params

    def _mean_error(self) -> float:
        if self.mean_error is not None:
            return float(self.mean_error)
        return float(self._params().get("mean_error_sd", 0.0))

    def set_history(self, history: pd.DataFrame | None) -> "RaceSimulator":
        """Give race history for the rating model without refitting parameters (None = no history)."""
        if history is not None and not isinstance(history, pd.DataFrame):
            raise InputError(f"history: expected a DataFrame of race rows, got {type(history).__name__}")
        self.history = history
        return self

    # --- strength -------------------------------------------------------
    def _resolve_history(self):
        if isinstance(self.history, pd.DataFrame):
            return self.history, "given history"
        if self.history is None:
            return None, "history=None"
        from ..utils.config import data_dir
        from ._history import load_history

        root = data_dir(required=False)
        if root is None:
            return None, "no data folder (set DFSLAB_DATA_DIR) for the race history"
        return load_history(root), "history"

    def _history_strength(self, slate: Slate):
        """(strength or None, notes, one-line description, series searched)."""
        from ._history import history_line, infer_series

        notes: list[str] = []
        if slate.date is None:
            return None, [f"{slate.name}: no race date, so no race history used (give date= to read_dk_salaries "
                          "or the Slate)"], "", slate.series
        H, why = self._resolve_history()
        if H is None:
            return None, [f"no race history: {why}"], "", slate.series
        series = slate.series
        if series is None and "series" in H.columns:
            series, note = infer_series(slate.players["name"], H, slate.date)
            notes.append(note)
        try:
            m = DriverRatingModel(**self._params().get("rating", {})).fit(H, before=slate.date)
        except InputError as e:
            if "no races before" not in str(e):
                raise  # a malformed history is an error, not a fallback
            span = ""
            if len(H):
                span = (f"; the history runs {pd.Timestamp(H['race_date'].min()).date()} to "
                        f"{pd.Timestamp(H['race_date'].max()).date()}")
            return None, notes + [f"race history: no race before {slate.date.date()} (series {series or 'any'}) "
                                  f"was found{span}: no history strengths"], "", series
        s = m.strengths_for_slate(slate, series=series)
        nm = m.match_
        fuzzy = [f"{a} = {b}" for a, b, h in zip(nm.names, nm.matched_names, nm.how) if h not in ("exact", "unmatched")]
        if fuzzy:
            notes.append(f"slate names matched to race history by spelling rule: {', '.join(fuzzy)}")
        if m.unknown_:
            notes.append(f"{len(m.unknown_)} driver(s) not found in race history before {slate.date.date()} "
                         f"(newcomer prior): {m.unknown_}")
        hist = H if "source" in H.columns else H.assign(source="race_logs")
        line = (f"history model through {pd.Timestamp(m.last_race_).date()} ({history_line(hist, slate.date)}; "
                f"{int(nm.matched.sum())} of {len(nm.names)} drivers found; series {series or 'any'})")
        return s, notes, line, series

    def _salary_strength(self, slate: Slate):
        return salary_strength(slate.salaries.astype(float), slope=self.salary_slope_(slate.archetype))

    def _strength(self, slate: Slate, strength):
        """(shape strength, label, notes, provenance, {source: strength} for the blend, series of the history)."""
        if strength is not None:
            s = check_float_array("strength", strength)
            if s.shape != (slate.n_players,):
                raise InputError(f"strength: expected {slate.n_players} values (one per slate row), got shape {s.shape}")
            if not np.all(np.isfinite(s)):
                bad = np.flatnonzero(~np.isfinite(s))
                raise InputError(f"strength: NaN or infinite values for rows {bad[:5].tolist()} "
                                 f"({slate.players['name'].iloc[bad[:5]].tolist()})")
            return s, "strength argument", [], "strength given by the caller", None, slate.series, \
                _PracticeUse.unused("not used: strengths given by the caller")
        if "rating" in slate.players.columns and slate.players["rating"].notna().all():
            s = slate.column("rating")
            if not np.all(np.isfinite(s)):
                raise InputError("slate column 'rating': NaN or infinite values")
            return s, "slate rating column", [], "strength from the slate's rating column", None, slate.series, \
                _PracticeUse.unused("not used: strength from the slate's rating column")
        hist, notes, line, series = (None, [], "", slate.series)
        if self.history is not None:
            hist, notes, line, series = self._history_strength(slate)
        else:
            notes = ["history=None: no race history used"]
        sal = self._salary_strength(slate)
        hist, sal, use = self._apply_practice(slate, hist, sal, series)
        notes = notes + use.notes
        pline = f"; practice speeds ({use.provenance})" if use.effect is not None else ""
        line = line + pline
        if hist is not None:
            return hist, "history rating model", notes, line, {"history": hist, "salary": sal}, series, use
        msg = ("no strengths, no slate 'rating' column and no usable race history"
               + (f" before {slate.date.date()}" if slate.date is not None else "") + ": strength from salary alone "
               "(fitted salary-strength mapping)")
        warnings.warn(msg + (f" ({notes[-1]})" if notes else ""), UserWarning, stacklevel=3)
        return sal, "salary only (fallback)", notes + [msg], "salary only (fallback: fitted salary-strength mapping)" + \
            pline, {"salary": sal}, series, use

    # --- practice and qualifying speeds -------------------------------------
    def practice_weights_(self) -> dict:
        """The practice / qualifying weights this simulator uses (shipped ``racesim_practice.json``, then overrides)."""
        from ._practice import load_practice_weights

        W = {k: v for k, v in load_practice_weights().get("weights", {}).items()}
        W.update(self.practice_weights or {})
        return W

    def _practice_rows(self, slate: Slate):
        """(rows of this race's sessions or None, where they came from / why none)."""
        from ..io.practice import practice_for_race, read_practice_quali

        src = self.practice
        if slate.date is None:
            return None, "not used: the slate has no race date, so its sessions cannot be found"
        rid = (slate.meta or {}).get("nascar_race_id")
        if isinstance(src, pd.DataFrame):
            rows, where = practice_for_race(src, slate.date, slate.track, race_id=rid), "the given practice table"
        elif isinstance(src, str):  # "auto"
            from ..io.practice import default_practice_path
            from ..utils.config import data_dir

            root = data_dir(required=False)
            path = None if root is None else default_practice_path(root)
            if path is None or not path.is_file():
                return None, "not used: no practice_quali.csv in the data folder"
            st = path.stat()
            rows = practice_for_race(_read_practice_cached(str(path), st.st_mtime_ns, st.st_size), slate.date,
                                     slate.track, race_id=rid)
            where = "practice_quali.csv"
        else:  # a user's file for this race: a row of another race is an error naming it
            rows, where = read_practice_quali(src, race_date=slate.date), str(src)
        if rows is None or rows.empty:
            return None, f"not used: {slate.date.date()} {slate.track or ''} is not in {where}".replace("  ", " ")
        return rows, where

    def _apply_practice(self, slate: Slate, hist, sal, series=None):
        """Practice / qualifying speeds into the automatic strengths (see :mod:`._practice`).

        Returns (history strength, salary strength, :class:`_PracticeUse`). Cup only with the data
        folder's file: it holds Cup weekends, and an Xfinity or Truck race the day before a Cup
        race at the same track must not take the Cup cars' speeds.
        """
        from ._practice import describe_sessions, practice_effect, practice_features

        if self.practice is None:
            return hist, sal, _PracticeUse.unused("off (practice=None)")
        series = series or slate.series
        if series not in (None, "cup") and isinstance(self.practice, str):
            what = {"xfinity": "an Xfinity", "trucks": "a Truck"}.get(series, f"a {series}")
            why = f"not used: the data folder's practice_quali.csv holds Cup sessions and this is {what} race"
            return hist, sal, _PracticeUse.unused(why, [f"practice: {why}"])
        rows, where = self._practice_rows(slate)
        if rows is None:
            return hist, sal, _PracticeUse.unused(where, [f"practice: {where}: strengths without practice / "
                                                          "qualifying speeds"])
        W = self.practice_weights_()
        if not W:
            why = "not used: no fitted practice weights (racesim_practice.json)"
            return hist, sal, _PracticeUse.unused(why, [f"practice: {why}"])
        ids = slate.players["nascar_driver_id"].tolist() if "nascar_driver_id" in slate.players else None
        feat = practice_features(rows, slate.players["name"].tolist(), driver_ids=ids)
        qualified = "start" in slate.players and slate.players["start"].notna().all()
        base = hist if hist is not None else sal
        eff = practice_effect(feat, W, slate.archetype, qualified, base_strength=base)
        summary = describe_sessions(feat, W, slate.archetype, qualified)
        if not eff.description:
            reason = ("no practice session with times this weekend" if not feat.has_practice else
                      "the fitted weights are 0 for this track type and stage")
            why = f"{summary}; nothing added to the strengths ({reason})"
            return hist, sal, _PracticeUse.unused(why, feat.notes + [f"practice: {why}"])
        apply_to = W.get("apply_to", ["history"])
        if hist is not None and "history" in apply_to:
            hist = hist + eff.strength
        if "salary" in apply_to or hist is None:
            sal = sal + eff.strength
        notes = list(feat.notes)
        if series not in (None, "cup"):
            notes.append(f"practice: the practice weights were fitted on Cup races; used for this {series} race "
                         "because its sessions were given")
        stage = "after qualifying" if qualified else "before qualifying: practice only"
        notes.append(f"practice / qualifying speeds from {where} ({summary}): {eff.description}")
        return hist, sal, _PracticeUse(eff, summary, notes, f"{stage}: {eff.description}")

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
        if slate.race_laps is None:
            raise InputError(f"slate {slate.name}: race_laps (the race length) is needed to simulate races")
        check_race_laps(slate.race_laps, f"slate {slate.name}: race_laps")  # set after construction too
        if slate.n_players < slate.rules.roster_size:
            raise InputError(f"slate {slate.name}: {slate.n_players} drivers is fewer than a roster of "
                             f"{slate.rules.roster_size}")
        if "start" not in slate.players.columns or slate.players["start"].isna().all():
            # before qualifying: every simulated race draws its own start order
            q = params.get("qualifying", {}).get("coef", {})
            if not q:
                raise InputError(f"slate {slate.name}: no column 'start' (qualifying position) and these parameters "
                                 "have no fitted qualifying model to draw one (run scripts/fit_qualifying.py)")
            return params["archetypes"][slate.archetype], _Unqualified(float(q.get(slate.archetype, q["pooled"])))
        if slate.players["start"].isna().any():
            miss = slate.players.loc[slate.players["start"].isna(), "name"].tolist()
            raise InputError(f"slate {slate.name}: column 'start' (qualifying position) is missing for {len(miss)} "
                             f"driver(s): {miss[:8]}; give every start, or none (before qualifying)")
        start = slate.players["start"].to_numpy(dtype=np.int64)
        if (start < 1).any():
            raise InputError(f"slate {slate.name}: column 'start' must hold positions >= 1")
        u, c = np.unique(start, return_counts=True)
        if (c > 1).any():
            raise InputError(f"slate {slate.name}: duplicate start position(s) {u[c > 1].tolist()} in column 'start'")
        return params["archetypes"][slate.archetype], start

    # --- simulation -----------------------------------------------------
    def _run(self, arch, strength, start, laps, n, seed, temperature, mean_error=None, points=False,
             dtype=np.float32, starts_out=None, pace=None):
        """Simulate ``n`` races in fixed-size chunks (bounded memory; each chunk has its own seed).

        With ``points`` the DK points (``dtype``) are computed per chunk and returned last.
        ``start`` is the slate's start positions, or :class:`_Unqualified` (each race
        draws its start order first; written to ``starts_out`` (n, D) when given).
        ``pace`` (D,): strength added to the race pace only (practice speed; see
        :mod:`._practice`); None = none.
        """
        me = self._mean_error() if mean_error is None else mean_error
        drawn = isinstance(start, _Unqualified)
        q = None if drawn else start_score(start)
        D = len(strength)
        ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        n_chunks = -(-n // CHUNK)
        kids = ss.spawn(n_chunks) if n_chunks > 1 else [ss]
        regime = np.empty(n, np.int8)
        finish = np.empty((n, D), np.int16)
        ll = np.empty((n, D), np.int32)
        fl = np.empty((n, D), np.int32)
        dnf = np.empty((n, D), bool)
        pts = np.empty((n, D), dtype) if points else None
        for c, kid in enumerate(kids):
            a, b = c * CHUNK, min(n, (c + 1) * CHUNK)
            rng = np.random.default_rng(kid)
            st = None if drawn else start[None, :]
            if drawn:  # qualifying first, from the mean strength (as fitted), then the race
                qs = strength if start.base is None else start.base
                qs = qs if start.shift is None else qs + start.shift
                st = draw_qualifying(rng, qs, b - a, start.coef)
                q = start_score_rows(st)
                if starts_out is not None:
                    starts_out[a:b] = st
            reg, args = draw_regime_rows(rng, b - a, arch, strength, q, laps, temperature, me, self.finish_gain,
                                         pace_strength=pace)
            f, l_, fl_, d = simulate_rows(rng, **args)
            regime[a:b], finish[a:b], ll[a:b], fl[a:b], dnf[a:b] = reg, f, l_, fl_, d
            if points:
                pts[a:b] = dk_points(st, f, l_, fl_, dtype=dtype)
        return (regime, finish, ll, fl, dnf, pts) if points else (regime, finish, ll, fl, dnf)

    def _pilot_mean(self, arch, s, start, laps, seed, T, pace=None):
        return self._run(arch, s, start, laps, N_PILOT, seed, T, points=True, dtype=np.float64, pace=pace)[-1].mean(0)

    def simulate(self, slate: Slate, strength=None, projections=None, pace_strength=None,
                 qualifying_strength=None) -> RaceScenarios:
        """Simulate ``n_scenarios`` races of ``slate``.

        Parameters
        ----------
        slate : Slate
            Needs ``salary``, ``archetype`` and ``race_laps``; ``start`` for every driver
            or for none (before qualifying: each simulated race then draws its own start
            order from the strengths, kept in ``RaceScenarios.start``).
        strength : array_like, optional
            Latent strength per slate row (about N(0, 0.5) across a field). If None:
            the slate's ``rating`` column; else the :class:`DriverRatingModel` on the
            race history before ``slate.date`` (``history="auto"`` finds it; names
            matched by :func:`dfslab.names.match_names`; the series is inferred from
            the drivers when the slate has none); else salary alone, with a warning
            and ``strength_source = "salary only (fallback)"``.
        projections : array_like, optional
            Your DK-point means per driver. With automatic strengths and
            ``blend=True`` they are one source of the blended mean (instead of the
            slate's ``projection`` column); with given strengths or ``blend=False``
            the simulated means are matched to them exactly, after shifting them to
            the race's points total (damped secant iterations with common random
            numbers on a 3,000-scenario pilot; the shift and remaining gap are in
            ``notes``). NaN for a driver = no projection for that driver (a
            partial projection, e.g. per-driver overrides): in the blend such a
            driver keeps the blend of the other sources, with their own fitted
            weights, while a driver with one gets the weights of the sources
            including the projection, its projection measured from the race's
            points per driver; when matching, such a driver keeps its own
            simulated mean.
        pace_strength : array_like, optional
            Strength added to the race pace only (who leads laps and sets fastest laps),
            per slate row; with automatic strengths and practice sessions for the race
            (``practice=``) it is computed from the practice speeds.
        qualifying_strength : array_like, optional
            Before qualifying only: the strength each simulated race's start order is drawn
            from (default: the race strength; with practice sessions, the race strength plus
            the fitted practice term of the draw).

        Returns
        -------
        RaceScenarios
            With ``means`` (sources, weights, blend) and ``provenance``.
        """
        ps = None
        if pace_strength is not None:
            ps = check_float_array("pace_strength", pace_strength)
            if ps.shape != (slate.n_players,) or not np.all(np.isfinite(ps)):
                raise InputError(f"pace_strength: expected {slate.n_players} finite values (one per slate row), "
                                 f"got shape {ps.shape}")
        qs = None
        if qualifying_strength is not None:
            qs = check_float_array("qualifying_strength", qualifying_strength)
            if qs.shape != (slate.n_players,) or not np.all(np.isfinite(qs)):
                raise InputError(f"qualifying_strength: expected {slate.n_players} finite values (one per slate row), "
                                 f"got shape {qs.shape}")
        return self._simulate(slate, strength, projections, ps, qs)

    def _simulate(self, slate: Slate, strength, projections, pace=None, qualifying_strength=None) -> RaceScenarios:
        arch, start = self._check_slate(slate)
        # the outputs (finish int16, laps led / fastest laps int32, dnf bool, points float32) stay whole even
        # though the races are simulated in chunks: ~17 bytes per scenario and driver measured at 10^6 scenarios
        per_cell = BYTES_PER_CELL + (2 if isinstance(start, _Unqualified) else 0)  # + the drawn int16 starts
        check_memory(per_cell * self.n_scenarios * slate.n_players, what="RaceSimulator.simulate",
                     param="n_scenarios", value=self.n_scenarios,
                     detail=f"{per_cell} bytes x {self.n_scenarios:,} scenarios x {slate.n_players} drivers")
        laps = int(slate.race_laps)
        s, source, notes, prov, auto, series, use = self._strength(slate, strength)
        notes = list(notes)
        eff = use.effect
        if eff is not None:
            if pace is None and np.any(eff.pace != 0):
                pace = eff.pace
            if isinstance(start, _Unqualified) and eff.qual_shift is not None:
                start = _Unqualified(start.coef, eff.qual_shift)
        if qualifying_strength is not None and isinstance(start, _Unqualified):
            start = _Unqualified(start.coef, qualifying_strength - s)
        if isinstance(start, _Unqualified) and self.prequal == "shape":
            # the start order comes from the shape strength, fixed before the mean is matched: raising a driver's
            # strength to meet a projection must not also move his drawn start (his projection already holds it)
            start = _Unqualified(start.coef, start.shift, base=np.asarray(s, float).copy())
            notes.append("no qualifying: start orders drawn from the history/salary strength, before it is matched to "
                         "the mean (prequal='shape')")
        if self.dnf_recency is not None and source.startswith("history"):
            from ._dnf import dnf_factor

            H, _ = self._resolve_history()
            f, note = dnf_factor(H, self._params(), series or slate.series, slate.date, **self.dnf_recency)
            if f != 1.0:
                arch = dict(arch, dnf_scale=f)
            notes.append(note)
        own = _vendor_ownership(slate)
        if self.crowd is not None and self.crowd.get("chalk_sd", 0.0) > 0 and own is not None and auto is not None:
            lo = np.log(np.maximum(own, 0.1))
            arch = dict(arch, chalk=((lo - lo.mean()) / lo.std(), float(self.crowd["chalk_sd"])))
            notes.append(f"each scenario draws a factor shared by the drivers the crowd owns: strength + "
                         f"{self.crowd['chalk_sd']:.2f} x z x standardized log projected ownership, z ~ N(0, 1) per "
                         "scenario (crowd)")
        rs = self.random_state
        # a copy of a given SeedSequence: spawning from the caller's object would change it, and the next call's races
        seed = np.random.SeedSequence(rs.entropy, spawn_key=rs.spawn_key, pool_size=rs.pool_size) \
            if isinstance(rs, np.random.SeedSequence) else np.random.SeedSequence(rs)
        main_seed, pilot_seed = seed.spawn(2)
        T = float(self._params().get("temperature", 1.0))
        proj = None
        if projections is not None:
            proj = self._check_projections(projections, slate, partial=True)
            proj_label = "projections argument"
        elif auto is not None and "projection" in slate.players and slate.players["projection"].notna().all():
            proj = self._check_projections(slate.players["projection"].to_numpy(float), slate, "slate column 'projection'")
            proj_label = slate.meta.get("projection_source", "the slate's projection column (published or user)")
        means = None
        single = auto is not None and proj is None and set(auto) == {"salary"}
        if single:  # one source: its own simulated mean, nothing to blend
            means = pd.DataFrame({"name": slate.players["name"].to_numpy(), "mean_salary": np.nan,
                                  "weight_salary": 1.0, "mean_blend": np.nan})
        elif auto is not None and self.blend:
            s, means, extra, prov = self._blend(arch, s, start, laps, auto, proj, pilot_seed, T, slate, prov,
                                                proj_label if proj is not None else "", pace=pace)
            notes += extra
            source += " blended mean"
        elif proj is not None:
            if np.isnan(proj).any():  # partial: the others keep their own simulated means
                m0 = self._pilot_mean(arch, s, start, laps, pilot_seed, T, pace)
                notes.append(f"projection given for {int(np.isfinite(proj).sum())} of {len(proj)} drivers: the "
                             "others keep their simulated means")
                proj = np.where(np.isnan(proj), m0, proj)
            s, extra = self._match_projections(arch, s, start, laps, proj, pilot_seed, T, slate, pace=pace)
            notes += extra
            source += " matched to projections"
            prov += "; means matched to the given projections"
        me = self._mean_error()
        if me > 0:
            notes.append(f"each scenario draws driver strengths around the mean with sd {me:.3f} (mean_error)")
        starts = None
        if isinstance(start, _Unqualified):
            starts = np.empty((self.n_scenarios, slate.n_players), np.int16)
            notes.append(f"no qualifying: each simulated race draws its start order from the strengths (qualifying "
                         f"model, coefficient {start.coef:.2f}); place-differential points use those starts")
        regime, finish, ll, fl, dnf, pts = self._run(arch, s, start, laps, self.n_scenarios, main_seed, T, points=True,
                                                     starts_out=starts, pace=pace)
        if means is not None:
            means["mean_sim"] = pts.mean(0, dtype=np.float64)
            if single:
                means["mean_salary"] = means["mean_blend"] = means["mean_sim"]
        ptab = None
        if eff is not None:
            ptab = eff.features.table.copy()
            ptab["strength_adj"] = eff.strength
            ptab["pace_adj"] = pace if pace is not None else 0.0
            ptab["qual_shift"] = eff.qual_shift if (eff.qual_shift is not None and starts is not None) else 0.0
        return RaceScenarios(points=pts, finish=finish, laps_led=ll, fastest_laps=fl, dnf=dnf, regime=regime,
                             slate=slate, strength=s, strength_source=source, notes=notes, means=means,
                             provenance=prov, series=series, start=starts, practice=ptab,
                             practice_sessions=use.summary)

    def _check_projections(self, projections, slate, what="projections", partial=False):
        proj = check_float_array(what, projections)
        if proj.shape != (slate.n_players,):
            raise InputError(f"{what}: expected {slate.n_players} values, got shape {proj.shape}")
        bad = np.isinf(proj) if partial else ~np.isfinite(proj)
        if bad.any():
            raise InputError(f"{what}: {'infinite' if partial else 'NaN or infinite'} values at rows "
                             f"{np.flatnonzero(bad)[:5].tolist()}")
        if partial and np.isnan(proj).all():
            raise InputError(f"{what}: every value is NaN (no projection for any driver); give None instead")
        return proj

    def _blend(self, arch, s, start, laps, auto, proj, seed, T, slate, prov, proj_label, pace=None):
        """Blend the mean sources with the fitted weights and match the scenarios to the blend."""
        src_means = {}
        if proj is not None:
            src_means["projection"] = proj
        for k in ("history", "salary"):
            if k in auto:
                src_means[k] = self._pilot_mean(arch, auto[k], start, laps, seed, T, pace)
        keys = [k for k in SOURCES if k in src_means]
        W = self.blend_weights_()
        key = "+".join(keys)
        notes = []

        def weights(ks):
            kk = "+".join(ks)
            if kk in W:
                return {k: float(W[kk][k]) for k in ks}
            notes.append(f"no fitted blend weights for sources {kk}: equal weights")
            return {k: 1.0 / len(ks) for k in ks}

        w = weights(keys)
        has = np.ones(len(slate.players), bool) if proj is None else np.isfinite(proj)
        if has.all():
            dev = sum(w[k] * (src_means[k] - src_means[k].mean()) for k in keys)
        else:
            # partial projection: a driver with one blends every source (the projection measured from the
            # race's points per driver); a driver without one keeps the blend of the other sources
            rest = [k for k in keys if k != "projection"]
            w_rest = weights(rest)
            level = float(np.mean([src_means[k].mean() for k in rest]))
            centred = {k: src_means[k] - src_means[k].mean() for k in rest}
            centred["projection"] = np.where(has, proj - level, 0.0)
            dev = np.where(has, sum(w[k] * centred[k] for k in keys), sum(w_rest[k] * centred[k] for k in rest))
            notes.append(f"projection given for {int(has.sum())} of {len(has)} drivers: they blend "
                         f"{', '.join(f'{k} {w[k]:.2f}' for k in keys)}; the others keep "
                         f"{', '.join(f'{k} {w_rest[k]:.2f}' for k in rest)}")
        shift = self._crowd_shift(slate, proj, dev)
        if shift is not None:
            dev = dev + shift
            notes.append(f"crowd: blended mean shifted by {self.crowd.get('gap', 0):+.3f} x (vendor projection - "
                         f"blend) and {self.crowd.get('own', 0):+.2f} x log projected ownership beyond blend and "
                         f"salary (sd {shift.std():.2f} pts, {shift.min():+.1f} to {shift.max():+.1f})")
        means = pd.DataFrame({"name": slate.players["name"].to_numpy()})
        if shift is not None:
            means["crowd_shift"] = shift
        for k in keys:
            means[f"mean_{k}"] = src_means[k]
        for k in keys:
            means[f"weight_{k}"] = w[k] if has.all() else np.where(has, w[k], w_rest.get(k, 0.0))
        s, extra = self._match_projections(arch, s, start, laps, dev, seed, T, slate, what="blended mean", pace=pace)
        total = self._pilot_mean(arch, s, start, laps, seed, T, pace).mean()
        means["mean_blend"] = dev - dev.mean() + total
        notes += extra
        wtxt = ", ".join(f"{k} {w[k]:.2f}" for k in keys)
        origin = ("given blend_weights" if self.blend_weights and key in self.blend_weights
                  else "fitted leave-one-slate-out on the real slates")
        names = {"projection": proj_label or "projection", "history": "history model", "salary": "salary-implied"}
        prov = (prov + "; " if prov else "") + f"mean = blend of {', '.join(names[k] for k in keys)} (weights {wtxt})"
        if not has.all():  # partial projection: say which weights hold for whom
            wtxt = (f"{wtxt} for the {int(has.sum())} driver(s) with a projection; "
                    + ", ".join(f"{k} {w_rest[k]:.2f}" for k in rest) + " for the others")
            prov = prov.rsplit(" (weights ", 1)[0] + f" (weights {wtxt})"
        notes.append(f"scenario means matched to the blend of {', '.join(keys)} (weights {wtxt}, {origin})")
        return s, means, notes, prov

    def _crowd_shift(self, slate, proj, dev):
        """The crowd's shift of the blended mean (DK points, centred), or None (off, or no vendor data).

        ``gap x ((projection - blend) centred) + own x r``: ``r`` is the residual of log projected ownership on the
        blend and salary within the slate (what the field thinks beyond what we think).
        """
        c = self.crowd
        own = _vendor_ownership(slate)
        has_proj = proj is not None and np.isfinite(proj).all()
        if not c or (not has_proj and own is None):
            return None
        dc = dev - dev.mean()
        shift = np.zeros(len(dev))
        if has_proj and c.get("gap", 0.0):
            shift += c["gap"] * ((proj - proj.mean()) - dc)
        if own is not None and c.get("own", 0.0):
            lo = np.log(np.maximum(own, 0.1))
            X = np.column_stack([np.ones(len(dc)), dc, (slate.salaries - slate.salaries.mean()) / 1000.0])
            shift += c["own"] * (lo - X @ np.linalg.lstsq(X, lo, rcond=None)[0])
        return shift - shift.mean()

    def _match_projections(self, arch, s, start, laps, proj, seed, T, slate, n_pilot=N_PILOT, iters=40,
                           what="projections", pace=None):
        proj = np.asarray(proj, dtype=float)
        s = s.copy()
        slope = np.full(len(s), 12.0)  # DK points per unit strength; refined per driver (secant)
        prev = None
        best = (np.inf, s.copy(), None, None)
        damp = 0.8
        for it in range(iters):
            m = self._run(arch, s, start, laps, n_pilot, seed, T, points=True, dtype=np.float64, pace=pace)[-1].mean(0)
            if prev is not None:
                ds, dm = s - prev[0], m - prev[1]
                ok = np.abs(ds) > 1e-6
                est = np.where(ok, dm / np.where(ok, ds, 1.0), slope)
                slope = np.where(ok & (est > 0), np.clip(est, 2.0, 400.0), slope)
            target = proj - proj.mean() + m.mean()  # keep the race's points total
            gap = target - m
            g = np.abs(gap).max()
            if g < best[0]:
                best = (g, s.copy(), m, gap)
            elif it > 5:
                damp = max(0.2, damp * 0.7)  # not improving: smaller steps (drivers interact through shared laps)
            if g < 0.25:
                break
            prev = (s.copy(), m)
            s = s + np.clip(damp * gap / slope, -0.5, 0.5)
        _, s, m, gap = best  # the best pilot match seen
        shift = "" if what == "blended mean" else \
            f"shifted by {m.mean() - proj.mean():+.2f} pts per driver to the race total; "
        notes = [f"{what} matched after {it + 1} pilot iterations: {shift}max |gap| {np.abs(gap).max():.2f} pts "
                 "on the pilot"]
        if np.abs(gap).max() > 2.0:
            worst = slate.players["name"].iloc[int(np.argmax(np.abs(gap)))]
            warnings.warn(f"{what}: could not match all means (max gap {np.abs(gap).max():.1f} pts, {worst}); "
                          "they may be outside what a race can produce", UserWarning, stacklevel=3)
        return s, notes


@functools.lru_cache(maxsize=2)
def _read_practice_cached(path: str, mtime_ns: int, size: int):
    """The data folder's practice file, read and validated once per process (and again when it changes)."""
    from ..io.practice import read_practice_quali

    return read_practice_quali(path)


@dataclass
class _PracticeUse:
    """What the practice / qualifying sessions did to one simulation (``effect`` None = nothing)."""

    effect: object
    summary: str
    notes: list
    provenance: str = ""

    @classmethod
    def unused(cls, why: str, notes=None) -> "_PracticeUse":
        return cls(None, why, list(notes or []))


def check_practice_setting(practice):
    """The ``practice`` setting of :class:`RaceSimulator` / ``SlateAnalysis``, checked.

    "auto" (the data folder's ``practice_quali.csv``, Cup races), None or "off" (never), a path
    to a practice CSV of the slate's race (``practice_quali.csv`` columns; read and checked
    when simulating), or a :func:`dfslab.io.read_practice_quali` table. Returns "auto", None,
    a :class:`~pathlib.Path` or the DataFrame.

    Examples
    --------
    >>> check_practice_setting("off") is None, check_practice_setting("auto")
    (True, 'auto')
    """
    from pathlib import Path

    if practice is None or (isinstance(practice, str) and practice.strip().lower() in ("off", "none")):
        return None
    if isinstance(practice, str) and practice.strip().lower() in ("auto", ""):
        return "auto"
    if isinstance(practice, pd.DataFrame):
        need = {"race_key", "session_key", "race_date", "has_time", "speed_pct_of_session_best"}
        if not need <= set(practice.columns):
            raise InputError(f"practice: a DataFrame must come from dfslab.io.read_practice_quali (missing "
                             f"{sorted(need - set(practice.columns))})")
        return practice
    if isinstance(practice, (str, Path)):
        p = Path(practice)
        if not p.is_file():
            raise InputError(f"practice: {practice} is not a file (give 'auto', 'off' or a practice CSV of this race)")
        return p
    raise InputError(f"practice: expected 'auto', 'off', a practice CSV path, a read_practice_quali() DataFrame or "
                     f"None, got {type(practice).__name__}")
