"""``govsim discover``, ``govsim robustness``, ``govsim search`` and ``govsim plot``: thin layers
over :mod:`sim.analysis`.  Imported at every start of ``govsim``: nothing heavy at the top."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli import at_least
from sim.experiments.cli import add_where_to_run


def _fraction(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {text!r}") from None
    if not 0 < x <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text}")
    return x


def _assignment(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected FACTOR=VALUE, got {text!r}")
    return key.strip(), value.strip()


def _value(text: str) -> Any:
    """A --fix value as the store shows it: a number when it reads as one, else the label."""
    try:
        x = float(text)
    except ValueError:
        return text
    return int(x) if x.is_integer() and "." not in text else x


# Long by design: the flags of four commands, one block each.
def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "discover",
        help="scenario discovery: where in factor space an outcome occurs (PRIM boxes, CART trees)",
        description="Select runs with a condition on a KPI and describe where they lie: a PRIM box with "
        "coverage, density, peeling trajectory and quasi-p values, or the boxes of a CART tree; feature "
        "scores either way.",
    )
    p.add_argument("store", help="SQLite store written by govsim sweep")
    p.add_argument(
        "--where",
        required=True,
        metavar="COND",
        help='the runs of interest, e.g. "service.unmet_share > 0.1"',
    )
    p.add_argument("--method", choices=("prim", "cart"), default="prim")
    p.add_argument(
        "--factor", action="append", metavar="F", help="factors to use (default: the uncertainties)"
    )
    p.add_argument(
        "--fix",
        action="append",
        type=_assignment,
        metavar="F=V",
        help="only runs with this factor value (repeatable)",
    )
    p.add_argument(
        "--min-density", type=_fraction, default=0.8, help="PRIM: box density to reach (default 0.8)"
    )
    p.add_argument("--max-depth", type=at_least(1), default=3, help="CART: tree depth (default 3)")
    p.add_argument("--out", metavar="DIR", help="write tables and figures here (default: next to the store)")
    p.set_defaults(func=cmd_discover)

    p = sub.add_parser(
        "robustness",
        help="regret and satisficing of each lever setting across the uncertainties",
        description="For a store whose experiment marks levers and uncertainties: per lever setting, mean, "
        "worst case, max and mean regret per KPI, and the share of scenarios meeting every goal.",
    )
    p.add_argument("store")
    p.add_argument(
        "--kpi", action="append", metavar="KPI", help="KPIs to judge (default: four with a direction)"
    )
    p.add_argument(
        "--goal", action="append", default=[], metavar="COND", help='e.g. "service.unmet_share <= 0.05"'
    )
    p.add_argument("--lever", action="append", metavar="F", help="treat these factors as the levers")
    p.add_argument("--out", metavar="DIR", help="write tables and the regret figure here")
    p.set_defaults(func=cmd_robustness)

    p = sub.add_parser(
        "search",
        help="directed search (NSGA-II) over an experiment's levers; every candidate kept in a store",
        description='Evolutionary many-objective search over the factors marked role = "lever"; each '
        "candidate runs R replications with common seeds. Resumable: run the same command again.",
    )
    p.add_argument("experiment", help="experiment TOML file with lever factors")
    p.add_argument("--minimise", "--minimize", action="append", default=[], metavar="KPI")
    p.add_argument("--maximise", "--maximize", action="append", default=[], metavar="KPI")
    p.add_argument(
        "--constraint", action="append", default=[], metavar="COND", help='e.g. "finance.balance_yuan >= 0"'
    )
    p.add_argument("--generations", type=at_least(1), default=20, help="generations (default 20)")
    p.add_argument(
        "--population", type=at_least(2), default=20, help="candidates per generation (default 20)"
    )
    p.add_argument(
        "--store", metavar="PATH", help="SQLite store (default: results/<experiment>-search.sqlite)"
    )
    add_where_to_run(p)
    p.add_argument("--replications", type=at_least(1), metavar="R", help="override the experiment's")
    p.add_argument("--quick", action="store_true", help="use the experiment's [quick] sizes")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--out", metavar="DIR", help="write the candidates, history and convergence figure here")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser(
        "plot",
        help="figures of a store: envelopes of daily series, pairs, heat map, parallel coordinates",
    )
    p.add_argument("store")
    p.add_argument("--kind", action="append", choices=("envelopes", "pairs", "heatmap", "parallel"))
    p.add_argument("--kpi", action="append", metavar="KPI")
    p.add_argument("--factor", action="append", metavar="F", help="colour by / heat-map axes")
    p.add_argument("--out", metavar="DIR", help="directory for the PNGs (default: next to the store)")
    p.set_defaults(func=cmd_plot)


#: What the `analysis` extra brings (pyproject.toml): EMA Workbench, scikit-learn, pymoo.
ANALYSIS_MODULES = frozenset({"ema_workbench", "sklearn", "pymoo"})


def _guarded(fn: Any, *a: Any, **k: Any) -> Any:
    from sim.analysis.store_data import AnalysisError
    from sim.cli import UsageError
    from sim.experiments.store import StoreError

    try:
        return fn(*a, **k)
    except (AnalysisError, StoreError) as e:
        raise UsageError(str(e)) from None
    except ModuleNotFoundError as e:
        if e.name is None or e.name.split(".")[0] not in ANALYSIS_MODULES:
            raise
        raise UsageError(
            f"this command needs the analysis extra ({e.name} is not installed): "
            "./bootstrap.sh analysis, or pip install -e '.[analysis]'"
        ) from None


def _out(args: argparse.Namespace, store: Path, suffix: str) -> Path:
    return Path(args.out) if args.out else store.with_name(store.stem + f"-{suffix}")


def cmd_discover(args: argparse.Namespace) -> int:
    from sim.analysis.discover import discover

    fix = {k: _value(v) for k, v in (args.fix or [])}
    res = _guarded(
        discover,
        args.store,
        args.where,
        method=args.method,
        factors=args.factor,
        fix=fix,
        min_density=args.min_density,
        max_depth=args.max_depth,
    )
    print(res.to_text())
    written = res.write(_out(args, Path(args.store), "discover"))
    print("\nwritten: " + ", ".join(str(p) for p in written))
    return 0


def cmd_robustness(args: argparse.Namespace) -> int:
    from sim.analysis.robustness import robustness

    res = _guarded(robustness, args.store, kpis=args.kpi, goals=args.goal, levers=args.lever)
    print(res.to_text())
    written = res.write(_out(args, Path(args.store), "robustness"))
    print("\nwritten: " + ", ".join(str(p) for p in written))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    import shlex

    from sim.analysis.search import search
    from sim.experiments.cli import EXIT_INTERRUPTED, guard_runs
    from sim.experiments.sweep import SweepInterrupted

    try:
        res = _guarded(
            guard_runs,
            search,
            args.experiment,
            minimise=args.minimise,
            maximise=args.maximise,
            constraints=args.constraint,
            generations=args.generations,
            population=args.population,
            store=args.store,
            workers=args.workers,
            scheduler=args.scheduler,
            replications=args.replications,
            quick=args.quick,
            progress=not args.no_progress,
            command="govsim " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        )
    except SweepInterrupted as e:
        # Every candidate run so far is in the store; the same command replays the search
        # from it and runs only what is missing.
        print(
            f"govsim: search interrupted: every finished run is in {e.store}; "
            "run the same command again to continue",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    print(res.to_text())
    written = res.write(_out(args, res.store, "search"))
    print("\nwritten: " + ", ".join(str(p) for p in written))
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from sim.analysis.plots import KINDS, plot_store

    out = _out(args, Path(args.store), "figures")
    figs = _guarded(plot_store, args.store, out, kinds=args.kind or KINDS, kpis=args.kpi, factors=args.factor)
    for name in figs:
        print(out / f"{name}.png")
    return 0
