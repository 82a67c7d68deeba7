"""The access system for public-service tasks entering communities (社区公共服务事项准入制, 2005;
strict task access in 2014).

In the model the community turns back a task of a department class (borne or guided by
departments) with a probability equal to the system's strictness (:class:`AccessSystem`).  It
turns tasks back by their 2003 class, so it needs function classification.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.i18n import N_
from sim.param import Param
from sim.reforms.base import Claim, Control, Reform

if TYPE_CHECKING:
    from sim.policy import Policy

STEM = "access_system"

PARAMS = (
    Param(
        "departments.access_strictness",
        0.0,
        "float",
        "probability",
        "Access system: chance the community turns back a task of a department class.",
        "article: access system for tasks entering communities (2005), strict in 2014",
        0,
        1,
    ),
)


class AccessSystem:
    """The community turns back a task of a department class with probability ``strictness``."""

    def __init__(self, strictness: float) -> None:
        self.strictness = strictness

    def __repr__(self) -> str:
        return f"AccessSystem(strictness={self.strictness})"

    def turns_back(self, u_access: float) -> bool:
        return u_access < self.strictness


def install(policy: Policy, params: Mapping[str, Any]) -> None:
    if params["departments.access_strictness"] > 0:
        policy.task_doors.append(AccessSystem(params["departments.access_strictness"]))


def needs_classification(params: Mapping[str, Any]) -> tuple[str, str] | None:
    if params["departments.access_strictness"] > 0 and not params["departments.classification"]:
        return (
            "departments.access_strictness",
            "the access system turns tasks back by their 2003 class, so it needs "
            "departments.classification = true",
        )
    return None


REFORM = Reform(
    stem=STEM,
    title=N_("Task access system"),
    chinese="准入制",
    family="institutions",
    years=N_("2005; strict in 2014"),
    summary=N_(
        "Tasks may enter the community only through an access system that turns back departments' own work."
    ),
    params=PARAMS,
    controls=(
        Control(
            "departments.access_strictness",
            "Access system strictness (share of department tasks turned back)",
            "percent",
        ),
    ),
    claims=(
        Claim(
            STEM,
            "staff.service_time_share",
            +1,
            "access control frees staff time for residents",
            0.02,
            "2 percentage points of staff time: about 50 minutes of a 40-hour week (sim.kpis)",
        ),
        # "cuts unfunded work" is an accounting identity (turned-back tasks vanish from the books):
        # it is a check in sim.validation.claims.IDENTITIES, not a claim.
    ),
    rules=(needs_classification,),
    install=install,
)
