"""Pictures of a sweep and of its analyses, as matplotlib ``Figure`` objects (never pyplot, so
they are safe in the web app's server and in worker threads).

For a store (:func:`plot_store`, ``govsim plot STORE``, ``govsim sweep --report DIR``):

* ``envelopes``: each daily series, its median and 10-90 % band over runs, one colour per level
  of a factor (when the experiment kept daily series);
* ``pairs``: a scatter matrix of the KPIs, one dot per design point (mean of its replications),
  coloured by a factor;
* ``heatmap``: the mean of a KPI over a grid of two factors (numeric factors are binned);
* ``parallel``: parallel coordinates of factors and KPIs, each axis scaled to its range, one line
  per design point, infeasible points (breaking a constraint) grey.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.store_data import AnalysisError, StoreData, load

KINDS = ("envelopes", "pairs", "heatmap", "parallel")
_MAX_LEVELS = 8


def _figure(w: float, h: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), layout="constrained")


def _short(key: str, n: int = 28) -> str:
    return key if len(key) <= n else "…" + key[-(n - 1) :]


# -- analysis figures ----------------------------------------------------------------------------


def bar_figure(values: pd.Series, xlabel: str, title: str) -> Any:
    fig = _figure(6, 0.35 * len(values) + 1.2)
    ax = fig.subplots()
    ax.barh([_short(str(k), 40) for k in values.index[::-1]], values.to_numpy()[::-1], color="C0")
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    return fig


def trajectory_figure(traj: pd.DataFrame, chosen: int | None, title: str) -> Any:
    """PRIM's peeling trajectory: density against coverage, colour = restricted factors."""
    fig = _figure(5.5, 4.2)
    ax = fig.subplots()
    sc = ax.scatter(traj["coverage"], traj["density"], c=traj["res_dim"], cmap="viridis", s=18)
    fig.colorbar(sc, ax=ax, label="factors restricted")
    if chosen is not None:
        c = traj.loc[chosen]
        ax.scatter([c["coverage"]], [c["density"]], s=140, facecolors="none", edgecolors="red", lw=1.5)
        ax.annotate(
            f"chosen box {chosen}", (c["coverage"], c["density"]), xytext=(8, -12), textcoords="offset points"
        )
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title(f"PRIM peeling trajectory: {title}", fontsize=9)
    return fig


def box_figure(boxes: pd.DataFrame, x: pd.DataFrame, stats: pd.DataFrame, title: str) -> Any:
    """The chosen box's limits on each restricted factor, against the factor's full range."""
    rows = boxes[boxes["box"] == 1]
    fig = _figure(6, 0.5 * max(1, len(rows)) + 1.4)
    ax = fig.subplots()
    for i, (_, r) in enumerate(rows.iterrows()):
        if r["values"]:
            ax.text(0.5, i, f"{{{r['values']}}}", ha="center", va="center", fontsize=8)
            continue
        lo, hi = float(x[r["factor"]].min()), float(x[r["factor"]].max())
        span = hi - lo or 1.0
        a, b = (r["low"] - lo) / span, (r["high"] - lo) / span
        ax.plot([0, 1], [i, i], color="0.85", lw=8, solid_capstyle="butt")
        ax.plot([a, b], [i, i], color="C3", lw=8, solid_capstyle="butt")
        ax.text(a, i + 0.28, f"{r['low']:.3g}", ha="center", fontsize=7)
        ax.text(b, i + 0.28, f"{r['high']:.3g}", ha="center", fontsize=7)
    labels = [
        f"{_short(r['factor'], 34)}" + ("" if r["significant"] else " (qp>0.05)") for _, r in rows.iterrows()
    ]
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel("position in the factor's range (grey: full range, red: box)")
    s = stats.iloc[0]
    ax.set_title(f"{title}: coverage {s['coverage']:.2f}, density {s['density']:.2f}", fontsize=9)
    return fig


