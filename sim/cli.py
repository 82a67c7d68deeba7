"""The ``govsim`` command line: a thin layer over the package's public functions.

Errors in what the user gave (a bad scenario file, a bad option) are one line on stderr and exit
status 2; Ctrl-C exits with 130.  Anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from sim import budgets, paths
from sim.parameters import PARAMS
from sim.paths import InputError
from sim.scenario import ScenarioError, load_scenario

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user; the message is shown as is."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``govsim: error: ...``), not usage + error.

    Raising instead of exiting lets :func:`main` return the status like every other error (and
    tests call ``main()`` in-process).
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def at_least(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse ``type``: a whole number of at least ``minimum`` and at most ``maximum``
    (shared by every command; flags have the same limits as the files)."""

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {n}")
        if maximum is not None and n > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, got {n:,}")
        return n

    return parse


_positive = at_least(1)
_seed = at_least(0, 2**63 - 1)
_days = at_least(1, budgets.MAX_DAYS)
_replications = at_least(1, budgets.MAX_REPLICATIONS)
_workers = at_least(1, budgets.MAX_WORKERS)


def _checked(check: Callable[..., Any], what: str) -> Callable[[str], str]:
    """An argparse ``type`` for a path, checked by :mod:`sim.paths` before any work."""

    def parse(text: str) -> str:
        try:
            check(text, what)
        except InputError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
        return text

    return parse


output_dir = _checked(paths.output_dir, "output folder")
output_file = _checked(paths.output_file, "output file")


# -- commands --------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from sim.kpis import summary_table
    from sim.run import simulate

    sc = load_scenario(args.scenario)
    if getattr(sc, "is_district", False):
        from sim.district.command import run_command

        return run_command(args, sc)
    if args.workers or args.scheduler or args.daily:
        raise UsageError("--workers, --scheduler and --daily are for district files; a community runs once")
    budgets.check_run(sc.params, args.days or sc.days, source=sc.source, yes=args.yes)
    result = simulate(sc, seed=args.seed, days=args.days, daily=args.out is not None)
    if args.out:
        result.write(args.out)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(f"{sc.name}: seed {result.seed}, {result.days} days\n")
        print(summary_table(result.kpis))
        if args.out:
            print(f"\ndaily series, summary and manifest written to {args.out}/")
    return 0


def _until(text: str) -> tuple[str, float]:
    key, sep, width = text.partition("=")
    try:
        value = float(width)
    except ValueError:
        value = -1.0
    if not sep or value <= 0:
        raise argparse.ArgumentTypeError(f"expected KPI=HALF_WIDTH with a positive number, got {text!r}")
    return key.strip(), value


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected KPI=VALUE, got {text!r}")
    return key.strip(), value.strip()


def cmd_compare(args: argparse.Namespace) -> int:
    from sim import i18n
    from sim.compare import matters_overrides
    from sim.kpis import KPIS

    for key, _ in args.until or []:
        if key not in KPIS:
            raise UsageError(f"--until: unknown KPI {key!r}; `govsim kpis` lists them")
    keys = None
    if args.kpis:
        keys = [k.strip() for k in args.kpis.split(",") if k.strip()]
        unknown = [k for k in keys if k not in KPIS]
        if unknown:
            raise UsageError(f"--kpis: unknown KPI {unknown[0]!r}; `govsim kpis` lists them")
    try:
        matters = matters_overrides(dict(args.matters or []))
    except ValueError as e:
        raise UsageError(f"--matters: {e}") from None
    with i18n.language(args.lang or i18n.from_locale()):
        return _compare(args, keys, matters)


