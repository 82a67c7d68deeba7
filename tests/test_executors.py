"""The executors: results do not depend on where runs happen, and a bad run harms only itself."""

from __future__ import annotations

import functools
import threading
from concurrent.futures import ProcessPoolExecutor

import pytest
from helpers import SCENARIOS

from sim.executors import Task, WorkerPool, execute, run_task
from sim.experiments import synthetic
from sim.scenario import load_scenario


@pytest.fixture(scope="module")
def base():
    return load_scenario(SCENARIOS / "baseline_2002.toml")


def _tasks(base, staff_counts, days=5):
    return [
        Task(key=str(i), scenario=base.with_changes({"staff.count": c}), seed=100 + i, days=days)
        for i, c in enumerate(staff_counts)
    ]


def test_failure_hang_and_crash_each_cost_only_their_own_run(base):
    """One run raises, one hangs past the limit, one kills its process: each is recorded as a
    failure with what happened, and every other run comes back with the numbers it has in-process."""
    counts = [5, synthetic.FAIL_STAFF, synthetic.HANG_STAFF, synthetic.CRASH_STAFF, 6, 7, 8, 9]
    tasks = _tasks(base, counts)
    runner = functools.partial(synthetic.run, work_seconds=0.05)
    # No wall-clock assert (it raced on a loaded machine): the hung run sleeps 10,000 s, so its
    # "timed out" outcome below is the proof that it was stopped at its limit.
    outcomes = {o.task.key: o for o in execute(tasks, workers=2, timeout=1.0, runner=runner)}

    assert sorted(outcomes) == sorted(t.key for t in tasks)  # each task exactly once
    assert "synthetic failure" in outcomes["1"].error
    assert outcomes["2"].error.startswith("timed out after 1 s")
    assert "worker process died" in outcomes["3"].error and "exit code 3" in outcomes["3"].error
    expected = {t.key: synthetic.run(t).result.kpis for t in tasks if t.key in {"0", "4", "5", "6", "7"}}
    for key, kpis in expected.items():
        assert outcomes[key].ok, outcomes[key].error
        assert outcomes[key].result.kpis == kpis
    assert outcomes["2"].seconds >= 1.0  # stopped at its limit, not before


def test_real_runs_identical_in_process_and_on_two_workers(base):
    tasks = _tasks(base.with_changes({"population.residents": 300}), [6, 8, 11], days=7)
    here = {o.task.key: o.result.kpis for o in execute(tasks, workers=1)}
    pooled = {o.task.key: o.result.kpis for o in execute(tasks, workers=2)}
    assert here.keys() == pooled.keys() == {"0", "1", "2"}
    for key in here:
        # Same keys, and values equal bit for bit (NaN where the run had nothing to measure).
        assert list(here[key]) == list(pooled[key])
        for k, v in here[key].items():
            assert v == pooled[key][k] or (v != v and pooled[key][k] != pooled[key][k]), k


# The caller's pool forks beside pytest's and numpy's threads; that warning is about the caller's pool.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_caller_pool_that_breaks_hands_its_runs_over(base):
    """A crashed process breaks a ProcessPoolExecutor for every run on it; the runs move to a fresh
    pool, which pins the crash on the one run that caused it."""
    counts = [5, 6, synthetic.CRASH_STAFF, 7, 8, 9]
    tasks = _tasks(base, counts)
    runner = functools.partial(synthetic.run, work_seconds=0.05)
    with ProcessPoolExecutor(max_workers=2) as pool:
        outcomes = {o.task.key: o for o in execute(tasks, executor=pool, workers=2, runner=runner)}
    assert sorted(outcomes) == sorted(t.key for t in tasks)
    failed = {k for k, o in outcomes.items() if not o.ok}
    assert failed == {"2"}
    assert "worker process died" in outcomes["2"].error


def test_cancel_stops_submitting(base):
    """After cancel, only the runs already handed out come back: at most one per worker plus the
    pool's queue of one per worker.  A bound by count, not by time, so load cannot break it."""
    tasks = _tasks(base, [5] * 40)
    cancel = threading.Event()
    seen = 0
    workers = 2
    for _ in execute(
        tasks, workers=workers, cancel=cancel, runner=functools.partial(synthetic.run, work_seconds=0.02)
    ):
        seen += 1
        if seen == 3:
            cancel.set()
    assert 3 <= seen <= 3 + 2 * workers


def test_closing_a_pool_kills_a_busy_worker(base):
    (task,) = _tasks(base, [synthetic.HANG_STAFF])
    pool = WorkerPool(1, runner=synthetic.run)
    pid = pool.slots[0].process.pid
    pool.submit(task)
    assert pool.slots[0].task is task and pool.busy()  # handed to the worker, which never returns
    # close() must kill it: were it to wait for the run (10,000 s), the test would hang, so no
    # stopwatch is needed (one raced on a loaded machine).
    pool.close()
    assert not _running(pid)


def _running(pid: int) -> bool:
    """Alive and not a zombie (a container's init may be slow to reap)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except FileNotFoundError:
        return False


def test_run_task_turns_an_exception_into_a_failed_outcome(base):
    bad = Task(key="x", scenario=base, seed=1, days=-5)
    outcome = run_task(bad)
    assert not outcome.ok and outcome.result is None and outcome.error
