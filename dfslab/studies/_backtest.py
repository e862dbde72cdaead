"""Backtest of the whole pipeline on every real NASCAR race with results, judged on what it can resolve.

For each real race (the 2025 slate snapshots and every race folder in the
``dk_2026`` layout) the pipeline (:class:`~dfslab.SlateAnalysis`) runs on PRE-LOCK
information only -- race history before the race date, an ownership model and the
race model's real-slate parameters (blend weights, mean error, salary slopes) fitted
without the race, the real contest's size, fee and prize pool where known -- and
builds a portfolio per strategy. Each portfolio is then judged twice on the same
footing:

* **predicted** -- in the honest simulated world the report shows (scenario means
  drawn around the blended projection with a fitted error, lineups scored on races
  that did not build them, a field sampled from the estimated ownership);
* **realised** -- on the ACTUAL DK points of the race, against many opponent fields
  sampled from the best available picture of the real field: actual %Drafted where
  the source wrote it down, the vendor's projected ownership for the other drivers.

Primary judges (DOMAIN.md, "Judging a strategy"): the **lineup-points edge** (mean
actual points of the portfolio's lineups minus the field's median lineup, pooled
over races with a standard error, paired between strategies) and **calibration**
(the PIT: the percentile of each race's realised edge and ROI in that race's
predicted distribution, which should average 0.5). ROI, cash and top-1% rates are
reported too, as the noisy figures they are: one race's 20-lineup ROI has an SD
of ~4.
"""

from __future__ import annotations

import copy
import inspect
import re
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..utils.validation import check_number, check_seed
from ._race_loso import race_model_training

#: strategy name -> SlateAnalysis settings changed from the defaults ("field_like" is the yardstick)
STRATEGIES = {
    "ours": {},
    "leverage_0.5": {"leverage_penalty": 0.5},
    "vendor_projection": {"optimize_on": "vendor"},
    "roi_selection": {"selection": "roi"},
    "top1": {"selection": "top1"},
    "field_like": None,
}
STRATEGY_LABELS = {
    "ours": "ours: blended mean, regime-aware, leverage_penalty 0 (the defaults)",
    "leverage_0.5": "same, leverage_penalty 0.5 (the old default)",
    "vendor_projection": "optimizer on the vendor's projection (published / DailyFan), leverage 0",
    "roi_selection": "candidate pool, portfolio chosen by simulated ROI",
    "top1": "candidate pool, portfolio chosen to maximise P(at least one lineup in the top 1%) (Hunter-Vielma-Zaman)",
    "field_like": "lineups drawn like the field itself (the yardstick)",
}
#: the races quick mode runs: a 2025 Cup short track and a 2026 intermediate with real contests
QUICK_RACES = ("cup_2025-09-13_8227c09", "2026-07-05_chicagoland")
DEFAULT_FIELD_SIZE = 5000
DEFAULT_FEE = 20.0


@dataclass
class BacktestResult:
    """What :func:`backtest_real_slates` returns.

    Attributes
    ----------
    per_race : DataFrame
        One row per (race, strategy): predicted and realised lineup-points edge (points),
        their PIT, predicted / realised ROI (fractions) and ROI PIT, cash and top-1% rates
        (percent), the contest used.
    pooled : DataFrame
        One row per strategy: ``edge_mean`` (realised, points) and ``edge_se`` (s.e. across
        races), ``edge_pred_mean``, ``edge_ratio`` (realised / predicted), ``edge_pit_mean``,
        ``roi_pit_mean``, ``roi_mean`` / ``roi_se`` (realised), ``roi_pred_mean``, cash and top-1%
        rates, ``n_races``.
    paired : DataFrame
        Per strategy minus "ours", race by race: edge and ROI differences, mean and s.e.
    races : DataFrame
        One row per race: contest used, projections' correlation with actual points, notes.
    settings : dict
    notes : list of str
    """

    per_race: pd.DataFrame
    pooled: pd.DataFrame
    paired: pd.DataFrame
    races: pd.DataFrame
    settings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    crowd: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The figures as plain JSON types (what ``scripts/backtest_real_slates.py --json`` prints)."""
        def clean(v):
            if isinstance(v, (np.floating, float)):
                return None if not np.isfinite(v) else round(float(v), 6)
            if isinstance(v, (np.integer,)):
                return int(v)
            return v

        strategies = {r["strategy"]: {k: clean(v) for k, v in r.items() if k != "strategy"}
                      for r in self.pooled.to_dict("records")}
        paired = {r["strategy"]: {k: clean(v) for k, v in r.items() if k != "strategy"}
                  for r in self.paired.to_dict("records")}
        return {"strategies": strategies, "paired_vs_ours": paired,
                "per_race": [{k: clean(v) for k, v in r.items()} for r in self.per_race.to_dict("records")],
                "races": [{k: clean(v) for k, v in r.items()} for r in self.races.to_dict("records")],
                "settings": {k: clean(v) for k, v in self.settings.items()}, "notes": list(self.notes),
                "crowd": self.crowd}

    def _repr_html_(self) -> str:
        cols = ["strategy", "n_races", "edge_mean", "edge_se", "edge_pred_mean", "edge_ratio", "edge_pit_mean",
                "roi_pit_mean", "roi_mean", "roi_se", "roi_pred_mean"]
        return (f"<b>BacktestResult</b>: {self.races.shape[0]} real races, strategies "
                f"{', '.join(self.pooled['strategy'])}" + self.pooled[cols].to_html(index=False, float_format=lambda v: f"{v:,.3f}"))

    def plot_edges(self, ax=None):
        """Realised lineup-points edge per race and strategy (points); returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.8), layout="constrained")
        w = self.per_race.pivot(index="race", columns="strategy", values="edge_real")
        w.plot.bar(ax=ax, width=0.8)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_ylabel("actual points: my lineups - field median lineup")
        ax.set_title("Realised lineup-points edge per race")
        ax.tick_params(axis="x", rotation=45, labelsize=7)
        return ax


