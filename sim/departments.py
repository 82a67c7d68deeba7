"""Government departments: their functions, the tasks they push down, and escalated problems.

Each of the 86 functions (2003) belongs to a department and to one of four classes: borne by
departments, borne by the community, guided by departments, assisted by the community.  Functions
push tasks down to the community as Poisson processes.  What happens to a task (ODD+D: how
departments and the community decide):

* **Without classification** every task is pushed down whatever its class.
* **With classification** a department keeps a task of its own classes with a fixed compliance
  probability (a rule without enforcement).
* **With the access system** the community turns back a task of a department class with a
  probability equal to the system's strictness.
* An accepted task brings its cost with it with the probability "funding follows the task";
  otherwise the community pays.

All draws for a task are made up front, per task, so a task meets the same luck in every scenario.

Departments also handle the public-space problems the community escalates to them, each in its own
queue (:class:`CaseQueue`): a department takes up at most ``departments.escalation_cases_per_week``
cases a week, first come first served, and a case is fixed its handling delay after it is taken
up.  A task the access system turns back is done by its department and takes its place in the
same queue (``departments.turned_back_task_cases`` cases' worth).  Each department has its own
queue because each has its own crew and its own kind of problem (lights, drains, rubbish): a
backlog at one does not slow the others.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from sim import rng as streams
from sim.calendar import SLOT_H, SLOTS_PER_DAY
from sim.parameters import CLASSES, DEPARTMENT_CLASSES

if TYPE_CHECKING:
    from sim.model import CommunityModel

DEPARTMENT_CLASS_IDS = np.array([CLASSES.index(c) for c in DEPARTMENT_CLASSES])


class CaseQueue:
    """One department's escalated cases: first come, first served, taken up one at a time at most
    ``rate`` a week (one every 168 / rate hours).  Cases must be offered in the order they reach
    the department; each one's take-up time is known at once (no case behind it can overtake it),
    so the queue keeps only the (arrival, take-up) times of the cases not yet taken up."""

    def __init__(self) -> None:
        self.free_at = 0.0  # when the department can take up its next case
        self._cases: deque[tuple[float, float]] = deque()  # (arrived, taken up), in order
        self.cases = 0

    def __repr__(self) -> str:
        return f"CaseQueue({self.cases} cases, free at {self.free_at:g} h)"

    def take_up_at(self, arrived: float, start: float) -> float:
        """A case whose take-up time is decided elsewhere (a district's shared department)."""
        self._cases.append((arrived, start))
        self.cases += 1
        return start

    def take_up(self, arrived: float, per_week: float) -> float:
        """A case reaching the department at ``arrived``: when it is taken up (inf at rate 0)."""
        if per_week > 0:
            start = max(arrived, self.free_at)
            self.free_at = start + 168.0 / per_week
        else:  # no capacity: never taken up (even if capacity returns at a later timeline date)
            start = math.inf
        self._cases.append((arrived, start))
        self.cases += 1
        return start

    def waiting(self, t: float) -> int:
        """Cases that have reached the department by time t but are not yet taken up (t must not
        go back: cases taken up by t are forgotten)."""
        while self._cases and self._cases[0][1] <= t:
            self._cases.popleft()
        n = 0
        for arrived, _start in self._cases:  # in arrival order
            if arrived > t:
                break
            n += 1
        return n


class Department(mesa.Agent):
    """A government department with its functions and its queue of escalated cases."""

    def __init__(self, model: CommunityModel, index: int, functions: np.ndarray) -> None:
        super().__init__(model)
        self.index = index
        self.functions = functions
        self.cases = CaseQueue()

    def __repr__(self) -> str:
        return f"Department({self.index}, {len(self.functions)} functions)"


@dataclass
class Catalogue:
    """The functions: department and class of each."""

    department: np.ndarray
    cls: np.ndarray  # index into CLASSES

    def __len__(self) -> int:
        return len(self.cls)


def make_catalogue(params: Mapping[str, Any], rng: np.random.Generator) -> Catalogue:
    n = int(params["departments.functions"])
    shares = np.array([params["departments.class_shares"][c] for c in CLASSES])
    raw = shares * n
    counts = np.floor(raw).astype(int)
    counts[np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]] += 1
    cls = rng.permutation(np.repeat(np.arange(len(CLASSES)), counts))
    department = np.arange(n) % int(params["departments.count"])
    return Catalogue(department=department, cls=cls)


