"""Households and building neighbours: residents who act for and talk to one another (ODD+D:
interaction and sensing).

Residents live in households, households in buildings (drawn at the start from the stream
``households``, so every scenario with the same seed has the same households and buildings).

* **Errands for one another** (``residents.household_errands``): a resident who finds no time
  when the centre is open and they are free (and does not take leave) asks a household member
  whose days are freer - a retired parent, someone not working - to go in their place.
* **News of the online channel** (always, while online services exist): once a week a resident
  with digital access who does not yet know of the channel learns of it by the centre's own
  notices (chance ``residents.online_discovery_per_week``) or from each neighbour in the building
  who used it that week (chance ``residents.tell_prob`` each); only residents who know of the
  channel use it.  A channel already open on day 0 has been open for a while: a share
  ``informatisation.online_aware_at_start`` of the residents with digital access know of it then.
  A channel that opens during the run opens that day, known to nobody yet.
* **Word of mouth** (``residents.word_of_mouth``, off by default): once a week, what the residents
  of a building experienced that week (resolved, waited, gave up, were visited) is talked over:
  every resident of the building moves their satisfaction a share
  ``residents.word_of_mouth_weight`` toward the week's mean experience there, and their trust a
  third as far.
* **Building heads** (``residents.building_head_share``): a share of buildings have an active
  building head (楼栋长) or volunteer who passes every notice of a council, hearing or activity on
  to the whole building.

Every number here is an assumption (see docs/parameters.md); the article names the institutions
(volunteer teams, residents' self-management) but gives no rates.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.parameters import GROUPS

#: Trust moves this much for each unit satisfaction moves (own experience: 0.1 against 0.3).
TRUST_PER_SATISFACTION = 1 / 3
#: Who is best placed to run an errand in office hours, best first.
ERRAND_ORDER = ("retiree", "not_working", "local_worker", "commuter", "migrant")


class Neighbourhood:
    """Households, buildings and what passes between their residents."""

    def __init__(
        self, group: np.ndarray, digital: np.ndarray, params: Mapping[str, Any], rng: np.random.Generator
    ) -> None:
        n = len(group)
        # Households: consecutive runs of a random order, sizes 1 + Poisson(mean size - 1).
        # Migrants (the floating population) live with other migrants, not with local families,
        # so their runs come first; everyone else is mixed (a commuter may live with a retired
        # parent).
        migrant = group == GROUPS.index("migrant")
        order = np.concatenate(
            [rng.permutation(np.flatnonzero(migrant)), rng.permutation(np.flatnonzero(~migrant))]
        )
        sizes = 1 + rng.poisson(max(params["population.household_size"] - 1.0, 0.0), n)
        ends = np.minimum(np.cumsum(sizes), n)
        ends = ends[: int(np.searchsorted(ends, n)) + 1]
        household_of_slot = np.searchsorted(ends, np.arange(n), side="right")
        self.household = np.empty(n, dtype=np.int32)
        self.household[order] = household_of_slot
        n_households = int(self.household.max()) + 1
        per_building = int(params["residents.households_per_building"])
        self.building = (self.household // per_building).astype(np.int32)
        n_buildings = int(self.building.max()) + 1
        self.n_households, self.n_buildings = n_households, n_buildings
        self.head_active = rng.random(n_buildings) < params["residents.building_head_share"]
        self.errand_group = _errand_groups(group, self.household, n_households)
        self.errands = bool(params["residents.household_errands"])
        self.word_of_mouth = bool(params["residents.word_of_mouth"])  # opinions move with the talk
        self.weight = float(params["residents.word_of_mouth_weight"])
        self.discovery = float(params["residents.online_discovery_per_week"])
        self.tell = float(params["residents.tell_prob"])
        # Who knows of the online channel: nobody yet (see knew_at_start and talk).
        self.knows_online = np.zeros(n, dtype=bool)
        self._knows = self.knows_online.data  # fast scalar reads of the same buffer
        self._digital = digital
        self._building = array("i", self.building.tobytes())
        self._score_sum = array("d", bytes(8 * n_buildings))
        self._score_n = array("i", bytes(4 * n_buildings))
        self._online_n = array("i", bytes(4 * n_buildings))

    def __repr__(self) -> str:
        return (
            f"Neighbourhood({self.n_households} households in {self.n_buildings} buildings, "
            f"{int(self.head_active.sum())} active building heads)"
        )

    # -- what happens to a resident, heard by the building ------------------------------------
    def heard(self, resident: int, score: float) -> None:
        b = self._building[resident]
        self._score_sum[b] += score
        self._score_n[b] += 1

    def heard_many(self, residents: np.ndarray, score: float) -> None:
        counts = np.bincount(self.building[residents], minlength=self.n_buildings)
        for b in np.flatnonzero(counts).tolist():
            self._score_sum[b] += score * int(counts[b])
            self._score_n[b] += int(counts[b])

    def used_online(self, resident: int) -> None:
        self._online_n[self._building[resident]] += 1

    def knows(self, resident: int) -> bool:
        return self._knows[resident]

    def knew_at_start(self, share: float, u: np.ndarray) -> None:
        """Day 0 of a run whose online channel is already open: each resident with digital access
        knows of it with chance ``share`` (``u``: one uniform draw per resident)."""
        self.knows_online |= self._digital & (u < share)

    # -- once a week --------------------------------------------------------------------------
    def talk(self, satisfaction: np.ndarray, trust: np.ndarray, open_weeks: float, u: np.ndarray) -> None:
        """The week's talk in every building: news of the online channel, if it was open this week
        (for ``open_weeks`` of it: the centre's notices reach a resident in proportion), and with
        word of mouth the week's experiences.

        ``u`` holds one uniform draw per resident (drawn every week whatever the policy, so that
        scenarios stay paired)."""
        n_buildings = self.n_buildings
        if self.word_of_mouth:
            told = np.frombuffer(self._score_n, dtype=np.int32)
            sums = np.frombuffer(self._score_sum, dtype=np.float64)
            mean = np.divide(sums, told, out=np.zeros(n_buildings), where=told > 0)
            news = told[self.building] > 0
            w = self.weight
            heard = mean[self.building][news]
            satisfaction[news] += w * (heard - satisfaction[news])
            # Trust moves more slowly than satisfaction, as with one's own experience.
            trust[news] += w * TRUST_PER_SATISFACTION * (heard - trust[news])
        if open_weeks > 0:
            users = np.frombuffer(self._online_n, dtype=np.int32)  # per building
            stay_unaware = (1.0 - self.discovery) ** open_weeks * (1.0 - self.tell) ** users
            self.knows_online |= self._digital & (u >= stay_unaware[self.building])
        self._score_sum[:] = array("d", bytes(8 * n_buildings))
        self._score_n[:] = array("i", bytes(4 * n_buildings))
        self._online_n[:] = array("i", bytes(4 * n_buildings))

    def notice_by_head(self) -> np.ndarray:
        """Residents whose building head passes notices on."""
        return self.head_active[self.building]


def _errand_groups(group: np.ndarray, household: np.ndarray, n_households: int) -> np.ndarray:
    """For each resident, the group of the household member best placed to run an errand in
    office hours, if that member is better placed than the resident (else -1)."""
    rank_of_group = np.array([ERRAND_ORDER.index(g) for g in GROUPS])
    rank = rank_of_group[group]
    best = np.full(n_households, len(ERRAND_ORDER))
    np.minimum.at(best, household, rank)
    best_rank = best[household]
    best_group = np.array([GROUPS.index(g) for g in ERRAND_ORDER] + [-1])[best_rank]
    return np.where(best_rank < rank, best_group, -1).astype(np.int8)