def mid_pit(samples: np.ndarray, x: float) -> float:
    """Mid-rank PIT of ``x`` in ``samples``: P(S < x) + P(S = x) / 2 (atoms, such as ROI = -100%, split).

    Examples
    --------
    >>> mid_pit(np.array([-1.0, -1.0, 0.5, 2.0]), -1.0)
    0.25
    """
    s = np.asarray(samples, dtype=float)
    return float((s < x).mean() + 0.5 * (s == x).mean())


def contest_of(race, default_field_size: int = DEFAULT_FIELD_SIZE, default_fee: float = DEFAULT_FEE):
    """The contest a race is backtested in: its largest real DK contest, or a default one.

    Returns ``(entries, entry_fee, payouts, note)``: with a known prize pool the payout
    table is the fitted curve scaled to that pool (first prize from the contest's name,
    "$20K to 1st", when it says); without one the fitted curve at the median real rake is
    used, and the note says so.
    """
    from ..contest import default_payout_fitter

    c = race.contests
    if c is None or len(c) == 0 or c["entries"].isna().all():
        return default_field_size, default_fee, None, (f"no real contest known: {default_field_size:,} entries at "
                                                       f"${default_fee:g}, fitted payout curve")
    row = c.loc[c["entries"].idxmax()]
    n = int(row["entries"])
    fee = float(row["entry_fee"]) if pd.notna(row.get("entry_fee")) else default_fee
    pool = float(row["prize_pool"]) if pd.notna(row.get("prize_pool")) else None
    name = str(row["contest"]) if pd.notna(row.get("contest")) and str(row.get("contest")).strip() else \
        f"#{row['contest_id']}"
    if pool is None:
        note = (f"contest {name} ({n:,} entries): entry fee {'known' if pd.notna(row.get('entry_fee')) else 'unknown (assumed $%g)' % fee}, "
                "prize pool unknown: the fitted payout curve was used")
        return n, fee, None, note
    kw = {}
    m = re.search(r"\$(\d+(?:\.\d+)?)\s*([kKmM]?)\s*to\s*1st", name)
    if m:
        first = float(m.group(1)) * {"": 1, "k": 1e3, "m": 1e6}[m.group(2).lower()]
        kw["top_share"] = min(first / pool, 1.0)
    rake = 1.0 - pool / (n * fee)
    t = default_payout_fitter().generate(entries=n, entry_fee=fee, rake=rake, **kw)
    note = (f"contest {name}: {n:,} entries at ${fee:g}, real prize pool ${pool:,.0f} (rake {rake:+.1%}); "
            f"payout shape from the fitted curve{', 1st prize from the contest name' if kw else ''}")
    return n, fee, t, note


def realised_ownership(race) -> tuple[np.ndarray, str]:
    """The best picture of the real field's ownership: actual %Drafted where known (the race's largest
    contest), the vendor's projection for the other drivers, rescaled so the total is 600."""
    from ..ownership import capped_normalize

    p = race.slate.players
    own = p["ownership"].to_numpy(dtype=float) if "ownership" in p else np.full(len(p), 600.0 / len(p))
    if not np.isfinite(own).all():
        raise InputError(f"race {race.name}: vendor projected ownership missing for "
                         f"{p.loc[~np.isfinite(own), 'name'].tolist()}")
    ao = race.actual_ownership
    src = "vendor projected ownership rescaled to 600"
    if len(ao) and len(race.contests):
        cid = str(race.contests.loc[race.contests["entries"].idxmax(), "contest_id"])
        rows = ao[(ao["contest_id"] == cid) & (ao["player"] >= 0)]
        if len(rows):
            known = np.zeros(len(p), bool)
            known[rows["player"].to_numpy()] = True
            fixed = own.copy()
            fixed[rows["player"].to_numpy()] = rows["actual_own"].to_numpy(dtype=float)
            rest = 600.0 - fixed[known].sum()
            if rest > 0 and own[~known].sum() > 0:
                fixed[~known] = capped_normalize(own[~known], rest)
                src = (f"actual %Drafted for {int(known.sum())} drivers (contest {cid}), vendor projection "
                       "rescaled for the rest")
                return fixed, src
    return capped_normalize(own, 600.0), src


