"""The parameter schema: what a model parameter is, and the names it is stated in.

Kept apart from :mod:`sim.parameters` (the table of every parameter) so that each reform module
(:mod:`sim.reforms`) can declare its own parameters with the same :class:`Param`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GROUPS = ("commuter", "local_worker", "retiree", "migrant", "not_working")
GROUP_LABELS = {
    "commuter": "commuting workers",
    "local_worker": "local / flexible workers",
    "retiree": "retirees and elderly",
    "migrant": "migrants (floating population)",
    "not_working": "not working (carers, students, unemployed)",
}
CLASSES = ("department_borne", "community_borne", "department_guided", "community_assisted")
#: The 2003 classes whose work belongs to departments: the access system turns these back.
DEPARTMENT_CLASSES = ("department_borne", "department_guided")

WEEKDAY_OFFICE = {"weekdays": ["08:00-12:00", "14:30-17:30"]}


@dataclass(frozen=True)
class Param:
    """One model parameter.  ``kind`` is one of float, int, bool, date, schedule, groups, classes."""

    key: str
    default: Any
    kind: str
    unit: str
    doc: str
    source: str
    lo: float | None = None
    hi: float | None = None

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    def allowed(self) -> str:
        """Human description of the allowed values, used in error messages and docs."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "date":
            return 'a date "YYYY-MM-DD"'
        if self.kind == "schedule":
            return 'a weekly schedule table, e.g. {weekdays = ["08:00-12:00", "14:30-17:30"]}'
        rng = _range_text(self.lo, self.hi)
        if self.kind == "groups":
            return f"a table with numbers {rng} for the groups {', '.join(GROUPS)}"
        if self.kind == "classes":
            return f"a table of shares {rng} for the classes {', '.join(CLASSES)}, summing to 1"
        noun = "an integer" if self.kind == "int" else "a number"
        return f"{noun} {rng}".strip()


def _range_text(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"from {lo:g} to {hi:g}"
    if lo is not None:
        return f"of at least {lo:g}"
    if hi is not None:
        return f"of at most {hi:g}"
    return ""


def per_group(
    commuter: float, local_worker: float, retiree: float, migrant: float, not_working: float
) -> dict[str, float]:
    """A per-group table in the order of GROUPS."""
    return dict(zip(GROUPS, (commuter, local_worker, retiree, migrant, not_working), strict=True))


#: Source prefix of a parameter whose value is our choice (the reason follows it).
ASSUMED = "assumption: "
#: Source prefix of an assumed parameter whose value is the pattern calibration's accepted set
#: (docs/validation): what the evidence says about it follows.  The number is stated only as the
#: default, so a new calibration changes the value alone.
CALIBRATED = ASSUMED + "calibrated to the pattern targets (docs/validation); "
