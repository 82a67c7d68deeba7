"""Scenario discovery: under which combinations of factor values does an outcome of interest occur?

The runs of a store are split by a condition on a KPI (``--where "service.unmet_share > 0.1"``):
the runs it selects are the *cases of interest*.  Two well-known methods describe where they lie
in factor space (Bryant & Lempert 2010; Kwakkel 2017, EMA Workbench):

* **PRIM** (patient rule induction, ``ema_workbench.analysis.prim``) peels the factor space, a
  small slice at a time, towards a box that holds mostly cases of interest.  Each step of the
  *peeling trajectory* trades **coverage** (share of all cases of interest inside the box) for
  **density** (share of the runs inside the box that are of interest).  The box reported is the
  one with the highest coverage among those with density at least ``min_density`` (default 0.8),
  the usual reading of the trajectory.  Each restriction comes with its quasi-p value (a binomial
  test of whether the restriction adds density, Bryant & Lempert): above 0.05 the restriction may
  be chance and can be dropped.
* **CART** (a classification tree, scikit-learn) splits the space into rectangles; each leaf that
  predicts "of interest" is a box with its own coverage and density.

Both come with **feature scores** (extra-trees importance, scikit-learn): how much each factor
says about whether a run is of interest, restricted or not.

Every successful run is one case: replications of a design point are separate cases, so seed
noise shows up as lower density rather than being averaged away.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.store_data import AnalysisError, StoreData, load

METHODS = ("prim", "cart")
SIGNIFICANT_QP = 0.05


@dataclass
class DiscoveryResult:
    """A box (PRIM) or the boxes of a tree (CART) that describe where the cases of interest lie."""

    store: Path
    where: str
    method: str
    factors: list[str]
    cases: int  # runs analysed
    of_interest: int  # runs the condition selects
    boxes: pd.DataFrame  # box, factor, low, high (or values), qp_low, qp_high, significant
    stats: pd.DataFrame  # box, coverage, density, mass, n, restricted
    trajectory: pd.DataFrame | None  # PRIM: coverage, density, mass, res_dim per peeling step
    chosen: int | None  # PRIM: index of the box on the trajectory
    scores: pd.Series  # feature scores, largest first
    tree_text: str = ""
    _x: pd.DataFrame | None = field(default=None, repr=False)
    _y: np.ndarray | None = field(default=None, repr=False)
    _tree: Any = field(default=None, repr=False)

    def to_text(self) -> str:
        share = self.of_interest / self.cases
        lines = [
            f"{self.where}: {self.of_interest} of {self.cases} runs ({100 * share:.1f} %); "
            f"method {self.method.upper()} over {', '.join(self.factors)}",
        ]
        for _, st in self.stats.iterrows():
            b = int(st["box"])
            lines += [
                "",
                f"box {b}: coverage {st['coverage']:.2f}, density {st['density']:.2f}, "
                f"mass {st['mass']:.2f} ({int(st['n'])} runs)",
            ]
            rows = self.boxes[self.boxes["box"] == b]
            if rows.empty:
                lines.append("  (no restriction: the whole space)")
            for _, r in rows.iterrows():
                lines.append("  " + _restriction(r))
        if self.method == "prim" and self.trajectory is not None:
            lines.append("")
            lines.append(
                f"peeling trajectory: {len(self.trajectory)} boxes; chosen box {self.chosen} is the one "
                "with the highest coverage at density >= the threshold (figure: trajectory)"
            )
        if self.tree_text:
            lines += ["", "tree:", self.tree_text.rstrip()]
        lines += ["", "feature scores (extra trees; larger = says more about the outcome):"]
        lines += [f"  {k:<40} {v:.3f}" for k, v in self.scores.items()]
        return "\n".join(lines)

    def figures(self) -> dict[str, Any]:
        """Named matplotlib ``Figure`` objects: ``trajectory`` (PRIM), ``box``, ``pairs``,
        ``tree`` (CART) and ``scores``."""
        from sim.analysis import plots

        out: dict[str, Any] = {"scores": plots.bar_figure(self.scores, "feature score", self.where)}
        if self.trajectory is not None:
            out["trajectory"] = plots.trajectory_figure(self.trajectory, self.chosen, self.where)
        if self.method == "prim" and self._x is not None and self._y is not None:
            out["box"] = plots.box_figure(self.boxes, self._x, self.stats, self.where)
            out["pairs"] = plots.box_pairs_figure(self.boxes, self._x, self._y, self.where)
        if self._tree is not None:
            out["tree"] = plots.tree_figure(self._tree, self.where)
        return out

    def write(self, out: str | Path) -> list[Path]:
        """The boxes and statistics as CSV and every figure as PNG, in directory ``out``."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        stem = f"discover-{self.method}"
        self.boxes.to_csv(out / f"{stem}-boxes.csv", index=False)
        self.stats.to_csv(out / f"{stem}-stats.csv", index=False)
        written += [out / f"{stem}-boxes.csv", out / f"{stem}-stats.csv"]
        if self.trajectory is not None:
            self.trajectory.to_csv(out / f"{stem}-trajectory.csv", index=False)
            written.append(out / f"{stem}-trajectory.csv")
        for name, fig in self.figures().items():
            path = out / f"{stem}-{name}.png"
            fig.savefig(path, dpi=90)
            written.append(path)
        return written


