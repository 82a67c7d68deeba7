"""``govsim validate-model``: regenerate the model's verification and validation evidence.

Everything goes through the package's own machinery - :func:`sim.compare.compare` for paired
replications, :mod:`sim.statistics` for intervals, :mod:`sim.figures` for the figures it has - so
the evidence is about the code a planner runs, not about a copy of it.  This module runs the
stages in order, each timed, and writes what they found; each stage and its section of the
README live in the module named after it:

1. calibration to pattern targets (:mod:`sim.validation.calibration`), and the claims'
   robustness over its parameter sets (:mod:`sim.validation.robustness`);
2. the article's claims and the identities run as checks (:mod:`sim.validation.claims`);
3. the staggered-hours trade-off at several staff counts (:mod:`sim.validation.tradeoff`);
4. the model as an M/M/c queue against Erlang C (:mod:`sim.validation.mmc`);
5. Little's law in every run (:mod:`sim.validation.littles_law`);
6. determinism and common random numbers (:mod:`sim.validation.checks`);
7. the 2003-2014 replay against no reforms (:mod:`sim.validation.timeline`);
   and the district claims with their robustness (:mod:`sim.validation.district`);
8. the 2014 package against 2002 (figures only), and 9. the behaviour submodels
   (:mod:`sim.validation.behaviour`, its own page).

The output directory gets ``README.md`` (:mod:`sim.validation.readme`) and ``settings.json``;
CSV tables (``claims.csv``, ``identities.csv``, ``calibration_*.csv``, ``robustness_sets.csv``,
``tradeoff.csv``, ``effects_all.csv``, ``mmc.csv``, ``littles_law.csv``, ``checks.csv``,
``timeline_yearly.csv``, ``runs_claims.csv``, ``behaviour*.csv``, ``district_claims.csv``,
``district_robustness_sets.csv``); figures ``claims.png``,
``mmc.png``, ``timeline.png``, ``effects_2014.png``, ``resolved_by_group_2014.png``,
``calibration.png``.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim import figures
from sim.compare import Comparison, comparison_table
from sim.figures import figure_png
from sim.scenario import Scenario, load_scenario
from sim.validation import calibration_report, mmc
from sim.validation import claims as cl
from sim.validation import robustness as rb
from sim.validation import timeline as tl
from sim.validation.behaviour import run_behaviour, write_behaviour
from sim.validation.calibration import Calibration, calibrate, patterns_at_defaults
from sim.validation.calibration_file import load_spec
from sim.validation.checks import checks_table
from sim.validation.district import district_claims
from sim.validation.littles_law import littles_law
from sim.validation.markdown import diff_ci
from sim.validation.readme import write_readme
from sim.validation.settings import FULL, Settings, paired_runs, with_residents
from sim.validation.tradeoff import tradeoff_runs

BASELINE = "baseline_2002.toml"
PACKAGE_2014 = "changsha_2014.toml"
TIMELINE = "timeline_2003_2014.toml"

Progress = Callable[[str], None]


@dataclass
class Evidence:
    """What a validation run found (also written to disk)."""

    settings: Settings
    claims: pd.DataFrame
    tradeoff: pd.DataFrame
    mmc: pd.DataFrame
    little: pd.DataFrame
    checks: pd.DataFrame
    timeline: pd.DataFrame
    identities: pd.DataFrame = field(default_factory=pd.DataFrame)
    calibration: Calibration | None = None
    robustness_basis: str = ""
    at_defaults: pd.DataFrame | None = None  # each calibration pattern judged at the defaults
    district: pd.DataFrame = field(default_factory=pd.DataFrame)  # the district claims
    seconds: dict[str, float] = field(default_factory=dict)
    out: Path | None = None


def scenario_files(scenarios_dir: Path) -> list[Path]:
    """Every community scenario file, baseline first, then the package, the reforms, and any others
    (district files have their own stage, :mod:`sim.validation.district`)."""
    from sim.district.reading import is_district_file

    files = [f for f in sorted(scenarios_dir.rglob("*.toml")) if not is_district_file(f)]
    first = [scenarios_dir / BASELINE, scenarios_dir / PACKAGE_2014]
    return [f for f in first if f in files] + [f for f in files if f not in first]


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    seconds[stage] = time.perf_counter() - t0


# Long by design: the stages in the README's order, each timed; the helpers below do the work.
def run_validation(
    out: str | Path,
    settings: Settings = FULL,
    scenarios_dir: str | Path = "scenarios",
    workers: int | None = None,
    progress: Progress | None = None,
) -> Evidence:
    """Run every check with ``settings`` and write the evidence into ``out``."""
    say = progress or (lambda _msg: None)
    root = Path(scenarios_dir)
    files = scenario_files(root)
    if root / BASELINE not in files:
        raise FileNotFoundError(f"{root / BASELINE} not found: --scenarios must hold the scenario files")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    loaded = {f: load_scenario(f) for f in files}
    compared = [f for f in files if f != root / TIMELINE]
    names = {f: with_residents(loaded[f], settings.residents) for f in compared}

    # Each stage drives its own local worker processes (sim.executors.WorkerPool, which survives a
    # crashed run and knows which run it was), as `govsim compare` does.
    with _timed(seconds, "claims"):  # every scenario file against the baseline, paired
        say(f"claims: {len(compared)} scenarios x {settings.replications} paired runs")
        main = paired_runs(
            [names[f] for f in compared], settings.replications, settings.seed, settings.days, False, workers
        )
        stems = {f.stem: names[f].name for f in compared if f.parent == root / "reforms"}
        claims = cl.claims_table(main, cl.CLAIMS, stems)
        identities = cl.claims_table(main, cl.IDENTITIES, stems)
    with _timed(seconds, "calibration"):
        calibration = _calibration(root, settings, workers, say)
        claims, basis, per_set = _with_robustness(claims, calibration)
        pattern_runs = {"y2002": names[root / BASELINE].name, "y2014": names[root / PACKAGE_2014].name}
        at_defaults = patterns_at_defaults(main.runs, pattern_runs, calibration.spec)
    with _timed(seconds, "district"):
        say("district claims: the demonstration district, and its robustness over the accepted sets")
        district_table, district_sets = district_claims(root, settings, calibration, workers)
    with _timed(seconds, "tradeoff"):
        say(f"trade-off: staff {', '.join(map(str, settings.tradeoff_staff))}")
        trade_rows, trade_runs = tradeoff_runs(root, settings, workers)
    with _timed(seconds, "timeline"):
        replay = _replay(loaded, root, settings, workers, say)
    with _timed(seconds, "mmc"):
        say(f"M/M/c: {len(settings.mmc.cases())} cases x {settings.mmc.replications} runs")
        mmc_runs = mmc.mmc_runs(settings.mmc, settings.seed, workers=workers)
        mmc_tab = mmc.mmc_table(mmc_runs, settings.mmc.days)
    label = {name: _rel(f, root) for name, f in zip(main.names, compared, strict=True)}
    every_run = [
        main.runs.assign(scenario=main.runs["scenario"].map(label)),
        trade_runs,
        replay.runs,
        mmc_runs.assign(scenario="M/M/c verification (sim.validation.mmc)"),
        calibration.runs.assign(scenario="calibration (sim.validation.calibration), every set"),
    ]
    little = _littles_law_everywhere(every_run, [_rel(f, root) for f in files])
    with _timed(seconds, "checks"):
        checks = checks_table(main, names[root / BASELINE])
    with _timed(seconds, "behaviour"):  # each submodel on alone, paired with it off
        table, weekly = run_behaviour(
            root, settings.replications, settings.seed, settings.days, workers=workers, say=say
        )
        write_behaviour(out, table, weekly)
    ev = Evidence(
        settings, claims, trade_rows, mmc_tab, little, checks, replay.yearly, identities, calibration, basis
    )
    ev.seconds, ev.out, ev.at_defaults = seconds, out, at_defaults
    ev.district = district_table
    with _timed(seconds, "figures"):
        district_table.to_csv(out / "district_claims.csv", index=False)
        district_sets.to_csv(out / "district_robustness_sets.csv", index=False)
        calibration_report.write(out, calibration, at_defaults)
        per_set.to_csv(out / "robustness_sets.csv", index=False)
        _write_tables_and_figures(ev, main, names, root, replay.figure)
    seconds["total"] = time.perf_counter() - started
    write_readme(ev, main)
    say(f"evidence written to {out}/ in {seconds['total']:.0f} s")
    return ev


def _rel(f: Path, root: Path) -> str:
    return f"scenarios/{f.relative_to(root).as_posix()}"


def _calibration(root: Path, settings: Settings, workers: int | None, say: Progress) -> Calibration:
    """Calibration to the pattern targets, in a fresh store: the evidence is about the model in
    this tree, never about runs of an older one."""
    spec = load_spec(quick=settings.quick)
    if settings.calibration_samples is not None:
        spec = dataclasses.replace(spec, samples=settings.calibration_samples)
    say(
        f"calibration: a Latin hypercube of {spec.samples} parameter sets, then a search until "
        f"{spec.search.wanted} are accepted, x {spec.replications} runs"
    )
    with tempfile.TemporaryDirectory(prefix="govsim-calibration-") as tmp:
        return calibrate(spec, root, cl.CLAIMS, Path(tmp) / "calibration.sqlite", workers)


def _with_robustness(
    claims: pd.DataFrame, calibration: Calibration
) -> tuple[pd.DataFrame, str, pd.DataFrame]:
    """The claims with each one's robustness over the calibration's sets, the basis (accepted or
    sampled sets), and each claim's mean paired difference in each set."""
    robust, basis = rb.robustness_table(calibration, cl.CLAIMS)
    claims = claims.assign(
        holds_in=robust["holds_in"].to_numpy(),
        sets=robust["sets"].to_numpy(),
        basis=robust["basis"].to_numpy(),
    )
    return claims, basis, rb.paired_differences(calibration, cl.CLAIMS)


