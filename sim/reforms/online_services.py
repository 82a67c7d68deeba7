"""Online services over the four-level information platform (city, district, sub-district,
community), which links administration, social affairs and convenience services.

In the model a share of administrative matters can be done online; a resident with digital
access uses that channel with a preference probability, or as a last resort when no visit fits
(:class:`sim.residents.Residents`).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

STEM = "online_services"

PARAMS = (
    Param(
        "informatisation.online_services_share",
        0.0,
        "float",
        "share",
        "Share of administrative matters that can be done online.",
        ASSUMED + "none before the platform",
        0,
        1,
    ),
    Param(
        "informatisation.online_aware_at_start",
        0.0,
        "float",
        "share",
        "Share of residents with digital access who already know of the online channel on day 0, "
        "when it opened before the run; the others learn of it week by week. A channel that opens "
        "during the run opens unknown.",
        ASSUMED + "by default a channel open on day 0 is new; the online services reform file sets "
        "0.99, what the model's own spread reaches two years after a 2012 opening",
        0,
        1,
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Online services"),
    chinese="网上办事",
    family="governance",
    years=N_("2012 (year assumed)"),
    summary=N_("The four-level platform lets some administrative matters be done online."),
    params=PARAMS,
    controls=(
        Control(
            "informatisation.online_services_share", N_("Share of matters that can be done online"), "percent"
        ),
    ),
)
