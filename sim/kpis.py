"""What a run measures: the end-of-run summary KPIs and the daily series.

Each KPI has a unit, a plain description and the direction that counts as better, so tables and
the web app can say "better" or "worse" without guessing.  Per-group KPIs are written
``access.resolved_share.<group>`` and ``governance.participation_rate.<group>``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.i18n import N_, _
from sim.parameters import GROUPS

if TYPE_CHECKING:
    from sim.model import CommunityModel


@dataclass(frozen=True)
class Matters:
    """The smallest change of a KPI that is big enough to matter to a planner: ``absolute`` in the
    KPI's unit (shares as fractions), or ``relative`` to the baseline's mean, whichever is larger.
    A difference that is sure (its interval excludes zero) but smaller is called negligible."""

    absolute: float = 0.0
    relative: float = 0.0
    why: str = ""

    def threshold(self, baseline_mean: float) -> float:
        base = abs(baseline_mean) if baseline_mean == baseline_mean else 0.0  # NaN: no baseline
        return max(self.absolute, self.relative * base)

    def describe(self, unit: str) -> str:
        """The rule in words: "2 pp (why)", "1 tasks or 10 % of the baseline, whichever is larger"."""
        size = f"{100 * self.absolute:g} pp" if unit == "share" else f"{self.absolute:g} {unit}".strip()
        parts = ([size] if self.absolute else []) + (
            [f"{100 * self.relative:g} % of the baseline"] if self.relative else []
        )
        rule = " or ".join(parts) + (", whichever is larger" if len(parts) > 1 else "")
        return f"{rule or '0'} ({self.why})" if self.why else rule or "0"


def parse_matters(text: str) -> Matters:
    """A threshold as a user writes it: ``2`` (in the KPI's unit; a share as 0.02) or ``5%``
    (relative to the baseline's mean).  ``ValueError`` says what is allowed."""
    t = text.strip()
    relative = t.endswith("%")
    try:
        value = float(t.rstrip("%").strip())
    except ValueError:
        value = -1.0
    if not value >= 0 or value != value or value == float("inf"):
        raise ValueError(
            f"expected a number >= 0 in the KPI's unit (shares as fractions, 0.02 = 2 pp) or a "
            f"percentage of the baseline such as 5%, got {text!r}"
        )
    return (
        Matters(relative=value / 100, why="set by the user")
        if relative
        else Matters(value, 0.0, "set by the user")
    )


@dataclass(frozen=True)
class KPI:
    key: str
    unit: str
    better: str  # "higher", "lower" or "" (neither: a count or a check)
    doc: str
    signed: bool = False  # can be negative (a balance); else a share, a time or a count: >= 0
    matters: Matters = Matters()  # the smallest change worth acting on (filled in from _MATTERS)

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The possible values, for intervals that stay within them: shares and 0-1 scores in
        [0, 1], times, counts and costs >= 0, a balance unbounded."""
        if self.unit in ("share", "0-1"):
            return (0.0, 1.0)
        return (None, None) if self.signed else (0.0, None)


_BASE = [
    KPI(
        "service.queue_wait_mean_min",
        "min",
        "lower",
        "Mean time in a hall queue: until served, or until leaving the queue or being turned away at "
        "closing.",
    ),
    KPI("service.queue_wait_p95_min", "min", "lower", "95th percentile of the time in a hall queue."),
    KPI(
        "service.daytime_wait_mean_min",
        "min",
        "lower",
        "Mean queue wait of residents arriving on weekdays 08:00-17:30.",
    ),
    KPI(
        "service.time_to_resolution_mean_d",
        "days",
        "lower",
        "Mean days from a need arising to it being resolved (resolved needs).",
    ),
    KPI(
        "service.resolved_share",
        "share",
        "higher",
        "Share of individual needs (matters, assistance, elderly care) resolved by the end.",
    ),
    KPI("service.unmet_share", "share", "lower", "Share of individual needs given up."),
    KPI("service.pending_share", "share", "", "Share of individual needs still open at the end."),
    KPI(
        "service.visits_per_matter",
        "visits",
        "lower",
        "Trips to the centre per administrative matter resolved at the counter.",
    ),
    KPI("service.online_share", "share", "", "Share of administrative matters handled online."),
    KPI(
        "service.errand_share",
        "share",
        "",
        "Share of individual needs for which a household member went to the centre in the resident's "
        "place (household errands).",
    ),
    KPI(
        "service.outreach_visits",
        "visits",
        "higher",
        "Home visits by staff to vulnerable and elderly residents.",
    ),
    KPI(
        "staff.service_time_share",
        "share",
        "higher",
        "Staff hours serving residents (counter, casework, outreach, grid patrol) / hours worked.",
    ),
    KPI("staff.admin_time_share", "share", "lower", "Staff hours on administrative work / hours worked."),
    KPI(
        "staff.admin_h_per_staff_week",
        "h/staff/week",
        "lower",
        "Administrative hours (tasks, forms, ledgers, meetings, inspections) per staff member.",
    ),
    KPI("staff.overtime_h_per_staff", "h/staff", "lower", "Overtime over the run per staff member."),
    KPI("staff.counter_utilisation", "share", "", "Busy share of staffed counter hours."),
    KPI(
        "staff.idle_time_share",
        "share",
        "",
        "Rostered hours with nothing to do (an empty counter, no work left) / hours worked. Faster "
        "service or fewer errands raise it: read it beside staff.service_time_share.",
    ),
    KPI("tasks.pushed_down", "tasks", "lower", "Tasks departments pushed down to the community."),
    KPI("tasks.turned_back", "tasks", "", "Tasks the access system turned back."),
    KPI("tasks.accepted", "tasks", "lower", "Tasks the community took on."),
    KPI("tasks.late", "tasks", "lower", "Administrative tasks finished after their deadline."),
    KPI("tasks.unfunded_cost_yuan", "yuan", "lower", "Cost of accepted tasks that came without money."),
    KPI(
        "grid.response_mean_h",
        "hours",
        "lower",
        "Mean hours from a public-space problem appearing to it being fixed, including the wait in "
        "a department's queue; a problem still open at the end counts with its age then (a lower "
        "bound), so a backlog cannot make the mean look shorter.",
    ),
    KPI(
        "departments.backlog_end",
        "cases",
        "lower",
        "Escalated public-space problems waiting in the departments' queues at the end (not yet taken up).",
    ),
    KPI(
        "departments.backlog_mean",
        "cases",
        "lower",
        "Escalated problems waiting in the departments' queues, mean over the run's midnights.",
    ),
    KPI(
        "elderly_care.station_share",
        "share",
        "higher",
        "Share of elderly-care requests the care station answered (0 without a station).",
    ),
    KPI(
        "elderly_care.waiting_list_end",
        "requests",
        "lower",
        "Elderly-care requests on the care station's waiting list at the end.",
    ),
    KPI(
        "governance.participation_rate",
        "share",
        "higher",
        "Share of residents who took part in at least one council, hearing or activity in a year.",
    ),
    KPI(
        "governance.resolved_locally_share",
        "share",
        "higher",
        "Share of disputes and public-space problems settled by the community itself.",
    ),
    KPI(
        "governance.disputes_settled_share",
        "share",
        "higher",
        "Share of disputes settled by mediation in the community.",
    ),
    KPI("residents.satisfaction_mean", "0-1", "higher", "Mean resident satisfaction at the end."),
    KPI("residents.trust_mean", "0-1", "higher", "Mean resident trust in the committee at the end."),
    KPI(
        "residents.online_aware_share",
        "share",
        "",
        "Share of residents with digital access who know of the online channel at the end (all of "
        "them unless news travels by word of mouth).",
    ),
    KPI("finance.balance_yuan", "yuan", "higher", "Income minus spending over the run.", signed=True),
    KPI("finance.income_yuan", "yuan", "", "Income over the run, from every source."),
    KPI("finance.spending_yuan", "yuan", "lower", "Spending over the run, on every item."),
    KPI(
        "finance.shortfall_days",
        "days",
        "lower",
        "Days on which the community was short of money: spending since the start exceeded income by "
        "more than the reserve band (finance.reserve_share of the year's fiscal and co-building money).",
    ),
    KPI(
        "finance.cost_per_resolved_need_yuan",
        "yuan",
        "lower",
        "Spending over the run divided by the individual needs resolved: what a resolved need costs.",
    ),
    KPI(
        "finance.budget_cuts",
        "changes",
        "",
        "Cuts the budget policy made (overtime unpaid, a post left vacant, the care station closed).",
    ),
    KPI(
        "finance.budget_additions",
        "changes",
        "",
        "What the budget policy added back or added with money to spare (a post filled or created, "
        "overtime paid again, the station reopened).",
    ),
    KPI(
        "staff.count_end",
        "staff",
        "",
        "Staff in post at the end (the scenario's, less vacancies, plus hires).",
    ),
    KPI("verify.little_L", "residents", "", "Time-average number waiting in hall queues."),
    KPI(
        "verify.little_lambda_W",
        "residents",
        "",
        "Arrival rate x mean wait; equals verify.little_L by Little's law.",
    ),
]
_PER_GROUP = [
    KPI("access.resolved_share", "share", "higher", "Share of the group's needs resolved"),
    KPI("governance.participation_rate", "share", "higher", "Share of the group taking part in a year"),
]

# The thresholds are rules of thumb for planning, not measured quantities: each says why.
_PP2 = "2 percentage points: one resident (or need) in fifty"
_MIN2 = "2 minutes: a change a resident in the queue notices"
_TOTAL = "10 % of the baseline: counts over the run grow with its length, so the threshold is relative"
_SCORE = "0.02 on the 0-1 scale: a fiftieth of the range"
#: How big a change must be to matter, with the reason (the planners' rule of thumb, stated so
#: that it can be argued with and overridden: ``govsim compare --matters KPI=x``).
_MATTERS: dict[str, Matters] = {
    "service.queue_wait_mean_min": Matters(2.0, why=_MIN2),
    "service.queue_wait_p95_min": Matters(5.0, why="5 minutes on the longest waits (95th percentile)"),
    "service.daytime_wait_mean_min": Matters(2.0, why=_MIN2),
    "service.time_to_resolution_mean_d": Matters(0.5, why="half a day: a matter settled a day sooner or not"),
    "service.resolved_share": Matters(0.02, why=_PP2),
    "service.unmet_share": Matters(0.02, why=_PP2),
    "service.pending_share": Matters(0.02, why=_PP2),
    "service.visits_per_matter": Matters(0.1, why="one trip saved in ten matters"),
    "service.online_share": Matters(0.02, why=_PP2),
    "service.outreach_visits": Matters(1.0, 0.10, _TOTAL),
    "staff.service_time_share": Matters(0.02, why=_PP2 + " (about 50 minutes of a 40-hour week)"),
    "staff.admin_time_share": Matters(0.02, why=_PP2 + " (about 50 minutes of a 40-hour week)"),
    "staff.admin_h_per_staff_week": Matters(1.0, why="one hour a week per staff member"),
    "staff.overtime_h_per_staff": Matters(1.0, 0.10, _TOTAL),
    "staff.counter_utilisation": Matters(0.02, why=_PP2),
    "staff.idle_time_share": Matters(0.02, why=_PP2),
    "tasks.pushed_down": Matters(1.0, 0.10, _TOTAL),
    "tasks.turned_back": Matters(1.0, 0.10, _TOTAL),
    "tasks.accepted": Matters(1.0, 0.10, _TOTAL),
    "tasks.late": Matters(1.0, 0.10, _TOTAL + "; at least one task"),
    "tasks.unfunded_cost_yuan": Matters(1000.0, 0.10, _TOTAL),
    "grid.response_mean_h": Matters(4.0, why="half a working day sooner or later"),
    "departments.backlog_end": Matters(1.0, 0.10, _TOTAL + "; at least one case"),
    "departments.backlog_mean": Matters(1.0, 0.10, "one case, or 10 % of the baseline's backlog"),
    "elderly_care.station_share": Matters(0.02, why=_PP2),
    "elderly_care.waiting_list_end": Matters(1.0, 0.10, "one request, or 10 % of the baseline's list"),
    "governance.participation_rate": Matters(0.02, why=_PP2),
    "governance.resolved_locally_share": Matters(0.02, why=_PP2),
    "governance.disputes_settled_share": Matters(0.02, why=_PP2),
    "residents.satisfaction_mean": Matters(0.02, why=_SCORE),
    "residents.trust_mean": Matters(0.02, why=_SCORE),
    "finance.balance_yuan": Matters(1000.0, 0.10, "10 % of the baseline's balance, at least 1,000 yuan"),
    "finance.income_yuan": Matters(1000.0, 0.05, "5 % of the baseline's, at least 1,000 yuan"),
    "finance.spending_yuan": Matters(1000.0, 0.05, "5 % of the baseline's, at least 1,000 yuan"),
    "finance.shortfall_days": Matters(7.0, why="a week"),
    "finance.cost_per_resolved_need_yuan": Matters(1.0, 0.05, "5 % of the baseline's, at least 1 yuan"),
    "staff.count_end": Matters(1.0, why="one staff member"),
}

KPIS: dict[str, KPI] = {k.key: dataclasses.replace(k, matters=_MATTERS.get(k.key, Matters())) for k in _BASE}
for _k in _PER_GROUP:
    for _g in GROUPS:
        KPIS[f"{_k.key}.{_g}"] = KPI(
            f"{_k.key}.{_g}", _k.unit, _k.better, f"{_k.doc}: {_g}.", matters=Matters(0.02, why=_PP2)
        )

#: Each KPI's name for planners, in tables, figures and downloads (the key is for code and files).
KPI_LABELS = {
    "service.queue_wait_mean_min": N_("Mean wait in the hall queue"),
    "service.queue_wait_p95_min": N_("Long waits (95th percentile)"),
    "service.daytime_wait_mean_min": N_("Mean wait, weekday office hours"),
    "service.time_to_resolution_mean_d": N_("Days from a need to its resolution"),
    "service.resolved_share": N_("Needs resolved"),
    "service.unmet_share": N_("Needs given up"),
    "service.pending_share": N_("Needs still open at the end"),
    "service.visits_per_matter": N_("Trips to the centre per matter"),
    "service.online_share": N_("Matters done online"),
    "service.errand_share": N_("Needs seen to by a household member"),
    "residents.online_aware_share": N_("Digital residents who know of the online channel"),
    "service.outreach_visits": N_("Home visits to vulnerable and elderly residents"),
    "staff.service_time_share": N_("Staff time serving residents"),
    "staff.admin_time_share": N_("Staff time on administrative work"),
    "staff.admin_h_per_staff_week": N_("Administrative hours per staff member a week"),
    "staff.overtime_h_per_staff": N_("Overtime per staff member"),
    "staff.counter_utilisation": N_("Busy share of staffed counter hours"),
    "tasks.pushed_down": N_("Tasks pushed down by departments"),
    "tasks.turned_back": N_("Tasks turned back by the access system"),
    "tasks.accepted": N_("Tasks the community took on"),
    "tasks.late": N_("Tasks finished late"),
    "tasks.unfunded_cost_yuan": N_("Cost of tasks that came without money"),
    "grid.response_mean_h": N_("Hours to fix a public-space problem"),
    "departments.backlog_end": N_("Escalated problems waiting at departments at the end"),
    "departments.backlog_mean": N_("Escalated problems waiting at departments (mean)"),
    "elderly_care.station_share": N_("Elderly-care requests answered by the station"),
    "elderly_care.waiting_list_end": N_("Care station waiting list at the end"),
    "governance.participation_rate": N_("Residents taking part in a year"),
    "governance.resolved_locally_share": N_("Disputes and problems settled in the community"),
    "governance.disputes_settled_share": N_("Disputes settled by mediation"),
    "residents.satisfaction_mean": N_("Resident satisfaction (0-1)"),
    "residents.trust_mean": N_("Trust in the committee (0-1)"),
    "staff.idle_time_share": N_("Staff time with nothing to do"),
    "finance.balance_yuan": N_("Income minus spending"),
    "finance.income_yuan": N_("Income"),
    "finance.spending_yuan": N_("Spending"),
    "finance.shortfall_days": N_("Days short of money"),
    "finance.cost_per_resolved_need_yuan": N_("Cost per resolved need"),
    "finance.budget_cuts": N_("Budget cuts made"),
    "finance.budget_additions": N_("Budget additions made"),
    "staff.count_end": N_("Staff in post at the end"),
    "verify.little_L": N_("Residents waiting in the queues (time average)"),
    "verify.little_lambda_W": N_("Arrival rate times mean wait (Little's law check)"),
}
_GROUP_LABELS = {
    "access.resolved_share": N_("Needs resolved"),
    "governance.participation_rate": N_("Residents taking part in a year"),
}


#: The resident groups as planners name them (``sim.parameters.GROUP_LABELS``'s words, marked here
#: for the catalogue).
GROUP_WORDS = {
    "commuter": N_("commuting workers"),
    "local_worker": N_("local / flexible workers"),
    "retiree": N_("retirees and elderly"),
    "migrant": N_("migrants (floating population)"),
    "not_working": N_("not working (carers, students, unemployed)"),
}

#: Daily series collected by Mesa's DataCollector (one row per day).
DAILY = {
    "needs_arisen": "individual needs that arose that day",
    "visits": "residents arriving at a hall queue",
    "online_matters": "administrative matters taken online",
    "online_aware": "share of residents with digital access who know of the online channel",
    "served": "residents served at a counter",
    "wait_mean_min": "mean time in a queue of those who queued that day",
    "counters_staffed_h": "counter hours staffed",
    "counters_pulled": "counters the head took off so the back office could meet its deadlines",
    "counter_busy_h": "counter hours serving residents",
    "counter_reclaimed_h": "free counter hours the staff spent on back-office work (one pool)",
    "casework_h": "staff hours of casework and online matters",
    "outreach_h": "staff hours of outreach home visits",
    "admin_h": "staff hours of administrative work",
    "overtime_h": "staff overtime hours",
    "idle_h": "rostered staff hours with nothing to do",
    "admin_backlog_h": "administrative work waiting (hours)",
    "casework_backlog": "cases waiting for staff",
    "resolved_total": "needs resolved so far",
    "unmet_total": "needs given up so far",
    "participants": "residents taking part in an event that day",
    "participation_ytd": "share of residents who took part so far this year",
    "satisfaction_mean": "mean satisfaction",
    "balance_yuan": "income minus spending so far",
    "public_open": "public-space problems not yet fixed",
    "department_backlog": "escalated problems waiting in the departments' queues",
    "station_waiting": "elderly-care requests on the care station's waiting list",
}


#: The daily series' names for planners, with their unit (figure axes, downloads).
DAILY_LABELS: dict[str, tuple[str, str]] = {
    "needs_arisen": (N_("Needs arising"), N_("needs/day")),
    "visits": (N_("Residents coming to the hall"), N_("residents/day")),
    "online_matters": (N_("Matters done online"), N_("matters/day")),
    "online_aware": (N_("Digital residents who know of the online channel"), N_("share of residents")),
    "counters_pulled": (N_("Counters taken off for back-office deadlines"), N_("counters")),
    "served": (N_("Residents served at a counter"), N_("residents/day")),
    "wait_mean_min": (N_("Waiting time in the hall queue"), N_("minutes")),
    "counters_staffed_h": (N_("Counter hours staffed"), N_("hours/day")),
    "counter_busy_h": (N_("Counter hours serving residents"), N_("hours/day")),
    "counter_reclaimed_h": (N_("Free counter hours spent on back-office work"), N_("hours/day")),
    "casework_h": (N_("Staff hours of casework and online matters"), N_("hours/day")),
    "outreach_h": (N_("Staff hours of home visits"), N_("hours/day")),
    "admin_h": (N_("Staff hours on administrative work"), N_("hours/day")),
    "overtime_h": (N_("Staff overtime"), N_("hours/day")),
    "idle_h": (N_("Staff hours with nothing to do"), N_("hours/day")),
    "admin_backlog_h": (N_("Administrative work waiting"), N_("hours")),
    "casework_backlog": (N_("Cases waiting for staff"), N_("cases")),
    "resolved_total": (N_("Needs resolved so far"), N_("needs")),
    "unmet_total": (N_("Needs given up so far"), N_("needs")),
    "participants": (N_("Residents taking part that day"), N_("residents")),
    "participation_ytd": (N_("Participation so far this year"), N_("share of residents")),
    "satisfaction_mean": (N_("Resident satisfaction"), N_("0-1")),
    "balance_yuan": (N_("Income minus spending so far"), N_("yuan")),
    "public_open": (N_("Public-space problems not yet fixed"), N_("problems")),
    "department_backlog": (N_("Escalated problems waiting at departments"), N_("cases")),
    "station_waiting": (N_("Care station waiting list"), N_("requests")),
}


def bounds(key: str) -> tuple[float | None, float | None]:
    """The possible values of a KPI or daily series (unknown keys: unbounded)."""
    if key in KPIS:
        return KPIS[key].bounds
    if key in DAILY:
        if key in ("participation_ytd", "satisfaction_mean"):
            return (0.0, 1.0)
        return (None, None) if key == "balance_yuan" else (0.0, None)
    return (None, None)


def kpi_label(key: str) -> str:
    """A KPI's name for planners ("Needs resolved: commuters" for a per-group KPI)."""
    if key in KPI_LABELS:
        return _(KPI_LABELS[key])
    base, _sep, group = key.rpartition(".")
    if base in _GROUP_LABELS and group in GROUP_WORDS:
        return f"{_(_GROUP_LABELS[base])}: {_(GROUP_WORDS[group])}"
    return key


def daily_label(key: str, unit: bool = True) -> str:
    """A daily series' name for planners, with its unit in brackets."""
    name, shown = DAILY_LABELS.get(key, (key, ""))
    return f"{_(name)} ({_(shown)})" if unit and shown else _(name)


def better(key: str) -> str:
    kpi = KPIS.get(key)
    return kpi.better if kpi else ""


def _mean(x: Sequence[float] | np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else math.nan


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


# Long by design: one line per KPI of the catalogue.
def summarise(m: CommunityModel) -> dict[str, float]:
    """The end-of-run KPIs of a finished model, keyed as in :data:`KPIS`."""
    from sim.needs import RESOLVED, UNMET  # here, so that reading the catalogue stays light

    t = m.tally
    residents, departments, committee = m.residents, m.departments, m.committee
    public, hall = m.public_space, m.hall
    status = residents.status
    waits = np.asarray(t.waits_min)
    staff = t.staff_days / max(m.days, 1)
    worked = t.rostered_h + t.overtime_h
    horizon = m.horizon_h
    years = (
        np.array(t.participation_years) if t.participation_years else np.full((1, len(GROUPS) + 1), np.nan)
    )
    out = {
        "service.queue_wait_mean_min": _mean(waits),
        "service.queue_wait_p95_min": float(np.percentile(waits, 95)) if len(waits) else math.nan,
        "service.daytime_wait_mean_min": _mean(t.daytime_waits_min),
        "service.time_to_resolution_mean_d": _mean(t.resolution_days),
        "service.resolved_share": float(np.mean(status == RESOLVED)) if len(status) else math.nan,
        "service.unmet_share": float(np.mean(status == UNMET)) if len(status) else math.nan,
        "service.pending_share": float(np.mean(status == 0)) if len(status) else math.nan,
        "service.visits_per_matter": _mean(t.matter_trips),
        "service.online_share": _ratio(t.online_matters, t.admin_matters),
        "service.errand_share": _ratio(residents.errands, len(status)),
        "service.outreach_visits": float(t.outreach_visits),
        "staff.service_time_share": _ratio(
            t.counter_busy_h + t.casework_h + t.outreach_h + t.patrol_h, worked
        ),
        "staff.admin_time_share": _ratio(t.admin_h, worked),
        "staff.admin_h_per_staff_week": _ratio(t.admin_h, staff * m.days / 7),
        "staff.overtime_h_per_staff": _ratio(t.overtime_h, staff),
        "staff.counter_utilisation": _ratio(t.counter_busy_h, t.counter_staffed_h),
        "staff.idle_time_share": _ratio(t.idle_h, worked),
        "tasks.pushed_down": float(departments.pushed_down),
        "tasks.turned_back": float(departments.turned_back),
        "tasks.accepted": float(departments.accepted),
        "tasks.late": float(m.centre.backoffice.late_tasks),
        "tasks.unfunded_cost_yuan": departments.unfunded_cost,
        "grid.response_mean_h": _mean([*t.public_response_h, *public.unfixed_ages_h(horizon)]),
        "departments.backlog_end": float(departments.backlog(horizon)),
        "departments.backlog_mean": t.department_backlog_days / max(m.days, 1),
        "elderly_care.station_share": _ratio(m.centre.station.served, m.centre.elderly_requests),
        "elderly_care.waiting_list_end": float(len(m.centre.station.waiting)),
        "governance.participation_rate": float(np.nanmean(years[:, -1])),
        "governance.resolved_locally_share": _ratio(
            committee.disputes_settled + public.fixed_locally, committee.disputes_closed + public.total
        ),
        "governance.disputes_settled_share": _ratio(committee.disputes_settled, committee.disputes_closed),
        "residents.satisfaction_mean": float(residents.population.satisfaction.mean()),
        "residents.trust_mean": float(residents.population.trust.mean()),
        "residents.online_aware_share": residents.online_aware_share(),
        "finance.balance_yuan": m.books.balance,
        "finance.income_yuan": m.books.income,
        "finance.spending_yuan": m.books.spending,
        "finance.shortfall_days": float(m.books.shortfall_days),
        "finance.cost_per_resolved_need_yuan": _ratio(m.books.spending, residents.resolved),
        "finance.budget_cuts": float(m.books.cuts),
        "finance.budget_additions": float(m.books.additions),
        "staff.count_end": float(len(m.centre.staff)),
        "verify.little_L": hall.area_waiting_h2 / horizon,
        "verify.little_lambda_W": (hall.total_wait_h + hall.open_wait_h()) / horizon,
    }
    need_group = residents.population.group[residents.needs.resident]
    for gi, g in enumerate(GROUPS):
        mine = need_group == gi
        out[f"access.resolved_share.{g}"] = (
            float(np.mean(status[mine] == RESOLVED)) if mine.any() else math.nan
        )
        out[f"governance.participation_rate.{g}"] = float(np.nanmean(years[:, gi]))
    return {k: out[k] for k in KPIS}


def format_value(key: str, value: float | None, unit: bool = True, sign: bool = False) -> str:
    """A KPI value as a person reads it: shares in %, money with thousands separators.

    ``unit=False`` leaves the unit off (interval bounds); ``sign=True`` always shows the sign
    (differences).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    kpi_unit = KPIS[key].unit if key in KPIS else ""
    s = "+" if sign else ""
    if kpi_unit == "share":
        text, shown = f"{100 * value:{s}.1f}", "%"
    elif (kpi_unit in ("yuan", "tasks", "visits") and float(value).is_integer()) or abs(value) >= 100:
        text, shown = f"{value:{s},.0f}", kpi_unit
    else:
        text, shown = f"{value:{s}.2f}", kpi_unit
    if not unit or shown in ("", "0-1", "tasks", "visits"):
        return text
    return f"{text} {shown}"


def summary_table(kpis: dict[str, float]) -> str:
    """The summary as an aligned text table, grouped by section."""
    width = max(len(k) for k in kpis)
    lines, section = [], ""
    for key, value in kpis.items():
        head = key.split(".")[0]
        if head != section:
            if lines:
                lines.append("")
            section = head
        lines.append(f"  {key:<{width}}  {format_value(key, value):>16}")
    return "\n".join(lines)
