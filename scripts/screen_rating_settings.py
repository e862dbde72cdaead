"""Screen driver-rating settings by how well pre-race strength predicts the finishing order.

Usage
-----
    .venv/bin/python scripts/screen_rating_settings.py            # the grid below (~1 min)
    .venv/bin/python scripts/screen_rating_settings.py --json     # one JSON object

No simulation: for each setting of :class:`dfslab.racesim.DriverRatingModel`
(``same_archetype_weight`` x ``other_series_weight`` x ``prior_races``; half-life 365 days),
every 2020-2024 loop-data race gets the pre-race strengths (races strictly before it,
:func:`dfslab.studies._race_calibration.prerace_strengths`) and the normal score of the
qualifying position. Two models are fitted on 2020-2023 by maximum likelihood:

* a winner logit, ``P(i wins) ∝ exp(b_s s_i + b_q q_i)`` over the field;
* a Plackett-Luce model of the first ten places among cars that were running at the end.

Scored by the negative log-likelihood per race on 2020-2023 ("fit": only two
coefficients are fitted there, the rating settings never see the outcomes) and on 2024
("val"). 2025 and 2026 never enter the grid. ``scripts/fit_rating_model.py`` then refits
the whole simulator for the best setting and the shipped one and compares them on 2024.

``--per-season`` (a diagnostic, chooses nothing): the winner logit of the shipped setting
and of the previous one (2 / 0.3 / 3), fitted on 2020-2024, scored season by season
including 2025: its log-likelihood per race and calibration slope. It shows how
predictable each season was given pre-race strength and qualifying.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from dfslab.io import read_race_logs
from dfslab.racesim import driver_keys, race_performance, start_score
from dfslab.studies import clean_race_ids, prerace_strengths

ARCH = (2.0, 6.0, 10.0, 16.0)
OTHER = (0.1, 0.2, 0.3)
PRIOR = (1.0, 3.0)


def _group_softmax(u, g):
    m = np.full(g.max() + 1, -np.inf)
    np.maximum.at(m, g, u)
    e = np.exp(u - m[g])
    S = np.bincount(g, e)
    return e / S[g], np.log(S)[g] + m[g]


def winner_nll(X, won, g, b=None):
    """Fit (when ``b`` is None) and score the winner logit; returns (b, nll per race)."""
    def f(b):
        u = X @ b
        p, lse = _group_softmax(u, g)
        grad = X.T @ (won - p * np.bincount(g, won)[g])
        return -(won * (u - lse)).sum(), -grad
    if b is None:
        b = minimize(f, np.zeros(X.shape[1]), jac=True, method="BFGS").x
    return b, f(b)[0] / (g.max() + 1)


def top10_nll(X, g, finish, b=None):
    """Plackett-Luce over the first ten places of the running cars; returns (b, nll per race)."""
    o = np.lexsort((finish, g))
    X, g = X[o], g[o]
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1, len(g)]
    pos = np.arange(len(g)) - np.repeat(starts[:-1], np.diff(starts))
    n_stage = 10

    def f(b):
        u = X @ b
        ll, grad = 0.0, np.zeros_like(b)
        for j in range(n_stage):  # stage j: the car in place j+1 is picked among places j+1.. of its race
            live = pos >= j
            pick = pos == j
            gl = g[live]
            p, lse = _group_softmax(u[live], gl)
            has = np.bincount(gl, pick[live].astype(float), minlength=g.max() + 1) > 0
            w = has[gl]
            ll += (u[live] - lse)[pick[live]].sum()
            grad += X[pick].sum(0) - (p[w, None] * X[live][w]).sum(0)
        return -ll, -grad
    if b is None:
        b = minimize(f, np.zeros(X.shape[1]), jac=True, method="BFGS").x
    return b, f(b)[0] / (g.max() + 1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--per-season", action="store_true", help="season-by-season winner logit (diagnostic, with 2025)")
    a = ap.parse_args(argv)
    logs = read_race_logs()
    ok, _ = clean_race_ids(logs)
    h = logs[logs["race_id"].isin(ok)].copy()
    h["driver_key"] = driver_keys(h["driver_name"])
    h["perf"] = race_performance(h).to_numpy()
    date = pd.to_datetime(h["race_date"])
    q = h.groupby("race_id")["start"].transform(lambda x: start_score(x.to_numpy())).to_numpy(float)  # as simulated
    periods = {"fit": ((date >= "2020-01-01") & (date < "2024-01-01")).to_numpy(),
               "val": ((date >= "2024-01-01") & (date < "2025-01-01")).to_numpy()}
    need = h.loc[periods["fit"] | periods["val"], "race_id"].unique()
    won = (h["finish"] == 1).to_numpy(float)
    if a.per_season:
        return per_season(h, q, won, a.json)
    running = ~h["dnf"].to_numpy(bool)
    rows = []
    for arch, other, prior in itertools.product(ARCH, OTHER, PRIOR):
        kw = {"same_archetype_weight": arch, "other_series_weight": other, "prior_races": prior}
        s = prerace_strengths(h, races=need, rating_kwargs=kw).to_numpy()
        X = np.column_stack([s, q])
        row = dict(kw)
        bw = bp = None
        for per in ("fit", "val"):  # coefficients fitted on "fit", reused on "val"
            m = periods[per]
            g = pd.factorize(h["race_id"].to_numpy()[m])[0]
            bw, row[f"winner_nll_{per}"] = winner_nll(X[m], won[m], g, bw)
            mr = m & running
            gr = pd.factorize(h["race_id"].to_numpy()[mr])[0]
            bp, row[f"top10_nll_{per}"] = top10_nll(X[mr], gr, h["finish"].to_numpy()[mr], bp)
        row["winner_nll_2020_2024"] = (row["winner_nll_fit"] * len(np.unique(h["race_id"][periods["fit"]]))
                                       + row["winner_nll_val"] * len(np.unique(h["race_id"][periods["val"]]))) / len(need)
        rows.append(row)
        if not a.json:
            print({k: round(v, 4) for k, v in row.items()}, file=sys.stderr, flush=True)
    df = pd.DataFrame(rows).sort_values("winner_nll_2020_2024").reset_index(drop=True)
    if a.json:
        print(json.dumps({"n_races_fit": int(len(np.unique(h["race_id"][periods["fit"]]))),
                          "n_races_val": int(len(np.unique(h["race_id"][periods["val"]]))),
                          "table": df.round(4).to_dict("records")}))
    else:
        print(df.round(4).to_string())
    return 0


def per_season(h, q, won, as_json: bool) -> int:
    """Winner logit fitted on 2020-2024, scored per season 2020-2025 (shipped and previous settings)."""
    from dfslab.racesim import load_default_params
    from dfslab.studies import calibration_slope

    year = pd.to_datetime(h["race_date"]).dt.year.to_numpy()
    need = h.loc[year >= 2020, "race_id"].unique()
    out = {}
    settings = {"shipped": dict(load_default_params().get("rating") or {}),
                "previous": {"same_archetype_weight": 2.0, "other_series_weight": 0.3, "prior_races": 3.0}}
    for label, kw in settings.items():
        s = prerace_strengths(h, races=need, rating_kwargs=kw).to_numpy()
        X = np.column_stack([s, q])
        m = (year >= 2020) & (year <= 2024)
        b, _ = winner_nll(X[m], won[m], pd.factorize(h["race_id"].to_numpy()[m])[0])
        rows = {}
        for y in range(2020, 2026):
            m = year == y
            g = pd.factorize(h["race_id"].to_numpy()[m])[0]
            p, _ = _group_softmax(X[m] @ b, g)
            rows[y] = {"races": int(g.max() + 1), "winner_nll": round(winner_nll(X[m], won[m], g, b)[1], 4),
                       "slope_win": round(calibration_slope(p, won[m]), 3)}
        out[label] = {"rating": kw, "coef_strength_start": [round(float(x), 3) for x in b], "seasons": rows}
    if as_json:
        print(json.dumps(out))
    else:
        for label, v in out.items():
            print(f"{label} {v['rating']}: coefficients (strength, start) {v['coef_strength_start']}")
            print(pd.DataFrame(v["seasons"]).T.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
