"""Capacity that binds (issue 9, item 2): departments' case queues, care-station places and waiting
lists, grid officers' hours and cost, paired units' yearly budget of fixes.

Unit tests work the queue rules by hand.  Model-level tests are paired comparisons under common
random numbers (same seed, same problems and requests): where the mechanism makes a KPI monotone in
the capacity (a FIFO queue with a slower server delays every case at least as much), the test
asserts the direction exactly; where it does not, it compares settings far apart and says why the
margin is safe.
"""

from __future__ import annotations

import math

import pytest
from helpers import SCENARIOS, govsim

from sim.departments import CaseQueue
from sim.model import CommunityModel
from sim.reforms.elderly_care import StationPlaces, station_capacity
from sim.reforms.grid_reporting import patrol_interval_h
from sim.scenario import load_scenario

SMALL = {"population.residents": 3000}  # half the default community: the mechanisms, faster
DAYS = 180


def officers(staff: float = 0.0, committee: float = 0.0, paid: float = 0.0) -> dict[str, float]:
    """Who patrols, every kind stated (the default officers are staff), as run()'s keyword changes."""
    return {
        "informatisation__patrol_staff_hours_per_week": staff,
        "informatisation__patrol_committee_hours_per_week": committee,
        "informatisation__patrol_paid_hours_per_week": paid,
    }


def run(path: str, seed: int = 1, days: int = DAYS, **changes: float) -> CommunityModel:
    sc = load_scenario(SCENARIOS / path)
    sc = sc.with_changes({**SMALL, **{k.replace("__", "."): v for k, v in changes.items()}})
    return CommunityModel(sc, seed=seed, days=days).run()


# -- departments' queues, by hand --------------------------------------------------------------
def test_a_department_takes_up_cases_first_come_first_served_at_its_rate():
    q = CaseQueue()
    # 2 cases a week: one every 84 hours.
    assert q.take_up(0.0, 2.0) == 0.0
    assert q.take_up(10.0, 2.0) == 84.0  # waits for the first case's slot to pass
    assert q.take_up(100.0, 2.0) == 168.0
    assert q.take_up(400.0, 2.0) == 400.0  # the department was free again: no wait
    assert q.waiting(50.0) == 1  # the case of t = 10 waits; the one of t = 100 has not arrived
    assert q.waiting(100.0) == 1  # the case of t = 100 waits until 168
    assert q.waiting(168.0) == 0
    assert q.waiting(399.0) == 0  # the case of t = 400 has not arrived yet


def test_a_department_with_no_capacity_takes_up_nothing():
    q = CaseQueue()
    assert [q.take_up(t, 0.0) for t in (1.0, 2.0, 3.0)] == [math.inf] * 3
    assert q.waiting(1e9) == 3


# -- care station, by hand ---------------------------------------------------------------------
def test_a_full_station_puts_requests_on_its_waiting_list_and_serves_them_next_week():
    s = StationPlaces()
    assert s.new_week(2) == []
    assert s.request((1, 10.0, 0.5)) and s.request((2, 11.0, 0.5))
    assert not s.request((3, 12.0, 0.5)) and not s.request((4, 13.0, 0.5))
    assert [w[0] for w in s.waiting] == [3, 4]
    # Next week one place: the oldest request on the list gets it, the other keeps waiting.
    assert [w[0] for w in s.new_week(1)] == [3]
    assert [w[0] for w in s.waiting] == [4]
    assert not s.request((5, 200.0, 0.5))  # joins behind request 4, never ahead of it
    assert (s.requests, s.served) == (5, 3)
    # Past the patience the oldest leave the list for volunteers and staff.
    assert [w[0] for w in s.impatient(150.0)] == [4]
    assert [w[0] for w in s.waiting] == [5]


def test_new_places_serve_the_list_before_any_new_request():
    s = StationPlaces()
    s.new_week(0)
    assert not s.request((1, 1.0, 0.5))
    assert [w[0] for w in s.new_week(3)] == [1]
    assert s.left == 2 and s.request((2, 170.0, 0.5))


def test_station_capacity_is_places_times_visits():
    params = {"elderly_care.station_places": 20, "elderly_care.station_visits_per_place_week": 1.5}
    assert station_capacity(params) == 30


