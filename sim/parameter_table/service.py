"""The service hall and casework (counters, service times, first-visit success, home visits)
and the office space the counters need.

Part of the parameter table (:mod:`sim.parameters` gathers every section)."""

from __future__ import annotations

from sim.param import ASSUMED, CALIBRATED, Param

PARAMS: list[Param] = [
    # -- service hall and casework --------------------------------------------------------------
    Param(
        "service.counter_service_min",
        9.4,
        "float",
        "minutes",
        "Mean time a counter needs for one resident's matter (team with no degree holders).",
        CALIBRATED + "short administrative transactions; hall studies put simple matters at 5-20 min",
        0.5,
        600,
    ),
    Param(
        "service.service_time_cv",
        0.8,
        "float",
        "",
        "Coefficient of variation of counter service times (1 = exponential).",
        ASSUMED + "lognormal service times with moderate spread",
        0,
        3,
    ),
    Param(
        "service.exponential_service",
        False,
        "bool",
        "",
        "Draw counter service times from an exponential distribution (for the M/M/c check).",
        ASSUMED + "lognormal is the default",
    ),
    Param(
        "service.adaptive_counters",
        True,
        "bool",
        "",
        "The centre head staffs counters for the expected flow (off: every counter there is "
        "room and staff for is staffed, as in the M/M/c check).",
        ASSUMED + "a sensible head",
    ),
    Param(
        "service.counter_target_utilisation",
        0.75,
        "float",
        "share",
        "Busy share of time the head aims for at each staffed counter.",
        ASSUMED + "another counter opens when the three already open would be busy 3/4 of the time",
        0.05,
        1,
    ),
    Param(
        "service.first_visit_success",
        0.865,
        "float",
        "probability",
        "Chance a counter closes the matter at the first visit (team with no degree holders).",
        CALIBRATED + "missing papers are common; the article says only that one-stop service made "
        "matters quick",
        0,
        1,
    ),
    Param(
        "service.casework_hours",
        2.44,
        "float",
        "staff-hours",
        "Staff hours to handle one social-assistance case (team without certified social workers).",
        CALIBRATED + "interview, home visit, file",
        0,
        100,
    ),
    Param(
        "service.elderly_visit_hours",
        1.5,
        "float",
        "staff-hours",
        "Staff hours for one elderly-care request handled by staff.",
        ASSUMED + "one home visit",
        0,
        24,
    ),
    Param(
        "service.online_service_factor",
        0.8,
        "float",
        "",
        "Staff time for a matter handled online, relative to the counter.",
        ASSUMED + "no waiting resident, same paperwork",
        0,
        5,
    ),
    Param(
        "service.outreach_visits_per_month",
        1.0,
        "float",
        "visits/resident/month",
        "Home visits that vulnerable and elderly-alone residents should get, when staff have time left.",
        ASSUMED + "monthly contact",
        0,
        31,
    ),
    Param(
        "service.outreach_visit_hours",
        1.0,
        "float",
        "staff-hours",
        "Staff hours per outreach home visit.",
        ASSUMED + "one visit with travel",
        0,
        24,
    ),
    # -- office -------------------------------------------------------------------------------
    Param(
        "office.m2_per_counter",
        100.0,
        "float",
        "m2/counter",
        "Office space needed per hall counter (with waiting area and back office).",
        ASSUMED + "so that 700 m2 holds 7 counters",
        10,
        10000,
    ),
]
