"""What the live view costs a Run: the page's comparison with and without one watched run.

    .venv/bin/python benchmarks/bench_live.py              # 2 scenarios x 10 runs x 1 year, 3 repeats
    .venv/bin/python benchmarks/bench_live.py --quick      # 2 x 4 runs x 120 days
    .venv/bin/python benchmarks/bench_live.py --browser    # the real page in headless Chromium

With the live view on, Run also runs one extra replication in the app's own process (a thread of
the server) and reports it a few times a second (:mod:`sim.ui.live`).  This script does what the
server does, without the browser: the comparison on the app's warm pool of worker processes
(``sim.ui.runner.run_comparison``), and - for the "with" condition - ``watch_run`` in a thread of
this process whose report builds the two curves and the hall as the page does (``curve_svg``,
``hall_html``).  Measured: the wall time from start to the comparison's result (what the planner
waits for: the table), and when the watched run finished.  The conditions alternate (without,
with, without, ...) so that a change in the machine's load hits both; the median is reported.

Not included in that mode: Solara's re-render of the page at each report (twice a second at
most).  ``--browser`` measures the whole thing instead: ``govsim ui`` on a free port, the page in
headless Chromium (/usr/bin/chromium), Run pressed with *Watch one run as it goes* on and off in
turn, the time from pressing Run to the KPI table on screen.  The load average is printed first:
on a machine shared with other jobs both conditions slow down and the difference gets noisy.
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
    ap.add_argument("--browser", action="store_true")
    args = ap.parse_args()
    if args.browser:
        browser(args.repeats)
        return
    reps, days = (4, 120) if args.quick else (10, 365)

    from sim.rng import replication_seed
    from sim.scenario import load_scenario
    from sim.ui.components.live_view import hall_html
    from sim.ui.live import PACE_DAYS_PER_S, curve_svg, watch_run
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

            watch_run(scenarios[1], replication_seed(1, 0), days, report, pace=PACE_DAYS_PER_S)
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


def browser(repeats: int) -> None:
    """Run -> KPI table in the real page, with the live view on and off in turn."""
    import signal
    import socket
    import subprocess
    import sys
    import tempfile
    import urllib.request

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("VSCODE_PID", "VSCODE_CWD")}
    env["GOVSIM_UI_DATA_DIR"] = str(tmp / "data")
    govsim = Path(sys.executable).with_name("govsim")
    with (tmp / "server.log").open("w") as log:
        proc = subprocess.Popen(
            [str(govsim), "ui", "--port", str(port), "--save-dir", str(tmp / "custom")],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}/"
    for _i in range(300):
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    print(f"load average {os.getloadavg()[0]:.2f}; headless Chromium; 2 scenarios x 10 runs x 1 year")
    times: dict[bool, list[float]] = {True: [], False: []}
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                user_data_dir=str(tmp / "profile"),
                executable_path="/usr/bin/chromium",
                headless=True,
                args=["--no-sandbox", "--disable-gpu"],
                viewport={"width": 1400, "height": 1000},
            )
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(300_000)
            page.goto(url)
            page.get_by_text("1. Scenarios").wait_for()
            switch = page.locator(".govsim-live-switch input")
            for i in range(2 * repeats + 1):
                live = i % 2 == 1
                if switch.is_checked() != live:
                    switch.click(force=True)
                    time.sleep(0.5)
                seed = page.get_by_label("Random seed")
                seed.fill(str(i + 1))  # a new seed: the page shows fresh results, not the old table
                seed.press("Enter")
                page.locator(".govsim-run-button:not([disabled])").wait_for()
                table = page.locator("table.govsim-kpis")
                before = table.inner_text() if table.count() else ""
                started = time.perf_counter()
                page.locator(".govsim-run-button").click()
                # The table is on screen when it holds the new run's numbers (a new seed each time).
                page.wait_for_function(
                    "old => { const e = document.querySelector('table.govsim-kpis');"
                    " return e && e.innerText !== old; }",
                    arg=before,
                    polling=50,
                )
                seconds = time.perf_counter() - started
                page.locator(".govsim-run-button:not([disabled])").wait_for()
                if i == 0:
                    continue  # warm-up
                times[live].append(seconds)
                print(f"  live view {'on ' if live else 'off'}: Run -> table {seconds:.1f} s")
            context.close()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    a, b = statistics.median(times[False]), statistics.median(times[True])
    print(
        f"median Run -> table: off {a:.1f} s, on {b:.1f} s: {100 * (b - a) / a:+.1f} %  (budget: under 10 %)"
    )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
