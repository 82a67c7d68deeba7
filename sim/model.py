"""The community model: one urban community living through (or without) the Changsha reforms.

Process overview and schedule (time in hours since midnight of day 0):

* ``start_day`` (each midnight, after any timeline change): the administrative work due today is
  totted up, meetings and inspections are fixed, the centre head plans the counters
  (:func:`sim.staff.plan_day`), and the day's needs arise: residents choose a channel and a time
  (:func:`sim.residents.visit_time`), elderly-care requests go to the station, volunteers or staff,
  public-space problems are found and dealt with, disputes reach the committee.
* the hall (:class:`sim.hall.Hall`) serves residents event by event through the day.
* ``hold_event`` (at each council, hearing or activity's time): residents take part.
* ``end_day`` (each following midnight, first): the hall's day is run out, the back office works
  (deadlines, overtime, casework, work ahead, outreach), the committee mediates, departments push
  today's tasks down, money moves, and the DataCollector records the day.
* ``switch_policy`` (at a timeline date): reforms come into force.

Everything random is drawn from named streams (:mod:`sim.rng`) and, where possible, in bulk at the
start, so that a scenario and its counterfactual run with the same seed meet the same residents,
needs and luck.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np
from mesa.time import Schedule
from mesa.time.events import Priority

from sim import rng as streams
from sim.calendar import SLOT_H, SLOTS_PER_DAY, SlotFinder, horizon_mask, next_true, weekly_mask
from sim.committee import (
    DAYTIME_SLOTS,
    EVENING_SLOTS,
    ONLINE_JOINABLE,
    WEEKEND_SLOTS,
    CommitteeMember,
    Dispute,
    free_in,
    part_time_members,
    plan_events,
)
from sim.departments import Department, draw_pushdowns, is_department_class, make_catalogue
from sim.hall import SERVED, TURNED_AWAY, Hall, Visitor
from sim.kpis import DAILY, summarise
from sim.parameters import GROUPS
from sim.residents import (
    ADMIN,
    ASSIST,
    ELDERLY,
    PREDRAWN_VISITS,
    RESOLVED,
    SCORE_DISPUTE_ESCALATED,
    SCORE_DISPUTE_SETTLED,
    SCORE_GAVE_UP,
    SCORE_HOME_VISIT,
    U_DELAY,
    U_DEPTS,
    U_LEAVE,
    U_ONLINE,
    U_PATIENCE,
    U_PREFER,
    U_SLOT,
    U_STAGES,
    UNMET,
    V_RETRY,
    V_RETURN,
    V_SLOT,
    V_SUCCESS,
    Resident,
    draw_needs,
    extra_counters,
    make_population,
    score_by_delay,
    score_counter_matter,
    take_part,
    visit_time,
)
from sim.scenario import Scenario
from sim.staff import (
    CORE_HOURS,
    BackOffice,
    CaseItem,
    CounterDemand,
    StaffMember,
    Team,
    plan_day,
    qualifications,
    roster,
)

WORKDAY_END_H = 18.0  # back-office work of a day counts as done by 18:00
CASEWORK_CLEAR_DAYS = 5  # the head plans to clear waiting casework within a working week
INSPECTION_SLOTS = (18, 24)  # 09:00-12:00
MEETING_START_SLOTS = (18, 29)  # 09:00 or 14:30, alternately
INSPECTION_NOTICE_DAYS = 7
FORM_DEADLINE_DAYS = 5
LEDGER_DEADLINE_DAYS = 7


@dataclass(slots=True)
class Trip:
    """The state of an individual need that is still open, with the need's own draws."""

    stages: list[int]  # queues still to visit
    resident: int
    group: int
    u_leave: float
    patience_unit: float  # queue patience in units of its mean
    can_online: bool
    trips: int = 0  # trips to the centre so far
    attempts: int = 0  # queue entries so far (each uses one row of per-visit draws)
    wait_h: float = 0.0


@dataclass
class Tally:
    """Running totals for the summary."""

    # array('d'): 8 bytes a value instead of a 24-byte float object in a list.
    waits_min: array = field(default_factory=lambda: array("d"))
    daytime_waits_min: array = field(default_factory=lambda: array("d"))
    served: int = 0
    resolution_days: array = field(default_factory=lambda: array("d"))
    matter_trips: array = field(default_factory=lambda: array("i"))
    online_matters: int = 0
    admin_matters: int = 0
    outreach_visits: int = 0
    rostered_h: float = 0.0
    overtime_h: float = 0.0
    counter_staffed_h: float = 0.0
    counter_busy_h: float = 0.0
    casework_h: float = 0.0
    outreach_h: float = 0.0
    admin_h: float = 0.0
    idle_h: float = 0.0
    pushed_down: int = 0
    turned_back: int = 0
    accepted: int = 0
    unfunded_cost: float = 0.0
    income: float = 0.0
    spending: float = 0.0
    public_response_h: array = field(default_factory=lambda: array("d"))
    public_local: int = 0
    public_total: int = 0
    disputes_settled: int = 0
    disputes_closed: int = 0
    participation_years: list[np.ndarray] = field(default_factory=list)  # share per group + all
    staff_days: int = 0


