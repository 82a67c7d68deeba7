"""The planners' words: how the app names reforms, parameters and KPIs, and how it shows values.

Nothing here computes a result.  The reforms are grouped the way the Changsha article tells them
(``../shared/DOMAIN.md``), each with the parameters a planner changes for it; every other
parameter keeps its documentation from :mod:`sim.parameters` and is reachable under "all other
parameters".  Every text here is in the reader's language: the app's own words through ``_()``,
the model data's (a parameter's name, documentation, unit and source) through the catalogue's
``data`` domain (:mod:`sim.data_words`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.calendar import DAY_NAMES, ScheduleError, day_intervals, weekly_mask
from sim.data_words import doc_label
from sim.i18n import N_, _
from sim.kpis import GROUP_WORDS, KPI_LABELS, KPIS
from sim.kpis import kpi_label as full_kpi_label
from sim.kpis.district import DISTRICT_KPIS
from sim.parameters import CLASSES, GROUPS, PARAMS
from sim.reforms import REFORMS as ALL_REFORMS
from sim.reforms import Control, Reform

# Each reform declares its own card (title, years, summary, controls) in its module.
REFORMS: tuple[Reform, ...] = ALL_REFORMS

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
    return _(doc_label(p.doc))


def param_doc(key: str) -> str:
    """A parameter's documentation and source, as "all other parameters" shows them."""
    p = PARAMS[key]
    label = doc_label(p.doc)
    doc = _("{sentence}.").format(sentence=_(label)) if p.doc == f"{label}." else _(p.doc)
    return _("{doc} ({source})").format(doc=doc, source=_(p.source))


#: The four classes of the 2003 notice, in the article's words (部门承担、社区承担、部门指导、社区协助).
CLASS_WORDS = {
    "department_borne": N_("borne by departments"),
    "community_borne": N_("borne by the community"),
    "department_guided": N_("guided by departments"),
    "community_assisted": N_("assisted by the community"),
}


def group_word(group: str) -> str:
    """A resident group (or task class) as the planner reads it, in the current language."""
    if group in GROUP_WORDS:
        return _(GROUP_WORDS[group])
    if group in CLASS_WORDS:
        return _(CLASS_WORDS[group])
    return group.replace("_", " ")


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

_DAY_SHORT = {
    "mon": N_("Mon"),
    "tue": N_("Tue"),
    "wed": N_("Wed"),
    "thu": N_("Thu"),
    "fri": N_("Fri"),
    "sat": N_("Sat"),
    "sun": N_("Sun"),
}


def schedule_text(spec: Mapping[str, Sequence[str]]) -> str:
    """A weekly schedule as a planner reads it: ``Mon-Fri 08:00-12:00, 14:30-17:30; Sat 09:00-17:00``.

    Days with the same hours are joined into ranges; days that are closed are left out.
    """
    try:
        per_day = {d: iv for d, iv in day_intervals(weekly_mask(spec)).items() if iv}
    except ScheduleError as e:
        from sim.ui.messages import problem_text

        return _("(not valid: {error})").format(error=problem_text(str(e)))
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
        first, last = _(_DAY_SHORT[day]), _(_DAY_SHORT[DAY_NAMES[j]])
        days = first if j == i else _("{first}-{last}").format(first=first, last=last)
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
        return ", ".join(f"{group_word(k)} {_number_text(key, v)}" for k, v in value.items())
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
    text = f"{value:,.0f}" if abs(value) >= 1000 or float(value).is_integer() else f"{value:g}"
    return f"{text} {unit_text(value, unit)}".strip()


def unit_text(value: float | None, unit: str) -> str:
    """A parameter's unit as read after ``value``, in the reader's language: "1 meeting/week",
    "3 meetings/week", "3 次会议/周" ("m2" reads m²)."""
    if not unit:
        return ""
    translated = _(unit)
    if translated != unit:
        return translated
    return unit_for(value, unit).replace("m2", "m²") if value is not None else unit.replace("m2", "m²")


def unit_for(value: float | None, unit: str) -> str:
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
            "service.errand_share",
            "service.outreach_visits",
            "elderly_care.station_share",
            "elderly_care.waiting_list_end",
            "elderly_care.requests_drawn",
            "service.volunteer_visits",
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
            "staff.count_end",
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
            "governance.events_in_paired_venues",
        ),
    ),
    (
        N_("Residents"),
        ("residents.satisfaction_mean", "residents.trust_mean", "residents.online_aware_share"),
    ),
    (
        N_("Money"),
        (
            "finance.income_yuan",
            "finance.spending_yuan",
            "finance.balance_yuan",
            "finance.cost_per_resolved_need_yuan",
            "finance.shortfall_days",
            "finance.budget_cuts",
            "finance.budget_additions",
        ),
    ),
    (N_("Who gains: needs resolved, by resident group"), tuple(f"access.resolved_share.{g}" for g in GROUPS)),
    (
        N_("Who takes part: participation, by resident group"),
        tuple(f"governance.participation_rate.{g}" for g in GROUPS),
    ),
    # A district's own measures (sim.kpis.district); a community's table has none of them.
    (
        N_("Across the district's communities: worst and best tenth, inequality"),
        tuple(k for k in DISTRICT_KPIS if k.startswith("spread.")),
    ),
    (N_("The district"), tuple(k for k in DISTRICT_KPIS if k.startswith("district."))),
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


#: How a KPI's unit reads after its value (the unit's own word where it has none here).
KPI_UNIT_WORDS = {
    "0-1": "",
    "h/staff/week": N_("h"),
    "h/staff": N_("h"),
    "min": N_("min"),
    "days": N_("days"),
    "yuan": N_("yuan"),
    "tasks": N_("tasks"),
    "visits": N_("visits"),
    "cases": N_("cases"),
    "changes": N_("changes"),
    "residents": N_("residents"),
    "hours": N_("hours"),
    "requests": N_("requests"),
    "events": N_("events"),
    "staff": N_("staff"),
}


def kpi_unit(key: str, difference: bool = False) -> str:
    """A KPI's unit in the reader's language: shares in % and their differences in percentage
    points (pp)."""
    unit = KPIS[key].unit if key in KPIS else ""
    if unit == "share":
        return _("pp") if difference else "%"
    word = KPI_UNIT_WORDS.get(unit, unit)
    return _(word) if word else ""


def _kpi_number(key: str, value: float | None, signed: bool) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("n/a")
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
