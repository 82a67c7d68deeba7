"""Residents: who they are, and what they do about their needs.

The residents' state lives in columns (numpy arrays) held by the :class:`Population`, and
:class:`Residents` owns those columns and every decision taken on them.  No object per resident:
a resident is a row, which keeps one under a kilobyte and lets the model decide for thousands at
once (who is free at 19:30 on a Tuesday, who saw the notice) without stepping each of them.

How residents decide (ODD+D):

* **When and how to visit.**  A need arises; after a preparation delay the resident sets out, in
  the way that costs them least among those open to them (:mod:`sim.visit_choice`): their own free
  time, a household member's, the online channel, a day's leave, or giving up.
* **Which channel.**  A matter that can be done online, for a resident with digital access who
  knows of the channel (its news spreads week by week: :mod:`sim.neighbours`), goes online with a
  fixed preference probability (or always, when no visit is possible).
* **In the hall.**  They queue; they leave a queue that is too long (reneging) or are turned away
  at closing, and then try again another day or give up; a counter may send them back for missing
  papers; a matter that needs several departments' counters takes them from one to the next.
* **Whether to take part** in a council, hearing or activity: :mod:`sim.participation`.
* **Satisfaction and trust** follow experience by exponential smoothing: each resolved or failed
  matter, each settled or escalated dispute, each home visit is scored 0-1.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import rng as streams
from sim.calendar import SLOT_H, SLOTS_PER_DAY, horizon_mask, weekly_mask
from sim.hall import SERVED, TURNED_AWAY, Visitor
from sim.memory import GAVE_UP, ONLINE, Memory
from sim.needs import (
    ADMIN,
    ASSIST,
    ELDERLY,
    NOT_ASKED,
    PREDRAWN_VISITS,
    RESOLVED,
    U_DELAY,
    U_DEPTS,
    U_LEAVE,
    U_ONLINE,
    U_PATIENCE,
    U_PREFER,
    U_SLOT,
    U_STAGES,
    UNMET,
    V_RETRY,
    V_RETURN,
    V_SLOT,
    V_SUCCESS,
    draw_needs,
    extra_counters,
)
from sim.neighbours import Neighbourhood
from sim.parameters import GROUPS
from sim.population import make_population
from sim.visit_choice import HOUSEHOLD, Ways
from sim.visit_choice import ONLINE as ONLINE_WAY

if TYPE_CHECKING:
    from sim.model import CommunityModel

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


@dataclass(slots=True)
class Trip:
    """A need that is still open, with the need's own draws: where the resident still has to go."""

    stages: list[int]  # queues still to visit
    resident: int
    group: int
    u_leave: float
    patience_unit: float  # queue patience in units of its mean
    can_online: bool
    trips: int = 0  # trips to the centre so far
    attempts: int = 0  # queue entries so far (each uses one row of per-visit draws)
    wait_h: float = 0.0


