"""Public-service-centre staff: shifts, counters, back-office work and overtime.

How the centre uses its staff each day (ODD+D: the centre head's rules):

1. **Roster.**  Evenings and weekends the hall is open get a small duty crew; the rest of the
   contract hours are spread as evenly as possible over the core weekday opening hours.  If those
   are fewer than a staff member's contract, everybody is on duty whenever the hall is open and
   the rest of the hours are back-office time on working days.  Opening longer with the same
   staff (staggered hours) therefore leaves fewer people on duty in the day unless staff are
   added.
2. **Fixed obligations.**  Meetings and inspections take named people off duty at set times.
3. **Counters.**  The head expects, for each half-hour of the week, the counter work that arrived
   in that half-hour in past weeks (an exponentially weighted average, updated weekly; with no
   history yet, every counter is staffed).  She staffs enough counters to keep them busy no more
   than a target share of the time, at least one while the hall is open, and no more than the
   office has room for or staff on duty; the others work in the back office.
4. **Deadlines first.**  The administrative work due today (pushed-down tasks paced to their
   deadlines, forms, ledgers, inspection preparation) must be done, and the casework waiting
   should be cleared within a week (a fifth of it each day).  The head counts on the back-office
   hours, on the lulls at the counters (one pool of staff time: the share of counter time she has
   lately seen spent in the back office) and on tonight's overtime, up to its cap: counters stay
   open in the day and the forms are filled in at night ("白加黑", days plus nights, as
   grassroots workers describe it).  Only for what none of these covers does she pull staff off
   counters for the day (keeping one counter open); the rest is late.  This is how government
   errands crowd out services, the problem the Changsha reforms set out to solve.
5. **Leftover time** goes to casework (social assistance, elderly care, online matters), then to
   administrative work ahead of its deadline, then to outreach home visits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from sim.calendar import CORE_HOURS, SLOT_H, SLOTS_PER_DAY, SLOTS_PER_WEEK

if TYPE_CHECKING:
    from sim.model import CommunityModel


class StaffMember(mesa.Agent):
    """A hired member of the public-service centre."""

    def __init__(self, model: CommunityModel, degree: bool, certified: bool) -> None:
        super().__init__(model)
        self.degree = degree
        self.certified = certified

    def __repr__(self) -> str:
        quals = [q for q, has in (("degree", self.degree), ("social worker", self.certified)) if has]
        return f"StaffMember({self.unique_id}, {', '.join(quals) or 'no degree'})"


def qualifications(params: Mapping[str, Any]) -> list[tuple[bool, bool]]:
    """(degree, certified) for each staff member, from the shares (rounded to whole people)."""
    n = int(params["staff.count"])
    n_degree = round(params["staff.degree_share"] * n)
    n_cert = round(params["staff.certified_share"] * n)
    if params["staff.at_least_one_certified"]:
        n_cert = max(n_cert, 1)
    n_cert = min(n_cert, n)
    # Certified social workers are counted among degree holders first (most of them are).
    return [(i < n_degree, i < n_cert) for i in range(n)]


@dataclass(frozen=True)
class Team:
    """What the staff as a whole can do, from their qualifications."""

    size: int
    service_factor: float  # multiplies counter service time
    first_visit_success: float
    casework_factor: float  # multiplies casework hours

    @classmethod
    def of(cls, staff: list[StaffMember], params: Mapping[str, Any]) -> Team:
        n = max(len(staff), 1)
        degree = sum(s.degree for s in staff) / n
        cert = sum(s.certified for s in staff) / n
        return cls(
            size=len(staff),
            service_factor=1.0 - params["staff.degree_speedup"] * degree,
            first_visit_success=min(
                1.0, params["service.first_visit_success"] + params["staff.degree_first_visit_gain"] * degree
            ),
            casework_factor=1.0 - params["staff.certified_casework_speedup"] * cert,
        )


def roster(
    open_week: np.ndarray, n_staff: int, weekly_hours: float, extended_crew: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Staff on duty in each half-hour slot of the week, and back-office hours per weekday.

    Opening hours outside the core weekday hours (evenings, weekends) get a duty crew of
    ``extended_crew`` people, as in the staggered-hours pilots; the rest of the week's
    staff-hours are spread evenly over the core opening hours (whole people, the remainder spread
    through the week).  Hours left when everybody is on duty whenever the core hall is open become
    back-office hours on the days the hall opens.  With the same staff, longer opening therefore
    leaves fewer people on duty in the day.
    """
    on_duty = np.zeros(SLOTS_PER_WEEK, dtype=np.int64)
    extra = np.zeros(7)
    staff_slots = n_staff * weekly_hours / SLOT_H
    extended = np.flatnonzero(open_week & ~CORE_HOURS)
    crew = min(extended_crew, n_staff)
    if crew * len(extended) > staff_slots:  # not even enough hours for the crew: spread them all
        _spread(on_duty, np.flatnonzero(open_week), staff_slots)
        return on_duty, extra
    on_duty[extended] = crew
    staff_slots -= crew * len(extended)
    core = np.flatnonzero(open_week & CORE_HOURS)
    if len(core) * n_staff <= staff_slots:
        on_duty[core] = n_staff
        open_days = np.unique(np.flatnonzero(open_week) // SLOTS_PER_DAY)
        extra[open_days] = (staff_slots - len(core) * n_staff) * SLOT_H / len(open_days)
    else:
        _spread(on_duty, core, staff_slots)
    return on_duty, extra


def _spread(on_duty: np.ndarray, slots: np.ndarray, staff_slots: float) -> None:
    """Whole people over ``slots``, the remainder spread through the week, not bunched at Monday."""
    if len(slots) == 0:
        return
    base, rem = divmod(round(staff_slots), len(slots))
    on_duty[slots] = base
    picks = (np.arange(rem) * len(slots)) // max(rem, 1)
    on_duty[slots[picks]] += 1


@dataclass
class DayPlan:
    """Counters staffed per queue and slot, and the staff hours of the day."""

    staffed: np.ndarray  # (n_queues, 48) counters staffed
    open: np.ndarray  # (n_queues, 48) queue open
    rostered_h: float
    backoffice_h: float  # rostered hours not at a counter and not in fixed obligations
    fixed_h: float  # meetings and inspections during rostered time
    fixed_overtime_h: float  # meetings and inspections outside anyone's duty
    pulled_counters: int  # counters taken off in every slot so the back office can meet its deadlines


class CounterDemand:
    """The centre head's expectation of counter work, per queue and half-hour of the week."""

    def __init__(self, n_queues: int, weight: float = 0.3) -> None:
        self.weight = weight
        self.expected = np.full((n_queues, SLOTS_PER_WEEK), np.nan)
        # Plain lists: one addition per arrival is far cheaper than a numpy scalar update.
        self.observed = [[0.0] * SLOTS_PER_WEEK for _ in range(n_queues)]

    def observe(self, queue: int, week_slot: int, service_h: float) -> None:
        self.observed[queue][week_slot] += service_h

    def end_week(self) -> None:
        w = self.weight
        observed = np.array(self.observed)
        self.expected = np.where(np.isnan(self.expected), observed, (1 - w) * self.expected + w * observed)
        for row in self.observed:
            row[:] = [0.0] * SLOTS_PER_WEEK

    def counters_needed(self, weekday: int, target_utilisation: float, queues: np.ndarray) -> np.ndarray:
        """Counters to staff per queue (of ``queues``) and slot of the day (large when unknown)."""
        day = self.expected[queues, weekday * SLOTS_PER_DAY : (weekday + 1) * SLOTS_PER_DAY]
        need = np.ceil(day / (SLOT_H * target_utilisation) - 1e-9)
        return np.where(np.isnan(need), 10**6, np.maximum(need, 1)).astype(np.int64)


def plan_day(
    queue_open: np.ndarray,
    counters_per_queue: np.ndarray,
    counters_needed: np.ndarray,
    on_duty: np.ndarray,
    extra_backoffice_h: float,
    fixed: np.ndarray,
    backoffice_due_h: float,
    first_queue: int = 0,
    reclaim_share: float = 0.0,
    overtime_h: float = 0.0,
) -> DayPlan:
    """Decide the counters for one day (rules 2-4 of the module docstring).

    ``queue_open`` and ``counters_needed`` are (n_queues, 48), ``counters_per_queue`` the counters
    each queue has room for, ``on_duty`` and ``fixed`` (staff in meetings/inspections) per slot.
    When there are fewer people than counters, queues are served in turn starting at
    ``first_queue``; the caller rotates it day by day so that no department's desk is always the
    one left empty.  ``reclaim_share`` is the back-office time the head expects from each staffed
    counter hour while the counter is free (one pool of staff time), and ``overtime_h`` the deadline
    work the staff will do in the evening (overtime first: counters stay open in the day and the
    forms are filled in at night); she pulls counters only for the deadline work that none of these
    covers.
    """
    taken = np.minimum(fixed, on_duty)
    available = on_duty - taken
    n_q = queue_open.shape[0]
    staffed = np.zeros((n_q, SLOTS_PER_DAY), dtype=np.int64)
    left = available.copy()
    wanted = np.minimum(counters_needed, counters_per_queue[:, None])
    for k in range(n_q):
        q = (first_queue + k) % n_q
        take = np.where(queue_open[q], np.minimum(wanted[q], left), 0)
        staffed[q] = take
        left -= take
    total = staffed.sum(axis=0)
    rostered_h = float(on_duty.sum()) * SLOT_H + extra_backoffice_h
    fixed_h = float(taken.sum()) * SLOT_H
    backoffice_h = rostered_h - fixed_h - float(total.sum()) * SLOT_H
    pulled = 0
    open_any = queue_open.any(axis=0)
    open_h = float(open_any.sum()) * SLOT_H
    expected_h = backoffice_h + reclaim_share * float(total.sum()) * SLOT_H + overtime_h
    if backoffice_due_h > expected_h + 1e-9 and open_h > 0:
        # A pulled counter gives the back office its whole time, not just its free stretches.
        gain_h = (1.0 - reclaim_share) * open_h
        max_staffed = int(total.max())
        pulled = min(math.ceil((backoffice_due_h - expected_h) / gain_h), max(max_staffed - 1, 0))
        if pulled:
            staffed, removed = _pull(staffed, pulled)
            backoffice_h += removed
    return DayPlan(
        staffed=staffed,
        open=queue_open,
        rostered_h=rostered_h,
        backoffice_h=backoffice_h,
        fixed_h=fixed_h,
        fixed_overtime_h=float((fixed - taken).sum()) * SLOT_H,
        pulled_counters=pulled,
    )


def _pull(staffed: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """Take up to k counters off in every slot, from the last queue backwards, keeping one."""
    staffed = staffed.copy()
    removed = 0.0
    for s in range(staffed.shape[1]):
        total = int(staffed[:, s].sum())
        cut = min(k, max(total - 1, 0))
        removed += cut * SLOT_H
        for q in range(staffed.shape[0] - 1, -1, -1):
            if cut == 0:
                break
            d = min(cut, int(staffed[q, s]))
            staffed[q, s] -= d
            cut -= d
    return staffed, removed
