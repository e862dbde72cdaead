"""Practice and qualifying speed as information in the driver strength (engine side).

Turns a race weekend's sessions (:func:`dfslab.io.practice.read_practice_quali` rows of
one race) into per-driver scores on a common scale, and the scores into what the race
model uses (:func:`practice_effect`, weights in ``dfslab/_data/racesim_practice.json``)::

    strength'  = strength + w_s * practice_score (+ w_q * quali_score after qualifying)
    pace       = lead_gain * u + Gumbel + lead_gain * beta_s * w_p * practice_score

* ``practice_score``: per timed practice session, the driver's best-lap speed as a
  within-session z-score of the speed percent of the session best (robust: median and
  MAD, clipped to +-3), averaged over the driver's timed practice sessions of the weekend;
* ``quali_score``: the same for the primary qualifying session when it has times
  (lineup-only qualifying carries no speed). The start position (= qualifying order) is
  already in the race model (``beta_q * start_score``); this is the speed beyond it;
* the strength term moves the finish, the DNF shift, the pace and (before qualifying) the
  start-order draw; the pace term (``RaceSimulator.simulate(pace_strength=)``) moves only
  who leads laps and sets fastest laps.

A driver with no time in a session that had times (did not run it, or is not listed) is
a non-runner of that session: he gets the term's ``missing`` value (0 = the field's median
speed: no information; too few non-runners in 2025 to fit one) and is named in the notes.
A race without any timed session of a kind contributes nothing for that kind.

Before qualifying only the practice terms are used; after qualifying also the
qualifying-speed term (its fitted weight is 0: it added nothing held out). The weights are
fitted on 2025 races (``scripts/fit_practice.py``; study code in :mod:`dfslab.studies._race_practice`).
This module has no fitting code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..names import match_names

PRACTICE_FILE = "_data/racesim_practice.json"
Z_CLIP = 3.0
MAD_SCALE = 1.4826  # MAD -> sd of a normal


def load_practice_weights() -> dict:
    """The shipped practice / qualifying weights (``dfslab/_data/racesim_practice.json``; {} when absent)."""
    f = resources.files("dfslab").joinpath(PRACTICE_FILE)
    return json.loads(f.read_text()) if f.is_file() else {}


def session_scores(rows: pd.DataFrame, kind: str = "z") -> pd.Series:
    """Per timed row of one session: the driver's speed score within the session (NaN without a time).

    ``kind="z"``: (speed % of best - median) / (1.4826 MAD), clipped to +-3 (a car that lost
    its lap to traffic or a spin does not dominate the scale); ``kind="ns"``: normal score
    of the rank by lap time among the timed cars.
    """
    from scipy.special import ndtri

    t = rows["has_time"].to_numpy(bool)
    out = np.full(len(rows), np.nan)
    if t.sum() < 3:
        return pd.Series(out, index=rows.index)
    pct = rows["speed_pct_of_session_best"].to_numpy(float)[t]
    if kind == "ns":
        n = t.sum()
        rank = pd.Series(-pct).rank(method="average").to_numpy()
        out[t] = ndtri((n - rank + 0.5) / n)
    elif kind == "z":
        med = np.median(pct)
        mad = MAD_SCALE * np.median(np.abs(pct - med))
        if not mad > 0:
            mad = pct.std() if pct.std() > 0 else 1.0
        out[t] = np.clip((pct - med) / mad, -Z_CLIP, Z_CLIP)
    else:
        raise InputError(f"kind: 'z' or 'ns', got {kind!r}")
    return pd.Series(out, index=rows.index)


@dataclass
class PracticeFeatures:
    """Per slate driver (slate order): practice and qualifying speed scores of one race weekend.

    ``table`` columns: name, practice_score, practice_missing (bool: no time in a timed
    practice), quali_score, quali_missing, matched (found in the sessions), how (name match).
    ``has_practice`` / ``has_quali``: the weekend had timed practice / timed primary
    qualifying. ``sessions``: one dict per session of the weekend (``type``, ``name``,
    ``date`` (run date, else None), ``timed``, ``primary`` qualifying), in session order.
    ``notes``: what was decided (non-runners, unmatched names).
    """

    table: pd.DataFrame
    has_practice: bool
    has_quali: bool
    sessions: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def practice_features(race_rows: pd.DataFrame, names, driver_ids=None, kind: str = "z") -> PracticeFeatures:
    """Features of the drivers ``names`` from the session rows of one race weekend.

    Parameters
    ----------
    race_rows : DataFrame
        :func:`dfslab.io.practice.read_practice_quali` rows of one race
        (:func:`dfslab.io.practice.practice_for_race`).
    names : sequence of str
        The slate's drivers; matched to the session drivers by NASCAR ``driver_ids`` when
        both sides have them, else by :func:`dfslab.names.match_names`.
    driver_ids : sequence, optional
        NASCAR driver ids of ``names`` (e.g. ``nascar_driver_id`` of a dk_2026 pool).
    kind : "z" or "ns"
        The within-session score (see :func:`session_scores`).
    """
    names = [str(x) for x in names]
    if race_rows["race_key"].nunique() > 1:
        raise InputError(f"practice rows: expected one race, got {race_rows['race_key'].nunique()} "
                         f"({sorted(race_rows['race_key'].unique())[:4]})")
    notes = []
    r = race_rows.copy()
    r["score"] = np.nan
    for _, g in r.groupby("session_key"):
        r.loc[g.index, "score"] = session_scores(g, kind).to_numpy()
    # who is who: ids first (both sides have NASCAR ids), names through dfslab.names otherwise
    drivers = r.drop_duplicates("driver_key" if "driver_id" not in r else "driver_id")
    cand_names = drivers["driver_name"].astype(str).tolist()
    idx = np.full(len(names), -1)
    how = ["unmatched"] * len(names)
    if driver_ids is not None and "driver_id" in r.columns:
        pos = {str(d): i for i, d in enumerate(drivers["driver_id"].astype(str))}
        for k, d in enumerate(driver_ids):
            key = "" if d is None or (isinstance(d, float) and np.isnan(d)) else str(int(float(d)))
            if key in pos:
                idx[k], how[k] = pos[key], "driver id"
    rest = [k for k in range(len(names)) if idx[k] < 0]
    if rest:
        m = match_names([names[k] for k in rest], cand_names, source="slate", target="practice/qualifying sessions")
        for k, i, h in zip(rest, m.index, m.how):
            if i >= 0 and i not in set(idx):
                idx[k], how[k] = i, h
    cand_key = drivers["driver_id"].astype(str).to_numpy() if "driver_id" in r else drivers["driver_key"].to_numpy()
    row_key = r["driver_id"].astype(str).to_numpy() if "driver_id" in r else r["driver_key"].to_numpy()

    def score_of(mask_rows):
        sub = r[mask_rows]
        per = pd.Series(sub["score"].to_numpy(), index=row_key[mask_rows.to_numpy()]).groupby(level=0).mean()
        return np.array([per.get(cand_key[i], np.nan) if i >= 0 else np.nan for i in idx])

    prac = (r["session_type"] == "practice") & (r["session_has_times"] == 1)
    qual = (r["session_type"] == "qualifying") & (r["primary_qualifying"] == 1) & (r["session_has_times"] == 1)
    has_p, has_q = bool(prac.any()), bool(qual.any())
    p = score_of(prac) if has_p else np.full(len(names), np.nan)
    q = score_of(qual) if has_q else np.full(len(names), np.nan)
    tab = pd.DataFrame({"name": names, "practice_score": p, "practice_missing": has_p & np.isnan(p),
                        "quali_score": q, "quali_missing": has_q & np.isnan(q), "matched": idx >= 0, "how": how})
    used = _session_list(r)
    if not has_p:
        notes.append("practice: no timed practice session this weekend (no practice term)")
    if not has_q:
        notes.append("qualifying: no timed primary qualifying session (lineup set by rule, or none yet): "
                     "no qualifying-speed term")
    nr_p = tab.loc[tab["practice_missing"], "name"].tolist()
    nr_q = tab.loc[tab["quali_missing"], "name"].tolist()
    if nr_p:
        notes.append(f"practice: {len(nr_p)} driver(s) with no practice time (did not run, or not listed), treated "
                     f"as practice non-runners are in the fit (the weights' non-runner value; shipped 0 = the field's "
                     f"median speed, no information): {nr_p}")
    if nr_q:
        notes.append(f"qualifying: {len(nr_q)} driver(s) with no qualifying time, treated as non-runners: {nr_q}")
    fuzzy = [f"{n} = {cand_names[i]}" for n, i, h in zip(names, idx, how) if i >= 0 and h not in ("exact", "driver id")]
    if fuzzy:
        notes.append(f"practice names matched by spelling rule: {', '.join(fuzzy)}")
    return PracticeFeatures(tab, has_p, has_q, used, notes)


def _session_list(r: pd.DataFrame) -> list:
    """One dict per session of one weekend's rows: type, name, run date, timed, primary qualifying."""
    sess = r.sort_values("session_order", kind="stable").drop_duplicates("session_key")
    out = []
    for _, x in sess.iterrows():
        name = x.get("session_name")
        name = str(x["session_key"]) if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
        run = pd.to_datetime(x.get("run_date_local"), errors="coerce") if "run_date_local" in sess else pd.NaT
        out.append({"type": str(x["session_type"]), "name": name,
                    "date": None if pd.isna(run) else run.date().isoformat(),
                    "timed": bool(x["session_has_times"]), "primary": bool(x["primary_qualifying"])})
    return out


