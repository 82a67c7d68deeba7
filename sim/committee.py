"""The residents' committee: elected members, self-governance events and mediation.

Full-time members work weekday office hours; before "election plus hiring, three in one" half of
their time went on government errands.  Part-time members come from enterprises and local units
and serve in the evenings and at weekends; each brings paired-unit support (money, resources to fix
some public problems, volunteer hours and a hall for some events, each a yearly budget) and can
mediate disputes at times when working residents are free.

How the committee decides (ODD+D):

* **Events.**  Councils, hearings and volunteer activities are spread evenly over the year and
  organised by members in rotation.  Volunteer activities are on Saturday and Sunday mornings in
  turn.  A full-time
  member holds a council or hearing on a weekday at 15:00; a part-time member on a weekday evening
  at 19:30 or a Saturday at 10:00.
* **Mediation.**  Each day, waiting disputes are taken first come, first served.  Full-time members
  mediate on weekdays in the daytime, part-time members in the evenings and at weekends, within
  their hours for mediation.  A dispute is mediated only at a time when its parties are free; it is
  settled with a fixed probability, otherwise (or if it waits beyond its patience) it goes to the
  sub-district or the courts.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
from mesa.time.events import Priority

from sim import rng as streams
from sim.calendar import SLOT_H, SLOTS_PER_DAY
from sim.parameters import GROUPS
from sim.participation import take_part
from sim.residents import SCORE_DISPUTE_ESCALATED, SCORE_DISPUTE_SETTLED

if TYPE_CHECKING:
    from sim.model import CommunityModel

COUNCIL, HEARING, ACTIVITY = "council", "hearing", "activity"
ONLINE_JOINABLE = (COUNCIL, HEARING)
DAYTIME_SLOTS = (18, 34)  # 09:00-17:00, when full-time members mediate
EVENING_SLOTS = (38, 42)  # 19:00-21:00, when part-time members mediate on weekdays
WEEKEND_SLOTS = (18, 34)


class CommitteeMember(mesa.Agent):
    """An elected member of the residents' committee."""

    def __init__(self, model: CommunityModel, part_time: bool) -> None:
        super().__init__(model)
        self.part_time = part_time

    def __repr__(self) -> str:
        kind = "part-time" if self.part_time else "full-time"
        return f"CommitteeMember({self.unique_id}, {kind})"


def part_time_members(params: Mapping[str, Any]) -> int:
    """Part-time members added to the full-time ones so that they make the given share."""
    share = params["committee.part_time_share"]
    n_ft = int(params["committee.full_time_members"])
    if share <= 0:
        return 0
    return max(1, round(share * n_ft / (1.0 - share)))


@dataclass(frozen=True)
class CommitteeEvent:
    """A council, hearing or activity at a time, organised by a member."""

    time_h: float
    kind: str
    organiser: int  # index into the committee list
    by_part_timer: bool


