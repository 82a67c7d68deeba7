"""Comparing scenarios with paired replications: the product's main job.

Every scenario runs with the same R seeds (common random numbers).  For every KPI the comparison
gives each scenario's mean with a 95 % interval and, against the first scenario, the paired
difference with its interval, the relative change, Cohen's d and a verdict (better, worse, or
unsure) from the KPI's direction.  It can keep adding replications until the intervals on chosen
differences are narrow enough.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sim.executors import Task, execute
from sim.i18n import N_, _
from sim.kpis import KPIS, Matters, better, bounds, format_value, parse_matters
from sim.rng import replication_seed
from sim.scenario import Scenario, load_scenario
from sim.statistics import mean_ci, paired_difference, verdict

if TYPE_CHECKING:
    import pandas as pd

ProgressFn = Callable[[int, int], None]

TABLE_COLUMNS = [
    "kpi",
    "scenario",
    "n",
    "mean",
    "ci_low",
    "ci_high",
    "diff",
    "diff_low",
    "diff_high",
    "relative_change",
    "effect_size",
    "matters",
    "verdict",
]


class ComparisonCancelled(Exception):
    """The comparison was stopped before it finished."""


@dataclass
class Comparison:
    """Results of a comparison.  ``table`` is tidy (one row per KPI and scenario)."""

    scenarios: list[Scenario]
    seeds: list[int]
    days: int
    runs: pd.DataFrame  # one row per run: scenario, replication, seed, every KPI
    table: pd.DataFrame
    daily: pd.DataFrame | None = None  # one row per run and day
    failures: list[str] = field(default_factory=list)
    matters: dict[str, Matters] = field(default_factory=dict)  # thresholds set for this comparison
    # Districts: one row per run and community (scenario, replication, then the community table).
    communities: pd.DataFrame | None = None

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    def __repr__(self) -> str:
        return (
            f"Comparison({self.names}, replications={len(self.seeds)}, days={self.days}, "
            f"{len(self.failures)} failed runs)"
        )

    def kpi(self, key: str) -> pd.DataFrame:
        """The rows of one KPI."""
        return self.table[self.table["kpi"] == key].set_index("scenario")

    def to_text(self, keys: Sequence[str] | None = None) -> str:
        """The table for a terminal: each scenario's mean [95 % CI], and the paired difference."""
        return render(self, keys, markdown=False)

    def to_markdown(self, keys: Sequence[str] | None = None) -> str:
        return render(self, keys, markdown=True)

    def write_report(self, out: str | Path) -> Path:
        from sim.report import write_report

        return write_report(self, Path(out))


def _resolve(s: Scenario | str | Path) -> Scenario:
    return load_scenario(s) if isinstance(s, str | Path) else s


def _unique_names(scenarios: list[Scenario]) -> list[Scenario]:
    seen: dict[str, int] = {}
    out = []
    for sc in scenarios:
        n = seen.get(sc.name, 0)
        seen[sc.name] = n + 1
        out.append(sc if n == 0 else sc.with_changes({}, name=f"{sc.name} ({n + 1})"))
    return out


