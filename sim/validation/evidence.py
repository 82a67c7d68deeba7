"""``govsim validate-model``: regenerate the model's verification and validation evidence.

Everything goes through the package's own machinery - :func:`sim.compare.compare` for paired
replications, :mod:`sim.statistics` for intervals, :mod:`sim.figures` for the figures it has - so
the evidence is about the code a planner runs, not about a copy of it.  The output directory gets:

* ``README.md`` - the summary: run settings, the calibration to pattern targets, the article's
  claims (threshold, interval at the defaults, robustness over the accepted parameter sets), the
  identities run as checks, the staggered-hours trade-off, M/M/c against Erlang C, Little's law
  in every run, determinism and common random numbers, the 2003-2014 replay and the 2014 package against 2002;
* CSV tables (``claims.csv``, ``identities.csv``, ``calibration_*.csv``, ``robustness_sets.csv``,
  ``tradeoff.csv``, ``effects_all.csv``, ``mmc.csv``,
  ``littles_law.csv``, ``timeline_yearly.csv``, ``runs_claims.csv``) and ``settings.json``;
* figures: ``claims.png``, ``mmc.png``, ``timeline.png``, ``effects_2014.png``,
  ``resolved_by_group_2014.png``, ``calibration.png``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import figures
from sim.compare import Comparison, compare, comparison_table
from sim.figures import figure_png
from sim.kpis import format_value
from sim.run import simulate
from sim.scenario import Scenario, load_scenario
from sim.validation import calibration as cal
from sim.validation import calibration_report, mmc
from sim.validation import claims as cl
from sim.validation import robustness as rb
from sim.validation import timeline as tl
from sim.validation.behaviour import run_behaviour, write_behaviour
from sim.validation.calibration_file import load_spec

BASELINE = "baseline_2002.toml"
PACKAGE_2014 = "changsha_2014.toml"
TIMELINE = "timeline_2003_2014.toml"
#: Little's law is an identity of the hall's bookkeeping, so it must hold to rounding error.
LITTLE_TOLERANCE = 1e-9

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """How hard to look.  The defaults are the committed evidence; :data:`QUICK` is for tests."""

    replications: int = 8
    timeline_replications: int = 6
    seed: int = 2024
    days: int | None = None  # claims and trade-off runs; None: the baseline's (one year)
    residents: int | None = None  # None: the scenarios' own; smaller for a quick look only
    timeline_residents: int | None = None
    timeline_days: int | None = None  # None: the timeline file's (twelve years)
    mmc: mmc.MMCGrid = mmc.FULL_GRID
    tradeoff_staff: tuple[int, ...] = cl.TRADEOFF_STAFF_CHECKED
    # None: experiments/calibration/patterns.toml's (quick: its [quick]).
    calibration_samples: int | None = None
    quick: bool = False

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["mmc"] = dataclasses.asdict(self.mmc)
        return d


QUICK = Settings(
    replications=3,
    timeline_replications=2,
    days=60,
    residents=1500,
    timeline_residents=400,
    timeline_days=3 * 365 + 1,  # 2003-2005: the first two reform dates
    mmc=mmc.QUICK_GRID,
    tradeoff_staff=(cl.TRADEOFF_STAFF,),
    quick=True,
)


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
    calibration: cal.Calibration | None = None
    robustness_basis: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    out: Path | None = None


def _with_residents(sc: Scenario, n: int | None) -> Scenario:
    return sc if n is None else sc.with_changes({"population.residents": n})


def scenario_files(scenarios_dir: Path) -> list[Path]:
    """Every scenario file, baseline first, then the package, the reforms, and any others."""
    files = sorted(scenarios_dir.rglob("*.toml"))
    first = [scenarios_dir / BASELINE, scenarios_dir / PACKAGE_2014]
    return [f for f in first if f in files] + [f for f in files if f not in first]


def run_validation(
    out: str | Path,
    settings: Settings = Settings(),  # frozen: a safe default
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
    timeline_file = root / TIMELINE
    compared = [f for f in files if f != timeline_file]
    names = {f: _with_residents(loaded[f], settings.residents) for f in compared}

    # Each stage drives its own local worker processes (sim.executors.WorkerPool, which survives a
    # crashed run and knows which run it was), as `govsim compare` does.
    # 1. Every scenario file against the baseline, paired: the claims read their rows.
    t0 = time.perf_counter()
    say(f"claims: {len(compared)} scenarios x {settings.replications} paired runs")
    main = compare(
        [names[f] for f in compared],
        replications=settings.replications,
        seed=settings.seed,
        days=settings.days,
        daily=False,
        workers=workers,
    )
    _no_failures(main)
    stems = {f.stem: names[f].name for f in compared if f.parent == root / "reforms"}
    claims = cl.claims_table(main, cl.CLAIMS, stems)
    identities = cl.claims_table(main, cl.IDENTITIES, stems)
    seconds["claims"] = time.perf_counter() - t0

    # 1b. Calibration to the pattern targets, and each claim's robustness over the accepted sets.
    t0 = time.perf_counter()
    spec = load_spec(quick=settings.quick)
    if settings.calibration_samples is not None:
        spec = dataclasses.replace(spec, samples=settings.calibration_samples)
    say(f"calibration: {spec.samples} parameter sets x {spec.replications} runs")
    # A fresh store: the evidence is about the model in this tree, never about runs of an older one.
    with tempfile.TemporaryDirectory(prefix="govsim-calibration-") as tmp:
        calibration = cal.calibrate(spec, root, cl.CLAIMS, Path(tmp) / "calibration.sqlite", workers)
    robust, basis = rb.robustness_table(calibration, cl.CLAIMS)
    claims = claims.assign(
        holds_in=robust["holds_in"].to_numpy(),
        sets=robust["sets"].to_numpy(),
        basis=robust["basis"].to_numpy(),
    )
    per_set = rb.paired_differences(calibration, cl.CLAIMS)
    seconds["calibration"] = time.perf_counter() - t0

    # 2. The staggered-hours trade-off at several staff counts.
    t0 = time.perf_counter()
    say(f"trade-off: staff {', '.join(map(str, settings.tradeoff_staff))}")
    trade_rows, trade_runs = _tradeoff(root, settings, workers)
    seconds["tradeoff"] = time.perf_counter() - t0

    # 3. The 2003-2014 replay against no reforms.
    t0 = time.perf_counter()
    timeline_runs = pd.DataFrame()
    yearly = pd.DataFrame()
    timeline_fig = None
    if timeline_file in loaded:
        replay = _with_residents(loaded[timeline_file], settings.timeline_residents)
        cf = tl.counterfactual(replay)
        days = settings.timeline_days or replay.days
        say(f"timeline: 2 scenarios x {settings.timeline_replications} runs of {days} days")
        tc = compare(
            [cf, replay],
            replications=settings.timeline_replications,
            seed=settings.seed,
            days=settings.timeline_days,
            daily=True,
            workers=workers,
        )
        per_run = tl.yearly(tc.daily, {cf.name: cf, replay.name: replay})
        yearly = tl.yearly_table(per_run, replay.name, cf.name)
        in_run = [step for step in replay.timeline if step.day < days]
        timeline_fig = tl.timeline_figure(per_run, replay.name, cf.name, in_run)
        _no_failures(tc)
        tl_label = {
            replay.name: _rel(timeline_file, root),
            cf.name: f"{cf.name} (the replay's counterfactual)",
        }
        timeline_runs = tc.runs.assign(scenario=tc.runs["scenario"].map(tl_label))
    seconds["timeline"] = time.perf_counter() - t0

    # 4. M/M/c against Erlang C.
    t0 = time.perf_counter()
    say(f"M/M/c: {len(settings.mmc.cases())} cases x {settings.mmc.replications} runs")
    mmc_runs = mmc.mmc_runs(settings.mmc, settings.seed, workers=workers)
    mmc_tab = mmc.mmc_table(mmc_runs, settings.mmc.days)
    seconds["mmc"] = time.perf_counter() - t0

    # 5. Little's law in every run of this validation, by scenario file.
    label = {name: _rel(f, root) for name, f in zip(main.names, compared, strict=True)}
    little = littles_law(
        pd.concat(
            [
                main.runs.assign(scenario=main.runs["scenario"].map(label)),
                trade_runs,
                timeline_runs,
                mmc_runs.assign(scenario="M/M/c verification (sim.validation.mmc)"),
                calibration.runs.assign(scenario="calibration (sim.validation.calibration), every set"),
            ],
            ignore_index=True,
        )
    )
    missing = [_rel(f, root) for f in files if _rel(f, root) not in set(little["scenario"])]
    if missing:
        raise RuntimeError(f"Little's law table misses {missing}")

    # 6. Determinism and common random numbers.
    t0 = time.perf_counter()
    checks = _checks(main, names[root / BASELINE], stems, settings)
    seconds["checks"] = time.perf_counter() - t0

    # 7. What the residents' behaviour submodels add (each on alone, paired with it off).
    t0 = time.perf_counter()
    table, weekly = run_behaviour(
        root, settings.replications, settings.seed, settings.days, workers=workers, say=say
    )
    write_behaviour(out, table, weekly)
    seconds["behaviour"] = time.perf_counter() - t0

    ev = Evidence(
        settings,
        claims,
        trade_rows,
        mmc_tab,
        little,
        checks,
        yearly,
        identities,
        calibration,
        basis,
        seconds,
        out,
    )
    t0 = time.perf_counter()
    calibration_report.write(out, calibration)
    per_set.to_csv(out / "robustness_sets.csv", index=False)
    _write_tables_and_figures(ev, main, names, root, timeline_fig)
    seconds["figures"] = time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - started
    _write_summary(ev, main)
    say(f"evidence written to {out}/ in {seconds['total']:.0f} s")
    return ev


def _rel(f: Path, root: Path) -> str:
    return f"scenarios/{f.relative_to(root).as_posix()}"


def _no_failures(c: Comparison) -> None:
    """Evidence with runs missing would be quietly weaker: a failed run stops the validation."""
    if c.failures:
        raise RuntimeError(f"{len(c.failures)} runs failed, first: {c.failures[0]}")


def _tradeoff(root: Path, settings: Settings, workers: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, runs = [], []
    for staff in settings.tradeoff_staff:
        pair = cl.tradeoff_pair(
            root, staff, names=(f"{staff} staff, office hours", f"{staff} staff, staggered")
        )
        a, b = (_with_residents(s, settings.residents) for s in pair)
        c = compare(
            [a, b],
            replications=settings.replications,
            seed=settings.seed,
            days=settings.days,
            daily=False,
            workers=workers,
        )
        _no_failures(c)
        runs.append(c.runs.assign(scenario=[f"trade-off: {s}" for s in c.runs["scenario"]]))
        for kpi, role in ((cl.TRADEOFF_COST_KPI, "cost"), (cl.TRADEOFF_GAIN_KPI, "gain")):
            r = c.kpi(kpi)
            d = r.loc[b.name]
            # Judged against the staggered-hours claims' own thresholds, as the claims are.
            threshold = next(
                (c.threshold for c in cl.CLAIMS if (c.reform, c.kpi) == ("staggered_hours", kpi)), 0.0
            )
            outcome = cl.judge(+1, float(d["diff_low"]), float(d["diff_high"]), threshold)
            rows.append(
                {
                    "staff": staff,
                    "role": role,
                    "kpi": kpi,
                    "office_hours_mean": float(r.loc[a.name, "mean"]),
                    "staggered_mean": float(d["mean"]),
                    "diff": float(d["diff"]),
                    "diff_low": float(d["diff_low"]),
                    "diff_high": float(d["diff_high"]),
                    "n": int(d["n"]),
                    "outcome": outcome,
                    "shows_tradeoff": "yes" if outcome == cl.REPRODUCED else "no",
                }
            )
    return pd.DataFrame(rows), pd.concat(runs, ignore_index=True)


def littles_law(runs: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: runs checked, mean L and lambda*W, and the largest relative gap in any run."""
    L, lw = runs["verify.little_L"].astype(float), runs["verify.little_lambda_W"].astype(float)
    gap = (L - lw).abs() / np.maximum(np.maximum(L.abs(), lw.abs()), 1e-300)
    frame = pd.DataFrame({"scenario": runs["scenario"], "L": L, "lambda_W": lw, "gap": gap})
    rows = []
    for name, g in frame.groupby("scenario", sort=False):
        worst = float(g["gap"].max())
        rows.append(
            {
                "scenario": name,
                "runs": len(g),
                "L_mean": float(g["L"].mean()),
                "lambda_W_mean": float(g["lambda_W"].mean()),
                "max_rel_gap": worst,
                "holds": bool(worst <= LITTLE_TOLERANCE and len(g) > 0),
            }
        )
    return pd.DataFrame(rows)


