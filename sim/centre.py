"""The community public-service centre: its hall's layout, its staff's day, and its back office.

What the centre does each day (ODD+D: the centre head's rules; the rules themselves are in
:mod:`sim.staff`, the queues of back-office work in :mod:`sim.backoffice`):

* **Layout.**  Before one-stop service each department keeps its own counter with its own queue,
  staffed on some days of the week in core hours; evenings and weekends (if the hall opens then)
  have a duty desk for any matter.  With one-stop service there is one queue in front of every
  counter the office has room for.
* **Morning.**  The head plans the counters (:func:`sim.staff.plan_day`) and tells the hall when
  each queue opens, closes or changes its staffed counters.
* **Evening.**  The back office works: staff who are grid information officers walk their
  patrol first (a fifth of their weekly patrol hours each working day; overtime if the back office
  has no hours left), then the day's due administrative work (with overtime up to a cap),
  elderly-care requests (volunteers first: they visit a full care station's waiting list, which
  sends on those past their patience), casework, the oldest requests still on the list (with one
  pool of staff time), administrative work ahead of its deadline, then outreach home visits with
  what is left.  Idle hours are what remains, plus
  staffed counters that had nobody to serve.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.backoffice import BackOffice, CaseItem
from sim.calendar import CORE_HOURS, SLOT_H, SLOTS_PER_DAY, horizon_mask, weekly_mask
from sim.needs import ELDERLY
from sim.policy import build_policy
from sim.reforms.elderly_care import StationPlaces
from sim.residents import SCORE_HOME_VISIT
from sim.staff import CounterDemand, DayPlan, StaffMember, Team, plan_day, qualifications, roster

if TYPE_CHECKING:
    from sim.model import CommunityModel

WORKDAY_END_H = 18.0  # back-office work of a day counts as done by 18:00
CASEWORK_CLEAR_DAYS = 5  # the head plans to clear waiting casework within a working week
RECLAIM_WEIGHT = 0.2  # weight of the latest day in the head's expectation of lull time (about a week)


class ServiceCentre:
    """The hall's queues and counters, the staff, and the back office of one community."""

    def __init__(self, model: CommunityModel, params: Mapping[str, Any]) -> None:
        self.model = model
        # Hall: department queues 0..K-1, then queue K: the one-stop hall, or before one-stop
        # service the duty desk of the evening and weekend crew.
        self.n_dept_queues = int(params["service.department_counters"])
        self.one_stop_queue = self.n_dept_queues
        self.queue_names = [f"department {i + 1}" for i in range(self.n_dept_queues)] + ["one-stop"]
        self.counter_demand = CounterDemand(len(self.queue_names))
        self.plan_opening()
        self.backoffice = BackOffice()
        self.staff: list[StaffMember] = []
        self.elderly_waiting: deque[tuple[int, float]] = deque()  # (need, time) for tonight
        self.volunteer_h = 0.0  # volunteers' hours left this week
        self.volunteer_visits = 0  # elderly-care requests volunteers took
        self.station = StationPlaces()  # the care station's places and waiting list, if there is one
        self.elderly_requests = 0
        self._outreach_due = 0.0
        self._outreach_cursor = 0
        pop = model.residents.population
        self._outreach_targets = np.flatnonzero(pop.vulnerable | pop.elderly_alone)
        self._hall_state = [0] * len(self.queue_names)  # (open, staffed) code at the end of the day
        self.plan: DayPlan | None = None
        self._admin_due = 0.0
        self._busy_before = 0.0
        self._reclaimed_before = 0.0
        # Back-office hours won per staffed counter hour in the lulls (one pool of staff time),
        # as the head has seen it lately: 0 until she has seen a day.
        self._reclaim_share = 0.0

    def __repr__(self) -> str:
        return f"ServiceCentre({len(self.staff)} staff, {len(self.queue_names)} queues)"

    # -- structure that follows the policy in force -------------------------------------------
    def organise(self, params: Mapping[str, Any]) -> None:
        """(Re)hire staff, form the team, roster the week and fit counters into the office."""
        model = self.model
        # One pool of staff time: free counter time goes to the back office (less switching).
        model.hall.switch_cost_h = (
            params["staff.switch_cost_min"] / 60.0 if params["staff.one_pool"] else None
        )
        quals = qualifications(params)
        if [(s.degree, s.certified) for s in self.staff] != quals:
            for s in self.staff:
                s.remove()
            self.staff = [StaffMember(model, d, c) for d, c in quals]
        self.team = Team.of(self.staff, params)
        self._on_duty, self._extra_backoffice = roster(
            weekly_mask(params["service.opening"]),
            len(self.staff),
            params["staff.weekly_hours"],
            int(params["staff.extended_hours_crew"]),
        )
        # Office space limits the one-stop hall's counters; before one-stop, each department
        # kept its own desk whatever the space ("many heads managing").
        space = max(1, int(params["office.area_m2"] // params["office.m2_per_counter"]))
        per_queue = np.ones(self.n_dept_queues + 1, dtype=np.int64)
        per_queue[self.one_stop_queue] = space
        self._counters = per_queue

    def unsocial_staff_h_per_week(self) -> float:
        """Staff-hours a week on duty in the hall outside the core weekday hours, as rostered (the
        extended-hours crew, :func:`sim.staff.roster`): what evening and weekend pay is paid on."""
        return float(self._on_duty[~CORE_HOURS].sum()) * SLOT_H

    def plan_opening(self, from_day: int = 0) -> None:
        """Lay out when each queue is open over the run, from the parameters in force period by
        period (:meth:`sim.model.CommunityModel.periods_in_force`); again from ``from_day`` on
        when a district's roll-out changes the plan or the budget policy the opening hours (the
        days before keep the hours they had)."""
        self.queue_open = self._queue_open_horizon(from_day)

    def _queue_open_horizon(self, from_day: int) -> np.ndarray:
        """Whether each queue is open in each half-hour slot of the run, period by period."""
        model = self.model
        k = self.n_dept_queues
        if from_day > 0:
            out = self.queue_open.copy()
        else:
            out = np.zeros((k + 1, model.days * SLOTS_PER_DAY), dtype=bool)
        periods = model.periods_in_force()
        bounds = [s for s, _ in periods] + [model.days]
        for (first, p), end in zip(periods, bounds[1:], strict=True):
            start = max(first, from_day)
            if start >= end:
                continue
            weeks = build_policy(p).hall.queue_weeks(weekly_mask(p["service.opening"]), k, p)
            wd = (model.weekday0 + start) % 7
            for q, wk in enumerate(weeks):
                out[q, start * SLOTS_PER_DAY : end * SLOTS_PER_DAY] = horizon_mask(wk, end - start, wd)
        return out

    def desk_open_now(self, queue: int, t: float) -> int | None:
        """The desk a resident can go on to at time t for ``queue``'s step: that queue if it is
        open, else the duty desk if that is open, else None (come back another day)."""
        slot = int(t // SLOT_H)
        if slot >= self.queue_open.shape[1]:
            return None
        if self.queue_open[queue, slot]:
            return queue
        if self.queue_open[self.one_stop_queue, slot]:
            return self.one_stop_queue
        return None

    # -- the morning --------------------------------------------------------------------------
    def new_week(self, params: Mapping[str, Any], t: float) -> None:
        """Monday 00:00 (time t): volunteers' hours (the volunteer stations' and those the paired
        units send) and the care station's places for the week."""
        self.volunteer_h = (
            params["elderly_care.volunteer_hours_per_week"] + self.model.committee.unit_volunteer_h_per_week()
        )
        self.model.policy.elderly_care.new_week(self, t)

    def plan_the_day(self, day: int, weekday: int, fixed: np.ndarray) -> None:
        """Plan today's counters and tell the hall when each queue opens, closes or changes."""
        p = self.model.params
        t0 = day * 24.0
        self._admin_due = self.backoffice.admin_due_h(t0)  # the tasks do not change until tonight
        slots = slice(weekday * SLOTS_PER_DAY, (weekday + 1) * SLOTS_PER_DAY)
        open_today = self.queue_open[:, day * SLOTS_PER_DAY : (day + 1) * SLOTS_PER_DAY]
        active = np.flatnonzero(open_today.any(axis=1))
        if p["service.adaptive_counters"]:
            needed = self.counter_demand.counters_needed(
                weekday, p["service.counter_target_utilisation"], active
            )
        else:
            needed = np.full((len(active), SLOTS_PER_DAY), 10**6)
        self.plan = plan_day(
            queue_open=open_today[active],
            counters_per_queue=self._counters[active],
            counters_needed=needed,
            on_duty=self._on_duty[slots],
            extra_backoffice_h=self._extra_backoffice[weekday],
            fixed=fixed,
            backoffice_due_h=self._admin_due + self.backoffice.case_backlog_h() / CASEWORK_CLEAR_DAYS,
            first_queue=day % max(len(active), 1),
            reclaim_share=self._reclaim_share,
            overtime_h=min(self._admin_due, p["staff.overtime_cap_h_per_day"] * len(self.staff)),
        )
        self._open_counters(t0, active)
        self._busy_before = sum(q.busy_h for q in self.model.hall.queues)
        self._reclaimed_before = self.model.hall.reclaimed_h

    def _open_counters(self, t0: float, active: np.ndarray) -> None:
        """Tell the hall when each queue opens, closes or changes its staffed counters today."""
        hall, plan, state = self.model.hall, self.plan, self._hall_state
        for q, c in enumerate(state):  # a queue left open overnight that does not open today
            if c and q not in active:
                hall.set_staffing(t0, q, False, 0)
                state[q] = 0
        # One integer per slot encodes (open, staffed); the hall hears only the changes.
        codes = np.where(plan.open, plan.staffed + 1, 0).tolist()
        for q, row in zip(active.tolist(), codes, strict=True):
            last = state[q]
            for s, c in enumerate(row):
                if c != last:
                    hall.set_staffing(t0 + s * SLOT_H, q, c > 0, max(c - 1, 0))
                    last = c
            state[q] = last
        self.model.today["counters_staffed_h"] = float(plan.staffed.sum()) * SLOT_H
        self.model.today["counters_pulled"] = plan.pulled_counters

    # -- work that arrives ------------------------------------------------------------------
    def elderly_care_request(self, need: int, t: float, u_delay: float) -> None:
        """An elderly resident living alone asks for help: whoever the policy says answers (a
        care station, or volunteers and staff tonight in :meth:`back_office_day`)."""
        self.elderly_requests += 1
        self.model.policy.elderly_care.request(self, need, t, u_delay)

    def casework(self, need: int, kind: int, hours: float, t: float) -> None:
        """A case for the back office (social assistance, an online matter, a care visit)."""
        self.backoffice.add_case(CaseItem(need, kind, hours, t))

    def add_task(self, kind: str, hours: float, deadline: float) -> None:
        """Administrative work with a deadline (a pushed-down task, a form, a ledger...)."""
        self.backoffice.add_task(kind, hours, deadline)

    # -- the evening ------------------------------------------------------------------------
    # Long by design: the head's evening rules in their order (ODD 7.5), then the day's accounts.
    def back_office_day(self, day: int) -> None:
        """The day's back-office work, overtime, outreach, and the staff-time accounts."""
        m = self.model
        p, plan, bo, tally = m.params, self.plan, self.backoffice, m.tally
        workday_end = day * 24.0 + WORKDAY_END_H
        # Free counter time the staff spent in the back office (one pool of staff time).
        reclaimed = m.hall.reclaimed_h - self._reclaimed_before
        hours = plan.backoffice_h + reclaimed
        # Staff information officers walk their round first: it is a fixed daily duty.
        weekday = (m.weekday0 + day) % 7
        patrol = m.policy.reporting.staff_patrol_h_per_week(p) / 5.0 if weekday < 5 else 0.0
        walked = min(patrol, hours)
        hours -= walked
        overtime = patrol - walked
        due = self._admin_due
        admin = bo.do_admin(hours, workday_end, only_due=due)
        hours -= admin
        if due - admin > 1e-9:
            cap = p["staff.overtime_cap_h_per_day"] * len(self.staff)
            late = bo.do_admin(cap, workday_end, only_due=due - admin)
            admin += late
            overtime += late
        # Volunteers take elderly-care requests first; what they cannot take goes to staff.
        m.policy.elderly_care.evening(self, workday_end)
        visit_h = p["service.elderly_visit_hours"]
        while self.elderly_waiting and self.elderly_waiting[0][1] < workday_end:
            i, t = self.elderly_waiting.popleft()
            if self.volunteer_h >= visit_h:
                self.volunteer_h -= visit_h
                self.volunteer_visits += 1
                m.residents.resolve(i, max(t, workday_end))
            else:
                bo.add_case(CaseItem(i, ELDERLY, visit_h * self.team.casework_factor, t))
        case_h, done = bo.do_cases(hours, workday_end)
        hours -= case_h
        for item in done:
            m.residents.resolve(item.need, max(item.arrived, workday_end))
        if p["staff.one_pool"]:  # hours to spare: staff visit those on a full station's list
            care_h = m.policy.elderly_care.staff_visits(self, hours, workday_end)
            hours -= care_h
            case_h += care_h
        ahead = bo.do_admin(hours, workday_end)
        hours -= ahead
        admin += ahead
        outreach_h, n_visits = self._outreach(hours)
        hours -= outreach_h

        busy = sum(q.busy_h for q in m.hall.queues) - self._busy_before
        fixed_h = plan.fixed_h + plan.fixed_overtime_h
        overtime += plan.fixed_overtime_h
        m.books.overtime(overtime)
        today = m.today
        tally.rostered_h += plan.rostered_h
        tally.overtime_h += overtime
        tally.counter_staffed_h += today["counters_staffed_h"]
        tally.counter_busy_h += busy
        tally.casework_h += case_h
        tally.outreach_h += outreach_h
        tally.patrol_h += patrol
        tally.admin_h += admin + fixed_h
        tally.outreach_visits += n_visits
        today["counter_busy_h"] = busy
        today["casework_h"] = case_h
        today["outreach_h"] = outreach_h
        today["admin_h"] = admin + fixed_h
        today["overtime_h"] = overtime
        today["idle_h"] = max(hours, 0.0) + max(today["counters_staffed_h"] - busy - reclaimed, 0.0)
        today["counter_reclaimed_h"] = reclaimed
        if today["counters_staffed_h"] > 0:
            seen = min(reclaimed / today["counters_staffed_h"], 1.0)
            self._reclaim_share += RECLAIM_WEIGHT * (seen - self._reclaim_share)
        tally.idle_h += today["idle_h"]

    def _outreach(self, hours: float) -> tuple[float, int]:
        """Monthly home visits to vulnerable and elderly residents, with the hours left."""
        p = self.model.params
        n_targets = len(self._outreach_targets)
        per_day = n_targets * p["service.outreach_visits_per_month"] * 12 / 365
        self._outreach_due = min(self._outreach_due + per_day, per_day * 30)
        visit = p["service.outreach_visit_hours"]
        n_visits = int(min(self._outreach_due, hours / visit, n_targets)) if visit > 0 else 0
        if n_visits:
            who = (self._outreach_cursor + np.arange(n_visits)) % n_targets
            self._outreach_cursor += n_visits
            self.model.residents.population.experience_many(self._outreach_targets[who], SCORE_HOME_VISIT)
        self._outreach_due -= n_visits
        return n_visits * visit, n_visits
