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


def ownership_vs_actual(actual, names, forecast=None, interval=None, n_label: int = 10, top: int = 30, ax=None):
    """Forecast ownership against the actual %Drafted (percent), the diagonal = a perfect forecast; without a
    forecast, the ``top`` most-drafted players as bars."""
    actual = np.asarray(actual, float)
    if forecast is None:
        ax = _axes(ax, (10, 3.6))
        idx = np.argsort(-actual, kind="stable")[:top]
        ax.bar(np.arange(len(idx)), actual[idx], color="#4c72b0")
        ax.set_xticks(np.arange(len(idx)), [names[i] for i in idx], rotation=90, fontsize=7)
        ax.set_ylabel("% of submitted lineups")
        ax.set_title(f"Actual ownership (%Drafted), the {len(idx)} most drafted")
        return ax
    ax = _axes(ax, (6.5, 5.2))
    f = np.asarray(forecast, float)
    if interval is not None:
        iv = np.asarray(interval, float)
        ax.errorbar(actual, f, yerr=[f - iv[:, 0], iv[:, 1] - f], fmt="none", ecolor="#999999", lw=0.6,
                    label="80% interval")
    ax.scatter(actual, f, s=20, color="#4c72b0", edgecolor="k", lw=0.3, zorder=3, label="player")
    m = max(actual.max(initial=0), f.max(initial=0)) * 1.05 + 1
    ax.plot([0, m], [0, m], "k--", lw=0.8, label="forecast = actual")
    for i in np.argsort(-np.abs(f - actual))[:n_label]:
        ax.annotate(names[i], (actual[i], f[i]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("actual ownership (% of submitted lineups)")
    ax.set_ylabel("our forecast (%)")
    ax.set_title("Ownership: forecast vs actual %Drafted")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def score_outlook(win_score, cash_line, real=None, mine=None, ax=None):
    """Histograms of the simulated winning score and cash line of a field; the real ones (after the race) and
    my lineups' simulated mean points as vertical lines."""
    ax = _axes(ax, (8, 3.6))
    w, c = np.asarray(win_score, float), np.asarray(cash_line, float)
    bins = np.linspace(min(c.min(), w.min()), max(c.max(), w.max()), 70)
    ax.hist(c, bins=bins, color="#dd8452", alpha=0.75, label="cash line (last paid place)")
    ax.hist(w, bins=bins, color="#4c72b0", alpha=0.75, label="winning score")
    if mine is not None and len(mine):
        for k, v in enumerate(np.asarray(mine, float)):
            ax.axvline(v, color="#2ca02c", lw=0.8, ls=":", label="my lineups' simulated mean" if k == 0 else None)
    if real is not None:
        ax.axvline(real[0], color="#1f3b73", lw=2, label=f"actual winning score {real[0]:.1f}")
        if real[1] == real[1]:
            ax.axvline(real[1], color="#a0522d", lw=2, label=f"actual cash line {real[1]:.1f}")
    ax.set_xlabel("DK points")
    ax.set_ylabel("simulated races")
    ax.set_title("The actual field in simulated races")
    ax.legend(fontsize=8)
    return ax


def field_points(points, mine=None, cash_line=None, who: str = "", ax=None):
    """Histogram of a contest's actual lineup points with my entries (and the cash line) marked."""
    ax = _axes(ax, (8, 3.4))
    p = np.asarray(points, float)
    ax.hist(p, bins=60, color="#999999", label="every entry")
    if cash_line is not None:
        ax.axvline(cash_line, color="#a0522d", lw=1.5, label=f"cash line {cash_line:.1f}")
    if mine is not None and len(mine):
        for k, v in enumerate(np.asarray(mine, float)):
            ax.axvline(v, color="#2ca02c", lw=1.2, label=f"{who or 'my'} entries" if k == 0 else None)
    ax.set_xlabel("DK points")
    ax.set_ylabel("entries")
    ax.set_title("Actual points of the field")
    ax.legend(fontsize=8)
    return ax


def entry_roi(roi, se, rake_roi=None, labels=None, ax=None):
    """Simulated ROI (percent) of each entry with +-2 standard errors; the field's average (minus the rake) dashed."""
    ax = _axes(ax, (8, 3.4))
    r, s = np.asarray(roi, float), np.asarray(se, float)
    x = np.arange(1, len(r) + 1)
    ax.bar(x, r, color=np.where(r >= 0, "#2ca02c", "#d62728"), alpha=0.8)
    ax.errorbar(x, r, yerr=2 * s, fmt="none", ecolor="k", capsize=2, lw=0.8, label="± 2 s.e.")
    if rake_roi is not None:
        ax.axhline(rake_roi, color="k", ls="--", lw=0.8, label=f"field average {rake_roi:+.1f}% (minus the rake)")
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xticks(x, labels if labels is not None else x, fontsize=7, rotation=90 if labels is not None else 0)
    ax.set_xlabel("entry")
    ax.set_ylabel("simulated ROI (%)")
    ax.set_title("Each entry against the actual field")
    ax.legend(fontsize=8)
    return ax
