"""The run panel: how many paired runs, how long, Run and Stop, progress, and why Run is blocked."""

from __future__ import annotations

import dataclasses

import solara

from sim.i18n import N_, _
from sim.ui import state, tasks
from sim.ui.components.fields import NumberField
from sim.ui.runner import POOL, RunSettings

#: The run lengths offered (N_: each reads in the planner's language), in days.
LENGTHS = {
    N_("3 months (91 days)"): 91,
    N_("6 months (182 days)"): 182,
    N_("1 year (365 days)"): 365,
    N_("2 years (730 days)"): 730,
    N_("3 years (1,095 days)"): 1095,
}
MAX_REPLICATIONS = 200


def settings_problems(s: RunSettings) -> list[str]:
    """What is wrong with the run settings (empty when they can run)."""
    out = []
    if not 2 <= s.replications <= MAX_REPLICATIONS:
        out.append(
            _("Paired runs: from 2 to {n} (two are the fewest that give an interval); got {got}.").format(
                n=MAX_REPLICATIONS, got=s.replications
            )
        )
    if s.seed < 0:
        out.append(_("Seed: 0 or more; got {got}.").format(got=s.seed))
    return out


# Long by design: the panel's widgets in the order the planner reads them, one after another.
@solara.component
def RunPanel():
    """Settings, the Run and Stop buttons, and the progress of the current run."""
    s = state.settings.value
    blocked = state.blocking_problems(state.drafts.value) + settings_problems(s)
    pending = tasks.run_task.pending
    done, total = tasks.progress.value
    # The choices as the planner reads them, each standing for its number of days.
    shown = {_(k): v for k, v in LENGTHS.items()}
    length_label = next((k for k, v in shown.items() if v == s.days), _("{n} days").format(n=s.days))
    lengths = list(shown) if length_label in shown else [*shown, length_label]

    with solara.Card(classes=["govsim-run"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "16px"}):
            NumberField(
                _("Paired runs per scenario"),
                s.replications,
                on_value=lambda v: state.settings.set(
                    dataclasses.replace(state.settings.value, replications=int(v))
                ),
                integer=True,
                style="max-width: 220px",
                classes=["govsim-replications"],
            )
            solara.Select(
                _("Length of each run"),
                values=lengths,
                value=length_label,
                on_value=lambda v: state.settings.set(
                    dataclasses.replace(state.settings.value, days=shown.get(v, s.days))
                ),
                style={"max-width": "220px"},
            )
            NumberField(
                _("Random seed"),
                s.seed,
                on_value=lambda v: state.settings.set(dataclasses.replace(state.settings.value, seed=int(v))),
                integer=True,
                style="max-width: 140px",
            )
            solara.Button(
                _("Run"),
                icon_name="mdi-play",
                color="primary",
                on_click=tasks.start_run,
                disabled=bool(blocked) or pending,
                classes=["govsim-run-button"],
            )
            if pending:
                solara.Button(
                    _("Stop"),
                    icon_name="mdi-stop",
                    color="error",
                    on_click=tasks.stop_run,
                    classes=["govsim-stop"],
                )
        solara.Text(
            _("{scenarios} scenarios x {runs} runs = {total} runs on {workers} worker processes.").format(
                scenarios=len(state.drafts.value),
                runs=s.replications,
                total=len(state.drafts.value) * s.replications,
                workers=POOL.workers,
            ),
            style={"font-size": "0.85em", "color": "#666"},
        )
        if pending:
            latest = tasks.run_task.latest
            drawing = latest is not None and total and done >= total
            # Moving stripes until the first run is back, so that a start does not look stuck.
            solara.ProgressLinear(100 * done / total if done else True)
            solara.Text(
                _("Drawing the figures...")
                if drawing
                else _("{done} of {total} runs done").format(done=done, total=total),
                classes=["govsim-progress"],
            )
        elif tasks.run_task.cancelled:
            solara.Warning(
                _("Stopped. The results below are from the last finished run.")
                if tasks.run_task.latest is not None
                else _("Stopped before any run finished: there are no results yet."),
                dense=True,
                classes=["govsim-stopped"],
            )
        elif tasks.run_task.error:
            solara.Error(
                _("The run failed: {error}").format(error=tasks.run_task.exception),
                classes=["govsim-run-error"],
            )
        for problem in blocked:
            solara.Error(problem, dense=True, classes=["govsim-blocked"])
