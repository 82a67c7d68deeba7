"""The comparison's statistics, checked on runs whose answer is known."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.compare import compare, comparison_table
from sim.statistics import mean_ci, paired_difference, verdict


def _runs(a, b, key="service.queue_wait_mean_min"):
    rows = [{"scenario": "A", "replication": r, key: x} for r, x in enumerate(a)]
    rows += [{"scenario": "B", "replication": r, key: x} for r, x in enumerate(b)]
    return pd.DataFrame(rows)


def test_table_uses_the_paired_difference():
    a = np.array([10.0, 20.0, 30.0, 40.0])
    b = a - 2.0 + np.array([0.1, -0.1, 0.1, -0.1])  # large spread, tiny paired noise
    t = comparison_table(_runs(a, b), ["A", "B"]).set_index("scenario")
    d = t.loc["B"]
    assert d["diff"] == pytest.approx(-2.0)
    half = (d["diff_high"] - d["diff_low"]) / 2
    assert half == pytest.approx(mean_ci(b - a).half_width)
    assert half < 0.3  # an unpaired interval would be ~20 wide
    assert d["verdict"] == "better"  # waits: lower is better, interval excludes zero
    assert d["relative_change"] == pytest.approx(-2.0 / 25.0)
    assert math.isnan(t.loc["A", "diff"])


def test_unsure_when_the_interval_spans_zero():
    d = paired_difference([1, 2, 3, 4], [1.2, 1.8, 3.1, 3.9])
    assert not d.sure and verdict(d, "lower") == "unsure"
    assert verdict(d, "") == ""


def test_identical_runs_are_no_change_not_unsure():
    d = paired_difference([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert verdict(d, "lower") == "same"


def test_nan_pairs_are_dropped():
    d = paired_difference([1.0, float("nan"), 3.0], [2.0, 5.0, 4.0])
    assert d.estimate.n == 2 and d.estimate.mean == 1.0


def test_until_adds_replications_until_the_interval_is_narrow(root):
    c = compare(
        [root / "scenarios/baseline_2002.toml", root / "scenarios/reforms/one_stop.toml"],
        replications=2,
        days=20,
        workers=1,
        daily=False,
        until={"service.queue_wait_mean_min": 0.05},
        max_replications=12,
    )
    row = c.kpi("service.queue_wait_mean_min").loc["One-stop service"]
    assert len(c.seeds) > 2
    assert (row["diff_high"] - row["diff_low"]) / 2 <= 0.05 or len(c.seeds) == 12


def test_one_and_two_workers_give_identical_runs(root):
    args = ([root / "scenarios/baseline_2002.toml", root / "scenarios/changsha_2014.toml"],)
    one = compare(*args, replications=3, days=15, workers=1, daily=False)
    two = compare(*args, replications=3, days=15, workers=2, daily=False)
    pd.testing.assert_frame_equal(one.runs, two.runs, check_exact=True)
