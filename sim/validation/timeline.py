"""The 2003 -> 2014 replay: KPIs year by year as the reforms arrive, against no reforms at all.

The timeline scenario (``scenarios/timeline_2003_2014.toml``) switches the reforms on in the
article's order.  Its counterfactual is the same community over the same twelve years with the
2002 policy held throughout; both run with the same seeds (common random numbers), so the yearly
difference between them is the effect of the reforms in force by that year.

The model records daily series (:data:`sim.kpis.DAILY`); the yearly KPIs here are built from them
as ratios of yearly sums (a wait is weighted by the residents served, a share of staff time by the
hours worked), not as means of daily ratios.

In the evidence (section 7) the replay and its counterfactual run as paired replications
(:func:`replay_against_no_reforms`), and :func:`timeline_section` reports the first and the last
year.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.figures import STAFF_TIME, band, timeline_replay
from sim.statistics import paired_difference
from sim.validation.markdown import md_table, short_number
from sim.validation.settings import paired_runs

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.scenario import Scenario

#: Yearly KPIs derived from the daily series: name -> what it is.
YEARLY: dict[str, str] = {
    "wait_mean_min": "mean queue wait (min), weighted by residents served",
    "unmet_share": "share of the needs closed in the year that were given up",
    "service_time_share": "share of staff hours spent serving residents",
    "admin_h_per_staff_week": "administrative hours per staff member and week",
    "overtime_h_per_staff": "overtime hours per staff member in the year",
    "public_open": "public-space problems not yet fixed (daily mean)",
    "participation": "share of residents taking part in an event in the year",
    "satisfaction_mean": "mean resident satisfaction (0-1)",
    "balance_yuan": "income minus spending in the year (yuan)",
}
#: The ones drawn in ``timeline.png``.
FIGURE_SERIES = (
    "wait_mean_min",
    "unmet_share",
    "service_time_share",
    "admin_h_per_staff_week",
    "public_open",
    "participation",
    "balance_yuan",
)
#: Higher is better for these (for reading the difference table).
HIGHER_IS_BETTER = {"service_time_share", "participation", "satisfaction_mean", "balance_yuan"}


def counterfactual(timeline: Scenario, name: str = "No reforms (2002 policy held)") -> Scenario:
    """The timeline's community, dates and length with none of its timeline steps."""
    return dataclasses.replace(timeline, name=name, timeline=())


def yearly(daily: pd.DataFrame, scenarios: Mapping[str, Scenario]) -> pd.DataFrame:
    """One row per scenario, replication and calendar year with every :data:`YEARLY` KPI.

    ``daily`` is a comparison's daily frame (``scenario``, ``replication``, ``day``, ``date`` and
    the daily series); ``scenarios`` maps names to scenarios, for the staff count in force.
    """
    d = daily.copy()
    d["year"] = pd.to_datetime(d["date"]).dt.year
    # Every rostered or overtime hour lands in exactly one of the staff-time series.
    d["_worked"] = d[list(STAFF_TIME)].sum(axis=1)
    d["_serving"] = d["counter_busy_h"] + d["casework_h"] + d["outreach_h"]
    d["_wait_x_served"] = d["wait_mean_min"].fillna(0.0) * d["served"]
    keys = ["scenario", "replication", "year"]
    g = d.sort_values([*keys, "day"]).groupby(keys, sort=True)
    y = g.agg(
        first_day=("day", "first"),
        days=("day", "count"),
        served=("served", "sum"),
        wait_x_served=("_wait_x_served", "sum"),
        serving=("_serving", "sum"),
        worked=("_worked", "sum"),
        admin=("admin_h", "sum"),
        overtime=("overtime_h", "sum"),
        public_open=("public_open", "mean"),
        # The participation count restarts every 365 days, close to 1 January: the year's
        # highest value is the share of that (model) year.
        participation=("participation_ytd", "max"),
        satisfaction_mean=("satisfaction_mean", "mean"),
        resolved_end=("resolved_total", "last"),
        unmet_end=("unmet_total", "last"),
        balance_end=("balance_yuan", "last"),
    ).reset_index()
    run = y.groupby(["scenario", "replication"], sort=False)
    # Cumulative series -> amounts in the year.
    for col in ("resolved", "unmet", "balance"):
        y[f"{col}_year"] = y[f"{col}_end"] - run[f"{col}_end"].shift(fill_value=0.0)
    staff = [
        float(scenarios[s].params_on_day(int(day))["staff.count"])
        for s, day in zip(y["scenario"], y["first_day"], strict=True)
    ]
    closed = y["resolved_year"] + y["unmet_year"]
    out = y[keys].copy()
    out["wait_mean_min"] = y["wait_x_served"] / y["served"].where(y["served"] > 0)
    out["unmet_share"] = y["unmet_year"] / closed.where(closed > 0)
    out["service_time_share"] = y["serving"] / y["worked"].where(y["worked"] > 0)
    out["admin_h_per_staff_week"] = y["admin"] / (np.array(staff) * y["days"] / 7.0)
    out["overtime_h_per_staff"] = y["overtime"] / np.array(staff)
    out["public_open"] = y["public_open"]
    out["participation"] = y["participation"]
    out["satisfaction_mean"] = y["satisfaction_mean"]
    out["balance_yuan"] = y["balance_year"]
    out["days"] = y["days"]
    return out


