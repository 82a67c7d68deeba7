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


# -- intervals within the possible values (issue 11, defect 5) ----------------------------------

#: Run-level data near a bound, as the model's KPIs come: a share of needs still open (mean 3 %),
#: a share nearly always reached (97 %), a binomial share of 500 needs at 1 %, tasks finished late
#: (Poisson, mean 3), a waiting time (gamma, shape 4).
NEAR_BOUNDS = {
    "share near 0": ((0.0, 1.0), lambda rng, n: rng.beta(3, 97, n), 0.03),
    "share near 1": ((0.0, 1.0), lambda rng, n: rng.beta(97, 3, n), 0.97),
    "binomial share": ((0.0, 1.0), lambda rng, n: rng.binomial(500, 0.01, n) / 500, 0.01),
    "count": ((0.0, None), lambda rng, n: rng.poisson(3.0, n).astype(float), 3.0),
    "time": ((0.0, None), lambda rng, n: rng.gamma(4.0, 0.5, n), 2.0),
}


@pytest.mark.parametrize("case", sorted(NEAR_BOUNDS))
def test_bounded_interval_covers_the_true_mean_near_a_bound(case):
    bounds, draw, mu = NEAR_BOUNDS[case]
    rng = np.random.default_rng(2026)
    n, level = 10, 0.95
    hits = []
    for _ in range(TRIALS):
        e = mean_ci(draw(rng, n), level=level, bounds=bounds)
        hits.append(e.low <= mu <= e.high)
    assert abs(coverage(hits) - level) <= tolerance(level)


#: Data so skewed that no interval of a mean from ten runs covers at 95 %: a share that is mostly
#: near zero with rare large values, and a lognormal waiting time.  The old symmetric interval
#: went below zero in a fifth of the trials here.
HEAVY = {
    "rare large share": ((0.0, 1.0), lambda rng, n: rng.beta(0.6, 19.4, n), 0.03),
    "lognormal time": ((0.0, None), lambda rng, n: rng.lognormal(0.0, 1.0, n), math.exp(0.5)),
    "mostly zero count": ((0.0, None), lambda rng, n: rng.gamma(0.5, 0.6, n), 0.3),
}


@pytest.mark.parametrize("case", sorted(HEAVY))
def test_bounded_interval_stays_within_the_possible_values_and_covers_no_worse(case):
    bounds, draw, mu = HEAVY[case]
    rng = np.random.default_rng(11)
    n, level = 10, 0.95
    hits_bounded, hits_t, below = [], [], 0
    for _ in range(TRIALS):
        x = draw(rng, n)
        e, t = mean_ci(x, bounds=bounds), mean_ci(x)
        assert e.low >= bounds[0] and (bounds[1] is None or e.high <= bounds[1])
        assert e.low <= e.mean <= e.high
        hits_bounded.append(e.low <= mu <= e.high)
        hits_t.append(t.low <= mu <= t.high)
        below += t.low < bounds[0]
    assert below > 0.05 * TRIALS  # the case does exercise the bound
    assert coverage(hits_bounded) >= coverage(hits_t) - tolerance(level)


@pytest.mark.parametrize(
    ("values", "bounds"),
    [
        ([0.0, 0.0, 0.0, 0.001], (0.0, 1.0)),
        ([1.0, 1.0, 0.999], (0.0, 1.0)),
        ([0.0, 0.0, 0.0], (0.0, 1.0)),
        ([0.0, 0.0, 5.0], (0.0, None)),
        ([0.0, 0.0, 0.0], (0.0, None)),
        ([-5.0, -0.1, -0.2], (None, 0.0)),
    ],
)
def test_bounded_interval_at_the_edges(values, bounds):
    e = mean_ci(values, bounds=bounds)
    lower, upper = bounds
    assert lower is None or e.low >= lower
    assert upper is None or e.high <= upper
    assert e.low <= e.mean <= e.high
    if np.std(values) == 0:
        assert e.low == e.high == e.mean  # every run on the bound: no spread to show


def test_far_from_the_bounds_the_interval_is_the_t_interval():
    rng = np.random.default_rng(5)
    x = rng.normal(0.5, 0.01, 10)
    e, t = mean_ci(x, bounds=(0.0, 1.0)), mean_ci(x)
    assert e.low == pytest.approx(t.low, abs=1e-4) and e.high == pytest.approx(t.high, abs=1e-4)


def test_kpi_catalogue_bounds_every_share_count_and_time():
    from sim.kpis import KPIS

    for key, kpi in KPIS.items():
        if kpi.unit in ("share", "0-1"):
            assert kpi.bounds == (0.0, 1.0), key
        elif key.endswith("finance.balance_yuan"):  # the balance and its spread across communities
            assert kpi.signed and kpi.bounds == (None, None), key
        else:
            assert kpi.bounds == (0.0, None), key


def test_comparison_table_terminal_and_figure_band_stay_within_bounds():
    """The one implementation reaches the table (app, terminal, report) and the figures' bands."""
    import pandas as pd

    from sim.compare import comparison_table
    from sim.figures import band
    from sim.kpis import KPIS

    rng = np.random.default_rng(3)
    rows = []
    for name in ("A", "B"):
        for r in range(10):
            kpis = {k: (rng.beta(0.3, 30) if KPIS[k].bounds[1] else rng.gamma(0.3, 1.0)) for k in KPIS}
            rows.append({"scenario": name, "replication": r, "seed": r, **kpis})
    table = comparison_table(pd.DataFrame(rows), ["A", "B"])
    for r in table.itertuples():
        lower, upper = KPIS[r.kpi].bounds
        assert lower is None or r.ci_low >= lower, r
        assert upper is None or r.ci_high <= upper, r
    daily = pd.DataFrame({"day": np.repeat(np.arange(30), 10), "wait": rng.gamma(0.3, 2.0, 300)})
    b = band(daily, "day", "wait", (0.0, None))
    assert (b["low"] >= 0).all() and (b["low"] <= b["mean"]).all()
