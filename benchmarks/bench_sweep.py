"""Benchmark of the sweep machinery: overhead per run, and parallel efficiency of 2 workers.

    .venv/bin/python benchmarks/bench_sweep.py            # ~3 minutes
    .venv/bin/python benchmarks/bench_sweep.py --quick    # ~40 s, fewer and shorter runs

1. Overhead per run.  A sweep of N synthetic runs that do no work (``sim.experiments.synthetic``:
   a few arithmetic operations) measures everything a sweep adds to a run: building the design
   and the scenarios, run ids, sending the task to a worker process and the result back, one
   SQLite transaction per run (WAL), the progress bar.  Overhead per run = wall time / N; the
   runs' own time is reported too and is negligible.  Target: under 5 ms on the local pool.
2. Parallel efficiency.  The same runs of about one second each, with 1 and with 2 workers:
   efficiency = T(1 worker) / (2 x T(2 workers)).  With synthetic runs that wait one second
   without using the processor (the machinery's own gaps only), synthetic runs of one second of
   processor time, and the model itself (the 2014 package, two years, 6,000 residents: about a
   second here).
   Target: at least 85 %.  Also printed: the share of the 2 workers' time spent inside runs
   (sum of the runs' own wall times / (2 x sweep wall time)), which is what the machinery
   controls: other processes on the machine slow the runs down but not this share.

The machine's load average is printed first: other processes on 2 cores lower the efficiency.  A
control runs the same model runs in one plain process and then split over two, with no sweep
machinery at all: the efficiency the machine allows at that moment.
Each timing is the best of ``--repeats``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import os
import tempfile
import time
from pathlib import Path

import sim
from sim.experiments import synthetic

ROOT = Path(__file__).resolve().parent.parent
BASELINE = (ROOT / "scenarios" / "baseline_2002.toml").as_posix()
PACKAGE = (ROOT / "scenarios" / "changsha_2014.toml").as_posix()


def synthetic_doc(points: int, replications: int) -> dict:
    return {
        "name": "bench",
        "base": BASELINE,
        "replications": replications,
        "days": 5,
        "kpis": ["staff.service_time_share", "access.resolved_share.commuter", "service.queue_wait_mean_min"],
        "design": {"kind": "lhs", "samples": points},
        "factors": {synthetic.X1: {"range": [0, 1]}, synthetic.X2: {"range": [0, 1]}},
    }


def model_doc(runs: int, days: int) -> dict:
    return {
        "name": "bench model",
        "base": PACKAGE,
        "replications": runs,
        "days": days,
        "kpis": ["staff.service_time_share", "access.resolved_share.commuter"],
    }


def timed_sweep(doc: dict, workers: int, runner=None, progress: bool = False) -> tuple[float, float, int]:
    """Wall seconds of a sweep into a fresh store, the runs' own seconds, and the number of runs."""
    with tempfile.TemporaryDirectory() as tmp:
        sink = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stderr(sink):  # the bar's cost is counted, its output dropped
            res = sim.sweep(
                doc, store=Path(tmp) / "b.sqlite", workers=workers, runner=runner, progress=progress
            )
        wall = time.perf_counter() - start
        own = float(res.runs["seconds"].sum())
        assert res.failed == 0 and res.ran == res.planned
        return wall, own, res.ran


def overhead(n_points: int, replications: int, repeats: int) -> None:
    print(f"\n1. overhead per run: {n_points * replications} synthetic runs that do no work")
    doc = synthetic_doc(n_points, replications)
    for workers in (1, 2):
        best = min(timed_sweep(doc, workers, synthetic.run, progress=True) for _ in range(repeats))
        wall, own, n = best
        print(
            f"   {workers} worker{'s' if workers > 1 else ' '}: {n} runs in {wall:.2f} s = "
            f"{1000 * wall / n:.2f} ms per run (of which the runs themselves {1000 * own / n:.3f} ms)"
        )


def efficiency(label: str, doc: dict, runner, repeats: int) -> None:
    t1, _, n = min(timed_sweep(doc, 1, runner) for _ in range(repeats))
    t2, own2, _ = min(timed_sweep(doc, 2, runner) for _ in range(repeats))
    print(
        f"   {label}: {n} runs; 1 worker {t1:.1f} s ({t1 / n:.2f} s per run), 2 workers {t2:.1f} s; "
        f"efficiency {100 * t1 / (2 * t2):.0f} %; workers busy with runs {100 * own2 / (2 * t2):.0f} % "
        "of the time"
    )


def _model_runs(seeds: range) -> None:
    from sim.run import simulate

    sc = sim.load_scenario(PACKAGE)
    for s in seeds:
        simulate(sc, seed=s, days=730, daily=False)


def control(runs: int, repeats: int) -> None:
    """What this machine gives two processes right now, with no sweep machinery at all: the same
    model runs in one forked process, then split between two forked processes at once."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")

    def timed(parts: list[range]) -> float:
        procs = [ctx.Process(target=_model_runs, args=(p,)) for p in parts]
        start = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        return time.perf_counter() - start

    half = runs // 2
    one = min(timed([range(runs)]) for _ in range(repeats))
    two = min(timed([range(half), range(half, runs)]) for _ in range(repeats))
    print(
        f"   control, no machinery: {runs} model runs in 1 process {one:.1f} s, split over 2 processes "
        f"{two:.1f} s; efficiency {100 * one / (2 * two):.0f} % (what the machine allows at the moment)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; cores: {os.cpu_count()}")
    quick = args.quick
    overhead(250 if quick else 1000, 2 if quick else 3, args.repeats)

    print("\n2. parallel efficiency of 2 workers on runs of about a second")
    runs = 6 if quick else 12
    doc = {**synthetic_doc(runs, 1), "replications": 1}
    # Runs that wait 1 s without using the processor: only the machinery's own gaps show, whatever
    # else the machine is doing.  Then 1 s of processor time each, and the model itself: both feel
    # other processes competing for the two cores.
    efficiency(
        "synthetic, 1 s waiting", doc, functools.partial(synthetic.run, work_seconds=1.0), args.repeats
    )
    efficiency(
        "synthetic, 1 s of CPU each",
        doc,
        functools.partial(synthetic.run, work_seconds=1.0, cpu=True),
        args.repeats,
    )
    # Two years of the 2014 package: about a second per run; twice as many runs, so that the wait for
    # the last run (one worker idle while the other finishes) weighs as little as in a real sweep.
    efficiency("the model, 2014 package, 2 years", model_doc(2 * runs, 730), None, args.repeats)
    control(2 * runs, args.repeats)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
