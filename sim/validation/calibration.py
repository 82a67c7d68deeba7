"""Pattern-oriented calibration: which settings of the uncertain assumptions reproduce what the
sources say about the community before and after the reforms?

The article gives no numbers to fit, only patterns ("staff were overloaded by tasks from above",
"after the reforms they serve residents"); the context figures give a few more (DOMAIN.md).  So,
as in pattern-oriented modelling (Grimm et al. 2005) and EMA Workbench's scenario discovery, the
uncertain parameters are sampled (a Latin hypercube over stated ranges), every sampled *set* is
run for the 2002 baseline and the 2014 package with common random numbers, and a set is
*accepted* when the means over its replications meet every pattern.  Nothing is optimised: the
accepted sets are the ones the evidence cannot reject.  How many of the Latin hypercube's sets are
accepted says how much of the ranges the patterns leave; when that is fewer than the claims'
robustness needs, a *search* runs more sets near the accepted ones (:func:`search_sets`) until
there are enough, and the report says which sets came from where.
The evidence also judges every pattern at the shipped defaults (:func:`patterns_at_defaults`) and
shows the accepted sets' *medoid* (:func:`medoid`), the defaults a calibration would ship.

Then every reform file that carries a claim is run in each accepted set, so the claims'
robustness (in how many accepted sets each holds, :mod:`sim.validation.robustness`) is read from
runs paired with the sets' 2002 runs.

The targets and ranges live in ``experiments/calibration/patterns.toml``, written before any run
and read by :mod:`sim.validation.calibration_file`; the patterns and their test are
:mod:`sim.validation.patterns`.  The runs go through :func:`sim.sweep` (crossed designs: the
scenarios as levers, the sets as uncertainties), so they are kept in SQLite stores and an
interrupted calibration resumes.  What it found is written and summarised by
:mod:`sim.validation.calibration_report`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.validation.calibration_file import Spec
from sim.validation.patterns import RUNS, judge_sets

if TYPE_CHECKING:
    import numpy as np
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


def experiment(
    spec: Spec,
    runs: dict[str, Any],
    claims: Sequence[Claim],
    futures: Sequence[Sequence[float]] | None = None,
) -> Any:
    """A calibration stage as a crossed sweep: every scenario of ``runs`` (a lever) against the
    Latin hypercube of the uncertain parameters, or against the given ``futures`` (one value per
    parameter), with the same replication seeds everywhere."""
    from sim.experiments.experiment import experiment_from_mapping

    # Little's law is checked in every run of the validation, these included.
    kpis = list(
        dict.fromkeys([*spec.kpis, *(c.kpi for c in claims), "verify.little_L", "verify.little_lambda_W"])
    )
    design: dict[str, Any] = {"kind": "crossed"}
    if futures is None:
        design |= {"uncertainty_samples": spec.samples, "uncertainty_sampler": "lhs"}
    else:
        design["uncertainty_points"] = [list(map(float, row)) for row in futures]
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
        "design": design,
    }
    if spec.days is not None:
        doc["days"] = spec.days
    return experiment_from_mapping(doc, source=spec.source)


def search_sets(accepted: np.ndarray, n: int, width: float, seed: int, round_no: int) -> np.ndarray:
    """``n`` new sets in unit coordinates (one column per parameter, each range scaled to [0, 1]):
    the accepted sets taken in turn, each moved uniformly by up to ``width`` in every coordinate
    and kept within the ranges.  Like the proposal step of ABC-SMC (Beaumont et al. 2009) without
    its weights: the search finds more sets the evidence cannot reject, near those already found;
    it does not say how likely each is."""
    import numpy as np

    rng = np.random.default_rng([seed, round_no])
    parents = accepted[np.arange(n) % len(accepted)]
    return rng.uniform(np.clip(parents - width, 0.0, 1.0), np.clip(parents + width, 0.0, 1.0))


def search_parents(sets: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """The sets a search round starts from: the accepted ones; while none is accepted, those that
    meet the most patterns (the nearest misses), so that a pattern which no Latin-hypercube set
    meets together with all the others can still be searched for.  The patterns are not relaxed:
    only a set that meets every one is accepted."""
    accepted = sets[sets["accepted"]]
    if not accepted.empty:
        return accepted
    met = sets[[p.id for p in spec.patterns]].sum(axis=1)
    return sets[met == met.max()]


@dataclass
class Calibration:
    """What a calibration found."""

    spec: Spec
    sets: pd.DataFrame  # one row per set: stage, parameter values, the pattern runs' KPI means, verdicts
    runs: pd.DataFrame  # one row per run: set, stage, scenario, replication, KPIs
    store: Path
    # The accepted sets run again to choose the shipped one (Confirm), most central first: one row
    # per set tried, as in ``sets`` plus its ``rank``; None when none was tried.
    confirmed: pd.DataFrame | None = None

    @property
    def shipped(self) -> pd.Series | None:
        """The set a calibration ships: the most central accepted set that met every pattern again
        over the confirming replications, or None when none did (or none was tried)."""
        if self.confirmed is None:
            return None
        ok = self.confirmed[self.confirmed["accepted"]]
        return None if ok.empty else ok.iloc[0]

    @property
    def accepted(self) -> pd.DataFrame:
        return self.sets[self.sets["accepted"]]

    @property
    def screened(self) -> pd.DataFrame:
        """The Latin hypercube's sets: a sample of the ranges, unlike the search's."""
        return self.sets[self.sets["stage"] == SCREEN] if "stage" in self.sets else self.sets

    def how_found(self) -> str:
        """Where the accepted sets came from, in words."""
        screen = self.screened
        n_acc = int(screen["accepted"].sum())
        text = f"{n_acc} of the {len(screen)} Latin-hypercube sets"
        searched = self.sets[self.sets["stage"] != SCREEN] if "stage" in self.sets else self.sets.iloc[:0]
        if len(searched):
            rounds = searched["stage"].nunique()
            start = "an accepted one"
            if n_acc == 0:
                met = screen[[p.id for p in self.spec.patterns]].sum(axis=1)
                best = int(met.max())
                start = (
                    f"an accepted one, or while none was, one of the {int((met == best).sum())} that "
                    f"met {best} of the {len(self.spec.patterns)} patterns"
                )
            text += (
                f" and {int(searched['accepted'].sum())} of {len(searched)} sets searched around them "
                f"({rounds} round{'s' if rounds > 1 else ''}, each set {start} moved by up to "
                f"{self.spec.search.width:.0%} of every range)"
            )
        return text

    def pattern_counts(self) -> pd.DataFrame:
        """Per pattern (and all of them): how many sets met it, in the Latin hypercube (``met`` of
        ``sets``: how much of the ranges each pattern leaves) and in every set run (``met_all``)."""
        import pandas as pd

        screen = self.screened
        rows = [
            {
                "pattern": p.id,
                "text": p.text,
                "expression": p.expression,
                "source": p.source,
                "met": int(screen[p.id].sum()),
                "sets": len(screen),
                "met_all": int(self.sets[p.id].sum()),
                "sets_all": len(self.sets),
            }
            for p in self.spec.patterns
        ]
        rows.append(
            {
                "pattern": "all",
                "text": "every pattern at once (accepted)",
                "expression": " and ".join(f"({p.id})" for p in self.spec.patterns),
                "source": "",
                "met": int(screen["accepted"].sum()),
                "sets": len(screen),
                "met_all": int(self.sets["accepted"].sum()),
                "sets_all": len(self.sets),
            }
        )
        return pd.DataFrame(rows)


#: The stage of the Latin hypercube's sets; the search's are "search 1", "search 2", ...
SCREEN = "screen"


def stage_store(store: str | Path, stage: str) -> Path:
    """The store of one stage: the screen in ``store`` itself, the others beside it."""
    store = Path(store)
    return (
        store if stage == SCREEN else store.with_name(f"{store.stem}.{stage.replace(' ', '')}{store.suffix}")
    )


def calibrate(
    spec: Spec,
    scenarios_dir: str | Path,
    claims: Sequence[Claim],
    store: str | Path,
    workers: int | None = None,
    progress: bool = False,
) -> Calibration:
    """Run (or resume) the calibration and judge every set against the patterns.

    Four stages, each a crossed sweep kept in its own store (so each resumes): the Latin
    hypercube over the ranges for the two pattern runs; while fewer than ``spec.search.wanted``
    sets are accepted, rounds of :func:`search_sets` around the accepted ones; the accepted sets
    run again to choose the shipped one (:func:`confirm_shipped`); then every reform file that
    carries a claim, for the accepted sets only (for every set if none is)."""
    import numpy as np
    import pandas as pd

    every = scenarios(scenarios_dir, claims, spec.residents)
    pattern_runs = {k: every[k] for k in RUNS}
    reforms = {k: v for k, v in every.items() if k not in RUNS}
    keys = [p.key for p in spec.parameters]
    low = np.array([p.low for p in spec.parameters])
    span = np.array([p.high - p.low for p in spec.parameters])

    def stage(name: str, exp: Any, ids: Sequence[int], file: str | None = None) -> pd.DataFrame:
        runs = _sweep(exp, stage_store(store, file or name), workers, progress)
        # A crossed design runs the first lever slowest, and every lever setting meets the same
        # futures in the same order (sim.experiments.design.crossed_rows).
        runs = runs.assign(set=np.asarray(ids)[runs["point"].to_numpy() % len(ids)], stage=name)
        _check_complete(runs, len(ids), exp.replications, stage_store(store, file or name))
        return runs

    screen = stage(SCREEN, experiment(spec, pattern_runs, claims), range(spec.samples))
    found = [screen]
    sets = sets_table(screen, spec)
    for k in range(1, spec.search.rounds + 1):
        if int(sets["accepted"].sum()) >= spec.search.wanted:
            break
        parents = search_parents(sets, spec)
        unit = search_sets(
            (parents[keys].to_numpy(dtype=float) - low) / span,
            spec.search.samples,
            spec.search.width,
            spec.seed,
            k,
        )
        futures = np.clip(low + unit * span, low, low + span)
        first = len(sets)
        exp = experiment(spec, pattern_runs, claims, futures.tolist())
        found.append(stage(f"search {k}", exp, range(first, first + len(futures))))
        sets = sets_table(pd.concat(found, ignore_index=True), spec)
    confirmed = confirm_shipped(sets, spec, stage, pattern_runs, claims)
    judged = sets[sets["accepted"]] if sets["accepted"].any() else sets
    runs = pd.concat(found, ignore_index=True)
    if reforms:
        exp = experiment(spec, reforms, claims, judged[keys].to_numpy(dtype=float).tolist())
        ids = judged["set"].astype(int).tolist()
        runs = pd.concat([runs, stage("claims", exp, ids, claims_file(ids))], ignore_index=True)
    return Calibration(spec, sets, runs, Path(store), confirmed)


def _sweep(exp: Any, store: Path, workers: int | None, progress: bool) -> pd.DataFrame:
    from sim.experiments.sweep import sweep

    res = sweep(exp, store=store, workers=workers, progress=progress, yes=True, command="govsim calibrate")
    if res.interrupted:
        raise RuntimeError(f"calibration interrupted; run it again to resume from {store}")
    runs = res.runs
    failed = runs[runs["status"] != "ok"]
    if len(failed):
        raise RuntimeError(f"{len(failed)} calibration runs failed, first: {failed['error'].iloc[0]}")
    return runs


def _check_complete(runs: pd.DataFrame, n_sets: int, replications: int, store: str | Path) -> None:
    per_cell = runs.groupby(["set", "scenario"]).size()
    if len(per_cell) != n_sets * runs["scenario"].nunique() or (per_cell != replications).any():
        raise RuntimeError(f"calibration store {store} does not hold every run of every set; run again")


def sets_table(runs: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """One row per set: its stage, its parameter values, the KPI means of the pattern runs, the
    verdicts."""
    keys = [p.key for p in spec.parameters]
    first = runs.drop_duplicates("set").set_index("set").sort_index()
    values = first[["stage", *keys]] if "stage" in first else first[keys]
    means = {}
    for prefix in RUNS:
        sub = runs[runs["scenario"] == prefix].groupby("set")[spec.kpis].mean()
        means[prefix] = sub.add_prefix(prefix + ".")
    table = values.join(means["y2002"]).join(means["y2014"])
    verdicts = judge_sets(table, spec.patterns)
    return table.join(verdicts).reset_index()


def claims_file(ids: Sequence[int]) -> str:
    """The claims stage's store for these accepted sets: the claims' design is the accepted sets,
    so a resumed calibration that accepts others (a longer search) is another design, in a store
    of its own."""
    return "claims-" + hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()[:8]


def confirm_shipped(
    sets: pd.DataFrame,
    spec: Spec,
    stage: Callable[..., pd.DataFrame],
    pattern_runs: dict[str, Any],
    claims: Sequence[Claim],
) -> pd.DataFrame | None:
    """The accepted sets from the most central outwards (:func:`central_order`), each run again
    for the pattern runs with ``spec.confirm``'s replications and seed (``stage`` runs one stage
    and numbers its runs' sets), up to the first that still meets every pattern or the last
    candidate: one row per set tried, as in :func:`sets_table` with its ``rank``; None when no set
    is accepted."""
    import pandas as pd

    again = dataclasses.replace(spec, replications=spec.confirm.replications, seed=spec.confirm.seed)
    keys = [p.key for p in spec.parameters]
    tried = []
    for rank, (_, row) in enumerate(central_order(sets, spec).head(spec.confirm.candidates).iterrows(), 1):
        exp = experiment(again, pattern_runs, claims, [row[keys].to_numpy(dtype=float).tolist()])
        # Stored by set, not by rank: a longer search can change which set is most central.
        ran = stage(f"confirm {rank}", exp, [int(row["set"])], f"confirm-set{int(row['set'])}")
        tried.append(sets_table(ran, again).assign(rank=rank))
        if bool(tried[-1]["accepted"].iloc[0]):
            break
    return pd.concat(tried, ignore_index=True) if tried else None


def central_order(sets: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """The accepted sets, the most central first: by the sum of their distances to all the others
    (each parameter scaled to its range), ties in set order."""
    import numpy as np

    accepted = sets[sets["accepted"]]
    keys = [p.key for p in spec.parameters]
    span = np.array([p.high - p.low for p in spec.parameters], dtype=float)
    x = accepted[keys].to_numpy(dtype=float) / np.where(span > 0, span, 1.0)
    total = np.abs(x[:, None, :] - x[None, :, :]).sum(axis=(1, 2))
    return accepted.iloc[np.argsort(total, kind="stable")]


def medoid(sets: pd.DataFrame, spec: Spec) -> pd.Series | None:
    """The accepted set nearest all the others (the sum of distances, each parameter scaled to its
    range, is least), or None when no set is accepted.  A real sampled set, unlike a mean of sets,
    so it is known to meet every pattern."""
    order = central_order(sets, spec)
    return None if order.empty else order.iloc[0]


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
