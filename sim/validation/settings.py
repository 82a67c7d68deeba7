"""How hard the evidence looks, and how each of its stages runs its paired replications.

:class:`Settings` holds everything that decides the evidence's numbers besides the code and the
scenario files: replications, seed, run lengths, the population, the M/M/c grid, the trade-off's
staff counts and the calibration's sample; its defaults are the committed evidence
(``govsim validate-model``), :data:`QUICK` checks that the pipeline works (``--quick``).

Every stage runs its scenarios through :func:`paired_runs`, i.e. :func:`sim.compare.compare` on
local worker processes (:class:`sim.executors.WorkerPool`, which survives a crashed run and knows
which run it was), as ``govsim compare`` does: the evidence is about the code a planner runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.validation import claims as cl
from sim.validation import mmc

if TYPE_CHECKING:
    from sim.compare import Comparison
    from sim.scenario import Scenario


@dataclass(frozen=True)
class Settings:
    """How hard to look.  The defaults are the committed evidence; :data:`QUICK` is for tests."""

    replications: int = 8
    timeline_replications: int = 6
    seed: int = 2024
    days: int | None = None  # claims and trade-off runs; None: the baseline's (one year)
    residents: int | None = None  # None: the scenarios' own; smaller for a quick look only
    timeline_residents: int | None = None
    timeline_days: int | None = None  # None: the timeline file's (twelve years)
    mmc: mmc.MMCGrid = mmc.FULL_GRID
    tradeoff_staff: tuple[int, ...] = cl.TRADEOFF_STAFF_CHECKED
    # None: experiments/calibration/patterns.toml's (quick: its [quick]).
    calibration_samples: int | None = None
    quick: bool = False

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["mmc"] = dataclasses.asdict(self.mmc)
        return d


#: The committed evidence (``govsim validate-model``).
FULL = Settings()
#: A quick look that checks the pipeline (``--quick``): its numbers are not evidence.
QUICK = Settings(
    replications=3,
    timeline_replications=2,
    days=60,
    residents=1500,
    timeline_residents=400,
    timeline_days=3 * 365 + 1,  # 2003-2005: the first two reform dates
    mmc=mmc.QUICK_GRID,
    tradeoff_staff=(cl.TRADEOFF_STAFF,),
    quick=True,
)


def with_residents(sc: Scenario, n: int | None) -> Scenario:
    """The scenario with ``n`` residents (None: its own)."""
    return sc if n is None else sc.with_changes({"population.residents": n})


def paired_runs(
    scenarios: Sequence[Scenario],
    replications: int,
    seed: int,
    days: int | None,
    daily: bool,
    workers: int | None,
) -> Comparison:
    """Every scenario run ``replications`` times with the same seeds (common random numbers),
    compared with the first.  Evidence with runs missing would be quietly weaker: a failed run
    stops the validation."""
    from sim.compare import compare

    c = compare(
        list(scenarios), replications=replications, seed=seed, days=days, daily=daily, workers=workers
    )
    if c.failures:
        raise RuntimeError(f"{len(c.failures)} runs failed, first: {c.failures[0]}")
    return c
