""" "How much is enough?": vary one lever of a scenario over a range against the baseline, judge
the goals with their intervals and show the cost (the logic is :mod:`sim.ui.how_much`)."""

from __future__ import annotations

import dataclasses

import solara

from sim.i18n import _
from sim.kpis import KPIS, kpi_label
from sim.ui import state, tasks
from sim.ui.components.fields import NumberField
from sim.ui.components.figures_panel import FigureCard
from sim.ui.components.text import Prose, esc
from sim.ui.how_much import Question
from sim.ui.how_much_answer import answer_rows, sentence
from sim.ui.labels import kpi_unit
from sim.ui.levers import (
    GOAL_KPIS,
    LEVERS,
    MAX_VALUES,
    NOT_WORSE,
    RELATIONS,
    Goal,
    lever_values,
    range_problems,
    value_text,
)

MAX_RUNS = 50


def _is_share(kpi: str) -> bool:
    return kpi in KPIS and KPIS[kpi].unit == "share"


@solara.component
def GoalRow(index: int, goal: Goal):
    """One goal: the measure, at least / at most / no worse than the baseline, and the number."""
    goals = list(tasks.enough_goal_list())

    def replace(**changes) -> None:
        goals[index] = dataclasses.replace(goal, **changes)
        tasks.enough_goals.set(tuple(goals))

    def remove() -> None:
        tasks.enough_goals.set(tuple(g for i, g in enumerate(goals) if i != index) or ())

    labels = {kpi_label(k): k for k in GOAL_KPIS}
    relations = {_(text): key for key, text in RELATIONS.items()}
    with solara.Row(
        style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}, classes=["govsim-goal"]
    ):
        solara.Select(
            _("Measure"),
            values=list(labels),
            value=kpi_label(goal.kpi),
            on_value=lambda v: replace(kpi=labels[v]),
            style={"min-width": "260px"},
        )
        solara.Select(
            _("Goal"),
            values=list(relations),
            value=_(RELATIONS[goal.relation]),
            on_value=lambda v: replace(relation=relations[v]),
            style={"min-width": "200px"},
        )
        if goal.relation != NOT_WORSE:
            share = _is_share(goal.kpi)
            NumberField(
                _("Value") + (" (%)" if share else f" ({kpi_unit(goal.kpi)})" if kpi_unit(goal.kpi) else ""),
                round(100 * goal.value, 6) if share else goal.value,
                on_value=lambda v: replace(value=float(v) / 100 if share else float(v)),
                style="max-width: 140px",
                classes=["govsim-goal-value"],
            )
        solara.Button(_("Remove"), text=True, on_click=remove, disabled=len(goals) <= 1)


# Long by design: the question card reads its state once per render (scenario, lever, range,
# goals, runs) and the plan line, the goals and Find out all use the same values; the range fields
# and the status below are components of their own.
@solara.component
def HowMuchIsEnough():
    """The question (scenario, lever, range, goals, runs), Find out and Stop, and the answer."""
    current = state.drafts.value
    if len(current) < 2:
        solara.Info(_("Pick a baseline and at least one other scenario on the Compare tab first."))
        return
    baseline, choices = current[0], current[1:]
    chosen = next((d for d in choices if d.id == tasks.enough_scenario.value), choices[0])
    lever = LEVERS[tasks.enough_lever.value]
    lo, hi, count = tasks.enough_lever_range()
    goals = tasks.enough_goal_list()
    reps = tasks.enough_replications.value
    run = state.settings.value
    pending = tasks.enough_task.pending
    scale = 100.0 if lever.percent else 1.0
    problems = range_problems(lever, lo, hi, count)
    if not 2 <= reps <= MAX_RUNS:
        problems.append(_("Paired runs: from 2 to {n}; got {got}.").format(n=MAX_RUNS, got=reps))
    for d in (baseline, chosen):
        if d.problems():
            problems.append(_("{name}: fix the values marked in red first.").format(name=d.display_name))
    values = lever_values(lever, lo, hi, count) if not problems else ()

    def choose_lever(label: str) -> None:
        key = next(k for k, lev in LEVERS.items() if _(lev.label) == label)
        tasks.enough_lever.set(key)
        tasks.enough_range.set(None)

    def find_out() -> None:
        question = Question(
            baseline.scenario(),
            chosen.scenario(),
            lever.key,
            values,
            tuple(goals),
            replications=reps,
            days=run.days,
            seed=run.seed,
        )
        tasks.enough_task(question, state.config.value.data_dir / "how-much")

    with solara.Card(_("How much is enough?"), classes=["govsim-enough"]):
        Prose(
            _(
                "<p>Vary one lever of a scenario over a range, run each value against the baseline "
                "<b>{baseline}</b> (paired runs, the same seeds), and see from which value on the goals are "
                "met and what it costs. A goal counts as met where its whole 95 % interval is on the goal's "
                "side; 'no worse than the baseline' allows the measure's size that matters. Asked again, "
                "the same question only runs what is missing.</p>"
            ).format(baseline=esc(baseline.display_name))
        )
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "12px"}):
            solara.Select(
                _("Scenario to vary"),
                values=[d.display_name for d in choices],
                value=chosen.display_name,
                on_value=lambda name: tasks.enough_scenario.set(
                    next(d.id for d in choices if d.display_name == name)
                ),
                style={"min-width": "220px"},
            )
            solara.Select(
                _("Lever"),
                values=[_(lev.label) for lev in LEVERS.values()],
                value=_(lever.label),
                on_value=choose_lever,
                style={"min-width": "300px"},
                classes=["govsim-enough-lever"],
            )
        LeverFields(lo, hi, count, reps, scale)
        if values:
            solara.Text(
                _("Values: {values}. {points} scenarios x {runs} runs = {total} runs of {days} days.").format(
                    values=", ".join(value_text(lever, v) for v in values),
                    points=len(values) + 1,
                    runs=reps,
                    total=(len(values) + 1) * reps,
                    days=run.days,
                ),
                style={"font-size": "0.85em", "color": "#666"},
                classes=["govsim-enough-plan"],
            )
        solara.v.Html(tag="h4", children=[_("Goals")], style_="margin: 8px 0 0 0")
        for i, goal in enumerate(goals):
            GoalRow(i, goal).key(f"goal-{i}")
        with solara.Row(style={"align-items": "center", "gap": "12px"}):
            solara.Button(
                _("Add a goal"),
                text=True,
                on_click=lambda: tasks.enough_goals.set(
                    (*goals, Goal("service.unmet_share", "at_most", 0.1))
                ),
            )
            solara.Button(
                _("Find out"),
                icon_name="mdi-play",
                color="primary",
                disabled=pending or bool(problems),
                on_click=find_out,
                classes=["govsim-enough-button"],
            )
            if pending:
                solara.Button(
                    _("Stop"),
                    icon_name="mdi-stop",
                    color="error",
                    on_click=tasks.enough_task.cancel,
                    classes=["govsim-enough-stop"],
                )
        EnoughStatus(problems, pending)
    results: tasks.EnoughResults | None = tasks.enough_task.latest
    if results is not None:
        EnoughAnswer(results)


