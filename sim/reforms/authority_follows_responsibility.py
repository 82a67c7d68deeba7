"""Authority follows responsibility (权随责走, 2005).

In the model the community fixes a public-space problem itself, instead of escalating it to a
department, when it has the authority for it: a share ``departments.authority_share`` of
problems (:class:`sim.public_space.PublicSpace`).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

STEM = "authority_follows_responsibility"

PARAMS = (
    Param(
        "departments.authority_share",
        0.3,
        "float",
        "share",
        "Share of public-space problems the community has the authority to fix itself "
        "('authority follows responsibility').",
        ASSUMED + "before 2005 most need a department",
        0,
        1,
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Authority follows responsibility"),
    chinese="权随责走",
    family="institutions",
    years=N_("2005"),
    summary=N_(
        "The community gets the authority that goes with its duties, so it can fix more problems itself."
    ),
    params=PARAMS,
    controls=(
        Control(
            "departments.authority_share",
            "Share of public-space problems the community may fix itself",
            "percent",
            "Authority follows responsibility (2005).",
        ),
    ),
)