# Long by design: the compare command's options checked and passed on, then its three outputs.
def _compare(args: argparse.Namespace, keys: list[str] | None, matters: dict) -> int:
    """The comparison itself, its table (in the language in force) and its report."""
    import math

    from tqdm import tqdm

    from sim.compare import compare
    from sim.i18n import _

    scenarios = [load_scenario(p) for p in args.scenarios]
    if len(scenarios) < 2:
        raise UsageError("compare needs at least two scenario files")
    _check_compare_budget(scenarios, args)
    tqdm.monitor_interval = 0  # no monitor thread: the process pool can then fork safely
    bar = tqdm(
        total=args.replications * len(scenarios), unit="run", desc="compare", file=sys.stderr, leave=False
    )

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        result = compare(
            scenarios,
            replications=args.replications,
            seed=args.seed,
            days=args.days,
            workers=args.workers,
            scheduler=args.scheduler,
            daily=args.report is not None,
            until=dict(args.until) if args.until else None,
            max_replications=args.max_replications,
            progress=progress,
            matters=matters,
        )
    finally:
        bar.close()
    if args.report:
        result.write_report(args.report)
    if args.json:
        table = result.table if keys is None else result.table[result.table["kpi"].isin(keys)]
        records = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in table.to_dict(orient="records")
        ]
        doc = {
            "scenarios": result.names,
            "replications": len(result.seeds),
            "seeds": result.seeds,
            "days": result.days,
            "failed_runs": result.failures,
            "table": records,
        }
        print(json.dumps(doc, indent=2))
    else:
        print(
            _(
                "{runs} paired replications of {days} days (seed {seed}); mean [95 % CI]; differences "
                "against {baseline}, paired, with relative change and Cohen's d; better/WORSE: sure and "
                "at least the size that matters (`govsim kpis`), negligible: sure but smaller."
            ).format(runs=len(result.seeds), days=result.days, seed=args.seed, baseline=result.names[0])
            + "\n"
        )
        print(result.to_text(keys))
        from sim.value import render_value

        value = render_value(result)
        if value:
            print("\n" + value)
        if result.communities is not None:
            from sim.district.report import losers_text

            print("\n" + losers_text(result))
        if result.failures:
            print("\n" + _("{n} runs failed:").format(n=len(result.failures)), *result.failures, sep="\n  ")
        if args.report:
            print("\n" + _("report written to {path}").format(path=f"{args.report}/report.html"))
    return 1 if result.failures else 0


def _check_compare_budget(scenarios: list[Any], args: argparse.Namespace) -> None:
    """Refuse (or, past the soft limits, ask for --yes) before the first run starts."""
    from sim.executors import default_workers

    days = args.days or scenarios[0].days
    costs = [
        budgets.check_district(sc, days)
        if getattr(sc, "is_district", False)
        else budgets.check_run(sc.params, days, source=sc.source)
        for sc in scenarios
    ]
    biggest = max(costs, key=lambda c: c.bytes)
    mean = budgets.RunCost(sum(c.seconds for c in costs) / len(costs), biggest.bytes)
    runs = len(scenarios) * max(args.replications, args.max_replications if args.until else 0)
    workers = args.workers or (1 if args.scheduler else default_workers())
    est = budgets.check_job(runs, mean, workers=workers, yes=args.yes)
    if budgets.is_large(est):
        print(f"govsim: estimate: {est}", file=sys.stderr)


