"""Running a sweep: the crash-safe loop that turns planned runs into rows of a store.

The coordinator (this process) plans the design (:mod:`sim.experiments.sweep.planning`), skips
the runs its store already holds, hands the others to :func:`sim.executors.execute` (a local
worker pool, or a Dask cluster) and writes each outcome to the store the moment it arrives, one
transaction per run.  Stopping it any way at all (Ctrl-C, a crash, ``kill -9``) loses at most the
runs in flight; the same call again does only what is missing.  A run that fails is recorded
with its error and not tried again unless asked (``retry_failed``).
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from sim import budgets
from sim.executors import Outcome, Runner, Task, execute, run_task
from sim.experiments.experiment import Experiment
from sim.experiments.store import Store, check_store_file
from sim.experiments.sweep.planning import (
    PlannedRun,
    as_experiment,
    check_budget,
    default_store,
    plan,
    task_for,
)
from sim.experiments.sweep.provenance import manifest
from sim.experiments.sweep.results import SweepResult

ProgressFn = Callable[[int, int, int], None]  # (done, failed, total) of this session


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a sweep.  Finished runs are in the store; the same call resumes."""

    def __init__(self, message: str, store: Path, remaining: int) -> None:
        super().__init__(message)
        self.message, self.store, self.remaining = message, store, remaining

    def __str__(self) -> str:
        return self.message


# Long by design: the crash-safe loop: store, lock, resume, progress, Ctrl-C and failures handled together.
def sweep(
    experiment: Experiment | str | Path | Mapping[str, Any],
    *,
    store: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
    replications: int | None = None,
    quick: bool = False,
    retry_failed: bool = False,
    progress: bool | ProgressFn = True,
    cancel: threading.Event | None = None,
    executor: Executor | None = None,
    runner: Runner | None = None,
    command: str | None = None,
    yes: bool = False,
) -> SweepResult:
    """Run an experiment's design and keep every run in an SQLite store; return the results.

    ``experiment`` is an experiment file, a dict with the same structure (its paths relative to
    the current directory; :func:`experiment_from_mapping` takes another root), or an
    :class:`Experiment`.  ``store`` defaults to ``results/<name>.sqlite``.  Runs already in the
    store are not run again (failed ones neither, unless ``retry_failed``), so calling this again
    after an interruption finishes the job.  ``workers`` local processes (default: one per core),
    or the Dask cluster at ``scheduler``; ``timeout`` (seconds, default the experiment's) stops a
    run that takes longer and records it as failed; ``replications`` overrides the experiment's;
    ``quick`` uses the experiment's ``[quick]`` sizes.

    ``progress`` shows a bar on stderr (or is called as ``progress(done, failed, total)``);
    setting ``cancel`` stops the sweep at the next run (the result says ``interrupted``).
    Ctrl-C raises :class:`SweepInterrupted` after the store is closed cleanly.
    ``runner`` replaces the model run (tests, benchmarks); ``executor`` reuses a warm pool.

    Before anything is built or opened, the job is checked against :mod:`sim.budgets` (see
    :func:`check_budget`; ``yes`` goes past its soft limits) and the store's path against
    :mod:`sim.paths`.
    """
    exp = as_experiment(experiment, quick=quick)
    if replications is not None or timeout is not None:
        exp = exp.with_options(
            **({"replications": replications} if replications is not None else {}),
            **({"timeout": timeout} if timeout is not None else {}),
        )
    path = Path(store) if store is not None else default_store(exp)
    estimate = check_budget(exp, workers=workers, scheduler=scheduler, yes=yes)
    check_store_file(path)
    if progress is True and budgets.is_large(estimate):
        print(f"{exp.name}: estimate for the whole design: {estimate}", file=sys.stderr)
    points = exp.points()
    planned = plan(exp, points)
    started = time.perf_counter()
    with Store(path) as st:
        st.bind(exp.name, exp.identity(), points, exp.source)
        known = st.known_runs(include_failed=not retry_failed)
        todo: list[PlannedRun] = []
        seen: set[str] = set()
        for pl in planned:
            # Two design points with the same scenario (an integer factor rounded to the same
            # value, or a reform whose removal changes nothing) share their runs.
            if pl.rid not in known and pl.rid not in seen:
                todo.append(pl)
                seen.add(pl.rid)
        skipped = len({pl.rid for pl in planned}) - len(todo)
        session = st.begin_session(
            manifest(exp, workers, scheduler, len(todo), command or "sim.sweep()", runner)
        )
        done = failed = 0
        status = "finished"
        bar = _progress_bar(progress, len(todo), exp.name, skipped)
        outcomes = execute(
            (task_for(exp, pl) for pl in todo),
            workers=workers,
            scheduler=scheduler,
            cancel=cancel,
            executor=executor,
            timeout=exp.timeout,
            isolate=True,
            runner=runner or run_for_store,
        )
        try:
            for outcome in outcomes:
                _record(st, exp, outcome, session)
                done += 1
                failed += not outcome.ok
                bar(done, failed, outcome)
            if cancel is not None and cancel.is_set() and done < len(todo):
                status = "cancelled"
        except KeyboardInterrupt:
            status = "interrupted"
            outcomes.close()  # stops the worker processes now
            st.end_session(session, status, done, failed)
            bar(done, failed, None, close=True)
            left = len(todo) - done
            raise SweepInterrupted(
                f"interrupted: {done} runs of this session are safe in {path}; {left} remain. "
                "Run the same command again to do only those.",
                path,
                left,
            ) from None
        except BaseException:
            status = "error"
            raise
        finally:
            if status != "interrupted":
                outcomes.close()
                st.end_session(session, status, done, failed)
                bar(done, failed, None, close=True)
    return SweepResult(
        experiment=exp,
        store=path,
        ran=done,
        failed=failed,
        skipped=skipped,
        planned=len({pl.rid for pl in planned}),
        points=len(points),
        interrupted=status != "finished",
        seconds=time.perf_counter() - started,
    )