def _replay(
    loaded: Mapping[Path, Scenario], root: Path, settings: Settings, workers: int | None, say: Progress
) -> tl.Replay:
    """The 2003-2014 replay against no reforms, if the timeline file is there."""
    timeline_file = root / TIMELINE
    if timeline_file not in loaded:
        return tl.NO_REPLAY
    replay = with_residents(loaded[timeline_file], settings.timeline_residents)
    days = settings.timeline_days or replay.days
    say(f"timeline: 2 scenarios x {settings.timeline_replications} runs of {days} days")
    return tl.replay_against_no_reforms(
        replay,
        _rel(timeline_file, root),
        settings.timeline_replications,
        settings.seed,
        settings.timeline_days,
        workers,
    )


def _littles_law_everywhere(runs: Sequence[pd.DataFrame], files: Sequence[str]) -> pd.DataFrame:
    """Little's law in every run of this validation, by scenario file (every file must be there)."""
    little = littles_law(pd.concat(runs, ignore_index=True))
    missing = [f for f in files if f not in set(little["scenario"])]
    if missing:
        raise RuntimeError(f"Little's law table misses {missing}")
    return little


def _write_tables_and_figures(
    ev: Evidence,
    main: Comparison,
    names: Mapping[Path, Scenario],
    root: Path,
    timeline_fig: object,
) -> None:
    out = ev.out
    assert out is not None
    ev.claims.to_csv(out / "claims.csv", index=False)
    ev.identities.to_csv(out / "identities.csv", index=False)
    ev.tradeoff.to_csv(out / "tradeoff.csv", index=False)
    main.table.to_csv(out / "effects_all.csv", index=False)
    main.runs.to_csv(out / "runs_claims.csv", index=False)
    ev.mmc.to_csv(out / "mmc.csv", index=False)
    ev.little.to_csv(out / "littles_law.csv", index=False)
    ev.timeline.to_csv(out / "timeline_yearly.csv", index=False)
    ev.checks.to_csv(out / "checks.csv", index=False)

    (out / "claims.png").write_bytes(figure_png(cl.claims_forest(ev.claims)))
    (out / "mmc.png").write_bytes(figure_png(mmc.mmc_figure(ev.mmc)))
    if timeline_fig is not None:
        (out / "timeline.png").write_bytes(figure_png(timeline_fig))
    pkg = names.get(root / PACKAGE_2014)
    base = names[root / BASELINE]
    if pkg is not None:
        sub = _sub_comparison(main, [base.name, pkg.name])
        (out / "effects_2014.png").write_bytes(figure_png(figures.forest(sub)))
        (out / "resolved_by_group_2014.png").write_bytes(figure_png(figures.resolved_by_group(sub)))


