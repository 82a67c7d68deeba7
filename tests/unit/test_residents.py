"""Residents' rules (``sim.residents``): who takes part, when they walk in, and what they need.

``take_part`` and ``visit_time`` are checked case by case with chosen draws, so each branch of
the rule (each channel of the notice, the free-time gate, online joining, patience, taking leave)
is seen to decide.  ``draw_needs`` is checked against the Poisson model it implements: counts per
group and kind against the rates (a chi-squared bound), per-resident dispersion (a chi-squared
interval for the index of dispersion), uniform times, and common random numbers across policies.
Every statistical check has a fixed seed and a false-alarm probability of ``ALPHA`` per check.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.calendar import SLOTS_PER_DAY, SlotFinder
from sim.needs import ADMIN, ASSIST, ELDERLY, V_SERVICE, draw_needs
from sim.parameters import GROUPS, defaults
from sim.participation import take_part
from sim.population import Population
from sim.rng import stream
from sim.visit_choice import visit_time

ALPHA = 0.001  # chance that a correct implementation fails one statistical check with a given seed


def population(groups, civic=0.3, digital=False, vulnerable=False, elderly_alone=False) -> Population:
    n = len(groups)
    return Population(
        group=np.asarray(groups, dtype=np.int8),
        digital=np.broadcast_to(np.asarray(digital, dtype=bool), (n,)).copy(),
        vulnerable=np.broadcast_to(np.asarray(vulnerable, dtype=bool), (n,)).copy(),
        elderly_alone=np.broadcast_to(np.asarray(elderly_alone, dtype=bool), (n,)).copy(),
        civic=np.full(n, civic, dtype=np.float32),
        took_part=np.zeros(n, dtype=bool),
    )


# -- take_part ---------------------------------------------------------------------------------

N_GROUPS = len(GROUPS)
NOBODY = np.zeros(N_GROUPS)
EVERYBODY = np.ones(N_GROUPS)
ALL_FREE = np.ones(N_GROUPS, dtype=bool)


def draws(board=0.99, online=0.99, wants=0.0, visit=0.99, n=1) -> np.ndarray:
    """Uniforms for ``n`` residents: (board, online reach, willingness, home visit)."""
    return np.tile(np.array([board, online, wants, visit], dtype=np.float32), (n, 1))


def attend(
    pop, u, free=ALL_FREE, board=NOBODY, visit=NOBODY, notice=False, join=False, reach=0.0, factor=0.5
):
    return take_part(pop, u, free, board, visit, notice, join, reach, factor)


def test_the_notice_board_reaches_the_groups_it_reaches():
    pop = population([0, 1])
    board = np.array([0.5, 0.2, 0, 0, 0])
    # u = 0.3: under the commuters' reach (0.5), over the local workers' (0.2).
    took = attend(pop, draws(board=0.3, n=2), board=board)
    assert took.tolist() == [True, False]


def test_a_committee_members_call_reaches_a_resident():
    pop = population([2, 2])
    u = np.vstack([draws(visit=0.1), draws(visit=0.6)])
    took = attend(pop, u, visit=np.full(N_GROUPS, 0.5))
    assert took.tolist() == [True, False]


def test_without_a_notice_nobody_comes():
    pop = population([0, 1, 2, 3, 4], civic=1.0)
    assert not attend(pop, draws(n=5)).any()


def test_online_groups_reach_only_residents_with_digital_access_and_only_with_online_channels():
    pop = population([0, 0], digital=[True, False])
    u = draws(online=0.2, n=2)
    assert attend(pop, u, notice=True, reach=0.5).tolist() == [True, False]
    assert not attend(pop, u, notice=False, reach=0.5).any()


def test_a_resident_who_is_not_free_does_not_come_in_person():
    pop = population([0, 3])
    free = np.array([False, True, True, True, True])
    assert attend(pop, draws(board=0.0, n=2), free=free, board=EVERYBODY).tolist() == [False, True]


def test_online_joining_lets_a_busy_resident_take_part_but_only_for_joinable_events():
    # A commuter at work, reached in the WeChat group.  Propensity 0.3 x trust factor 1 = 0.3,
    # online factor 0.5: joins online when the willingness draw is under 0.15.
    pop = population([0], digital=True)
    busy = np.zeros(N_GROUPS, dtype=bool)
    keen, lukewarm = draws(online=0.1, wants=0.1), draws(online=0.1, wants=0.2)
    assert attend(pop, keen, free=busy, notice=True, join=True, reach=0.5).tolist() == [True]
    assert attend(pop, lukewarm, free=busy, notice=True, join=True, reach=0.5).tolist() == [False]
    # An activity cannot be joined online.
    assert attend(pop, keen, free=busy, notice=True, join=False, reach=0.5).tolist() == [False]
    # Online joining needs the online notice: the board alone does not put anyone in the group.
    board_only = draws(board=0.0, online=0.9, wants=0.1)
    assert not attend(pop, board_only, free=busy, board=EVERYBODY, notice=True, join=True, reach=0.5).any()


def test_willingness_is_civic_propensity_scaled_by_trust():
    # Trust 0.5 (the start) is a factor of 1: propensity 0.3.  Trust 0.25 halves it.
    pop = population([0, 0], civic=0.3)
    u = np.vstack([draws(board=0.0, wants=0.29), draws(board=0.0, wants=0.31)])
    assert attend(pop, u, board=EVERYBODY).tolist() == [True, False]
    pop.trust[:] = 0.25
    assert not attend(pop, u, board=EVERYBODY).any()
    pop.trust[:] = 0.75  # more trust: 0.45
    assert attend(pop, u, board=EVERYBODY).all()
    assert not attend(pop, draws(board=0.0, wants=0.46, n=2), board=EVERYBODY).any()


def test_share_taking_part_matches_the_rule_with_independent_draws():
    # Board reach 0.5 and home visits 0.2 reach 1 - 0.5 x 0.8 = 0.6 of residents; 0.3 of them
    # are willing: 18 % take part.  Reusing one uniform for both channels would give 15 %.
    n = 20_000
    pop = population(np.zeros(n))
    u = np.random.default_rng(8).random((n, 4), dtype=np.float32)
    took = attend(pop, u, board=np.full(N_GROUPS, 0.5), visit=np.full(N_GROUPS, 0.2))
    p = 0.6 * 0.3
    z = stats.norm.ppf(1 - ALPHA / 2)
    assert abs(took.mean() - p) < z * np.sqrt(p * (1 - p) / n)


# -- visit_time --------------------------------------------------------------------------------

DAYS = 3


def finder(*windows: tuple[float, float]) -> SlotFinder:
    """Open (and free) in each (start hour, end hour) window of a 3-day horizon (hours from 0)."""
    mask = np.zeros(DAYS * SLOTS_PER_DAY, dtype=bool)
    for start, end in windows:
        mask[int(start * 2) : int(end * 2)] = True
    return SlotFinder(mask)


NEVER = finder()
OFFICE = finder((8, 18), (32, 42), (56, 66))  # 08:00-18:00 each day
EVENINGS = finder((18, 21), (42, 45), (66, 69))


def when(t, free, leave=NEVER, u_slot=0.5, u_leave=0.9, prob=0.5, patience=48.0, spread=2.0):
    return visit_time(t, free, leave, u_slot, u_leave, prob, patience, spread)


def test_a_resident_who_is_free_while_the_hall_is_open_goes_at_once():
    assert when(10.2, free=OFFICE) == pytest.approx(10.2)


def test_otherwise_they_go_early_in_the_next_window_they_are_free():
    # Sets out at 10:00, free from 18:00 to 21:00: within the first 2 h (spread), halfway.
    assert when(10.0, free=EVENINGS, u_slot=0.5, spread=2.0) == pytest.approx(19.0)
    # A spread longer than the window: anywhere in the 3 h window.
    assert when(10.0, free=EVENINGS, u_slot=0.5, spread=10.0) == pytest.approx(19.5)
    assert when(10.0, free=EVENINGS, u_slot=0.0) == pytest.approx(18.0)


def test_beyond_patience_a_resident_takes_leave_if_their_draw_says_so():
    # Patience 4 h from 10:00: the 18:00 window is too late.  A resident who takes leave goes to
    # the open hall now; one who does not gives up (None).
    assert when(10.0, free=EVENINGS, leave=OFFICE, patience=4.0, u_leave=0.3, prob=0.5) == pytest.approx(10.0)
    assert when(10.0, free=EVENINGS, leave=OFFICE, patience=4.0, u_leave=0.7, prob=0.5) is None
    assert when(10.0, free=EVENINGS, leave=OFFICE, patience=4.0, u_leave=0.3, prob=0.0) is None


def test_taking_leave_also_needs_the_hall_open_within_patience():
    # Sets out at 19:00 with 6 h of patience and no free window: the hall opens at 08:00 the next
    # day, 13 h later.
    assert when(19.0, free=NEVER, leave=OFFICE, patience=6.0, u_leave=0.0, prob=1.0) is None
    assert when(19.0, free=NEVER, leave=OFFICE, patience=24.0, u_leave=0.0, u_slot=0.25, prob=1.0) == (
        pytest.approx(32.0 + 0.25 * 2.0)
    )


def test_no_window_left_in_the_run_means_no_visit():
    assert when(70.0, free=EVENINGS, leave=OFFICE, u_leave=0.0, prob=1.0) is None
    assert when(DAYS * 24.0 + 1, free=OFFICE, leave=OFFICE, u_leave=0.0, prob=1.0) is None


# -- draw_needs --------------------------------------------------------------------------------

ADMIN_RATE = {"commuter": 1.0, "local_worker": 2.0, "retiree": 3.0, "migrant": 0.5, "not_working": 1.5}
ASSIST_RATE, ELDERLY_RATE, LATENT_RATE = 2.0, 4.0, 3.0
PER_GROUP, NEED_DAYS = 2000, 500


def need_params(**changes) -> dict:
    p = defaults()
    p["needs.admin_rate"] = ADMIN_RATE
    p["needs.social_assistance_rate"] = ASSIST_RATE
    p["needs.elderly_care_rate"] = ELDERLY_RATE
    p["elderly_care.latent_request_rate"] = LATENT_RATE
    p.update(changes)
    return p


@pytest.fixture(scope="module")
def residents() -> Population:
    group = np.repeat(np.arange(N_GROUPS), PER_GROUP)
    idx = np.arange(len(group))
    retiree = group == GROUPS.index("retiree")
    return population(group, vulnerable=idx % 4 == 0, elderly_alone=retiree & (idx % 2 == 0))


def needs_for(pop: Population, seed: int, **changes):
    return draw_needs(
        pop,
        need_params(**changes),
        NEED_DAYS,
        stream(seed, "needs"),
        stream(seed, "visits"),
        stream(seed, "latent_needs"),
    )


@pytest.fixture(scope="module")
def needs(residents):
    return needs_for(residents, seed=11)


def rate_of_each_resident(pop: Population, kind: int) -> np.ndarray:
    """Needs per resident-year of ``kind``, by the rules (what the draws must follow).  Elderly
    care: the requests made anyway and the latent ones, two Poisson processes, so Poisson too."""
    if kind == ADMIN:
        return np.array([ADMIN_RATE[g] for g in GROUPS])[pop.group]
    if kind == ASSIST:
        return pop.vulnerable * ASSIST_RATE
    return pop.elderly_alone * (ELDERLY_RATE + LATENT_RATE)


@pytest.mark.parametrize("kind", [ADMIN, ASSIST, ELDERLY])
def test_counts_per_group_follow_the_rates(residents, needs, kind):
    # The count of a kind in a group is Poisson with mean (group's rate x residents x years), so
    # sum (observed - mean)^2 / mean over the groups with any is chi-squared with that many
    # degrees of freedom (not one fewer: the total is not fixed).
    years = NEED_DAYS / 365.0
    expected = np.bincount(residents.group, rate_of_each_resident(residents, kind) * years, N_GROUPS)
    observed = np.bincount(residents.group[needs.resident[needs.kind == kind]], minlength=N_GROUPS)
    some = expected > 0
    assert (observed[~some] == 0).all()  # no assistance without vulnerability, no care without need
    chi2 = float(((observed[some] - expected[some]) ** 2 / expected[some]).sum())
    assert chi2 < stats.chi2.ppf(1 - ALPHA, some.sum()), (observed, expected)


@pytest.mark.parametrize("kind", [ADMIN, ASSIST, ELDERLY])
def test_each_residents_count_is_poisson(residents, needs, kind):
    # Within one group, residents' counts of a Poisson process have variance equal to the mean:
    # (n - 1) s^2 / mean is about chi-squared(n - 1).  Every resident drawing the same count (or
    # counts bunched in a few residents) falls outside the two-sided interval.
    rate = rate_of_each_resident(residents, kind)
    counts = np.bincount(needs.resident[needs.kind == kind], minlength=len(residents))
    assert not counts[rate == 0].any()  # assistance only for the vulnerable, care only for them
    for g in range(N_GROUPS):
        members = (residents.group == g) & (rate > 0)
        if members.sum() < 2:
            continue
        x = counts[members]
        n = len(x)
        statistic = (n - 1) * x.var(ddof=1) / x.mean()
        low, high = stats.chi2.ppf([ALPHA / 2, 1 - ALPHA / 2], n - 1)
        assert low < statistic < high, (GROUPS[g], statistic, low, high)


def test_needs_are_sorted_in_time_and_spread_uniformly_over_the_run(needs):
    horizon = NEED_DAYS * 24.0
    assert (np.diff(needs.t) >= 0).all()
    assert needs.t[0] >= 0 and needs.t[-1] < horizon
    assert stats.kstest(needs.t / horizon, "uniform").pvalue > ALPHA
    # A resident's needs come at any time, whoever they are: the times of the first and the
    # second half of the residents have the same distribution.
    for kind in (ADMIN, ASSIST, ELDERLY):
        t, who = needs.t[needs.kind == kind], needs.resident[needs.kind == kind]
        first = who < np.median(who)
        assert stats.ks_2samp(t[first], t[~first]).pvalue > ALPHA, kind
    assert needs.u.shape == (len(needs), 8) and needs.v.shape[0] == len(needs)


def test_same_seed_same_needs_whatever_the_policy(residents, needs):
    policy = {
        "service.one_stop": True,
        "service.opening": {"weekdays": ["08:00-20:00"], "sat": ["09:00-17:00"]},
        "staff.count": 14,
        "participation.online_channels": True,
        "service.service_time_cv": 1.5,
        "elderly_care.station": True,
    }
    again = needs_for(residents, seed=11, **policy)
    for column in ("t", "kind", "resident", "u", "v", "latent"):
        assert np.array_equal(getattr(needs, column), getattr(again, column)), column
    # Service times are drawn by inversion: a longer service stays longer when its spread changes.
    before, after = needs.service_unit.ravel(), again.service_unit.ravel()
    order = np.argsort(needs.v[:, :, V_SERVICE].ravel(), kind="stable")
    assert (np.diff(before[order]) >= 0).all() and (np.diff(after[order]) >= 0).all()
    assert not np.array_equal(before, after)
    other = needs_for(residents, seed=12)
    assert not np.array_equal(other.t[:100], needs.t[:100])


def test_latent_requests_are_elderly_care_at_their_own_rate(residents, needs):
    """The latent requests alone: elderly care of the elderly living alone, Poisson at the latent
    rate (the chi-squared test of the counts per resident above, on their total)."""
    latent = needs.latent
    assert (needs.kind[latent] == ELDERLY).all()
    assert residents.elderly_alone[needs.resident[latent]].all()
    expected = residents.elderly_alone.sum() * LATENT_RATE * NEED_DAYS / 365.0
    z = (latent.sum() - expected) / np.sqrt(expected)
    assert abs(z) < stats.norm.ppf(1 - ALPHA / 2), (latent.sum(), expected)


def test_the_latent_rate_changes_no_other_need_or_draw(residents, needs):
    """Latent requests come from their own stream: without them (rate 0) the other needs, their
    times and every draw they carry are the same, in the same order."""
    none = needs_for(residents, seed=11, **{"elderly_care.latent_request_rate": 0.0})
    assert not none.latent.any() and needs.latent.any()
    asked = ~needs.latent
    for column in ("t", "kind", "resident", "u", "v", "service_unit"):
        assert np.array_equal(getattr(needs, column)[asked], getattr(none, column)), column
