"""Driver strength from race history (no leakage: only races before a date).

A driver's per-race performance is the average of two field-relative scores:
the normal score of the finishing position and the z-score of the loop-data
driver rating (which also rewards running up front and leading). A driver's
strength is a time-decayed, shrunk average of these scores, weighting races of
the same series and track archetype more. Drivers without history get the
mean first-race performance of newcomers in the history (fitted, usually well
below 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ..exceptions import InputError
from ..names import match_names, name_key

_NEEDED = ("driver_name", "race_date", "race_id", "finish")


def race_performance(history: pd.DataFrame) -> pd.Series:
    """Field-relative performance per driver-race (about N(0, 1) within each race).

    Parameters
    ----------
    history : pandas.DataFrame
        Rows of :func:`dfslab.read_race_logs` (needs race_id, finish; uses rating if present).

    Returns
    -------
    pandas.Series aligned with ``history``.
    """
    n = history.groupby("race_id")["finish"].transform("size").to_numpy(float)
    rank = history.groupby("race_id")["finish"].rank(method="first").to_numpy(float)
    fz = ndtri((n - rank + 0.5) / n)
    if "rating" in history.columns and history["rating"].notna().any():
        r = history["rating"].astype(float)
        g = r.groupby(history["race_id"])
        rz = ((r - g.transform("mean")) / g.transform("std").replace(0, np.nan)).to_numpy(float)
        perf = np.where(np.isfinite(rz), 0.5 * fz + 0.5 * np.clip(rz, -3, 3), fz)
    else:
        perf = fz
    return pd.Series(perf, index=history.index, name="perf")


class DriverRatingModel:
    """Time-decayed, shrunk driver strength from races before a cutoff date.

    The defaults are the shipped settings (``racesim_params.json["rating"]``), chosen
    on 2020-2024 races by ``scripts/screen_rating_settings.py`` and
    ``scripts/fit_rating_model.py`` (docs/race_simulator.md, "Rating model"): a race at
    the same track type counts 10 times another (road and superspeedway form says
    little about ovals), another series 0.1.

    Parameters
    ----------
    half_life_days : float
        Weight of a race halves every ``half_life_days`` before the cutoff.
    same_archetype_weight : float
        Extra weight multiplier of races at the target track archetype.
    other_series_weight : float
        Weight multiplier of races in another series than the target series.
    prior_races : float
        Shrinkage: the prior (newcomer mean) counts as this many full-weight races.

    Examples
    --------
    >>> import pandas as pd
    >>> h = pd.DataFrame({"driver_name": ["A", "B", "C"] * 2, "race_id": ["r1"] * 3 + ["r2"] * 3,
    ...                   "race_date": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"] * 3),
    ...                   "finish": [1, 2, 3, 1, 3, 2]})
    >>> m = DriverRatingModel().fit(h, before="2024-03-01")
    >>> s = m.strengths(["A", "B", "C", "Newcomer"])
    >>> bool(s[0] > s[1]), bool(s[3] == m.prior_mean_)
    (True, True)
    """

    def __init__(self, half_life_days: float = 365.0, same_archetype_weight: float = 10.0,
                 other_series_weight: float = 0.1, prior_races: float = 1.0):
        self.half_life_days = half_life_days
        self.same_archetype_weight = same_archetype_weight
        self.other_series_weight = other_series_weight
        self.prior_races = prior_races

    def fit(self, history: pd.DataFrame, before=None) -> "DriverRatingModel":
        """Keep the races strictly before ``before`` (a date) and fit the newcomer prior.

        Raises :class:`InputError` when the history is malformed or holds no race
        before the date.
        """
        if not isinstance(history, pd.DataFrame):
            raise InputError(f"history: must be a DataFrame of race-log rows, got {type(history).__name__}")
        miss = [c for c in _NEEDED if c not in history.columns]
        if miss:
            raise InputError(f"history: missing column(s) {miss}")
        h = history
        if before is not None:
            before = pd.Timestamp(before)
            h = h[pd.to_datetime(h["race_date"]) < before]
        if len(h) == 0:
            raise InputError(f"history: no races before {None if before is None else before.date()} "
                             "(race_date); cannot rate drivers")
        h = h.copy()
        h["race_date"] = pd.to_datetime(h["race_date"])
        if "perf" not in h.columns:  # callers may precompute it (it depends on one race only)
            h["perf"] = race_performance(h).to_numpy()
        if "driver_key" not in h.columns:  # one identity per driver whatever the spelling
            h["driver_key"] = driver_keys(h["driver_name"])
        first = h.sort_values("race_date", kind="stable").groupby("driver_key")["perf"].first()
        self.prior_mean_ = float(first.mean()) if len(first) >= 5 else 0.0
        self.before_ = before if before is not None else h["race_date"].max() + pd.Timedelta(days=1)
        self.history_ = h[[c for c in ("driver_key", "driver_name", "race_date", "series", "archetype", "perf", "source")
                           if c in h.columns]]
        self.n_races_ = int(h["race_id"].nunique())
        self.last_race_ = h["race_date"].max()
        # The latest spelling of each driver: what slate names are matched against.
        names = h.sort_values("race_date", kind="stable").groupby("driver_key")["driver_name"].last()
        self._cand_keys = names.index.to_numpy()
        self._cand_names = names.astype(str).tolist()
        return self

    def strengths(self, names, series: str | None = None, archetype: str | None = None) -> np.ndarray:
        """Strength per driver name (float array); drivers not found get ``prior_mean_``.

        Names are matched to the history's drivers by :func:`dfslab.names.match_names`
        (accents, case, punctuation, suffixes, the alias table, dropped initials), so a
        spelling difference never makes a known driver a newcomer. After the call,
        ``match_`` holds the :class:`~dfslab.names.NameMatch` and ``unknown_`` the
        names with no history.

        Raises
        ------
        InputError
            Two names match one history driver (e.g. an alias mapping two slate
            drivers to one person).
        """
        if not hasattr(self, "history_"):
            raise InputError("DriverRatingModel: call fit() first")
        names = [str(x) for x in names]
        h = self.history_
        age = (self.before_ - h["race_date"]).dt.days.to_numpy(float)
        w = 0.5 ** (age / self.half_life_days)
        if series is not None and "series" in h.columns:
            w = w * np.where(h["series"].to_numpy() == series, 1.0, self.other_series_weight)
        if archetype is not None and "archetype" in h.columns:
            w = w * np.where(h["archetype"].to_numpy() == archetype, self.same_archetype_weight, 1.0)
        df = pd.DataFrame({"d": h["driver_key"].to_numpy(), "w": w, "wp": w * h["perf"].to_numpy()})
        agg = df.groupby("d")[["w", "wp"]].sum()
        k = self.prior_races
        s = (agg["wp"] + k * self.prior_mean_) / (agg["w"] + k)
        m = match_names(names, self._cand_names, source="slate", target="race history")
        self.match_ = m
        keys = [self._cand_keys[i] if i >= 0 else None for i in m.index]
        out = np.array([s.get(kk, np.nan) if kk is not None else np.nan for kk in keys], dtype=float)
        unknown = np.isnan(out)
        self.unknown_ = [n for n, u in zip(names, unknown) if u]
        out[unknown] = self.prior_mean_
        return out

    def strengths_for_slate(self, slate, series: str | None = None) -> np.ndarray:
        """Strengths of the slate's drivers (by ``name``) for its series (or ``series``) and archetype."""
        return self.strengths(slate.players["name"].tolist(), series=series or slate.series, archetype=slate.archetype)


