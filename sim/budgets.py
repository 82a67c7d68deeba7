"""Budgets: how big a job is, checked against stated limits before anything is allocated.

Every entry point (``simulate``, ``govsim run``/``compare``, sweeps and sensitivity designs) asks
here first, with sizes only (never the built design), so a typo such as ``samples = 1e12`` or
``--days 100000000`` is refused in one line instead of filling the memory for minutes.

Three kinds of limit:

* **hard limits** (:data:`MAX_DAYS`, :data:`MAX_REPLICATIONS`, :data:`MAX_POINTS`,
  :data:`MAX_RUNS`): beyond them a job is refused, whatever the flags;
* **the machine's memory**: a run (times the workers running at once) whose estimated peak
  memory exceeds what the machine has available (``MemAvailable`` in ``/proc/meminfo``) does not
  start;
* **soft limits** (:data:`SOFT_RUNS` runs, :data:`SOFT_HOURS` hours of estimated wall time,
  :data:`SOFT_RUN_BYTES` of memory for one run):
  such a job prints its estimate and starts only with ``--yes`` (``yes=True`` in Python).

Estimates of one run's time and memory come from its size: residents, expected needs (residents
x need rates, the events the model simulates) and days.  The coefficients were measured on the
2-core development machine (peak resident memory and processor time of runs from 300 to 50,000
residents, 365 to 20,000 days and default to maximal need rates); they are rough (within a factor
of about 2) and err high.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.paths import InputError

#: Longest run (days): the same cap as ``run.days`` in a scenario file (100 years).
MAX_DAYS = 36_600
#: Most replications per design point or scenario.
MAX_REPLICATIONS = 100_000
#: Most points in one design (any kind), and most levels, samples or trajectories asked for.
MAX_POINTS = 1_000_000
#: Most runs (points x replications) in one sweep.
MAX_RUNS = 10_000_000
#: Beyond this many runs, or this many hours, a job needs ``--yes``.
SOFT_RUNS = 100_000
SOFT_HOURS = 24.0
#: Beyond this estimated peak memory, a single run needs ``--yes``.
SOFT_RUN_BYTES = 2 * 10**9
#: Most local worker processes.
MAX_WORKERS = 512

# One run's cost (see the module docstring): seconds and bytes per year of fixed daily work, per
# need simulated and per resident; plus the interpreter and libraries a worker holds anyway.
# Measured (peak RSS, process CPU time): 6,000 residents for a year 198 MB, 1.5 s under load;
# 10 years 226 MB; 50,000 residents 227 MB; 302,000 needs in a year 267 MB, 6.8 s; 300 residents
# for 20,000 days 280 MB, 5.5 s.  Rounded up.
_SECONDS_PER_DAY = 0.10 / 365
_SECONDS_PER_NEED = 20e-6
_SECONDS_PER_RESIDENT_YEAR = 2e-6
_BYTES_BASE = 200 * 2**20
_BYTES_PER_DAY = 6_000
_BYTES_PER_NEED = 300
_BYTES_PER_RESIDENT = 500


class BudgetError(InputError):
    """A job larger than a stated limit, or than the machine.  ``str(err)`` is one line."""


@dataclass(frozen=True)
class RunCost:
    """Estimated wall time (one core) and peak memory of one run."""

    seconds: float
    bytes: int


def expected_needs_per_year(params: Mapping[str, Any]) -> float:
    """Needs that arise in a year: residents x their rates, as :mod:`sim.residents` draws them
    (latent elderly-care requests too: they are drawn, and held, whether or not they are asked)."""
    residents = float(params["population.residents"])
    shares = params["population.group_shares"]
    admin = sum(shares[g] * params["needs.admin_rate"][g] for g in shares)
    vulnerable = sum(shares[g] * params["population.vulnerable_share"][g] for g in shares)
    elderly = shares.get("retiree", 1.0) * params["population.elderly_alone_share"]
    elderly_rate = params["needs.elderly_care_rate"] + params["elderly_care.latent_request_rate"]
    households = residents / float(params["population.household_size"])
    return (
        residents * admin
        + residents * vulnerable * params["needs.social_assistance_rate"]
        + residents * elderly * elderly_rate
        + households * (params["needs.public_space_rate"] + params["needs.dispute_rate"])
    )


def run_cost(params: Mapping[str, Any], days: int) -> RunCost:
    """Estimated time and peak memory of one run of ``days`` days with ``params``."""
    residents = float(params["population.residents"])
    needs = expected_needs_per_year(params) * days / 365
    seconds = (
        _SECONDS_PER_DAY * days
        + _SECONDS_PER_NEED * needs
        + _SECONDS_PER_RESIDENT_YEAR * residents * days / 365
    )
    memory = _BYTES_BASE + _BYTES_PER_DAY * days + _BYTES_PER_NEED * needs + _BYTES_PER_RESIDENT * residents
    return RunCost(seconds, int(memory))


def available_memory() -> int | None:
    """Bytes the machine can give a new job now (MemAvailable), or None if it cannot tell."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def size(n: float) -> str:
    """Bytes for people: 512 MB, 7.3 GB, 7.3 TB."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n / 1e3:.0f} KB"


def duration(seconds: float) -> str:
    """A duration for people: 40 s, 12 min, 3.5 h, 41 days, 2,300 years."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    if seconds < 3 * 365 * 86400:
        return f"{seconds / 86400:,.0f} days"
    return f"{seconds / (365 * 86400):,.0f} years"


