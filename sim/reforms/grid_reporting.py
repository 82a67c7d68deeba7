"""Informatisation, zero-distance interaction (网格化管理): community information officers upload
text, photos and video by phone to the grid command centre over the four-level platform - "first-
moment collection, first-moment feedback, first-moment handling".

In the model public-space problems are found by officers on patrol instead of waiting for a
resident to report them at the centre, and escalated ones reach departments over the platform
(:class:`GridOfficers` instead of :class:`ResidentsReport`).  The platform makes a department's
handling faster; it does not shorten the department's queue (:class:`sim.departments.CaseQueue`).

Officers are people with hours and a cost.  Who they are is a setting: the centre's staff (their
patrol hours come out of the back office's hours on working days; the default, as in Changsha-style
grid management where the community's workers were the grid officers), full-time committee members
(out of their self-governance hours) or paid officers (a wage in the community's books), or any
mix.  How often an officer passes any spot follows from the hours: a round of the whole
community takes ``households / households per hour`` hours, and the week's hours make that many
rounds (:func:`patrol_interval_h`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

if TYPE_CHECKING:
    from sim.policy import Policy

STEM = "grid_reporting"

PARAMS = (
    Param(
        "informatisation.grid_reporting",
        False,
        "bool",
        "",
        "Information officers patrol and upload problems to the grid command centre over the "
        "four-level platform.",
        "article: real-time upload by phone",
    ),
    Param(
        "informatisation.patrol_staff_hours_per_week",
        40.0,
        "float",
        "hours/week",
        "With grid reporting, centre staff hours a week on patrol as information officers (taken "
        "from the back office's hours, a fifth on each working day; overtime if it has none left).",
        ASSUMED + "the grid officers (网格员) of Changsha-style grid management were commonly the "
        "community's own workers, each with a grid of about 300-500 households (the size later "
        "written into GB/T 34300-2017) walked every working day: about 2,300 households at 300 an "
        "hour is 7.7 h a day, 38 h a week, rounded to one post's 40 h",
        0,
        1000,
    ),
    Param(
        "informatisation.patrol_committee_hours_per_week",
        0.0,
        "float",
        "hours/week",
        "With grid reporting, full-time committee members' hours a week on patrol (taken from "
        "their self-governance hours: less mediation and door-to-door mobilisation).",
        ASSUMED + "officers are paid, not committee members, by default",
        0,
        1000,
    ),
    Param(
        "informatisation.patrol_paid_hours_per_week",
        0.0,
        "float",
        "hours/week",
        "With grid reporting, paid information officers' hours a week on patrol (paid at "
        "informatisation.paid_officer_yuan_year per full-time week of staff.weekly_hours).",
        ASSUMED + "none by default: the community's own staff are its grid officers (paid officers "
        "hired through government purchase of services came later, and cost about a post's pay)",
        0,
        1000,
    ),
    Param(
        "informatisation.patrol_households_per_hour",
        300.0,
        "float",
        "households/hour",
        "Households whose buildings and public space an officer passes in an hour of patrol.",
        ASSUMED + "one grid of about 300 households (the usual grid size) walked in an hour",
        1,
        100000,
    ),
    Param(
        "informatisation.paid_officer_yuan_year",
        36000.0,
        "float",
        "yuan/year",
        "Cost of one full-time paid information officer: wage and social insurance.",
        ASSUMED + "about 3,000 yuan a month with insurance, a community worker's pay in Changsha (2014)",
        0,
        1e7,
    ),
    Param(
        "informatisation.platform_escalation_delay_h",
        72.0,
        "float",
        "hours",
        "Mean department response to an escalated problem over the four-level platform.",
        ASSUMED + "'first-moment handling' cuts paper routing",
        1,
        100000,
    ),
    Param(
        "needs.public_report_delay_h",
        120.0,
        "float",
        "hours",
        "Mean time (exponential) until some resident reports a public-space problem, without grid officers.",
        ASSUMED + "nobody's job to report it",
        0.5,
        10000,
    ),
    Param(
        "departments.escalation_delay_h",
        240.0,
        "float",
        "hours",
        "Mean time (exponential) a department takes to deal with an escalated problem.",
        ASSUMED + "ten days by paper",
        1,
        100000,
    ),
)


class ResidentsReport:
    """Without grid reporting, a problem waits until some resident reports it in person at the
    centre (an exponential delay, then the next opening); escalations go by paper."""

    def __repr__(self) -> str:
        return "ResidentsReport()"

    def found(
        self, t: float, u_found: float, params: Mapping[str, Any], next_open: Callable[[float], float]
    ) -> float:
        return next_open(t - params["needs.public_report_delay_h"] * math.log1p(-u_found))

    def escalation_delay_h(self, params: Mapping[str, Any]) -> float:
        return params["departments.escalation_delay_h"]

    def staff_patrol_h_per_week(self, params: Mapping[str, Any]) -> float:
        return 0.0

    def committee_patrol_h_per_week(self, params: Mapping[str, Any]) -> float:
        return 0.0

    def cost_yuan_per_day(self, params: Mapping[str, Any]) -> float:
        return 0.0


def patrol_hours_per_week(params: Mapping[str, Any]) -> float:
    """Officer hours a week on patrol: staff, committee members and paid officers together."""
    return (
        params["informatisation.patrol_staff_hours_per_week"]
        + params["informatisation.patrol_committee_hours_per_week"]
        + params["informatisation.patrol_paid_hours_per_week"]
    )


def patrol_interval_h(params: Mapping[str, Any]) -> float:
    """Hours between an officer's passes over any spot: one round of the community takes
    households / (households per hour) hours, and the week's patrol hours make 168 h / interval
    rounds.  Infinite without patrol hours (the rules forbid that with grid reporting on)."""
    households = params["population.residents"] / params["population.household_size"]
    round_h = households / params["informatisation.patrol_households_per_hour"]
    hours = patrol_hours_per_week(params)
    return 168.0 * round_h / hours if hours > 0 else math.inf


class GridOfficers:
    """Information officers pass every spot at a fixed interval and upload what they find; the
    four-level platform carries escalations to departments."""

    def __repr__(self) -> str:
        return "GridOfficers()"

    def found(
        self, t: float, u_found: float, params: Mapping[str, Any], next_open: Callable[[float], float]
    ) -> float:
        return t + u_found * patrol_interval_h(params)

    def escalation_delay_h(self, params: Mapping[str, Any]) -> float:
        return params["informatisation.platform_escalation_delay_h"]

    def staff_patrol_h_per_week(self, params: Mapping[str, Any]) -> float:
        return params["informatisation.patrol_staff_hours_per_week"]

    def committee_patrol_h_per_week(self, params: Mapping[str, Any]) -> float:
        return params["informatisation.patrol_committee_hours_per_week"]

    def cost_yuan_per_day(self, params: Mapping[str, Any]) -> float:
        """Paid officers' wages: their share of full-time weeks at the yearly cost of one officer."""
        full_time = params["informatisation.patrol_paid_hours_per_week"] / params["staff.weekly_hours"]
        return full_time * params["informatisation.paid_officer_yuan_year"] / 365.0


