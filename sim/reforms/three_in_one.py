"""Election plus hiring, three in one (选聘结合、三位一体): the Party organisation and the residents'
committee are elected, the public-service centre's staff hired, so the committee returns to
self-governance (职能归位) instead of running government errands.

In the model it lowers the share of full-time members' time taken by errands
(``committee.errand_share``); what is given back goes to mediation and to door-to-door
mobilisation before events (:class:`sim.committee.Committee`).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

STEM = "three_in_one"

PARAMS = (
    Param(
        "committee.errand_share",
        0.5,
        "float",
        "share",
        "Share of full-time members' time taken by government errands.",
        ASSUMED + "before 'election plus hiring, three in one' returned the committee to self-governance",
        0,
        1,
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Election plus hiring, three in one"),
    chinese="选聘结合、三位一体",
    family="institutions",
    years=N_("2003 (year assumed)"),
    summary=N_(
        "Committee elected, centre staff hired: the committee's time goes back from government "
        "errands to self-governance."
    ),
    params=PARAMS,
    controls=(
        Control("committee.errand_share", N_("Full-time members' time on government errands"), "percent"),
    ),
)
