"""The output at a design point is the mean of its replications, and the seed noise left in it.

Every design point is run with the same R seeds (common random numbers), and the indices are
computed on the mean of the R runs: its seed noise variance is the single run's divided by R, and
the part of the noise shared by all points for a given seed moves every point mean together, so it
cannot pass for a parameter effect.  :func:`noise_share` estimates the noise that is left, so a
reader can see whether R was enough.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from sim.experiments.sensitivity import SensitivityError

if TYPE_CHECKING:
    import pandas as pd

    from sim.experiments.experiment import Experiment


def point_means(exp: Experiment, runs: pd.DataFrame, kpis: Sequence[str]) -> pd.DataFrame:
    """Mean of each KPI over the successful replications of each design point, in design order."""
    ok = runs[runs["status"] == "ok"]
    n_points = len(exp.points())
    means = ok.groupby("point")[list(kpis)].mean().reindex(range(n_points))
    n = ok.groupby("point").size().reindex(range(n_points)).fillna(0).astype(int)
    missing = int((n == 0).sum())
    if missing:
        raise SensitivityError(
            f"{missing} of {n_points} design points have no successful run (see the failures in the store); "
            "fix the cause and rerun with --retry-failed"
        )
    means.insert(0, "n", n)
    return means


def design_noise_share(exp: Experiment, runs: pd.DataFrame, key: str, y: np.ndarray) -> float:
    """Seed noise left in the point means, as a share of their variance across the design.

    With common random numbers part of the noise is the same at every point for a given seed: it
    moves all point means together and adds no variance across points, so it cannot pass for a
    parameter effect.  What can is the rest, estimated as the residual of the two-way layout
    point x replication, ``y[p, r] - mean_r(p) - mean_p(r) + mean`` (variance
    ``sum(residual^2) / ((P - 1)(R - 1))``), divided by R for a mean of R runs.
    """
    if exp.replications < 2:
        return math.nan
    return noise_share(runs, key, y)


def noise_share(runs: pd.DataFrame, key: str, y: np.ndarray) -> float:
    """:func:`design_noise_share` for any runs: NaN with fewer than two points or replications."""
    ok = runs[runs["status"] == "ok"]
    m = ok.pivot_table(index="point", columns="replication", values=key, aggfunc="first").dropna()
    n_points, n_reps = m.shape
    total = float(np.var(y, ddof=1))
    if n_points < 2 or n_reps < 2 or not total > 0:
        return math.nan
    a = m.to_numpy(dtype=float)
    resid = a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()
    noise = float((resid**2).sum() / ((n_points - 1) * (n_reps - 1))) / n_reps
    return noise / total
