"""``govsim validate-model`` and ``govsim params``: thin layers over :mod:`sim.validation`.

Imported at every start of ``govsim``, so nothing heavy is imported at the top of this module.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli import at_least


def cmd_validate_model(args: argparse.Namespace) -> int:
    from sim.cli import UsageError

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: {out} exists and is not a directory")
    scenarios = Path(args.scenarios)
    if not (scenarios / "baseline_2002.toml").is_file():
        raise UsageError(f"--scenarios: no baseline_2002.toml in {scenarios}")

    from sim.validation.evidence import main_for_cli
    from sim.validation.settings import FULL, QUICK

    base = QUICK if args.quick else FULL
    changes = {}
    if args.replications is not None:
        changes["replications"] = args.replications
    if args.timeline_replications is not None:
        changes["timeline_replications"] = args.timeline_replications
    if args.seed is not None:
        changes["seed"] = args.seed
    import dataclasses

    settings = dataclasses.replace(base, **changes)
    main_for_cli(str(out), settings, str(scenarios), args.workers, quiet=args.quiet)
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.cli import UsageError

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: {out} exists and is not a directory")
    scenarios = Path(args.scenarios)
    if not (scenarios / "baseline_2002.toml").is_file():
        raise UsageError(f"--scenarios: no baseline_2002.toml in {scenarios}")

    import dataclasses

    from sim.experiments.store import StoreError
    from sim.validation import robustness as rb
    from sim.validation.calibration import calibrate
    from sim.validation.calibration_file import load_spec
    from sim.validation.calibration_report import report, write
    from sim.validation.claims import CLAIMS

    spec = load_spec(args.file, quick=args.quick)
    if args.samples is not None:
        spec = dataclasses.replace(spec, samples=args.samples)
    store = Path(args.store or f"results/{'calibration-quick' if args.quick else 'calibration'}.sqlite")
    store.parent.mkdir(parents=True, exist_ok=True)
    try:
        found = calibrate(spec, scenarios, CLAIMS, store, args.workers, progress=not args.quiet)
    except StoreError as e:  # a store of another calibration file, or of another version of it
        raise UsageError(f"--store: {e}") from None
    robust, basis = rb.robustness_table(found, CLAIMS)
    write(out, found)
    robust.to_csv(out / "robustness.csv", index=False)
    rb.paired_differences(found, CLAIMS).to_csv(out / "robustness_sets.csv", index=False)
    (out / "calibration.md").write_text(report(found, robust, basis))
    counts = found.pattern_counts()
    for r in counts.itertuples():
        print(
            f"  {r.pattern:<28} met in {r.met} of {r.sets} Latin-hypercube sets "
            f"({r.met_all} of {r.sets_all} in all)"
        )
    print(rb.basis_sentence(int(robust["sets"].max()) if len(robust) else 0, basis, found.how_found()))
    for r in robust.itertuples():
        print(f"  {r.reform:<22} {r.kpi:<40} holds in {r.holds_in} of {r.sets} {basis} sets")
    if found.shipped is not None:
        c = spec.confirm
        print(
            f"shipped set: {int(found.shipped['set'])} (the most central accepted set to meet every "
            f"pattern again over {c.replications} replications from seed {c.seed}; "
            f"{len(found.confirmed)} tried)"
        )
    print(f"evidence in {out}/calibration.md; runs kept in {store} and beside it (run again to resume)")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from sim.validation.docs import render_parameters

    text = render_parameters()
    if args.check:
        path = Path(args.check)
        current = path.read_text() if path.is_file() else ""
        if current != text:
            print(f"{path} is out of date: run `govsim params --out {path}`", file=sys.stderr)
            return 1
        print(f"{path} matches the parameter schema")
        return 0
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
        print(f"parameter table written to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


# Long by design: the options of three commands, one declaration each.
def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``validate-model`` and ``params`` to the ``govsim`` command line."""
    p = sub.add_parser(
        "validate-model",
        help="regenerate the verification and validation evidence (docs/validation/)",
        description="Run the article's claims as paired comparisons, the staggered-hours trade-off, "
        "the M/M/c check against Erlang C, Little's law in every run, determinism and common random "
        "numbers, and the 2003-2014 replay; write tables, figures and README.md into --out.",
    )
    p.add_argument("--out", default="docs/validation", metavar="DIR", help="default docs/validation")
    p.add_argument(
        "--quick",
        action="store_true",
        help="few short runs on a small population: checks the pipeline in well under a minute; "
        "the numbers are not evidence",
    )
    p.add_argument(
        "--replications", "-r", type=at_least(2), default=None, help="paired runs per scenario (default 8)"
    )
    p.add_argument(
        "--timeline-replications",
        type=at_least(2),
        default=None,
        help="runs of the 12-year replay and its counterfactual (default 6)",
    )
    p.add_argument("--seed", type=at_least(0), default=None, help="base seed (default 2024)")
    p.add_argument("--workers", type=at_least(1), default=None, help="worker processes (default: all cores)")
    p.add_argument(
        "--scenarios", default="scenarios", metavar="DIR", help="scenario files (default scenarios)"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=cmd_validate_model)

    p = sub.add_parser(
        "calibrate",
        help="calibrate the uncertain parameters to the pattern targets; count each claim's robustness",
        description="Run a Latin hypercube of the uncertain parameters "
        "(experiments/calibration/patterns.toml) for "
        "the 2002 baseline, the 2014 package and every reform file with a claim, under common random "
        "numbers; keep the sets that meet every pattern target; count in how many of them each claim "
        "holds. Runs are kept in an SQLite store: run the same command again to resume. Writes "
        "calibration.md, calibration_*.csv, robustness*.csv and calibration.png into --out.",
    )
    p.add_argument(
        "file",
        nargs="?",
        default=None,
        help="calibration file (default experiments/calibration/patterns.toml)",
    )
    p.add_argument("--out", default="docs/validation", metavar="DIR", help="default docs/validation")
    p.add_argument("--quick", action="store_true", help="the file's [quick] sizes: checks the pipeline only")
    p.add_argument("--samples", type=at_least(1), default=None, help="parameter sets (default: the file's)")
    p.add_argument("--store", metavar="FILE", default=None, help="default results/calibration.sqlite")
    p.add_argument("--workers", type=at_least(1), default=None, help="worker processes (default: all cores)")
    p.add_argument(
        "--scenarios", default="scenarios", metavar="DIR", help="scenario files (default scenarios)"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser(
        "params",
        help="print the parameter table (docs/parameters.md) generated from the schema",
        description="The parameter table in Markdown: every parameter with its default, unit, range "
        "and source, generated from sim.parameters.PARAMS.",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("--out", metavar="FILE", help="write it here (e.g. docs/parameters.md)")
    group.add_argument("--check", metavar="FILE", help="exit 1 if FILE differs from the schema's table")
    p.set_defaults(func=cmd_params)