def plan_events(
    params: Mapping[str, Any], start: dt.date, days: int, part_timers: list[bool]
) -> list[CommitteeEvent]:
    """Events of every kind over the run, each year's spread evenly, organisers in rotation."""
    nominal: list[tuple[float, str]] = []
    per_year = {
        COUNCIL: params["participation.councils_per_year"],
        HEARING: params["participation.hearings_per_year"],
        ACTIVITY: params["participation.volunteer_activities_per_year"],
    }
    for year in range(-(-days // 365)):
        for kind, n in per_year.items():
            for k in range(int(n)):
                # Hearings a week after the mid-period point, so they never fall on a council.
                offset = 7.0 if kind == HEARING else 0.0
                nominal.append((year * 365 + (k + 0.5) * 365.0 / n + offset, kind))
    nominal.sort()
    events = []
    activities = 0
    for i, (day_f, kind) in enumerate(nominal):
        member = i % len(part_timers)
        pt = part_timers[member]
        day = int(day_f)
        weekday = (start.weekday() + day) % 7
        if kind == ACTIVITY:  # Saturday and Sunday mornings in turn
            day += (5 + activities % 2 - weekday) % 7
            hour = 9.0
            activities += 1
        elif pt and i % 2:  # Saturday morning
            day += (5 - weekday) % 7
            hour = 10.0
        elif pt:  # weekday evening
            day += 0 if weekday < 5 else 7 - weekday
            hour = 19.5
        else:  # weekday afternoon
            day += 0 if weekday < 5 else 7 - weekday
            hour = 15.0
        if day < days:
            events.append(CommitteeEvent(day * 24.0 + hour, kind, member, pt))
    events.sort(key=lambda e: e.time_h)
    return events


@dataclass
class UnitBudget:
    """What the part-time members' units give out of a yearly budget (fixes, events in their halls),
    counted by 365-day year from day 0."""

    by_year: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_year.values())

    def take(self, day: int, allowance: float) -> bool:
        """One more use on ``day`` if this year's uses are still below ``allowance``."""
        year = day // 365
        used = self.by_year.get(year, 0)
        if used < allowance:
            self.by_year[year] = used + 1
            return True
        return False


@dataclass
class Dispute:
    index: int
    t: float
    resident: int
    group: int
    u_success: float


def free_in(free_day: Any, slots: tuple[int, int]) -> bool:
    """Whether a group's day mask (48 slots) has a free slot in [slots)."""
    return bool(free_day[slots[0] : slots[1]].any())


def interleave(n_ft: int, n_pt: int) -> list[bool]:
    """Committee order with part-timers spread evenly, so the rotation of organisers gives them
    their share of events through the year."""
    total = n_ft + n_pt
    return [(i + 1) * n_pt // total > i * n_pt // total for i in range(total)]


class Committee:
    """The residents' committee of one community: its members, its events and its mediation."""

    def __init__(self, model: CommunityModel) -> None:
        self.model = model
        self.members: list[CommitteeMember] = []
        rng = streams.stream(model.seed, "disputes")
        households = len(model.residents) / model.params["population.household_size"]
        self._disputes_t, self._disputes_u = streams.poisson_times(
            rng, model.params["needs.dispute_rate"] * households, model.days, 1
        )
        self._dispute_party = rng.integers(0, len(model.residents), len(self._disputes_t))
        self._next_dispute = 0
        self._waiting: deque[Dispute] = deque()
        self._ft_mediation_h = 0.0
        self._pt_mediation_h = 0.0
        self._scheduled: list[Any] = []  # Mesa events of the planned councils, hearings, activities
        self._planned: list[CommitteeEvent] = []
        self._event_queue: deque[tuple[float, int, CommitteeEvent]] = deque()
        self.disputes_closed = 0
        self.disputes_settled = 0
        self.unit_fixes = UnitBudget()  # public problems the part-time members' units fixed
        self.unit_venues = UnitBudget()  # events held in the part-time members' units' halls

    def __repr__(self) -> str:
        return f"Committee({len(self.members)} members, {self.part_time} part-time)"

    @property
    def part_time(self) -> int:
        return sum(m.part_time for m in self.members)

    def elect(self, params: Mapping[str, Any]) -> bool:
        """Full-time and part-time members for the policy in force; True if the committee changed."""
        order = interleave(int(params["committee.full_time_members"]), part_time_members(params))
        if [m.part_time for m in self.members] == order:
            return False
        for m in self.members:
            m.remove()
        self.members = [CommitteeMember(self.model, pt) for pt in order]
        return True

    # -- paired units ------------------------------------------------------------------------
    def unit_takes_on_fix(self, day: int) -> bool:
        """A part-time member's unit can fix a public problem on ``day``: it does if the units'
        yearly budget of fixes (``committee.paired_unit_fixes_per_year`` each, for the members
        now in office) is not yet spent.  Budgets run in 365-day years from day 0."""
        per_unit = self.model.params["committee.paired_unit_fixes_per_year"]
        return self.unit_fixes.take(day, self.part_time * per_unit)

    def unit_lends_venue(self, day: int) -> bool:
        """A part-time member's unit lends its hall for an event on ``day`` if the units' yearly
        budget of events (``committee.paired_unit_venue_events_per_year`` each, for the members now
        in office) is not yet spent; the first events of each 365-day year get it."""
        per_unit = self.model.params["committee.paired_unit_venue_events_per_year"]
        return self.unit_venues.take(day, self.part_time * per_unit)

    def unit_volunteer_h_per_week(self) -> float:
        """Volunteer hours the part-time members' units send in a week: a 52nd of their yearly
        hours (``committee.paired_unit_volunteer_h_per_year`` each, for the members in office).
        They join the volunteers' weekly pool (:meth:`sim.centre.ServiceCentre.new_week`)."""
        return self.part_time * self.model.params["committee.paired_unit_volunteer_h_per_year"] / 52.0

    # -- self-governance time ---------------------------------------------------------------
    def _self_governance_h_per_week(self) -> float:
        """Full-time members' weekly hours left for self-governance after government errands (what
        "three in one" gives back) and any grid patrols they walk as information officers;
        mediation and door-to-door mobilisation each take a share."""
        m = self.model
        p = m.params
        n_ft = sum(not x.part_time for x in self.members)
        hours = n_ft * p["committee.weekly_hours"] * (1 - p["committee.errand_share"])
        return max(hours - m.policy.reporting.committee_patrol_h_per_week(p), 0.0)

    def new_week(self) -> None:
        """Each Monday: the week's mediation hours of full-time and part-time members."""
        p = self.model.params
        self._ft_mediation_h = self._self_governance_h_per_week() * p["committee.mediation_share"]
        self._pt_mediation_h = self.part_time * p["committee.part_time_hours_per_week"]

    def mobilisation_reach(self) -> float:
        """Share of households full-time members visit before an event (door-to-door, 入户): their
        self-governance hours not taken by government errands, the share spent mobilising, spread
        over the year's events."""
        m = self.model
        p = m.params
        hours = self._self_governance_h_per_week() * 52 * p["committee.mobilisation_share"]
        events = max(len(self._planned), 1) * 365 / m.days
        households = len(m.residents) / p["population.household_size"]
        return min(1.0, hours * p["committee.households_per_hour"] / events / households)

    # -- disputes ---------------------------------------------------------------------------
    def disputes_of_the_day(self, t_end: float) -> None:
        """Disputes that arise before ``t_end`` wait for mediation."""
        groups = self.model.residents.population.group
        while self._next_dispute < len(self._disputes_t) and self._disputes_t[self._next_dispute] < t_end:
            k = self._next_dispute
            r = int(self._dispute_party[k])
            self._waiting.append(
                Dispute(k, float(self._disputes_t[k]), r, int(groups[r]), float(self._disputes_u[k, 0]))
            )
            self._next_dispute += 1

    def mediate(self, day: int) -> None:
        """Waiting disputes first come, first served, when members have hours and parties are free."""
        m = self.model
        p = m.params
        t0 = day * 24.0
        weekday = (m.weekday0 + day) % 7
        need_h = p["committee.mediation_hours"]
        patience_h = p["committee.dispute_patience_days"] * 24.0
        day_slots = slice(day * SLOTS_PER_DAY, (day + 1) * SLOTS_PER_DAY)
        free_today = [m.residents.free[g][day_slots] for g in GROUPS]
        still: deque[Dispute] = deque()
        while self._waiting:
            d = self._waiting.popleft()
            if d.t >= t0 + 24.0:
                still.append(d)
                continue
            free = free_today[d.group]
            if self._ft_mediation_h >= need_h and weekday < 5 and free_in(free, DAYTIME_SLOTS):
                self._ft_mediation_h -= need_h
                self._closed(d, settled=d.u_success < p["committee.mediation_success"])
            elif self._pt_mediation_h >= need_h and free_in(
                free, WEEKEND_SLOTS if weekday >= 5 else EVENING_SLOTS
            ):
                self._pt_mediation_h -= need_h
                self._closed(d, settled=d.u_success < p["committee.mediation_success"])
            elif t0 + 24.0 - d.t > patience_h:
                self._closed(d, settled=False)  # taken to the sub-district or the courts
            else:
                still.append(d)
        self._waiting = still

    def _closed(self, d: Dispute, settled: bool) -> None:
        self.disputes_closed += 1
        self.disputes_settled += settled
        self.model.residents.population.experience(
            d.resident, SCORE_DISPUTE_SETTLED if settled else SCORE_DISPUTE_ESCALATED
        )

    # -- councils, hearings and activities --------------------------------------------------
    def plan_events(self, from_day: int) -> None:
        """(Re)plan the events from ``from_day`` on, for the members now in office."""
        m = self.model
        for ev in self._scheduled:
            if ev.time >= from_day * 24.0:
                ev.cancel()
        self._scheduled = [e for e in self._scheduled if e.time < from_day * 24.0]
        planned = plan_events(m.params, m.start_date, m.days, [x.part_time for x in self.members])
        self._planned = planned
        # Events in time order; each Mesa event holds the next one, so two events at the same
        # hour are two events (Mesa callbacks take no arguments).
        self._event_queue = deque(
            sorted((e.time_h, n, e) for n, e in enumerate(planned) if e.time_h >= from_day * 24.0)
        )
        for t, _, _ in self._event_queue:
            self._scheduled.append(m.schedule_event(self.hold_event, at=t, priority=Priority.DEFAULT))

    def hold_event(self) -> None:
        """A council, hearing or activity now: who hears of it, who is free, who comes."""
        _, n, event = self._event_queue.popleft()
        m = self.model
        p = m.params
        residents = m.residents
        free_now = residents.free_in_slot(int(m.time // SLOT_H))
        board = np.array([p["population.notice_board_reach"][g] for g in GROUPS])
        visits = residents.home_in_daytime * self.mobilisation_reach()
        # Each event's draws come from its own sub-stream, so events stay paired across
        # scenarios even when a part-time organiser moves one to the evening.
        rng = np.random.default_rng(
            np.random.SeedSequence(m.seed, spawn_key=(streams.stream_key("participation"), n))
        )
        online = p["participation.online_channels"]
        pop = residents.population
        came = take_part(
            pop,
            rng.random((len(pop), 4), dtype=np.float32),
            free_now,
            board,
            visits,
            online_notice=online,
            online_join=online and event.kind in ONLINE_JOINABLE,
            online_reach=p["participation.online_reach"],
            online_factor=p["participation.online_take_part_factor"],
            head_reach=residents.neighbours.notice_by_head(),
        )
        pop.took_part |= came
        m.today["participants"] += int(came.sum())
        # In a paired unit's hall the community pays no rent: the venue's share of the cost is saved.
        cost = p["finance.event_cost_yuan"]
        if self.unit_lends_venue(int(m.time // 24.0)):
            cost *= 1.0 - p["finance.venue_share_of_event_cost"]
        m.books.spend("events", cost)
