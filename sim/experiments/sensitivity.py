"""Global sensitivity analysis: Sobol indices (Saltelli design) or Morris screening, via SALib.

The design is an experiment with ``[design] kind = "saltelli"`` (or ``"morris"``), and it runs
through :func:`sim.experiments.sweep.sweep`: same store, same resumption, same executors.

The model is stochastic, so the output at a design point is a random variable.  Handing SALib
one run per point would count seed noise as parameter effect: a factor that does nothing still
gets a total index about equal to the noise variance over the output variance.  Each point is
therefore run R times with the same R seeds at every point (common random numbers, which make the
noise largely shared between points) and the indices are computed on the mean of the R runs, whose
remaining noise variance is divided by R.  The report gives that remaining noise as a share of the
variance of the averaged output, so a reader can see whether R was enough.

Intervals are SALib's bootstrap intervals (resampling design rows).  The convergence table and
figure recompute the indices on nested subsets of the design: the first n base samples of a
Saltelli design are the design for n (first n trajectories for Morris), so no extra runs are
needed to see whether the indices have settled as N grows.
"""

from __future__ import annotations

import json
import math
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.executors import Runner
from sim.experiments.experiment import Experiment, ExperimentError
from sim.experiments.sweep import ProgressFn, SweepResult, as_experiment, sweep


class SensitivityError(ValueError):
    """The runs cannot give indices (missing design points, an undefined KPI); one-line message."""