def box_pairs_figure(boxes: pd.DataFrame, x: pd.DataFrame, y: np.ndarray, title: str) -> Any:
    """The runs on the two most restricted numeric factors, cases of interest in red, box drawn."""
    numeric = [r for _, r in boxes.iterrows() if not r["values"]]
    keys = [r["factor"] for r in numeric][:2]
    others = [k for k in x.columns if k not in keys and pd.api.types.is_numeric_dtype(x[k])]
    keys = (keys + others)[:2]
    fig = _figure(5, 4.4)
    ax = fig.subplots()
    if len(keys) < 2:
        ax.text(0.5, 0.5, "fewer than two numeric factors", ha="center", transform=ax.transAxes)
        return fig
    a, b = keys
    ax.scatter(x.loc[~y, a], x.loc[~y, b], s=6, color="0.6", label="other runs")
    ax.scatter(x.loc[y, a], x.loc[y, b], s=8, color="C3", label="of interest")
    lim = {r["factor"]: (r["low"], r["high"]) for r in numeric}
    xa = lim.get(a, (x[a].min(), x[a].max()))
    xb = lim.get(b, (x[b].min(), x[b].max()))
    ax.plot([xa[0], xa[1], xa[1], xa[0], xa[0]], [xb[0], xb[0], xb[1], xb[1], xb[0]], color="k", lw=1.2)
    ax.set_xlabel(a)
    ax.set_ylabel(b)
    ax.legend(fontsize=7, loc="best")
    ax.set_title(title, fontsize=9)
    return fig


def tree_figure(tree: Any, title: str) -> Any:
    from sklearn.tree import plot_tree

    model, names = tree
    fig = _figure(11, 6)
    ax = fig.subplots()
    plot_tree(
        model, feature_names=names, class_names=["other", "of interest"], filled=True, ax=ax, fontsize=7
    )
    ax.set_title(f"CART: {title}", fontsize=9)
    return fig


# -- pictures of a store -------------------------------------------------------------------------


def _levels(data: StoreData, factor: str, n: int = 4) -> pd.Series:
    """Each run's level of ``factor``: its value, or a quantile bin of a numeric factor with many values."""
    col = data.runs[factor]
    if pd.api.types.is_numeric_dtype(col) and col.nunique() > _MAX_LEVELS:
        return pd.qcut(col, n, duplicates="drop").astype(str)
    return col.astype(str)


def _colour_factor(data: StoreData, factor: str | None) -> str | None:
    if factor is not None:
        if factor not in data.factors:
            raise AnalysisError(
                f"--factor: {factor!r} is not a factor of {data.path} ({', '.join(data.factors)})"
            )
        return factor
    for f in data.levers + data.factors:
        if 1 < data.runs[f].astype(str).nunique() <= _MAX_LEVELS:
            return f
    return data.factors[0] if data.factors else None


def envelopes(data: StoreData, factor: str | None = None, series: Sequence[str] | None = None) -> Any:
    """Median and 10-90 % band of daily series over runs, by level of ``factor``."""
    from sim.experiments.export import daily_frames
    from sim.experiments.store import connect

    if not data.daily_columns:
        raise AnalysisError(f"{data.path} keeps no daily series (set daily = true in the experiment)")
    cols = list(series or data.daily_columns[:4])
    for c in cols:
        if c not in data.daily_columns:
            raise AnalysisError(f"--series: {c!r} is not a daily series of {data.path}")
    factor = _colour_factor(data, factor)
    level = _levels(data, factor).groupby(data.runs["run_id"]).first() if factor else None
    with connect(data.path, readonly=True) as conn:
        frame = pd.concat(list(daily_frames(conn)), ignore_index=True)
    frame["level"] = frame["run_id"].map(level) if level is not None else "all"
    fig = _figure(6.5, 2.4 * len(cols) + 0.6)
    axes = fig.subplots(len(cols), 1, squeeze=False, sharex=True)[:, 0]
    for ax, c in zip(axes, cols, strict=True):
        for i, (lev, g) in enumerate(frame.groupby("level", sort=True)):
            q = g.groupby("day")[c].quantile([0.1, 0.5, 0.9]).unstack()
            ax.fill_between(q.index, q[0.1], q[0.9], color=f"C{i}", alpha=0.2, lw=0)
            ax.plot(q.index, q[0.5], color=f"C{i}", lw=1.2, label=str(lev))
        ax.set_ylabel(_short(c, 22), fontsize=8)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("day")
    axes[0].legend(title=factor, fontsize=7, title_fontsize=7, loc="best")
    fig.suptitle(f"{data.name}: daily series, median and 10-90 % of runs", fontsize=10)
    return fig