@solara.component
def LeverFields(lo: float, hi: float, count: int, reps: int, scale: float):
    """The lever's range (from, to, how many values) and the paired runs per value."""

    def set_range(
        new_lo: float | None = None, new_hi: float | None = None, new_count: int | None = None
    ) -> None:
        a, b, n = tasks.enough_lever_range()
        tasks.enough_range.set(
            (
                a if new_lo is None else new_lo / scale,
                b if new_hi is None else new_hi / scale,
                n if new_count is None else new_count,
            )
        )

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "12px"}):
        NumberField(
            _("From"),
            round(lo * scale, 6),
            on_value=lambda v: set_range(new_lo=float(v)),
            style="max-width: 140px",
            classes=["govsim-enough-from"],
        )
        NumberField(
            _("To"),
            round(hi * scale, 6),
            on_value=lambda v: set_range(new_hi=float(v)),
            style="max-width: 140px",
            classes=["govsim-enough-to"],
        )
        NumberField(
            _("Values to try (2 to {n})").format(n=MAX_VALUES),
            count,
            on_value=lambda v: set_range(new_count=int(v)),
            integer=True,
            style="max-width: 160px",
            classes=["govsim-enough-count"],
        )
        NumberField(
            _("Paired runs per value"),
            reps,
            on_value=lambda v: tasks.enough_replications.set(int(v)),
            integer=True,
            style="max-width: 160px",
            classes=["govsim-enough-runs"],
        )


@solara.component
def EnoughStatus(problems: list[str], pending: bool):
    """What blocks Find out, the progress of a running question, or how the last one ended."""
    for p in problems:
        solara.Error(p, dense=True, classes=["govsim-enough-blocked"])
    if pending:
        done, total = tasks.enough_progress.value
        solara.ProgressLinear(100 * done / total if done and total else True)
        solara.Text(
            _("{done} of {total} runs done").format(done=done, total=total),
            classes=["govsim-enough-progress"],
        )
    elif tasks.enough_task.cancelled:
        solara.Warning(
            _("Stopped. The finished runs are kept: Find out again runs only the rest."),
            dense=True,
            classes=["govsim-enough-stopped"],
        )
    elif tasks.enough_task.error:
        solara.Error(
            _("It failed: {error}").format(error=tasks.enough_task.exception),
            classes=["govsim-enough-error"],
        )


@solara.component
def EnoughAnswer(results: tasks.EnoughResults):
    a = results.answer
    with solara.Card(classes=["govsim-enough-result"]):
        if results.interrupted:
            solara.Warning(_("Stopped before every run was done: the answer below is from the runs so far."))
        Prose(f"<p class='govsim-enough-answer'><b>{esc(sentence(a))}</b></p>")
        solara.Text(
            _("{ran} runs now, {skipped} already in the store {store}; {n} paired runs per value.").format(
                ran=results.ran, skipped=results.skipped, store=results.store, n=a.replications
            ),
            style={"font-size": "0.85em", "color": "#666"},
            classes=["govsim-enough-store"],
        )
        rows = answer_rows(a)
        if rows:
            head = "".join(f"<th>{esc(k)}</th>" for k in rows[0])
            body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r.values()) + "</tr>" for r in rows)
            Prose(
                f"<table class='govsim-table govsim-enough-table'><tr>{head}</tr>{body}</table>",
                classes=["govsim-enough-table-box"],
            )
        if results.figure is not None:
            # Titled in the page's language now, not the one the figure was drawn in.
            FigureCard(
                dataclasses.replace(
                    results.figure, title=_("How much is enough?"), caption=_(tasks.ENOUGH_CAPTION)
                )
            )