def _sub_comparison(c: Comparison, keep: Sequence[str]) -> Comparison:
    """The part of a comparison that concerns some of its scenarios (tables rebuilt, not re-run)."""
    runs = c.runs[c.runs["scenario"].isin(keep)]
    scs = [s for s in c.scenarios if s.name in keep]
    return Comparison(scs, c.seeds, c.days, runs.reset_index(drop=True), comparison_table(runs, list(keep)))


def main_for_cli(
    out: str, settings: Settings, scenarios_dir: str, workers: int | None, quiet: bool = False
) -> Evidence:
    """What ``govsim validate-model`` does: run, print a short summary, return the evidence."""

    def say(msg: str) -> None:
        if not quiet:
            print(f"validate-model: {msg}", file=sys.stderr, flush=True)

    ev = run_validation(out, settings, scenarios_dir, workers, say)
    n_ok = int((ev.claims["reproduced"] == "yes").sum())
    if ev.calibration is not None:
        n_acc = len(ev.calibration.accepted)
        print(f"calibration: {n_acc} parameter sets meet every pattern: {ev.calibration.how_found()}")
    print(
        f"claims reproduced at the defaults: {n_ok} of {len(ev.claims)} "
        f"(robustness over {ev.robustness_basis} sets)"
    )
    for r in ev.claims.itertuples():
        mark = "yes" if r.reproduced == "yes" else f"NO ({r.outcome})"
        ci = diff_ci(r.kpi, r.diff, r.diff_low, r.diff_high)
        print(f"  {r.reform:<22} {r.kpi:<36} {ci:<40} {mark:<18} holds in {r.holds_in} of {r.sets}")
    print(mmc.summarise_agreement(ev.mmc))
    print(f"Little's law holds in {int(ev.little['holds'].sum())} of {len(ev.little)} scenarios")
    print(f"evidence in {ev.out}/README.md ({ev.seconds['total']:.0f} s)")
    return ev
