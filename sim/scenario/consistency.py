"""Rules that involve more than one parameter, or a parameter and the moment it changes.

A value can be fine on its own and wrong beside another: group shares that do not sum to 1, or a
reform switched on without what it needs.  :func:`check_consistency` applies those rules to a
whole set of parameters: the shares here, and each reform's own rules, declared in its module
(:attr:`sim.reforms.base.Reform.rules`).  It runs on every scenario as resolved, and again on
the parameters in force after each timeline step, so a step cannot break a rule either.

Some parameters cannot change inside a run at all, because they are drawn or built when the run
starts (the residents, their needs, the departments' functions): a timeline step that changes
one is refused (:func:`is_structural`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.reforms import REFORMS
from sim.scenario.validation import ScenarioError


def check_consistency(shown: str, params: Mapping[str, Any], where: str = "") -> None:
    """Rules that involve more than one parameter: shares that sum to 1, and each reform's own
    rules (:attr:`sim.reforms.base.Reform.rules`).  ``where`` names the timeline step checked."""
    at = f" (in {where})" if where else ""
    for key in ("population.group_shares", "departments.class_shares"):
        total = sum(params[key].values())
        if abs(total - 1.0) > 1e-6:
            raise ScenarioError(shown, key, f"shares must sum to 1, they sum to {total:g}{at}")
    for reform in REFORMS:
        for rule in reform.rules:
            broken = rule(params)
            if broken is not None:
                key, message = broken
                raise ScenarioError(shown, key, f"{message}{at}")


# What is drawn or built when a run starts (residents, their needs, the departments' functions)
# cannot change at a timeline date.
STRUCTURAL_PREFIXES = ("run.", "population.", "residents.")
STRUCTURAL_KEYS = {
    "needs.admin_rate",
    "needs.social_assistance_rate",
    "needs.elderly_care_rate",
    "elderly_care.latent_request_rate",
    "needs.public_space_rate",
    "needs.dispute_rate",
    "departments.count",
    "departments.functions",
    "departments.class_shares",
    "departments.tasks_per_function_year",
    "service.department_counters",
    "service.service_time_cv",
    "service.exponential_service",
    "service.extra_counters_mean",
}


def is_structural(key: str) -> bool:
    """Whether a parameter is fixed when the run starts (a timeline step may not change it)."""
    return key.startswith(STRUCTURAL_PREFIXES) or key in STRUCTURAL_KEYS
