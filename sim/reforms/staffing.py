"""Staffing of the public-service centre at the planning figure of 18 per 10,000 residents (11 for
6,000); the article gives no head count, so this is an assumption.

In the model it is the number of hired staff (:class:`sim.staff.StaffMember`).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

STEM = "staffing"

PARAMS = (
    Param(
        "staff.count",
        6,
        "int",
        "staff",
        "Hired public-service-centre staff.",
        ASSUMED + "before the reforms; planning figure is 18 per 10,000 residents (11 for 6,000)",
        1,
        1000,
    ),
    Param(
        "finance.max_staff_per_10k",
        0.0,
        "float",
        "staff/10,000 residents",
        "Most staff the budget policy hires with money to spare and work for them (0: none beyond "
        "the posts the scenario plans).",
        "article: centre staff are hired only under 'election plus hiring'; before the reforms a "
        "committee had its elected posts and no more.  The staffing reform sets the planning figure "
        "of 18 per 10,000 residents",
        0,
        1000,
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Staffing"),
    chinese="人员配备",
    family="guarantees",
    years=N_("2014 (head count assumed)"),
    summary=N_("The centre staffed at the planning figure of 18 per 10,000 residents."),
    params=PARAMS,
    controls=(
        Control("staff.count", N_("Hired staff"), "count", N_("Planning figure: 18 per 10,000 residents.")),
    ),
)
