"""The residents' committee: elected members, self-governance events and mediation.

Full-time members work weekday office hours; before "election plus hiring, three in one" half of
their time went on government errands.  Part-time members come from enterprises and local units
and serve in the evenings and at weekends; each brings paired-unit support (money, and resources
to fix some public problems) and can mediate disputes at times when working residents are free.

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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mesa

if TYPE_CHECKING:
    from sim.model import CommunityModel

COUNCIL, HEARING, ACTIVITY = "council", "hearing", "activity"
EVENT_KINDS = (COUNCIL, HEARING, ACTIVITY)
ONLINE_JOINABLE = (COUNCIL, HEARING)
DAYTIME_SLOTS = (18, 34)  # 09:00-17:00, when full-time members mediate
EVENING_SLOTS = (38, 42)  # 19:00-21:00, when part-time members mediate on weekdays
WEEKEND_SLOTS = (18, 34)


class CommitteeMember(mesa.Agent):
    """An elected member of the residents' committee."""

    def __init__(self, model: CommunityModel, part_time: bool) -> None:
        super().__init__(model)
        self.part_time = part_time
        self.events_organised = 0
        self.disputes_mediated = 0

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
class Dispute:
    index: int
    t: float
    resident: int
    group: int
    u_success: float


def free_in(free_day: Any, slots: tuple[int, int]) -> bool:
    """Whether a group's day mask (48 slots) has a free slot in [slots)."""
    return bool(free_day[slots[0] : slots[1]].any())
