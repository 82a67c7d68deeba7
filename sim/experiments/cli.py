"""``govsim sweep``, ``govsim sensitivity`` and ``govsim export``: thin layers over the functions.

Imported at every start of ``govsim``, so this module imports nothing heavy at the top.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from sim import budgets
from sim.cli import add_yes, at_least, output_dir, output_file
from sim.experiments.sensitivity import FROM_STORE_METHODS

EXIT_INTERRUPTED = 130


def _seconds(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not x > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return x


def add_where_to_run(p: argparse.ArgumentParser) -> None:
    """``--workers N`` (local processes) or ``--scheduler URL`` (a Dask cluster)."""
    p.add_argument(
        "--workers",
        type=at_least(1, budgets.MAX_WORKERS),
        help="local worker processes (default: one per core)",
    )
    p.add_argument(
        "--scheduler", type=scheduler_address, metavar="URL", help="run on this Dask cluster instead"
    )


def scheduler_address(text: str) -> str:
    if "://" not in text:
        raise argparse.ArgumentTypeError(f"expected an address like tcp://HOST:8786, got {text!r}")
    return text


def _run_options(p: argparse.ArgumentParser, optional: bool = False) -> None:
    if optional:
        p.add_argument("experiment", nargs="?", help="experiment TOML file (or --from-store)")
    else:
        p.add_argument("experiment", help="experiment TOML file (see docs/experiments.md)")
    p.add_argument("--store", metavar="PATH", help="SQLite store (default: results/<experiment>.sqlite)")
    add_where_to_run(p)
    p.add_argument("--timeout", type=_seconds, metavar="S", help="stop a run after S seconds (a failure)")
    p.add_argument(
        "--replications",
        type=at_least(1, budgets.MAX_REPLICATIONS),
        metavar="R",
        help="override the experiment's",
    )
    p.add_argument("--quick", action="store_true", help="use the experiment's [quick] sizes")
    p.add_argument("--retry-failed", action="store_true", help="run the runs that failed before again")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_yes(p)


# Long by design: the flags of the experiment commands, one block each.
def add_commands(sub: Any) -> None:
    """Add the experiment commands to ``govsim``'s subparsers."""
    p = sub.add_parser(
        "sweep",
        help="run an experiment's design into an SQLite store (resumable)",
        description="Run every design point of EXPERIMENT, R replications each, and record every run in an "
        "SQLite store as it finishes. Run the same command again to resume after an interruption.",
    )
    _run_options(p)
    p.add_argument(
        "--dry-run", action="store_true", help="show the design size and what is left; run nothing"
    )
    p.add_argument(
        "--report",
        metavar="DIR",
        help="also draw the sweep's figures here (pairs, heat map, parallel coordinates, envelopes)",
    )
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser(
        "sensitivity",
        help="Sobol or Morris sensitivity indices of an experiment (resumable)",
        description="Run a Saltelli or Morris design through the sweep machinery, average the replications "
        "of each point, and report first-order and total indices with bootstrap intervals. With "
        "--from-store STORE, compute delta, PAWN or RBD-FAST indices from the runs already in any store.",
    )
    _run_options(p, optional=True)
    p.add_argument("--from-store", metavar="STORE", help="indices from the runs of this store (no new runs)")
    p.add_argument(
        "--method",
        choices=FROM_STORE_METHODS,
        default="delta",
        help="with --from-store: delta (moment-independent, default), pawn or rbd_fast",
    )
    p.add_argument(
        "--kpi", action="append", metavar="KPI", help="analyse this KPI (repeatable; default: all kept)"
    )
    p.add_argument(
        "--resamples", type=at_least(1, 100_000), default=1000, help="bootstrap resamples (default 1000)"
    )
    p.add_argument("--csv", metavar="FILE", type=output_file, help="write the indices as CSV")
    p.add_argument(
        "--json", metavar="FILE", type=output_file, help="write indices, convergence and noise as JSON"
    )
    p.add_argument(
        "--figure",
        metavar="FILE",
        type=output_file,
        help="convergence figure (PNG; default: next to the store, -convergence.png)",
    )
    p.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser(
        "export",
        help="write a store's runs (and daily series) as tidy CSV or Parquet tables",
        description="One row per run (runs.*), one row per run and day (daily.*, when kept), "
        "and manifest.json.",
    )
    p.add_argument("store", help="SQLite store written by govsim sweep")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument(
        "--out", metavar="DIR", type=output_dir, help="directory (default: the store's path without .sqlite)"
    )
    p.set_defaults(func=cmd_export)


