"""Rich displays for JupyterLab: compact summaries with details folded (``_repr_html_`` helpers).

Each object keeps its own ``_repr_html_`` one-liner calling these; the HTML is
plain (no scripts), escaped, and small enough to show a 40-driver slate at a glance.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

_STYLE = "font-size: 0.92em"


def _esc(x) -> str:
    return html.escape(str(x))


def _table(df: pd.DataFrame, max_rows: int = 40) -> str:
    return df.to_html(index=False, max_rows=max_rows, float_format=lambda v: f"{v:,.2f}", border=0)


def fold(summary: str, body: str) -> str:
    """A ``<details>`` block: the summary line, the body shown on click."""
    return f"<details><summary>{summary}</summary>{body}</details>"


def box(title: str, lines: list[str], folded: list[tuple[str, str]] = ()) -> str:
    """A titled summary: one line per fact, then folded sections."""
    out = [f"<div style='{_STYLE}'><b>{_esc(title)}</b>"]
    out += [f"<br>{line}" for line in lines if line]
    out += [fold(s, b) for s, b in folded]
    return "".join(out) + "</div>"


class Metrics(dict):
    """A dict of figures that displays itself as a two-column table with units (a notebook-friendly dict).

    Keys ending in ``_pct`` / ``_se`` of rates are percent; ``roi_*`` are fractions and are
    shown as percent. Everything a dict does still works (``m["roi_mean"]``).

    Examples
    --------
    >>> m = Metrics({"roi_mean": 0.25, "cash_pct": 30.0, "best_rank": 3})
    >>> m["roi_mean"], "ROI" in m._repr_html_()
    (0.25, True)
    """

    LABELS = {
        "roi_mean": ("ROI", "%", 100), "roi_se": ("ROI s.e.", "pp", 100), "roi_std": ("ROI SD", "pp", 100),
        "roi_p5": ("ROI p5", "%", 100), "roi_p95": ("ROI p95", "%", 100), "cash_pct": ("cash", "%", 1),
        "cash_se": ("cash s.e.", "pp", 1), "win_pct": ("win", "%", 1), "win_se": ("win s.e.", "pp", 1),
        "top1_pct": ("top 1%", "%", 1), "top1_se": ("top 1% s.e.", "pp", 1), "best_rank": ("best rank", "", 1),
        "worst_rank": ("worst of the best ranks", "", 1), "best_payout": ("best payout", "$", 1),
        "n_simulations": ("simulated contests", "", 1), "n_lineups": ("lineups", "", 1),
    }

    def to_frame(self) -> pd.DataFrame:
        """The figures as rows with readable names and units."""
        rows = []
        for k, v in self.items():
            name, unit, mult = self.LABELS.get(k, (k, "", 1))
            if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
                val = f"{int(v) * mult:,}"
            elif isinstance(v, (float, np.floating)):
                val = f"{float(v) * mult:,.2f}"
            else:
                val = str(v)
            rows.append({"metric": f"{name} ({unit})" if unit else name, "value": val})
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return _table(self.to_frame())


def scenarios_html(sc) -> str:
    """RaceScenarios: size, regimes, where strength came from, the leading drivers, notes."""
    s = sc.slate
    n, d = sc.points.shape
    mix = np.bincount(np.asarray(sc.regime), minlength=len(sc.regime_names)) / n
    summ = sc.summary().sort_values("mean", ascending=False)
    top = summ.head(8)[["name", "salary", "mean", "p10", "p90", "win_rate", "mean_laps_led"]].rename(columns={
        "salary": "salary ($)", "mean": "mean (pts)", "p10": "p10 (pts)", "p90": "p90 (pts)", "win_rate": "win",
        "mean_laps_led": "laps led"})
    top["win"] = (100 * top["win"]).round(1).astype(str) + "%"
    lines = [f"{n:,} simulated races of {_esc(s.name)} ({s.archetype}, {s.race_laps} laps), {d} drivers",
             "regimes: " + ", ".join(f"{r} {m:.0%}" for r, m in zip(sc.regime_names, mix)),
             f"strength from: <i>{_esc(getattr(sc, 'strength_source', ''))}</i>"]
    folded = [("leading drivers by mean", _table(top)),
              ("every driver", _table(summ.round(2), max_rows=60))]
    notes = list(getattr(sc, "notes", []))
    if notes:
        folded.append((f"{len(notes)} note(s)", "<ul>" + "".join(f"<li>{_esc(x)}</li>" for x in notes) + "</ul>"))
    return box("RaceScenarios", lines, folded)


def portfolio_html(pf) -> str:
    """Portfolio: lineups with names, the headline metrics, exposure."""
    m = pf.metrics
    t = pf.table.copy()
    t.insert(0, "lineup", np.arange(1, len(t) + 1))
    t["drivers"] = t["drivers"].map(", ".join)
    cols = [c for c in ("lineup", "drivers", "salary", "projection", "total_own", "regime") if c in t]
    lines = [f"{len(pf)} lineups, mean projection {m.get('mean_projection', float('nan')):.1f} pts, "
             f"average lineup ownership {m.get('avg_lineup_ownership', float('nan')):.0f}% (summed over 6 drivers), "
             f"{m.get('unique_drivers', '?')} distinct drivers, max pair overlap {m.get('max_pair_overlap', '?')}",
             f"method: {_esc(m.get('method', ''))}"]
    exp = pf.exposure[pf.exposure["count"] > 0][["name", "count", "exposure", "ownership"]].copy()
    exp["exposure"] = (100 * exp["exposure"]).round(0)
    exp = exp.rename(columns={"exposure": "exposure (%)", "ownership": "ownership (%)"})
    return box("Portfolio", lines, [("lineups", _table(t[cols].rename(columns={
        "salary": "salary ($)", "projection": "projection (pts)", "total_own": "total ownership (%)"}))),
        ("exposure", _table(exp))])


def contest_html(res) -> str:
    """ContestResult: the portfolio's figures with s.e. and units, per-lineup table folded."""
    p = res.portfolio
    lines = [f"{res.n_simulations:,} simulated contests ({res.n_scenarios:,} races x {res.n_field_draws} field "
             f"draws), {res.contest_size:,} entries at ${res.entry_fee:g}",
             f"portfolio ROI <b>{100 * p['roi_mean']:+.1f}% ± {100 * p['roi_se']:.1f}</b> (Monte Carlo s.e.), "
             f"cash {p['cash_pct']:.1f}% ± {p['cash_se']:.1f}, win {p['win_pct']:.2f}% ± {p['win_se']:.2f}, "
             f"top 1% {p['top1_pct']:.1f}%, best rank {int(p['best_rank']):,}"]
    per = res.per_lineup.copy()
    per.insert(0, "lineup", np.arange(1, len(per) + 1))
    for c in ("roi_mean", "roi_se", "roi_std", "roi_p5", "roi_p95"):
        if c in per:
            per[c] = 100 * per[c]
    per = per.rename(columns={"roi_mean": "ROI (%)", "roi_se": "ROI s.e. (pp)", "roi_std": "ROI SD (pp)",
                              "roi_p5": "ROI p5 (%)", "roi_p95": "ROI p95 (%)", "cash_pct": "cash (%)",
                              "cash_se": "cash s.e. (pp)", "win_pct": "win (%)", "win_se": "win s.e. (pp)",
                              "top1_pct": "top 1% (%)", "top1_se": "top 1% s.e. (pp)", "best_payout": "best payout ($)"})
    folded = [("per lineup", _table(per))]
    if res.notes:
        folded.append((f"{len(res.notes)} note(s)", "<ul>" + "".join(f"<li>{_esc(x)}</li>" for x in res.notes) + "</ul>"))
    return box("ContestResult", lines, folded)


