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

The levers and goals are :mod:`sim.ui.levers`'; the answer in words and pictures (the sentence,
the table's rows, the figure) is :mod:`sim.ui.how_much_answer`'s.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.ui.levers import AT_LEAST, AT_MOST, LEVERS, Goal, Lever, change_for, value_text

if TYPE_CHECKING:
    import pandas as pd

    from sim.scenario import Scenario

#: Every run's spending is annualised with this year length, so a cost reads "a year".
YEAR_DAYS = 365.0
COST_KPI = "finance.spending_yuan"
BASELINE_LABEL = "baseline"


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


# Long by design: one pass over the lever's values, each value's goals judged on their paired
# intervals and its yearly cost beside them, in the order the answer's table shows them.
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