def _score_fixed(actual_keys, fields, M, cum, track_field: bool = False):
    """Pay lineups ``M`` on one real race against each sampled field (my lineups compete with each other).

    Returns (pay (D, m), rank (D, m)) and, with ``track_field``, the prize paid to the field per draw.
    """
    from ..contest import count_better_tied, split_prizes

    fs = actual_keys[fields].sum(-1)                             # (D, n_opp)
    fs_sorted = np.sort(fs, axis=1)
    ms = actual_keys[M].sum(1)                                   # (m,)
    D, m = len(fs_sorted), len(ms)
    Q = np.broadcast_to(ms, (D, m))
    own_sorted = np.broadcast_to(np.sort(ms), (D, m))
    b1, t1 = count_better_tied(fs_sorted, Q)
    b2, t2 = count_better_tied(own_sorted, Q)
    out = (split_prizes(b1 + b2, t1 + t2, cum), b1 + b2 + 1)
    if track_field:
        fb1, ft1 = count_better_tied(fs_sorted, fs)
        fb2, ft2 = count_better_tied(own_sorted, fs)
        out += (split_prizes(fb1 + fb2, ft1 + ft2, cum).sum(1),)
    return out


def _race_settings(cfg, race):
    n, fee, payouts, note = contest_of(race, cfg["field_size"], cfg["entry_fee"])
    if cfg["max_field_size"]:
        if n > cfg["max_field_size"] and payouts is not None:
            # quick mode: a smaller contest with the same rake
            rake = payouts.rake(n, fee)
            from ..contest import default_payout_fitter
            payouts = default_payout_fitter().generate(entries=cfg["max_field_size"], entry_fee=fee, rake=rake)
            note += f"; quick mode: shrunk to {cfg['max_field_size']:,} entries at the same rake"
        n = min(n, cfg["max_field_size"])
    return n, fee, payouts, note


