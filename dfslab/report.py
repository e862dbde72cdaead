"""Helpers behind the slate-report notebook: turn its parameters into a Slate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._errors import InputError
from .demo import demo_slate
from .io import read_dk_salaries, read_nascar_slate
from .io._common import read_csv_checked, require_columns
from .slate import Slate, check_archetype


def _merge_column(slate: Slate, path: str, column: str) -> Slate:
    df = read_csv_checked(path)
    require_columns(df, path, ["name", column])
    m = dict(zip(df["name"].astype(str).str.strip(), pd.to_numeric(df[column], errors="coerce")))
    names = slate.players["name"].tolist()
    missing = [n for n in names if n not in m]
    if missing:
        raise InputError(f"{path}: no {column} for {len(missing)} slate player(s): {missing[:5]}")
    unknown = sorted(set(m) - set(names))
    if unknown:
        raise InputError(f"{path}: {len(unknown)} name(s) not on the slate: {unknown[:5]}")
    p = slate.players.copy()
    p[column] = [m[n] for n in names]
    return slate.with_players(p)


def load_report_slate(slate: str = "demo", starts: str = "", projections: str = "", archetype: str = "",
                      race_laps: int = 0) -> Slate:
    """Resolve the report's ``slate`` parameter into a :class:`Slate`.

    Parameters
    ----------
    slate : str
        "demo" (built-in), a DKSalaries.csv path, or a real slate folder.
    starts, projections : str
        Optional CSVs with columns ``name,start`` / ``name,projection``.
    archetype : str
        Track archetype when the slate does not carry one.
    race_laps : int
        Race length when the slate does not carry one (0 = keep).

    Examples
    --------
    >>> load_report_slate("demo").name
    'demo-intermediate'
    """
    if slate in ("", "demo"):
        s = demo_slate()
    else:
        p = Path(slate)
        if p.is_dir():
            s = read_nascar_slate(p)
        elif p.is_file():
            s = read_dk_salaries(p)
        else:
            raise InputError(f"slate {slate!r}: not 'demo', a DKSalaries.csv or a slate folder")
    if starts:
        s = _merge_column(s, starts, "start")
    if projections:
        s = _merge_column(s, projections, "projection")
    if archetype:
        s.archetype = check_archetype(archetype)
    if race_laps:
        s.race_laps = int(race_laps)
    if s.archetype is None:
        raise InputError(f"{s.name}: track archetype unknown; set the 'archetype' parameter")
    if s.race_laps is None:
        raise InputError(f"{s.name}: race length unknown; set the 'race_laps' parameter")
    if "start" not in s.players or s.players["start"].isna().any():
        # Before qualifying: assume the field starts in salary order and say so.
        p = s.players.copy()
        p["start"] = (np.argsort(np.argsort(-p["salary"].to_numpy(), kind="stable")) + 1).astype(np.int64)
        s = s.with_players(p)
        s.meta.setdefault("notes", []).append("no qualifying: start positions assumed in salary order")
    return s


def make_simulator(slate: Slate, n_scenarios: int, random_state=None):
    """A :class:`RaceSimulator` for a report: with the real race history when the
    slate has no ``rating`` column and the data folder is present (ratings then
    use only races before ``slate.date``); else strengths fall back to the
    slate's own columns (the simulator says which in ``strength_source``)."""
    from ._config import data_dir
    from .io import read_race_logs
    from .racesim import RaceSimulator

    sim = RaceSimulator(n_scenarios=n_scenarios, random_state=random_state)
    has_rating = "rating" in slate.players and slate.players["rating"].notna().all()
    if not has_rating and slate.date is not None and data_dir(required=False) is not None:
        sim.set_history(read_race_logs())
    return sim


def with_projection(slate: Slate, scenarios) -> Slate:
    """The slate with a ``projection`` column: kept when the slate has one (a
    published or user projection drives public ownership), else the simulated mean."""
    if "projection" in slate.players and slate.players["projection"].notna().all():
        return slate
    p = slate.players.copy()
    p["projection"] = np.asarray(scenarios.points, dtype=np.float64).mean(0)
    return slate.with_players(p)


def unrosterable(slate: Slate) -> list[str]:
    """Names of players without a DK id: they cannot go into a DK upload file,
    so the report's optimizer excludes them (and says so)."""
    if "dk_id" not in slate.players:
        return []
    return slate.players.loc[slate.players["dk_id"].isna(), "name"].tolist()


def report_out_dir(out_dir: str, slate: Slate) -> Path:
    """Folder for the report's files: ``out_dir``, or ``reports/<slate name>/`` at the
    repository root when empty (so running the notebook from ``notebooks/`` does not
    scatter files there)."""
    if out_dir:
        return Path(out_dir)
    root = Path(__file__).resolve().parent.parent
    slug = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in slate.name).strip("-") or "slate"
    return root / "reports" / slug


def ownership_sampler(slate: Slate, estimator=None):
    """A callable ``(n, rng) -> (n, n_players)`` drawing whole ownership vectors from the
    estimator's calibrated uncertainty (each row sums to 600), for
    ``FieldLineupSampler(ownership_sampler=...)``: every simulated field then gets its own
    ownership, because a fixed ownership vector overstates how well we know the field."""
    from .ownership import build_features, pretrained_nascar_estimator

    est = estimator if estimator is not None else pretrained_nascar_estimator()
    X = build_features(slate)

    def draw(n, rng):
        return est.sample_ownership(X, n_samples=int(n), random_state=rng)

    return draw
