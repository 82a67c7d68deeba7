"""Running a district: communities in parallel between monthly coupling points, the district
settling money, department capacity, evaluation and roll-out at each point.

The coordinator keeps only what it settles with (one small report per community and point) and
each community's end-of-run KPIs; the daily series stay in the workers unless asked for.  Every
decision is a function of the reports in community order (:mod:`sim.district.coupling`), and
each community's seed is its own (:func:`~sim.district.shard.community_seed`), so one worker,
two workers and a Dask cluster give the same numbers, bit for bit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from sim.district import coupling
from sim.district.coupling import Report
from sim.district.results import DistrictResult, community_table
from sim.district.scenario import DistrictScenario
from sim.district.shard import LocalShard, Shard, Terms

#: Called with (coupling points done, coupling points in all) after each point.
Progress = Callable[[int, int], None]


def coupling_days(start: dt.date, days: int) -> list[int]:
    """The run's coupling points: the first day of each calendar month after the start, and the
    end of the run (days counted from the start)."""
    out = []
    d = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    while (d - start).days < days:
        out.append((d - start).days)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return [*out, days]


def partition(sizes: Sequence[int], parts: int) -> list[list[int]]:
    """Communities into ``parts`` shards of about equal residents (largest first to the lightest
    shard); each shard lists its communities in index order."""
    load = [0] * parts
    out: list[list[int]] = [[] for _ in range(parts)]
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        k = min(range(parts), key=lambda k: (load[k], k))
        out[k].append(i)
        load[k] += sizes[i]
    return [sorted(p) for p in out if p]


class _Coupler:
    """The district's state between coupling points, and what it settles at each."""

    def __init__(self, district: DistrictScenario, seed: int) -> None:
        self.d = district
        s = district.settings
        members = district.members
        self.n = len(members)
        self.departments = int(members[0].scenario.params["departments.count"])
        self.residents = np.array([m.residents for m in members], dtype=float)
        self.need = np.zeros(self.n)
        self.budget = district.budget_yuan_year()
        self.capacity = district.department_cases_per_week()
        self.scores: np.ndarray | None = None
        self.demonstration = np.zeros(self.n, dtype=bool)
        self.pilot = np.zeros(self.n, dtype=bool)
        self.reformed = np.zeros(self.n, dtype=bool)
        self.received = np.zeros(self.n)
        self.rng = np.random.default_rng(np.random.SeedSequence([int(seed), 4242]))
        self.allocation = coupling.allocate(
            s["allocation"], self.budget, self.residents, self.residents, np.zeros(self.n), None,
            self.demonstration, s["demonstration_bonus_yuan"],
        )  # fmt: skip
        # The first month the departments are taken to be clear: no backlog, no queue.
        self.waits_h = np.zeros(self.departments)
        self.backlog = np.zeros(self.departments)
        self.monthly: list[dict[str, float]] = []

    def terms(self, month: int) -> dict[int, Terms]:
        """Each community's terms for the period starting after ``month`` coupling points."""
        s = self.d.settings
        start = np.zeros(self.n, dtype=bool)
        if s["rollout.reform"]:
            if month == s["rollout.pilot_month"] and not self.pilot.any():
                self.pilot = self._pilots()
                start = self.pilot & ~self.reformed
            if s["rollout.everyone_month"] and month == s["rollout.everyone_month"]:
                start = ~self.reformed
            self.reformed |= start
        return {i: Terms(float(self.allocation[i]), self.waits_h, bool(start[i])) for i in range(self.n)}

    def _pilots(self) -> np.ndarray:
        s = self.d.settings
        scores = self.scores if self.scores is not None else np.zeros(self.n)
        return coupling.choose_pilots(
            s["rollout.rule"], s["rollout.pilots"], scores, self.need / self.residents, self.rng
        )

    def settle(self, month: int, reports: list[Report], weeks: float) -> None:
        """A coupling point: money received, evaluation, the next period's money and capacity."""
        s = self.d.settings
        paid = self.allocation * weeks * 7.0 / 365.0  # this month's money, under last month's terms
        self.received += paid
        self.need = np.array([r.need for r in reports])
        latest = np.array([coupling.score(r) for r in reports])
        if self.scores is None and s["rollout.rule"] == "best_evaluated":
            self.scores = latest  # pilots chosen on the results so far
        if month % s["evaluation_months"] == 0:
            self.scores = latest
            self.demonstration = coupling.demonstrations(latest, s["demonstration_share"])
        tasks = np.array([r.tasks_accepted for r in reports], dtype=float)
        self.allocation = coupling.allocate(
            s["allocation"], self.budget, self.residents, self.need, tasks, self.scores,
            self.demonstration, s["demonstration_bonus_yuan"],
        )  # fmt: skip
        escalated = np.stack([r.escalated for r in reports]).sum(axis=0)
        waiting = np.stack([r.waiting for r in reports]).sum(axis=0)
        back = np.stack([r.turned_back for r in reports]).sum(axis=0)
        arrivals = escalated + np.stack([r.turned_back * r.turned_back_cases for r in reports]).sum(axis=0)
        self.waits_h, self.backlog, utilisation = coupling.department_waits(
            self.capacity, arrivals, self.backlog, weeks
        )
        self.monthly.append(
            {
                "month": month,
                "department_backlog": float(waiting.sum()),
                "cases": float(escalated.sum()),
                "turned_back": float(back.sum()),
                "department_utilisation": float(utilisation.mean()),
                "department_wait_h": float(self.waits_h.mean()),
                "demonstrations": float(self.demonstration.sum()),
                "pilots": float(self.pilot.sum()),
                "reformed": float(self.reformed.sum()),
                "allocated_yuan": float(paid.sum()),
            }
        )


