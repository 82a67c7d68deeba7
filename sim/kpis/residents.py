"""What residents think and know at the end: satisfaction, trust, and awareness of going online.

Satisfaction and trust in the committee follow each resident's experiences (and, with word of
mouth, what neighbours say); both are 0-1 scores averaged over all residents.  Awareness of the
online channel: nobody knows of a channel that has not opened; after it opens its news spreads
week by week (from a start share when it was open before day 0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.i18n import N_
from sim.kpis.kpi import KPI, SCORE_STEP, Matters

if TYPE_CHECKING:
    from sim.model import CommunityModel

KPIS = [
    KPI(
        "residents.satisfaction_mean",
        "0-1",
        "higher",
        "Mean resident satisfaction at the end.",
        matters=Matters(0.02, why=SCORE_STEP),
    ),
    KPI(
        "residents.trust_mean",
        "0-1",
        "higher",
        "Mean resident trust in the committee at the end.",
        matters=Matters(0.02, why=SCORE_STEP),
    ),
    KPI(
        "residents.online_aware_share",
        "share",
        "",
        "Share of residents with digital access who know of the online channel at the end (none "
        "before it opens; its news spreads week by week after).",
    ),
]
PER_GROUP: list[KPI] = []

#: Each KPI's name for planners (translated where it is shown).
LABELS = {
    "residents.satisfaction_mean": N_("Resident satisfaction (0-1)"),
    "residents.trust_mean": N_("Trust in the committee (0-1)"),
    "residents.online_aware_share": N_("Digital residents who know of the online channel"),
}
GROUP_LABELS: dict[str, str] = {}


def measure(m: CommunityModel) -> dict[str, float]:
    """This family's KPIs of a finished model."""
    residents = m.residents
    return {
        "residents.satisfaction_mean": float(residents.population.satisfaction.mean()),
        "residents.trust_mean": float(residents.population.trust.mean()),
        "residents.online_aware_share": residents.online_aware_share(),
    }
