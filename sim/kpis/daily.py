"""The daily series: one row a day of what happened, for figures and for judging a run's course.

The end-of-run KPIs say where a run ended up; the daily series say how it got there: the needs
arising and the residents coming each day, the staff's hours, the backlogs, participation and
satisfaction so far, the balance.  :class:`sim.model.CommunityModel` records a row of them at the
end of each day with Mesa's DataCollector (``CommunityModel.daily`` returns the table); the
order given here is the order of the table's columns.
"""

from __future__ import annotations

from sim.i18n import N_, _

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


def daily_label(key: str, unit: bool = True) -> str:
    """A daily series' name for planners, with its unit in brackets."""
    name, shown = DAILY_LABELS.get(key, (key, ""))
    return f"{_(name)} ({_(shown)})" if unit and shown else _(name)


def daily_bounds(key: str) -> tuple[float | None, float | None]:
    """The possible values of a daily series: shares and scores in [0, 1], the balance
    unbounded, counts and hours >= 0."""
    if key in ("participation_ytd", "satisfaction_mean"):
        return (0.0, 1.0)
    return (None, None) if key == "balance_yuan" else (0.0, None)
