"""The timeline replay: the reforms switched on year by year from 2003 to 2014, against the same
community with no reforms, run in the background with few replications (each run is 12 years)."""

from __future__ import annotations

import solara

from sim.i18n import _
from sim.ui import tasks
from sim.ui.components.fields import NumberField
from sim.ui.components.figures_panel import FigureCard
from sim.ui.components.kpi_table import KpiTable
from sim.ui.components.text import Heading, Prose, esc
from sim.ui.labels import DAILY_FIGURES
from sim.ui.runner import POOL


# Long by design: the tab's controls in the order the planner reads them, one widget after another.
@solara.component
def TimelineReplay():
    """Choose the timeline, its years and runs; run it; see the replay and its KPI table."""
    entries = tasks.timeline_entries()
    chosen, set_chosen = solara.use_state(entries[0].shown if entries else "")
    if not entries:
        solara.Info(_("No scenario with a [[timeline]] in the scenarios folder."))
        return
    entry = next((e for e in entries if e.shown == chosen), entries[0])
    timeline = entry.scenario
    assert timeline is not None
    max_years = tasks.replay_years_available(timeline)
    years = min(tasks.replay_years.value, max_years)
    reps = tasks.replay_replications.value
    pending = tasks.replay_task.pending
    done, total = tasks.replay_progress.value
    seconds = tasks.estimate_replay_seconds(years, reps, POOL.workers)
    problems = [] if 2 <= reps <= 50 else [_("Runs: from 2 to 50; got {got}.").format(got=reps)]

    with solara.Card(_("Timeline replay"), classes=["govsim-replay"]):
        # The file's description and steps read in the planner's language (the data catalogue).
        steps = "".join(
            f"<li>{esc(s.date or _('day {n}').format(n=s.day))}: {esc(_(s.label))}</li>"
            for s in timeline.timeline
        )
        Prose(f"<p><b>{esc(timeline.name)}</b>: {esc(_(timeline.description))}</p><ul>{steps}</ul>")
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "16px"}):
            if len(entries) > 1:
                solara.Select(
                    _("Timeline"), values=[e.shown for e in entries], value=chosen, on_value=set_chosen
                )
            solara.SliderInt(
                _("Years to replay: {years} (from {year})").format(
                    years=years, year=timeline.start_date.year
                ),
                value=years,
                min=1,
                max=max_years,
                on_value=tasks.replay_years.set,
            )
            NumberField(
                _("Paired runs"),
                reps,
                on_value=lambda v: tasks.replay_replications.set(int(v)),
                integer=True,
                style="max-width: 140px",
                classes=["govsim-replay-runs"],
            )
            solara.Button(
                _("Run the replay"),
                icon_name="mdi-play",
                color="primary",
                disabled=pending or bool(problems),
                on_click=lambda: tasks.replay_task(timeline, years, reps, tasks.replay_series.value),
                classes=["govsim-replay-button"],
            )
            if pending:
                solara.Button(
                    _("Stop"), icon_name="mdi-stop", color="error", on_click=tasks.replay_task.cancel
                )
        solara.Text(
            (
                _("Each run simulates 1 year; ")
                if years == 1
                else _("Each run simulates {years} years; ").format(years=years)
            )
            + _(
                "with {reps} paired runs of the timeline and of the same community without the reforms, "
                "that is {runs} runs, roughly {seconds} s on {workers} worker processes. Few runs give "
                "wide bands: add runs for a closer look."
            ).format(reps=reps, runs=2 * reps, seconds=f"{seconds:.0f}", workers=POOL.workers),
            style={"font-size": "0.85em", "color": "#666"},
            classes=["govsim-replay-estimate"],
        )
        solara.v.Select(
            label=_("Series to replay"),
            items=[{"text": _(text), "value": key} for key, text in DAILY_FIGURES.items()],
            v_model=list(tasks.replay_series.value),
            on_v_model=lambda v: tasks.replay_series.set(tuple(v) or ("wait_mean_min",)),
            multiple=True,
            chips=True,
            small_chips=True,
            style_="max-width: 720px",
        )
        for p in problems:
            solara.Error(p, dense=True, classes=["govsim-blocked"])
        if pending:
            solara.ProgressLinear(100 * done / total if done else True)
            solara.Text(
                _("{done} of {total} runs done").format(done=done, total=total),
                classes=["govsim-replay-progress"],
            )
        elif tasks.replay_task.error:
            solara.Error(_("The replay failed: {error}").format(error=tasks.replay_task.exception))
        elif tasks.replay_task.cancelled:
            solara.Warning(_("Stopped."), dense=True)

    results: tasks.ReplayResults | None = tasks.replay_task.latest
    if results is not None:
        ReplayResultsView(results)


@solara.component
def ReplayResultsView(results: tasks.ReplayResults):
    """The replay figure and the KPI table over the whole period."""
    if results.figure is not None:
        FigureCard(results.figure)
    Heading(_("Over the {days} days: the timeline against no reforms").format(days=results.days), level=4)
    solara.Text(_("Finished in {seconds:.1f} s.").format(seconds=results.seconds))
    KpiTable(results.comparison)
