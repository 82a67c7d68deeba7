"""Local worker processes that this process drives itself, one run per process at a time.

Unlike ``concurrent.futures.ProcessPoolExecutor``, a :class:`WorkerPool` knows which task each
process is running.  So it can kill the one process whose run has passed the time limit, or see
which run took its process down (``os._exit``, a segfault, the OOM killer), record that run, and
only that run, as failed, and start a fresh process in its place while the other runs go on.

The coordinator and each worker talk over a pipe: ``(runner, task)`` one way, the outcome back.
The pool uses no helper thread, so forking stays safe; workers are forked when this process has
no other thread, else started from a fork server that has imported the model once
(:func:`mp_context`).  A worker ignores Ctrl-C (the coordinator decides what stops) and dies with
its coordinator, so a killed sweep leaves no process computing runs that nobody will record.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import warnings
from collections import deque
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_ready
from typing import Any

from sim.executors.tasks import Outcome, Runner, Task, error_line, failed, run_task, worker_name


def mp_context() -> Any:
    """``fork`` when this process has no other thread: fast, and an analyst's script needs no
    ``if __name__ == "__main__"`` guard.  Beside threads (the web app's server) forking is unsafe,
    so ``forkserver`` is used there."""
    import multiprocessing as mp
    import sys

    if sys.platform == "linux" and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("forkserver")


# The parent's ends of every worker's pipe.  A worker forked later inherits copies of them and must
# close them: otherwise an earlier worker would never see end-of-file when the coordinator dies.
_PARENT_ENDS: list[Connection] = []


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that started it dies (SIGKILL included), so
    that a killed coordinator leaves no worker computing runs nobody will record."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe's end-of-file still stops the worker
        pass


def become_worker(parent_pid: int) -> bool:
    """What every worker process this coordinator drives does first (the worker pool's and a
    district's shards): close the other workers' pipe ends it inherited, leave Ctrl-C to the
    coordinator, die with it.  False if the coordinator (``parent_pid``, 0: not known) is gone."""
    for other in _PARENT_ENDS:
        with suppress(OSError):
            other.close()
    _PARENT_ENDS.clear()
    # Ctrl-C in a terminal reaches the whole process group; the coordinator decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    return not (parent_pid and os.getppid() != parent_pid)  # it died before prctl took effect


def _worker_main(conn: Connection, parent_pid: int) -> None:
    """A worker process: receive ``(runner, task)``, send back the outcome, until told to stop."""
    if not become_worker(parent_pid):
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        runner, task = msg
        try:
            outcome = runner(task)
        except BaseException as e:  # a runner should not raise, but a worker must answer anyway
            outcome = failed(task, error_line(e), worker=worker_name())
        try:
            conn.send(outcome)
        except (BrokenPipeError, EOFError, ConnectionResetError):
            return
        except Exception as e:  # the outcome could not be pickled: say so instead of dying
            conn.send(failed(task, f"result could not be sent back: {error_line(e)}", worker=worker_name()))


@dataclass
class _Slot:
    """One worker process and the task it is running (if any)."""

    process: Any
    conn: Connection
    task: Task | None = None
    started: float = 0.0


class WorkerPool:
    """Local worker processes that the coordinator drives, one task per process at a time.

    ``poll`` waits on the result pipes and on the processes themselves.  A process that dies while
    running a task (exit, signal, out of memory) turns that task, and only that task, into a
    failed outcome; a task past ``timeout`` seconds gets its process killed and becomes a failed
    outcome "timed out".  Either way a fresh process takes the slot and the sweep goes on.

    Tasks beyond one per process wait in a short queue here, so that a process that finishes gets
    its next task at once, before the coordinator writes the previous result anywhere.
    """

    def __init__(self, workers: int, *, timeout: float | None = None, runner: Runner = run_task) -> None:
        if workers < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.size = workers
        self.timeout = timeout
        self.runner = runner
        self.ctx = mp_context()
        self.queue: deque[Task] = deque()
        self.slots: list[_Slot] = []
        self.replaced = 0  # processes started again after a crash or a time-out (for tests, logs)
        if self.ctx.get_start_method() == "fork":
            import sim.model  # noqa: F401  (imported once here, not once in every forked worker)
        else:
            # The fork server imports the model once and every worker is forked from it with the
            # model in memory (a no-op if the server already runs, e.g. started by the web app).
            self.ctx.set_forkserver_preload(["sim.executors", "sim.run", "sim.model"])
        for _ in range(workers):
            self.slots.append(self._start())

    def _start(self) -> _Slot:
        parent_end, child_end = self.ctx.Pipe(duplex=True)
        fork = self.ctx.get_start_method() == "fork"
        # Listed before the fork, so that the new worker closes its copy of its own parent end too.
        _PARENT_ENDS.append(parent_end)
        proc = self.ctx.Process(
            target=_worker_main,
            args=(child_end, os.getpid() if fork else 0),
            daemon=True,
            name="govsim-worker",
        )
        try:
            with warnings.catch_warnings():
                # Python warns about forking beside *any* thread, native ones included: numpy's
                # and Arrow's thread pools, which are fork-safe.  Python threads, the dangerous
                # ones, made mp_context choose forkserver already.
                warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
                proc.start()
        except BaseException:
            _PARENT_ENDS.remove(parent_end)
            parent_end.close()
            raise
        finally:
            child_end.close()
        return _Slot(proc, parent_end)

    def _retire(self, slot: _Slot, kill: bool) -> None:
        if kill and slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        with suppress(ValueError):
            _PARENT_ENDS.remove(slot.conn)
        slot.conn.close()
        with suppress(ValueError):
            slot.process.close()

    def _replace(self, i: int) -> None:
        self._retire(self.slots[i], kill=True)
        self.slots[i] = self._start()
        self.replaced += 1

    # -- backend interface --

    def has_room(self) -> bool:
        return len(self.queue) < self.size

    def busy(self) -> bool:
        return bool(self.queue) or any(s.task is not None for s in self.slots)

    def submit(self, task: Task) -> None:
        self.queue.append(task)
        self._dispatch([])

    def _dispatch(self, out: list[Outcome]) -> None:
        for i, slot in enumerate(self.slots):
            while slot.task is None and self.queue:
                task = self.queue.popleft()
                try:
                    slot.conn.send((self.runner, task))
                except (BrokenPipeError, ConnectionResetError, EOFError):
                    # The process died while idle: run the task on a fresh one.
                    self.queue.appendleft(task)
                    self._replace(i)
                    slot = self.slots[i]
                    continue
                except Exception as e:  # the task itself cannot be pickled
                    out.append(failed(task, f"task could not be sent to a worker: {error_line(e)}"))
                    continue
                slot.task, slot.started = task, time.monotonic()

    # Long by design: one pass of the pool: dispatch, wait, time limits and crashed workers
    # are handled together.
    def poll(self, timeout: float) -> list[Outcome]:
        out: list[Outcome] = []
        busy = [s for s in self.slots if s.task is not None]
        if not busy:
            self._dispatch(out)
            return out
        if self.timeout is not None:
            first_deadline = min(s.started for s in busy) + self.timeout
            timeout = max(0.0, min(timeout, first_deadline - time.monotonic()))
        watched: dict[Any, int] = {}
        for i, s in enumerate(self.slots):
            if s.task is not None:
                watched[s.conn] = i
                watched[s.process.sentinel] = i
        ready = wait_ready(list(watched), timeout)
        handled: set[int] = set()
        for obj in ready:
            i = watched[obj]
            if i in handled:
                continue
            handled.add(i)
            slot = self.slots[i]
            task = slot.task
            assert task is not None
            # Read the pipe first: a process may have sent its result and then exited.
            try:
                outcome = slot.conn.recv() if slot.conn.poll() else None
            except (EOFError, OSError):
                outcome = None
            if outcome is not None:
                slot.task = None
                out.append(outcome)
                continue
            if slot.process.is_alive():
                continue  # woken by a partial message; the rest comes on the next poll
            slot.process.join(timeout=5)
            code = slot.process.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            out.append(
                failed(
                    task,
                    f"the worker process died while running this run ({how})",
                    time.monotonic() - slot.started,
                    f"{socket.gethostname()}:{slot.process.pid}",
                )
            )
            slot.task = None
            self._replace(i)
        if self.timeout is not None:
            now = time.monotonic()
            for i, slot in enumerate(self.slots):
                if slot.task is not None and now - slot.started > self.timeout:
                    out.append(
                        failed(
                            slot.task,
                            f"timed out after {self.timeout:g} s (run stopped)",
                            now - slot.started,
                            f"{socket.gethostname()}:{slot.process.pid}",
                        )
                    )
                    slot.task = None
                    self._replace(i)
        self._dispatch(out)
        return out

    def close(self) -> None:
        """Stop every process: idle ones are told to exit, busy ones are killed (their runs are
        abandoned; only a closed-early sweep has busy ones)."""
        self.queue.clear()
        for slot in self.slots:
            if slot.task is None:
                with suppress(OSError, ValueError):
                    slot.conn.send(None)
        # Idle processes exit at once; one still starting up (a forkserver child importing the
        # model) would only be slow to, and has nothing to lose: kill what is left after 0.5 s.
        deadline = time.monotonic() + 0.5
        for slot in self.slots:
            if slot.task is None:
                slot.process.join(timeout=max(0.0, deadline - time.monotonic()))
            self._retire(slot, kill=True)
        self.slots = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
