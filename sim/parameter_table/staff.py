"""The hired service-centre staff: hours, head count, qualifications, overtime and the roster.

Part of the parameter table (:mod:`sim.parameters` gathers every section)."""

from __future__ import annotations

from sim.param import ASSUMED, Param

PARAMS: list[Param] = [
    # -- staff --------------------------------------------------------------------------------
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
        "staff.degree_speedup",
        0.15,
        "float",
        "share",
        "How much shorter a degree holder's counter service is.",
        ASSUMED + "better-trained staff",
        0,
        0.9,
    ),
    Param(
        "staff.degree_first_visit_gain",
        0.15,
        "float",
        "probability",
        "How much a degree holder raises the chance of closing a matter at first visit.",
        ASSUMED + "they explain what papers are needed",
        0,
        1,
    ),
    Param(
        "staff.certified_casework_speedup",
        0.25,
        "float",
        "share",
        "How much shorter a certified social worker's casework is.",
        ASSUMED + "professional method",
        0,
        0.9,
    ),
    Param(
        "staff.one_pool",
        True,
        "bool",
        "",
        "One pool of staff time: staff at a counter with nobody to serve do back-office work and "
        "come back when a resident arrives (off: they wait at the empty counter).",
        ASSUMED + "a sensible head; the 2002 evidence had staff 31 % idle at empty counters while "
        "overtime accrued",
    ),
    Param(
        "staff.switch_cost_min",
        10.0,
        "float",
        "minutes",
        "Back-office time lost each time a free counter's staff member goes to the back office and "
        "comes back (a stretch shorter than this gives nothing).",
        ASSUMED + "putting files away, logging in and out, walking back",
        0,
        600,
    ),
    Param(
        "staff.overtime_cap_h_per_day",
        2.0,
        "float",
        "hours/staff/day",
        "Most overtime a staff member does in a day; work beyond it is late.",
        ASSUMED + "evening overtime to meet department deadlines",
        0,
        12,
    ),
]
