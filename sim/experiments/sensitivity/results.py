"""What a sensitivity analysis found, as a planner reads it: tables, figures, CSV and JSON.

:class:`SensitivityResult` holds Sobol or Morris indices with their convergence over nested
sample sizes and the seed noise left after averaging (:mod:`sim.experiments.sensitivity.sobol_morris`);
:class:`StoreSensitivityResult` holds delta, PAWN or RBD-FAST indices computed from a store
(:mod:`sim.experiments.sensitivity.store_methods`).  Both write the same three files through one
writer: the indices as CSV, everything as JSON, a figure as PNG.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.experiments.experiment import Experiment
    from sim.experiments.sweep import SweepResult


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
