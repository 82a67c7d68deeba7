"""Delta, PAWN and RBD-FAST indices from the runs already in a store, whatever its design.

These SALib methods need only a sample of factor values and outputs, so they read any sweep's
runs and need no new ones: **delta**, Borgonovo's moment-independent index (how much knowing the
factor shifts the whole output distribution), with S1; **PAWN** (Pianosi & Wagener: the median
Kolmogorov-Smirnov distance between the output's distribution and its distributions with the factor
held in a slice); **RBD-FAST** (first-order variance share).  As in the Sobol path each design
point's output is the mean of its replications, and the seed noise left is reported
(:mod:`sim.experiments.sensitivity.averaging`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.sensitivity import FROM_STORE_METHODS, SensitivityError
from sim.experiments.sensitivity.averaging import noise_share
from sim.experiments.sensitivity.results import StoreSensitivityResult


def from_store(
    store: str | Path,
    *,
    method: str = "delta",
    kpis: Sequence[str] | None = None,
    resamples: int = 1000,
    seed: int = 1,
) -> StoreSensitivityResult:
    """Sensitivity indices from the runs already in a store, whatever its design (no new runs).

    The methods (SALib) need only a sample of factor values and outputs: **delta**, Borgonovo's
    moment-independent index (how much knowing the factor shifts the whole output distribution),
    with S1; **PAWN** (Pianosi & Wagener: the median Kolmogorov-Smirnov distance between the
    output's distribution and its distributions with the factor held in a slice); **RBD-FAST**
    (first-order variance share).  As in the Sobol path, each design point's output is the mean
    of its replications (with common seeds) and the seed noise left is reported.  They read a
    random or space-filling sample (lhs, sobol, crossed designs) best; a factorial with few
    levels gives coarse estimates.  Categorical factors (labels, scenarios) are left out.
    """
    from sim.analysis.store_data import AnalysisError, load

    if method not in FROM_STORE_METHODS:
        raise SensitivityError(f"--method: {method!r} is not one of {', '.join(FROM_STORE_METHODS)}")
    try:
        data = load(store)
        keys = data.check_kpis(kpis or data.kpis)
    except AnalysisError as e:
        raise SensitivityError(str(e)) from None
    numeric = [f for f in data.numeric_factors(data.factors) if data.runs[f].nunique() > 1]
    skipped = [f for f in data.factors if f not in numeric]
    if not numeric:
        raise SensitivityError(f"{data.path}: no numeric factor varies; these methods need numbers")
    means = data.point_means(keys)
    x = means[numeric].to_numpy(dtype=float)
    problem = {
        "num_vars": len(numeric),
        "names": numeric,
        "bounds": [[float(c.min()), float(c.max())] for c in x.T],
    }
    ok = data.ok
    reps = int(ok.groupby("point").size().max())
    rows, noise = [], []
    for key in keys:
        y = means[key].to_numpy(dtype=float)
        keep = ~np.isnan(y)
        if keep.sum() < 2 * len(numeric) + 2 or np.ptp(y[keep]) == 0:
            raise SensitivityError(
                f"KPI {key} has too few defined, varying values ({int(keep.sum())} points)"
            )
        noise.append({"kpi": key, "noise_share": noise_share(ok, key, y[keep]), "replications": reps})
        si = _indices_or_error(method, problem, x[keep], y[keep], resamples, seed, f"{data.path}: {key}")
        for i, f in enumerate(numeric):
            row: dict[str, Any] = {"kpi": key, "factor": f}
            for name, (v, lo, hi) in si.items():
                row.update({name: float(v[i]), f"{name}_low": float(lo[i]), f"{name}_high": float(hi[i])})
            rows.append(row)
    return StoreSensitivityResult(
        data.path, method, numeric, skipped, len(means), reps, pd.DataFrame(rows), pd.DataFrame(noise)
    )


def _indices_or_error(
    method: str, problem: dict[str, Any], x: np.ndarray, y: np.ndarray, resamples: int, seed: int, what: str
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`_store_indices`, with SALib's arithmetic failures said in one line: its estimators
    divide by bin counts and slice sizes, so too few or too regular design points for the method
    is the user's sweep, not a bug to show as a traceback."""
    try:
        return _store_indices(method, problem, x, y, resamples, seed)
    except (ArithmeticError, ValueError, IndexError) as e:
        raise SensitivityError(
            f"{what}: {method} cannot estimate it from {len(y)} design points ({type(e).__name__}: {e}); "
            "it needs more points of a random or space-filling design (lhs, sobol)"
        ) from None


def _store_indices(
    method: str, problem: dict[str, Any], x: np.ndarray, y: np.ndarray, resamples: int, seed: int
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Index name -> (value, 95 % low, 95 % high) per factor."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "delta":
            from SALib.analyze import delta

            # SALib 1.6 gives the delta estimate of the data as they are ("raw", Plischke et al.
            # 2013: a designed, uniform sample is what it assumes), and variants for skewed data.
            r = delta.analyze(problem, x, y, num_resamples=resamples, conf_level=0.95, seed=seed + 1)
            out = {}
            for name, key in (("delta", "delta_raw"), ("S1", "S1")):
                v, c = np.asarray(r[key]), np.asarray(r[f"{key}_conf"])
                out[name] = (v, v - c, v + c)
            return out
        if method == "rbd_fast":
            from SALib.analyze import rbd_fast

            r = rbd_fast.analyze(problem, x, y, num_resamples=resamples, conf_level=0.95, seed=seed + 1)
            s1 = np.asarray(r["S1"])
            return {"S1": (s1, s1 - r["S1_conf"], s1 + r["S1_conf"])}
        from SALib.analyze import pawn

        # SALib's PAWN has no interval: a percentile bootstrap over design points (at most 200
        # resamples: each is a full PAWN analysis).
        slices = max(2, min(10, len(y) // 10))
        med = np.asarray(pawn.analyze(problem, x, y, S=slices, seed=seed + 1)["median"])
        rng = np.random.default_rng(seed)
        boot = []
        for _ in range(min(resamples, 200)):
            i = rng.integers(0, len(y), len(y))
            boot.append(pawn.analyze(problem, x[i], y[i], S=slices, seed=seed + 1)["median"])
        b = np.asarray(boot, dtype=float)
        return {"pawn": (med, np.nanpercentile(b, 2.5, axis=0), np.nanpercentile(b, 97.5, axis=0))}
