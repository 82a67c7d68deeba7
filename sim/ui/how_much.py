""" "How much is enough?": one lever varied over a range against the baseline, goals, and cost.

A planner asks, for instance, "from how many staff on are daytime waits no longer than before and
commuters' needs resolved at least 80 % of the time, and what does that cost?".  The answer is a
sweep (:func:`sim.sweep`, the same machinery as ``govsim sweep``) of an experiment built with
:func:`sim.experiment_from_mapping`: its one factor is the scenario - the baseline, then the
scenario being studied at each value of the lever - so that every point runs with the same seeds
(common random numbers) and each is compared with the baseline run by run.  The store is a file
named after the question in the app's data folder: asking the same question again (after Stop,
or after a reload) only runs what is missing; asking it with more runs adds only the new ones.

Each goal is judged with the 95 % interval, never the mean alone: a goal is *met* where the whole
interval is on its side, *not met* where the whole interval is on the other side, else *not sure*.
"No worse than the baseline" is a non-inferiority judgement: the paired difference from the
baseline may not be worse by more than the KPI's size that matters (``govsim kpis``), so an
unchanged value counts as met rather than forever "not sure".
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.i18n import N_, _

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.scenario import Scenario

#: Every run's spending is annualised with this year length, so a cost reads "a year".
YEAR_DAYS = 365.0
COST_KPI = "finance.spending_yuan"
BASELINE_LABEL = "baseline"
#: The most lever values one question may ask for (each is a point of the sweep).
MAX_VALUES = 21
EVENING_FROM_H = 17.5


@dataclass(frozen=True)
class Lever:
    """A setting a planner may vary: the parameter, its words, a default range and its unit."""

    key: str  # an id of the lever (the parameter it sets, or "evening")
    param: str
    label: str  # N_() text
    unit: str  # N_() text
    lo: float
    hi: float
    count: int  # how many values by default
    integer: bool = False
    step: float | None = None  # values are rounded to it (half hours)
    percent: bool = False
    min_value: float = 0.0
    max_value: float = math.inf


LEVERS: dict[str, Lever] = {
    lev.key: lev
    for lev in (
        Lever(
            "staff.count",
            "staff.count",
            N_("Hired staff"),
            N_("staff"),
            6,
            14,
            9,
            integer=True,
            min_value=1,
            max_value=1000,
        ),
        Lever(
            "evening",
            "service.opening",
            N_("Weekday opening until (hour; 19.5 is 19:30)"),
            N_("o'clock"),
            17.5,
            21.0,
            8,
            step=0.5,
            min_value=12.0,
            max_value=24.0,
        ),
        Lever(
            "finance.fiscal_yuan_year",
            "finance.fiscal_yuan_year",
            N_("Operating funds from the city and district"),
            N_("yuan a year"),
            100_000,
            500_000,
            5,
            max_value=1e9,
        ),
        Lever(
            "departments.access_strictness",
            "departments.access_strictness",
            N_("Access system strictness (share of department tasks turned back)"),
            N_("%"),
            0.0,
            1.0,
            5,
            percent=True,
            max_value=1.0,
        ),
    )
}

#: Relations of a goal: a KPI at least / at most a number, or no worse than the baseline.
AT_LEAST, AT_MOST, NOT_WORSE = "at_least", "at_most", "not_worse"
RELATIONS = {
    AT_LEAST: N_("at least"),
    AT_MOST: N_("at most"),
    NOT_WORSE: N_("no worse than the baseline"),
}
#: The measures a goal may be about (the planners' questions of the issue, and the money).
GOAL_KPIS = (
    "service.daytime_wait_mean_min",
    "service.queue_wait_mean_min",
    "access.resolved_share.commuter",
    "access.resolved_share.retiree",
    "service.unmet_share",
    "staff.overtime_h_per_staff",
    "finance.balance_yuan",
    "governance.participation_rate.commuter",
)


@dataclass(frozen=True)
class Goal:
    kpi: str
    relation: str
    value: float = 0.0  # in the KPI's unit (a share as a fraction); unused for NOT_WORSE

    def text(self) -> str:
        """The goal in words: "Needs resolved: commuters at least 80 %"."""
        from sim.kpis import format_value, kpi_label

        if self.relation == NOT_WORSE:
            return f"{kpi_label(self.kpi)}: {_(RELATIONS[NOT_WORSE])}"
        return f"{kpi_label(self.kpi)}: {_(RELATIONS[self.relation])} {format_value(self.kpi, self.value)}"


DEFAULT_GOALS = (
    Goal("service.daytime_wait_mean_min", NOT_WORSE),
    Goal("access.resolved_share.commuter", AT_LEAST, 0.80),
)


@dataclass(frozen=True)
class Question:
    """What the planner asks: the lever's values on ``scenario``, against ``baseline``."""

    baseline: Scenario
    scenario: Scenario
    lever: str
    values: tuple[float, ...]
    goals: tuple[Goal, ...]
    replications: int = 10
    days: int = 365
    seed: int = 1


