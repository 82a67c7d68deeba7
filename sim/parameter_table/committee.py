"""The residents' committee: full- and part-time members, their time and what they settle.

Part of the parameter table (:mod:`sim.parameters` gathers every section)."""

from __future__ import annotations

from sim.param import ASSUMED, Param

PARAMS: list[Param] = [
    # -- residents' committee --------------------------------------------------------------
    Param(
        "committee.full_time_members",
        6,
        "int",
        "members",
        "Full-time elected members of the residents' committee.",
        ASSUMED + "committees have 5-9 members (DOMAIN)",
        1,
        30,
    ),
    Param(
        "committee.weekly_hours",
        40.0,
        "float",
        "hours/week",
        "Hours a full-time member gives to the committee.",
        ASSUMED + "a full-time post",
        1,
        80,
    ),
    Param(
        "committee.mobilisation_share",
        0.3,
        "float",
        "share",
        "Share of full-time members' self-governance hours spent visiting households to announce "
        "events and invite residents (door to door).",
        ASSUMED + "door-to-door mobilisation (入户) is the committee's main way to bring residents in",
        0,
        1,
    ),
    Param(
        "committee.households_per_hour",
        4.0,
        "float",
        "households/member-hour",
        "Households a member can visit in an hour.",
        ASSUMED + "a quarter of an hour a door, including stairs",
        0.1,
        60,
    ),
    Param(
        "committee.mediation_share",
        0.15,
        "float",
        "share",
        "Share of full-time members' self-governance time available for mediating disputes.",
        ASSUMED + "the rest goes to events, visits and meetings",
        0,
        1,
    ),
    Param(
        "committee.mediation_hours",
        4.0,
        "float",
        "member-hours",
        "Member hours to mediate one dispute.",
        ASSUMED + "one or two sessions",
        0.5,
        100,
    ),
    Param(
        "committee.mediation_success",
        0.7,
        "float",
        "probability",
        "Chance a mediation settles the dispute.",
        ASSUMED + "people's mediation settles most cases",
        0,
        1,
    ),
    Param(
        "committee.dispute_patience_days",
        14.0,
        "float",
        "days",
        "Days a dispute waits for mediation before it is taken to the sub-district or court.",
        ASSUMED + "two weeks",
        0,
        365,
    ),
]
