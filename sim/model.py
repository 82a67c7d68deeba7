"""The community model: one urban community living through (or without) the Changsha reforms.

The model wires the actors together and holds the schedule; what each actor does lives in its
own module: :mod:`sim.residents` (needs, trips, taking part, learning), :mod:`sim.centre` and
:mod:`sim.staff` (the service centre, its hall and its staff), :mod:`sim.committee` (events and
mediation), :mod:`sim.departments` (tasks and burden pushed down), :mod:`sim.public_space`
(problems found and fixed) and :mod:`sim.finance` (the books).

Process overview and schedule (time in hours since midnight of day 0), as in ``docs/ODD.md``:

* :meth:`CommunityModel.start_day` (each midnight, after any timeline change): departments send
  the day's burden, the centre head plans the counters, the day's needs arise and residents choose
  a channel and a time, public-space problems appear, disputes reach the committee.
* the hall (:class:`sim.hall.Hall`) serves residents event by event through the day.
* ``Committee.hold_event`` (at each council, hearing or activity): residents take part.
* :meth:`CommunityModel.end_day` (each following midnight, first): the hall's day is run out, the
  back office works, the committee mediates, departments push today's tasks down, money moves, on
  Sundays the week is talked over in the buildings (news of the online channel, word of mouth),
  and the DataCollector records the day.
* :meth:`CommunityModel.switch_policy` (at a timeline date): reforms come into force.

Everything random is drawn from named streams (:mod:`sim.rng`) and, where possible, in bulk at the
start, so that a scenario and its counterfactual run with the same seed meet the same residents,
needs and luck.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from typing import Any

import mesa
import numpy as np
from mesa.time import Schedule
from mesa.time.events import Priority

from sim.centre import ServiceCentre
from sim.committee import Committee
from sim.departments import Departments
from sim.finance import Books
from sim.hall import Hall
from sim.kpis import DAILY, summarise
from sim.policy import Policy, build_policy
from sim.public_space import PublicSpace
from sim.residents import Residents
from sim.scenario import Scenario
from sim.scenario.resolved import merge
from sim.tally import Tally

DAYTIME = (8.0, 17.5)  # weekday hours whose waits make up service.daytime_wait_mean_min


class CommunityModel(mesa.Model):
    """One community under a scenario.  ``CommunityModel(scenario, seed=1).run()``."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        days: int | None = None,
        on_day: Callable[[CommunityModel], None] | None = None,
    ) -> None:
        super().__init__(rng=seed)
        # Called with the model at the end of each day, after the day is recorded (the app's live
        # view); it only reads, so a run with and without it gives the same numbers.
        self.on_day = on_day
        self._default_schedule.stop()  # time is in hours; we schedule our own events
        self.spec = scenario
        self.seed = int(seed)
        self.days = int(days if days is not None else scenario.days)
        self.start_date = scenario.start_date
        self.weekday0 = self.start_date.weekday()
        self.horizon_h = self.days * 24.0
        self.day = -1
        self.periods = _periods(scenario, self.days)
        self._planned: Mapping[str, Any] = self.periods[0][1]  # the scenario's, this period
        self.adjustments: dict[str, Any] = {}  # what the budget policy changed
        self.params: Mapping[str, Any] = self._planned
        self.policy: Policy = build_policy(self.params)

        self.tally = Tally()
        self.today: dict[str, float] = dict.fromkeys(DAILY, 0.0)
        self.books = Books(self)
        self.residents = Residents(self, self.params)
        self.centre = ServiceCentre(self, self.params)
        self.hall = Hall(self.centre.queue_names, self.residents.left_queue)
        self.departments = Departments(self, self.params)
        self.committee = Committee(self)
        self.public_space = PublicSpace(self)
        self._organise()
        # A DataCollector table: one row per day (model reporters would deep-copy every value).
        self.datacollector = mesa.DataCollector(tables={"daily": list(DAILY)})

        self.schedule_recurring(
            self.start_day, Schedule(interval=24.0, start=0.0, end=(self.days - 1) * 24.0), Priority.LOW
        )
        self.schedule_recurring(
            self.end_day, Schedule(interval=24.0, start=24.0, end=self.horizon_h), Priority.HIGH
        )
        for start_day_, _ in self.periods[1:]:
            self.schedule_event(self.switch_policy, at=start_day_ * 24.0, priority=Priority.DEFAULT)
        self.committee.plan_events(from_day=0)

    def __repr__(self) -> str:
        return f"CommunityModel({self.spec.name!r}, seed={self.seed}, days={self.days}, day={self.day})"

    # -- running ---------------------------------------------------------------------------
    def run(self) -> CommunityModel:
        """Run to the end of the horizon and return self (``summary()`` has the results)."""
        self.run_until(self.horizon_h)
        return self

    # -- policy in force --------------------------------------------------------------------
    def _organise(self) -> bool:
        """Staff, roster and counters, and the committee, for the policy in force; True if the
        committee changed."""
        self.centre.organise(self.params)
        return self.committee.elect(self.params)

    def switch_policy(self) -> None:
        """A timeline date: the reforms dated today come into force.  What the budget policy had
        changed stays changed, unless the new plan itself changes the same parameter."""
        day = round(self.time / 24.0)
        starts = [s for s, _ in self.periods]
        old, self._planned = self._planned, self.periods[bisect.bisect_right(starts, day) - 1][1]
        for key in [k for k in self.adjustments if self._planned[k] != old[k]]:
            del self.adjustments[key]
        self._put_in_force(day)

    def planned_params(self) -> Mapping[str, Any]:
        """The scenario's parameters for today, before the budget policy's changes."""
        return self._planned

    def periods_in_force(self) -> list[tuple[int, Mapping[str, Any]]]:
        """The parameters in force from each timeline date, as far as they are known today: the
        plan's periods, with the budget policy's changes laid over the current period and the later
        ones until a timeline step changes the same parameter (as :meth:`switch_policy` does)."""
        if not self.adjustments:
            return self.periods
        starts = [s for s, _ in self.periods]
        now = bisect.bisect_right(starts, max(self.day, 0)) - 1
        out = list(self.periods[:now])
        kept, before = dict(self.adjustments), self.periods[now][1]
        for start, p in self.periods[now:]:
            kept = {k: v for k, v in kept.items() if p[k] == before[k]}
            out.append((start, {**p, **kept}))
            before = p
        return out

    def adjust(self, changes: Mapping[str, Any]) -> None:
        """The budget policy changes parameters in force from tomorrow (staff, overtime, opening
        hours, station).  New opening hours are laid out over the rest of the run, as a district's
        roll-out's are (:meth:`change_plan`): residents who planned a visit in hours now closed find
        the door shut and, like anyone turned away at closing, set out again or give up."""
        self.adjustments.update(changes)
        if "service.opening" in changes:
            self._opening_changed(self.day + 1)
        self._put_in_force(self.day + 1)

    def change_plan(self, changes: Mapping[str, Any]) -> None:
        """A reform reaches this community from the next day on, for the rest of the run (a
        district's roll-out, :mod:`sim.district`); the budget policy's own changes to the same
        parameters give way to it.  The plan gets a period starting tomorrow, and what is laid out
        over the whole run from the plan (the hall's opening hours) is laid out again."""
        day = self.day + 1
        if day >= self.days:
            return

        def laid_over(params: Mapping[str, Any]) -> dict[str, Any]:
            return {**params, **{k: merge(params[k], v) for k, v in changes.items()}}

        starts = [s for s, _ in self.periods]
        current = self.periods[bisect.bisect_right(starts, day) - 1][1]
        later = [(s, laid_over(p)) for s, p in self.periods if s > day]
        self.periods = [(s, p) for s, p in self.periods if s < day] + [(day, laid_over(current)), *later]
        self._planned = laid_over(self._planned)
        for key in [k for k in self.adjustments if k in changes]:
            del self.adjustments[key]
        self._opening_changed(day)
        self._put_in_force(day)

    def _opening_changed(self, day: int) -> None:
        """Lay out the hall's opening hours again from ``day`` on, and tell those who read them."""
        self.centre.plan_opening(from_day=day)
        self.public_space.opening_changed()
        self.residents.ways.opening_changed()

    def _put_in_force(self, day: int) -> None:
        self.params = {**self._planned, **self.adjustments} if self.adjustments else self._planned
        self.policy = build_policy(self.params)
        weekday = (self.weekday0 + day) % 7
        self.policy.elderly_care.period_starts(self.centre, self.time, (7 - weekday) / 7)
        if self._organise():
            self.committee.plan_events(from_day=day)

    # -- the day ----------------------------------------------------------------------------
    def start_day(self) -> None:
        """Midnight: the week turns, burden arrives, counters are planned, needs arise."""
        self.day = day = round(self.time / 24.0)
        weekday = (self.weekday0 + day) % 7
        t_end = day * 24.0 + 24.0
        self.today = dict.fromkeys(DAILY, 0.0)
        self.today["participants"] = 0
        self._wait_sum_today = 0.0
        self._queued_today = 0
        if weekday == 0 and day > 0:
            self.centre.counter_demand.end_week()
        if weekday == 0 or day == 0:
            self.centre.new_week(self.params, day * 24.0)
            self.committee.new_week()
        fixed = self.departments.burden_today(day, weekday)
        self.centre.plan_the_day(day, weekday, fixed)
        self.today["needs_arisen"] = self.residents.needs_of_the_day(t_end)
        self.today["visits"] += self.residents.walk_in(day)
        self.public_space.problems_of_the_day(t_end)
        self.committee.disputes_of_the_day(t_end)

    def end_day(self) -> None:
        """The next midnight: the day's work is done and recorded."""
        day = self.day
        t_end = day * 24.0 + 24.0
        self.hall.run_until(t_end)
        self.hall.end_idle_episodes(t_end)
        self.centre.back_office_day(day)
        self.committee.mediate(day)
        self.departments.push_down(t_end)
        self.books.day(day)
        self.residents.day_ends((self.weekday0 + day) % 7)  # on Sundays, the week's talk
        self._record_day()  # before the year closes, so its last day shows the year's participation
        if (day + 1) % 365 == 0:
            self._close_participation_year()
        if day == self.days - 1:
            self._finish()
        if self.on_day is not None:
            self.on_day(self)

    def record_wait(self, wait_min: float, arrived: float) -> None:
        """A resident's time in a queue (served, left, or turned away at closing)."""
        self.tally.waits_min.append(wait_min)
        day = int(arrived // 24.0)
        hour = arrived - day * 24.0
        if (self.weekday0 + day) % 7 < 5 and DAYTIME[0] <= hour < DAYTIME[1]:
            self.tally.daytime_waits_min.append(wait_min)
        self._wait_sum_today += wait_min
        self._queued_today += 1

    # -- records ---------------------------------------------------------------------------
    def _record_day(self) -> None:
        today = self.today
        queued = self._queued_today
        pop = self.residents.population
        backoffice = self.centre.backoffice
        today["wait_mean_min"] = self._wait_sum_today / queued if queued else float("nan")
        today["admin_backlog_h"] = backoffice.admin_backlog_h()
        today["casework_backlog"] = len(backoffice.cases)
        today["resolved_total"] = self.residents.resolved
        today["unmet_total"] = self.residents.unmet
        today["participation_ytd"] = float(pop.took_part.mean())
        today["satisfaction_mean"] = float(pop.satisfaction.mean())
        today["online_aware"] = self.residents.online_aware_share()
        today["balance_yuan"] = self.books.balance
        today["public_open"] = self.public_space.still_open((self.day + 1) * 24.0)
        today["department_backlog"] = self.departments.backlog((self.day + 1) * 24.0)
        today["station_waiting"] = len(self.centre.station.waiting)
        self.tally.department_backlog_days += today["department_backlog"]
        self.datacollector.add_table_row("daily", today)
        self.tally.staff_days += len(self.centre.staff)

    def _close_participation_year(self) -> None:
        pop = self.residents.population
        self.tally.participation_years.append(pop.participation_shares())
        pop.took_part[:] = False

    def _finish(self) -> None:
        # A last part-year counts if it is at least a month long, or if it is all there is.
        if not self.tally.participation_years or self.days % 365 >= 30:
            self.tally.participation_years.append(self.residents.population.participation_shares())

    # -- results ------------------------------------------------------------------------------
    def daily(self):
        """The daily series as a pandas DataFrame, one row per day, with the date."""
        import pandas as pd

        df = self.datacollector.get_table_dataframe("daily").reset_index(drop=True)
        df.insert(0, "day", np.arange(len(df)))
        df.insert(1, "date", pd.date_range(self.start_date, periods=len(df), freq="D").date)
        return df

    def summary(self) -> dict[str, float]:
        """The end-of-run KPIs (see :mod:`sim.kpis`)."""
        return summarise(self)


def _periods(scenario: Scenario, days: int) -> list[tuple[int, Mapping[str, Any]]]:
    """The policy in force from each timeline date (day 0 first)."""
    out = [(0, scenario.params_on_day(0))]
    for step_day in sorted({s.day for s in scenario.timeline if 0 < s.day < days}):
        out.append((step_day, scenario.params_on_day(step_day)))
    return out
