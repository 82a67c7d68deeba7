"""The centre's back office: administrative work with deadlines, and casework.

Administrative tasks (pushed-down tasks, report forms, ledgers, inspection preparation) are done
earliest deadline first; casework (social-assistance cases, elderly-care visits, online matters)
first come, first served.  The centre (:class:`sim.centre.ServiceCentre`) decides each day how
many hours the back office gets; this module only keeps the queues and their accounting.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(order=True)
class AdminTask:
    """Administrative work with a deadline (a pushed-down task, a form, a ledger, a preparation)."""

    deadline: float
    seq: int
    kind: str = field(compare=False)
    hours: float = field(compare=False)
    remaining: float = field(compare=False)


@dataclass
class CaseItem:
    need: int
    kind: int
    remaining: float
    arrived: float


class BackOffice:
    """Queues of back-office work: administrative tasks (earliest deadline first) and casework
    (first come, first served), with the day's accounting."""

    def __init__(self) -> None:
        self.admin: list[AdminTask] = []  # heap by deadline
        self.cases: deque[CaseItem] = deque()
        self._seq = 0
        self.late_tasks = 0
        self.late_hours = 0.0

    def add_task(self, kind: str, hours: float, deadline: float) -> None:
        self._seq += 1
        heapq.heappush(self.admin, AdminTask(deadline, self._seq, kind, hours, hours))

    def add_case(self, item: CaseItem) -> None:
        self.cases.append(item)

    def case_backlog_h(self) -> float:
        return sum(c.remaining for c in self.cases)

    def admin_backlog_h(self) -> float:
        return sum(t.remaining for t in self.admin)

    def admin_due_h(self, day_start: float) -> float:
        """Hours to do today to keep every task on pace for its deadline (all of it if late)."""
        due = 0.0
        for task in self.admin:
            days_left = math.ceil((task.deadline - day_start) / 24.0 - 1e-9)
            due += task.remaining if days_left <= 1 else task.remaining / days_left
        return due

    def do_admin(self, hours: float, now: float, only_due: float | None = None) -> float:
        """Work on administrative tasks, earliest deadline first; return hours used.

        ``only_due`` caps the work at that many hours (the day's due share).
        """
        budget = hours if only_due is None else min(hours, only_due)
        used = 0.0
        while self.admin and used < budget - 1e-12:
            task = self.admin[0]
            work = min(task.remaining, budget - used)
            task.remaining -= work
            used += work
            if task.remaining <= 1e-9:
                heapq.heappop(self.admin)
                if now > task.deadline:
                    self.late_tasks += 1
                    self.late_hours += task.hours
        return used

    def do_cases(self, hours: float, cutoff: float) -> tuple[float, list[CaseItem]]:
        """Casework first come, first served, for cases that arrived before ``cutoff``."""
        used, done = 0.0, []
        while self.cases and used < hours - 1e-12 and self.cases[0].arrived < cutoff:
            item = self.cases[0]
            work = min(item.remaining, hours - used)
            item.remaining -= work
            used += work
            if item.remaining <= 1e-9:
                done.append(self.cases.popleft())
        return used, done