def run_for_store(task: Task) -> Outcome:
    """One run as a sweep keeps it: a district run's community table and monthly record are
    dropped where the run was done, so only its KPIs travel to the coordinator (a store keeps
    KPIs; ``govsim run`` and ``govsim compare`` give the communities)."""
    outcome = run_task(task)
    if outcome.result is not None:
        outcome.result.district = None
    return outcome


def _record(st: Store, exp: Experiment, outcome: Outcome, session: int) -> None:
    """One outcome into the store, in its own transaction: the KPIs kept, or the error."""
    task = outcome.task
    res = outcome.result
    kpis = None
    daily = None
    if outcome.ok and res is not None:
        # The KPIs the experiment keeps; one the run did not produce is stored as missing.
        kpis = {k: res.kpis.get(k, math.nan) for k in exp.kpis}
        daily = res.daily if exp.daily else None
    st.record(
        task.meta["rid"],
        task.meta["hash"],
        task.meta["replication"],
        task.seed,
        task.meta["days"],
        session,
        kpis=kpis,
        daily=daily,
        error=outcome.error if not outcome.ok else None,
        seconds=outcome.seconds,
        worker=outcome.worker,
    )


def _progress_bar(progress: bool | ProgressFn, total: int, name: str, skipped: int) -> Callable[..., None]:
    """A bar on stderr: done / failed / remaining, runs per second and time left (tqdm's)."""
    if callable(progress):
        fn = progress

        def call(done: int, failed: int, outcome: Outcome | None, close: bool = False) -> None:
            if not close:
                fn(done, failed, total)

        return call
    if not progress:
        return lambda *a, **k: None
    import tqdm

    # No monitor thread: the executor forks worker processes only from a single-threaded process.
    tqdm.tqdm.monitor_interval = 0
    note = f" ({skipped} already in the store)" if skipped else ""
    bar = tqdm.tqdm(
        total=total,
        desc=f"{name}{note}",
        unit="run",
        file=sys.stderr,
        mininterval=0.5,
        smoothing=0.1,
        dynamic_ncols=True,
    )
    bar.set_postfix_str(f"failed 0, left {total}")

    def update(done: int, failed: int, outcome: Outcome | None, close: bool = False) -> None:
        if close:
            bar.close()
            return
        bar.set_postfix_str(f"failed {failed}, left {total - done}", refresh=False)
        bar.update(1)

    return update
