"""What the live view costs a Run: the page's comparison with and without one watched run.

    .venv/bin/python benchmarks/bench_live.py              # 2 scenarios x 10 runs x 1 year, 3 repeats
    .venv/bin/python benchmarks/bench_live.py --quick      # 2 x 4 runs x 120 days

With the live view on, Run also runs one extra replication in the app's own process (a thread of
the server) and reports it a few times a second (:mod:`sim.ui.live`).  This script does what the
server does, without the browser: the comparison on the app's warm pool of worker processes
(``sim.ui.runner.run_comparison``), and - for the "with" condition - ``watch_run`` in a thread of
this process whose report builds the two curves and the hall as the page does (``curve_svg``,
``hall_html``).  Measured: the wall time from start to the comparison's result (what the planner
waits for: the table), and when the watched run finished.  The conditions alternate (without,
with, without, ...) so that a change in the machine's load hits both; the median is reported.

Not included: Solara's re-render of the page at each report (3 a second at most), measured in
the browser only as part of Run -> table (docs/ui.md).  The load average is printed first: on a
machine shared with other jobs both conditions slow down and the difference gets noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    reps, days = (4, 120) if args.quick else (10, 365)

    from sim.rng import replication_seed
    from sim.scenario import load_scenario
    from sim.ui.components.live_view import hall_html
    from sim.ui.live import curve_svg, watch_run
    from sim.ui.runner import RunSettings, WarmPool, run_comparison

    scenarios = [load_scenario(ROOT / "scenarios" / f) for f in ("baseline_2002.toml", "changsha_2014.toml")]
    settings = RunSettings(replications=reps, days=days, seed=1)
    pool = WarmPool()
    pool.warm_up()
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {pool.workers} workers; "
        f"2 scenarios x {reps} runs x {days} days"
    )

    def render(frame) -> None:
        curve_svg(frame.wait_min, frame.days, title="wait", unit="min")
        curve_svg(frame.participation, frame.days, title="part", unit="", percent=True)
        hall_html(frame)

    def once(live: bool) -> tuple[float, float | None, int]:
        started = time.perf_counter()
        done: dict[str, float] = {}
        frames = [0]

        def watched() -> None:
            def report(frame) -> None:
                frames[0] += 1
                render(frame)

            watch_run(scenarios[1], replication_seed(1, 0), days, report)
            done["live"] = time.perf_counter() - started

        thread = threading.Thread(target=watched) if live else None
        if thread:
            thread.start()
        run_comparison(scenarios, settings, pool=pool)
        table = time.perf_counter() - started
        if thread:
            thread.join()
        return table, done.get("live"), frames[0]

    once(True)  # warm: the first model built in this process imports and compiles
    without, with_, live_end, frames = [], [], [], []
    for _i in range(args.repeats):
        t, _l, _f = once(False)
        without.append(t)
        t, le, n = once(True)
        with_.append(t)
        live_end.append(le)
        frames.append(n)
        print(
            f"  without {without[-1]:.2f} s   with {with_[-1]:.2f} s "
            f"(watched run done at {le:.2f} s, {n} reports)"
        )
    a, b = statistics.median(without), statistics.median(with_)
    print(
        f"median to the comparison's result: without {a:.2f} s, with the live view {b:.2f} s: "
        f"{100 * (b - a) / a:+.1f} %  (budget: under 10 %)"
    )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    pool.shutdown()


if __name__ == "__main__":
    main()