def _weight(spec: dict | None, term: str, archetype: str) -> float:
    sp = (spec or {}).get(term) or {}
    w = sp.get("w", {})
    return float(w.get(archetype, w.get("pooled", 0.0)))


def describe_sessions(feat: PracticeFeatures, weights: dict, archetype: str, qualified: bool) -> str:
    """One line naming the sessions a race's simulation uses, for the report header and the notes.

    Before qualifying only practice is used; after qualifying, practice plus the qualifying
    speed when its fitted weight is not 0 (as shipped it is 0: the qualifying session then
    gives the start order only, and the line says so).

    Examples
    --------
    >>> t = pd.DataFrame({"name": ["A"], "practice_score": [0.5], "practice_missing": [False],
    ...                   "quali_score": [0.2], "quali_missing": [False], "matched": [True], "how": ["exact"]})
    >>> ss = [{"type": "practice", "name": "NCS Final Practice", "date": "2026-07-25", "timed": True, "primary": False},
    ...       {"type": "qualifying", "name": "Pole Qualifying", "date": "2026-07-26", "timed": True, "primary": True}]
    >>> W = {"strength": {"practice": {"w": {"pooled": 0.1}}}}
    >>> describe_sessions(PracticeFeatures(t, True, True, ss), W, "short", qualified=False)
    'practice: NCS Final Practice (2026-07-25) (before qualifying: practice only)'
    >>> describe_sessions(PracticeFeatures(t, True, True, ss), W, "short", qualified=True)  # doctest: +NORMALIZE_WHITESPACE
    'practice: NCS Final Practice (2026-07-25); qualifying: Pole Qualifying (2026-07-26) gives the start order
     only (its lap speed is not used: it did not lower the held-out CRPS)'
    """
    def name(x):
        return x["name"] + (f" ({x['date']})" if x["date"] else "")

    prac = [name(x) for x in feat.sessions if x["type"] == "practice" and x["timed"]]
    parts = [f"practice: {', '.join(prac)}" if prac else "practice: none with times this weekend"]
    if not qualified:
        parts[0] += " (before qualifying: practice only)"
        return "; ".join(parts)
    q = [x for x in feat.sessions if x["type"] == "qualifying" and x["primary"]]
    wq = max(_weight(weights.get("strength"), "quali", archetype), _weight(weights.get("pace"), "quali", archetype))
    if q and q[0]["timed"] and feat.has_quali and wq != 0.0:
        parts.append(f"qualifying speed: {name(q[0])}")
    elif q and q[0]["timed"]:
        parts.append(f"qualifying: {name(q[0])} gives the start order only (its lap speed is not used: it did not "
                     "lower the held-out CRPS)")
    elif q:
        parts.append(f"qualifying: {name(q[0])} has no times (lineup set by rule): start order only")
    else:
        parts.append("qualifying: not in the file (start order from the slate)")
    return "; ".join(parts)