def pairs(data: StoreData, kpis: Sequence[str] | None = None, factor: str | None = None) -> Any:
    """Scatter matrix of KPIs (design-point means), coloured by a factor's level."""
    keys = list(kpis or data.kpis[:4])
    data.check_kpis(keys)
    factor = _colour_factor(data, factor)
    means = data.point_means(keys)
    level = means[factor].astype(str) if factor else pd.Series("all", index=means.index)
    if factor and pd.api.types.is_numeric_dtype(means[factor]) and means[factor].nunique() > _MAX_LEVELS:
        level = pd.qcut(means[factor], 4, duplicates="drop").astype(str)
    k = len(keys)
    fig = _figure(2.3 * k + 0.8, 2.3 * k + 0.4)
    axes = fig.subplots(k, k, squeeze=False)
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            ax = axes[i][j]
            for n, (lev, idx) in enumerate(level.groupby(level, sort=True).groups.items()):
                if i == j:
                    ax.hist(means.loc[idx, a].dropna(), bins=15, color=f"C{n}", alpha=0.5)
                else:
                    ax.scatter(means.loc[idx, b], means.loc[idx, a], s=7, color=f"C{n}", label=str(lev))
            if i == k - 1:
                ax.set_xlabel(_short(b, 24), fontsize=7)
            if j == 0:
                ax.set_ylabel(_short(a, 24), fontsize=7)
            ax.tick_params(labelsize=6)
    if k > 1:
        handles, labels = axes[0][1].get_legend_handles_labels()
        fig.legend(
            handles, labels, title=factor, loc="outside lower center", ncols=min(4, len(labels)), fontsize=7
        )
    fig.suptitle(f"{data.name}: KPIs per design point", fontsize=10)
    return fig


def heatmap(data: StoreData, kpi: str | None = None, factors: Sequence[str] | None = None) -> Any:
    """Mean of ``kpi`` over every run in each cell of two factors (numeric ones in quartile bins)."""
    key = kpi or data.kpis[0]
    data.check_kpis([key])
    keys = list(factors or [f for f in data.factors if data.runs[f].astype(str).nunique() > 1][:2])
    if len(keys) != 2:
        raise AnalysisError("a heat map needs two factors that vary (--factor A --factor B)")
    for f in keys:
        if f not in data.factors:
            raise AnalysisError(f"--factor: {f!r} is not a factor of {data.path} ({', '.join(data.factors)})")
    ok = data.ok
    a, b = (_bin(ok[f]) for f in keys)
    table = ok.assign(_a=a, _b=b).pivot_table(
        index="_a", columns="_b", values=key, aggfunc="mean", observed=True
    )
    fig = _figure(1.1 * table.shape[1] + 3, 0.5 * table.shape[0] + 2)
    ax = fig.subplots()
    im = ax.imshow(table.to_numpy(dtype=float), cmap="viridis", aspect="auto", origin="lower")
    ax.set_xticks(
        range(table.shape[1]),
        [_short(str(c), 18) for c in table.columns],
        rotation=30,
        ha="right",
        fontsize=7,
    )
    ax.set_yticks(range(table.shape[0]), [_short(str(c), 18) for c in table.index], fontsize=7)
    for (i, j), v in np.ndenumerate(table.to_numpy(dtype=float)):
        if not math.isnan(v):
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=6, color="w")
    ax.set_xlabel(keys[1])
    ax.set_ylabel(keys[0])
    fig.colorbar(im, ax=ax, label=_short(key, 30))
    ax.set_title(f"{data.name}: mean {key}", fontsize=9)
    return fig


