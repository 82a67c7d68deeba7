"""The levers and goals of "How much is enough?": what a planner may vary (staff, evening opening,
operating funds, access strictness), the values tried over a range, and the goals a value must meet.

The question built from them, its sweep and its judgement are :mod:`sim.ui.how_much`'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.i18n import N_, _

if TYPE_CHECKING:
    from sim.scenario import Scenario

#: The most lever values one question may ask for (each is a point of the sweep).
MAX_VALUES = 21
EVENING_FROM_H = 17.5


@dataclass(frozen=True)
class Lever:
    """A setting a planner may vary: the parameter, its words, a default range and its unit."""

    key: str  # an id of the lever (the parameter it sets, or "evening")
    param: str
    label: str  # N_() text
    unit: str  # N_() text
    lo: float
    hi: float
    count: int  # how many values by default
    integer: bool = False
    step: float | None = None  # values are rounded to it (half hours)
    percent: bool = False
    min_value: float = 0.0
    max_value: float = math.inf


LEVERS: dict[str, Lever] = {
    lev.key: lev
    for lev in (
        Lever(
            "staff.count",
            "staff.count",
            N_("Hired staff"),
            N_("staff"),
            6,
            14,
            9,
            integer=True,
            min_value=1,
            max_value=1000,
        ),
        Lever(
            "evening",
            "service.opening",
            N_("Weekday opening until (hour; 19.5 is 19:30)"),
            N_("o'clock"),
            17.5,
            21.0,
            8,
            step=0.5,
            min_value=12.0,
            max_value=24.0,
        ),
        Lever(
            "finance.fiscal_yuan_year",
            "finance.fiscal_yuan_year",
            N_("Operating funds from the city and district"),
            N_("yuan a year"),
            100_000,
            500_000,
            5,
            max_value=1e9,
        ),
        Lever(
            "departments.access_strictness",
            "departments.access_strictness",
            N_("Access system strictness (share of department tasks turned back)"),
            N_("%"),
            0.0,
            1.0,
            5,
            percent=True,
            max_value=1.0,
        ),
    )
}

#: Relations of a goal: a KPI at least / at most a number, or no worse than the baseline.
AT_LEAST, AT_MOST, NOT_WORSE = "at_least", "at_most", "not_worse"
RELATIONS = {
    AT_LEAST: N_("at least"),
    AT_MOST: N_("at most"),
    NOT_WORSE: N_("no worse than the baseline"),
}
#: The measures a goal may be about (the planners' questions of the issue, and the money).
GOAL_KPIS = (
    "service.daytime_wait_mean_min",
    "service.queue_wait_mean_min",
    "access.resolved_share.commuter",
    "access.resolved_share.retiree",
    "service.unmet_share",
    "staff.overtime_h_per_staff",
    "finance.balance_yuan",
    "governance.participation_rate.commuter",
)


@dataclass(frozen=True)
class Goal:
    kpi: str
    relation: str
    value: float = 0.0  # in the KPI's unit (a share as a fraction); unused for NOT_WORSE

    def text(self) -> str:
        """The goal in words: "Needs resolved: commuters at least 80 %"."""
        from sim.kpis import format_value, kpi_label

        if self.relation == NOT_WORSE:
            return f"{kpi_label(self.kpi)}: {_(RELATIONS[NOT_WORSE])}"
        value = format_value(self.kpi, self.value)
        return f"{kpi_label(self.kpi)}: {_(RELATIONS[self.relation])} {value}"


DEFAULT_GOALS = (
    Goal("service.daytime_wait_mean_min", NOT_WORSE),
    Goal("access.resolved_share.commuter", AT_LEAST, 0.80),
)


def lever_values(lever: Lever, lo: float, hi: float, count: int) -> tuple[float, ...]:
    """``count`` values evenly from ``lo`` to ``hi``, rounded as the lever needs, without repeats."""
    raw = np.linspace(lo, hi, count) if count > 1 else np.array([lo])
    if lever.integer:
        raw = np.round(raw)
    elif lever.step:
        raw = np.round(raw / lever.step) * lever.step
    elif lever.percent:
        raw = np.round(raw, 4)
    else:
        raw = np.round(raw, 2)
    out: list[float] = []
    for v in raw:
        if float(v) not in out:
            out.append(float(v))
    return tuple(out)


def range_problems(lever: Lever, lo: float, hi: float, count: int) -> list[str]:
    """What is wrong with a range (empty: it can run)."""
    out = []
    shown = value_text(lever, lever.max_value) if math.isfinite(lever.max_value) else ""
    for v in (lo, hi):
        if not lever.min_value <= v <= lever.max_value:
            out.append(
                _("{lever}: {value} is outside what is possible ({lo} to {hi}).").format(
                    lever=_(lever.label),
                    value=value_text(lever, v),
                    lo=value_text(lever, lever.min_value),
                    hi=shown,
                )
            )
    if lo > hi:
        out.append(_("The range must go from a smaller to a larger value."))
    if not 2 <= count <= MAX_VALUES:
        out.append(_("Values to try: from 2 to {n}.").format(n=MAX_VALUES))
    return out


def value_text(lever: Lever, v: float) -> str:
    """A lever value as the planner reads it: 8 staff, 19:30, 300,000 yuan, 50 %."""
    if lever.key == "evening":
        return f"{int(v):02d}:{round(60 * (v - int(v))):02d}"
    if lever.percent:
        return f"{100 * v:g} %"
    if lever.integer:
        return f"{int(v)}"
    return f"{v:,.0f}"


def evening_schedule(spec: dict[str, Any], until_h: float) -> dict[str, list[str]]:
    """The weekly opening hours with every weekday that is open kept open, from the end of its
    last opening, until ``until_h`` (hours; never shortened: a day already open later is kept)."""
    from sim.calendar import DAY_NAMES, SLOTS_PER_DAY, mask_to_spec, weekly_mask

    mask = weekly_mask(spec).copy()
    end_slot = round(until_h * 2)
    for d in range(5):
        day = mask[d * SLOTS_PER_DAY : (d + 1) * SLOTS_PER_DAY]
        open_slots = np.flatnonzero(day)
        if len(open_slots) == 0:
            continue  # a weekday the hall is closed stays closed
        last = int(open_slots[-1]) + 1
        if end_slot > last:
            day[last:end_slot] = True
    assert DAY_NAMES[0] == "mon"
    return mask_to_spec(mask)


def change_for(lever: Lever, scenario: Scenario, value: float) -> dict[str, Any]:
    """The scenario change that sets the lever to ``value``."""
    if lever.key == "evening":
        return {"service.opening": evening_schedule(scenario.params["service.opening"], value)}
    return {lever.param: int(value) if lever.integer else float(value)}
