"""Departments' functions and the tasks they push down (``sim.departments``).

``make_catalogue`` gives each class its share of the functions by the largest-remainder rule
(worked by hand below); ``draw_pushdowns`` is a Poisson process per function, checked against its
rate with chi-squared bounds, and its draws must not depend on the classes (so that a task meets
the same luck whatever the access system does with it).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.departments import (
    DEPARTMENT_CLASS_IDS,
    Catalogue,
    draw_pushdowns,
    is_department_class,
    make_catalogue,
)
from sim.parameters import CLASSES, DEPARTMENT_CLASSES, defaults

ALPHA = 0.001  # chance that a correct implementation fails one statistical check with a given seed


def catalogue(functions: int, shares: tuple[float, ...], departments: int = 10, seed: int = 1) -> Catalogue:
    p = defaults()
    p["departments.functions"] = functions
    p["departments.count"] = departments
    p["departments.class_shares"] = dict(zip(CLASSES, shares, strict=True))
    return make_catalogue(p, np.random.default_rng(seed))


def class_counts(cat: Catalogue) -> list[int]:
    return np.bincount(cat.cls, minlength=len(CLASSES)).tolist()


@pytest.mark.parametrize(
    ("functions", "shares", "counts"),
    [
        # 86 x (0.5, 0.2, 0.2, 0.1) = 43, 17.2, 17.2, 8.6: floors 43 + 17 + 17 + 8 = 85, and the
        # one left goes to the largest remainder (0.6, the last class).
        (86, (0.5, 0.2, 0.2, 0.1), [43, 17, 17, 9]),
        # 10 x (0.34, 0.33, 0.33, 0) = 3.4, 3.3, 3.3, 0: floors make 9; the first class has the
        # largest remainder.  A class with no share gets no function.
        (10, (0.34, 0.33, 0.33, 0.0), [4, 3, 3, 0]),
        # 7 x (0.45, 0.25, 0.15, 0.15) = 3.15, 1.75, 1.05, 1.05: floors 6, the 0.75 wins.
        (7, (0.45, 0.25, 0.15, 0.15), [3, 2, 1, 1]),
    ],
)
def test_classes_get_their_share_by_largest_remainder(functions, shares, counts):
    cat = catalogue(functions, shares)
    assert len(cat) == functions
    assert class_counts(cat) == counts


def test_largest_remainder_stays_within_one_of_every_quota():
    rng = np.random.default_rng(5)
    for _ in range(200):
        shares = rng.dirichlet(np.ones(len(CLASSES)))
        n = int(rng.integers(1, 300))
        counts = np.array(class_counts(catalogue(n, tuple(shares))))
        assert counts.sum() == n
        assert (np.abs(counts - shares * n) < 1).all(), (shares, n, counts)


def test_functions_are_dealt_to_departments_in_turn_and_classes_shuffled():
    a = catalogue(86, (0.5, 0.2, 0.2, 0.1), departments=10, seed=1)
    b = catalogue(86, (0.5, 0.2, 0.2, 0.1), departments=10, seed=2)
    per_department = np.bincount(a.department, minlength=10)
    assert sorted(set(per_department.tolist())) == [8, 9]  # 86 = 6 x 9 + 4 x 8
    assert class_counts(a) == class_counts(b) and not np.array_equal(a.cls, b.cls)


def test_department_classes_are_the_ones_named_so():
    assert [CLASSES[i] for i in DEPARTMENT_CLASS_IDS] == list(DEPARTMENT_CLASSES)
    assert [is_department_class(i) for i in range(len(CLASSES))] == [c in DEPARTMENT_CLASSES for c in CLASSES]


RATE, DAYS = 3.0, 400


@pytest.fixture(scope="module")
def pushed():
    cat = catalogue(500, (0.4, 0.3, 0.2, 0.1))
    return cat, draw_pushdowns(cat, RATE, DAYS, np.random.default_rng(42))


def test_pushdown_count_follows_the_rate(pushed):
    cat, tasks = pushed
    mean = len(cat) * RATE * DAYS / 365.0
    z = stats.norm.ppf(1 - ALPHA / 2)
    assert abs(len(tasks) - mean) < z * np.sqrt(mean)


def test_each_function_pushes_down_a_poisson_number_of_tasks(pushed):
    # Index of dispersion over the functions: (n - 1) s^2 / mean ~ chi-squared(n - 1).
    cat, tasks = pushed
    x = np.bincount(tasks.function, minlength=len(cat))
    n = len(x)
    statistic = (n - 1) * x.var(ddof=1) / x.mean()
    low, high = stats.chi2.ppf([ALPHA / 2, 1 - ALPHA / 2], n - 1)
    assert low < statistic < high


def test_pushdowns_are_sorted_uniform_in_time_and_carry_their_own_draws(pushed):
    cat, tasks = pushed
    horizon = DAYS * 24.0
    assert (np.diff(tasks.t) >= 0).all() and tasks.t[0] >= 0 and tasks.t[-1] < horizon
    assert stats.kstest(tasks.t / horizon, "uniform").pvalue > ALPHA
    # Each task keeps its own function: the first and the second half of the functions push
    # down at the same times of the run.
    first = tasks.function < len(cat) // 2
    assert stats.ks_2samp(tasks.t[first], tasks.t[~first]).pvalue > ALPHA
    for u in (tasks.u_withhold, tasks.u_access, tasks.u_funded):
        assert stats.kstest(u, "uniform").pvalue > ALPHA
    # Two of the uniforms used as one would make withholding and access decisions agree.  For
    # independent draws the correlation is about normal with standard deviation 1 / sqrt(n).
    bound = stats.norm.ppf(1 - ALPHA / 2) / np.sqrt(len(tasks))
    assert abs(stats.pearsonr(tasks.u_withhold, tasks.u_access).statistic) < bound
    for e in (tasks.hours_unit, tasks.cost_unit):
        assert stats.kstest(e, "expon").pvalue > ALPHA


def test_pushdowns_do_not_depend_on_the_classes():
    # Classification changes only what happens to a task, never which tasks come or their luck.
    before = catalogue(86, (0.5, 0.2, 0.2, 0.1), seed=3)
    after = catalogue(86, (0.1, 0.4, 0.1, 0.4), seed=3)
    a = draw_pushdowns(before, RATE, DAYS, np.random.default_rng(9))
    b = draw_pushdowns(after, RATE, DAYS, np.random.default_rng(9))
    for column in ("t", "function", "u_withhold", "u_access", "u_funded", "hours_unit", "cost_unit"):
        assert np.array_equal(getattr(a, column), getattr(b, column)), column


def test_no_pushdowns_at_rate_zero():
    assert len(draw_pushdowns(catalogue(86, (0.5, 0.2, 0.2, 0.1)), 0.0, DAYS, np.random.default_rng(1))) == 0
