"""The district's own settings: what couples its communities, each with a unit and a source.

A district file states them in its ``[district]`` table (``allocation = "by_score"``); sweeps and
``with_changes`` name them ``district.allocation``.  Every value is checked here, so a bad one is
one :class:`~sim.scenario.ScenarioError` naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.scenario import ScenarioError

#: How the district splits its budget between communities (see :mod:`sim.district.coupling`).
ALLOCATION_RULES = ("equal", "per_resident", "per_task", "by_need", "by_score")
#: How the pilots of a roll-out are chosen.
PILOT_RULES = ("random", "best_evaluated", "most_in_need")

ASSUMED = "assumption: "


@dataclass(frozen=True)
class Setting:
    """One district setting.  ``kind`` is int, float or choice; ``None`` as default means the
    value is derived from the communities (the docstring says how)."""

    key: str
    default: Any
    kind: str
    unit: str
    doc: str
    source: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()

    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(f'"{c}"' for c in self.choices)
        noun = "an integer" if self.kind == "int" else "a number"
        hi = "" if self.hi is None else f" and at most {self.hi:g}"
        return f"{noun} at least {self.lo:g}{hi}" if self.lo is not None else noun


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting(
            "communities",
            0,
            "int",
            "communities",
            "Communities generated from the types (listed communities: their number).",
            "about 290-520 in Changsha (DOMAIN: 594 part-time members = 23 % of committee members)",
            1,
            5000,
        ),
        Setting(
            "seed",
            1,
            "int",
            "",
            "Seed that draws each community's type, size and sub-district.",
            "any integer; the run's seed draws everything else",
            0,
            2**31 - 1,
        ),
        Setting(
            "subdistricts",
            10,
            "int",
            "sub-districts",
            "Sub-districts (街道) the communities belong to.",
            ASSUMED + "about 50 communities per sub-district",
            1,
            1000,
        ),
        Setting(
            "budget_yuan_year",
            None,
            "float",
            "yuan/year",
            "The district's operating money for its communities (fiscal allocation).  Unset: the "
            "sum of the communities' own finance.fiscal_yuan_year.",
            "DOMAIN: 'funding first', city and districts budget community operating funds",
            0,
            1e12,
        ),
        Setting(
            "allocation",
            "per_resident",
            "choice",
            "",
            "How the budget is split: equal per community, per resident, per task pushed down last "
            "month, by need (retirees, migrants, vulnerable residents) or by evaluation score.",
            "DOMAIN: fiscal support and 'funding follows the task'; the rule is the planner's choice",
            choices=ALLOCATION_RULES,
        ),
        Setting(
            "department_cases_per_week",
            None,
            "float",
            "cases/department/week",
            "What each district department handles in a week: escalated problems from every "
            "community, plus turned-back tasks.  Unset: communities x the base community's "
            "departments.escalation_cases_per_week (the single-community model's share).",
            ASSUMED + "the article gives no department capacity",
            0,
            1e7,
        ),
        Setting(
            "evaluation_months",
            3,
            "int",
            "months",
            "How often the district scores every community (standardised evaluation).",
            "DOMAIN: standardised evaluation from 2013; " + ASSUMED + "quarterly review",
            1,
            120,
        ),
        Setting(
            "demonstration_share",
            0.38,
            "float",
            "share",
            "Share of communities named demonstration communities at each evaluation (best scores).",
            "DOMAIN: 189 demonstration / gem communities of about 500",
            0,
            1,
        ),
        Setting(
            "demonstration_bonus_yuan",
            50_000.0,
            "float",
            "yuan/year",
            "Extra money a demonstration community receives, out of the district budget.",
            ASSUMED + "an award of the order of a tenth of a community's 600,000 yuan",
            0,
            1e9,
        ),
        Setting(
            "rollout.reform",
            "",
            "str",
            "",
            "A reform file whose own changes reach the pilots first, then every community.",
            "DOMAIN: staggered hours was 'piloted'",
        ),
        Setting(
            "rollout.rule",
            "random",
            "choice",
            "",
            "How pilots are chosen.",
            ASSUMED + "the district's choice",
            choices=PILOT_RULES,
        ),
        Setting(
            "rollout.pilots",
            0.1,
            "float",
            "share",
            "Share of communities that pilot the reform.",
            ASSUMED + "one in ten",
            0,
            1,
        ),
        Setting(
            "rollout.pilot_month",
            1,
            "int",
            "month",
            "Month (from the start) the pilots start.",
            ASSUMED + "after the first month's evaluation data",
            0,
            1200,
        ),
        Setting(
            "rollout.everyone_month",
            7,
            "int",
            "month",
            "Month every community has the reform (0: never within the run).",
            ASSUMED + "half a year after the pilots",
            0,
            1200,
        ),
    )
}

#: How an evaluation scores a community: weights of the to-date measures (sum 1).
EVALUATION_WEIGHTS = {"resolved": 0.4, "waits": 0.2, "participation": 0.2, "satisfaction": 0.2}
#: A mean queue wait this long or longer scores zero on waits.
EVALUATION_WAIT_CAP_MIN = 30.0


def check_setting(shown: str, key: str, value: Any) -> Any:
    """A district setting's value, checked (``key`` without the ``district.`` prefix)."""
    s = SETTINGS.get(key)
    where = f"district.{key}"
    if s is None:
        known = ", ".join(sorted(k for k in SETTINGS if "." not in k))
        raise ScenarioError(
            shown, where, f"unknown district setting; known: {known}, types, community, rollout"
        )
    if s.kind == "str":
        if not isinstance(value, str):
            raise ScenarioError(shown, where, f"must be a string, got {value!r}")
        return value
    if s.kind == "choice":
        if value not in s.choices:
            raise ScenarioError(shown, where, f"must be {s.allowed()}, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(shown, where, f"must be {s.allowed()}, got {value!r}")
    if s.kind == "int" and (isinstance(value, float) and not value.is_integer()):
        raise ScenarioError(shown, where, f"must be {s.allowed()}, got {value!r}")
    value = int(value) if s.kind == "int" else float(value)
    if value != value or (s.lo is not None and value < s.lo) or (s.hi is not None and value > s.hi):
        raise ScenarioError(shown, where, f"must be {s.allowed()}, got {value!r}")
    return value


def flat_settings(shown: str, table: Mapping[str, Any]) -> dict[str, Any]:
    """The scalar settings of a ``[district]`` table, flattened and checked (``rollout.rule``)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in ("types", "community"):
            continue
        if key == "rollout":
            if not isinstance(value, Mapping):
                raise ScenarioError(shown, "district.rollout", "must be a table")
            for sub, v in value.items():
                out[f"rollout.{sub}"] = check_setting(shown, f"rollout.{sub}", v)
            continue
        out[key] = check_setting(shown, key, value)
    return out