def field_html(fs) -> str:
    """FieldLineupSampler: target ownership, the field-behaviour settings, whether it is fitted."""
    own = pd.DataFrame({"driver": fs.slate.players["name"].to_numpy(), "target ownership (%)": fs.ownership})
    if getattr(fs, "target_", None) is not None:
        # The cap-consistent target can differ from the given ownership (lineups must fit the cap).
        own["cap-consistent target (%)"] = fs.target_
    own = own.sort_values("target ownership (%)", ascending=False)
    fitted = getattr(fs, "logw_", None) is not None
    err = getattr(fs, "calibration_error_", None)
    settings = {k: getattr(fs, k) for k in ("salary_floor", "salary_left_scale", "dup_prob", "dup_tail", "dup_chalk",
                                            "proj_share", "proj_strength", "proj_noise") if hasattr(fs, k)}
    lines = [f"opponent field for {_esc(fs.slate.name)}: {fs.slate.n_players} drivers, ownership summing to "
             f"{fs.ownership.sum():.0f}%",
             ("fitted" + (f": calibration error {err:.2f} pp" if err is not None else "")) if fitted
             else "not fitted yet (call .fit())",
             ", ".join(f"{k} {v:g}" if isinstance(v, (int, float)) and v is not None else f"{k} {v}"
                       for k, v in settings.items())]
    if getattr(fs, "ownership_sampler", None) is not None:
        lines.append("each field draw gets its own ownership vector (ownership_sampler)")
    if getattr(fs, "source_names_", None):
        lines.append("projection sources read by the field: " + ", ".join(map(str, fs.source_names_)))
    return box("FieldLineupSampler", lines, [("target ownership", _table(own))])


