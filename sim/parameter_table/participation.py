"""Informatisation (the community's own fixes) and participation: councils, hearings and
volunteer activities.

Part of the parameter table (:mod:`sim.parameters` gathers every section)."""

from __future__ import annotations

from sim.param import ASSUMED, Param

PARAMS: list[Param] = [
    # -- informatisation --------------------------------------------------------------------
    Param(
        "informatisation.local_fix_h",
        48.0,
        "float",
        "hours",
        "Mean time (exponential) for the community to fix a problem it can fix itself.",
        ASSUMED + "two days",
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
        ASSUMED + "monthly",
        0,
        365,
    ),
    Param(
        "participation.hearings_per_year", 4, "int", "events/year", "Hearings.", ASSUMED + "quarterly", 0, 365
    ),
    Param(
        "participation.volunteer_activities_per_year",
        24,
        "int",
        "events/year",
        "Volunteer and community activities.",
        ASSUMED + "twice a month",
        0,
        365,
    ),
]
