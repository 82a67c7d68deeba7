"""Residents: who they are, what they need, when they can go, and whether they take part.

Residents are Mesa agents, but their state lives in columns (numpy arrays) held by the
:class:`Population`, and each :class:`Resident` reads and writes its own row.  This keeps a
resident under a few hundred bytes and lets the model decide for thousands of residents at once
(who is free at 19:30 on a Tuesday, who saw the notice) without stepping each of them every hour.

How residents decide (ODD+D):

* **When to visit.**  A need arises; after a preparation delay the resident sets out.  If the
  centre is open and the resident is free, they go now; otherwise they go at a random moment in
  the first hours of the first window that is both open and free for their group.  If there is
  none within their patience, they take leave from work with a probability set by their group, or
  use the online channel if there is one, or give up.
* **Which channel.**  A matter that can be done online, for a resident with digital access, goes
  online with a fixed preference probability (or always, when no visit is possible).
* **Whether to take part.**  A council, hearing or activity is announced on the notice board, by
  committee members visiting households, and, with online channels, in the community's QQ/WeChat
  groups.  A resident who got the notice and is
  free at that time takes part with a probability equal to their civic propensity scaled by trust;
  councils and hearings can also be joined online.
* **Satisfaction and trust** follow experience by exponential smoothing: each resolved or failed
  matter, each settled or escalated dispute, each home visit is scored 0-1.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
from scipy import special, stats

from sim.calendar import SLOT_H, SlotFinder
from sim.parameters import GROUPS

if TYPE_CHECKING:
    from sim.model import CommunityModel

# Kinds of individual needs (public-space problems and disputes are handled separately).
ADMIN, ASSIST, ELDERLY = 0, 1, 2
NEED_KINDS = ("admin_matter", "social_assistance", "elderly_care")
# What became of a need.
PENDING, RESOLVED, UNMET = 0, 1, 2

# Columns of the per-need draws (``Needs.u``).
U_DELAY, U_SLOT, U_ONLINE, U_PREFER, U_LEAVE, U_STAGES, U_DEPTS, U_PATIENCE = range(8)
# Columns of the per-visit draws (``Needs.v``), for the first ``PREDRAWN_VISITS`` visits.
V_SERVICE, V_SUCCESS, V_RETRY, V_RETURN, V_SLOT = range(5)
PREDRAWN_VISITS = 4

SATISFACTION_START = 0.5
TRUST_START = 0.5
SATISFACTION_LEARNING = 0.3  # weight of the newest experience (assumption)
TRUST_LEARNING = 0.1  # trust moves more slowly than satisfaction (assumption)

# How experiences are scored, 0 (worst) to 1 (best).  All assumptions: only their order matters
# to the article's claims (resolved beats slow beats given up).
SCORE_GAVE_UP = 0.0
SCORE_HOME_VISIT = 0.8
SCORE_DISPUTE_SETTLED = 0.9
SCORE_DISPUTE_ESCALATED = 0.3


def score_counter_matter(wait_min: float, trips: int) -> float:
    """A matter resolved at the counter: long waits and repeated trips take off up to 0.6."""
    return 1.0 - 0.4 * min(1.0, wait_min / 120.0) - 0.2 * min(1.0, (trips - 1) / 3)


def score_by_delay(days: float) -> float:
    """A matter resolved by casework, online or by a care station: a month's delay halves it."""
    return 1.0 - 0.5 * min(1.0, days / 30.0)


class Resident(mesa.Agent):
    """One resident: a view on row ``idx`` of the population's columns."""

    def __init__(self, model: CommunityModel, idx: int) -> None:
        super().__init__(model)
        self.idx = idx

    def __repr__(self) -> str:
        return f"Resident({self.idx}, {self.group}, satisfaction={self.satisfaction:.2f})"

    @property
    def group(self) -> str:
        return GROUPS[self.model.population.group[self.idx]]

    @property
    def digital(self) -> bool:
        return bool(self.model.population.digital[self.idx])

    @property
    def vulnerable(self) -> bool:
        return bool(self.model.population.vulnerable[self.idx])

    @property
    def elderly_alone(self) -> bool:
        return bool(self.model.population.elderly_alone[self.idx])

    @property
    def satisfaction(self) -> float:
        return float(self.model.population.satisfaction[self.idx])

    @property
    def trust(self) -> float:
        return float(self.model.population.trust[self.idx])

    def experience(self, score: float) -> None:
        self.model.population.experience(self.idx, score)


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

    def experience_many(self, idx: np.ndarray, score: float) -> None:
        """The same experience for distinct residents at once."""
        self.satisfaction[idx] += SATISFACTION_LEARNING * (score - self.satisfaction[idx])
        self.trust[idx] += TRUST_LEARNING * (score - self.trust[idx])

    def group_counts(self) -> np.ndarray:
        return np.bincount(self.group, minlength=len(GROUPS))


def make_population(params: Mapping[str, Any], rng: np.random.Generator) -> Population:
    """Draw the residents.  Group sizes are exact (largest remainder), their order random."""
    n = int(params["population.residents"])
    shares = np.array([params["population.group_shares"][g] for g in GROUPS])
    counts = _largest_remainder(shares, n)
    group = rng.permutation(np.repeat(np.arange(len(GROUPS), dtype=np.int8), counts))
    u = rng.random((n, 3))
    digital = u[:, 0] < _by_group(params["population.digital_access"], group)
    vulnerable = u[:, 1] < _by_group(params["population.vulnerable_share"], group)
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


def _by_group(table: Mapping[str, float], group: np.ndarray) -> np.ndarray:
    return np.array([table[g] for g in GROUPS])[group]


