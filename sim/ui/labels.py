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
from sim.i18n import N_, _
from sim.kpis import GROUP_WORDS, KPI_LABELS, KPIS
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
        N_("Opening hours"),
        N_("2013: staggered working hours"),
        N_("When the service hall is open. Commuters and migrants can only come outside working hours."),
        (Control("service.opening", N_("Opening hours of the service hall"), "hours"),),
    ),
    Reform(
        N_("Task access and funding"),
        N_("2003 classification, 2005 access system, 2014 strict access"),
        N_("Which tasks departments may push down to the community, and whether money comes with them."),
        (
            Control(
                "departments.classification",
                N_("Functions sorted into the four 2003 classes"),
                "switch",
                N_("Needed before an access system can turn tasks back by their class."),
            ),
            Control(
                "departments.access_strictness",
                N_("Access system strictness (share of department tasks turned back)"),
                "percent",
            ),
            Control(
                "departments.classification_compliance",
                N_("Departments that keep their own tasks without being told"),
                "percent",
            ),
            Control(
                "departments.funded_share",
                N_("Share of accepted tasks that come with their funding"),
                "percent",
                N_("Funding follows the task (2005)."),
            ),
            Control(
                "departments.authority_share",
                N_("Share of public-space problems the community may fix itself"),
                "percent",
                N_("Authority follows responsibility (2005)."),
            ),
            Control(
                "departments.escalation_cases_per_week",
                N_("Escalated problems each department takes up a week"),
                "number",
                N_("Beyond this, problems wait in the department's queue."),
            ),
        ),
    ),
    Reform(
        N_("Residents' committee"),
        N_("2003: election plus hiring; 2014: part-time members"),
        N_("Who sits on the committee and how much of their time goes to government errands."),
        (
            Control("committee.full_time_members", N_("Full-time elected members"), "count"),
            Control(
                "committee.part_time_share",
                N_("Share of part-time members (from enterprises and local units)"),
                "percent",
                N_("Article: 23 % in 2014."),
            ),
            Control("committee.errand_share", N_("Full-time members' time on government errands"), "percent"),
            Control(
                "committee.paired_unit_fixes_per_year",
                N_("Public problems each part-time member's unit can fix in a year"),
                "number",
            ),
        ),
    ),
    Reform(
        N_("Staff of the service centre"),
        N_("2014: recruitment and training"),
        N_("How many staff are hired, and their qualifications."),
        (
            Control(
                "staff.count", N_("Hired staff"), "count", N_("Planning figure: 18 per 10,000 residents.")
            ),
            Control(
                "staff.degree_share",
                N_("Staff with a college degree"),
                "percent",
                N_("Article: 80.5 % in 2014."),
            ),
            Control(
                "staff.certified_share",
                N_("Certified social workers"),
                "percent",
                N_("Article: 30 % in 2014."),
            ),
            Control("staff.at_least_one_certified", N_("At least one professional social worker"), "switch"),
        ),
    ),
    Reform(
        N_("One-stop service hall"),
        N_("2011"),
        N_("One hall where any counter serves any matter, instead of one counter per department."),
        (Control("service.one_stop", N_("One-stop hall"), "switch"),),
    ),
    Reform(
        N_("Budget"),
        N_("2014: operating funds in the budget"),
        N_("Money for running the community each year."),
        (
            Control(
                "finance.fiscal_yuan_year",
                N_("Operating funds from the city and district"),
                "money",
                N_("Article: about 600,000 yuan a year in 2014."),
            ),
            Control("finance.co_building_yuan_year", N_("Co-building contributions"), "money"),
        ),
    ),
    Reform(
        N_("Office space"),
        N_("500 m² in 2009, 700 m² in 2014"),
        N_("Office and service space; every hall counter needs room."),
        (Control("office.area_m2", N_("Office and service space"), "number"),),
    ),
    Reform(
        N_("Burden reduction"),
        N_("2009, 2013, 2014"),
        N_("Inspections, meetings, report forms and ledgers that take staff away from residents."),
        (
            Control("burden.inspections_per_year", N_("Inspections and evaluations a year"), "count"),
            Control("burden.meetings_per_week", N_("Meetings a week for each staff member"), "number"),
            Control("burden.forms_per_month", N_("Report forms a month"), "number"),
            Control("burden.ledger_hours_per_week", N_("Hours a week keeping ledgers"), "number"),
        ),
    ),
    Reform(
        N_("Information platform"),
        N_("2012-2013 (years assumed)"),
        N_("Grid officers reporting problems by phone, matters done online, online participation."),
        (
            Control("informatisation.grid_reporting", N_("Grid officers report problems by phone"), "switch"),
            Control(
                "informatisation.patrol_paid_hours_per_week",
                N_("Paid grid officers' patrol hours a week"),
                "number",
                N_("Paid from the community's money."),
            ),
            Control(
                "informatisation.patrol_staff_hours_per_week",
                N_("Centre staff's patrol hours a week"),
                "number",
                N_("Taken from the staff's back-office hours."),
            ),
            Control(
                "informatisation.patrol_committee_hours_per_week",
                N_("Committee members' patrol hours a week"),
                "number",
                N_("Taken from their mediation and door-to-door hours."),
            ),
            Control(
                "informatisation.online_services_share",
                N_("Share of matters that can be done online"),
                "percent",
            ),
            Control(
                "participation.online_channels", N_("Website, QQ and WeChat groups for residents"), "switch"
            ),
        ),
    ),
    Reform(
        N_("Elderly care"),
        N_("2013 (year assumed)"),
        N_("Home elderly-care stations and volunteers for elderly people living alone."),
        (
            Control("elderly_care.station", N_("Home elderly-care service station"), "switch"),
            Control("elderly_care.station_places", N_("Places at the care station"), "count"),
            Control("elderly_care.volunteer_hours_per_week", N_("Volunteer hours a week"), "number"),
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
        return _(CONTROLS[key].label)
    base, _sep, part = key.rpartition(".")
    if base in PARAMS and (part in GROUPS or part in CLASSES):
        return f"{param_label(base)}: {group_word(part)}"
    p = PARAMS.get(key)
    if p is None:
        return key
    return p.doc.split(";")[0].rstrip(".")


def group_word(group: str) -> str:
    """A resident group (or task class) as the planner reads it, in the current language."""
    if group in GROUP_WORDS:
        return _(GROUP_WORDS[group])
    return GROUP_LABELS.get(group, group.replace("_", " "))


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
        return _("closed all week")
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
        return _("yes") if value else _("no")
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
        N_("Service to residents"),
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
            "elderly_care.station_share",
            "elderly_care.waiting_list_end",
        ),
    ),
    (
        N_("Staff time"),
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
        N_("Tasks pushed down by departments"),
        (
            "tasks.pushed_down",
            "tasks.turned_back",
            "tasks.accepted",
            "tasks.late",
            "tasks.unfunded_cost_yuan",
        ),
    ),
    (
        N_("Public space and self-governance"),
        (
            "grid.response_mean_h",
            "departments.backlog_mean",
            "departments.backlog_end",
            "governance.participation_rate",
            "governance.resolved_locally_share",
            "governance.disputes_settled_share",
        ),
    ),
    (N_("Residents"), ("residents.satisfaction_mean", "residents.trust_mean")),
    (N_("Money"), ("finance.balance_yuan",)),
    (N_("Who gains: needs resolved, by resident group"), tuple(f"access.resolved_share.{g}" for g in GROUPS)),
    (
        N_("Who takes part: participation, by resident group"),
        tuple(f"governance.participation_rate.{g}" for g in GROUPS),
    ),
)


def kpi_label(key: str) -> str:
    """A KPI's name for planners; per-group KPIs are named by their group."""
    group = key.rpartition(".")[2]
    if key not in KPI_LABELS and group in GROUP_WORDS:
        return group_word(group).capitalize()  # under its section's title, the group says it all
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
    "better": N_("better"),
    "worse": N_("worse"),
    "negligible": N_("negligible"),
    "unsure": N_("not sure"),
    "same": N_("no change"),
    "": "",
}

# Series of the daily figures, in planner words (keys of sim.kpis.DAILY).
DAILY_FIGURES: dict[str, str] = {
    "wait_mean_min": N_("Waiting time in the hall queue"),
    "participation_ytd": N_("Participation so far this year"),
    "admin_h": N_("Staff hours on administrative work"),
    "overtime_h": N_("Staff overtime"),
    "casework_backlog": N_("Cases waiting for staff"),
    "public_open": N_("Public-space problems not yet fixed"),
    "satisfaction_mean": N_("Resident satisfaction"),
    "balance_yuan": N_("Income minus spending so far"),
    "visits": N_("Residents coming to the hall"),
    "served": N_("Residents served at a counter"),
    "unmet_total": N_("Needs given up so far"),
}