def backtest_race(race, cfg: dict, seed, estimator=None) -> dict:
    """Backtest one real race (a pure function of its inputs: the unit a Dask task runs).

    Returns a dict with ``rows`` (per strategy) and ``race`` (one summary row).
    """
    from ..pipeline import SlateAnalysis

    race.require_complete()
    t0 = time.perf_counter()
    n_entries, fee, payouts, contest_note = _race_settings(cfg, race)
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    s_model, s_real = ss.spawn(2)
    from ..racesim import RaceSimulator
    from ._race_loso import loso_simulator_kwargs

    # the race model's real-slate parameters (blend weights, mean error, salary slopes) fitted without this race
    sim = RaceSimulator(cfg["n_scenarios"], **{**loso_simulator_kwargs(race), **cfg.get("simulator_options", {})})
    base = SlateAnalysis(race.slate, n_scenarios=cfg["n_scenarios"], n_lineups=cfg["n_lineups"],
                         field_size=n_entries, entry_fee=fee, payouts=payouts, n_field_draws=cfg["n_field_draws"],
                         estimator=estimator, simulator=sim, random_state=s_model, progress=False)
    for step in ("scenarios", "eval_scenarios", "ownership", "payouts", "field", "field_median_points"):
        getattr(base, step)  # computed once, shared by every strategy (with_params keeps them)
    analyses = {}
    for name, ch in cfg["strategies"].items():
        if ch is None:
            continue
        if name == "vendor_projection" and "projection" not in race.slate.players:
            continue
        analyses[name] = base.with_params(**ch) if ch else base
    # the realised world: the actual race, fields sampled from the best picture of the real field
    own_real, own_src = realised_ownership(race)
    p = race.slate.players
    # the real field reads the published projection, never our model (a model change must not move the "real" field)
    src = {"published": p["projection"].to_numpy(float)} if "projection" in p and p["projection"].notna().all() else None
    real = base.with_params(ownership=own_real, ownership_uncertainty=False, field_sources=src)
    rng = np.random.default_rng(s_real)
    fields = np.stack([real.field.sample(base.n_opponents, random_state=rng) for _ in range(cfg["n_fields"])])
    actual = np.asarray(race.actual, dtype=float)
    keys = np.rint(actual * 100.0).astype(np.int64)
    from ..contest import prize_cumsum

    cum = prize_cumsum(base.payouts, n_entries)
    field_median = np.median(actual[fields].sum(-1), axis=1)             # (n_fields,)
    rows = []
    ident_err = 0.0
    # strategy -> (its analysis, its portfolios, the simulated contest that predicts one portfolio)
    judged = {k: (a, [a.portfolio.lineups], a.contest) for k, a in analyses.items()}
    if "field_like" in cfg["strategies"] and cfg["strategies"]["field_like"] is None:
        # the yardstick: many field-like portfolios of n_lineups, judged one by one and averaged (its noise is
        # the draw of a few lineups, not a property of the strategy)
        Y = base.yardstick_lineups
        judged["field_like"] = (base, list(Y.reshape(-1, base.n_lineups, Y.shape[1])), base.yardstick)
    top_k = max(1, int(np.ceil(0.01 * n_entries)))
    for name, (a, groups, pred) in judged.items():
        g, k = len(groups), len(groups[0])
        R = pred.roi_samples[:, :g * k]
        pred_roi = R.reshape(len(R), g, k).mean(2).ravel()               # portfolio ROI per simulated contest
        pred_edge = np.concatenate([a.predicted_edge(L) for L in groups])
        edge, roi_draws, cash, lcash, top1 = [], [], [], [], []
        for L in groups:
            pay, rank, field_paid = _score_fixed(keys, fields, L, cum, track_field=True)
            # every realised contest pays its whole pool: ROI over ALL entries is exactly pool / fees - 1
            all_roi = (pay.sum(1) + field_paid) / (n_entries * fee) - 1.0
            ident_err = max(ident_err, float(np.abs(all_roi - (base.payouts.pool / (n_entries * fee) - 1.0)).max()))
            roi_draws.append(pay.sum(1) / (len(L) * fee) - 1.0)           # realised ROI per field draw
            edge.append(float((actual[L].sum(1).mean() - field_median).mean()))  # realised edge (mean over draws)
            cash.append((pay > 0).any(1).mean())
            lcash.append((pay > 0).mean())
            top1.append((rank <= top_k).any(1).mean())
        roi_d = np.mean(roi_draws, axis=0)
        edge_real = float(np.mean(edge))
        pts = np.concatenate([actual[L].sum(1) for L in groups])
        rows.append({
            "race": race.name, "strategy": name, "entries": n_entries, "entry_fee": fee, "n_portfolios": g,
            "edge_pred_mean": float(pred_edge.mean()), "edge_pred_sd": float(pred_edge.std()),
            "edge_real": edge_real, "edge_pit": float(np.mean([mid_pit(pred_edge, e) for e in edge])),
            "roi_pred_mean": float(pred_roi.mean()), "roi_pred_sd": float(pred_roi.std()),
            "roi_real": float(roi_d.mean()),
            "roi_real_se": float(roi_d.std(ddof=1) / np.sqrt(len(roi_d))) if len(roi_d) > 1 else np.nan,
            "roi_pit": float(np.mean([mid_pit(pred_roi, r) for rd in roi_draws for r in rd])),
            "cash_pred_pct": float(pred.portfolio["cash_pct"]), "cash_real_pct": 100.0 * float(np.mean(cash)),
            "lineup_cash_real_pct": 100.0 * float(np.mean(lcash)),
            "top1_pred_pct": float(pred.portfolio["top1_pct"]), "top1_real_pct": 100.0 * float(np.mean(top1)),
            "lineup_points_mean": float(pts.mean()), "lineup_points_best": float(pts.max()),
        })
    r_of = lambda a: float(np.corrcoef(a, actual)[0, 1])  # noqa: E731
    p = race.slate.players
    summary = {
        "race": race.name, "date": str(race.info.get("date")), "archetype": race.slate.archetype,
        "n_drivers": race.slate.n_players, "entries": n_entries, "entry_fee": fee, "contest": contest_note,
        "field_ownership": own_src, "r_model_mean": r_of(base.mean_points),
        "r_vendor_projection": r_of(p["projection"].to_numpy(float)) if "projection" in p else np.nan,
        "field_median_points": float(field_median.mean()), "rake": float(base.payouts.rake(n_entries, fee)),
        "identity_max_abs_err": ident_err, "strength_source": getattr(base.scenarios, "strength_source", ""),
        "seconds": time.perf_counter() - t0,
    }
    return {"rows": rows, "race": summary}


def _top1_z(real, pred) -> float:
    p = np.clip(np.asarray(pred, float), 0.0, 1.0)
    v = float((p * (1 - p)).sum())
    return float((np.asarray(real, float).sum() - p.sum()) / np.sqrt(v)) if v > 0 else np.nan


def _se(x) -> float:
    x = np.asarray(x, float)
    return float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else np.nan


