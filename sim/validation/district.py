"""The article's claims at the district level, with their robustness.

The article's district instruments are money and evaluation: city and districts budget the
communities' operating money, "funding follows the task", and a standardised evaluation (2013)
names demonstration communities.  It claims they improved community services; it gives no
numbers.  Each claim below is stated with its threshold before it is run, as the community
claims are (:mod:`sim.validation.claims`): a district package against the reference package,
paired (same seeds, so each community meets the same luck under both), on the demonstration
district; then its robustness: in how many of the calibration's accepted parameter sets (applied
to every community) the mean paired difference lies beyond the threshold on the claimed side.

A claim that does not hold is reported as it comes, with what the model shows instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.statistics import paired_difference
from sim.validation.claims import REPRODUCED, holds, judge

if TYPE_CHECKING:
    import pandas as pd

    from sim.validation.calibration import Calibration
    from sim.validation.settings import Settings

#: The district the claims run on (24 communities of the Changsha types).
DISTRICT = "district_demo.toml"
#: For the robustness runs: fewer communities, as many sets as the calibration accepted.
ROBUSTNESS_COMMUNITIES = 12
ROBUSTNESS_REPLICATIONS = 2


@dataclass(frozen=True)
class DistrictClaim:
    """A claim at the district level: ``package`` against ``reference`` (district settings)."""

    id: str
    claim: str
    source: str
    reference: Mapping[str, Any]
    package: Mapping[str, Any]
    kpi: str
    direction: int  # +1: the KPI goes up under the package; -1: down
    threshold: float  # in the KPI's unit: the smallest difference that counts


CLAIMS: tuple[DistrictClaim, ...] = (
    DistrictClaim(
        "evaluation_money",
        "Money that follows the standardised evaluation (by score, with demonstration awards) "
        "resolves more of the district's needs than money per resident",
        "DOMAIN: standardised evaluation from 2013; 189 demonstration communities",
        {"district.allocation": "per_resident"},
        {"district.allocation": "by_score"},
        "service.resolved_share",
        +1,
        0.005,
    ),
    DistrictClaim(
        "funding_follows_task",
        "Money that follows the tasks pushed down leaves the district's communities fewer days "
        "short of money than money per resident",
        "DOMAIN: 'funding follows the task' (费随事转)",
        {"district.allocation": "per_resident"},
        {"district.allocation": "per_task"},
        "finance.shortfall_days",
        -1,
        1.0,
    ),
)


def _set_changes(row: Any, keys: Sequence[str]) -> dict[str, Any]:
    """A calibration set's values as scenario changes (``a.b.group`` keys as per-group tables)."""
    from sim.parameters import PARAMS

    out: dict[str, Any] = {}
    for key in keys:
        value = float(row[key])
        if key in PARAMS:
            out[key] = int(value) if PARAMS[key].kind == "int" else value
        else:
            head, member = key.rsplit(".", 1)
            out.setdefault(head, {})[member] = value
    return out


