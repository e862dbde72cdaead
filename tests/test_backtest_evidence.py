"""The report's backtest paragraph states what the real races showed, including a top-1% shortfall."""

from __future__ import annotations

import types

import pandas as pd
import pytest

from dfslab.studies import evidence_text


def _res(top1_pred, top1_real, n=12):
    pooled = pd.DataFrame([{"strategy": "ours", "n_races": n, "edge_mean": 7.0, "edge_se": 6.2, "edge_pred_mean": 9.6,
                            "edge_ratio": 0.72, "edge_pit_mean": 0.45, "roi_pit_mean": 0.44, "roi_mean": -0.32,
                            "roi_se": 0.14, "roi_pred_mean": 0.09, "top1_pred_pct": top1_pred,
                            "top1_real_pct": top1_real}])
    return types.SimpleNamespace(pooled=pooled, paired=pd.DataFrame())


def test_top1_shortfall_is_stated_with_its_probability():
    txt = evidence_text(_res(21.9, 0.2))
    # 0 of 12 races where each had a 21.9 % chance: 0.781 ** 12 = 0.051
    assert "predicted in 22% of fields and happened in 0.2% (about 0 of 12 races)" in txt
    assert "5% of the time" in txt and "over-predict" in txt
    assert 0.781 ** 12 == pytest.approx(0.051, abs=0.001)


def test_top1_as_predicted_raises_no_flag():
    txt = evidence_text(_res(22.3, 23.9))
    assert "happened in 23.9% (about 3 of 12 races)." in txt and "over-predict" not in txt
