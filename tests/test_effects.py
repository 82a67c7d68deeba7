"""The article's claimed effects, each as a paired comparison against the 2002 baseline.

Every reform file is run with the same R seeds as the baseline (common random numbers).  Here a
claim's mechanism, and each identity (sim.validation.claims.IDENTITIES), must move its KPI the
claimed way: the 95 % interval of the paired difference lies entirely on the claimed side of zero.
The effects are many standard errors wide at R = 8 (see docs/validation), so a failure here means
a mechanism broke, not bad luck.  Whether a claim reaches its *threshold* is a finding of the
model, reported by ``govsim validate-model``, not asserted here.
"""

import pytest

from sim.compare import compare
from sim.scenario import load_scenario
from sim.validation.claims import CLAIMS, IDENTITIES, tradeoff_pair

# Tier: slow stochastic checks (paired comparisons of every reform, judged by their intervals).
pytestmark = pytest.mark.statistical

R = 8
EFFECTS = [*CLAIMS, *IDENTITIES]


@pytest.fixture(scope="module")
def comparison(request):
    root = request.config.rootpath
    reforms = sorted({c.reform for c in EFFECTS})
    scenarios = [load_scenario(root / "scenarios/baseline_2002.toml")] + [
        load_scenario(root / f"scenarios/reforms/{r}.toml") for r in reforms
    ]
    return compare(scenarios, replications=R, seed=2024, workers=2, daily=False)


#: Claims the model no longer reproduces at its defaults, each with the finding.  Strict: the test
#: fails if such a claim holds again, so that the finding is re-read rather than left stale.
NOT_REPRODUCED = {
    ("funding_follows_task", "staff.count_end"): (
        "the calibrated defaults (stop 21: set 835, a set that meets every pattern) leave the "
        "2002 community about 5 % of its income in hand at the year's end, so its budget policy cuts "
        "no post and the tasks' money only raises the balance; of the 70 accepted sets of stop 21, "
        "68 end 2002 with money in hand and two less than 1 % short, inside the reserve band. The "
        "claim holds in none of them. Reported in docs/validation, not tuned away."
    ),
    ("staggered_hours", "service.daytime_wait_mean_min"): (
        "with one pool of staff time (issue 9) the 2002 staff keep the longer day's counters staffed "
        "without falling behind on paperwork: under the pilot the head pulled staff off the counters "
        "on 12 days of a year instead of 331 (seed 5, budget policy off), and the midday opening "
        "spreads the daytime crowd, so at 6 staff daytime waits fall (stop 21 defaults, "
        "validate-model: -2.2 min [-4.1, -0.2]; the claim holds in 12 of 70 accepted sets). "
        "Reported in docs/validation, not tuned away."
    ),
    ("staggered_hours", "access.resolved_share.commuter"): (
        "since residents take their own free time before a day's leave (sim.visit_choice, issue 9), "
        "commuters no longer take leave for a morning at a department desk when the evening duty "
        "desk is open later that day: they all come in the evening or on Saturday, to a duty crew of "
        "one (staff.extended_hours_crew), and many of their visits there end turned away at "
        "closing or leaving the queue (when first measured, seed 1: 2,103 served, 1,402 turned "
        "away, 1,432 left); commuters' resolved share falls instead of rising (stop 21 defaults, "
        "validate-model: -9.1 points; the claim holds in 5 of 70 accepted sets). With a crew of two "
        "it rises (test_staggered_hours_need_an_evening_crew_for_the_evening_crowd). Reported in "
        "docs/validation, not tuned away."
    ),
}


def _param(c):
    reason = NOT_REPRODUCED.get((c.reform, c.kpi))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(*c[:4], id=f"{c.reform}:{c.kpi}", marks=marks)


@pytest.mark.parametrize(("reform", "kpi", "direction", "claim"), [_param(c) for c in EFFECTS])
def test_claimed_effect_is_reproduced(comparison, request, reform, kpi, direction, claim):
    name = load_scenario(request.config.rootpath / f"scenarios/reforms/{reform}.toml").name
    row = comparison.kpi(kpi).loc[name]
    assert row["n"] == R
    if direction > 0:
        assert row["diff_low"] > 0, (
            f"{claim}: {kpi} difference {row['diff']:.4g} [{row['diff_low']:.4g}, {row['diff_high']:.4g}]"
        )
    else:
        assert row["diff_high"] < 0, (
            f"{claim}: {kpi} difference {row['diff']:.4g} [{row['diff_low']:.4g}, {row['diff_high']:.4g}]"
        )


def test_staggered_hours_pay_off_only_with_enough_staff(request):
    """Beyond the claim (6 staff, as in 2002, pay for commuters' gain with the daytime residents'
    waits): with a few more staff the same opening hours stop costing the daytime residents."""
    root = request.config.rootpath
    office, spread = tradeoff_pair(root / "scenarios", staff=11)
    c = compare([office, spread], replications=R, seed=2024, workers=2, daily=False)
    daytime = c.kpi("service.daytime_wait_mean_min").loc[spread.name]
    assert daytime["diff_high"] < 0, daytime


def test_staggered_hours_need_an_evening_crew_for_the_evening_crowd(request):
    """Commuters come in their own free time (evenings, Saturday) before they would take leave: with
    the default duty crew of one the evening desk turns many away and commuters gain nothing
    (the interval does not lie above zero); with two on duty they gain (it lies above zero)."""
    root = request.config.rootpath
    office, spread = tradeoff_pair(root / "scenarios", staff=11)
    two = spread.with_changes({"staff.extended_hours_crew": 2}, name=spread.name + ", crew of two")
    c = compare([office, spread, two], replications=R, seed=2024, workers=2, daily=False)
    commuters = c.kpi("access.resolved_share.commuter")
    assert commuters.loc[spread.name]["diff_low"] <= 0 < commuters.loc[two.name]["diff_low"]
