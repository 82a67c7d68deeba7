"""A district year: parallel efficiency on the local pool, the same on Dask, and the coordinator's
peak memory.

    .venv/bin/python benchmarks/bench_district.py                  # 500 communities, 2 workers
    .venv/bin/python benchmarks/bench_district.py --communities 50 # a quick look
    .venv/bin/python benchmarks/bench_district.py --dask           # and on a local Dask cluster

Measured, in this order:

1. **One community-year, serially**: every community of the district (or an evenly spaced sample,
   ``--sample``) run one after another in this process, each alone; their mean wall time times the
   number of communities is what the district would take on one core without coupling.
2. **The district year on W local workers**: ``run_district(workers=W)``, wall time from the start
   (the workers build their communities) to the last community's KPIs, coupling included.
   Parallel efficiency = (serial estimate / W) / wall time; the issue asks for at least 75 %.
3. **The same on Dask** (``--dask``): ``dask scheduler`` and ``dask worker --nworkers W
   --nthreads 1`` started here on 127.0.0.1.  First a run on the fresh workers (whose first job
   imports the model, which forked local workers inherit), then ``--rounds`` rounds of the local
   pool and Dask one after the other, as an existing cluster serves its next jobs.  Each round's
   ratio compares two runs a minute apart: on a shared machine the speed drifts by 10 % within
   minutes (measured here), and a ratio of runs taken far apart measures the drift.  The issue asks
   for Dask within 20 % of the local pool.
4. **Coordinator peak memory**: this process's peak resident set (``ru_maxrss``) after the
   district run, which holds the monthly reports and the KPIs, not the communities; and the
   largest worker's (which holds its share of the communities).

The load average is printed first: on a machine shared with other jobs every figure slows down.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serial_sample(district, seed: int, sample: int) -> tuple[float, int]:
    """Mean wall seconds of one community-year over an evenly spaced sample of the communities."""
    from sim.district.shard import community_seed
    from sim.model import CommunityModel

    members = district.members
    step = max(1, len(members) // sample) if sample else 1
    picked = members[::step][:sample] if sample else members
    t0 = time.perf_counter()
    for m in picked:
        CommunityModel(m.scenario, seed=community_seed(seed, m.index), days=district.days).run().summary()
    return (time.perf_counter() - t0) / len(picked), len(picked)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dask(workers: int) -> tuple[str, list[subprocess.Popen]]:
    dask = Path(sys.executable).with_name("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]
    worker = [str(dask), "worker", address, "--host", "127.0.0.1", "--nworkers", str(workers)]
    worker += ["--nthreads", "1", "--no-dashboard", "--memory-limit", "0"]
    procs = [subprocess.Popen(scheduler, **quiet), subprocess.Popen(worker, **quiet)]
    from distributed import Client

    deadline = time.monotonic() + 90
    while True:
        try:
            with Client(address, timeout="5s") as c:
                c.wait_for_workers(workers, timeout=60)
            return address, procs
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "district_changsha.toml"))
    ap.add_argument("--communities", type=int, default=None, help="override the district's count")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--sample",
        type=int,
        default=0,
        help="communities timed serially (0: all; a sample of a few "
        "dozen misjudges the mean by 10-25 %%: sizes range from 3,000 to 12,000 residents)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dask", action="store_true")
    ap.add_argument("--rounds", type=int, default=2, help="paired local/Dask rounds after the fresh run")
    args = ap.parse_args()

    from sim.district.runner import run_district
    from sim.scenario import load_scenario

    district = load_scenario(args.scenario)
    if args.communities:
        district = district.with_changes({"district.communities": args.communities})
    n = district.count
    print(f"load average {os.getloadavg()[0]:.2f}; {n} communities, {district.residents:,} residents")
    one, k = serial_sample(district, args.seed, args.sample)
    serial = one * n
    print(f"one community-year (mean of {k} run serially): {one:.3f} s -> {serial:.0f} s on one core")

    t0 = time.perf_counter()
    local = run_district(district, seed=args.seed, workers=args.workers)
    wall = time.perf_counter() - t0
    ideal = serial / args.workers
    print(
        f"district year on {args.workers} local workers: {wall:.1f} s "
        f"(ideal {ideal:.1f} s): parallel efficiency {ideal / wall:.0%}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(f"coordinator peak memory: {peak / 1e6:.0f} MB; largest worker: {worker / 1e6:.0f} MB")

    if args.dask:
        address, procs = start_dask(args.workers)
        try:
            t0 = time.perf_counter()
            fresh = run_district(district, seed=args.seed, scheduler=address)
            fresh_wall = time.perf_counter() - t0
            print(f"district year on Dask ({args.workers} workers), fresh workers: {fresh_wall:.1f} s, "
                  f"{fresh_wall / wall:.2f} x the first local run")  # fmt: skip
            same = fresh.communities.equals(local.communities)
            ratios = []
            for r in range(1, args.rounds + 1):
                t0 = time.perf_counter()
                run_district(district, seed=args.seed, workers=args.workers)
                lwall = time.perf_counter() - t0
                t0 = time.perf_counter()
                on_dask = run_district(district, seed=args.seed, scheduler=address)
                dwall = time.perf_counter() - t0
                ratios.append(dwall / lwall)
                same = same and on_dask.communities.equals(local.communities)
                print(f"round {r}: local pool {lwall:.1f} s, the same Dask workers again {dwall:.1f} s: "
                      f"{dwall / lwall:.2f} x")  # fmt: skip
        finally:
            for p in reversed(procs):
                p.terminate()
                p.wait(timeout=30)
        if ratios:
            print(f"Dask / local pool, paired rounds: median {statistics.median(ratios):.2f} x "
                  f"(range {min(ratios):.2f}-{max(ratios):.2f})")  # fmt: skip
        print(f"same numbers on Dask as on the local pool: {same}")


if __name__ == "__main__":
    main()
