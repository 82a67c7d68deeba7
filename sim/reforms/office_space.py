"""Good facilities (设施优良): community office and service space planned and built with housing,
500 m² on average in 2009 and 700 m² in 2014.

In the model office space limits the counters of a one-stop hall and costs money to run
(:meth:`sim.centre.ServiceCentre.organise`, :class:`sim.finance.Books`).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

STEM = "office_space"

PARAMS = (
    Param(
        "office.area_m2",
        300.0,
        "float",
        "m2",
        "Community office and service space.",
        ASSUMED + "before the facilities programme; the article gives 500 m2 (2009) and 700 m2 (2014)",
        20,
        100000,
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Office and service space"),
    chinese="设施优良",
    family="guarantees",
    years=N_("500 m² in 2009, 700 m² in 2014"),
    summary=N_("Office and service space planned and built with housing; every hall counter needs room."),
    params=PARAMS,
    controls=(Control("office.area_m2", N_("Office and service space"), "number"),),
)
