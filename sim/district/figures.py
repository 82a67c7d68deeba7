"""Figures of a district's results, as matplotlib ``Figure`` objects (no pyplot: safe in a web server).

* :func:`tiles_figure` - the communities as tiles, in one block per sub-district, coloured by a KPI
  (red worse, green better), demonstration communities outlined: where in the district a KPI is
  poor;
* :func:`by_type_figure` - a KPI's distribution across communities of each type: which kinds of
  community are left behind;
* :func:`paired_difference_figure` - each community's paired change from package A to B, worst
  first, coloured by type, the losers ringed: who pays for a package's mean gain.

They follow :mod:`sim.figures` (its fonts, its palette, its verdict red for "worse") and name KPIs
through :func:`sim.kpis.kpi_label`; shares are shown in per cent (differences in percentage points).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sim.district.spread import weighted_mean
from sim.figures import VERDICT_COLOURS, _colours
from sim.i18n import _
from sim.kpis import KPIS, better, kpi_label

#: Colour maps by which way is better: red for the worse end, green for the better.
CMAPS = {"higher": "RdYlGn", "lower": "RdYlGn_r", "": "viridis"}
NOT_MEASURED = "#d9d9d9"
TILE = 0.88  # a tile's side, of the grid step: a thin gap shows where one community ends


def _scale(kpi: str, difference: bool = False) -> tuple[float, str]:
    """What to multiply a KPI's values by to show them, and the unit shown: shares in % (their
    differences in percentage points), the rest in the KPI's unit."""
    unit = KPIS[kpi].unit if kpi in KPIS else ""
    if unit == "share":
        return 100.0, _("pp") if difference else "%"
    return 1.0, _(unit) if unit else ""


def _norm(values: np.ndarray) -> Normalize:
    """The colour scale over the measured values (a little room when they are all the same)."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return Normalize(0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    pad = 0.0 if hi > lo else max(abs(lo) * 0.05, 1e-9)
    return Normalize(lo - pad, hi + pad)


#: Where each community's tile goes, and each sub-district's label (number, x, y).
Layout = tuple[dict[int, tuple[float, float]], list[tuple[int, float, float]]]


def _layout(communities: pd.DataFrame) -> Layout:
    """Where each community's tile goes (its grid cell, by community number) and where each
    sub-district's label goes: sub-districts in blocks on a near-square grid, in number order; in a
    block the communities in number order, row by row."""
    subs = sorted(communities["subdistrict"].unique())
    members = {s: sorted(communities.loc[communities["subdistrict"] == s, "community"]) for s in subs}
    largest = max(len(m) for m in members.values())
    cols = math.ceil(math.sqrt(largest))  # tiles a row in a block
    rows = math.ceil(largest / cols)
    block_cols = math.ceil(math.sqrt(len(subs) * (rows + 1.5) / (cols + 1)))  # blocks near square
    cells, labels = {}, []
    for b, s in enumerate(subs):
        x0 = (b % block_cols) * (cols + 1)
        y0 = (b // block_cols) * (rows + 1.5) + 0.5  # room above the block for its label
        labels.append((int(s), x0, y0 - 0.15))
        for j, c in enumerate(members[s]):
            cells[int(c)] = (x0 + j % cols, y0 + j // cols)
    return cells, labels


def tiles_figure(communities: pd.DataFrame, kpi: str) -> Figure:
    """The communities as tiles in one block per sub-district, coloured by ``kpi`` (grey: not
    measured), demonstration communities outlined, with a colour bar in the KPI's unit.

    The tiles are one ``PatchCollection`` (gid ``"tiles"``, one patch per community in the table's
    order), so 500 communities draw as fast as a few.
    """
    cells, labels = _layout(communities)
    factor, unit = _scale(kpi)
    values = communities[kpi].to_numpy(dtype=float) * factor
    norm, cmap = _norm(values), CMAPS[better(kpi)]
    mapper = ScalarMappable(norm=norm, cmap=cmap)
    colours = [mapper.to_rgba(v) if np.isfinite(v) else NOT_MEASURED for v in values]
    demo = communities["demonstration"].to_numpy(dtype=bool)
    tiles = PatchCollection(
        [Rectangle(cells[int(c)], TILE, TILE) for c in communities["community"]],
        facecolors=colours,
        edgecolors=["black" if d else "none" for d in demo],
        linewidths=[1.4 if d else 0.0 for d in demo],
        gid="tiles",
    )
    width = max(x for x, _y in cells.values()) + 1
    height = max(y for _x, y in cells.values()) + 1
    fig = Figure(figsize=(9.5, min(max(2.8, 9.5 * height / width * 0.85), 11)), layout="constrained")
    ax = fig.add_subplot()
    ax.add_collection(tiles)
    size = 7 if len(labels) <= 30 else 5
    for s, x, y in labels:
        ax.text(x, y, _("Sub-district {n}").format(n=s), fontsize=size, va="bottom", ha="left")
    ax.set_xlim(-0.2, width + 0.1)
    ax.set_ylim(height + 0.1, -0.6)  # the first sub-district top left
    ax.set_aspect("equal")
    ax.set_axis_off()
    label = kpi_label(kpi)
    fig.colorbar(mapper, ax=ax, shrink=0.7, label=f"{label} ({unit})" if unit else label)
    handles = [Patch(facecolor="white", edgecolor="black", lw=1.4, label=_("demonstration community"))]
    if not np.isfinite(values).all():
        handles.append(Patch(facecolor=NOT_MEASURED, label=_("not measured")))
    ax.legend(handles=handles, fontsize=7, loc="upper right", bbox_to_anchor=(1, 0), frameon=False)
    title = _("{kpi} by community, in blocks by sub-district ({n} communities)")
    ax.set_title(title.format(kpi=label, n=len(communities)), fontsize=10)
    return fig


def _type_order(frame: pd.DataFrame) -> list[str]:
    """The community types in the order they first appear (the district file's order)."""
    return list(dict.fromkeys(frame["type"]))


def by_type_figure(communities: pd.DataFrame, kpi: str) -> Figure:
    """``kpi`` across the communities of each type: a box (the middle half of communities), a dot
    per community, a diamond at the resident-weighted mean; each type labelled with its
    communities and residents."""
    types = _type_order(communities)
    colours = _colours(types)
    factor, unit = _scale(kpi)
    fig = Figure(figsize=(8, 0.75 * len(types) + 1.6), layout="constrained")
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)  # the dots' jitter only: the same figure every time
    ticks = []
    for i, kind in enumerate(types):
        rows = communities[communities["type"] == kind]
        x = rows[kpi].to_numpy(dtype=float) * factor
        w = rows["residents"].to_numpy(dtype=float)
        measured = x[np.isfinite(x)]
        if len(measured):
            box = ax.boxplot(
                measured,
                positions=[i],
                orientation="horizontal",
                widths=0.6,
                showfliers=False,  # every community is a dot already
                patch_artist=True,
                medianprops={"color": "black"},
            )
            box["boxes"][0].set(facecolor=colours[kind], alpha=0.35)
            ax.scatter(measured, i + rng.uniform(-0.22, 0.22, len(measured)), s=6, color=colours[kind])
            ax.scatter([weighted_mean(x, w)], [i], marker="D", s=36, color="black", zorder=3)
        name = rows["type_label"].iloc[0] if "type_label" in rows else kind
        residents = f"{int(w.sum()):,}"
        counts = _("{n} communities, {residents} residents").format(n=len(rows), residents=residents)
        ticks.append(f"{name}\n{counts}")
    ax.set_yticks(range(len(types)), ticks, fontsize=8)
    ax.set_ylim(len(types) - 0.5, -0.5)
    label = kpi_label(kpi)
    ax.set_xlabel(f"{label} ({unit})" if unit else label)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(_("{kpi} across communities, by type").format(kpi=label), fontsize=10)
    ax.legend(
        handles=[Line2D([], [], marker="D", ls="", color="black", label=_("resident-weighted mean"))],
        fontsize=8,
        loc="best",
    )
    return fig


