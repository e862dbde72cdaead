import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from dfslab import InputError, dk_components, dk_points, finish_points

EXPECTED = {1: 45, 2: 42, 3: 41, 4: 40, 5: 39, 6: 38, 7: 37, 8: 36, 9: 35, 10: 34,
            11: 32, 12: 31, 13: 30, 14: 29, 15: 28, 16: 27, 17: 26, 18: 25, 19: 24, 20: 23,
            21: 21, 22: 20, 23: 19, 24: 18, 25: 17, 26: 16, 27: 15, 28: 14, 29: 13, 30: 12,
            31: 10, 32: 9, 33: 8, 34: 7, 35: 6, 36: 5, 37: 4, 38: 3, 39: 2, 40: 1}


@pytest.mark.parametrize("pos", range(1, 41))
def test_finish_points_every_position(pos):
    assert finish_points(pos) == EXPECTED[pos]


def test_finish_points_past_40_is_zero_and_table_monotone():
    assert finish_points(41) == 0
    pts = finish_points(np.arange(1, 41))
    assert (np.diff(pts) < 0).all()


def test_full_scoring_examples():
    # winner from 10th leading 100 laps and 20 fastest: 45 + 9 + 25 + 9
    assert dk_points(10, 1, 100, 20) == pytest.approx(88.0)
    # pole sitter wrecked to 40th: 1 - 39
    assert dk_points(1, 40, 0, 0) == pytest.approx(-38.0)
    comp = dk_components([5], [3], [8], [2])
    assert comp["place_pts"][0] == 41 and comp["place_diff_pts"][0] == 2
    assert comp["laps_led_pts"][0] == 2.0 and comp["fastest_laps_pts"][0] == pytest.approx(0.9)


@given(hnp.arrays(np.int64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), elements=st.integers(1, 40)),
       st.integers(0, 400), st.integers(0, 300))
def test_vectorized_any_shape_matches_scalar(finish, ll, fl):
    start = np.flip(finish)
    out = dk_points(start, finish, ll, fl, dtype=np.float32)
    assert out.shape == finish.shape and out.dtype == np.float32
    for idx in np.ndindex(finish.shape):
        exp = EXPECTED[int(finish[idx])] + int(start[idx]) - int(finish[idx]) + 0.25 * ll + 0.45 * fl
        assert out[idx] == pytest.approx(exp, rel=1e-6)


def test_place_differential_sums_to_zero_over_a_permutation():
    rng = np.random.default_rng(0)
    start = rng.permutation(40) + 1
    finish = rng.permutation(40) + 1
    assert dk_components(start, finish, 0, 0)["place_diff_pts"].sum() == 0


@pytest.mark.parametrize("bad", [[0], [-3], [1.5], [np.nan]])
def test_bad_positions_raise(bad):
    with pytest.raises(InputError):
        finish_points(bad)


def test_negative_laps_raise():
    with pytest.raises(InputError, match="non-negative"):
        dk_points(1, 1, -1, 0)
