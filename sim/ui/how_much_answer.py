"""The answer of "How much is enough?" in words and pictures: the sentence, the table's rows and
the figure (the judgement itself is :mod:`sim.ui.how_much`'s)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from sim.i18n import N_, _
from sim.ui.how_much import COST_KPI, MET, NOT_MET, UNSURE, Answer
from sim.ui.levers import AT_LEAST, AT_MOST, LEVERS, value_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def sentence(a: Answer) -> str:
    """The answer in one sentence: "The goals are met from 9 staff on, costing 41,000 yuan a year
    more than Baseline 2002 (95 % interval 38,000 to 44,000)."""
    lever = LEVERS[a.lever]
    where = a.threshold()
    if where is None:
        met = a.met_values()
        if not met:
            return _(
                "The goals are not surely met at any value tried: try a wider range, or more runs where "
                "the verdict is not sure."
            )
        shown = ", ".join(value_text(lever, v) for v in met)
        return _("The goals are surely met at {values} only.").format(values=shown)
    value, side = where
    i = a.values.index(value)
    m, lo, hi = a.extra_cost[i]
    shown = (
        f"{value_text(lever, value)} {_(lever.unit)}"
        if lever.key != "evening" and not lever.percent
        else value_text(lever, value)
    )
    text = (
        _("The goals are met from {value} on").format(value=shown)
        if side == "from"
        else _("The goals are met up to {value}").format(value=shown)
    )
    if (side == "from" and value == a.values[0]) or (side == "up to" and value == a.values[-1]):
        # The stretch may go on beyond the range: the planner should not read this as the limit.
        text += _(" (already at the end of the range tried: try values beyond it)")
    if m != m:
        return text + "."
    word = _("more") if m >= 0 else _("less")
    return text + _(
        ", costing {amount} yuan a year {more} than {baseline} (95 % interval {lo} to {hi})."
    ).format(amount=f"{abs(m):,.0f}", more=word, baseline=a.baseline_name, lo=f"{lo:+,.0f}", hi=f"{hi:+,.0f}")


STATUS_WORDS = {MET: N_("met"), NOT_MET: N_("not met"), UNSURE: N_("not sure")}


def answer_figure(a: Answer) -> Figure:
    """One panel per goal (the lever on x, the mean with its 95 % interval, the goal line, the
    baseline dashed; met values marked green) and the cost a year under them."""
    from matplotlib.figure import Figure

    import sim.figures  # noqa: F401  (registers the CJK font for Chinese labels)
    from sim.kpis import KPIS, better, kpi_label
    from sim.ui.labels import kpi_unit

    lever = LEVERS[a.lever]
    xs = np.array(a.values, dtype=float)
    shown = 100.0 if lever.percent else 1.0
    n = len(a.goals) + 1
    fig = Figure(figsize=(7.5, 2.3 * n), layout="constrained")
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    met = np.array([a.status_at(v) == MET for v in a.values])
    for ax, goal in zip(axes, a.goals, strict=False):
        rows = [g for g in a.per_goal if g.goal == goal]
        share = KPIS[goal.kpi].unit == "share" if goal.kpi in KPIS else False
        k = 100.0 if share else 1.0
        mean = np.array([r.mean for r in rows]) * k
        low = np.array([r.low for r in rows]) * k
        high = np.array([r.high for r in rows]) * k
        colours = [
            "#2e7d32" if r.status == MET else "#c62828" if r.status == NOT_MET else "#9e9e9e" for r in rows
        ]
        ax.vlines(xs * shown, low, high, colors=colours, linewidth=2)
        ax.scatter(xs * shown, mean, c=colours, zorder=3, s=18)
        ax.plot(xs * shown, mean, color="#555", linewidth=0.8)
        base = a.baseline_means.get(goal.kpi)
        if base is not None:
            ax.axhline(base[0] * k, color="#555", linestyle="--", linewidth=1, label=a.baseline_name)
        if goal.relation in (AT_LEAST, AT_MOST):
            ax.axhline(goal.value * k, color="#1565c0", linewidth=1.2, label=_("goal"))
        elif base is not None and goal.kpi in a.margins:
            # No worse than the baseline: up to the size that matters beyond it.
            sign = -1.0 if better(goal.kpi) == "higher" else 1.0
            limit = (base[0] + sign * a.margins[goal.kpi]) * k
            ax.axhline(limit, color="#1565c0", linewidth=1.2, linestyle=":", label=_("goal"))
        ax.set_title(goal.text(), fontsize=9, loc="left")
        ax.set_ylabel("%" if share else kpi_unit(goal.kpi))
        ax.legend(fontsize=7, loc="best")
    ax = axes[-1]
    c = np.array(a.cost, dtype=float)
    ax.fill_between(xs * shown, c[:, 1], c[:, 2], color="#f9a825", alpha=0.3, linewidth=0)
    ax.plot(xs * shown, c[:, 0], color="#f57f17", marker="o", markersize=3)
    base = a.baseline_means.get(COST_KPI)
    if base is not None:
        ax.axhline(base[0], color="#555", linestyle="--", linewidth=1, label=a.baseline_name)
        ax.legend(fontsize=7, loc="best")
    ax.set_title(_("{measure}, a year").format(measure=kpi_label(COST_KPI)), fontsize=9, loc="left")
    ax.set_ylabel(_("yuan"))
    ax.set_xlabel(f"{_(lever.label)}" + ("" if lever.key == "evening" else f" ({_(lever.unit)})"))
    for axis in axes:
        for x, ok in zip(xs * shown, met, strict=True):
            if ok:
                axis.axvspan(
                    x - 0.5 * _spacing(xs * shown), x + 0.5 * _spacing(xs * shown), color="#e8f5e9", zorder=0
                )
    return fig


def _spacing(xs: Sequence[float]) -> float:
    return float(np.min(np.diff(xs))) if len(xs) > 1 else 1.0


def answer_rows(a: Answer) -> list[dict[str, str]]:
    """The answer as table rows, one per lever value (for the page and the CSV)."""
    from sim.kpis import format_value

    lever = LEVERS[a.lever]
    rows = []
    for i, v in enumerate(a.values):
        row = {_(lever.label): value_text(lever, v)}
        for g in (g for g in a.per_goal if g.value == v):
            mean = format_value(g.goal.kpi, g.mean)
            row[g.goal.text()] = (
                f"{mean} [{format_value(g.goal.kpi, g.low, unit=False)}, "
                f"{format_value(g.goal.kpi, g.high, unit=False)}] {_(STATUS_WORDS[g.status])}"
            )
        m, lo, hi = a.cost[i]
        row[_("Spending a year (yuan)")] = f"{m:,.0f} [{_yuan(lo)}, {_yuan(hi)}]" if m == m else "-"
        row[_("Verdict")] = _(STATUS_WORDS[a.status_at(v)])
        rows.append(row)
    return rows


def _yuan(v: float) -> str:
    """A bound of the yearly cost; none from a single run (no interval), as the goals say it."""
    return f"{v:,.0f}" if v == v else "n/a"