def _bin(col: pd.Series) -> pd.Series:
    """Levels of a factor for a table axis, in their natural order (5 before 11): its values
    (a level computed from a range, 0.30000000000000004, shown as 0.3), or quartile bins of a
    numeric factor with many values."""
    if pd.api.types.is_numeric_dtype(col) and col.nunique() > _MAX_LEVELS:
        return pd.qcut(col, 4, duplicates="drop")
    if pd.api.types.is_numeric_dtype(col):
        order = sorted(col.dropna().unique())
        text = {v: f"{v:.6g}" for v in order}
        return pd.Categorical(col.map(text), categories=[text[v] for v in order], ordered=True)
    return col.astype(str)


def parallel(data: StoreData, kpis: Sequence[str] | None = None, colour: str | None = None) -> Any:
    """Parallel coordinates of numeric factors and KPIs, one line per design point, coloured by a
    KPI; points that break a constraint in most runs are grey."""
    keys = list(kpis or data.kpis[:4])
    data.check_kpis(keys)
    means = data.point_means(keys)
    facs = [f for f in data.numeric_factors(data.factors) if means[f].nunique() > 1]
    cols = facs + keys
    colour = colour or keys[0]
    vals = means[cols].astype(float)
    span = (vals.max() - vals.min()).replace(0, 1.0)
    scaled = (vals - vals.min()) / span
    fig = _figure(1.2 * len(cols) + 2, 4.2)
    ax = fig.subplots()
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    c = means[colour].astype(float)
    cs = (c - c.min()) / ((c.max() - c.min()) or 1.0)
    feasible = means["feasible_share"] >= 0.5
    xs = np.arange(len(cols))
    for i in range(len(means)):
        col = cmap(float(cs.iloc[i])) if feasible.iloc[i] else (0.7, 0.7, 0.7, 0.5)
        ax.plot(xs, scaled.iloc[i].to_numpy(), color=col, lw=0.7, alpha=0.7)
    for x_, k in zip(xs, cols, strict=True):
        ax.axvline(x_, color="k", lw=0.5)
        ax.text(x_, -0.05, f"{vals[k].min():.3g}", ha="center", va="top", fontsize=6)
        ax.text(x_, 1.05, f"{vals[k].max():.3g}", ha="center", va="bottom", fontsize=6)
    ax.set_xticks(xs, [_short(k, 22) for k in cols], rotation=25, ha="right", fontsize=7)
    ax.set_yticks([])
    ax.set_ylim(-0.12, 1.12)
    note = "; grey: breaks a constraint" if data.constraints else ""
    ax.set_title(f"{data.name}: one line per design point, colour = {colour}{note}", fontsize=9)
    return fig


def plot_store(
    store: str | Path | StoreData,
    out: str | Path | None = None,
    *,
    kinds: Sequence[str] = KINDS,
    kpis: Sequence[str] | None = None,
    factors: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Every picture of ``kinds`` for a store that it can draw (envelopes need daily series);
    written as PNG under ``out`` when given.  Returns name -> ``Figure``."""
    data = store if isinstance(store, StoreData) else load(store)
    for k in kinds:
        if k not in KINDS:
            raise AnalysisError(f"--kind: {k!r} is not one of {', '.join(KINDS)}")
    if kpis:
        data.check_kpis(kpis)
    fac = list(factors or [])
    first = fac[0] if fac else None
    figs: dict[str, Any] = {}
    for kind in kinds:
        if kind == "envelopes":
            if data.daily_columns:
                figs[kind] = envelopes(data, first)
        elif kind == "pairs":
            figs[kind] = pairs(data, kpis, first)
        elif kind == "heatmap":
            varying = [f for f in data.factors if data.runs[f].astype(str).nunique() > 1]
            if len(fac) >= 2 or len(varying) >= 2:
                figs[kind] = heatmap(data, kpis[0] if kpis else None, fac[:2] if len(fac) >= 2 else None)
        elif kind == "parallel":
            figs[kind] = parallel(data, kpis)
    if out is not None:
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        for name, fig in figs.items():
            fig.savefig(target / f"{name}.png", dpi=90)
    return figs