# -- grid officers, by hand --------------------------------------------------------------------
def _patrol(staff: float = 0.0, committee: float = 0.0, paid: float = 0.0) -> dict[str, float]:
    return {
        "population.residents": 6000,
        "population.household_size": 2.5,
        "informatisation.patrol_households_per_hour": 300.0,
        "informatisation.patrol_staff_hours_per_week": staff,
        "informatisation.patrol_committee_hours_per_week": committee,
        "informatisation.patrol_paid_hours_per_week": paid,
    }


def test_the_patrol_interval_follows_from_the_officers_hours():
    # 2,400 households at 300 an hour: an 8-hour round; 56 hours a week make 7 rounds: daily.
    assert patrol_interval_h(_patrol(paid=56.0)) == pytest.approx(24.0)
    assert patrol_interval_h(_patrol(staff=20.0, committee=8.0)) == pytest.approx(48.0)
    assert patrol_interval_h(_patrol()) == math.inf


def test_grid_reporting_without_officers_is_refused_in_one_line(tmp_path):
    bad = tmp_path / "no_officers.toml"
    bad.write_text(
        f'name = "no officers"\nextends = "{(SCENARIOS / "reforms/grid_reporting.toml").as_posix()}"\n'
        "[informatisation]\npatrol_paid_hours_per_week = 0.0\npatrol_staff_hours_per_week = 0.0\n"
    )
    r = govsim("show", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    line = r.stderr.strip()
    assert line.startswith("govsim: error:") and "\n" not in line
    assert "informatisation.patrol_paid_hours_per_week" in line and "officers" in line


# -- departments' queues in the model ------------------------------------------------------------
def test_a_department_with_almost_no_capacity_lets_escalations_pile_up():
    """0.02 cases a week (one a year) against about a quarter of a case a week per department in
    the half-size 2002 community: the backlog grows all through the run and problems wait."""
    normal = run("baseline_2002.toml")
    starved = run("baseline_2002.toml", departments__escalation_cases_per_week=0.02)
    backlog = starved.daily()["department_backlog"].to_numpy()
    assert backlog[59] < backlog[119] < backlog[179]  # grows with time (about 20 more a month)
    k_starved, k_normal = starved.summary(), normal.summary()
    assert k_starved["departments.backlog_end"] > 5 * max(k_normal["departments.backlog_end"], 1)
    assert k_starved["grid.response_mean_h"] > k_normal["grid.response_mean_h"] + 100


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_halving_department_capacity_lengthens_the_response(seed):
    """Same problems, same order at each department: a slower FIFO server takes up every case no
    sooner, so the mean response (and the mean backlog) cannot fall, and rises once any case waits."""
    full = run("baseline_2002.toml", seed=seed).summary()
    half = run("baseline_2002.toml", seed=seed, departments__escalation_cases_per_week=0.5).summary()
    assert half["grid.response_mean_h"] > full["grid.response_mean_h"]
    assert half["departments.backlog_mean"] > full["departments.backlog_mean"]


@pytest.mark.parametrize("seed", [1, 2])
def test_tasks_turned_back_load_the_departments_that_answer_escalations(seed):
    """The access system sends tasks back to their departments, which do them in the queue they
    answer the community's escalations from: the same problems, in the same order, meet a queue
    with more work in it, so no case is taken up sooner and the response is longer.  With the
    turned-back work costing the departments nothing, the queue is the baseline's exactly."""
    free = run("reforms/access_system.toml", seed=seed, departments__turned_back_task_cases=0.0)
    costly = run("reforms/access_system.toml", seed=seed)
    base = run("baseline_2002.toml", seed=seed)
    k_free, k_costly, k_base = free.summary(), costly.summary(), base.summary()
    assert costly.departments.turned_back == free.departments.turned_back > 0
    assert k_free["grid.response_mean_h"] == k_base["grid.response_mean_h"]
    assert k_costly["grid.response_mean_h"] > k_free["grid.response_mean_h"]
    assert k_costly["departments.backlog_mean"] > k_free["departments.backlog_mean"]


def test_a_turned_back_task_takes_its_cases_worth_of_the_queue():
    q = CaseQueue()
    # 1 case a week; a task worth 2 cases occupies the department for two weeks (336 h).
    assert q.take_up(0.0, 1.0 / 2.0) == 0.0
    assert q.take_up(1.0, 1.0) == 336.0


def test_the_platform_speeds_handling_but_not_the_queue():
    """Under grid reporting the handling delay changes when a case is fixed, not when it is taken
    up: the departments' backlog is exactly the same, the response shorter."""
    slow = run("reforms/grid_reporting.toml", informatisation__platform_escalation_delay_h=240.0).summary()
    fast = run("reforms/grid_reporting.toml").summary()
    assert fast["departments.backlog_mean"] == slow["departments.backlog_mean"]
    assert fast["departments.backlog_end"] == slow["departments.backlog_end"]
    assert fast["grid.response_mean_h"] < slow["grid.response_mean_h"]


# -- care station in the model -------------------------------------------------------------------
def test_a_full_station_keeps_a_waiting_list():
    """5 places against about 15 requests a week (half-size community), staff kept to their own work
    (no one pool): the list is never empty for long; with places for everyone there is never a list
    and the station answers every request."""
    full = run("reforms/elderly_care.toml", elderly_care__station_places=5, staff__one_pool=False)
    ample = run("reforms/elderly_care.toml", elderly_care__station_places=10000, staff__one_pool=False)
    waiting = full.daily()["station_waiting"].to_numpy()
    assert (waiting[7:] > 0).mean() > 0.9
    k_full, k_ample = full.summary(), ample.summary()
    assert k_full["elderly_care.waiting_list_end"] > 0
    assert k_ample["elderly_care.waiting_list_end"] == 0 and ample.daily()["station_waiting"].max() == 0
    assert k_ample["elderly_care.station_share"] == 1.0
    assert k_full["elderly_care.station_share"] < 0.5  # at most 5 of ~15 a week, plus nothing more
    # Requests the station could not take went to volunteers and staff: more casework.
    assert full.tally.casework_h > ample.tally.casework_h


def test_staff_with_hours_to_spare_take_a_full_stations_waiting_list():
    """One pool of staff time (the default): the 2014 package's staff visit the oldest requests on a
    full station's list with the hours they have left, instead of leaving them to wait a week.  Same
    seed, same requests: the list is shorter every way it is measured, and the station itself answers
    no more requests than its places allow."""
    kept = run("changsha_2014.toml", elderly_care__station_places=5, staff__one_pool=False)
    pooled = run("changsha_2014.toml", elderly_care__station_places=5)
    assert pooled.centre.station.staff_visits > 0 == kept.centre.station.staff_visits
    assert pooled.daily()["station_waiting"].mean() < 0.5 * kept.daily()["station_waiting"].mean()
    weeks = math.ceil(DAYS / 7) + 1
    assert pooled.centre.station.served <= 5 * weeks


def test_without_a_station_no_request_waits_for_one():
    k = run("baseline_2002.toml", days=60).summary()
    assert k["elderly_care.station_share"] == 0 and k["elderly_care.waiting_list_end"] == 0


# -- grid officers in the model ------------------------------------------------------------------
def test_paid_officers_are_paid_from_the_books():
    m = run("reforms/grid_reporting.toml", days=100, **officers(paid=20.0))
    # Half a full-time week (20 of 40 hours) at 36,000 yuan a year, for 100 days.
    assert m.books.spending_by["grid officers"] == pytest.approx(0.5 * 36000 * 100 / 365)
    assert m.tally.patrol_h == 0.0


def test_staff_officers_walk_their_patrol_in_back_office_hours():
    """Without the budget policy, so that both runs keep the same staff (paid officers' wages would
    cut a post, and idle staff freeze one): the patrol's hours come out of idle time."""
    grid = "reforms/grid_reporting.toml"
    paid = run(grid, days=70, finance__budget_policy=False, **officers(paid=30.0))
    staff = run(grid, days=70, finance__budget_policy=False, **officers(staff=30.0))
    assert staff.tally.patrol_h == pytest.approx(30.0 * 10)  # ten weeks of 30 hours, 6 a working day
    assert "grid officers" not in staff.books.spending_by
    assert staff.tally.idle_h < paid.tally.idle_h
    # Same hours, same patrol interval: the same problems are found at the same times.
    assert staff.summary()["grid.response_mean_h"] == paid.summary()["grid.response_mean_h"]


def test_committee_officers_patrol_in_their_self_governance_hours():
    """Committee patrols take the hours mediation is given: with all of them gone on patrol, full-time
    members mediate nothing and fewer disputes are settled."""
    grid = "reforms/grid_reporting.toml"
    paid = run(grid, **officers(paid=40.0))
    committee = run(grid, **officers(committee=1000.0))
    assert committee.committee._ft_mediation_h == 0.0
    assert (
        committee.summary()["governance.disputes_settled_share"]
        < paid.summary()["governance.disputes_settled_share"]
    )


def test_more_officer_hours_find_problems_sooner():
    """10 against 200 officer-hours a week: a patrol every 6 days against every 7 hours in the half-size
    community; the mean response gains several days, far beyond the queue's paired noise."""
    few = run("reforms/grid_reporting.toml", **officers(paid=10.0)).summary()
    many = run("reforms/grid_reporting.toml", **officers(paid=200.0)).summary()
    assert many["grid.response_mean_h"] < few["grid.response_mean_h"] - 24


# -- paired units' budget of fixes ---------------------------------------------------------------
def test_paired_units_fix_only_while_their_yearly_budget_lasts():
    """Units fix only problems the community has no authority over, so under common random numbers
    the difference in problems fixed locally against units that fix nothing is the units' fixes."""
    no_budget = run("reforms/part_time_members.toml", committee__paired_unit_fixes_per_year=0.0)
    no_units = run("reforms/part_time_members.toml", committee__part_time_fix_share=0.0)
    assert no_budget.public_space.fixed_locally == no_units.public_space.fixed_locally

    def unit_fixes(**changes: float) -> int:
        units = "reforms/part_time_members.toml"
        with_units = run(units, days=365, **changes).public_space.fixed_locally
        without = run(units, days=365, committee__part_time_fix_share=0.0, **changes)
        return with_units - without.public_space.fixed_locally

    n_units = no_units.committee.part_time
    # Without a budget the units would fix about 23 problems a year in the half-size community (about
    # 170 escalations x 0.7 without authority x 0.19 for two units): a budget of 3 each is spent
    # (Poisson(23) < 6 has probability about 1e-5), one of 1,000 is not.
    assert unit_fixes(committee__paired_unit_fixes_per_year=3.0) == 3 * n_units
    assert unit_fixes(committee__paired_unit_fixes_per_year=1000.0) > 3 * n_units


def test_a_station_opening_mid_week_has_places_for_the_rest_of_the_week(tmp_path):
    """A timeline date on a Thursday (2014-01-02; the run starts on Wednesday 2014-01-01): the
    station gets 4/7 of its 20 weekly places at once (11 requests until Sunday), not none until
    Monday.  The half-size community asks about 8 times in those four days."""
    f = tmp_path / "station_thursday.toml"
    base = (SCENARIOS / "baseline_2002.toml").as_posix()
    station = (SCENARIOS / "reforms/elderly_care.toml").as_posix()
    f.write_text(
        f'name = "station from Thursday"\nextends = "{base}"\n'
        '[run]\nstart_date = "2014-01-01"\n[population]\nresidents = 3000\n'
        f'[[timeline]]\ndate = "2014-01-02"\napply = ["{station}"]\n'
    )
    m = CommunityModel(load_scenario(f), seed=1, days=5).run()  # Wednesday to Sunday
    station = m.centre.station
    assert 0 < station.served <= 11
    assert station.served == min(station.requests, 11)


# -- office space --------------------------------------------------------------------------------
def test_office_space_below_what_the_counters_need_narrows_the_hall():
    """The one-stop hall has a counter for every ``office.m2_per_counter`` of space.  The 2014
    package with room for one counter instead of seven (same seed, same residents and visits;
    budget policy off, so that the money the smaller office saves hires nobody): the staff can open
    fewer counter-hours, everybody queues at the one counter so waits grow (a little: the 2014 hall
    is busy under a tenth of its staffed hours), and the space costs less, in proportion to its
    area."""
    off = {"finance__budget_policy": False}
    roomy = run("changsha_2014.toml", **off)
    m2 = roomy.params["office.m2_per_counter"]
    cramped = run("changsha_2014.toml", office__area_m2=m2, **off)
    assert roomy.params["office.area_m2"] >= 7 * m2
    assert cramped.tally.counter_staffed_h < roomy.tally.counter_staffed_h
    k_roomy, k_cramped = roomy.summary(), cramped.summary()
    assert k_cramped["service.queue_wait_mean_min"] > k_roomy["service.queue_wait_mean_min"]
    assert k_cramped["service.daytime_wait_mean_min"] > k_roomy["service.daytime_wait_mean_min"]
    space = {m: m.books.spending_by["office space"] / m.params["office.area_m2"] for m in (roomy, cramped)}
    assert space[cramped] == pytest.approx(space[roomy])