def cmd_kpis(args: argparse.Namespace) -> int:
    from sim.kpis import DAILY, KPIS

    width = max(len(k) for k in KPIS)
    print("Summary KPIs (better: which direction counts as an improvement)")
    for k in KPIS.values():
        print(f"  {k.key:<{width}}  {k.unit:<13} {k.better or '-':<7} {k.doc}")
        if k.better:
            print(f"  {'':<{width}}  {'':<13} {'':<7} matters from: {k.matters.describe(k.unit)}")
    print("\nDaily series (one row per day with --out, in reports and exports)")
    for name, doc in DAILY.items():
        print(f"  {name:<{width}}  {doc}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.files:
        try:
            sc = load_scenario(path)
            count = len(sc.members) if getattr(sc, "is_district", False) else 0  # each community checked
        except ScenarioError as e:
            print(f"error: {e}", file=sys.stderr)
            failed += 1
            continue
        if getattr(sc, "is_district", False):
            kinds = f"{len(sc.types)} community types" if sc.types else "listed communities"
            print(f"ok: {path} ({sc.name}: a district of {count} communities, {kinds})")
            continue
        steps = f", {len(sc.timeline)} timeline steps" if sc.timeline else ""
        print(f"ok: {path} ({sc.name}: {len(sc.changes_from_defaults())} parameters off the defaults{steps})")
    return EXIT_USAGE if failed else 0


def cmd_show(args: argparse.Namespace) -> int:
    sc = load_scenario(args.scenario)
    shown = sc.params if args.all else sc.changes_from_defaults()
    print(f"{sc.name}" + (f": {sc.description}" if sc.description else ""))
    if not shown:
        print("  (every parameter at its default: the 2002 situation)")
    for key, value in shown.items():
        unit = PARAMS[key].unit
        print(f"  {key} = {json.dumps(value, ensure_ascii=False)}" + (f"  [{unit}]" if unit else ""))
    if getattr(sc, "is_district", False):
        print(sc.describe())
    for step in sc.timeline:
        print(f"  from day {step.day}{f' ({step.date})' if step.date else ''}: {step.label}")
        for key, value in step.changes.items():
            print(f"      {key} = {json.dumps(value, ensure_ascii=False)}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from sim.bench import main as bench_main

    return bench_main(scenario=args.scenario, sizes=args.residents, repeats=args.repeats, days=args.days)


# -- parser ----------------------------------------------------------------------------------


# Long by design: the argument table of the core commands.
def build_parser() -> argparse.ArgumentParser:
    from sim import __version__

    parser = _Parser(
        prog="govsim",
        description="Agent-based simulation of urban community-governance reforms (Changsha 2003-2014).",
    )
    parser.add_argument("--version", action="version", version=f"govsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="run one scenario once and print its KPIs")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--seed", type=_seed, default=1, help="random seed (default 1)")
    p.add_argument(
        "--days",
        type=_days,
        default=None,
        help=f"days to simulate, at most {budgets.MAX_DAYS:,} (default: the scenario's)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--out", metavar="DIR", type=output_dir, help="write daily.csv, summary.json and manifest.json here"
    )
    p.add_argument("--workers", type=_workers, default=None, help="district files: local worker processes")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="district files: run on this Dask cluster")
    p.add_argument("--daily", action="store_true", help="district files: keep every community's daily series")
    add_yes(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "compare",
        help="compare scenarios with paired replications (the first is the reference)",
        description="Run every scenario with the same seeds (common random numbers) and print, for each "
        "KPI, each scenario's mean with a 95 % interval and the paired difference from the first.",
    )
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="two or more scenario TOML files")
    p.add_argument(
        "--replications", "-r", type=_replications, default=10, help="paired runs per scenario (default 10)"
    )
    p.add_argument("--seed", type=_seed, default=1, help="base seed (default 1)")
    p.add_argument("--days", type=_days, default=None, help="days per run (default: the first scenario's)")
    p.add_argument(
        "--workers", type=_workers, default=None, help="local worker processes (default: all cores)"
    )
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask cluster instead")
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.add_argument(
        "--report", metavar="DIR", type=output_dir, help="write tables, figures and report.html here"
    )
    p.add_argument("--kpis", metavar="K1,K2", help="only these KPIs in the printed table")
    p.add_argument(
        "--until",
        type=_until,
        action="append",
        metavar="KPI=HALF_WIDTH",
        help="add replications until the 95 %% interval of this KPI's difference is at most +/- HALF_WIDTH "
        "(repeatable)",
    )
    p.add_argument(
        "--max-replications", type=_replications, default=100, help="cap for --until (default 100)"
    )
    add_yes(p)
    p.add_argument(
        "--lang",
        choices=["en", "zh"],
        default=None,
        help="language of the table and the report: en or zh (default: from the locale, LANG)",
    )
    p.add_argument(
        "--matters",
        type=_key_value,
        action="append",
        metavar="KPI=SIZE",
        help="the smallest difference of this KPI that matters (in its unit, shares as fractions, or "
        "N%% of the baseline); a sure but smaller difference is called negligible (repeatable; "
        "default: the KPI catalogue's, see `govsim kpis`)",
    )
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("kpis", help="list the KPIs and daily series")
    p.set_defaults(func=cmd_kpis)

    p = sub.add_parser("validate", help="check scenario files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("show", help="print what a scenario sets (resolved through extends/apply)")
    p.add_argument("scenario")
    p.add_argument("--all", action="store_true", help="every parameter, not only those off the defaults")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("bench", help="time one community-year and check the speed targets")
    p.add_argument("--scenario", default=str(_scenarios_dir() / "changsha_2014.toml"))
    p.add_argument(
        "--residents",
        type=at_least(10, PARAMS["population.residents"].hi),
        nargs="+",
        default=[3000, 6000, 12000],
    )
    p.add_argument("--repeats", type=at_least(1, 1000), default=5)
    p.add_argument("--days", type=_days, default=365)
    p.set_defaults(func=cmd_bench)

    import importlib

    for module in _COMMAND_MODULES:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name is None or not module.startswith(e.name):
                raise
            continue  # not written yet
        mod.add_commands(sub)
    return parser


def add_yes(p: argparse.ArgumentParser) -> None:
    """``--yes``: go past the soft limits of :mod:`sim.budgets` (the hard ones stay)."""
    p.add_argument(
        "--yes", action="store_true", help="run even if the estimate is above the soft limits (large jobs)"
    )


def _scenarios_dir() -> Path:
    return Path("scenarios")


# Commands defined next to the code they drive: each module has ``add_commands(subparsers)``.
_COMMAND_MODULES = ("sim.experiments.cli", "sim.ui.cli", "sim.validation.cli", "sim.analysis.cli")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except (ScenarioError, UsageError, InputError) as e:
        print(f"govsim: error: {_one_line(str(e))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    except OSError as e:
        # Checked paths can still fail while writing (a full disk, a folder removed meanwhile):
        # the machine's problem, said in one line, not a traceback.
        if e.filename is None:
            raise
        print(f"govsim: error: {paths.shown(e.filename)}: {e.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("govsim: interrupted", file=sys.stderr)
        return 130


def _one_line(text: str) -> str:
    """Messages quote what the user gave; a newline in it must not break the one line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


if __name__ == "__main__":
    sys.exit(main())
