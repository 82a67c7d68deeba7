"""A sweep defined in Python, run, and analysed with pandas.

Question: the staggered hours were meant for commuters.  How much of their benefit depends on how
hard it is for a commuter to take time off work?  Opening hours (office hours against the 2014
staggered hours) are crossed with the probability that a commuter takes leave to visit the
centre, on the 2014 package.

    .venv/bin/python experiments/example_sweep.py            # 2 x 3 points x 10 x 1 year: ~40 s on 2 cores
    .venv/bin/python experiments/example_sweep.py --quick    # smaller and shorter: a few seconds

Run it again and it finishes at once: every run is already in the store.  The same experiment as
a TOML file would be run by ``govsim sweep``; both go through :func:`sim.sweep`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sim
from sim.statistics import paired_difference

HERE = Path(__file__).resolve().parent

OFFICE = {"weekdays": ["08:00-12:00", "14:30-17:30"]}
STAGGERED = {"weekdays": ["08:00-20:00"], "sat": ["09:00-17:00"]}
KPI = "access.resolved_share.commuter"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 replications of 90 days, 1,500 residents")
    ap.add_argument("--store", default="results/example_sweep.sqlite")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()

    # 1. The experiment: the same structure as a file in experiments/, as a dict.
    experiment = {
        "name": "Staggered hours x commuters' leave",
        "base": "../scenarios/changsha_2014.toml",  # relative to root= below
        "replications": 3 if args.quick else 10,
        "seed": 11,
        "days": 90 if args.quick else 365,
        "kpis": [KPI, "service.daytime_wait_mean_min", "staff.overtime_h_per_staff"],
        "factors": {
            "service.opening": {"values": [OFFICE, STAGGERED], "labels": ["office hours", "staggered"]},
            "needs.take_leave_prob.commuter": {"values": [0.2, 0.5, 0.8]},
        },
    }
    if args.quick:
        experiment["set"] = {"population": {"residents": 1500}}
    exp = sim.experiment_from_mapping(experiment, root=HERE, quick=False)

    # 2. Run it.  Runs already in the store are skipped, so this is also how to resume.
    res = sim.sweep(exp, store=args.store, workers=args.workers)
    print(f"{res.ran} runs now, {res.skipped} already in {res.store}\n")

    # 3. res.runs is a tidy DataFrame: one row per design point and replication.
    runs = res.runs[res.runs["status"] == "ok"]
    leave = "needs.take_leave_prob.commuter"
    table = runs.pivot_table(index=leave, columns="service.opening", values=KPI, aggfunc="mean")
    print(f"mean {KPI} by commuters' leave probability and opening hours:")
    print((100 * table).round(1).to_string(), "\n")

    # 4. The benefit of staggered hours at each leave probability, as a paired difference: the
    #    same replication (same seed) under both opening hours, so most run-to-run noise cancels.
    print("paired difference staggered - office hours (percentage points, 95 % CI):")
    for p, group in runs.groupby(leave):
        wide = group.pivot(index="replication", columns="service.opening", values=KPI)
        d = paired_difference(wide["office hours"], wide["staggered"])
        e = d.estimate
        print(
            f"  leave probability {p:.1f}: {100 * e.mean:+.1f} "
            f"[{100 * e.low:+.1f}, {100 * e.high:+.1f}]  (n={e.n})"
        )

    # 5. The same tables for R, polars or a spreadsheet:  govsim export STORE --format parquet
    written = sim.export(res.store, format="csv")
    print("\ntables written:", ", ".join(str(p) for p in written))


if __name__ == "__main__":
    main()