@dataclass
class Needs:
    """Every individual need of the run, drawn in bulk at the start, sorted by time.

    Each need carries its own uniform draws (``u``) and per-visit draws (``v``) so that the same
    need meets the same luck in every scenario run with the same seed.
    """

    t: np.ndarray  # hours since the start
    kind: np.ndarray  # ADMIN, ASSIST or ELDERLY
    resident: np.ndarray
    u: np.ndarray  # (n, 8) float32
    v: np.ndarray  # (n, PREDRAWN_VISITS, 5) float32
    service_unit: np.ndarray  # (n, PREDRAWN_VISITS) service time in units of the mean

    def __len__(self) -> int:
        return len(self.t)


def draw_needs(
    pop: Population,
    params: Mapping[str, Any],
    days: int,
    rng_needs: np.random.Generator,
    rng_visits: np.random.Generator,
) -> Needs:
    """Poisson arrivals of every individual need over the run, per resident and kind."""
    years = days / 365.0
    horizon_h = days * 24.0
    admin_rate = _by_group(params["needs.admin_rate"], pop.group)
    rates = [
        (ADMIN, admin_rate),
        (ASSIST, pop.vulnerable * params["needs.social_assistance_rate"]),
        (ELDERLY, pop.elderly_alone * params["needs.elderly_care_rate"]),
    ]
    ts, kinds, who = [], [], []
    for kind, rate in rates:
        counts = rng_needs.poisson(rate * years)
        residents = np.repeat(np.arange(len(pop), dtype=np.int32), counts)
        ts.append(rng_needs.uniform(0.0, horizon_h, len(residents)))
        kinds.append(np.full(len(residents), kind, dtype=np.int8))
        who.append(residents)
    t = np.concatenate(ts)
    order = np.argsort(t, kind="stable")
    n = len(t)
    u = rng_needs.random((n, 8), dtype=np.float32)
    v = rng_visits.random((n, PREDRAWN_VISITS, 5), dtype=np.float32)
    return Needs(
        t=t[order],
        kind=np.concatenate(kinds)[order],
        resident=np.concatenate(who)[order],
        u=u,
        v=v,
        service_unit=service_units(v[:, :, V_SERVICE], params),
    )


def service_units(u: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """Counter service times in units of their mean, by inversion of the uniform draws.

    Inversion keeps draws paired across scenarios: a long service stays long.
    """
    u = np.clip(u.astype(np.float64), 1e-12, 1 - 1e-7)
    if params["service.exponential_service"]:
        x = -np.log1p(-u)
    else:
        cv = params["service.service_time_cv"]
        if cv == 0:
            x = np.ones_like(u)
        else:
            sigma = np.sqrt(np.log1p(cv * cv))
            x = np.exp(-0.5 * sigma * sigma + sigma * special.ndtri(u))
    return x.astype(np.float32)


def extra_counters(u: np.ndarray, mean: float, cap: int) -> np.ndarray:
    """Further departments' counters a matter needs (Poisson by inversion, capped)."""
    cdf = stats.poisson.cdf(np.arange(max(cap, 0) + 1), mean)
    return np.minimum(np.searchsorted(cdf, u, side="right"), max(cap, 0))


def visit_time(
    t_setout: float,
    free: SlotFinder,
    leave: SlotFinder,
    u_slot: float,
    u_leave: float,
    take_leave_prob: float,
    patience_h: float,
    spread_h: float,
) -> float | None:
    """When the resident walks in, or None if no visit is possible within their patience.

    ``free`` finds windows when the queue is open and the resident's group is free; ``leave``
    finds open windows regardless of free time (for a resident who takes leave from work).
    Residents go within the first ``spread_h`` hours of a window, not anywhere in it: a hall
    that stays open late does not move the morning crowd to the evening.
    """
    limit = t_setout + patience_h
    for finder, allowed in ((free, True), (leave, u_leave < take_leave_prob)):
        if not allowed:
            continue
        window = finder.window(t_setout)
        if window is None:
            continue
        start, end = window[0] * SLOT_H, window[1] * SLOT_H
        if start <= t_setout:  # open and free right now: go now
            return t_setout
        if start > limit:
            continue
        return start + u_slot * min(end - start, spread_h)
    return None


def take_part(
    pop: Population,
    u: np.ndarray,
    free_now: np.ndarray,
    board_reach: np.ndarray,
    visit_reach: np.ndarray,
    online_notice: bool,
    online_join: bool,
    online_reach: float,
    online_factor: float,
) -> np.ndarray:
    """Who takes part in one event.  ``u`` is (n, 4) uniforms; the other arrays are by group.

    Returns a boolean mask.  The notice reaches a resident by the board, by a committee member
    knocking at the door (``visit_reach``: the share of households visited, for groups at home
    when members call) or, with online channels and digital access, through the community's
    groups; a reached resident who is free at the event's time comes with probability civic
    propensity x trust factor.  Where the event can be joined online (councils, hearings), a
    reached digital resident may take part from anywhere, with a lower propensity.
    """
    group = pop.group
    propensity = pop.civic * (2.0 * pop.trust)
    wants = u[:, 2] < propensity
    reached = (u[:, 0] < board_reach[group]) | (u[:, 3] < visit_reach[group])
    if online_notice:
        reached_online = pop.digital & (u[:, 1] < online_reach)
        reached = reached | reached_online
    took_part = reached & free_now[group] & wants
    if online_notice and online_join:
        took_part |= reached_online & (u[:, 2] < propensity * online_factor)
    return took_part
