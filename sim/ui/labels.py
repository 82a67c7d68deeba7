"""The planners' words: how the app names reforms, parameters and KPIs, and how it shows values.

Nothing here computes a result.  The reforms are grouped the way the Changsha article tells them
(``../shared/DOMAIN.md``), each with the parameters a planner changes for it; every other
parameter keeps its documentation from :mod:`sim.parameters` and is reachable under "all other
parameters".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.calendar import DAY_NAMES, ScheduleError, day_intervals, weekly_mask
from sim.kpis import KPI_LABELS, KPIS
from sim.kpis import kpi_label as full_kpi_label
from sim.parameters import CLASSES, GROUP_LABELS, GROUPS, PARAMS


@dataclass(frozen=True)
class Control:
    """One control of a reform: which parameter, what the planner reads, and which widget.

    ``widget`` is one of ``percent`` (a slider in %), ``count`` (a whole number), ``number``,
    ``money`` (yuan), ``switch`` (on/off) or ``hours`` (the opening-hours editor).
    """

    key: str
    label: str
    widget: str
    help: str = ""


@dataclass(frozen=True)
class Reform:
    """A reform as the article tells it, with the controls that state it in a scenario."""

    title: str
    years: str
    summary: str
    controls: tuple[Control, ...]


REFORMS: tuple[Reform, ...] = (
    Reform(
        "Opening hours",
        "2013: staggered working hours",
        "When the service hall is open. Commuters and migrants can only come outside working hours.",
        (Control("service.opening", "Opening hours of the service hall", "hours"),),
    ),
    Reform(
        "Task access and funding",
        "2003 classification, 2005 access system, 2014 strict access",
        "Which tasks departments may push down to the community, and whether money comes with them.",
        (
            Control(
                "departments.classification",
                "Functions sorted into the four 2003 classes",
                "switch",
                "Needed before an access system can turn tasks back by their class.",
            ),
            Control(
                "departments.access_strictness",
                "Access system strictness (share of department tasks turned back)",
                "percent",
            ),
            Control(
                "departments.classification_compliance",
                "Departments that keep their own tasks without being told",
                "percent",
            ),
            Control(
                "departments.funded_share",
                "Share of accepted tasks that come with their funding",
                "percent",
                "Funding follows the task (2005).",
            ),
            Control(
                "departments.authority_share",
                "Share of public-space problems the community may fix itself",
                "percent",
                "Authority follows responsibility (2005).",
            ),
        ),
    ),
    Reform(
        "Residents' committee",
        "2003: election plus hiring; 2014: part-time members",
        "Who sits on the committee and how much of their time goes to government errands.",
        (
            Control("committee.full_time_members", "Full-time elected members", "count"),
            Control(
                "committee.part_time_share",
                "Share of part-time members (from enterprises and local units)",
                "percent",
                "Article: 23 % in 2014.",
            ),
            Control("committee.errand_share", "Full-time members' time on government errands", "percent"),
        ),
    ),
    Reform(
        "Staff of the service centre",
        "2014: recruitment and training",
        "How many staff are hired, and their qualifications.",
        (
            Control("staff.count", "Hired staff", "count", "Planning figure: 18 per 10,000 residents."),
            Control(
                "staff.degree_share", "Staff with a college degree", "percent", "Article: 80.5 % in 2014."
            ),
            Control("staff.certified_share", "Certified social workers", "percent", "Article: 30 % in 2014."),
            Control("staff.at_least_one_certified", "At least one professional social worker", "switch"),
        ),
    ),
    Reform(
        "One-stop service hall",
        "2011",
        "One hall where any counter serves any matter, instead of one counter per department.",
        (Control("service.one_stop", "One-stop hall", "switch"),),
    ),
    Reform(
        "Budget",
        "2014: operating funds in the budget",
        "Money for running the community each year.",
        (
            Control(
                "finance.fiscal_yuan_year",
                "Operating funds from the city and district",
                "money",
                "Article: about 600,000 yuan a year in 2014.",
            ),
            Control("finance.co_building_yuan_year", "Co-building contributions", "money"),
        ),
    ),
    Reform(
        "Office space",
        "500 m² in 2009, 700 m² in 2014",
        "Office and service space; every hall counter needs room.",
        (Control("office.area_m2", "Office and service space", "number"),),
    ),
    Reform(
        "Burden reduction",
        "2009, 2013, 2014",
        "Inspections, meetings, report forms and ledgers that take staff away from residents.",
        (
            Control("burden.inspections_per_year", "Inspections and evaluations a year", "count"),
            Control("burden.meetings_per_week", "Meetings a week for each staff member", "number"),
            Control("burden.forms_per_month", "Report forms a month", "number"),
            Control("burden.ledger_hours_per_week", "Hours a week keeping ledgers", "number"),
        ),
    ),
    Reform(
        "Information platform",
        "2012-2013 (years assumed)",
        "Grid officers reporting problems by phone, matters done online, online participation.",
        (
            Control("informatisation.grid_reporting", "Grid officers report problems by phone", "switch"),
            Control(
                "informatisation.online_services_share", "Share of matters that can be done online", "percent"
            ),
            Control("participation.online_channels", "Website, QQ and WeChat groups for residents", "switch"),
        ),
    ),
    Reform(
        "Elderly care",
        "2013 (year assumed)",
        "Home elderly-care stations and volunteers for elderly people living alone.",
        (
            Control("elderly_care.station", "Home elderly-care service station", "switch"),
            Control("elderly_care.volunteer_hours_per_week", "Volunteer hours a week", "number"),
        ),
    ),
)

#: Parameters a planner does not edit in a comparison (the run's length is a run setting; a
#: comparison starts every scenario on the same date so that the runs stay paired).
NOT_EDITABLE = frozenset({"run.days", "run.start_date"})

CONTROLS: dict[str, Control] = {c.key: c for r in REFORMS for c in r.controls}
REFORM_OF: dict[str, Reform] = {c.key: r for r in REFORMS for c in r.controls}


def param_label(key: str) -> str:
    """What a planner reads for a parameter (a group or class entry reads "... : group")."""
    if key in CONTROLS:
        return CONTROLS[key].label
    base, _, part = key.rpartition(".")
    if base in PARAMS and (part in GROUPS or part in CLASSES):
        return f"{param_label(base)}: {GROUP_LABELS.get(part, part.replace('_', ' '))}"
    p = PARAMS.get(key)
    if p is None:
        return key
    return p.doc.split(";")[0].rstrip(".")


def widget_for(key: str) -> str:
    """The widget for any parameter: a reform's own choice, else one that fits its kind and unit."""
    if key in CONTROLS:
        return CONTROLS[key].widget
    p = PARAMS[key]
    if p.kind == "schedule":
        return "hours"
    if p.kind == "bool":
        return "switch"
    if p.kind == "int":
        return "count"
    if p.kind in ("groups", "classes"):
        return "table"
    if p.kind == "date":
        return "date"
    if p.unit in ("share", "probability") and p.lo == 0 and p.hi is not None and p.hi <= 1:
        return "percent"
    if p.unit.startswith("yuan"):
        return "money"
    return "number"