def yearly_table(per_run: pd.DataFrame, timeline_name: str, reference_name: str) -> pd.DataFrame:
    """Per KPI and year: each scenario's mean with its 95 % band over replications, and the paired
    difference timeline - reference with its 95 % interval."""
    rows = []
    for kpi in YEARLY:
        bands = {
            name: band(per_run[per_run["scenario"] == name], "year", kpi)
            for name in (reference_name, timeline_name)
        }
        ref = per_run[per_run["scenario"] == reference_name].set_index(["year", "replication"])[kpi]
        tl = per_run[per_run["scenario"] == timeline_name].set_index(["year", "replication"])[kpi]
        for year in sorted(per_run["year"].unique()):
            a, b = ref.xs(year, level="year"), tl.xs(year, level="year")
            common = a.index.intersection(b.index)
            diff = paired_difference(a.loc[common].to_numpy(float), b.loc[common].to_numpy(float))
            rb, tb = bands[reference_name], bands[timeline_name]
            rows.append(
                {
                    "kpi": kpi,
                    "year": int(year),
                    "reference_mean": rb.loc[year, "mean"],
                    "reference_low": rb.loc[year, "low"],
                    "reference_high": rb.loc[year, "high"],
                    "timeline_mean": tb.loc[year, "mean"],
                    "timeline_low": tb.loc[year, "low"],
                    "timeline_high": tb.loc[year, "high"],
                    "diff": diff.estimate.mean,
                    "diff_low": diff.estimate.low,
                    "diff_high": diff.estimate.high,
                    "n": diff.estimate.n,
                }
            )
    return pd.DataFrame(rows)


def timeline_figure(
    per_run: pd.DataFrame,
    timeline_name: str,
    reference_name: str,
    steps: Sequence[object],
    series: Sequence[str] = FIGURE_SERIES,
) -> Figure:
    """The replay drawn by :func:`sim.figures.timeline_replay` (yearly means, 95 % band, reform
    dates dotted), with the no-reform counterfactual in grey beside it."""
    # timeline_replay averages rows by calendar year: one row per year (dated mid-year) is
    # passed through unchanged, so the yearly ratios above are what it draws.
    tl, ref = (
        per_run[per_run["scenario"] == name].assign(date=lambda d: [dt.date(int(y), 7, 1) for y in d["year"]])
        for name in (timeline_name, reference_name)
    )
    runs = tl["replication"].nunique()
    fig = timeline_replay(
        tl,
        list(series),
        steps,  # type: ignore[arg-type]
        title=f"{timeline_name}: yearly KPIs, 95 % band over {runs} paired runs; grey: {reference_name}",
        reference=ref,
        reference_label=reference_name,
    )
    for ax, s in zip(fig.axes, series, strict=False):
        ax.set_title(YEARLY.get(s, s), fontsize=9)
    return fig


# -- the replay in the evidence ------------------------------------------------------------------


@dataclass
class Replay:
    """The replay against its counterfactual, as the evidence keeps it."""

    yearly: pd.DataFrame  # yearly_table: one row per KPI and year
    runs: pd.DataFrame  # one row per run, scenario labelled as in the Little's law table
    figure: Figure | None = None  # timeline_figure; None when there is no timeline file


def replay_against_no_reforms(
    replay: Scenario, label: str, replications: int, seed: int, days: int | None, workers: int | None
) -> Replay:
    """``replay`` (its file called ``label``) and its counterfactual, ``replications`` paired runs
    of ``days`` days (None: the timeline's own), summed year by year."""
    cf = counterfactual(replay)
    tc = paired_runs([cf, replay], replications, seed, days, True, workers)
    per_run = yearly(tc.daily, {cf.name: cf, replay.name: replay})
    in_run = [step for step in replay.timeline if step.day < (days or replay.days)]
    names = {replay.name: label, cf.name: f"{cf.name} (the replay's counterfactual)"}
    return Replay(
        yearly=yearly_table(per_run, replay.name, cf.name),
        runs=tc.runs.assign(scenario=tc.runs["scenario"].map(names)),
        figure=timeline_figure(per_run, replay.name, cf.name, in_run),
    )


NO_REPLAY = Replay(pd.DataFrame(), pd.DataFrame())


def timeline_section(t: pd.DataFrame) -> list[str]:
    """The evidence's section on the replay: the first and the last year, and their difference."""
    lines = ["## 7. The 2003-2014 timeline replay", ""]
    if t.empty:
        return [*lines, "No timeline scenario file found.", ""]
    first_year, last = int(t["year"].min()), int(t["year"].max())
    rows = []
    for kpi, doc in YEARLY.items():
        r = t[(t["kpi"] == kpi) & (t["year"] == last)].iloc[0]
        first = t[(t["kpi"] == kpi) & (t["year"] == first_year)].iloc[0]
        rows.append(
            [
                f"{doc} (`{kpi}`)",
                short_number(first["timeline_mean"], 3),
                f"{short_number(r['reference_mean'], 3)}",
                f"{short_number(r['timeline_mean'], 3)}",
                f"{short_number(r['diff'], 3)} [{short_number(r['diff_low'], 3)}, "
                f"{short_number(r['diff_high'], 3)}]",
            ]
        )
    header = [
        "yearly KPI",
        f"replay {first_year}",
        f"no reforms {last}",
        f"replay {last}",
        "difference [95 % CI]",
    ]
    return [
        *lines,
        "`scenarios/timeline_2003_2014.toml` switches the reforms on in the article's order (1 January "
        "2003, 2005, 2009, 2011, 2012, 2013, 2014). Its counterfactual is the same community over the "
        "same twelve years with the 2002 policy held; both use the same seeds. Yearly KPIs are ratios "
        "of yearly sums from the daily series (`sim.validation.timeline.yearly`); bands are 95 % "
        "intervals over replications; dotted lines mark the reform dates.",
        "",
        "![timeline](timeline.png)",
        "",
        f"The replay in its first year, both scenarios in the last year ({last}), and the paired "
        f"difference replay - counterfactual in {last} (95 % interval). `timeline_yearly.csv` has every "
        "year.",
        "",
        md_table(rows, header),
        "",
    ]
