"""Every parameter of the model: key, default, unit, allowed range and source.

This table is the single source for scenario validation, for the defaults a scenario inherits,
for the parameter table in ``docs/parameters.md`` and for the web app's controls.  The defaults
describe the community *before* the reforms (the ``baseline_2002`` scenario); the reform files in
``scenarios/reforms/`` change them to the article's 2014 figures.

The parameters of the community itself are declared one section per module in
:mod:`sim.parameter_table`; each reform declares its own in its module (:mod:`sim.reforms`), and
:data:`PARAMS` gathers both, section by section.

Sources are written as ``article: ...`` (a figure from ``../shared/DOMAIN.md``, i.e. the Changsha
Civil Affairs Bureau article), ``planning: ...`` (a published planning figure), or
``assumption: ...`` with the reason for the value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sim.param import (
    CLASSES,
    DEPARTMENT_CLASSES,
    GROUP_LABELS,
    GROUPS,
    WEEKDAY_OFFICE,
    Param,
)
from sim.parameter_table import (
    behaviour,
    committee,
    departments,
    finance,
    needs,
    participation,
    population,
    service,
    staff,
)
from sim.reforms import REFORMS

# Re-exported: callers read the names a parameter is stated in from here.
__all__ = [
    "CLASSES",
    "DEPARTMENT_CLASSES",
    "GROUPS",
    "GROUP_LABELS",
    "PARAMS",
    "SECTIONS",
    "WEEKDAY_OFFICE",
    "Param",
    "defaults",
    "parse_date",
]

#: The parameters of the community itself, section by section.
COMMUNITY_PARAMS: list[Param] = [
    *population.PARAMS,
    *behaviour.PARAMS,
    *needs.PARAMS,
    *service.PARAMS,
    *staff.PARAMS,
    *committee.PARAMS,
    *departments.PARAMS,
    *participation.PARAMS,
    *finance.PARAMS,
]

#: Section order of the parameter table (scenario files, docs, the web app).
SECTIONS: tuple[str, ...] = (
    "run",
    "population",
    "residents",
    "needs",
    "service",
    "office",
    "staff",
    "committee",
    "departments",
    "burden",
    "informatisation",
    "participation",
    "elderly_care",
    "finance",
)


def _gather() -> dict[str, Param]:
    declared = [*COMMUNITY_PARAMS, *(p for r in REFORMS for p in r.params)]
    keys = [p.key for p in declared]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise RuntimeError(f"parameters declared twice: {twice}")
    unknown = sorted({p.section for p in declared} - set(SECTIONS))
    if unknown:
        raise RuntimeError(f"parameters in sections not in SECTIONS: {unknown}")
    return {p.key: p for p in sorted(declared, key=lambda p: SECTIONS.index(p.section))}


PARAMS: dict[str, Param] = _gather()


def default(key: str) -> Any:
    """A fresh copy of one parameter's default (a schedule in its normal form, as scenario files
    are read, so that equal schedules compare equal)."""
    import copy

    from sim.calendar import mask_to_spec, weekly_mask

    p = PARAMS[key]
    return mask_to_spec(weekly_mask(p.default)) if p.kind == "schedule" else copy.deepcopy(p.default)


def defaults() -> dict[str, Any]:
    """A fresh copy of every default, keyed by dotted name (see :func:`default`)."""
    return {k: default(k) for k in PARAMS}


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