def lever_values(lever: Lever, lo: float, hi: float, count: int) -> tuple[float, ...]:
    """``count`` values evenly from ``lo`` to ``hi``, rounded as the lever needs, without repeats."""
    raw = np.linspace(lo, hi, count) if count > 1 else np.array([lo])
    if lever.integer:
        raw = np.round(raw)
    elif lever.step:
        raw = np.round(raw / lever.step) * lever.step
    elif lever.percent:
        raw = np.round(raw, 4)
    else:
        raw = np.round(raw, 2)
    out: list[float] = []
    for v in raw:
        if float(v) not in out:
            out.append(float(v))
    return tuple(out)


def range_problems(lever: Lever, lo: float, hi: float, count: int) -> list[str]:
    """What is wrong with a range (empty: it can run)."""
    out = []
    shown = value_text(lever, lever.max_value) if math.isfinite(lever.max_value) else ""
    for v in (lo, hi):
        if not lever.min_value <= v <= lever.max_value:
            out.append(
                _("{lever}: {value} is outside what is possible ({lo} to {hi}).").format(
                    lever=_(lever.label),
                    value=value_text(lever, v),
                    lo=value_text(lever, lever.min_value),
                    hi=shown,
                )
            )
    if lo > hi:
        out.append(_("The range must go from a smaller to a larger value."))
    if not 2 <= count <= MAX_VALUES:
        out.append(_("Values to try: from 2 to {n}.").format(n=MAX_VALUES))
    return out


def value_text(lever: Lever, v: float) -> str:
    """A lever value as the planner reads it: 8 staff, 19:30, 300,000 yuan, 50 %."""
    if lever.key == "evening":
        return f"{int(v):02d}:{round(60 * (v - int(v))):02d}"
    if lever.percent:
        return f"{100 * v:g} %"
    if lever.integer:
        return f"{int(v)}"
    return f"{v:,.0f}"


def evening_schedule(spec: dict[str, Any], until_h: float) -> dict[str, list[str]]:
    """The weekly opening hours with every weekday that is open kept open, from the end of its
    last opening, until ``until_h`` (hours; never shortened: a day already open later is kept)."""
    from sim.calendar import DAY_NAMES, SLOTS_PER_DAY, mask_to_spec, weekly_mask

    mask = weekly_mask(spec).copy()
    end_slot = round(until_h * 2)
    for d in range(5):
        day = mask[d * SLOTS_PER_DAY : (d + 1) * SLOTS_PER_DAY]
        open_slots = np.flatnonzero(day)
        if len(open_slots) == 0:
            continue  # a weekday the hall is closed stays closed
        last = int(open_slots[-1]) + 1
        if end_slot > last:
            day[last:end_slot] = True
    assert DAY_NAMES[0] == "mon"
    return mask_to_spec(mask)