# Long by design: the replication loop with its stopping rule, progress and cancel in one place.
def compare(
    scenarios: Sequence[Scenario | str | Path],
    *,
    replications: int = 10,
    seed: int = 1,
    days: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    daily: bool = True,
    until: Mapping[str, float] | None = None,
    max_replications: int = 100,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    executor: Executor | None = None,
    matters: Mapping[str, float | str | Matters] | None = None,
) -> Comparison:
    """Run each scenario ``replications`` times with paired seeds and compare them to the first.

    ``until`` maps KPI keys to a target half-width of the 95 % interval of their difference from
    the first scenario; replications are added (up to ``max_replications``) until every target
    is met.  ``progress(done, total)`` is called after each run; setting ``cancel`` stops the
    comparison and raises :class:`ComparisonCancelled`.  ``executor`` reuses a warm pool.
    ``matters`` overrides the catalogue's threshold of a difference big enough to matter, per
    KPI: a number in the KPI's unit (a share as a fraction), or a string such as ``"5%"`` (of the
    baseline's mean); see :class:`sim.kpis.Matters`.
    """
    thresholds = matters_overrides(matters)
    scs = _unique_names([_resolve(s) for s in scenarios])
    if len(scs) < 2:
        raise ValueError("compare needs at least two scenarios")
    if len({bool(getattr(s, "is_district", False)) for s in scs}) > 1:
        raise ValueError("compare districts with districts and communities with communities, not a mix")
    if replications < 2:
        raise ValueError("compare needs at least 2 replications for an interval")
    for key in until or {}:
        if key not in KPIS:
            raise ValueError(f"unknown KPI {key!r} in the stopping rule; see `govsim kpis`")
    run_days = days if days is not None else scs[0].days
    results: dict[tuple[int, int], dict] = {}
    dailies: list[pd.DataFrame] = []
    districts: list[pd.DataFrame] = []
    failures: list[str] = []
    seeds: list[int] = []
    target = replications

    while True:
        new = range(len(seeds), target)
        seeds.extend(replication_seed(seed, r) for r in new)
        tasks = [
            Task(
                key=f"{i}/{r}", scenario=sc, seed=seeds[r], days=run_days, daily=daily, meta={"i": i, "r": r}
            )
            for r in new
            for i, sc in enumerate(scs)
        ]
        done_before = len(results) + len(failures)
        total = target * len(scs)
        for n, outcome in enumerate(
            execute(tasks, workers=workers, scheduler=scheduler, cancel=cancel, executor=executor), 1
        ):
            i, r = outcome.task.meta["i"], outcome.task.meta["r"]
            if outcome.ok and outcome.result is not None:
                res = outcome.result
                results[(i, r)] = res.kpis
                if res.district is not None:
                    d = res.district.communities.copy()
                    d.insert(0, "replication", r)
                    d.insert(0, "scenario", scs[i].name)
                    districts.append(d)
                if res.daily is not None:
                    d = res.daily.copy()
                    d.insert(0, "replication", r)
                    d.insert(0, "scenario", scs[i].name)
                    dailies.append(d)
            else:
                failures.append(f"{scs[i].name}, replication {r} (seed {seeds[r]}): {outcome.error}")
            if progress is not None:
                progress(done_before + n, total)
        if cancel is not None and cancel.is_set():
            raise ComparisonCancelled("comparison stopped")
        comparison = _build(scs, seeds, run_days, results, dailies, failures, thresholds)
        if districts:
            import pandas as pd

            comparison.communities = pd.concat(districts, ignore_index=True).sort_values(
                ["scenario", "replication", "community"], kind="stable", ignore_index=True
            )
        if not until or target >= max_replications or _targets_met(comparison, until):
            return comparison
        target = min(max_replications, max(target + 2, math.ceil(target * 1.5)))


def _targets_met(c: Comparison, until: Mapping[str, float]) -> bool:
    rows = c.table[c.table["scenario"] != c.names[0]]
    for key, width in until.items():
        sub = rows[rows["kpi"] == key]
        half = (sub["diff_high"] - sub["diff_low"]) / 2
        if sub.empty or half.isna().any() or (half > width).any():
            return False
    return True


def _build(
    scs: list[Scenario],
    seeds: list[int],
    days: int,
    results: dict[tuple[int, int], dict],
    dailies: list[pd.DataFrame],
    failures: list[str],
    matters: dict[str, Matters],
) -> Comparison:
    import pandas as pd

    if not results:
        shown = "; ".join(failures[:3]) + (" ..." if len(failures) > 3 else "")
        raise RuntimeError(f"every run failed ({len(failures)}): {shown}")
    rows = [
        {"scenario": scs[i].name, "replication": r, "seed": seeds[r], **kpis}
        for (i, r), kpis in sorted(results.items())
    ]
    runs = pd.DataFrame(rows)
    table = comparison_table(runs, [s.name for s in scs], matters)
    daily = pd.concat(dailies, ignore_index=True) if dailies else None
    if daily is not None:
        daily = daily.sort_values(["scenario", "replication", "day"], kind="stable").reset_index(drop=True)
    return Comparison(scs, list(seeds), days, runs, table, daily, list(failures), dict(matters))


def matters_overrides(given: Mapping[str, float | str | Matters] | None) -> dict[str, Matters]:
    """Thresholds of "big enough to matter" given by a user, checked: ``ValueError`` names the
    KPI and what is allowed."""
    out: dict[str, Matters] = {}
    for key, value in (given or {}).items():
        if key not in KPIS:
            raise ValueError(f"unknown KPI {key!r} in the thresholds of what matters; see `govsim kpis`")
        if isinstance(value, Matters):
            out[key] = value
            continue
        try:
            out[key] = parse_matters(str(value))
        except ValueError as e:
            raise ValueError(f"threshold of what matters for {key}: {e}") from None
    return out


