"""Public-space problems (a broken light, rubbish, a blocked drain): found, then fixed or escalated.

Without grid reporting a problem waits until some resident reports it in person at the centre,
during opening hours.  With grid reporting (网格化) information officers pass every spot at a
fixed interval and upload what they find over the four-level platform.  The community fixes a
problem itself if it has the authority ("authority follows responsibility") or if a part-time
member's unit takes it on (paired-unit support); otherwise it escalates to a department, by
paper or over the platform.  Each problem carries its own draws, so it is paired across scenarios.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim import rng as streams
from sim.calendar import SLOT_H, next_true

if TYPE_CHECKING:
    from sim.model import CommunityModel

# Columns of a problem's own draws.
U_FOUND, U_AUTHORITY, U_UNITS, U_FIX, _U_DEPARTMENT = range(5)


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
        self._open: list[float] = []  # fix times of problems not yet fixed
        self._next_open_slot = next_true(model.centre.queue_open.any(axis=0))
        self.total = 0
        self.fixed_locally = 0

    def __repr__(self) -> str:
        return f"PublicSpace({self.total} problems so far, {len(self._open)} open)"

    def problems_of_the_day(self, t_end: float) -> None:
        """Problems appearing before ``t_end``: found (by officers or residents), then fixed or
        escalated."""
        m = self.model
        p = m.params
        reporting = m.policy.reporting
        fix_by_units = 1.0 - (1.0 - p["committee.part_time_fix_share"]) ** m.committee.part_time
        while self._next < len(self._times) and self._times[self._next] < t_end:
            k = self._next
            self._next += 1
            t = float(self._times[k])
            u = self._u[k]
            found = reporting.found(t, u[U_FOUND], p, self._next_open)
            local = u[U_AUTHORITY] < p["departments.authority_share"] or u[U_UNITS] < fix_by_units
            delay = p["informatisation.local_fix_h"] if local else reporting.escalation_delay_h(p)
            fixed = found - delay * math.log1p(-u[U_FIX])
            self.total += 1
            self.fixed_locally += bool(local)
            if fixed < m.horizon_h:
                m.tally.public_response_h.append(fixed - t)
            self._open.append(fixed)

    def still_open(self, t: float) -> int:
        """Problems not yet fixed at time t (forgets those fixed by then)."""
        self._open = [f for f in self._open if f > t]
        return len(self._open)

    def _next_open(self, t: float) -> float:
        """First time at or after t when any hall queue is open (residents report in person)."""
        s = int(t // SLOT_H)
        if s >= len(self._next_open_slot):
            return t
        return max(t, float(self._next_open_slot[s]) * SLOT_H)