class CommunityModel(mesa.Model):
    """One community under a scenario.  ``CommunityModel(scenario, seed=1).run()``."""

    def __init__(self, scenario: Scenario, seed: int = 0, days: int | None = None) -> None:
        super().__init__(rng=seed)
        self._default_schedule.stop()  # time is in hours; we schedule our own events
        self.spec = scenario
        self.seed = int(seed)
        self.days = int(days if days is not None else scenario.days)
        self.start_date = scenario.start_date
        self.weekday0 = self.start_date.weekday()
        self.horizon_h = self.days * 24.0
        self.day = -1
        self._periods = _periods(scenario, self.days)
        self.p: Mapping[str, Any] = self._periods[0][1]
        p = self.p

        # Residents and their needs: drawn once, the same in every scenario with this seed.
        self.population = make_population(p, streams.stream(self.seed, "population"))
        self.residents = [Resident(self, i) for i in range(len(self.population))]
        self.needs = draw_needs(
            self.population,
            p,
            self.days,
            streams.stream(self.seed, "needs"),
            streams.stream(self.seed, "visits"),
        )
        self._late_rng = streams.stream(self.seed, "late_visits")
        # Compact copies for the per-need hot path (numpy scalar reads cost ~100 ns each).
        self._need_t = array("d", self.needs.t.tobytes())
        self._need_resident = array("i", self.needs.resident.astype(np.int32).tobytes())
        self._service_unit = array("f", self.needs.service_unit.astype(np.float32).tobytes())
        n_needs = len(self.needs)
        self.need_status = np.zeros(n_needs, dtype=np.int8)
        self._need_ptr = 0
        self._trips: dict[int, Trip] = {}
        self._extra_counters = extra_counters(
            self.needs.u[:, U_STAGES], p["service.extra_counters_mean"], p["service.department_counters"] - 1
        )
        self._free = {
            g: horizon_mask(weekly_mask(p[f"population.free_time.{g}"]), self.days, self.weekday0)
            for g in GROUPS
        }
        self._group_of = self.population.group
        # Who is at home when full-time members call (some weekday time between 09:00 and 17:00).
        self._home_in_daytime = np.array(
            [
                any(
                    weekly_mask(p[f"population.free_time.{g}"])[
                        d * SLOTS_PER_DAY + 18 : d * SLOTS_PER_DAY + 34
                    ].any()
                    for d in range(5)
                )
                for g in GROUPS
            ],
            dtype=float,
        )
        self._groups: list[int] = self.population.group.tolist()
        self._digital: list[bool] = self.population.digital.tolist()

        # Hall: department queues 0..K-1, the one-stop queue K.
        self.n_dept_queues = int(p["service.department_counters"])
        self.one_stop_queue = self.n_dept_queues
        names = [f"department {i + 1}" for i in range(self.n_dept_queues)] + ["one-stop"]
        self.hall = Hall(names, self._on_exit)
        self.counter_demand = CounterDemand(len(names))
        self.queue_open = self._queue_open_horizon()
        self._next_open_slot = next_true(self.queue_open.any(axis=0))
        # _finders[group + 1][queue], built on first use; group -1 is "anyone taking leave".
        self._finders: list[list[SlotFinder | None]] = [[None] * len(names) for _ in range(len(GROUPS) + 1)]
        self._visits_by_day: dict[int, list[tuple[float, int, Visitor]]] = {}
        self._hall_state = [0] * len(names)  # (open, staffed) code at the end of the last day

        # Departments, their functions and the tasks they will push down.
        self.catalogue = make_catalogue(p, streams.stream(self.seed, "catalogue"))
        self.departments = [
            Department(self, i, np.flatnonzero(self.catalogue.department == i))
            for i in range(int(p["departments.count"]))
        ]
        self.pushdowns = draw_pushdowns(
            self.catalogue,
            p["departments.tasks_per_function_year"],
            self.days,
            streams.stream(self.seed, "departments"),
        )
        self._push_ptr = 0

        # Public-space problems and disputes.
        households = len(self.population) / p["population.household_size"]
        self._public = _poisson_times(
            streams.stream(self.seed, "public"), p["needs.public_space_rate"] * households, self.days, 5
        )
        self._public_ptr = 0
        self._public_open: list[float] = []  # fix times of problems not yet fixed
        rng_d = streams.stream(self.seed, "disputes")
        self._disputes_t, self._disputes_u = _poisson_times(
            rng_d, p["needs.dispute_rate"] * households, self.days, 1
        )
        self._dispute_party = rng_d.integers(0, len(self.population), len(self._disputes_t))
        self._dispute_ptr = 0
        self._disputes_waiting: deque[Dispute] = deque()

        # Staff, committee, back office.
        self.staff: list[StaffMember] = []
        self.committee: list[CommitteeMember] = []
        self.backoffice = BackOffice()
        self._elderly_pending: deque[tuple[int, float]] = deque()
        self._outreach_due = 0.0
        self._outreach_cursor = 0
        self._outreach_targets = np.flatnonzero(self.population.vulnerable | self.population.elderly_alone)
        self._accum = {"forms": 0.0, "meetings": 0.0, "inspections": 0.0}
        self._inspections: dict[int, int] = {}  # day -> number of inspections
        self._volunteer_h = 0.0
        self._pt_mediation_h = 0.0
        self._events: list[mesa.time.events.Event] = []
        self._apply_structure()

        self.tally = Tally()
        self.today: dict[str, float] = dict.fromkeys(DAILY, 0.0)
        self._participants_today = 0
        self._wait_sum_today = 0.0
        self._queued_today = 0
        self._n_resolved = 0
        self._n_unmet = 0
        # A DataCollector table: one row per day (model reporters would deep-copy every value).
        self.datacollector = mesa.DataCollector(tables={"daily": list(DAILY)})

        # The schedule.
        self.schedule_recurring(
            self.start_day, Schedule(interval=24.0, start=0.0, end=(self.days - 1) * 24.0), Priority.LOW
        )
        self.schedule_recurring(
            self.end_day, Schedule(interval=24.0, start=24.0, end=self.horizon_h), Priority.HIGH
        )
        for start_day_, _ in self._periods[1:]:
            self.schedule_event(self.switch_policy, at=start_day_ * 24.0, priority=Priority.DEFAULT)
        self._plan_committee_events(from_day=0)

    def __repr__(self) -> str:
        return f"CommunityModel({self.spec.name!r}, seed={self.seed}, days={self.days}, day={self.day})"

    # -- running ---------------------------------------------------------------------------
    def run(self) -> CommunityModel:
        """Run to the end of the horizon and return self (``summary()`` has the results)."""
        self.run_until(self.horizon_h)
        return self

    # -- structure that follows the policy in force -------------------------------------------
    def _apply_structure(self) -> None:
        """(Re)build staff, committee and roster for the policy in force."""
        p = self.p
        quals = qualifications(p)
        if [(s.degree, s.certified) for s in self.staff] != quals:
            for s in self.staff:
                s.remove()
            self.staff = [StaffMember(self, d, c) for d, c in quals]
        self.team = Team.of(self.staff, p)
        n_ft = int(p["committee.full_time_members"])
        n_pt = part_time_members(p)
        if [m.part_time for m in self.committee] != _interleave(n_ft, n_pt):
            for m in self.committee:
                m.remove()
            self.committee = [CommitteeMember(self, pt) for pt in _interleave(n_ft, n_pt)]
        hall_open_week = weekly_mask(p["service.opening"])
        self._on_duty, self._extra_bo = roster(
            hall_open_week, len(self.staff), p["staff.weekly_hours"], int(p["staff.extended_hours_crew"])
        )

        # Office space limits the one-stop hall's counters; before one-stop, each department
        # kept its own desk whatever the space ("many heads managing").
        space = max(1, int(p["office.area_m2"] // p["office.m2_per_counter"]))
        per_queue = np.ones(self.n_dept_queues + 1, dtype=np.int64)
        per_queue[self.one_stop_queue] = space
        self._counters = per_queue

    def switch_policy(self) -> None:
        """A timeline date: the reforms dated today come into force."""
        day = round(self.time / 24.0)
        old_members = [m.part_time for m in self.committee]
        self.p = self._policy_on(day)
        self._apply_structure()
        if [m.part_time for m in self.committee] != old_members:
            self._plan_committee_events(from_day=day)

    def _policy_on(self, day: int) -> Mapping[str, Any]:
        starts = [s for s, _ in self._periods]
        return self._periods[bisect.bisect_right(starts, day) - 1][1]

    def _queue_open_horizon(self) -> np.ndarray:
        """Whether each queue is open in each half-hour slot of the run.

        Queue ``k`` (after the department desks) is the one-stop hall, or, before one-stop
        service, the duty desk of the evening and weekend crew.
        """
        k = self.n_dept_queues
        out = np.zeros((k + 1, self.days * SLOTS_PER_DAY), dtype=bool)
        bounds = [s for s, _ in self._periods] + [self.days]
        for (start, p), end in zip(self._periods, bounds[1:], strict=True):
            week = weekly_mask(p["service.opening"])
            if p["service.one_stop"]:
                weeks = [np.zeros_like(week)] * k + [week]
            else:
                # Department desks keep core hours on their days; evenings and weekends (if the
                # hall opens then) are covered by the duty crew at a duty desk for any matter.
                core = week & CORE_HOURS
                days_per_week = int(p["service.department_counter_days"])
                weeks = [core & _department_days(core, j, days_per_week) for j in range(k)]
                weeks.append(week & ~CORE_HOURS)
            wd = (self.weekday0 + start) % 7
            for q, wk in enumerate(weeks):
                out[q, start * SLOTS_PER_DAY : end * SLOTS_PER_DAY] = horizon_mask(wk, end - start, wd)
        return out

    def _finder(self, group: int, queue: int) -> SlotFinder:
        """Window finder for a group (or -1: anyone taking leave) at a queue, built on first use."""
        f = self._finders[group + 1][queue]
        if f is None:
            both = self.queue_open[queue]
            if group >= 0:
                both = both & self._free[GROUPS[group]]
            f = self._finders[group + 1][queue] = SlotFinder(both)
        return f

    # -- the day --------------------------------------------------------------------------
    def start_day(self) -> None:
        self.day = day = round(self.time / 24.0)
        p = self.p
        t0 = day * 24.0
        weekday = (self.weekday0 + day) % 7
        self.today = dict.fromkeys(DAILY, 0.0)
        self._participants_today = 0
        self._wait_sum_today = 0.0
        self._queued_today = 0
        if weekday == 0 and day > 0:
            self.counter_demand.end_week()
        if weekday == 0 or day == 0:
            self._volunteer_h = p["elderly_care.volunteer_hours_per_week"]
            self._reset_mediation_hours()
            if p["burden.ledger_hours_per_week"] > 0:
                self.backoffice.add_task(
                    "ledger", p["burden.ledger_hours_per_week"], t0 + LEDGER_DEADLINE_DAYS * 24
                )
        fixed = self._burden_today(day, weekday, t0)
        self._admin_due = self.backoffice.admin_due_h(t0)  # the tasks do not change until tonight

        # Plan the counters of the queues that open today (one in a one-stop hall).
        slots = slice(weekday * SLOTS_PER_DAY, (weekday + 1) * SLOTS_PER_DAY)
        open_today = self.queue_open[:, day * SLOTS_PER_DAY : (day + 1) * SLOTS_PER_DAY]
        self._active = active = np.flatnonzero(open_today.any(axis=1))
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
            extra_backoffice_h=self._extra_bo[weekday],
            fixed=fixed,
            backoffice_due_h=self._admin_due + self.backoffice.case_backlog_h() / CASEWORK_CLEAR_DAYS,
            first_queue=day % max(len(active), 1),
        )
        self._push_staffing(t0)
        self._busy_before = sum(q.busy_h for q in self.hall.queues)

        # Today's needs (read as Python lists once: numpy scalar access is slow in a loop).
        needs = self.needs
        t_end = t0 + 24.0
        i0 = self._need_ptr
        i1 = int(np.searchsorted(needs.t, t_end))
        for i, kind, t, r, u in zip(
            range(i0, i1),
            needs.kind[i0:i1].tolist(),
            needs.t[i0:i1].tolist(),
            needs.resident[i0:i1].tolist(),
            needs.u[i0:i1].tolist(),
            strict=True,
        ):
            self._need_arises(i, kind, t, r, u)
        self.today["needs_arisen"] = i1 - i0
        self._need_ptr = i1
        for t, q, v in self._visits_by_day.pop(day, ()):
            self.hall.arrive(t, q, v)
            self.today["visits"] += 1
        self._public_today(t_end)
        while self._dispute_ptr < len(self._disputes_t) and self._disputes_t[self._dispute_ptr] < t_end:
            k = self._dispute_ptr
            r = int(self._dispute_party[k])
            self._disputes_waiting.append(
                Dispute(
                    k, float(self._disputes_t[k]), r, int(self._group_of[r]), float(self._disputes_u[k, 0])
                )
            )
            self._dispute_ptr += 1

    def _burden_today(self, day: int, weekday: int, t0: float) -> np.ndarray:
        """Forms, meetings and inspections arriving today; returns staff taken off per slot."""
        p = self.p
        fixed = np.zeros(SLOTS_PER_DAY, dtype=np.int64)
        acc = self._accum
        acc["forms"] += p["burden.forms_per_month"] * 12 / 365
        while acc["forms"] >= 1:
            acc["forms"] -= 1
            self.backoffice.add_task("form", p["burden.form_hours"], t0 + FORM_DEADLINE_DAYS * 24)
        if weekday < 5:
            acc["meetings"] += p["burden.meetings_per_week"] / 5
            k = 0
            while acc["meetings"] >= 1:
                acc["meetings"] -= 1
                start = MEETING_START_SLOTS[(day + k) % 2]
                fixed[start : start + round(p["burden.meeting_hours"] / SLOT_H)] += 1
                k += 1
            acc["inspections"] += p["burden.inspections_per_year"] / 261
            while acc["inspections"] >= 1:
                acc["inspections"] -= 1
                when = day + INSPECTION_NOTICE_DAYS
                self._inspections[when] = self._inspections.get(when, 0) + 1
                self.backoffice.add_task("inspection", p["burden.inspection_prep_hours"], when * 24.0)
        for _ in range(self._inspections.pop(day, 0)):
            fixed[INSPECTION_SLOTS[0] : INSPECTION_SLOTS[1]] += int(p["burden.inspection_staff"])
        return fixed

    def _push_staffing(self, t0: float) -> None:
        """Tell the hall when each queue opens, closes or changes its staffed counters today."""
        plan, active = self.plan, self._active
        state = self._hall_state
        for q, c in enumerate(state):  # a queue left open overnight that does not open today
            if c and q not in active:
                self.hall.set_staffing(t0, q, False, 0)
                state[q] = 0
        # One integer per slot encodes (open, staffed); the hall hears only the changes.
        codes = np.where(plan.open, plan.staffed + 1, 0).tolist()
        for q, row in zip(active.tolist(), codes, strict=True):
            last = state[q]
            for s, c in enumerate(row):
                if c != last:
                    self.hall.set_staffing(t0 + s * SLOT_H, q, c > 0, max(c - 1, 0))
                    last = c
            state[q] = last
        self.today["counters_staffed_h"] = float(plan.staffed.sum()) * SLOT_H

    # -- individual needs -------------------------------------------------------------------
    def _need_arises(self, i: int, kind: int, t: float, r: int, u: list[float]) -> None:
        p = self.p
        if kind == ELDERLY:
            if p["elderly_care.station"]:
                done = t - p["elderly_care.station_response_h"] * math.log1p(-u[U_DELAY])
                self._resolve(i, done)
            else:
                self._elderly_pending.append((i, t))
            return
        setout = t - p["needs.visit_delay_days"] * 24.0 * math.log1p(-u[U_DELAY])
        can_online = False
        if kind == ADMIN:
            self.tally.admin_matters += 1
            can_online = self._digital[r] and u[U_ONLINE] < p["informatisation.online_services_share"]
            if can_online and u[U_PREFER] < p["needs.online_preference"]:
                self._go_online(i, setout)
                return
            if p["service.one_stop"]:
                stages = [self.one_stop_queue]
            else:
                first = int(u[U_DEPTS] * self.n_dept_queues)
                stages = [(first + j) % self.n_dept_queues for j in range(1 + int(self._extra_counters[i]))]
        else:  # social assistance: an intake at the counter, then casework
            stages = [self.one_stop_queue if p["service.one_stop"] else 0]
        self._trips[i] = Trip(
            stages=stages,
            resident=r,
            group=self._groups[r],
            u_leave=u[U_LEAVE],
            patience_unit=-math.log1p(-u[U_PATIENCE]),
            can_online=can_online,
        )
        self._plan_trip(i, setout, u_slot=u[U_SLOT])

    def _draw(self, i: int, attempt: int, col: int) -> float:
        if attempt < PREDRAWN_VISITS:
            return float(self.needs.v[i, attempt, col])
        return float(self._late_rng.random())

    def _plan_trip(self, i: int, t_from: float, u_slot: float | None = None) -> None:
        """The resident sets out at ``t_from`` (or later) for the next queue of the matter."""
        trip = self._trips[i]
        p = self.p
        if trip.trips >= p["needs.max_visits"]:
            self._unmet(i)
            return
        g = trip.group
        if u_slot is None:
            u_slot = self._draw(i, trip.attempts, V_SLOT)
        # The next department's desk, or the duty desk in the evening or at the weekend if that
        # comes first (before one-stop service; with it, there is only the hall).
        t_visit, q = None, trip.stages[0]
        for desk in (q,) if q == self.one_stop_queue else (q, self.one_stop_queue):
            t = visit_time(
                t_from,
                self._finder(g, desk),
                self._finder(-1, desk),
                u_slot,
                trip.u_leave,
                p["needs.take_leave_prob"][GROUPS[g]],
                p["needs.patience_days"] * 24.0,
                p["needs.visit_spread_h"],
            )
            if t is not None and (t_visit is None or t < t_visit):
                t_visit, q = t, desk
        if t_visit is None:
            # Online as a last resort, if this matter can be done online today.
            if trip.can_online or (
                self.needs.kind[i] == ADMIN
                and self._digital[trip.resident]
                and float(self.needs.u[i, U_ONLINE]) < p["informatisation.online_services_share"]
            ):
                del self._trips[i]
                self._go_online(i, t_from)
            else:
                self._unmet(i)
            return
        trip.trips += 1
        self._enqueue(i, q, t_visit)

    def _enqueue(self, i: int, q: int, t: float) -> None:
        trip = self._trips[i]
        p = self.p
        a = trip.attempts
        trip.attempts += 1
        patience = (
            trip.patience_unit * p["needs.queue_patience_min"] / 60.0 if p["needs.reneging"] else math.inf
        )
        unit = (
            self._service_unit[i * PREDRAWN_VISITS + a]
            if a < PREDRAWN_VISITS
            else float(self._late_rng.exponential())
        )
        service_h = unit * p["service.counter_service_min"] / 60.0 * self.team.service_factor
        v = Visitor(need=i, arrived=t, deadline=t + patience, service_h=service_h)
        day = int(t // 24.0)
        if day < self.days:
            week_slot = ((self.weekday0 + day) % 7) * SLOTS_PER_DAY + int((t - day * 24.0) // SLOT_H)
            self.counter_demand.observe(q, week_slot, service_h)
        if day == self.day:
            self.hall.arrive(t, q, v)
            self.today["visits"] += 1
        elif day < self.days:
            self._visits_by_day.setdefault(day, []).append((t, q, v))
        # else: the visit falls after the run; the need stays pending

    def _on_exit(self, v: Visitor, outcome: str, t: float, q: int) -> None:
        """A resident leaves a hall queue: served, left the queue, or turned away at closing."""
        i = v.need
        trip = self._trips[i]
        # Waits count everyone who queued, served or not: a resident who waited an hour and left
        # had a worse wait than one served, not none (arrivals at a closed door never queued).
        left_at = v.started if outcome == SERVED else t
        if outcome == SERVED or left_at > v.arrived:
            wait_min = (left_at - v.arrived) * 60.0
            self.tally.waits_min.append(wait_min)
            if self._is_daytime(v.arrived):
                self.tally.daytime_waits_min.append(wait_min)
            self._wait_sum_today += wait_min
            self._queued_today += 1
        if outcome == SERVED:
            trip.wait_h += v.started - v.arrived
            self.today["served"] += 1
            a = trip.attempts - 1
            if self._draw(i, a, V_SUCCESS) >= self.team.first_visit_success:
                self._come_back(i, t, a)  # missing papers: back another day for this counter
                return
            trip.stages.pop(0)
            if not trip.stages:
                self._matter_done(i, t)
                return
            nxt = trip.stages[0]
            slot = int(t // SLOT_H)
            if slot < self.queue_open.shape[1] and self.queue_open[nxt, slot]:
                self._enqueue(i, nxt, t)  # on to the next department's counter
            elif slot < self.queue_open.shape[1] and self.queue_open[self.one_stop_queue, slot]:
                self._enqueue(i, self.one_stop_queue, t)  # the duty desk takes the next step
            else:
                self._come_back(i, t, a)
        else:
            trip.wait_h += t - v.arrived
            a = trip.attempts - 1
            if self._draw(i, a, V_RETRY) >= self.p["needs.retry_prob"]:
                self._unmet(i)
            elif outcome == TURNED_AWAY:
                self._plan_trip(i, t)  # the door closed: back in the next window
            else:
                self._come_back(i, t, a)

    def _is_daytime(self, t: float) -> bool:
        day = int(t // 24.0)
        hour = t - day * 24.0
        return (self.weekday0 + day) % 7 < 5 and 8.0 <= hour < 17.5

    def _come_back(self, i: int, t: float, attempt: int) -> None:
        delay = -self.p["needs.return_delay_days"] * 24.0 * math.log1p(-self._draw(i, attempt, V_RETURN))
        self._plan_trip(i, t + delay)

    def _matter_done(self, i: int, t: float) -> None:
        trip = self._trips.pop(i)
        if self.needs.kind[i] == ASSIST:
            hours = self.p["service.casework_hours"] * self.team.casework_factor
            self.backoffice.add_case(CaseItem(i, ASSIST, hours, t))
            return
        self.tally.matter_trips.append(trip.trips)
        wait_min = trip.wait_h * 60.0
        self._resolve(i, t, score=score_counter_matter(wait_min, trip.trips))

    def _go_online(self, i: int, t: float) -> None:
        self.tally.online_matters += 1
        hours = self.p["service.counter_service_min"] / 60.0 * self.p["service.online_service_factor"]
        self.backoffice.add_case(CaseItem(i, ADMIN, hours * self.team.service_factor, t))

    def _resolve(self, i: int, t: float, score: float | None = None) -> None:
        if t >= self.horizon_h:
            return  # resolved after the run: still pending at its end
        self.need_status[i] = RESOLVED
        days = (t - self._need_t[i]) / 24.0
        self.tally.resolution_days.append(days)
        if score is None:
            score = score_by_delay(days)
        self.population.experience(self._need_resident[i], score)
        self._n_resolved += 1

    def _unmet(self, i: int) -> None:
        self._trips.pop(i, None)
        self.need_status[i] = UNMET
        self._n_unmet += 1
        self.population.experience(self._need_resident[i], SCORE_GAVE_UP)

    # -- public-space problems ------------------------------------------------------------
    def _public_today(self, t_end: float) -> None:
        """Problems appearing today: found (by officers or residents), then fixed or escalated."""
        p = self.p
        times, u = self._public
        pt = sum(m.part_time for m in self.committee)
        fix_by_units = 1.0 - (1.0 - p["committee.part_time_fix_share"]) ** pt
        while self._public_ptr < len(times) and times[self._public_ptr] < t_end:
            k = self._public_ptr
            self._public_ptr += 1
            t = float(times[k])
            uk = u[k]
            if p["informatisation.grid_reporting"]:
                found = t + uk[0] * p["informatisation.patrol_interval_h"]
                escalation = p["informatisation.platform_escalation_delay_h"]
            else:
                noticed = t - p["needs.public_report_delay_h"] * math.log1p(-uk[0])
                found = self._next_open(noticed)
                escalation = p["departments.escalation_delay_h"]
            local = uk[1] < p["departments.authority_share"] or uk[2] < fix_by_units
            if local:
                fixed = found - p["informatisation.local_fix_h"] * math.log1p(-uk[3])
            else:
                fixed = found - escalation * math.log1p(-uk[3])
                self.departments[int(uk[4] * len(self.departments))].escalations += 1
            self.tally.public_total += 1
            self.tally.public_local += bool(local)
            if fixed < self.horizon_h:
                self.tally.public_response_h.append(fixed - t)
            self._public_open.append(fixed)

    def _next_open(self, t: float) -> float:
        """First time at or after t when any hall queue is open (residents report in person)."""
        s = int(t // SLOT_H)
        if s >= len(self._next_open_slot):
            return t
        return max(t, float(self._next_open_slot[s]) * SLOT_H)

    # -- end of the day ---------------------------------------------------------------------
    def end_day(self) -> None:
        day = self.day
        t0, t_end = day * 24.0, day * 24.0 + 24.0
        self.hall.run_until(t_end)
        self._backoffice_work(day, t0)
        self._mediate(day, t0)
        self._push_down(t_end)
        self._money_day()
        self._record_day()  # before the year closes, so its last day shows the year's participation
        if (day + 1) % 365 == 0:
            self._close_participation_year()
        if day == self.days - 1:
            self._finish()

    def _backoffice_work(self, day: int, t0: float) -> None:
        p, plan, bo, tally = self.p, self.plan, self.backoffice, self.tally
        workday_end = t0 + WORKDAY_END_H
        hours = plan.backoffice_h
        due = self._admin_due
        admin = bo.do_admin(hours, workday_end, only_due=due)
        hours -= admin
        overtime = 0.0
        if due - admin > 1e-9:
            cap = p["staff.overtime_cap_h_per_day"] * len(self.staff)
            overtime = bo.do_admin(cap, workday_end, only_due=due - admin)
            admin += overtime
        # Volunteers take elderly-care requests first; what they cannot take goes to staff.
        visit_h = p["service.elderly_visit_hours"]
        while self._elderly_pending and self._elderly_pending[0][1] < workday_end:
            i, t = self._elderly_pending.popleft()
            if self._volunteer_h >= visit_h:
                self._volunteer_h -= visit_h
                self._resolve(i, max(t, workday_end))
            else:
                bo.add_case(CaseItem(i, ELDERLY, visit_h * self.team.casework_factor, t))
        case_h, done = bo.do_cases(hours, workday_end)
        hours -= case_h
        for item in done:
            self._resolve(item.need, max(item.arrived, workday_end))
        ahead = bo.do_admin(hours, workday_end)
        hours -= ahead
        admin += ahead
        # Outreach: monthly home visits to vulnerable and elderly residents, with what is left.
        n_targets = len(self._outreach_targets)
        per_day = n_targets * p["service.outreach_visits_per_month"] * 12 / 365
        self._outreach_due = min(self._outreach_due + per_day, per_day * 30)
        visit = p["service.outreach_visit_hours"]
        n_visits = int(min(self._outreach_due, hours / visit, n_targets)) if visit > 0 else 0
        if n_visits:
            who = (self._outreach_cursor + np.arange(n_visits)) % n_targets
            self._outreach_cursor += n_visits
            self.population.experience_many(self._outreach_targets[who], SCORE_HOME_VISIT)
        self._outreach_due -= n_visits
        outreach_h = n_visits * visit
        hours -= outreach_h

        busy = sum(q.busy_h for q in self.hall.queues) - self._busy_before
        fixed_h = plan.fixed_h + plan.fixed_overtime_h
        overtime += plan.fixed_overtime_h
        tally.rostered_h += plan.rostered_h
        tally.overtime_h += overtime
        tally.counter_staffed_h += self.today["counters_staffed_h"]
        tally.counter_busy_h += busy
        tally.casework_h += case_h
        tally.outreach_h += outreach_h
        tally.admin_h += admin + fixed_h
        tally.outreach_visits += n_visits
        per_staff = overtime / max(len(self.staff), 1)
        for s in self.staff:
            s.hours_worked += plan.rostered_h / max(len(self.staff), 1) + per_staff
            s.overtime_h += per_staff
        td = self.today
        td["counter_busy_h"] = busy
        td["casework_h"] = case_h
        td["outreach_h"] = outreach_h
        td["admin_h"] = admin + fixed_h
        td["overtime_h"] = overtime
        td["idle_h"] = max(hours, 0.0) + max(self.today["counters_staffed_h"] - busy, 0.0)
        tally.idle_h += td["idle_h"]

    def _self_governance_h_per_week(self) -> float:
        """Full-time members' weekly hours left for self-governance after government errands (what
        "three in one" gives back); mediation and door-to-door mobilisation each take a share."""
        p = self.p
        n_ft = sum(not m.part_time for m in self.committee)
        return n_ft * p["committee.weekly_hours"] * (1 - p["committee.errand_share"])

    def _reset_mediation_hours(self) -> None:
        """Each Monday: the week's mediation hours of full-time and part-time members."""
        p = self.p
        n_pt = sum(m.part_time for m in self.committee)
        self._ft_mediation_h = self._self_governance_h_per_week() * p["committee.mediation_share"]
        self._pt_mediation_h = n_pt * p["committee.part_time_hours_per_week"]

    def _mediate(self, day: int, t0: float) -> None:
        p = self.p
        weekday = (self.weekday0 + day) % 7
        need_h = p["committee.mediation_hours"]
        patience_h = p["committee.dispute_patience_days"] * 24.0
        day_slots = slice(day * SLOTS_PER_DAY, (day + 1) * SLOTS_PER_DAY)
        free_today = [self._free[g][day_slots] for g in GROUPS]
        waiting = self._disputes_waiting
        still: deque[Dispute] = deque()
        while waiting:
            d = waiting.popleft()
            if d.t >= t0 + 24.0:
                still.append(d)
                continue
            free = free_today[d.group]
            by = None
            if self._ft_mediation_h >= need_h and weekday < 5 and free_in(free, DAYTIME_SLOTS):
                self._ft_mediation_h -= need_h
                by = False
            elif self._pt_mediation_h >= need_h and free_in(
                free, WEEKEND_SLOTS if weekday >= 5 else EVENING_SLOTS
            ):
                self._pt_mediation_h -= need_h
                by = True
            if by is not None:
                member = next((m for m in self.committee if m.part_time == by), None)
                if member is not None:
                    member.disputes_mediated += 1
                settled = d.u_success < p["committee.mediation_success"]
                self._dispute_closed(d, settled)
            elif t0 + 24.0 - d.t > patience_h:
                self._dispute_closed(d, False)
            else:
                still.append(d)
        self._disputes_waiting = still

    def _dispute_closed(self, d: Dispute, settled: bool) -> None:
        self.tally.disputes_closed += 1
        self.tally.disputes_settled += settled
        self.population.experience(d.resident, SCORE_DISPUTE_SETTLED if settled else SCORE_DISPUTE_ESCALATED)

    def _push_down(self, t_end: float) -> None:
        """Departments push today's tasks down; classification and the access system filter them."""
        p, pd, tally = self.p, self.pushdowns, self.tally
        while self._push_ptr < len(pd) and pd.t[self._push_ptr] < t_end:
            k = self._push_ptr
            self._push_ptr += 1
            f = int(pd.function[k])
            dept = self.departments[int(self.catalogue.department[f])]
            departmental = is_department_class(int(self.catalogue.cls[f]))
            if (
                departmental
                and p["departments.classification"]
                and pd.u_withhold[k] < p["departments.classification_compliance"]
            ):
                continue  # the department keeps its own work
            tally.pushed_down += 1
            dept.tasks_pushed += 1
            if departmental and pd.u_access[k] < p["departments.access_strictness"]:
                tally.turned_back += 1
                dept.tasks_turned_back += 1
                continue
            tally.accepted += 1
            t = float(pd.t[k])
            self.backoffice.add_task(
                "task",
                pd.hours_unit[k] * p["departments.task_hours_mean"],
                t + p["departments.task_deadline_days"] * 24.0,
            )
            cost = pd.cost_unit[k] * p["departments.task_cost_yuan_mean"]
            tally.spending += cost
            if pd.u_funded[k] < p["departments.funded_share"]:
                tally.income += cost
            else:
                tally.unfunded_cost += cost

    def _money_day(self) -> None:
        p = self.p
        pt = sum(m.part_time for m in self.committee)
        self.tally.income += (
            p["finance.fiscal_yuan_year"]
            + p["finance.co_building_yuan_year"]
            + pt * p["committee.paired_unit_yuan_per_part_time"]
        ) / 365.0
        self.tally.spending += p["office.area_m2"] * p["finance.operating_cost_yuan_per_m2"] / 365.0

    # -- participation ----------------------------------------------------------------------
    def _plan_committee_events(self, from_day: int) -> None:
        for ev in self._events:
            if ev.time >= from_day * 24.0:
                ev.cancel()
        self._events = [e for e in self._events if e.time < from_day * 24.0]
        part_timers = [m.part_time for m in self.committee]
        planned = plan_events(self.p, self.start_date, self.days, part_timers)
        self._planned_events = planned
        # Events in time order; each Mesa event holds the next one, so two events at the same
        # hour are two events (Mesa callbacks take no arguments).
        self._event_queue = deque(
            sorted(((e.time_h, n, e) for n, e in enumerate(planned) if e.time_h >= from_day * 24.0))
        )
        for t, _, _ in self._event_queue:
            self._events.append(self.schedule_event(self.hold_event, at=t, priority=Priority.DEFAULT))

    def hold_event(self) -> None:
        """A council, hearing or activity now: who hears of it, who is free, who comes."""
        _, n, event = self._event_queue.popleft()
        p = self.p
        member = self.committee[event.organiser % len(self.committee)]
        member.events_organised += 1
        slot = int(self.time // SLOT_H)
        free_now = np.array([self._free[g][slot] for g in GROUPS])
        board = np.array([p["population.notice_board_reach"][g] for g in GROUPS])
        visits = self._home_in_daytime * self._mobilisation_reach()
        # Each event's draws come from its own sub-stream, so events stay paired across
        # scenarios even when a part-time organiser moves one to the evening.
        rng = np.random.default_rng(
            np.random.SeedSequence(self.seed, spawn_key=(streams.stream_key("participation"), n))
        )
        online = p["participation.online_channels"]
        came = take_part(
            self.population,
            rng.random((len(self.population), 4), dtype=np.float32),
            free_now,
            board,
            visits,
            online_notice=online,
            online_join=online and event.kind in ONLINE_JOINABLE,
            online_reach=p["participation.online_reach"],
            online_factor=p["participation.online_take_part_factor"],
        )
        self.population.took_part |= came
        self._participants_today += int(came.sum())
        self.tally.spending += p["finance.event_cost_yuan"]

    def _mobilisation_reach(self) -> float:
        """Share of households full-time members visit before an event (door-to-door, 入户): their
        self-governance hours not taken by government errands, the share spent mobilising, spread
        over the year's events."""
        p = self.p
        hours = self._self_governance_h_per_week() * 52 * p["committee.mobilisation_share"]
        events = max(len(self._planned_events), 1) * 365 / self.days
        households = len(self.population) / p["population.household_size"]
        return min(1.0, hours * p["committee.households_per_hour"] / events / households)

    def _participation_shares(self) -> np.ndarray:
        pop = self.population
        counts = np.bincount(pop.group, minlength=len(GROUPS))
        took = np.bincount(pop.group, weights=pop.took_part, minlength=len(GROUPS))
        shares = np.divide(took, counts, out=np.full(len(GROUPS), np.nan), where=counts > 0)
        return np.append(shares, pop.took_part.mean())

    def _close_participation_year(self) -> None:
        self.tally.participation_years.append(self._participation_shares())
        self.population.took_part[:] = False

    # -- records ---------------------------------------------------------------------------
    def _record_day(self) -> None:
        td = self.today
        queued = self._queued_today
        td["wait_mean_min"] = self._wait_sum_today / queued if queued else float("nan")
        td["admin_backlog_h"] = self.backoffice.admin_backlog_h()
        td["casework_backlog"] = len(self.backoffice.cases)
        td["resolved_total"] = self._n_resolved
        td["unmet_total"] = self._n_unmet
        td["participants"] = self._participants_today
        td["participation_ytd"] = float(self.population.took_part.mean())
        td["satisfaction_mean"] = float(self.population.satisfaction.mean())
        td["balance_yuan"] = self.tally.income - self.tally.spending
        t_now = (self.day + 1) * 24.0
        self._public_open = [f for f in self._public_open if f > t_now]
        td["public_open"] = len(self._public_open)
        self.datacollector.add_table_row("daily", td)
        self.tally.staff_days += len(self.staff)

    def _finish(self) -> None:
        # A last part-year counts if it is at least a month long, or if it is all there is.
        if not self.tally.participation_years or self.days % 365 >= 30:
            self.tally.participation_years.append(self._participation_shares())

    # -- results ------------------------------------------------------------------------------
    def daily(self):
        """The daily series as a pandas DataFrame, one row per day, with the date."""
        import pandas as pd

        df = self.datacollector.get_table_dataframe("daily").reset_index(drop=True)
        df.insert(0, "day", np.arange(len(df)))
        df.insert(1, "date", pd.date_range(self.start_date, periods=len(df), freq="D").date)
        return df

    def summary(self) -> dict[str, float]:
        """The end-of-run KPIs (see :mod:`sim.kpis`)."""
        return summarise(self)


def _periods(scenario: Scenario, days: int) -> list[tuple[int, Mapping[str, Any]]]:
    """The policy in force from each timeline date (day 0 first)."""
    out = [(0, scenario.params_on_day(0))]
    for step_day in sorted({s.day for s in scenario.timeline if 0 < s.day < days}):
        out.append((step_day, scenario.params_on_day(step_day)))
    return out


def _department_days(week: np.ndarray, j: int, n_days: int) -> np.ndarray:
    """Department j's counter is staffed on ``n_days`` of the hall's open days, in rotation."""
    open_days = [d for d in range(7) if week[d * SLOTS_PER_DAY : (d + 1) * SLOTS_PER_DAY].any()]
    mask = np.zeros_like(week)
    for k in range(min(n_days, len(open_days))):
        d = open_days[(j + k) % len(open_days)]
        mask[d * SLOTS_PER_DAY : (d + 1) * SLOTS_PER_DAY] = True
    return mask


def _poisson_times(
    rng: np.random.Generator, rate_per_year: float, days: int, n_u: int
) -> tuple[np.ndarray, np.ndarray]:
    """Times of a Poisson process over the run, sorted, with ``n_u`` uniforms for each event."""
    n = rng.poisson(rate_per_year * days / 365.0)
    t = np.sort(rng.uniform(0.0, days * 24.0, n))
    return t, rng.random((n, n_u))


def _interleave(n_ft: int, n_pt: int) -> list[bool]:
    """Committee order with part-timers spread evenly, so the rotation of organisers gives them
    their share of events through the year."""
    total = n_ft + n_pt
    return [(i + 1) * n_pt // total > i * n_pt // total for i in range(total)]