def change_for(lever: Lever, scenario: Scenario, value: float) -> dict[str, Any]:
    """The scenario change that sets the lever to ``value``."""
    if lever.key == "evening":
        return {"service.opening": evening_schedule(scenario.params["service.opening"], value)}
    return {lever.param: int(value) if lever.integer else float(value)}


def point_label(lever: Lever, value: float) -> str:
    return f"{lever.key}={value_text(lever, value)}"


def experiment_doc(q: Question) -> dict[str, Any]:
    """The question as an experiment with the structure of an experiment file (one factor: the
    scenario, the baseline first), for :func:`sim.experiment_from_mapping`."""
    lever = LEVERS[q.lever]
    variants = [
        dataclasses.replace(
            q.scenario.with_changes(change_for(lever, q.scenario, v)),
            name=f"{q.scenario.name} ({point_label(lever, v)})",
        )
        for v in q.values
    ]
    kpis = sorted({g.kpi for g in q.goals} | {COST_KPI})
    return {
        "name": f"How much is enough: {lever.key} on {q.scenario.name} against {q.baseline.name}",
        "replications": q.replications,
        "seed": q.seed,
        "days": q.days,
        "kpis": kpis,
        "factors": {
            "scenario": {
                "values": [q.baseline, *variants],
                "labels": [BASELINE_LABEL, *(point_label(lever, v) for v in q.values)],
            }
        },
        "analysis": {"reference": {"scenario": BASELINE_LABEL}},
    }


def store_path(q: Question, folder: Path) -> Path:
    """The store of this question: named after everything but the number of runs, so the same
    question resumes and more runs extend it."""
    lever = LEVERS[q.lever]
    ident = {
        "baseline": q.baseline.content_hash(),
        "scenario": q.scenario.content_hash(),
        "lever": q.lever,
        "values": list(q.values),
        "kpis": sorted({g.kpi for g in q.goals} | {COST_KPI}),
        "days": q.days,
        "seed": q.seed,
    }
    digest = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{lever.key}").strip("_")
    return folder / f"how-much-{slug}-{digest}.sqlite"


def run_question(
    q: Question,
    folder: Path,
    *,
    progress: Any = None,
    cancel: Any = None,
    executor: Any = None,
    workers: int | None = None,
) -> tuple[Any, Answer]:
    """Sweep the question into its store (resuming what an earlier call left) and judge it.
    ``progress(done, failed, total)`` and ``cancel`` (``is_set()``) are :func:`sim.sweep`'s."""
    from sim import experiment_from_mapping, sweep

    exp = experiment_from_mapping(experiment_doc(q), source="govsim ui: how much is enough")
    folder.mkdir(parents=True, exist_ok=True)
    result = sweep(
        exp,
        store=store_path(q, folder),
        workers=workers,
        progress=progress if progress is not None else False,
        cancel=cancel,
        executor=executor,
        command="govsim ui: how much is enough?",
    )
    return result, judge(q, result.runs)


# -- the answer ----------------------------------------------------------------------------------

MET, NOT_MET, UNSURE = "met", "not met", "unsure"


@dataclass(frozen=True)
class GoalAtValue:
    goal: Goal
    value: float  # the lever's value
    mean: float
    low: float
    high: float
    diff: float  # paired difference from the baseline (NaN without one)
    diff_low: float
    diff_high: float
    status: str


