"""Recency-weighted DNF level of a series (issue 22).

The shipped DNF model is a Beta per archetype x regime fitted on races before 2025 (recency half-life 0.5 y
relative to 2025-01-01) and then frozen. :func:`dnf_factor` rescales it per slate with what the same series
did recently: ``factor = (sum_r w_r dnf_r + k * 5) / (sum_r w_r shipped_r + k * 5)`` over the series' races
strictly before the slate date, ``w_r = 0.5 ** (age_r / half_life)``, ``shipped_r`` = the shipped model's
expected DNF count of race r (field size x the archetype's regime-mixture mean rate) and ``k`` pseudo-races
of 5 DNFs at factor 1 (shrinkage).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REGIMES = ("dominator", "chaos", "fuel_mileage")


def mixture_dnf_rate(arch_params: dict) -> float:
    """The archetype's expected DNF rate per driver (regime-mixture mean of the Beta means)."""
    pr = np.asarray(arch_params["regime_probs"], float)
    pr = pr / pr.sum()
    return float(sum(p * arch_params["regimes"][r]["dnf_a"] / (arch_params["regimes"][r]["dnf_a"]
                                                                + arch_params["regimes"][r]["dnf_b"])
                     for p, r in zip(pr, REGIMES)))


def race_dnf_table(history: pd.DataFrame) -> pd.DataFrame:
    """One row per race of ``history`` with at least 20 starters: date, series, archetype, starters, DNFs."""
    g = history.groupby("race_id", sort=False)
    series = g["series"].first() if "series" in history else None
    t = pd.DataFrame({"date": g["race_date"].first(), "series": series,
                      "archetype": g["archetype"].first(), "n": g.size(), "dnf": g["dnf"].sum()})
    return t[t["n"] >= 20]


def dnf_factor(history: pd.DataFrame, params: dict, series, date, half_life: float = 1.0, k: float = 10.0):
    """(factor, note): the recency-weighted ratio of real to shipped-model DNFs of ``series`` before ``date``."""
    if history is None or date is None:
        return 1.0, "no history or date: shipped DNF rate"
    missing = sorted({"race_id", "race_date", "archetype", "dnf"} - set(history.columns))
    if missing:
        return 1.0, f"the race history has no {missing}: shipped DNF rate"
    t = race_dnf_table(history)
    t = t[(pd.to_datetime(t["date"]) < pd.Timestamp(date)) & t["archetype"].isin(list(params["archetypes"]))]
    if series is not None and "series" in t:
        t = t[t["series"] == series]
    if t.empty:
        return 1.0, f"no {series or ''} races before {pd.Timestamp(date).date()}: shipped DNF rate"
    rate = {a: mixture_dnf_rate(p) for a, p in params["archetypes"].items()}
    exp = t["n"].to_numpy(float) * t["archetype"].map(rate).to_numpy(float)
    age = (pd.Timestamp(date) - pd.to_datetime(t["date"])).dt.days.to_numpy(float) / 365.25
    w = 0.5 ** (age / half_life)
    f = float((np.sum(w * t["dnf"].to_numpy(float)) + 5.0 * k) / (np.sum(w * exp) + 5.0 * k))
    return f, (f"DNF rate x{f:.2f}: recency-weighted real / model DNFs of {series or 'all series'} races before "
               f"{pd.Timestamp(date).date()} (half-life {half_life:g} y, {k:g} pseudo-races)")
