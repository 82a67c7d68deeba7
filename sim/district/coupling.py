"""What the district settles at each coupling point: money, department capacity, evaluation and
roll-out.  Pure functions of the communities' reports, in community order, so the result does not
depend on which worker ran which community.

Each function is a stated rule (docs/ODD.md, district level):

* :func:`allocate`: the district budget, less the demonstration awards, split by the allocation
  rule's weights;
* :func:`department_rates`: each department's weekly capacity, less the turned-back tasks it must
  handle itself, shared among communities in proportion to their outstanding cases;
* :func:`score` and :func:`demonstrations`: the standardised evaluation and the best-scored share;
* :func:`choose_pilots`: which communities start a roll-out first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.district.settings import EVALUATION_WAIT_CAP_MIN, EVALUATION_WEIGHTS

#: A community with no outstanding case still gets this many cases' worth of a department's share,
#: so that its first case of a month is taken up (the department answers everyone a little).
FLOOR_CASES = 0.5


@dataclass(frozen=True)
class Report:
    """What one community tells the district at a coupling point (counts since the start unless
    marked "this period")."""

    index: int
    residents: int
    need: float  # retirees, migrants and vulnerable residents
    escalated: np.ndarray  # cases sent to each department, this period
    turned_back: np.ndarray  # tasks sent back to each department, this period
    waiting: np.ndarray  # cases waiting at each department now
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


def department_rates(
    capacity_per_week: float,
    escalated: np.ndarray,
    waiting: np.ndarray,
    turned_back: np.ndarray,
    weeks: float,
    turned_back_cases: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Each community's cases a week at each department for the next period (communities x
    departments), and each department's capacity left for escalations after the turned-back
    tasks of the last period (``weeks`` long).

    A department works first on the tasks communities sent back to it, then shares what is left
    among communities in proportion to their outstanding cases (sent last period plus waiting),
    with :data:`FLOOR_CASES` each so that nobody is shut out.
    """
    load = turned_back.sum(axis=0) * turned_back_cases / max(weeks, 1e-9)
    left = np.maximum(capacity_per_week - load, 0.0)
    demand = escalated + waiting + FLOOR_CASES
    return left * demand / demand.sum(axis=0), left


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