def pool_results(per: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pooled figures per strategy and paired differences against "ours" (race by race)."""
    rows = []
    for k, g in per.groupby("strategy", sort=False):
        pred = g["edge_pred_mean"].mean()
        rows.append({
            "strategy": k, "n_races": len(g), "edge_mean": g["edge_real"].mean(), "edge_se": _se(g["edge_real"]),
            "edge_pred_mean": pred, "edge_ratio": g["edge_real"].mean() / pred if abs(pred) > 1e-9 else np.nan,
            "edge_pit_mean": g["edge_pit"].mean(), "edge_pit_se": _se(g["edge_pit"]),
            "roi_pit_mean": g["roi_pit"].mean(), "roi_pit_se": _se(g["roi_pit"]),
            "roi_mean": g["roi_real"].mean(), "roi_se": _se(g["roi_real"]), "roi_pred_mean": g["roi_pred_mean"].mean(),
            "cash_real_pct": g["cash_real_pct"].mean(), "cash_pred_pct": g["cash_pred_pct"].mean(),
            "top1_real_pct": g["top1_real_pct"].mean(), "top1_pred_pct": g["top1_pred_pct"].mean(),
            "top1_real_se": _se(g["top1_real_pct"]),
            # calibration judges of issue 22: realised minus predicted in standard errors across races
            "edge_miss_se": (g["edge_real"].mean() - pred) / _se(g["edge_real"]) if len(g) > 1 else np.nan,
            # races with a top-1% finish against the predicted per-race chances (one race decides it for nearly
            # every sampled field): (realised - predicted count) / its binomial s.d.
            "top1_miss_se": _top1_z(g["top1_real_pct"] / 100.0, g["top1_pred_pct"] / 100.0),
            "races_roi_positive": int((g["roi_real"] > 0).sum()),
        })
    pooled = pd.DataFrame(rows)
    paired = []
    if "ours" in set(per["strategy"]):
        e = per.pivot(index="race", columns="strategy", values="edge_real")
        r = per.pivot(index="race", columns="strategy", values="roi_real")
        for k in [c for c in e.columns if c != "ours"]:
            de, dr = (e[k] - e["ours"]).dropna(), (r[k] - r["ours"]).dropna()
            paired.append({"strategy": k, "n_races": len(de), "edge_diff_mean": de.mean(), "edge_diff_se": _se(de),
                           "races_better_edge": int((de > 0).sum()), "roi_diff_mean": dr.mean(),
                           "roi_diff_se": _se(dr)})
    return pooled, pd.DataFrame(paired)


def backtest_real_slates(slates=None, *, include_2025: bool = True, strategies=tuple(STRATEGIES),
                         n_lineups: int = 20, n_scenarios: int = 3000, n_fields: int = 100, n_field_draws: int = 2,
                         field_size: int = DEFAULT_FIELD_SIZE, entry_fee: float = DEFAULT_FEE,
                         random_state: int = 0, quick: bool = False, races=None, client=None,
                         verbose: bool = False, simulator_options: dict | None = None) -> BacktestResult:
    """Backtest the pipeline on every real race with results (see the module docstring).

    Parameters
    ----------
    slates : path-like or list, optional
        Race folders in the ``dk_2026`` layout (or folders of them); default the
        project's ``nascar/dk_2026``. New races need no code.
    include_2025 : bool
        Also the 7 real 2025 slates with results (no real contest known: a default contest).
    strategies : sequence of str or dict
        Names from :data:`STRATEGIES`, or a dict name -> SlateAnalysis settings (None = the
        field-like yardstick); "ours" (the defaults) is always included as the reference.
    n_lineups, n_scenarios, n_field_draws : int
        Portfolio size, simulated races (to build, and as many to score), fields per scoring race.
    n_fields : int
        Opponent fields sampled per race for the realised score (the race itself is fixed).
    field_size, entry_fee : int, float
        The contest when a race has no real one.
    random_state : int
        Run seed; each race gets a child seed by its position in the sorted race list.
    quick : bool
        Small run for tests: the races of :data:`QUICK_RACES`, fields of at most 1,000 entries,
        400 scenarios, 10 fields, 6 lineups.
    races : list of str, optional
        Race names to run (default all).
    client : dask.distributed.Client, optional
        Run the races as Dask tasks on this client (same results as serial).
    simulator_options : dict, optional
        :class:`~dfslab.RaceSimulator` settings for every race instead of the defaults (a sensitivity run, e.g.
        ``{"crowd": None}`` = the crowd switched off; the held-out real-slate parameters stay).

    Returns
    -------
    BacktestResult
    """
    from ..io import load_real_races, skipped_races

    quick_races = False
    if quick:
        n_lineups, n_scenarios, n_fields, n_field_draws = min(n_lineups, 6), min(n_scenarios, 400), min(n_fields, 10), 1
        quick_races = races is None  # the quick races of the folder, chosen once it is read
    if isinstance(strategies, dict):
        from ..pipeline import SlateAnalysis

        strat = dict(strategies)
        known = set(inspect.signature(SlateAnalysis.__init__).parameters) - {"self", "slate"}
        for name, settings in strat.items():
            if settings is None:  # the field-like yardstick
                continue
            if not isinstance(settings, dict):
                raise InputError(f"strategies[{name!r}]: expected a dict of SlateAnalysis settings (or None: the "
                                 f"field-like yardstick), got {settings!r}")
            unknown = sorted(set(settings) - known)
            if unknown:
                raise InputError(f"strategies[{name!r}]: unknown SlateAnalysis setting(s) {unknown}")
    elif isinstance(strategies, str):
        raise InputError(f"strategies: expected a list of strategy names or a dict name -> settings, got "
                         f"{strategies!r}; known {list(STRATEGIES)}")
    else:
        bad = [s for s in strategies if s not in STRATEGIES]
        if bad:
            raise InputError(f"strategies: unknown {bad}; known {list(STRATEGIES)} (or pass a dict name -> settings)")
        strat = {s: STRATEGIES[s] for s in strategies}
    if "ours" not in strat:
        strat = {"ours": {}, **strat}
    for name, v, lo in (("n_lineups", n_lineups, 1), ("n_fields", n_fields, 1), ("n_scenarios", n_scenarios, 20),
                        ("n_field_draws", n_field_draws, 1)):
        if isinstance(v, bool) or not float(v).is_integer() or int(v) < lo:
            raise InputError(f"{name}: must be a whole number >= {lo}, got {v!r}")
    field_size = check_number("field_size", field_size, lo=2, integer=True)
    entry_fee = check_number("entry_fee", entry_fee, lo=0, lo_open=True)  # dollars
    random_state = check_seed(random_state)
    if random_state is None or not isinstance(random_state, int):
        raise InputError(f"random_state: give an integer seed, got {random_state!r}")
    cfg = dict(n_lineups=int(n_lineups), n_scenarios=int(n_scenarios), n_fields=int(n_fields),
               n_field_draws=int(n_field_draws), field_size=int(field_size), entry_fee=float(entry_fee),
               strategies=strat, random_state=int(random_state), quick=bool(quick),
               max_field_size=1000 if quick else 0, simulator_options=dict(simulator_options or {}))
    t0 = time.perf_counter()
    all_races = load_real_races(slates, include_2025=include_2025)
    if not all_races:
        raise InputError(f"{slates or 'the shipped dk_2026 folder'}: no real race with results and a full pool "
                         f"to backtest ({'; '.join(skipped_races(slates, include_2025=include_2025)) or 'none found'})")
    if quick and quick_races:
        # the project's two quick races when the folder holds them, else the folder's first two
        names = [r.name for r in all_races]
        races = [n for n in QUICK_RACES if n in names] or names[:2]
    notes = [f"skipped {s}" for s in skipped_races(slates, include_2025=include_2025)]
    if races is not None:
        missing = sorted(set(races) - {r.name for r in all_races})
        if missing:
            raise InputError(f"races: {missing} not among the real races with results "
                             f"({[r.name for r in all_races]})")
    # a child seed per race, by its place in the full sorted list: a subset reproduces the full run's races
    seeds = dict(zip([r.name for r in all_races], np.random.SeedSequence(int(random_state)).spawn(len(all_races))))
    run = [r for r in all_races if races is None or r.name in set(races)]
    for r in run:  # a race that cannot be scored fails now, not after the estimators are fitted
        r.require_complete()
    pool = training_pool(all_races)  # the shipped races and the folder's, once each (by key)
    if client is not None:
        # each task refits its own leave-one-race-out ownership model: no serial step before the map
        races_f = client.scatter([pool], broadcast=True)[0]
        # largest contests first (their fields dominate a race's cost): the workers finish together
        cost = {r.name: _race_settings(cfg, r)[0] for r in run}
        futs = {r.name: client.submit(_race_task, r, cfg, seeds[r.name], races_f, pure=False,
                                      priority=int(cost[r.name]))
                for r in sorted(run, key=lambda r: -cost[r.name])}
        outs = [futs[r.name].result() for r in run]  # the serial order, whatever order they finished in
    else:
        outs = []
        for r in run:
            outs.append(_race_task(r, cfg, seeds[r.name], pool))
            if verbose:
                print(f"{r.name}: {outs[-1]['race']['seconds']:.1f} s", flush=True)
    per = pd.DataFrame([row for o in outs for row in o["rows"]])
    races_df = pd.DataFrame([o["race"] for o in outs])
    pooled, paired = pool_results(per)
    cfg["seconds"] = time.perf_counter() - t0
    cfg["n_races"] = len(run)
    return BacktestResult(per_race=per, pooled=pooled, paired=paired, races=races_df, settings=cfg, notes=notes,
                          crowd=crowd_block())


def crowd_block() -> dict:
    """The crowd relation the race model uses (``racesim_crowd.json``): coefficients with their 95% intervals
    (race-clustered) and the leave-one-race-out CRPS of actual driver points with and without it."""
    from ..racesim import load_crowd_weights

    cw = load_crowd_weights()
    a = cw.get("all", {})
    return {"coef": {"gap": a.get("gap"), "own": a.get("own")},
            "coef_ci": {"gap": (a.get("ci") or [None, None])[0], "own": (a.get("ci") or [None, None])[1]},
            "chalk_sd": cw.get("chalk_sd"), "crps_with": cw.get("crps_with"), "crps_without": cw.get("crps_without"),
            "crps_diff_se": cw.get("crps_diff_se"), "alpha_sd_real": cw.get("alpha_sd_real"),
            "alpha_sd_sim": cw.get("alpha_sd_sim"), "n_races": cw.get("n_races"),
            "fitted_by": (cw.get("settings") or {}).get("command"),
            "note": "each backtested race uses coefficients fitted without it (racesim_crowd.json 'races'; the all-race "
                    "fit for a race added since)"}


def _race_task(race, cfg, seed, pool):
    """One race of the backtest (a Dask task): its ownership model without it, then :func:`backtest_race`."""
    est, fitted_on = ownership_model_without(race, pool)
    out = backtest_race(race, cfg, seed, est)
    out["race"]["fitted_on"] = {**fitted_on, "race_model": race_model_training(race)}
    return out


def training_pool(races) -> list:
    """Every real race a model may be fitted on: the shipped ones (``<data>/nascar/dk_2026``, when the data
    folder is there) and ``races`` (a user's folder), one per race (:attr:`~dfslab.io.RealRace.key`: a
    copy of a shipped race counts once)."""
    from ..io import load_real_races
    from ..utils.config import data_dir

    shipped = []
    if data_dir(required=False) is not None:
        shipped = load_real_races(include_2025=False)
    pool = {}
    for r in [*shipped, *races]:
        pool.setdefault(r.key, r)
    return sorted(pool.values(), key=lambda r: (str(r.info.get("date")), r.name))


def ownership_model_without(race, pool) -> tuple:
    """An ownership model fitted on everything in ``pool`` (and the 2025 slates) that is not ``race``.

    The base is fitted on the 2025 slates' projected ownership (those of the data folder, without the race when
    it is one of them), the calibration on the real %Drafted rows of every other race of ``pool``. Races are
    told apart by :attr:`~dfslab.io.RealRace.key` (series and date), so a renamed copy of the race never trains
    its own model. Returns ``(estimator, {"ownership_base_slates": [...], "ownership_calibration_races": [...]})``.
    """
    from ..io import list_nascar_slates, read_nascar_slate
    from ..ownership import PRETRAINED_PATH, pretrained_nascar_estimator
    from ..utils.config import data_dir
    from ._ownership_fit import fit_pretrained_nascar

    have_data = data_dir(required=False) is not None
    slates = [read_nascar_slate(f) for f in list_nascar_slates()] if have_data else []
    slates = [s for s in slates if _slate_key(s) != race.key]
    real = [r for r in pool if len(r.actual_ownership) and r.key != race.key]
    info = {"ownership_base_slates": sorted(s.name for s in slates),
            "ownership_calibration_races": [r.name for r in real]}
    # fitted once per process for a given race and training set (sweeps and repeated runs reuse it)
    key = (race.key, tuple(info["ownership_base_slates"]), tuple((r.key, len(r.actual_ownership)) for r in real))
    if key not in _ESTIMATORS:
        if slates:
            _ESTIMATORS[key] = (fit_pretrained_nascar(slates, races=real if len(real) >= 2 else []), info)
        else:  # no data folder: the shipped model, if it never saw the race (by name: its keys need the data)
            import json

            shipped = json.loads(PRETRAINED_PATH.read_text())
            seen = set(shipped.get("races", [])) | set(shipped.get("slates", []))
            if race.name in seen:
                raise InputError(f"race {race.name}: the shipped ownership model was fitted on it and the data folder "
                                 "(../shared/data, DFSLAB_DATA_DIR) is not there to refit it without the race")
            info = {"ownership_base_slates": shipped.get("slates", []),
                    "ownership_calibration_races": shipped.get("races", []), "note": "shipped model (no data folder)"}
            _ESTIMATORS[key] = (pretrained_nascar_estimator(), info)
        if slates and len(real) < 2:
            _ESTIMATORS[key][1]["note"] = (f"calibration to real %Drafted needs 2 other races with named %Drafted, "
                                           f"{len(real)} found: the base model alone")
    est, info = _ESTIMATORS[key]
    return copy.deepcopy(est), dict(info)


def _slate_key(slate) -> str:
    """:attr:`RealRace.key` of a slate snapshot (series and date)."""
    return f"{str(slate.series or '').lower()}:{None if slate.date is None else slate.date.date()}"


_ESTIMATORS: dict = {}


def clear_estimator_cache() -> None:
    """Forget the leave-one-race-out ownership models fitted so far in this process (benchmarks, refits)."""
    _ESTIMATORS.clear()


def evidence_text(res: BacktestResult) -> str:
    """A short paragraph for the slate report: what the backtest measured for the default strategy."""
    p = res.pooled.set_index("strategy")
    if "ours" not in p.index:
        return ""
    o = p.loc["ours"]
    txt = (f"On {int(o['n_races'])} real NASCAR races with results (backtest, `docs/backtest.md`) the default "
           f"portfolio's lineups scored **{o['edge_mean']:+.1f} ± {o['edge_se']:.1f} actual points** against the "
           f"field's median lineup, where the same simulation predicted {o['edge_pred_mean']:+.1f} "
           f"(realised / predicted {o['edge_ratio']:.2f}); the realised edge sat at the {o['edge_pit_mean']:.2f} "
           f"percentile of the predicted distribution on average (0.5 = calibrated) and realised ROI at the "
           f"{o['roi_pit_mean']:.2f} percentile. Realised ROI {100 * o['roi_mean']:+.0f}% ± {100 * o['roi_se']:.0f} "
           f"(predicted {100 * o['roi_pred_mean']:+.0f}%): one race's ROI is far too noisy to judge by.")
    if np.isfinite(o.get("top1_pred_pct", np.nan)) and np.isfinite(o.get("top1_real_pct", np.nan)):
        from scipy.stats import binom

        # One real race decides a top-1% finish for nearly every sampled field, so count races, not fields:
        # how often would so few races (or fewer) reach the top 1% if the prediction were right?
        n = int(o["n_races"])
        k = int(round(o["top1_real_pct"] / 100 * n))
        p_low = float(binom.cdf(k, n, min(max(o["top1_pred_pct"] / 100, 0.0), 1.0)))
        txt += (f" A top-1% lineup was predicted in {o['top1_pred_pct']:.0f}% of fields and happened in "
                f"{o['top1_real_pct']:.1f}% (about {k} of {n} races)")
        txt += (f": if the prediction were right, so few would happen {100 * p_low:.0f}% of the time, so the "
                f"simulation may over-predict top finishes." if p_low < 0.1 else ".")
    if "field_like" in p.index:
        f = p.loc["field_like"]
        txt += (f" Field-like lineups: predicted ROI {100 * f['roi_pred_mean']:+.0f}%, realised "
                f"{100 * f['roi_mean']:+.0f}% ± {100 * f['roi_se']:.0f}.")
    q = res.paired.set_index("strategy") if len(res.paired) else None
    for k, what in (("vendor_projection", "optimizing the vendor's projection directly"),
                    ("leverage_0.5", "a leverage penalty of 0.5")):
        if q is not None and k in q.index:
            d = q.loc[k]
            txt += (f" Against the default, {what} changed the edge by {d['edge_diff_mean']:+.1f} ± "
                    f"{d['edge_diff_se']:.1f} points (better in {int(d['races_better_edge'])} of {int(d['n_races'])} races).")
    return txt


def write_evidence(res: BacktestResult, path=None):
    """Write the backtest's figures to ``dfslab/_data/evidence_backtest.json`` (derived figures only)."""
    import json
    from pathlib import Path

    from ..utils.atomic import atomic_write_text

    path = Path(path) if path is not None else Path(__file__).resolve().parent / "_data" / "evidence_backtest.json"
    d = res.to_dict()
    d["report_text"] = evidence_text(res)
    d["command"] = "python scripts/backtest_real_slates.py --write-evidence"
    return atomic_write_text(path, json.dumps(d, indent=1))


