"""Public-space problems (a broken light, rubbish, a blocked drain): found, then fixed or escalated.

Without grid reporting a problem waits until some resident reports it in person at the centre,
during opening hours.  With grid reporting (网格化) information officers pass every spot at a
fixed interval and upload what they find over the four-level platform.  The community fixes a
problem itself if it has the authority ("authority follows responsibility") or if a part-time
member's unit takes it on (paired-unit support, while the units' yearly budget of fixes lasts);
otherwise it escalates to a department, by paper or over the platform, and waits in that
department's queue (:class:`sim.departments.CaseQueue`) before the department handles it.  Each
problem carries its own draws, so it is paired across scenarios.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING

from sim import rng as streams
from sim.calendar import SLOT_H, next_true

if TYPE_CHECKING:
    from sim.model import CommunityModel

# Columns of a problem's own draws.
U_FOUND, U_AUTHORITY, U_UNITS, U_FIX, U_DEPARTMENT = range(5)


class PublicSpace:
    """The community's public-space problems over the run, and what became of them."""

    def __init__(self, model: CommunityModel) -> None:
        self.model = model
        p = model.params
        households = len(model.residents) / p["population.household_size"]
        self._times, self._u = streams.poisson_times(
            streams.stream(model.seed, "public"), p["needs.public_space_rate"] * households, model.days, 5
        )
        self._next = 0
        self._open: list[tuple[float, float]] = []  # (fix time, appearance) of problems not yet fixed
        self._escalated: list[tuple[float, int]] = []  # heap of (found, problem) not yet at a department
        self.opening_changed()
        self.total = 0
        self.fixed_locally = 0

    def opening_changed(self) -> None:
        """The centre's opening hours over the run (re)laid out: when each slot's next open one is."""
        self._next_open_slot = next_true(self.model.centre.queue_open.any(axis=0))

    def __repr__(self) -> str:
        return f"PublicSpace({self.total} problems so far, {len(self._open) + len(self._escalated)} open)"

    def problems_of_the_day(self, t_end: float) -> None:
        """Problems appearing before ``t_end``: found (by officers or residents), then fixed by
        the community or escalated; escalations found before ``t_end`` reach their departments.
        Paid information officers are paid for the day."""
        m = self.model
        p = m.params
        reporting = m.policy.reporting
        cost = reporting.cost_yuan_per_day(p)
        if cost > 0:
            m.books.spend("grid officers", cost)
        fix_by_units = 1.0 - (1.0 - p["committee.part_time_fix_share"]) ** m.committee.part_time
        while self._next < len(self._times) and self._times[self._next] < t_end:
            k = self._next
            self._next += 1
            t = float(self._times[k])
            u = self._u[k]
            found = reporting.found(t, u[U_FOUND], p, self._next_open)
            # A unit's fix draws on the units' budget only when the community has no authority.
            local = u[U_AUTHORITY] < p["departments.authority_share"] or (
                u[U_UNITS] < fix_by_units and m.committee.unit_takes_on_fix(int(t // 24.0))
            )
            self.total += 1
            self.fixed_locally += bool(local)
            if local:
                self._fixed(t, found - p["informatisation.local_fix_h"] * math.log1p(-u[U_FIX]))
            else:
                heapq.heappush(self._escalated, (found, k))
        # Departments take cases in the order they reach them.  Every problem found before t_end
        # has appeared by now (a problem is found after it appears), so this order is final.
        while self._escalated and self._escalated[0][0] < t_end:
            found, k = heapq.heappop(self._escalated)
            u = self._u[k]
            start = m.departments.take_up(found, u[U_DEPARTMENT])
            handling_h = reporting.escalation_delay_h(p) * -math.log1p(-u[U_FIX])
            self._fixed(float(self._times[k]), start + handling_h)

    def _fixed(self, t: float, fixed: float) -> None:
        """A problem that appeared at t will be fixed at ``fixed``."""
        if fixed < self.model.horizon_h:
            self.model.tally.public_response_h.append(fixed - t)
        self._open.append((fixed, t))

    def still_open(self, t: float) -> int:
        """Problems not yet fixed at time t (forgets those fixed by then)."""
        self._open = [x for x in self._open if x[0] > t]
        return len(self._open) + len(self._escalated)

    def unfixed_ages_h(self, t: float) -> list[float]:
        """Hours since it appeared of each problem not fixed at time t (the end of the run): their
        response time is at least that."""
        times = self._times
        return [t - a for f, a in self._open if f >= t] + [t - float(times[k]) for _, k in self._escalated]

    def _next_open(self, t: float) -> float:
        """First time at or after t when any hall queue is open (residents report in person)."""
        s = int(t // SLOT_H)
        if s >= len(self._next_open_slot):
            return t
        return max(t, float(self._next_open_slot[s]) * SLOT_H)