def _term(feat: PracticeFeatures, spec: dict | None, archetype: str, qualified: bool) -> tuple[np.ndarray, list]:
    """Sum of ``w[archetype] * score`` over the terms of one channel (``{"practice": {...}, "quali": {...}}``)."""
    t = feat.table
    out = np.zeros(len(t))
    parts = []
    for term, col, on in (("practice", "practice_score", feat.has_practice),
                          ("quali", "quali_score", feat.has_quali and qualified)):
        sp = (spec or {}).get(term)
        if not on or not sp:
            continue
        w = sp.get("w", {})
        wa = float(w.get(archetype, w.get("pooled", 0.0)))
        if wa == 0.0:
            continue
        x = t[col].to_numpy(float)
        out += wa * np.where(np.isnan(x), float(sp.get("missing", 0.0)), x)
        parts.append(f"{term} x {wa:.3f}")
    return out, parts


@dataclass
class PracticeEffect:
    """What the practice / qualifying speeds do to one race (slate order, strength units).

    ``strength``: added to the driver strength (finish, DNFs, pace, the qualifying draw);
    ``pace``: added to the race pace only (laps led, fastest laps);
    ``qual_shift``: before qualifying, added to the strength the start order is drawn from
    (None after qualifying); ``description``: one line for notes and provenance.
    """

    strength: np.ndarray
    pace: np.ndarray
    qual_shift: np.ndarray | None
    description: str
    features: PracticeFeatures


