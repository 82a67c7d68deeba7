"""Informatisation, zero-distance interaction (网格化管理): community information officers upload
text, photos and video by phone to the grid command centre over the four-level platform - "first-
moment collection, first-moment feedback, first-moment handling".

In the model public-space problems are found by officers on patrol instead of waiting for a
resident to report them at the centre, and escalated ones reach departments over the platform
(:class:`GridOfficers` instead of :class:`ResidentsReport`).
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
        "informatisation.patrol_interval_h",
        24.0,
        "float",
        "hours",
        "With grid reporting, time between an officer's passes over any spot.",
        ASSUMED + "daily patrol",
        1,
        1000,
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


class GridOfficers:
    """Information officers pass every spot at a fixed interval and upload what they find; the
    four-level platform carries escalations to departments."""

    def __repr__(self) -> str:
        return "GridOfficers()"

    def found(
        self, t: float, u_found: float, params: Mapping[str, Any], next_open: Callable[[float], float]
    ) -> float:
        return t + u_found * params["informatisation.patrol_interval_h"]

    def escalation_delay_h(self, params: Mapping[str, Any]) -> float:
        return params["informatisation.platform_escalation_delay_h"]


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
    ),
    # No claim while the response time is built from constants (hours to report, to a department,
    # the escalated share): the reform's effect is their difference.  It is a check in
    # sim.validation.claims.IDENTITIES until departments' capacity makes the response emergent.
    claims=(),
    install=install,
)
