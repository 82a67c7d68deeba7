"""Checks, not outcomes: the two sides of Little's law for the hall queues.

Little's law (L = lambda W; Little 1961): the time-average number waiting equals the arrival
rate times the mean wait.  The model measures the two sides independently, the first from the
queue lengths over time, the second from each resident's wait (the waits still running at the end
counted up to then), so a gap between them points at a bookkeeping error in the hall.  Neither
is better higher or lower.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.i18n import N_
from sim.kpis.kpi import KPI

if TYPE_CHECKING:
    from sim.model import CommunityModel

KPIS = [
    KPI("verify.little_L", "residents", "", "Time-average number waiting in hall queues."),
    KPI(
        "verify.little_lambda_W",
        "residents",
        "",
        "Arrival rate x mean wait; equals verify.little_L by Little's law.",
    ),
]
PER_GROUP: list[KPI] = []

#: Each KPI's name for planners (translated where it is shown).
LABELS = {
    "verify.little_L": N_("Residents waiting in the queues (time average)"),
    "verify.little_lambda_W": N_("Arrival rate times mean wait (Little's law check)"),
}
GROUP_LABELS: dict[str, str] = {}


def measure(m: CommunityModel) -> dict[str, float]:
    """This family's KPIs of a finished model."""
    hall, horizon = m.hall, m.horizon_h
    return {
        "verify.little_L": hall.area_waiting_h2 / horizon,
        "verify.little_lambda_W": (hall.total_wait_h + hall.open_wait_h()) / horizon,
    }
