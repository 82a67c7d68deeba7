"""Small pure functions for the statistics of replicated, paired runs.

Scenarios compared with the same seeds are paired (common random numbers): the difference is
taken run by run, and its confidence interval comes from the spread of those differences, which
is much narrower than the spread of either scenario when the pairing works.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def _clean(x: Sequence[float]) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return a[~np.isnan(a)]


def t_half_width(sd: float, n: int, level: float = 0.95) -> float:
    if n < 2:
        return math.nan
    from scipy import stats  # here: scipy.stats takes over a second to import

    return float(stats.t.ppf(0.5 + level / 2, n - 1) * sd / math.sqrt(n))


@dataclass(frozen=True)
class Estimate:
    """A mean with its two-sided Student-t confidence interval."""

    mean: float
    low: float
    high: float
    sd: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def mean_ci(values: Sequence[float], level: float = 0.95) -> Estimate:
    """Mean of independent observations (NaN dropped) and its confidence interval."""
    x = _clean(values)
    n = len(x)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    m = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else math.nan
    h = t_half_width(sd, n, level)
    return Estimate(m, m - h, m + h, sd, n)


@dataclass(frozen=True)
class Difference:
    """Paired difference ``b - a`` over replications, with what a reader needs to judge it."""

    estimate: Estimate
    relative: float  # mean difference / mean of a
    effect_size: float  # Cohen's d: mean difference / pooled SD of a and b

    @property
    def sure(self) -> bool:
        """The interval excludes zero."""
        e = self.estimate
        return e.n >= 2 and (e.low > 0 or e.high < 0)


def paired_difference(a: Sequence[float], b: Sequence[float], level: float = 0.95) -> Difference:
    """Difference ``b - a`` of paired observations; pairs with a NaN on either side are dropped.

    The effect size is standardised by the pooled run-to-run SD of the two scenarios (Cohen's d),
    not by the SD of the differences, so that it does not grow just because pairing worked.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    est = mean_ci(y - x, level)
    mean_a = float(x.mean()) if len(x) else math.nan
    # Relative to the size of the baseline, so that a gain on a negative balance reads as a gain.
    relative = est.mean / abs(mean_a) if mean_a != 0.0 and not math.isnan(mean_a) else math.nan
    if len(x) > 1:
        pooled = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
        effect = (
            est.mean / pooled if pooled > 0 else (0.0 if est.mean == 0 else math.copysign(math.inf, est.mean))
        )
    else:
        effect = math.nan
    return Difference(est, relative, effect)


def verdict(diff: Difference, better: str) -> str:
    """'better', 'worse', 'unsure' (interval spans zero), 'same' (every paired run identical: the
    change does not touch this KPI), or '' when the KPI has no direction."""
    e = diff.estimate
    if not better or e.n < 2 or math.isnan(e.mean):
        return ""
    if e.mean == 0 and e.sd == 0:
        return "same"
    if not diff.sure:
        return "unsure"
    up = diff.estimate.mean > 0
    return "better" if up == (better == "higher") else "worse"
