"""Running one scenario with one seed: the unit every experiment is made of."""

from __future__ import annotations

import datetime as dt
import json
import math
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    import pandas as pd

    from sim.district.results import DistrictResult


@dataclass
class RunResult:
    """The outcome of one run: the summary KPIs, the daily series, and what produced them."""

    scenario: str
    seed: int
    days: int
    kpis: dict[str, float]
    daily: pd.DataFrame | None
    scenario_hash: str
    district: DistrictResult | None = None  # a district run's communities and monthly record

    def __repr__(self) -> str:
        return f"RunResult({self.scenario!r}, seed={self.seed}, days={self.days}, {len(self.kpis)} KPIs)"

    def to_json(self) -> dict[str, Any]:
        """``{"scenario", "seed", "days", "kpis"}`` with NaN written as null."""
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "days": self.days,
            "kpis": {
                k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in self.kpis.items()
            },
        }

    def write(self, out: str | Path) -> Path:
        """Write ``daily.csv``, ``summary.json`` and ``manifest.json`` into directory ``out``."""
        from sim import __version__

        if self.district is not None:
            return self.district.write(out)
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        if self.daily is not None:
            self.daily.to_csv(out / "daily.csv", index=False)
        (out / "summary.json").write_text(json.dumps(self.to_json(), indent=2) + "\n")
        manifest = {
            "scenario": self.scenario,
            "scenario_sha256": self.scenario_hash,
            "seed": self.seed,
            "days": self.days,
            "govsim_version": __version__,
            "python": platform.python_version(),
            "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        return out


def simulate(
    scenario: Scenario | str | Path,
    seed: int = 1,
    days: int | None = None,
    daily: bool = True,
) -> RunResult:
    """Run one community under ``scenario`` (a :class:`Scenario` or a TOML path) with ``seed``.

    ``days`` overrides the scenario's run length.  Same scenario, seed and days give the same
    numbers, bit for bit.  A district (:mod:`sim.district`) runs in this process; its KPIs are the
    district's, ``district`` holds its communities, and ``daily`` is None (``govsim run --daily``
    keeps each community's).  A run longer than :data:`sim.budgets.MAX_DAYS` or needing more memory
    than the machine has raises :class:`sim.budgets.BudgetError` before anything is allocated.
    """
    from sim.budgets import check_run
    from sim.model import CommunityModel

    district = getattr(scenario, "is_district", False)  # a DistrictScenario is no Scenario
    sc = scenario if isinstance(scenario, Scenario) or district else load_scenario(scenario)
    if getattr(sc, "is_district", False):
        return simulate_district(sc, seed=seed, days=days)
    check_run(sc.params, sc.days if days is None else days, source=sc.source)
    model = CommunityModel(sc, seed=seed, days=days).run()
    return RunResult(
        scenario=sc.name,
        seed=int(seed),
        days=model.days,
        kpis=model.summary(),
        daily=model.daily() if daily else None,
        scenario_hash=sc.content_hash(),
    )


def simulate_district(
    district: Any,
    seed: int = 1,
    days: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    daily: bool = False,
    progress: Any = None,
) -> RunResult:
    """Run a :class:`~sim.district.scenario.DistrictScenario` once: the district's KPIs, with its
    communities and monthly record in ``result.district``."""
    from sim.budgets import check_district
    from sim.district.runner import run_district

    run_days = district.days if days is None else days
    check_district(district, run_days, workers=workers)
    res = run_district(
        district,
        seed=seed,
        days=run_days,
        workers=workers,
        scheduler=scheduler,
        daily=daily,
        progress=progress,
    )
    return RunResult(
        scenario=district.name,
        seed=int(seed),
        days=res.days,
        kpis=res.kpis,
        daily=None,
        scenario_hash=res.scenario_hash,
        district=res,
    )
