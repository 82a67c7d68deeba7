"""Standardised platform, one-stop service (一站式服务, from 2011): staff hired by departments inside
communities are merged into the public-service centre, which serves every matter at one place,
ending "many heads managing" (多头管理).

In the model it changes the hall's layout (:class:`OneStopHall` instead of
:class:`DepartmentDesks`): one queue in front of every counter the office has room for, and a
matter is one visit to that queue instead of a round of departments' desks, each staffed only
some days a week.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.calendar import CORE_HOURS, SLOTS_PER_DAY
from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Claim, Control, Reform

if TYPE_CHECKING:
    from sim.policy import Policy

STEM = "one_stop"

PARAMS = (
    Param(
        "service.one_stop",
        False,
        "bool",
        "",
        "One integrated hall where any counter serves any matter (2011) instead of one counter "
        "per department.",
        "article: one-stop service from 2011 ends 'many heads managing'",
    ),
    Param(
        "service.department_counters",
        4,
        "int",
        "counters",
        "Counters, one per department, when there is no one-stop hall.",
        ASSUMED + "civil affairs, social security, family planning, household registration",
        1,
        20,
    ),
    Param(
        "service.department_counter_days",
        4,
        "int",
        "days/week",
        "Days a week each department's counter is staffed, without one-stop service.",
        ASSUMED + "department-hired staff sit in the community part of the week",
        1,
        7,
    ),
    Param(
        "service.extra_counters_mean",
        0.8,
        "float",
        "counters",
        "Without one-stop: mean number (Poisson) of further departments' counters a matter "
        "needs besides the first.",
        ASSUMED + "'many heads managing'",
        0,
        10,
    ),
)


class DepartmentDesks:
    """Before one-stop service: each department keeps its own desk with its own queue, staffed in
    core hours on some days of the week; evenings and weekends (if the hall opens then) have a
    duty desk (the last queue) for any matter.  A matter starts at one department's desk and may
    need further departments' desks."""

    def __repr__(self) -> str:
        return "DepartmentDesks()"

    def queue_weeks(
        self, week: np.ndarray, n_departments: int, params: Mapping[str, Any]
    ) -> list[np.ndarray]:
        core = week & CORE_HOURS
        days_per_week = int(params["service.department_counter_days"])
        weeks = [core & department_days(core, j, days_per_week) for j in range(n_departments)]
        weeks.append(week & ~CORE_HOURS)
        return weeks

    def matter_stages(self, u_first: float, n_extra: int, n_departments: int) -> list[int]:
        first = int(u_first * n_departments)
        return [(first + j) % n_departments for j in range(1 + n_extra)]

    def intake_queue(self, n_departments: int) -> int:
        return 0  # social assistance: the civil-affairs desk


class OneStopHall:
    """One-stop service: one queue (the last) in front of every counter; a matter is one visit."""

    def __repr__(self) -> str:
        return "OneStopHall()"

    def queue_weeks(
        self, week: np.ndarray, n_departments: int, params: Mapping[str, Any]
    ) -> list[np.ndarray]:
        return [np.zeros_like(week)] * n_departments + [week]

    def matter_stages(self, u_first: float, n_extra: int, n_departments: int) -> list[int]:
        return [n_departments]

    def intake_queue(self, n_departments: int) -> int:
        return n_departments


def department_days(week: np.ndarray, j: int, n_days: int) -> np.ndarray:
    """Department j's desk is staffed on ``n_days`` of the hall's open days, in rotation."""
    open_days = [d for d in range(7) if week[d * SLOTS_PER_DAY : (d + 1) * SLOTS_PER_DAY].any()]
    mask = np.zeros_like(week)
    for k in range(min(n_days, len(open_days))):
        d = open_days[(j + k) % len(open_days)]
        mask[d * SLOTS_PER_DAY : (d + 1) * SLOTS_PER_DAY] = True
    return mask


def install(policy: Policy, params: Mapping[str, Any]) -> None:
    policy.hall = OneStopHall() if params["service.one_stop"] else DepartmentDesks()


REFORM = Reform(
    stem=STEM,
    title=N_("One-stop service hall"),
    chinese="一站式服务",
    family="governance",
    years=N_("2011"),
    summary=N_("One hall where any counter serves any matter, instead of one counter per department."),
    params=PARAMS,
    controls=(Control("service.one_stop", N_("One-stop hall"), "switch"),),
    claims=(
        Claim(
            STEM,
            "service.queue_wait_mean_min",
            -1,
            "one-stop service: shorter waits",
            2.0,
            "2 minutes: a change a resident in the queue notices (sim.kpis)",
        ),
        Claim(
            STEM,
            "service.time_to_resolution_mean_d",
            -1,
            "one-stop service: quicker resolution",
            0.5,
            "half a day: a matter settled a day sooner or not (sim.kpis)",
        ),
    ),
    install=install,
)
