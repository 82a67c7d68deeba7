"""The simplest executor: each run in this process, one at a time, in order.

One worker with no time limit and no need to isolate a crash needs no other process at all:
:func:`sim.executors.execute` then runs each task right here when the loop polls for outcomes.
It is the easiest place to debug a run (a breakpoint in the model just works), and the one where
a run that hangs or crashes takes the caller with it, which is why sweeps isolate even a single
worker in a :class:`~sim.executors.worker_pool.WorkerPool`.
"""

from __future__ import annotations

from collections import deque

from sim.executors.tasks import Outcome, Runner, Task


class InProcess:
    """Runs each task in this process when polled: one at a time, in order."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.queue: deque[Task] = deque()

    def has_room(self) -> bool:
        return not self.queue

    def submit(self, task: Task) -> None:
        self.queue.append(task)

    def busy(self) -> bool:
        return bool(self.queue)

    def poll(self, timeout: float) -> list[Outcome]:
        return [self.runner(self.queue.popleft())] if self.queue else []

    def close(self) -> None:
        self.queue.clear()