def payout_table_html(t) -> str:
    """PayoutTable: pool, paid places, first prize; the rows folded."""
    lines = [f"source {_esc(t.source)}: pool ${t.pool:,.2f}, {t.n_paid:,} paid places, 1st ${float(t.payout.max()):,.2f}, "
             f"min cash ${float(t.payout.min()):,.2f}"]
    df = t.to_frame().rename(columns={"place_lo": "place from", "place_hi": "place to", "payout": "payout ($)"})
    return box("PayoutTable", lines, [(f"{len(df)} rows", _table(df))])


def payout_fitter_html(f) -> str:
    """PayoutCurveFitter: the fitted parameters per contest-size tier."""
    if f.params_ is None:
        return box("PayoutCurveFitter", [f"tiers start at {f.tier_bounds} entries; not fitted yet (call .fit())"])
    df = pd.DataFrame([{"tier": k, "real tables": v["n_tables"], "median entries": v["median_entries"],
                        "paid (% of entries)": 100 * v["paid_frac"], "1st prize (% of pool)": 100 * v["top_share"],
                        "min cash (x fee)": v["min_cash_mult"]} for k, v in f.params_.items()])
    lines = [f"fitted on {int(df['real tables'].sum()):,} real DK GPP payout tables; rake {100 * f.rake_:.1f}%",
             "generate(entries, entry_fee) builds a table for any contest size"]
    return box("PayoutCurveFitter", lines, [("tiers", _table(df))])


def settings_html(obj, key: tuple[str, ...], lines: list[str] = ()) -> str:
    """An engine's settings: the key ones in a line, every constructor parameter folded (non-defaults marked)."""
    import inspect

    sig = inspect.signature(type(obj).__init__)
    rows = []
    for name, prm in list(sig.parameters.items())[1:]:
        if prm.kind in (prm.VAR_POSITIONAL, prm.VAR_KEYWORD) or not hasattr(obj, name):
            continue
        v = getattr(obj, name)
        default = prm.default if prm.default is not inspect.Parameter.empty else None
        try:
            changed = bool(v != default) if not isinstance(v, (np.ndarray, pd.DataFrame, dict, list)) else True
        except Exception:  # noqa: BLE001 - objects without a plain comparison count as set
            changed = True
        text = repr(v) if not isinstance(v, (np.ndarray, pd.DataFrame)) else f"{type(v).__name__} {getattr(v, 'shape', '')}"
        rows.append({"parameter": name, "value": text[:80], "set (not default)": "yes" if changed else ""})
    head = ", ".join(f"{k}={_esc(repr(getattr(obj, k)))}" for k in key if hasattr(obj, k))
    return box(type(obj).__name__, [head, *lines], [("every parameter", _table(pd.DataFrame(rows)))])