def _checks(
    main: Comparison, baseline: Scenario, stems: Mapping[str, str], settings: Settings
) -> pd.DataFrame:
    """Determinism (a run repeated in this process gives the pool's numbers bit for bit) and common
    random numbers (grid reporting acts only on public-space problems, so the hall's numbers of
    each replication must equal the baseline's exactly)."""
    rows = []
    seed = main.seeds[0]
    again = simulate(baseline, seed=seed, days=main.days, daily=False).kpis
    pooled = main.runs[(main.runs["scenario"] == baseline.name) & (main.runs["seed"] == seed)].iloc[0]
    same = all(
        (math.isnan(v) and math.isnan(float(pooled[k]))) or v == float(pooled[k]) for k, v in again.items()
    )
    rows.append(
        {
            "check": "determinism",
            "what": f"baseline, seed {seed}, run again in this process: every KPI equal to the "
            "comparison's run",
            "passed": bool(same),
        }
    )
    grid = stems.get("grid_reporting")
    if grid is not None:
        kpis = ["service.queue_wait_mean_min", "service.resolved_share", "tasks.pushed_down"]
        a = main.runs[main.runs["scenario"] == baseline.name].set_index("replication")[kpis]
        b = main.runs[main.runs["scenario"] == grid].set_index("replication")[kpis]
        equal = bool((a.sort_index().to_numpy() == b.sort_index().to_numpy()).all())
        differs = bool(
            (
                main.runs[main.runs["scenario"] == baseline.name]["grid.response_mean_h"].to_numpy()
                != main.runs[main.runs["scenario"] == grid]["grid.response_mean_h"].to_numpy()
            ).all()
        )
        rows.append(
            {
                "check": "common random numbers",
                "what": f"grid reporting vs baseline, {len(a)} replications: hall and task KPIs identical, "
                "grid response differs",
                "passed": equal and differs,
            }
        )
    return pd.DataFrame(rows)


