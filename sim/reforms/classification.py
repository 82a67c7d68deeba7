"""Function classification (职能分类, 2003): the 86 social-management functions are sorted into four
classes - borne by departments, borne by the community, guided by departments, assisted by the
community (部门承担、社区承担、部门指导、社区协助).

In the model a department then keeps a task of its own classes instead of pushing it down, with a
fixed compliance probability: a rule without enforcement (:class:`DepartmentsKeepOwnWork`).  The
access system (:mod:`sim.reforms.access_system`) turns tasks back by these classes, so it needs
classification.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

if TYPE_CHECKING:
    from sim.policy import Policy

STEM = "classification"

PARAMS = (
    Param(
        "departments.classification",
        False,
        "bool",
        "",
        "The 86 functions are sorted into the four classes (2003).",
        "article: 2003 notice",
    ),
    Param(
        "departments.classification_compliance",
        0.3,
        "float",
        "probability",
        "With classification, chance a department keeps a task of its own class instead of "
        "pushing it down (voluntary compliance).",
        ASSUMED + "a rule without enforcement",
        0,
        1,
    ),
)


class DepartmentsKeepOwnWork:
    """With classification, a department keeps a task of its own classes (instead of pushing it
    down) with a fixed compliance probability."""

    def __init__(self, compliance: float) -> None:
        self.compliance = compliance

    def __repr__(self) -> str:
        return f"DepartmentsKeepOwnWork(compliance={self.compliance})"

    def keeps(self, u_withhold: float) -> bool:
        return u_withhold < self.compliance


def install(policy: Policy, params: Mapping[str, Any]) -> None:
    if params["departments.classification"]:
        policy.task_keepers.append(DepartmentsKeepOwnWork(params["departments.classification_compliance"]))


REFORM = Reform(
    stem=STEM,
    title=N_("Function classification"),
    chinese="职能分类",
    family="institutions",
    years=N_("2003"),
    summary=N_(
        "The 86 social-management functions sorted into four classes, so a department can no "
        "longer push down work that is its own."
    ),
    params=PARAMS,
    controls=(
        Control(
            "departments.classification",
            N_("Functions sorted into the four 2003 classes"),
            "switch",
            N_("Needed before an access system can turn tasks back by their class."),
        ),
        Control(
            "departments.classification_compliance",
            N_("Departments that keep their own tasks without being told"),
            "percent",
        ),
    ),
    install=install,
)
