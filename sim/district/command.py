"""``govsim run`` of a district file: the command's side, kept beside the district's code."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sim import budgets


def run_command(args: argparse.Namespace, district: Any) -> int:
    """``govsim run`` of a district file: its communities over ``--workers`` processes or a Dask
    cluster, a bar over the monthly coupling points, then the district's results."""
    from tqdm import tqdm

    from sim.executors import default_workers
    from sim.run import simulate_district

    days = args.days or district.days
    # On a cluster the district takes one shard per Dask worker unless told otherwise.
    workers = args.workers or (1 if args.scheduler else min(default_workers(), district.count))
    budgets.check_district(district, days, workers=1 if args.scheduler else workers, yes=args.yes)
    tqdm.monitor_interval = 0  # no monitor thread: the worker processes can then fork safely
    with tqdm(total=None, unit="month", disable=args.json, leave=False, file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        result = simulate_district(
            district, seed=args.seed, days=days, workers=workers, scheduler=args.scheduler,
            daily=args.daily, progress=progress,
        )  # fmt: skip
    if args.out:
        result.write(args.out)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
        return 0
    print(result.district.to_text())
    if args.out:
        print(f"\ncommunities.csv, monthly.csv, summary and manifest written to {args.out}/")
    return 0
