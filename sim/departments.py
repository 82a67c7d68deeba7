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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from sim.parameters import CLASSES, DEPARTMENT_CLASSES

if TYPE_CHECKING:
    from sim.model import CommunityModel

DEPARTMENT_CLASS_IDS = np.array([CLASSES.index(c) for c in DEPARTMENT_CLASSES])


class Department(mesa.Agent):
    """A government department with its functions and what it has done to the community."""

    def __init__(self, model: CommunityModel, index: int, functions: np.ndarray) -> None:
        super().__init__(model)
        self.index = index
        self.functions = functions
        self.tasks_pushed = 0
        self.tasks_turned_back = 0
        self.escalations = 0

    def __repr__(self) -> str:
        return (
            f"Department({self.index}, {len(self.functions)} functions, "
            f"pushed={self.tasks_pushed}, turned_back={self.tasks_turned_back})"
        )


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
