"""What a run to do is, what became of it, and doing one.

A :class:`Task` is everything a worker needs to do one run: the scenario, the seed, how many days,
whether to keep the daily series.  It carries its own seed, so its result does not depend on
where it runs or in which order.  Doing it is a :data:`Runner`'s job (by default
:func:`run_task`, the model); whatever happens, the answer is an :class:`Outcome`: a result, or
the one-line error that stopped the run, never an exception that would stop the others.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sim.run import RunResult, simulate
from sim.scenario import Scenario


@dataclass(frozen=True)
class Task:
    """One run to do: a scenario, a seed, and what to keep."""

    key: str
    scenario: Scenario
    seed: int
    days: int | None = None
    daily: bool = False
    meta: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass
class Outcome:
    """What became of a task.  ``worker`` says where it ran (``host:pid``), for the record."""

    task: Task
    result: RunResult | None
    error: str | None
    seconds: float
    worker: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


#: A function that does one task.  It must be picklable (a module-level function, or a
#: ``functools.partial`` of one) to run in worker processes or on Dask.
Runner = Callable[[Task], Outcome]


def worker_name() -> str:
    """This process as an outcome records where a run ran: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_task(task: Task) -> Outcome:
    """Do one task; an exception becomes a failed outcome (so one bad run never stops a sweep)."""
    start = time.perf_counter()
    try:
        result = simulate(task.scenario, seed=task.seed, days=task.days, daily=task.daily)
        return Outcome(task, result, None, time.perf_counter() - start, worker_name())
    except Exception as e:
        return Outcome(task, None, error_line(e), time.perf_counter() - start, worker_name())


def error_line(e: BaseException) -> str:
    """An exception as one line: its type and message, as the last line of a traceback."""
    return traceback.format_exception_only(type(e), e)[-1].strip()


def failed(task: Task, error: str, seconds: float = 0.0, worker: str = "") -> Outcome:
    """The outcome of a task that did not produce a result."""
    return Outcome(task, None, error, seconds, worker)
