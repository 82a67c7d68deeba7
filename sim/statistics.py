"""Small pure functions for the statistics of replicated, paired runs.

Scenarios compared with the same seeds are paired (common random numbers): the difference is
taken run by run, and its confidence interval comes from the spread of those differences, which
is much narrower than the spread of either scenario when the pairing works.

A measure with possible values bounded (a share in [0, 1], a waiting time or a count >= 0) gets
its interval on a scale where the bound is infinitely far: the logit of the share, the log of
the time.  The Student-t interval is built there, with the standard error carried over by the
delta method, and mapped back.  It is asymmetric near a bound, never crosses it, and covers the
true mean at least as well as the plain t-interval on skewed data near the bound (see
``tests/test_coverage_ci.py``); far from the bounds the two agree.
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


#: Possible values of a measure: (lower, upper); None where it is unbounded.
Bounds = tuple[float | None, float | None]
UNBOUNDED: Bounds = (None, None)


def bounded_interval(
    mean: np.ndarray | float,
    sd: np.ndarray | float,
    n: np.ndarray | int,
    bounds: Bounds = UNBOUNDED,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``level`` interval of a mean from its sample ``sd`` and size ``n`` (arrays or scalars).

    Unbounded: mean +/- t * sd / sqrt(n).  Bounded on both sides: the t-interval of the logit of
    the mean rescaled to [0, 1], standard error sd / sqrt(n) / (p (1 - p)).  Bounded below only
    (or above only): the t-interval of log(mean - lower), standard error sd / sqrt(n) / (mean -
    lower).  A mean on its bound (every run there) or no spread gives the point itself.
    """
    from scipy import stats  # here: scipy.stats takes over a second to import

    m = np.asarray(mean, dtype=float)
    s = np.asarray(sd, dtype=float)
    k = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(k >= 2, stats.t.ppf(0.5 + level / 2, np.maximum(k - 1, 1)), np.nan)
        se = s / np.sqrt(k)
        lower, upper = bounds
        if lower is None and upper is None:
            return m - t * se, m + t * se
        if lower is not None and upper is not None:
            width = upper - lower
            p = (m - lower) / width
            g, g_se = np.log(p / (1 - p)), se / width / (p * (1 - p))
            low = lower + width / (1 + np.exp(-(g - t * g_se)))
            high = lower + width / (1 + np.exp(-(g + t * g_se)))
        else:
            sign = 1.0 if lower is not None else -1.0
            edge = lower if lower is not None else upper
            d = sign * (m - edge)  # distance from the bound, > 0 inside
            ends = (edge + sign * d * np.exp(-t * se / d), edge + sign * d * np.exp(t * se / d))
            low, high = ends if sign > 0 else ends[::-1]
        # On a bound or without spread the transformed scale has nothing to say: the point.
        flat = (s == 0) | ~np.isfinite(low) | ~np.isfinite(high)
        flat &= np.isfinite(m) & (k >= 2)
        low = np.where(flat, m, low)
        high = np.where(flat, m, high)
    return low, high


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


def mean_ci(values: Sequence[float], level: float = 0.95, bounds: Bounds = UNBOUNDED) -> Estimate:
    """Mean of independent observations (NaN dropped) and its confidence interval, within the
    ``bounds`` of the possible values when given (see :func:`bounded_interval`)."""
    x = _clean(values)
    n = len(x)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    m = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else math.nan
    if n < 2:
        return Estimate(m, math.nan, math.nan, sd, n)
    low, high = bounded_interval(m, sd, n, bounds, level)
    return Estimate(m, float(low), float(high), sd, n)


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


def verdict(diff: Difference, better: str, matters: float = 0.0) -> str:
    """What a reader should conclude from a paired difference:

    * 'better' / 'worse': sure (the interval excludes zero) and big enough to matter (the mean
      difference is at least ``matters`` in size);
    * 'negligible': sure, but smaller than ``matters`` (participation +0.1 pp);
    * 'unsure': the interval spans zero;
    * 'same': every paired run identical (the change does not touch this KPI);
    * '' when the KPI has no direction.
    """
    e = diff.estimate
    if not better or e.n < 2 or math.isnan(e.mean):
        return ""
    if e.mean == 0 and e.sd == 0:
        return "same"
    if not diff.sure:
        return "unsure"
    if abs(e.mean) < matters:
        return "negligible"
    up = diff.estimate.mean > 0
    return "better" if up == (better == "higher") else "worse"