# -- showing values ------------------------------------------------------------------------------

_DAY_SHORT = {d: d.capitalize() for d in DAY_NAMES}


def schedule_text(spec: Mapping[str, Sequence[str]]) -> str:
    """A weekly schedule as a planner reads it: ``Mon-Fri 08:00-12:00, 14:30-17:30; Sat 09:00-17:00``.

    Days with the same hours are joined into ranges; days that are closed are left out.
    """
    try:
        per_day = {d: iv for d, iv in day_intervals(weekly_mask(spec)).items() if iv}
    except ScheduleError as e:
        return f"(not valid: {e})"
    if not per_day:
        return "closed all week"
    parts: list[str] = []
    i = 0
    while i < len(DAY_NAMES):
        day = DAY_NAMES[i]
        if day not in per_day:
            i += 1
            continue
        j = i
        while j + 1 < len(DAY_NAMES) and per_day.get(DAY_NAMES[j + 1]) == per_day[day]:
            j += 1
        days = _DAY_SHORT[day] if j == i else f"{_DAY_SHORT[day]}-{_DAY_SHORT[DAY_NAMES[j]]}"
        parts.append(f"{days} {', '.join(per_day[day])}")
        i = j + 1
    return "; ".join(parts)


def value_text(key: str, value: Any) -> str:
    """A parameter value in the planner's units: shares in %, money in yuan, schedules as hours."""
    p = PARAMS.get(key)
    if p is None:
        return str(value)
    if p.kind == "schedule":
        return schedule_text(value)
    if p.kind == "bool":
        return "yes" if value else "no"
    if p.kind in ("groups", "classes"):
        return ", ".join(f"{k.replace('_', ' ')} {_number_text(key, v)}" for k, v in value.items())
    if p.kind == "date":
        return str(value)
    return _number_text(key, value)


def _number_text(key: str, value: Any) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    widget = widget_for(key) if key in PARAMS else "number"
    p = PARAMS.get(key)
    if widget == "percent" or (p is not None and p.unit == "share"):
        return f"{100 * value:.4g} %"
    unit = p.unit if p is not None else ""
    if unit == "m2":
        unit = "m²"
    text = f"{value:,.0f}" if abs(value) >= 1000 or float(value).is_integer() else f"{value:g}"
    return f"{text} {unit_for(value, unit)}".strip()


