"""A shard: some of a district's communities, kept alive in one process between coupling points.

The communities of a district run in parallel between coupling points, so each worker keeps its
communities' models in memory for the whole run and only small reports cross between processes:
at each point the coordinator sends each community its terms (money, department capacity, a
roll-out) and gets its :class:`~sim.district.coupling.Report` back.  The same :class:`Shard` runs
in the coordinator's process (one worker), in a local worker process (:class:`LocalShard`, over a
pipe) or as a Dask actor, so the numbers cannot depend on where a community ran.
"""

from __future__ import annotations

import gc
import os
import warnings
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from sim.district.coupling import Report


@dataclass(frozen=True)
class Terms:
    """What the district tells one community at a coupling point."""

    fiscal_yuan_year: float
    department_waits_h: np.ndarray  # how long a case waits at each department this month
    reform: bool = False  # the roll-out reaches this community now


def community_seed(seed: int, index: int) -> int:
    """Community ``index``'s seed in the district run with ``seed``: the same community meets the
    same luck under every package (common random numbers per community)."""
    state = np.random.SeedSequence([int(seed), 90_210, int(index)]).generate_state(1, np.uint32)
    return int(state[0])


class Shard:
    """Some communities of a district, each a :class:`~sim.model.CommunityModel` kept running."""

    def __init__(
        self, district: Any, indices: Sequence[int], seed: int, days: int, daily: bool = False
    ) -> None:
        from sim.model import CommunityModel

        members = district.members
        self.rollout = dict(district.rollout_changes)
        self.daily = daily
        self.models = {
            i: CommunityModel(members[i].scenario, seed=community_seed(seed, i), days=days) for i in indices
        }
        self._last = {i: (np.zeros(len(m.departments), np.int64),) * 2 for i, m in self.models.items()}
        self._need = {i: _need(m) for i, m in self.models.items()}
        # Hundreds of live models are millions of objects that Python's cycle collector would walk
        # at every full collection, which grows with the shard, not with the work (measured: 62 %
        # parallel efficiency at 500 communities on 2 workers, 103 % at 100).  What the models are
        # built of lives as long as the run: take it out of the collector's sight.
        gc.collect()
        gc.freeze()

    def __repr__(self) -> str:
        return f"Shard({len(self.models)} communities)"

    def advance(self, until_day: int, terms: Mapping[int, Terms]) -> list[Report]:
        """Apply each community's terms, run it to the midnight that ends day ``until_day - 1``,
        and report."""
        out = []
        for i, model in self.models.items():
            t = terms[i]
            model.books.fiscal_yuan_year = t.fiscal_yuan_year
            model.departments.district_waits_h = t.department_waits_h
            if t.reform and self.rollout:
                model.change_plan(self.rollout)
            model.run_until(until_day * 24.0)
            out.append(self._report(i, model))
        return out

    def _report(self, i: int, m: Any) -> Report:
        d = m.departments
        sent0, back0 = self._last[i]
        self._last[i] = (d.escalated_to.copy(), d.turned_back_to.copy())
        t = m.time
        tally = m.tally
        return Report(
            index=i,
            residents=len(m.residents),
            need=self._need[i],
            escalated=d.escalated_to - sent0,
            turned_back=d.turned_back_to - back0,
            turned_back_cases=float(m.params["departments.turned_back_task_cases"]),
            waiting=np.array([dep.cases.waiting(t) for dep in d.members], dtype=np.int64),
            tasks_accepted=d.accepted,
            resolved=m.residents.resolved,
            unmet=m.residents.unmet,
            wait_sum_min=float(sum(tally.waits_min)),
            waits=len(tally.waits_min),
            participation=float(m.residents.population.took_part.mean()),
            satisfaction=float(m.residents.population.satisfaction.mean()),
            balance_yuan=m.books.balance,
            staff=len(m.centre.staff),
        )

    def finish(self) -> list[tuple[int, dict[str, float], Any]]:
        """Each community's end-of-run KPIs (and daily series if asked), then the models go."""
        out = [(i, m.summary(), m.daily() if self.daily else None) for i, m in self.models.items()]
        self.models.clear()
        gc.unfreeze()
        return out


def _need(m: Any) -> float:
    """Residents the 'by need' rule counts: retirees, migrants and vulnerable residents."""
    p = m.params
    shares = p["population.group_shares"]
    vulnerable = sum(shares[g] * p["population.vulnerable_share"][g] for g in shares)
    return len(m.residents) * (shares["retiree"] + shares["migrant"] + vulnerable)


# -- a shard in a local worker process -----------------------------------------------------------


def _shard_main(conn: Connection, parent_pid: int, args: tuple) -> None:
    """A worker process holding one shard: answer ``(method, args)`` until told to stop."""
    from sim.executors.worker_pool import become_worker

    if not become_worker(parent_pid):
        return
    try:
        shard = Shard(*args)
        conn.send(("ok", None))
    except BaseException as e:
        conn.send(("error", e))
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        method, margs = msg
        try:
            conn.send(("ok", getattr(shard, method)(*margs)))
        except BaseException as e:
            conn.send(("error", e))
            return


class LocalShard:
    """A :class:`Shard` in its own process: ``call`` sends a request, ``result`` waits for it."""

    def __init__(self, ctx: Any, args: tuple) -> None:
        from sim.executors.worker_pool import _PARENT_ENDS

        self.conn, child = ctx.Pipe(duplex=True)
        fork = ctx.get_start_method() == "fork"
        # A forked worker checks that its parent is still this process; one started from the fork
        # server has the server as its parent, so it cannot (the pipe's end still stops it).
        self.process = ctx.Process(
            target=_shard_main, args=(child, os.getpid() if fork else 0, args), daemon=True
        )
        _PARENT_ENDS.append(self.conn)  # closed in workers forked later (see worker_pool)
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
                self.process.start()
        finally:
            child.close()

    def ready(self) -> None:
        """Wait until the worker has built its communities (they are built in parallel)."""
        self._wait()

    def call(self, method: str, *args: Any) -> None:
        self.conn.send((method, args))

    def _wait(self) -> Any:
        try:
            status, value = self.conn.recv()
        except (EOFError, OSError):
            code = self.process.exitcode
            raise RuntimeError(f"a district worker process died (exit code {code})") from None
        if status == "error":
            raise value
        return value

    def result(self) -> Any:
        return self._wait()

    def close(self) -> None:
        from sim.executors.worker_pool import _PARENT_ENDS

        with suppress(OSError, BrokenPipeError):
            self.conn.send(None)
        with suppress(ValueError):
            _PARENT_ENDS.remove(self.conn)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
