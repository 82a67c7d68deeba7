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

    from sim.validation.evidence import QUICK, Settings, main_for_cli

    base = QUICK if args.quick else Settings()
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
        "params",
        help="print the parameter table (docs/parameters.md) generated from the schema",
        description="The parameter table in Markdown: every parameter with its default, unit, range "
        "and source, generated from sim.parameters.PARAMS.",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("--out", metavar="FILE", help="write it here (e.g. docs/parameters.md)")
    group.add_argument("--check", metavar="FILE", help="exit 1 if FILE differs from the schema's table")
    p.set_defaults(func=cmd_params)
