"""Running many independent runs: in this process, on a local process pool, or on a Dask cluster.

Every experiment (a comparison, a sweep, a sensitivity analysis, the web app's Run button) goes
through :func:`execute`, which takes :class:`Task` objects and yields an :class:`Outcome` for each
as it finishes.  A run that raises becomes a failed outcome with its message; the others go on.
Results do not depend on where a task ran: each task carries its own seed.

Three backends sit behind one loop (submit while there is room, wait for any, yield outcomes):

* in this process, in order (one worker, no time limit: the simplest thing to debug);
* :class:`WorkerPool`, local worker processes that this process drives itself.  Unlike
  ``concurrent.futures.ProcessPoolExecutor``, it knows which task each process is running, so it
  can kill one process whose run has passed the time limit, or see which run took its process
  down (``os._exit``, a segfault, the OOM killer), record that run as failed and start a fresh
  process, while the other runs go on.  It uses no helper thread, so forking stays safe;
* any ``concurrent.futures.Executor``: Dask's ``client.get_executor(pure=False)`` for
  ``scheduler=``, or a pool the caller keeps warm (the web app).  A time limit there can only
  drop the run's result (see :class:`_FuturesBackend`); a pool that breaks hands its runs over to
  a fresh :class:`WorkerPool`.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import traceback
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_ready
from typing import Any, Protocol

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


def _where() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_task(task: Task) -> Outcome:
    """Do one task; an exception becomes a failed outcome (so one bad run never stops a sweep)."""
    start = time.perf_counter()
    try:
        result = simulate(task.scenario, seed=task.seed, days=task.days, daily=task.daily)
        return Outcome(task, result, None, time.perf_counter() - start, _where())
    except Exception as e:
        return Outcome(task, None, _error_line(e), time.perf_counter() - start, _where())


def _error_line(e: BaseException) -> str:
    return traceback.format_exception_only(type(e), e)[-1].strip()


def _failed(task: Task, error: str, seconds: float = 0.0, worker: str = "") -> Outcome:
    return Outcome(task, None, error, seconds, worker)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@contextmanager
def _dask_client(scheduler: str) -> Iterator[Any]:
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError("--scheduler needs dask: pip install 'govsim[dask]'") from None
    with Client(scheduler, timeout="10s") as client:
        yield client


def _mp_context() -> Any:
    """``fork`` when this process has no other thread: fast, and an analyst's script needs no
    ``if __name__ == "__main__"`` guard.  Beside threads (the web app's server) forking is unsafe,
    so ``forkserver`` is used there."""
    import multiprocessing as mp
    import sys

    if sys.platform == "linux" and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("forkserver")


# -- the loop ----------------------------------------------------------------------------------


def execute(
    tasks: Iterable[Task],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    cancel: threading.Event | None = None,
    executor: Executor | None = None,
    timeout: float | None = None,
    isolate: bool = False,
    runner: Runner = run_task,
) -> Iterator[Outcome]:
    """Run ``tasks`` and yield each outcome as it finishes (in completion order).

    Only a few tasks per worker are in flight, so a sweep of a million runs does not hold a
    million futures, and ``tasks`` may be a lazy generator.  Setting ``cancel`` stops submitting
    and abandons what is in flight.  ``executor`` reuses a pool the caller keeps warm (the web
    app) instead of opening one.

    ``timeout`` is a limit in seconds per run: a run that passes it becomes a failed outcome
    ("timed out") and the others go on.  ``isolate`` runs even a single worker in a child
    process, so that a run that hangs or crashes cannot take the caller down with it.
    ``runner`` does one task (default :func:`run_task`); tests and benchmarks swap in stand-ins.

    Closing the iterator early (or an exception in the caller's loop, such as Ctrl-C) stops the
    local worker processes at once.
    """
    if executor is not None:
        backend: _Backend = _FuturesBackend(executor, workers or default_workers(), timeout, runner)
        yield from _drive(backend, tasks, cancel)
        return
    if scheduler:
        with _dask_client(scheduler) as client:
            capacity = workers or max(1, sum(client.nthreads().values()))
            backend = _FuturesBackend(client.get_executor(pure=False), capacity, timeout, runner)
            yield from _drive(backend, tasks, cancel)
        return
    n = workers or default_workers()
    if n == 1 and timeout is None and not isolate:
        backend = _InProcess(runner)
    else:
        backend = WorkerPool(n, timeout=timeout, runner=runner)
    yield from _drive(backend, tasks, cancel)


class _Backend(Protocol):
    """What :func:`_drive` needs: room for more, submit, and the outcomes that are ready."""

    def has_room(self) -> bool: ...
    def submit(self, task: Task) -> None: ...
    def busy(self) -> bool: ...
    def poll(self, timeout: float) -> list[Outcome]: ...
    def close(self) -> None: ...


def _drive(backend: _Backend, tasks: Iterable[Task], cancel: threading.Event | None) -> Iterator[Outcome]:
    it = iter(tasks)
    exhausted = False
    try:
        while True:
            while not exhausted and backend.has_room() and not (cancel is not None and cancel.is_set()):
                try:
                    task = next(it)
                except StopIteration:
                    exhausted = True
                    break
                backend.submit(task)
            if cancel is not None and cancel.is_set():
                return
            if not backend.busy():
                return
            yield from backend.poll(0.2)
    finally:
        backend.close()


class _InProcess:
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


# -- local worker processes ----------------------------------------------------------------------

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


def _worker_main(conn: Connection, parent_pid: int) -> None:
    """A worker process: receive ``(runner, task)``, send back the outcome, until told to stop."""
    for other in _PARENT_ENDS:
        with suppress(OSError):
            other.close()
    _PARENT_ENDS.clear()
    # Ctrl-C in a terminal reaches the whole process group; the coordinator decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if parent_pid and os.getppid() != parent_pid:
        return  # the coordinator died before prctl took effect
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
            outcome = _failed(task, _error_line(e), worker=_where())
        try:
            conn.send(outcome)
        except (BrokenPipeError, EOFError, ConnectionResetError):
            return
        except Exception as e:  # the outcome could not be pickled: say so instead of dying
            conn.send(_failed(task, f"result could not be sent back: {_error_line(e)}", worker=_where()))


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
        self.ctx = _mp_context()
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
                # ones, made _mp_context choose forkserver already.
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
                    out.append(_failed(task, f"task could not be sent to a worker: {_error_line(e)}"))
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
                _failed(
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
                        _failed(
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


# -- concurrent.futures executors: Dask, or a caller's warm pool ---------------------------------


class _FuturesBackend:
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
                    out.append(_failed(task, _error_line(e), time.monotonic() - t0))
            if broken:
                self._fall_back(broken)
            if self.timeout is not None:
                now = time.monotonic()
                for fut, (task, t0) in list(self.pending.items()):
                    if now - t0 > self.timeout:
                        fut.cancel()
                        del self.pending[fut]
                        out.append(
                            _failed(
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
