"""What the district settles at each coupling point: money, department capacity, evaluation and
roll-out.  Pure functions of the communities' reports, in community order, so the result does not
depend on which worker ran which community.

Each function is a stated rule (docs/ODD.md, district level):

* :func:`allocate`: the district budget, less the demonstration awards, split by the allocation
  rule's weights;
* :func:`department_waits`: each department is one queue for every community's escalated cases
  and the tasks turned back to it; how long a case waits there next month;
* :func:`score` and :func:`demonstrations`: the standardised evaluation and the best-scored share;
* :func:`choose_pilots`: which communities start a roll-out first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.district.settings import EVALUATION_WAIT_CAP_MIN, EVALUATION_WEIGHTS

#: The utilisation at which the steady-state queueing formula stops: beyond it the carried-over
#: backlog, not the formula, says how long cases wait.
MAX_UTILISATION = 0.95


@dataclass(frozen=True)
class Report:
    """What one community tells the district at a coupling point (counts since the start unless
    marked "this period")."""

    index: int
    residents: int
    need: float  # retirees, migrants and vulnerable residents
    escalated: np.ndarray  # cases sent to each department, this period
    turned_back: np.ndarray  # tasks sent back to each department, this period
    turned_back_cases: float  # department capacity one of them takes, in cases (the community's)
    waiting: np.ndarray  # this community's cases not yet taken up at each department now
    tasks_accepted: int
    resolved: int
    unmet: int
    wait_sum_min: float
    waits: int
    participation: float  # share of residents who took part this year so far
    satisfaction: float
    balance_yuan: float
    staff: int


def score(r: Report) -> float:
    """The standardised evaluation, 0-1: needs resolved, short waits, participation, satisfaction
    (weights :data:`~sim.district.settings.EVALUATION_WEIGHTS`)."""
    w = EVALUATION_WEIGHTS
    done = r.resolved + r.unmet
    resolved = r.resolved / done if done else 0.0
    wait = r.wait_sum_min / r.waits if r.waits else 0.0
    waits = 1.0 - min(wait / EVALUATION_WAIT_CAP_MIN, 1.0)
    return (
        w["resolved"] * resolved
        + w["waits"] * waits
        + w["participation"] * r.participation
        + w["satisfaction"] * r.satisfaction
    )


def demonstrations(scores: np.ndarray, share: float) -> np.ndarray:
    """The best-scored ``share`` of communities (ties: the lower index first)."""
    n = len(scores)
    k = round(share * n)
    order = np.lexsort((np.arange(n), -scores))
    out = np.zeros(n, dtype=bool)
    out[order[:k]] = True
    return out


def weights(
    rule: str, residents: np.ndarray, need: np.ndarray, tasks: np.ndarray, scores: np.ndarray | None
) -> np.ndarray:
    """Each community's weight under an allocation rule.  Rules that need results (tasks, scores)
    fall back to per resident until there are any."""
    if rule == "equal":
        return np.ones(len(residents))
    if rule == "by_need":
        return need.astype(float)
    if rule == "per_task" and tasks.sum() > 0:
        return tasks.astype(float)
    if rule == "by_score" and scores is not None:
        return residents * scores
    return residents.astype(float)


def allocate(
    rule: str,
    budget_yuan: float,
    residents: np.ndarray,
    need: np.ndarray,
    tasks: np.ndarray,
    scores: np.ndarray | None,
    demonstration: np.ndarray,
    bonus_yuan: float,
) -> np.ndarray:
    """Yearly money per community: each demonstration community's award first (as far as the
    budget goes), the rest by the rule's weights."""
    awards = demonstration * bonus_yuan
    if awards.sum() > budget_yuan:
        awards = awards * (budget_yuan / awards.sum())
    w = weights(rule, residents, need, tasks, scores)
    rest = budget_yuan - awards.sum()
    share = w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))
    return awards + rest * share


def department_waits(
    capacity_per_week: float,
    arrivals: np.ndarray,
    backlog: np.ndarray,
    weeks: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each shared department's wait before it takes up a case next month (hours), its backlog
    carried over, and its utilisation, from last month's ``arrivals`` (cases sent by every
    community plus the turned-back tasks it handles itself, per department) over ``weeks``.

    A department takes up cases one at a time in arrival order, each taking 1/capacity of a week.
    Work beyond its capacity is carried over (``backlog``, cleared first); below it, cases wait as in
    an M/D/1 queue at last month's arrival rate (Pollaczek-Khinchine: rho / (2 mu (1 - rho)),
    utilisation capped at :data:`MAX_UTILISATION` so the formula stays finite; the backlog carries
    the rest).  The wait is the same for every community: one queue per department.
    """
    weeks = max(weeks, 1e-9)
    if capacity_per_week <= 0:
        return np.full(len(arrivals), np.inf), backlog + arrivals, np.full(len(arrivals), np.inf)
    rate = arrivals / weeks
    carried = np.maximum(backlog + arrivals - capacity_per_week * weeks, 0.0)
    rho = np.minimum(rate / capacity_per_week, MAX_UTILISATION)
    wait_weeks = carried / capacity_per_week + rho / (2.0 * capacity_per_week * (1.0 - rho))
    return wait_weeks * 168.0, carried, rate / capacity_per_week


def choose_pilots(
    rule: str, share: float, scores: np.ndarray, need_per_resident: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Which communities pilot a reform: the best-evaluated, the most in need (retirees, migrants
    and vulnerable residents per resident) or a random draw; ``share`` of them, at least one."""
    n = len(scores)
    k = max(1, round(share * n)) if share > 0 else 0
    idx = np.arange(n)
    if rule == "best_evaluated":
        order = np.lexsort((idx, -scores))
    elif rule == "most_in_need":
        order = np.lexsort((idx, -need_per_resident))
    else:
        order = rng.permutation(n)
    out = np.zeros(n, dtype=bool)
    out[order[:k]] = True
    return out