def _restriction(r: pd.Series) -> str:
    sig = "" if r["significant"] else "   (qp > 0.05: may be chance)"
    qp = [q for q in (r["qp_low"], r["qp_high"]) if not math.isnan(q)]
    qp_text = f"  qp {min(qp):.2g}" if qp else ""
    if isinstance(r["values"], str) and r["values"]:
        return f"{r['factor']} in {{{r['values']}}}{qp_text}{sig}"
    return f"{r['low']:.4g} <= {r['factor']} <= {r['high']:.4g}{qp_text}{sig}"


def cases(
    data: StoreData, where: str, factors: Sequence[str] | None = None, fix: Mapping[str, Any] | None = None
) -> tuple[pd.DataFrame, np.ndarray, list[str], str]:
    """The factor table ``x`` and the boolean ``y`` of the successful runs (optionally only those
    with some factors at given values), and the factors used."""
    cond = data.condition(where)
    runs = data.ok
    for k, v in (fix or {}).items():
        if k not in data.factors:
            raise AnalysisError(f"--fix: {k!r} is not a factor of {data.path} ({', '.join(data.factors)})")
        mask = runs[k].map(lambda x, v=v: _same(x, v))
        runs = runs[mask]
        if runs.empty:
            shown = sorted({str(x) for x in data.ok[k]})
            raise AnalysisError(f"--fix: no run has {k} = {v!r} (values: {', '.join(shown)})")
    keys = list(factors) if factors else _default_factors(data, fix)
    for k in keys:
        if k not in data.factors:
            raise AnalysisError(f"--factor: {k!r} is not a factor of {data.path} ({', '.join(data.factors)})")
    keys = [k for k in keys if runs[k].astype(str).nunique() > 1]
    if not keys:
        raise AnalysisError("no factor varies among the selected runs: nothing to discover")
    y = np.asarray(cond.evaluate(runs), dtype=bool)
    if runs.empty:
        raise AnalysisError(f"{data.path}: no successful run to analyse")
    if not y.any():
        raise AnalysisError(f"--where {where!r} selects none of the {len(runs)} runs: nothing to describe")
    if y.all():
        raise AnalysisError(f"--where {where!r} selects all {len(runs)} runs: nothing to tell apart")
    x = runs[keys].reset_index(drop=True).copy()
    for k in keys:
        if not pd.api.types.is_numeric_dtype(x[k]):
            x[k] = x[k].astype(str).astype("category")
        else:
            x[k] = x[k].astype(float)
    return x, y, keys, cond.text


def _same(x: Any, v: Any) -> bool:
    """A stored factor value equals a value given on the command line (``0.30000000000000004``,
    a level computed from a range, is 0.3; a label matches its text)."""
    if isinstance(x, (int, float)) and isinstance(v, (int, float)):
        return math.isclose(float(x), float(v), rel_tol=1e-9, abs_tol=1e-12)
    return x == v or str(x) == str(v)