@dataclass(frozen=True)
class Answer:
    """The sweep's runs judged against the goals, and the cost of each value."""

    lever: str
    values: tuple[float, ...]
    days: int
    replications: int  # finished paired runs at the point with the fewest
    baseline_name: str
    goals: tuple[Goal, ...]
    per_goal: tuple[GoalAtValue, ...]
    baseline_means: dict[str, tuple[float, float, float]]  # kpi -> mean, low, high
    cost: tuple[tuple[float, float, float], ...]  # spending a year at each value: mean, low, high
    extra_cost: tuple[tuple[float, float, float], ...]  # paired spending a year more than the baseline
    margins: dict[str, float] = dataclasses.field(default_factory=dict)  # kpi -> size that matters

    def status_at(self, value: float) -> str:
        states = {g.status for g in self.per_goal if g.value == value}
        if NOT_MET in states:
            return NOT_MET
        if UNSURE in states or not states:
            return UNSURE
        return MET

    def met_values(self) -> list[float]:
        return [v for v in self.values if self.status_at(v) == MET]

    def threshold(self) -> tuple[float, str] | None:
        """Where the goals are surely met: ("from", v) if every value from v on meets them, ("up
        to", v) if every value up to v does; None if they are met nowhere or not in one stretch."""
        met = self.met_values()
        if not met:
            return None
        i = self.values.index(met[0])
        if list(self.values[i:]) == met:
            return met[0], "from"
        j = self.values.index(met[-1])
        if list(self.values[: j + 1]) == met:
            return met[-1], "up to"
        return None


def _goal_status(
    goal: Goal, mean: float, low: float, high: float, dlow: float, dhigh: float, margin: float
) -> str:
    from sim.kpis import better

    if any(x != x for x in (low, high)):
        return UNSURE
    if goal.relation == AT_LEAST:
        return MET if low >= goal.value else NOT_MET if high < goal.value else UNSURE
    if goal.relation == AT_MOST:
        return MET if high <= goal.value else NOT_MET if low > goal.value else UNSURE
    if dlow != dlow or dhigh != dhigh:
        return UNSURE
    if better(goal.kpi) == "lower":
        return MET if dhigh <= margin else NOT_MET if dlow > margin else UNSURE
    return MET if dlow >= -margin else NOT_MET if dhigh < -margin else UNSURE


def judge(q: Question, runs: pd.DataFrame) -> Answer:
    """The answer from the sweep's runs (``SweepResult.runs``: a ``scenario`` column with the
    point labels, a ``replication`` column and the KPIs)."""
    from sim.kpis import KPIS, bounds
    from sim.statistics import mean_ci, paired_difference

    lever = LEVERS[q.lever]
    ok = runs[runs["status"] == "ok"]
    by_label = {lab: g.set_index("replication").sort_index() for lab, g in ok.groupby("scenario")}
    base = by_label.get(BASELINE_LABEL)
    per_goal: list[GoalAtValue] = []
    margins: dict[str, float] = {}
    baseline_means: dict[str, tuple[float, float, float]] = {}
    scale = YEAR_DAYS / q.days
    counts = [len(g) for g in by_label.values()] or [0]
    for goal in q.goals:
        if base is not None:
            e = mean_ci(base[goal.kpi].to_numpy(float), bounds=bounds(goal.kpi))
            baseline_means[goal.kpi] = (e.mean, e.low, e.high)
            kpi = KPIS.get(goal.kpi)
            margins[goal.kpi] = kpi.matters.threshold(e.mean) if kpi else 0.0
    cost, extra = [], []
    for v in q.values:
        mine = by_label.get(point_label(lever, v))
        for goal in q.goals:
            if mine is None:
                per_goal.append(GoalAtValue(goal, v, *(math.nan,) * 6, UNSURE))
                continue
            e = mean_ci(mine[goal.kpi].to_numpy(float), bounds=bounds(goal.kpi))
            dm = dl = dh = math.nan
            margin = 0.0
            if base is not None:
                common = base.index.intersection(mine.index)
                a = base.loc[common, goal.kpi].to_numpy(float)
                d = paired_difference(a, mine.loc[common, goal.kpi].to_numpy(float))
                dm, dl, dh = d.estimate.mean, d.estimate.low, d.estimate.high
                kpi = KPIS.get(goal.kpi)
                margin = kpi.matters.threshold(float(np.nanmean(a)) if len(a) else math.nan) if kpi else 0.0
            per_goal.append(
                GoalAtValue(
                    goal,
                    v,
                    e.mean,
                    e.low,
                    e.high,
                    dm,
                    dl,
                    dh,
                    _goal_status(goal, e.mean, e.low, e.high, dl, dh, margin),
                )
            )
        if mine is None:
            cost.append((math.nan,) * 3)
            extra.append((math.nan,) * 3)
            continue
        c = mean_ci(mine[COST_KPI].to_numpy(float) * scale, bounds=bounds(COST_KPI))
        cost.append((c.mean, c.low, c.high))
        if base is not None:
            common = base.index.intersection(mine.index)
            d = paired_difference(
                base.loc[common, COST_KPI].to_numpy(float) * scale,
                mine.loc[common, COST_KPI].to_numpy(float) * scale,
            )
            extra.append((d.estimate.mean, d.estimate.low, d.estimate.high))
        else:
            extra.append((math.nan,) * 3)
    if base is not None:
        c = mean_ci(base[COST_KPI].to_numpy(float) * scale, bounds=bounds(COST_KPI))
        baseline_means[COST_KPI] = (c.mean, c.low, c.high)
    return Answer(
        q.lever,
        q.values,
        q.days,
        min(counts),
        q.baseline.name,
        q.goals,
        tuple(per_goal),
        baseline_means,
        tuple(cost),
        tuple(extra),
        margins,
    )