def district_claims(
    root: Path, settings: Settings, calibration: Calibration | None, workers: int | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every district claim at the defaults (paired interval) and in each accepted set; returns
    the claims table and the per-set table."""
    import pandas as pd

    from sim.scenario import load_scenario
    from sim.validation.settings import paired_runs

    district = load_scenario(root / DISTRICT)
    if settings.quick:
        district = district.with_changes({"district.communities": 4, "district.subdistricts": 2})
    arms = _arms(district)
    main = paired_runs(
        list(arms.values()), settings.replications, settings.seed, settings.days, False, workers
    )
    per_set = _robustness(district, settings, calibration, workers)
    rows = []
    for c in CLAIMS:
        ref, pkg = _arm_name(c.reference), _arm_name(c.package)
        sub = main.kpi(c.kpi)
        runs = main.runs.set_index(["scenario", "replication"])[c.kpi]
        a = runs.loc[arms[ref].name].sort_index().to_numpy(dtype=float)
        b = runs.loc[arms[pkg].name].sort_index().to_numpy(dtype=float)
        d = paired_difference(a, b).estimate
        mine = per_set[per_set["claim"] == c.id] if len(per_set) else per_set
        rows.append(
            {
                "claim_id": c.id,
                "claim": c.claim,
                "source": c.source,
                "kpi": c.kpi,
                "claimed": "up" if c.direction > 0 else "down",
                "threshold": c.threshold,
                "reference": ref,
                "package": pkg,
                "reference_mean": float(sub.loc[arms[ref].name, "mean"]),
                "package_mean": float(sub.loc[arms[pkg].name, "mean"]),
                "diff": d.mean,
                "diff_low": d.low,
                "diff_high": d.high,
                "outcome": judge(c.direction, d.low, d.high, c.threshold),
                "holds_in": int(mine["holds"].sum()) if len(mine) else 0,
                "sets": len(mine),
                "replications": len(a),
                "communities": district.count,
            }
        )
    table = pd.DataFrame(rows)
    table["reproduced"] = (table["outcome"] == REPRODUCED).map({True: "yes", False: "no"})
    return table, per_set


def _arm_name(changes: Mapping[str, Any]) -> str:
    return ", ".join(f"{k.removeprefix('district.')} = {v}" for k, v in changes.items())


def _arms(district: Any) -> dict[str, Any]:
    """Each distinct arm of the claims, once (claims share their reference)."""
    arms: dict[str, Any] = {}
    for c in CLAIMS:
        for changes in (c.reference, c.package):
            name = _arm_name(changes)
            arms.setdefault(name, district.with_changes(dict(changes), name=f"{district.name}: {name}"))
    return arms


def _robustness(
    district: Any, settings: Settings, calibration: Calibration | None, workers: int | None
) -> pd.DataFrame:
    """One row per claim and accepted set (every sampled set if none is accepted): the mean paired
    difference and whether it holds."""
    import pandas as pd

    from sim.validation.settings import paired_runs

    if calibration is None or calibration.sets.empty:
        return pd.DataFrame(columns=["claim", "set", "diff", "holds"])
    # Over the accepted sets, or with none accepted over every sampled set, as for the community
    # claims (sim.validation.robustness): the report names the basis.
    judged = calibration.accepted if len(calibration.accepted) else calibration.sets
    keys = [p.key for p in calibration.spec.parameters]
    small = district if settings.quick else district.with_changes(
        {"district.communities": ROBUSTNESS_COMMUNITIES, "district.subdistricts": 2}
    )  # fmt: skip
    rows = []
    for set_id, row in judged.iterrows():
        changes = _set_changes(row, keys)
        arms = _arms(small.with_changes(changes))
        c_set = paired_runs(
            list(arms.values()), ROBUSTNESS_REPLICATIONS, settings.seed, settings.days, False, workers
        )
        runs = c_set.runs.set_index(["scenario", "replication"])
        for c in CLAIMS:
            a, b = arms[_arm_name(c.reference)].name, arms[_arm_name(c.package)].name
            diff = float((runs.loc[b, c.kpi] - runs.loc[a, c.kpi]).mean())
            rows.append({"claim": c.id, "set": int(set_id), "diff": diff,
                         "holds": holds(c.direction, diff, c.threshold)})  # fmt: skip
    return pd.DataFrame(rows)


HEADER = [
    "claim (source)",
    "KPI, claimed, threshold",
    "reference",
    "package",
    "difference [95 % CI]",
    "reproduced at the defaults",
    "robustness",
]


def district_section(table: pd.DataFrame, basis: str) -> list[str]:
    """The evidence README's section on the district claims."""
    from sim.kpis import format_value
    from sim.validation.markdown import diff_ci, fmt_diff, md_table

    if table.empty:
        return ["## District claims", "", "Not run.", ""]
    rows = [
        [
            f"{r.claim} ({r.source})",
            f"`{r.kpi}` {r.claimed} by more than {fmt_diff(r.kpi, r.threshold).lstrip('+')}",
            f"{r.reference}: {format_value(r.kpi, r.reference_mean)}",
            f"{r.package}: {format_value(r.kpi, r.package_mean)}",
            diff_ci(r.kpi, r.diff, r.diff_low, r.diff_high),
            "**yes**" if r.reproduced == "yes" else f"**no** ({r.outcome})",
            f"{r.holds_in} of {r.sets} {basis} sets",
        ]
        for r in table.itertuples()
    ]
    first = table.iloc[0]
    return [
        "## District claims",
        "",
        f"Each claim: the package against the reference on `scenarios/{DISTRICT}` "
        f"({int(first['communities'])} communities), {int(first['replications'])} paired replications "
        "(each community with its own seed, the same under both); the threshold was stated before the "
        "run (`sim/validation/district.py`). Robustness: in how many of the calibration's "
        f"{basis} parameter sets (applied to every community; {ROBUSTNESS_COMMUNITIES} communities, "
        f"{ROBUSTNESS_REPLICATIONS} replications each) the mean paired difference lies beyond the "
        "threshold on the claimed side. Tables: `district_claims.csv`, `district_robustness_sets.csv`.",
        "",
        md_table(rows, HEADER),
        "",
    ]