def sweep(grid: dict, **backtest_kw) -> BacktestResult:
    """Backtest every combination of pipeline settings on the real races (paired: same races, same seeds).

    Parameters
    ----------
    grid : dict
        SlateAnalysis setting -> list of values, e.g. ``{"leverage_penalty": [0, 0.25, 0.5],
        "max_exposure": [0.4, 0.6]}``.
    **backtest_kw
        Passed to :func:`backtest_real_slates` (``client=`` runs the races on Dask).

    Returns
    -------
    BacktestResult
        One strategy per combination, named ``"leverage_penalty=0.25, max_exposure=0.4"``;
        ``"ours"`` (the defaults) is the paired reference.

    Examples
    --------
    >>> from dfslab.studies import sweep_strategies
    >>> list(sweep_strategies({"leverage_penalty": [0, 0.5]}))
    ['leverage_penalty=0', 'leverage_penalty=0.5']
    """
    return backtest_real_slates(strategies=sweep_strategies(grid), **backtest_kw)


def sweep_strategies(grid: dict) -> dict:
    """The strategies of a settings grid: name -> settings, in grid order."""
    import itertools

    if not isinstance(grid, dict) or not grid:
        raise InputError("grid: a non-empty dict of setting -> list of values")
    keys = list(grid)
    for k in keys:
        if not isinstance(grid[k], (list, tuple)) or not grid[k]:
            raise InputError(f"grid[{k!r}]: a non-empty list of values")
    out = {}
    for combo in itertools.product(*(grid[k] for k in keys)):
        out[", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in zip(keys, combo))] = \
            dict(zip(keys, combo))
    return out