@dataclass
class PushDowns:
    """Every task the functions push down over the run, sorted by time, with its own draws."""

    t: np.ndarray
    function: np.ndarray
    u_withhold: np.ndarray
    u_access: np.ndarray
    u_funded: np.ndarray
    hours_unit: np.ndarray  # exponential, mean 1
    cost_unit: np.ndarray  # exponential, mean 1

    def __len__(self) -> int:
        return len(self.t)


def draw_pushdowns(
    catalogue: Catalogue, rate_per_year: float, days: int, rng: np.random.Generator
) -> PushDowns:
    counts = rng.poisson(rate_per_year * days / 365.0, len(catalogue))
    function = np.repeat(np.arange(len(catalogue)), counts)
    t = rng.uniform(0.0, days * 24.0, len(function))
    order = np.argsort(t, kind="stable")
    n = len(t)
    u = rng.random((n, 3))
    e = rng.exponential(1.0, (n, 2))
    return PushDowns(
        t=t[order],
        function=function[order],
        u_withhold=u[:, 0],
        u_access=u[:, 1],
        u_funded=u[:, 2],
        hours_unit=e[:, 0],
        cost_unit=e[:, 1],
    )


def is_department_class(cls: int) -> bool:
    return cls in DEPARTMENT_CLASS_IDS


INSPECTION_SLOTS = (18, 24)  # 09:00-12:00
MEETING_START_SLOTS = (18, 29)  # 09:00 or 14:30, alternately
INSPECTION_NOTICE_DAYS = 7
FORM_DEADLINE_DAYS = 5
LEDGER_DEADLINE_DAYS = 7


