"""A sweep's results: what it did, the tables its store holds, and the report for the terminal.

:class:`SweepResult` is what :func:`sim.experiments.sweep.sweep` returns.  It counts what that
call did, but holds none of the runs' numbers: its tables are read from the store when asked, so
they include the runs of earlier, interrupted calls as well.  ``runs`` has one row per design
point and replication, ``means`` one per point, and ``effects`` the paired differences from the
reference point (matched replication by replication, which the common random numbers make
meaningful), each with its 95 % interval and verdict; ``to_text`` is the printed summary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.experiment import Experiment


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