def someone_patrols(params: Mapping[str, Any]) -> tuple[str, str] | None:
    """Grid reporting needs officers: some group must give patrol hours."""
    if params["informatisation.grid_reporting"] and patrol_hours_per_week(params) <= 0:
        return (
            "informatisation.patrol_paid_hours_per_week",
            "grid reporting needs information officers: give staff, committee or paid patrol hours "
            "(informatisation.patrol_*_hours_per_week) above 0",
        )
    return None


def install(policy: Policy, params: Mapping[str, Any]) -> None:
    policy.reporting = GridOfficers() if params["informatisation.grid_reporting"] else ResidentsReport()


REFORM = Reform(
    stem=STEM,
    title=N_("Grid reporting"),
    chinese="网格化",
    family="governance",
    years=N_("2012 (year assumed)"),
    summary=N_(
        "Information officers upload problems by phone to the grid command centre: first-moment "
        "collection, feedback and handling."
    ),
    params=PARAMS,
    controls=(
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
    ),
    # No claim: the response time is the patrol (or a resident's report), the department's queue
    # and its handling delay; the reform changes the first and the last by their parameters and
    # leaves the queue as it was, so its effect is their difference: a check in
    # sim.validation.claims.IDENTITIES.
    claims=(),
    rules=(someone_patrols,),
    install=install,
)
