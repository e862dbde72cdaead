"""DraftKings NASCAR classic scoring, vectorized over any array shape.

Finishing points: 1st 45, 2nd 42, 3rd 41 ... 10th 34; 11th 32 ... 20th 23;
21st 21 ... 30th 12; 31st 10 ... 40th 1 (positions past 40 score 0).
Place differential: +1 per position gained from the start, -1 per position lost.
Laps led: +0.25 each. Fastest laps: +0.45 each.
"""

from __future__ import annotations

import numpy as np

from .exceptions import InputError

LAP_LED_POINTS = 0.25
FASTEST_LAP_POINTS = 0.45
MAX_SCORED_POSITION = 40


def _finish_table() -> np.ndarray:
    t = np.zeros(MAX_SCORED_POSITION + 1, dtype=np.float64)  # index = position; 0 unused
    t[1] = 45
    t[2:11] = 42 - np.arange(9)  # 42 .. 34
    t[11:21] = 32 - np.arange(10)  # 32 .. 23
    t[21:31] = 21 - np.arange(10)  # 21 .. 12
    t[31:41] = 10 - np.arange(10)  # 10 .. 1
    return t


FINISH_POINTS = _finish_table()


def _as_positions(x, name: str) -> np.ndarray:
    a = np.asarray(x)
    if a.size and not np.issubdtype(a.dtype, np.integer):
        af = a.astype(np.float64)
        if not np.all(np.isfinite(af)) or np.any(af != np.round(af)):
            raise InputError(f"{name}: positions must be whole numbers, got {a.ravel()[:5]}...")
        a = af.astype(np.int64)
    if a.size and a.min() < 1:
        raise InputError(f"{name}: positions start at 1, got minimum {a.min()}")
    return a


def finish_points(finish) -> np.ndarray:
    """DK finishing points for finishing positions (any shape).

    Examples
    --------
    >>> finish_points([1, 2, 10, 11, 20, 21, 30, 31, 40]).tolist()
    [45.0, 42.0, 34.0, 32.0, 23.0, 21.0, 12.0, 10.0, 1.0]
    """
    f = _as_positions(finish, "finish")
    return np.where(f <= MAX_SCORED_POSITION, FINISH_POINTS[np.minimum(f, MAX_SCORED_POSITION)], 0.0)


def place_differential(start, finish) -> np.ndarray:
    """Start minus finish (positive = positions gained)."""
    return (_as_positions(start, "start") - _as_positions(finish, "finish")).astype(np.float64)


def dk_points(start, finish, laps_led, fastest_laps, dtype=np.float64) -> np.ndarray:
    """Total DK NASCAR points from the scoring components (broadcasting shapes).

    Parameters
    ----------
    start, finish : array_like of int
        Starting and finishing positions (1 = first).
    laps_led, fastest_laps : array_like
        Lap counts (non-negative).
    dtype : numpy dtype
        Output dtype (the race simulator uses float32).

    Examples
    --------
    >>> float(dk_points(start=10, finish=1, laps_led=100, fastest_laps=20))
    88.0
    """
    ll = np.asarray(laps_led, dtype=np.float64)
    fl = np.asarray(fastest_laps, dtype=np.float64)
    if np.any(ll < 0) or np.any(fl < 0):
        raise InputError("laps_led and fastest_laps must be non-negative")
    pts = finish_points(finish) + place_differential(start, finish) + LAP_LED_POINTS * ll + FASTEST_LAP_POINTS * fl
    return pts.astype(dtype, copy=False)


def dk_components(start, finish, laps_led, fastest_laps) -> dict[str, np.ndarray]:
    """The four DK components separately: place, place_diff, laps_led, fastest_laps points."""
    return {
        "place_pts": finish_points(finish),
        "place_diff_pts": place_differential(start, finish),
        "laps_led_pts": LAP_LED_POINTS * np.asarray(laps_led, dtype=np.float64),
        "fastest_laps_pts": FASTEST_LAP_POINTS * np.asarray(fastest_laps, dtype=np.float64),
    }
