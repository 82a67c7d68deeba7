"""Figures of a comparison, as matplotlib ``Figure`` objects (no pyplot: safe in a web server).

One implementation for the command line's report and the web app:

* :func:`daily_bands` - a daily series, mean and 95 % band over replications, one colour per
  scenario on the same axes;
* :func:`staff_time` - how staff hours are spent, per scenario;
* :func:`forest` - each KPI's paired difference from the reference scenario, relative to the
  reference, with its 95 % interval, coloured by verdict;
* :func:`resolved_by_group` - resolved share per resident group and scenario (who gains);
* :func:`timeline_replay` - KPIs year by year through a timeline run, with reform dates marked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from sim.kpis import DAILY, daily_label, kpi_label
from sim.kpis import bounds as kpi_bounds
from sim.parameters import GROUP_LABELS, GROUPS
from sim.statistics import UNBOUNDED, Bounds, bounded_interval

if TYPE_CHECKING:
    from sim.compare import Comparison
    from sim.scenario import TimelineStep

#: The CJK font the project's own install brings (the ``paperang-p2-fonts-cjk`` package).
CJK_FONT_PACKAGE, CJK_FONT_FILE, CJK_FONT = (
    "paperang_p2_fonts_cjk",
    "fonts/wqy-microhei.ttc",
    "WenQuanYi Micro Hei",
)


def cjk_font_path() -> Path:
    return Path(str(files(CJK_FONT_PACKAGE) / CJK_FONT_FILE))


def use_cjk_font() -> None:
    """Register the project's CJK font with matplotlib and let every sans-serif text fall back to
    it: Latin letters and digits keep DejaVu Sans, Chinese characters (a package named
    "长沙 一站式服务 2014", the Chinese labels) come from WenQuanYi Micro Hei instead of boxes."""
    font_manager.fontManager.addfont(str(cjk_font_path()))
    # A list of families, not the generic "sans-serif": matplotlib falls back glyph by glyph only
    # along the families named (a generic family resolves to its first installed font).
    mpl.rcParams["font.family"] = ["DejaVu Sans", CJK_FONT]


use_cjk_font()

VERDICT_COLOURS = {
    "better": "#2a9d4b",
    "worse": "#d1495b",
    "negligible": "#b5c99a",
    "unsure": "#9a9a9a",
    "": "#4c6ef5",
}
STAFF_TIME = {
    "counter_busy_h": "serving at the counter",
    "casework_h": "casework and online matters",
    "outreach_h": "outreach home visits",
    "admin_h": "administrative work",
    "idle_h": "waiting for residents / idle",
}
DEFAULT_FOREST = (
    "service.queue_wait_mean_min",
    "service.time_to_resolution_mean_d",
    "service.resolved_share",
    "staff.service_time_share",
    "staff.admin_h_per_staff_week",
    "staff.overtime_h_per_staff",
    "tasks.unfunded_cost_yuan",
    "grid.response_mean_h",
    "governance.participation_rate",
    "governance.resolved_locally_share",
    "residents.satisfaction_mean",
)


def _colours(names: Sequence[str]) -> dict[str, str]:
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
    return {n: palette[i % len(palette)] for i, n in enumerate(names)}


def band(frame: pd.DataFrame, index: str, value: str, bounds: Bounds = UNBOUNDED) -> pd.DataFrame:
    """Mean and 95 % interval of ``value`` over replications, for each ``index`` value, within
    the ``bounds`` of its possible values (a waiting time's band never dips below 0)."""
    g = frame.groupby(index)[value]
    out = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n": g.count()})
    low, high = bounded_interval(out["mean"].to_numpy(), out["sd"].to_numpy(), out["n"].to_numpy(), bounds)
    # One run (no spread to measure) draws the line alone.
    single = out["n"].to_numpy() < 2
    out["low"] = np.where(single, out["mean"], low)
    out["high"] = np.where(single, out["mean"], high)
    return out


def daily_bands(c: Comparison, series: str, smooth_days: int = 7) -> Figure:
    """A daily series with a 95 % band over replications, each scenario on the same axes.

    Each replication is first smoothed with a ``smooth_days`` rolling mean: day-to-day noise
    would otherwise hide the difference between scenarios.
    """
    if c.daily is None:
        raise ValueError("this comparison kept no daily series (run it with daily=True)")
    if series not in DAILY:
        raise ValueError(f"unknown daily series {series!r}; known: {', '.join(DAILY)}")
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.add_subplot()
    colours = _colours(c.names)
    for name in c.names:
        d = c.daily[c.daily["scenario"] == name][["replication", "date", series]].copy()
        d[series] = d.groupby("replication")[series].transform(
            lambda s: s.rolling(smooth_days, min_periods=1).mean()
        )
        b = band(d, "date", series, kpi_bounds(series))
        x = pd.to_datetime(b.index)
        ax.plot(x, b["mean"], color=colours[name], label=name, lw=1.6)
        ax.fill_between(x, b["low"], b["high"], color=colours[name], alpha=0.25, lw=0)
    ax.set_title(
        f"{daily_label(series, unit=False)} ({smooth_days}-day mean, 95 % band over {len(c.seeds)} runs)",
        fontsize=10,
    )
    ax.set_ylabel(_unit(series))
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return fig


def _unit(series: str) -> str:
    """The unit a daily series is in (the catalogue's, :data:`sim.kpis.DAILY_LABELS`)."""
    return daily_label(series).removeprefix(daily_label(series, unit=False)).strip(" ()")


def staff_time(c: Comparison) -> Figure:
    """Average staff hours per day by activity, per scenario (stacked), overtime on top."""
    if c.daily is None:
        raise ValueError("this comparison kept no daily series (run it with daily=True)")
    fig = Figure(figsize=(7, 3.6), layout="constrained")
    ax = fig.add_subplot()
    means = c.daily.groupby("scenario")[[*STAFF_TIME, "overtime_h"]].mean().reindex(c.names)
    bottom = np.zeros(len(c.names))
    for col, label in STAFF_TIME.items():
        ax.bar(c.names, means[col], bottom=bottom, label=label)
        bottom += means[col].to_numpy()
    ax.scatter(
        c.names, means["overtime_h"], color="black", marker="_", s=400, label="of which overtime", zorder=3
    )
    ax.set_ylabel("staff hours per day")
    ax.set_title("How staff time is spent (mean over days and runs)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    return fig


def forest(c: Comparison, keys: Sequence[str] | None = None) -> Figure:
    """Paired differences from the reference scenario, relative to the reference, with 95 % CIs."""
    keys = [k for k in (keys or DEFAULT_FOREST) if k in set(c.table["kpi"])]
    others = c.names[1:]
    fig = Figure(figsize=(8, 0.45 * len(keys) * len(others) + 1.4), layout="constrained")
    ax = fig.add_subplot()
    y, labels = 0, []
    for key in reversed(keys):
        sub = c.kpi(key)
        ref = sub.loc[c.names[0], "mean"]
        for name in reversed(others):
            r = sub.loc[name]
            scale = abs(ref) if ref and not math.isnan(ref) else math.nan
            mid, lo, hi = (100 * r[k] / scale for k in ("diff", "diff_low", "diff_high"))
            colour = VERDICT_COLOURS.get(r["verdict"], VERDICT_COLOURS[""])
            if not math.isnan(mid):
                ax.errorbar(mid, y, xerr=[[mid - lo], [hi - mid]], fmt="o", color=colour, capsize=3)
            labels.append(kpi_label(key) + (f"  [{name}]" if len(others) > 1 else ""))
            y += 1
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel(f"change from {c.names[0]} (% of its mean), 95 % interval of the paired difference")
    ax.set_title(
        "Effects: green better, red worse (sure and big enough), pale negligible, grey unsure", fontsize=10
    )
    ax.grid(axis="x", alpha=0.3)
    return fig


def resolved_by_group(c: Comparison) -> Figure:
    """Share of needs resolved, per resident group and scenario, with 95 % intervals."""
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.add_subplot()
    colours = _colours(c.names)
    width = 0.8 / len(c.names)
    x = np.arange(len(GROUPS))
    for j, name in enumerate(c.names):
        rows = [c.kpi(f"access.resolved_share.{g}").loc[name] for g in GROUPS]
        mean = np.array([100 * r["mean"] for r in rows])
        err = np.array(
            [
                [100 * (r["mean"] - r["ci_low"]) for r in rows],
                [100 * (r["ci_high"] - r["mean"]) for r in rows],
            ]
        )
        ax.bar(
            x + (j - (len(c.names) - 1) / 2) * width,
            mean,
            width,
            yerr=np.nan_to_num(err),
            capsize=2,
            color=colours[name],
            label=name,
        )
    ax.set_xticks(x, [GROUP_LABELS[g].split(" (")[0] for g in GROUPS], fontsize=8)
    ax.set_ylabel("needs resolved (%)")
    ax.set_ylim(0, 105)
    ax.set_title("Who gains: needs resolved by resident group", fontsize=10)
    ax.legend(fontsize=8)
    return fig


def timeline_replay(
    daily: pd.DataFrame,
    series: Sequence[str],
    steps: Sequence[TimelineStep] = (),
    title: str = "",
    reference: pd.DataFrame | None = None,
    reference_label: str = "no reforms",
) -> Figure:
    """Yearly means of daily series through a timeline run, 95 % band over replications.

    ``daily`` has one row per replication and day (``replication``, ``date`` and the series);
    ``steps`` are the scenario's timeline steps, drawn as dated markers; ``reference`` (same
    shape, e.g. the same community keeping the 2002 policy) is drawn in grey beside it.
    """
    fig = Figure(figsize=(8, 2.4 * len(series) + 0.6), layout="constrained")
    axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
    runs = [(daily, "#1f77b4", "reforms as they came")]
    if reference is not None:
        runs.append((reference, "#8a8a8a", reference_label))
    for ax, s in zip(axes, series, strict=True):
        for frame, colour, label in runs:
            years = pd.to_datetime(frame["date"]).dt.year
            per_year = frame.assign(year=years).groupby(["replication", "year"])[s].mean().reset_index()
            b = band(per_year, "year", s, kpi_bounds(s))
            ax.plot(b.index, b["mean"], marker="o", color=colour, label=label)
            ax.fill_between(b.index, b["low"], b["high"], color=colour, alpha=0.25, lw=0)
        ax.set_ylabel(_unit(s), fontsize=8)
        ax.set_title(daily_label(s, unit=False), fontsize=9)
        ax.grid(alpha=0.3)
        for step in steps:
            if step.date is not None:
                ax.axvline(
                    step.date.year - 0.5 + step.date.timetuple().tm_yday / 366, color="grey", lw=0.6, ls=":"
                )
    axes[-1].set_xlabel("year (dotted lines: reforms coming into force)")
    if reference is not None:
        axes[0].legend(fontsize=8)
    runs = daily["replication"].nunique()
    fig.suptitle(title or f"Timeline replay: yearly means, 95 % band over {runs} runs", fontsize=10)
    return fig


def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    """A matplotlib figure as PNG bytes (the Agg renderer; no pyplot, no display)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