# -- writing ------------------------------------------------------------------------------------


def _git_commit() -> str:
    try:
        r = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10, check=False
        )
        dirty = subprocess.run(
            # The files that decide the numbers: the model's modules, this package, the scenarios.
            ["git", "status", "--porcelain", "--", ":(glob)sim/*.py", "sim/validation", "scenarios"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = r.stdout.strip() or "unknown"
    return commit + (" (with uncommitted changes to the model or scenarios)" if dirty.stdout.strip() else "")


def _write_tables_and_figures(
    ev: Evidence,
    main: Comparison,
    names: Mapping[Path, Scenario],
    root: Path,
    timeline_fig: Any,
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


def _write_summary(ev: Evidence, main: Comparison) -> None:
    from sim import __version__

    out = ev.out
    assert out is not None
    settings = {
        **ev.settings.as_dict(),
        "claims_days": main.days,
        "seeds": main.seeds,
        "govsim_version": __version__,
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": {k: round(v, 1) for k, v in ev.seconds.items()},
        "command": _command(ev.settings),
    }
    (out / "settings.json").write_text(json.dumps(settings, indent=2) + "\n")
    (out / "README.md").write_text(render_summary(ev, settings, main))


def _sub_comparison(c: Comparison, keep: Sequence[str]) -> Comparison:
    """The part of a comparison that concerns some of its scenarios (tables rebuilt, not re-run)."""
    runs = c.runs[c.runs["scenario"].isin(keep)]
    scs = [s for s in c.scenarios if s.name in keep]
    return Comparison(scs, c.seeds, c.days, runs.reset_index(drop=True), comparison_table(runs, list(keep)))


def _command(s: Settings) -> str:
    if s.quick:
        return "govsim validate-model --quick"
    parts = ["govsim validate-model"]
    default = Settings()
    if s.replications != default.replications:
        parts.append(f"--replications {s.replications}")
    if s.timeline_replications != default.timeline_replications:
        parts.append(f"--timeline-replications {s.timeline_replications}")
    if s.seed != default.seed:
        parts.append(f"--seed {s.seed}")
    return " ".join(parts)


# -- the summary ----------------------------------------------------------------------------------


def _md(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _ci(kpi: str, d: float, lo: float, hi: float) -> str:
    return f"{cl.fmt_diff(kpi, d)} [{cl.fmt_diff(kpi, lo)}, {cl.fmt_diff(kpi, hi)}]"


def _g(x: float, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 10**digits else f"{x:.{digits}g}"


def render_summary(ev: Evidence, settings: Mapping[str, Any], main: Comparison) -> str:
    """``README.md`` of the evidence directory."""
    s = ev.settings
    claims = ev.claims
    n_ok = int((claims["reproduced"] == "yes").sum())
    lines = [
        "# Validation evidence",
        "",
        f"Generated by `{settings['command']}` - do not edit by hand; run the command again. "
        f"govsim {settings['govsim_version']}, commit {settings['git_commit']}, Python "
        f"{settings['python']}, written {settings['written']}.",
        "",
    ]
    if s.quick:
        lines += [
            "> **Quick mode**: few replications, short runs and a small population, to check that the "
            "pipeline works. These numbers are not evidence about the model.",
            "",
        ]
    lines += [
        "## Run settings",
        "",
        _md(
            [
                ["paired replications per scenario (claims, trade-off)", str(s.replications)],
                ["days per run (claims, trade-off)", str(main.days)],
                ["replications of the 2003-2014 replay", str(s.timeline_replications)],
                ["base seed (replication r uses `sim.rng.replication_seed(seed, r)`)", str(s.seed)],
                ["seeds", ", ".join(map(str, main.seeds))],
                ["residents", "as in the scenario files" if s.residents is None else str(s.residents)],
                [
                    "M/M/c grid",
                    f"c in {list(s.mmc.servers)}, rho in {list(s.mmc.loads)}, "
                    f"{s.mmc.replications} runs of {s.mmc.days} days each",
                ],
                ["run time (wall clock)", _times(ev.seconds)],
            ],
            ["setting", "value"],
        ),
        "",
        "## 1. Calibration to pattern targets",
        "",
        *(
            calibration_report.summary_lines(ev.calibration)
            if ev.calibration is not None
            else ["Not run.", ""]
        ),
        "## 2. The article's claims",
        "",
        "Each claim is a reform file against `scenarios/baseline_2002.toml`, run with the same seeds "
        "(common random numbers), with a threshold stated in its reform module before it was run (the "
        "size that matters, from `sim.kpis`; shares in percentage points). At the default parameters a "
        "claim is **reproduced** when the 95 % interval of the paired difference (reform - baseline) "
        "lies entirely beyond the threshold on the claimed side; *opposite* when it lies wholly on the "
        "other side of zero; *not shown* otherwise. Its **robustness** is the number of calibration "
        "sets in which the mean paired difference (same set, same seeds) lies beyond the threshold on "
        "the claimed side. The marks are computed from the numbers, nothing else; a claim that holds "
        "in few sets is reported as such.",
        "",
        rb.basis_sentence(
            int(claims["sets"].max()) if len(claims) else 0,
            ev.robustness_basis,
            len(ev.calibration.sets) if ev.calibration is not None else 0,
        ),
        "",
        f"**{n_ok} of {len(claims)} claims reproduced at the defaults.** The sizes rest on assumed "
        "parameters (`docs/parameters.md`); the article gives none.",
        "",
        _md(
            [
                [
                    f"{r.claim} (`{r.reform}`)",
                    f"`{r.kpi}` {'up' if r.claimed == 'up' else 'down'} by more than "
                    f"{cl.fmt_diff(r.kpi, r.threshold).lstrip('+')}",
                    format_value(r.kpi, r.baseline_mean),
                    format_value(r.kpi, r.reform_mean),
                    _ci(r.kpi, r.diff, r.diff_low, r.diff_high),
                    ("**yes**" if r.reproduced == "yes" else f"**no** ({r.outcome})"),
                    f"{r.holds_in} of {r.sets} {r.basis} sets",
                ]
                for r in claims.itertuples()
            ],
            [
                "claim (reform file)",
                "KPI, claimed, threshold",
                "baseline",
                "reform",
                "difference [95 % CI]",
                "reproduced at the defaults",
                "robustness",
            ],
        ),
        "",
        "![claims](claims.png)",
        "",
        "### Identities run as checks",
        "",
        "These effects hold by construction (the reason beside each), so they cannot fail as claims "
        "can: they are run the same way at the defaults as checks of the model's bookkeeping, and "
        "*passes* means the interval lies on the stated side of zero.",
        "",
        _md(
            [
                [
                    f"{r.claim} (`{r.reform}`)",
                    f"`{r.kpi}` {r.claimed}",
                    r.why,
                    _ci(r.kpi, r.diff, r.diff_low, r.diff_high),
                    "passes" if r.reproduced == "yes" else f"**fails** ({r.outcome})",
                ]
                for r in ev.identities.itertuples()
            ],
            ["check (reform file)", "KPI", "why it holds by construction", "difference [95 % CI]", "result"],
        ),
        "",
        "## 3. Trade-off: staggered hours without extra staff",
        "",
        "The 2002 community on weekday office hours against the same community and staff on the "
        "staggered schedule (weekdays 08:00-20:00, Saturday 09:00-17:00, a duty crew of one in the "
        "evenings and on Saturday): the same staff-hours spread over a longer week, at the 2002 head "
        "count (6) and at larger ones. The cost would be longer waits for those who come in the "
        "daytime; the gain, more commuters' needs resolved.",
        "",
        _md(
            [
                [
                    str(r.staff),
                    f"{r.role}: `{r.kpi}`",
                    format_value(r.kpi, r.office_hours_mean),
                    format_value(r.kpi, r.staggered_mean),
                    _ci(r.kpi, r.diff, r.diff_low, r.diff_high),
                    r.outcome,
                ]
                for r in ev.tradeoff.itertuples()
            ],
            ["staff", "KPI", "office hours", "staggered", "difference [95 % CI]", "rises?"],
        ),
        "",
        _tradeoff_sentence(ev.tradeoff),
        "",
        "## 4. Verification: the model as an M/M/c queue against Erlang C",
        "",
        "The whole model configured as an M/M/c queue (`sim.validation.mmc.mmc_scenario`: Poisson "
        "arrivals around the clock, exponential service of mean 20 min, c counters always staffed, "
        "no reneging, no administrative work). Each case: mean wait over independent runs with its "
        "95 % interval; *agrees* when the Erlang C value lies inside the "
        f"{100 * mmc.AGREE_LEVEL:.0f} % interval. z is (simulated - theory) / standard error. "
        "The runs start with an empty hall, which biases the simulated mean slightly low at high load.",
        "",
        mmc.summarise_agreement(ev.mmc),
        "",
        _md(
            [
                [
                    str(r.servers),
                    f"{r.rho:.2f}",
                    f"{r.arrivals_per_h:.2f}",
                    _g(r.wait_erlang_c_min, 4),
                    f"{_g(r.wait_sim_min, 4)} [{_g(r.ci95_low, 4)}, {_g(r.ci95_high, 4)}]",
                    f"{100 * r.rel_error:+.1f} %" if not math.isnan(r.rel_error) else "n/a",
                    _g(r.z, 2),
                    f"{r.utilisation_sim:.3f}",
                    "yes" if r.agrees else "**no**",
                ]
                for r in ev.mmc.itertuples()
            ],
            [
                "c",
                "rho",
                "arrivals/h",
                "Erlang C wait (min)",
                "simulated [95 % CI]",
                "error",
                "z",
                "counter utilisation",
                "agrees",
            ],
        ),
        "",
        "![M/M/c](mmc.png)",
        "",
        "## 5. Little's law in every run",
        "",
        "For every run of this validation, the time-average number waiting in the hall's queues (L, "
        "integrated as the hall runs) against the arrival rate times the mean wait (lambda W, summed "
        "from each resident's wait, including those still waiting at the end). The two are computed "
        "separately, so agreement checks the hall's event handling, including the lazily detected "
        f"departures of residents who leave the queue. Holds: largest relative gap <= {LITTLE_TOLERANCE:g}.",
        "",
        _md(
            [
                [
                    f"`{r.scenario}`" if r.scenario.startswith("scenarios/") else r.scenario,
                    str(r.runs),
                    _g(r.L_mean, 4),
                    _g(r.lambda_W_mean, 4),
                    f"{r.max_rel_gap:.1e}",
                    "yes" if r.holds else "**no**",
                ]
                for r in ev.little.itertuples()
            ],
            ["scenario", "runs", "L (mean)", "lambda W (mean)", "largest gap", "holds"],
        ),
        "",
        "## 6. Determinism and common random numbers",
        "",
        _md(
            [[r.check, r.what, "yes" if r.passed else "**no**"] for r in ev.checks.itertuples()],
            ["check", "what", "passed"],
        ),
        "",
    ]
    lines += _timeline_section(ev)
    lines += [
        "## 8. The 2014 package against 2002",
        "",
        "`scenarios/changsha_2014.toml` (every reform at the article's 2014 figures) against the "
        "baseline, same seeds: the forest plot from `sim.figures.forest` and who gains from "
        "`sim.figures.resolved_by_group`. The full table of every scenario file against the baseline "
        "is `effects_all.csv`.",
        "",
        "![effects of the 2014 package](effects_2014.png)",
        "",
        "![who gains](resolved_by_group_2014.png)",
        "",
        "## 9. Residents who learn and talk",
        "",
        "The residents' behaviour submodels (memory, household errands, word of mouth, building "
        "heads) are off in the shipped scenarios; [behaviour.md](behaviour.md) shows what each adds "
        "when switched on alone, and how fast online use spreads after the channel opens.",
        "",
        "## Files",
        "",
        "- `calibration_patterns.csv` - each pattern target, its source and how many sets met it",
        "- `calibration_sets.csv` - every sampled parameter set: values, KPI means of the 2002 and 2014 "
        "runs, each pattern met or not, accepted or not; `calibration_accepted.csv` - the accepted ones",
        "- `claims.csv` - the claims with thresholds, means, paired differences, outcomes and robustness",
        "- `robustness_sets.csv` - each claim's mean paired difference in each parameter set",
        "- `identities.csv` - the identities run as checks",
        "- `tradeoff.csv` - the staggered-hours trade-off by staff count",
        "- `effects_all.csv` - every KPI of every scenario file against the baseline (tidy, from "
        "`sim.compare.compare`)",
        "- `runs_claims.csv` - one row per run of that comparison (scenario, replication, seed, KPIs)",
        "- `mmc.csv` - M/M/c cases against Erlang C",
        "- `littles_law.csv` - Little's law by scenario",
        "- `checks.csv` - determinism and common random numbers",
        "- `timeline_yearly.csv` - the replay and its counterfactual, year by year, with paired differences",
        "- `behaviour.csv`, `behaviour_spread.csv` - the behaviour submodels on against off, and the "
        "weekly spread of the online channel",
        "- `settings.json` - everything needed to run this again",
        "",
    ]
    return "\n".join(lines)


def _times(seconds: Mapping[str, float]) -> str:
    parts = [f"{k} {v:.0f} s" for k, v in seconds.items() if k != "total"]
    return f"{seconds.get('total', math.nan):.0f} s in all ({', '.join(parts)})"


def _tradeoff_sentence(t: pd.DataFrame) -> str:
    """What the trade-off table says, in words, from its outcomes."""
    cost = t[t["role"] == "cost"]
    by = {
        o: [int(s) for s, x in zip(cost["staff"], cost["outcome"], strict=True) if x == o]
        for o in (cl.REPRODUCED, cl.NOT_SHOWN, cl.OPPOSITE, cl.NO_DATA)
    }
    parts = []
    if by[cl.REPRODUCED]:
        parts.append(f"The model shows the daytime cost with {_staff_list(by[cl.REPRODUCED])} staff.")
    if by[cl.NOT_SHOWN]:
        parts.append(
            f"It finds no daytime cost beyond the claim's threshold with {_staff_list(by[cl.NOT_SHOWN])} "
            "staff (the interval does not lie wholly above it)."
        )
    if by[cl.OPPOSITE]:
        parts.append(
            f"With {_staff_list(by[cl.OPPOSITE])} staff it finds no daytime cost: daytime waits are "
            "shorter under staggered hours (the interval lies below zero)."
        )
    verdict = "reproduced" if cl.TRADEOFF_STAFF in by[cl.REPRODUCED] else "**not reproduced**"
    parts.append(f"The trade-off claim (no extra staff: {cl.TRADEOFF_STAFF}, as in 2002) is {verdict}.")
    return " ".join(parts)


def _staff_list(counts: Sequence[int]) -> str:
    words = [str(c) for c in counts]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _timeline_section(ev: Evidence) -> list[str]:
    lines = ["## 7. The 2003-2014 timeline replay", ""]
    if ev.timeline.empty:
        return [*lines, "No timeline scenario file found.", ""]
    t = ev.timeline
    last = int(t["year"].max())
    rows = []
    for kpi, doc in tl.YEARLY.items():
        r = t[(t["kpi"] == kpi) & (t["year"] == last)].iloc[0]
        first = t[(t["kpi"] == kpi) & (t["year"] == int(t["year"].min()))].iloc[0]
        rows.append(
            [
                f"{doc} (`{kpi}`)",
                _g(first["timeline_mean"], 3),
                f"{_g(r['reference_mean'], 3)}",
                f"{_g(r['timeline_mean'], 3)}",
                f"{_g(r['diff'], 3)} [{_g(r['diff_low'], 3)}, {_g(r['diff_high'], 3)}]",
            ]
        )
    lines += [
        "`scenarios/timeline_2003_2014.toml` switches the reforms on in the article's order (1 January "
        "2003, 2005, 2009, 2011, 2012, 2013, 2014). Its counterfactual is the same community over the "
        "same twelve years with the 2002 policy held; both use the same seeds. Yearly KPIs are ratios "
        "of yearly sums from the daily series (`sim.validation.timeline.yearly`); bands are 95 % "
        "intervals over replications; dotted lines mark the reform dates.",
        "",
        "![timeline](timeline.png)",
        "",
        f"The replay in its first year, both scenarios in the last year ({last}), and the paired "
        f"difference replay - counterfactual in {last} (95 % interval). `timeline_yearly.csv` has every "
        "year.",
        "",
        _md(
            rows,
            [
                "yearly KPI",
                f"replay {int(t['year'].min())}",
                f"no reforms {last}",
                f"replay {last}",
                "difference [95 % CI]",
            ],
        ),
        "",
    ]
    return lines


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
        sets = ev.calibration.sets
        print(f"calibration: {int(sets['accepted'].sum())} of {len(sets)} parameter sets meet every pattern")
    print(
        f"claims reproduced at the defaults: {n_ok} of {len(ev.claims)} "
        f"(robustness over {ev.robustness_basis} sets)"
    )
    for r in ev.claims.itertuples():
        mark = "yes" if r.reproduced == "yes" else f"NO ({r.outcome})"
        ci = _ci(r.kpi, r.diff, r.diff_low, r.diff_high)
        print(f"  {r.reform:<22} {r.kpi:<36} {ci:<40} {mark:<18} holds in {r.holds_in} of {r.sets}")
    print(mmc.summarise_agreement(ev.mmc))
    print(f"Little's law holds in {int(ev.little['holds'].sum())} of {len(ev.little)} scenarios")
    print(f"evidence in {ev.out}/README.md ({ev.seconds['total']:.0f} s)")
    return ev
