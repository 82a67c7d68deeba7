"""Public-space problems (a broken lamp, rubbish, a blocked lane): how fast they are fixed.

Grid reporting lets staff on patrol find problems before residents report them; what the
community cannot fix itself is escalated to a government department's queue.  ``grid.*`` is the
time from a problem appearing to it being fixed, ``departments.*`` the escalated problems still
waiting in the departments' queues.  A problem still open at the end counts with its age then, a
lower bound on its response time, so a growing backlog cannot make the mean look shorter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.i18n import N_
from sim.kpis.kpi import KPI, TEN_PERCENT, Matters, mean_or_nan

if TYPE_CHECKING:
    from sim.model import CommunityModel

KPIS = [
    KPI(
        "grid.response_mean_h",
        "hours",
        "lower",
        "Mean hours from a public-space problem appearing to it being fixed, including the wait in "
        "a department's queue; a problem still open at the end counts with its age then (a lower "
        "bound), so a backlog cannot make the mean look shorter.",
        matters=Matters(4.0, why="half a working day sooner or later"),
    ),
    KPI(
        "departments.backlog_end",
        "cases",
        "lower",
        "Escalated public-space problems waiting in the departments' queues at the end (not yet taken up).",
        matters=Matters(1.0, 0.10, TEN_PERCENT + "; at least one case"),
    ),
    KPI(
        "departments.backlog_mean",
        "cases",
        "lower",
        "Escalated problems waiting in the departments' queues, mean over the run's midnights.",
        matters=Matters(1.0, 0.10, "one case, or 10 % of the baseline's backlog"),
    ),
]
PER_GROUP: list[KPI] = []

#: Each KPI's name for planners (translated where it is shown).
LABELS = {
    "grid.response_mean_h": N_("Hours to fix a public-space problem"),
    "departments.backlog_end": N_("Escalated problems waiting at departments at the end"),
    "departments.backlog_mean": N_("Escalated problems waiting at departments (mean)"),
}
GROUP_LABELS: dict[str, str] = {}


def measure(m: CommunityModel) -> dict[str, float]:
    """This family's KPIs of a finished model."""
    horizon = m.horizon_h
    # A problem still open at the end counts with its age then.
    response_h = [*m.tally.public_response_h, *m.public_space.unfixed_ages_h(horizon)]
    return {
        "grid.response_mean_h": mean_or_nan(response_h),
        "departments.backlog_end": float(m.departments.backlog(horizon)),
        "departments.backlog_mean": m.tally.department_backlog_days / max(m.days, 1),
    }
