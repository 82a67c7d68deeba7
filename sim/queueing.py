"""Small pure functions for queueing theory and interval statistics.

Used to verify the service hall against theory (Erlang C for M/M/c, Little's law) and by the
experiment layer for confidence intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C).

    ``offered_load`` is a = lambda / mu in Erlangs; requires a < servers.
    """
    c, a = servers, offered_load
    if a <= 0:
        return 0.0
    if a >= c:
        raise ValueError(f"unstable queue: offered load {a:g} >= servers {c}")
    # Erlang B by the stable recursion, then C from B.
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1 - rho + rho * b)


def mmc_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean time in queue (before service) of an M/M/c queue, in the rates' time unit."""
    a = arrival_rate / service_rate
    return erlang_c(servers, a) / (servers * service_rate - arrival_rate)


def mean_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the two-sided Student-t confidence interval of independent observations."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    m = float(x.mean()) if n else math.nan
    if n < 2:
        return m, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return m, m - half, m + half


def time_average(levels_at: Sequence[tuple[float, int]], t_end: float) -> float:
    """Time average over [first time, t_end] of a step function given as (time, +/-1) changes."""
    if not levels_at:
        return 0.0
    ev = sorted(levels_at)
    area, level, t_prev = 0.0, 0, ev[0][0]
    for t, d in ev:
        area += level * (t - t_prev)
        level += d
        t_prev = t
    area += level * (t_end - t_prev)
    return area / (t_end - ev[0][0])