def _default_factors(data: StoreData, fix: Mapping[str, Any] | None) -> list[str]:
    """The uncertainties (what discovery is about); every factor if none is marked a lever."""
    keys = data.uncertainties if data.levers else data.factors
    return [k for k in keys if k not in (fix or {})] or [k for k in data.factors if k not in (fix or {})]


def discover(
    store: str | Path | StoreData,
    where: str,
    *,
    method: str = "prim",
    factors: Sequence[str] | None = None,
    fix: Mapping[str, Any] | None = None,
    min_density: float = 0.8,
    max_depth: int = 3,
    seed: int = 1,
) -> DiscoveryResult:
    """Describe where the runs selected by ``where`` lie in factor space (see the module docstring).

    ``factors`` default to the experiment's uncertainties (every factor if it marks no lever);
    ``fix`` keeps only the runs with these factor values (e.g. one lever setting:
    ``{"scenario": "2014 package"}``).  ``min_density`` picks the PRIM box on the trajectory;
    ``max_depth`` bounds the CART tree.
    """
    if method not in METHODS:
        raise AnalysisError(f"--method: {method!r} is not one of {', '.join(METHODS)}")
    if not 0 < min_density <= 1:
        raise AnalysisError(f"--min-density: must be in (0, 1], got {min_density}")
    data = store if isinstance(store, StoreData) else load(store)
    x, y, keys, text = cases(data, where, factors, fix)
    scores = feature_scores(x, y, seed)
    if method == "prim":
        boxes, stats, traj, chosen = _prim(x, y, min_density)
        return DiscoveryResult(
            data.path, text, method, keys, len(y), int(y.sum()), boxes, stats, traj, chosen, scores, "", x, y
        )
    boxes, stats, tree_text, tree = _cart(x, y, max_depth, seed)
    return DiscoveryResult(
        data.path,
        text,
        method,
        keys,
        len(y),
        int(y.sum()),
        boxes,
        stats,
        None,
        None,
        scores,
        tree_text,
        x,
        y,
        tree,
    )


def _quiet_prim() -> Any:
    with warnings.catch_warnings():
        # ema_workbench warns on import about optional parallel back ends it does not need here.
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
        from ema_workbench.util import ema_logging

    ema_logging.get_rootlogger().setLevel("ERROR")
    return prim