@dataclass
class SensitivityResult:
    """Indices, their convergence, and the seed-noise check, for each KPI analysed."""

    experiment: Experiment
    method: str  # "sobol" or "morris"
    indices: pd.DataFrame
    convergence: pd.DataFrame
    noise: pd.DataFrame  # kpi, noise_share, replications
    outputs: pd.DataFrame  # per design point: factors, n runs averaged, mean of each KPI
    store: Path | None = None
    sweep: SweepResult | None = None

    def __repr__(self) -> str:
        return (
            f"SensitivityResult({self.experiment.name!r}, {self.method}, "
            f"kpis={list(self.noise['kpi'])}, factors={self.experiment.factor_keys})"
        )

    @property
    def kpis(self) -> list[str]:
        return list(self.noise["kpi"])

    def figure(self, kpis: Sequence[str] | None = None) -> Any:
        """Indices against sample size, one row of panels per KPI (a matplotlib ``Figure``)."""
        from matplotlib.figure import Figure

        keys = list(kpis or self.kpis)
        names = ["S1", "ST"] if self.method == "sobol" else ["mu_star"]
        fig = Figure(figsize=(5.2 * len(names), 3.2 * len(keys)), layout="constrained")
        axes = fig.subplots(len(keys), len(names), squeeze=False)
        xlabel = "base samples N" if self.method == "sobol" else "trajectories"
        for i, key in enumerate(keys):
            sub = self.convergence[self.convergence["kpi"] == key]
            for j, name in enumerate(names):
                ax = axes[i][j]
                for factor, g in sub[sub["index"] == name].groupby("factor", sort=False):
                    g = g.sort_values("n")
                    (line,) = ax.plot(g["n"], g["value"], marker="o", ms=3, label=str(factor))
                    ax.fill_between(
                        g["n"],
                        g["value"] - g["conf"],
                        g["value"] + g["conf"],
                        color=line.get_color(),
                        alpha=0.15,
                    )
                ax.set_xscale("log", base=2)
                ax.set_title(f"{key}: {name}", fontsize=9)
                ax.set_xlabel(xlabel)
                ax.grid(alpha=0.3)
                if self.method == "sobol":
                    # Indices live in [0, 1]; the bands of the smallest N would squash the rest.
                    ax.axhline(0, color="0.5", lw=0.6)
                    ax.set_ylim(-0.25, 1.25)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)), fontsize=7)
        fig.suptitle(
            f"{self.experiment.name}: indices against sample size (bands: 95 % bootstrap)", fontsize=10
        )
        return fig

    def save_figure(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.figure().savefig(path, dpi=110)
        return path

    def to_dict(self) -> dict[str, Any]:
        """Indices, convergence and noise as JSON-able lists of records (NaN as null)."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                for r in df.to_dict("records")
            ]

        return {
            "experiment": self.experiment.name,
            "method": self.method,
            "factors": self.experiment.factor_keys,
            "indices": records(self.indices),
            "noise": records(self.noise),
            "convergence": records(self.convergence),
        }

    def write(
        self,
        *,
        csv: str | Path | None = None,
        json_path: str | Path | None = None,
        figure: str | Path | None = None,
    ) -> list[Path]:
        """Write the indices as CSV, everything as JSON, and the convergence figure as PNG."""
        return _write(self.indices, self.to_dict, self.save_figure, csv, json_path, figure)

    def to_text(self) -> str:
        """A table per KPI for the terminal, factors by decreasing total effect."""
        d = self.experiment.design
        k = len(self.experiment.factors)
        reps = self.experiment.replications
        if self.method == "sobol":
            per = 2 * k + 2 if d.second_order else k + 2
            head = (
                f"Sobol indices: N = {d.samples} base samples x {per} points, {reps} replications averaged "
                f"per point ({d.samples * per * reps:,} runs); intervals: 95 % bootstrap"
            )
        else:
            head = (
                f"Morris elementary effects (per full range of each factor): {d.trajectories} trajectories "
                f"x {k + 1} points, {reps} replications averaged per point; intervals: 95 % bootstrap"
            )
        lines = [head]
        for key in self.kpis:
            sub = self.indices[self.indices["kpi"] == key]
            nz = self.noise[self.noise["kpi"] == key].iloc[0]
            noise = nz["noise_share"]
            note = (
                f"seed noise left after averaging: {100 * noise:.1f} % of the output variance"
                if not math.isnan(noise)
                else "seed noise not estimated (one replication)"
            )
            lines += ["", f"{key}  ({note})"]
            if self.method == "sobol":
                sub = sub.sort_values("ST", ascending=False)
                rows = [
                    [
                        r["factor"],
                        _ci(r["S1"], r["S1_low"], r["S1_high"]),
                        _ci(r["ST"], r["ST_low"], r["ST_high"]),
                    ]
                    for _, r in sub.iterrows()
                ]
                header = ["factor", "S1 [95% CI]", "ST [95% CI]"]
            else:
                sub = sub.sort_values("mu_star", ascending=False)
                rows = [
                    [
                        r["factor"],
                        _ci(r["mu_star"], r["mu_star_low"], r["mu_star_high"], 4),
                        f"{r['mu']:+.4g}",
                        f"{r['sigma']:.4g}",
                    ]
                    for _, r in sub.iterrows()
                ]
                header = ["factor", "mu* [95% CI]", "mu", "sigma"]
            widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
            lines.append("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
            lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
            lines.append(
                "  " + _convergence_note(self.convergence[self.convergence["kpi"] == key], self.method)
            )
        return "\n".join(lines)


def _ci(x: float, lo: float, hi: float, digits: int = 2) -> str:
    if math.isnan(x):
        return "n/a"
    return (
        f"{x:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"
        if digits == 2
        else f"{x:.4g} [{lo:.4g}, {hi:.4g}]"
    )


def _convergence_note(conv: pd.DataFrame, method: str) -> str:
    """How much the indices still moved between the last two sample sizes."""
    ns = sorted(conv["n"].unique())
    if len(ns) < 2:
        return "convergence: only one sample size, no check"
    last, prev = conv[conv["n"] == ns[-1]], conv[conv["n"] == ns[-2]]
    merged = last.merge(prev, on=["factor", "index"], suffixes=("", "_prev"))
    merged["change"] = (merged["value"] - merged["value_prev"]).abs()
    if merged["change"].isna().all():
        return "convergence: n/a"
    top = merged.loc[merged["change"].idxmax()]
    unit = "" if method == "sobol" else " (output units)"
    return (
        f"convergence: largest change from n = {ns[-2]} to {ns[-1]}: {top['change']:.3g}{unit} "
        f"({top['index']} of {top['factor']}); the figure shows the whole path"
    )


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


def point_means(exp: Experiment, runs: pd.DataFrame, kpis: Sequence[str]) -> pd.DataFrame:
    """Mean of each KPI over the successful replications of each design point, in design order."""
    ok = runs[runs["status"] == "ok"]
    n_points = len(exp.points())
    means = ok.groupby("point")[list(kpis)].mean().reindex(range(n_points))
    n = ok.groupby("point").size().reindex(range(n_points)).fillna(0).astype(int)
    missing = int((n == 0).sum())
    if missing:
        raise SensitivityError(
            f"{missing} of {n_points} design points have no successful run (see the failures in the store); "
            "fix the cause and rerun with --retry-failed"
        )
    means.insert(0, "n", n)
    return means


def _noise_share(exp: Experiment, runs: pd.DataFrame, key: str, y: np.ndarray) -> float:
    """Seed noise left in the point means, as a share of their variance across the design.

    With common random numbers part of the noise is the same at every point for a given seed: it
    moves all point means together and adds no variance across points, so it cannot pass for a
    parameter effect.  What can is the rest, estimated as the residual of the two-way layout
    point x replication, ``y[p, r] - mean_r(p) - mean_p(r) + mean`` (variance
    ``sum(residual^2) / ((P - 1)(R - 1))``), divided by R for a mean of R runs.
    """
    if exp.replications < 2:
        return math.nan
    return noise_share(runs, key, y)


def noise_share(runs: pd.DataFrame, key: str, y: np.ndarray) -> float:
    """:func:`_noise_share` for any runs: NaN with fewer than two points or replications."""
    ok = runs[runs["status"] == "ok"]
    m = ok.pivot_table(index="point", columns="replication", values=key, aggfunc="first").dropna()
    n_points, n_reps = m.shape
    total = float(np.var(y, ddof=1))
    if n_points < 2 or n_reps < 2 or not total > 0:
        return math.nan
    a = m.to_numpy(dtype=float)
    resid = a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()
    noise = float((resid**2).sum() / ((n_points - 1) * (n_reps - 1))) / n_reps
    return noise / total


# Long by design: Sobol and Morris indices, bootstrap and convergence from one set of point means.
def analyse(
    exp: Experiment, runs: pd.DataFrame, kpis: Sequence[str], resamples: int = 1000
) -> SensitivityResult:
    """Indices from a finished sweep's runs (pure: no model runs).  See the module docstring."""
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
            {"kpi": key, "noise_share": _noise_share(exp, runs, key, y), "replications": exp.replications}
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


# -- indices from the runs already in a store ----------------------------------------------------

FROM_STORE_METHODS = ("delta", "pawn", "rbd_fast")


@dataclass
class StoreSensitivityResult:
    """Moment-independent (delta), PAWN or RBD-FAST indices computed from any sweep's runs.

    ``indices``: kpi, factor, the method's index (``delta`` and ``S1``; ``pawn`` median;
    ``S1`` for RBD-FAST) with its 95 % bootstrap interval; ``noise``: the share of the averaged
    output's variance that is seed noise, as in the Sobol path.
    """

    store: Path
    method: str
    factors: list[str]
    skipped: list[str]  # factors that are categories (labels, scenarios): these methods need numbers
    points: int
    replications: int
    indices: pd.DataFrame
    noise: pd.DataFrame

    @property
    def index_names(self) -> list[str]:
        return {"delta": ["delta", "S1"], "pawn": ["pawn"], "rbd_fast": ["S1"]}[self.method]

    def to_text(self) -> str:
        names = {
            "delta": "delta (moment-independent) and S1",
            "pawn": "PAWN (median KS)",
            "rbd_fast": "RBD-FAST S1",
        }
        lines = [
            f"{names[self.method]} from {self.points} design points of {self.store} (mean of up to "
            f"{self.replications} replications each); intervals: 95 % bootstrap"
        ]
        if self.skipped:
            lines.append(f"not analysed (categories, not numbers): {', '.join(self.skipped)}")
        for key in self.indices["kpi"].unique():
            sub = self.indices[self.indices["kpi"] == key].sort_values(self.index_names[0], ascending=False)
            nz = float(self.noise.loc[self.noise["kpi"] == key, "noise_share"].iloc[0])
            note = (
                f"seed noise left after averaging: {100 * nz:.1f} % of the output variance"
                if not math.isnan(nz)
                else "seed noise not estimated (one replication)"
            )
            lines += ["", f"{key}  ({note})"]
            header = ["factor", *(f"{n} [95% CI]" for n in self.index_names)]
            rows = [
                [r["factor"], *(_ci(r[n], r[f"{n}_low"], r[f"{n}_high"]) for n in self.index_names)]
                for _, r in sub.iterrows()
            ]
            widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
            lines.append("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
            lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
        return "\n".join(lines)

    def figure(self) -> Any:
        """The main index of each factor with its interval, one panel per KPI."""
        from matplotlib.figure import Figure

        keys = list(self.indices["kpi"].unique())
        name = self.index_names[0]
        fig = Figure(figsize=(6, 0.3 * len(self.factors) * len(keys) + 1.2 * len(keys)), layout="constrained")
        axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
        for ax, key in zip(axes, keys, strict=True):
            sub = self.indices[self.indices["kpi"] == key].sort_values(name)
            err = np.vstack([sub[name] - sub[f"{name}_low"], sub[f"{name}_high"] - sub[name]])
            ax.barh(sub["factor"], sub[name], xerr=np.clip(err, 0, None), color="C0", capsize=2)
            ax.set_title(key, fontsize=9)
            ax.set_xlabel(name)
            ax.grid(axis="x", alpha=0.3)
            ax.tick_params(labelsize=7)
        fig.suptitle(f"{self.method} indices from the store (bars: 95 % bootstrap)", fontsize=10)
        return fig

    def write(
        self,
        *,
        csv: str | Path | None = None,
        json_path: str | Path | None = None,
        figure: str | Path | None = None,
    ) -> list[Path]:
        """Write the indices as CSV, everything as JSON, and the figure as PNG."""

        def doc() -> dict[str, Any]:
            return {
                "store": str(self.store),
                "method": self.method,
                "factors": self.factors,
                "indices": self.indices.astype(object).where(self.indices.notna(), None).to_dict("records"),
                "noise": self.noise.astype(object).where(self.noise.notna(), None).to_dict("records"),
            }

        def save_figure(path: str | Path) -> Path:
            self.figure().savefig(path, dpi=110)
            return Path(path)

        return _write(self.indices, doc, save_figure, csv, json_path, figure)


def _write(
    indices: pd.DataFrame,
    doc: Callable[[], dict[str, Any]],
    save_figure: Callable[[str | Path], Path],
    csv: str | Path | None,
    json_path: str | Path | None,
    figure: str | Path | None,
) -> list[Path]:
    """The indices as CSV, ``doc()`` as JSON and the figure as PNG, each only where a path is given."""
    out: list[Path] = []
    for path in (csv, json_path, figure):
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    if csv is not None:
        indices.to_csv(csv, index=False)
        out.append(Path(csv))
    if json_path is not None:
        Path(json_path).write_text(json.dumps(doc(), indent=1) + "\n")
        out.append(Path(json_path))
    if figure is not None:
        out.append(save_figure(figure))
    return out


def from_store(
    store: str | Path,
    *,
    method: str = "delta",
    kpis: Sequence[str] | None = None,
    resamples: int = 1000,
    seed: int = 1,
) -> StoreSensitivityResult:
    """Sensitivity indices from the runs already in a store, whatever its design (no new runs).

    The methods (SALib) need only a sample of factor values and outputs: **delta**, Borgonovo's
    moment-independent index (how much knowing the factor shifts the whole output distribution),
    with S1; **PAWN** (Pianosi & Wagener: the median Kolmogorov-Smirnov distance between the
    output's distribution and its distributions with the factor held in a slice); **RBD-FAST**
    (first-order variance share).  As in the Sobol path, each design point's output is the mean
    of its replications (with common seeds) and the seed noise left is reported.  They read a
    random or space-filling sample (lhs, sobol, crossed designs) best; a factorial with few
    levels gives coarse estimates.  Categorical factors (labels, scenarios) are left out.
    """
    from sim.analysis.store_data import AnalysisError, load

    if method not in FROM_STORE_METHODS:
        raise SensitivityError(f"--method: {method!r} is not one of {', '.join(FROM_STORE_METHODS)}")
    try:
        data = load(store)
        keys = data.check_kpis(kpis or data.kpis)
    except AnalysisError as e:
        raise SensitivityError(str(e)) from None
    numeric = [f for f in data.numeric_factors(data.factors) if data.runs[f].nunique() > 1]
    skipped = [f for f in data.factors if f not in numeric]
    if not numeric:
        raise SensitivityError(f"{data.path}: no numeric factor varies; these methods need numbers")
    means = data.point_means(keys)
    x = means[numeric].to_numpy(dtype=float)
    problem = {
        "num_vars": len(numeric),
        "names": numeric,
        "bounds": [[float(c.min()), float(c.max())] for c in x.T],
    }
    ok = data.ok
    reps = int(ok.groupby("point").size().max())
    rows, noise = [], []
    for key in keys:
        y = means[key].to_numpy(dtype=float)
        keep = ~np.isnan(y)
        if keep.sum() < 2 * len(numeric) + 2 or np.ptp(y[keep]) == 0:
            raise SensitivityError(
                f"KPI {key} has too few defined, varying values ({int(keep.sum())} points)"
            )
        noise.append({"kpi": key, "noise_share": noise_share(ok, key, y[keep]), "replications": reps})
        si = _store_indices(method, problem, x[keep], y[keep], resamples, seed)
        for i, f in enumerate(numeric):
            row: dict[str, Any] = {"kpi": key, "factor": f}
            for name, (v, lo, hi) in si.items():
                row.update({name: float(v[i]), f"{name}_low": float(lo[i]), f"{name}_high": float(hi[i])})
            rows.append(row)
    return StoreSensitivityResult(
        data.path, method, numeric, skipped, len(means), reps, pd.DataFrame(rows), pd.DataFrame(noise)
    )


def _store_indices(
    method: str, problem: dict[str, Any], x: np.ndarray, y: np.ndarray, resamples: int, seed: int
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Index name -> (value, 95 % low, 95 % high) per factor."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "delta":
            from SALib.analyze import delta

            # SALib 1.6 gives the delta estimate of the data as they are ("raw", Plischke et al.
            # 2013: a designed, uniform sample is what it assumes), and variants for skewed data.
            r = delta.analyze(problem, x, y, num_resamples=resamples, conf_level=0.95, seed=seed + 1)
            out = {}
            for name, key in (("delta", "delta_raw"), ("S1", "S1")):
                v, c = np.asarray(r[key]), np.asarray(r[f"{key}_conf"])
                out[name] = (v, v - c, v + c)
            return out
        if method == "rbd_fast":
            from SALib.analyze import rbd_fast

            r = rbd_fast.analyze(problem, x, y, num_resamples=resamples, conf_level=0.95, seed=seed + 1)
            s1 = np.asarray(r["S1"])
            return {"S1": (s1, s1 - r["S1_conf"], s1 + r["S1_conf"])}
        from SALib.analyze import pawn

        # SALib's PAWN has no interval: a percentile bootstrap over design points (at most 200
        # resamples: each is a full PAWN analysis).
        slices = max(2, min(10, len(y) // 10))
        med = np.asarray(pawn.analyze(problem, x, y, S=slices, seed=seed + 1)["median"])
        rng = np.random.default_rng(seed)
        boot = []
        for _ in range(min(resamples, 200)):
            i = rng.integers(0, len(y), len(y))
            boot.append(pawn.analyze(problem, x[i], y[i], S=slices, seed=seed + 1)["median"])
        b = np.asarray(boot, dtype=float)
        return {"pawn": (med, np.nanpercentile(b, 2.5, axis=0), np.nanpercentile(b, 97.5, axis=0))}
