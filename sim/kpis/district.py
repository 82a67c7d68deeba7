"""The district's own KPIs: how unequal its communities are, and what the district is made of.

A district's KPIs are of two kinds.  The community KPIs, aggregated over the communities
(:func:`sim.district.spread.district_kpis`), keep their keys, names and thresholds.  The KPIs of
this module exist only at the district level:

* ``spread.worst_decile.<kpi>`` and ``spread.best_decile.<kpi>``: the KPI over the worst and the
  best tenth of communities (resident-weighted), for the KPIs in :data:`SPREAD_KPIS`.  They are
  in the base KPI's unit, better the same way, and borrow its threshold: the worst decile getting
  2 pp fewer needs resolved matters as much as the district getting 2 pp fewer;
* ``spread.gini.<kpi>``: the Gini index of the KPI across communities (resident-weighted; 0 = every
  community the same), for the KPIs that cannot be negative (not the balance): a lower index is a
  more even district;
* ``district.*``: how many communities and residents, demonstration and pilot communities, and the
  Gini index of the money each resident's community received from the district.

The catalogue does not list these (community runs keep their exact KPI list): the district's
tables add :data:`DISTRICT_KPIS` and :data:`DISTRICT_LABELS` to the community ones.
"""

from __future__ import annotations

from sim.i18n import N_
from sim.kpis.catalogue import KPIS
from sim.kpis.kpi import KPI, Matters
from sim.parameters import GROUPS

#: The community KPIs whose spread across communities is reported: needs resolved (overall and by
#: resident group: who is left behind), the hall queue, the time to fix a public-space problem,
#: satisfaction and the community's balance.
SPREAD_KPIS: tuple[str, ...] = (
    "service.resolved_share",
    "service.queue_wait_mean_min",
    "grid.response_mean_h",
    "residents.satisfaction_mean",
    "finance.balance_yuan",
    *(f"access.resolved_share.{g}" for g in GROUPS),
)

#: The spread statistics, in the order of the tables.
WORST, BEST, GINI = "worst_decile", "best_decile", "gini"

#: Units no other text marks for translation.
UNITS = (N_("communities"),)

_GINI_STEP = "0.01 on the index: the mean gap between two communities moves by 2 % of the mean"


def spread_key(statistic: str, kpi: str) -> str:
    """``spread.<statistic>.<kpi>``, e.g. ``spread.worst_decile.service.resolved_share``."""
    return f"spread.{statistic}.{kpi}"


def has_gini(kpi: str) -> bool:
    """A Gini index needs values that cannot be negative: not for a signed KPI (a balance).  Decided
    by the KPI, not by a run's values, so every run of a district has the same keys."""
    return not KPIS[kpi].signed


#: Each spread KPI's name for planners: (worst decile, best decile, Gini or None).
_SPREAD_LABELS: dict[str, tuple[str, str, str | None]] = {
    "service.resolved_share": (
        N_("Needs resolved: worst decile of communities"),
        N_("Needs resolved: best decile of communities"),
        N_("Needs resolved: inequality across communities (Gini)"),
    ),
    "service.queue_wait_mean_min": (
        N_("Mean wait in the hall queue: worst decile of communities"),
        N_("Mean wait in the hall queue: best decile of communities"),
        N_("Mean wait in the hall queue: inequality across communities (Gini)"),
    ),
    "grid.response_mean_h": (
        N_("Hours to fix a public-space problem: worst decile of communities"),
        N_("Hours to fix a public-space problem: best decile of communities"),
        N_("Hours to fix a public-space problem: inequality across communities (Gini)"),
    ),
    "residents.satisfaction_mean": (
        N_("Resident satisfaction: worst decile of communities"),
        N_("Resident satisfaction: best decile of communities"),
        N_("Resident satisfaction: inequality across communities (Gini)"),
    ),
    "finance.balance_yuan": (
        N_("Income minus spending: worst decile of communities"),
        N_("Income minus spending: best decile of communities"),
        None,
    ),
    "access.resolved_share.commuter": (
        N_("Needs resolved, commuting workers: worst decile of communities"),
        N_("Needs resolved, commuting workers: best decile of communities"),
        N_("Needs resolved, commuting workers: inequality across communities (Gini)"),
    ),
    "access.resolved_share.local_worker": (
        N_("Needs resolved, local / flexible workers: worst decile of communities"),
        N_("Needs resolved, local / flexible workers: best decile of communities"),
        N_("Needs resolved, local / flexible workers: inequality across communities (Gini)"),
    ),
    "access.resolved_share.retiree": (
        N_("Needs resolved, retirees and elderly: worst decile of communities"),
        N_("Needs resolved, retirees and elderly: best decile of communities"),
        N_("Needs resolved, retirees and elderly: inequality across communities (Gini)"),
    ),
    "access.resolved_share.migrant": (
        N_("Needs resolved, migrants: worst decile of communities"),
        N_("Needs resolved, migrants: best decile of communities"),
        N_("Needs resolved, migrants: inequality across communities (Gini)"),
    ),
    "access.resolved_share.not_working": (
        N_("Needs resolved, not working: worst decile of communities"),
        N_("Needs resolved, not working: best decile of communities"),
        N_("Needs resolved, not working: inequality across communities (Gini)"),
    ),
}


