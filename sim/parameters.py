"""Every parameter of the model: key, default, unit, allowed range and source.

This table is the single source for scenario validation, for the defaults a scenario inherits,
for the parameter table in ``docs/parameters.md`` and for the web app's controls.  The defaults
describe the community *before* the reforms (the ``baseline_2002`` scenario); the reform files in
``scenarios/reforms/`` change them to the article's 2014 figures.

Sources are written as ``article: ...`` (a figure from ``../shared/DOMAIN.md``, i.e. the Changsha
Civil Affairs Bureau article), ``planning: ...`` (a published planning figure), or
``assumption: ...`` with the reason for the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

GROUPS = ("commuter", "local_worker", "retiree", "migrant", "not_working")
GROUP_LABELS = {
    "commuter": "commuting workers",
    "local_worker": "local / flexible workers",
    "retiree": "retirees and elderly",
    "migrant": "migrants (floating population)",
    "not_working": "not working (carers, students, unemployed)",
}
CLASSES = ("department_borne", "community_borne", "department_guided", "community_assisted")
#: The 2003 classes whose work belongs to departments: the access system turns these back.
DEPARTMENT_CLASSES = ("department_borne", "department_guided")

WEEKDAY_OFFICE = {"weekdays": ["08:00-12:00", "14:30-17:30"]}


@dataclass(frozen=True)
class Param:
    """One model parameter.  ``kind`` is one of float, int, bool, date, schedule, groups, classes."""

    key: str
    default: Any
    kind: str
    unit: str
    doc: str
    source: str
    lo: float | None = None
    hi: float | None = None

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    def allowed(self) -> str:
        """Human description of the allowed values, used in error messages and docs."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "date":
            return 'a date "YYYY-MM-DD"'
        if self.kind == "schedule":
            return 'a weekly schedule table, e.g. {weekdays = ["08:00-12:00", "14:30-17:30"]}'
        rng = _range_text(self.lo, self.hi)
        if self.kind == "groups":
            return f"a table with numbers {rng} for the groups {', '.join(GROUPS)}"
        if self.kind == "classes":
            return f"a table of shares {rng} for the classes {', '.join(CLASSES)}, summing to 1"
        noun = "an integer" if self.kind == "int" else "a number"
        return f"{noun} {rng}".strip()


