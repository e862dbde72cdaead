"""Feature builder: one row per player, features relative to the slate.

Every feature is scale-free within its slate (ranks, ratios to the slate mean,
position supply) so one model serves slates of different sizes and sports; the
estimator's per-slate normalization sets the level (100 x roster size).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..rules import get_rules
from ..slate import ARCHETYPES, Slate, check_archetype
from ._estimator import capped_normalize
from ._optimal import perturbed_optimal_rate

#: Numeric feature columns produced by :func:`build_features`, in order.
FEATURE_COLUMNS = (
    "roster_size", "log_n_players", "log_pos_base",
    "salary_k", "salary_rel", "salary_budget_share", "salary_rank", "salary_rank_pos",
    "points_rel", "points_rank", "points_rank_pos", "value", "value_rel", "value_rank", "value_rank_pos",
    "has_points", "zero_points", "log_opt_rate", "start_rank", "has_start", "rating_z", "has_rating",
    *(f"arch_{a}" for a in ARCHETYPES),
    "is_cash", "log_entries",
)

#: Columns :func:`build_features` adds beside the features: the per-slate group key and the
#: vendor's projected ownership (an input of the calibration stage, never a member feature:
#: the members are trained on projected ownership, which would make it the label itself).
SIDE_COLUMNS = ("slate_id", "vendor_own")

_DEFAULT_CONTEST = {"type": "gpp", "entries": 1000}


def _pct_rank(v: pd.Series, groups) -> np.ndarray:
    # 1 = best (highest) in the group, 0 = worst; ties share the average rank.
    r = v.groupby(groups).rank(ascending=True, method="average")
    n = v.groupby(groups).transform("size")
    return np.where(n > 1, (r - 1) / (n - 1).clip(lower=1), 1.0)


def _contest_features(contest: Mapping | None) -> tuple[float, float]:
    c = dict(_DEFAULT_CONTEST)
    if contest is not None and not isinstance(contest, Mapping):
        raise InputError(f"contest: expected a dict like {{'type': 'gpp', 'entries': 1000}}, got {contest!r}")
    if contest is not None:
        unknown = set(contest) - {"type", "entries", "entry_fee", "name"}
        if unknown:
            raise InputError(f"contest: unknown key(s) {sorted(unknown)}; expected type, entries, entry_fee, name")
        c.update(contest)
    typ = str(c["type"]).lower()
    if typ not in ("gpp", "cash"):
        raise InputError(f"contest['type']: expected 'gpp' or 'cash' (double-up, 50/50), got {c['type']!r}")
    e = c["entries"]
    if isinstance(e, (bool, np.bool_)) or not isinstance(e, (int, float, np.integer, np.floating)) \
            or not np.isfinite(e) or e < 1:
        raise InputError(f"contest['entries']: expected a positive number of entries, got {e!r}")
    entries = float(e)
    return float(typ == "cash"), float(np.log10(entries))


def vendor_ownership(slate: Slate) -> np.ndarray:
    """The slate's vendor projected ownership (``ownership`` column), in percent of entries.

    A complete column (every player has a value) is rescaled to 100 x roster size with
    the capped redistribution: a vendor list summing to 595, or to 6 (fractions), is
    read as shares of the field. A partial column (some players without a value) is
    taken as percent as given; the rows without a value stay NaN and the estimator
    fills them with its own forecast, scaled to the rest of the 100 x roster size.
    All NaN when the slate has no column or fewer values than a roster.

    Raises
    ------
    InputError
        A value outside [0, 100], or a partial column summing to more than 100 x roster size.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> s = demo_slate()
    >>> bool(np.isnan(vendor_ownership(s)).all())
    True
    >>> p = s.players.assign(ownership=np.r_[[45.0] * 6, [1.0] * (s.n_players - 6)])
    >>> round(float(vendor_ownership(s.with_players(p)).sum()), 6)
    600.0
    """
    p = slate.players
    n = len(p)
    out = np.full(n, np.nan)
    if "ownership" not in p.columns:
        return out
    v = pd.to_numeric(p["ownership"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(v)
    rules = get_rules(slate.rules)
    if ok.sum() < rules.roster_size:
        return out
    if (v[ok] < 0).any() or (v[ok] > 100).any():
        i = int(np.flatnonzero(ok & ((v < 0) | (v > 100)))[0])
        raise InputError(f"{slate.name}: projected ownership of {p['name'].iloc[i]!r} is {v[i]:g}; expected percent "
                         "of entries in [0, 100]")
    total = rules.ownership_total
    if ok.all():
        return capped_normalize(v, total) if v.sum() > 0 else out
    if v[ok].sum() > total * 1.02:
        raise InputError(f"{slate.name}: projected ownership of {int(ok.sum())} of {n} players sums to "
                         f"{v[ok].sum():.1f}, more than {total:g} = 100 x roster size")
    out[ok] = v[ok]
    return out


def _opt_rate_feature(slate: Slate, pts: np.ndarray, has_pts: np.ndarray, rules) -> np.ndarray:
    """log(perturbed optimal rate + 1 pp); the uniform share where undefined (positions, no projection)."""
    n, R = len(pts), rules.roster_size
    if not rules.is_positionless or not has_pts.all():
        return np.full(n, np.log(100.0 * R / n + 1.0))
    return np.log(perturbed_optimal_rate(slate, points=pts) + 1.0)


def _one_slate(slate: Slate, contest: Mapping | None, slate_id: str, vendor: bool = True) -> pd.DataFrame:
    if not isinstance(slate, Slate):
        raise InputError(f"build_features: expected a dfslab.Slate, got {type(slate).__name__}")
    rules = get_rules(slate.rules)
    p = slate.players
    for c in ("player_id", "name", "salary", "position"):
        if c not in p.columns:
            raise InputError(f"{slate.name}: players miss required column {c!r}")
    sal = pd.to_numeric(p["salary"], errors="coerce").astype(float)
    if sal.isna().any() or (sal <= 0).any():
        i = int(np.flatnonzero(sal.isna().to_numpy() | (sal <= 0).to_numpy())[0])
        raise InputError(f"{slate.name}: salary of {p['name'].iloc[i]!r} must be a positive number, got {p['salary'].iloc[i]!r}")
    n, R = len(p), rules.roster_size
    if n < R:
        raise InputError(f"{slate.name}: {n} players is fewer than a roster of {R}")
    arch = check_archetype(slate.archetype, f"{slate.name}: archetype")
    is_cash, log_entries = _contest_features(contest)

    one = np.zeros(n, dtype=int)  # single group for slate-wide ranks
    pos = p["position"].astype(str).to_numpy()
    # Position supply: roster slots a player's position can fill over players eligible there.
    elig = rules.eligible_matrix(pos)                      # (n, slots)
    n_elig_slot = elig.sum(0)                              # players per slot
    slot_base = 100.0 / np.maximum(n_elig_slot, 1)         # percent share if a slot were uniform
    pos_base = (elig * slot_base[None, :]).sum(1)          # expected ownership of a uniform field
    pos_key = pd.Series(pos).str.split("/").str[0].to_numpy()

    # Points: projection, else DK's AvgPointsPerGame, else salary (the market's own projection).
    pts = pd.Series(np.nan, index=range(n))
    for col in ("projection", "avg_points"):
        if col in p.columns:
            v = pd.to_numeric(p[col], errors="coerce").reset_index(drop=True)
            if v.notna().any():
                pts = v
                break
    has_pts = pts.notna().to_numpy()
    pts = pts.clip(lower=0)
    sal_rel = (sal / sal.mean()).to_numpy()
    mean_pts = pts[has_pts].mean() if has_pts.any() else np.nan
    pts_rel = np.where(has_pts, pts.to_numpy() / mean_pts if mean_pts and mean_pts > 0 else sal_rel, sal_rel)
    pts_rel = np.nan_to_num(pts_rel, nan=1.0)
    value_rel = pts_rel / sal_rel
    value = np.where(has_pts, pts.to_numpy() / (sal.to_numpy() / 1000.0), np.nan)
    value = np.where(np.isnan(value), np.nanmean(value) if has_pts.any() else 0.0, value)
    s_pts_rel = pd.Series(pts_rel)
    s_val = pd.Series(value_rel)
    s_sal = pd.Series(sal.to_numpy())

    start_rank = np.full(n, 0.5)
    has_start = np.zeros(n)
    if "start" in p.columns:
        st = pd.to_numeric(p["start"], errors="coerce").astype(float).to_numpy()
        ok = np.isfinite(st)
        if ok.any():
            # 1 = pole, 0 = last: rank among drivers with a start.
            r = pd.Series(st[ok]).rank(method="average").to_numpy()
            start_rank[ok] = 1.0 - (r - 1) / max(ok.sum() - 1, 1)
            has_start[ok] = 1.0
    rating_z = np.zeros(n)
    has_rating = np.zeros(n)
    if "rating" in p.columns:
        rt = pd.to_numeric(p["rating"], errors="coerce").astype(float).to_numpy()
        ok = np.isfinite(rt)
        if ok.sum() > 1:
            sd = rt[ok].std()
            rating_z[ok] = (rt[ok] - rt[ok].mean()) / (sd if sd > 0 else 1.0)
            has_rating[ok] = 1.0

    X = pd.DataFrame({
        "slate_id": slate_id,
        "roster_size": float(R),
        "log_n_players": np.log(n),
        "log_pos_base": np.log(np.maximum(pos_base, 1e-6)),
        "salary_k": sal.to_numpy() / 1000.0,
        "salary_rel": sal_rel,
        "salary_budget_share": sal.to_numpy() / (rules.salary_cap / R),
        "salary_rank": _pct_rank(s_sal, one),
        "salary_rank_pos": _pct_rank(s_sal, pos_key),
        "points_rel": pts_rel,
        "points_rank": _pct_rank(s_pts_rel, one),
        "points_rank_pos": _pct_rank(s_pts_rel, pos_key),
        "value": value,
        "value_rel": value_rel,
        "value_rank": _pct_rank(s_val, one),
        "value_rank_pos": _pct_rank(s_val, pos_key),
        "has_points": has_pts.astype(float),
        "zero_points": (has_pts & (pts.to_numpy() <= 0)).astype(float),
        "log_opt_rate": _opt_rate_feature(slate, pts.fillna(0).to_numpy(), has_pts, rules),
        "start_rank": start_rank,
        "has_start": has_start,
        "rating_z": rating_z,
        "has_rating": has_rating,
        **{f"arch_{a}": float(arch == a) for a in ARCHETYPES},
        "is_cash": is_cash,
        "log_entries": log_entries,
        "vendor_own": vendor_ownership(slate) if vendor else np.nan,
    }, index=pd.Index(p["player_id"].astype(str).to_numpy(), name="player_id"))
    return X


def build_features(slate, contest: Mapping | None = None, vendor: bool = True) -> pd.DataFrame:
    """Build ownership features from one slate or a list of slates.

    Parameters
    ----------
    slate : Slate or iterable of Slate
        Player pools. Uses salary, ``projection`` (else ``avg_points``, DK's
        AvgPointsPerGame; without either, salary stands in for the projection and
        ``has_points`` is 0), ``start``, ``rating``, the position (for other DK
        sports: ranks within position and the position's slot supply) and the
        track archetype.
    contest : dict or list of dict, optional
        ``{"type": "gpp" | "cash", "entries": int}`` (double-ups and 50/50s are
        "cash"). Default: a 1,000-entry GPP. One dict per slate when a list is given.
    vendor : bool
        Carry the slate's vendor projected ownership (its ``ownership`` column) in
        ``vendor_own`` (see :func:`vendor_ownership`); False leaves it NaN, so a
        calibrated estimator forecasts without it.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``player_id``; column ``slate_id`` (the slate's ``name``,
        suffixed ``#k`` if names repeat; the group key of per-slate
        normalization), ``roster_size`` and the numeric :data:`FEATURE_COLUMNS`
        (``log_opt_rate`` = log(1 + the driver's optimal rate in percent, see
        :func:`~dfslab.ownership.perturbed_optimal_rate`), then ``vendor_own`` (percent,
        summing to 100 x roster size; NaN without a vendor column). ``slate_id`` and
        ``vendor_own`` are not features: the estimator sets them aside.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> X = build_features(demo_slate())
    >>> X.shape[0], X["slate_id"].nunique(), float(X["roster_size"].iloc[0])
    (38, 1, 6.0)
    """
    slates = [slate] if isinstance(slate, Slate) else list(slate) if isinstance(slate, Iterable) else [slate]
    if not slates:
        raise InputError("build_features: no slates given")
    if contest is None or isinstance(contest, (Mapping, str, bytes)):
        contests = [contest] * len(slates)
    else:
        contests = list(contest)
        if len(contests) != len(slates):
            raise InputError(f"build_features: {len(contests)} contest dicts for {len(slates)} slates")
    seen: dict[str, int] = {}
    parts = []
    for s, c in zip(slates, contests):
        name = str(getattr(s, "name", "slate"))
        k = seen.get(name, 0)
        seen[name] = k + 1
        parts.append(_one_slate(s, c, name if k == 0 else f"{name}#{k}", vendor=vendor))
    X = pd.concat(parts) if len(parts) > 1 else parts[0]
    return X[["slate_id", *FEATURE_COLUMNS, "vendor_own"]]
