"""Matplotlib plots behind the ``plot_*`` methods of dfslab's objects.

Each function takes plain arrays/DataFrames and an optional ``ax`` and returns the
matplotlib Axes (so a caller can add to it); the objects' methods
(``Slate.plot_salaries``, ``RaceScenarios.plot_points``, ``Portfolio.plot_exposure``,
``ContestResult.plot_roi``, ``SlateAnalysis.plot_*``) call these.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REGIME_COLORS = {"dominator": "#1f77b4", "chaos": "#d62728", "fuel_mileage": "#2ca02c"}


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def salary_ladder(players: pd.DataFrame, ax=None):
    """Salary by driver (highest first), bars coloured by starting position (dark = front row)."""
    import matplotlib.pyplot as plt

    ax = _axes(ax, (10, 3.6))
    p = players.sort_values("salary", ascending=False)
    if "start" in p and p["start"].notna().all():
        st = p["start"].astype(float).to_numpy()
        norm = plt.Normalize(st.min(), st.max())
        cmap = plt.cm.viridis  # low start (front) = dark
        ax.bar(p["name"], p["salary"], color=cmap(norm(st)))
        sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
        ax.figure.colorbar(sm, ax=ax, label="starting position (dark = front)", pad=0.01)
    else:
        ax.bar(p["name"], p["salary"], color="#4c72b0")
    ax.set_ylabel("DK salary ($)")
    ax.set_title("Salary ladder")
    ax.tick_params(axis="x", rotation=90, labelsize=7)
    ax.set_ylim(p["salary"].min() * 0.8, p["salary"].max() * 1.03)
    return ax


def ownership_intervals(own: pd.DataFrame, top: int = 40, ax=None):
    """Projected ownership with its interval, highest first."""
    ax = _axes(ax, (10, 3.8))
    d = own.sort_values("ownership", ascending=False).head(top)
    x = np.arange(len(d))
    ax.bar(x, d["ownership"], color="#4c72b0", label="projected ownership")
    if {"lower", "upper"} <= set(d.columns) and d["lower"].notna().all():
        ax.errorbar(x, d["ownership"], yerr=[d["ownership"] - d["lower"], d["upper"] - d["ownership"]],
                    fmt="none", ecolor="k", capsize=2, lw=0.8, label="80% interval")
    ax.set_xticks(x, d["name"], rotation=90, fontsize=7)
    ax.set_ylabel("% of entries")
    ax.set_title("Projected ownership (sums to 600% over the slate)")
    ax.legend(loc="upper right")
    return ax


def regime_mix(shares: pd.Series, ax=None):
    """Share of scenarios per regime."""
    ax = _axes(ax, (4.5, 3))
    ax.bar(shares.index, shares.values, color=[REGIME_COLORS.get(i, "grey") for i in shares.index])
    for i, v in enumerate(shares.values):
        ax.text(i, v, f"{v:.0%}", ha="center", va="bottom")
    ax.set_ylabel("share of simulated races")
    ax.set_ylim(0, max(shares.values) * 1.2)
    ax.set_title("Race regimes")
    return ax


def point_distributions(points: np.ndarray, names, order=None, top: int = 20, ax=None):
    """Box plots of simulated DK points per driver (the ``top`` by mean)."""
    ax = _axes(ax, (10, 4))
    points = np.asarray(points)
    means = points.mean(0)
    idx = np.argsort(-means)[:top] if order is None else np.asarray(order)[:top]
    ax.boxplot([points[:, i] for i in idx], whis=(10, 90), showfliers=False)
    ax.set_xticks(np.arange(1, len(idx) + 1), [names[i] for i in idx], rotation=90, fontsize=7)
    ax.set_ylabel("DK points (box 25-75%, whiskers 10-90%)")
    ax.set_title(f"Simulated DK points, top {len(idx)} drivers by mean")
    return ax


def leverage_scatter(ownership, optimal_rate, names, n_label: int = 10, ax=None):
    """Optimal rate vs ownership (both percent); distance above the diagonal = leverage."""
    ax = _axes(ax, (6, 5))
    own = np.asarray(ownership, float)
    opt = np.asarray(optimal_rate, float)
    ax.scatter(own, opt, s=18, c=opt - own, cmap="RdYlGn", vmin=-30, vmax=30, edgecolor="k", lw=0.3)
    m = max(own.max(), opt.max()) * 1.05
    ax.plot([0, m], [0, m], "k--", lw=0.8)
    for i in np.argsort(-np.abs(opt - own))[:n_label]:
        ax.annotate(names[i], (own[i], opt[i]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("projected ownership (%)")
    ax.set_ylabel("optimal rate (% of simulated races)")
    ax.set_title("Leverage = optimal rate - ownership")
    return ax


def exposure_bars(exposure: pd.DataFrame, ownership_col: str | None = "ownership", ax=None):
    """Portfolio exposure per driver next to projected field ownership."""
    ax = _axes(ax, (10, 3.6))
    d = exposure[exposure["exposure"] > 0].sort_values("exposure", ascending=False)
    x = np.arange(len(d))
    ax.bar(x - 0.2, 100 * d["exposure"], width=0.4, label="my exposure (%)", color="#4c72b0")
    if ownership_col and ownership_col in d:
        ax.bar(x + 0.2, d[ownership_col], width=0.4, label="projected field ownership (%)", color="#dd8452")
    ax.set_xticks(x, d["name"], rotation=90, fontsize=7)
    ax.set_ylabel("% of lineups / entries")
    ax.legend()
    ax.set_title("My exposure vs projected field ownership")
    return ax


def roi_distribution(roi_samples: np.ndarray, label: str = "portfolio", ax=None):
    """Histogram of simulated ROI (one value per simulated contest), in percent."""
    ax = _axes(ax, (7, 3.4))
    r = 100.0 * np.asarray(roi_samples, float).ravel()
    hi = np.quantile(r, 0.995)
    ax.hist(np.clip(r, r.min(), hi), bins=60, color="#4c72b0")
    ax.axvline(r.mean(), color="k", ls="--", lw=1, label=f"mean {r.mean():+.1f}%")
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel(f"ROI of the {label} (%), clipped at the 99.5th percentile for display")
    ax.set_ylabel("simulated contests")
    ax.legend()
    ax.set_title("Simulated contest ROI")
    return ax