def comparison_table(
    runs: pd.DataFrame, names: list[str], matters: Mapping[str, Matters] | None = None
) -> pd.DataFrame:
    """The tidy comparison table from one row per run (pure: used by the CLI, web app, tests).

    ``matters`` overrides the KPI catalogue's thresholds of a difference big enough to matter;
    the threshold used (in the KPI's unit) is in the ``matters`` column.
    """
    import pandas as pd

    matters = matters or {}
    out = []
    kpis = [k for k in KPIS if k in runs.columns]
    by = {name: runs[runs["scenario"] == name].set_index("replication") for name in names}
    base = by[names[0]]
    for key in kpis:
        for name in names:
            mine = by[name]
            values = mine[key].to_numpy(dtype=float) if not mine.empty else []
            est = mean_ci(values, bounds=bounds(key))  # within the possible values
            row = {
                "kpi": key,
                "scenario": name,
                "n": est.n,
                "mean": est.mean,
                "ci_low": est.low,
                "ci_high": est.high,
            }
            if name != names[0]:
                common = base.index.intersection(mine.index)
                d = paired_difference(
                    base.loc[common, key].to_numpy(dtype=float), mine.loc[common, key].to_numpy(dtype=float)
                )
                rule = matters.get(key, KPIS[key].matters)
                threshold = rule.threshold(float(base[key].mean()) if not base.empty else math.nan)
                row.update(
                    matters=threshold,
                    diff=d.estimate.mean,
                    diff_low=d.estimate.low,
                    diff_high=d.estimate.high,
                    relative_change=d.relative,
                    effect_size=d.effect_size,
                    verdict=verdict(d, better(key), threshold),
                )
            out.append(row)
    return pd.DataFrame(out, columns=TABLE_COLUMNS)


VERDICT_TAGS = {
    "better": N_("better"),
    "worse": N_("WORSE"),
    "negligible": N_("negligible"),
    "unsure": N_("unsure"),
    "same": N_("no change"),
}


def table_rows(c: Comparison, keys: Sequence[str] | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the comparison table as people read it: one row per KPI; each
    scenario's mean [95 % CI], then each paired difference from the first scenario."""
    keys = (
        list(keys) if keys else [k for k in KPIS if k in set(c.table["kpi"]) and not k.startswith("verify.")]
    )
    from sim.i18n import SOURCE, current
    from sim.kpis import kpi_label

    names = c.names
    header = [_("KPI")] + [f"{n} {_('(mean [95% CI])')}" for n in names]
    header += [f"{n} - {names[0]}" for n in names[1:]]
    rows = []
    # Keys in English (what --kpis and the files use); the measure's name in another language.
    name_of = (lambda k: k) if current() == SOURCE else kpi_label
    for key in keys:
        sub = c.kpi(key)
        row = [name_of(key)]
        for n in names:
            r = sub.loc[n]
            low, high = (format_value(key, r[k], unit=False) for k in ("ci_low", "ci_high"))
            row.append(f"{format_value(key, r['mean'])} [{low}, {high}]")
        for n in names[1:]:
            r = sub.loc[n]
            diff, low, high = (
                format_value(key, r[k], unit=False, sign=True) for k in ("diff", "diff_low", "diff_high")
            )
            extra = [] if _nan(r["relative_change"]) else [f"{100 * r['relative_change']:+.0f} %"]
            extra += [] if _nan(r["effect_size"]) else [f"d={r['effect_size']:+.1f}"]
            note = f" ({', '.join(extra)})" if extra else ""
            tag = _(VERDICT_TAGS.get(r["verdict"], ""))
            row.append(f"{diff} [{low}, {high}]{note}{' ' + tag if tag else ''}")
        rows.append(row)
    return header, rows


def render(c: Comparison, keys: Sequence[str] | None = None, markdown: bool = False) -> str:
    """Text (or Markdown) table: rows are KPIs; columns the scenarios and the differences."""
    header, rows = table_rows(c, keys)
    if markdown:
        escape = lambda x: x.replace("|", "\\|")  # noqa: E731 - a scenario name may hold a bar
        lines = ["| " + " | ".join(map(escape, header)) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(map(escape, r)) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[j]) for r in rows)) for j, h in enumerate(header)]
    fmt = lambda r: "  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)])


def _nan(x: float) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))
