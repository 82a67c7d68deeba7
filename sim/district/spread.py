"""District results from the communities' results: totals, means, and how unequal the communities are.

A district run ends with one row per community (its KPIs, residents, type, sub-district, money
received) and, when two packages are compared with the same seeds, one row per community and
replication with the KPI under each.  These pure functions turn those tables into what a planner
asks of a district:

* the district's KPIs under the community KPIs' own keys (:func:`district_kpis`): counts and money
  summed, shares, times and scores averaged over residents (:func:`extensive` says which);
* the spread across communities (:data:`SPREAD_KPIS`): the worst and the best tenth of
  communities (:func:`decile_means`) and the Gini index (:func:`gini`);
* the KPIs by community type (:func:`by_type`);
* the communities that lose under a package (:func:`losers`): a mean that is worse, by more than
  matters, with an interval that excludes no change.

NaN in a community's KPI means "not measured there" (no care station, no disputes): it is left out
of every mean, sum and index, never counted as zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.kpis import KPIS, better
from sim.kpis.district import BEST, GINI, SPREAD_KPIS, WORST, has_gini, spread_key
from sim.statistics import t_half_width

__all__ = [
    "EXTENSIVE",
    "EXTENSIVE_UNITS",
    "SPREAD_KPIS",
    "by_type",
    "decile_means",
    "district_kpis",
    "extensive",
    "gini",
    "losers",
    "paired_differences",
    "weighted_mean",
]

ArrayLike = Sequence[float] | np.ndarray | pd.Series

#: Units of KPIs that add up over communities: money, and counts of things (tasks, visits, cases
#: waiting, staff, budget actions, requests on a list, residents waiting).
EXTENSIVE_UNITS = frozenset({"yuan", "tasks", "visits", "cases", "staff", "changes", "requests", "residents"})


def extensive(key: str) -> bool:
    """Whether a community KPI is summed for the district (else it is a resident-weighted mean).

    The rule: a KPI in one of :data:`EXTENSIVE_UNITS` is summed, unless it is a rate per unit (a
    ``_per_`` in its key: cost per resolved need, trips per matter), which is averaged like the
    shares, times, scores and days.  A resident-weighted mean of a per-community mean (the queue
    wait) weighs each community by its residents, not by its visits: close when visits follow
    residents, and the same rule for every KPI.
    """
    kpi = KPIS[key]
    return kpi.unit in EXTENSIVE_UNITS and "_per_" not in key


#: The community KPIs summed for the district (:func:`extensive`).
EXTENSIVE: frozenset[str] = frozenset(k for k in KPIS if extensive(k))


def _measured(values: ArrayLike, weights: ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
    """Values and weights where both are numbers (NaN left out); weights 1 when not given."""
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != x.shape:
        raise ValueError(f"{len(x)} values but {len(w)} weights")
    keep = ~(np.isnan(x) | np.isnan(w))
    return x[keep], w[keep]


def weighted_mean(values: ArrayLike, weights: ArrayLike) -> float:
    """The mean of ``values`` weighted by ``weights`` over the measured ones; NaN when none is
    measured or their weights sum to zero."""
    x, w = _measured(values, weights)
    total = w.sum()
    return float((w * x).sum() / total) if len(x) and total > 0 else math.nan


def gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """The Gini index of non-negative values, each counted with its weight (residents): 0 when
    every community has the same, (n-1)/n when one of n equal-weighted communities has all.

    It is the mean absolute difference between two residents' communities, drawn at random with
    replacement, divided by twice the mean: sum_ij w_i w_j |x_i - x_j| / (2 W^2 mean).  NaN values
    are left out; NaN when nothing is measured; 0 when everything is 0 (all equal).
    """
    x, w = _measured(values, weights)
    if (x < 0).any():
        raise ValueError("the Gini index needs non-negative values")
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    total = w.sum()
    if not len(x) or total <= 0:
        return math.nan
    mean = (w * x).sum() / total
    if mean == 0:
        return 0.0
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    below = np.cumsum(w) - w  # weight of smaller values
    above = total - below - w  # weight of larger values
    # Each pair once per order: value i counts + as the larger of `below` pairs, - as the smaller.
    pairs = 2.0 * (w * x * (below - above)).sum()
    return float(pairs / (2.0 * total**2 * mean))


def decile_means(
    values: ArrayLike, weights: ArrayLike, better: str, share: float = 0.1
) -> tuple[float, float]:
    """(worst, best): the weighted mean over the worst and over the best ``share`` of the measured
    communities (at least one each), worst by ``better`` ("higher": the lowest values are the
    worst; "lower": the highest).  Ties are broken by the communities' order."""
    if better not in ("higher", "lower"):
        raise ValueError(f"decile means need a direction, 'higher' or 'lower', got {better!r}")
    x, w = _measured(values, weights)
    if not len(x):
        return math.nan, math.nan
    k = max(1, round(share * len(x)))
    order = np.argsort(x if better == "higher" else -x, kind="stable")  # worst first
    worst, best = order[:k], order[len(x) - k :]
    return weighted_mean(x[worst], w[worst]), weighted_mean(x[best], w[best])