def sentence(a: Answer) -> str:
    """The answer in one sentence: "The goals are met from 9 staff on, costing 41,000 yuan a year
    more than Baseline 2002 (95 % interval 38,000 to 44,000)."""
    lever = LEVERS[a.lever]
    where = a.threshold()
    if where is None:
        met = a.met_values()
        if not met:
            return _(
                "The goals are not surely met at any value tried: try a wider range, or more runs where "
                "the verdict is not sure."
            )
        shown = ", ".join(value_text(lever, v) for v in met)
        return _("The goals are surely met at {values} only.").format(values=shown)
    value, side = where
    i = a.values.index(value)
    m, lo, hi = a.extra_cost[i]
    shown = (
        f"{value_text(lever, value)} {_(lever.unit)}"
        if lever.key != "evening" and not lever.percent
        else value_text(lever, value)
    )
    text = (
        _("The goals are met from {value} on").format(value=shown)
        if side == "from"
        else _("The goals are met up to {value}").format(value=shown)
    )
    if (side == "from" and value == a.values[0]) or (side == "up to" and value == a.values[-1]):
        # The stretch may go on beyond the range: the planner should not read this as the limit.
        text += _(" (already at the end of the range tried: try values beyond it)")
    if m != m:
        return text + "."
    word = _("more") if m >= 0 else _("less")
    return text + _(
        ", costing {amount} yuan a year {more} than {baseline} (95 % interval {lo} to {hi})."
    ).format(amount=f"{abs(m):,.0f}", more=word, baseline=a.baseline_name, lo=f"{lo:+,.0f}", hi=f"{hi:+,.0f}")


STATUS_WORDS = {MET: N_("met"), NOT_MET: N_("not met"), UNSURE: N_("not sure")}


