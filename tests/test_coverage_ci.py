"""Confidence intervals cover the truth at their nominal rate (synthetic normal data, fixed seeds).

Each check draws T independent data sets with a known mean (or a known paired difference), builds
the interval, and counts how often it contains the truth.  If the intervals are right, the count
is Binomial(T, level), so the observed coverage has standard deviation sqrt(level (1 - level) / T).
The tolerance is 4 of those standard deviations: a correct implementation falls outside it with
probability about 6e-5, while the usual mistakes fall far outside (a normal quantile instead of
Student's t covers only 88 % at n = 5; a paired difference computed as if unpaired over-covers
almost always when pairing removes most of the noise).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.statistics import mean_ci, paired_difference

# Tier: slow stochastic checks (interval coverage over thousands of synthetic data sets).
pytestmark = pytest.mark.statistical

TRIALS = 4000


def tolerance(level: float, trials: int = TRIALS) -> float:
    return 4 * math.sqrt(level * (1 - level) / trials)


def coverage(hits: list[bool]) -> float:
    return float(np.mean(hits))


@pytest.mark.parametrize(("n", "level"), [(5, 0.95), (20, 0.95), (10, 0.90)])
def test_mean_interval_covers_the_true_mean(n, level):
    rng = np.random.default_rng(20140 + n)
    mu, sd = 3.0, 2.0
    hits = []
    for _ in range(TRIALS):
        e = mean_ci(rng.normal(mu, sd, n), level=level)
        hits.append(e.low <= mu <= e.high)
    assert abs(coverage(hits) - level) <= tolerance(level)


def test_the_tolerance_is_tight_enough_to_catch_a_normal_quantile():
    """The check above can fail: a z-interval at n = 5 covers about 88 %, far outside it."""
    n, level = 5, 0.95
    z = stats.norm.ppf(0.975)
    rng = np.random.default_rng(7)
    hits = []
    for _ in range(TRIALS):
        x = rng.normal(0.0, 1.0, n)
        half = z * x.std(ddof=1) / math.sqrt(n)
        hits.append(abs(x.mean()) <= half)
    assert abs(coverage(hits) - level) > 3 * tolerance(level)


@pytest.mark.parametrize("n", [4, 12])
def test_paired_difference_covers_a_known_difference(n):
    """Scenario B = A + 0.3: each replication shares a large seed effect (common random numbers)
    and adds its own smaller noise.  The paired interval must cover 0.3 at 95 %, and be much
    narrower than the spread of either scenario."""
    rng = np.random.default_rng(2003 + n)
    delta, level = 0.3, 0.95
    hits, widths = [], []
    for _ in range(TRIALS):
        seed_effect = rng.normal(10.0, 2.0, n)
        a = seed_effect + rng.normal(0.0, 0.5, n)
        b = seed_effect + delta + rng.normal(0.0, 0.5, n)
        d = paired_difference(a, b, level=level)
        hits.append(d.estimate.low <= delta <= d.estimate.high)
        widths.append(d.estimate.high - d.estimate.low)
    assert abs(coverage(hits) - level) <= tolerance(level)
    # Sanity of the pairing: the width follows the SD of the differences (0.5 * sqrt 2), not the
    # SD of each scenario (about 2.06).
    expected = 2 * stats.t.ppf(0.975, n - 1) * 0.5 * math.sqrt(2) / math.sqrt(n)
    assert float(np.median(widths)) == pytest.approx(expected, rel=0.15)


def test_paired_difference_ignores_pairs_with_a_missing_value():
    a = [1.0, 2.0, math.nan, 4.0]
    b = [1.5, 2.5, 3.5, math.nan]
    d = paired_difference(a, b)
    assert d.estimate.n == 2 and d.estimate.mean == pytest.approx(0.5)
