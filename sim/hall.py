"""The service hall: queues in front of counters, simulated event by event.

A hall has one or more *queues*.  In a one-stop hall there is one queue and every staffed counter
serves it; before one-stop service each department has its own counter and its own queue, and a
matter may need several of them.  Each queue serves its residents first come, first served by
identical counters; the number of staffed counters changes at half-hour boundaries (shifts,
meetings, staff pulled to the back office) and is zero when the queue is closed.

Why not one Mesa event per arrival?  A Mesa event costs 10-15 microseconds; the hall sees tens of
thousands of arrivals a year, so it keeps its own small heap (SimPy-style) and the model drives it
one day at a time from a Mesa event.  The heap survives midnight, so a hall open around the clock
is simulated exactly (this is how the M/M/c verification runs).

Residents may leave a queue when their patience runs out (reneging), and those still waiting when
a queue closes are turned away.  Leaving is detected lazily when a counter next looks at the
queue, which gives the same outcome as an event at the deadline and saves one event per resident.
For the Little's-law check the hall integrates the number waiting over time as it goes, correcting
the lazily detected departures; that integral is kept apart from the per-resident waits so the
two can be compared.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# Event kinds, in the order they are handled when they fall at the same instant: a queue's hours
# and staffing change first, a counter that finishes takes the next resident before a new arrival.
STAFFING, DONE, ARRIVE = 0, 1, 2

SERVED, RENEGED, TURNED_AWAY = "served", "reneged", "turned_away"


@dataclass(slots=True)
class Visitor:
    """A resident at one queue: who, why, when, and how much counter time the matter takes."""

    need: int
    arrived: float
    deadline: float  # leaves the queue if not served by then
    service_h: float
    started: float = -1.0


@dataclass(slots=True)
class QueueState:
    name: str
    open: bool = False
    staffed: int = 0
    busy: int = 0
    waiting: deque[Visitor] = field(default_factory=deque)
    busy_h: float = 0.0  # counter hours spent serving
    idle_since: list[float] = field(default_factory=list)  # when each free counter became free


class Hall:
    """Queues and counters.  ``on_exit(visitor, outcome, time, queue)`` reports each visitor."""

    def __init__(self, queue_names: list[str], on_exit: Callable[[Visitor, str, float, int], None]):
        self.queues = [QueueState(n) for n in queue_names]
        self.on_exit = on_exit
        self._heap: list[tuple[float, int, int, int, object]] = []
        self._seq = 0
        self.now = 0.0
        # Little's law bookkeeping: integral of the number waiting, and what the visitors report.
        self._n_waiting = 0
        self.area_waiting_h2 = 0.0
        self.arrivals = 0
        self.total_wait_h = 0.0
        # One pool of staff time: a counter with nobody to serve goes to back-office work and comes
        # back when a resident arrives, losing ``switch_cost_h`` each time (None: staff stay put).
        self.switch_cost_h: float | None = None
        self.reclaimed_h = 0.0  # free counter time spent on back-office work instead

    # -- scheduling ---------------------------------------------------------------------------
    def _push(self, t: float, kind: int, q: int, payload: object) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (t, kind, self._seq, q, payload))

    def set_staffing(self, t: float, q: int, open_: bool, staffed: int) -> None:
        """From time t, queue q is open or closed and has ``staffed`` counters."""
        self._push(t, STAFFING, q, (open_, staffed))

    def arrive(self, t: float, q: int, visitor: Visitor) -> None:
        self._push(t, ARRIVE, q, visitor)

    # -- running ------------------------------------------------------------------------------
    def run_until(self, t_end: float) -> None:
        """Handle every event before ``t_end``."""
        heap = self._heap
        while heap and heap[0][0] < t_end:
            t, kind, _, q, payload = heapq.heappop(heap)
            self.area_waiting_h2 += self._n_waiting * (t - self.now)
            self.now = t
            queue = self.queues[q]
            if kind == ARRIVE:
                self.arrivals += 1
                if queue.open:
                    queue.waiting.append(payload)  # type: ignore[arg-type]
                    self._n_waiting += 1
                    self._serve(q, queue, t)
                else:
                    self._leave(payload, TURNED_AWAY, t, q)  # type: ignore[arg-type]
            elif kind == DONE:
                queue.busy -= 1
                self.on_exit(payload, SERVED, t, q)  # type: ignore[arg-type]
                self._serve(q, queue, t)
            else:
                open_, staffed = payload  # type: ignore[misc]
                queue.staffed = staffed if open_ else 0
                if queue.open and not open_:
                    self._close(q, queue, t)
                queue.open = open_
                self._serve(q, queue, t)
            if self.switch_cost_h is not None:
                self._free_counters(queue, t)
        self.area_waiting_h2 += self._n_waiting * (t_end - self.now)
        self.now = t_end

    def _serve(self, q: int, queue: QueueState, t: float) -> None:
        waiting = queue.waiting
        while waiting and queue.busy < queue.staffed:
            v = waiting.popleft()
            self._n_waiting -= 1
            if v.deadline < t:  # left at its deadline; we notice only now
                self.area_waiting_h2 -= t - v.deadline
                self._leave(v, RENEGED, v.deadline, q, counted=True)
                continue
            v.started = t
            self.total_wait_h += t - v.arrived
            queue.busy += 1
            queue.busy_h += v.service_h
            self._push(t + v.service_h, DONE, q, v)

    def _free_counters(self, queue: QueueState, t: float) -> None:
        """Keep one idle episode per free counter.  When a counter is taken again, the one freed
        last comes back (the head keeps the longest back-office stretch going), and its episode
        is reclaimed for the back office, less the cost of switching there and back."""
        free = max(queue.staffed - queue.busy, 0)
        since = queue.idle_since
        while len(since) < free:
            since.append(t)
        while len(since) > free:
            self.reclaimed_h += max(t - since.pop() - self.switch_cost_h, 0.0)

    def end_idle_episodes(self, t: float) -> None:
        """Close every idle episode at ``t`` (the day's end) and start it again from there."""
        if self.switch_cost_h is None:
            return
        for queue in self.queues:
            since = queue.idle_since
            for k, start in enumerate(since):
                self.reclaimed_h += max(t - start - self.switch_cost_h, 0.0)
                since[k] = t

    def _close(self, q: int, queue: QueueState, t: float) -> None:
        while queue.waiting:
            v = queue.waiting.popleft()
            self._n_waiting -= 1
            if v.deadline < t:
                self.area_waiting_h2 -= t - v.deadline
                self._leave(v, RENEGED, v.deadline, q, counted=True)
            else:
                self._leave(v, TURNED_AWAY, t, q, counted=True)

    def _leave(self, v: Visitor, outcome: str, t: float, q: int, counted: bool = False) -> None:
        if counted:
            self.total_wait_h += t - v.arrived
        self.on_exit(v, outcome, t, q)

    # -- end of run ---------------------------------------------------------------------------
    def open_wait_h(self) -> float:
        """Waiting time accrued so far by residents still in a queue (for Little's law)."""
        return sum(self.now - v.arrived for q in self.queues for v in q.waiting)