def answer_figure(a: Answer) -> Figure:
    """One panel per goal (the lever on x, the mean with its 95 % interval, the goal line, the
    baseline dashed; met values marked green) and the cost a year under them."""
    from matplotlib.figure import Figure

    import sim.figures  # noqa: F401  (registers the CJK font for Chinese labels)
    from sim.kpis import KPIS, better, kpi_label

    lever = LEVERS[a.lever]
    xs = np.array(a.values, dtype=float)
    shown = 100.0 if lever.percent else 1.0
    n = len(a.goals) + 1
    fig = Figure(figsize=(7.5, 2.3 * n), layout="constrained")
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    met = np.array([a.status_at(v) == MET for v in a.values])
    for ax, goal in zip(axes, a.goals, strict=False):
        rows = [g for g in a.per_goal if g.goal == goal]
        share = KPIS[goal.kpi].unit == "share" if goal.kpi in KPIS else False
        k = 100.0 if share else 1.0
        mean = np.array([r.mean for r in rows]) * k
        low = np.array([r.low for r in rows]) * k
        high = np.array([r.high for r in rows]) * k
        colours = [
            "#2e7d32" if r.status == MET else "#c62828" if r.status == NOT_MET else "#9e9e9e" for r in rows
        ]
        ax.vlines(xs * shown, low, high, colors=colours, linewidth=2)
        ax.scatter(xs * shown, mean, c=colours, zorder=3, s=18)
        ax.plot(xs * shown, mean, color="#555", linewidth=0.8)
        base = a.baseline_means.get(goal.kpi)
        if base is not None:
            ax.axhline(base[0] * k, color="#555", linestyle="--", linewidth=1, label=a.baseline_name)
        if goal.relation in (AT_LEAST, AT_MOST):
            ax.axhline(goal.value * k, color="#1565c0", linewidth=1.2, label=_("goal"))
        elif base is not None and goal.kpi in a.margins:
            # No worse than the baseline: up to the size that matters beyond it.
            sign = -1.0 if better(goal.kpi) == "higher" else 1.0
            limit = (base[0] + sign * a.margins[goal.kpi]) * k
            ax.axhline(limit, color="#1565c0", linewidth=1.2, linestyle=":", label=_("goal"))
        ax.set_title(goal.text(), fontsize=9, loc="left")
        ax.set_ylabel("%" if share else (KPIS[goal.kpi].unit if goal.kpi in KPIS else ""))
        ax.legend(fontsize=7, loc="best")
    ax = axes[-1]
    c = np.array(a.cost, dtype=float)
    ax.fill_between(xs * shown, c[:, 1], c[:, 2], color="#f9a825", alpha=0.3, linewidth=0)
    ax.plot(xs * shown, c[:, 0], color="#f57f17", marker="o", markersize=3)
    base = a.baseline_means.get(COST_KPI)
    if base is not None:
        ax.axhline(base[0], color="#555", linestyle="--", linewidth=1, label=a.baseline_name)
        ax.legend(fontsize=7, loc="best")
    ax.set_title(_("{measure}, a year").format(measure=kpi_label(COST_KPI)), fontsize=9, loc="left")
    ax.set_ylabel(_("yuan"))
    ax.set_xlabel(f"{_(lever.label)}" + ("" if lever.key == "evening" else f" ({_(lever.unit)})"))
    for axis in axes:
        for x, ok in zip(xs * shown, met, strict=True):
            if ok:
                axis.axvspan(
                    x - 0.5 * _spacing(xs * shown), x + 0.5 * _spacing(xs * shown), color="#e8f5e9", zorder=0
                )
    return fig


def _spacing(xs: Sequence[float]) -> float:
    return float(np.min(np.diff(xs))) if len(xs) > 1 else 1.0


def answer_rows(a: Answer) -> list[dict[str, str]]:
    """The answer as table rows, one per lever value (for the page and the CSV)."""
    from sim.kpis import format_value

    lever = LEVERS[a.lever]
    rows = []
    for i, v in enumerate(a.values):
        row = {_(lever.label): value_text(lever, v)}
        for g in (g for g in a.per_goal if g.value == v):
            row[g.goal.text()] = (
                f"{format_value(g.goal.kpi, g.mean)} [{format_value(g.goal.kpi, g.low, unit=False)}, "
                f"{format_value(g.goal.kpi, g.high, unit=False)}] {_(STATUS_WORDS[g.status])}"
            )
        m, lo, hi = a.cost[i]
        row[_("Spending a year (yuan)")] = f"{m:,.0f} [{lo:,.0f}, {hi:,.0f}]" if m == m else "-"
        row[_("Verdict")] = _(STATUS_WORDS[a.status_at(v)])
        rows.append(row)
    return rows
