"""The live view: one run watched as it goes (the logic is :mod:`sim.ui.live`)."""

from __future__ import annotations

import solara

from sim.i18n import _
from sim.ui import tasks
from sim.ui.components.text import Prose, esc
from sim.ui.labels import group_word
from sim.ui.live import OUTCOME_WORDS, LiveFrame, curve_svg, queue_word


def hall_html(frame: LiveFrame) -> str:
    """The hall on the frame's day: one bar per queue (served, gave up, turned away), the most
    waiting at once, the mean wait, and who gave up."""
    if not frame.hall:
        return f"<p>{esc(_('Nobody came to the hall on {date}.').format(date=frame.date))}</p>"
    top = max(q.visitors for q in frame.hall) or 1
    rows = []
    for q in frame.hall:
        bars = "".join(
            f"<span class='live-{kind}' style='display:inline-block;height:12px;width:{240 * n / top:.1f}px' "
            f"title='{esc(_(OUTCOME_WORDS[kind]))}: {n}'></span>"
            for kind, n in (("served", q.served), ("gave_up", q.gave_up), ("turned_away", q.turned_away))
        )
        who = ", ".join(f"{esc(group_word(g))} {n}" for g, n in q.gave_up_by_group)
        wait = "-" if q.mean_wait_min != q.mean_wait_min else f"{q.mean_wait_min:.1f}"
        rows.append(
            f"<tr class='live-queue'><td>{esc(queue_word(q.name))}</td><td class='live-bars'>{bars}</td>"
            f"<td>{q.served} / {q.gave_up} / {q.turned_away}</td><td>{q.longest}</td><td>{wait}</td>"
            f"<td>{who or '-'}</td></tr>"
        )
    head = "".join(
        f"<th>{esc(h)}</th>"
        for h in (
            _("queue"),
            "",
            " / ".join(_(w) for w in OUTCOME_WORDS.values()),
            _("most waiting at once"),
            _("mean wait (min)"),
            _("who gave up or was turned away"),
        )
    )
    return (
        f"<p>{esc(_('The hall on {date}:').format(date=frame.date))}</p>"
        f"<table class='govsim-table govsim-live-hall'><tr>{head}</tr>{''.join(rows)}</table>"
    )


@solara.component
def LiveView():
    """The watched run's curves and its hall, while the comparison runs (and after it)."""
    frame: LiveFrame | None = tasks.live_frame.value
    with solara.Div(classes=["govsim-live-switch"]):
        solara.Checkbox(
            label=_("Watch one run as it goes (the waiting time, participation and the hall)"),
            value=tasks.live_enabled.value,
            on_value=tasks.live_enabled.set,
        )
    if frame is None:
        return
    with solara.Card(classes=["govsim-live"]):
        solara.Text(
            _("{scenario}, run 1 (seed {seed}): day {day} of {days}{done}").format(
                scenario=frame.scenario,
                seed=frame.seed,
                day=frame.day + 1,
                days=frame.days,
                done=_(" - finished") if frame.finished else "",
            ),
            classes=["govsim-live-day"],
        )
        Prose(
            curve_svg(frame.wait_min, frame.days, title=_("Mean wait in the queues"), unit=_("min"))
            + curve_svg(
                frame.participation,
                frame.days,
                title=_("Took part so far this year"),
                unit="",
                top=None,
                percent=True,
                colour="#2e7d32",
            ),
            classes=["govsim-live-curves"],
        )
        Prose(hall_html(frame), classes=["govsim-live-hall-view"])