# Long by design: EMA Workbench's box turned into govsim's tables (limits, quasi-p values,
# trajectory) in one pass.
def _prim(
    x: pd.DataFrame, y: np.ndarray, min_density: float
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    prim = _quiet_prim()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(x, y).find_box()
    traj = box.peeling_trajectory.reset_index(drop=True)
    traj = traj[["coverage", "density", "mass", "res_dim", "n", "k"]].astype(float)
    ok = traj.index[traj["density"] >= min_density]
    if len(ok):
        sub = traj.loc[ok]
        chosen = int(sub.sort_values(["coverage", "density"], ascending=False).index[0])
    else:
        chosen = int(traj["density"].idxmax())
    lims = box.box_lims[chosen]
    init = box.box_lims[0]
    qp = box.p_values[chosen]
    rows = []
    for k in x.columns:
        lo_hi = lims[k]
        if isinstance(x[k].dtype, pd.CategoricalDtype):
            kept, full = set(lo_hi.iloc[0]), set(init[k].iloc[0])
            if kept == full:
                continue
            values, low, high = ", ".join(sorted(map(str, kept))), math.nan, math.nan
        else:
            low, high = float(lo_hi.iloc[0]), float(lo_hi.iloc[1])
            if low == float(init[k].iloc[0]) and high == float(init[k].iloc[1]):
                continue
            values = ""
        q = qp.get(k, [-1.0, -1.0])
        q_lo, q_hi = (math.nan if v is None or v < 0 else float(v) for v in q)
        present = [v for v in (q_lo, q_hi) if not math.isnan(v)]
        rows.append(
            {
                "box": 1,
                "factor": k,
                "low": low,
                "high": high,
                "values": values,
                "qp_low": q_lo,
                "qp_high": q_hi,
                "significant": bool(present) and min(present) < SIGNIFICANT_QP,
            }
        )
    t = traj.loc[chosen]
    stats = pd.DataFrame(
        [
            {
                "box": 1,
                "coverage": t["coverage"],
                "density": t["density"],
                "mass": t["mass"],
                "n": int(t["n"]),
                "restricted": len(rows),
            }
        ]
    )
    boxes = pd.DataFrame(
        rows, columns=["box", "factor", "low", "high", "values", "qp_low", "qp_high", "significant"]
    )
    return boxes, stats, traj, chosen


def _encode(x: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Numbers as they are, categories one-hot; maps each column back to its factor."""
    parts, owner = [], {}
    for k in x.columns:
        if isinstance(x[k].dtype, pd.CategoricalDtype):
            d = pd.get_dummies(x[k], prefix=k, prefix_sep="=").astype(float)
            parts.append(d)
            owner.update(dict.fromkeys(d.columns, k))
        else:
            parts.append(x[[k]])
            owner[k] = k
    return pd.concat(parts, axis=1), owner


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int = 1) -> pd.Series:
    """Extra-trees importance of each factor for telling the cases of interest apart (one-hot
    columns of a category summed back to their factor), largest first."""
    from sklearn.ensemble import ExtraTreesClassifier

    enc, owner = _encode(x)
    forest = ExtraTreesClassifier(n_estimators=200, random_state=seed, min_samples_leaf=2, n_jobs=1)
    forest.fit(enc.to_numpy(), y)
    raw = pd.Series(forest.feature_importances_, index=enc.columns)
    return raw.groupby(raw.index.map(owner)).sum().sort_values(ascending=False)


def _cart(
    x: pd.DataFrame, y: np.ndarray, max_depth: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, str, Any]:
    from sklearn.tree import DecisionTreeClassifier, export_text

    enc, owner = _encode(x)
    leaf_min = max(5, int(0.025 * len(y)))
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=leaf_min, random_state=seed)
    tree.fit(enc.to_numpy(), y)
    t = tree.tree_
    leaves = tree.apply(enc.to_numpy())
    total = int(y.sum())
    rows, stats = [], []
    box = 0

    def walk(node: int, bounds: dict[str, list[float]]) -> None:
        nonlocal box
        if t.children_left[node] == -1:
            inside = leaves == node
            k = int(y[inside].sum())
            n = int(inside.sum())
            if n and k / n > 0.5:
                box += 1
                stats.append(
                    {
                        "box": box,
                        "coverage": k / total,
                        "density": k / n,
                        "mass": n / len(y),
                        "n": n,
                        "restricted": len(bounds),
                    }
                )
                for col, (lo, hi) in bounds.items():
                    rows.append(_cart_row(box, col, lo, hi, owner))
            return
        col = enc.columns[t.feature[node]]
        thr = float(t.threshold[node])
        lo, hi = bounds.get(col, [-math.inf, math.inf])
        walk(t.children_left[node], {**bounds, col: [lo, min(hi, thr)]})
        walk(t.children_right[node], {**bounds, col: [max(lo, thr), hi]})

    walk(0, {})
    text = export_text(tree, feature_names=[str(c) for c in enc.columns], decimals=3)
    boxes = pd.DataFrame(
        rows, columns=["box", "factor", "low", "high", "values", "qp_low", "qp_high", "significant"]
    )
    return (
        boxes,
        pd.DataFrame(stats, columns=["box", "coverage", "density", "mass", "n", "restricted"]),
        text,
        (
            tree,
            [str(c) for c in enc.columns],
        ),
    )


def _cart_row(box: int, col: str, lo: float, hi: float, owner: Mapping[str, str]) -> dict[str, Any]:
    factor = owner[col]
    values = ""
    if factor != col:  # a one-hot column: "<= 0.5" means not this value, "> 0.5" means this value
        level = col.split("=", 1)[1]
        values = level if lo >= 0.5 else f"not {level}"
        lo = hi = math.nan
    return {
        "box": box,
        "factor": factor,
        "low": lo,
        "high": hi,
        "values": values,
        "qp_low": math.nan,
        "qp_high": math.nan,
        "significant": True,
    }