def unit_for(value: float, unit: str) -> str:
    """The unit as read after ``value``: singular after exactly one ("1 meeting/week",
    "1 staff-hour/week"); per-unit parts (after "/") are singular already."""
    if value != 1 or not unit:
        return unit
    head, sep, rest = unit.partition("/")
    if head.endswith("s") and not head.endswith("ss"):
        head = head[:-1]
    return f"{head}{sep}{rest}"


# -- KPIs ------------------------------------------------------------------------------------

KPI_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Service to residents",
        (
            "service.queue_wait_mean_min",
            "service.queue_wait_p95_min",
            "service.daytime_wait_mean_min",
            "service.time_to_resolution_mean_d",
            "service.resolved_share",
            "service.unmet_share",
            "service.pending_share",
            "service.visits_per_matter",
            "service.online_share",
            "service.outreach_visits",
        ),
    ),
    (
        "Staff time",
        (
            "staff.service_time_share",
            "staff.admin_time_share",
            "staff.admin_h_per_staff_week",
            "staff.overtime_h_per_staff",
            "staff.counter_utilisation",
            "staff.idle_time_share",
        ),
    ),
    (
        "Tasks pushed down by departments",
        (
            "tasks.pushed_down",
            "tasks.turned_back",
            "tasks.accepted",
            "tasks.late",
            "tasks.unfunded_cost_yuan",
        ),
    ),
    (
        "Public space and self-governance",
        (
            "grid.response_mean_h",
            "governance.participation_rate",
            "governance.resolved_locally_share",
            "governance.disputes_settled_share",
        ),
    ),
    ("Residents", ("residents.satisfaction_mean", "residents.trust_mean")),
    ("Money", ("finance.balance_yuan",)),
    ("Who gains: needs resolved, by resident group", tuple(f"access.resolved_share.{g}" for g in GROUPS)),
    (
        "Who takes part: participation, by resident group",
        tuple(f"governance.participation_rate.{g}" for g in GROUPS),
    ),
)


def kpi_label(key: str) -> str:
    """A KPI's name for planners; per-group KPIs are named by their group."""
    group = key.rpartition(".")[2]
    if key not in KPI_LABELS and group in GROUP_LABELS:
        return GROUP_LABELS[group].capitalize()  # under its section's title, the group says it all
    return full_kpi_label(key)


def kpi_value(key: str, value: float | None) -> str:
    """A KPI value without sign, in the unit a planner reads (shares in %)."""
    return _kpi_number(key, value, signed=False)


def kpi_difference(key: str, value: float | None) -> str:
    """A difference between scenarios: signed; shares in percentage points."""
    return _kpi_number(key, value, signed=True)


def kpi_unit(key: str, difference: bool = False) -> str:
    unit = KPIS[key].unit if key in KPIS else ""
    if unit == "share":
        return "pp" if difference else "%"
    return {"0-1": "", "h/staff/week": "h", "h/staff": "h"}.get(unit, unit)


def _kpi_number(key: str, value: float | None, signed: bool) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    unit = KPIS[key].unit if key in KPIS else ""
    x = 100 * value if unit == "share" else value
    sign = "+" if signed else ""
    if unit == "0-1":
        text = f"{x:{sign}.3f}"
    elif abs(x) >= 1000:
        text = f"{x:{sign},.0f}"
    elif abs(x) >= 100:
        text = f"{x:{sign}.0f}"
    else:
        text = f"{x:{sign}.1f}" if unit == "share" else f"{x:{sign}.2f}"
    return text.replace("-", "−") if signed else text


def shows_as_zero(key: str, value: float | None) -> bool:
    """Whether a KPI value reads as zero once rounded for display (a change relative to it, or
    a change that reads 0.0, means nothing to a reader: "+129 %" beside 0.0)."""
    text = kpi_value(key, None if value is None else abs(value))
    try:
        return float(text.replace(",", "")) == 0
    except ValueError:
        return True  # n/a


def kpi_interval(key: str, low: float | None, high: float | None, difference: bool = False) -> str:
    """``[low, high]`` in the KPI's display unit."""
    fmt = kpi_difference if difference else kpi_value
    return f"[{fmt(key, low)}, {fmt(key, high)}]"


VERDICT_WORDS = {
    "better": "better",
    "worse": "worse",
    "negligible": "negligible",
    "unsure": "not sure",
    "same": "no change",
    "": "",
}

# Series of the daily figures, in planner words (keys of sim.kpis.DAILY).
DAILY_FIGURES: dict[str, str] = {
    "wait_mean_min": "Waiting time in the hall queue",
    "participation_ytd": "Participation so far this year",
    "admin_h": "Staff hours on administrative work",
    "overtime_h": "Staff overtime",
    "casework_backlog": "Cases waiting for staff",
    "public_open": "Public-space problems not yet fixed",
    "satisfaction_mean": "Resident satisfaction",
    "balance_yuan": "Income minus spending so far",
    "visits": "Residents coming to the hall",
    "served": "Residents served at a counter",
    "unmet_total": "Needs given up so far",
}
