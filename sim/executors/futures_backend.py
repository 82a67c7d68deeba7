"""Any ``concurrent.futures.Executor``: a Dask cluster, or a pool the caller keeps warm.

:func:`sim.executors.execute` drives Dask through ``client.get_executor(pure=False)`` when given
a ``scheduler`` address, and the web app's process pool when given an ``executor``.  Such an
executor does not say which process runs what, nor when a task starts, so two things are weaker
here than in a :class:`~sim.executors.worker_pool.WorkerPool`: a time limit can only drop a run's
result (Dask cannot interrupt a running Python function), and a pool broken by a crashed worker
cannot tell which run crashed it, so its runs are handed over to a fresh ``WorkerPool``, which can.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from sim.executors.tasks import Outcome, Runner, Task, error_line, failed
from sim.executors.worker_pool import WorkerPool


@contextmanager
def dask_client(scheduler: str) -> Iterator[Any]:
    """A Dask client connected to ``scheduler`` for as long as the caller needs it."""
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError("--scheduler needs dask: pip install 'govsim[dask]'") from None
    with Client(scheduler, timeout="10s") as client:
        yield client


class FuturesBackend:
    """Drives any ``concurrent.futures.Executor``.

    A time limit here is measured from submission (an executor does not say when a task starts),
    and only as many tasks as there are workers are submitted when a limit is set, so a queued
    task is not charged for the wait.  A run past the limit is recorded as failed and its future
    cancelled; Dask cannot interrupt a Python function that is already running, so that worker
    thread stays busy until the run returns, and its result is dropped.

    If the executor breaks (a ``ProcessPoolExecutor`` whose worker died fails every pending
    future), the runs that were in flight and the rest go to a fresh :class:`WorkerPool`, which
    then tells exactly which run crashed.
    """

    def __init__(self, executor: Executor, capacity: int, timeout: float | None, runner: Runner) -> None:
        self.executor = executor
        self.capacity = capacity
        self.window = capacity if timeout is not None else 2 * capacity
        self.timeout = timeout
        self.runner = runner
        self.pending: dict[Future[Outcome], tuple[Task, float]] = {}
        self.fallback: WorkerPool | None = None

    def has_room(self) -> bool:
        if self.fallback is not None:
            return self.fallback.has_room()
        return len(self.pending) < self.window

    def busy(self) -> bool:
        return bool(self.pending) or (self.fallback is not None and self.fallback.busy())

    def submit(self, task: Task) -> None:
        if self.fallback is not None:
            self.fallback.submit(task)
            return
        try:
            fut = self.executor.submit(self.runner, task)
        except BrokenProcessPool:
            self._fall_back([task])
            return
        self.pending[fut] = (task, time.monotonic())

    def _fall_back(self, extra: list[Task]) -> None:
        if self.fallback is None:
            self.fallback = WorkerPool(self.capacity, timeout=self.timeout, runner=self.runner)
        for fut, (task, _) in list(self.pending.items()):
            fut.cancel()
            self.fallback.submit(task)
        self.pending.clear()
        for task in extra:
            self.fallback.submit(task)

    def poll(self, timeout: float) -> list[Outcome]:
        out: list[Outcome] = []
        if self.pending:
            if self.timeout is not None:
                first = min(t0 for _, t0 in self.pending.values()) + self.timeout
                timeout = max(0.0, min(timeout, first - time.monotonic()))
            done, _ = wait(list(self.pending), timeout=timeout, return_when=FIRST_COMPLETED)
            broken: list[Task] = []
            for fut in done:
                task, t0 = self.pending.pop(fut)
                try:
                    out.append(fut.result())
                except BrokenProcessPool:
                    broken.append(task)
                except Exception as e:  # KilledWorker, CancelledError, ...
                    out.append(failed(task, error_line(e), time.monotonic() - t0))
            if broken:
                self._fall_back(broken)
            if self.timeout is not None:
                now = time.monotonic()
                for fut, (task, t0) in list(self.pending.items()):
                    if now - t0 > self.timeout:
                        fut.cancel()
                        del self.pending[fut]
                        out.append(
                            failed(
                                task,
                                f"timed out after {self.timeout:g} s (result dropped; the executor "
                                "cannot stop a running task)",
                                now - t0,
                            )
                        )
        if self.fallback is not None:
            out.extend(self.fallback.poll(timeout if not out else 0.0))
        return out

    def close(self) -> None:
        for fut in self.pending:
            fut.cancel()
        self.pending.clear()
        if self.fallback is not None:
            self.fallback.close()
