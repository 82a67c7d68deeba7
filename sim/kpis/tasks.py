"""Tasks the government departments push down to the community, and what became of them.

The access system ("function classification and the task access system") turns back tasks that
are not the community's; "funding follows the task" makes the ones it accepts come with money.
These KPIs count what was pushed down, turned back and accepted, the administrative tasks
finished after their deadline, and the cost of accepted tasks that came without money.  Counts
grow with the run's length, so their thresholds are relative to the baseline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.i18n import N_
from sim.kpis.kpi import KPI, TEN_PERCENT, Matters

if TYPE_CHECKING:
    from sim.model import CommunityModel

KPIS = [
    KPI(
        "tasks.pushed_down",
        "tasks",
        "lower",
        "Tasks departments pushed down to the community.",
        matters=Matters(1.0, 0.10, TEN_PERCENT),
    ),
    KPI(
        "tasks.turned_back",
        "tasks",
        "",
        "Tasks the access system turned back.",
        matters=Matters(1.0, 0.10, TEN_PERCENT),
    ),
    KPI(
        "tasks.accepted",
        "tasks",
        "lower",
        "Tasks the community took on.",
        matters=Matters(1.0, 0.10, TEN_PERCENT),
    ),
    KPI(
        "tasks.late",
        "tasks",
        "lower",
        "Administrative tasks finished after their deadline.",
        matters=Matters(1.0, 0.10, TEN_PERCENT + "; at least one task"),
    ),
    KPI(
        "tasks.unfunded_cost_yuan",
        "yuan",
        "lower",
        "Cost of accepted tasks that came without money.",
        matters=Matters(1000.0, 0.10, TEN_PERCENT),
    ),
]
PER_GROUP: list[KPI] = []

#: Each KPI's name for planners (translated where it is shown).
LABELS = {
    "tasks.pushed_down": N_("Tasks pushed down by departments"),
    "tasks.turned_back": N_("Tasks turned back by the access system"),
    "tasks.accepted": N_("Tasks the community took on"),
    "tasks.late": N_("Tasks finished late"),
    "tasks.unfunded_cost_yuan": N_("Cost of tasks that came without money"),
}
GROUP_LABELS: dict[str, str] = {}


def measure(m: CommunityModel) -> dict[str, float]:
    """This family's KPIs of a finished model."""
    departments = m.departments
    return {
        "tasks.pushed_down": float(departments.pushed_down),
        "tasks.turned_back": float(departments.turned_back),
        "tasks.accepted": float(departments.accepted),
        "tasks.late": float(m.centre.backoffice.late_tasks),
        "tasks.unfunded_cost_yuan": departments.unfunded_cost,
    }
