"""Pattern-oriented calibration: which settings of the uncertain assumptions reproduce what the
sources say about the community before and after the reforms?

The article gives no numbers to fit, only patterns ("staff were overloaded by tasks from above",
"after the reforms they serve residents"); the context figures give a few more (DOMAIN.md).  So,
as in pattern-oriented modelling (Grimm et al. 2005) and EMA Workbench's scenario discovery, the
uncertain parameters are sampled (a Latin hypercube over stated ranges), every sampled *set* is
run for the 2002 baseline and the 2014 package with common random numbers, and a set is
*accepted* when the means over its replications meet every pattern.  Nothing is optimised: the
accepted sets are the ones the evidence cannot reject, and how many there are is itself a result.
The evidence also judges every pattern at the shipped defaults (:func:`patterns_at_defaults`) and
shows the accepted sets' *medoid* (:func:`medoid`), the defaults a calibration would ship.

The same sweep runs every reform file that carries a claim, so the claims' robustness (in how many
accepted sets each holds, :mod:`sim.validation.robustness`) is read from the same runs.

The targets and ranges live in ``experiments/calibration/patterns.toml``, written before any run
and read by :mod:`sim.validation.calibration_file`; the patterns and their test are
:mod:`sim.validation.patterns`.  The runs go through :func:`sim.sweep` (a crossed design: the
scenarios as levers, the sample as uncertainties), so they are kept in an SQLite store and an
interrupted calibration resumes.  What it found is written and summarised by
:mod:`sim.validation.calibration_report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.validation.calibration_file import Spec
from sim.validation.patterns import RUNS, judge_sets

if TYPE_CHECKING:
    import pandas as pd

    from sim.reforms import Claim


def scenarios(
    scenarios_dir: str | Path, claims: Sequence[Claim], residents: int | None = None
) -> dict[str, Any]:
    """Label -> scenario: the two pattern runs, then every reform file that carries a claim."""
    from sim.scenario import load_scenario

    root = Path(scenarios_dir)
    files = {label: root / f for label, f in RUNS.items()}
    for c in claims:
        files.setdefault(c.reform, root / "reforms" / f"{c.reform}.toml")
    out = {}
    for label, f in files.items():
        sc = load_scenario(f)
        out[label] = sc if residents is None else sc.with_changes({"population.residents": residents})
    return out


def experiment(spec: Spec, scenarios_dir: str | Path, claims: Sequence[Claim]) -> Any:
    """The calibration as a crossed sweep: every scenario (a lever) against the same Latin
    hypercube of the uncertain parameters, with the same replication seeds everywhere."""
    from sim.experiments.experiment import experiment_from_mapping

    runs = scenarios(scenarios_dir, claims, spec.residents)
    # Little's law is checked in every run of the validation, these included.
    kpis = list(
        dict.fromkeys([*spec.kpis, *(c.kpi for c in claims), "verify.little_L", "verify.little_lambda_W"])
    )
    doc: dict[str, Any] = {
        "name": spec.name + (" (quick)" if spec.quick else ""),
        "seed": spec.seed,
        "replications": spec.replications,
        "kpis": kpis,
        "factors": {
            "scenario": {"values": list(runs.values()), "labels": list(runs), "role": "lever"},
            # The ranges are the assumptions beneath the scenarios: a scenario that sets a parameter
            # itself (the 2014 package's money, its burden levels) keeps its own value.
            **{
                p.key: {"range": [p.low, p.high], "role": "uncertainty", "keep_scenario_values": True}
                for p in spec.parameters
            },
        },
        "design": {"kind": "crossed", "uncertainty_samples": spec.samples, "uncertainty_sampler": "lhs"},
    }
    if spec.days is not None:
        doc["days"] = spec.days
    return experiment_from_mapping(doc, source=spec.source)


@dataclass
class Calibration:
    """What a calibration found."""

    spec: Spec
    sets: pd.DataFrame  # one row per set: its parameter values, the pattern runs' KPI means, verdicts
    runs: pd.DataFrame  # one row per run: set, scenario, replication, KPIs
    store: Path

    @property
    def accepted(self) -> pd.DataFrame:
        return self.sets[self.sets["accepted"]]

    def pattern_counts(self) -> pd.DataFrame:
        """Per pattern (and all of them): how many sets met it."""
        import pandas as pd

        rows = [
            {
                "pattern": p.id,
                "text": p.text,
                "expression": p.expression,
                "source": p.source,
                "met": int(self.sets[p.id].sum()),
                "sets": len(self.sets),
            }
            for p in self.spec.patterns
        ]
        rows.append(
            {
                "pattern": "all",
                "text": "every pattern at once (accepted)",
                "expression": " and ".join(f"({p.id})" for p in self.spec.patterns),
                "source": "",
                "met": int(self.sets["accepted"].sum()),
                "sets": len(self.sets),
            }
        )
        return pd.DataFrame(rows)


def calibrate(
    spec: Spec,
    scenarios_dir: str | Path,
    claims: Sequence[Claim],
    store: str | Path,
    workers: int | None = None,
    progress: bool = False,
) -> Calibration:
    """Run (or resume) the calibration sweep and judge every set against the patterns."""
    from sim.experiments.sweep import sweep

    exp = experiment(spec, scenarios_dir, claims)
    res = sweep(exp, store=store, workers=workers, progress=progress, yes=True, command="govsim calibrate")
    if res.interrupted:
        raise RuntimeError(f"calibration interrupted; run it again to resume from {store}")
    runs = res.runs
    failed = runs[runs["status"] != "ok"]
    if len(failed):
        raise RuntimeError(f"{len(failed)} calibration runs failed, first: {failed['error'].iloc[0]}")
    # In a crossed design the first lever is slowest and every lever setting meets the same sample
    # in the same order (sim.experiments.design.crossed_rows): the set is the point modulo N.
    runs = runs.assign(set=runs["point"] % spec.samples)
    per_cell = runs.groupby(["set", "scenario"]).size()
    expected = spec.samples * runs["scenario"].nunique()
    if len(per_cell) != expected or (per_cell != spec.replications).any():
        raise RuntimeError(f"calibration store {store} does not hold every run of every set; run again")
    return Calibration(spec, sets_table(runs, spec), runs, Path(store))


def sets_table(runs: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """One row per set: its parameter values, the KPI means of the pattern runs, the verdicts."""
    keys = [p.key for p in spec.parameters]
    values = runs.drop_duplicates("set").set_index("set")[keys].sort_index()
    means = {}
    for prefix in RUNS:
        sub = runs[runs["scenario"] == prefix].groupby("set")[spec.kpis].mean()
        means[prefix] = sub.add_prefix(prefix + ".")
    table = values.join(means["y2002"]).join(means["y2014"])
    verdicts = judge_sets(table, spec.patterns)
    return table.join(verdicts).reset_index()


def medoid(sets: pd.DataFrame, spec: Spec) -> pd.Series | None:
    """The accepted set nearest all the others (the sum of distances, each parameter scaled to its
    range, is least), or None when no set is accepted.  A real sampled set, unlike a mean of sets,
    so it is known to meet every pattern."""
    import numpy as np

    accepted = sets[sets["accepted"]]
    if accepted.empty:
        return None
    keys = [p.key for p in spec.parameters]
    span = np.array([p.high - p.low for p in spec.parameters], dtype=float)
    x = accepted[keys].to_numpy(dtype=float) / np.where(span > 0, span, 1.0)
    total = np.abs(x[:, None, :] - x[None, :, :]).sum(axis=(1, 2))
    return accepted.iloc[int(np.argmin(total))]


def patterns_at_defaults(runs: pd.DataFrame, names: dict[str, str], spec: Spec) -> pd.DataFrame:
    """Each pattern judged on the mean KPIs of runs at the defaults: ``runs`` has a ``scenario``
    column, ``names`` maps a pattern prefix (``y2002``, ``y2014``) to its scenario's name there."""
    import pandas as pd

    row = {}
    for prefix, name in names.items():
        means = runs.loc[runs["scenario"] == name, spec.kpis].mean()
        row.update({f"{prefix}.{k}": float(v) for k, v in means.items()})
    verdicts = judge_sets(pd.DataFrame([row]), spec.patterns).iloc[0]
    return pd.DataFrame(
        [{"pattern": p.id, "text": p.text, "met": bool(verdicts[p.id])} for p in spec.patterns]
    )