def driver_keys(names) -> np.ndarray:
    """:func:`dfslab.names.name_key` of each name (computed once per distinct spelling)."""
    s = pd.Series(names).astype(str)
    u = s.unique()
    return s.map(dict(zip(u, (name_key(x) for x in u)))).to_numpy(dtype=object)


def salary_strength(salary, reference: np.ndarray | None = None, slope: float | None = None) -> np.ndarray:
    """Map salaries to a strength scale: normal scores of the salary rank.

    With ``slope`` the scores are multiplied by it (the fitted salary-strength
    mapping of an archetype); with ``reference`` (history-based strengths of the same
    drivers) they are rescaled to its mean and standard deviation instead.

    Examples
    --------
    >>> salary_strength([10000, 8000, 6000]).round(2).tolist()
    [0.97, 0.0, -0.97]
    """
    sal = np.asarray(salary, dtype=float)
    n = len(sal)
    r = pd.Series(sal).rank(method="average").to_numpy()
    z = ndtri((r - 0.5) / n)
    if slope is not None:
        return float(slope) * z
    if reference is not None and n > 1:
        ref = np.asarray(reference, float)
        sd = ref.std()
        z = ref.mean() + (sd if sd > 0 else 1.0) * z / max(z.std(), 1e-9)
    return z
