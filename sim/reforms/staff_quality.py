"""Excellent staff (队伍优秀): open recruitment and training; 80.5 % of community cadres hold a
college degree, 30 % passed the national social-worker exam, and every community has at least
one professional social worker (2014).

In the model degree holders serve faster and close more matters at the first visit, certified
social workers do casework faster (:class:`sim.staff.Team`).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

STEM = "staff_quality"

PARAMS = (
    Param(
        "staff.degree_share",
        0.40,
        "float",
        "share",
        "Share of staff with a college degree or higher.",
        ASSUMED + "before training and recruitment (article: 80.5 % in 2014)",
        0,
        1,
    ),
    Param(
        "staff.certified_share",
        0.0,
        "float",
        "share",
        "Share of staff who passed the national social-worker exam.",
        ASSUMED + "the exam began in 2008 (article: 30 % in 2014)",
        0,
        1,
    ),
    Param(
        "staff.at_least_one_certified",
        False,
        "bool",
        "",
        "Every community has at least one professional social worker.",
        "article: true in 2014",
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Staff quality"),
    chinese="队伍优秀",
    family="guarantees",
    years=N_("2014"),
    summary=N_(
        "80.5 % of staff with a college degree, 30 % certified social workers, at least one in "
        "every community."
    ),
    params=PARAMS,
    controls=(
        Control(
            "staff.degree_share", N_("Staff with a college degree"), "percent", N_("Article: 80.5 % in 2014.")
        ),
        Control(
            "staff.certified_share", N_("Certified social workers"), "percent", N_("Article: 30 % in 2014.")
        ),
        Control("staff.at_least_one_certified", N_("At least one professional social worker"), "switch"),
    ),
)
