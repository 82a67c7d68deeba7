"""The District tab: pick a district file, choose the allocation rules or roll-out plans to compare,
the district's size and the runs, Run; the results are :mod:`district_results`'."""

from __future__ import annotations

from typing import Any

import solara

from sim.i18n import _
from sim.ui import district
from sim.ui.components.district_results import DistrictResultsView
from sim.ui.components.fields import NumberField
from sim.ui.components.text import Heading, Prose, esc
from sim.ui.runner import POOL


@solara.component
def DistrictPicker(current: Any):
    """The district files of the scenarios folder (a file that does not load says why)."""
    found = district.entries()
    if not found:
        solara.Warning(_("No district file in the scenarios folder."), classes=["govsim-district-none"])
        return
    shown = {f"{e.name} ({e.path.name})": e.path.name for e in found}
    value = next((k for k, v in shown.items() if current is not None and v == current.path.name), None)
    solara.Select(
        _("District file"),
        values=list(shown),
        value=value,
        on_value=lambda v: district.pick_file(shown[v]),
        classes=["govsim-district-picker"],
    )
    if current is not None and current.error:
        solara.Error(current.error, dense=True)


def facts_html(d: Any, c: district.DistrictChoice) -> str:
    """What the chosen district is, in a few lines (the size as chosen, not only the file's)."""
    sized = district.sized(d, c)
    types = ", ".join(f"{esc(_(t.label or t.name))} {round(100 * t.share)} %" for t in d.types)
    lines = [
        _("{n} communities in {k} sub-districts, {residents} residents.").format(
            n=sized.count, k=sized.settings["subdistricts"], residents=f"{sized.residents:,}"
        )
    ]
    if types:
        lines.append(_("Kinds of community: {types}.").format(types=types))
    rule = district.file_rule(d, district.ALLOCATION)
    lines.append(_("Budget split in the file: {rule} ({help}).").format(
        rule=esc(_(district.RULE_NAMES[rule])), help=esc(_(district.RULE_HELP[rule]))
    ))  # fmt: skip
    if district.has_rollout(d):
        s = d.settings
        text = _(
            "Roll-out: {reform} first in {share} % of the communities ({rule}) from month {pilot}, "
            "then in every community from month {everyone}."
        )
        if not s["rollout.everyone_month"]:
            text = _("Roll-out: {reform} in {share} % of the communities ({rule}) from month {pilot}.")
        lines.append(
            text.format(
                reform=esc(s["rollout.reform"]), share=round(100 * s["rollout.pilots"]),
                rule=esc(_(district.RULE_NAMES[s["rollout.rule"]])), pilot=s["rollout.pilot_month"],
                everyone=s["rollout.everyone_month"],
            )
        )  # fmt: skip
    return '<div class="govsim-district-facts">' + "".join(f"<p>{x}</p>" for x in lines) + "</div>"


@solara.component
def RuleChoice(d: Any, c: district.DistrictChoice):
    """Allocation rules, or (for a district with a roll-out) the roll-out's pilot rules."""
    modes = {_("Allocation rules (how the budget is split)"): district.ALLOCATION}
    if district.has_rollout(d):
        modes[_("Roll-out plans (which communities pilot first)")] = district.ROLLOUT
    mode = c.mode if c.mode in modes.values() else district.ALLOCATION
    if len(modes) > 1:
        solara.Select(
            _("Compare"),
            values=list(modes),
            value=next(k for k, v in modes.items() if v == mode),
            on_value=lambda v: district.set_mode(modes[v]),
            classes=["govsim-district-mode"],
        )
    else:
        Prose(_("<p>Compare allocation rules (this district has no roll-out to plan).</p>"))
    chosen = district.chosen_rules(d, c)
    with solara.Column(classes=["govsim-district-rules"], gap="0px"):
        for rule in district.RULES[mode]:
            solara.v.Checkbox(
                label=f"{_(district.RULE_NAMES[rule])}: {_(district.RULE_HELP[rule])}",
                v_model=rule in chosen,
                on_v_model=lambda on, rule=rule: district.toggle_rule(d, rule, bool(on)),
                dense=True,
                hide_details=True,
                class_=f"govsim-rule govsim-rule-{rule}",
            )
    if chosen:
        own = district.file_rule(d, mode)
        text = _("Reference (the others are compared with it): {name}.")
        if chosen[0] == own:
            text = _("Reference (the others are compared with it): {name}, the file's own rule.")
        solara.Text(text.format(name=_(district.RULE_NAMES[chosen[0]])), style={"font-size": "0.85em"})


@solara.component
def SizeControls(d: Any, c: district.DistrictChoice):
    """Communities and sub-districts (generated districts only), with the demonstration size."""
    if d.listed:
        return
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "16px"}):
        NumberField(
            _("Communities"),
            c.communities if c.communities is not None else d.count,
            on_value=lambda v: district.update(communities=int(v)),
            integer=True,
            style="max-width: 160px",
            classes=["govsim-district-communities"],
            report_to=district.report_field,
        )
        NumberField(
            _("Sub-districts"),
            c.subdistricts if c.subdistricts is not None else d.settings["subdistricts"],
            on_value=lambda v: district.update(subdistricts=int(v)),
            integer=True,
            style="max-width: 160px",
            report_to=district.report_field,
        )
        if district.sized(d, c).count > district.DEMO_COMMUNITIES:
            solara.Button(
                _("Demonstration size ({n} communities in {k} sub-districts)").format(
                    n=district.DEMO_COMMUNITIES, k=district.DEMO_SUBDISTRICTS
                ),
                on_click=lambda: district.update(
                    communities=district.DEMO_COMMUNITIES, subdistricts=district.DEMO_SUBDISTRICTS
                ),
                outlined=True,
                classes=["govsim-district-demo-size"],
            )