def paired_difference_figure(losers_table: pd.DataFrame, kpi: str, a: str = "A", b: str = "B") -> Figure:
    """Each community's change of ``kpi`` from package ``a`` to ``b`` (negative = worse), worst
    first, from :func:`sim.district.spread.losers`: a dot coloured by type with its 95 % interval,
    the losers ringed in red, the zero line and, if the table carries it, the threshold that
    matters."""
    table = losers_table.reset_index(drop=True)
    types = _type_order(table)
    colours = _colours(types)
    factor, unit = _scale(kpi, difference=True)
    x = np.arange(len(table))
    change = table["change"].to_numpy(dtype=float) * factor
    low = table["change_low"].to_numpy(dtype=float) * factor
    high = table["change_high"].to_numpy(dtype=float) * factor
    fig = Figure(figsize=(9, 4), layout="constrained")
    ax = fig.add_subplot()
    dot = 12 if len(table) > 100 else 24
    for kind in types:
        mine = (table["type"] == kind).to_numpy()
        has = mine & np.isfinite(low)
        ax.vlines(x[has], low[has], high[has], color=colours[kind], alpha=0.35, lw=0.8)
        name = table.loc[mine, "type_label"].iloc[0] if "type_label" in table else kind
        ax.scatter(x[mine], change[mine], s=dot, color=colours[kind], label=name, zorder=2)
    lost = table["loses"].to_numpy(dtype=bool)
    ring = {"facecolors": "none", "edgecolors": VERDICT_COLOURS["worse"], "lw": 1.2, "zorder": 3}
    ax.scatter(x[lost], change[lost], s=dot * 3.5, label=_("loses"), **ring)
    ax.axhline(0, color="black", lw=0.8)
    threshold = table.attrs.get("threshold")
    if threshold:
        ax.axhline(-threshold * factor, color=VERDICT_COLOURS["worse"], lw=0.8, ls="--")
    ax.set_xlabel(_("communities, worst change first"))
    ylabel = _("change from {a} to {b} ({unit}); negative = worse")
    ax.set_ylabel(ylabel.format(a=a, b=b, unit=unit), fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
    title = _("{kpi}: change per community from {a} to {b}; {n} of {total} communities lose")
    ax.set_title(title.format(kpi=kpi_label(kpi), a=a, b=b, n=int(lost.sum()), total=len(table)), fontsize=10)
    return fig
