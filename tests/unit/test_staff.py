"""The centre head's rules for staff (``sim.staff``), each worked by hand on a small case.

Every expected number below is computed from the rule in the module docstring, not read off the
code's output: a roster that loses or invents staff-hours, a day plan that staffs a closed queue
or pulls the last counter, a back office that works tasks out of deadline order or counts a task
done on time as late, fails here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.backoffice import BackOffice, CaseItem
from sim.calendar import CORE_HOURS, SLOT_H, SLOTS_PER_DAY, SLOTS_PER_WEEK, weekly_mask
from sim.staff import CounterDemand, plan_day, roster


def week(**spec: list[str]) -> np.ndarray:
    return weekly_mask(spec)


def slots(start_h: float, end_h: float) -> slice:
    """Slots of one day from ``start_h`` to ``end_h`` (hours since midnight)."""
    return slice(int(start_h / SLOT_H), int(end_h / SLOT_H))


def staff_hours(on_duty: np.ndarray, extra: np.ndarray) -> float:
    return float(on_duty.sum()) * SLOT_H + float(extra.sum())


# -- roster ------------------------------------------------------------------------------------


def test_roster_spreads_too_few_hours_evenly_over_the_core_week():
    # Open 08:00-18:00 on weekdays: 100 core slots.  4 staff x 40 h = 320 staff-slots, fewer than
    # 4 x 100, so 320 // 100 = 3 people everywhere and the 20 slots left over get a fourth
    # person, 4 on each weekday (spread, not bunched on Monday).
    on_duty, extra = roster(week(weekdays=["08:00-18:00"]), n_staff=4, weekly_hours=40.0)
    assert staff_hours(on_duty, extra) == pytest.approx(4 * 40.0)
    assert not extra.any()
    assert not on_duty[~CORE_HOURS].any()
    assert set(on_duty[CORE_HOURS].tolist()) == {3, 4}
    fourth = (on_duty == 4).reshape(7, SLOTS_PER_DAY).sum(axis=1)
    assert fourth.tolist() == [4, 4, 4, 4, 4, 0, 0]


def test_roster_puts_everybody_on_duty_when_the_hall_opens_less_than_a_contract():
    # Open 09:00-12:00 on weekdays (15 h a week): 3 staff x 40 h cannot all be counter time.
    # Everybody is on duty whenever it is open (3 x 15 h = 45 h); the other 75 h are back-office
    # time, 15 h on each of the five days the hall opens.
    on_duty, extra = roster(week(weekdays=["09:00-12:00"]), n_staff=3, weekly_hours=40.0)
    is_open = week(weekdays=["09:00-12:00"])
    assert (on_duty[is_open] == 3).all() and not on_duty[~is_open].any()
    assert extra.tolist() == pytest.approx([15.0] * 5 + [0.0, 0.0])
    assert staff_hours(on_duty, extra) == pytest.approx(3 * 40.0)
    # Open on Saturday morning too: one person on duty there (3 h), 45 h at the weekday counters,
    # and the other 72 h of back office over the six days the hall opens, 12 h each.
    with_saturday = week(weekdays=["09:00-12:00"], sat=["09:00-12:00"])
    on_duty, extra = roster(with_saturday, n_staff=3, weekly_hours=40.0)
    assert extra.tolist() == pytest.approx([12.0] * 6 + [0.0])
    assert staff_hours(on_duty, extra) == pytest.approx(3 * 40.0)


def test_longer_opening_with_the_same_staff_thins_the_day():
    # Staggered hours: weekday evenings to 20:00 and Saturday 09:00-17:00 are 20 + 16 = 36
    # extended slots, each with a crew of one.  The 320 staff-slots minus 36 leave 284 for the
    # 100 core slots: 2.84 people on average instead of 3.2.
    core_only = week(weekdays=["08:00-18:00"])
    staggered = week(weekdays=["08:00-20:00"], sat=["09:00-17:00"])
    before, _ = roster(core_only, n_staff=4, weekly_hours=40.0)
    after, extra = roster(staggered, n_staff=4, weekly_hours=40.0, extended_crew=1)
    extended = staggered & ~CORE_HOURS
    assert extended.sum() == 36
    assert (after[extended] == 1).all()
    assert after[CORE_HOURS].mean() == pytest.approx(2.84)
    assert before[CORE_HOURS].mean() == pytest.approx(3.2)
    assert staff_hours(after, extra) == pytest.approx(160.0)
    assert not after[~staggered].any()


def test_roster_crew_is_never_larger_than_the_staff():
    open_week = week(weekdays=["08:00-20:00"])
    on_duty, _ = roster(open_week, n_staff=2, weekly_hours=40.0, extended_crew=5)
    assert (on_duty[open_week & ~CORE_HOURS] == 2).all()


def test_roster_with_too_few_hours_even_for_the_crew_spreads_what_there_is():
    # One person for 5 h a week (10 slots) cannot crew 36 extended slots: the 10 slots are spread
    # over all 136 open slots instead of being given to the evenings first.
    open_week = week(weekdays=["08:00-20:00"], sat=["09:00-17:00"])
    on_duty, extra = roster(open_week, n_staff=1, weekly_hours=5.0, extended_crew=1)
    assert on_duty.sum() == 10 and on_duty.max() == 1
    assert not on_duty[~open_week].any() and not extra.any()
    assert len(np.unique(np.flatnonzero(on_duty) // SLOTS_PER_DAY)) >= 5  # spread over the week


# -- plan_day ----------------------------------------------------------------------------------


def one_day(value: int, start_h: float, end_h: float) -> np.ndarray:
    out = np.zeros(SLOTS_PER_DAY, dtype=np.int64)
    out[slots(start_h, end_h)] = value
    return out


def plan(
    queue_open,
    *,
    room,
    on_duty,
    needed=None,
    fixed=None,
    due_h=0.0,
    extra_h=0.0,
    first_queue=0,
    reclaim_share=0.0,
    overtime_h=0.0,
):
    queue_open = np.atleast_2d(np.asarray(queue_open, dtype=bool))
    n_q = queue_open.shape[0]
    return plan_day(
        queue_open=queue_open,
        counters_per_queue=np.asarray(room, dtype=np.int64),
        counters_needed=np.full((n_q, SLOTS_PER_DAY), 10**6) if needed is None else needed,
        on_duty=on_duty,
        extra_backoffice_h=extra_h,
        fixed=np.zeros(SLOTS_PER_DAY, dtype=np.int64) if fixed is None else fixed,
        backoffice_due_h=due_h,
        first_queue=first_queue,
        reclaim_share=reclaim_share,
        overtime_h=overtime_h,
    )


def test_plan_staffs_the_counters_there_is_room_for_and_the_rest_is_back_office():
    # 4 people on duty 08:00-18:00 (40 staff-hours), room for 3 counters: 3 x 10 h at the
    # counters, 10 h in the back office.
    is_open = one_day(1, 8, 18).astype(bool)
    p = plan(is_open, room=[3], on_duty=one_day(4, 8, 18))
    assert (p.staffed[0][is_open] == 3).all() and not p.staffed[0][~is_open].any()
    assert p.rostered_h == pytest.approx(40.0)
    assert p.backoffice_h == pytest.approx(10.0)
    assert (p.fixed_h, p.fixed_overtime_h, p.pulled_counters) == (0.0, 0.0, 0)


def test_plan_takes_people_in_meetings_off_the_counters():
    # A meeting 10:00-12:00 takes two of the four; an inspection at 20:00 needs one person when
    # nobody is rostered, which is overtime.  Counters: 3 for 8 h, 2 for 2 h = 28 h; the back
    # office gets 40 - 4 (meeting) - 28 = 8 h.
    is_open = one_day(1, 8, 18).astype(bool)
    fixed = one_day(2, 10, 12) + one_day(1, 20, 20.5)
    p = plan(is_open, room=[3], on_duty=one_day(4, 8, 18), fixed=fixed)
    assert (p.staffed[0][slots(10, 12)] == 2).all()
    assert p.fixed_h == pytest.approx(4.0)
    assert p.fixed_overtime_h == pytest.approx(0.5)
    assert p.backoffice_h == pytest.approx(8.0)


def test_plan_staffs_only_what_is_expected_to_be_needed_and_never_a_closed_queue():
    # The head expects one counter's work in the morning and three in the afternoon; the queue
    # closes at 16:00 although people are on duty until 18:00.
    is_open = one_day(1, 8, 16).astype(bool)
    needed = np.ones((1, SLOTS_PER_DAY), dtype=np.int64)
    needed[0, slots(12, 18)] = 3
    p = plan(is_open, room=[5], on_duty=one_day(4, 8, 18), needed=needed)
    assert (p.staffed[0][slots(8, 12)] == 1).all()
    assert (p.staffed[0][slots(12, 16)] == 3).all()
    assert not p.staffed[0][slots(16, 24)].any()
    assert p.backoffice_h == pytest.approx(40.0 - 4 * 1 - 4 * 3)


def test_with_fewer_people_than_desks_the_first_queue_rotates():
    # One person, two department desks open all day: the desk served is the day's first queue.
    is_open = np.ones((2, SLOTS_PER_DAY), dtype=bool)
    on_duty = one_day(1, 8, 18)
    for first in (0, 1):
        p = plan(is_open, room=[1, 1], on_duty=on_duty, first_queue=first)
        assert (p.staffed[first][slots(8, 18)] == 1).all()
        assert not p.staffed[1 - first].any()
    both = plan(is_open, room=[1, 1], on_duty=one_day(2, 8, 18))
    assert (both.staffed.sum(axis=0) == one_day(2, 8, 18)).all()


def test_deadlines_pull_counters_but_one_always_stays_open():
    # 4 counters 08:00-18:00 use every rostered hour; 15 h of work are due today.  Pulling k
    # counters frees 10 k hours, so k = ceil(15 / 10) = 2 and the back office gets 20 h.
    is_open = one_day(1, 8, 18).astype(bool)
    p = plan(is_open, room=[4], on_duty=one_day(4, 8, 18), due_h=15.0)
    assert p.pulled_counters == 2
    assert (p.staffed[0][is_open] == 2).all()
    assert p.backoffice_h == pytest.approx(20.0)
    # However much is due, the hall keeps one counter: at most 3 of 4 are pulled.
    swamped = plan(is_open, room=[4], on_duty=one_day(4, 8, 18), due_h=1000.0)
    assert swamped.pulled_counters == 3
    assert (swamped.staffed[0][is_open] == 1).all()
    assert swamped.backoffice_h == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("due_h", "reclaim_share", "overtime_h", "pulled"),
    [
        # 4 counters 08:00-18:00 (40 counter hours), no back-office time.  Lulls worth a quarter
        # of the counter time give 10 h: 15 h due leave 5 h missing, and a pulled counter gives
        # its 10 h less its 2.5 h of lulls (7.5 h), so one is pulled; 10 h due pull none.
        (15.0, 0.25, 0.0, 1),
        (10.0, 0.25, 0.0, 0),
        # Tonight's overtime comes first: 12 h of it leave 3 h missing (one counter, 10 h); 15 h
        # leave nothing, and every counter stays open.
        (15.0, 0.0, 12.0, 1),
        (15.0, 0.0, 15.0, 0),
    ],
)
def test_the_head_pulls_counters_only_for_what_lulls_and_overtime_cannot_cover(
    due_h, reclaim_share, overtime_h, pulled
):
    is_open = one_day(1, 8, 18).astype(bool)
    p = plan(
        is_open,
        room=[4],
        on_duty=one_day(4, 8, 18),
        due_h=due_h,
        reclaim_share=reclaim_share,
        overtime_h=overtime_h,
    )
    assert p.pulled_counters == pulled
    assert (p.staffed[0][is_open] == 4 - pulled).all()


def test_no_counter_is_pulled_when_the_back_office_can_do_what_is_due():
    is_open = one_day(1, 8, 18).astype(bool)
    p = plan(is_open, room=[3], on_duty=one_day(4, 8, 18), due_h=10.0)
    assert p.pulled_counters == 0 and (p.staffed[0][is_open] == 3).all()


def test_pulling_spares_the_first_queues_and_keeps_one_counter_per_slot():
    # Two queues with two counters each; one counter pulled comes off the last queue.
    is_open = np.zeros((2, SLOTS_PER_DAY), dtype=bool)
    is_open[:, slots(8, 18)] = True
    p = plan(is_open, room=[2, 2], on_duty=one_day(4, 8, 18), due_h=5.0)
    assert p.pulled_counters == 1
    assert (p.staffed[0][slots(8, 18)] == 2).all() and (p.staffed[1][slots(8, 18)] == 1).all()


# -- CounterDemand -----------------------------------------------------------------------------


def test_without_history_every_counter_is_wanted():
    demand = CounterDemand(n_queues=2)
    need = demand.counters_needed(weekday=0, target_utilisation=0.8, queues=np.array([0, 1]))
    assert need.shape == (2, SLOTS_PER_DAY) and (need >= 10**6).all()


def test_counters_needed_keep_utilisation_under_the_target():
    # At a 70 % target a counter takes 0.35 h of work per half-hour slot.  1.0 h of service in a
    # slot: 1.0 / 0.35 = 2.9 -> 3 counters.  1.05 h: exactly 3 (3.0000000000000004 in floating
    # point, which must not make 4).  0.2 h: 1.  A slot with no work still gets one counter.
    demand = CounterDemand(n_queues=2)
    tuesday = 1 * SLOTS_PER_DAY
    demand.observe(queue=1, week_slot=tuesday + 20, service_h=0.6)
    demand.observe(queue=1, week_slot=tuesday + 20, service_h=0.4)
    demand.observe(queue=1, week_slot=tuesday + 21, service_h=1.05)
    demand.observe(queue=1, week_slot=tuesday + 22, service_h=0.2)
    demand.end_week()
    need = demand.counters_needed(weekday=1, target_utilisation=0.7, queues=np.array([1]))
    assert need[0, 20:23].tolist() == [3, 3, 1]
    assert (np.delete(need[0], [20, 21, 22]) == 1).all()
    assert demand.counters_needed(1, 0.9, np.array([1]))[0, 20] == 3  # 1.0 / 0.45 = 2.2
    assert demand.counters_needed(1, 0.3, np.array([1]))[0, 20] == 7  # 1.0 / 0.15 = 6.7
    # The observations belong to Tuesday of queue 1 only.
    assert (demand.counters_needed(0, 0.7, np.array([1])) == 1).all()
    assert (demand.counters_needed(1, 0.7, np.array([0])) == 1).all()


def test_expectation_is_an_exponentially_weighted_average_of_past_weeks():
    demand = CounterDemand(n_queues=1, weight=0.3)
    demand.observe(0, 5, 1.0)
    demand.end_week()
    assert demand.expected[0, 5] == pytest.approx(1.0)  # first week: what was seen
    demand.observe(0, 5, 2.0)
    demand.end_week()
    assert demand.expected[0, 5] == pytest.approx(0.7 * 1.0 + 0.3 * 2.0)
    demand.end_week()  # a week with no work there: the observations were reset
    assert demand.expected[0, 5] == pytest.approx(0.7 * 1.3)
    assert demand.expected.shape == (1, SLOTS_PER_WEEK)


# -- BackOffice --------------------------------------------------------------------------------


def test_admin_work_is_done_earliest_deadline_first():
    bo = BackOffice()
    bo.add_task("form", 1.0, deadline=50.0)
    bo.add_task("pushed-down", 1.0, deadline=10.0)
    bo.add_task("ledger", 1.0, deadline=30.0)
    bo.add_task("inspection", 1.0, deadline=30.0)  # same deadline: after the ledger (first come)
    assert bo.do_admin(1.5, now=0.0) == pytest.approx(1.5)
    assert [(t.kind, t.remaining) for t in sorted(bo.admin)] == [
        ("ledger", 0.5),
        ("inspection", 1.0),
        ("form", 1.0),
    ]
    assert bo.admin_backlog_h() == pytest.approx(2.5)
    assert bo.do_admin(10.0, now=0.0) == pytest.approx(2.5)  # only what there is
    assert not bo.admin and bo.late_tasks == 0


@pytest.mark.parametrize(
    ("deadline_h", "due_share"),
    [
        (5 * 24.0, 1 / 5),  # five days left: a fifth today
        (2.5 * 24.0, 1 / 3),  # part of a third day counts as a day
        (24.0, 1.0),  # due by tomorrow's start: all of it today
        (10.0, 1.0),  # due tonight
        (-24.0, 1.0),  # already late
    ],
)
def test_due_today_paces_each_task_to_its_deadline(deadline_h, due_share):
    bo = BackOffice()
    day_start = 240.0
    bo.add_task("pushed-down", 10.0, deadline=day_start + deadline_h)
    assert bo.admin_due_h(day_start) == pytest.approx(10.0 * due_share)


def test_paced_work_finishes_a_task_on_its_deadline_and_not_late():
    bo = BackOffice()
    bo.add_task("pushed-down", 10.0, deadline=5 * 24.0)  # by the end of the fifth day
    for day in range(5):
        due = bo.admin_due_h(day * 24.0)
        assert due == pytest.approx(2.0)  # 10 h over five days
        assert bo.do_admin(8.0, now=day * 24.0 + 18.0, only_due=due) == pytest.approx(2.0)
    assert not bo.admin and bo.late_tasks == 0 and bo.late_hours == 0.0


def test_a_task_finished_after_its_deadline_is_counted_late_with_its_hours():
    bo = BackOffice()
    bo.add_task("form", 3.0, deadline=10.0)
    bo.add_task("ledger", 2.0, deadline=100.0)
    bo.do_admin(1.0, now=20.0)  # started, not finished: not yet counted
    assert bo.late_tasks == 0
    bo.do_admin(4.0, now=20.0)  # the form, late; the ledger on time
    assert (bo.late_tasks, bo.late_hours) == (1, 3.0)


def test_casework_is_first_come_first_served_and_only_before_the_cutoff():
    bo = BackOffice()
    for need, arrived in enumerate((1.0, 2.0, 12.0, 3.0)):
        bo.add_case(CaseItem(need=need, kind=1, remaining=2.0, arrived=arrived))
    assert bo.case_backlog_h() == pytest.approx(8.0)
    used, done = bo.do_cases(3.0, cutoff=10.0)
    assert used == pytest.approx(3.0) and [c.need for c in done] == [0]
    assert bo.cases[0].need == 1 and bo.cases[0].remaining == pytest.approx(1.0)
    # Plenty of time, but the case that arrived at 12:00 is not yet known at the 10:00 cutoff, and
    # the one behind it waits its turn.
    used, done = bo.do_cases(100.0, cutoff=10.0)
    assert used == pytest.approx(1.0) and [c.need for c in done] == [1]
    used, done = bo.do_cases(100.0, cutoff=math.inf)
    assert used == pytest.approx(4.0) and [c.need for c in done] == [2, 3]
    assert not bo.cases