def _spread_kpis() -> list[tuple[KPI, str]]:
    """Each spread KPI with its label: the deciles in the base KPI's unit, direction and threshold;
    the Gini index on 0-1, lower (more even) better."""
    out = []
    for kpi in SPREAD_KPIS:
        base = KPIS[kpi]
        worst, best, gini = _SPREAD_LABELS[kpi]
        for statistic, label, which in ((WORST, worst, "worst"), (BEST, best, "best")):
            doc = f"{base.doc} Resident-weighted mean over the {which} tenth of communities."
            key = spread_key(statistic, kpi)
            out.append((KPI(key, base.unit, base.better, doc, base.signed, base.matters), label))
        if has_gini(kpi) and gini is not None:
            doc = f"{base.doc} Gini index across communities, resident-weighted (0: all the same)."
            matters = Matters(0.01, why=_GINI_STEP)
            out.append((KPI(spread_key(GINI, kpi), "0-1", "lower", doc, matters=matters), gini))
    return out


_OWN: list[tuple[KPI, str]] = [
    (
        KPI("district.communities", "communities", "", "Communities in the district."),
        N_("Communities in the district"),
    ),
    (
        KPI("district.residents", "residents", "", "Residents of all the district's communities."),
        N_("Residents of the district"),
    ),
    (
        KPI(
            "district.demonstrations",
            "communities",
            "",
            "Demonstration communities at the end (the best-evaluated share).",
            matters=Matters(1.0, why="one community"),
        ),
        N_("Demonstration communities"),
    ),
    (
        KPI(
            "district.pilots",
            "communities",
            "",
            "Communities that piloted the roll-out's reform.",
            matters=Matters(1.0, why="one community"),
        ),
        N_("Pilot communities"),
    ),
    (
        KPI(
            "district.allocation_gini",
            "0-1",
            "",
            "Gini index of the district's money per resident across communities, resident-weighted "
            "(0: every resident's community got the same per resident).  Neither direction is better: "
            "a rule by need is meant to be unequal.",
            matters=Matters(0.01, why=_GINI_STEP),
        ),
        N_("Inequality of the district's money per resident (Gini)"),
    ),
    (
        KPI(
            "district.department_utilisation",
            "share",
            "lower",
            "Mean monthly utilisation of the district's departments: escalated cases and turned-back "
            "tasks from every community, over their capacity.",
            matters=Matters(0.05, why="a twentieth of the departments' capacity"),
        ),
        N_("Departments' utilisation"),
    ),
    (
        KPI(
            "district.department_wait_h",
            "hours",
            "lower",
            "Mean wait of an escalated case before a district department takes it up.",
            matters=Matters(4.0, relative=0.1, why="half a working day, or a tenth of the wait"),
        ),
        N_("Wait at the district's departments"),
    ),
    (
        KPI(
            "district.department_backlog_mean",
            "cases",
            "lower",
            "Escalated cases of every community not yet taken up by a department, mean over the "
            "monthly coupling points.",
            matters=Matters(relative=0.1, why="a tenth of the backlog"),
        ),
        N_("Departments' backlog (mean)"),
    ),
    (
        KPI(
            "district.department_backlog_end",
            "cases",
            "lower",
            "Escalated cases of every community not yet taken up by a department at the end.",
            matters=Matters(relative=0.1, why="a tenth of the backlog"),
        ),
        N_("Departments' backlog at the end"),
    ),
]

#: The district's own KPIs by key, spread first, in the order of tables.
DISTRICT_KPIS: dict[str, KPI] = {k.key: k for k, _label in [*_spread_kpis(), *_OWN]}
#: Each district KPI's name for planners (translated where it is shown, as ``KPI_LABELS``).
DISTRICT_LABELS: dict[str, str] = {k.key: label for k, label in [*_spread_kpis(), *_OWN]}
