"""Self-governance: residents taking part, and disputes and problems settled in the community.

The reforms meant the community to run more of its own affairs: councils, hearings and activities
that residents take part in, disputes settled by the committee's mediation, public-space problems
fixed without a department.  Participation is counted per 365-day year of the run (the share of
residents who took part at least once; a last part-year counts if it is a month long) and
averaged over the years; ``governance.participation_rate.<group>`` splits it by resident group.
``governance.events_in_paired_venues`` counts the events held in a hall that a part-time member's
unit lent (the units' help beside money and fixes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.i18n import N_
from sim.kpis.kpi import KPI, TEN_PERCENT, TWO_POINTS, Matters, ratio
from sim.parameters import GROUPS

if TYPE_CHECKING:
    from sim.model import CommunityModel

KPIS = [
    KPI(
        "governance.participation_rate",
        "share",
        "higher",
        "Share of residents who took part in at least one council, hearing or activity in a year.",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
    KPI(
        "governance.resolved_locally_share",
        "share",
        "higher",
        "Share of disputes and public-space problems settled by the community itself.",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
    KPI(
        "governance.disputes_settled_share",
        "share",
        "higher",
        "Share of disputes settled by mediation in the community.",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
    KPI(
        "governance.events_in_paired_venues",
        "events",
        "",
        "Councils, hearings and activities held in a part-time member's unit's hall (the units' "
        "yearly budget of events; each costs the community less by the venue's share).",
        matters=Matters(1.0, 0.10, TEN_PERCENT),
    ),
]
PER_GROUP = [
    KPI(
        "governance.participation_rate",
        "share",
        "higher",
        "Share of the group taking part in a year",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
]

#: Each KPI's name for planners (translated where it is shown).
LABELS = {
    "governance.participation_rate": N_("Residents taking part in a year"),
    "governance.resolved_locally_share": N_("Disputes and problems settled in the community"),
    "governance.disputes_settled_share": N_("Disputes settled by mediation"),
    "governance.events_in_paired_venues": N_("Events in paired units' halls"),
}
GROUP_LABELS = {"governance.participation_rate": N_("Residents taking part in a year")}


def measure(m: CommunityModel) -> dict[str, float]:
    """This family's KPIs of a finished model."""
    t = m.tally
    committee, public = m.committee, m.public_space
    # One row per year: the share of each group, then of everyone, who took part.
    years = (
        np.array(t.participation_years) if t.participation_years else np.full((1, len(GROUPS) + 1), np.nan)
    )
    out = {
        "governance.participation_rate": float(np.nanmean(years[:, -1])),
        "governance.resolved_locally_share": ratio(
            committee.disputes_settled + public.fixed_locally, committee.disputes_closed + public.total
        ),
        "governance.disputes_settled_share": ratio(committee.disputes_settled, committee.disputes_closed),
        "governance.events_in_paired_venues": float(committee.unit_venues.total),
    }
    for gi, g in enumerate(GROUPS):
        out[f"governance.participation_rate.{g}"] = float(np.nanmean(years[:, gi]))
    return out
