"""Directed search: the lever settings that best meet stated goals, found by running the model.

``search(experiment, minimise=[...], maximise=[...], constraints=[...])`` runs NSGA-II (pymoo;
Deb et al. 2002), a many-objective evolutionary search, over the experiment's **levers** (factors
with ``role = "lever"``; their ``range`` or ``values``).  Uncertainties stay at the base scenario's
values: the search answers "what is best in the world as assumed", and the robustness analysis
then asks how its answer fares across the uncertainties.

* Each candidate is a design point evaluated with the experiment's R replications and seeds
  (common random numbers, so candidates are compared on the same random draws); its objectives
  and constraints are the means over them.
* Constraints (the experiment's ``[[constraints]]`` and ``--constraint``) are handled by pymoo's
  constraint domination: any feasible candidate beats any infeasible one, and among infeasible
  ones the smaller shortfall wins.  Infeasible candidates are kept in the store and marked.
* **Every evaluated point is kept in the store** (an ordinary sweep store whose design is the
  list of points evaluated so far).  The search is a pure function of the experiment and its
  seed, so running the same command again after an interruption replays it, finds every run
  already in the store and continues where it stopped.
* **Convergence**: after each generation the hypervolume of the feasible non-dominated set of all
  points evaluated so far (objectives normalised to the range seen over the search, reference
  point 1.1; Zitzler & Thiele 1998), and the best value of each objective.  Flat lines mean more
  generations would find little more.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.store_data import AnalysisError
from sim.executors import Runner
from sim.experiments.experiment import Condition, Design, Experiment, parse_condition

INFEASIBLE = 1e12  # objective and shortfall given to a candidate whose runs all failed


@dataclass
class SearchResult:
    experiment: Experiment
    store: Path
    objectives: list[tuple[str, str]]  # (kpi, "min" | "max")
    constraints: list[str]
    evaluated: pd.DataFrame  # one row per distinct candidate: generation, levers, KPI means, feasible
    history: pd.DataFrame  # generation, evaluations, hypervolume, best of each objective
    levers: list[str]

    @property
    def best(self) -> pd.DataFrame:
        """The feasible non-dominated candidates (one row for a single objective), best first."""
        feas = self.evaluated[self.evaluated["feasible"]]
        if feas.empty:
            return feas
        f = _loss(feas, self.objectives)
        keep = _nondominated(f)
        # Candidates with the same objective values (e.g. levers that do not matter) shown once.
        front = feas[keep].drop_duplicates([k for k, _ in self.objectives])
        return front.sort_values(self.objectives[0][0], ascending=self.objectives[0][1] == "min")

    def to_text(self, limit: int = 10) -> str:
        from sim.kpis import format_value

        goals = ", ".join(f"{'minimise' if d == 'min' else 'maximise'} {k}" for k, d in self.objectives)
        n_feas = int(self.evaluated["feasible"].sum())
        lines = [
            f"{self.experiment.name}: {goals}"
            + (f" subject to {'; '.join(self.constraints)}" if self.constraints else ""),
            f"{len(self.evaluated)} candidates evaluated ({n_feas} feasible) over "
            f"{int(self.history['generation'].max())} generations; store: {self.store}",
        ]
        best = self.best
        if best.empty:
            lines.append("no feasible candidate found: relax a constraint or widen the levers' ranges")
            return "\n".join(lines)
        lines += ["", "best feasible" + (" (non-dominated)" if len(self.objectives) > 1 else "") + ":"]
        for _, r in best.head(limit).iterrows():
            levers = ", ".join(f"{k} = {_show(r[k])}" for k in self.levers)
            outs = ", ".join(f"{k} = {format_value(k, r[k])}" for k, _ in self.objectives)
            lines.append(f"  {levers}  ->  {outs}")
        h = self.history
        if len(h) >= 2:
            last, prev = h.iloc[-1], h.iloc[max(0, len(h) - 1 - max(1, len(h) // 5))]
            lines.append(
                f"convergence: hypervolume {prev['hypervolume']:.4f} -> {last['hypervolume']:.4f} "
                "over the last "
                f"{int(last['generation'] - prev['generation'])} generations (figure: search-convergence.png)"
            )
        return "\n".join(lines)

    def figure(self) -> Any:
        """Hypervolume and the best value of each objective against evaluations."""
        from matplotlib.figure import Figure

        k = len(self.objectives)
        fig = Figure(figsize=(5.5, 2.3 * (k + 1)), layout="constrained")
        axes = fig.subplots(k + 1, 1, sharex=True, squeeze=False)[:, 0]
        h = self.history
        axes[0].plot(h["evaluations"], h["hypervolume"], marker="o", ms=3)
        axes[0].set_ylabel("hypervolume")
        for ax, (key, _) in zip(axes[1:], self.objectives, strict=True):
            ax.plot(h["evaluations"], h[f"best|{key}"], marker="o", ms=3, color="C1")
            ax.set_ylabel(f"best {key}"[:32], fontsize=8)
        for ax in axes:
            ax.grid(alpha=0.3)
        axes[-1].set_xlabel("candidates evaluated")
        fig.suptitle(f"{self.experiment.name}: convergence of the search", fontsize=10)
        return fig

    def write(self, out: str | Path) -> list[Path]:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.evaluated.to_csv(out / "search-evaluated.csv", index=False)
        self.history.to_csv(out / "search-history.csv", index=False)
        self.figure().savefig(out / "search-convergence.png", dpi=90)
        return [out / "search-evaluated.csv", out / "search-history.csv", out / "search-convergence.png"]


def _show(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _loss(frame: pd.DataFrame, objectives: Sequence[tuple[str, str]]) -> np.ndarray:
    """Objectives as quantities to minimise (a maximised KPI negated)."""
    return np.column_stack(
        [frame[k].to_numpy(dtype=float) * (1.0 if d == "min" else -1.0) for k, d in objectives]
    )


def _nondominated(f: np.ndarray) -> np.ndarray:
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    keep = np.zeros(len(f), dtype=bool)
    if len(f):
        keep[NonDominatedSorting().do(f, only_non_dominated_front=True)] = True
    return keep


def default_store(exp: Experiment) -> Path:
    from sim.experiments.sweep import default_store as sweep_store

    p = sweep_store(exp)
    return p.with_name(p.stem + "-search.sqlite")


# Long by design: the NSGA-II loop with its store, resume and convergence record kept
# together, so that a resumed search replays exactly.
def search(
    experiment: Experiment | str | Path | Mapping[str, Any],
    *,
    minimise: Sequence[str] = (),
    maximise: Sequence[str] = (),
    constraints: Sequence[str] = (),
    store: str | Path | None = None,
    generations: int = 20,
    population: int = 20,
    replications: int | None = None,
    quick: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
    progress: bool | Callable[[int], None] = True,
    cancel: threading.Event | None = None,
    runner: Runner | None = None,
    command: str | None = None,
) -> SearchResult:
    """Search the experiment's levers for the best settings (see the module docstring).

    ``minimise`` / ``maximise`` name KPIs the experiment keeps (at least one objective);
    ``constraints`` are conditions like ``"service.unmet_share <= 0.05"``.  ``generations`` x
    ``population`` candidates at most (fewer distinct ones: repeats are not run again).
    ``progress`` is a bar (True), nothing (False) or a function told the number of runs made
    so far.  The other arguments are those of :func:`sim.sweep`.
    """
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.evaluator import Evaluator
    from pymoo.core.problem import Problem
    from pymoo.problems.static import StaticProblem

    from sim.experiments.sweep import as_experiment

    exp = as_experiment(experiment, quick=quick)
    if replications is not None or timeout is not None:
        exp = exp.with_options(
            **({"replications": replications} if replications is not None else {}),
            **({"timeout": timeout} if timeout is not None else {}),
        )
    levers = [f for f in exp.factors if f.role == "lever"]
    if not levers:
        raise AnalysisError(
            f'{exp.source}: no factor has role = "lever": the search varies the levers (what a planner sets)'
        )
    objectives = [(k, "min") for k in minimise] + [(k, "max") for k in maximise]
    if not objectives:
        raise AnalysisError("give at least one objective: --minimise KPI or --maximise KPI")
    # A numeric lever may be an objective too: the cost of a package is often a lever itself
    # (its head count), not an outcome of the runs.
    numeric_levers = [f.key for f in levers if not f.labelled]
    for k, _ in objectives:
        if k not in exp.kpis and k not in numeric_levers:
            from sim.experiments.experiment import _close

            options = [*exp.kpis, *numeric_levers]
            raise AnalysisError(
                f"objective {k!r} is not a KPI the experiment keeps nor a numeric lever{_close(k, options)}"
            )
    conds: list[Condition] = list(exp.constraints)
    for text in constraints:
        try:
            c = parse_condition(text, known=list(exp.kpis))
        except ValueError as e:
            raise AnalysisError(
                f"--constraint: {e} (a constraint's KPIs must be kept by the experiment)"
            ) from None
        if c.op in ("==", "!="):
            raise AnalysisError(f"--constraint: {text!r}: a search constraint needs <, <=, > or >=")
        conds.append(c)
    if generations < 1 or population < 2:
        raise AnalysisError("--generations must be at least 1 and --population at least 2")

    path = Path(store) if store is not None else default_store(exp)
    # The store holds the levers as factors and a list design that grows generation by generation.
    base_exp = replace(
        exp,
        name=f"{exp.name} (search)",
        factors=tuple(levers),
        design=Design("list", points=()),
        reference=None,
    )
    rows: list[tuple[Any, ...]] = []
    index: dict[str, int] = {}
    born: list[int] = []
    bar = _bar(progress, generations * population * exp.replications, exp.name)

    problem = Problem(n_var=len(levers), n_obj=len(objectives), n_ieq_constr=len(conds), xl=0.0, xu=1.0)
    algo = NSGA2(pop_size=population, eliminate_duplicates=True)
    algo.setup(problem, termination=("n_gen", generations), seed=exp.seed, verbose=False)
    history = []
    means = pd.DataFrame()
    gen = 0
    try:
        while algo.has_next():
            gen += 1
            pop = algo.ask()
            x = pop.get("X")
            decoded = [tuple(f.from_unit(u) for f, u in zip(levers, row, strict=True)) for row in x]
            for d in decoded:
                key = json.dumps(d, sort_keys=True, default=str)
                if key not in index:
                    index[key] = len(rows)
                    rows.append(d)
                    born.append(gen)
            means = _evaluate(base_exp, rows, path, workers, scheduler, cancel, runner, command, bar)
            for i, f in enumerate(levers):
                if f.key in numeric_levers:
                    means[f.key] = [float(r[i]) for r in rows]
            cand = means.reindex([index[json.dumps(d, sort_keys=True, default=str)] for d in decoded])
            f = np.nan_to_num(_loss(cand, objectives), nan=INFEASIBLE)
            g = (
                np.column_stack([np.nan_to_num(-c.slack(cand), nan=INFEASIBLE) for c in conds])
                if conds
                else None
            )
            static = StaticProblem(problem, F=f, G=g) if conds else StaticProblem(problem, F=f)
            Evaluator().eval(static, pop)
            algo.tell(infills=pop)
            history.append({"generation": gen, "evaluations": len(rows)})
    finally:
        bar(close=True)
    evaluated = _table(means, rows, born, levers, objectives, conds)
    hist = _history(pd.DataFrame(history), evaluated, objectives)
    return SearchResult(
        exp, path, objectives, [c.text for c in conds], evaluated, hist, [f.key for f in levers]
    )


def _evaluate(
    base_exp: Experiment,
    rows: list[tuple[Any, ...]],
    path: Path,
    workers: int | None,
    scheduler: str | None,
    cancel: threading.Event | None,
    runner: Runner | None,
    command: str | None,
    bar: Any,
) -> pd.DataFrame:
    """Run what is missing of the points so far (a sweep: resumable, into the same store) and
    return each point's KPI means over its successful replications."""
    from sim.experiments.sweep import sweep

    exp = replace(base_exp, design=replace(base_exp.design, points=tuple(rows)))
    done = {"n": 0}

    def tick(d: int, failed: int, total: int) -> None:
        bar(d - done["n"])
        done["n"] = d

    res = sweep(
        exp,
        store=path,
        workers=workers,
        scheduler=scheduler,
        cancel=cancel,
        runner=runner,
        progress=tick,
        command=command or "sim.search()",
    )
    if res.interrupted:
        # The runs finished so far are in the store: the same call replays the search from it.
        raise AnalysisError(f"search cancelled; its runs are in {path}, run again to continue")
    runs = res.runs
    # A generation whose runs all failed has no KPI columns: its points are infeasible (NaN).
    ok = runs[runs["status"] == "ok"].reindex(columns=["point", *exp.kpis])
    out = ok.groupby("point")[list(exp.kpis)].mean()
    out["n"] = ok.groupby("point").size()
    return out.reindex(range(len(rows)))


