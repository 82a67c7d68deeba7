"""Elderly care: how much of the elderly's need for care the community's care station meets.

A care station has a fixed number of places; requests it cannot take wait on its list.  Without a
station the share it answered is zero, not missing, so a package that opens one shows its gain.
A station also draws requests that would not be made without it (latent demand,
``elderly_care.latent_request_rate``): ``elderly_care.requests_drawn`` counts them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.i18n import N_
from sim.kpis.kpi import KPI, TEN_PERCENT, TWO_POINTS, Matters, ratio

if TYPE_CHECKING:
    from sim.model import CommunityModel

KPIS = [
    KPI(
        "elderly_care.station_share",
        "share",
        "higher",
        "Share of elderly-care requests the care station answered (0 without a station).",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
    KPI(
        "elderly_care.waiting_list_end",
        "requests",
        "lower",
        "Elderly-care requests on the care station's waiting list at the end.",
        matters=Matters(1.0, 0.10, "one request, or 10 % of the baseline's list"),
    ),
    KPI(
        "elderly_care.requests_drawn",
        "requests",
        "",
        "Elderly-care requests made only because a care station was open (latent requests asked; 0 "
        "without a station).",
        matters=Matters(1.0, 0.10, TEN_PERCENT),
    ),
]
PER_GROUP: list[KPI] = []

#: Each KPI's name for planners (translated where it is shown).
LABELS = {
    "elderly_care.station_share": N_("Elderly-care requests answered by the station"),
    "elderly_care.waiting_list_end": N_("Care station waiting list at the end"),
    "elderly_care.requests_drawn": N_("Elderly-care requests the station drew out"),
}
GROUP_LABELS: dict[str, str] = {}


def measure(m: CommunityModel) -> dict[str, float]:
    """This family's KPIs of a finished model."""
    station = m.centre.station
    needs = m.residents.needs
    return {
        "elderly_care.requests_drawn": float(np.count_nonzero(needs.latent & m.residents.asked())),
        "elderly_care.station_share": ratio(station.served, m.centre.elderly_requests),
        "elderly_care.waiting_list_end": float(len(station.waiting)),
    }
