"""A district run's results: one row per community, the district's monthly record, and the
district KPIs (community KPIs aggregated, and their spread across communities)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from sim.district.scenario import DistrictScenario

#: Columns that describe a community rather than measure it, in the table's order.
DESCRIPTION = (
    "community",
    "name",
    "type",
    "type_label",
    "subdistrict",
    "residents",
    "demonstration",
    "pilot",
    "allocation_yuan",
    "score",
)


def community_table(
    district: DistrictScenario,
    kpis: Sequence[dict[str, float]],
    received: np.ndarray,
    scores: np.ndarray | None,
    demonstration: np.ndarray,
    pilot: np.ndarray,
) -> pd.DataFrame:
    """One row per community: what it is, what the district gave it, and its KPIs."""
    import pandas as pd

    labels = {t.name: t.label or t.name for t in district.types}
    rows = []
    for m, k in zip(district.members, kpis, strict=True):
        rows.append(
            {
                "community": m.index,
                "name": m.name,
                "type": m.type,
                "type_label": labels.get(m.type, m.type),
                "subdistrict": m.subdistrict,
                "residents": m.residents,
                "demonstration": bool(demonstration[m.index]),
                "pilot": bool(pilot[m.index]),
                "allocation_yuan": float(received[m.index]),
                "score": float(scores[m.index]) if scores is not None else math.nan,
                **k,
            }
        )
    return pd.DataFrame(rows)


#: The KPIs the terminal shows for each community type.
TYPE_KPIS = (
    "service.resolved_share",
    "service.queue_wait_mean_min",
    "grid.response_mean_h",
    "staff.count_end",
    "finance.balance_yuan",
)


#: District KPIs that are means of the monthly record (key -> column).
MONTHLY_MEANS = {
    "district.department_utilisation": "department_utilisation",
    "district.department_wait_h": "department_wait_h",
    "district.department_backlog_mean": "department_backlog",
}


@dataclass
class DistrictResult:
    """The outcome of one district run.  ``kpis`` are the district KPIs (see
    :func:`sim.district.spread.district_kpis`); ``communities`` has every community's."""

    district: str
    seed: int
    days: int
    communities: pd.DataFrame
    monthly: list[dict[str, float]]
    daily: dict[int, pd.DataFrame] | None
    scenario_hash: str
    kpis: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.kpis:
            from sim.district.spread import district_kpis

            self.kpis = district_kpis(self.communities)
            month = {k: [m[k] for m in self.monthly] for k in MONTHLY_MEANS.values()}
            for key, column in MONTHLY_MEANS.items():
                self.kpis[key] = float(np.mean(month[column])) if self.monthly else math.nan
            self.kpis["district.department_backlog_end"] = (
                self.monthly[-1]["department_backlog"] if self.monthly else math.nan
            )

    def __repr__(self) -> str:
        return (
            f"DistrictResult({self.district!r}, seed={self.seed}, days={self.days}, "
            f"{len(self.communities)} communities)"
        )

    def to_text(self) -> str:
        """The district for a terminal: its KPIs, the spread across communities, each type."""
        from sim.district.spread import by_type
        from sim.kpis import format_value, kpi_label, summary_table

        c = self.communities
        head = (
            f"{self.district}: {len(c)} communities, {int(c['residents'].sum()):,} residents, "
            f"seed {self.seed}, {self.days} days\n"
        )
        types = by_type(c, list(TYPE_KPIS))
        width = max(len(str(x)) for x in [*types["type_label"], "type"])
        lines = ["", "By community type:", f"  {'type':<{width}}  communities  " + "  ".join(
            f"{kpi_label(k)[:24]:>24}" for k in TYPE_KPIS
        )]  # fmt: skip
        for _, row in types.iterrows():
            values = "  ".join(f"{format_value(k, row[k]):>24}" for k in TYPE_KPIS)
            lines.append(f"  {row['type_label']:<{width}}  {int(row['communities']):>11}  {values}")
        return head + "\n" + summary_table(self.kpis) + "\n" + "\n".join(lines)

    def monthly_table(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.monthly)

    def write(self, out: str | Path) -> Path:
        """``communities.csv``, ``monthly.csv``, ``summary.json`` and ``manifest.json`` (and each
        community's ``daily/<name>.csv`` when the run kept them) into directory ``out``."""
        import datetime as dt
        import platform

        from sim import __version__

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.communities.to_csv(out / "communities.csv", index=False)
        self.monthly_table().to_csv(out / "monthly.csv", index=False)
        if self.daily:
            (out / "daily").mkdir(exist_ok=True)
            names = dict(zip(self.communities["community"], self.communities["name"], strict=True))
            for i, df in self.daily.items():
                df.to_csv(out / "daily" / f"{names[i]}.csv", index=False)
        summary = {
            "scenario": self.district,
            "seed": self.seed,
            "days": self.days,
            "kpis": {
                k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in self.kpis.items()
            },
        }
        (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        manifest: dict[str, Any] = {
            "scenario": self.district,
            "scenario_sha256": self.scenario_hash,
            "seed": self.seed,
            "days": self.days,
            "communities": len(self.communities),
            "govsim_version": __version__,
            "python": platform.python_version(),
            "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        return out