def practice_effect(feat: PracticeFeatures, weights: dict, archetype: str, qualified: bool,
                    base_strength=None) -> PracticeEffect:
    """The effect of one weekend's sessions under ``weights`` (``racesim_practice.json["weights"]`` shape):

    ``{"strength": {"practice": {"w": {archetype or "pooled": x}, "missing": m}, "quali": {...}},
    "pace": {...same...}, "qualifying_draw": {"practice": {"w": {...}}, "strength_scale": a}}``.
    ``qualified``: the slate has its starts (the qualifying-speed terms are used, the draw is not).
    ``base_strength``: the history strength, for the qualifying draw's ``strength_scale``
    (with practice known, history says less about the start order).
    """
    s_adj, p1 = _term(feat, weights.get("strength"), archetype, qualified)
    p_adj, p2 = _term(feat, weights.get("pace"), archetype, qualified)
    q = None
    p3 = []
    if not qualified:
        spec = weights.get("qualifying_draw") or {}
        q, p3 = _term(feat, spec, archetype, qualified=False)
        a = float(spec.get("strength_scale", 1.0))
        if base_strength is not None and a != 1.0 and p3:
            b = np.asarray(base_strength, float)
            q = q + (a - 1.0) * (b - b.mean())
            p3.append(f"history x {a:.2f}")
        if not p3:
            q = None
    desc = "; ".join(f"{k}: {', '.join(v)}" for k, v in (("strength", p1), ("pace only", p2),
                                                          ("qualifying draw", p3)) if v)
    return PracticeEffect(s_adj, p_adj, q, desc, feat)
