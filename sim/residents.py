"""Residents: who they are, and what they do about their needs.

The residents' state lives in columns (numpy arrays) held by the :class:`Population`, and
:class:`Residents` owns those columns and every decision taken on them.  No object per resident:
a resident is a row, which keeps one under a kilobyte and lets the model decide for thousands at
once (who is free at 19:30 on a Tuesday, who saw the notice) without stepping each of them.

How residents decide (ODD+D):

* **When to visit.**  A need arises; after a preparation delay the resident sets out.  If the
  centre is open and the resident is free, they go now; otherwise they go at a random moment in
  the first hours of the first window that is both open and free for their group.  If there is
  none within their patience, they take leave from work with a probability set by their group, or
  use the online channel if there is one, or give up.
* **Which channel.**  A matter that can be done online, for a resident with digital access, goes
  online with a fixed preference probability (or always, when no visit is possible).
* **In the hall.**  They queue; they leave a queue that is too long (reneging) or are turned away
  at closing, and then try again another day or give up; a counter may send them back for missing
  papers; a matter that needs several departments' counters takes them from one to the next.
* **Whether to take part.**  A council, hearing or activity is announced on the notice board, by
  committee members visiting households, and, with online channels, in the community's QQ/WeChat
  groups.  A resident who got the notice and is free at that time takes part with a probability
  equal to their civic propensity scaled by trust; councils and hearings can also be joined online.
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
from sim.calendar import SLOT_H, SLOTS_PER_DAY, SlotFinder, horizon_mask, weekly_mask
from sim.hall import SERVED, TURNED_AWAY, Visitor
from sim.memory import GAVE_UP, ONLINE, Memory
from sim.needs import (
    ADMIN,
    ASSIST,
    ELDERLY,
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
from sim.population import Population, make_population

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


def visit_time(
    t_setout: float,
    free: SlotFinder,
    leave: SlotFinder,
    u_slot: float,
    u_leave: float,
    take_leave_prob: float,
    patience_h: float,
    spread_h: float,
    delay_h: float = 0.0,
) -> float | None:
    """When the resident walks in, or None if no visit is possible within their patience.

    ``free`` finds windows when the queue is open and the resident's group is free; ``leave``
    finds open windows regardless of free time (for a resident who takes leave from work).
    Residents go within the first ``spread_h`` hours of a window, not anywhere in it: a hall
    that stays open late does not move the morning crowd to the evening.  A resident who
    remembers a long wait goes ``delay_h`` later into the window (no later than its end).
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
        if delay_h:
            shift = min(delay_h, end - start - SLOT_H)
            return start + shift + u_slot * min(end - start - shift, spread_h)
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
    head_reach: np.ndarray | None = None,
) -> np.ndarray:
    """Who takes part in one event.  ``u`` is (n, 4) uniforms; the other arrays are by group.

    Returns a boolean mask.  The notice reaches a resident by the board, by a committee member
    knocking at the door (``visit_reach``: the share of households visited, for groups at home
    when members call) or, with online channels and digital access, through the community's
    groups, or, where ``head_reach`` is given, through an active building head; a reached resident
    who is free at the event's time comes with probability civic
    propensity x trust factor.  Where the event can be joined online (councils, hearings), a
    reached digital resident may take part from anywhere, with a lower propensity.
    """
    group = pop.group
    propensity = pop.civic * (2.0 * pop.trust)
    wants = u[:, 2] < propensity
    reached = (u[:, 0] < board_reach[group]) | (u[:, 3] < visit_reach[group])
    if head_reach is not None:
        reached |= head_reach  # the building head passes the notice on to the whole building
    if online_notice:
        reached_online = pop.digital & (u[:, 1] < online_reach)
        reached = reached | reached_online
    took_part = reached & free_now[group] & wants
    if online_notice and online_join:
        took_part |= reached_online & (u[:, 2] < propensity * online_factor)
    return took_part


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
            self.population, params, days, streams.stream(seed, "needs"), streams.stream(seed, "visits")
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
        self.neighbours: Neighbourhood | None = None
        if (
            params["residents.household_errands"]
            or params["residents.word_of_mouth"]
            or params["residents.building_head_share"] > 0
        ):
            pop = self.population
            self.neighbours = Neighbourhood(
                pop.group, pop.digital, params, streams.stream(seed, "households")
            )
            if self.neighbours.word_of_mouth:
                pop.neighbours = self.neighbours
                self._talk_rng = streams.stream(seed, "word_of_mouth")
        self.errands = 0  # needs for which a household member went in the resident's place
        self._by_proxy: np.ndarray | None = None  # needs a household member may see to
        if self.neighbours is not None and self.neighbours.errands:
            u = streams.stream(seed, "errands").random(len(self.needs))
            self._by_proxy = u < params["residents.errand_allowed_share"]
        self._errand_run: set[int] = set()
        self._finders: list[list[SlotFinder | None]] | None = None
        self._visits_by_day: dict[int, list[tuple[float, int, Visitor]]] = {}
        self.resolved = 0
        self.unmet = 0

    def __len__(self) -> int:
        return len(self.population)

    def __repr__(self) -> str:
        return f"Residents({len(self)}, {len(self.needs)} needs, {len(self._trips)} open trips)"

    # -- the day's needs --------------------------------------------------------------------
    def needs_of_the_day(self, t_end: float) -> int:
        """Every need that arises before ``t_end``: the resident decides what to do about it.
        Returns how many arose."""
        needs = self.needs
        i0 = self._next_need
        i1 = int(np.searchsorted(needs.t, t_end))
        # Read as Python lists once: numpy scalar access is slow in a loop.
        for i, kind, t, r, u in zip(
            range(i0, i1),
            needs.kind[i0:i1].tolist(),
            needs.t[i0:i1].tolist(),
            needs.resident[i0:i1].tolist(),
            needs.u[i0:i1].tolist(),
            strict=True,
        ):
            self._need_arises(i, kind, t, r, u)
        self._next_need = i1
        return i1 - i0

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
    def _finder(self, group: int, queue: int) -> SlotFinder:
        """Window finder for a group (or -1: anyone taking leave) at a queue, built on first use."""
        centre = self.model.centre
        if self._finders is None:
            n_queues = centre.queue_open.shape[0]
            self._finders = [[None] * n_queues for _ in range(len(GROUPS) + 1)]
        f = self._finders[group + 1][queue]
        if f is None:
            both = centre.queue_open[queue]
            if group >= 0:
                both = both & self.free[GROUPS[group]]
            f = self._finders[group + 1][queue] = SlotFinder(both)
        return f

    def _set_out(self, i: int, t_from: float, u_slot: float | None = None) -> None:
        """The resident sets out at ``t_from`` (or later) for the next queue of the matter."""
        trip = self._trips[i]
        m = self.model
        p = m.params
        if trip.trips >= p["needs.max_visits"]:
            self._give_up(i)
            return
        g = trip.group
        if u_slot is None:
            u_slot = self._draw(i, trip.attempts, V_SLOT)
        # The next department's desk, or the duty desk in the evening or at the weekend if that
        # comes first (before one-stop service; with it, there is only the hall).
        delay_h = self.memory.timing_delay_h(trip.resident) if self.memory is not None else 0.0
        t_visit, q = self._first_visit(trip, g, t_from, u_slot, delay_h)
        if t_visit is None and self._by_proxy is not None and self._by_proxy[i]:
            # Someone in the household with freer days goes instead.
            other = int(self.neighbours.errand_group[trip.resident])
            if other >= 0:
                t_visit, q = self._first_visit(trip, other, t_from, u_slot, 0.0)
                if t_visit is not None and i not in self._errand_run:
                    self._errand_run.add(i)
                    self.errands += 1
        if t_visit is None:
            # Online as a last resort, if this matter can be done online today.
            if trip.can_online or (
                self.needs.kind[i] == ADMIN
                and self._digital[trip.resident]
                and float(self.needs.u[i, U_ONLINE]) < p["informatisation.online_services_share"]
                and self._knows_online(trip.resident)
            ):
                del self._trips[i]
                self._go_online(i, t_from)
            else:
                self._give_up(i)
            return
        trip.trips += 1
        self._join_queue(i, q, t_visit)

    def _first_visit(
        self, trip: Trip, g: int, t_from: float, u_slot: float, delay_h: float
    ) -> tuple[float | None, int]:
        """The first visit a member of group ``g`` can make for the trip's next step: at that
        department's desk, or the duty desk in the evening or at the weekend if that comes first
        (before one-stop service; with it, there is only the hall)."""
        p = self.model.params
        one_stop_queue = self.model.centre.one_stop_queue
        t_visit, q = None, trip.stages[0]
        for desk in (q,) if q == one_stop_queue else (q, one_stop_queue):
            t = visit_time(
                t_from,
                self._finder(g, desk),
                self._finder(-1, desk),
                u_slot,
                trip.u_leave,
                p["needs.take_leave_prob"][GROUPS[g]],
                p["needs.patience_days"] * 24.0,
                p["needs.visit_spread_h"],
                delay_h,
            )
            if t is not None and (t_visit is None or t < t_visit):
                t_visit, q = t, desk
        return t_visit, q

    def _knows_online(self, r: int) -> bool:
        return self.neighbours is None or self.neighbours.knows(r)

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
        if self.neighbours is not None and self.neighbours.word_of_mouth:
            self.neighbours.used_online(r)
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
        if self.neighbours is None:
            return 1.0
        return float(self.neighbours.knows_online[digital].mean())

    # -- once a week ------------------------------------------------------------------------
    def talk_to_neighbours(self) -> None:
        """Word of mouth: the week's experiences and news of the online channel go round."""
        hood = self.neighbours
        if hood is None or not hood.word_of_mouth:
            return
        pop = self.population
        u = self._talk_rng.random(len(pop))  # every week, whatever the policy: stays paired
        online_open = self.model.params["informatisation.online_services_share"] > 0
        hood.talk(pop.satisfaction, pop.trust, online_open, u)

    # -- free time ----------------------------------------------------------------------------
    def free_in_slot(self, slot: int) -> np.ndarray:
        """Whether each group is free in a half-hour slot of the run."""
        return np.array([self.free[g][slot] for g in GROUPS])
