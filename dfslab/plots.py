"""Matplotlib figures for the reports. Each takes plain arrays/DataFrames and returns the Figure."""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

REGIME_COLORS = {"dominator": "#1f77b4", "chaos": "#d62728", "fuel_mileage": "#2ca02c"}


def salary_ladder(players: pd.DataFrame):
    """Salary by driver, coloured by starting position."""
    p = players.sort_values("salary", ascending=False)
    fig, ax = plt.subplots(figsize=(10, 3.6))
    c = p["start"].astype(float) if "start" in p else None
    ax.bar(p["name"], p["salary"], color=plt.cm.viridis_r(c / c.max()) if c is not None else "#4c72b0")
    ax.set_ylabel("DK salary ($)")
    ax.set_title("Salary ladder (colour: starting position, dark = front)")
    ax.tick_params(axis="x", rotation=90, labelsize=7)
    ax.set_ylim(p["salary"].min() * 0.8, p["salary"].max() * 1.03)
    fig.tight_layout()
    return fig


def ownership_intervals(own: pd.DataFrame, top: int = 40):
    """Projected ownership with its interval, highest first."""
    d = own.sort_values("ownership", ascending=False).head(top)
    fig, ax = plt.subplots(figsize=(10, 3.8))
    x = np.arange(len(d))
    ax.bar(x, d["ownership"], color="#4c72b0", label="projected ownership")
    if {"lower", "upper"} <= set(d.columns):
        ax.errorbar(x, d["ownership"], yerr=[d["ownership"] - d["lower"], d["upper"] - d["ownership"]],
                    fmt="none", ecolor="k", capsize=2, lw=0.8, label="interval")
    ax.set_xticks(x, d["name"], rotation=90, fontsize=7)
    ax.set_ylabel("% of entries")
    ax.set_title("Ownership projection (sums to 600% over the slate)")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def regime_mix(shares: pd.Series):
    """Share of scenarios per regime."""
    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.bar(shares.index, shares.values, color=[REGIME_COLORS.get(i, "grey") for i in shares.index])
    for i, v in enumerate(shares.values):
        ax.text(i, v, f"{v:.0%}", ha="center", va="bottom")
    ax.set_ylabel("share of scenarios")
    ax.set_ylim(0, max(shares.values) * 1.2)
    ax.set_title("Regime mix")
    fig.tight_layout()
    return fig


def point_distributions(points: np.ndarray, names, order=None, top: int = 20):
    """Box plots of simulated DK points per driver (the ``top`` by mean)."""
    means = points.mean(0)
    idx = np.argsort(-means)[:top] if order is None else np.asarray(order)[:top]
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.boxplot([points[:, i] for i in idx], whis=(10, 90), showfliers=False)
    ax.set_xticks(np.arange(1, len(idx) + 1), [names[i] for i in idx], rotation=90, fontsize=7)
    ax.set_ylabel("DK points (box 25-75%, whiskers 10-90%)")
    ax.set_title("Simulated DK points per driver")
    fig.tight_layout()
    return fig


def leverage_scatter(ownership, optimal_rate, names, n_label: int = 10):
    """Optimal rate vs ownership; distance above the diagonal = leverage."""
    own = np.asarray(ownership, float)
    opt = np.asarray(optimal_rate, float)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.scatter(own, opt, s=18, c=opt - own, cmap="RdYlGn", vmin=-30, vmax=30, edgecolor="k", lw=0.3)
    m = max(own.max(), opt.max()) * 1.05
    ax.plot([0, m], [0, m], "k--", lw=0.8)
    for i in np.argsort(-np.abs(opt - own))[:n_label]:
        ax.annotate(names[i], (own[i], opt[i]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("projected ownership (%)")
    ax.set_ylabel("optimal rate (% of scenarios)")
    ax.set_title("Leverage = optimal rate - ownership")
    fig.tight_layout()
    return fig


def exposure_bars(exposure: pd.DataFrame, ownership_col: str | None = "ownership"):
    """Portfolio exposure per driver next to field ownership."""
    d = exposure[exposure["exposure"] > 0].sort_values("exposure", ascending=False)
    fig, ax = plt.subplots(figsize=(10, 3.6))
    x = np.arange(len(d))
    ax.bar(x - 0.2, 100 * d["exposure"], width=0.4, label="my exposure (%)", color="#4c72b0")
    if ownership_col and ownership_col in d:
        ax.bar(x + 0.2, d[ownership_col], width=0.4, label="field ownership (%)", color="#dd8452")
    ax.set_xticks(x, d["name"], rotation=90, fontsize=7)
    ax.set_ylabel("%")
    ax.legend()
    ax.set_title("Exposure vs field ownership")
    fig.tight_layout()
    return fig


def roi_distribution(roi_samples: np.ndarray, label: str = "portfolio"):
    """Histogram of simulated ROI (per contest simulation)."""
    r = np.asarray(roi_samples, float).ravel()
    fig, ax = plt.subplots(figsize=(7, 3.4))
    hi = np.quantile(r, 0.995)
    ax.hist(np.clip(r, r.min(), hi), bins=60, color="#4c72b0")
    ax.axvline(r.mean(), color="k", ls="--", lw=1, label=f"mean {r.mean():+.1%}")
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel(f"ROI of the {label} (clipped at the 99.5th percentile for display)")
    ax.set_ylabel("simulations")
    ax.legend()
    ax.set_title("Simulated contest ROI")
    fig.tight_layout()
    return fig