def _total(values: np.ndarray) -> float:
    """The sum over the measured communities; NaN when none measured it."""
    x = values[~np.isnan(values)]
    return float(x.sum()) if len(x) else math.nan


def district_kpis(communities: pd.DataFrame) -> dict[str, float]:
    """The district's KPIs from its communities' table (one row per community).

    Every community KPI in the table, under its own key (so labels and thresholds apply), summed or
    resident-weighted (:func:`extensive`); then for each of :data:`SPREAD_KPIS` in the table the
    worst and best decile and, where it cannot be negative, the Gini index; then the district's
    make-up: communities, residents, demonstration and pilot communities, and the Gini index of the
    money each community got from the district per resident.
    """
    residents = communities["residents"].to_numpy(dtype=float)
    out: dict[str, float] = {}
    for key in (k for k in KPIS if k in communities.columns):
        values = communities[key].to_numpy(dtype=float)
        out[key] = _total(values) if key in EXTENSIVE else weighted_mean(values, residents)
    for kpi in (k for k in SPREAD_KPIS if k in communities.columns):
        values = communities[kpi].to_numpy(dtype=float)
        worst, best = decile_means(values, residents, better(kpi))
        out[spread_key(WORST, kpi)] = worst
        out[spread_key(BEST, kpi)] = best
        if has_gini(kpi):
            out[spread_key(GINI, kpi)] = gini(values, residents)
    per_resident = communities["allocation_yuan"].to_numpy(dtype=float) / np.maximum(residents, 1)
    out |= {
        "district.communities": float(len(communities)),
        "district.residents": float(residents.sum()),
        "district.demonstrations": float(communities["demonstration"].sum()),
        "district.pilots": float(communities["pilot"].sum()),
        "district.allocation_gini": gini(per_resident, residents),
    }
    return out


def by_type(communities: pd.DataFrame, kpis: Sequence[str]) -> pd.DataFrame:
    """One row per community type (in the order types first appear): its label, communities,
    residents, and the resident-weighted mean of each of ``kpis`` over its communities."""
    rows = []
    for kind, group in communities.groupby("type", sort=False):
        w = group["residents"].to_numpy(dtype=float)
        row: dict[str, object] = {
            "type": kind,
            "type_label": group["type_label"].iloc[0] if "type_label" in group else kind,
            "communities": len(group),
            "residents": int(w.sum()),
        }
        row |= {k: weighted_mean(group[k].to_numpy(dtype=float), w) for k in kpis}
        rows.append(row)
    return pd.DataFrame(rows, columns=["type", "type_label", "communities", "residents", *kpis])


def paired_differences(paired: pd.DataFrame, kpi: str) -> pd.Series:
    """Each (community, replication) row's change from package A to B, signed so that negative is
    worse: ``b - a`` when higher is better, ``a - b`` when lower is better."""
    direction = better(kpi)
    if direction not in ("higher", "lower"):
        raise ValueError(f"{kpi} has no better direction, so no community can lose on it")
    diff = paired["b"].astype(float) - paired["a"].astype(float)
    return diff if direction == "higher" else -diff


#: Columns of :func:`losers`' table beside the community's own.
LOSER_COLUMNS = ("replications", "change", "half_width", "change_low", "change_high", "sure", "loses")


def losers(paired: pd.DataFrame, kpi: str, threshold: float) -> pd.DataFrame:
    """Per community, the paired change of ``kpi`` from package A to B over replications, worst first.

    ``paired`` has one row per (community, replication): ``community, name, type, subdistrict,
    residents, a, b``, the same seed under both packages (common random numbers).  ``change`` is the
    mean change, negative = worse (:func:`paired_differences`), with its 95 % t-interval over
    replications (``half_width`` NaN with one).  ``sure``: the interval excludes 0 (never with one
    replication).  ``loses``: the change is worse by more than ``threshold`` (in the KPI's unit) and,
    with two or more replications, sure; with one replication the threshold alone decides, and
    ``sure`` is False to say so.
    """
    frame = paired.assign(change=paired_differences(paired, kpi))
    frame = frame[~frame["change"].isna()]
    keep = [c for c in ("community", "name", "type", "type_label", "subdistrict", "residents") if c in paired]
    rows = []
    for _community, group in frame.groupby("community", sort=True):
        x = group["change"].to_numpy(dtype=float)
        n = len(x)
        mean = float(x.mean())
        half = t_half_width(float(x.std(ddof=1)), n) if n > 1 else math.nan
        low, high = mean - half, mean + half
        sure = n > 1 and (high < 0 or low > 0)
        loses = mean < -threshold and (sure or n == 1)
        values = (n, mean, half, low, high, sure, loses)
        rows.append({c: group[c].iloc[0] for c in keep} | dict(zip(LOSER_COLUMNS, values, strict=True)))
    table = pd.DataFrame(rows, columns=[*keep, *LOSER_COLUMNS])
    table = table.sort_values(["change", "community"], kind="stable").reset_index(drop=True)
    table.attrs |= {"kpi": kpi, "threshold": threshold}
    return table
