"""Staggered working hours (社区错时工作法), piloted to extend opening and service hours.

In the model it is the hall's weekly opening schedule and the duty crew kept for hours outside
weekday 08:00-18:00; the roster spreads the same staff-hours over the longer week
(:func:`sim.staff.roster`), so without more staff fewer people are on duty in the day.  The
trade-off is one of its claims.

The extra hours are not free (issue 9: the books include "premiums or overtime pay for evening and
weekend hours"): the crew's staff-hours outside the core weekday hours are paid
``finance.unsocial_hours_premium_yuan_h`` on top of the salary (:class:`sim.finance.Books`).  A
community short of money shortens its opening to the core weekday hours once it can leave no more
posts vacant, and restores them first when money allows (``Books._cut``, ``Books._add``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.calendar import weekly_mask
from sim.i18n import N_
from sim.param import ASSUMED, WEEKDAY_OFFICE, Param
from sim.reforms.base import Claim, Control, Reform

if TYPE_CHECKING:
    pass

STEM = "staggered_hours"

PARAMS = (
    Param(
        "service.opening",
        WEEKDAY_OFFICE,
        "schedule",
        "weekly",
        "Opening hours of the service hall.",
        ASSUMED + "standard government office hours",
    ),
    Param(
        "staff.extended_hours_crew",
        1,
        "int",
        "staff",
        "People on duty when the hall is open outside weekday 08:00-18:00 (evenings, weekends).",
        ASSUMED + "staggered-hours pilots keep a small duty crew for the extra hours",
        0,
        50,
    ),
    Param(
        "finance.unsocial_hours_premium_yuan_h",
        6.0,
        "float",
        "yuan/hour",
        "Evening and weekend pay: the premium on top of the salary for each staff-hour on duty in the "
        "hall outside weekday 08:00-18:00.",
        ASSUMED + "about half the hourly wage (2,030 yuan a month over the standard 174 hours is "
        "11.7 yuan an hour). The crew's hours are contract hours moved, not extra hours: China's "
        "Labour Law (art. 44) pays rest-day work at 200 % only when no time off is given in lieu, "
        "and staggered-hours pilots give time off in lieu plus a small allowance",
        0,
        1000,
    ),
)


def hall_opens(params: Mapping[str, Any]) -> tuple[str, str] | None:
    if not weekly_mask(params["service.opening"]).any():
        return ("service.opening", "the hall is never open")
    return None


REFORM = Reform(
    stem=STEM,
    title=N_("Staggered working hours"),
    chinese="错时工作",
    family="services",
    years=N_("2013 (piloted; year assumed)"),
    summary=N_(
        "The centre opens at midday, in the evening and on Saturday, with the same staff working shifts."
    ),
    params=PARAMS,
    controls=(
        Control("service.opening", N_("Opening hours of the service hall"), "hours"),
        Control(
            "finance.unsocial_hours_premium_yuan_h",
            N_("Evening and weekend pay on top of the salary"),
            "number",
        ),
    ),
    claims=(
        Claim(
            STEM,
            "access.resolved_share.commuter",
            +1,
            "staggered hours serve commuters",
            0.02,
            "2 percentage points: one commuter's need in fifty (sim.kpis)",
        ),
        Claim(
            STEM,
            "service.daytime_wait_mean_min",
            +1,
            "trade-off: staggered hours with no extra staff lengthen daytime waits",
            2.0,
            "2 minutes: a change a resident in the queue notices (sim.kpis)",
        ),
    ),
    rules=(hall_opens,),
)