def check_run(
    params: Mapping[str, Any], days: int, *, source: str = "", workers: int = 1, yes: bool = True
) -> RunCost:
    """Refuse a run longer than :data:`MAX_DAYS` or bigger than the machine's free memory; with
    ``yes=False`` also one above the soft limits (memory or time), with its estimate."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise BudgetError(
            source, f"days must be a whole number from 1 to {MAX_DAYS:,} (100 years), got {days!r}"
        )
    cost = run_cost(params, days)
    _check_memory(source, cost, workers)
    if not yes and (cost.bytes > SOFT_RUN_BYTES or cost.seconds > SOFT_HOURS * 3600):
        raise BudgetError(
            source,
            f"a large run: about {size(cost.bytes)} of memory and {duration(cost.seconds)}; "
            "add --yes to run it anyway",
        )
    return cost


def district_cost(costs: Sequence[RunCost], workers: int = 1) -> RunCost:
    """A district run from its communities' own costs: every community lives at once, so their
    memory adds up, but the interpreter and libraries are held once per process (``workers``),
    not once per community; the time is theirs together spread over the workers."""
    own = sum(c.bytes - _BYTES_BASE for c in costs)
    return RunCost(sum(c.seconds for c in costs) / max(workers, 1), int(own + _BYTES_BASE * max(workers, 1)))


def check_district(district: Any, days: int, *, workers: int = 1, yes: bool = True) -> RunCost:
    """:func:`check_run` for a district (its cost: :func:`district_cost`)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise BudgetError(
            district.source, f"days must be a whole number from 1 to {MAX_DAYS:,} (100 years), got {days!r}"
        )
    cost = district_cost([run_cost(m.scenario.params, days) for m in district.members], workers)
    _check_memory(district.source, cost, 1)
    if not yes and cost.seconds > SOFT_HOURS * 3600:
        raise BudgetError(
            district.source,
            f"a large district run: about {size(cost.bytes)} of memory and {duration(cost.seconds)}; "
            "add --yes to run it anyway",
        )
    return cost


def _check_memory(source: str, cost: RunCost, workers: int) -> None:
    free = available_memory()
    need = cost.bytes * max(workers, 1)
    if free is not None and need > free:
        each = f" ({workers} workers x {size(cost.bytes)})" if workers > 1 else ""
        hint = (
            "use fewer workers, fewer residents or fewer days"
            if workers > 1
            else "use fewer residents or days"
        )
        raise BudgetError(
            source,
            f"needs about {size(need)} of memory{each}, the machine has {size(free)} available; {hint}",
        )


@dataclass(frozen=True)
class JobEstimate:
    """Size and estimated cost of a batch of runs."""

    runs: int
    seconds: float  # wall time on ``workers`` cores
    peak_bytes: int  # all workers at once
    workers: int

    def __str__(self) -> str:
        return (
            f"{self.runs:,} runs, about {duration(self.seconds)} on {self.workers} "
            f"worker{'s' if self.workers != 1 else ''}, about {size(self.peak_bytes)} of memory at once"
        )


def check_job(
    runs: int,
    cost: RunCost,
    *,
    workers: int,
    yes: bool = False,
    source: str = "",
) -> JobEstimate:
    """Refuse a batch above the hard limits or the machine's memory; above the soft limits, only
    with ``yes``.  Returns the estimate (callers print it for large jobs)."""
    if runs > MAX_RUNS:
        raise BudgetError(
            source, f"{runs:,} runs is more than the limit of {MAX_RUNS:,}; use a smaller design"
        )
    workers = max(1, min(workers, runs) if runs else 1)
    est = JobEstimate(runs, cost.seconds * runs / workers, cost.bytes * workers, workers)
    _check_memory(source, cost, workers)
    if not yes and (runs > SOFT_RUNS or est.seconds > SOFT_HOURS * 3600 or cost.bytes > SOFT_RUN_BYTES):
        raise BudgetError(
            source,
            f"a large job: {est}; above {SOFT_RUNS:,} runs, {SOFT_HOURS:g} h or {size(SOFT_RUN_BYTES)} "
            "a run it needs --yes (or try --quick / fewer replications)",
        )
    return est


def is_large(est: JobEstimate) -> bool:
    """Worth printing the estimate before starting (over about a minute of work)."""
    return est.seconds > 60 or est.runs > 10_000
