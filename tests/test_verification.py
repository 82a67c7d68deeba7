"""Verification where theory gives the answer: the whole model configured as an M/M/c queue.

One need type, Poisson arrivals (every resident free and the hall open around the clock, no
preparation delay), exponential service, c staffed counters, no administrative work, nobody
leaves the queue.  The mean wait must match Erlang C within its statistical error, estimated from
independent replications.
"""

import math

import numpy as np
import pytest

from sim.parameters import CLASSES
from sim.queueing import erlang_c, mmc_mean_wait
from sim.run import simulate
from sim.statistics import mean_ci
from sim.validation.mmc import mmc_scenario


def test_erlang_c_known_values():
    # M/M/1: P(wait) = rho.  Published table value: c=2, a=1 -> 1/3.
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # M/M/1 mean wait rho / (mu - lambda).
    assert mmc_mean_wait(1, 2.0, 3.0) == pytest.approx((2 / 3) / (3 - 2))
    with pytest.raises(ValueError, match="unstable"):
        erlang_c(2, 2.0)


@pytest.mark.parametrize(
    ("servers", "arrivals_per_h", "service_min"), [(1, 2.0, 20.0), (3, 7.2, 20.0), (5, 12.0, 20.0)]
)
def test_mean_wait_matches_erlang_c(servers, arrivals_per_h, service_min):
    sc = mmc_scenario(servers, arrivals_per_h, service_min)
    theory_min = 60 * mmc_mean_wait(servers, arrivals_per_h, 60 / service_min)
    waits = [
        simulate(sc, seed=s, days=40, daily=False).kpis["service.queue_wait_mean_min"] for s in range(12)
    ]
    est = mean_ci(waits, level=0.99)
    # The 99 % interval of the replication means must cover the theoretical value; a hall that
    # served out of order, lost counters or mis-timed arrivals would miss by far more.
    assert est.low <= theory_min <= est.high, (theory_min, est)
    assert est.half_width < 0.25 * theory_min  # the check has power: the interval is tight


def test_arrivals_are_poisson_at_the_configured_rate():
    sc = mmc_scenario(3, 7.2, 20.0)
    r = simulate(sc, seed=3, days=40)
    visits = r.daily["visits"].to_numpy()
    expected = 7.2 * 24
    # Daily counts of a Poisson process: mean lambda*24, variance equal to the mean.
    assert abs(visits.mean() - expected) < 4 * math.sqrt(expected / len(visits))
    assert 0.6 < visits.var(ddof=1) / visits.mean() < 1.6


@pytest.mark.parametrize(
    "scenario",
    ["baseline_2002.toml", "changsha_2014.toml", "reforms/one_stop.toml", "reforms/staggered_hours.toml"],
)
def test_little_law_holds_in_every_run(scenario, root):
    k = simulate(root / "scenarios" / scenario, seed=5, days=120, daily=False).kpis
    assert k["verify.little_L"] > 0
    assert k["verify.little_L"] == pytest.approx(k["verify.little_lambda_W"], rel=1e-9)


def test_scenario_classes_cover_the_catalogue():
    assert len(CLASSES) == 4
    assert np.isclose(sum(mmc_scenario(1, 1, 10).params["departments.class_shares"].values()), 1.0)
