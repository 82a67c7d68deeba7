"""Sobol indices (Saltelli design) and Morris screening, from a design made for them.

:func:`sensitivity` runs the design through :func:`sim.experiments.sweep.sweep` (resumable, on any
executor) and :func:`analyse` computes the indices from the runs: SALib's estimators on the mean of
each design point's replications (:mod:`sim.experiments.sensitivity.averaging`), with bootstrap
intervals, and again on nested subsets of the design (the first n base samples of a Saltelli
design are the design for n, the first n trajectories of a Morris design likewise) to show whether
the indices have settled as N grows.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.experiments.experiment import Experiment, ExperimentError
from sim.experiments.sensitivity import SensitivityError
from sim.experiments.sensitivity.averaging import design_noise_share, point_means
from sim.experiments.sensitivity.results import SensitivityResult
from sim.experiments.sweep import ProgressFn, as_experiment, sweep

if TYPE_CHECKING:
    from sim.executors import Runner


# Long by design: the sweep, then the analysis, with the options both need.
def sensitivity(
    experiment: Experiment | str | Path | Mapping[str, Any],
    *,
    store: str | Path | None = None,
    kpis: Sequence[str] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
    replications: int | None = None,
    quick: bool = False,
    retry_failed: bool = False,
    resamples: int = 1000,
    progress: bool | ProgressFn = True,
    cancel: threading.Event | None = None,
    executor: Executor | None = None,
    runner: Runner | None = None,
    command: str | None = None,
    yes: bool = False,
) -> SensitivityResult:
    """Run a Saltelli or Morris design (resumable, like :func:`sweep`) and compute the indices.

    ``kpis`` are the outputs analysed (default: the KPIs the experiment keeps).  ``resamples``
    is the number of bootstrap resamples for the intervals.  Other arguments as for
    :func:`sim.experiments.sweep.sweep`.
    """
    exp = as_experiment(experiment, quick=quick)
    if exp.design.kind not in ("saltelli", "morris"):
        raise ExperimentError(
            exp.source,
            "design.kind",
            f'sensitivity needs kind = "saltelli" (Sobol indices) or "morris", not {exp.design.kind!r}',
        )
    keys = list(kpis) if kpis else list(exp.kpis)
    unknown = [k for k in keys if k not in exp.kpis]
    if unknown:
        raise ExperimentError(
            exp.source, "kpis", f"{unknown[0]!r} is not among the KPIs the experiment keeps"
        )
    res = sweep(
        exp,
        store=store,
        workers=workers,
        scheduler=scheduler,
        timeout=timeout,
        replications=replications,
        retry_failed=retry_failed,
        progress=progress,
        cancel=cancel,
        executor=executor,
        runner=runner,
        command=command,
        yes=yes,
    )
    if res.interrupted:
        raise SensitivityError(
            f"the sweep stopped before the design was complete; its runs are in {res.store}, "
            "run again to finish"
        )
    out = analyse(res.experiment, res.runs, keys, resamples=resamples)
    out.store, out.sweep = res.store, res
    return out


# Long by design: Sobol and Morris indices, bootstrap and convergence from one set of point means.
def analyse(
    exp: Experiment, runs: pd.DataFrame, kpis: Sequence[str], resamples: int = 1000
) -> SensitivityResult:
    """Indices from a finished sweep's runs (pure: no model runs); the method is in
    :mod:`sim.experiments.sensitivity`."""
    from sim.experiments.design import salib_problem

    problem = salib_problem(exp)
    means = point_means(exp, runs, kpis)
    method = "sobol" if exp.design.kind == "saltelli" else "morris"
    unit = exp.unit_matrix()
    k = len(exp.factors)
    step = (2 * k + 2 if exp.design.second_order else k + 2) if method == "sobol" else k + 1
    total = exp.design.samples if method == "sobol" else exp.design.trajectories
    assert total is not None
    sizes = _nested_sizes(total, method)
    rows, conv, noise = [], [], []
    for key in kpis:
        y = means[key].to_numpy(dtype=float)
        undefined = int(np.isnan(y).sum())
        if undefined:
            raise SensitivityError(
                f"KPI {key} is undefined (no event to measure) at {undefined} design points; "
                "analyse other KPIs"
            )
        noise.append(
            {
                "kpi": key,
                "noise_share": design_noise_share(exp, runs, key, y),
                "replications": exp.replications,
            }
        )
        for n in sizes:
            si = _indices(method, problem, unit, y, n * step, exp, resamples if n == total else 200)
            for name in ("S1", "ST") if method == "sobol" else ("mu_star",):
                for f, v, c in zip(exp.factor_keys, si[name], si[f"{name}_conf"], strict=True):
                    conv.append(
                        {
                            "kpi": key,
                            "factor": f,
                            "n": n,
                            "runs": n * step * exp.replications,
                            "index": name,
                            "value": float(v),
                            "conf": float(c),
                        }
                    )
            if n == total:
                for i, f in enumerate(exp.factor_keys):
                    if method == "sobol":
                        row = {"kpi": key, "factor": f}
                        for name in ("S1", "ST"):
                            v, c = float(si[name][i]), float(si[f"{name}_conf"][i])
                            row.update(
                                {name: v, f"{name}_low": v - c, f"{name}_high": v + c, f"{name}_conf": c}
                            )
                    else:
                        v, c = float(si["mu_star"][i]), float(si["mu_star_conf"][i])
                        row = {
                            "kpi": key,
                            "factor": f,
                            "mu": float(si["mu"][i]),
                            "mu_star": v,
                            "mu_star_low": v - c,
                            "mu_star_high": v + c,
                            "mu_star_conf": c,
                            "sigma": float(si["sigma"][i]),
                        }
                    rows.append(row)
    outputs = means.reset_index().rename(columns={"index": "point"})
    return SensitivityResult(
        experiment=exp,
        method=method,
        indices=pd.DataFrame(rows),
        convergence=pd.DataFrame(conv),
        noise=pd.DataFrame(noise),
        outputs=outputs,
    )


def _nested_sizes(total: int, method: str) -> list[int]:
    """Sample sizes for the convergence check: powers of 2 up to N (Sobol), or about eight
    evenly spread trajectory counts (Morris); never below 8 base samples or 4 trajectories, where
    the estimates say little."""
    if method == "sobol":
        sizes = [total >> i for i in range(8) if (total >> i) >= min(8, total)]
    else:
        sizes = sorted({max(4, round(total * j / 8)) for j in range(1, 9)} | {total})
        sizes = [s for s in sizes if s <= total]
    return sorted(set(sizes))


def _indices(
    method: str,
    problem: dict[str, Any],
    unit: np.ndarray | None,
    y: np.ndarray,
    rows: int,
    exp: Experiment,
    resamples: int,
) -> dict[str, Any]:
    """SALib's analysis on the first ``rows`` design rows (NaN indices for a constant output)."""
    yy = y[:rows]
    k = problem["num_vars"]
    if np.ptp(yy) == 0:
        nan = np.full(k, math.nan)
        return {
            "S1": nan,
            "S1_conf": nan,
            "ST": nan,
            "ST_conf": nan,
            "mu": nan,
            "mu_star": nan,
            "mu_star_conf": nan,
            "sigma": nan,
        }
    # SALib seeds its bootstrap only for a truthy seed: +1 keeps seed 0 reproducible too.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "sobol":
            from SALib.analyze import sobol as salib_sobol

            return salib_sobol.analyze(
                problem,
                yy,
                calc_second_order=exp.design.second_order,
                num_resamples=resamples,
                conf_level=0.95,
                seed=exp.seed + 1,
            )
        from SALib.analyze import morris as salib_morris

        assert unit is not None
        return salib_morris.analyze(
            problem,
            unit[:rows],
            yy,
            num_resamples=resamples,
            conf_level=0.95,
            num_levels=exp.design.levels,
            seed=exp.seed + 1,
        )