# Long by design: the coordinator's loop reads best as one piece: start shards, couple, finish.
def run_district(
    district: DistrictScenario,
    seed: int = 1,
    days: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    daily: bool = False,
    progress: Progress | None = None,
) -> DistrictResult:
    """Run a district for ``days`` (default: the base scenario's) with ``seed``.

    ``workers`` local processes (1: in this process) or the Dask cluster at ``scheduler`` hold the
    communities, one shard per worker (on a cluster: one per Dask worker unless ``workers`` is more
    than 1); the numbers are the same either way.
    """
    days = int(days if days is not None else district.days)
    members = district.members
    points = coupling_days(district.start_date, days)
    coupler = _Coupler(district, seed)
    client = _client(scheduler) if scheduler else None
    names = sorted(client.scheduler_info()["workers"]) if client is not None else []
    n_shards = workers if workers > 1 or client is None else max(1, len(names))
    parts = partition([m.residents for m in members], n_shards)
    try:
        shards = _start(district, parts, seed, days, daily, workers, client, names)
    except BaseException:
        if client is not None:
            client.close()
        raise
    try:
        prev = 0
        for month, day in enumerate(points, start=1):
            terms = coupler.terms(month - 1)
            reports: list[Report] = []
            for shard, part in zip(shards, parts, strict=True):
                shard.call("advance", day, {i: terms[i] for i in part})
            for shard in shards:
                reports.extend(shard.result())
            reports.sort(key=lambda r: r.index)
            coupler.settle(month, reports, (day - prev) / 7.0)
            coupler.monthly[-1]["day"] = day
            prev = day
            if progress is not None:
                progress(month, len(points))
        finished: list[tuple[int, dict[str, float], Any]] = []
        for shard in shards:
            shard.call("finish")
        for shard in shards:
            finished.extend(shard.result())
    finally:
        for shard in shards:
            shard.close()
        if client is not None:
            client.close()
    finished.sort(key=lambda x: x[0])
    table = community_table(
        district,
        [k for _, k, _ in finished],
        coupler.received,
        coupler.scores,
        coupler.demonstration,
        coupler.pilot,
    )
    return DistrictResult(
        district=district.name,
        seed=int(seed),
        days=days,
        communities=table,
        monthly=coupler.monthly,
        daily={i: df for i, _, df in finished} if daily else None,
        scenario_hash=district.content_hash(),
    )


class _InProcess:
    """A shard in the coordinator's own process, with the same call/result interface."""

    def __init__(self, args: tuple) -> None:
        self.shard = Shard(*args)
        self._pending: Any = None

    def call(self, method: str, *args: Any) -> None:
        self._pending = getattr(self.shard, method)(*args)

    def result(self) -> Any:
        return self._pending

    def close(self) -> None:
        pass


class _DaskShard:
    """A shard as a Dask actor on a worker of the cluster (``future``: the actor being made)."""

    def __init__(self, future: Any) -> None:
        self._making = future
        self.actor: Any = None
        self._future: Any = None

    def ready(self) -> None:
        self.actor = self._making.result()

    def call(self, method: str, *args: Any) -> None:
        self._future = getattr(self.actor, method)(*args)

    def result(self) -> Any:
        return self._future.result()

    def close(self) -> None:
        self.actor = None


def _client(scheduler: str) -> Any:
    from distributed import Client

    return Client(scheduler, set_as_default=False)


def _start(
    district: DistrictScenario,
    parts: list[list[int]],
    seed: int,
    days: int,
    daily: bool,
    workers: int,
    client: Any,
    names: list[str],
) -> list[Any]:
    args = [(district, p, seed, days, daily) for p in parts]
    if client is not None:
        # The actor's proxy sends its calls through the client current when it is made: this
        # client, not a process-wide default (there may be none).  Not pure: two runs of the same
        # district and seed must not share one actor.  Every shard is submitted before any is
        # waited for, so the workers build their communities at the same time.
        with client.as_current():
            shards = [
                _DaskShard(
                    client.submit(
                        Shard, *a, actor=True, pure=False, workers=names[k % len(names)] if names else None
                    )
                )
                for k, a in enumerate(args)
            ]
            for s in shards:
                s.ready()
        return shards
    if workers <= 1:
        return [_InProcess(a) for a in args]
    from sim.executors.worker_pool import mp_context

    ctx = mp_context()
    started: list[Any] = []
    try:
        for a in args:
            started.append(LocalShard(ctx, a))
        for s in started:
            s.ready()
    except BaseException:
        for s in started:
            s.close()
        raise
    return started
