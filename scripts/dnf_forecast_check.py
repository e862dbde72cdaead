"""Can a DNF level per series (or a trend) fitted on training seasons forecast later seasons better?

Usage
-----
    .venv/bin/python scripts/dnf_forecast_check.py     # ~10 s

The shipped DNF model: per archetype x regime, a Beta fitted with recency weights
(half-life 0.5 y) on races before 2025, the same for every series. 2026's six DK races
(all Cup) had 3.5 DNFs per race against 5.7 simulated. Two candidate changes are judged
the way the half-life was chosen -- forecasting each training season 2022, 2023, 2024
from the seasons before it (error of the mean DNFs per race, per series and season) --
and only then shown on 2025 and the 2026 DK races (never used to choose):

* a factor per series (real DNFs / the archetype model's DNFs on earlier races, with its
  own recency half-life: 0.5, 1, 2, 4 y or none);
* a linear trend of the yearly DNF rate (last 3 or 5 seasons) extrapolated 0.75 y.

The archetype model here is the recency-weighted mean DNF rate per archetype (the regime
mixture's mean), the quantity the simulated DNF count follows.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from dfslab.io import list_race_folders, read_race_folder, read_race_logs
from dfslab.studies import clean_race_ids, race_features

HALF_LIFE = 0.5  # years, the shipped DNF recency half-life
SERIES_HALF_LIVES = ("none", 0.5, 1.0, 2.0, 4.0, None)  # "none" = no series factor; None = all seasons alike
TRAIN_YEARS = (2022, 2023, 2024)


def _arch_rates(tr: pd.DataFrame, year: int) -> tuple[dict, pd.Series]:
    age = (pd.Timestamp(f"{year}-01-01") - tr["date"]).dt.days / 365.25
    w = 0.5 ** (age / HALF_LIFE)
    return {a: float(np.average(g["dnf_rate"], weights=w[g.index])) for a, g in tr.groupby("archetype")}, age


def _series_factor(tr, arch, age, hl) -> dict:
    if hl == "none":
        return {}
    ws = pd.Series(1.0, index=tr.index) if hl is None else 0.5 ** (age / hl)
    pred = tr["archetype"].map(arch) * tr["n"]
    return {s: float((ws[g.index] * g["dnf"]).sum() / (ws[g.index] * pred[g.index]).sum())
            for s, g in tr.groupby("series")}


def _errors(f, years, predict) -> pd.DataFrame:
    rows = []
    for y in years:
        tr, te = f[f["year"] < y], f[f["year"] == y]
        p = predict(tr, te, y)
        for s, g in te.groupby("series"):
            rows.append({"year": y, "series": s, "diff": float((p[g.index] - g["dnf"]).mean()), "n": len(g)})
    return pd.DataFrame(rows)


def _summary(e: pd.DataFrame) -> dict:
    tr, ho = e[e["year"].isin(TRAIN_YEARS)], e[e["year"] == 2025]
    rmse = lambda x: float(np.sqrt(np.average(x["diff"] ** 2, weights=x["n"])))  # noqa: E731
    return {"train_rmse": rmse(tr), "2025_rmse": rmse(ho), "2025_overall": float(np.average(ho["diff"], weights=ho["n"]))}


def main():
    logs = read_race_logs()
    ok, _ = clean_race_ids(logs)
    f = race_features(logs[logs["race_id"].isin(ok)])
    f["date"] = pd.to_datetime(f["race_date"])
    f["year"] = f["date"].dt.year
    years = (*TRAIN_YEARS, 2025)
    dk = [read_race_folder(x) for x in list_race_folders()]
    dk_real = np.mean([(r.results["status"].str.lower() != "running").sum() for r in dk])
    out = []
    for hl in SERIES_HALF_LIVES:
        def predict(tr, te, y, hl=hl):
            arch, age = _arch_rates(tr, y)
            fac = _series_factor(tr, arch, age, hl)
            return te["archetype"].map(arch) * te["series"].map(lambda s: fac.get(s, 1.0)) * te["n"]

        arch, age = _arch_rates(f[f["year"] < 2025], 2025)
        fac = _series_factor(f[f["year"] < 2025], arch, age, hl)
        dk_pred = np.mean([arch[r.slate.archetype] * fac.get(r.slate.series or "cup", 1.0) * len(r.results) for r in dk])
        out.append({"model": "no series factor" if hl == "none" else f"series factor, half-life {hl or 'none'} y",
                    **_summary(_errors(f, years, predict)), "2026_pred": dk_pred, "2026_real": dk_real,
                    "cup_factor": fac.get("cup", 1.0)})
    for k in (3, 5):
        def predict(tr, te, y, k=k):
            arch, _ = _arch_rates(tr, y)
            yr = tr.groupby("year")["dnf_rate"].mean().iloc[-k:]
            b = np.polyfit(yr.index, yr.to_numpy(), 1)[0] / yr.to_numpy()[-1]
            return te["archetype"].map(arch) * te["n"] * (1 + 0.75 * b)

        tr = f[f["year"] < 2025]
        arch, _ = _arch_rates(tr, 2025)
        yr = tr.groupby("year")["dnf_rate"].mean().iloc[-k:]
        b = np.polyfit(yr.index, yr.to_numpy(), 1)[0] / yr.to_numpy()[-1]
        dk_pred = np.mean([arch[r.slate.archetype] * len(r.results) * (1 + 0.75 * b) for r in dk])
        out.append({"model": f"trend of the last {k} seasons", **_summary(_errors(f, years, predict)),
                    "2026_pred": dk_pred, "2026_real": dk_real})
    t = pd.DataFrame(out)
    print("DNFs per race, forecast minus real: RMSE over series x season (training seasons 2022-2024 forecast from "
          "earlier ones), then 2025 and the 2026 DK races (never used to choose)")
    print(t.round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