class Residents:
    """The residents of one community and what they do about their needs.

    Owns the population's columns, every need of the run and what became of it, and the open
    trips; the service centre (:class:`sim.centre.ServiceCentre`) tells it when queues open, and
    the hall reports each visitor's exit to :meth:`left_queue`.
    """

    # Long by design: the residents' state and the optional submodels they own, built once.
    def __init__(self, model: CommunityModel, params: Mapping[str, Any]) -> None:
        self.model = model
        seed, days = model.seed, model.days
        self.population = make_population(params, streams.stream(seed, "population"))
        self.needs = draw_needs(
            self.population,
            params,
            days,
            streams.stream(seed, "needs"),
            streams.stream(seed, "visits"),
            streams.stream(seed, "latent_needs"),
        )
        self._late_rng = streams.stream(seed, "late_visits")
        needs = self.needs
        # Compact copies for the per-need hot path (numpy scalar reads cost ~100 ns each).
        self._need_t = array("d", needs.t.tobytes())
        self._need_resident = array("i", needs.resident.astype(np.int32).tobytes())
        self._service_unit = array("f", needs.service_unit.astype(np.float32).tobytes())
        self.status = np.zeros(len(needs), dtype=np.int8)
        self._next_need = 0
        self._trips: dict[int, Trip] = {}
        self._extra_counters = extra_counters(
            needs.u[:, U_STAGES],
            params["service.extra_counters_mean"],
            params["service.department_counters"] - 1,
        )
        self.free = {
            g: horizon_mask(weekly_mask(params[f"population.free_time.{g}"]), days, model.weekday0)
            for g in GROUPS
        }
        # Who is at home when full-time members call (some weekday time between 09:00 and 17:00).
        self.home_in_daytime = np.array(
            [
                any(
                    weekly_mask(params[f"population.free_time.{g}"])[
                        d * SLOTS_PER_DAY + 18 : d * SLOTS_PER_DAY + 34
                    ].any()
                    for d in range(5)
                )
                for g in GROUPS
            ],
            dtype=float,
        )
        self._groups: list[int] = self.population.group.tolist()
        self._digital: list[bool] = self.population.digital.tolist()
        self.memory = Memory(len(self.population), params) if params["residents.memory"] else None
        # Households and buildings: who runs errands for whom, who hears what from neighbours.
        pop = self.population
        self.neighbours = Neighbourhood(pop.group, pop.digital, params, streams.stream(seed, "households"))
        if self.neighbours.word_of_mouth:
            pop.neighbours = self.neighbours  # the building hears each experience
        # Who knows of the online channel on day 0, then who hears of it each week: one draw per
        # resident at the start and every week, whatever the policy, so scenarios stay paired.
        self._news_rng = streams.stream(seed, "online_news")
        u_start = self._news_rng.random(len(pop))
        self._open_days = 0  # days the channel has been open since the last week's talk
        if params["informatisation.online_services_share"] > 0:
            self.neighbours.knew_at_start(params["informatisation.online_aware_at_start"], u_start)
        self.errands = 0  # needs for which a household member went in the resident's place
        self._by_proxy: np.ndarray | None = None  # needs a household member may see to
        if self.neighbours.errands:
            # One draw per need that can be seen to (latent ones are elderly care: never errands).
            asked = ~self.needs.latent
            u = streams.stream(seed, "errands").random(int(asked.sum()))
            self._by_proxy = np.zeros(len(self.needs), dtype=bool)
            self._by_proxy[asked] = u < params["residents.errand_allowed_share"]
        self._errand_run: set[int] = set()
        self.ways = Ways(self)
        self._visits_by_day: dict[int, list[tuple[float, int, Visitor]]] = {}
        self.resolved = 0
        self.unmet = 0

    def __len__(self) -> int:
        return len(self.population)

    def __repr__(self) -> str:
        return f"Residents({len(self)}, {len(self.needs)} needs drawn, {len(self._trips)} open trips)"

    def asked(self) -> np.ndarray:
        """Which needs residents had (all but the latent requests never asked): KPIs over needs
        count these."""
        return self.status != NOT_ASKED

    # -- the day's needs --------------------------------------------------------------------
    def needs_of_the_day(self, t_end: float) -> int:
        """Every need that arises before ``t_end``: the resident decides what to do about it.
        Returns how many arose and were asked (latent requests with no station open are not)."""
        needs = self.needs
        i0 = self._next_need
        i1 = int(np.searchsorted(needs.t, t_end))
        not_asked = 0
        # Read as Python lists once: numpy scalar access is slow in a loop.
        for i, kind, t, r, u, latent in zip(
            range(i0, i1),
            needs.kind[i0:i1].tolist(),
            needs.t[i0:i1].tolist(),
            needs.resident[i0:i1].tolist(),
            needs.u[i0:i1].tolist(),
            needs.latent[i0:i1].tolist(),
            strict=True,
        ):
            if latent and not self.model.policy.elderly_care.station_open:
                self.status[i] = NOT_ASKED  # no station to draw it out: the need is never voiced
                not_asked += 1
                continue
            self._need_arises(i, kind, t, r, u)
        self._next_need = i1
        return i1 - i0 - not_asked

    def walk_in(self, day: int) -> int:
        """Residents who planned today's visit on an earlier day arrive; returns how many."""
        arrivals = self._visits_by_day.pop(day, ())
        for t, q, v in arrivals:
            self.model.hall.arrive(t, q, v)
        return len(arrivals)

    def _need_arises(self, i: int, kind: int, t: float, r: int, u: list[float]) -> None:
        m = self.model
        p = m.params
        if kind == ELDERLY:
            m.centre.elderly_care_request(i, t, u[U_DELAY])
            return
        setout = t - p["needs.visit_delay_days"] * 24.0 * math.log1p(-u[U_DELAY])
        can_online = False
        if kind == ADMIN:
            m.tally.admin_matters += 1
            can_online = (
                self._digital[r]
                and u[U_ONLINE] < p["informatisation.online_services_share"]
                and self._knows_online(r)
            )
            preference = p["needs.online_preference"]
            if self.memory is not None:
                preference = self.memory.online_preference(r, preference)
            if can_online and u[U_PREFER] < preference:
                self._go_online(i, setout)
                return
            stages = m.policy.hall.matter_stages(
                u[U_DEPTS], int(self._extra_counters[i]), m.centre.n_dept_queues
            )
        else:  # social assistance: an intake at the counter, then casework
            stages = [m.policy.hall.intake_queue(m.centre.n_dept_queues)]
        self._trips[i] = Trip(
            stages=stages,
            resident=r,
            group=self._groups[r],
            u_leave=u[U_LEAVE],
            patience_unit=-math.log1p(-u[U_PATIENCE]),
            can_online=can_online,
        )
        self._set_out(i, setout, u_slot=u[U_SLOT])

    def _draw(self, i: int, attempt: int, col: int) -> float:
        if attempt < PREDRAWN_VISITS:
            return float(self.needs.v[i, attempt, col])
        return float(self._late_rng.random())

    # -- the trip ---------------------------------------------------------------------------
    def _set_out(self, i: int, t_from: float, u_slot: float | None = None) -> None:
        """The resident sets out at ``t_from`` (or later) for the next queue of the matter, in the
        way they choose (:meth:`sim.visit_choice.Ways.choose`)."""
        trip = self._trips[i]
        if trip.trips >= self.model.params["needs.max_visits"]:
            self._give_up(i)
            return
        if u_slot is None:
            u_slot = self._draw(i, trip.attempts, V_SLOT)
        delay_h = self.memory.timing_delay_h(trip.resident) if self.memory is not None else 0.0
        way, t_visit, q = self.ways.choose(i, trip, t_from, u_slot, delay_h)
        if way == ONLINE_WAY:
            del self._trips[i]
            self._go_online(i, t_from)
            return
        if t_visit is None:
            self._give_up(i)
            return
        if way == HOUSEHOLD and i not in self._errand_run:
            self._errand_run.add(i)
            self.errands += 1
        trip.trips += 1
        self._join_queue(i, q, t_visit)

    def can_go_online(self, i: int, trip: Trip) -> bool:
        """Whether the matter can be done online today by this resident."""
        return trip.can_online or (
            self.needs.kind[i] == ADMIN
            and self._digital[trip.resident]
            and float(self.needs.u[i, U_ONLINE]) < self.model.params["informatisation.online_services_share"]
            and self._knows_online(trip.resident)
        )

    def _knows_online(self, r: int) -> bool:
        return self.neighbours.knows(r)

    def _join_queue(self, i: int, q: int, t: float) -> None:
        trip = self._trips[i]
        m = self.model
        p = m.params
        a = trip.attempts
        trip.attempts += 1
        patience = (
            trip.patience_unit * p["needs.queue_patience_min"] / 60.0 if p["needs.reneging"] else math.inf
        )
        unit = (
            self._service_unit[i * PREDRAWN_VISITS + a]
            if a < PREDRAWN_VISITS
            else float(self._late_rng.exponential())
        )
        service_h = unit * p["service.counter_service_min"] / 60.0 * m.centre.team.service_factor
        v = Visitor(need=i, arrived=t, deadline=t + patience, service_h=service_h)
        day = int(t // 24.0)
        if day < m.days:
            week_slot = ((m.weekday0 + day) % 7) * SLOTS_PER_DAY + int((t - day * 24.0) // SLOT_H)
            m.centre.counter_demand.observe(q, week_slot, service_h)
        if day == m.day:
            m.hall.arrive(t, q, v)
            m.today["visits"] += 1
        elif day < m.days:
            self._visits_by_day.setdefault(day, []).append((t, q, v))
        # else: the visit falls after the run; the need stays pending

    def left_queue(self, v: Visitor, outcome: str, t: float, q: int) -> None:
        """A resident leaves a hall queue: served, left the queue, or turned away at closing."""
        i = v.need
        trip = self._trips[i]
        m = self.model
        # Waits count everyone who queued, served or not: a resident who waited an hour and left
        # had a worse wait than one served, not none (arrivals at a closed door never queued).
        left_at = v.started if outcome == SERVED else t
        if outcome == SERVED or left_at > v.arrived:
            m.record_wait((left_at - v.arrived) * 60.0, v.arrived)
        if outcome == SERVED:
            trip.wait_h += v.started - v.arrived
            m.today["served"] += 1
            a = trip.attempts - 1
            if self._draw(i, a, V_SUCCESS) >= m.centre.team.first_visit_success:
                self._come_back(i, t, a)  # missing papers: back another day for this counter
                return
            trip.stages.pop(0)
            if not trip.stages:
                self._matter_done(i, t)
                return
            nxt = m.centre.desk_open_now(trip.stages[0], t)
            if nxt is not None:
                self._join_queue(i, nxt, t)  # on to the next counter (or the duty desk)
            else:
                self._come_back(i, t, a)
        else:
            trip.wait_h += t - v.arrived
            a = trip.attempts - 1
            retry = m.params["needs.retry_prob"]
            if self.memory is not None:
                retry = self.memory.retry_prob(trip.resident, retry)
            if self._draw(i, a, V_RETRY) >= retry:
                self._give_up(i)
            elif outcome == TURNED_AWAY:
                self._set_out(i, t)  # the door closed: back in the next window
            else:
                self._come_back(i, t, a)

    def _come_back(self, i: int, t: float, attempt: int) -> None:
        delay = (
            -self.model.params["needs.return_delay_days"]
            * 24.0
            * math.log1p(-self._draw(i, attempt, V_RETURN))
        )
        self._set_out(i, t + delay)

    def _matter_done(self, i: int, t: float) -> None:
        trip = self._trips.pop(i)
        m = self.model
        if self.needs.kind[i] == ASSIST:
            m.centre.casework(
                i, ASSIST, m.params["service.casework_hours"] * m.centre.team.casework_factor, t
            )
            return
        m.tally.matter_trips.append(trip.trips)
        if self.memory is not None:
            self.memory.counter_matter(trip.resident, trip.wait_h * 60.0, trip.trips)
        self.resolve(i, t, score=score_counter_matter(trip.wait_h * 60.0, trip.trips))

    def _go_online(self, i: int, t: float) -> None:
        m = self.model
        m.tally.online_matters += 1
        m.today["online_matters"] += 1
        r = self._need_resident[i]
        if self.memory is not None:
            self.memory.remember(r, ONLINE)
        self.neighbours.used_online(r)  # the building's talk passes the news on
        hours = m.params["service.counter_service_min"] / 60.0 * m.params["service.online_service_factor"]
        m.centre.casework(i, ADMIN, hours * m.centre.team.service_factor, t)

    # -- outcomes ---------------------------------------------------------------------------
    def resolve(self, i: int, t: float, score: float | None = None) -> None:
        """Need ``i`` is resolved at time ``t``; the resident scores the experience."""
        m = self.model
        if t >= m.horizon_h:
            return  # resolved after the run: still pending at its end
        self.status[i] = RESOLVED
        days = (t - self._need_t[i]) / 24.0
        m.tally.resolution_days.append(days)
        if score is None:
            score = score_by_delay(days)
        self.population.experience(self._need_resident[i], score)
        self.resolved += 1

    def _give_up(self, i: int) -> None:
        self._trips.pop(i, None)
        self.status[i] = UNMET
        self.unmet += 1
        r = self._need_resident[i]
        if self.memory is not None:
            self.memory.remember(r, GAVE_UP)
        self.population.experience(r, SCORE_GAVE_UP)

    def online_aware_share(self) -> float:
        """Share of residents with digital access who know of the online channel."""
        digital = self.population.digital
        if not digital.any():
            return float("nan")
        return float(self.neighbours.knows_online[digital].mean())

    # -- once a day, once a week -------------------------------------------------------------
    def day_ends(self, weekday: int) -> None:
        """The end of a day (before it is recorded): a day of the online channel's notices if it
        was open; on Sunday night, the week's talk."""
        if self.model.params["informatisation.online_services_share"] > 0:
            self._open_days += 1
        if weekday == 6:
            self.talk_to_neighbours()

    def talk_to_neighbours(self) -> None:
        """The week's talk: news of the online channel goes round (if it was open this week), and
        with word of mouth the week's experiences."""
        pop = self.population
        u = self._news_rng.random(len(pop))  # every week, whatever the policy: stays paired
        self.neighbours.talk(pop.satisfaction, pop.trust, self._open_days / 7, u)
        self._open_days = 0

    # -- free time ----------------------------------------------------------------------------
    def free_in_slot(self, slot: int) -> np.ndarray:
        """Whether each group is free in a half-hour slot of the run."""
        return np.array([self.free[g][slot] for g in GROUPS])
