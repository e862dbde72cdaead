"""A built-in demo slate: fictional drivers, realistic DK NASCAR salary ladder.

Generated, seeded and reproducible; the embedded default of ``make report``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rules import NASCAR_CLASSIC
from .slate import ARCHETYPES, Slate, check_archetype

_FIRST = ["Avery", "Blake", "Casey", "Dale", "Emery", "Finn", "Grady", "Hayes", "Ira", "Jules", "Kit", "Lane",
          "Morgan", "Nico", "Owen", "Parker", "Quinn", "Reese", "Sawyer", "Tate", "Uri", "Vance", "Wren", "Xavi",
          "Yael", "Zane", "Arlo", "Brooks", "Cole", "Drew", "Ellis", "Flynn", "Gray", "Hollis", "Jory", "Knox",
          "Lowell", "Marlo", "Nash", "Orrin"]
_LAST = ["Ashford", "Beckett", "Calloway", "Dunmore", "Easton", "Fairley", "Gentry", "Holloway", "Irving",
         "Jarrett", "Kimbrough", "Langley", "Merritt", "Norwood", "Oakes", "Pruitt", "Quarles", "Rowland",
         "Stroud", "Thackery", "Underwood", "Vickers", "Whitlock", "Yardley", "Zeller", "Ambrose", "Bledsoe",
         "Crenshaw", "Dorsey", "Ellwood", "Fenwick", "Garland", "Hartley", "Ingram", "Judd", "Kessler",
         "Lockhart", "Mayfield", "Nance", "Orton"]

_LAPS = {"superspeedway": 188, "intermediate": 267, "short": 400, "road": 90, "dirt": 250}


def demo_slate(n_drivers: int = 38, archetype: str = "intermediate", random_state: int = 7) -> Slate:
    """Build the demo NASCAR Cup slate.

    Drivers get a latent rating (mean 0, sd 0.45: the spread of the history-based
    strengths the race simulator gives real Cup fields, 0.40-0.44); DK salaries
    follow the rating with noise on a $4,500-$11,500 ladder in $100 steps;
    qualifying follows the rating with noise.

    Parameters
    ----------
    n_drivers : int
        36 to 40 drivers.
    archetype : str
        Track archetype; sets the race length.
    random_state : int
        Seed; the same seed gives the same slate.

    Examples
    --------
    >>> s = demo_slate()
    >>> int(s.players.salary.min()) >= 4500 and int(s.players.salary.max()) <= 11500
    True
    >>> demo_slate().players.equals(demo_slate().players)
    True
    """
    if not 36 <= n_drivers <= 40:
        raise ValueError(f"n_drivers must be 36..40, got {n_drivers}")
    archetype = check_archetype(archetype)
    rng = np.random.default_rng(random_state)
    rating = np.sort(rng.normal(0.0, 0.45, n_drivers))[::-1]
    # Salary ladder: convex at the top (a few stars), flat in the punt tier.
    u = np.linspace(0.0, 1.0, n_drivers)
    ladder = 4500 + 7000 * u[::-1] ** 2.2
    noisy_rank = np.argsort(np.argsort(-(rating + rng.normal(0, 0.16, n_drivers))))
    salary = (np.round(ladder[noisy_rank] / 100) * 100).astype(int)
    salary = np.clip(salary, 4500, 11500)
    qual_score = rating + rng.normal(0, 0.4, n_drivers)
    start = np.argsort(np.argsort(-qual_score)) + 1
    names = [f"{f} {l}" for f, l in zip(rng.permutation(_FIRST)[:n_drivers], rng.permutation(_LAST)[:n_drivers])]
    dk_ids = 90_000_000 + rng.choice(900_000, n_drivers, replace=False)
    players = pd.DataFrame({
        "player_id": [str(i) for i in dk_ids],
        "name": names,
        "salary": salary,
        "position": "D",
        "dk_id": dk_ids.astype(np.int64),
        "team": [f"#{n}" for n in rng.choice(np.arange(1, 100), n_drivers, replace=False)],
        "start": start,
        "rating": np.round(rating, 3),
    }).sort_values("salary", ascending=False, kind="stable").reset_index(drop=True)
    return Slate(players=players, rules=NASCAR_CLASSIC, series="cup", track="Demo Speedway (fictional)",
                 archetype=archetype, race_laps=_LAPS[archetype], date=pd.Timestamp("2026-06-01"),
                 name=f"demo-{archetype}")


__all__ = ["demo_slate", "ARCHETYPES"]
