"""Robustness: which lever setting (a package a planner can choose) does least badly across the
uncertainties (what nobody knows)?

The store must come from an experiment whose factors are marked ``role = "lever"`` and
``role = "uncertainty"``, ideally a ``crossed`` design, where every lever setting met the same
sample of uncertain futures with the same seeds.  A *scenario* is one combination of uncertainty
values; a *policy* one combination of lever values.  Each cell policy x scenario is the mean of
its replications.  Per KPI (its better direction from ``sim.kpis``) and policy:

* **mean**, **worst** (over scenarios) and the 10th / 90th percentiles;
* **max regret** and **mean regret** (Savage): in each scenario, how far the policy falls short of
  the best policy *in that scenario*, then the largest (or mean) over scenarios.  Regret compares
  policies within the same future, so it is not fooled by futures that are hard for everyone;
* **satisficing**: the share of scenarios in which the policy meets every goal (the experiment's
  ``[[constraints]]`` and any ``goals`` given), judged on the cell means (Starr's domain criterion).

The table is ordered by satisficing (more is better), then by the max regret of the first KPI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.store_data import AnalysisError, StoreData, load


@dataclass
class RobustnessResult:
    store: Path
    levers: list[str]
    uncertainties: list[str]
    kpis: list[str]
    goals: list[str]
    scenarios: int
    table: pd.DataFrame  # policy, lever values, satisficing, then per KPI mean/worst/p10/p90/max_regret/...
    cells: pd.DataFrame  # policy x scenario means, with the goals' verdict

    def to_text(self, limit: int = 20) -> str:
        from sim.kpis import better, format_value

        lines = [
            f"{len(self.table)} lever settings ({', '.join(self.levers)}) x {self.scenarios} scenarios of "
            f"the uncertainties ({', '.join(self.uncertainties) or 'none: only seeds differ'})",
        ]
        if self.goals:
            lines.append("goals (satisficing = share of scenarios where all hold): " + "; ".join(self.goals))
        for key in self.kpis:
            d = better(key) or "lower"
            lines += ["", f"{key} (better: {d}): mean | worst | max regret | mean regret"]
            sub = self.table.sort_values([f"{key}|max_regret"], ascending=True)
            width = max(len(str(p)) for p in sub["policy"])
            for _, r in sub.head(limit).iterrows():
                shown = [
                    format_value(key, r[f"{key}|{s}"]) for s in ("mean", "worst", "max_regret", "mean_regret")
                ]
                lines.append(f"  {r['policy']!s:<{width}}  " + " | ".join(shown))
        if self.goals:
            lines += ["", "satisficing (share of scenarios meeting every goal):"]
            for _, r in self.table.sort_values("satisficing", ascending=False).head(limit).iterrows():
                lines.append(f"  {r['policy']!s}: {100 * r['satisficing']:.0f} %")
        return "\n".join(lines)

    def figure(self) -> Any:
        """Per KPI, the regret of each policy across scenarios (box plots), lowest max regret first."""
        from matplotlib.figure import Figure

        k = len(self.kpis)
        fig = Figure(figsize=(2.6 * k + 1.6, 0.22 * len(self.table) + 1.4), layout="constrained")
        axes = fig.subplots(1, k, squeeze=False, sharey=True)[0]
        # Short labels: the lever values only, in the order the title names the levers.
        short = {r["policy"]: " | ".join(_text(r[f]) for f in self.levers) for _, r in self.table.iterrows()}
        order = self.table.sort_values(f"{self.kpis[0]}|max_regret")["policy"].tolist()
        for ax, key in zip(axes, self.kpis, strict=True):
            data = [self.cells.loc[self.cells["policy"] == p, f"{key}|regret"].to_numpy() for p in order]
            ax.boxplot(data[::-1], orientation="horizontal", tick_labels=[short[p] for p in order[::-1]])
            ax.set_xlabel(f"regret: {key}", fontsize=8)
            ax.grid(axis="x", alpha=0.3)
            ax.tick_params(labelsize=7)
        fig.suptitle(
            f"Regret across {self.scenarios} scenarios (0 = best setting in that scenario)\n"
            f"settings: {' | '.join(self.levers)}",
            fontsize=8,
        )
        return fig

    def write(self, out: str | Path) -> list[Path]:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.table.to_csv(out / "robustness.csv", index=False)
        self.cells.to_csv(out / "robustness-cells.csv", index=False)
        self.figure().savefig(out / "robustness-regret.png", dpi=90)
        return [out / "robustness.csv", out / "robustness-cells.csv", out / "robustness-regret.png"]


# Long by design: reads the store, then regret and satisficing per lever setting, each a few lines.
def robustness(
    store: str | Path | StoreData,
    *,
    kpis: Sequence[str] | None = None,
    goals: Sequence[str] = (),
    levers: Sequence[str] | None = None,
) -> RobustnessResult:
    """Regret and satisficing per lever setting (see the module docstring).

    ``levers`` default to the factors the experiment marks as levers; ``kpis`` to the first four
    it keeps that have a better direction; ``goals`` are conditions like ``"service.unmet_share
    <= 0.05"`` added to the experiment's constraints.
    """
    from sim.kpis import better

    data = store if isinstance(store, StoreData) else load(store)
    lev = list(levers or data.levers)
    if not lev:
        raise AnalysisError(
            f"{data.path}: no factor is a lever; mark the packages a planner can choose with "
            'role = "lever" in the experiment (or pass --lever FACTOR)'
        )
    for f in lev:
        if f not in data.factors:
            raise AnalysisError(f"--lever: {f!r} is not a factor of {data.path} ({', '.join(data.factors)})")
    unc = [f for f in data.factors if f not in lev]
    keys = list(kpis) if kpis else [k for k in data.kpis if better(k)][:4] or data.kpis[:4]
    data.check_kpis(keys)
    conds = [*data.constraints, *(data.condition(g, "--goal") for g in goals)]
    ok = data.ok
    if ok.empty:
        raise AnalysisError(f"{data.path}: no successful run to analyse")
    ok = ok.assign(
        policy=_label(ok, lev),
        scenario=_label(ok, unc) if unc else "all",
    )
    needed = sorted({k for c in conds for k in c.kpis} | set(keys))
    cells = ok.groupby(["policy", "scenario"], sort=True)[needed].mean().reset_index()
    n_pol = cells["policy"].nunique()
    complete = cells.groupby("scenario")["policy"].nunique() == n_pol
    if not complete.all():
        # Regret compares policies within a scenario: keep only scenarios every policy met.
        cells = cells[cells["scenario"].isin(complete.index[complete])]
        if cells.empty:
            raise AnalysisError("no scenario of the uncertainties was run for every lever setting")
    ok_goals = np.ones(len(cells), dtype=bool)
    for c in conds:
        ok_goals &= c.evaluate(cells)
    cells["meets_goals"] = ok_goals
    for key in keys:
        sign = 1.0 if (better(key) or "lower") == "lower" else -1.0
        loss = sign * cells[key]
        cells[f"{key}|regret"] = loss - loss.groupby(cells["scenario"]).transform("min")
    rows = []
    info = ok.drop_duplicates("policy").set_index("policy")[lev]
    for pol, g in cells.groupby("policy", sort=True):
        row: dict[str, Any] = {
            "policy": pol,
            **info.loc[pol].to_dict(),
            "satisficing": float(g["meets_goals"].mean()),
        }
        for key in keys:
            v = g[key]
            worst = v.max() if (better(key) or "lower") == "lower" else v.min()
            row.update(
                {
                    f"{key}|mean": v.mean(),
                    f"{key}|worst": worst,
                    f"{key}|p10": v.quantile(0.1),
                    f"{key}|p90": v.quantile(0.9),
                    f"{key}|max_regret": g[f"{key}|regret"].max(),
                    f"{key}|mean_regret": g[f"{key}|regret"].mean(),
                }
            )
        rows.append(row)
    table = pd.DataFrame(rows).sort_values(["satisficing", f"{keys[0]}|max_regret"], ascending=[False, True])
    return RobustnessResult(
        data.path,
        lev,
        unc,
        keys,
        [c.text for c in conds],
        int(cells["scenario"].nunique()),
        table.reset_index(drop=True),
        cells,
    )


def _text(v: Any) -> str:
    """A factor value for a label: a level computed from a range (0.30000000000000004) as 0.3."""
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def _label(frame: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    if len(keys) == 1:
        return frame[keys[0]].map(_text)
    return frame[list(keys)].apply(lambda r: ", ".join(f"{k}={_text(v)}" for k, v in r.items()), axis=1)
