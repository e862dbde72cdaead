"""Hindsight backtest of the whole pipeline on the real DK NASCAR slates that have results.

For each real slate the report's pipeline is run on PRE-RACE information only
(simulator history before the slate date, an ownership model refitted without
the slate, the payout curve of the contest size) to build portfolios, which are
then scored twice:

* **predicted** -- in the model's own world, exactly as the slate report does
  (independent simulated races, a field sampled from the model's ownership);
* **realised** -- on the ACTUAL DK points of the one real race, against many
  opponent fields sampled from the slate's PUBLISHED projected ownership (the
  best available proxy for the real field; no NASCAR contest standings exist).

The gap between the two is the point: a simulated edge that assumes the race
model is right versus what the same lineups would have earned. Seven races are a
tiny sample; pooled figures carry a standard error across races.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._errors import InputError

PORTFOLIOS = ("ours", "pure_projection", "published", "field_like")
PORTFOLIO_LABELS = {
    "ours": "ours: regime-aware, leverage_penalty 0.5",
    "pure_projection": "same optimizer, leverage_penalty 0",
    "published": "optimizer on the PUBLISHED projection, leverage_penalty 0",
    "field_like": "typical field entries (FieldLineupSampler.typical_entries)",
}
# Slates used by quick mode: a Cup short track (one driver without a DK id, one result
# recovered by name alias) and an Xfinity intermediate (one alias) -- both code paths.
QUICK_SLATES = ("cup_2025-09-13_8227c09", "xfinity_2025-09-06_ff5a788")
# Spellings that differ between the DK slate and NASCAR's loop data beyond case,
# punctuation, suffixes and middle initials (found on the 8 slates).
NAME_ALIASES = {"nicholas sanchez": "nick sanchez"}


def _norm_name(name: str) -> str:
    s = re.sub(r"[^a-z ]", " ", str(name).lower())
    toks = [t for t in s.split() if t not in ("jr", "sr", "ii", "iii") and len(t) > 1]
    s = " ".join(toks)
    return NAME_ALIASES.get(s, s)


@dataclass
class BacktestResult:
    """What :func:`backtest_real_slates` returns.

    Attributes
    ----------
    per_slate : DataFrame
        One row per (slate, portfolio): ``pred_roi`` / ``pred_roi_se`` / ``pred_cash_pct`` (model world),
        ``real_roi`` (mean over field draws) / ``real_roi_se`` (s.e. over field draws, the race fixed),
        ``real_cash_pct`` (draws in which any lineup cashes), ``real_lineup_cash_pct``,
        ``real_best_rank_pct`` (mean over draws of the best rank as a percent of entries; small is good),
        ``gap`` = real_roi - pred_roi, lineup points on the actual race. ROI is a fraction.
    pooled : DataFrame
        One row per portfolio: means over slates, ``real_roi_se_races`` = SD across races / sqrt(n races).
    contrasts : DataFrame
        Paired per-race differences of realised ROI (ours minus each other portfolio), mean and s.e. across races.
    slates : DataFrame
        One row per slate: model / published projection Pearson r with actual points, actual-point matching
        notes, the ROI identity check (realised ROI over ALL entries vs pool / fees - 1).
    ranks : DataFrame
        Long table (slate, portfolio, draw, lineup, rank_pct) of realised ranks, percent of entries.
    actuals : DataFrame
        Actual points per slate driver and where they came from.
    lineups : dict
        (slate, portfolio) -> int lineup array.
    notes : list of str
    settings : dict
    """

    per_slate: pd.DataFrame
    pooled: pd.DataFrame
    contrasts: pd.DataFrame
    slates: pd.DataFrame
    ranks: pd.DataFrame
    actuals: pd.DataFrame
    lineups: dict
    notes: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)


def actual_points(slate, results: pd.DataFrame, race_logs: pd.DataFrame | None = None):
    """Actual DK points of every slate driver, in slate order, and where each came from.

    ``dk_actual_loopFL`` of ``slates_with_results.csv`` matched on snapshot == slate
    name and Driver == name. Drivers it misses (spelling differences such as
    "Ricky Stenhouse Jr" / "Ricky Stenhouse Jr.", "Nicholas Sanchez" / "Nick Sanchez")
    are looked up in the loop data of the same series on the race's loop date by
    normalized name (case, punctuation, Jr/Sr, middle initials, :data:`NAME_ALIASES`).
    A driver found in neither gets 0 points (did not start: DK scores 0) and is named.

    Returns
    -------
    points : ndarray (n_players,)
    table : DataFrame [name, actual, source]
    """
    snap = results[results["snapshot"] == slate.name]
    if snap.empty:
        raise InputError(f"{slate.name}: no rows in slates_with_results.csv for this snapshot")
    by_name = snap.drop_duplicates("Driver").set_index("Driver")["dk_actual_loopFL"]
    names = slate.players["name"].astype(str).tolist()
    pts = np.array([by_name.get(n, np.nan) for n in names], dtype=np.float64)
    src = np.where(np.isfinite(pts), "dk_actual_loopFL", "")
    src = src.astype(object)
    miss = ~np.isfinite(pts)
    if miss.any() and race_logs is not None:
        loop_date = pd.to_datetime(snap["race_date_loop"].dropna().mode().iloc[0]) \
            if "race_date_loop" in snap and snap["race_date_loop"].notna().any() else slate.date
        series = str(snap["series"].iloc[0]).lower()
        rl = race_logs[(race_logs["race_date"] == loop_date) & (race_logs["series"].str.lower() == series)]
        lookup = dict(zip(rl["driver_name"].map(_norm_name), rl["dk_points"]))
        for i in np.flatnonzero(miss):
            v = lookup.get(_norm_name(names[i]))
            if v is not None and np.isfinite(v):
                pts[i] = float(v)
                src[i] = "race_logs by normalized name"
    still = ~np.isfinite(pts)
    pts[still] = 0.0
    src[still] = "not found: 0 points (did not start)"
    return pts, pd.DataFrame({"name": names, "actual": pts, "source": src})


def _score_fixed_race(keys: np.ndarray, fields: np.ndarray, M: np.ndarray, cum: np.ndarray):
    """Rank and pay portfolio ``M`` and every field entry on one real race, for each field draw.

    keys : (n_players,) int64 centipoints; fields : (D, n_opp, R); M : (m, R).
    Returns (pay (D, m), rank (D, m), field_paid (D,)).
    """
    from .contest import count_better_tied, split_prizes

    fs = keys[fields].sum(-1)                                  # (D, n_opp)
    fs_sorted = np.sort(fs, axis=1)
    ms = keys[M].sum(1)                                        # (m,) same race every draw
    D, m = len(fs), len(ms)
    Q = np.broadcast_to(ms, (D, m))
    own_sorted = np.broadcast_to(np.sort(ms), (D, m))
    b1, t1 = count_better_tied(fs_sorted, Q)
    b2, t2 = count_better_tied(own_sorted, Q)                  # my lineups compete with each other
    better, tied = b1 + b2, t1 + t2
    pay = split_prizes(better, tied, cum)
    fb1, ft1 = count_better_tied(fs_sorted, fs)
    fb2, ft2 = count_better_tied(own_sorted, fs)
    field_paid = split_prizes(fb1 + fb2, ft1 + ft2, cum).sum(1)
    return pay, better + 1, field_paid


def _optimizer(n_lineups, lev, max_overlap, max_exposure, excludes, seed):
    from .optimize import LeverageAwareOptimizer
    return LeverageAwareOptimizer(n_lineups=n_lineups, leverage_penalty=lev, max_overlap=max_overlap,
                                  max_exposure=max_exposure, excludes=excludes, random_state=seed)


def _backtest_slate(folder, idx, results, logs, slates_all, payouts, cfg):
    from .contest import ContestSimulator, FieldLineupSampler
    from .contest._ranking import prize_cumsum
    from .ownership import estimate_ownership
    from .ownership._estimator import capped_normalize
    from .ownership._pretrained import fit_pretrained_nascar
    from .report import load_report_slate, make_simulator, unrosterable, with_projection
    from .slate import check_lineups

    seeds = np.random.default_rng([cfg["random_state"], idx]).integers(0, 2 ** 31 - 1, size=8)
    sl = load_report_slate(str(folder))
    n, N, fee = cfg["n_lineups"], cfg["field_size"], cfg["entry_fee"]
    notes = list(sl.meta.get("notes", []))
    actual, act_table = actual_points(sl, results, logs)
    act_table.insert(0, "slate", sl.name)

    # --- pre-race: the report's pipeline -------------------------------------------------
    scen = make_simulator(sl, cfg["n_scenarios"], random_state=int(seeds[0])).simulate(sl)
    if cfg["loso_ownership"]:
        # the shipped ownership model was fitted on these very slates: refit without this one
        est = fit_pretrained_nascar([s for s in slates_all if s.name != sl.name])
    else:
        est = None
    own = estimate_ownership(with_projection(sl, scen), estimator=est)["ownership"].to_numpy()
    excl = unrosterable(sl)
    pub_proj = sl.column("projection").astype(float)
    kw = dict(n_lineups=n, max_overlap=cfg["max_overlap"], max_exposure=cfg["max_exposure"], excludes=excl)
    pfs = {
        "ours": _optimizer(lev=cfg["leverage_penalty"], seed=int(seeds[1]), **kw).optimize_regime_aware(sl, scen, own),
        "pure_projection": _optimizer(lev=0.0, seed=int(seeds[1]), **kw).optimize_regime_aware(sl, scen, own),
        "published": _optimizer(lev=0.0, seed=int(seeds[1]), **kw).optimize(sl, pub_proj, own),
    }
    lineups = {k: v.lineups for k, v in pfs.items()}

    # the real-field proxy: published projected ownership (rescaled to 600) + the fitted field model
    pub_own = capped_normalize(sl.column("ownership").astype(float), sl.rules.ownership_total)
    fkw = dict(projections=pub_proj, n_calibration=cfg["n_calibration"])
    real_field = FieldLineupSampler(sl, pub_own, random_state=int(seeds[2]), **fkw).fit()
    lineups["field_like"] = real_field.typical_entries(n, N - n, random_state=int(seeds[3]))
    for k, L in lineups.items():
        check_lineups(L, sl, name=f"{sl.name} {k}")
        if excl and np.isin(L, np.flatnonzero(sl.players["name"].isin(excl).to_numpy())).any() and k != "field_like":
            raise InputError(f"{sl.name} {k}: a lineup uses an unrosterable driver {excl}")

    # model world (as the report): a field from the model's ownership, races the optimizer never saw
    model_field = FieldLineupSampler(sl, own, random_state=int(seeds[4]), **fkw).fit()
    scen_eval = make_simulator(sl, cfg["n_scenarios"], random_state=int(seeds[5])).simulate(sl)
    pred = {}
    for k, L in lineups.items():
        cs = ContestSimulator(payouts=payouts, field_size=N - n, entry_fee=fee, n_field_draws=1,
                              random_state=int(seeds[6]), progress=False)
        r = cs.simulate(L, scen_eval.points, model_field)
        pred[k] = {"pred_roi": r.portfolio["roi_mean"], "pred_roi_se": r.portfolio["roi_se"],
                   "pred_cash_pct": r.portfolio["cash_pct"], "pred_win_pct": r.portfolio["win_pct"],
                   "pred_best_rank_pct": 100.0 * float(r.ranks.min(1).mean()) / N}

    # --- realised: the actual race against many published-ownership fields -------------------
    rng = np.random.default_rng(int(seeds[7]))
    fields = np.stack([real_field.sample(N - n, random_state=rng) for _ in range(cfg["n_fields"])])
    keys = np.rint(actual * 100.0).astype(np.int64)
    cum = prize_cumsum(payouts, N)
    ident = -payouts.rake(N, fee) if payouts.n_paid <= N else np.nan
    rows, rank_rows, id_err, field_only = [], [], 0.0, []
    for k, L in lineups.items():
        pay, rank, fpaid = _score_fixed_race(keys, fields, L, cum)
        roi_draw = pay.sum(1) / (n * fee) - 1.0
        all_roi = (pay.sum(1) + fpaid) / (N * fee) - 1.0      # every entry of the contest
        id_err = max(id_err, float(np.abs(all_roi - ident).max()))
        field_only.append(fpaid / ((N - n) * fee) - 1.0)
        lp = actual[L].sum(1)
        rows.append({"slate": sl.name, "portfolio": k, **pred[k],
                     "real_roi": float(roi_draw.mean()),
                     "real_roi_se": float(roi_draw.std(ddof=1) / np.sqrt(len(roi_draw))) if len(roi_draw) > 1 else np.nan,
                     "real_cash_pct": 100.0 * float((pay > 0).any(1).mean()),
                     "real_lineup_cash_pct": 100.0 * float((pay > 0).mean()),
                     "real_win_pct": 100.0 * float((rank == 1).any(1).mean()),
                     "real_best_rank_pct": 100.0 * float(rank.min(1).mean()) / N,
                     "real_profit": float((pay.sum(1) - n * fee).mean()),
                     "lineup_points_mean": float(lp.mean()), "lineup_points_best": float(lp.max())})
        rp = 100.0 * rank / N
        D = rp.shape[0]
        rank_rows.append(pd.DataFrame({"slate": sl.name, "portfolio": k, "draw": np.repeat(np.arange(D), n),
                                       "lineup": np.tile(np.arange(n), D), "rank_pct": rp.ravel()}))
    fsc = actual[fields[0]].sum(1)
    best = _optimizer(1, 0.0, 5, None, excl, 0).optimize(sl, actual, own).lineups[0]
    r_of = lambda a: float(np.corrcoef(a[np.isfinite(a)], actual[np.isfinite(a)])[0, 1])  # noqa: E731
    srow = {"slate": sl.name, "series": sl.series, "archetype": sl.archetype, "n_drivers": sl.n_players,
            "r_model": r_of(np.asarray(scen.points, float).mean(0)), "r_published": r_of(pub_proj),
            "actual_filled": "; ".join(f"{a} ({s})" for a, s in zip(act_table["name"], act_table["source"])
                                       if s != "dk_actual_loopFL"),
            "excluded_no_dk_id": ", ".join(excl), "field_points_p50": float(np.median(fsc)),
            "field_points_p99": float(np.percentile(fsc, 99)), "hindsight_optimal_points": float(actual[best].sum()),
            "rake": float(payouts.rake(N, fee)), "field_roi_all_entries": float(ident),
            "identity_max_abs_err": id_err, "field_only_roi": float(np.mean(field_only)),
            "strength_source": scen.strength_source}
    return rows, rank_rows, srow, act_table, {(sl.name, k): v for k, v in lineups.items()}, notes


def _pooled(per: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    def se(x):
        x = np.asarray(x, float)
        return float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else np.nan

    rows = []
    for k, g in per.groupby("portfolio", sort=False):
        rows.append({"portfolio": k, "n_races": len(g), "pred_roi": g["pred_roi"].mean(), "pred_roi_se_races": se(g["pred_roi"]),
                     "real_roi": g["real_roi"].mean(), "real_roi_se_races": se(g["real_roi"]),
                     "gap": (g["real_roi"] - g["pred_roi"]).mean(), "gap_se_races": se(g["real_roi"] - g["pred_roi"]),
                     "pred_cash_pct": g["pred_cash_pct"].mean(), "real_cash_pct": g["real_cash_pct"].mean(),
                     "real_lineup_cash_pct": g["real_lineup_cash_pct"].mean(),
                     "real_best_rank_pct": g["real_best_rank_pct"].mean(),
                     "races_with_profit": int((g["real_roi"] > 0).sum()), "total_profit": g["real_profit"].sum()})
    pooled = pd.DataFrame(rows)
    wide = per.pivot(index="slate", columns="portfolio", values="real_roi")
    con = []
    for k in [c for c in PORTFOLIOS if c != "ours" and c in wide]:
        d = wide["ours"] - wide[k]
        con.append({"contrast": f"ours - {k}", "mean_real_roi_diff": float(d.mean()), "se_races": se(d),
                    "races_ours_better": int((d > 0).sum()), "n_races": len(d)})
    return pooled, pd.DataFrame(con)


def backtest_real_slates(n_lineups: int = 20, n_fields: int = 200, field_size: int = 5000, n_scenarios: int = 3000,
                         random_state: int = 0, quick: bool = False, *, entry_fee: float = 20.0,
                         leverage_penalty: float = 0.5, max_overlap: int = 4, max_exposure: float = 0.6,
                         slates=None, loso_ownership: bool = True, include_prequal: bool = False,
                         verbose: bool = False) -> BacktestResult:
    """Hindsight backtest of the report pipeline on the real DK NASCAR slates with results.

    Parameters
    ----------
    n_lineups : int
        Lineups per portfolio.
    n_fields : int
        Opponent fields sampled per slate for the realised score (the race itself is fixed).
    field_size : int
        Entries in the contest, each portfolio's included.
    n_scenarios : int
        Simulated races for the optimizer and, independently, for the predicted ROI.
    random_state : int
    quick : bool
        Small run for tests: the 2 slates of :data:`QUICK_SLATES`, at most 20 fields of
        1,000 entries, 500 scenarios, 2,000-lineup field calibration.
    entry_fee, leverage_penalty, max_overlap, max_exposure
        Contest fee and the report's optimizer settings for the "ours" portfolio.
    slates : list of str, optional
        Slate folder names to run (default: every slate with start positions).
    loso_ownership : bool
        Refit the ownership model without the slate under test (the shipped one was
        fitted on these slates' published ownership; True avoids that leak).
    include_prequal : bool
        Also run slates captured before qualifying (start positions then assumed in
        salary order, as the report does); default False: such a snapshot lacks what
        the real field knew at lock.

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> import dfslab
    >>> from dfslab.backtest import backtest_real_slates
    >>> if dfslab.data_dir(required=False) is not None:  # needs the real data folder
    ...     res = backtest_real_slates(quick=True, n_fields=2, n_scenarios=200, slates=["xfinity_2025-09-06_ff5a788"])
    ...     print(sorted(res.per_slate["portfolio"].unique()))
    ... else:
    ...     print(['field_like', 'ours', 'published', 'pure_projection'])
    ['field_like', 'ours', 'published', 'pure_projection']
    """
    from .contest import PayoutCurveFitter
    from .io import list_nascar_slates, load_slates_with_results, read_nascar_slate, read_race_logs

    for name, v, lo in (("n_lineups", n_lineups, 1), ("n_fields", n_fields, 1), ("field_size", field_size, 2),
                        ("n_scenarios", n_scenarios, 10)):
        if not float(v).is_integer() or int(v) < lo:
            raise InputError(f"{name} must be a whole number >= {lo}, got {v!r}")
    if n_lineups >= field_size:
        raise InputError(f"n_lineups={n_lineups} must be below field_size={field_size}")
    if quick:
        n_fields, field_size, n_scenarios = min(n_fields, 20), min(field_size, 1000), min(n_scenarios, 500)
        slates = list(QUICK_SLATES) if slates is None else slates
    cfg = dict(n_lineups=int(n_lineups), n_fields=int(n_fields), field_size=int(field_size),
               n_scenarios=int(n_scenarios), random_state=int(random_state), entry_fee=float(entry_fee),
               leverage_penalty=float(leverage_penalty), max_overlap=int(max_overlap),
               max_exposure=float(max_exposure), loso_ownership=bool(loso_ownership),
               n_calibration=2000 if quick else 10000, quick=bool(quick))
    t0 = time.perf_counter()
    folders = list_nascar_slates()
    slates_all = [read_nascar_slate(f) for f in folders]
    results = load_slates_with_results()
    logs = read_race_logs()
    payouts = PayoutCurveFitter().fit().generate(entries=cfg["field_size"], entry_fee=cfg["entry_fee"])
    notes = []
    run = []
    for i, (f, s) in enumerate(zip(folders, slates_all)):
        if slates is not None and f.name not in set(slates):
            continue
        if s.players["start"].isna().any() and not include_prequal:
            notes.append(f"{f.name}: skipped, captured before qualifying (no start positions)")
            continue
        if not (results["snapshot"] == f.name).any():
            notes.append(f"{f.name}: skipped, no results")
            continue
        run.append((i, f))
    if not run:
        raise InputError(f"no slate to backtest (asked for {slates!r})")
    per, ranks, srows, acts, lineups = [], [], [], [], {}
    for i, f in run:
        t = time.perf_counter()
        rows, rr, srow, act, lu, nts = _backtest_slate(f, i, results, logs, slates_all, payouts, cfg)
        per += rows
        ranks += rr
        srows.append(srow)
        acts.append(act)
        lineups.update(lu)
        notes += [f"{f.name}: {x}" for x in nts]
        if verbose:
            print(f"{f.name}: {time.perf_counter() - t:.1f} s", flush=True)
    per = pd.DataFrame(per)
    per["gap"] = per["real_roi"] - per["pred_roi"]
    pooled, contrasts = _pooled(per)
    cfg["seconds"] = time.perf_counter() - t0
    cfg["payout_pool"], cfg["payout_n_paid"], cfg["rake"] = payouts.pool, payouts.n_paid, payouts.rake(
        cfg["field_size"], cfg["entry_fee"])
    return BacktestResult(per_slate=per, pooled=pooled, contrasts=contrasts, slates=pd.DataFrame(srows),
                          ranks=pd.concat(ranks, ignore_index=True), actuals=pd.concat(acts, ignore_index=True),
                          lineups=lineups, notes=notes, settings=cfg)
