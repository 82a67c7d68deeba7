"""Stand-in runs for tests and benchmarks: fast, with known answers, and able to misbehave.

:func:`run` has the signature of :func:`sim.executors.run_task` but, instead of the model, computes
two KPIs from three parameters in closed form, plus seeded noise:

``staff.service_time_share = 4 x1 + 2 x2 + 0 x3 + noise``
    additive: with the x uniform on [0, 1] the first-order Sobol indices are exactly
    16/20 = 0.8, 4/20 = 0.2 and 0 (``x3`` is a dummy), before noise;
``access.resolved_share.commuter = x1 x2``
    an interaction: S1 = 3/7 for x1 and x2, ST = 4/7.

with ``x1 = service.first_visit_success``, ``x2 = staff.degree_share``, ``x3 = needs.retry_prob``.
The noise has a part shared by every run with the same seed (what common random numbers give) and
a part that differs with the scenario too (what they cannot remove): averaging R replications
divides the latter's variance by R, which the sensitivity tests check.

Some staff counts misbehave on purpose, so tests can exercise the failure paths: a run with
``staff.count`` of :data:`FAIL_STAFF` raises, :data:`HANG_STAFF` never returns, and
:data:`CRASH_STAFF` kills its worker process.
"""

from __future__ import annotations

import hashlib
import os
import time

import numpy as np
import pandas as pd

from sim.executors.tasks import Outcome, Task, worker_name
from sim.run import RunResult

FAIL_STAFF = 13
HANG_STAFF = 17
CRASH_STAFF = 19

X1, X2, X3 = "service.first_visit_success", "staff.degree_share", "needs.retry_prob"
SHARED_NOISE_SD = 0.5
OWN_NOISE_SD = 0.5


def _normal(*key: object) -> float:
    digest = hashlib.sha256(repr(key).encode()).digest()
    return float(np.random.default_rng(int.from_bytes(digest[:8], "little")).standard_normal())


def run(task: Task, work_seconds: float = 0.0, cpu: bool = False) -> Outcome:
    """Do one synthetic run.  ``work_seconds`` makes it take that long: sleeping, or with ``cpu``
    that many seconds of processor time (to measure parallel efficiency without the model's own
    variation from run to run)."""
    start = time.perf_counter()
    p = task.scenario.params
    staff = p["staff.count"]
    if staff == CRASH_STAFF:
        os._exit(3)
    if staff == HANG_STAFF:
        time.sleep(10_000)
    if work_seconds > 0:
        if cpu:
            # A fixed amount of processor time (not of wall time): a busy machine slows it down
            # exactly as it slows the model down.
            cpu0 = time.process_time()
            while time.process_time() - cpu0 < work_seconds:
                sum(range(1000))
        else:
            time.sleep(work_seconds)
    try:
        if staff == FAIL_STAFF:
            raise ValueError(f"synthetic failure for staff.count = {FAIL_STAFF}")
        x1, x2, x3 = float(p[X1]), float(p[X2]), float(p[X3])
        # The sweep passes the scenario's hash along; hashing again would cost more than the run.
        digest = task.meta.get("hash") or task.scenario.content_hash()
        shared = SHARED_NOISE_SD * _normal("shared", task.seed)
        own = OWN_NOISE_SD * _normal("own", task.seed, digest)
        kpis = {
            "staff.service_time_share": 4 * x1 + 2 * x2 + 0 * x3 + shared + own,
            "access.resolved_share.commuter": x1 * x2,
            "service.queue_wait_mean_min": float(staff) + shared,
        }
        days = task.days or task.scenario.days
        daily = None
        if task.daily:
            rng = np.random.default_rng(task.seed)
            daily = pd.DataFrame(
                {
                    "day": np.arange(days),
                    "date": pd.date_range("2014-01-01", periods=days).strftime("%Y-%m-%d"),
                    "needs_arisen": rng.poisson(20, days).astype(float),
                    "satisfaction_mean": 0.5 + 0.1 * x1 + 0.01 * rng.standard_normal(days),
                }
            )
        result = RunResult(task.scenario.name, task.seed, days, kpis, daily, digest)
        return Outcome(task, result, None, time.perf_counter() - start, worker_name())
    except Exception as e:
        return Outcome(task, None, f"{type(e).__name__}: {e}", time.perf_counter() - start, worker_name())


# -- known answers for the analyses (sim.analysis) -----------------------------------------------

#: Scenario discovery: runs fail (service.resolved_share drops from 0.9 to 0.4) iff x1 > BOX_X1
#: and x2 < BOX_X2; the noise (sd BOX_NOISE_SD) misclassifies a run at the threshold 0.65 with
#: probability P(Z > 2.5) = 0.6 %.
BOX_X1, BOX_X2, BOX_NOISE_SD = 0.7, 0.3, 0.1


def run_box(task: Task) -> Outcome:
    """A run whose ``service.resolved_share`` is low exactly inside the box x1 > 0.7, x2 < 0.3
    (x3 does nothing), plus noise: the case scenario discovery must find."""
    start = time.perf_counter()
    p = task.scenario.params
    x1, x2, x3 = float(p[X1]), float(p[X2]), float(p[X3])
    digest = task.meta.get("hash") or task.scenario.content_hash()
    fails = x1 > BOX_X1 and x2 < BOX_X2
    # The noise is keyed on the design point, not on the scenario's hash: the hash covers the
    # model's defaults too, and a known answer must not change its data when the model is
    # recalibrated (stop 20: new defaults drew 9 misclassified runs of 600 where 3.6 are expected).
    noise = BOX_NOISE_SD * _normal("box", task.seed, x1, x2, x3)
    kpis = {
        "service.resolved_share": 0.9 - 0.5 * fails + noise,
        "staff.service_time_share": x1 + x2,
    }
    result = RunResult(task.scenario.name, task.seed, task.days or task.scenario.days, kpis, None, digest)
    return Outcome(task, result, None, time.perf_counter() - start, worker_name())


#: Directed search: minimise cost = 4 x1 + 2 x2 subject to reach = x1 x2 >= SEARCH_GOAL.  With
#: Lagrange multipliers, 4 = l x2 and 2 = l x1, so x2 = 2 x1 and 2 x1^2 = goal: the optimum is
#: x1 = sqrt(goal / 2), x2 = 2 x1, cost 8 x1 (for goal 0.25: 0.3536, 0.7071, 2.8284).
SEARCH_GOAL = 0.25
SEARCH_NOISE_SD = 0.005


def search_optimum(goal: float = SEARCH_GOAL) -> dict[str, float]:
    x1 = (goal / 2) ** 0.5
    return {X1: x1, X2: 2 * x1, "cost": 8 * x1}


def run_search(task: Task) -> Outcome:
    """``staff.service_time_share`` is the cost 4 x1 + 2 x2 (plus noise shared by every run with
    the same seed, as common random numbers give) and ``access.resolved_share.commuter`` the
    reach x1 x2: the constrained problem of :func:`search_optimum`."""
    start = time.perf_counter()
    p = task.scenario.params
    x1, x2 = float(p[X1]), float(p[X2])
    digest = task.meta.get("hash") or task.scenario.content_hash()
    kpis = {
        "staff.service_time_share": 4 * x1 + 2 * x2 + SEARCH_NOISE_SD * _normal("shared", task.seed),
        "access.resolved_share.commuter": x1 * x2,
    }
    result = RunResult(task.scenario.name, task.seed, task.days or task.scenario.days, kpis, None, digest)
    return Outcome(task, result, None, time.perf_counter() - start, worker_name())