def _table(
    means: pd.DataFrame,
    rows: list[tuple[Any, ...]],
    born: list[int],
    levers: Sequence[Any],
    objectives: Sequence[tuple[str, str]],
    conds: Sequence[Condition],
) -> pd.DataFrame:
    frame = pd.DataFrame([dict(zip((f.key for f in levers), r, strict=True)) for r in rows])
    for f in levers:
        if f.labelled:
            frame[f.key] = [f.label_of(v) for v in frame[f.key]]
    frame.insert(0, "generation", born)
    frame.insert(0, "point", range(len(rows)))
    keys = list(dict.fromkeys([k for k, _ in objectives] + [k for c in conds for k in c.kpis]))
    for k in keys:
        if k not in frame.columns:  # a lever used as objective is already there
            frame[k] = means[k].to_numpy()
    frame["n"] = means["n"].fillna(0).astype(int).to_numpy()
    feasible = frame["n"] > 0
    for c in conds:
        feasible &= c.evaluate(frame)
    frame["feasible"] = feasible.to_numpy() if hasattr(feasible, "to_numpy") else feasible
    return frame


def _history(
    hist: pd.DataFrame, evaluated: pd.DataFrame, objectives: Sequence[tuple[str, str]]
) -> pd.DataFrame:
    """Hypervolume and best objectives of the feasible points evaluated up to each generation."""
    from pymoo.indicators.hv import HV

    feas = evaluated[evaluated["feasible"]]
    f_all = _loss(feas, objectives)
    lo = f_all.min(axis=0) if len(f_all) else np.zeros(len(objectives))
    hi = f_all.max(axis=0) if len(f_all) else np.ones(len(objectives))
    span = np.where(hi > lo, hi - lo, 1.0)
    hv = HV(ref_point=np.full(len(objectives), 1.1))
    out = []
    for _, h in hist.iterrows():
        sub = feas[feas["generation"] <= h["generation"]]
        row = {"generation": int(h["generation"]), "evaluations": int(h["evaluations"])}
        if sub.empty:
            row["hypervolume"] = 0.0
            for k, _ in objectives:
                row[f"best|{k}"] = math.nan
        else:
            f = (_loss(sub, objectives) - lo) / span
            row["hypervolume"] = float(hv(f[_nondominated(f)]))
            for k, d in objectives:
                row[f"best|{k}"] = float(sub[k].min() if d == "min" else sub[k].max())
        out.append(row)
    return pd.DataFrame(out)


def _bar(progress: bool | Callable[[int], None], total: int, name: str) -> Any:
    """A tqdm bar, nothing, or the caller's function told the number of runs made so far."""
    if callable(progress):
        made = {"n": 0}

        def tell(n: int = 0, close: bool = False) -> None:
            if n:
                made["n"] += n
                progress(made["n"])

        return tell
    if not progress:
        return lambda n=0, close=False: None
    import sys

    import tqdm

    tqdm.tqdm.monitor_interval = 0  # no monitor thread: the worker pool forks
    bar = tqdm.tqdm(total=total, desc=f"search {name}", unit="run", file=sys.stderr, mininterval=0.5)

    def update(n: int = 0, close: bool = False) -> None:
        if close:
            bar.close()
        elif n:
            bar.update(n)

    return update