class Departments:
    """The government departments above one community, and the work they send down to it."""

    def __init__(self, model: CommunityModel, params: Mapping[str, Any]) -> None:
        self.model = model
        self.catalogue = make_catalogue(params, streams.stream(model.seed, "catalogue"))
        self.members = [
            Department(model, i, np.flatnonzero(self.catalogue.department == i))
            for i in range(int(params["departments.count"]))
        ]
        self.pushdowns = draw_pushdowns(
            self.catalogue,
            params["departments.tasks_per_function_year"],
            model.days,
            streams.stream(model.seed, "departments"),
        )
        self._next_task = 0
        self._owed = {"forms": 0.0, "meetings": 0.0, "inspections": 0.0}  # fractions carried over
        self._inspections: dict[int, int] = {}  # day -> number of inspections
        self.pushed_down = 0
        self.turned_back = 0
        self.accepted = 0
        self.unfunded_cost = 0.0
        # In a district (sim.district): how long a case waits at each shared district department
        # this month (hours), set at every coupling point; None: this community's own queue.
        self.district_waits_h: np.ndarray | None = None
        self.escalated_to = np.zeros(len(self.members), dtype=np.int64)  # cases sent, by department
        self.turned_back_to = np.zeros(len(self.members), dtype=np.int64)  # tasks sent back, by department

    def __repr__(self) -> str:
        return f"Departments({len(self.members)}, {len(self.catalogue)} functions)"

    def __len__(self) -> int:
        return len(self.members)

    def take_up(self, arrived: float, u_department: float) -> float:
        """An escalated problem reaches the department it belongs to (its own draw): when that
        department takes it up."""
        i = min(int(u_department * len(self.members)), len(self.members) - 1)
        self.escalated_to[i] += 1
        if self.district_waits_h is not None:
            return self.members[i].cases.take_up_at(arrived, arrived + float(self.district_waits_h[i]))
        return self.members[i].cases.take_up(
            arrived, self.model.params["departments.escalation_cases_per_week"]
        )

    def _turn_back(self, i: int, t_end: float) -> None:
        """A task the access system turns back is done by department ``i`` itself, with
        ``departments.turned_back_task_cases`` cases' worth of the capacity it also answers
        escalations with: sending work back is not free, it slows the department's response to
        the community.  It joins the queue at the end of the day it came back, after the day's
        escalations, so the queue stays in arrival order.  In a district the shared department's
        load is settled at the coupling points instead (:mod:`sim.district`)."""
        self.turned_back += 1
        self.turned_back_to[i] += 1
        p = self.model.params
        cases = p["departments.turned_back_task_cases"]
        if self.district_waits_h is None and cases > 0:
            self.members[i].cases.take_up(t_end, p["departments.escalation_cases_per_week"] / cases)

    def backlog(self, t: float) -> int:
        """Escalated cases waiting in the departments' queues at time t."""
        return sum(d.cases.waiting(t) for d in self.members)

    def burden_today(self, day: int, weekday: int) -> np.ndarray:
        """Ledgers (each Monday), forms, meetings and inspections arriving today; returns the staff
        taken off duty in each half-hour slot."""
        p = self.model.params
        centre = self.model.centre
        t0 = day * 24.0
        if (weekday == 0 or day == 0) and p["burden.ledger_hours_per_week"] > 0:
            centre.add_task("ledger", p["burden.ledger_hours_per_week"], t0 + LEDGER_DEADLINE_DAYS * 24)
        fixed = np.zeros(SLOTS_PER_DAY, dtype=np.int64)
        owed = self._owed
        owed["forms"] += p["burden.forms_per_month"] * 12 / 365
        while owed["forms"] >= 1:
            owed["forms"] -= 1
            centre.add_task("form", p["burden.form_hours"], t0 + FORM_DEADLINE_DAYS * 24)
        if weekday < 5:
            owed["meetings"] += p["burden.meetings_per_week"] / 5
            k = 0
            while owed["meetings"] >= 1:
                owed["meetings"] -= 1
                start = MEETING_START_SLOTS[(day + k) % 2]
                fixed[start : start + round(p["burden.meeting_hours"] / SLOT_H)] += 1
                k += 1
            owed["inspections"] += p["burden.inspections_per_year"] / 261
            while owed["inspections"] >= 1:
                owed["inspections"] -= 1
                when = day + INSPECTION_NOTICE_DAYS
                self._inspections[when] = self._inspections.get(when, 0) + 1
                centre.add_task("inspection", p["burden.inspection_prep_hours"], when * 24.0)
        for _ in range(self._inspections.pop(day, 0)):
            fixed[INSPECTION_SLOTS[0] : INSPECTION_SLOTS[1]] += int(p["burden.inspection_staff"])
        return fixed

    def push_down(self, t_end: float) -> None:
        """Departments push today's tasks down.  The policy's keepers (classification) may keep a
        department's own-class task with the department; its doors (the access system) may turn it
        back; an accepted task brings its money with it or not ("funding follows the task")."""
        m = self.model
        p, tasks = m.params, self.pushdowns
        keepers, doors = m.policy.task_keepers, m.policy.task_doors
        while self._next_task < len(tasks) and tasks.t[self._next_task] < t_end:
            k = self._next_task
            self._next_task += 1
            f = int(tasks.function[k])
            departmental = is_department_class(int(self.catalogue.cls[f]))
            if departmental and any(keeper.keeps(tasks.u_withhold[k]) for keeper in keepers):
                continue  # the department keeps its own work
            self.pushed_down += 1
            if departmental and any(door.turns_back(tasks.u_access[k]) for door in doors):
                self._turn_back(int(self.catalogue.department[f]), t_end)
                continue
            self.accepted += 1
            t = float(tasks.t[k])
            m.centre.add_task(
                "task",
                tasks.hours_unit[k] * p["departments.task_hours_mean"],
                t + p["departments.task_deadline_days"] * 24.0,
            )
            cost = tasks.cost_unit[k] * p["departments.task_cost_yuan_mean"]
            m.books.spend("tasks", cost)
            if tasks.u_funded[k] < p["departments.funded_share"]:
                m.books.receive("task funding", cost)
            else:
                self.unfunded_cost += cost