def _usage(message: str) -> Exception:
    from sim.cli import UsageError

    return UsageError(message)


def _command() -> str:
    return "govsim " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def _common(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "store": args.store,
        "workers": args.workers,
        "scheduler": args.scheduler,
        "timeout": args.timeout,
        "replications": args.replications,
        "retry_failed": args.retry_failed,
        "progress": not args.no_progress,
        "command": _command(),
        "yes": args.yes,
    }


def guard_runs(fn: Any, *a: Any, **k: Any) -> Any:
    """Turn the library's errors about the user's input into one-line usage errors."""
    from sim.experiments.sensitivity import SensitivityError
    from sim.experiments.store import StoreError

    try:
        return fn(*a, **k)
    except (StoreError, SensitivityError) as e:
        raise _usage(str(e)) from None
    except RuntimeError as e:
        if "dask" in str(e):
            raise _usage(str(e)) from None
        raise
    except OSError as e:
        if "connect" in str(e).lower() or isinstance(e, TimeoutError):
            raise _usage(f"cannot reach the Dask scheduler {k.get('scheduler')}: {e}") from None
        raise


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.experiments.sweep import SweepInterrupted, as_experiment, sweep

    exp = as_experiment(args.experiment, quick=args.quick)
    if args.dry_run:
        return _dry_run(exp, args)
    try:
        res = guard_runs(sweep, exp, **_common(args))
    except SweepInterrupted as e:
        print(f"govsim: {e}", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(res.to_text())
    print(f"\ntables: govsim export {res.store} --format csv|parquet")
    if args.report:
        from sim.analysis.plots import plot_store
        from sim.analysis.store_data import AnalysisError

        try:
            figs = plot_store(res.store, args.report)
        except AnalysisError as e:
            raise _usage(str(e)) from None
        print("figures: " + ", ".join(str(Path(args.report) / f"{n}.png") for n in figs))
    return 0


def _dry_run(exp: Any, args: argparse.Namespace) -> int:
    from sim.experiments.store import check_store_file, stored_run_ids
    from sim.experiments.sweep import check_budget, default_store, plan

    if args.replications:
        exp = exp.with_options(replications=args.replications)
    estimate = guard_runs(check_budget, exp, workers=args.workers, scheduler=args.scheduler, yes=True)
    store = Path(args.store) if args.store else default_store(exp)
    guard_runs(check_store_file, store)
    points = exp.points()
    planned = plan(exp, points)
    distinct = {pl.rid for pl in planned}
    have = guard_runs(stored_run_ids, store) if store.exists() else set()
    print(f"{exp.name}: {exp.design.kind} design, {len(points)} points x {exp.replications} replications")
    print(f"factors: {', '.join(exp.factor_keys) or '(none)'}")
    print(f"estimate: {estimate}")
    print(
        f"distinct runs: {len(distinct)}; already in {store}: {len(distinct & have)}; "
        f"to run: {len(distinct - have)}"
    )
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from sim.experiments.sensitivity.sobol_morris import sensitivity
    from sim.experiments.sweep import SweepInterrupted

    if args.from_store:
        return _sensitivity_from_store(args)
    if not args.experiment:
        raise _usage("sensitivity needs an EXPERIMENT file, or --from-store STORE")

    try:
        res = guard_runs(
            sensitivity,
            args.experiment,
            quick=args.quick,
            kpis=args.kpi,
            resamples=args.resamples,
            **_common(args),
        )
    except SweepInterrupted as e:
        print(f"govsim: {e}", file=sys.stderr)
        return EXIT_INTERRUPTED
    assert res.store is not None
    figure = args.figure or str(res.store.with_name(res.store.stem + "-convergence.png"))
    written = res.write(csv=args.csv, json_path=args.json, figure=figure)
    print(res.to_text())
    print("\nwritten: " + ", ".join(str(p) for p in written))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from sim.experiments.export import export

    written = guard_runs(export, args.store, args.out, format=args.format)
    for p in written:
        print(p)
    return 0


def _sensitivity_from_store(args: argparse.Namespace) -> int:
    from sim.experiments.sensitivity.store_methods import from_store

    if args.experiment:
        raise _usage("give either an EXPERIMENT file or --from-store STORE, not both")
    store = Path(args.from_store)
    res = guard_runs(from_store, store, method=args.method, kpis=args.kpi, resamples=args.resamples)
    figure = args.figure or str(store.with_name(f"{store.stem}-{args.method}.png"))
    written = res.write(csv=args.csv, json_path=args.json, figure=figure)
    print(res.to_text())
    print("\nwritten: " + ", ".join(str(p) for p in written))
    return 0