@solara.component
def Estimate(d: Any, c: district.DistrictChoice):
    """How many runs and roughly how long, warned about when it is long."""
    est = district.estimate(d, c, POOL.workers)
    text = _(
        "{runs} district runs ({rules} rules x {reps} paired runs, {n} communities each), "
        "{time} on {workers} worker processes."
    ).format(
        runs=est.runs, rules=len(district.chosen_rules(d, c)), reps=c.replications,
        n=district.sized(d, c).count, time=district.duration_text(est.seconds), workers=POOL.workers,
    )  # fmt: skip
    if est.seconds > district.LONG_S:
        solara.Warning(
            text + " " + _("That is long: try the demonstration size or a shorter run first."),
            dense=True,
            classes=["govsim-district-long"],
        )
    else:
        solara.Text(
            text, style={"font-size": "0.85em", "color": "#666"}, classes=["govsim-district-estimate"]
        )


# Long by design: the panel's widgets in the order the planner reads them, one after another.
@solara.component
def DistrictRunPanel(d: Any | None, c: district.DistrictChoice):
    """Paired runs, length, seed; Run and Stop; progress; what blocks Run."""
    task = district.district_task
    blocked = district.problems(d, c, POOL.workers)
    days = district.run_days(d, c) if d is not None else 365
    shown = {_(k): v for k, v in district.LENGTHS.items()}
    length = next((k for k, v in shown.items() if v == days), _("{n} days").format(n=days))
    with solara.Card(classes=["govsim-district-run"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "16px"}):
            NumberField(
                _("Paired runs per rule"),
                c.replications,
                on_value=lambda v: district.update(replications=int(v)),
                integer=True,
                style="max-width: 200px",
                classes=["govsim-district-replications"],
                report_to=district.report_field,
            )
            solara.Select(
                _("Length of each run"),
                values=list(shown) if length in shown else [*shown, length],
                value=length,
                on_value=lambda v: district.update(days=shown.get(v, days)),
                style={"max-width": "220px"},
                classes=["govsim-district-length"],
            )
            NumberField(
                _("Random seed"),
                c.seed,
                on_value=lambda v: district.update(seed=int(v)),
                integer=True,
                style="max-width: 140px",
                report_to=district.report_field,
            )
            solara.Button(
                _("Run"),
                icon_name="mdi-play",
                color="primary",
                on_click=district.start,
                disabled=bool(blocked) or task.pending,
                classes=["govsim-district-run-button"],
            )
            if task.pending:
                solara.Button(
                    _("Stop"), icon_name="mdi-stop", color="error", on_click=district.stop,
                    classes=["govsim-district-stop"],
                )  # fmt: skip
        if d is not None and not blocked:
            Estimate(d, c)
        if task.pending:
            done, total = district.progress.value
            solara.ProgressLinear(100 * done / total if done and total else True)
            solara.Text(
                _("{done} of {total} district runs done").format(done=done, total=total),
                classes=["govsim-district-progress"],
            )
        elif task.cancelled:
            solara.Warning(
                _("Stopped. The results below are from the last finished run.")
                if district.last.value is not None
                else _("Stopped before any run finished: there are no results yet."),
                dense=True,
                classes=["govsim-district-stopped"],
            )
        elif task.error:
            solara.Error(
                _("The run failed: {error}").format(error=task.exception), classes=["govsim-run-error"]
            )
        for problem in blocked:
            solara.Error(problem, dense=True, classes=["govsim-district-blocked"])


@solara.component
def DistrictView():
    """The tab: the district and what to compare on the left, the run and results on the right."""
    c = district.choice.value
    e = district.entry(c)
    d = e.scenario if e is not None else None
    Prose(
        _(
            "<p>A district of many communities that share one budget and the same departments. "
            "Compare how the district splits its money, or how a roll-out chooses its pilots: every "
            "rule meets the same communities and the same luck, run by run. The results say which "
            "communities lose, where they are and of what kind, not only the district's mean.</p>"
        )
    )
    with solara.ColumnsResponsive(default=[12, 12], large=[5, 7]):
        with solara.Column(style={"min-width": "0"}, classes=["govsim-district-controls"]):
            Heading(_("1. District"))
            DistrictPicker(e)
            if d is not None:
                Prose(facts_html(d, c))
                Heading(_("2. What to compare"))
                RuleChoice(d, c)
                Heading(_("3. Size"))
                SizeControls(d, c)
        with solara.Column(style={"min-width": "0"}, classes=["govsim-district-outcome"]):
            Heading(_("4. Run"))
            DistrictRunPanel(d, c)
            Heading(_("5. Results"))
            DistrictResultsView()
