"""Who the residents are: one row per resident in columns of numpy arrays.

Group (one of five), digital access, vulnerability, elderly living alone, civic propensity,
whether they took part this year, and satisfaction and trust, which move with every experience
by exponential smoothing (:meth:`Population.experience`).  :class:`sim.residents.Residents` owns a
population and every decision taken on it.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

from sim.needs import by_group
from sim.parameters import GROUPS

if TYPE_CHECKING:
    from sim.neighbours import Neighbourhood

SATISFACTION_START = 0.5
TRUST_START = 0.5
SATISFACTION_LEARNING = 0.3  # weight of the newest experience (assumption)
TRUST_LEARNING = 0.1  # trust moves more slowly than satisfaction (assumption)


@dataclass
class Population:
    """Columns of resident attributes; row i is resident i.

    Satisfaction and trust change one resident at a time, many thousand times a run, so they are
    kept in ``array('d')`` buffers (fast scalar updates) with zero-copy numpy views for the
    vectorised work.
    """

    group: np.ndarray  # int8 index into GROUPS
    digital: np.ndarray  # bool
    vulnerable: np.ndarray  # bool
    elderly_alone: np.ndarray  # bool
    civic: np.ndarray  # float32, propensity to take part
    took_part: np.ndarray  # bool, took part in an event this year
    neighbours: Neighbourhood | None = field(default=None, repr=False)  # hears each experience
    _sat: array = field(repr=False, default_factory=lambda: array("d"))
    _trust: array = field(repr=False, default_factory=lambda: array("d"))

    def __post_init__(self) -> None:
        n = len(self.group)
        self._sat = array("d", [SATISFACTION_START]) * n
        self._trust = array("d", [TRUST_START]) * n
        self.satisfaction = np.frombuffer(self._sat, dtype=np.float64)
        self.trust = np.frombuffer(self._trust, dtype=np.float64)

    def __len__(self) -> int:
        return len(self.group)

    def experience(self, i: int, score: float) -> None:
        """Satisfaction and trust move toward the score of an experience (exponential smoothing)."""
        s = self._sat
        s[i] += SATISFACTION_LEARNING * (score - s[i])
        t = self._trust
        t[i] += TRUST_LEARNING * (score - t[i])
        if self.neighbours is not None:
            self.neighbours.heard(i, score)

    def experience_many(self, idx: np.ndarray, score: float) -> None:
        """The same experience for distinct residents at once."""
        self.satisfaction[idx] += SATISFACTION_LEARNING * (score - self.satisfaction[idx])
        self.trust[idx] += TRUST_LEARNING * (score - self.trust[idx])
        if self.neighbours is not None:
            self.neighbours.heard_many(idx, score)

    def participation_shares(self) -> np.ndarray:
        """Share of each group (then of everyone) who took part in an event so far this year."""
        counts = np.bincount(self.group, minlength=len(GROUPS))
        took = np.bincount(self.group, weights=self.took_part, minlength=len(GROUPS))
        shares = np.divide(took, counts, out=np.full(len(GROUPS), np.nan), where=counts > 0)
        return np.append(shares, self.took_part.mean())


def make_population(params: Mapping[str, Any], rng: np.random.Generator) -> Population:
    """Draw the residents.  Group sizes are exact (largest remainder), their order random."""
    n = int(params["population.residents"])
    shares = np.array([params["population.group_shares"][g] for g in GROUPS])
    counts = _largest_remainder(shares, n)
    group = rng.permutation(np.repeat(np.arange(len(GROUPS), dtype=np.int8), counts))
    u = rng.random((n, 3))
    digital = u[:, 0] < by_group(params["population.digital_access"], group)
    vulnerable = u[:, 1] < by_group(params["population.vulnerable_share"], group)
    retiree = group == GROUPS.index("retiree")
    elderly_alone = retiree & (u[:, 2] < params["population.elderly_alone_share"])
    m = params["population.civic_propensity_mean"]
    civic = stats.beta.ppf(rng.random(n), 4 * m, 4 * (1 - m)) if 0 < m < 1 else np.full(n, m)
    return Population(
        group=group,
        digital=digital,
        vulnerable=vulnerable,
        elderly_alone=elderly_alone,
        civic=civic.astype(np.float32),
        took_part=np.zeros(n, dtype=bool),
    )


def _largest_remainder(shares: np.ndarray, n: int) -> np.ndarray:
    raw = shares / shares.sum() * n
    counts = np.floor(raw).astype(int)
    short = n - counts.sum()
    counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts
