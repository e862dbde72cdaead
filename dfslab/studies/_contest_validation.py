"""Validation of the contest engine on the real DK contests (field realism, payout-curve fit, reproduction).

Library side of ``scripts/validate_contests.py`` and ``notebooks/contest_validation.ipynb``:
every function returns DataFrames; nothing prints.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..contest import FieldLineupSampler, PayoutCurveFitter, rank_and_pay, table_features, zipf_pmf
from ..exceptions import DataFileError, InputError
from ..io import read_contest_standings, read_dk_salaries
from ..payouts import load_real_payout_tables, read_payout_table
from ..rules import NFL_CLASSIC
from ..slate import Slate
from ..utils.config import data_dir

_CASH = re.compile(r"double\s*up|doubleup|50/50|fifty|triple\s*up|head.to.head", re.I)


def is_cash_contest(name: str) -> bool:
    """Double-ups, 50/50s, triple-ups, head-to-heads (flat payouts: not GPPs).

    Examples
    --------
    >>> is_cash_contest("MLB$5DoubleUp"), is_cash_contest("NFL$25KHailMary")
    (True, False)
    """
    return bool(_CASH.search(str(name)))


@dataclass
class ContestField:
    """A real contest's field on its own slate.

    ``slate`` holds the players someone rostered (MLB: salary and position
    from the folder's DKSalaries.csv; NFL: positions from the slots used,
    salaries unknown = 1, cap never binds); ``lineups`` are the non-blank
    entries as row indices into it; ``ownership`` = percent of those entries.
    """

    contest_dir: str
    sport: str
    contest_name: str
    entry_fee: float
    slate: Slate
    lineups: np.ndarray
    ownership: np.ndarray
    has_salaries: bool
    notes: list = field(default_factory=list)
    #: AvgPointsPerGame of each slate player (the public pre-contest projection; NaN without a salary file)
    projection: np.ndarray | None = None
    #: the player's actual DK points (the standings' FPTS)
    fpts: np.ndarray | None = None

    @property
    def is_cash(self) -> bool:
        return is_cash_contest(self.contest_name)


def contest_index(root=None) -> pd.DataFrame:
    """``dk_contests/contests.csv`` with an ``is_cash`` column."""
    root = Path(root) if root is not None else data_dir()
    idx = pd.read_csv(root / "dk_contests" / "contests.csv")
    idx["is_cash"] = idx["contest_name"].map(is_cash_contest)
    return idx


def load_contest_field(contest_dir, root=None) -> ContestField:
    """Read a real contest's entries onto a slate (players matched as :mod:`dfslab.ownership`'s loader does).

    MLB block players are matched to DKSalaries.csv by name with accents and
    punctuation removed, namesakes told apart by the slots they were used in.
    Entries rostering a player absent from the salary file are dropped and
    the drop is recorded in ``notes`` (never silent).

    Examples
    --------
    >>> import dfslab
    >>> if dfslab.data_dir(required=False) is not None:
    ...     cf = load_contest_field("mlb/2017-04-28__MLB_2KSoloShot_Night__1.00")
    ...     print(cf.lineups.shape[1], round(float(cf.ownership.sum())))
    ... else:
    ...     print(10, 1000)
    10 1000
    """
    from ..io import match_standings_to_salaries  # the ownership loader's matching (accents, namesakes)

    root = Path(root) if root is not None else data_dir()
    idx = contest_index(root).set_index("contest_dir")
    key = str(contest_dir)
    if key not in idx.index:
        raise InputError(f"contest_dir {key!r} is not listed in {root / 'dk_contests' / 'contests.csv'}")
    meta = idx.loc[key]
    folder = root / "dk_contests" / key
    cs = read_contest_standings(folder / "contest-standings.csv")
    L = cs.lineups[cs.lineups[:, 0] >= 0]
    notes = []
    has_sal = (folder / "DKSalaries.csv").is_file()
    if has_sal:
        sal_slate = read_dk_salaries(folder / "DKSalaries.csv", rules=cs.rules, name=folder.name)
        rows, msgs = match_standings_to_salaries(cs, sal_slate)
        bad = (rows[L] < 0).any(1)
        if bad.any():
            notes.append(f"dropped {int(bad.sum())} of {len(L)} entries ({bad.mean():.1%}) rostering a player "
                         f"not matched in DKSalaries.csv: {'; '.join(msgs[:2])}")
            L = L[~bad]
        Ls = rows[L]
        used = np.unique(Ls)
        players = sal_slate.players.iloc[used].reset_index(drop=True)
        lut = np.full(sal_slate.n_players, -1, dtype=np.int64)
        lut[used] = np.arange(len(used))
        L = lut[Ls]
        slate = Slate(players[["player_id", "name", "salary", "position"]], rules=cs.rules, name=folder.name)
        proj = (players["avg_points"].to_numpy(dtype=float) if "avg_points" in players
                else np.full(len(used), np.nan))
        fp_sal = np.full(sal_slate.n_players, np.nan)
        ok = rows >= 0
        fp_sal[rows[ok]] = cs.players["fpts"].to_numpy(dtype=float)[ok]
        fpts = fp_sal[used]
    else:
        if cs.rules.name != NFL_CLASSIC.name:
            raise DataFileError(folder / "DKSalaries.csv", "file not found (only NFL contests may lack it)")
        used = np.unique(L)
        lut = np.full(len(cs.players), -1, dtype=np.int64)
        lut[used] = np.arange(len(used))
        L = lut[L]
        pos = np.full(len(used), "", dtype=object)
        for j, s in enumerate(cs.rules.slots):
            if s != "FLEX":
                pos[np.unique(L[:, j])] = s
        pos[pos == ""] = "WR"
        names = cs.players["name"].to_numpy()[used]
        players = pd.DataFrame({"player_id": [str(i) for i in range(len(used))], "name": names, "salary": 1,
                                "position": pos})
        slate = Slate(players, rules=cs.rules, name=folder.name)
        proj = np.full(len(used), np.nan)
        fpts = cs.players["fpts"].to_numpy(dtype=float)[used]
        notes.append("no DKSalaries.csv: salaries unknown, cap not modelled; positions from the slots used")
    own = 100.0 * np.bincount(L.ravel(), minlength=slate.n_players) / len(L)
    return ContestField(key, str(meta["sport"]), str(meta["contest_name"]), float(meta["entry_fee"]), slate, L,
                        own, has_sal, notes, proj, fpts)


def overlap_counts(lineups, n_pairs: int = 20_000, random_state=0) -> np.ndarray:
    """Players shared by random pairs of distinct entries (one count per pair)."""
    L = np.sort(np.asarray(lineups), 1)
    rng = np.random.default_rng(random_state)
    a, b = rng.integers(0, len(L), (2, n_pairs))
    ok = a != b
    return (L[a[ok]][:, :, None] == L[b[ok]][:, None, :]).any(2).sum(1)


def dup_groups(lineups) -> np.ndarray:
    """Size of the group of identical lineups each entry belongs to (1 = unique)."""
    srt = np.sort(np.asarray(lineups), 1)
    _, inv, cnt = np.unique(srt, axis=0, return_inverse=True, return_counts=True)
    return cnt[inv.ravel()]


def field_stats(lineups, salaries=None, cap: int = 50_000, n_pairs: int = 20_000, random_state=0) -> dict:
    """Duplicated-lineup share, pairwise overlap and (with salaries) salary-left quantiles of a field.

    Examples
    --------
    >>> L = np.array([[0, 1], [1, 0], [2, 3], [0, 2]])
    >>> s = field_stats(L, salaries=np.array([10, 20, 30, 40]), cap=70)
    >>> s["dup_share"], s["salary_left_p50"]
    (0.5, 35.0)
    """
    L = np.asarray(lineups)
    g = dup_groups(L)
    ov = overlap_counts(L, n_pairs, random_state)
    R = L.shape[1]
    out = {"dup_share": float((g > 1).mean()), "dup_ge3_share": float((g >= 3).mean()), "max_group": int(g.max()),
           "overlap_mean": float(ov.mean()), "overlap_p90": float(np.percentile(ov, 90)),
           "overlap_ge_half": float((ov >= (R + 1) // 2).mean())}
    if salaries is not None:
        left = cap - np.asarray(salaries)[L].sum(1)
        out.update({"salary_left_p10": float(np.percentile(left, 10)), "salary_left_p50": float(np.median(left)),
                    "salary_left_p90": float(np.percentile(left, 90)), "salary_left_mean": float(left.mean())})
    return out


def _quick_contests(idx: pd.DataFrame) -> list:
    # smallest GPP per sport + smallest cash contest: covers MLB salaries, NFL without, and the cash regime
    out = []
    for sport in ("MLB", "NFL"):
        g = idx[(idx.sport == sport) & ~idx.is_cash].sort_values("entries")
        out += g.contest_dir.head(1).tolist()
    out += idx[(idx.sport == "MLB") & idx.is_cash].sort_values("entries").contest_dir.head(1).tolist()
    return out


def validate_field_realism(quick: bool = False, contests=None, random_state: int = 0, return_fields: bool = False,
                           n_calibration: int | None = None, use_projections: bool = True, **sampler_kw):
    """Sample a field from each real contest's actual ownership and compare it with the real entries.

    Parameters
    ----------
    quick : bool
        3 small contests (one MLB GPP, one NFL GPP, one MLB cash) and a
        2,000-lineup calibration field, instead of all contests.
    contests : list of str, optional
        ``contest_dir`` values (default: all of ``contests.csv``, or the quick set).
    return_fields : bool
        Also return ``{contest_dir: (ContestField, sampled lineups)}`` for plots.
    use_projections : bool
        Build the projection-driven entries from the public projection
        (DKSalaries' AvgPointsPerGame; MLB only, NFL has none) as the
        sampler does in use; False = the ownership-only field.
    **sampler_kw
        Passed to :class:`FieldLineupSampler` (e.g. ``dup_prob=0``).

    Returns
    -------
    DataFrame
        One row per contest: contest_dir, sport, is_cash, entries, own_maxerr
        (pp, sampled vs real), seconds, notes and ``real_<stat>`` /
        ``sim_<stat>`` for every :func:`field_stats` statistic (salary-left
        stats NaN for NFL).
    """
    idx = contest_index()
    if contests is None:
        contests = _quick_contests(idx) if quick else idx.contest_dir.tolist()
    ncal = n_calibration or (2000 if quick else 5000)
    rows, fields = [], {}
    for i, cdir in enumerate(contests):
        t0 = time.perf_counter()
        cf = load_contest_field(cdir)
        kw = dict(sampler_kw)
        if not cf.has_salaries:
            kw["salary_left_scale"] = None
        if use_projections and cf.projection is not None and np.isfinite(cf.projection).all():
            kw.setdefault("projections", cf.projection)
        fs = FieldLineupSampler(cf.slate, cf.ownership, random_state=random_state + i, n_calibration=ncal,
                                max_iter=12 if quick else 20, **kw).fit()
        F = fs.sample(len(cf.lineups), random_state=random_state + 1000 + i)
        sal = cf.slate.salaries if cf.has_salaries else None
        cap = cf.slate.rules.salary_cap
        real = field_stats(cf.lineups, sal, cap)
        sim = field_stats(F, sal, cap)
        row = {"contest_dir": cdir, "sport": cf.sport, "is_cash": cf.is_cash, "entries": len(cf.lineups),
               "n_players": cf.slate.n_players,
               "own_maxerr": float(np.abs(fs.ownership_of(F, cf.slate.n_players) - cf.ownership).max()),
               "seconds": time.perf_counter() - t0, "notes": " | ".join(cf.notes)}
        keys = list(real)
        row.update({f"real_{k}": real[k] for k in keys})
        row.update({f"sim_{k}": sim[k] for k in keys})
        rows.append(row)
        if return_fields:
            fields[cdir] = (cf, F)
    df = pd.DataFrame(rows)
    return (df, fields) if return_fields else df


def summarize_field_realism(df: pd.DataFrame) -> pd.DataFrame:
    """Median real vs sampled statistic per (sport, GPP/cash) group, with the median per-contest gap."""
    out = []
    keys = [c[5:] for c in df.columns if c.startswith("real_")]
    for (sport, cash), g in df.groupby(["sport", "is_cash"]):
        for k in keys:
            if g[f"real_{k}"].isna().all():
                continue
            gap = g[f"sim_{k}"] - g[f"real_{k}"]
            out.append({"sport": sport, "type": "cash" if cash else "GPP", "n_contests": len(g), "stat": k,
                        "real_median": g[f"real_{k}"].median(), "sim_median": g[f"sim_{k}"].median(),
                        "median_gap": gap.median(), "median_abs_gap": gap.abs().median()})
    return pd.DataFrame(out)


def fit_duplication(stats: pd.DataFrame, kmax: int = 20) -> dict:
    """Duplication parameters from real GPP fields' statistics (``validate_field_realism`` ``real_*`` columns).

    The Zipf tail is chosen so the share of duplicated entries in groups of
    3+ matches (median over contests), then ``dup_prob`` so the duplicated
    share matches: ``D = p E[1+k] / (1 + p E[k])``; ``dup_chalk`` is left to
    the caller (the real duplicated lineups sit ~0.5 SD above average chalk).
    """
    g = stats[~stats.is_cash]
    d = float(g.real_dup_share.median())
    ratio = float((g.real_dup_ge3_share / g.real_dup_share.where(g.real_dup_share > 0)).median())
    best = None
    for a in np.linspace(0.5, 4.0, 141):
        pmf = zipf_pmf(a, kmax)
        k = np.arange(1, kmax + 1)
        r = float(((1 + k) * pmf * (k >= 2)).sum() / ((1 + k) * pmf).sum())
        if best is None or abs(r - ratio) < best[0]:
            best = (abs(r - ratio), a, float((k * pmf).sum()))
    _, a, ek = best
    p = d / ((1 + ek) - d * ek)
    return {"dup_prob": float(p), "dup_tail": float(a), "target_dup_share": d, "target_ge3_ratio": ratio}


def evaluate_payout_fit(quick: bool = False, test_frac: float = 0.2, random_state: int = 0):
    """Fit :class:`PayoutCurveFitter` on 80% of the real tables and reproduce the held-out GPP tables.

    Returns
    -------
    per_table : DataFrame
        tier, entries, entry_fee and ``real_<f>`` / ``fit_<f>`` for the
        :func:`table_features` (pool share of the top 0.1/1/10%, paid
        fraction, min-cash multiple, top share).
    summary : DataFrame
        Per tier and metric: real and fitted medians, median and p90 absolute error.
    fitter : PayoutCurveFitter
    """
    tables, meta, rejected = load_real_payout_tables()
    rake = PayoutCurveFitter.real_rake()
    rng = np.random.default_rng(random_state)
    ids = np.array(sorted(tables))
    test_ids = set(rng.choice(ids, size=int(len(ids) * test_frac), replace=False).tolist())
    train = {k: v for k, v in tables.items() if k not in test_ids}
    fitter = PayoutCurveFitter().fit((train, meta), rake=rake)
    test = PayoutCurveFitter.gpp_frame({k: tables[k] for k in test_ids}, meta, rake)
    if quick:
        test = test.groupby(pd.cut(test.entries, [0, 1000, 10000, np.inf]), observed=True).head(25)
    rows = []
    for r in test.itertuples():
        entries = int(round(r.entries))
        g = fitter.generate(entries=entries, entry_fee=r.entry_fee, rake=1 - r.pool / (entries * r.entry_fee))
        f = table_features(g, entries, r.entry_fee)
        real = table_features(tables[r.table_id], entries, r.entry_fee)
        rows.append({"table_id": r.table_id, "tier": fitter.tier_of(entries), "entries": entries,
                     "entry_fee": r.entry_fee, **{f"real_{k}": real[k] for k in f},
                     **{f"fit_{k}": v for k, v in f.items()}})
    df = pd.DataFrame(rows)
    out = []
    for tier, g in df.groupby("tier"):
        for k in ["share_top0.1", "share_top1", "share_top10", "paid_frac", "min_cash_mult"]:
            err = g[f"fit_{k}"] - g[f"real_{k}"]
            out.append({"tier": tier, "n": len(g), "metric": k, "real_median": g[f"real_{k}"].median(),
                        "fit_median": g[f"fit_{k}"].median(), "median_abs_err": err.abs().median(),
                        "p90_abs_err": err.abs().quantile(0.9)})
    summary = pd.DataFrame(out)
    summary.attrs.update({"n_train": len(train), "n_test": len(df), "n_rejected": len(rejected), "rake": rake})
    return df, summary, fitter


def reproduce_real_contests(contests=None) -> pd.DataFrame:
    """Recompute every real entry's points and rank with the simulator's ranking code.

    Returns one row per contest: entries, ranks_match (share of entries whose
    recomputed rank equals DK's Rank), and with a cash payout table its pool
    and the total the recomputed ranks pay (``paid``; NaN when the table has
    non-cash prizes or is absent).
    """
    root = data_dir()
    idx = contest_index(root)
    if contests is not None:
        idx = idx[idx.contest_dir.isin(list(contests))]
    rows = []
    for r in idx.itertuples():
        folder = root / "dk_contests" / r.contest_dir
        cs = read_contest_standings(folder / "contest-standings.csv")
        pts = np.round(cs.lineup_points(), 2)  # NaN = blank lineup (DK ranks it last)
        table = None
        if (folder / "payout_structure.csv").is_file():
            try:
                table = read_payout_table(folder / "payout_structure.csv")
            except DataFileError:
                table = None  # satellite: non-cash prizes (tickets)
        rank, pay = rank_and_pay(pts, table if table is not None else [0.0])
        rows.append({"contest_dir": r.contest_dir, "sport": r.sport, "entries": cs.n_entries,
                     "ranks_match": float((rank == cs.entries["rank"].to_numpy()).mean()),
                     "pool": table.pool if table is not None else np.nan,
                     "paid": float(pay.sum()) if table is not None else np.nan})
    return pd.DataFrame(rows)


def roi_identity_check(contest_dir: str = "mlb/2017-04-06__MLB_175KFastball__33.00", n_scenarios: int = 10,
                       n_mine: int = 150, random_state: int = 0) -> pd.DataFrame:
    """ROI identity on a real contest: the whole contest simulated, mean ROI over all entries per scenario.

    The field is every non-blank real entry (the first ``n_mine`` as "my"
    lineups, the rest as the field); scenario 0 is what happened (the players'
    real points), the others perturb them (N(0, 4) points). Returns one row per
    scenario with the simulated mean ROI over all entries, the identity value
    ``pool / (entries x fee) - 1`` and their difference.
    """
    root = data_dir()
    idx = contest_index(root).set_index("contest_dir")
    folder = root / "dk_contests" / contest_dir
    cs = read_contest_standings(folder / "contest-standings.csv")
    table = read_payout_table(folder / "payout_structure.csv")
    L = cs.lineups[cs.lineups[:, 0] >= 0]
    fee = float(idx.loc[contest_dir, "entry_fee"])
    f = cs.players["fpts"].to_numpy(dtype=float)
    rng = np.random.default_rng(random_state)
    P = np.vstack([f, np.round(f + rng.normal(0, 4, (n_scenarios - 1, len(f))), 2)])
    from ..contest import ContestSimulator

    mine, fld = L[:n_mine], L[n_mine:]
    sim = ContestSimulator(table, field_size=len(fld), entry_fee=fee, random_state=random_state, progress=False)
    res = sim.simulate(mine, P, fld, track_field=True)
    total = (res.roi_samples + 1).sum(1) * fee + res.field_paid
    roi_all = total / (len(L) * fee) - 1
    expected = table.pool / (len(L) * fee) - 1
    return pd.DataFrame({"scenario": np.arange(len(P)), "mean_roi_all_entries": roi_all,
                         "identity": expected, "difference": roi_all - expected})


_STRENGTH_Q = (50, 90, 99)


def _strength_stats(pts: np.ndarray, proj: np.ndarray, prefix: str) -> dict:
    q = np.percentile(pts, _STRENGTH_Q)
    qp = np.percentile(proj, _STRENGTH_Q)
    out = {f"{prefix}pts_p{k}": float(v) for k, v in zip(_STRENGTH_Q, q)}
    out[f"{prefix}pts_max"] = float(pts.max())
    out.update({f"{prefix}proj_p{k}": float(v) for k, v in zip(_STRENGTH_Q, qp)})
    out[f"{prefix}proj_max"] = float(proj.max())
    return out


def _rank_in(field_pts: np.ndarray, score: float) -> float:
    """DK rank (1 = best; ties share the best place) a score would get among ``field_pts``, as a percent of the field."""
    return 100.0 * (1 + int((np.round(field_pts, 2) > round(score, 2)).sum())) / len(field_pts)


def strength_quick_contests(idx: pd.DataFrame | None = None) -> list:
    """The quick set of :func:`field_strength_check`: the two largest later-season MLB GPPs of at most 3,500
    entries (held out of the fit; large enough for stable p99s, small enough for seconds)."""
    idx = contest_index() if idx is None else idx
    g = idx[(idx.sport == "MLB") & ~idx.is_cash & (idx.date >= "2017-07-01") & (idx.entries <= 3500)]
    return g.sort_values("entries", ascending=False).contest_dir.head(2).tolist()


def strength_split(idx: pd.DataFrame | None = None) -> tuple[list, list]:
    """MLB GPPs split by date for fitting the strength component: (fit = before 2017-07-01, check = from then on)."""
    idx = contest_index() if idx is None else idx
    g = idx[(idx.sport == "MLB") & ~idx.is_cash].sort_values("date")
    return g[g.date < "2017-07-01"].contest_dir.tolist(), g[g.date >= "2017-07-01"].contest_dir.tolist()


def field_strength_check(quick: bool = False, contests=None, random_state: int = 0, use_projections: bool = True,
                         n_calibration: int | None = None, **sampler_kw) -> pd.DataFrame:
    """Field STRENGTH, sampled vs real, on the real MLB contests: actual and projected lineup points.

    For each contest a field of the real size is sampled from the contest's
    actual ownership (with the public projection, DKSalaries' AvgPointsPerGame,
    as ``projections`` when ``use_projections``). Every lineup is scored twice:
    actual points (the players' real FPTS) and projected points (summed
    AvgPointsPerGame). Reported per contest, real vs sampled: p50 / p90 / p99 /
    max of both, and the rank (percent of the field, 1 = top) the real winning
    lineup and the real median lineup would get in the real and in the
    sampled field.

    Parameters
    ----------
    quick : bool
        Two later-season MLB GPPs of about 3,000 entries (held out of the fit
        of the defaults, see :func:`strength_quick_contests`) and a
        2,000-lineup calibration field.
    contests : list of str, optional
        ``contest_dir`` values (default: all MLB contests, cash included).
    use_projections : bool
        False = the ownership-only field (the model before the strength component).
    **sampler_kw
        Passed to :class:`FieldLineupSampler` (e.g. ``proj_share=0.5, proj_strength=1``).

    Returns
    -------
    DataFrame
        One row per contest: contest_dir, date, is_cash, entries, own_maxerr,
        ``real_*`` / ``sim_*`` for pts_p50/p90/p99/max and proj_p50/p90/p99/max,
        win_rank_real / win_rank_sim and med_rank_real / med_rank_sim (percent),
        ``gap_pts_p99`` etc. (sampled - real, in points), and ``real_`` /
        ``sim_`` dup_share, dup_ge3_share, overlap_mean, overlap_ge_half,
        salary_left_p50 (see :func:`field_stats`).
    """
    idx = contest_index()
    if contests is None:
        contests = strength_quick_contests(idx) if quick else idx[idx.sport == "MLB"].contest_dir.tolist()
    meta = idx.set_index("contest_dir")
    ncal = n_calibration or (2000 if quick else 4000)
    rows = []
    for i, cdir in enumerate(contests):
        t0 = time.perf_counter()
        cf = load_contest_field(cdir)
        if cf.projection is None or not np.isfinite(cf.projection).all():
            raise InputError(f"contest {cdir!r}: no AvgPointsPerGame projection for every player (MLB only)")
        kw = dict(sampler_kw)
        if use_projections:
            kw["projections"] = cf.projection
        fs = FieldLineupSampler(cf.slate, cf.ownership, random_state=random_state + i, n_calibration=ncal,
                                max_iter=12 if quick else 20, **kw).fit()
        F = fs.sample(len(cf.lineups), random_state=random_state + 1000 + i)
        fp = np.nan_to_num(cf.fpts)
        real_pts, sim_pts = fp[cf.lineups].sum(1), fp[F].sum(1)
        real_proj, sim_proj = cf.projection[cf.lineups].sum(1), cf.projection[F].sum(1)
        win = float(real_pts.max())
        med = float(np.sort(real_pts)[len(real_pts) // 2])
        row = {"contest_dir": cdir, "date": str(meta.loc[cdir, "date"]), "is_cash": cf.is_cash,
               "entries": len(cf.lineups),
               "own_maxerr": float(np.abs(fs.ownership_of(F, cf.slate.n_players) - cf.ownership).max())}
        real = _strength_stats(real_pts, real_proj, "real_")
        sim = _strength_stats(sim_pts, sim_proj, "sim_")
        row.update(real)
        row.update(sim)
        for k in real:
            row[f"gap_{k[5:]}"] = sim[f"sim_{k[5:]}"] - real[k]
        sal = cf.slate.salaries
        fr, fsim = field_stats(cf.lineups, sal, cf.slate.rules.salary_cap), field_stats(F, sal, cf.slate.rules.salary_cap)
        for k in ("dup_share", "dup_ge3_share", "overlap_mean", "overlap_ge_half", "salary_left_p50"):
            row[f"real_{k}"], row[f"sim_{k}"] = fr[k], fsim[k]
        row.update({"real_pts_sd": float(real_pts.std()), "real_proj_sd": float(real_proj.std()),
                    "win_rank_real": _rank_in(real_pts, win), "win_rank_sim": _rank_in(sim_pts, win),
                    "med_rank_real": _rank_in(real_pts, med), "med_rank_sim": _rank_in(sim_pts, med),
                    "seconds": time.perf_counter() - t0})
        rows.append(row)
    return pd.DataFrame(rows)


def summarize_field_strength(df: pd.DataFrame) -> pd.DataFrame:
    """Pooled gaps of :func:`field_strength_check`: per statistic, median real / sampled value and the
    median and mean absolute gap over contests (in points and in SDs of the real field's lineup points)."""
    out = []
    for k in [c[4:] for c in df.columns if c.startswith("gap_")]:
        sd = df["real_proj_sd"] if k.startswith("proj") else df["real_pts_sd"]
        gap = df[f"gap_{k}"]
        out.append({"stat": k, "n_contests": len(df), "real_median": df[f"real_{k}"].median(),
                    "sim_median": df[f"sim_{k}"].median(), "median_gap": gap.median(),
                    "mean_abs_gap": gap.abs().mean(), "median_gap_sd": (gap / sd).median(),
                    "mean_abs_gap_sd": (gap / sd).abs().mean()})
    for a in ("win", "med"):
        out.append({"stat": f"{a}_rank_pct", "n_contests": len(df), "real_median": df[f"{a}_rank_real"].median(),
                    "sim_median": df[f"{a}_rank_sim"].median(),
                    "median_gap": (df[f"{a}_rank_sim"] - df[f"{a}_rank_real"]).median(),
                    "mean_abs_gap": (df[f"{a}_rank_sim"] - df[f"{a}_rank_real"]).abs().mean()})
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------- real NASCAR contests
_NASCAR_OWNERSHIP = ("dailyfan", "ours", "actual_known")


def _nascar_ownership(race, how, contest_id=None) -> np.ndarray:
    """A field's ownership target for one real race (percent, sums to 600).

    ``dailyfan``: the slate's projected ownership (DailyFan) rescaled to 600;
    ``ours``: :func:`dfslab.estimate_ownership` on the pre-lock slate;
    ``actual_known``: a diagnostic, NOT a forecast: the contest's actual
    %Drafted where the data has it, the rest of the 600 spread over the other
    drivers in proportion to DailyFan's projection.
    """
    from ..ownership import estimate_ownership
    from ..slate import capped_normalize

    sl = race.slate
    total = sl.rules.ownership_total
    if callable(how):
        return check_ownership_total(np.asarray(how(race), dtype=float), total, race.name)
    if how == "ours":
        return estimate_ownership(sl)["ownership"].to_numpy(dtype=float)
    df = sl.column("ownership").astype(float)
    if not np.isfinite(df).all():
        raise InputError(f"race {race.name}: no DailyFan projected ownership for "
                         f"{sl.players['name'][~np.isfinite(df)].tolist()}")
    own = capped_normalize(df, total)
    if how == "dailyfan":
        return own
    if how == "actual_known":
        a = race.actual_ownership
        a = a[(a["contest_id"] == str(contest_id)) & (a["player"] >= 0)]
        known = np.zeros(sl.n_players, dtype=bool)
        known[a["player"].to_numpy()] = True
        out = own.copy()
        out[a["player"].to_numpy()] = a["actual_own"].to_numpy(dtype=float)
        rest = total - out[known].sum()
        if rest <= 0 or (~known).sum() == 0:
            raise InputError(f"race {race.name} contest {contest_id}: known actual ownership sums to "
                             f"{out[known].sum():.1f}% (>= {total})")
        out[~known] *= rest / out[~known].sum()
        return out
    raise InputError(f"ownership must be one of {_NASCAR_OWNERSHIP} or a callable race -> array, got {how!r}")


def check_ownership_total(own: np.ndarray, total: float, name: str) -> np.ndarray:
    if own.ndim != 1 or not np.isfinite(own).all() or abs(own.sum() - total) > 0.5:
        raise InputError(f"race {name}: ownership must be finite and sum to {total:g}, got sum {own.sum():.2f}")
    return own


def nascar_field_sources(race, sources=("vendor", "ours"), n_scenarios: int = 2000, random_state: int = 0) -> dict:
    """The projections a NASCAR field builds from (``projections=`` of :class:`FieldLineupSampler`).

    ``vendor`` = the slate's published projection (DailyFan on dk_2026);
    ``ours`` = the mean of our race simulation (:class:`dfslab.RaceSimulator`, history
    before the race date only: pre-lock information). The salary-implied source is added by the sampler.
    """
    out = {}
    for s in sources:
        if s == "vendor":
            v = race.slate.column("projection").astype(float)
            if np.isfinite(v).all():
                out["vendor"] = v
        elif s == "ours":
            from ..racesim import RaceSimulator

            sc = RaceSimulator(n_scenarios, random_state=random_state).simulate(race.slate)
            out["ours"] = np.asarray(sc.points, dtype=float).mean(0)
        else:
            raise InputError(f"sources: unknown source {s!r} (use 'vendor', 'ours')")
    return out


def _top_dups(F: np.ndarray, pts: np.ndarray, k: int = 10) -> tuple[float, int]:
    """Share of the field's top-``k`` entries (by points) that are duplicated, and their largest group."""
    g = dup_groups(F)
    top = np.argsort(-pts, kind="stable")[:k]
    return float((g[top] > 1).mean()), int(g[top].max())


def validate_nascar_contests(slates=None, ownership=("dailyfan", "ours"), sources=("vendor", "ours"),
                             n_fields: int = 40, quick: bool = False, random_state: int = 0,
                             n_calibration: int | None = None, races=None, sampler_kw_for=None,
                             **sampler_kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sample fields of each real NASCAR contest's size and compare their winning and 80th-percentile scores.

    For every real DK contest with a known winning score (``dk_2026`` layout,
    :func:`dfslab.io.load_real_races` with ``include_2025=False``), ``n_fields``
    fields of the contest's real size are sampled from the slate's pre-lock
    ownership (:class:`FieldLineupSampler` with the default field behaviour and
    ``projections`` = the race's ``sources``), scored with the drivers'
    actual DK points, and the median sampled winning score and 80th-percentile
    score are compared with the real ones. Also compared: how many of the top
    10 entries are duplicated (real ``top_lineups.dup_count`` vs sampled).

    Parameters
    ----------
    slates : path-like, optional
        A folder of races in the ``dk_2026`` layout (default the shipped one).
    ownership : str, callable or tuple of them
        ``"dailyfan"`` (projected ownership, rescaled to 600), ``"ours"``
        (:func:`dfslab.estimate_ownership`), ``"actual_known"`` (diagnostic:
        actual %Drafted where known), or a callable ``race -> ownership``.
    sources : tuple of str
        Field projection sources (:func:`nascar_field_sources`); ``()`` =
        ownership-only field.
    n_fields : int
        Sampled fields per contest.
    quick : bool
        The three smallest contests of two races, 8 fields each, a 3,000-lineup
        calibration field (seconds; used by the tests).
    races : list of RealRace, optional
        Already loaded races (skips loading).
    sampler_kw_for : callable, optional
        ``race -> dict`` of sampler keywords for that race (e.g. parameters
        fitted leaving that race out).
    **sampler_kw
        Passed to :class:`FieldLineupSampler`.

    Returns
    -------
    per_contest : DataFrame
        One row per (ownership, contest): race, contest_id, entries, real and
        sampled (median) win / p80, their relative errors in percent
        (``win_err_pct`` = 100 x (sampled / real - 1)), the real score's
        percentile among the sampled ones (``win_pit``, ``p80_pit``), sampled
        mean lineup score, top-10 duplicated share and largest group (real /
        sampled), fit and sampling seconds.
    summary : DataFrame
        Per ownership: median and worst absolute relative error of win and p80,
        how often the sampled p80 / win is high, top-10 dup shares.
    """
    from ..io import load_real_races

    owns = (ownership,) if (isinstance(ownership, str) or callable(ownership)) else tuple(ownership)
    if races is None:
        races = load_real_races(slates, include_2025=False)
    races = [r for r in races if len(r.contests) and r.contests["winning_score"].notna().any()]
    if quick:
        small = sorted(((int(c.entries), i, str(c.contest_id)) for i, r in enumerate(races)
                        for c in r.contests.itertuples() if np.isfinite(c.winning_score)))
        keep, seen = [], set()
        for e, i, cid in small:
            if len(keep) < 3 and (i in seen or len(seen) < 2):
                keep.append((i, cid))
                seen.add(i)
        races = [(races[i], [c for j, c in keep if j == i]) for i in sorted(seen)]
        n_fields = min(n_fields, 8)
    else:
        races = [(r, None) for r in races]
    ncal = n_calibration or (3000 if quick else 10000)
    ss = np.random.SeedSequence(random_state)
    rows = []
    for (race, only), seq in zip(races, ss.spawn(len(races))):
        s_src, s_fit, s_draw = (int(x.generate_state(1)[0]) for x in seq.spawn(3))
        race.require_complete()
        src = nascar_field_sources(race, sources, random_state=s_src) if sources else None
        kw = dict(sampler_kw)
        if sampler_kw_for is not None:
            kw.update(sampler_kw_for(race))
        pts = race.actual
        for how in owns:
            label = how if isinstance(how, str) else getattr(how, "__name__", "custom")
            per_contest = how == "actual_known"
            fs = None
            for c in race.contests.itertuples():
                cid = str(c.contest_id)
                if not np.isfinite(c.winning_score) or (only is not None and cid not in only):
                    continue
                t0 = time.perf_counter()
                if fs is None or per_contest:
                    own = _nascar_ownership(race, how, cid)
                    fs = FieldLineupSampler(race.slate, own, random_state=s_fit, projections=src,
                                            n_calibration=ncal, **kw).fit()
                fit_s = time.perf_counter() - t0
                n = int(c.entries)
                rng = np.random.default_rng([s_draw, int(cid) if cid.isdigit() else 0])
                win, p80, mean, tshare, tmax = [], [], [], [], []
                t1 = time.perf_counter()
                for _ in range(n_fields):
                    F = fs.sample(n, random_state=rng)
                    sc = np.round(pts[F].sum(1), 2)
                    win.append(sc.max())
                    p80.append(np.percentile(sc, 80))
                    mean.append(sc.mean())
                    a, b = _top_dups(F, sc)
                    tshare.append(a)
                    tmax.append(b)
                win, p80 = np.array(win), np.array(p80)
                tl = race.top_lineups[race.top_lineups["contest_id"] == cid]
                rw, rp = float(c.winning_score), float(c.cash_line_p80)
                rows.append({
                    "ownership": label, "race": race.name, "contest_id": cid, "entries": n,
                    "real_win": rw, "sim_win": float(np.median(win)), "real_p80": rp, "sim_p80": float(np.median(p80)),
                    "win_err_pct": 100 * (np.median(win) / rw - 1), "p80_err_pct": 100 * (np.median(p80) / rp - 1),
                    "win_pit": float((win < rw).mean() + 0.5 * (win == rw).mean()),
                    "p80_pit": float((p80 < rp).mean() + 0.5 * (p80 == rp).mean()),
                    "sim_win_p10": float(np.percentile(win, 10)), "sim_win_p90": float(np.percentile(win, 90)),
                    "sim_mean": float(np.mean(mean)),
                    "real_top10_dup_share": float((tl["dup_count"] > 1).mean()) if len(tl) else np.nan,
                    "sim_top10_dup_share": float(np.mean(tshare)),
                    "real_top10_max_dup": int(tl["dup_count"].max()) if len(tl) else np.nan,
                    "sim_top10_max_dup": float(np.median(tmax)),
                    "fit_seconds": fit_s, "sample_seconds": (time.perf_counter() - t1) / n_fields,
                })
    df = pd.DataFrame(rows)
    return df, summarize_nascar_contests(df)


def summarize_nascar_contests(df: pd.DataFrame) -> pd.DataFrame:
    """Per ownership source: median / worst absolute relative error (percent) of the sampled winning and
    80th-percentile scores, how many are high, mean PIT, and the top-10 duplicated shares."""
    out = []
    for how, g in df.groupby("ownership", sort=False):
        out.append({"ownership": how, "n_contests": len(g),
                    "win_med_abs_err_pct": g.win_err_pct.abs().median(), "win_max_abs_err_pct": g.win_err_pct.abs().max(),
                    "p80_med_abs_err_pct": g.p80_err_pct.abs().median(), "p80_max_abs_err_pct": g.p80_err_pct.abs().max(),
                    "win_high": int((g.win_err_pct > 0).sum()), "p80_high": int((g.p80_err_pct > 0).sum()),
                    "win_pit_mean": g.win_pit.mean(), "p80_pit_mean": g.p80_pit.mean(),
                    "real_top10_dup_share": g.real_top10_dup_share.mean(),
                    "sim_top10_dup_share": g.sim_top10_dup_share.mean()})
    return pd.DataFrame(out)


def nascar_ownership_mae(slates=None, races=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Actual %Drafted vs DailyFan's projected ownership and ours, on the same (contest, driver) rows.

    Both forecasts are compared as given (DailyFan rescaled to 600) and as the
    field uses them (``*_field``: :class:`FieldLineupSampler`'s cap-consistent
    ``target_``, see ``max_salary_left``).

    Returns
    -------
    rows : DataFrame
        race, contest_id, name, actual_own, dailyfan, ours, dailyfan_field, ours_field (percent).
    summary : DataFrame
        Per source: rows, MAE and mean error (forecast - actual) in percentage points.
    """
    from ..io import load_real_races

    races = load_real_races(slates, include_2025=False) if races is None else races
    parts = []
    for r in races:
        a = r.actual_ownership
        a = a[a["player"] >= 0]
        if a.empty:
            continue
        p = a["player"].to_numpy()
        d = {"race": r.name, "contest_id": a["contest_id"].to_numpy(), "name": a["name"].to_numpy(),
             "actual_own": a["actual_own"].to_numpy(dtype=float)}
        for how in ("dailyfan", "ours"):
            own = _nascar_ownership(r, how)
            d[how] = own[p]
            d[f"{how}_field"] = FieldLineupSampler(r.slate, own).target_[p]
        parts.append(pd.DataFrame(d))
    rows = pd.concat(parts, ignore_index=True)
    srcs = ("dailyfan", "ours", "dailyfan_field", "ours_field")
    summ = pd.DataFrame([{"source": s, "rows": len(rows), "mae_pp": float((rows[s] - rows.actual_own).abs().mean()),
                          "mean_error_pp": float((rows[s] - rows.actual_own).mean())} for s in srcs])
    return rows, summ


# ---------------------------------------------------------------------------- predicted ROI vs field sharpness
def roi_vs_field_sharpness(slate=None, shares=(0.0, 0.25, 0.5, 0.75, 1.0), strength=None, n_lineups: int = 20,
                           n_scenarios: int = 2000, field_size: int = 2000, entry_fee: float = 20.0,
                           n_field_draws: int = 2, leverage_penalty: float = 0.5, random_state: int = 0,
                           n_calibration: int = 5000, ownership=None, sources=("ours", "vendor"),
                           regime_aware: bool = True, timings: dict | None = None, **sampler_kw) -> pd.DataFrame:
    """A FIXED portfolio's predicted ROI as the field gets sharper (share of projection-driven entries).

    The report's pipeline on ``slate`` (default the demo slate): simulated races,
    our ownership estimate, a regime-aware portfolio built on one scenario set
    and scored on another; the field (projections = our simulated mean, plus
    the salary-implied source) is sampled with ``proj_share`` in ``shares``
    and ``proj_strength`` in ``strength`` (a number or a list; None = the
    default), everything else fixed (same
    portfolio, same scenarios, same seeds). A sharper field must not make the
    same portfolio look better: the old single-projection optimizer share did
    (it duplicated itself). The field's sources are our simulated mean
    (``"ours"``), the slate's published ``projection`` when it has one
    (``"vendor"``), and salary (unless ``salary_source=False`` is passed).
    The old optimizer share is the special case ``sources=("ours",),
    proj_types=1, proj_noise=0, salary_source=False`` (every such entry drawn
    from one tilted law, strength = 1 / opt_noise).

    Parameters
    ----------
    ownership : array_like, optional
        The field's ownership (default :func:`dfslab.estimate_ownership` of the
        slate, the report's choice).
    regime_aware : bool
        Build the portfolio with ``optimize_regime_aware`` (the report's
        default) or ``optimize`` on the simulated mean (faster).
    timings : dict, optional
        Filled with the seconds spent per stage.

    Returns
    -------
    DataFrame
        One row per share: proj_share, proj_strength, roi_mean, roi_se, cash_pct,
        win_pct, field_dup_share (duplicated share of one sampled field) and
        field_proj_p90 (90th percentile of the field's summed projection).
    """
    from ..demo import demo_slate
    from ..pipeline import SlateAnalysis

    sl = demo_slate() if slate is None else slate
    tm = timings if timings is not None else {}
    t0 = time.perf_counter()
    # the report's pipeline, everything fixed but the field: same races, ownership, portfolio and seeds
    a = SlateAnalysis(sl, n_scenarios=n_scenarios, n_lineups=n_lineups, leverage_penalty=leverage_penalty,
                      field_size=field_size + n_lineups, entry_fee=entry_fee, n_field_draws=n_field_draws,
                      ownership=ownership, regime_aware=regime_aware, random_state=random_state, progress=False)
    a.portfolio
    tm["simulate_and_optimize"] = time.perf_counter() - t0
    mean = a.mean_points
    src = {"ours": mean} if "ours" in sources else {}
    if "vendor" in sources and "published" in a.field_projections:
        src["vendor"] = a.field_projections["published"]
    tm["field_and_contest"] = 0.0
    rows = []
    grid = [(q, b) for b in (strength if np.ndim(strength) else [strength]) for q in shares]
    for q, b in grid:
        kw = dict(sampler_kw, proj_share=q, n_calibration=n_calibration)
        if b is not None:
            kw["proj_strength"] = b
        t0 = time.perf_counter()
        v = a.with_params(field_options=kw, field_sources=src)  # the sources under test
        r = v.contest
        tm["field_and_contest"] += time.perf_counter() - t0
        F = v.field.sample(field_size, random_state=int(np.random.SeedSequence(random_state).generate_state(1)[0]))
        rows.append({"proj_share": q, "proj_strength": v.field.proj_strength, "roi_mean": r.portfolio["roi_mean"],
                     "roi_se": r.portfolio["roi_se"], "cash_pct": r.portfolio["cash_pct"],
                     "win_pct": r.portfolio["win_pct"], "field_dup_share": field_stats(F)["dup_share"],
                     "field_proj_p90": float(np.percentile(mean[F].sum(1), 90))})
    return pd.DataFrame(rows)
