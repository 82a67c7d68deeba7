"""How a resident gets a matter to the centre: one decision among the ways open to them.

When a resident sets out for the next step of a matter (ODD+D: a satisficing rule; the order is an
assumption from what each way costs the resident, the article says nothing about it), they take the
first of these ways that is open to them:

1. **their own time**: the first window within their patience (``needs.patience_days``) when the
   desk is open and their group is free (:func:`visit_time`);
2. **a household member** (with ``residents.household_errands``, for the needs that allow it):
   someone at home with freer days goes in their own free time;
3. **online**: the matter can be done online, and the resident has access and knows the channel;
4. **a day's leave**: the first open window within their patience, taken with their group's
   probability (``needs.take_leave_prob``: losing pay or facing the employer is a cost not everyone
   accepts; the draw is the need's own, so the same residents take leave in every scenario);
5. **giving up**.

Until issue 9 the resident flipped the leave coin first and looked for a household member or the
online channel only if it came down against leave, so a commuter whose matter could be done online
took a day's leave for it half the time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.calendar import SLOT_H, SlotFinder
from sim.parameters import GROUPS

if TYPE_CHECKING:
    from sim.residents import Residents, Trip

#: The ways a resident can take, in the order they are considered.
OWN_TIME, HOUSEHOLD, ONLINE, LEAVE, GIVE_UP = range(5)
WAYS = ("own time", "household member", "online", "leave", "give up")


def visit_time(
    t_setout: float,
    free: SlotFinder,
    leave: SlotFinder,
    u_slot: float,
    u_leave: float,
    take_leave_prob: float,
    patience_h: float,
    spread_h: float,
    delay_h: float = 0.0,
) -> float | None:
    """When the resident walks in, or None if no visit is possible within their patience.

    ``free`` finds windows when the queue is open and the resident's group is free; ``leave``
    finds open windows regardless of free time (for a resident who takes leave from work).
    Residents go within the first ``spread_h`` hours of a window, not anywhere in it: a hall
    that stays open late does not move the morning crowd to the evening.  A resident who
    remembers a long wait goes ``delay_h`` later into the window (no later than its end).
    """
    limit = t_setout + patience_h
    for finder, allowed in ((free, True), (leave, u_leave < take_leave_prob)):
        if not allowed:
            continue
        window = finder.window(t_setout)
        if window is None:
            continue
        start, end = window[0] * SLOT_H, window[1] * SLOT_H
        if start <= t_setout:  # open and free right now: go now
            return t_setout
        if start > limit:
            continue
        if delay_h:
            shift = min(delay_h, end - start - SLOT_H)
            return start + shift + u_slot * min(end - start - shift, spread_h)
        return start + u_slot * min(end - start, spread_h)
    return None


class Ways:
    """The window finders of one community's residents, and the choice of a way to the centre."""

    def __init__(self, residents: Residents) -> None:
        self.residents = residents
        self._finders: list[list[SlotFinder | None]] | None = None
        self.chosen = [0] * len(WAYS)  # how often each way was taken (for tests and reading)

    def __repr__(self) -> str:
        return "Ways(" + ", ".join(f"{w}: {n}" for w, n in zip(WAYS, self.chosen, strict=True)) + ")"

    def opening_changed(self) -> None:
        """The centre's opening hours were laid out again: the windows found so far are stale."""
        self._finders = None

    def finder(self, group: int, queue: int) -> SlotFinder:
        """Window finder for a group (or -1: anyone taking leave) at a queue, built on first use."""
        centre = self.residents.model.centre
        if self._finders is None:
            n_queues = centre.queue_open.shape[0]
            self._finders = [[None] * n_queues for _ in range(len(GROUPS) + 1)]
        f = self._finders[group + 1][queue]
        if f is None:
            both = centre.queue_open[queue]
            if group >= 0:
                both = both & self.residents.free[GROUPS[group]]
            f = self._finders[group + 1][queue] = SlotFinder(both)
        return f

    def choose(
        self, i: int, trip: Trip, t_from: float, u_slot: float, delay_h: float
    ) -> tuple[int, float | None, int]:
        """The way need ``i``'s resident takes for the trip's next step: (way, time, desk); the
        time is None for ONLINE and GIVE_UP."""
        res = self.residents
        g = trip.group
        way, (t, q) = OWN_TIME, self.first_visit(trip, g, t_from, u_slot, delay_h, leave=False)
        if t is None and res._by_proxy is not None and res._by_proxy[i]:
            other = int(res.neighbours.errand_group[trip.resident])
            if other >= 0:
                way, (t, q) = HOUSEHOLD, self.first_visit(trip, other, t_from, u_slot, 0.0, leave=False)
        if t is None:
            if res.can_go_online(i, trip):
                way = ONLINE
            else:
                way, (t, q) = LEAVE, self.first_visit(trip, g, t_from, u_slot, delay_h, leave=True)
                if t is None:
                    way = GIVE_UP
        self.chosen[way] += 1
        return way, t, q

    def first_visit(
        self, trip: Trip, g: int, t_from: float, u_slot: float, delay_h: float, leave: bool
    ) -> tuple[float | None, int]:
        """The first visit a member of group ``g`` can make for the trip's next step (in their free
        time, or with ``leave`` also by taking leave): at that department's desk, or the duty desk
        in the evening or at the weekend if that comes first (before one-stop service; with it,
        there is only the hall)."""
        p = self.residents.model.params
        one_stop_queue = self.residents.model.centre.one_stop_queue
        t_visit, q = None, trip.stages[0]
        leave_prob = p["needs.take_leave_prob"][GROUPS[g]] if leave else 0.0
        for desk in (q,) if q == one_stop_queue else (q, one_stop_queue):
            t = visit_time(
                t_from,
                self.finder(g, desk),
                self.finder(-1, desk),
                u_slot,
                trip.u_leave,
                leave_prob,
                p["needs.patience_days"] * 24.0,
                p["needs.visit_spread_h"],
                delay_h,
            )
            if t is not None and (t_visit is None or t < t_visit):
                t_visit, q = t, desk
        return t_visit, q
