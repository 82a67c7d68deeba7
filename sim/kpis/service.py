"""Service to residents: how long they wait, how many of their needs get resolved, and how.

These are the KPIs a resident feels: the time in a hall queue (all day, and in weekday office
hours, when commuters cannot come), the days from a need arising to its resolution, the shares of
needs resolved, given up or still open, trips per matter, the online and household-errand
channels, and the staff's home visits.  ``access.resolved_share.<group>`` splits the resolved
share by resident group, to show who gains from a reform.  Shares over needs count the needs
residents had: latent elderly-care requests that arose with no care station open (never asked) are
left out.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.i18n import N_
from sim.kpis.kpi import KPI, TEN_PERCENT, TWO_MINUTES, TWO_POINTS, Matters, mean_or_nan, ratio
from sim.parameters import GROUPS

if TYPE_CHECKING:
    from sim.model import CommunityModel

KPIS = [
    KPI(
        "service.queue_wait_mean_min",
        "min",
        "lower",
        "Mean time in a hall queue: until served, or until leaving the queue or being turned away at "
        "closing.",
        matters=Matters(2.0, why=TWO_MINUTES),
    ),
    KPI(
        "service.queue_wait_p95_min",
        "min",
        "lower",
        "95th percentile of the time in a hall queue.",
        matters=Matters(5.0, why="5 minutes on the longest waits (95th percentile)"),
    ),
    KPI(
        "service.daytime_wait_mean_min",
        "min",
        "lower",
        "Mean queue wait of residents arriving on weekdays 08:00-17:30.",
        matters=Matters(2.0, why=TWO_MINUTES),
    ),
    KPI(
        "service.time_to_resolution_mean_d",
        "days",
        "lower",
        "Mean days from a need arising to it being resolved (resolved needs).",
        matters=Matters(0.5, why="half a day: a matter settled a day sooner or not"),
    ),
    KPI(
        "service.resolved_share",
        "share",
        "higher",
        "Share of individual needs (matters, assistance, elderly care) resolved by the end.",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
    KPI(
        "service.unmet_share",
        "share",
        "lower",
        "Share of individual needs given up.",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
    KPI(
        "service.pending_share",
        "share",
        "",
        "Share of individual needs still open at the end.",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
    KPI(
        "service.visits_per_matter",
        "visits",
        "lower",
        "Trips to the centre per administrative matter resolved at the counter.",
        matters=Matters(0.1, why="one trip saved in ten matters"),
    ),
    KPI(
        "service.online_share",
        "share",
        "",
        "Share of administrative matters handled online.",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
    KPI(
        "service.errand_share",
        "share",
        "",
        "Share of individual needs for which a household member went to the centre in the resident's "
        "place (household errands).",
    ),
    KPI(
        "service.outreach_visits",
        "visits",
        "higher",
        "Home visits by staff to vulnerable and elderly residents.",
        matters=Matters(1.0, 0.10, TEN_PERCENT),
    ),
    KPI(
        "service.volunteer_visits",
        "visits",
        "",
        "Elderly-care requests that volunteers (the volunteer station's and the paired units') saw "
        "to at home instead of staff.",
    ),
]
PER_GROUP = [
    KPI(
        "access.resolved_share",
        "share",
        "higher",
        "Share of the group's needs resolved",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
]

#: Each KPI's name for planners (translated where it is shown).
LABELS = {
    "service.queue_wait_mean_min": N_("Mean wait in the hall queue"),
    "service.queue_wait_p95_min": N_("Long waits (95th percentile)"),
    "service.daytime_wait_mean_min": N_("Mean wait, weekday office hours"),
    "service.time_to_resolution_mean_d": N_("Days from a need to its resolution"),
    "service.resolved_share": N_("Needs resolved"),
    "service.unmet_share": N_("Needs given up"),
    "service.pending_share": N_("Needs still open at the end"),
    "service.visits_per_matter": N_("Trips to the centre per matter"),
    "service.online_share": N_("Matters done online"),
    "service.errand_share": N_("Needs seen to by a household member"),
    "service.outreach_visits": N_("Home visits to vulnerable and elderly residents"),
    "service.volunteer_visits": N_("Elderly-care visits by volunteers"),
}
GROUP_LABELS = {"access.resolved_share": N_("Needs resolved")}


def measure(m: CommunityModel) -> dict[str, float]:
    """This family's KPIs of a finished model."""
    from sim.needs import PENDING, RESOLVED, UNMET  # here, so that reading the catalogue stays light

    t = m.tally
    residents = m.residents
    asked = residents.asked()  # latent elderly-care requests never asked are no needs residents had
    status = residents.status[asked]
    waits = np.asarray(t.waits_min)
    out = {
        "service.queue_wait_mean_min": mean_or_nan(waits),
        "service.queue_wait_p95_min": float(np.percentile(waits, 95)) if len(waits) else math.nan,
        "service.daytime_wait_mean_min": mean_or_nan(t.daytime_waits_min),
        "service.time_to_resolution_mean_d": mean_or_nan(t.resolution_days),
        "service.resolved_share": float(np.mean(status == RESOLVED)) if len(status) else math.nan,
        "service.unmet_share": float(np.mean(status == UNMET)) if len(status) else math.nan,
        "service.pending_share": float(np.mean(status == PENDING)) if len(status) else math.nan,
        "service.visits_per_matter": mean_or_nan(t.matter_trips),
        "service.online_share": ratio(t.online_matters, t.admin_matters),
        "service.errand_share": ratio(residents.errands, len(status)),
        "service.outreach_visits": float(t.outreach_visits),
        "service.volunteer_visits": float(m.centre.volunteer_visits),
    }
    need_group = residents.population.group[residents.needs.resident[asked]]
    for gi, g in enumerate(GROUPS):
        mine = need_group == gi
        out[f"access.resolved_share.{g}"] = (
            float(np.mean(status[mine] == RESOLVED)) if mine.any() else math.nan
        )
    return out
