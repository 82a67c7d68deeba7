"""Government departments and the burden they push down: tasks, their classes and hours,
escalations, and the inspections, meetings, forms and ledgers.

Part of the parameter table (:mod:`sim.parameters` gathers every section)."""

from __future__ import annotations

from sim.param import ASSUMED, CALIBRATED, Param

PARAMS: list[Param] = [
    # -- departments -------------------------------------------------------------------------
    Param(
        "departments.count",
        10,
        "int",
        "departments",
        "Government departments that push work down to the community.",
        ASSUMED + "municipal/district departments with community-level duties",
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
        ASSUMED + "the article names the classes, not their sizes",
        0,
        1,
    ),
    Param(
        "departments.tasks_per_function_year",
        3.88,
        "float",
        "tasks/function/year",
        "Tasks a function pushes down to the community in a year.",
        CALIBRATED + "about quarterly; the article gives no figure",
        0,
        365,
    ),
    Param(
        "departments.task_hours_mean",
        8.15,
        "float",
        "staff-hours",
        "Mean staff hours (exponential) of one pushed-down task.",
        CALIBRATED + "surveys, checks, forms: from half a day to more than a day",
        0,
        1000,
    ),
    Param(
        "departments.task_deadline_days",
        10.0,
        "float",
        "days",
        "Days the community has to complete a pushed-down task.",
        ASSUMED + "departments typically ask for results within two working weeks",
        1,
        365,
    ),
    Param(
        "departments.task_cost_yuan_mean",
        185.0,
        "float",
        "yuan",
        "Mean money cost (exponential) of one task (materials, printing, transport, allowances).",
        CALIBRATED + "printing, materials, transport and small allowances for one task (staff time "
        "is counted apart); 800 yuan made the 2002 community's unfunded tasks exceed its whole budget",
        0,
        1e7,
    ),
    Param(
        "departments.turned_back_task_cases",
        1.0,
        "float",
        "cases/task",
        "Department capacity a task turned back by the access system takes, in escalated cases' "
        "worth: the department does the task itself, in the queue it answers escalations from.",
        ASSUMED + "a task sent back is handled by the department with the effort of one case",
        0,
        100,
    ),
    Param(
        "departments.escalation_cases_per_week",
        1.0,
        "float",
        "cases/department/week",
        "Escalated public-space problems of this community each department takes up in a week "
        "(its case-handling capacity; first come, first served). 0: it takes up none.",
        ASSUMED + "a district department's crew serves some fifty communities and can take on "
        "about one job a week for each",
        0,
        10000,
    ),
    # -- burden of inspections, meetings, forms, ledgers -----------------------------------
    Param(
        "burden.inspection_prep_hours",
        16.0,
        "float",
        "staff-hours",
        "Staff hours preparing one inspection (ledgers, materials).",
        ASSUMED + "two staff-days of ledgers, display boards and materials per inspection",
        0,
        1000,
    ),
    Param(
        "burden.inspection_staff",
        2,
        "int",
        "staff",
        "Staff taken off duty on the day of an inspection (09:00-12:00).",
        ASSUMED + "the head and one more staff member receive the inspectors",
        0,
        50,
    ),
    Param(
        "burden.meeting_hours",
        2.0,
        "float",
        "hours",
        "Length of a meeting.",
        ASSUMED + "a half-day meeting with travel",
        0,
        12,
    ),
    Param(
        "burden.form_hours",
        1.5,
        "float",
        "staff-hours",
        "Staff hours per report form.",
        ASSUMED + "collecting figures from files and residents, filling in, checking",
        0,
        100,
    ),
]
