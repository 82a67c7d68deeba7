"""The catalogue: every KPI of every family, in one order, and the end-of-run summary in that order.

Each family module (:mod:`sim.kpis.service`, :mod:`sim.kpis.staff`, ...) declares its KPIs, their
names for planners and how they are measured on a finished model.  This module puts the families
together in :data:`FAMILIES`' order, which is the order of every table, JSON summary and store
column, adds a ``<key>.<group>`` KPI per resident group for each family's per-group measures, and
answers the questions the rest of the code asks about a key: its possible values, its name, which
way is better.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from sim.i18n import N_, _
from sim.kpis import elderly_care, finance, governance, public_space, residents, service, staff, tasks, verify
from sim.kpis.daily import DAILY, daily_bounds
from sim.kpis.kpi import KPI
from sim.parameters import GROUPS

if TYPE_CHECKING:
    from sim.model import CommunityModel

#: The KPI families, in the order their KPIs are listed everywhere.
FAMILIES: tuple[ModuleType, ...] = (
    service,
    staff,
    tasks,
    public_space,
    elderly_care,
    governance,
    residents,
    finance,
    verify,
)


def _catalogue() -> dict[str, KPI]:
    """Every family's KPIs, then the per-group KPIs (template by template, group by group)."""
    kpis = {k.key: k for family in FAMILIES for k in family.KPIS}
    for template in (t for family in FAMILIES for t in family.PER_GROUP):
        for g in GROUPS:
            key = f"{template.key}.{g}"
            doc = f"{template.doc}: {g}."
            kpis[key] = KPI(key, template.unit, template.better, doc, matters=template.matters)
    return kpis


#: Every KPI by key, in the order of tables and files: a community run's, then (added at the end of
#: this module) the district's own (:mod:`sim.kpis.district`).
KPIS: dict[str, KPI] = _catalogue()
#: The KPIs a community run measures (:func:`summarise`), in the same order.
COMMUNITY_KPIS: tuple[str, ...] = tuple(KPIS)

#: Each KPI's name for planners, in tables, figures and downloads (the key is for code and files).
KPI_LABELS: dict[str, str] = {key: label for family in FAMILIES for key, label in family.LABELS.items()}
_GROUP_LABELS: dict[str, str] = {k: label for family in FAMILIES for k, label in family.GROUP_LABELS.items()}

#: The resident groups as planners name them (``sim.parameters.GROUP_LABELS``'s words, marked here
#: for the catalogue).
GROUP_WORDS = {
    "commuter": N_("commuting workers"),
    "local_worker": N_("local / flexible workers"),
    "retiree": N_("retirees and elderly"),
    "migrant": N_("migrants (floating population)"),
    "not_working": N_("not working (carers, students, unemployed)"),
}


def bounds(key: str) -> tuple[float | None, float | None]:
    """The possible values of a KPI or daily series (unknown keys: unbounded)."""
    if key in KPIS:
        return KPIS[key].bounds
    if key in DAILY:
        return daily_bounds(key)
    return (None, None)


def kpi_label(key: str) -> str:
    """A KPI's name for planners ("Needs resolved: commuters" for a per-group KPI)."""
    if key in KPI_LABELS:
        return _(KPI_LABELS[key])
    base, _sep, group = key.rpartition(".")
    if base in _GROUP_LABELS and group in GROUP_WORDS:
        return f"{_(_GROUP_LABELS[base])}: {_(GROUP_WORDS[group])}"
    return key


def better(key: str) -> str:
    """``"higher"``, ``"lower"``, or ``""`` when neither direction is better (or the key is unknown)."""
    kpi = KPIS.get(key)
    return kpi.better if kpi else ""


def summarise(m: CommunityModel) -> dict[str, float]:
    """The end-of-run KPIs of a finished model, keyed and ordered as in :data:`KPIS`."""
    out: dict[str, float] = {}
    for family in FAMILIES:
        out.update(family.measure(m))
    return {k: out[k] for k in COMMUNITY_KPIS}


# The district's KPIs are declared from the community ones above, so they join the catalogue last.
from sim.kpis.district import DISTRICT_KPIS, DISTRICT_LABELS  # noqa: E402

KPIS.update(DISTRICT_KPIS)
KPI_LABELS.update(DISTRICT_LABELS)
