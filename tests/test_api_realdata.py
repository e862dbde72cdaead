"""The voting ensemble the API serves is the pretrained NASCAR model refitted with equal weights (real slates)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import require_data

pytestmark = pytest.mark.realdata
DATA = require_data()  # skips the module, with a reason, when ../shared/data is absent

from dfslab.api._ownership import VOTING_PATH, fit_voting_nascar, ownership_estimator  # noqa: E402
from dfslab.ownership._pretrained import to_dict  # noqa: E402


def test_shipped_voting_parameters_are_a_refit():
    shipped = json.loads(VOTING_PATH.read_text())
    fresh = to_dict(fit_voting_nascar())
    for k in ("params", "feature_names_in", "weights", "bin_edges", "n_calibration"):
        assert fresh[k] == shipped[k], k
    for k in ("glm_params", "poisson_coef", "x_mean", "x_scale", "resid_quantiles"):
        np.testing.assert_allclose(fresh[k], shipped[k], rtol=1e-9, atol=1e-9, err_msg=k)
    assert ownership_estimator("voting").weights_.tolist() == [0.5, 0.5]
