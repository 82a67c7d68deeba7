"""Batch sweeps: run every design point of an experiment R times and keep every run in a store.

The coordinator (this process) builds the design, skips the runs its store already holds, hands
the others to :func:`sim.executors.execute` (a local worker pool, or a Dask cluster) and writes
each outcome to the store the moment it arrives, one transaction per run.  Stopping it any way
at all (Ctrl-C, a crash, ``kill -9``) loses at most the runs in flight; the same call again does
only what is missing.  Replications use the seeds ``replication_seed(seed, r)`` at every design
point (common random numbers), so points are compared run by run.
"""

from __future__ import annotations

import math
import platform
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from contextlib import suppress
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from sim import budgets
from sim.executors import Outcome, Runner, Task, default_workers, execute, run_task
from sim.experiments.experiment import (
    Experiment,
    Point,
    content_sha256,
    experiment_from_mapping,
    load_experiment,
)
from sim.experiments.store import Store, StoreError, check_store_file, run_id
from sim.rng import replication_seed

ProgressFn = Callable[[int, int, int], None]  # (done, failed, total) of this session


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a sweep.  Finished runs are in the store; the same call resumes."""

    def __init__(self, message: str, store: Path, remaining: int) -> None:
        super().__init__(message)
        self.message, self.store, self.remaining = message, store, remaining

    def __str__(self) -> str:
        return self.message


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
class _Planned:
    point: Point
    replication: int
    seed: int
    days: int
    rid: str


def plan(exp: Experiment, points: list[Point] | None = None) -> list[_Planned]:
    """Every run of the experiment, replication by replication (so that a sweep stopped half way
    has whole designs with fewer replications, not half a design)."""
    points = points if points is not None else exp.points()
    out = []
    for r in range(exp.replications):
        seed = replication_seed(exp.seed, r)
        for p in points:
            days = exp.days if exp.days is not None else p.scenario.days
            out.append(_Planned(p, r, seed, days, run_id(p.scenario_hash, r, seed, days)))
    return out


# Long by design: the crash-safe loop: store, lock, resume, progress, Ctrl-C and failures handled together.
def sweep(
    experiment: Experiment | str | Path | Mapping[str, Any],
    *,
    store: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
    replications: int | None = None,
    quick: bool = False,
    retry_failed: bool = False,
    progress: bool | ProgressFn = True,
    cancel: threading.Event | None = None,
    executor: Executor | None = None,
    runner: Runner | None = None,
    command: str | None = None,
    yes: bool = False,
) -> SweepResult:
    """Run an experiment's design and keep every run in an SQLite store; return the results.

    ``experiment`` is an experiment file, a dict with the same structure (its paths relative to
    the current directory; :func:`experiment_from_mapping` takes another root), or an
    :class:`Experiment`.  ``store`` defaults to ``results/<name>.sqlite``.  Runs already in the
    store are not run again (failed ones neither, unless ``retry_failed``), so calling this again
    after an interruption finishes the job.  ``workers`` local processes (default: one per core),
    or the Dask cluster at ``scheduler``; ``timeout`` (seconds, default the experiment's) stops a
    run that takes longer and records it as failed; ``replications`` overrides the experiment's;
    ``quick`` uses the experiment's ``[quick]`` sizes.

    ``progress`` shows a bar on stderr (or is called as ``progress(done, failed, total)``);
    setting ``cancel`` stops the sweep at the next run (the result says ``interrupted``).
    Ctrl-C raises :class:`SweepInterrupted` after the store is closed cleanly.
    ``runner`` replaces the model run (tests, benchmarks); ``executor`` reuses a warm pool.

    Before anything is built or opened, the job is checked against :mod:`sim.budgets` (see
    :func:`check_budget`; ``yes`` goes past its soft limits) and the store's path against
    :mod:`sim.paths`.
    """
    exp = as_experiment(experiment, quick=quick)
    if replications is not None or timeout is not None:
        exp = exp.with_options(
            **({"replications": replications} if replications is not None else {}),
            **({"timeout": timeout} if timeout is not None else {}),
        )
    path = Path(store) if store is not None else default_store(exp)
    estimate = check_budget(exp, workers=workers, scheduler=scheduler, yes=yes)
    check_store_file(path)
    if progress is True and budgets.is_large(estimate):
        print(f"{exp.name}: estimate for the whole design: {estimate}", file=sys.stderr)
    points = exp.points()
    planned = plan(exp, points)
    started = time.perf_counter()
    with Store(path) as st:
        st.bind(exp.name, exp.identity(), points, exp.source)
        known = st.known_runs(include_failed=not retry_failed)
        todo: list[_Planned] = []
        seen: set[str] = set()
        for pl in planned:
            # Two design points with the same scenario (an integer factor rounded to the same
            # value, or a reform whose removal changes nothing) share their runs.
            if pl.rid not in known and pl.rid not in seen:
                todo.append(pl)
                seen.add(pl.rid)
        skipped = len({pl.rid for pl in planned}) - len(todo)
        session = st.begin_session(
            _manifest(exp, workers, scheduler, len(todo), command or "sim.sweep()", runner)
        )
        done = failed = 0
        status = "finished"
        bar = _progress(progress, len(todo), exp.name, skipped)
        outcomes = execute(
            (_task(exp, pl) for pl in todo),
            workers=workers,
            scheduler=scheduler,
            cancel=cancel,
            executor=executor,
            timeout=exp.timeout,
            isolate=True,
            runner=runner or run_task,
        )
        try:
            for outcome in outcomes:
                _record(st, exp, outcome, session)
                done += 1
                failed += not outcome.ok
                bar(done, failed, outcome)
            if cancel is not None and cancel.is_set() and done < len(todo):
                status = "cancelled"
        except KeyboardInterrupt:
            status = "interrupted"
            outcomes.close()  # stops the worker processes now
            st.end_session(session, status, done, failed)
            bar(done, failed, None, close=True)
            left = len(todo) - done
            raise SweepInterrupted(
                f"interrupted: {done} runs of this session are safe in {path}; {left} remain. "
                "Run the same command again to do only those.",
                path,
                left,
            ) from None
        except BaseException:
            status = "error"
            raise
        finally:
            if status != "interrupted":
                outcomes.close()
                st.end_session(session, status, done, failed)
                bar(done, failed, None, close=True)
    return SweepResult(
        experiment=exp,
        store=path,
        ran=done,
        failed=failed,
        skipped=skipped,
        planned=len({pl.rid for pl in planned}),
        points=len(points),
        interrupted=status != "finished",
        seconds=time.perf_counter() - started,
    )


# Parameters that make a run cost more (more residents, more needs): the budget takes the largest
# value a factor gives them, so the estimate errs high.
_COST_PARAMS = (
    "population.residents",
    "needs.admin_rate",
    "needs.social_assistance_rate",
    "needs.elderly_care_rate",
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
    costs = []
    for sc in scenarios or [exp.base]:
        if sc is None:
            continue
        params = dict(sc.params)
        for key, value in exp.fixed.items():
            params[key] = {**params[key], **value} if isinstance(value, Mapping) else value
        for f in exp.factors:
            if f.param in _COST_PARAMS:
                numbers = [
                    v for v in (f.values or ()) if isinstance(v, (int, float)) and not isinstance(v, bool)
                ]
                if f.values is not None and not numbers:
                    continue  # whole per-group tables: the scenario check bounds them
                top = max(numbers) if f.values is not None else f.hi
                if f.member is not None:
                    params[f.param] = {**params[f.param], f.member: top}
                elif isinstance(params[f.param], Mapping):
                    params[f.param] = {g: top for g in params[f.param]}
                else:
                    params[f.param] = top
        costs.append(budgets.run_cost(params, exp.days or sc.days))
    cost = budgets.RunCost(
        max((c.seconds for c in costs), default=0.0), max((c.bytes for c in costs), default=0)
    )
    n_workers = workers or (1 if scheduler else default_workers())
    return budgets.check_job(runs, cost, workers=n_workers, yes=yes, source=exp.source)


def _task(exp: Experiment, pl: _Planned) -> Task:
    return Task(
        key=pl.rid,
        scenario=pl.point.scenario,
        seed=pl.seed,
        days=pl.days,
        daily=exp.daily,
        meta={"rid": pl.rid, "replication": pl.replication, "days": pl.days, "hash": pl.point.scenario_hash},
    )


def _record(st: Store, exp: Experiment, outcome: Outcome, session: int) -> None:
    task = outcome.task
    res = outcome.result
    kpis = None
    daily = None
    if outcome.ok and res is not None:
        # The KPIs the experiment keeps; one the run did not produce is stored as missing.
        kpis = {k: res.kpis.get(k, math.nan) for k in exp.kpis}
        daily = res.daily if exp.daily else None
    st.record(
        task.meta["rid"],
        task.meta["hash"],
        task.meta["replication"],
        task.seed,
        task.meta["days"],
        session,
        kpis=kpis,
        daily=daily,
        error=outcome.error if not outcome.ok else None,
        seconds=outcome.seconds,
        worker=outcome.worker,
    )


def _versions() -> dict[str, str]:
    from importlib import metadata

    out = {}
    for dist in ("mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "tqdm", "dask", "distributed"):
        with suppress(metadata.PackageNotFoundError):
            out[dist] = metadata.version(dist)
    return out


def _manifest(
    exp: Experiment, workers: int | None, scheduler: str | None, planned: int, command: str, runner: Any
) -> dict[str, Any]:
    import json

    from sim import __version__

    seeds = [replication_seed(exp.seed, r) for r in range(exp.replications)]
    runner_name = getattr(runner, "__qualname__", None) or getattr(
        getattr(runner, "func", None), "__qualname__", ""
    )
    return {
        "experiment": exp.name,
        "experiment_file": exp.source,
        "experiment_sha256": content_sha256(exp.text),
        "experiment_text": exp.text,
        "quick": int(exp.quick),
        "replications": exp.replications,
        "base_seed": exp.seed,
        "seeds": json.dumps(seeds),
        "govsim_version": __version__ + (f" (runner {runner_name})" if runner is not None else ""),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "libraries": json.dumps(_versions(), sort_keys=True),
        "host": socket.gethostname(),
        "platform": platform.platform(),
        "command": command,
        "workers": str(workers or (None if scheduler else default_workers())),
        "scheduler": scheduler,
        "timeout": exp.timeout,
        "runs_planned": planned,
    }


def _progress(progress: bool | ProgressFn, total: int, name: str, skipped: int) -> Callable[..., None]:
    """A bar on stderr: done / failed / remaining, runs per second and time left (tqdm's)."""
    if callable(progress):
        fn = progress

        def call(done: int, failed: int, outcome: Outcome | None, close: bool = False) -> None:
            if not close:
                fn(done, failed, total)

        return call
    if not progress:
        return lambda *a, **k: None
    import tqdm

    # No monitor thread: the executor forks worker processes only from a single-threaded process.
    tqdm.tqdm.monitor_interval = 0
    note = f" ({skipped} already in the store)" if skipped else ""
    bar = tqdm.tqdm(
        total=total,
        desc=f"{name}{note}",
        unit="run",
        file=sys.stderr,
        mininterval=0.5,
        smoothing=0.1,
        dynamic_ncols=True,
    )
    bar.set_postfix_str(f"failed 0, left {total}")

    def update(done: int, failed: int, outcome: Outcome | None, close: bool = False) -> None:
        if close:
            bar.close()
            return
        bar.set_postfix_str(f"failed {failed}, left {total - done}", refresh=False)
        bar.update(1)

    return update


# -- results -------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    """What a sweep did and what its store holds.  Tables are read from the store when asked."""

    experiment: Experiment
    store: Path
    ran: int  # runs done by this call (including failed ones)
    failed: int  # runs of this call that failed
    skipped: int  # runs already in the store
    planned: int  # distinct runs of the design
    points: int  # design points
    interrupted: bool = False
    seconds: float = 0.0

    def __repr__(self) -> str:
        state = ", interrupted" if self.interrupted else ""
        return (
            f"SweepResult({self.experiment.name!r}, store={str(self.store)!r}, ran={self.ran}, "
            f"failed={self.failed}, skipped={self.skipped}{state})"
        )

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per design point and replication: point, factors, replication, seed, run_id,
        status, error, seconds, then every KPI kept (missing for failed runs)."""
        from sim.experiments.export import runs_frame
        from sim.experiments.store import connect

        with connect(self.store, readonly=True) as conn:
            frame = runs_frame(conn)
        # Only this experiment's points and replications: a store may hold more from an earlier,
        # larger call (more replications, or a Sobol design with a larger N).
        mine = (frame["replication"] < self.experiment.replications) & (frame["point"] < self.points)
        return frame[mine].reset_index(drop=True)

    @property
    def failures(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] == "failed"].reset_index(drop=True)

    def daily(self) -> pd.DataFrame:
        """One row per run and day (empty unless the experiment keeps daily series)."""
        from sim.experiments.export import daily_frames
        from sim.experiments.store import connect

        with connect(self.store, readonly=True) as conn:
            parts = list(daily_frames(conn))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    @property
    def kpis(self) -> list[str]:
        return [k for k in self.experiment.kpis if k in self.runs.columns]

    def means(self) -> pd.DataFrame:
        """Per design point: the factors, the number of successful runs and each KPI's mean."""
        ok = self.runs[self.runs["status"] == "ok"]
        keys = ["point", *self.experiment.factor_keys]
        out = ok.groupby("point", sort=True)[self.kpis].mean()
        n = ok.groupby("point").size().rename("n")
        info = self.runs.drop_duplicates("point").set_index("point")[self.experiment.factor_keys]
        return info.join(n).join(out).reset_index()[[*keys, "n", *self.kpis]]

    def reference_point(self, reference: Mapping[str, Any] | None = None) -> int:
        """The design point matching ``reference`` (factor -> value or label; default the
        experiment's ``[analysis] reference``, else the first point)."""
        ref = reference if reference is not None else self.experiment.reference
        pts = self.runs.drop_duplicates("point").set_index("point")
        if not ref:
            return int(pts.index.min())
        mask = pd.Series(True, index=pts.index)
        factors = {f.key: f for f in self.experiment.factors}
        for k, v in ref.items():
            if k not in factors:
                raise ValueError(f"reference: {k!r} is not a factor of this experiment")
            f = factors[k]
            if f.values is not None and any(v is x or v == x for x in f.values):
                v = f.label_of(v)  # a value given where the tables show a label
            mask &= pts[k].map(lambda x, v=v: x == v or str(x) == str(v))
        hits = list(pts.index[mask])
        if len(hits) != 1:
            raise ValueError(f"reference {dict(ref)} matches {len(hits)} design points, not one")
        return int(hits[0])

    def effects(
        self, reference: Mapping[str, Any] | None = None, kpis: list[str] | None = None
    ) -> pd.DataFrame:
        """Paired differences (point - reference) per KPI, matched replication by replication.

        Tidy: one row per point and KPI with the point's mean, the difference and its 95 %
        interval, the relative change, Cohen's d and a verdict (better / worse / unsure).
        """
        from sim.kpis import better
        from sim.statistics import paired_difference, verdict

        ref = self.reference_point(reference)
        ok = self.runs[self.runs["status"] == "ok"]
        by_point = {p: g.set_index("replication") for p, g in ok.groupby("point")}
        base = by_point.get(ref)
        if base is None:
            raise ValueError(f"the reference point {ref} has no successful run")
        rows = []
        factors = self.experiment.factor_keys
        info = self.runs.drop_duplicates("point").set_index("point")[factors]
        for key in kpis or self.kpis:
            for p, mine in by_point.items():
                if p == ref:
                    continue
                common = base.index.intersection(mine.index)
                d = paired_difference(
                    base.loc[common, key].to_numpy(dtype=float), mine.loc[common, key].to_numpy(dtype=float)
                )
                rows.append(
                    {
                        "kpi": key,
                        "point": p,
                        **info.loc[p].to_dict(),
                        "n": d.estimate.n,
                        "reference_mean": float(base.loc[common, key].mean()),
                        "mean": float(mine.loc[common, key].mean()),
                        "diff": d.estimate.mean,
                        "diff_low": d.estimate.low,
                        "diff_high": d.estimate.high,
                        "relative_change": d.relative,
                        "effect_size": d.effect_size,
                        "verdict": verdict(d, better(key)),
                    }
                )
        return pd.DataFrame(rows)

    # Long by design: the sweep's printed summary, a text template.
    def to_text(self, kpis: list[str] | None = None, limit: int = 6) -> str:
        """For the terminal: what ran, and either the paired effects against the reference point
        (largest first) or, without one, each point's means."""
        from sim.kpis import format_value

        lines = [
            f"{self.experiment.name}: {self.planned} runs in the design, {self.skipped} were already in "
            f"the store, {self.ran} ran now ({self.failed} failed) in {self.seconds:.1f} s",
            f"store: {self.store}",
        ]
        runs = self.runs
        n_failed = int((runs["status"] == "failed").sum())
        if n_failed:
            example = runs.loc[runs["status"] == "failed", "error"].iloc[0]
            lines.append(f"{n_failed} failed runs in the store, e.g.: {example}")
        keys = (kpis or self.kpis)[:limit]
        if not keys or (runs["status"] == "ok").sum() == 0:
            return "\n".join(lines)
        factors = self.experiment.factor_keys

        def label(row: pd.Series) -> str:
            if len(factors) == 1:
                return str(row[factors[0]])
            return ", ".join(f"{f}={row[f]}" for f in factors)

        if self.experiment.reference is not None and self.experiment.design.kind in ("factorial", "list"):
            eff = self.effects(kpis=keys)
            ref = self.reference_point()
            ref_row = runs[runs["point"] == ref].iloc[0]
            for key in keys:
                sub = eff[eff["kpi"] == key].copy()
                if sub.empty:
                    continue
                sub["size"] = sub["diff"].abs()
                sub = sub.sort_values("size", ascending=False)
                ref_mean = sub["reference_mean"].iloc[0]
                lines.append("")
                lines.append(
                    f"{key}: reference {label(ref_row)} = {format_value(key, ref_mean)}; difference [95% CI]"
                )
                width = max(len(label(r)) for _, r in sub.iterrows())
                for _, r in sub.iterrows():
                    tag = {"better": "better", "worse": "WORSE", "unsure": "unsure"}.get(r["verdict"], "")
                    if r["diff"] == 0 and r["diff_low"] == 0 and r["diff_high"] == 0:
                        tag = "no change"  # the same runs: identical in every replication
                    lines.append(
                        f"  {label(r):<{width}}  {_signed(key, r['diff'])} "
                        f"[{_signed(key, r['diff_low'])}, {_signed(key, r['diff_high'])}]  {tag}"
                    )
            return "\n".join(lines)
        means = self.means()
        lines.append("")
        header = ["point", *factors, "n", *keys]
        # Records keep each column's type (iterrows would make a row of numbers all floats,
        # printing point 0 as "0.0").
        body = [
            [
                str(r["point"]),
                *(str(r[f]) for f in factors),
                str(r["n"]),
                *(format_value(k, r[k]) for k in keys),
            ]
            for r in means.head(50).to_dict("records")
        ]
        widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(header)]
        lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        lines.extend("  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)) for b in body)
        if len(means) > 50:
            lines.append(f"... {len(means) - 50} more points (see govsim export)")
        return "\n".join(lines)


def _signed(key: str, x: float) -> str:
    from sim.kpis import KPIS

    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    unit = KPIS[key].unit if key in KPIS else ""
    if x == 0:
        return "0" + (" pt" if unit == "share" else "")
    if unit == "share":
        pct = 100 * x
        return f"{pct:+.1f} pt" if abs(pct) >= 0.1 else f"{pct:+.2g} pt"
    if abs(x) >= 100:
        return f"{x:+,.0f}"
    return f"{x:+.2f}" if abs(x) >= 0.01 else f"{x:+.2g}"


__all__ = ["StoreError", "SweepInterrupted", "SweepResult", "plan", "sweep"]
