"""Integrated service resources: 429 home-based elderly-care service stations, 801 volunteer
service stations and 1,620 volunteer teams caring for empty-nest elderly people.

In the model elderly-care requests go to a care station (:class:`CareStation`) instead of
waiting for volunteers or staff (:class:`VolunteersThenStaff`); volunteers give a number of hours
a week.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

if TYPE_CHECKING:
    from sim.centre import ServiceCentre
    from sim.policy import Policy

STEM = "elderly_care"

PARAMS = (
    Param(
        "elderly_care.station_cost_yuan_year",
        40000.0,
        "float",
        "yuan/year",
        "Running cost of a home elderly-care station paid from community funds.",
        ASSUMED + "rent, a part-time carer and materials, net of civil-affairs subsidies",
        0,
        1e8,
    ),
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
        ASSUMED + "a station answers within a day",
        0.5,
        10000,
    ),
    Param(
        "elderly_care.volunteer_hours_per_week",
        0.0,
        "float",
        "hours/week",
        "Volunteer hours available for elderly care (volunteer service stations).",
        ASSUMED + "article: 801 volunteer stations, 1,620 teams city-wide",
        0,
        10000,
    ),
)


class VolunteersThenStaff:
    """Without a station, a request waits for the evening: volunteers take it if they have hours
    left this week, otherwise staff visit as casework (:meth:`sim.centre.ServiceCentre.back_office_day`)."""

    def __repr__(self) -> str:
        return "VolunteersThenStaff()"

    def request(self, centre: ServiceCentre, need: int, t: float, u_delay: float) -> None:
        centre.elderly_waiting.append((need, t))


class CareStation:
    """A home elderly-care station answers every request after an exponential response time."""

    def __repr__(self) -> str:
        return "CareStation()"

    def request(self, centre: ServiceCentre, need: int, t: float, u_delay: float) -> None:
        response_h = centre.model.params["elderly_care.station_response_h"]
        centre.model.residents.resolve(need, t - response_h * math.log1p(-u_delay))


def install(policy: Policy, params: Mapping[str, Any]) -> None:
    policy.elderly_care = CareStation() if params["elderly_care.station"] else VolunteersThenStaff()


REFORM = Reform(
    stem=STEM,
    title=N_("Home elderly care and volunteers"),
    chinese="居家养老",
    family="services",
    years=N_("2013 (year assumed)"),
    summary=N_("Home elderly-care stations and volunteers for elderly people living alone."),
    params=PARAMS,
    controls=(
        Control("elderly_care.station", N_("Home elderly-care service station"), "switch"),
        Control("elderly_care.volunteer_hours_per_week", N_("Volunteer hours a week"), "number"),
    ),
    install=install,
)
