"""Determinism and common random numbers, the two properties every paired comparison rests on:
section 6 of the evidence.

*Determinism.*  All randomness comes from the run seed (:mod:`sim.rng`), so the same scenario, seed
and days give the same numbers bit for bit, in a worker pool or in this process.

*Common random numbers.*  Every random process of the model draws from its own named stream,
spawned from the run seed by the stream's name, so a change that makes one process draw more or
fewer numbers leaves every other process's draws as they were: two scenarios run with the same
seed differ only where they differ, and a paired difference measures the reform, not luck.  To
check that, the change must by construction act on one process only; then a difference anywhere
else can only come from the random numbers.  :data:`CRN_PREMISE` is that construction: twice as
many public-space problems, against the baseline, must leave every KPI but the public-space ones
identical, run for run.  If ``public`` shared its generator with a process that draws during the
run (a resident's fifth trip, say), the extra problems would shift that process's numbers and the
check would fail (``tests/test_checks.py`` shows it).

The check used to pair grid reporting with the baseline, on the premise that grid reporting
touches nothing in the hall.  Since grid officers cost staff time and money (issue 9) that premise
is false, so the check could not pass; a check that cannot pass says as little as one that cannot
fail.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.run import simulate
from sim.validation.markdown import md_table

if TYPE_CHECKING:
    from sim.compare import Comparison
    from sim.scenario import Scenario

#: The common-random-numbers check multiplies this parameter of the baseline by :data:`CRN_FACTOR`.
CRN_PARAMETER = "needs.public_space_rate"
CRN_FACTOR = 2.0
#: The KPIs that count public-space problems: the only ones the change may move.  The response
#: time must move (in every replication), which shows the change took effect.
PUBLIC_SPACE_KPIS = (
    "grid.response_mean_h",
    "departments.backlog_end",
    "departments.backlog_mean",
    "governance.resolved_locally_share",
)
CRN_PREMISE = (
    "Public-space problems are drawn from their own stream (`public`), and what becomes of them "
    "touches nothing else: residents report them without a visit to the hall, the community fixes "
    "them (or a part-time member's unit, from its own budget of fixes) or they wait in the "
    "departments' queues of escalated problems, which hold nothing else; officers' patrol hours and "
    "wages, where there are any, do not depend on how many problems there are. So twice as many "
    "problems change the `public` draws and the public-space KPIs, and nothing else."
)
DETERMINISM_PREMISE = "all randomness comes from the run seed (`sim.rng`)"


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def determinism(main: Comparison, baseline: Scenario) -> dict[str, Any]:
    """The baseline's first replication run again in this process: every KPI must equal the
    comparison's run (made in a worker pool) bit for bit."""
    seed = main.seeds[0]
    again = simulate(baseline, seed=seed, days=main.days, daily=False).kpis
    pooled = main.runs[(main.runs["scenario"] == baseline.name) & (main.runs["seed"] == seed)].iloc[0]
    moved = [k for k, v in again.items() if not _same(v, float(pooled[k]))]
    return {
        "check": "determinism",
        "what": f"baseline, seed {seed}, run again in this process: every KPI equal to the comparison's run",
        "premise": DETERMINISM_PREMISE,
        "found": f"{len(again) - len(moved)} of {len(again)} KPIs equal" + _listed(moved),
        "passed": not moved,
    }


def crn_scenario(baseline: Scenario) -> Scenario:
    """The baseline with :data:`CRN_PARAMETER` multiplied by :data:`CRN_FACTOR`."""
    rate = baseline.params_on_day(0)[CRN_PARAMETER]
    return baseline.with_changes(
        {CRN_PARAMETER: CRN_FACTOR * rate}, name=f"{baseline.name}, public-space problems x{CRN_FACTOR:g}"
    )


def common_random_numbers(baseline: Scenario, seeds: Sequence[int], days: int | None) -> dict[str, Any]:
    """The baseline and :func:`crn_scenario` run with each seed in this process: every KPI but
    :data:`PUBLIC_SPACE_KPIS` must be equal in every replication, and the public-space response
    must differ in every replication."""
    changed = crn_scenario(baseline)
    moved: set[str] = set()
    compared = responded = 0
    for seed in seeds:
        a = simulate(baseline, seed=seed, days=days, daily=False).kpis
        b = simulate(changed, seed=seed, days=days, daily=False).kpis
        others = [k for k in a if k not in PUBLIC_SPACE_KPIS]
        compared = len(others)
        moved.update(k for k in others if not _same(a[k], b[k]))
        responded += not _same(a[PUBLIC_SPACE_KPIS[0]], b[PUBLIC_SPACE_KPIS[0]])
    n = len(seeds)
    return {
        "check": "common random numbers",
        "what": f"baseline with public-space problems x{CRN_FACTOR:g} (`{CRN_PARAMETER}`) vs baseline, "
        f"{n} replications: every KPI but the {len(PUBLIC_SPACE_KPIS)} public-space ones identical, "
        "public-space response differs",
        "premise": CRN_PREMISE,
        "found": f"{compared - len(moved)} of {compared} other KPIs identical in every replication"
        + _listed(sorted(moved))
        + f"; response differs in {responded} of {n}",
        "passed": bool(n) and not moved and responded == n,
    }


def _listed(keys: Sequence[str], most: int = 4) -> str:
    if not keys:
        return ""
    more = f" and {len(keys) - most} more" if len(keys) > most else ""
    return " (moved: " + ", ".join(f"`{k}`" for k in keys[:most]) + more + ")"


def checks_table(main: Comparison, baseline: Scenario) -> pd.DataFrame:
    """Both checks on the claims comparison's baseline, seeds and run length."""
    return pd.DataFrame([determinism(main, baseline), common_random_numbers(baseline, main.seeds, main.days)])


def checks_section(checks: pd.DataFrame) -> list[str]:
    """The evidence's section on determinism and common random numbers, each with its premise."""
    rows = [
        [r.check, r.what, r.premise, r.found, "yes" if r.passed else "**no**"] for r in checks.itertuples()
    ]
    return [
        "## 6. Determinism and common random numbers",
        "",
        "Paired differences measure a reform, not luck, only if a run is a function of its seed "
        "(determinism) and a change to one process leaves every other process's random draws as they "
        "were (common random numbers: one named stream per process, `sim.rng`). Each check states the "
        "premise that makes its answer known in advance, so a failure is a defect, not noise.",
        "",
        md_table(rows, ["check", "what", "premise", "found", "passed"]),
        "",
    ]
