"""Planning a sweep: which runs an experiment's design needs, and what they will cost.

Before anything runs, the coordinator knows every run it will ask for.  :func:`plan` lists them
replication by replication, each design point with the seed ``replication_seed(seed, r)`` (the
same seeds at every point: common random numbers, so points are compared run by run) and a run
id made from the scenario's content hash, the replication, the seed and the days
(:func:`sim.experiments.store.run_id`).  The id is how a store recognises a run it already holds,
so a sweep that was stopped does only what is missing, and two design points that resolve to the
same scenario share their runs.

:func:`check_budget` estimates the whole job from the design's sizes alone (nothing is built) and
refuses one beyond :mod:`sim.budgets`' limits before a store is opened.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim import budgets
from sim.executors import Task, default_workers
from sim.experiments.experiment import Experiment, Point, experiment_from_mapping, load_experiment
from sim.experiments.store import run_id
from sim.rng import replication_seed


def as_experiment(experiment: Experiment | str | Path | Mapping[str, Any], quick: bool = False) -> Experiment:
    """An :class:`Experiment` from a file path, a dict with the file's structure, or itself."""
    if isinstance(experiment, Experiment):
        if quick and not experiment.quick:
            raise ValueError("quick=True needs the experiment's file or dict, not a built Experiment")
        return experiment
    if isinstance(experiment, Mapping):
        return experiment_from_mapping(experiment, quick=quick)
    return load_experiment(experiment, quick=quick)


def default_store(exp: Experiment) -> Path:
    """``results/<experiment file stem or name>[-quick].sqlite`` under the current directory."""
    stem = Path(exp.source).stem if exp.source.endswith(".toml") else exp.name
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_") or "experiment"
    return Path("results") / f"{slug}{'-quick' if exp.quick else ''}.sqlite"


@dataclass
class PlannedRun:
    """One run of the design: a point, a replication and its seed, the days, the run id."""

    point: Point
    replication: int
    seed: int
    days: int
    rid: str


def plan(exp: Experiment, points: list[Point] | None = None) -> list[PlannedRun]:
    """Every run of the experiment, replication by replication (so that a sweep stopped half way
    has whole designs with fewer replications, not half a design)."""
    points = points if points is not None else exp.points()
    out = []
    for r in range(exp.replications):
        seed = replication_seed(exp.seed, r)
        for p in points:
            days = exp.days if exp.days is not None else p.scenario.days
            out.append(PlannedRun(p, r, seed, days, run_id(p.scenario_hash, r, seed, days)))
    return out


# Parameters that make a run cost more (more residents, more needs): the budget takes the largest
# value a factor gives them, so the estimate errs high.
_COST_PARAMS = (
    "population.residents",
    "needs.admin_rate",
    "needs.social_assistance_rate",
    "needs.elderly_care_rate",
    "elderly_care.latent_request_rate",
    "needs.public_space_rate",
    "needs.dispute_rate",
)


def check_budget(
    exp: Experiment, *, workers: int | None = None, scheduler: str | None = None, yes: bool = False
) -> budgets.JobEstimate:
    """The design's runs, time and memory, from its sizes (nothing is built), checked against
    :mod:`sim.budgets`: raises :class:`sim.budgets.BudgetError` above a hard limit, or above a
    soft one without ``yes``."""
    from sim.experiments.design import design_size
    from sim.experiments.experiment import SCENARIO_FACTOR

    runs = design_size(exp.design, exp.factors) * exp.replications
    scenarios = [v for f in exp.factors if f.key == SCENARIO_FACTOR for v in (f.values or ())]
    costs = [_run_cost(exp, sc) for sc in scenarios or [exp.base] if sc is not None]
    cost = budgets.RunCost(
        max((c.seconds for c in costs), default=0.0), max((c.bytes for c in costs), default=0)
    )
    n_workers = workers or (1 if scheduler else default_workers())
    return budgets.check_job(runs, cost, workers=n_workers, yes=yes, source=exp.source)


def _run_cost(exp: Experiment, sc: Any) -> budgets.RunCost:
    """One run's cost at the design's costliest point.  A district run holds all its communities
    in one worker, so its cost is theirs together (more with a larger ``district.communities``)."""
    days = exp.days or sc.days
    if not getattr(sc, "is_district", False):
        return budgets.run_cost(_costliest(exp, sc.params), days)
    # Members of a copy: the communities are resolved for the estimate and let go, not kept on
    # the experiment's base for the whole sweep.
    costs = [budgets.run_cost(_costliest(exp, m.scenario.params), days) for m in replace(sc).members]
    counts = [
        v
        for f in exp.factors
        if f.key == "district.communities"
        for v in (f.values if f.values is not None else (f.hi,))
    ]
    scale = max(1.0, max(counts, default=0) / sc.count)
    one = budgets.district_cost(costs)
    return budgets.RunCost(scale * one.seconds, int(scale * one.bytes))


def _costliest(exp: Experiment, base_params: Mapping[str, Any]) -> dict[str, Any]:
    """A community's parameters with the fixed settings and the largest value each factor gives
    the parameters that make a run cost more."""
    params = dict(base_params)
    for key, value in exp.fixed.items():
        if key in params:
            params[key] = {**params[key], **value} if isinstance(value, Mapping) else value
    for f in exp.factors:
        if f.param in _COST_PARAMS:
            numbers = [v for v in (f.values or ()) if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if f.values is not None and not numbers:
                continue  # whole per-group tables: the scenario check bounds them
            top = max(numbers) if f.values is not None else f.hi
            if f.member is not None:
                params[f.param] = {**params[f.param], f.member: top}
            elif isinstance(params[f.param], Mapping):
                params[f.param] = {g: top for g in params[f.param]}
            else:
                params[f.param] = top
    return params


def task_for(exp: Experiment, pl: PlannedRun) -> Task:
    """The executor's task for a planned run; ``meta`` carries what the store records with it."""
    return Task(
        key=pl.rid,
        scenario=pl.point.scenario,
        seed=pl.seed,
        days=pl.days,
        daily=exp.daily,
        meta={"rid": pl.rid, "replication": pl.replication, "days": pl.days, "hash": pl.point.scenario_hash},
    )