def _range_text(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"from {lo:g} to {hi:g}"
    if lo is not None:
        return f"of at least {lo:g}"
    if hi is not None:
        return f"of at most {hi:g}"
    return ""


def _g(commuter: float, local_worker: float, retiree: float, migrant: float, not_working: float):
    return dict(zip(GROUPS, (commuter, local_worker, retiree, migrant, not_working), strict=True))


A = "assumption: "
P: list[Param] = [
    # -- run ---------------------------------------------------------------------------------
    Param("run.days", 365, "int", "days", "Length of a run.", A + "one year of operation", 1, 36600),
    Param(
        "run.start_date",
        "2014-01-01",
        "date",
        "date",
        "Calendar date of day 0; sets weekdays.",
        A + "any date; the timeline scenario starts on 2003-01-01",
    ),
    # -- population --------------------------------------------------------------------------
    Param(
        "population.residents",
        6000,
        "int",
        "residents",
        "Residents of the community.",
        A + "about 2,300 households x 2.6; 700 m2 at 30 m2 per 100 households fits ~2,300 "
        "households (MODEL-SKETCH)",
        10,
        200000,
    ),
    Param(
        "population.household_size",
        2.6,
        "float",
        "residents/household",
        "Mean household size; turns per-household rates into counts.",
        A + "typical urban household size",
        1,
        6,
    ),
    Param(
        "population.group_shares",
        _g(0.35, 0.15, 0.22, 0.18, 0.10),
        "groups",
        "share",
        "Share of residents in each group (sum 1).",
        A + "urban community with a large commuting workforce and a fifth floating population",
        0,
        1,
    ),
    Param(
        "population.digital_access",
        _g(0.90, 0.75, 0.30, 0.80, 0.60),
        "groups",
        "share",
        "Share of each group with a smartphone and the habit of using it for public matters.",
        A + "younger and working groups far more online than retirees",
        0,
        1,
    ),
    Param(
        "population.vulnerable_share",
        _g(0.02, 0.05, 0.10, 0.06, 0.12),
        "groups",
        "share",
        "Share who are vulnerable (low income, disability) and raise social-assistance cases.",
        A + "low-income and disabled residents concentrated among retirees and non-workers",
        0,
        1,
    ),
    Param(
        "population.elderly_alone_share",
        0.20,
        "float",
        "share of retirees",
        "Share of retirees who live alone and ask for elderly care.",
        A + "empty-nest elderly (the article's volunteer care targets them)",
        0,
        1,
    ),
    Param(
        "population.civic_propensity_mean",
        0.12,
        "float",
        "probability",
        "Mean chance that a reached, available resident takes part in an event (Beta, "
        "concentration 4); scaled by trust.",
        A + "with about 40 events a year, a third to a half of residents take part in something",
        0,
        1,
    ),
    Param(
        "population.notice_board_reach",
        _g(0.25, 0.50, 0.80, 0.20, 0.60),
        "groups",
        "share",
        "Chance that a notice on the community board reaches a resident of the group.",
        A + "those at home in the day pass the board; commuters and migrants rarely do",
        0,
        1,
    ),
    Param(
        "population.free_time.commuter",
        {"weekdays": ["07:00-08:00", "18:30-22:00"], "weekend": ["09:00-21:00"]},
        "schedule",
        "weekly",
        "When commuting workers can reach the centre.",
        A + "office-hours job with commute (DOMAIN: commuters only outside working hours)",
    ),
    Param(
        "population.free_time.local_worker",
        {"weekdays": ["11:00-14:00", "17:30-21:00"], "weekend": ["09:00-21:00"]},
        "schedule",
        "weekly",
        "When local / flexible workers can reach the centre.",
        A + "flexible local jobs leave a midday break",
    ),
    Param(
        "population.free_time.retiree",
        {"daily": ["08:00-20:00"]},
        "schedule",
        "weekly",
        "When retirees can reach the centre.",
        A + "free in the day",
    ),
    Param(
        "population.free_time.migrant",
        {"weekdays": ["20:00-22:00"], "sat": ["20:00-22:00"], "sun": ["09:00-18:00"]},
        "schedule",
        "weekly",
        "When migrants can reach the centre.",
        A + "long hours, six-day week in services and construction",
    ),
    Param(
        "population.free_time.not_working",
        {"daily": ["08:00-20:00"]},
        "schedule",
        "weekly",
        "When residents not working can reach the centre.",
        A + "free in the day",
    ),
    # -- needs -------------------------------------------------------------------------------
    Param(
        "needs.admin_rate",
        _g(1.0, 1.0, 0.8, 2.0, 0.8),
        "groups",
        "matters/resident/year",
        "Administrative matters (certificates, registrations, insurance, residence permits).",
        A + "migrants need residence permits and more registrations",
        0,
        50,
    ),
    Param(
        "needs.social_assistance_rate",
        2.0,
        "float",
        "cases/vulnerable resident/year",
        "Social-assistance cases raised by vulnerable residents.",
        A + "applications and reviews of minimum-living and disability support",
        0,
        50,
    ),
    Param(
        "needs.elderly_care_rate",
        6.0,
        "float",
        "requests/elderly alone/year",
        "Elderly-care requests (help at home, check-ups) of elderly living alone.",
        A + "about one every two months",
        0,
        365,
    ),
    Param(
        "needs.public_space_rate",
        0.15,
        "float",
        "problems/household/year",
        "Public-space problems (broken lights, rubbish, blocked drains).",
        A + "old neighbourhoods need frequent upkeep",
        0,
        20,
    ),
    Param(
        "needs.dispute_rate",
        0.04,
        "float",
        "disputes/household/year",
        "Disputes between neighbours or with property managers.",
        A + "one in 25 households a year",
        0,
        5,
    ),
    Param(
        "needs.visit_delay_days",
        1.0,
        "float",
        "days",
        "Mean delay (exponential) between a need arising and the resident setting out.",
        A + "residents gather documents first",
        0,
        60,
    ),
    Param(
        "needs.visit_spread_h",
        3.0,
        "float",
        "hours",
        "Residents who cannot go at once go within this many hours after their next window opens "
        "(uniformly).",
        A + "service halls see a morning peak whatever their closing time",
        0.5,
        24,
    ),
    Param(
        "needs.patience_days",
        14.0,
        "float",
        "days",
        "How long a resident looks for a time that is free and open before giving up (or taking leave).",
        A + "two weeks",
        0,
        365,
    ),
    Param(
        "needs.take_leave_prob",
        _g(0.50, 0.70, 1.0, 0.30, 1.0),
        "groups",
        "probability",
        "Chance that a resident with no free time when the centre is open takes time off to go.",
        A + "commuters and migrants lose pay or face their employer",
        0,
        1,
    ),
    Param(
        "needs.queue_patience_min",
        60.0,
        "float",
        "minutes",
        "Mean time (exponential) a resident will wait in the queue before leaving.",
        A + "an hour",
        1,
        100000,
    ),
    Param(
        "needs.reneging",
        True,
        "bool",
        "",
        "Whether residents leave a queue that is too long.",
        A + "switch off for the M/M/c verification",
    ),
    Param(
        "needs.retry_prob",
        0.6,
        "float",
        "probability",
        "Chance that a resident turned away or who left the queue tries again another day.",
        A + "most come back",
        0,
        1,
    ),
    Param(
        "needs.return_delay_days",
        2.0,
        "float",
        "days",
        "Mean delay before a second visit (missing papers, another counter, a retry).",
        A + "a couple of days",
        0,
        60,
    ),
    Param(
        "needs.max_visits",
        4,
        "int",
        "visits",
        "Visits after which a resident gives the matter up.",
        A + "patience runs out",
        1,
        50,
    ),
    Param(
        "needs.online_preference",
        0.6,
        "float",
        "probability",
        "Chance that a resident with digital access uses the online channel for a matter that "
        "can be done online.",
        A + "online is easier when available",
        0,
        1,
    ),
    Param(
        "needs.public_report_delay_h",
        120.0,
        "float",
        "hours",
        "Mean time (exponential) until some resident reports a public-space problem, without grid officers.",
        A + "nobody's job to report it",
        0.5,
        10000,
    ),
    # -- service hall and casework --------------------------------------------------------------
    Param(
        "service.opening",
        WEEKDAY_OFFICE,
        "schedule",
        "weekly",
        "Opening hours of the service hall.",
        A + "standard government office hours",
    ),
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
        "service.counter_service_min",
        12.0,
        "float",
        "minutes",
        "Mean time a counter needs for one resident's matter (team with no degree holders).",
        A + "short administrative transactions",
        0.5,
        600,
    ),
    Param(
        "service.service_time_cv",
        0.8,
        "float",
        "",
        "Coefficient of variation of counter service times (1 = exponential).",
        A + "lognormal service times with moderate spread",
        0,
        3,
    ),
    Param(
        "service.exponential_service",
        False,
        "bool",
        "",
        "Draw counter service times from an exponential distribution (for the M/M/c check).",
        A + "lognormal is the default",
    ),
    Param(
        "service.adaptive_counters",
        True,
        "bool",
        "",
        "The centre head staffs counters for the expected flow (off: every counter there is "
        "room and staff for is staffed, as in the M/M/c check).",
        A + "a sensible head",
    ),
    Param(
        "service.counter_target_utilisation",
        0.75,
        "float",
        "share",
        "Busy share of time the head aims for at each staffed counter.",
        A + "another counter opens when the three already open would be busy 3/4 of the time",
        0.05,
        1,
    ),
    Param(
        "service.department_counters",
        4,
        "int",
        "counters",
        "Counters, one per department, when there is no one-stop hall.",
        A + "civil affairs, social security, family planning, household registration",
        1,
        20,
    ),
    Param(
        "service.department_counter_days",
        4,
        "int",
        "days/week",
        "Days a week each department's counter is staffed, without one-stop service.",
        A + "department-hired staff sit in the community part of the week",
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
        A + "'many heads managing'",
        0,
        10,
    ),
    Param(
        "service.first_visit_success",
        0.70,
        "float",
        "probability",
        "Chance a counter closes the matter at the first visit (team with no degree holders).",
        A + "missing papers are common",
        0,
        1,
    ),
    Param(
        "service.casework_hours",
        3.0,
        "float",
        "staff-hours",
        "Staff hours to handle one social-assistance case (team without certified social workers).",
        A + "interview, home visit, file",
        0,
        100,
    ),
    Param(
        "service.elderly_visit_hours",
        1.5,
        "float",
        "staff-hours",
        "Staff hours for one elderly-care request handled by staff.",
        A + "one home visit",
        0,
        24,
    ),
    Param(
        "service.online_service_factor",
        0.8,
        "float",
        "",
        "Staff time for a matter handled online, relative to the counter.",
        A + "no waiting resident, same paperwork",
        0,
        5,
    ),
    Param(
        "service.outreach_visits_per_month",
        1.0,
        "float",
        "visits/resident/month",
        "Home visits that vulnerable and elderly-alone residents should get, when staff have time left.",
        A + "monthly contact",
        0,
        31,
    ),
    Param(
        "service.outreach_visit_hours",
        1.0,
        "float",
        "staff-hours",
        "Staff hours per outreach home visit.",
        A + "one visit with travel",
        0,
        24,
    ),
    # -- office -------------------------------------------------------------------------------
    Param(
        "office.area_m2",
        300.0,
        "float",
        "m2",
        "Community office and service space.",
        A + "before the facilities programme; the article gives 500 m2 (2009) and 700 m2 (2014)",
        20,
        100000,
    ),
    Param(
        "office.m2_per_counter",
        100.0,
        "float",
        "m2/counter",
        "Office space needed per hall counter (with waiting area and back office).",
        A + "so that 700 m2 holds 7 counters",
        10,
        10000,
    ),
    # -- staff --------------------------------------------------------------------------------
    Param(
        "staff.count",
        6,
        "int",
        "staff",
        "Hired public-service-centre staff.",
        A + "before the reforms; planning figure is 18 per 10,000 residents (11 for 6,000)",
        1,
        1000,
    ),
    Param(
        "staff.weekly_hours",
        40.0,
        "float",
        "hours/week",
        "Contract hours per staff member.",
        "planning: Chinese standard working week",
        1,
        80,
    ),
    Param(
        "staff.extended_hours_crew",
        1,
        "int",
        "staff",
        "People on duty when the hall is open outside weekday 08:00-18:00 (evenings, weekends).",
        A + "staggered-hours pilots keep a small duty crew for the extra hours",
        0,
        50,
    ),
    Param(
        "staff.degree_share",
        0.40,
        "float",
        "share",
        "Share of staff with a college degree or higher.",
        A + "before training and recruitment (article: 80.5 % in 2014)",
        0,
        1,
    ),
    Param(
        "staff.certified_share",
        0.0,
        "float",
        "share",
        "Share of staff who passed the national social-worker exam.",
        A + "the exam began in 2008 (article: 30 % in 2014)",
        0,
        1,
    ),
    Param(
        "staff.at_least_one_certified",
        False,
        "bool",
        "",
        "Every community has at least one professional social worker.",
        "article: true in 2014",
    ),
    Param(
        "staff.degree_speedup",
        0.15,
        "float",
        "share",
        "How much shorter a degree holder's counter service is.",
        A + "better-trained staff",
        0,
        0.9,
    ),
    Param(
        "staff.degree_first_visit_gain",
        0.15,
        "float",
        "probability",
        "How much a degree holder raises the chance of closing a matter at first visit.",
        A + "they explain what papers are needed",
        0,
        1,
    ),
    Param(
        "staff.certified_casework_speedup",
        0.25,
        "float",
        "share",
        "How much shorter a certified social worker's casework is.",
        A + "professional method",
        0,
        0.9,
    ),
    Param(
        "staff.overtime_cap_h_per_day",
        2.0,
        "float",
        "hours/staff/day",
        "Most overtime a staff member does in a day; work beyond it is late.",
        A + "evening overtime to meet department deadlines",
        0,
        12,
    ),
    # -- residents' committee --------------------------------------------------------------
    Param(
        "committee.full_time_members",
        6,
        "int",
        "members",
        "Full-time elected members of the residents' committee.",
        A + "committees have 5-9 members (DOMAIN)",
        1,
        30,
    ),
    Param(
        "committee.part_time_share",
        0.0,
        "float",
        "share",
        "Part-time members (from enterprises and local units) as a share of all members.",
        "article: 0 before the reform, 594 members = 23 % in 2014",
        0,
        0.9,
    ),
    Param(
        "committee.errand_share",
        0.5,
        "float",
        "share",
        "Share of full-time members' time taken by government errands.",
        A + "before 'election plus hiring, three in one' returned the committee to self-governance",
        0,
        1,
    ),
    Param(
        "committee.weekly_hours",
        40.0,
        "float",
        "hours/week",
        "Hours a full-time member gives to the committee.",
        A + "a full-time post",
        1,
        80,
    ),
    Param(
        "committee.part_time_hours_per_week",
        4.0,
        "float",
        "hours/week",
        "Hours a part-time member gives, in evenings and at weekends.",
        A + "one evening a week",
        0,
        40,
    ),
    Param(
        "committee.mobilisation_share",
        0.3,
        "float",
        "share",
        "Share of full-time members' self-governance hours spent visiting households to announce "
        "events and invite residents (door to door).",
        A + "door-to-door mobilisation (入户) is the committee's main way to bring residents in",
        0,
        1,
    ),
    Param(
        "committee.households_per_hour",
        4.0,
        "float",
        "households/member-hour",
        "Households a member can visit in an hour.",
        A + "a quarter of an hour a door, including stairs",
        0.1,
        60,
    ),
    Param(
        "committee.mediation_share",
        0.15,
        "float",
        "share",
        "Share of full-time members' self-governance time available for mediating disputes.",
        A + "the rest goes to events, visits and meetings",
        0,
        1,
    ),
    Param(
        "committee.mediation_hours",
        4.0,
        "float",
        "member-hours",
        "Member hours to mediate one dispute.",
        A + "one or two sessions",
        0.5,
        100,
    ),
    Param(
        "committee.mediation_success",
        0.7,
        "float",
        "probability",
        "Chance a mediation settles the dispute.",
        A + "people's mediation settles most cases",
        0,
        1,
    ),
    Param(
        "committee.dispute_patience_days",
        14.0,
        "float",
        "days",
        "Days a dispute waits for mediation before it is taken to the sub-district or court.",
        A + "two weeks",
        0,
        365,
    ),
    Param(
        "committee.part_time_fix_share",
        0.10,
        "float",
        "probability/member",
        "For a public problem the community has no authority over, the chance each part-time "
        "member's unit can fix it with its own resources (venue, money, workers).",
        A + "paired-unit support (article: 'paired-unit support')",
        0,
        1,
    ),
    Param(
        "committee.paired_unit_yuan_per_part_time",
        20000.0,
        "float",
        "yuan/member/year",
        "Money brought by each part-time member's unit (paired-unit support).",
        A + "small sponsorship",
        0,
        1e7,
    ),
    # -- departments -------------------------------------------------------------------------
    Param(
        "departments.count",
        10,
        "int",
        "departments",
        "Government departments that push work down to the community.",
        A + "municipal/district departments with community-level duties",
        1,
        100,
    ),
    Param(
        "departments.functions",
        86,
        "int",
        "functions",
        "Social-management functions held by the departments.",
        "article: 86 functions (2003)",
        1,
        1000,
    ),
    Param(
        "departments.class_shares",
        {
            "department_borne": 0.30,
            "community_borne": 0.25,
            "department_guided": 0.20,
            "community_assisted": 0.25,
        },
        "classes",
        "share",
        "Share of functions in each 2003 class.",
        A + "the article names the classes, not their sizes",
        0,
        1,
    ),
    Param(
        "departments.tasks_per_function_year",
        3.0,
        "float",
        "tasks/function/year",
        "Tasks a function pushes down to the community in a year.",
        A + "quarterly-ish",
        0,
        365,
    ),
    Param(
        "departments.task_hours_mean",
        6.0,
        "float",
        "staff-hours",
        "Mean staff hours (exponential) of one pushed-down task.",
        A + "surveys, checks, forms",
        0,
        1000,
    ),
    Param(
        "departments.task_deadline_days",
        10.0,
        "float",
        "days",
        "Days the community has to complete a pushed-down task.",
        A + "departments typically ask for results within two working weeks",
        1,
        365,
    ),
    Param(
        "departments.task_cost_yuan_mean",
        800.0,
        "float",
        "yuan",
        "Mean money cost (exponential) of one task (materials, printing, transport, allowances).",
        A + "printing, materials, transport and small allowances for one task",
        0,
        1e7,
    ),
    Param(
        "departments.classification",
        False,
        "bool",
        "",
        "The 86 functions are sorted into the four classes (2003).",
        "article: 2003 notice",
    ),
    Param(
        "departments.classification_compliance",
        0.3,
        "float",
        "probability",
        "With classification, chance a department keeps a task of its own class instead of "
        "pushing it down (voluntary compliance).",
        A + "a rule without enforcement",
        0,
        1,
    ),
    Param(
        "departments.access_strictness",
        0.0,
        "float",
        "probability",
        "Access system: chance the community turns back a task of a department class.",
        "article: access system for tasks entering communities (2005), strict in 2014",
        0,
        1,
    ),
    Param(
        "departments.funded_share",
        0.1,
        "float",
        "share",
        "Share of accepted tasks whose cost comes with them ('funding follows the task').",
        A + "rarely funded before 2005",
        0,
        1,
    ),
    Param(
        "departments.authority_share",
        0.3,
        "float",
        "share",
        "Share of public-space problems the community has the authority to fix itself "
        "('authority follows responsibility').",
        A + "before 2005 most need a department",
        0,
        1,
    ),
    Param(
        "departments.escalation_delay_h",
        240.0,
        "float",
        "hours",
        "Mean time (exponential) a department takes to deal with an escalated problem.",
        A + "ten days by paper",
        1,
        100000,
    ),
    # -- burden of inspections, meetings, forms, ledgers -----------------------------------
    Param(
        "burden.inspections_per_year",
        26,
        "int",
        "inspections/year",
        "Inspections, evaluations and ratings the community hosts.",
        A + "read as all inspections, evaluations and ratings a year; an audited city counted 26 ratings and "
        "awards per community (MODEL-SKETCH; unsourced)",
        0,
        365,
    ),
    Param(
        "burden.inspection_prep_hours",
        16.0,
        "float",
        "staff-hours",
        "Staff hours preparing one inspection (ledgers, materials).",
        A + "two staff-days of ledgers, display boards and materials per inspection",
        0,
        1000,
    ),
    Param(
        "burden.inspection_staff",
        2,
        "int",
        "staff",
        "Staff taken off duty on the day of an inspection (09:00-12:00).",
        A + "the head and one more staff member receive the inspectors",
        0,
        50,
    ),
    Param(
        "burden.meetings_per_week",
        3.0,
        "float",
        "meetings/week",
        "Department and sub-district meetings one staff member must attend.",
        A + "sub-district and departments' briefings several times a week before 2009",
        0,
        30,
    ),
    Param(
        "burden.meeting_hours",
        2.0,
        "float",
        "hours",
        "Length of a meeting.",
        A + "a half-day meeting with travel",
        0,
        12,
    ),
    Param(
        "burden.forms_per_month",
        20.0,
        "float",
        "forms/month",
        "Report forms departments ask for.",
        A + "departments' statistical and report forms, about one per working day",
        0,
        1000,
    ),
    Param(
        "burden.form_hours",
        1.5,
        "float",
        "staff-hours",
        "Staff hours per report form.",
        A + "collecting figures from files and residents, filling in, checking",
        0,
        100,
    ),
    Param(
        "burden.ledger_hours_per_week",
        12.0,
        "float",
        "staff-hours/week",
        "Keeping departments' ledgers (台帐) and archives.",
        A + "about a day and a half a week keeping departments' ledgers and archives",
        0,
        500,
    ),
    # -- informatisation --------------------------------------------------------------------
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
        "informatisation.patrol_interval_h",
        24.0,
        "float",
        "hours",
        "With grid reporting, time between an officer's passes over any spot.",
        A + "daily patrol",
        1,
        1000,
    ),
    Param(
        "informatisation.platform_escalation_delay_h",
        72.0,
        "float",
        "hours",
        "Mean department response to an escalated problem over the four-level platform.",
        A + "'first-moment handling' cuts paper routing",
        1,
        100000,
    ),
    Param(
        "informatisation.online_services_share",
        0.0,
        "float",
        "share",
        "Share of administrative matters that can be done online.",
        A + "none before the platform",
        0,
        1,
    ),
    Param(
        "informatisation.local_fix_h",
        48.0,
        "float",
        "hours",
        "Mean time (exponential) for the community to fix a problem it can fix itself.",
        A + "two days",
        0.5,
        10000,
    ),
    # -- participation -------------------------------------------------------------------
    Param(
        "participation.councils_per_year",
        12,
        "int",
        "events/year",
        "Residents' councils (议事会) and democratic appraisals.",
        A + "monthly",
        0,
        365,
    ),
    Param("participation.hearings_per_year", 4, "int", "events/year", "Hearings.", A + "quarterly", 0, 365),
    Param(
        "participation.volunteer_activities_per_year",
        24,
        "int",
        "events/year",
        "Volunteer and community activities.",
        A + "twice a month",
        0,
        365,
    ),
    Param(
        "participation.online_channels",
        False,
        "bool",
        "",
        "Community website, QQ groups, SMS and WeChat for notices and online consultation.",
        "article: raise participation of young, white-collar, commuters, migrants",
    ),
    Param(
        "participation.online_reach",
        0.9,
        "float",
        "probability",
        "Chance a notice in the online groups reaches a resident with digital access.",
        A + "most members of a community WeChat/QQ group read its notices",
        0,
        1,
    ),
    Param(
        "participation.online_take_part_factor",
        0.6,
        "float",
        "",
        "Propensity to take part online relative to in person.",
        A + "a comment is easier than a meeting, but less engaging",
        0,
        5,
    ),
    # -- elderly care ---------------------------------------------------------------------
    Param(
        "elderly_care.station",
        False,
        "bool",
        "",
        "A home-based elderly-care service station serves elderly-care requests.",
        "article: 429 home elderly-care stations city-wide",
    ),
    Param(
        "elderly_care.station_response_h",
        24.0,
        "float",
        "hours",
        "Mean response time of the station.",
        A + "a station answers within a day",
        0.5,
        10000,
    ),
    Param(
        "elderly_care.volunteer_hours_per_week",
        0.0,
        "float",
        "hours/week",
        "Volunteer hours available for elderly care (volunteer service stations).",
        A + "article: 801 volunteer stations, 1,620 teams city-wide",
        0,
        10000,
    ),
    # -- money -------------------------------------------------------------------------
    Param(
        "finance.fiscal_yuan_year",
        150000.0,
        "float",
        "yuan/year",
        "Operating funds from the city and district budgets.",
        A + "before funds entered the budget (article: ~600,000 yuan in 2014)",
        0,
        1e9,
    ),
    Param(
        "finance.co_building_yuan_year",
        0.0,
        "float",
        "yuan/year",
        "Community co-building contributions (resident units, businesses).",
        A + "no co-building contributions before the reforms",
        0,
        1e9,
    ),
    Param(
        "finance.operating_cost_yuan_per_m2",
        150.0,
        "float",
        "yuan/m2/year",
        "Running cost of office space (utilities, upkeep).",
        A + "utilities, cleaning and upkeep of office space",
        0,
        1e6,
    ),
    Param(
        "finance.event_cost_yuan",
        500.0,
        "float",
        "yuan/event",
        "Cost of one council, hearing or activity.",
        A + "materials, refreshments and a venue for one event",
        0,
        1e7,
    ),
]

PARAMS: dict[str, Param] = {p.key: p for p in P}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(p.section for p in P))


def defaults() -> dict[str, Any]:
    """A fresh copy of every default, keyed by dotted name (schedules in their normal form, as
    scenario files are read, so that equal schedules compare equal)."""
    import copy

    from sim.calendar import mask_to_spec, weekly_mask

    return {
        k: mask_to_spec(weekly_mask(p.default)) if p.kind == "schedule" else copy.deepcopy(p.default)
        for k, p in PARAMS.items()
    }


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def is_mapping(x: Any) -> bool:
    return isinstance(x, Mapping)
